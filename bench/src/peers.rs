//! Peer engines running the same BPMN (bench/case3.bpmn) with their state
//! saved to SQLite after each step: SpiffWorkflow (Python, bench/spiff/)
//! and bpmn-engine (Node, bench/bpmn-engine/). Each is a child process
//! that prints one JSON object; a missing runtime is installed on a full
//! run (PyPI, npm) and skipped with a note on a smoke run.

use crate::report::Report;
use crate::{Options, bench_dir};
use anyhow::Context;
use serde_json::Value;
use std::path::{Path, PathBuf};
use tokio::process::Command;

async fn ok(cmd: &mut Command, what: &str) -> anyhow::Result<()> {
    let out = cmd
        .output()
        .await
        .with_context(|| format!("cannot start {what}"))?;
    if !out.status.success() {
        anyhow::bail!(
            "{what} failed: {}",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .rev()
                .take(5)
                .collect::<Vec<_>>()
                .join(" | ")
        );
    }
    Ok(())
}

/// The SpiffWorkflow virtualenv's python, installing it if allowed.
async fn spiff_python(install: bool) -> anyhow::Result<Option<PathBuf>> {
    let dir = bench_dir().join("spiff");
    let python = dir.join(".venv/bin/python");
    if python.exists() {
        return Ok(Some(python));
    }
    if !install {
        return Ok(None);
    }
    eprintln!("peers: installing SpiffWorkflow into bench/spiff/.venv…");
    ok(
        Command::new("python3")
            .args(["-m", "venv"])
            .arg(dir.join(".venv")),
        "python3 -m venv",
    )
    .await?;
    ok(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
            ])
            .arg(dir.join("requirements.txt")),
        "pip install",
    )
    .await?;
    Ok(Some(python))
}

/// Whether bpmn-engine and better-sqlite3 are installed, installing them if allowed.
async fn node_ready(install: bool) -> anyhow::Result<bool> {
    let dir = bench_dir().join("bpmn-engine");
    let built = dir.join("node_modules/better-sqlite3/build/Release/better_sqlite3.node");
    if built.exists() && dir.join("node_modules/bpmn-engine").exists() {
        return Ok(true);
    }
    if !install {
        return Ok(false);
    }
    eprintln!("peers: installing bpmn-engine and better-sqlite3 (npm ci; builds SQLite)…");
    ok(
        Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir),
        "npm ci",
    )
    .await?;
    Ok(built.exists())
}

async fn run_json(cmd: &mut Command, what: &str) -> anyhow::Result<Value> {
    let out = cmd
        .output()
        .await
        .with_context(|| format!("cannot start {what}"))?;
    if !out.status.success() {
        anyhow::bail!("{what} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .unwrap_or_default();
    serde_json::from_str(line).with_context(|| format!("{what} printed no JSON: {text}"))
}

fn rate(v: &Value) -> f64 {
    v["cases_per_s"].as_f64().unwrap_or(f64::NAN)
}

fn db(tmp: &Path, name: &str) -> anyhow::Result<String> {
    let dir = tmp.join("peers");
    std::fs::create_dir_all(&dir)?;
    Ok(dir.join(name).display().to_string())
}

/// A row's name: the engine and how many clients drove it.
fn clients_name(engine: &str, clients: usize) -> String {
    format!(
        "{engine}, {clients} client{}",
        if clients == 1 { "" } else { "s" }
    )
}

/// SpiffWorkflow and bpmn-engine, each with 1 and 8 clients.
pub async fn run(opts: &Options, tmp: &Path, report: &mut Report) -> anyhow::Result<()> {
    let n = opts.engine_cases();
    let bpmn = bench_dir().join("case3.bpmn");
    let note = "4 saves per case (submit + 3 user tasks), each its own transaction";
    match spiff_python(!opts.smoke).await {
        Ok(Some(python)) => {
            for clients in [1usize, 8] {
                eprintln!("peers: SpiffWorkflow, {n} cases, {clients} client(s)…");
                let v = run_json(
                    Command::new(&python)
                        .arg(bench_dir().join("spiff/run.py"))
                        .arg("--bpmn")
                        .arg(&bpmn)
                        .args(["--db", &db(tmp, &format!("spiff-{clients}.db"))?])
                        .args(["--cases", &n.to_string(), "--clients", &clients.to_string()]),
                    "SpiffWorkflow",
                )
                .await?;
                let target = if clients == 1 { "≈ 800" } else { "" };
                report.row_note(
                    "engine",
                    &clients_name("SpiffWorkflow", clients),
                    rate(&v),
                    "cases/s",
                    target,
                    note,
                );
                report.detail(&format!("engine_spiff_{clients}"), v);
            }
        }
        Ok(None) => report.row_note(
            "engine",
            "SpiffWorkflow, 1 client",
            f64::NAN,
            "cases/s",
            "≈ 800",
            "skipped: bench/spiff/.venv not installed (a full run installs it)",
        ),
        Err(e) => report.row_note(
            "engine",
            "SpiffWorkflow, 1 client",
            f64::NAN,
            "cases/s",
            "≈ 800",
            &format!("skipped: {e}"),
        ),
    }
    // bpmn-engine is ~10× slower: a quarter of the cases keeps the run short.
    let m = (n / 4).max(50);
    match node_ready(!opts.smoke).await {
        Ok(true) => {
            for clients in [1usize, 8] {
                eprintln!("peers: bpmn-engine, {m} cases, {clients} client(s)…");
                let v = run_json(
                    Command::new("node")
                        .arg(bench_dir().join("bpmn-engine/run.mjs"))
                        .arg("--bpmn")
                        .arg(&bpmn)
                        .args([
                            "--db",
                            &db(tmp, &format!("bpmn-engine-{clients}.db"))?,
                            "--cases",
                            &m.to_string(),
                            "--clients",
                            &clients.to_string(),
                        ]),
                    "bpmn-engine",
                )
                .await?;
                report.row_note(
                    "engine",
                    &clients_name("bpmn-engine", clients),
                    rate(&v),
                    "cases/s",
                    "",
                    &format!("{note}; {m} cases"),
                );
                report.detail(&format!("engine_bpmn_engine_{clients}"), v);
            }
        }
        Ok(false) => report.row_note(
            "engine",
            "bpmn-engine, 1 client",
            f64::NAN,
            "cases/s",
            "",
            "skipped: bench/bpmn-engine/node_modules not installed (a full run installs it)",
        ),
        Err(e) => report.row_note(
            "engine",
            "bpmn-engine, 1 client",
            f64::NAN,
            "cases/s",
            "",
            &format!("skipped: {e}"),
        ),
    }
    Ok(())
}
