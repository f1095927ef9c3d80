//! The notification tables: one row per person told, and mutes.

pub mod notification;
pub mod notification_mute;
