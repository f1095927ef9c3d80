//! The gallery on the server: the listing kept beside each public résumé,
//! the keyset-paged query over it, and `GET /api/v1/explore`.

pub mod entities;
pub mod listing;
pub mod query;
pub mod routes;
