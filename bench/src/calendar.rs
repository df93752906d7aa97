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

/// (benchmark(argument), median ns) from divan's output, whose rows are
/// `├─ name  fastest │ slowest │ median │ …` with arguments nested one
/// level below their benchmark (the line then starts with `│`).
fn parse(out: &str) -> Vec<(String, f64)> {
    let mut group = String::new();
    let mut rows = Vec::new();
    for line in out.lines() {
        // The last benchmark's arguments are indented with spaces, not `│`.
        let nested = line.starts_with('│') || line.starts_with(' ');
        let body = line.strip_prefix('│').unwrap_or(line);
        let cells: Vec<&str> = body.split('│').collect();
        if cells.len() < 4 {
            continue;
        }
        let head = cells[0].replace(['├', '╰', '─'], " ");
        let name = head
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_owned();
        if name.is_empty() {
            continue;
        }
        match (nanos(cells[2].trim()), nested) {
            (None, false) => group = name,
            (Some(ns), true) => rows.push((format!("{group}({name})"), ns)),
            (Some(ns), false) => rows.push((name, ns)),
            (None, true) => {}
        }
    }
    rows
}

/// Runs the calendar benchmarks (few samples on a smoke run).
pub fn run(opts: &Options, report: &mut Report) -> anyhow::Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    eprintln!("calendar: cargo bench -p domain --bench calendar…");
    let samples = if opts.smoke { "5" } else { "100" };
    // A debug harness (the CI smoke run) benches the debug build: no release
    // compile, and its figures mean nothing anyway.
    let profile: &[&str] = if cfg!(debug_assertions) {
        &["--profile", "dev"]
    } else {
        &[]
    };
    let out = std::process::Command::new(cargo)
        .args(["bench", "--quiet"])
        .args(profile)
        .args(["-p", "domain", "--bench", "calendar", "--"])
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
    anyhow::ensure!(
        !rows.is_empty(),
        "cargo bench printed no divan table (is CARGO set to something else than cargo?): {text}"
    );
    for (name, ns) in &rows {
        report.row("calendar", name, *ns, "ns/call", "");
    }
    report.detail("calendar", json!({ "divan": text }));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_divan_medians_with_their_arguments() {
        let out = "calendar                   fastest       │ slowest       │ median        │ mean          │ samples │ iters
├─ add_workdays                          │               │               │               │         │
│  ├─ 0                    27.81 ns      │ 27.97 ns      │ 27.82 ns      │ 27.85 ns      │ 100     │ 12800
│  ╰─ 60                   1.5 µs        │ 27.82 ns      │ 2 µs          │ 27.78 ns      │ 100     │ 12800
├─ plain                   1 ns          │ 2 ns          │ 3 ns          │ 2 ns          │ 100     │ 12800
╰─ is_workday                            │               │               │               │         │
   ╰─ 2026-11-20           10 ns         │ 11 ns         │ 10.5 ns       │ 10 ns         │ 100     │ 12800";
        let rows = parse(out);
        assert_eq!(
            rows,
            vec![
                ("add_workdays(0)".to_owned(), 27.82),
                ("add_workdays(60)".to_owned(), 2000.0),
                ("plain".to_owned(), 3.0),
                ("is_workday(2026-11-20)".to_owned(), 10.5),
            ]
        );
    }
}
