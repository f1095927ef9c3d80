//! The skill profile: its wire types (shared with the browser) and the
//! server functions "My skills" reads through.

pub mod types;
