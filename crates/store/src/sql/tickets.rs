//! Hotline tickets: the ticket, its timeline, the units holding it, and
//! Open311 API keys. Every change appends an audit record in the same
//! transaction.

use super::audit::append;
use super::{Cells, Db, Json, Param, first};
use crate::audit::entry;
use crate::tickets::{Event, parse_state, parts};
use crate::{
    Actor, NewTicket, Result, StoreError, TicketEventRecord, TicketFilter, TicketRecord,
    TicketUpdate,
};
use chrono::{DateTime, Utc};
use domain::hotline::Ticket;

const COLUMNS: &str =
    "t.id, t.version, t.api_client, t.account_id, t.body, t.created_at, t.updated_at, t.media_url";

/// A ticket and its body's text as stored.
fn row(r: &dyn Cells) -> Result<(TicketRecord, String)> {
    let body: String = r.get(4)?;
    let record = TicketRecord {
        id: r.get(0)?,
        version: r.get(1)?,
        ticket: serde_json::from_str(&body).map_err(crate::json_err)?,
        api_client: r.get(2)?,
        account_id: r.get(3)?,
        created_at: r.get(5)?,
        updated_at: r.get(6)?,
        media_url: r.get(7)?,
    };
    Ok((record, body))
}

fn missing(id: i64) -> impl FnOnce() -> StoreError {
    move || StoreError::NotFound(format!("工单 {id}"))
}

/// One ticket; `NotFound` when there is none.
pub(crate) async fn load(db: &impl Db, id: i64) -> Result<TicketRecord> {
    let sql = format!("SELECT {COLUMNS} FROM tickets t WHERE t.id = $1");
    let (record, _) = db.one(&sql, &[&id], row, missing(id)).await?;
    Ok(record)
}

async fn set_units(db: &impl Db, id: i64, t: &Ticket) -> Result<()> {
    db.exec("DELETE FROM ticket_units WHERE ticket_id = $1", &[&id])
        .await?;
    for (unit, part) in parts(t) {
        db.exec(
            "INSERT INTO ticket_units (ticket_id, unit, part) VALUES ($1, $2, $3)",
            &[&id, &unit, &part],
        )
        .await?;
    }
    Ok(())
}

async fn add_event(db: &impl Db, id: i64, e: Event<'_>) -> Result<()> {
    db.exec(
        "INSERT INTO ticket_events (ticket_id, seq, at, actor, actor_unit, action, payload, from_state, to_state)
         VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM ticket_events WHERE ticket_id = $1), $2, $3, $4, $5, $6, $7, $8)",
        &[&id, &e.at, &e.actor.username, &e.actor.unit, &e.action, &e.payload.to_string(), &e.from, &e.to],
    )
    .await?;
    Ok(())
}

/// Stores a new ticket with its first timeline entry and audit record.
pub(crate) async fn create(db: &impl Db, n: &NewTicket) -> Result<TicketRecord> {
    let t = &n.ticket;
    let body = Json::of(t)?.0;
    let id: i64 = db
        .insert(
            "INSERT INTO tickets (kind, urgency, state, category, caller_phone, lead_unit, registered_at, api_client, account_id, body, created_at, updated_at, media_url)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12) RETURNING id",
            &[&t.kind.as_str(), &t.urgency.as_str(), &t.state.as_str(), &t.category, &t.caller_phone, &t.lead_unit,
              &t.registered_at, &n.api_client, &n.account_id, &body, &n.at, &n.media_url],
        )
        .await?;
    set_units(db, id, t).await?;
    let payload = serde_json::json!({ "channel": t.channel.as_str(), "api_client": n.api_client });
    let event = Event {
        action: "register",
        payload: &payload,
        from: None,
        to: t.state.as_str(),
        actor: &n.actor,
        at: n.at,
    };
    add_event(db, id, event).await?;
    let audit = entry(
        &n.actor,
        "ticket",
        &id.to_string(),
        "register",
        None,
        Some(body),
    );
    append(db, &audit, n.at).await?;
    load(db, id).await
}

/// Stores a change, its timeline entry and its audit record; `Conflict`
/// when the ticket changed since `expected_version`.
pub(crate) async fn update(db: &impl Db, u: &TicketUpdate) -> Result<TicketRecord> {
    let lock = db.for_update();
    let sql = format!("SELECT {COLUMNS} FROM tickets t WHERE t.id = $1{lock}");
    let (before, before_body) = db.one(&sql, &[&u.id], row, missing(u.id)).await?;
    if before.version != u.expected_version {
        return Err(StoreError::Conflict(format!(
            "工单已被他人修改（当前版本 {}，提交的版本 {}），请刷新后重试",
            before.version, u.expected_version
        )));
    }
    let t = &u.ticket;
    let body = Json::of(t)?.0;
    db.exec(
        "UPDATE tickets SET state = $1, urgency = $2, category = $3, lead_unit = $4, body = $5, updated_at = $6,
             version = version + 1
         WHERE id = $7",
        &[&t.state.as_str(), &t.urgency.as_str(), &t.category, &t.lead_unit, &body, &u.at, &u.id],
    )
    .await?;
    set_units(db, u.id, t).await?;
    let event = Event {
        action: &u.action,
        payload: &u.payload,
        from: Some(before.ticket.state.as_str()),
        to: t.state.as_str(),
        actor: &u.actor,
        at: u.at,
    };
    add_event(db, u.id, event).await?;
    let id = u.id.to_string();
    let audit = entry(
        &u.actor,
        "ticket",
        &id,
        &u.action,
        Some(before_body),
        Some(body),
    );
    append(db, &audit, u.at).await?;
    load(db, u.id).await
}

/// A ticket's timeline, oldest first.
pub(crate) async fn events(db: &impl Db, id: i64) -> Result<Vec<TicketEventRecord>> {
    db.rows(
        "SELECT seq, at, actor, actor_unit, action, payload, from_state, to_state
         FROM ticket_events WHERE ticket_id = $1 ORDER BY seq",
        &[&id],
        |r| {
            let payload: String = r.get(5)?;
            Ok(TicketEventRecord {
                seq: r.get(0)?,
                at: r.get(1)?,
                actor: r.get(2)?,
                actor_unit: r.get(3)?,
                action: r.get(4)?,
                payload: serde_json::from_str(&payload).map_err(crate::json_err)?,
                from_state: r
                    .get::<Option<String>>(6)?
                    .as_deref()
                    .map(parse_state)
                    .transpose()?,
                to_state: parse_state(&r.get::<String>(7)?)?,
            })
        },
    )
    .await
}

/// The parameters of a statement built for one call, numbered as bound.
#[derive(Default)]
struct Binds(Vec<Box<dyn Param + Send>>);

impl Binds {
    /// Binds `v`; its placeholder.
    fn bind(&mut self, v: impl Param + Send + 'static) -> String {
        self.0.push(Box::new(v));
        format!("${}", self.0.len())
    }

    /// Binds each value; the placeholders, comma-separated.
    fn list<T: Param + Send + 'static>(&mut self, vs: impl IntoIterator<Item = T>) -> String {
        let ps: Vec<String> = vs.into_iter().map(|v| self.bind(v)).collect();
        ps.join(", ")
    }

    fn params(&self) -> Vec<&dyn Param> {
        self.0.iter().map(|b| b.as_ref() as &dyn Param).collect()
    }
}

/// Tickets matching a filter, newest first.
pub(crate) async fn list(db: &impl Db, f: &TicketFilter) -> Result<Vec<TicketRecord>> {
    let mut sql = format!("SELECT {COLUMNS} FROM tickets t WHERE 1 = 1");
    let mut b = Binds::default();
    if let Some(unit) = &f.unit {
        let p = b.bind(unit.clone());
        sql += &format!(" AND t.id IN (SELECT ticket_id FROM ticket_units WHERE unit = {p})");
    }
    if !f.ids.is_empty() {
        sql += &format!(" AND t.id IN ({})", b.list(f.ids.iter().copied()));
    }
    if !f.states.is_empty() {
        let states = f.states.iter().map(|s| s.as_str());
        sql += &format!(" AND t.state IN ({})", b.list(states));
    }
    if let Some(k) = f.kind {
        sql += &format!(" AND t.kind = {}", b.bind(k.as_str()));
    }
    if let Some(from) = f.from {
        sql += &format!(" AND t.registered_at >= {}", b.bind(from));
    }
    if let Some(until) = f.until {
        sql += &format!(" AND t.registered_at <= {}", b.bind(until));
    }
    if let Some(phone) = &f.caller_phone {
        sql += &format!(" AND t.caller_phone = {}", b.bind(phone.clone()));
    }
    sql += " ORDER BY t.id DESC";
    if f.limit > 0 {
        sql += &format!(" LIMIT {}", b.bind(i64::from(f.limit)));
    }
    let rows = db.rows_once(&sql, &b.params(), row).await?;
    Ok(rows.into_iter().map(|(record, _)| record).collect())
}

/// Stores an Open311 key's hash under a name; `Conflict` when the name is taken.
pub(crate) async fn put_key(
    db: &impl Db,
    name: &str,
    key_hash: &str,
    actor: &Actor,
    at: DateTime<Utc>,
) -> Result<()> {
    db.exec(
        "INSERT INTO open311_keys (name, key_hash, created_by, created_at) VALUES ($1, $2, $3, $4)",
        &[&name, &key_hash, &actor.username, &at],
    )
    .await?;
    let audit = entry(actor, "open311_key", name, "create", None, None);
    append(db, &audit, at).await
}

/// The name of the enabled key with this hash.
pub(crate) async fn key(db: &impl Db, key_hash: &str) -> Result<String> {
    db.one(
        "SELECT name FROM open311_keys WHERE key_hash = $1 AND NOT disabled",
        &[&key_hash],
        first,
        || StoreError::NotFound("Open311 API key".into()),
    )
    .await
}
