//! HTTP under load, and the server's start-up: a SQLite database of N
//! generated cases (1,000,000 on a full run) made through the bulk path;
//! `onewindow serve` (release build) started on it as a child process —
//! start-up time to the first healthy answer and resident memory — then
//! the mixed load of `loadgen` on loopback for a fixed time.

use crate::engine::{bench_now, cast, fresh_services};
use crate::generate::populate;
use crate::loadgen::{self, KINDS, Plan};
use crate::report::{Report, summary};
use crate::{Options, bench_dir};
use anyhow::Context;
use app::http::auth::{hash_token, new_token};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tokio::process::Command;

/// The cargo profile the harness itself was built with: `onewindow` is built
/// the same way (release for a real run; a debug smoke run, as in CI, reuses
/// the test build instead of compiling everything again).
pub fn profile_args() -> &'static [&'static str] {
    if cfg!(debug_assertions) {
        &[]
    } else {
        &["--release"]
    }
}

/// Builds `onewindow` (same profile as the harness) beside the bench binary
/// and returns its path. If the build fails (someone is editing the app in
/// this tree) but a binary is already there, that one is used, with a warning.
async fn onewindow_binary() -> anyhow::Result<PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let profile = profile_args();
    let shown: String = profile.iter().map(|a| format!(" {a}")).collect();
    eprintln!("http: cargo build{shown} -p app --bin onewindow…");
    let status = Command::new(cargo)
        .arg("build")
        .args(profile)
        .args(["--quiet", "-p", "app", "--bin", "onewindow"])
        .current_dir(bench_dir())
        .status()
        .await
        .context("cannot run cargo")?;
    let exe = std::env::current_exe()?;
    let bin = exe.with_file_name("onewindow");
    anyhow::ensure!(
        status.success() || bin.exists(),
        "building onewindow failed"
    );
    if !status.success() {
        eprintln!(
            "http: warning: building onewindow failed; using the existing {}",
            bin.display()
        );
    }
    anyhow::ensure!(bin.exists(), "no {}", bin.display());
    Ok(bin)
}

/// Resident and peak resident memory of a process, in MiB, from /proc.
fn rss_mib(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

async fn healthy(addr: std::net::SocketAddr) -> bool {
    let Ok(stream) = tokio::net::TcpStream::connect(addr).await else {
        return false;
    };
    let Ok((mut tx, driver)) = hyper::client::conn::http1::handshake::<
        _,
        http_body_util::Empty<bytes::Bytes>,
    >(hyper_util::rt::TokioIo::new(stream))
    .await
    else {
        return false;
    };
    tokio::spawn(driver);
    let Ok(req) = hyper::Request::get("/healthz")
        .header("host", "127.0.0.1")
        .body(http_body_util::Empty::new())
    else {
        return false;
    };
    tx.send_request(req)
        .await
        .is_ok_and(|r| r.status().is_success())
}

/// Makes a token for each user and returns them in order.
async fn tokens(store: &dyn store::Store, users: &[&str]) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    for u in users {
        let token = new_token().map_err(|e| anyhow::anyhow!("no random token: {e}"))?;
        store
            .put_api_token(u, &hash_token(&token), bench_now())
            .await?;
        out.push(token);
    }
    Ok(out)
}

/// The HTTP and start-up scenarios.
pub async fn run(opts: &Options, tmp: &Path, report: &mut Report) -> anyhow::Result<()> {
    let n = opts.size(opts.http_cases, 1_000_000, 2_000);
    let seconds = opts.http_seconds.unwrap_or(if opts.smoke { 3 } else { 30 });
    let dir = tmp.join("http");
    let svc = fresh_services(&dir).await?;
    eprintln!("http: generating {n} cases…");
    let took = populate(&svc, n, "http db").await?;
    report.row(
        "http",
        &format!("bulk load of {n} cases (SQLite)"),
        took.as_secs_f64(),
        "s",
        "",
    );
    let c = cast(&svc).await?;
    let toks = tokens(
        &*svc.store,
        &[
            "admin",
            &c.clerk.username,
            &c.approver.username,
            &c.head.username,
        ],
    )
    .await?;
    drop(svc);
    let bin = onewindow_binary().await?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let addr: std::net::SocketAddr = ([127, 0, 0, 1], port).into();
    let started = Instant::now();
    let mut child = Command::new(&bin)
        .args(["serve", "--listen", &addr.to_string()])
        .env("ONEWINDOW_DATA_DIR", &dir)
        .env("ONEWINDOW_LOG", "warn")
        .current_dir(&dir)
        .stdout(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .context("cannot start onewindow serve")?;
    let pid = child.id().unwrap_or_default();
    while !healthy(addr).await {
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(120),
            "onewindow did not start in 120 s"
        );
        if let Some(status) = child.try_wait()? {
            anyhow::bail!("onewindow serve exited: {status}");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let startup = started.elapsed();
    let (rss_start, _) = rss_mib(pid);
    report.row(
        "startup",
        &format!("start-up to first /healthz answer, {n} cases"),
        startup.as_secs_f64() * 1e3,
        "ms",
        "",
    );
    report.row(
        "startup",
        "resident memory after start-up (VmRSS)",
        rss_start,
        "MiB",
        "",
    );
    eprintln!("http: {seconds} s of mixed load…");
    let [admin, clerk, approver, head] =
        <[String; 4]>::try_from(toks).map_err(|_| anyhow::anyhow!("tokens"))?;
    let plan = Plan {
        addr,
        cases: i64::try_from(n)?,
        unit: c.head.unit.clone(),
        matter: c.matter.clone(),
        admin,
        clerk,
        approver,
        head,
        connections: 16,
        duration: Duration::from_secs(seconds),
    };
    let ms = |v: &serde_json::Value, p: &str| v[p].as_f64().unwrap_or(f64::NAN) / 1e3;
    let probe_plan = plan.clone();
    let mut alone = tokio::task::spawn_blocking(move || loadgen::probe(probe_plan, 20)).await??;
    let alone: serde_json::Map<_, _> = KINDS
        .iter()
        .zip(alone.iter_mut())
        .map(|(k, l)| ((*k).to_owned(), summary(l)))
        .collect();
    for (k, v) in &alone {
        report.row(
            "http",
            &format!("{k} alone (idle server, 20 in a row): p50"),
            ms(v, "p50"),
            "ms",
            "",
        );
    }
    let (mut outcome, measured) = tokio::task::spawn_blocking(move || loadgen::run(plan)).await??;
    let (rss_after, rss_peak) = rss_mib(pid);
    Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .await?;
    let _ = tokio::time::timeout(Duration::from_secs(10), child.wait()).await;
    let mut all: Vec<f64> = outcome.latencies.iter().flatten().copied().collect();
    let total = all.len();
    let rps = total as f64 / measured.as_secs_f64();
    let overall = summary(&mut all);
    report.row(
        "http",
        "mixed 70/30, 16 connections: requests/s",
        rps,
        "req/s",
        "≥ 5,000",
    );
    report.row("http", "mixed: p50 latency", ms(&overall, "p50"), "ms", "");
    report.row(
        "http",
        "mixed: p99 latency",
        ms(&overall, "p99"),
        "ms",
        "≤ 20",
    );
    let by_kind: serde_json::Map<_, _> = KINDS
        .iter()
        .zip(outcome.latencies.iter_mut())
        .map(|(k, l)| ((*k).to_owned(), summary(l)))
        .collect();
    for (k, v) in &by_kind {
        report.row("http", &format!("{k}: p99 latency"), ms(v, "p99"), "ms", "");
    }
    report.row(
        "startup",
        "resident memory after the load (VmRSS)",
        rss_after,
        "MiB",
        "",
    );
    report.detail(
        "http",
        json!({ "cases": n, "seconds": measured.as_secs_f64(), "requests": total, "requests_per_s": rps,
                "latency_us": overall, "latency_us_by_kind": by_kind, "alone_us_by_kind": alone, "failures": outcome.failures,
                "startup_ms": startup.as_secs_f64() * 1e3, "rss_mib_start": rss_start,
                "rss_mib_after": rss_after, "rss_mib_peak": rss_peak,
                "db_bytes": std::fs::metadata(dir.join("onewindow.db")).map(|m| m.len()).unwrap_or(0) }),
    );
    std::fs::remove_dir_all(&dir).ok();
    Ok(())
}
