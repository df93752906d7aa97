//! Scale: N generated cases (10,000,000 on a full run) through the store's
//! bulk path on SQLite and on PostgreSQL — time and size — then the queries
//! a supervisor's pages make, each run 200 times through the `Store` trait
//! as the app calls them: a unit's inbox first page, the 预警 and 超期
//! lists (first page), and the counts by SLA status (county-wide and for one
//! unit). Query plans are recorded beside the figures.

use crate::engine::{bench_now, fresh_services};
use crate::generate::populate;
use crate::report::{Report, summary};
use crate::{Options, report};
use app::service::{FixedClock, Services};
use domain::case::{SlaStatus, WarningRule};
use serde_json::{Value, json};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;
use store::CaseFilter;

const RUNS: usize = 200;
/// The longest one query is repeated for (then it has fewer than `RUNS` runs).
const BUDGET: std::time::Duration = std::time::Duration::from_secs(60);

/// The queries as the store sends them (for the plans).
const INBOX_SQL: &str =
    "SELECT c.id, c.body FROM case_holders h JOIN cases c ON c.id = h.case_id WHERE h.unit = {u}
    ORDER BY h.deadline, h.case_id LIMIT 50 OFFSET 0";
/// SQLite's inbox picks the page from the holders rows before joining.
const INBOX_SQL_SQLITE: &str = "SELECT c.id, c.body FROM (SELECT case_id, deadline FROM case_holders WHERE unit = {u}
    ORDER BY deadline IS NULL, deadline, case_id LIMIT 50 OFFSET 0) h JOIN cases c ON c.id = h.case_id
    ORDER BY h.deadline IS NULL, h.deadline, c.id";
const WARNING_SQL: &str = "SELECT c.id, c.body FROM cases c WHERE c.concluded_on IS NULL
    AND c.deadline >= {t} AND c.warn_from <= {t} ORDER BY c.deadline, c.id LIMIT 50 OFFSET 0";
const OVERDUE_SQL: &str = "SELECT c.id, c.body FROM cases c WHERE c.concluded_on IS NULL
    AND c.deadline < {t} ORDER BY c.deadline, c.id LIMIT 50 OFFSET 0";
/// The counts sum the tally of open cases' clocks ({none} is its "no clock").
const COUNTS_SQL: &str =
    "SELECT SUM(CASE WHEN c.deadline IS NOT NULL AND c.warn_from > {t} THEN c.cases ELSE 0 END),
    SUM(CASE WHEN c.deadline >= {t} AND c.warn_from <= {t} THEN c.cases ELSE 0 END),
    SUM(CASE WHEN c.deadline < {t} THEN c.cases ELSE 0 END),
    SUM(CASE WHEN c.suspended THEN c.cases ELSE 0 END)
    FROM (SELECT unit, NULLIF(deadline, {none}) AS deadline, NULLIF(warn_from, {none}) AS warn_from,
    suspended, cases FROM case_sla_tally) c";

fn plans_sql(unit: &str, today: &str, sqlite: bool) -> Vec<(&'static str, String)> {
    let none = if sqlite { "''" } else { "DATE '-infinity'" };
    let f = |s: &str| {
        s.replace("{u}", &format!("'{unit}'"))
            .replace("{t}", &format!("'{today}'"))
            .replace("{none}", none)
    };
    vec![
        (
            "inbox",
            f(if sqlite { INBOX_SQL_SQLITE } else { INBOX_SQL }),
        ),
        ("warning", f(WARNING_SQL)),
        ("overdue", f(OVERDUE_SQL)),
        ("sla_counts", f(COUNTS_SQL)),
        (
            "sla_counts_unit",
            format!("{} WHERE c.unit = '{unit}'", f(COUNTS_SQL)),
        ),
    ]
}

/// Times each query `RUNS` times; p50/p99 in ms by query.
async fn time_queries(svc: &Services, unit: &str) -> anyhow::Result<Vec<(String, Value)>> {
    let today = svc.today();
    let list = |sla| CaseFilter {
        sla: Some(sla),
        today: Some(today),
        limit: Some(50),
        ..CaseFilter::default()
    };
    let mut out = Vec::new();
    for name in [
        "inbox",
        "warning list",
        "overdue list",
        "sla counts (all)",
        "sla counts (unit)",
    ] {
        let mut samples = Vec::with_capacity(RUNS);
        let began = Instant::now();
        for i in 0..RUNS + 2 {
            // A query that scans millions of rows gets a time box, not 200 runs.
            if samples.len() >= 3 && began.elapsed() > BUDGET {
                break;
            }
            let t = Instant::now();
            let rows = match name {
                "inbox" => svc.store.inbox(unit, 50, 0).await?.len(),
                "warning list" => svc.store.list_cases(&list(SlaStatus::Warning)).await?.len(),
                "overdue list" => svc.store.list_cases(&list(SlaStatus::Overdue)).await?.len(),
                "sla counts (all)" => {
                    usize::try_from(svc.store.sla_counts(today, None).await?.normal)?
                }
                _ => usize::try_from(svc.store.sla_counts(today, Some(unit)).await?.normal)?,
            };
            if i >= 2 {
                samples.push(t.elapsed().as_secs_f64() * 1e3);
            }
            std::hint::black_box(rows);
        }
        out.push((name.to_owned(), summary(&mut samples)));
    }
    Ok(out)
}

fn record(report: &mut Report, backend: &str, timings: &[(String, Value)]) {
    for (name, v) in timings {
        let p99 = v["p99"].as_f64().unwrap_or(f64::NAN);
        let note = format!(
            "p50 {} ms",
            report::fmt(v["p50"].as_f64().unwrap_or(f64::NAN))
        );
        report.row_note(
            "scale",
            &format!("{backend}: {name} p99"),
            p99,
            "ms",
            "≤ 50",
            &note,
        );
    }
}

fn sqlite_facts(path: &Path, today: &str) -> anyhow::Result<(String, Value)> {
    let c = rusqlite::Connection::open(path)?;
    let unit: String = c.query_row(
        "SELECT unit FROM case_holders GROUP BY unit ORDER BY COUNT(*) DESC LIMIT 1",
        [],
        |r| r.get(0),
    )?;
    let mut plans = serde_json::Map::new();
    for (name, sql) in plans_sql(&unit, today, true) {
        let mut st = c.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
        let lines: Vec<String> = st
            .query_map([], |r| r.get::<_, String>(3))?
            .collect::<Result<_, _>>()?;
        plans.insert(name.into(), json!(lines));
    }
    let (open, holders, tally): (i64, i64, i64) = c.query_row(
        "SELECT (SELECT COUNT(*) FROM cases WHERE concluded_on IS NULL), (SELECT COUNT(*) FROM case_holders WHERE unit = ?1),
            (SELECT COUNT(*) FROM case_sla_tally)",
        [&unit], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok((
        unit.clone(),
        json!({ "busiest_unit": unit, "its_inbox": holders, "open_cases": open, "tally_rows": tally, "plans": plans }),
    ))
}

async fn postgres_facts(
    client: &tokio_postgres::Client,
    today: &str,
) -> anyhow::Result<(String, Value)> {
    let unit: String = client
        .query_one(
            "SELECT unit FROM case_holders GROUP BY unit ORDER BY COUNT(*) DESC LIMIT 1",
            &[],
        )
        .await?
        .try_get(0)?;
    let mut plans = serde_json::Map::new();
    for (name, sql) in plans_sql(&unit, today, false) {
        let sql = sql.replace(&format!("'{today}'"), &format!("DATE '{today}'"));
        let rows = client
            .query(&format!("EXPLAIN (ANALYZE, BUFFERS) {sql}"), &[])
            .await?;
        let lines: Vec<String> = rows
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?;
        plans.insert(name.into(), json!(lines));
    }
    let size: i64 = client
        .query_one("SELECT pg_database_size(current_database())", &[])
        .await?
        .try_get(0)?;
    Ok((
        unit.clone(),
        json!({ "busiest_unit": unit, "db_bytes": size, "plans": plans }),
    ))
}

/// Bytes a generated case takes on disk with its indexes: ~1.5 KB measured
/// on a 5-million-case SQLite file; PostgreSQL (JSONB, tuple headers) more.
/// Both backends get the same number of cases, so the larger figure decides.
const BYTES_PER_CASE: u64 = 2_400;
/// Disk left free for everyone else while the big database exists (8 GB).
const RESERVE: u64 = 8_000_000_000;

/// Free bytes on the file system holding `dir` (from `df`).
fn free_bytes(dir: &Path) -> Option<u64> {
    let out = std::process::Command::new("df")
        .args(["--output=avail", "-B1"])
        .arg(dir)
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .nth(1)?
        .trim()
        .parse()
        .ok()
}

/// The cases asked for, or as many as the disk holds beyond `RESERVE` (with
/// a note; 0, and the scenario is skipped, when it holds none).
fn fitting(asked: usize, dir: &Path, report: &mut Report) -> usize {
    let Some(free) = free_bytes(dir) else {
        return asked;
    };
    let fits = usize::try_from(free.saturating_sub(RESERVE) / BYTES_PER_CASE).unwrap_or(asked);
    if fits >= asked {
        return asked;
    }
    // Whole half-millions when that many fit, else whole ten-thousands.
    let fits = if fits >= 500_000 {
        fits / 500_000 * 500_000
    } else {
        fits / 10_000 * 10_000
    };
    report.row_note(
        "scale",
        "cases generated (reduced to fit the disk)",
        fits as f64,
        "cases",
        &asked.to_string(),
        &format!(
            "{} GB free, ~{BYTES_PER_CASE} B per case",
            free / 1_000_000_000
        ),
    );
    fits
}

/// The scale scenario on SQLite, then on PostgreSQL.
/// The JSON at `out` is rewritten once SQLite is measured.
pub async fn run(
    opts: &Options,
    tmp: &Path,
    report: &mut Report,
    out: &Path,
) -> anyhow::Result<()> {
    let n = opts.size(opts.scale_cases, 10_000_000, 20_000);
    let n = fitting(n, tmp, report);
    if n == 0 {
        eprintln!("scale: skipped, the disk has no room to spare");
        return Ok(());
    }
    let dir = tmp.join("scale");
    let svc = fresh_services(&dir).await?;
    let today = svc.today().to_string();
    eprintln!("scale: SQLite, generating {n} cases…");
    let took = populate(&svc, n, "scale sqlite").await?;
    let path = dir.join("onewindow.db");
    let (unit, mut facts) = sqlite_facts(&path, &today)?;
    let bytes = std::fs::metadata(&path)?.len()
        + std::fs::metadata(dir.join("onewindow.db-wal"))
            .map(|m| m.len())
            .unwrap_or(0);
    report.row(
        "scale",
        &format!("SQLite: bulk load of {n} cases"),
        took.as_secs_f64(),
        "s",
        "",
    );
    report.row(
        "scale",
        "SQLite: database size",
        bytes as f64 / 1e9,
        "GB",
        "",
    );
    eprintln!("scale: SQLite queries ({unit})…");
    let sqlite = time_queries(&svc, &unit).await?;
    record(report, "SQLite", &sqlite);
    facts["load_s"] = json!(took.as_secs_f64());
    facts["db_bytes"] = json!(bytes);
    facts["queries_ms"] = json!(sqlite.iter().cloned().collect::<serde_json::Map<_, _>>());
    report.detail("scale_sqlite", facts);
    report.write(out)?;
    drop(svc);
    std::fs::remove_dir_all(&dir).ok();
    if opts.pg_url == "none" {
        return Ok(());
    }
    let pg = match postgres(opts, n, report).await {
        Ok(pg) => pg,
        Err(e) => {
            report.row_note(
                "scale",
                "PostgreSQL",
                f64::NAN,
                "",
                "",
                &format!("skipped: {e:#}"),
            );
            return Ok(());
        }
    };
    for ((name, s), (_, p)) in sqlite.iter().zip(&pg) {
        let ratio = p["p99"].as_f64().unwrap_or(f64::NAN) / s["p99"].as_f64().unwrap_or(f64::NAN);
        report.row(
            "scale",
            &format!("PostgreSQL / SQLite p99: {name}"),
            ratio,
            "×",
            "",
        );
    }
    Ok(())
}

async fn postgres(
    opts: &Options,
    n: usize,
    report: &mut Report,
) -> anyhow::Result<Vec<(String, Value)>> {
    let (admin, conn) = tokio_postgres::connect(&opts.pg_url, tokio_postgres::NoTls).await?;
    tokio::spawn(conn);
    let db = format!("onewindow_bench_{}", std::process::id());
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {db}"))
        .await?;
    admin
        .batch_execute(&format!("CREATE DATABASE {db}"))
        .await?;
    let url = match opts.pg_url.rsplit_once('/') {
        Some((base, _)) => format!("{base}/{db}"),
        None => anyhow::bail!("cannot name a database in {}", opts.pg_url),
    };
    let result = postgres_in(&url, n, report).await;
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
        .await?;
    result
}

async fn postgres_in(
    url: &str,
    n: usize,
    report: &mut Report,
) -> anyhow::Result<Vec<(String, Value)>> {
    let store = store::open(url, bench_now()).await?;
    let svc = Services::new(
        store,
        Arc::new(FixedClock::new(bench_now())),
        WarningRule::default(),
    )
    .await?;
    let today = svc.today().to_string();
    eprintln!("scale: PostgreSQL, generating {n} cases…");
    let took = populate(&svc, n, "scale postgres").await?;
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
    tokio::spawn(conn);
    client.batch_execute("ANALYZE").await?;
    let (unit, mut facts) = postgres_facts(&client, &today).await?;
    let bytes = facts["db_bytes"].as_f64().unwrap_or(f64::NAN);
    report.row(
        "scale",
        &format!("PostgreSQL: bulk load of {n} cases"),
        took.as_secs_f64(),
        "s",
        "",
    );
    report.row("scale", "PostgreSQL: database size", bytes / 1e9, "GB", "");
    eprintln!("scale: PostgreSQL queries ({unit})…");
    let timings = time_queries(&svc, &unit).await?;
    record(report, "PostgreSQL", &timings);
    facts["load_s"] = json!(took.as_secs_f64());
    facts["queries_ms"] = json!(timings.iter().cloned().collect::<serde_json::Map<_, _>>());
    report.detail("scale_postgres", facts);
    Ok(timings)
}
