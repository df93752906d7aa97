//! The hotline's figures for the pages and the API: overall, per lead unit,
//! and the seed's target for labour-inspection complaints. The rates
//! themselves are computed in one place, `domain::hotline::figures`.

use domain::hotline::{HotlineFigures, Ticket, TicketType, figures};
use domain::unit::Role;
use serde::Serialize;
use store::TicketFilter;

use super::{Access, Result, Services};

/// The subject area of labour-inspection tickets.
pub const LABOUR_CATEGORY: &str = "劳动保障监察";

/// On-time closure the seed asks of labour-inspection complaints and
/// reports: 100%. Source: 栖政办发〔2020〕32号 （二十三）优化劳动力市场监管,
/// "确保劳动保障监察举报投诉案件按期结案率100%".
pub const LABOUR_ON_TIME_TARGET: f64 = 1.0;

/// The figures of one lead unit.
#[derive(Debug, Clone, Serialize)]
pub struct UnitFigures {
    /// Unit code.
    pub unit: String,
    /// Unit name.
    pub name: String,
    /// Its figures.
    pub figures: HotlineFigures,
}

/// Every figure the hotline shows.
#[derive(Debug, Clone, Serialize)]
pub struct HotlineReport {
    /// All tickets.
    pub overall: HotlineFigures,
    /// Per lead unit, by unit code.
    pub units: Vec<UnitFigures>,
    /// 劳动保障监察 complaints and reports.
    pub labour: HotlineFigures,
    /// Whether the labour on-time target is met (`None` while nothing is due).
    pub labour_target_met: Option<bool>,
}

fn is_labour(t: &Ticket) -> bool {
    t.category == LABOUR_CATEGORY && matches!(t.kind, TicketType::Complaint | TicketType::Report)
}

impl Services {
    /// The figures as of now: the hotline and the supervisor see every unit,
    /// a unit's staff see their own unit's.
    pub async fn hotline_report(&self, access: &Access) -> Result<HotlineReport> {
        access.require(&[
            Role::HotlineAgent,
            Role::Supervisor,
            Role::Admin,
            Role::DepartmentHead,
            Role::Approver,
        ])?;
        let tickets = self.tickets_for(access, TicketFilter::default()).await?;
        let tickets: Vec<Ticket> = tickets.into_iter().map(|v| v.record.ticket).collect();
        let (cal, now) = (self.calendar(), self.clock.now());
        let of = |ts: Vec<&Ticket>| figures(ts, &self.ticket_limits, &cal, now);
        let mut codes: Vec<String> = tickets.iter().filter_map(|t| t.lead_unit.clone()).collect();
        codes.sort();
        codes.dedup();
        let names = self.units().await?;
        let units = codes
            .into_iter()
            .map(|code| UnitFigures {
                name: names
                    .iter()
                    .find(|u| u.code.as_str() == code)
                    .map_or_else(|| code.clone(), |u| u.name.clone()),
                figures: of(tickets
                    .iter()
                    .filter(|t| t.lead_unit.as_deref() == Some(code.as_str()))
                    .collect()),
                unit: code,
            })
            .collect();
        let labour = of(tickets.iter().filter(|t| is_labour(t)).collect());
        Ok(HotlineReport {
            overall: of(tickets.iter().collect()),
            units,
            labour_target_met: labour.on_time_rate.map(|r| r >= LABOUR_ON_TIME_TARGET),
            labour,
        })
    }
}
