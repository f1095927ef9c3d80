//! The job market on the server: ingestion (files, the vendored corpus,
//! job boards and feeds on a schedule, uploads by administrators),
//! aggregates in SQL, matching a posting against a skill profile, and the
//! REST routes. The same statements run on SQLite and PostgreSQL.

pub mod admin;
pub mod csv_records;
pub mod fit;
pub mod ingest;
pub mod routes;
pub mod runs;
pub mod schedule;
pub mod sources;
pub mod sql;
pub mod stats;
pub mod tailor;
