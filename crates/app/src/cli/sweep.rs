//! `onewindow sweep`: the daily jobs. For now: every 容缺 supplement not
//! made by its date is flagged and recorded as a broken commitment. Run it
//! once a day (e.g. from cron, shortly after midnight Asia/Shanghai).

use crate::config::Config;
use crate::service::SystemClock;
use std::process::ExitCode;
use std::sync::Arc;

/// Runs the daily sweep and says what it did.
pub async fn run(config: &Config) -> anyhow::Result<ExitCode> {
    let svc = super::services(config, Arc::new(SystemClock)).await?;
    let flagged = svc.sweep_overdue_supplements().await?;
    println!("容缺材料逾期未补：已标记 {flagged} 件，并记入失信承诺记录");
    Ok(ExitCode::SUCCESS)
}
