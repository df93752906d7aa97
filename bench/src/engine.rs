//! Engine throughput: N cases through submit → 受理 → 审查 → 决定 → 办结
//! (bench/case3.bpmn) through onewindow's own service layer, each step one
//! durable transaction with its timeline entry, audit record and deadline
//! computation; with 1 client and with 8 concurrent clients. Beside it, in
//! the same run, the storage limit (see `limit`).

use crate::report::{Report, summary};
use crate::{Options, limit};
use anyhow::Context;
use app::service::{ApplicantInput, CreateCase, FixedClock, Services};
use chrono::{DateTime, NaiveDate, Utc};
use domain::case::{Action, CaseResult, Channel, WarningRule};
use serde_json::json;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use store::Actor;

/// Steps (durable transactions) per case: create, accept, review, decide, issue.
pub const STEPS: usize = 5;

/// The instant every engine run's clock shows: a Friday, 09:00 in Shanghai.
pub fn bench_now() -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(2026, 11, 20)
        .and_then(|d| d.and_hms_opt(1, 0, 0))
        .map_or_else(Utc::now, |t| t.and_utc())
}

/// Who acts at each step, and on which matter.
#[derive(Clone)]
pub struct Cast {
    /// A matter with a single review step (no `steps` in the catalog).
    pub matter: String,
    /// 受理 (the 预审 window of online applications).
    pub clerk: Actor,
    /// 审查.
    pub approver: Actor,
    /// 决定 and 办结.
    pub head: Actor,
}

/// Picks a one-step matter that citizens may apply for (the harness's
/// applicants are people) whose unit has an approver and a head among the
/// users.
pub async fn cast(svc: &Services) -> anyhow::Result<Cast> {
    let users = svc.store.users().await?;
    let user = |unit: &str, role: &str| {
        users
            .iter()
            .find(|u| u.unit.as_str() == unit && u.role.as_str() == role)
            .map(|u| Actor {
                username: u.username.clone(),
                unit: unit.to_owned(),
            })
    };
    let matters = svc.store.matters().await?;
    for m in matters.iter().map(|v| &v.matter) {
        if !m.steps.is_empty() || !m.admits(false) {
            continue;
        }
        if let (Some(approver), Some(head), Some(clerk)) = (
            user(&m.unit, "approver"),
            user(&m.unit, "department_head"),
            user(&svc.online_intake_unit, "window_clerk"),
        ) {
            return Ok(Cast {
                matter: m.code.to_string(),
                clerk,
                approver,
                head,
            });
        }
    }
    anyhow::bail!("no one-step matter whose unit has an approver and a head")
}

/// A valid applicant, different for each `n`.
pub fn applicant(n: usize) -> ApplicantInput {
    let body = format!("37068619{:02}0101{:03}", 60 + n % 40, n % 1000);
    let check = domain::party::id_check_char(&body).unwrap_or('0');
    ApplicantInput::Person {
        name: format!("申请人{n}"),
        id_number: format!("{body}{check}"),
        phone: "13800000000".into(),
    }
}

/// Step latencies of one run, in microseconds, by step.
type Latencies = [Vec<f64>; STEPS];

/// Takes one case through the five steps, timing each.
pub async fn one_case(
    svc: &Services,
    cast: &Cast,
    n: usize,
    lat: &mut Latencies,
) -> anyhow::Result<()> {
    let t = Instant::now();
    let input = CreateCase {
        matter: cast.matter.clone(),
        channel: Channel::Online,
        applicant: applicant(n),
        intake_unit: None,
        intake: None,
    };
    let (view, _) = svc.create_case(&cast.clerk, input, None).await?;
    lat[0].push(t.elapsed().as_secs_f64() * 1e6);
    let id = view.record.id;
    let steps = [
        (
            &cast.clerk,
            Action::Accept {
                commitments: vec![],
            },
        ),
        (
            &cast.approver,
            Action::CompleteStep {
                step: 0,
                opinion: "审查通过".into(),
            },
        ),
        (
            &cast.head,
            Action::Decide {
                approve: true,
                reason: String::new(),
            },
        ),
        (
            &cast.head,
            Action::Issue {
                result: CaseResult::Electronic {
                    number: format!("BENCH{id:010}"),
                    licence: "电子证照".into(),
                },
            },
        ),
    ];
    for (i, (actor, action)) in steps.into_iter().enumerate() {
        let t = Instant::now();
        svc.act(actor, id, None, action).await?;
        lat[i + 1].push(t.elapsed().as_secs_f64() * 1e6);
    }
    Ok(())
}

/// Fresh services over a fresh SQLite file in `dir`.
pub async fn fresh_services(dir: &Path) -> anyhow::Result<Services> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join("onewindow.db");
    let now = bench_now();
    let store = store::open(&path.display().to_string(), now)
        .await
        .with_context(|| format!("cannot open {}", path.display()))?;
    Ok(Services::new(
        store,
        Arc::new(FixedClock::new(now)),
        WarningRule::default(),
    )
    .await?)
}

/// Runs `cases` cases through onewindow with `clients` concurrent tasks.
async fn onewindow(
    dir: &Path,
    cases: usize,
    clients: usize,
) -> anyhow::Result<(Duration, Latencies)> {
    let svc = Arc::new(fresh_services(dir).await?);
    let cast = Arc::new(cast(&svc).await?);
    // Warm up the catalog cache and the connections outside the timed part.
    let mut scratch: Latencies = Default::default();
    one_case(&svc, &cast, usize::MAX / 2, &mut scratch).await?;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (svc, cast) = (svc.clone(), cast.clone());
        let mine: Vec<usize> = (c..cases).step_by(clients).collect();
        tasks.push(tokio::spawn(async move {
            let mut lat: Latencies = Default::default();
            for n in mine {
                one_case(&svc, &cast, n, &mut lat).await?;
            }
            anyhow::Ok(lat)
        }));
    }
    let mut all: Latencies = Default::default();
    for t in tasks {
        let lat = t.await??;
        for (a, l) in all.iter_mut().zip(lat) {
            a.extend(l);
        }
    }
    Ok((started.elapsed(), all))
}

const STEP_NAMES: [&str; STEPS] = ["create", "accept", "review", "decide", "issue"];

/// The engine and storage-limit scenarios.
pub async fn run(opts: &Options, tmp: &Path, report: &mut Report) -> anyhow::Result<()> {
    let n = opts.engine_cases();
    for clients in [1, 8] {
        if opts.wants("engine") {
            eprintln!("engine: onewindow, {n} cases, {clients} client(s)…");
            let dir = tmp.join(format!("engine-{clients}"));
            let (took, mut lat) = onewindow(&dir, n, clients).await?;
            let rate = n as f64 / took.as_secs_f64();
            let target = if clients == 1 {
                "≥ 0.8 × limit"
            } else {
                "> limit"
            };
            report.row(
                "engine",
                &format!(
                    "onewindow, {clients} client{}",
                    if clients == 1 { "" } else { "s" }
                ),
                rate,
                "cases/s",
                target,
            );
            let steps: serde_json::Map<_, _> = STEP_NAMES
                .iter()
                .zip(lat.iter_mut())
                .map(|(name, l)| ((*name).to_owned(), summary(l)))
                .collect();
            report.detail(
                &format!("engine_onewindow_{clients}"),
                json!({ "cases": n, "seconds": took.as_secs_f64(), "cases_per_s": rate,
                        "step_latency_us": steps }),
            );
            std::fs::remove_dir_all(&dir).ok();
        }
        if opts.wants("limit") {
            eprintln!("engine: storage limit, {n} cases, {clients} client(s)…");
            let dir = tmp.join(format!("limit-{clients}"));
            std::fs::create_dir_all(&dir)?;
            let path = dir.join("limit.db");
            let (took, detail) =
                tokio::task::spawn_blocking(move || limit::run(&path, n, clients)).await??;
            let rate = n as f64 / took.as_secs_f64();
            report.row_note(
                "engine",
                &format!(
                    "storage limit, {clients} client{}",
                    if clients == 1 { "" } else { "s" }
                ),
                rate,
                "cases/s",
                if clients == 1 { "≈ 7,700" } else { "" },
                "5 transactions per case, each 1 event insert + 1 case upsert",
            );
            report.detail(&format!("engine_limit_{clients}"), detail);
            std::fs::remove_dir_all(&dir).ok();
        }
    }
    if opts.wants("engine") {
        let dir = tmp.join("engine-breakdown");
        let breakdown = crate::breakdown::run(&dir, n.min(5_000)).await?;
        report.detail("engine_breakdown_1_client", breakdown);
        std::fs::remove_dir_all(&dir).ok();
    }
    Ok(())
}
