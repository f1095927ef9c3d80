//! Sharing on the server: links and visibility, reading by link, likes,
//! view counting, the kept pages.

pub mod comments;
pub mod entities;
pub mod images;
pub mod page_cache;
pub mod routes;
pub mod service;
pub mod views;
