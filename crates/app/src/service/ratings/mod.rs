//! 好差评 in the service layer: rating a concluded case (一事一评) through
//! the unguessable link printed on its 办结通知书 or as its signed-in
//! applicant, rating a window visit (一次一评) on the window's rating device,
//! the rectification order every 差评 opens ([`orders`]), and the unified
//! scores and rates ([`scores`]).
//!
//! Who may rate what, and on which channel:
//! - anyone holding a case's rating link (the QR code on its 办结通知书): that case, 二维码;
//! - the applicant, signed in: their own cases, 电脑端 / 移动端 / 二维码;
//! - a window clerk: a visit to their own hall, 窗口评价器 (the device at the window);
//! - a hotline agent: any case, 电话 / 短信 (what the applicant said on the call or by text).

mod orders;
mod scores;

pub use orders::OrderView;
pub use scores::{ScoreRow, Scoreboard};

use domain::evaluation::{
    Rating, RatingChannel, RatingError, Rectification, Scale, check_case_rating,
};
use domain::unit::Role;
use serde::Deserialize;
use store::{Actor, CaseRecord, NewRating, RatedThing, RatingRecord, StoreError};

use super::{Access, Result, ServiceError, Services, random_hex};

/// A rating as a form or an API client gives it.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct RateInput {
    /// The level by its label: `very_satisfied` … `very_dissatisfied` (or 非常满意 … 非常不满意).
    #[serde(default)]
    pub rating: Option<String>,
    /// Or a number 1–5 on `scale` (the two national standards number in opposite directions).
    #[serde(default)]
    pub number: Option<u8>,
    /// The scale of `number`.
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "five_is_best")]
    pub scale: Option<Scale>,
    /// Where it was given: device, pc, mobile, qr_code, sms, phone.
    #[schema(value_type = String, example = "mobile")]
    pub channel: RatingChannel,
    /// Reasons picked from the list or written.
    #[serde(default)]
    pub reasons: Vec<String>,
    /// Anything else the rater wrote.
    #[serde(default)]
    pub comment: String,
}

impl RateInput {
    /// The level, converted at this edge from a label or a number on a scale.
    pub fn level(&self) -> Result<Rating> {
        let level = match (&self.rating, self.number, self.scale) {
            (Some(label), _, _) => Rating::parse(label),
            (None, Some(n), Some(scale)) => Rating::from_number(n, scale),
            _ => None,
        };
        level.ok_or_else(|| {
            ServiceError::refused(domain::ErrorCode::RatingRequired, "请选择满意程度")
        })
    }

    fn reasons(&self) -> Vec<String> {
        self.reasons
            .iter()
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty())
            .collect()
    }
}

/// A store conflict on a rating is the case already having one (a race).
fn already_rated(e: StoreError) -> ServiceError {
    match e {
        StoreError::Conflict(_) => RatingError::AlreadyRated.into(),
        e => e.into(),
    }
}

impl Services {
    /// The case a rating link names; `NotFound` for a link nobody was given.
    pub async fn case_by_rating_token(&self, token: &str) -> Result<CaseRecord> {
        let id = self.store.case_by_rating_token(token).await?;
        Ok(self.store.case(id).await?)
    }

    /// The rating link's token for a concluded case within the user's
    /// scope, made the first time the 办结通知书 is printed.
    pub async fn rating_token_for(&self, access: &Access, case_id: i64) -> Result<String> {
        let record = self.store.case_scoped(case_id, &access.scope).await?;
        if record.case.concluded_on.is_none() {
            return Err(RatingError::NotConcluded.into());
        }
        let fresh = random_hex(32)?;
        let token = self
            .store
            .rating_token(case_id, &fresh, self.clock.now())
            .await?;
        Ok(token)
    }

    /// Rates a case through its printed link (channel 二维码 whatever is sent).
    #[tracing::instrument(skip(self, token, input))]
    pub async fn rate_by_token(&self, token: &str, mut input: RateInput) -> Result<RatingRecord> {
        let record = self.case_by_rating_token(token).await?;
        input.channel = RatingChannel::QrCode;
        let actor = Actor {
            username: "rating-link".into(),
            unit: record.intake_unit.clone(),
        };
        self.rate_case(&record, input, "rating-link", &actor).await
    }

    /// Rates a case or a visit as a signed-in user (see the module doc for who may).
    pub async fn rate_as(
        &self,
        access: &Access,
        subject: RatedThing,
        input: RateInput,
    ) -> Result<RatingRecord> {
        use RatingChannel as C;
        match (access.role, subject) {
            (Role::Applicant, RatedThing::Case(id)) => {
                if !matches!(input.channel, C::Pc | C::Mobile | C::QrCode) {
                    return Err(ServiceError::forbidden(
                        "申请人只能在电脑端、移动端或扫码评价",
                    ));
                }
                let record = self.store.case_scoped(id, &access.scope).await?;
                self.rate_case(&record, input, &access.username, &access.actor())
                    .await
            }
            (Role::HotlineAgent, RatedThing::Case(id)) => {
                if !matches!(input.channel, C::Phone | C::Sms) {
                    return Err(ServiceError::forbidden("热线坐席只能登记电话或短信评价"));
                }
                let record = self.store.case(id).await?;
                self.rate_case(&record, input, &access.username, &access.actor())
                    .await
            }
            (Role::WindowClerk, RatedThing::Visit(id)) => {
                if input.channel != C::Device {
                    return Err(ServiceError::forbidden("窗口只能通过评价器登记评价"));
                }
                self.rate_visit(access, id, input).await
            }
            _ => Err(ServiceError::forbidden(format!(
                "{}不能进行此评价",
                access.role.label_zh()
            ))),
        }
    }

    /// 一事一评: once, after conclusion, within the window; a 差评 opens its order.
    async fn rate_case(
        &self,
        record: &CaseRecord,
        input: RateInput,
        rater: &str,
        actor: &Actor,
    ) -> Result<RatingRecord> {
        let level = input.level()?;
        let reasons = input.reasons();
        let today = self.today();
        let rated = self
            .store
            .rating_of(RatedThing::Case(record.id))
            .await?
            .is_some();
        let rules = self.evaluation.rules();
        check_case_rating(
            record.case.concluded_on,
            rated,
            level,
            &reasons,
            today,
            rules,
        )
        .map_err(ServiceError::from)?;
        let staff = self.case_staff(record.id).await?;
        let new = NewRating {
            subject: RatedThing::Case(record.id),
            rating: level,
            channel: input.channel,
            reasons,
            comment: input.comment.trim().to_owned(),
            rater: rater.to_owned(),
            unit: record.case.unit.clone(),
            window_unit: record.intake_unit.clone(),
            staff,
            matter_code: record.case.matter.as_str().to_owned(),
            rated_on: today,
            rated_at: self.clock.now(),
        };
        self.store_rating(new, actor).await
    }

    /// 一次一评: a visit to the clerk's own hall, once, within the window.
    async fn rate_visit(&self, access: &Access, id: i64, input: RateInput) -> Result<RatingRecord> {
        let visit = self.store.visit(id).await?;
        if visit.unit != access.unit {
            return Err(ServiceError::Store(StoreError::NotFound(format!(
                "来访记录 {id}"
            ))));
        }
        let level = input.level()?;
        let reasons = input.reasons();
        let today = self.today();
        let rated = self.store.rating_of(RatedThing::Visit(id)).await?.is_some();
        let visited = super::shanghai_today(visit.at);
        check_case_rating(
            Some(visited),
            rated,
            level,
            &reasons,
            today,
            self.evaluation.rules(),
        )
        .map_err(ServiceError::from)?;
        let new = NewRating {
            subject: RatedThing::Visit(id),
            rating: level,
            channel: input.channel,
            reasons,
            comment: input.comment.trim().to_owned(),
            rater: "window-device".into(),
            unit: visit.unit.clone(),
            window_unit: visit.unit,
            staff: visit.clerk,
            matter_code: visit.matter_code,
            rated_on: today,
            rated_at: self.clock.now(),
        };
        self.store_rating(new, &access.actor()).await
    }

    /// Stores a rating; a 差评 opens its order to the rated unit, due in
    /// the configured working days.
    async fn store_rating(&self, new: NewRating, actor: &Actor) -> Result<RatingRecord> {
        let order = new.rating.is_bad().then(|| {
            Rectification::open(
                &new.unit,
                new.rated_on,
                &self.calendar(),
                self.evaluation.rules(),
            )
        });
        let record = self
            .store
            .create_rating(&new, order.as_ref(), actor)
            .await
            .map_err(already_rated)?;
        tracing::info!(rating = record.id, level = new.rating.as_str(), order = ?record.rectification_id, "rated");
        Ok(record)
    }

    /// The staff member a case's rating is about: the clerk who accepted it
    /// (or, without an acceptance, who opened it).
    async fn case_staff(&self, id: i64) -> Result<String> {
        let events = self.store.case_events(id).await?;
        let accepted = events
            .iter()
            .find(|e| e.action == "accept" || e.action == "accept_with_deficiency");
        Ok(accepted
            .or(events.first())
            .map(|e| e.actor.clone())
            .unwrap_or_default())
    }
}
