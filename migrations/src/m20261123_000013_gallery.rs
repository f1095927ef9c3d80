//! The gallery (`/explore`): one denormalised row per public résumé, what a
//! card shows and what the list sorts on, kept up to date when the résumé
//! is published, unpublished or saved and when its views, likes and
//! comments change; and its skills, one row each, for the skill filter.
//!
//! Every sort key is an integer with an index `(key, resume_id)`, so a page
//! is an index range after the last row's key (keyset pagination, never
//! OFFSET), the same SQL on SQLite and PostgreSQL. The rows go with the
//! résumé (and so with its account); a skill row goes with its listing.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum GalleryListings {
    Table,
    ResumeId,
    /// `basics.name`
    Name,
    /// `basics.label`
    Headline,
    /// The summary's first sentence.
    Summary,
    /// The target role as a job category code (`backend`, `frontend`, …).
    Role,
    /// The card's top skills (canonical names), a JSON array.
    Skills,
    /// `ko` | `en`
    Language,
    Views,
    Likes,
    Comments,
    /// When it became public, milliseconds since 1970 (UTC).
    PublishedMs,
    /// The time-decayed score × 10⁶ (see the app's `gallery::ssr::listing`).
    Trending,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum GallerySkills {
    Table,
    ResumeId,
    /// The dictionary's id (`react`, `kubernetes`), else the name case-folded.
    Skill,
}

#[derive(DeriveIden)]
enum Resumes {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(GalleryListings::Table)
                .if_not_exists()
                .col(string_len(GalleryListings::ResumeId, 36).primary_key())
                .col(string_len(GalleryListings::Name, 120))
                .col(string_len(GalleryListings::Headline, 160))
                .col(string_len(GalleryListings::Summary, 400))
                .col(string_len_null(GalleryListings::Role, 16))
                .col(text(GalleryListings::Skills))
                .col(string_len(GalleryListings::Language, 8))
                .col(big_integer(GalleryListings::Views).default(0))
                .col(big_integer(GalleryListings::Likes).default(0))
                .col(big_integer(GalleryListings::Comments).default(0))
                .col(big_integer(GalleryListings::PublishedMs))
                .col(big_integer(GalleryListings::Trending))
                .col(timestamp_with_time_zone(GalleryListings::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_gallery_listings_resume")
                        .from(GalleryListings::Table, GalleryListings::ResumeId)
                        .to(Resumes::Table, Resumes::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        for (name, key) in [
            ("idx_gallery_trending", GalleryListings::Trending),
            ("idx_gallery_views", GalleryListings::Views),
            ("idx_gallery_likes", GalleryListings::Likes),
            ("idx_gallery_newest", GalleryListings::PublishedMs),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(GalleryListings::Table)
                    .col(key)
                    .col(GalleryListings::ResumeId)
                    .to_owned(),
            )
            .await?;
        }
        m.create_index(
            Index::create()
                .name("idx_gallery_role")
                .table(GalleryListings::Table)
                .col(GalleryListings::Role)
                .col(GalleryListings::Trending)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(GallerySkills::Table)
                .if_not_exists()
                .col(string_len(GallerySkills::ResumeId, 36))
                .col(string_len(GallerySkills::Skill, 100))
                .primary_key(Index::create().col(GallerySkills::ResumeId).col(GallerySkills::Skill))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_gallery_skills_listing")
                        .from(GallerySkills::Table, GallerySkills::ResumeId)
                        .to(GalleryListings::Table, GalleryListings::ResumeId)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_gallery_skills_skill")
                .table(GallerySkills::Table)
                .col(GallerySkills::Skill)
                .col(GallerySkills::ResumeId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(GallerySkills::Table).if_exists().to_owned()).await?;
        m.drop_table(Table::drop().table(GalleryListings::Table).if_exists().to_owned()).await
    }
}
