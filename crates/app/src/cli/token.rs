//! `onewindow token …`: API tokens for the HTTP API.

use crate::config::Config;
use crate::http::auth::{hash_token, new_token};
use chrono::{DateTime, Utc};
use clap::Subcommand;
use std::process::ExitCode;
use store::Store;

/// Token subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Make a new API token for a user and print it (once; only its hash is kept).
    Create {
        /// The user's login name, e.g. clerk.
        username: String,
    },
}

/// Runs a token subcommand.
pub async fn run(config: &Config, cmd: Command) -> anyhow::Result<ExitCode> {
    let store = super::open_store(config).await?;
    match cmd {
        Command::Create { username } => {
            let token = create(&*store, &username, Utc::now()).await?;
            // The token alone on stdout, so a script can capture it; the advice on stderr.
            println!("{token}");
            eprintln!("已为用户“{username}”生成 API 令牌。令牌只显示这一次，请妥善保存；");
            eprintln!("调用接口时使用请求头：Authorization: Bearer <令牌>");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Makes a token for an existing user and stores its hash; returns the token.
pub async fn create(
    store: &dyn Store,
    username: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    if !store.users().await?.iter().any(|u| u.username == username) {
        anyhow::bail!("没有用户“{username}”");
    }
    let token = new_token().map_err(|e| anyhow::anyhow!("无法取得系统随机数：{e}"))?;
    store
        .put_api_token(username, &hash_token(&token), now)
        .await?;
    tracing::info!(user = username, "API token issued");
    Ok(token)
}
