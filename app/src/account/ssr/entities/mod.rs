//! The account tables: users, their sign-in identities, sessions, refresh
//! tokens, one-time login states and the security log.

pub mod auth_event;
pub mod identity;
pub mod login_state;
pub mod refresh_token;
pub mod session;
pub mod user;
