//! The skill profile's tables: versioned snapshots with their skills and
//! repositories, and the items a user chose to hide.

pub mod profile_hidden;
pub mod profile_repository;
pub mod profile_skill;
pub mod profile_snapshot;
