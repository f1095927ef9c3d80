//! The résumé tables: résumés and the ledger of generations (quota).

pub mod generation;
pub mod resume;
pub mod resume_version;
