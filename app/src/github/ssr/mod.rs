//! The GitHub import: read a developer's work from GitHub's API (GraphQL
//! first, a few requests per hundred repositories), derive a skill profile
//! in which every skill carries its evidence, and keep it as a versioned
//! snapshot. Also the anonymous preview of any public account.

pub mod analyze;
pub mod client;
pub mod fetch;
pub mod import;
pub mod manifests;
pub mod preview;
pub mod preview_route;
pub mod queries;
pub mod routes;
pub mod sample;
pub mod text;
