//! The job market on the server: ingestion (files, the vendored corpus),
//! aggregates in SQL, matching a posting against a skill profile, and the
//! REST routes. The same statements run on SQLite and PostgreSQL.

pub mod fit;
pub mod ingest;
pub mod routes;
pub mod sql;
pub mod stats;
