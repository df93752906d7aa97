//! Rectification orders (整改) as the responsible unit and the supervisor
//! see and work them. A unit sees only its own orders: asking for another
//! unit's is `NotFound`, exactly as for an order that does not exist. The
//! unit verifies, rectifies, reports it cannot, or appeals (无效差评); the
//! supervisor decides appeals and makes the callback (回访) that alone closes
//! an order.

use domain::evaluation::RectificationAction;
use domain::unit::Role;
use serde::Serialize;
use store::{RatingRecord, RectificationFilter, RectificationRecord, RectificationUpdate};

use super::super::{Access, Result, ServiceError, Services};

/// The roles that see a unit's order inbox (the domain's unit-side roles).
const UNIT_ROLES: &[Role] = &[Role::Approver, Role::DepartmentHead, Role::WindowClerk];

/// An order with the rating that opened it, and whether it is overdue today.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrderView {
    /// The stored order.
    #[schema(value_type = Object)]
    pub record: RectificationRecord,
    /// The 差评 that opened it.
    #[schema(value_type = Object)]
    pub rating: RatingRecord,
    /// Past its deadline and not yet reported (超期).
    pub overdue: bool,
}

impl Services {
    /// The unit an order query is limited to: none for the supervisor, the
    /// user's own for the unit's staff; others may not see orders at all.
    fn order_unit(access: &Access) -> Result<Option<String>> {
        match access.role {
            Role::Supervisor => Ok(None),
            r if UNIT_ROLES.contains(&r) => Ok(Some(access.unit.clone())),
            r => Err(ServiceError::forbidden(format!(
                "{}无权查看整改单",
                r.label_zh()
            ))),
        }
    }

    async fn order_view(&self, record: RectificationRecord) -> Result<OrderView> {
        let rating = self.store.rating(record.rating_id).await?;
        let overdue = record.order.is_overdue(self.today());
        Ok(OrderView {
            record,
            rating,
            overdue,
        })
    }

    /// The orders the user may see: a unit's own, or every order for the
    /// supervisor; with `open_only`, those not yet closed. Soonest deadline first.
    pub async fn rectifications_for(
        &self,
        access: &Access,
        open_only: bool,
    ) -> Result<Vec<OrderView>> {
        let filter = RectificationFilter {
            unit: Self::order_unit(access)?,
            open_only,
            limit: 500,
        };
        let mut out = Vec::new();
        for record in self.store.rectifications(&filter).await? {
            out.push(self.order_view(record).await?);
        }
        Ok(out)
    }

    /// One order, when the user may see it (`NotFound` otherwise).
    pub async fn rectification_for(&self, access: &Access, id: i64) -> Result<OrderView> {
        let unit = Self::order_unit(access)?;
        let record = self.store.rectification(id, unit.as_deref()).await?;
        self.order_view(record).await
    }

    /// Takes an action on an order. An order out of the user's sight is
    /// `NotFound`; an action the order's state does not allow is refused by
    /// the domain (`illegal_transition`, `reason_required`); one the user's
    /// role may not take is `forbidden`. Nothing is written when refused.
    #[tracing::instrument(skip(self, action), fields(actor = %access.username))]
    pub async fn act_on_rectification(
        &self,
        access: &Access,
        id: i64,
        expected_version: Option<i64>,
        action: RectificationAction,
    ) -> Result<OrderView> {
        let unit = Self::order_unit(access)?;
        let current = self.store.rectification(id, unit.as_deref()).await?;
        let today = self.today();
        let next = current
            .order
            .apply(&action, today, &access.username)
            .map_err(ServiceError::from)?;
        if !action.allowed_for(access.role) {
            let who = if action.taken_by_supervisor() {
                "只有督办人员可以审核申诉或回访"
            } else {
                "整改由责任单位办理"
            };
            return Err(ServiceError::forbidden(who));
        }
        let update = RectificationUpdate {
            id,
            expected_version: expected_version.unwrap_or(current.version),
            action,
            order: next,
            actor: access.actor(),
            at: self.clock.now(),
        };
        let record = self.store.update_rectification(&update).await?;
        tracing::info!(
            order = id,
            state = record.order.state.as_str(),
            "rectification changed"
        );
        self.order_view(record).await
    }
}
