//! Notifications on the server: raising them (from likes and comments),
//! reading and marking them, mutes, the live stream, and the REST routes.

pub mod entities;
pub mod routes;
pub mod service;
