//! The engine's checkpoints: the WAL copied back into the database file,
//! beside the writes (see the engine's doc).

use super::*;

/// The checkpoint thread: a passive checkpoint each time a commit asks for
/// one. It copies what no reader still needs while writes go on, and never
/// blocks a writer. Ends when the write connection, and with it the
/// sender, is gone.
pub(super) fn run_checkpoints(conn: &Connection, asked: &Receiver<()>, shared: &Shared) {
    while asked.recv().is_ok() {
        shared.passive_checkpoints.fetch_add(1, Ordering::Relaxed);
        if let Err(e) = conn.wal_checkpoint_v2(None::<&str>, rusqlite::wal::CheckpointMode::PASSIVE)
        {
            tracing::warn!(error = %e, "a WAL checkpoint failed; the next commit asks again");
        }
    }
}

/// A checkpoint on the write connection, when one is due. Run by the writer
/// thread holding the connection, so no write of this process lands while
/// it copies what the checkpoint thread has left; a full checkpoint waits
/// (up to the busy timeout) for that thread and for readers of older
/// snapshots, so it completes and the next write starts the WAL over.
pub(super) fn checkpoint_if_due(writer: &Mutex<Connection>, shared: &Shared) {
    if !shared.checkpoint_due.swap(false, Ordering::AcqRel) {
        return;
    }
    let conn = lock(writer);
    // While the checkpoint thread is at it, SQLite refuses a second
    // checkpoint at once (busy) rather than wait: try again until it is
    // done, or the write lock's own timeout has passed.
    let started = std::time::Instant::now();
    loop {
        match conn.wal_checkpoint_v2(None::<&str>, rusqlite::wal::CheckpointMode::FULL) {
            Ok(_) => return,
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy
                    && started.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            Err(e) => {
                tracing::warn!(error = %e, "a WAL checkpoint failed; the next commit asks again");
                return;
            }
        }
    }
}
