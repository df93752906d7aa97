//! `onewindow calendar …`: working-day queries on the shipped arrangements
//! plus any year an admin has loaded into the database.

use crate::config::Config;
use chrono::{NaiveDate, Utc};
use clap::Subcommand;
use domain::calendar::{Calendar, parse_arrangements};
use domain::catalog::WorkingDays;
use std::path::PathBuf;
use std::process::ExitCode;
use store::Store;

/// Calendar subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print `yes` or `no`: is DATE a working day? (`provisional` follows for unloaded years)
    IsWorkday {
        /// A date, YYYY-MM-DD.
        date: NaiveDate,
    },
    /// Print the deadline N working days after DATE (the day itself does not count; 0 = 即办).
    Add {
        /// The acceptance date, YYYY-MM-DD.
        date: NaiveDate,
        /// Working days.
        days: u32,
    },
    /// Print the number of working days from FROM to TO, both included.
    Count {
        /// First day, YYYY-MM-DD.
        from: NaiveDate,
        /// Last day, YYYY-MM-DD.
        to: NaiveDate,
    },
    /// Load a year's official arrangement from a TOML file (format in the README).
    Load {
        /// The arrangement file.
        file: PathBuf,
    },
    /// List the years whose official arrangement is loaded.
    Years,
}

/// The calendar in force: the shipped years overridden by those loaded into the store.
pub(crate) async fn calendar(store: &dyn Store) -> anyhow::Result<Calendar> {
    let mut years = Calendar::official()
        .years()
        .into_iter()
        .filter_map(|y| Calendar::official().arrangement(y).cloned())
        .collect::<Vec<_>>();
    years.extend(store.calendar_years().await?);
    Ok(Calendar::new(years)?)
}

fn mark(provisional: bool) -> &'static str {
    if provisional { " provisional" } else { "" }
}

/// Runs a calendar subcommand.
pub async fn run(config: &Config, cmd: Command) -> anyhow::Result<ExitCode> {
    let store = super::open_store(config).await?;
    match cmd {
        Command::IsWorkday { date } => {
            let d = calendar(&*store).await?.is_workday(date);
            println!(
                "{}{}",
                if d.value { "yes" } else { "no" },
                mark(d.provisional)
            );
        }
        Command::Add { date, days } => {
            let d = calendar(&*store)
                .await?
                .add_workdays(date, WorkingDays(days));
            println!("{}{}", d.value.format("%Y-%m-%d"), mark(d.provisional));
        }
        Command::Count { from, to } => {
            let d = calendar(&*store).await?.count_workdays(from, to);
            println!("{}{}", d.value, mark(d.provisional));
        }
        Command::Load { file } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| anyhow::anyhow!("无法读取 {}：{e}", file.display()))?;
            let years = parse_arrangements(&text)?;
            let mut cal = calendar(&*store).await?;
            for y in &years {
                cal = cal.with_year(y.clone())?;
            }
            for y in &years {
                store
                    .put_calendar_year(y, &super::cli_actor(), Utc::now())
                    .await?;
                println!("已载入 {} 年节假日安排：{}", y.year, y.notice);
            }
        }
        Command::Years => {
            let cal = calendar(&*store).await?;
            for y in cal.years() {
                let notice = cal
                    .arrangement(y)
                    .map(|a| a.notice.as_str())
                    .unwrap_or_default();
                println!("{y}\t{notice}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
