//! The Proofolio server: start-up, the router (Leptos pages, the REST API,
//! operations endpoints), middleware and telemetry.

#![recursion_limit = "256"]

pub mod middleware;
pub mod routes;
pub mod startup;
pub mod telemetry;
