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
//! steps share commits. When the writer thread is idle (asleep, nothing
//! queued) a caller runs its write in a transaction of its own on its own
//! thread instead, so a lone client pays no hand-off to the writer thread
//! and back; should another process hold the write lock, it queues after
//! all, so that only the writer thread ever waits for the lock. Reads go to
//! separate connections, which WAL lets run beside the writer; short ones
//! run on the caller's thread when a reader connection is free.
//!
//! Checkpoints (copying the WAL back into the database file, with its
//! fsyncs) run on a thread of their own with a connection of their own,
//! beside the writes, never inside one: SQLite would otherwise run one in
//! whichever commit crosses the threshold, stalling that write (and, for a
//! write on its caller's thread, an async worker) for milliseconds. Under
//! steady writing such a checkpoint never quite catches up, and the WAL
//! only starts over once one has; so past a larger threshold the writer
//! thread checkpoints what is left itself, with no write of this process
//! landing meanwhile, which bounds the WAL.

use crate::{Result, StoreError};
use rusqlite::{Connection, Transaction, TransactionBehavior};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

mod checkpoint;
#[cfg(test)]
mod tests;
mod writer;

use checkpoint::{checkpoint_if_due, run_checkpoints};
use writer::run_writer;

/// Most jobs committed together; bounds the latency one commit adds.
const MAX_GROUP: usize = 64;
/// Reader connections (WAL readers do not block the writer or each other).
const READERS: usize = 4;
/// How long the writer polls for the next job before it sleeps: while
/// several clients write, the next job usually arrives within this, and
/// putting the thread to sleep and waking it again costs more
/// (bench/results/README.md). Once it sleeps, a write that comes alone runs
/// on its caller's thread.
const POLL_BEFORE_SLEEP: std::time::Duration = std::time::Duration::from_micros(50);
/// New WAL pages after which a commit wakes the checkpoint thread (about
/// 1 MiB): often enough that the checkpoint the writer thread finishes at
/// [`WAL_LIMIT_PAGES`] has little left to copy (writes wait while it does:
/// every 1,000 pages, that wait put 8-client steps' p99 from 7 to 9.7 ms
/// and their slowest at 111 ms on disk), rarely enough that a checkpoint's
/// two fsyncs and sort of the WAL's index stay a small cost.
const CHECKPOINT_PAGES: i32 = 250;
/// WAL pages after which the writer thread finishes a checkpoint itself, so
/// that the WAL starts over (about 16 MiB).
const WAL_LIMIT_PAGES: i32 = 4000;
/// How long a write waits for another process (`onewindow sweep`, say) to
/// release the database's write lock before it fails.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// What a job leaves to do once the group's commit is known: answer its caller.
type Completion = Box<dyn FnOnce(std::result::Result<(), StoreError>) + Send>;
/// A write job: runs inside the group's transaction; says whether it
/// succeeded (so its savepoint is kept or rolled back) and how to answer.
type Job = Box<dyn FnOnce(&Transaction<'_>) -> (bool, Completion) + Send>;

/// What the writer thread is asked to do.
enum Work {
    /// A write, to commit with whatever else is waiting.
    Write(Job),
    /// A checkpoint, asked for after a caller's own commit crossed [`WAL_LIMIT_PAGES`].
    Checkpoint,
}

/// What the writer thread and the callers share: whether a write may run
/// on its caller's thread, and whether a checkpoint is due.
#[derive(Default)]
struct Shared {
    /// Jobs sent to the writer thread and not yet answered by it.
    queued: AtomicUsize,
    /// The writer thread is asleep, waiting for a job: no other write has
    /// come for a while. While it is awake, writes go to it, so that steps
    /// arriving together share a commit.
    writer_asleep: AtomicBool,
    /// The WAL has passed [`WAL_LIMIT_PAGES`]: the writer thread is to finish
    /// a checkpoint.
    checkpoint_due: AtomicBool,
    /// Passive checkpoints the checkpoint thread has run.
    passive_checkpoints: AtomicUsize,
}

impl Shared {
    /// A write coming now is alone: it may run on its caller's thread.
    fn lone(&self) -> bool {
        self.writer_asleep.load(Ordering::Acquire) && self.queued.load(Ordering::Acquire) == 0
    }
}

/// The writer thread's queue and the reader connections of one database.
pub(super) struct Engine {
    jobs: SyncSender<Work>,
    /// The write connection; the writer thread holds it while it runs a group,
    /// a lone caller while it runs its own write.
    writer: Arc<Mutex<Connection>>,
    /// Shared with the writer thread.
    shared: Arc<Shared>,
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
    conn.busy_timeout(BUSY_TIMEOUT)?;
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
    pub(super) fn start(path: &Path, mut writer: Connection) -> Result<Arc<Self>> {
        // A group of jobs runs each in a savepoint, and SQLite keeps the
        // pages a savepoint changes in a sub-journal, in memory up to 64 KiB
        // and then in a temporary file: a group of four steps passed that
        // and wrote the sub-journal to /var/tmp's disk. The writer's
        // transactions are small, so its temporary storage stays in memory.
        // (The readers keep the default: a large sort there may spill.)
        writer.pragma_update(None, "temp_store", "MEMORY")?;
        let readers = (0..READERS)
            .map(|_| connect(path).map(Mutex::new))
            .collect::<Result<Vec<_>>>()?;
        let shared = Arc::new(Shared::default());
        let checkpointer = connect(path)?;
        let (wake, asked) = sync_channel::<()>(1);
        let counted = shared.clone();
        std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || run_checkpoints(&checkpointer, &asked, &counted))
            .map_err(|e| StoreError::Backend(format!("cannot start the checkpoint thread: {e}")))?;
        // Replaces SQLite's automatic checkpoint on this connection (itself
        // a WAL hook, run inside the commit): each [`CHECKPOINT_PAGES`] new
        // pages a commit wakes the checkpoint thread; past
        // [`WAL_LIMIT_PAGES`] it marks a checkpoint due for the writer
        // thread. `pages` counts the whole WAL, so waking the thread on
        // every commit past the first threshold would run a checkpoint (two
        // fsyncs and a sort of the WAL's index) for every few new pages: it
        // took a quarter of the CPU in an engine run. The checkpoint thread
        // ends when this hook is dropped with the connection.
        let due = shared.clone();
        let mut woken_at = 0;
        writer.wal_hook(Some(move |_: &mut rusqlite::hooks::Wal, pages: i32| {
            if pages < woken_at {
                // The WAL has started over.
                woken_at = 0;
            }
            if pages >= woken_at + CHECKPOINT_PAGES {
                woken_at = pages;
                // Full means the thread is asked already.
                let _ = wake.try_send(());
            }
            if pages >= WAL_LIMIT_PAGES {
                due.checkpoint_due.store(true, Ordering::Release);
            }
            Ok(())
        }))?;
        let (jobs, queue) = sync_channel::<Work>(1024);
        let writer = Arc::new(Mutex::new(writer));
        let (conn, state) = (writer.clone(), shared.clone());
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || run_writer(&conn, &queue, &state))
            .map_err(|e| StoreError::Backend(format!("cannot start the writer thread: {e}")))?;
        Ok(Arc::new(Self {
            jobs,
            writer,
            shared,
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

    /// Runs a short read (a point lookup or one small page) on the caller's
    /// thread when a reader connection is free: the hop to a blocking
    /// thread and back costs more than such a read. When every reader is
    /// busy, it waits for one on a blocking thread, as [`Engine::read`].
    pub(super) async fn read_quick<T, F>(self: &Arc<Self>, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        let first = self.next_reader.fetch_add(1, Ordering::Relaxed);
        for i in 0..self.readers.len() {
            if let Ok(mut conn) = self.readers[(first + i) % self.readers.len()].try_lock() {
                return f(&mut conn);
            }
        }
        self.read(f).await
    }

    /// Runs `f` in a write transaction; answers once it is committed.
    ///
    /// When the writer thread is asleep with nothing queued, the caller runs
    /// its own transaction on its own thread: a lone client's step then
    /// costs no hand-off to the writer thread and back. Otherwise the write
    /// is queued for the writer thread, which commits it with whatever else
    /// is waiting (group commit).
    pub(super) async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> Result<T> + Send + 'static,
    {
        if self.shared.lone()
            && let Ok(conn) = self.writer.try_lock()
            && let Some(tx) = begin_at_once(&conn)?
        {
            return run_alone(tx, f).inspect(|_| self.ask_checkpoint_if_due());
        }
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
        self.shared.queued.fetch_add(1, Ordering::AcqRel);
        if self.jobs.send(Work::Write(job)).is_err() {
            self.shared.queued.fetch_sub(1, Ordering::AcqRel);
            return Err(StoreError::Backend("the writer thread has stopped".into()));
        }
        answered.await.map_err(|_| {
            StoreError::Backend("the write could not run (see the writer's log)".into())
        })?
    }

    /// Hands a due checkpoint to the writer thread (after a caller's own commit).
    fn ask_checkpoint_if_due(&self) {
        if self.shared.checkpoint_due.load(Ordering::Acquire) {
            // A full queue means the writer thread has work and checks anyway.
            let _ = self.jobs.try_send(Work::Checkpoint);
        }
    }
}

/// A write transaction begun at once, or `None` when another process holds
/// the write lock: the caller then queues its write for the writer thread,
/// which waits for the lock, rather than wait on its own (async) thread.
fn begin_at_once(conn: &Connection) -> Result<Option<Transaction<'_>>> {
    conn.busy_timeout(std::time::Duration::ZERO)?;
    let begun = Transaction::new_unchecked(conn, TransactionBehavior::Immediate);
    conn.busy_timeout(BUSY_TIMEOUT)?;
    match begun {
        Ok(tx) => Ok(Some(tx)),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::DatabaseBusy =>
        {
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// One write in a transaction of its own on the caller's thread.
fn run_alone<T>(tx: Transaction<'_>, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
    match f(&tx) {
        Ok(v) => {
            tx.commit()?;
            Ok(v)
        }
        Err(e) => {
            if let Err(r) = tx.rollback() {
                tracing::error!(error = %r, "a write's rollback failed");
            }
            Err(e)
        }
    }
}

/// The write connection, also after a panic in another holder (the
/// connection itself is still sound: its transaction was rolled back).
fn lock(writer: &Mutex<Connection>) -> std::sync::MutexGuard<'_, Connection> {
    writer
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
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
