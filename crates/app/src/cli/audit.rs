//! `onewindow audit verify`: walks the hash-chained audit log and names the
//! first record that was altered, removed or reordered.

use crate::config::Config;
use clap::Subcommand;
use std::process::ExitCode;

/// Audit subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the whole audit chain; exits 1 and names the first bad record if it is broken.
    Verify,
}

/// Runs an audit subcommand.
pub async fn run(config: &Config, cmd: Command) -> anyhow::Result<ExitCode> {
    let store = super::open_store(config).await?;
    match cmd {
        Command::Verify => {
            let report = store.verify_audit().await?;
            match report.first_bad {
                None => {
                    println!("审计日志完好：共 {} 条记录，哈希链完整", report.checked);
                    Ok(ExitCode::SUCCESS)
                }
                Some((seq, why)) => {
                    println!("审计日志异常：第 {seq} 条记录不可信。{why}");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
    }
}
