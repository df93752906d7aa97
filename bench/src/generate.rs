//! Generated cases for the big databases: a year of applications over the
//! whole default catalog, submitted in id order, each taken through the
//! domain's own transitions (`Case::apply`) to a fate that fits its age,
//! with its clock columns computed by the service layer's `clock_index`.
//! So the SLA columns, holders and bodies are what onewindow itself would
//! have stored. Most cases are concluded; those of the last weeks are open.

use app::service::Services;
use chrono::{Days, NaiveDate};
use domain::calendar::Calendar;
use domain::case::{
    Action, Applicant, Case, CaseResult, Channel, Context, DeliveryMethod, SuspensionKind,
};
use domain::catalog::{Matter, WorkingDays};
use domain::party::{CreditCode, IdNumber, credit_check_char, id_check_char};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use store::{Actor, NewCase};

/// Makes `total` cases, in batches, deterministically (seeded).
pub struct Generator {
    svc: Services,
    matters: Vec<Matter>,
    cal: std::sync::Arc<Calendar>,
    today: NaiveDate,
    first_day: NaiveDate,
    total: usize,
    made: usize,
    rng: StdRng,
}

const HALLS: [&str; 3] = ["zgb", "guanli", "cuiping"];

impl Generator {
    /// A generator of `total` cases submitted over the year before the services' today.
    pub async fn new(svc: Services, total: usize) -> anyhow::Result<Self> {
        let matters = svc
            .store
            .matters()
            .await?
            .into_iter()
            .map(|v| v.matter)
            .collect();
        let today = svc.today();
        Ok(Self {
            cal: svc.calendar(),
            matters,
            today,
            first_day: today - Days::new(365),
            total,
            made: 0,
            rng: StdRng::seed_from_u64(6),
            svc,
        })
    }

    /// The next batch of at most `n` cases; empty when all are made.
    pub fn batch(&mut self, n: usize) -> anyhow::Result<Vec<NewCase>> {
        let end = (self.made + n).min(self.total);
        let mut out = Vec::with_capacity(end - self.made);
        while self.made < end {
            out.push(self.case(self.made)?);
            self.made += 1;
        }
        Ok(out)
    }

    fn applicant(&mut self) -> anyhow::Result<Applicant> {
        if self.rng.random_bool(0.6) {
            let body = format!(
                "3706{:02}{}{:02}{:02}{:03}",
                self.rng.random_range(1..90),
                self.rng.random_range(1950..2005),
                self.rng.random_range(1..13),
                self.rng.random_range(1..29),
                self.rng.random_range(0..1000)
            );
            let check = id_check_char(&body).unwrap_or('0');
            Ok(Applicant::Person {
                name: "张三".into(),
                id_number: IdNumber::parse(&format!("{body}{check}"))?,
                phone: "13800000000".into(),
            })
        } else {
            let body = format!(
                "91370686MA{:07}",
                self.rng.random_range(1_000_000..9_999_999)
            );
            let check = credit_check_char(&body).unwrap_or('0');
            Ok(Applicant::Enterprise {
                name: "栖霞市某某有限公司".into(),
                credit_code: CreditCode::parse(&format!("{body}{check}"))?,
                phone: "05355200000".into(),
            })
        }
    }

    fn case(&mut self, i: usize) -> anyhow::Result<NewCase> {
        // Submission days rise with the id, as a real history's do.
        let offset = (i as u64 * 365) / self.total.max(1) as u64;
        let submitted = self.first_day + Days::new(offset);
        let m = self.rng.random_range(0..self.matters.len());
        let window = self.rng.random_bool(0.4);
        let channel = if window {
            Channel::Window
        } else {
            Channel::Online
        };
        let hall = if window {
            HALLS[self.rng.random_range(0..HALLS.len())]
        } else {
            "zgb"
        };
        let applicant = self.applicant()?;
        let matter = &self.matters[m];
        let mut case = Case::open(channel, applicant, matter, 1, submitted);
        let age = (self.today - submitted).num_days();
        let due = self
            .cal
            .add_workdays(submitted, matter.promised_limit)
            .value;
        // Open: most cases not yet past their deadline (by a few days) and a few stragglers.
        let open = (due + Days::new(3) >= self.today && self.rng.random_bool(0.85))
            || self.rng.random_bool(0.002);
        let roll: f64 = self.rng.random();
        case = self.play(case, matter, submitted, due, open, age, roll)?;
        let clock = self.svc.clock_index(&case, self.today);
        let at = submitted
            .and_hms_opt(1, 0, 0)
            .map(|t| t.and_utc())
            .unwrap_or_default();
        Ok(NewCase {
            case,
            clock,
            intake_unit: hall.to_owned(),
            applicant_user: None,
            idempotency_key: None,
            visit_outcome: None,
            actor: Actor {
                username: "bench".into(),
                unit: hall.to_owned(),
            },
            at,
        })
    }

    /// Takes a new case as far as its fate; actions happen on plausible days.
    #[expect(
        clippy::too_many_arguments,
        reason = "one call site; a struct would only rename them"
    )]
    fn play(
        &self,
        mut case: Case,
        matter: &Matter,
        submitted: NaiveDate,
        due: NaiveDate,
        open: bool,
        age: i64,
        roll: f64,
    ) -> anyhow::Result<Case> {
        let step = |case: Case, day: NaiveDate, action: Action| -> anyhow::Result<Case> {
            let ctx = Context {
                today: day.min(self.today),
                matter,
                calendar: &self.cal,
            };
            Ok(case.apply(&action, ctx)?.0)
        };
        if open && age <= 2 && roll < 0.3 {
            return Ok(case); // still waiting for 预审
        }
        if roll > 0.995 {
            let reason = "申请事项不属于本机关职权范围".into();
            return step(case, submitted, Action::NotAccept { reason });
        }
        case = step(
            case,
            submitted,
            Action::Accept {
                commitments: vec![],
            },
        )?;
        let mid = self
            .cal
            .add_workdays(submitted, WorkingDays(matter.promised_limit.get() / 2))
            .value;
        if open && roll < 0.05 {
            let suspend = Action::Suspend {
                kind: SuspensionKind::ExpertReview,
                reason: "组织专家论证".into(),
            };
            return step(case, mid, suspend);
        }
        if roll > 0.99 {
            return step(
                case,
                mid,
                Action::Withdraw {
                    reason: "申请人主动撤回".into(),
                },
            );
        }
        let mut stages: Vec<u32> = case.steps.iter().map(|s| s.stage).collect();
        stages.sort_unstable();
        stages.dedup();
        for stage in stages {
            if open && roll < 0.6 {
                return Ok(case); // in review, a step still open
            }
            let idx: Vec<usize> = (0..case.steps.len())
                .filter(|&i| case.steps[i].stage == stage)
                .collect();
            for i in idx {
                let done = Action::CompleteStep {
                    step: i,
                    opinion: "审查通过".into(),
                };
                case = step(case, mid, done)?;
            }
        }
        if open && roll < 0.75 {
            return Ok(case); // every step done: waiting for the decision
        }
        let decided = if open {
            self.today
        } else {
            due.min(self.today)
        };
        if roll > 0.97 {
            let refuse = Action::Decide {
                approve: false,
                reason: "经审查，申请材料与实际情况不符".into(),
            };
            return step(case, decided, refuse);
        }
        case = step(
            case,
            decided,
            Action::Decide {
                approve: true,
                reason: String::new(),
            },
        )?;
        if open {
            return Ok(case); // approved, to be issued
        }
        let number = format!("栖证{}", submitted.format("%Y%m%d"));
        let result = CaseResult::Electronic {
            number,
            licence: "电子证照".into(),
        };
        let issued = step(case, decided, Action::Issue { result })?;
        // 出件: the result is handed over a day or two later; until then the
        // responsible unit still holds the case (it is in its inbox).
        let handed = decided + Days::new(1 + u64::from(roll > 0.5));
        if handed > self.today {
            return Ok(issued);
        }
        let deliver = Action::Deliver {
            method: DeliveryMethod::Electronic,
        };
        step(issued, handed, deliver)
    }
}

/// Cases per bulk transaction.
const BATCH: usize = 20_000;

/// Fills the services' store with `total` generated cases through the
/// store's bulk path, generating on a blocking thread while the previous
/// batch is written; shows a progress bar. Returns the time taken.
pub async fn populate(
    svc: &Services,
    total: usize,
    label: &str,
) -> anyhow::Result<std::time::Duration> {
    use indicatif::{ProgressBar, ProgressStyle};
    let started = std::time::Instant::now();
    let bar = ProgressBar::new(total as u64).with_message(label.to_owned());
    bar.set_style(
        ProgressStyle::with_template(
            "{msg} [{elapsed_precise}] {wide_bar} {pos}/{len} ({per_sec}, eta {eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut generator = Generator::new(svc.clone(), total).await?;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<NewCase>>(2);
    let producer = tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        loop {
            let batch = generator.batch(BATCH)?;
            if batch.is_empty() || tx.blocking_send(batch).is_err() {
                return Ok(());
            }
        }
    });
    let actor = Actor {
        username: "bench".into(),
        unit: "qx".into(),
    };
    let now = svc.clock.now();
    let (mut done, mut next_note) = (0usize, total / 10);
    while let Some(batch) = rx.recv().await {
        let n = batch.len();
        svc.store.bulk_load_cases(batch, &actor, now).await?;
        done += n;
        bar.inc(n as u64);
        if bar.is_hidden() && done >= next_note {
            eprintln!(
                "{label}: {done}/{total} cases, {:.0} s",
                started.elapsed().as_secs_f64()
            );
            next_note += (total / 10).max(1);
        }
    }
    producer.await??;
    bar.finish_and_clear();
    Ok(started.elapsed())
}
