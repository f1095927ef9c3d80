//! The HTTP frame around the capabilities: the `/api/v1` document and
//! router (each capability's routes live in its own folder under `app/`),
//! the language switch and the operations endpoints.

pub mod api;
pub mod lang;
pub mod ops;
