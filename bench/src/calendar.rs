//! Calendar arithmetic in ns per call: runs the divan benchmarks in
//! crates/domain/benches/calendar.rs (`cargo bench -p domain --bench
//! calendar`) and takes each one's median from divan's table.

use crate::report::Report;
use crate::{Options, bench_dir};
use anyhow::Context;
use serde_json::json;

/// Nanoseconds from a divan figure such as `3.512 ns`, `1.2 µs`.
fn nanos(cell: &str) -> Option<f64> {
    let mut parts = cell.split_whitespace();
    let v: f64 = parts.next()?.parse().ok()?;
    let scale = match parts.next()? {
        "ps" => 1e-3,
        "ns" => 1.0,
        "µs" | "us" => 1e3,
        "ms" => 1e6,
        "s" => 1e9,
        _ => return None,
    };
    Some(v * scale)
}

/// (benchmark/argument, median ns) from divan's output.
fn parse(out: &str) -> Vec<(String, f64)> {
    let mut group = String::new();
    let mut rows = Vec::new();
    for line in out.lines() {
        let cells: Vec<&str> = line.split('│').collect();
        if cells.len() < 4 {
            continue;
        }
        // The first cell is the tree and the name, then the fastest time.
        let head = cells[0].replace(['├', '╰', '─'], " ");
        let nested = cells[0].trim_start().is_empty() || line.trim_start().starts_with('│');
        let name = head
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_owned();
        let median = nanos(cells[2].trim());
        match median {
            None if !name.is_empty() => group = name,
            Some(ns) if nested => rows.push((format!("{group}({name})"), ns)),
            Some(ns) => rows.push((name, ns)),
            None => {}
        }
    }
    rows
}

/// Runs the calendar benchmarks (few samples on a smoke run).
pub fn run(opts: &Options, report: &mut Report) -> anyhow::Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    eprintln!("calendar: cargo bench -p domain --bench calendar…");
    let samples = if opts.smoke { "5" } else { "100" };
    let out = std::process::Command::new(cargo)
        .args([
            "bench", "--quiet", "-p", "domain", "--bench", "calendar", "--",
        ])
        .args(["--sample-count", samples, "--color", "never"])
        .current_dir(bench_dir())
        .output()
        .context("cannot run cargo bench")?;
    anyhow::ensure!(
        out.status.success(),
        "cargo bench failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let rows = parse(&text);
    for (name, ns) in &rows {
        report.row("calendar", name, *ns, "ns/call", "");
    }
    report.detail("calendar", json!({ "divan": text }));
    Ok(())
}
