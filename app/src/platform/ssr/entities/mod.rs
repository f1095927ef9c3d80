//! The platform's own tables (the job queue). Each capability keeps its
//! entities in its own `ssr/entities`; the schema lives in `migrations/`.

pub mod job;
