//! sea-orm entities, one module per table. The schema itself lives in the
//! `migration` crate; these mirror it.

pub mod job;
