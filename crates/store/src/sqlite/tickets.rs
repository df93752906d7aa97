//! Hotline tickets on SQLite: the ticket, its timeline, the units holding
//! it, and Open311 API keys. Every change appends an audit record in the
//! same transaction.

use super::*;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params, params_from_iter};

use super::audit::{append_audit, entry};
use super::json_err;
use crate::tickets::{Event, parse_state};
use crate::{
    Actor, NewTicket, Result, StoreError, TicketEventRecord, TicketFilter, TicketRecord,
    TicketUpdate,
};
use domain::hotline::Ticket;

const COLUMNS: &str =
    "t.id, t.version, t.api_client, t.account_id, t.body, t.created_at, t.updated_at, t.media_url";

/// A ticket row as read, its JSON body not yet parsed.
type Raw = (
    i64,
    i64,
    Option<String>,
    Option<String>,
    String,
    DateTime<Utc>,
    DateTime<Utc>,
    Option<String>,
);

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Raw> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
    ))
}

fn finish(
    (id, version, api_client, account_id, body, created_at, updated_at, media_url): Raw,
) -> Result<TicketRecord> {
    Ok(TicketRecord {
        id,
        version,
        ticket: serde_json::from_str(&body).map_err(json_err)?,
        api_client,
        account_id,
        media_url,
        created_at,
        updated_at,
    })
}

/// One ticket; `NotFound` when there is none.
pub(super) fn load(c: &Connection, id: i64) -> Result<TicketRecord> {
    let raw = c
        .query_row(
            &format!("SELECT {COLUMNS} FROM tickets t WHERE t.id = ?1"),
            [id],
            row,
        )
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("工单 {id}")))?;
    finish(raw)
}

fn set_units(tx: &Transaction<'_>, id: i64, t: &Ticket) -> Result<()> {
    tx.execute("DELETE FROM ticket_units WHERE ticket_id = ?1", [id])?;
    for (unit, part) in crate::tickets::parts(t) {
        tx.execute(
            "INSERT INTO ticket_units (ticket_id, unit, part) VALUES (?1, ?2, ?3)",
            params![id, unit, part],
        )?;
    }
    Ok(())
}

fn add_event(tx: &Transaction<'_>, id: i64, e: Event<'_>) -> Result<()> {
    tx.execute(
        "INSERT INTO ticket_events (ticket_id, seq, at, actor, actor_unit, action, payload, from_state, to_state)
         VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM ticket_events WHERE ticket_id = ?1), ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![id, e.at, e.actor.username, e.actor.unit, e.action, e.payload.to_string(), e.from, e.to],
    )?;
    Ok(())
}

/// Stores a new ticket with its first timeline entry and audit record.
pub(super) fn create(tx: &Transaction<'_>, n: &NewTicket) -> Result<TicketRecord> {
    let t = &n.ticket;
    let body = serde_json::to_string(t).map_err(json_err)?;
    let id: i64 = tx.query_row(
        "INSERT INTO tickets (kind, urgency, state, category, caller_phone, lead_unit, registered_at, api_client, account_id, body, created_at, updated_at, media_url)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12) RETURNING id",
        params![t.kind.as_str(), t.urgency.as_str(), t.state.as_str(), t.category, t.caller_phone, t.lead_unit,
                t.registered_at, n.api_client, n.account_id, body, n.at, n.media_url],
        |r| r.get(0),
    )?;
    set_units(tx, id, t)?;
    let payload = serde_json::json!({ "channel": t.channel.as_str(), "api_client": n.api_client });
    add_event(
        tx,
        id,
        Event {
            action: "register",
            payload: &payload,
            from: None,
            to: t.state.as_str(),
            actor: &n.actor,
            at: n.at,
        },
    )?;
    append_audit(
        tx,
        &entry(
            &n.actor,
            "ticket",
            &id.to_string(),
            "register",
            None,
            Some(body),
        ),
        n.at,
    )?;
    load(tx, id)
}

/// Stores a change, its timeline entry and its audit record; `Conflict`
/// when the ticket changed since `expected_version`.
pub(super) fn update(tx: &Transaction<'_>, u: &TicketUpdate) -> Result<TicketRecord> {
    let before = load(tx, u.id)?;
    if before.version != u.expected_version {
        return Err(StoreError::Conflict(format!(
            "工单已被他人修改（当前版本 {}，提交的版本 {}），请刷新后重试",
            before.version, u.expected_version
        )));
    }
    let t = &u.ticket;
    let body = serde_json::to_string(t).map_err(json_err)?;
    let n = tx.execute(
        "UPDATE tickets SET state = ?1, urgency = ?2, category = ?3, lead_unit = ?4, body = ?5, updated_at = ?6,
             version = version + 1
         WHERE id = ?7 AND version = ?8",
        params![t.state.as_str(), t.urgency.as_str(), t.category, t.lead_unit, body, u.at, u.id, u.expected_version],
    )?;
    if n != 1 {
        return Err(StoreError::Conflict(
            "工单已被他人修改，请刷新后重试".into(),
        ));
    }
    set_units(tx, u.id, t)?;
    let from = before.ticket.state.as_str();
    add_event(
        tx,
        u.id,
        Event {
            action: &u.action,
            payload: &u.payload,
            from: Some(from),
            to: t.state.as_str(),
            actor: &u.actor,
            at: u.at,
        },
    )?;
    let before_body = serde_json::to_string(&before.ticket).map_err(json_err)?;
    append_audit(
        tx,
        &entry(
            &u.actor,
            "ticket",
            &u.id.to_string(),
            &u.action,
            Some(before_body),
            Some(body),
        ),
        u.at,
    )?;
    load(tx, u.id)
}

/// A ticket's timeline, oldest first.
pub(super) fn events(c: &Connection, id: i64) -> Result<Vec<TicketEventRecord>> {
    let mut st = c.prepare(
        "SELECT seq, at, actor, actor_unit, action, payload, from_state, to_state
         FROM ticket_events WHERE ticket_id = ?1 ORDER BY seq",
    )?;
    let rows = st.query_map([id], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, DateTime<Utc>>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, Option<String>>(6)?,
            r.get::<_, String>(7)?,
        ))
    })?;
    rows.map(|r| {
        let (seq, at, actor, actor_unit, action, payload, from, to) = r?;
        Ok(TicketEventRecord {
            seq,
            at,
            actor,
            actor_unit,
            action,
            payload: serde_json::from_str(&payload).map_err(json_err)?,
            from_state: from.as_deref().map(parse_state).transpose()?,
            to_state: parse_state(&to)?,
        })
    })
    .collect()
}

/// Tickets matching a filter, newest first.
pub(super) fn list(c: &Connection, f: &TicketFilter) -> Result<Vec<TicketRecord>> {
    let mut sql = format!("SELECT {COLUMNS} FROM tickets t WHERE 1 = 1");
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    let mut bind = |v: rusqlite::types::Value| {
        args.push(v);
        format!("?{}", args.len())
    };
    if let Some(unit) = &f.unit {
        let p = bind(unit.clone().into());
        sql += &format!(" AND t.id IN (SELECT ticket_id FROM ticket_units WHERE unit = {p})");
    }
    if !f.ids.is_empty() {
        let ps: Vec<_> = f.ids.iter().map(|i| bind((*i).into())).collect();
        sql += &format!(" AND t.id IN ({})", ps.join(", "));
    }
    if !f.states.is_empty() {
        let ps: Vec<_> = f
            .states
            .iter()
            .map(|s| bind(s.as_str().to_owned().into()))
            .collect();
        sql += &format!(" AND t.state IN ({})", ps.join(", "));
    }
    if let Some(k) = f.kind {
        sql += &format!(" AND t.kind = {}", bind(k.as_str().to_owned().into()));
    }
    if let Some(from) = f.from {
        sql += &format!(" AND t.registered_at >= {}", bind(text(from).into()));
    }
    if let Some(until) = f.until {
        sql += &format!(" AND t.registered_at <= {}", bind(text(until).into()));
    }
    if let Some(phone) = &f.caller_phone {
        sql += &format!(" AND t.caller_phone = {}", bind(phone.clone().into()));
    }
    sql += " ORDER BY t.id DESC";
    if f.limit > 0 {
        sql += &format!(" LIMIT {}", f.limit);
    }
    let mut st = c.prepare(&sql)?;
    let rows = st.query_map(params_from_iter(args), row)?;
    rows.map(|r| finish(r?)).collect()
}

/// An instant as rusqlite stores it, so text comparison orders it.
fn text(at: DateTime<Utc>) -> String {
    at.format("%F %T%.f%:z").to_string()
}

/// Stores an Open311 key's hash under a name; `Conflict` when the name is taken.
pub(super) fn put_key(
    tx: &Transaction<'_>,
    name: &str,
    key_hash: &str,
    actor: &Actor,
    at: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO open311_keys (name, key_hash, created_by, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![name, key_hash, actor.username, at],
    )?;
    append_audit(
        tx,
        &entry(actor, "open311_key", name, "create", None, None),
        at,
    )
}

/// The name of the enabled key with this hash.
pub(super) fn key(c: &Connection, key_hash: &str) -> Result<String> {
    c.query_row(
        "SELECT name FROM open311_keys WHERE key_hash = ?1 AND disabled = 0",
        [key_hash],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| StoreError::NotFound("Open311 API key".into()))
}

#[async_trait]
impl crate::TicketStore for super::SqliteStore {
    async fn create_ticket(&self, new: &crate::NewTicket) -> Result<crate::TicketRecord> {
        let new = new.clone();
        self.write(move |tx| tickets::create(tx, &new)).await
    }

    async fn update_ticket(&self, update: &crate::TicketUpdate) -> Result<crate::TicketRecord> {
        let update = update.clone();
        self.write(move |tx| tickets::update(tx, &update)).await
    }

    async fn ticket(&self, id: i64) -> Result<crate::TicketRecord> {
        self.quick(move |c| tickets::load(c, id)).await
    }

    async fn ticket_events(&self, id: i64) -> Result<Vec<crate::TicketEventRecord>> {
        self.quick(move |c| tickets::events(c, id)).await
    }

    async fn list_tickets(&self, filter: &crate::TicketFilter) -> Result<Vec<crate::TicketRecord>> {
        let filter = filter.clone();
        self.call(move |c| tickets::list(c, &filter)).await
    }

    async fn put_open311_key(
        &self,
        name: &str,
        key_hash: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (name, key_hash, actor) = (name.to_owned(), key_hash.to_owned(), actor.clone());
        self.write(move |tx| tickets::put_key(tx, &name, &key_hash, &actor, now))
            .await
    }

    async fn open311_key(&self, key_hash: &str) -> Result<String> {
        let key_hash = key_hash.to_owned();
        self.quick(move |c| tickets::key(c, &key_hash)).await
    }
}
