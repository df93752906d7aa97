//! 好差评 (service evaluation): ratings of concluded cases (一事一评) and of
//! window visits (一次一评), the rectification order every 差评 opens, and
//! the one scoring rule used for windows, staff, departments and matters.

mod rectification;
mod score;

pub use rectification::{
    Callback, Outcome, Rectification, RectificationAction, RectificationError, RectificationState,
};
pub use score::{Rates, ScoreRule, UnifiedScore, rates, unified_score};

use crate::unit::labelled_enum;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

labelled_enum! {
    /// The five levels of a rating. Stored by label (`as_str`); numbers are
    /// converted only at the edges, because standards number them in
    /// opposite directions (see [`Scale`]).
    Rating {
        /// 非常满意
        VerySatisfied = "very_satisfied" / "非常满意",
        /// 满意
        Satisfied = "satisfied" / "满意",
        /// 基本满意
        Basic = "basic" / "基本满意",
        /// 不满意
        Dissatisfied = "dissatisfied" / "不满意",
        /// 非常不满意
        VeryDissatisfied = "very_dissatisfied" / "非常不满意",
    }
}

/// How an outside system numbers the five levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// 5 = 非常满意 … 1 = 非常不满意.
    FiveIsBest,
    /// 1 = 非常满意 … 5 = 非常不满意.
    OneIsBest,
}

impl Rating {
    /// Points on the scoring rule: 非常满意 5 … 非常不满意 1.
    pub fn points(self) -> u32 {
        match self {
            Rating::VerySatisfied => 5,
            Rating::Satisfied => 4,
            Rating::Basic => 3,
            Rating::Dissatisfied => 2,
            Rating::VeryDissatisfied => 1,
        }
    }

    /// A 差评: 不满意 or 非常不满意. Each opens a rectification order.
    pub fn is_bad(self) -> bool {
        matches!(self, Rating::Dissatisfied | Rating::VeryDissatisfied)
    }

    /// Counted as satisfied in 满意率: 非常满意, 满意 and 基本满意.
    pub fn is_satisfied(self) -> bool {
        !self.is_bad()
    }

    /// The level an outside number stands for on `scale`, if 1–5.
    pub fn from_number(n: u8, scale: Scale) -> Option<Rating> {
        let best_first = match scale {
            Scale::FiveIsBest => 6u8.checked_sub(n)?,
            Scale::OneIsBest => n,
        };
        match best_first {
            1 => Some(Rating::VerySatisfied),
            2 => Some(Rating::Satisfied),
            3 => Some(Rating::Basic),
            4 => Some(Rating::Dissatisfied),
            5 => Some(Rating::VeryDissatisfied),
            _ => None,
        }
    }

    /// The number for this level on `scale`.
    pub fn to_number(self, scale: Scale) -> u8 {
        let points = u8::try_from(self.points()).unwrap_or(3);
        match scale {
            Scale::FiveIsBest => points,
            Scale::OneIsBest => 6 - points,
        }
    }
}

labelled_enum! {
    /// Where a rating was given.
    RatingChannel {
        /// 窗口评价器
        Device = "device" / "窗口评价器",
        /// 电脑端
        Pc = "pc" / "电脑端",
        /// 移动端
        Mobile = "mobile" / "移动端",
        /// 二维码
        QrCode = "qr_code" / "二维码",
        /// 短信
        Sms = "sms" / "短信",
        /// 电话
        Phone = "phone" / "电话",
    }
}

/// The county's evaluation rules. Defaults are onewindow's; a county sets its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EvaluationRules {
    /// A concluded case may be rated up to this many calendar days after it concluded.
    pub rating_window_days: u32,
    /// A rectification order is due this many working days after it opens.
    pub rectification_days: u32,
}

impl Default for EvaluationRules {
    fn default() -> Self {
        Self {
            rating_window_days: 30,
            rectification_days: 5,
        }
    }
}

/// Why a rating was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RatingError {
    /// The case is not concluded yet.
    #[error("办件尚未办结，办结后才能评价")]
    NotConcluded,
    /// The case was already rated (一事一评).
    #[error("该办件已评价过，一事只能评价一次")]
    AlreadyRated,
    /// The window for rating has closed.
    #[error("已超过评价期限（办结后 {0} 天内）")]
    WindowClosed(u32),
    /// A 差评 needs a reason.
    #[error("差评须选择或填写原因")]
    ReasonRequired,
}

impl RatingError {
    /// The stable code the API returns.
    pub fn code(&self) -> crate::ErrorCode {
        match self {
            RatingError::NotConcluded => crate::ErrorCode::CaseNotConcluded,
            RatingError::AlreadyRated => crate::ErrorCode::AlreadyRated,
            RatingError::WindowClosed(_) => crate::ErrorCode::RatingWindowClosed,
            RatingError::ReasonRequired => crate::ErrorCode::ReasonRequired,
        }
    }
}

/// Checks that a case concluded on `concluded_on` may be rated `rating` on
/// `today` with the given reasons (一事一评: once, within the window).
pub fn check_case_rating(
    concluded_on: Option<NaiveDate>,
    already_rated: bool,
    rating: Rating,
    reasons: &[String],
    today: NaiveDate,
    rules: EvaluationRules,
) -> Result<(), RatingError> {
    let concluded = concluded_on.ok_or(RatingError::NotConcluded)?;
    if already_rated {
        return Err(RatingError::AlreadyRated);
    }
    if (today - concluded).num_days() > i64::from(rules.rating_window_days) {
        return Err(RatingError::WindowClosed(rules.rating_window_days));
    }
    if rating.is_bad() && reasons.iter().all(|r| r.trim().is_empty()) {
        return Err(RatingError::ReasonRequired);
    }
    Ok(())
}

/// Reasons a rater may pick (they may also write their own).
pub const REASONS: &[&str] = &[
    "办事指南不清楚",
    "材料要求多、反复提交",
    "办理时间长、超过承诺时限",
    "窗口人员态度不好",
    "多次跑腿",
    "网上办理不顺畅",
    "收费不合理",
    "其他",
];
