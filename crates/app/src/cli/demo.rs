//! `onewindow demo`: prepares the database with the default data and demo
//! cases, shows what a new user can try, then serves onewindow.

use crate::config::Config;
use clap::Args as ClapArgs;
use std::process::ExitCode;

/// Options of `onewindow demo`.
#[derive(Debug, ClapArgs)]
pub struct DemoArgs {
    /// Prepare the data and exit instead of serving.
    #[arg(long)]
    pub no_serve: bool,
    /// Where to serve.
    #[command(flatten)]
    pub serve: super::serve::Args,
}

/// The password every demo account gets (README: 演示账号). Only `onewindow
/// demo` sets it, and only on accounts that have none; `serve` never does.
pub const DEMO_PASSWORD: &str = "onewindow-demo";

/// Gives every shipped demo account (`domain/data/users.toml`) that has no
/// password the demo password; returns how many. Accounts an admin made
/// are never touched.
async fn set_demo_passwords(store: &dyn store::Store) -> anyhow::Result<usize> {
    let mut set = 0;
    for user in domain::defaults::users()? {
        let account = match store.account(&user.username).await {
            Ok(a) => a,
            Err(store::StoreError::NotFound(_)) => continue,
            Err(e) => return Err(e.into()),
        };
        if account.password_hash.is_none() && !account.disabled {
            let hash = crate::service::hash_password(DEMO_PASSWORD)?;
            store
                .set_password(
                    &user.username,
                    Some(&hash),
                    &super::cli_actor(),
                    chrono::Utc::now(),
                )
                .await?;
            set += 1;
        }
    }
    Ok(set)
}

/// Opens (and on first use fills) the database, prints what it holds, then serves.
pub async fn run(config: &Config, args: DemoArgs) -> anyhow::Result<ExitCode> {
    let store = super::open_store(config).await?;
    let today = crate::service::shanghai_today(chrono::Utc::now());
    let made = crate::demo::generate(store.clone(), today, 4).await?;
    if made.cases > 0 {
        println!(
            "已生成 {} 件演示办件（覆盖各办理状态与正常/预警/超期）",
            made.cases
        );
    }
    // Said below with the accounts; the same lines every start.
    let passwords = set_demo_passwords(&*store).await?;
    tracing::info!(passwords, "demo passwords set");
    let units = store.units().await?;
    let users = store.users().await?;
    let catalog = store.catalog().await?;
    let cal = super::calendar::calendar(&*store).await?;
    println!(
        "onewindow 一窗通办 — 数据库：{}（{}）",
        store::redact_url(&config.database()),
        store.backend()
    );
    println!(
        "单位 {} 个，用户 {} 个，事项 {} 个，证明事项清单 {} 项",
        units.len(),
        users.len(),
        catalog.matters.len(),
        catalog.certificates.len()
    );
    let counts = store.sla_counts(today, None).await?;
    println!(
        "在办办件：正常 {}，预警 {}，超期 {}，暂停计时 {}",
        counts.normal, counts.warning, counts.overdue, counts.paused
    );
    let ever = |y| chrono::NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or_default();
    let ratings = store.ratings(ever(2000), ever(2100)).await?;
    let orders = store
        .rectifications(&store::RectificationFilter::default())
        .await?;
    let tickets = store.list_tickets(&store::TicketFilter::default()).await?;
    println!(
        "好差评 {} 条（整改单 {} 张），12345 热线工单 {} 件",
        ratings.len(),
        orders.len(),
        tickets.len()
    );
    let years = cal.years();
    if let (Some(first), Some(last)) = (years.first(), years.last()) {
        println!("工作日历：已载入 {first}–{last} 年的法定节假日安排");
    }
    println!("\n演示账号（密码均为 {DEMO_PASSWORD}，登录 http://…/login）：");
    for u in &users {
        println!(
            "  {:<20} {:<10} {}（{}）",
            u.username,
            u.display_name,
            u.role.label_zh(),
            u.unit
        );
    }
    println!("\n试试：");
    println!("  onewindow catalog search 营业执照");
    println!("  onewindow calendar add 2026-09-30 3");
    println!("  onewindow catalog export 目录.xlsx");
    println!("  onewindow token create clerk    # 为演示账号生成 API 令牌");
    if args.no_serve {
        return Ok(ExitCode::SUCCESS);
    }
    println!();
    super::serve::run(config, args.serve).await
}
