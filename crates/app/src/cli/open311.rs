//! `onewindow open311 …`: API keys for Open311 GeoReport v2 clients.

use crate::config::Config;
use crate::http::auth::{hash_token, new_token};
use chrono::{DateTime, Utc};
use clap::Subcommand;
use std::process::ExitCode;
use store::Store;

/// Open311 subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// API keys of Open311 clients.
    #[command(subcommand)]
    Key(KeyCommand),
}

/// Open311 key subcommands.
#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Make a key for a client and print it (once; only its hash is kept).
    Create {
        /// The client's name, e.g. city-app.
        name: String,
    },
}

/// Runs an open311 subcommand.
pub async fn run(config: &Config, cmd: Command) -> anyhow::Result<ExitCode> {
    let store = super::open_store(config).await?;
    match cmd {
        Command::Key(KeyCommand::Create { name }) => {
            let key = create_key(&*store, &name, Utc::now()).await?;
            println!("{key}");
            eprintln!("已为 Open311 客户端“{name}”生成 api_key。密钥只显示这一次，请妥善保存；");
            eprintln!("提交诉求时在 POST /open311/v2/requests.json 的表单中带上 api_key=<密钥>");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Makes a key for a named client and stores its hash; returns the key.
pub async fn create_key(
    store: &dyn Store,
    name: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    let name = name.trim();
    if name.is_empty() || name.len() > 64 {
        anyhow::bail!("客户端名称须为 1–64 个字符");
    }
    let key = new_token().map_err(|e| anyhow::anyhow!("无法取得系统随机数：{e}"))?;
    store
        .put_open311_key(name, &hash_token(&key), &super::cli_actor(), now)
        .await
        .map_err(|e| match e {
            store::StoreError::Conflict(_) => anyhow::anyhow!("客户端名称“{name}”已被使用"),
            e => e.into(),
        })?;
    tracing::info!(client = name, "Open311 API key issued");
    Ok(key)
}
