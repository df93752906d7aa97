//! `onewindow serve`: the HTTP API on one address until Ctrl-C (or SIGTERM).

use crate::config::Config;
use crate::http::{AppState, router};
use crate::service::SystemClock;
use anyhow::Context;
use clap::Args as ClapArgs;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

/// Options of `onewindow serve`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// The address and port to listen on.
    #[arg(long, env = "ONEWINDOW_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
}

/// Opens the store, then serves until asked to stop; requests in flight finish first.
pub async fn run(config: &Config, args: Args) -> anyhow::Result<ExitCode> {
    let services = super::services(config, Arc::new(SystemClock)).await?;
    let backend = services.store.backend();
    let app = router(AppState::new(services).with_config(config));
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("无法监听 {}", args.listen))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, backend, "serving the HTTP API");
    println!(
        "onewindow 已启动：http://{addr}/ （接口文档 http://{addr}/api/docs，按 Ctrl-C 停止）"
    );
    // The peer address lets the sign-in rate limit count failures per client.
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .context("HTTP 服务异常停止")?;
    tracing::info!("stopped");
    println!("onewindow 已停止");
    Ok(ExitCode::SUCCESS)
}

/// Resolves on Ctrl-C, or on SIGTERM where there is one (systemd, containers).
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: finishing requests in flight");
}
