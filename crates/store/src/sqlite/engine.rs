//! How the SQLite backend runs SQL: one writer thread that commits in
//! groups, and a few reader connections.
//!
//! SQLite allows one writer at a time. Rather than have every request take
//! the write lock in turn (each paying for its own commit), write jobs are
//! queued to a single thread that owns the write connection. It takes every
//! job waiting, runs each inside its own SAVEPOINT of one transaction (a
//! failing job is rolled back alone), commits once, and only then answers
//! each job: an acknowledgement always means durable (group commit). With
//! one client this is one job per transaction, as before; with many, their
//! steps share commits. Reads go to separate connections, which WAL lets
//! run beside the writer.

use crate::{Result, StoreError};
use rusqlite::{Connection, Transaction, TransactionBehavior};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

/// Most jobs committed together; bounds the latency one commit adds.
const MAX_GROUP: usize = 64;
/// Reader connections (WAL readers do not block the writer or each other).
const READERS: usize = 4;
/// How long the writer polls for the next job before it sleeps: a lone
/// client's next step usually arrives within this, and putting the thread to
/// sleep and waking it again costs more (bench/results/README.md).
const POLL_BEFORE_SLEEP: std::time::Duration = std::time::Duration::from_micros(50);

/// What a job leaves to do once the group's commit is known: answer its caller.
type Completion = Box<dyn FnOnce(std::result::Result<(), StoreError>) + Send>;
/// A write job: runs inside the group's transaction; says whether it
/// succeeded (so its savepoint is kept or rolled back) and how to answer.
type Job = Box<dyn FnOnce(&Transaction<'_>) -> (bool, Completion) + Send>;

/// The writer thread's queue and the reader connections of one database.
pub(super) struct Engine {
    jobs: SyncSender<Job>,
    readers: Vec<Mutex<Connection>>,
    next_reader: AtomicUsize,
}

/// Opens a connection with onewindow's settings: WAL, synchronous=NORMAL
/// (durable once the WAL is written; fsync at checkpoints), foreign keys on.
pub(super) fn connect(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // A cached statement keeps its plan whatever is bound to it. Without
    // this, SQLite marks a statement with `LIMIT ?` (every paged list) to be
    // parsed and planned again each time a new value is bound, which cost
    // the inbox page a sixth of its CPU.
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    // Statements are prepared once per connection and reused (the default
    // cache of 16 is smaller than the write path's set plus the reads').
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

impl Engine {
    /// Starts the writer thread on `writer` and opens the readers.
    pub(super) fn start(path: &Path, writer: Connection) -> Result<Arc<Self>> {
        let readers = (0..READERS)
            .map(|_| connect(path).map(Mutex::new))
            .collect::<Result<Vec<_>>>()?;
        let (jobs, queue) = sync_channel::<Job>(1024);
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || run_writer(writer, &queue))
            .map_err(|e| StoreError::Backend(format!("cannot start the writer thread: {e}")))?;
        Ok(Arc::new(Self {
            jobs,
            readers,
            next_reader: AtomicUsize::new(0),
        }))
    }

    /// Runs `f` on a reader connection, on a blocking thread.
    pub(super) async fn read<T, F>(self: &Arc<Self>, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        let engine = self.clone();
        tokio::task::spawn_blocking(move || {
            let i = engine.next_reader.fetch_add(1, Ordering::Relaxed) % engine.readers.len();
            let mut conn = engine.readers[i]
                .lock()
                .map_err(|_| StoreError::Backend("reader mutex poisoned".into()))?;
            f(&mut conn)
        })
        .await
        .map_err(|e| StoreError::Backend(e.to_string()))?
    }

    /// Runs `f` in the writer's next group transaction; answers once committed.
    pub(super) async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> Result<T> + Send + 'static,
    {
        let (answer, answered) = tokio::sync::oneshot::channel::<Result<T>>();
        let job: Job = Box::new(move |tx| {
            let outcome = f(tx);
            let ok = outcome.is_ok();
            let completion: Completion = Box::new(move |commit| {
                let result = match (commit, outcome) {
                    (Ok(()), outcome) => outcome,
                    (Err(e), Ok(_)) => Err(e),
                    (Err(_), Err(e)) => Err(e),
                };
                let _ = answer.send(result);
            });
            (ok, completion)
        });
        self.jobs
            .send(job)
            .map_err(|_| StoreError::Backend("the writer thread has stopped".into()))?;
        answered.await.map_err(|_| {
            StoreError::Backend("the write could not run (see the writer's log)".into())
        })?
    }
}

/// The writer thread: takes whatever jobs are waiting, commits them as one
/// transaction, answers each. Ends when every sender is gone.
/// The next job, polled for [`POLL_BEFORE_SLEEP`] before the thread sleeps;
/// `None` once every sender is gone (the store was dropped).
fn next_job(queue: &Receiver<Job>) -> Option<Job> {
    let started = std::time::Instant::now();
    while started.elapsed() < POLL_BEFORE_SLEEP {
        match queue.try_recv() {
            Ok(job) => return Some(job),
            Err(std::sync::mpsc::TryRecvError::Empty) => std::thread::yield_now(),
            Err(std::sync::mpsc::TryRecvError::Disconnected) => return None,
        }
    }
    queue.recv().ok()
}

fn run_writer(mut conn: Connection, queue: &Receiver<Job>) {
    while let Some(first) = next_job(queue) {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match queue.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let completions = match conn.transaction_with_behavior(TransactionBehavior::Immediate) {
            Ok(tx) => commit_group(tx, group),
            Err(e) => {
                let e = StoreError::from(e);
                fail_group(group, &e);
                continue;
            }
        };
        let (completions, commit) = completions;
        for c in completions {
            c(commit.as_ref().map(|_| ()).map_err(clone_error));
        }
    }
}

/// Runs each job in its own savepoint, then commits the lot. A job alone
/// needs no savepoint: if it fails, its whole transaction is rolled back.
fn commit_group(
    tx: Transaction<'_>,
    mut group: Vec<Job>,
) -> (Vec<Completion>, std::result::Result<(), StoreError>) {
    if group.len() == 1 {
        let job = group.remove(0);
        let (ok, completion) = job(&tx);
        let end = if ok {
            tx.commit().map_err(StoreError::from)
        } else {
            // The job's own error is what its caller hears.
            tx.rollback().map_err(StoreError::from)
        };
        if let Err(e) = &end {
            tracing::error!(error = %e, "a write's commit or rollback failed");
        }
        return (vec![completion], end);
    }
    let mut completions = Vec::with_capacity(group.len());
    for job in group {
        if let Err(e) = exec(&tx, "SAVEPOINT job", []) {
            // Not run at all: its caller is answered with an error when the job is dropped.
            tracing::error!(error = %e, "cannot open a job's savepoint");
            drop(job);
            continue;
        }
        let (ok, completion) = job(&tx);
        let closed = if ok {
            exec(&tx, "RELEASE job", [])
        } else {
            exec(&tx, "ROLLBACK TO job", []).and_then(|_| exec(&tx, "RELEASE job", []))
        };
        if let Err(e) = closed {
            tracing::error!(error = %e, "cannot close a job's savepoint");
        }
        completions.push(completion);
    }
    let commit = tx.commit().map_err(StoreError::from);
    if let Err(e) = &commit {
        tracing::error!(error = %e, jobs = completions.len(), "group commit failed");
    }
    (completions, commit)
}

/// Runs one statement from the connection's statement cache: the write path
/// runs the same few statements on every step (the savepoints on every job),
/// and preparing them anew each time cost more than running them.
pub(super) fn exec<P: rusqlite::Params>(
    c: &Connection,
    sql: &str,
    params: P,
) -> rusqlite::Result<usize> {
    c.prepare_cached(sql)?.execute(params)
}

/// A group whose transaction could not begin: no job runs; dropping each
/// answers its caller with an error.
fn fail_group(group: Vec<Job>, e: &StoreError) {
    tracing::error!(error = %e, jobs = group.len(), "cannot begin a write transaction");
    drop(group);
}

fn clone_error(e: &StoreError) -> StoreError {
    match e {
        StoreError::Conflict(m) => StoreError::Conflict(m.clone()),
        other => StoreError::Backend(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::connect;
    use rusqlite::StatementStatus;

    #[test]
    fn a_cached_paged_query_is_not_planned_again_for_each_page() {
        let dir = tempfile::tempdir().expect("temp dir");
        let conn = connect(&dir.path().join("t.db")).expect("connect");
        conn.execute_batch(
            "CREATE TABLE t (unit TEXT, n INTEGER); CREATE INDEX t_unit ON t (unit, n);
             INSERT INTO t VALUES ('a', 1), ('a', 2), ('a', 3), ('b', 4);",
        )
        .expect("schema");
        let sql = "SELECT n FROM t WHERE unit = ?1 ORDER BY n LIMIT ?2 OFFSET ?3";
        let mut pages = Vec::new();
        for (limit, offset) in [(2, 0), (2, 2), (5, 0)] {
            let mut st = conn.prepare_cached(sql).expect("prepare");
            let page: Vec<i64> = st
                .query_map(rusqlite::params!["a", limit, offset], |r| r.get(0))
                .expect("query")
                .collect::<rusqlite::Result<_>>()
                .expect("rows");
            pages.push(page);
            assert_eq!(
                st.get_status(StatementStatus::RePrepare),
                0,
                "binding a new LIMIT must not re-prepare the statement"
            );
        }
        assert_eq!(pages, vec![vec![1, 2], vec![3], vec![1, 2, 3]]);
    }
}
