use super::{CHECKPOINT_PAGES, Engine, WAL_LIMIT_PAGES, connect};
use rusqlite::StatementStatus;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;

fn engine_on(path: &Path) -> Arc<Engine> {
    let writer = connect(path).expect("connect");
    writer
        .execute_batch("CREATE TABLE t (n INTEGER PRIMARY KEY, filler BLOB)")
        .expect("schema");
    Engine::start(path, writer).expect("engine")
}

fn rows(path: &Path) -> i64 {
    connect(path)
        .expect("connect")
        .query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0))
        .expect("count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_waits_while_another_process_holds_the_write_lock() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("t.db");
    let engine = engine_on(&path);
    // Another process (`onewindow sweep`, say) in the middle of a write.
    let other = connect(&path).expect("connect");
    other
        .execute_batch("BEGIN IMMEDIATE; INSERT INTO t (n) VALUES (1);")
        .expect("other writer");
    let e = engine.clone();
    let write = tokio::spawn(async move {
        e.write(|tx| Ok(tx.execute("INSERT INTO t (n) VALUES (2)", [])?))
            .await
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        !write.is_finished(),
        "the write must wait for the lock, not fail at once"
    );
    other.execute_batch("COMMIT").expect("other commits");
    let inserted = write.await.expect("task").expect("the write succeeds");
    assert_eq!(inserted, 1);
    assert_eq!(rows(&path), 2);
    // With the lock free again, a write is answered at once.
    engine
        .write(|tx| Ok(tx.execute("INSERT INTO t (n) VALUES (3)", [])?))
        .await
        .expect("write");
    assert_eq!(rows(&path), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wal_is_checkpointed_and_does_not_grow_without_bound() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("t.db");
    let engine = engine_on(&path);
    // Steady writing, each write at least two pages (a 5 KB row spills
    // into an overflow page): unchecked, the WAL would hold all of them,
    // four times the limit.
    let writes = 2 * usize::try_from(WAL_LIMIT_PAGES).expect("positive");
    for n in 0..writes {
        let n = i64::try_from(n).expect("small");
        engine
            .write(move |tx| {
                Ok(tx.execute("INSERT INTO t (n, filler) VALUES (?1, zeroblob(5000))", [n])?)
            })
            .await
            .expect("write");
    }
    let wal = std::fs::metadata(dir.path().join("t.db-wal"))
        .expect("the WAL file")
        .len();
    let unchecked = u64::try_from(2 * writes * 4096).expect("small");
    assert!(
        wal < unchecked / 2,
        "WAL of {wal} bytes: it is never checkpointed ({unchecked} bytes unchecked)"
    );
    assert_eq!(rows(&path), i64::try_from(writes).expect("small"));
    // A checkpoint costs two fsyncs and a sort of the WAL's index: one
    // for each CHECKPOINT_PAGES new pages (a write here is two pages or
    // a few more), not one for each commit once the WAL has passed that
    // size (which ran 335–503 here).
    let pages = 2 * writes;
    let expected = pages / usize::try_from(CHECKPOINT_PAGES).expect("positive");
    let ran = engine.shared.passive_checkpoints.load(Ordering::Relaxed);
    assert!(
        (1..=2 * expected).contains(&ran),
        "{ran} passive checkpoints for {pages} or more WAL pages (about {expected} expected)"
    );
    drop(engine);
}

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
