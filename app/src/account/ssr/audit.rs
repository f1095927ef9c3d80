//! The security log: who, when, from where, what.

use super::sessions::ClientInfo;
use crate::account::ssr::entities::auth_event;
use crate::platform::ssr::error::AppResult;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};

pub struct Event {
    kind: &'static str,
    user_id: Option<String>,
    session_id: Option<String>,
    provider: Option<String>,
    detail: Option<String>,
    client: ClientInfo,
}

impl Event {
    pub fn new(kind: &'static str, client: &ClientInfo) -> Self {
        Self { kind, user_id: None, session_id: None, provider: None, detail: None, client: client.clone() }
    }
    pub fn user(mut self, id: &str) -> Self {
        self.user_id = Some(id.into());
        self
    }
    pub fn session(mut self, id: &str) -> Self {
        self.session_id = Some(id.into());
        self
    }
    pub fn provider(mut self, p: &str) -> Self {
        self.provider = Some(p.into());
        self
    }
    pub fn detail(mut self, d: impl Into<String>) -> Self {
        self.detail = Some(d.into());
        self
    }
}

pub async fn record<C: ConnectionTrait>(db: &C, e: Event) -> AppResult<()> {
    tracing::info!(event = e.kind, user = ?e.user_id, session = ?e.session_id, provider = ?e.provider, ip = ?e.client.ip, "auth event");
    auth_event::Entity::insert(auth_event::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        user_id: Set(e.user_id),
        session_id: Set(e.session_id),
        kind: Set(e.kind.to_string()),
        provider: Set(e.provider),
        ip: Set(e.client.ip),
        user_agent: Set(e.client.user_agent.map(|u| u.chars().take(300).collect())),
        detail: Set(e.detail),
        created_at: Set(chrono::Utc::now()),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}
