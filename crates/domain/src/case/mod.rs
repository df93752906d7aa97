//! Cases (办件): one application for one matter, from intake to delivery.
//!
//! A case is plain data plus a pure [`Case::apply`]: given an action, the
//! day it happens, the matter and the calendar, it returns the new case and
//! the effects the application must persist or carry out (a broken-commitment
//! record, a notice to print, an inbox to route to). An illegal action is
//! refused with a stable code and the case is left as it was.

mod clock;
mod permission;
mod state;
mod transition;
mod view;

pub use clock::{CaseClock, ClockIndex, SlaStatus, WarningRule};
pub use permission::{Acting, ActionKind, allowed_in, level_of, needs_files, offered, role_may};
pub use state::{
    Applicant, CaseResult, CaseState, CaseStep, Channel, Commitment, Decision, Deficiency,
    DeliveryMethod, SuspensionKind, SuspensionRecord,
};
pub use transition::{Action, CaseError, Context, Effect, NoticeKind, latest_supplement_date};
pub use view::{
    IntakeOptions, action_name_label, effect_label, intake_options, mask_identifier, unit_duties,
    visit_outcome_label,
};

use crate::catalog::{MatterCode, WorkingDays};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A case's whole state, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    /// Where it stands.
    pub state: CaseState,
    /// How the application came in.
    pub channel: Channel,
    /// Who applied.
    pub applicant: Applicant,
    /// The matter applied for.
    pub matter: MatterCode,
    /// The catalog version the case was opened under; it keeps it.
    pub matter_version: u32,
    /// The responsible unit (whose inbox the case lands in).
    pub unit: String,
    /// 承诺时限 copied from the matter version.
    pub promised_limit: WorkingDays,
    /// 法定时限 copied from the matter version.
    pub statutory_limit: WorkingDays,
    /// The day it was submitted (online) or presented (window).
    pub submitted_on: NaiveDate,
    /// The day it was accepted (受理 or 容缺受理); clocks start here.
    #[serde(default)]
    pub accepted_on: Option<NaiveDate>,
    /// What a one-time notice (一次性告知) asked for, while it stands.
    #[serde(default)]
    pub notice: Vec<String>,
    /// The one-time notice's further explanation, printed on 一次性告知书.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notice_note: String,
    /// Non-core materials accepted missing under 容缺受理.
    #[serde(default)]
    pub deficiency: Option<Deficiency>,
    /// Certificates replaced by a signed commitment (告知承诺).
    #[serde(default)]
    pub commitments: Vec<Commitment>,
    /// Back-office steps; those of one stage run in parallel.
    #[serde(default)]
    pub steps: Vec<CaseStep>,
    /// Every suspension, oldest first; the last may still be open.
    #[serde(default)]
    pub suspensions: Vec<SuspensionRecord>,
    /// The decision, once made.
    #[serde(default)]
    pub decision: Option<Decision>,
    /// The result issued (a certificate), once issued.
    #[serde(default)]
    pub result: Option<CaseResult>,
    /// How the result reached the applicant.
    #[serde(default)]
    pub delivery: Option<DeliveryMethod>,
    /// The day the case was concluded (办结): issued, refused, not accepted or withdrawn.
    #[serde(default)]
    pub concluded_on: Option<NaiveDate>,
}

impl Case {
    /// The units whose inbox holds the case now: those with an open step
    /// while it is in review or suspended (the responsible unit once every
    /// step is done and the decision is due); the responsible unit while its
    /// result is to be issued or delivered; none once it is over.
    pub fn holders(&self) -> Vec<String> {
        let mut units: Vec<String> = match self.state {
            CaseState::InReview | CaseState::Suspended => {
                let open: Vec<String> = self
                    .steps
                    .iter()
                    .filter(|s| s.opened_on.is_some() && s.done_on.is_none())
                    .map(|s| s.unit.clone())
                    .collect();
                // Every step done: the responsible unit owes the decision.
                if open.is_empty() {
                    vec![self.unit.clone()]
                } else {
                    open
                }
            }
            CaseState::Approved | CaseState::Issued => vec![self.unit.clone()],
            _ => vec![],
        };
        units.sort();
        units.dedup();
        units
    }
}
