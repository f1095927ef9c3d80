//! Routed pages.

mod account;
mod landing;
mod not_found;

pub use account::{AccountSettings, SignIn, Welcome};
pub use landing::Landing;
pub use not_found::NotFound;
