//! Stand-ins for the internet services Proofolio depends on, speaking their
//! real wire formats, for the integration and browser tests (and for trying
//! the product offline). Never linked into the server.

pub mod boards;
pub mod github;
pub mod llm;
