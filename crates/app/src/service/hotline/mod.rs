//! 接诉即办 for the pages, the API and Open311: registering a ticket,
//! moving it on through [`Ticket::apply`] (the domain decides; the store
//! persists the change, its timeline entry and its audit record in one
//! transaction), the tickets a user may see, the clock status of each, and
//! the figures.
//!
//! Who sees which tickets:
//! - hotline agent, supervisor, admin: every ticket;
//! - approver, department head: the tickets their unit leads or co-operates
//!   on (a unit that sent a ticket back no longer sees it); any other ticket
//!   is `NotFound`, exactly as one that does not exist;
//! - everyone else: none.

mod figures;

pub use figures::{HotlineReport, LABOUR_CATEGORY, LABOUR_ON_TIME_TARGET, UnitFigures};

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
pub use domain::hotline::ClockStatus;
use domain::hotline::{
    Limits, Ticket, TicketAction, TicketChannel, TicketState, TicketType, Urgency,
};
use domain::unit::Role;
use serde::{Deserialize, Serialize};
use store::{NewTicket, StoreError, TicketEventRecord, TicketFilter, TicketRecord, TicketUpdate};

use super::{Access, Result, ServiceError, Services};

/// A call, web form or app report as the hotline registers it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TicketInput {
    /// 咨询, 求助, 投诉, 举报 or 建议.
    pub kind: TicketType,
    /// How it came in.
    pub channel: TicketChannel,
    /// How urgent.
    pub urgency: Urgency,
    /// Subject area, e.g. 劳动保障监察.
    #[serde(default)]
    pub category: String,
    /// The caller's name.
    pub caller_name: String,
    /// The caller's phone.
    #[serde(default)]
    pub caller_phone: String,
    /// Where.
    #[serde(default)]
    pub location: String,
    /// Latitude and longitude, when known.
    #[serde(default)]
    pub position: Option<(f64, f64)>,
    /// What the caller said.
    pub text: String,
}

/// What an Open311 client adds to a request it files (all `None` for a call).
#[derive(Debug, Clone, Default)]
pub struct Open311Fields {
    /// The API key's name.
    pub client: Option<String>,
    /// The client's `account_id`.
    pub account_id: Option<String>,
    /// The client's `media_url`.
    pub media_url: Option<String>,
}

/// A ticket with its limits and clock as of now.
#[derive(Debug, Clone, Serialize)]
pub struct TicketView {
    /// The stored ticket.
    pub record: TicketRecord,
    /// The limits of its type and urgency.
    pub limits: Limits,
    /// Last moment to sign (签收), once dispatched.
    pub sign_by: Option<DateTime<Utc>>,
    /// Last moment to respond, once dispatched.
    pub respond_by: Option<DateTime<Utc>>,
    /// Last day to close (办结), counted from the first dispatch, with approved extensions.
    pub close_by: Option<NaiveDate>,
    /// The clock status now.
    pub clock: ClockStatus,
    /// The timeline, when asked for.
    pub timeline: Option<Vec<TicketEventRecord>>,
}

fn not_found(id: i64) -> ServiceError {
    ServiceError::Store(StoreError::NotFound(format!("工单 {id}")))
}

/// Whether a role sees every ticket.
fn sees_all(role: Role) -> bool {
    matches!(role, Role::HotlineAgent | Role::Supervisor | Role::Admin)
}

/// Whether a role works tickets for its unit.
fn unit_role(role: Role) -> bool {
    matches!(role, Role::Approver | Role::DepartmentHead)
}

/// The stable name of an action, for the timeline and the audit log.
pub fn action_name(a: &TicketAction) -> &'static str {
    match a {
        TicketAction::Dispatch { .. } => "dispatch",
        TicketAction::Sign => "sign",
        TicketAction::StartHandling => "start_handling",
        TicketAction::Reply { .. } => "reply",
        TicketAction::SendBack { .. } => "send_back",
        TicketAction::Settle { .. } => "settle",
        TicketAction::RequestExtension { .. } => "request_extension",
        TicketAction::DecideExtension { .. } => "decide_extension",
        TicketAction::CallBack { .. } => "call_back",
        TicketAction::Close => "close",
        TicketAction::MergeInto { .. } => "merge",
    }
}

impl Services {
    /// A stored ticket with its limits and clock as of now.
    pub fn ticket_view(
        &self,
        record: TicketRecord,
        timeline: Option<Vec<TicketEventRecord>>,
    ) -> TicketView {
        let cal = self.calendar();
        let now = self.clock.now();
        let t = &record.ticket;
        let limits = self.ticket_limits.of(t.kind, t.urgency);
        let deadlines = t.deadlines(limits, &cal);
        let clock = t.clock_status(limits, &cal, now);
        TicketView {
            sign_by: deadlines.map(|d| d.0),
            respond_by: deadlines.map(|d| d.1),
            close_by: deadlines.map(|d| d.2),
            record,
            limits,
            clock,
            timeline,
        }
    }

    /// Registers a ticket (受理). Only the hotline registers by hand; Open311
    /// clients register through [`Services::register_open311`].
    #[tracing::instrument(skip(self, input), fields(actor = %access.username))]
    pub async fn register_ticket(&self, access: &Access, input: TicketInput) -> Result<TicketView> {
        access.require(&[Role::HotlineAgent])?;
        self.store_new_ticket(access.actor(), input, Open311Fields::default())
            .await
    }

    /// Stores a new ticket after checking its texts.
    pub(crate) async fn store_new_ticket(
        &self,
        actor: store::Actor,
        input: TicketInput,
        open311: Open311Fields,
    ) -> Result<TicketView> {
        let caller_name = input.caller_name.trim().to_owned();
        let text = input.text.trim().to_owned();
        if text.is_empty() {
            return Err(ServiceError::refused(
                domain::ErrorCode::TextRequired,
                "须填写诉求内容",
            ));
        }
        if caller_name.is_empty() {
            return Err(ServiceError::refused(
                domain::ErrorCode::CallerRequired,
                "须填写来电人姓名",
            ));
        }
        let caller_phone = match input.caller_phone.trim() {
            "" => String::new(),
            given => domain::party::Phone::parse(given)
                .map_err(|why| ServiceError::refused(domain::ErrorCode::InvalidPhone, why))?
                .as_str()
                .to_owned(),
        };
        let now = self.clock.now();
        let ticket = Ticket {
            kind: input.kind,
            channel: input.channel,
            urgency: input.urgency,
            category: input.category.trim().to_owned(),
            caller_name,
            caller_phone,
            location: input.location.trim().to_owned(),
            position: input.position,
            text,
            state: TicketState::Registered,
            registered_at: now,
            lead_unit: None,
            co_units: Vec::new(),
            first_dispatched_at: None,
            dispatched_at: None,
            signed_at: None,
            responded_at: None,
            reply: String::new(),
            replied_at: None,
            send_backs: Vec::new(),
            settled: false,
            extensions: Vec::new(),
            callback: None,
            closed_at: None,
            merged_into: None,
        };
        let new = NewTicket {
            ticket,
            api_client: open311.client,
            account_id: open311.account_id,
            media_url: open311.media_url,
            actor,
            at: now,
        };
        let record = self.store.create_ticket(&new).await?;
        tracing::info!(ticket = record.id, "ticket registered");
        Ok(self.ticket_view(record, None))
    }

    /// One ticket with its timeline, when the user may see it (`NotFound` otherwise).
    pub async fn ticket_for(&self, access: &Access, id: i64) -> Result<TicketView> {
        let record = self.ticket_in_scope(access, id).await?;
        let timeline = self.store.ticket_events(id).await?;
        Ok(self.ticket_view(record, Some(timeline)))
    }

    async fn ticket_in_scope(&self, access: &Access, id: i64) -> Result<TicketRecord> {
        let record = self.store.ticket(id).await?;
        let t = &record.ticket;
        let holds = t.lead_unit.as_deref() == Some(access.unit.as_str())
            || t.co_units.contains(&access.unit);
        if sees_all(access.role) || unit_role(access.role) && holds {
            Ok(record)
        } else {
            Err(not_found(id))
        }
    }

    /// Tickets the user may see matching `filter`; a unit's staff get only their unit's.
    pub async fn tickets_for(
        &self,
        access: &Access,
        mut filter: TicketFilter,
    ) -> Result<Vec<TicketView>> {
        if unit_role(access.role) {
            filter.unit = Some(access.unit.clone());
        } else if !sees_all(access.role) {
            return Err(ServiceError::forbidden("当前角色不能查看热线工单"));
        }
        let records = self.store.list_tickets(&filter).await?;
        Ok(records
            .into_iter()
            .map(|r| self.ticket_view(r, None))
            .collect())
    }

    /// Open tickets from the same phone in the last 30 days: 并单 candidates
    /// shown to the agent registering a call.
    pub async fn duplicate_candidates(&self, phone: &str, except: i64) -> Result<Vec<TicketView>> {
        if phone.trim().is_empty() {
            return Ok(Vec::new());
        }
        let filter = TicketFilter {
            caller_phone: Some(phone.trim().to_owned()),
            from: Some(self.clock.now() - TimeDelta::days(30)),
            limit: 20,
            ..TicketFilter::default()
        };
        let records = self.store.list_tickets(&filter).await?;
        Ok(records
            .into_iter()
            .filter(|r| r.id != except)
            .filter(|r| !matches!(r.ticket.state, TicketState::Closed | TicketState::Merged))
            .map(|r| self.ticket_view(r, None))
            .collect())
    }

    /// Moves a ticket on as this user. With `expected_version`, a ticket
    /// changed since is a conflict. A unit's staff act only on tickets of
    /// their unit (others are `NotFound`); the domain refuses the rest.
    #[tracing::instrument(skip(self, action), fields(actor = %access.username, action = action_name(&action)))]
    pub async fn ticket_act(
        &self,
        access: &Access,
        id: i64,
        expected_version: Option<i64>,
        action: TicketAction,
    ) -> Result<TicketView> {
        let current = self.ticket_in_scope(access, id).await?;
        if let Some(v) = expected_version.filter(|v| *v != current.version) {
            return Err(ServiceError::Store(StoreError::Conflict(format!(
                "工单已被他人修改（当前版本 {}，提交的版本 {v}），请刷新后重试",
                current.version
            ))));
        }
        self.check_units(&action).await?;
        if let TicketAction::MergeInto { ticket } = action {
            self.check_merge_target(id, ticket).await?;
        }
        let now = self.clock.now();
        let (ticket, _event) = current
            .ticket
            .apply(&action, access.role, &access.unit, now, &self.ticket_limits)
            .map_err(ServiceError::from)?;
        let update = TicketUpdate {
            id,
            expected_version: current.version,
            action: action_name(&action).to_owned(),
            payload: serde_json::to_value(&action).unwrap_or(serde_json::Value::Null),
            ticket,
            actor: access.actor(),
            at: now,
        };
        let record = self.store.update_ticket(&update).await?;
        Ok(self.ticket_view(record, None))
    }

    /// Dispatch and settlement name units that exist and are not the hotline's own.
    async fn check_units(&self, action: &TicketAction) -> Result<()> {
        let named: Vec<&String> = match action {
            TicketAction::Dispatch {
                lead_unit,
                co_units,
            } => std::iter::once(lead_unit).chain(co_units).collect(),
            TicketAction::Settle { lead_unit } => vec![lead_unit],
            _ => return Ok(()),
        };
        let units = self.units().await?;
        for code in named.into_iter().filter(|c| !c.trim().is_empty()) {
            if !units.iter().any(|u| u.code.as_str() == code) {
                return Err(ServiceError::refused(
                    domain::ErrorCode::UnknownUnit,
                    format!("承办单位“{code}”不存在"),
                ));
            }
        }
        Ok(())
    }

    async fn check_merge_target(&self, id: i64, target: i64) -> Result<()> {
        let refuse = || {
            ServiceError::refused(
                domain::ErrorCode::MergeTarget,
                "只能并入另一张未办结、未并单的工单",
            )
        };
        if target == id {
            return Err(refuse());
        }
        let other = self.store.ticket(target).await.map_err(|e| match e {
            StoreError::NotFound(_) => refuse(),
            e => e.into(),
        })?;
        if matches!(
            other.ticket.state,
            TicketState::Closed | TicketState::Merged
        ) {
            return Err(refuse());
        }
        Ok(())
    }
}
