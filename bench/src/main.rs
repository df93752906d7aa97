//! onewindow's benchmark harness (issue 6). One command runs every scenario,
//! prints a table and writes a JSON results file:
//!
//! ```text
//! cargo run --release -p bench -- all            # the full run (about an hour)
//! cargo run --release -p bench -- all --smoke    # tiny sizes, to prove it still works
//! ```
//!
//! See bench/README.md for what each scenario measures and what limits it.

mod breakdown;
mod calendar;
mod engine;
mod generate;
mod http;
mod limit;
mod loadgen;
mod machine;
mod peers;
mod report;
mod scale;

use anyhow::Context;
use clap::{Parser, Subcommand};
use report::Report;
use std::path::PathBuf;

/// onewindow's benchmarks.
#[derive(Debug, Parser)]
#[command(name = "bench")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run every scenario (or those named with --only), print the table, write the JSON.
    All(Options),
}

/// What to run and how big.
#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// Tiny sizes: proves the harness works in well under two minutes; figures mean nothing.
    #[arg(long)]
    pub smoke: bool,
    /// Only these scenarios (comma-separated): engine, limit, peers, http, scale, calendar.
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    /// Where to write the JSON results (default: bench/results/results.json, or
    /// target/bench-smoke.json with --smoke).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Cases through the engine scenarios (default 20,000; smoke 200).
    #[arg(long)]
    pub cases: Option<usize>,
    /// Cases in the database the HTTP scenario serves (default 1,000,000; smoke 2,000).
    #[arg(long)]
    pub http_cases: Option<usize>,
    /// Seconds of HTTP load (default 30; smoke 3).
    #[arg(long)]
    pub http_seconds: Option<u64>,
    /// Cases generated for the scale scenario (default 10,000,000; smoke 20,000).
    #[arg(long)]
    pub scale_cases: Option<usize>,
    /// PostgreSQL server for the scale scenario (a database is created and
    /// dropped on it); `none` skips PostgreSQL.
    #[arg(
        long,
        env = "BENCH_DATABASE_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    pub pg_url: String,
    /// Directory for the generated databases (default: the system temp dir).
    #[arg(long, env = "BENCH_TMPDIR")]
    pub tmpdir: Option<PathBuf>,
}

impl Options {
    fn wants(&self, scenario: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|s| s == scenario)
    }
    fn size(&self, given: Option<usize>, full: usize, smoke: usize) -> usize {
        given.unwrap_or(if self.smoke { smoke } else { full })
    }
    /// Cases per engine run.
    pub fn engine_cases(&self) -> usize {
        self.size(self.cases, 20_000, 200)
    }
}

/// The bench crate's directory (bench/), where the peers' programs live.
pub fn bench_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn main() -> anyhow::Result<()> {
    let Command::All(opts) = Cli::parse().command;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the tokio runtime")?;
    runtime.block_on(run(opts))
}

async fn run(opts: Options) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let tmp_parent = opts.tmpdir.clone().unwrap_or_else(std::env::temp_dir);
    let tmp = tempfile::Builder::new()
        .prefix("onewindow-bench-")
        .tempdir_in(&tmp_parent)
        .with_context(|| format!("cannot make a temp dir in {}", tmp_parent.display()))?;
    let mut report = Report::new(opts.smoke, machine::describe(tmp.path()));
    eprintln!("bench: databases under {}", tmp.path().display());
    let out = opts.out.clone().unwrap_or_else(|| {
        if opts.smoke {
            bench_dir().join("../target/bench-smoke.json")
        } else {
            bench_dir().join("results/results.json")
        }
    });
    // The JSON is rewritten after each scenario, so a long run that is
    // stopped keeps what it measured.
    if opts.wants("engine") || opts.wants("limit") {
        engine::run(&opts, tmp.path(), &mut report).await?;
        report.write(&out)?;
    }
    if opts.wants("peers") {
        peers::run(&opts, tmp.path(), &mut report).await?;
    }
    report.ratios();
    report.write(&out)?;
    if opts.wants("calendar") {
        calendar::run(&opts, &mut report)?;
        report.write(&out)?;
    }
    if opts.wants("http") {
        http::run(&opts, tmp.path(), &mut report).await?;
        report.write(&out)?;
    }
    if opts.wants("scale") {
        scale::run(&opts, tmp.path(), &mut report, &out).await?;
    }
    report.finish(started.elapsed());
    report.write(&out)?;
    report.print();
    eprintln!(
        "bench: wrote {} ({:.0} s)",
        out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
