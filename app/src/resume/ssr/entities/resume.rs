use crate::resume::types::{Lang, ResumeStatus, WriterKind};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "resumes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub user_id: String,
    pub language: Lang,
    pub target_role: Option<String>,
    pub status: ResumeStatus,
    pub writer: WriterKind,
    pub model: Option<String>,
    pub document: Option<Json>,
    pub prompt_tokens: i32,
    pub completion_tokens: i32,
    pub llm_calls: i32,
    #[sea_orm(column_type = "Double")]
    pub cost_usd: f64,
    pub error: Option<String>,
    pub job_id: Option<String>,
    pub profile_version: i32,
    /// Incremented by every change to `document`: what a save must name.
    pub version: i32,
    pub title: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
