//! 统一计分 over a period: the unified score and the four rates of every
//! window (hall unit), staff member, department and matter, and of the
//! county, all from [`domain::evaluation::unified_score`] and
//! [`domain::evaluation::rates`] — the one place those numbers are computed.
//!
//! What each count is, for a group (a window, a staff member, …) over the
//! period `from..=to`:
//! - ratings: those given in the period, except 差评 whose appeal the
//!   supervisor upheld (无效差评), which count nowhere;
//! - 主动评价率: the group's cases concluded in the period that were rated
//!   (whenever the rating came) / its cases concluded in the period, so it
//!   never exceeds 100% (staff have none: a case is not concluded by one person);
//! - 满意率: 非常满意 + 满意 + 基本满意 / ratings;
//! - 差评整改率: orders closed as 已整改 / orders of the group's 差评 not found 无效;
//! - 回访率: orders called back / orders reported 已整改 or 无法整改 (those needing a callback).
//!
//! The score's prior mean is the county's mean over the same period and
//! its weight the configured `score_prior_weight`.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use domain::evaluation::{
    Rates, Rating, Rectification, ScoreRule, UnifiedScore, rates, unified_score,
};
use serde::Serialize;
use store::{ConcludedCount, RatingRecord, RectificationFilter, RectificationRecord};

use super::super::{Result, Services};

/// One group's standing.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ScoreRow {
    /// The group's key: a unit code, a username or a matter code.
    pub key: String,
    /// Its name.
    pub name: String,
    /// The unified score.
    #[schema(value_type = Object)]
    pub score: UnifiedScore,
    /// The four rates.
    #[schema(value_type = Object)]
    pub rates: Rates,
    /// 差评 counted.
    pub bad: usize,
}

/// Everyone's standing over a period.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Scoreboard {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// The rule applied (prior weight and the county's mean).
    #[schema(value_type = Object)]
    pub rule: ScoreRule,
    /// The county as a whole.
    pub county: ScoreRow,
    /// Per window (hall unit).
    pub windows: Vec<ScoreRow>,
    /// Per staff member.
    pub staff: Vec<ScoreRow>,
    /// Per department.
    pub departments: Vec<ScoreRow>,
    /// Per matter.
    pub matters: Vec<ScoreRow>,
}

/// A rating with its order, as counted.
struct Counted<'a> {
    rating: &'a RatingRecord,
    order: Option<&'a RectificationRecord>,
}

fn row(
    key: &str,
    name: &str,
    items: &[&Counted<'_>],
    concluded: Option<Concluded>,
    rule: ScoreRule,
) -> ScoreRow {
    let levels: Vec<Rating> = items.iter().map(|c| c.rating.rating.rating).collect();
    let orders: Vec<&Rectification> = items
        .iter()
        .filter_map(|c| c.order)
        .map(|o| &o.order)
        .collect();
    ScoreRow {
        key: key.to_owned(),
        name: name.to_owned(),
        score: unified_score(&levels, rule),
        rates: rates(
            concluded.map_or(0, |c| c.count),
            concluded.map_or(0, |c| c.rated),
            &levels,
            &orders,
        ),
        bad: orders.len(),
    }
}

/// Rows for one dimension, best score first.
fn rows_by(
    counted: &[Counted<'_>],
    key: impl Fn(&RatingRecord) -> &str,
    concluded: Option<&HashMap<String, Concluded>>,
    names: &HashMap<String, String>,
    rule: ScoreRule,
) -> Vec<ScoreRow> {
    let mut groups: BTreeMap<&str, Vec<&Counted<'_>>> = BTreeMap::new();
    for c in counted {
        groups.entry(key(c.rating)).or_default().push(c);
    }
    let mut rows: Vec<ScoreRow> = groups
        .into_iter()
        .map(|(k, items)| {
            let name = names.get(k).map_or(k, String::as_str);
            let n = concluded.map(|m| m.get(k).copied().unwrap_or_default());
            row(k, name, &items, n, rule)
        })
        .collect();
    rows.sort_by(|a, b| {
        b.score
            .score
            .total_cmp(&a.score.score)
            .then_with(|| a.key.cmp(&b.key))
    });
    rows
}

/// A group's cases concluded in the period, and how many of them were rated.
#[derive(Debug, Clone, Copy, Default)]
struct Concluded {
    count: usize,
    rated: usize,
}

fn sum_by(
    counts: &[ConcludedCount],
    key: impl Fn(&ConcludedCount) -> &str,
) -> HashMap<String, Concluded> {
    let mut m: HashMap<String, Concluded> = HashMap::new();
    for c in counts {
        let e = m.entry(key(c).to_owned()).or_default();
        e.count += usize::try_from(c.count).unwrap_or(0);
        e.rated += usize::try_from(c.rated).unwrap_or(0);
    }
    m
}

impl Services {
    /// Everyone's scores and rates over `from..=to` (see the module doc).
    pub async fn scoreboard(&self, from: NaiveDate, to: NaiveDate) -> Result<Scoreboard> {
        let ratings = self.store.ratings(from, to).await?;
        let filter = RectificationFilter {
            limit: 1_000_000,
            ..RectificationFilter::default()
        };
        let orders: HashMap<i64, RectificationRecord> = self
            .store
            .rectifications(&filter)
            .await?
            .into_iter()
            .map(|o| (o.rating_id, o))
            .collect();
        let counted: Vec<Counted<'_>> = ratings
            .iter()
            .map(|r| Counted {
                rating: r,
                order: orders.get(&r.id),
            })
            .filter(|c| c.order.is_none_or(|o| !o.order.found_invalid()))
            .collect();
        let levels: Vec<Rating> = counted.iter().map(|c| c.rating.rating.rating).collect();
        let mut rule = ScoreRule::with_county_mean(&levels);
        rule.prior_weight = f64::from(self.evaluation.score_prior_weight);
        let concluded = self.store.concluded_counts(from, to).await?;
        let mut names: HashMap<String, String> = HashMap::new();
        for u in self.units().await?.iter() {
            names.insert(u.code.as_str().to_owned(), u.name.clone());
        }
        for u in self.store.users().await? {
            names.insert(u.username, u.display_name);
        }
        for m in self.store.matters().await? {
            names.insert(m.matter.code.as_str().to_owned(), m.matter.name);
        }
        let all: Vec<&Counted<'_>> = counted.iter().collect();
        let total = sum_by(&concluded, |_| "county")
            .remove("county")
            .unwrap_or_default();
        Ok(Scoreboard {
            from,
            to,
            rule,
            county: row("county", "全市", &all, Some(total), rule),
            windows: rows_by(
                &counted,
                |r| &r.rating.window_unit,
                Some(&sum_by(&concluded, |c| &c.window_unit)),
                &names,
                rule,
            ),
            staff: rows_by(&counted, |r| &r.rating.staff, None, &names, rule),
            departments: rows_by(
                &counted,
                |r| &r.rating.unit,
                Some(&sum_by(&concluded, |c| &c.unit)),
                &names,
                rule,
            ),
            matters: rows_by(
                &counted,
                |r| &r.rating.matter_code,
                Some(&sum_by(&concluded, |c| &c.matter_code)),
                &names,
                rule,
            ),
        })
    }
}
