//! Database connection and migrations, the same for SQLite and PostgreSQL.

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr};
use std::time::Duration;

/// Connect and bring the schema up to date. For a SQLite file, its folder is
/// created and write-ahead logging is switched on so readers do not wait for
/// writers (the job worker and web requests share the file).
pub async fn connect(url: &str, max_connections: u32) -> Result<DatabaseConnection, DbErr> {
    if let Some(path) = sqlite_path(url) {
        if let Some(dir) = std::path::Path::new(&path).parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", dir.display())))?;
        }
    }
    let mut options = ConnectOptions::new(url.to_string());
    options
        .max_connections(max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5))
        .sqlx_logging(false)
        // On every SQLite connection: write-ahead logging (readers do not
        // wait for the writer), fsync at checkpoints rather than at every
        // commit (WAL keeps the file consistent; a power cut can lose the
        // last commits, never corrupt), and a page cache of up to 32 MiB
        // (SQLite's 2 MiB makes a bulk ingest re-read its index pages from
        // the OS for every batch). The cache fills only as pages are read.
        .map_sqlx_sqlite_opts(|o| {
            o.pragma("journal_mode", "WAL")
                .pragma("synchronous", "NORMAL")
                .pragma("cache_size", "-32768")
                .pragma("temp_store", "MEMORY")
        });
    let db = Database::connect(options).await?;
    migrate(&db).await?;
    Ok(db)
}

/// An arbitrary, fixed key: "proofolio migrations".
const MIGRATION_LOCK: i64 = 0x7072_6f6f_666f_6c69;

/// Bring the schema up to date. Instances starting at the same moment on
/// one PostgreSQL database take turns: the first holds an advisory lock
/// (inside a transaction kept open on one connection) while it migrates;
/// the others wait for it, then find nothing left to do.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    use sea_orm::{Statement, TransactionTrait};
    if db.get_database_backend() != DbBackend::Postgres {
        return Migrator::up(db, None).await;
    }
    let guard = db.begin().await?;
    guard
        .execute_raw(Statement::from_string(
            DbBackend::Postgres,
            format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"),
        ))
        .await?;
    let result = Migrator::up(db, None).await;
    guard.commit().await?;
    result
}

pub fn backend_name(db: &DatabaseConnection) -> &'static str {
    match db.get_database_backend() {
        DbBackend::Postgres => "postgres",
        DbBackend::Sqlite => "sqlite",
        _ => "other",
    }
}

fn sqlite_path(url: &str) -> Option<String> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then(|| path.to_string())
}

/// Begin a transaction that will write. On SQLite it takes the write lock
/// at once (`BEGIN IMMEDIATE`): a deferred transaction that reads first and
/// writes later fails with "database is locked" when another writer got in
/// between, instead of waiting its turn. PostgreSQL ignores the option.
pub async fn begin_write(db: &sea_orm::DatabaseConnection) -> Result<sea_orm::DatabaseTransaction, sea_orm::DbErr> {
    use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

#[cfg(test)]
mod tests {
    #[test]
    fn sqlite_paths_are_found_in_urls() {
        assert_eq!(super::sqlite_path("sqlite://data/p.db?mode=rwc").as_deref(), Some("data/p.db"));
        assert_eq!(super::sqlite_path("sqlite::memory:"), None);
        assert_eq!(super::sqlite_path("postgres://x/y"), None);
    }
}
