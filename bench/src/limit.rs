//! The storage limit: the least a workflow engine persisting every step must
//! do on SQLite with onewindow's settings (WAL, synchronous=NORMAL). Per
//! step: one transaction inserting one event row and upserting one case
//! row. Five steps per case, as onewindow commits five transactions per
//! case. With several clients, each thread has its own connection and waits
//! for the write lock with a busy timeout, as independent processes would.

use rusqlite::{Connection, params};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const STEPS: [&str; 5] = ["submitted", "accepted", "in_review", "decided", "concluded"];

fn connect(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.busy_timeout(Duration::from_secs(30))?;
    Ok(conn)
}

/// A case body about the size of onewindow's (its JSON is ~1.5 KB).
fn body(id: i64, state: &str) -> String {
    json!({ "id": id, "state": state, "filler": "x".repeat(1400) }).to_string()
}

fn one_case(conn: &mut Connection, id: i64) -> rusqlite::Result<()> {
    for (seq, state) in (1i64..).zip(STEPS) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.prepare_cached(
            "INSERT INTO events (case_id, seq, at, action, payload) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            id,
            seq,
            "2026-11-20T01:00:00Z",
            state,
            "{\"by\":\"bench\"}"
        ])?;
        tx.prepare_cached(
            "INSERT INTO cases (id, state, version, body, updated_at) VALUES (?1, ?2, 1, ?3, ?4)
             ON CONFLICT (id) DO UPDATE SET state = excluded.state, version = cases.version + 1,
                 body = excluded.body, updated_at = excluded.updated_at",
        )?
        .execute(params![id, state, body(id, state), "2026-11-20T01:00:00Z"])?;
        tx.commit()?;
    }
    Ok(())
}

/// Runs `cases` cases with `clients` threads; the time taken and details.
pub fn run(path: &Path, cases: usize, clients: usize) -> anyhow::Result<(Duration, Value)> {
    let conn = connect(path)?;
    conn.execute_batch(
        "CREATE TABLE cases (id INTEGER PRIMARY KEY, state TEXT NOT NULL, version INTEGER NOT NULL,
             body TEXT NOT NULL, updated_at TEXT NOT NULL);
         CREATE TABLE events (case_id INTEGER NOT NULL, seq INTEGER NOT NULL, at TEXT NOT NULL,
             action TEXT NOT NULL, payload TEXT NOT NULL, PRIMARY KEY (case_id, seq));",
    )?;
    drop(conn);
    let started = Instant::now();
    let handles: Vec<_> = (0..clients)
        .map(|c| {
            let path: PathBuf = path.to_owned();
            std::thread::spawn(move || -> anyhow::Result<()> {
                let mut conn = connect(&path)?;
                for n in (c..cases).step_by(clients) {
                    one_case(&mut conn, i64::try_from(n)? + 1)?;
                }
                Ok(())
            })
        })
        .collect();
    for h in handles {
        h.join()
            .map_err(|_| anyhow::anyhow!("a storage-limit client panicked"))??;
    }
    let took = started.elapsed();
    let check = connect(path)?;
    let events: i64 = check.query_row("SELECT COUNT(*) FROM events", [], |r| r.get(0))?;
    Ok((
        took,
        json!({ "cases": cases, "clients": clients, "seconds": took.as_secs_f64(),
                "cases_per_s": cases as f64 / took.as_secs_f64(),
                "transactions_per_s": events as f64 / took.as_secs_f64(),
                "events_written": events }),
    ))
}
