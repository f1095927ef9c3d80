//! `server`: configuration, start-up and shutdown. Everything else is in the
//! library so the integration tests start the very same application.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let settings = match app::platform::ssr::config::Settings::load() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("proofolio: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let options = match server::startup::leptos_options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("proofolio: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    server::telemetry::init(&settings);
    match server::startup::run(settings, options).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = ?e, "proofolio stopped with an error");
            std::process::ExitCode::FAILURE
        }
    }
}
