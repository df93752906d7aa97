//! Demo cases: a working county's worth of applications in every state and
//! every SLA status, generated from a fixed seed through the real service
//! layer (so every clock, timeline entry and audit record is genuine).
//! Dates are laid out backwards from the day the demo is prepared.

use crate::service::{ApplicantInput, CreateCase, FixedClock, Result, Services};
use chrono::{Days, NaiveDate};
use domain::calendar::Calendar;
use domain::case::{Action, CaseResult, Channel, DeliveryMethod, SuspensionKind, WarningRule};
use domain::catalog::{ApplicantTypes, Level, MaterialSource, Matter, WorkingDays};
use domain::party::{credit_check_char, id_check_char};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::sync::Arc;
use store::{Actor, Store};

/// The seed every demo uses, so every demo database looks the same on a given day.
pub const SEED: u64 = 20_201_020;

/// Where a generated case ends up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Submitted,
    Noticed,
    Normal,
    Warning,
    Overdue,
    Deficient,
    BrokenPromise,
    Suspended,
    Approved,
    Issued,
    Delivered,
    Refused,
    NotAccepted,
    Withdrawn,
}

const FATES: [Fate; 14] = [
    Fate::Submitted,
    Fate::Noticed,
    Fate::Normal,
    Fate::Warning,
    Fate::Overdue,
    Fate::Deficient,
    Fate::BrokenPromise,
    Fate::Suspended,
    Fate::Approved,
    Fate::Issued,
    Fate::Delivered,
    Fate::Refused,
    Fate::NotAccepted,
    Fate::Withdrawn,
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "孙", "林",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "勇", "军", "杰", "丽", "涛",
];
const FIRMS: &[&str] = &[
    "苹果种植专业合作社",
    "食品有限公司",
    "建筑工程有限公司",
    "商贸有限公司",
    "物流有限公司",
    "果品冷藏有限公司",
];

/// What the generator made.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DemoReport {
    /// Cases created.
    pub cases: usize,
}

/// Creates `per_fate` cases for each fate, unless the database already holds cases.
pub async fn generate(
    store: Arc<dyn Store>,
    today: NaiveDate,
    per_fate: usize,
) -> Result<DemoReport> {
    let probe = store::CaseFilter {
        limit: Some(1),
        ..Default::default()
    };
    if !store.list_cases(&probe).await?.is_empty() {
        return Ok(DemoReport::default());
    }
    let clock = Arc::new(FixedClock::new(chrono::Utc::now()));
    let svc = Services::new(store.clone(), clock.clone(), WarningRule::default()).await?;
    let matters: Vec<Matter> = store
        .matters()
        .await?
        .into_iter()
        .map(|v| v.matter)
        .collect();
    let users = store.users().await?;
    let mut g = Generator {
        svc,
        clock,
        rng: StdRng::seed_from_u64(SEED),
        today,
        users,
        cal: Calendar::official(),
    };
    g.cal = (*g.svc.calendar()).clone();
    let mut report = DemoReport::default();
    for round in 0..per_fate {
        for fate in FATES {
            let pool: Vec<&Matter> = matters.iter().filter(|m| fits(m, fate)).collect();
            if pool.is_empty() {
                continue;
            }
            let matter = pool[(round * 7 + g.rng.random_range(0..pool.len())) % pool.len()];
            g.play(matter, fate).await?;
            report.cases += 1;
        }
    }
    super::ratings::generate(&g.svc, &g.clock, today, SEED).await?;
    super::hotline::generate(&g.svc, &g.clock, today).await?;
    Ok(report)
}

/// The demo's service halls, with the level each serves as.
const HALLS: [(&str, Level); 4] = [
    ("zgb", Level::City),
    ("zgb", Level::City),
    ("guanli", Level::Town),
    ("cuiping", Level::Town),
];

/// Fates a case taken in at a window can have (the others start online).
fn window_fate(fate: Fate) -> bool {
    matches!(
        fate,
        Fate::Normal | Fate::Overdue | Fate::Issued | Fate::Refused
    )
}

fn fits(m: &Matter, fate: Fate) -> bool {
    let limit = m.promised_limit.get();
    // Online applications are reviewed at the county hall (预审): a matter
    // delegated to the towns alone is only taken in at a town's window.
    let at_a_hall = HALLS.iter().any(|(_, level)| m.levels.contains(level));
    if !at_a_hall || (!m.levels.contains(&Level::City) && !window_fate(fate)) {
        return false;
    }
    match fate {
        Fate::Deficient | Fate::BrokenPromise => m.deficiency_allowed && limit >= 3,
        Fate::Warning | Fate::Overdue | Fate::Normal | Fate::Suspended => (3..=30).contains(&limit),
        _ => limit <= 30,
    }
}

struct Generator {
    svc: Services,
    clock: Arc<FixedClock>,
    rng: StdRng,
    today: NaiveDate,
    users: Vec<domain::unit::User>,
    cal: Calendar,
}

impl Generator {
    /// The working day `n` working days before `today` (a short walk; demo only).
    fn back(&self, n: u32) -> NaiveDate {
        let mut d = self.today;
        let mut left = n;
        while left > 0 {
            d = d - Days::new(1);
            if self.cal.is_workday(d).value {
                left -= 1;
            }
        }
        d
    }

    fn forward(&self, from: NaiveDate, n: u32) -> NaiveDate {
        self.cal
            .add_workdays(from, domain::catalog::WorkingDays(n))
            .value
            .min(self.today)
    }

    fn actor_in(&self, unit: &str) -> Actor {
        let user = self.users.iter().find(|u| u.unit.as_str() == unit);
        match user {
            Some(u) => Actor {
                username: u.username.clone(),
                unit: unit.to_owned(),
            },
            None => Actor {
                username: format!("demo@{unit}"),
                unit: unit.to_owned(),
            },
        }
    }

    /// A made-up applicant of a kind the matter admits.
    fn applicant(&mut self, admits: ApplicantTypes) -> ApplicantInput {
        let person = match admits {
            ApplicantTypes::Person => true,
            ApplicantTypes::Enterprise => false,
            ApplicantTypes::Both => self.rng.random_bool(0.5),
        };
        if person {
            let name = format!(
                "{}{}",
                pick(&mut self.rng, SURNAMES),
                pick(&mut self.rng, GIVEN)
            );
            let birth = NaiveDate::from_ymd_opt(1960, 1, 1).unwrap_or(self.today)
                + Days::new(self.rng.random_range(0..15_000));
            let body = format!(
                "370686{}{:03}",
                birth.format("%Y%m%d"),
                self.rng.random_range(100..999)
            );
            let check = id_check_char(&body).unwrap_or('0');
            ApplicantInput::Person {
                name,
                id_number: format!("{body}{check}"),
                phone: "13800000000".into(),
            }
        } else {
            let name = format!(
                "栖霞市{}{}",
                pick(
                    &mut self.rng,
                    &["鑫源", "福泰", "宏达", "金果", "蓝海", "兴隆"]
                ),
                pick(&mut self.rng, FIRMS)
            );
            let body = format!(
                "91370686MA{:07}",
                self.rng.random_range(1_000_000..9_999_999)
            );
            let check = credit_check_char(&body).unwrap_or('0');
            ApplicantInput::Enterprise {
                name,
                credit_code: format!("{body}{check}"),
                phone: "05355200000".into(),
            }
        }
    }

    async fn at(&mut self, day: NaiveDate, id: i64, actor: &Actor, action: Action) -> Result<()> {
        self.clock.set_day(day);
        self.svc.act(actor, id, None, action).await?;
        Ok(())
    }

    /// Opens a case for `matter` and walks it to `fate`.
    async fn play(&mut self, matter: &Matter, fate: Fate) -> Result<()> {
        let (id, start, clerk) = self.open(matter, fate).await?;
        if !self.intake(matter, fate, id, start, &clerk).await? {
            return Ok(());
        }
        match fate {
            Fate::Withdrawn => {
                let day = self.forward(start, 1);
                let reason = "申请人主动撤回".into();
                self.at(day, id, &clerk, Action::Withdraw { reason }).await
            }
            Fate::Normal | Fate::Warning | Fate::Overdue => Ok(()),
            Fate::Suspended => {
                let actor = self.actor_in(&matter.unit);
                let day = self.forward(start, 1);
                let action = Action::Suspend {
                    kind: SuspensionKind::ExpertReview,
                    reason: "组织专家论证".into(),
                };
                self.at(day, id, &actor, action).await
            }
            _ => self.conclude(matter, fate, id, start).await,
        }
    }

    /// Opens the case on the day its fate needs, online or at a hall that
    /// handles the matter: its id, that day and the clerk who took it.
    async fn open(&mut self, matter: &Matter, fate: Fate) -> Result<(i64, NaiveDate, Actor)> {
        let limit = matter.promised_limit.get();
        let threshold = WarningRule::default().threshold(matter.promised_limit);
        let jitter: u32 = self.rng.random_range(0..15);
        let days_back = match fate {
            Fate::Overdue => limit + 1 + jitter % 4,
            Fate::Warning => limit.saturating_sub(threshold),
            Fate::BrokenPromise => limit.min(3) + 2,
            Fate::Normal | Fate::Deficient | Fate::Suspended => {
                jitter % (limit.saturating_sub(threshold + 1) + 1)
            }
            Fate::Submitted | Fate::Noticed => jitter % 3,
            _ => limit + 2 + jitter,
        };
        let start = self.back(days_back);
        let halls: Vec<&str> = HALLS
            .iter()
            .filter(|(_, level)| matter.levels.contains(level))
            .map(|(hall, _)| *hall)
            .collect();
        let window = window_fate(fate)
            && (self.rng.random_bool(0.5) || !matter.levels.contains(&Level::City));
        let channel = if window {
            Channel::Window
        } else {
            *pick(
                &mut self.rng,
                &[Channel::Online, Channel::Mobile, Channel::Online],
            )
        };
        let hall = if window {
            pick(&mut self.rng, &halls).to_string()
        } else {
            "zgb".to_owned()
        };
        let clerk = self.actor_in(&hall);
        self.clock.set_day(start);
        let input = CreateCase {
            matter: matter.code.to_string(),
            channel,
            applicant: self.applicant(matter.applicants),
            intake_unit: Some(hall),
            intake: None,
        };
        let (view, _) = self.svc.create_case(&clerk, input, None).await?;
        Ok((view.record.id, start, clerk))
    }

    /// Decides the intake as the fate needs; `true` when the case was
    /// accepted in full and goes on.
    async fn intake(
        &mut self,
        matter: &Matter,
        fate: Fate,
        id: i64,
        start: NaiveDate,
        clerk: &Actor,
    ) -> Result<bool> {
        let optional: Vec<String> = matter
            .materials
            .iter()
            .filter(|m| !m.core && m.source == MaterialSource::Applicant)
            .map(|m| m.name.clone())
            .collect();
        let action = match fate {
            Fate::Submitted => return Ok(false),
            Fate::Noticed => Action::NotifyOnce {
                missing: matter
                    .asked_materials()
                    .take(2)
                    .map(|m| m.name.clone())
                    .collect(),
                note: "请补齐后再次提交".into(),
            },
            Fate::NotAccepted => {
                let actor = self.actor_in(&matter.unit);
                let reason = "申请事项不属于本机关职权范围（《行政许可法》第三十二条）".into();
                self.at(start, id, &actor, Action::NotAccept { reason })
                    .await?;
                return Ok(false);
            }
            Fate::Deficient | Fate::BrokenPromise if !optional.is_empty() => {
                let limit = matter.promised_limit.get();
                let by = self
                    .cal
                    .add_workdays(start, WorkingDays(limit.min(3)))
                    .value;
                let action = Action::AcceptWithDeficiency {
                    missing: vec![optional[0].clone()],
                    supplement_by: by,
                    commitments: vec![],
                };
                self.at(start, id, clerk, action).await?;
                if fate == Fate::BrokenPromise {
                    self.clock.set_day(self.today);
                    self.svc.sweep_overdue_supplements().await?;
                }
                return Ok(false);
            }
            _ => Action::Accept {
                commitments: vec![],
            },
        };
        let accepted = matches!(action, Action::Accept { .. });
        self.at(start, id, clerk, action).await?;
        Ok(accepted)
    }

    /// Completes the steps and decides; then issues and delivers as the fate needs.
    async fn conclude(
        &mut self,
        matter: &Matter,
        fate: Fate,
        id: i64,
        start: NaiveDate,
    ) -> Result<()> {
        let limit = matter.promised_limit.get();
        self.finish_steps(id, start, limit).await?;
        let head = self.actor_in(&matter.unit);
        let decided = self.forward(start, limit.saturating_sub(1).max(1));
        let refuse = fate == Fate::Refused;
        let decision = Action::Decide {
            approve: !refuse,
            reason: if refuse {
                "经审查，申请材料与实际情况不符".into()
            } else {
                String::new()
            },
        };
        self.at(decided, id, &head, decision).await?;
        if refuse || fate == Fate::Approved {
            return Ok(());
        }
        let number = format!("栖证{}{:06}", decided.format("%Y"), id);
        let result = if self.rng.random_bool(0.6) {
            CaseResult::Electronic {
                number,
                licence: format!("{}电子证照", matter.name),
            }
        } else {
            CaseResult::Paper { number }
        };
        self.at(decided, id, &head, Action::Issue { result })
            .await?;
        if fate == Fate::Delivered {
            let method = *pick(
                &mut self.rng,
                &[
                    DeliveryMethod::WindowPickup,
                    DeliveryMethod::Post,
                    DeliveryMethod::Electronic,
                ],
            );
            let day = self.forward(decided, 1);
            self.at(day, id, &head, Action::Deliver { method }).await?;
        }
        Ok(())
    }

    async fn finish_steps(&mut self, id: i64, start: NaiveDate, limit: u32) -> Result<()> {
        let case = self.svc.store.case(id).await?.case;
        let mut stages: Vec<u32> = case.steps.iter().map(|s| s.stage).collect();
        stages.sort_unstable();
        stages.dedup();
        for (n, stage) in stages.iter().enumerate() {
            let day = self.forward(
                start,
                u32::try_from(n).unwrap_or(0).min(limit.saturating_sub(1)),
            );
            for (i, step) in case
                .steps
                .iter()
                .enumerate()
                .filter(|(_, s)| s.stage == *stage)
            {
                let actor = self.actor_in(&step.unit);
                self.at(
                    day,
                    id,
                    &actor,
                    Action::CompleteStep {
                        step: i,
                        opinion: "审查通过".into(),
                    },
                )
                .await?;
            }
        }
        Ok(())
    }
}

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}
