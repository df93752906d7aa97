//! The `onewindow` command line: one file per subcommand, each with its
//! options struct and a `run`.

mod audit;
mod calendar;
mod catalog;
mod demo;
pub mod open311;
mod serve;
mod sweep;
mod token;

use crate::config::Config;
use chrono::Utc;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use store::Store;

/// onewindow (一窗通办): one window for every government service.
#[derive(Debug, Parser)]
#[command(name = "onewindow", version, about)]
pub struct Cli {
    /// A TOML configuration file (default: ./onewindow.toml when present).
    #[arg(long, global = true, env = "ONEWINDOW_CONFIG")]
    pub config: Option<PathBuf>,
    /// Directory for the SQLite database file (default: ./data).
    #[arg(long, global = true, env = "ONEWINDOW_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Use PostgreSQL: a postgres://user:password@host/db URL.
    #[arg(
        long,
        global = true,
        env = "ONEWINDOW_DATABASE_URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load the default units, catalog and demo cases (once), show them, then serve.
    Demo(demo::DemoArgs),
    /// Create or update the database schema, and load the defaults into a new database.
    Migrate,
    /// Print the configuration in force (secrets redacted).
    Config,
    /// Working-day calendar: check days, add and count working days, load a year.
    #[command(subcommand)]
    Calendar(calendar::Command),
    /// Service catalog: list, show, search, Excel import and export.
    #[command(subcommand)]
    Catalog(catalog::Command),
    /// Audit log: verify the hash chain.
    #[command(subcommand)]
    Audit(audit::Command),
    /// Daily jobs: flag 容缺 supplements not made by their date.
    Sweep,
    /// Serve the JSON API (and its docs at /api/docs) until Ctrl-C.
    Serve(serve::Args),
    /// API tokens: create one for a user.
    #[command(subcommand)]
    Token(token::Command),
    /// Open311 GeoReport v2: API keys for client applications.
    #[command(subcommand)]
    Open311(open311::Command),
}

impl Cli {
    /// The configuration: defaults, file, then environment and flags.
    pub fn resolve_config(&self) -> anyhow::Result<Config> {
        let mut config = Config::from_file(self.config.as_deref())?;
        if let Some(d) = &self.data_dir {
            config.data_dir = d.clone();
        }
        if let Some(u) = &self.database_url {
            config.database_url = Some(u.clone());
        }
        Ok(config)
    }
}

/// Opens the configured store, migrating it and loading the defaults on first use.
pub(crate) async fn open_store(config: &Config) -> anyhow::Result<Arc<dyn Store>> {
    let url = config.database();
    store::open(&url, Utc::now())
        .await
        .map_err(|e| anyhow::anyhow!("无法打开数据库 {}：{e}", store::redact_url(&url)))
}

/// The service layer over the configured store, with the county's rules.
pub(crate) async fn services(
    config: &Config,
    clock: Arc<dyn crate::service::Clock>,
) -> anyhow::Result<crate::service::Services> {
    let store = open_store(config).await?;
    let mut svc = crate::service::Services::new(store, clock, config.warning_rule()).await?;
    svc.online_intake_unit
        .clone_from(&config.online_intake_unit);
    svc.ticket_limits.clone_from(&config.hotline);
    svc.data_dir.clone_from(&config.data_dir);
    svc.evaluation = config.evaluation;
    Ok(svc)
}

/// Who a change made at the terminal is attributed to in the audit log:
/// the operating-system user, acting for the county.
pub(crate) fn cli_actor() -> store::Actor {
    let who = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".into());
    store::Actor {
        username: format!("cli:{who}"),
        unit: domain::defaults::COUNTY_UNIT.into(),
    }
}

/// Runs the command line and turns the outcome into an exit code; errors are
/// printed in Chinese for the person at the terminal.
pub fn main(cli: Cli) -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ONEWINDOW_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("错误：无法启动运行时：{e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let config = cli.resolve_config()?;
    match cli.command {
        Command::Config => {
            print!("{}", config.to_redacted_toml());
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate => {
            let store = open_store(&config).await?;
            println!(
                "数据库已就绪（{}）：{}",
                store.backend(),
                store::redact_url(&config.database())
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo(args) => demo::run(&config, args).await,
        Command::Calendar(cmd) => calendar::run(&config, cmd).await,
        Command::Catalog(cmd) => catalog::run(&config, cmd).await,
        Command::Audit(cmd) => audit::run(&config, cmd).await,
        Command::Sweep => sweep::run(&config).await,
        Command::Serve(args) => serve::run(&config, args).await,
        Command::Token(cmd) => token::run(&config, cmd).await,
        Command::Open311(cmd) => open311::run(&config, cmd).await,
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
