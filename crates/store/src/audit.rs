//! The audit log: every change to a case or the catalog appends a record in
//! the same transaction. Records are hash-chained: each hash covers the
//! previous hash and the record's own fields, so editing, deleting or
//! reordering any record breaks the chain from that record on.

use crate::*;
use async_trait::async_trait;

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The hash the first record chains from.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit record as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRecord {
    /// Position in the chain, from 1 with no gaps.
    pub seq: i64,
    /// When, as RFC 3339 text (hashed as stored).
    pub at: String,
    /// Who.
    pub actor: String,
    /// For which unit.
    pub actor_unit: String,
    /// What kind of thing changed: case, matter, certificate, calendar.
    pub entity: String,
    /// Which one.
    pub entity_id: String,
    /// What was done.
    pub action: String,
    /// The thing before, as JSON text.
    pub before: Option<String>,
    /// The thing after, as JSON text.
    pub after: Option<String>,
    /// The previous record's hash.
    pub prev_hash: String,
    /// This record's hash.
    pub hash: String,
}

/// A record about to be appended (seq and hashes are filled in by the store).
#[derive(Debug, Clone)]
pub struct AuditEntry {
    /// Who.
    pub actor: String,
    /// For which unit.
    pub actor_unit: String,
    /// What kind of thing changed.
    pub entity: &'static str,
    /// Which one.
    pub entity_id: String,
    /// What was done.
    pub action: String,
    /// Before, as JSON text.
    pub before: Option<String>,
    /// After, as JSON text.
    pub after: Option<String>,
}

/// An audit entry for `actor` about one entity: what each backend appends,
/// in the same transaction as the change it records.
pub(crate) fn entry(
    actor: &crate::Actor,
    entity: &'static str,
    id: &str,
    action: &str,
    before: Option<String>,
    after: Option<String>,
) -> AuditEntry {
    AuditEntry {
        actor: actor.username.clone(),
        actor_unit: actor.unit.clone(),
        entity,
        entity_id: id.to_owned(),
        action: action.to_owned(),
        before,
        after,
    }
}

/// The hash of a record's content chained to `prev_hash`.
pub fn chain_hash(prev_hash: &str, seq: i64, at: &str, e: &AuditEntry) -> String {
    let mut h = Sha256::new();
    let field = |h: &mut Sha256, s: &str| {
        h.update((s.len() as u64).to_be_bytes());
        h.update(s.as_bytes());
    };
    field(&mut h, prev_hash);
    field(&mut h, &seq.to_string());
    field(&mut h, at);
    field(&mut h, &e.actor);
    field(&mut h, &e.actor_unit);
    field(&mut h, e.entity);
    field(&mut h, &e.entity_id);
    field(&mut h, &e.action);
    for part in [&e.before, &e.after] {
        match part {
            Some(s) => {
                h.update([1]);
                field(&mut h, s);
            }
            None => h.update([0]),
        }
    }
    format!("{:x}", h.finalize())
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    /// Records read.
    pub checked: u64,
    /// The first record that is not as written, and why; `None` when the chain holds.
    pub first_bad: Option<(i64, String)>,
}

/// Checks records one at a time in seq order, so a chain of any length is
/// verified in constant memory.
#[derive(Debug, Clone)]
pub struct Verifier {
    head: Option<(i64, String)>,
    prev: String,
    expected_seq: i64,
    checked: u64,
    first_bad: Option<(i64, String)>,
}

impl Verifier {
    /// A verifier for a chain whose stored head (newest seq and hash) was
    /// read before the records; records appended since are checked too.
    pub fn new(head: Option<(i64, String)>) -> Self {
        Self {
            head,
            prev: GENESIS.to_owned(),
            expected_seq: 1,
            checked: 0,
            first_bad: None,
        }
    }

    /// Checks the next record; after the first bad one, the rest are ignored.
    pub fn feed(&mut self, r: &AuditRecord) {
        if self.first_bad.is_some() {
            return;
        }
        self.checked += 1;
        self.first_bad = self.check(r);
        self.prev.clone_from(&r.hash);
        self.expected_seq = r.seq + 1;
    }

    fn check(&self, r: &AuditRecord) -> Option<(i64, String)> {
        if r.seq != self.expected_seq {
            let why = format!(
                "第 {} 条记录缺失（下一条是第 {} 条）：记录被删除或调换了顺序",
                self.expected_seq, r.seq
            );
            return Some((self.expected_seq, why));
        }
        if r.prev_hash != self.prev {
            let why = format!(
                "第 {} 条记录与前一条不衔接：记录被删除、插入或调换了顺序",
                r.seq
            );
            return Some((r.seq, why));
        }
        let entity: &'static str = match r.entity.as_str() {
            "case" => "case",
            "matter" => "matter",
            "certificate" => "certificate",
            "calendar" => "calendar",
            "user" => "user",
            "unit" => "unit",
            "rating" => "rating",
            "rectification" => "rectification",
            "ticket" => "ticket",
            "open311_key" => "open311_key",
            _ => {
                return Some((
                    r.seq,
                    format!(
                        "第 {} 条记录的类别“{}”无法识别：记录被篡改",
                        r.seq, r.entity
                    ),
                ));
            }
        };
        let entry = AuditEntry {
            actor: r.actor.clone(),
            actor_unit: r.actor_unit.clone(),
            entity,
            entity_id: r.entity_id.clone(),
            action: r.action.clone(),
            before: r.before.clone(),
            after: r.after.clone(),
        };
        if chain_hash(&r.prev_hash, r.seq, &r.at, &entry) != r.hash {
            return Some((
                r.seq,
                format!("第 {} 条记录的内容与其哈希不符：记录被篡改", r.seq),
            ));
        }
        match &self.head {
            Some((seq, hash)) if *seq == r.seq && *hash != r.hash => Some((
                r.seq,
                format!("第 {} 条记录与日志头登记的哈希不符：记录被改写", r.seq),
            )),
            _ => None,
        }
    }

    /// The verdict once every record has been fed.
    pub fn finish(self) -> AuditReport {
        if self.first_bad.is_some() {
            return AuditReport {
                checked: self.checked,
                first_bad: self.first_bad,
            };
        }
        let last = self.expected_seq - 1;
        let first_bad = match self.head {
            Some((seq, _)) if seq > last => Some((
                last + 1,
                format!("日志末尾应到第 {seq} 条记录，实际只到第 {last} 条：末尾记录被删除"),
            )),
            None if last > 0 => Some((last, "日志头记录缺失：日志被改写".to_owned())),
            _ => None,
        };
        AuditReport {
            checked: self.checked,
            first_bad,
        }
    }
}

/// The hash-chained audit log.
#[async_trait]
pub trait AuditStore: Send + Sync {
    /// The audit log from `after_seq` on, at most `limit` records.
    async fn audit_records(&self, after_seq: i64, limit: u32) -> Result<Vec<audit::AuditRecord>>;

    /// The stored head of the audit chain (newest seq and hash).
    async fn audit_head(&self) -> Result<Option<(i64, String)>>;

    /// Walks the whole audit chain and names the first record not as written.
    async fn verify_audit(&self) -> Result<audit::AuditReport> {
        let mut verifier = audit::Verifier::new(self.audit_head().await?);
        let mut after = 0;
        loop {
            let page = self.audit_records(after, 10_000).await?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            page.iter().for_each(|r| verifier.feed(r));
        }
        Ok(verifier.finish())
    }
}
