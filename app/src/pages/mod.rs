//! Routed pages.

mod account;
mod landing;
mod not_found;
mod preview;
mod resume;
mod skills;
pub mod skills_text;

pub use account::{AccountSettings, SignIn, Welcome};
pub use landing::Landing;
pub use not_found::NotFound;
pub use preview::{PreviewForm, PreviewPage};
pub use resume::ResumePage;
pub use skills::MySkills;
