//! `server`: configuration, start-up and shutdown. Everything else is in the
//! library so the integration tests start the very same application.
//!
//! `server ingest-postings <file>` ingests job postings (JSON Lines, CSV or
//! a corpus issue file, optionally gzip'd) into the configured database and
//! prints the run's report.

use std::sync::Arc;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let settings = match app::platform::ssr::config::Settings::load() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("proofolio: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("ingest-postings") {
        return ingest_postings(&settings, &args[1..]).await;
    }
    let options = match server::startup::leptos_options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("proofolio: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    server::telemetry::init(&settings);
    if let Err(e) = load_builtin_postings(&settings).await {
        tracing::error!(error = ?e, "loading the built-in job postings failed");
    }
    match server::startup::run(settings, options).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = ?e, "proofolio stopped with an error");
            std::process::ExitCode::FAILURE
        }
    }
}

/// On the embedded default (SQLite) with no postings yet, load the vendored
/// corpus before serving, so `/market` has real numbers at once.
async fn load_builtin_postings(settings: &app::platform::ssr::config::Settings) -> anyhow::Result<()> {
    let url = settings.database_url();
    if !url.starts_with("sqlite:") {
        return Ok(());
    }
    let db = app::platform::ssr::db::connect(&url, 2).await?;
    let dict = Arc::new(app::github::ssr::analyze::Dictionaries::builtin());
    if let Some(report) = app::market::ssr::ingest::load_builtin_if_empty(&db, dict).await? {
        tracing::info!(
            part = "market",
            new = report.new,
            duplicates = report.duplicates,
            rejected = report.rejected,
            duration_ms = report.duration_ms,
            "embedded default: loaded the built-in job postings (谁在招人 via darknight/whoishiring-insight, Apache-2.0)"
        );
    }
    db.close().await?;
    Ok(())
}

async fn ingest_postings(settings: &app::platform::ssr::config::Settings, args: &[String]) -> std::process::ExitCode {
    let [file] = args else {
        eprintln!("usage: server ingest-postings <file.jsonl|file.csv|file.json>[.gz]");
        return std::process::ExitCode::from(2);
    };
    let db = match app::platform::ssr::db::connect(&settings.database_url(), 2).await {
        Ok(db) => db,
        Err(e) => {
            eprintln!("proofolio: cannot open the database: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let dict = Arc::new(app::github::ssr::analyze::Dictionaries::builtin());
    match app::market::ssr::ingest::ingest_path(&db, dict, std::path::Path::new(file)).await {
        Ok(report) => {
            print!("{report}");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("proofolio: {}", e.body().error.message);
            if let app::platform::ssr::error::AppError::Validation { fields } = &e {
                for (k, v) in fields {
                    eprintln!("  {k}: {v}");
                }
            }
            std::process::ExitCode::FAILURE
        }
    }
}
