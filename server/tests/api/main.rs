//! The integration suite: one binary, every test against a freshly spawned
//! application over HTTP. Tests marked with `db_tests!` run twice: on a
//! temporary SQLite file with the in-process store, and on a fresh
//! PostgreSQL database with Redis (a unique key prefix each). Tests marked
//! with `store_tests!` run on both store implementations.

#[macro_use]
mod helpers;

mod auth;
mod editing;
mod explore;
mod import_props;
mod imports;
mod instances;
mod jobs;
mod link_previews;
mod market;
mod market_sources;
mod notifications;
mod ops;
mod outage;
mod page_cache;
mod pages;
mod resumes;
mod rewriting;
mod sharing;
mod store;
mod tailoring;
