//! Hotline tickets on PostgreSQL: the ticket, its timeline, the units
//! holding it, and Open311 API keys. Every change appends an audit record
//! in the same transaction.

use super::*;

use chrono::{DateTime, Utc};
use deadpool_postgres::{GenericClient, Transaction};
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

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

fn row(r: &Row) -> Result<TicketRecord> {
    let body: String = r.try_get(4)?;
    Ok(TicketRecord {
        id: r.try_get(0)?,
        version: r.try_get(1)?,
        ticket: serde_json::from_str(&body).map_err(json_err)?,
        api_client: r.try_get(2)?,
        account_id: r.try_get(3)?,
        created_at: r.try_get(5)?,
        updated_at: r.try_get(6)?,
        media_url: r.try_get(7)?,
    })
}

/// One ticket; `NotFound` when there is none.
pub(super) async fn load(c: &impl GenericClient, id: i64) -> Result<TicketRecord> {
    let r = c
        .query_opt(
            &format!("SELECT {COLUMNS} FROM tickets t WHERE t.id = $1"),
            &[&id],
        )
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("工单 {id}")))?;
    row(&r)
}

async fn set_units(tx: &Transaction<'_>, id: i64, t: &Ticket) -> Result<()> {
    tx.execute("DELETE FROM ticket_units WHERE ticket_id = $1", &[&id])
        .await?;
    for (unit, part) in crate::tickets::parts(t) {
        tx.execute(
            "INSERT INTO ticket_units (ticket_id, unit, part) VALUES ($1, $2, $3)",
            &[&id, &unit, &part],
        )
        .await?;
    }
    Ok(())
}

async fn add_event(tx: &Transaction<'_>, id: i64, e: Event<'_>) -> Result<()> {
    tx.execute(
        "INSERT INTO ticket_events (ticket_id, seq, at, actor, actor_unit, action, payload, from_state, to_state)
         VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM ticket_events WHERE ticket_id = $1), $2, $3, $4, $5, $6, $7, $8)",
        &[&id, &e.at, &e.actor.username, &e.actor.unit, &e.action, &e.payload.to_string(), &e.from, &e.to],
    )
    .await?;
    Ok(())
}

/// Stores a new ticket with its first timeline entry and audit record.
pub(super) async fn create(tx: &Transaction<'_>, n: &NewTicket) -> Result<TicketRecord> {
    let t = &n.ticket;
    let body = serde_json::to_string(t).map_err(json_err)?;
    let id: i64 = tx
        .query_one(
            "INSERT INTO tickets (kind, urgency, state, category, caller_phone, lead_unit, registered_at, api_client, account_id, body, created_at, updated_at, media_url)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12) RETURNING id",
            &[&t.kind.as_str(), &t.urgency.as_str(), &t.state.as_str(), &t.category, &t.caller_phone, &t.lead_unit,
              &t.registered_at, &n.api_client, &n.account_id, &body, &n.at, &n.media_url],
        )
        .await?
        .try_get(0)?;
    set_units(tx, id, t).await?;
    let payload = serde_json::json!({ "channel": t.channel.as_str(), "api_client": n.api_client });
    let event = Event {
        action: "register",
        payload: &payload,
        from: None,
        to: t.state.as_str(),
        actor: &n.actor,
        at: n.at,
    };
    add_event(tx, id, event).await?;
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
    )
    .await?;
    load(tx, id).await
}

/// Stores a change, its timeline entry and its audit record; `Conflict`
/// when the ticket changed since `expected_version`.
pub(super) async fn update(tx: &Transaction<'_>, u: &TicketUpdate) -> Result<TicketRecord> {
    let before = tx
        .query_opt(
            &format!("SELECT {COLUMNS} FROM tickets t WHERE t.id = $1 FOR UPDATE"),
            &[&u.id],
        )
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("工单 {}", u.id)))?;
    let before = row(&before)?;
    if before.version != u.expected_version {
        return Err(StoreError::Conflict(format!(
            "工单已被他人修改（当前版本 {}，提交的版本 {}），请刷新后重试",
            before.version, u.expected_version
        )));
    }
    let t = &u.ticket;
    let body = serde_json::to_string(t).map_err(json_err)?;
    tx.execute(
        "UPDATE tickets SET state = $1, urgency = $2, category = $3, lead_unit = $4, body = $5, updated_at = $6,
             version = version + 1
         WHERE id = $7",
        &[&t.state.as_str(), &t.urgency.as_str(), &t.category, &t.lead_unit, &body, &u.at, &u.id],
    )
    .await?;
    set_units(tx, u.id, t).await?;
    let event = Event {
        action: &u.action,
        payload: &u.payload,
        from: Some(before.ticket.state.as_str()),
        to: t.state.as_str(),
        actor: &u.actor,
        at: u.at,
    };
    add_event(tx, u.id, event).await?;
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
    )
    .await?;
    load(tx, u.id).await
}

/// A ticket's timeline, oldest first.
pub(super) async fn events(c: &impl GenericClient, id: i64) -> Result<Vec<TicketEventRecord>> {
    let rows = c
        .query(
            "SELECT seq, at, actor, actor_unit, action, payload, from_state, to_state
             FROM ticket_events WHERE ticket_id = $1 ORDER BY seq",
            &[&id],
        )
        .await?;
    rows.iter()
        .map(|r| {
            let payload: String = r.try_get(5)?;
            let from: Option<String> = r.try_get(6)?;
            let to: String = r.try_get(7)?;
            Ok(TicketEventRecord {
                seq: r.try_get(0)?,
                at: r.try_get(1)?,
                actor: r.try_get(2)?,
                actor_unit: r.try_get(3)?,
                action: r.try_get(4)?,
                payload: serde_json::from_str(&payload).map_err(json_err)?,
                from_state: from.as_deref().map(parse_state).transpose()?,
                to_state: parse_state(&to)?,
            })
        })
        .collect()
}

/// Tickets matching a filter, newest first.
pub(super) async fn list(c: &impl GenericClient, f: &TicketFilter) -> Result<Vec<TicketRecord>> {
    let mut sql = format!("SELECT {COLUMNS} FROM tickets t WHERE 1 = 1");
    let mut args: Vec<Box<dyn ToSql + Sync + Send>> = Vec::new();
    let mut bind = |v: Box<dyn ToSql + Sync + Send>| {
        args.push(v);
        format!("${}", args.len())
    };
    if let Some(unit) = &f.unit {
        let p = bind(Box::new(unit.clone()));
        sql += &format!(" AND t.id IN (SELECT ticket_id FROM ticket_units WHERE unit = {p})");
    }
    if !f.ids.is_empty() {
        sql += &format!(" AND t.id = ANY({})", bind(Box::new(f.ids.clone())));
    }
    if !f.states.is_empty() {
        let states: Vec<String> = f.states.iter().map(|s| s.as_str().to_owned()).collect();
        sql += &format!(" AND t.state = ANY({})", bind(Box::new(states)));
    }
    if let Some(k) = f.kind {
        sql += &format!(" AND t.kind = {}", bind(Box::new(k.as_str().to_owned())));
    }
    if let Some(from) = f.from {
        sql += &format!(" AND t.registered_at >= {}", bind(Box::new(from)));
    }
    if let Some(until) = f.until {
        sql += &format!(" AND t.registered_at <= {}", bind(Box::new(until)));
    }
    if let Some(phone) = &f.caller_phone {
        sql += &format!(" AND t.caller_phone = {}", bind(Box::new(phone.clone())));
    }
    sql += " ORDER BY t.id DESC";
    if f.limit > 0 {
        sql += &format!(" LIMIT {}", f.limit);
    }
    let refs: Vec<&(dyn ToSql + Sync)> = args.iter().map(|a| a.as_ref() as _).collect();
    c.query(&sql, &refs).await?.iter().map(row).collect()
}

/// Stores an Open311 key's hash under a name; `Conflict` when the name is taken.
pub(super) async fn put_key(
    tx: &Transaction<'_>,
    name: &str,
    key_hash: &str,
    actor: &Actor,
    at: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO open311_keys (name, key_hash, created_by, created_at) VALUES ($1, $2, $3, $4)",
        &[&name, &key_hash, &actor.username, &at],
    )
    .await?;
    append_audit(
        tx,
        &entry(actor, "open311_key", name, "create", None, None),
        at,
    )
    .await
}

/// The name of the enabled key with this hash.
pub(super) async fn key(c: &impl GenericClient, key_hash: &str) -> Result<String> {
    c.query_opt(
        "SELECT name FROM open311_keys WHERE key_hash = $1 AND NOT disabled",
        &[&key_hash],
    )
    .await?
    .ok_or_else(|| StoreError::NotFound("Open311 API key".into()))?
    .try_get(0)
    .map_err(Into::into)
}

#[async_trait]
impl crate::TicketStore for super::PostgresStore {
    async fn create_ticket(&self, new: &crate::NewTicket) -> Result<crate::TicketRecord> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let out = tickets::create(&tx, new).await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn update_ticket(&self, update: &crate::TicketUpdate) -> Result<crate::TicketRecord> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let out = tickets::update(&tx, update).await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn ticket(&self, id: i64) -> Result<crate::TicketRecord> {
        tickets::load(&self.pool.get().await?, id).await
    }

    async fn ticket_events(&self, id: i64) -> Result<Vec<crate::TicketEventRecord>> {
        tickets::events(&self.pool.get().await?, id).await
    }

    async fn list_tickets(&self, filter: &crate::TicketFilter) -> Result<Vec<crate::TicketRecord>> {
        tickets::list(&self.pool.get().await?, filter).await
    }

    async fn put_open311_key(
        &self,
        name: &str,
        key_hash: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        tickets::put_key(&tx, name, key_hash, actor, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn open311_key(&self, key_hash: &str) -> Result<String> {
        tickets::key(&self.pool.get().await?, key_hash).await
    }
}
