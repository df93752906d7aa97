//! Landed migrations never change: `migrations/CHECKSUMS.sha256` lists the
//! SHA-256 of every migration file, and this test fails when a listed file
//! was edited or removed, or when a migration file is not listed. A change
//! to the schema is a new migration (and a new line in the list); a
//! database made before an edited migration would refuse to start.

#![expect(clippy::unwrap_used, reason = "test code fails loudly")]

use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

fn listed() -> BTreeMap<String, String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let text = std::fs::read_to_string(dir.join("CHECKSUMS.sha256")).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (hash, path) = l.split_once("  ").unwrap();
            (path.trim().to_owned(), hash.to_owned())
        })
        .collect()
}

fn on_disk() -> BTreeMap<String, String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut found = BTreeMap::new();
    for backend in ["postgres", "sqlite"] {
        for entry in std::fs::read_dir(dir.join(backend)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let hash = format!("{:x}", Sha256::digest(std::fs::read(&path).unwrap()));
            found.insert(format!("{backend}/{name}"), hash);
        }
    }
    found
}

#[test]
fn landed_migrations_are_unchanged_and_every_migration_is_listed() {
    let listed = listed();
    let disk = on_disk();
    for (path, hash) in &listed {
        match disk.get(path) {
            None => panic!("{path} was removed: a landed migration stays; add a new one instead"),
            Some(h) => assert_eq!(
                h, hash,
                "{path} changed after it landed: restore it and put the change in a new migration"
            ),
        }
    }
    let unlisted: Vec<_> = disk.keys().filter(|p| !listed.contains_key(*p)).collect();
    assert!(
        unlisted.is_empty(),
        "new migrations not in migrations/CHECKSUMS.sha256 (add them: cd crates/store/migrations && sha256sum postgres/*.sql sqlite/*.sql > CHECKSUMS.sha256): {unlisted:?}"
    );
}
