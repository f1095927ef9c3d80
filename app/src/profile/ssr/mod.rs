//! The skill profile on the server: versioned snapshots (saved by the
//! GitHub import, read by the pages, the API and résumé generation) and
//! the items a user hides.

pub mod entities;
pub mod profiles;
pub mod routes;
