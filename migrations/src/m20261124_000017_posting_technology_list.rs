//! Each posting's technologies as one short text on its row (`rust! go?
//! kafka`: `!` required, `?` preferred, bare mentioned), written with the
//! row, in place of the `posting_technologies` table (a row a technology
//! of a posting, with two indexes). The market's views are counted in one
//! streaming pass over the postings they select, reading that list, which
//! is exact for pairs too (the table needed a self-join a pair); and
//! storing a posting writes one row, not ten.
//!
//! Postings already stored get their list from the table before it goes;
//! going down, the table is filled again from the lists.

use sea_orm_migration::sea_orm::{DatabaseBackend, Statement, Value};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Postings {
    Table,
    Id,
    Technologies,
}

#[derive(DeriveIden)]
enum PostingTechnologies {
    Table,
    PostingId,
    TechId,
    Requirement,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter().table(Postings::Table).add_column(text(Postings::Technologies).default("")).to_owned(),
        )
        .await?;
        let concat = match m.get_database_backend() {
            DatabaseBackend::Postgres => "string_agg",
            _ => "group_concat",
        };
        m.get_connection()
            .execute_unprepared(&format!(
                "UPDATE postings SET technologies = COALESCE((SELECT {concat}(t.tech_id || \
                 CASE t.requirement WHEN 'required' THEN '!' WHEN 'preferred' THEN '?' ELSE '' END, ' ') \
                 FROM posting_technologies t WHERE t.posting_id = postings.id), '')"
            ))
            .await?;
        m.drop_table(Table::drop().table(PostingTechnologies::Table).to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(PostingTechnologies::Table)
                .col(integer(PostingTechnologies::PostingId))
                .col(string_len(PostingTechnologies::TechId, 100))
                .col(string_len(PostingTechnologies::Requirement, 16))
                .primary_key(Index::create().col(PostingTechnologies::PostingId).col(PostingTechnologies::TechId))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_posting_technologies_posting")
                        .from(PostingTechnologies::Table, PostingTechnologies::PostingId)
                        .to(Postings::Table, Postings::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_posting_technologies_tech_posting")
                .table(PostingTechnologies::Table)
                .col(PostingTechnologies::TechId)
                .col(PostingTechnologies::PostingId)
                .col(PostingTechnologies::Requirement)
                .to_owned(),
        )
        .await?;
        // The table again from the lists, a thousand postings at a time.
        let db = m.get_connection();
        let backend = m.get_database_backend();
        let mut after = 0i32;
        loop {
            let rows = db
                .query_all_raw(Statement::from_sql_and_values(
                    backend,
                    match backend {
                        DatabaseBackend::Postgres => {
                            "SELECT id, technologies FROM postings WHERE id > $1 ORDER BY id LIMIT 1000"
                        }
                        _ => "SELECT id, technologies FROM postings WHERE id > ? ORDER BY id LIMIT 1000",
                    },
                    [after.into()],
                ))
                .await?;
            let Some(last) = rows.last() else { break };
            after = last.try_get("", "id")?;
            for r in &rows {
                let id: i32 = r.try_get("", "id")?;
                let list: String = r.try_get("", "technologies")?;
                for item in list.split(' ').filter(|s| !s.is_empty()) {
                    let (tech, requirement) = match (item.strip_suffix('!'), item.strip_suffix('?')) {
                        (Some(t), _) => (t, "required"),
                        (_, Some(t)) => (t, "preferred"),
                        _ => (item, "mentioned"),
                    };
                    let insert = Query::insert()
                        .into_table(PostingTechnologies::Table)
                        .columns([
                            PostingTechnologies::PostingId,
                            PostingTechnologies::TechId,
                            PostingTechnologies::Requirement,
                        ])
                        .values_panic([
                            Value::from(id).into(),
                            Value::from(tech.to_string()).into(),
                            Value::from(requirement).into(),
                        ])
                        .to_owned();
                    m.exec_stmt(insert).await?;
                }
            }
        }
        m.alter_table(Table::alter().table(Postings::Table).drop_column(Postings::Technologies).to_owned()).await
    }
}
