//! Time limits of hotline tickets, per type and urgency. The clock starts
//! at dispatch (派单), not at 签收, so a unit cannot stop it by not signing.
//!
//! Defaults are onewindow's own, set to keep the reform plan's promise that
//! every call is followed to the end (接诉即办); the seed gives no hours, only
//! the target that 劳动保障监察 complaints close on time 100% of the time. A
//! county replaces them with its own (e.g. from its 12345 rules).

use super::{TicketType, Urgency};
use serde::{Deserialize, Serialize};

/// The three limits of one kind of ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Hours from dispatch to 签收.
    pub sign_hours: u32,
    /// Hours from dispatch to the first response to the caller (签收 plus contact).
    pub respond_hours: u32,
    /// Working days from the first dispatch to 办结.
    pub close_days: u32,
}

/// Limits for every (type, urgency), with a source for each default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketLimits {
    /// Where these numbers come from.
    pub source: String,
    /// Close limits by type for normal urgency, in working days.
    pub close_days: Vec<(TicketType, u32)>,
    /// (sign hours, respond hours) by urgency.
    pub hours: Vec<(Urgency, u32, u32)>,
    /// Close limit in working days for urgent tickets (whatever their type).
    pub urgent_close_days: u32,
    /// Close limit in working days for very urgent tickets.
    pub very_urgent_close_days: u32,
    /// The most working days one extension (延期) may ask for.
    #[serde(default = "default_max_extension_days")]
    pub max_extension_days: u32,
}

fn default_max_extension_days() -> u32 {
    30
}

impl Default for TicketLimits {
    fn default() -> Self {
        Self {
            source: "onewindow 默认值（县级可按本地 12345 热线管理办法调整）".into(),
            close_days: vec![
                (TicketType::Consultation, 1),
                (TicketType::Help, 3),
                (TicketType::Complaint, 5),
                (TicketType::Report, 5),
                (TicketType::Suggestion, 10),
            ],
            hours: vec![
                (Urgency::Normal, 4, 24),
                (Urgency::Urgent, 2, 8),
                (Urgency::VeryUrgent, 1, 2),
            ],
            urgent_close_days: 2,
            very_urgent_close_days: 1,
            max_extension_days: default_max_extension_days(),
        }
    }
}

impl TicketLimits {
    /// The limits of a ticket of this type and urgency.
    pub fn of(&self, kind: TicketType, urgency: Urgency) -> Limits {
        let (sign_hours, respond_hours) = self
            .hours
            .iter()
            .find(|(u, _, _)| *u == urgency)
            .map_or((4, 24), |(_, s, r)| (*s, *r));
        let by_type = self
            .close_days
            .iter()
            .find(|(t, _)| *t == kind)
            .map_or(5, |(_, d)| *d);
        let close_days = match urgency {
            Urgency::Normal => by_type,
            Urgency::Urgent => by_type.min(self.urgent_close_days),
            Urgency::VeryUrgent => by_type.min(self.very_urgent_close_days),
        };
        Limits {
            sign_hours,
            respond_hours,
            close_days,
        }
    }
}
