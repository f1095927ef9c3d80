//! sea-orm entities, one module per table. The schema itself lives in the
//! `migration` crate; these mirror it.

pub mod auth_event;
pub mod generation;
pub mod identity;
pub mod job;
pub mod login_state;
pub mod profile_hidden;
pub mod profile_repository;
pub mod profile_skill;
pub mod profile_snapshot;
pub mod refresh_token;
pub mod resume;
pub mod session;
pub mod user;
