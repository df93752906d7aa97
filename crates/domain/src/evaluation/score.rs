//! 统一计分: one scoring rule for every window, staff member, department and
//! matter, and the evaluation rates.
//!
//! The score is a Bayesian average on a 100-point scale:
//!
//! ```text
//! mean  = (C × μ₀ + Σ points) / (C + n)      points: 非常满意 5 … 非常不满意 1
//! score = 100 × (mean − 1) / 4
//! ```
//!
//! with `n` ratings, `C` the prior weight (default 10) and `μ₀` the prior
//! mean (by default the mean of all ratings in the same period, county-wide).
//! A window with one 非常满意 does not outrank one with 200 ratings averaging
//! 4.8: with few ratings the score stays near the county's mean and moves
//! toward the unit's own mean as ratings accumulate.
//!
//! # Worked example
//!
//! Over one month the county's ratings average μ₀ = 4.2, and C = 10:
//!
//! | who | ratings | Σ points | mean | score |
//! |---|---|---|---|---|
//! | window A | one 非常满意 | 5 | (10×4.2 + 5) / 11 = 4.273 | 81.8 |
//! | window B | 200 averaging 4.8 | 960 | (42 + 960) / 210 = 4.771 | 94.3 |
//! | window C | 5, 5, 2, 1 | 13 | (42 + 13) / 14 = 3.929 | 73.2 |
//!
//! B's long record of good service puts it first; A's single 非常满意 says
//! little, so A stays near the county; C's two 差评 pull it below.
//!
//! ```
//! use domain::evaluation::{Rating::*, ScoreRule, unified_score};
//! let rule = ScoreRule { prior_weight: 10.0, prior_mean: 4.2 };
//! let a = unified_score(&[VerySatisfied], rule);
//! let mut b_ratings = vec![VerySatisfied; 160];
//! b_ratings.extend([Satisfied; 40]);
//! let b = unified_score(&b_ratings, rule);
//! let c = unified_score(&[VerySatisfied, VerySatisfied, Dissatisfied, VeryDissatisfied], rule);
//! assert_eq!(format!("{:.1} {:.1} {:.1}", a.score, b.score, c.score), "81.8 94.3 73.2");
//! assert!(b.score > a.score && a.score > c.score);
//! ```
//!
//! The rates, the groups (window, staff member, department, matter) and
//! which ratings count are described in `crates/app/src/service/ratings/scores.rs`
//! and `docs/evaluation.md`.

use super::Rating;
use serde::{Deserialize, Serialize};

/// The scoring rule's two numbers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ScoreRule {
    /// `C`: how many ratings' worth of weight the prior carries.
    pub prior_weight: f64,
    /// `μ₀`: the prior mean on the 1–5 scale.
    pub prior_mean: f64,
}

impl ScoreRule {
    /// The rule with the default weight (10) and the given county-wide mean.
    pub fn with_county_mean(ratings: &[Rating]) -> Self {
        let n = ratings.len();
        let mean = if n == 0 {
            4.0
        } else {
            ratings.iter().map(|r| f64::from(r.points())).sum::<f64>() / n as f64
        };
        Self {
            prior_weight: 10.0,
            prior_mean: mean,
        }
    }
}

/// A score and what it rests on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct UnifiedScore {
    /// Ratings counted.
    pub ratings: usize,
    /// Their plain mean on 1–5 (0 when none).
    pub raw_mean: f64,
    /// The score, 0–100.
    pub score: f64,
}

/// The unified score of a set of ratings.
pub fn unified_score(ratings: &[Rating], rule: ScoreRule) -> UnifiedScore {
    let n = ratings.len();
    let sum: f64 = ratings.iter().map(|r| f64::from(r.points())).sum();
    let mean = (rule.prior_weight * rule.prior_mean + sum) / (rule.prior_weight + n as f64);
    UnifiedScore {
        ratings: n,
        raw_mean: if n == 0 { 0.0 } else { sum / n as f64 },
        score: (100.0 * (mean - 1.0) / 4.0).clamp(0.0, 100.0),
    }
}

/// The evaluation rates of a unit (or the county) over a period.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rates {
    /// 主动评价率: rated concluded cases / concluded cases.
    pub rated: Option<f64>,
    /// 满意率: 非常满意 + 满意 + 基本满意 / all ratings.
    pub satisfied: Option<f64>,
    /// 差评整改率: orders closed as 已整改 / 差评 orders not found 无效.
    pub rectified: Option<f64>,
    /// 回访率: orders with a callback / orders that need one.
    pub called_back: Option<f64>,
}

fn ratio(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// The rates of a group (each `None` when its denominator is zero):
/// `concluded` cases of which `rated` were rated, its valid `ratings`, and
/// the rectification `orders` of its valid 差评 (an order found 无效 is
/// left out with its rating, see [`super::Rectification::found_invalid`]).
pub fn rates(
    concluded: usize,
    rated: usize,
    ratings: &[Rating],
    orders: &[&super::Rectification],
) -> Rates {
    let count = |f: fn(&super::Rectification) -> bool| orders.iter().filter(|o| f(o)).count();
    Rates {
        rated: ratio(rated, concluded),
        satisfied: ratio(
            ratings.iter().filter(|r| r.is_satisfied()).count(),
            ratings.len(),
        ),
        rectified: ratio(count(super::Rectification::rectified), orders.len()),
        called_back: ratio(
            count(super::Rectification::called_back),
            count(super::Rectification::needs_callback),
        ),
    }
}
