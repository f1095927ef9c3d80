pub use sea_orm_migration::prelude::*;

mod m20261122_000001_create_jobs;
mod m20261122_000002_create_accounts;
mod m20261122_000003_create_profiles;
mod m20261122_000004_create_resumes;
mod m20261123_000005_create_login_states;
mod m20261123_000006_generation_ledger;
mod m20261123_000007_job_checkpoints;
mod m20261123_000008_resume_versions;
mod m20261123_000009_market;
mod m20261123_000010_sharing;
mod m20261123_000011_comments;
mod m20261123_000012_notifications;
mod m20261123_000013_gallery;
mod m20261123_000014_market_sources;
mod m20261123_000015_posting_industry;
mod m20261123_000016_posting_technologies_cover;
mod m20261124_000017_posting_technology_list;
mod m20261124_000018_near_duplicate_cover;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_jobs::Migration),
            Box::new(m20261122_000002_create_accounts::Migration),
            Box::new(m20261122_000003_create_profiles::Migration),
            Box::new(m20261122_000004_create_resumes::Migration),
            Box::new(m20261123_000005_create_login_states::Migration),
            Box::new(m20261123_000006_generation_ledger::Migration),
            Box::new(m20261123_000007_job_checkpoints::Migration),
            Box::new(m20261123_000008_resume_versions::Migration),
            Box::new(m20261123_000009_market::Migration),
            Box::new(m20261123_000010_sharing::Migration),
            Box::new(m20261123_000011_comments::Migration),
            Box::new(m20261123_000012_notifications::Migration),
            Box::new(m20261123_000013_gallery::Migration),
            Box::new(m20261123_000014_market_sources::Migration),
            Box::new(m20261123_000015_posting_industry::Migration),
            Box::new(m20261123_000016_posting_technologies_cover::Migration),
            Box::new(m20261124_000017_posting_technology_list::Migration),
            Box::new(m20261124_000018_near_duplicate_cover::Migration),
        ]
    }
}
