//! What the store keeps about hotline tickets (接诉即办): the ticket itself
//! as the domain's [`Ticket`], its timeline, the units that hold a part of
//! it, filters, and the Open311 API keys of third-party clients.

use crate::*;
use async_trait::async_trait;

use chrono::{DateTime, Utc};
use domain::hotline::{Ticket, TicketState, TicketType};
use serde::Serialize;

use crate::Actor;

/// A stored ticket.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TicketRecord {
    /// Database id (the Open311 `service_request_id`).
    pub id: i64,
    /// Bumped by every change; a change naming an older version is a conflict.
    pub version: i64,
    /// The ticket.
    pub ticket: Ticket,
    /// The Open311 client (API key name) that filed it, if one did.
    pub api_client: Option<String>,
    /// The Open311 `account_id` the client gave, if any.
    pub account_id: Option<String>,
    /// The Open311 `media_url` the client gave (a photo kept elsewhere), if any.
    pub media_url: Option<String>,
    /// When it was stored.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// A new ticket to store.
#[derive(Debug, Clone)]
pub struct NewTicket {
    /// The ticket as registered (受理).
    pub ticket: Ticket,
    /// The Open311 client that filed it.
    pub api_client: Option<String>,
    /// The Open311 `account_id` the client gave.
    pub account_id: Option<String>,
    /// The Open311 `media_url` the client gave.
    pub media_url: Option<String>,
    /// Who registered it.
    pub actor: Actor,
    /// When.
    pub at: DateTime<Utc>,
}

/// A change to a stored ticket, made by [`Ticket::apply`].
#[derive(Debug, Clone)]
pub struct TicketUpdate {
    /// Which ticket.
    pub id: i64,
    /// The version the change was computed from.
    pub expected_version: i64,
    /// The action's stable name.
    pub action: String,
    /// The action as given (kept in the timeline).
    pub payload: serde_json::Value,
    /// The ticket after the action.
    pub ticket: Ticket,
    /// Who.
    pub actor: Actor,
    /// When.
    pub at: DateTime<Utc>,
}

/// One entry of a ticket's timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TicketEventRecord {
    /// 1, 2, … within the ticket.
    pub seq: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: String,
    /// For which unit.
    pub actor_unit: String,
    /// The action's stable name (`register` for the first entry).
    pub action: String,
    /// The action as given.
    pub payload: serde_json::Value,
    /// The state before (`None` for the registration).
    pub from_state: Option<TicketState>,
    /// The state after.
    pub to_state: TicketState,
}

/// Which tickets to list. Empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct TicketFilter {
    /// Tickets this unit leads or co-operates on.
    pub unit: Option<String>,
    /// Only these ids.
    pub ids: Vec<i64>,
    /// Only these states.
    pub states: Vec<TicketState>,
    /// Only this type.
    pub kind: Option<TicketType>,
    /// Registered at or after.
    pub from: Option<DateTime<Utc>>,
    /// Registered at or before.
    pub until: Option<DateTime<Utc>>,
    /// Only tickets from this caller's phone.
    pub caller_phone: Option<String>,
    /// At most this many (0 = no limit).
    pub limit: u32,
}

pub(crate) fn parse_state(s: &str) -> crate::Result<TicketState> {
    TicketState::parse(s)
        .ok_or_else(|| crate::StoreError::Backend(format!("unknown ticket state {s}")))
}

/// The units holding a part of a ticket: the lead unit and the co-units, once each.
pub(crate) fn parts(t: &Ticket) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = Vec::new();
    if let Some(lead) = &t.lead_unit {
        out.push((lead.clone(), "lead"));
    }
    for co in &t.co_units {
        if !out.iter().any(|(u, _)| u == co) {
            out.push((co.clone(), "co"));
        }
    }
    out
}

/// One timeline entry to append.
pub(crate) struct Event<'a> {
    pub action: &'a str,
    pub payload: &'a serde_json::Value,
    pub from: Option<&'a str>,
    pub to: &'a str,
    pub actor: &'a Actor,
    pub at: DateTime<Utc>,
}

/// 12345 hotline tickets and Open311 keys.
#[async_trait]
pub trait TicketStore: Send + Sync {
    /// Stores a new ticket (受理) with its first timeline entry and audit record.
    async fn create_ticket(&self, new: &NewTicket) -> Result<TicketRecord>;

    /// Stores a change to a ticket with its timeline entry and audit record,
    /// in one transaction. `Conflict` when it changed since `expected_version`.
    async fn update_ticket(&self, update: &TicketUpdate) -> Result<TicketRecord>;

    /// One ticket by id.
    async fn ticket(&self, id: i64) -> Result<TicketRecord>;

    /// A ticket's timeline, oldest first.
    async fn ticket_events(&self, id: i64) -> Result<Vec<TicketEventRecord>>;

    /// Tickets matching a filter, newest first.
    async fn list_tickets(&self, filter: &TicketFilter) -> Result<Vec<TicketRecord>>;

    /// Stores the hash of a new Open311 API key under a name, with an audit
    /// record. `Conflict` when the name is taken.
    async fn put_open311_key(
        &self,
        name: &str,
        key_hash: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()>;

    /// The name of the enabled Open311 key with this hash; `NotFound` otherwise.
    async fn open311_key(&self, key_hash: &str) -> Result<String>;
}
