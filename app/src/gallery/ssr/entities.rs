//! The gallery's tables: one listing per public résumé and its skills.

pub mod gallery_listing {
    use sea_orm::entity::prelude::*;

    /// A public résumé as the gallery lists it (denormalised; see `listing`).
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "gallery_listings")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub resume_id: String,
        pub name: String,
        pub headline: String,
        pub summary: String,
        /// A job category code.
        pub role: Option<String>,
        /// The card's top skills (canonical names), a JSON array.
        pub skills: String,
        pub language: String,
        pub views: i64,
        pub likes: i64,
        pub comments: i64,
        /// When it became public, milliseconds since 1970 (UTC).
        pub published_ms: i64,
        /// The time-decayed score × 10⁶.
        pub trending: i64,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod gallery_skill {
    use sea_orm::entity::prelude::*;

    /// One skill of a listed résumé, for the skill filter.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "gallery_skills")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub resume_id: String,
        /// The dictionary's id, else the name case-folded.
        #[sea_orm(primary_key, auto_increment = false)]
        pub skill: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
