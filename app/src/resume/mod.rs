//! Résumés: wire types and the server functions the résumé pages read through.

pub mod types;
