//! The engine's writer thread: jobs taken in groups, each in its own
//! savepoint of one transaction, committed once (see the engine's doc).

use super::*;

/// The next piece of work, polled for [`POLL_BEFORE_SLEEP`] before the
/// thread sleeps when `poll`; `None` once every sender is gone (the store
/// was dropped).
pub(super) fn next_work(queue: &Receiver<Work>, shared: &Shared, poll: bool) -> Option<Work> {
    let started = std::time::Instant::now();
    while poll && started.elapsed() < POLL_BEFORE_SLEEP {
        match queue.try_recv() {
            Ok(work) => return Some(work),
            Err(std::sync::mpsc::TryRecvError::Empty) => std::thread::yield_now(),
            Err(std::sync::mpsc::TryRecvError::Disconnected) => return None,
        }
    }
    shared.writer_asleep.store(true, Ordering::Release);
    let work = queue.recv().ok();
    shared.writer_asleep.store(false, Ordering::Release);
    work
}

/// The writer thread: takes whatever jobs are waiting, commits them as one
/// transaction, answers each, then checkpoints if one is due. Ends when
/// every sender is gone.
pub(super) fn run_writer(writer: &Mutex<Connection>, queue: &Receiver<Work>, shared: &Shared) {
    // Poll for more only after a group of several jobs: after a lone one
    // (a single client, or a checkpoint) the thread sleeps at once, so the
    // next write runs on its caller's thread again.
    let mut poll = false;
    while let Some(work) = next_work(queue, shared, poll) {
        let Work::Write(first) = work else {
            checkpoint_if_due(writer, shared);
            poll = false;
            continue;
        };
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match queue.try_recv() {
                Ok(Work::Write(job)) => group.push(job),
                // Due already: done after the group.
                Ok(Work::Checkpoint) => {}
                Err(_) => break,
            }
        }
        let taken = group.len();
        poll = taken > 1;
        // The connection is let go before the callers are answered.
        let committed = match lock(writer).transaction_with_behavior(TransactionBehavior::Immediate)
        {
            Ok(tx) => Some(commit_group(tx, group)),
            Err(e) => {
                fail_group(group, &StoreError::from(e));
                None
            }
        };
        if let Some((completions, commit)) = committed {
            for c in completions {
                c(commit.as_ref().map(|_| ()).map_err(clone_error));
            }
        }
        shared.queued.fetch_sub(taken, Ordering::AcqRel);
        checkpoint_if_due(writer, shared);
    }
}

/// Runs each job in its own savepoint, then commits the lot. A job alone
/// needs no savepoint: if it fails, its whole transaction is rolled back.
pub(super) fn commit_group(
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

/// A group whose transaction could not begin: no job runs; dropping each
/// answers its caller with an error.
pub(super) fn fail_group(group: Vec<Job>, e: &StoreError) {
    tracing::error!(error = %e, jobs = group.len(), "cannot begin a write transaction");
    drop(group);
}

pub(super) fn clone_error(e: &StoreError) -> StoreError {
    match e {
        StoreError::Conflict(m) => StoreError::Conflict(m.clone()),
        other => StoreError::Backend(other.to_string()),
    }
}
