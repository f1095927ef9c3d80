//! The public front: the landing page and the page for unknown addresses.

pub mod landing;
pub mod not_found;
