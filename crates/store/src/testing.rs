//! Fresh databases for tests: a SQLite file in a temporary directory always,
//! and a new PostgreSQL database on the server that
//! `ONEWINDOW_TEST_DATABASE_URL` names, when it is set. Each call makes a new
//! database, migrated and holding the default data, so tests never share state.

use crate::{Store, open};
use chrono::Utc;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

/// The environment variable naming a PostgreSQL server for tests, e.g.
/// `postgres://postgres@localhost:5432/postgres`.
pub const PG_ENV: &str = "ONEWINDOW_TEST_DATABASE_URL";

/// A database made for one test; the SQLite file lives as long as this does.
pub struct TestDb {
    /// The opened store.
    pub store: Arc<dyn Store>,
    /// Its URL, for opening it again (as a second process would).
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    /// For PostgreSQL: the server's admin URL and this database's name, to drop it afterwards.
    pg: Option<(String, String)>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin, name)) = self.pg.take() else {
            return;
        };
        // Drop may run inside a runtime, so the clean-up gets a thread and a runtime of its own.
        let cleanup = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async {
                if let Ok((client, conn)) =
                    tokio_postgres::connect(&admin, tokio_postgres::NoTls).await
                {
                    let task = tokio::spawn(conn);
                    let _ = client
                        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await;
                    drop(client);
                    let _ = task.await;
                }
            });
        });
        let _ = cleanup.join();
    }
}

/// A fresh SQLite database file.
pub async fn sqlite() -> TestDb {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("cannot make a temporary directory: {e}"),
    };
    let url = dir.path().join("onewindow.db").display().to_string();
    let store = open_or_panic(&url).await;
    TestDb {
        store,
        url,
        _dir: Some(dir),
        pg: None,
    }
}

/// A fresh PostgreSQL database, or `None` when no server is configured.
pub async fn postgres() -> Option<TestDb> {
    let Some(admin) = std::env::var(PG_ENV).ok().filter(|u| !u.is_empty()) else {
        // CI must test both backends; a missing server there is a failure, not a skip.
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but {PG_ENV} is not: PostgreSQL would go untested"
        );
        return None;
    };
    static N: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "ow_test_{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        Utc::now().timestamp_micros() % 1_000_000_000
    );
    let (client, conn) = match tokio_postgres::connect(&admin, tokio_postgres::NoTls).await {
        Ok(c) => c,
        Err(e) => panic!("{PG_ENV} is set but the server cannot be reached: {e}"),
    };
    let task = tokio::spawn(conn);
    if let Err(e) = client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
    {
        panic!("cannot create test database {name}: {e}");
    }
    drop(client);
    let _ = task.await;
    let url = with_database(&admin, &name);
    let store = open_or_panic(&url).await;
    Some(TestDb {
        store,
        url,
        _dir: None,
        pg: Some((admin, name)),
    })
}

/// Every configured backend: SQLite, then PostgreSQL when its URL is set.
pub async fn all() -> Vec<TestDb> {
    let mut dbs = vec![sqlite().await];
    dbs.extend(postgres().await);
    dbs
}

async fn open_or_panic(url: &str) -> Arc<dyn Store> {
    match open(url, Utc::now()).await {
        Ok(s) => s,
        Err(e) => panic!("cannot open test database {}: {e}", crate::redact_url(url)),
    }
}

/// Replaces the database name in a `postgres://…/name?…` URL.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let authority_end = base.find("://").map_or(0, |i| i + 3);
    let root = match base[authority_end..].find('/') {
        Some(slash) => &base[..authority_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{root}/{name}?{q}"),
        None => format!("{root}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            super::with_database("postgres://u@h:5432/postgres", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(
            super::with_database("postgres://u@h/db?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
        assert_eq!(
            super::with_database("postgres://u@h", "x"),
            "postgres://u@h/x"
        );
    }
}
