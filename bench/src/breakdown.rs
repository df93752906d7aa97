//! Where onewindow's time goes per step, with one client: the service
//! layer's `act` done piece by piece exactly as `Services::act` does it
//! (read the case, read its matter version, the domain's pure transition
//! and clock, the store's write transaction), each piece timed.

use crate::engine::{Cast, applicant, cast, fresh_services};
use crate::report::summary;
use app::service::{CreateCase, Services};
use domain::case::{Action, CaseResult, Channel, Context};
use serde_json::{Value, json};
use std::path::Path;
use std::time::Instant;
use store::CaseUpdate;

const PARTS: [&str; 4] = ["read_case", "read_matter", "domain", "write_tx"];

/// Microseconds per part, over all the steps `act` ran.
#[derive(Default)]
struct Parts([Vec<f64>; 4]);

impl Parts {
    fn time<T>(&mut self, part: usize, t: Instant, v: T) -> T {
        self.0[part].push(t.elapsed().as_secs_f64() * 1e6);
        v
    }
}

/// `Services::act`, timed part by part.
async fn act(
    svc: &Services,
    actor: &store::Actor,
    id: i64,
    action: Action,
    p: &mut Parts,
) -> anyhow::Result<()> {
    let t = Instant::now();
    let current = p.time(0, t, svc.store.case_for_change(id).await?);
    let t = Instant::now();
    let matter = svc
        .matter_version(&current.case.matter, current.case.matter_version)
        .await?;
    p.time(1, t, ());
    let t = Instant::now();
    let today = svc.today();
    let cal = svc.calendar();
    let (case, effects) = current.case.apply(
        &action,
        Context {
            today,
            matter: &matter.matter,
            calendar: &cal,
        },
    )?;
    let update = CaseUpdate {
        id,
        expected_version: current.version,
        action: action.name().to_owned(),
        payload: serde_json::to_value(&action)?,
        clock: svc.clock_index(&case, today),
        case,
        effects,
        actor: actor.clone(),
        at: svc.clock.now(),
    };
    p.time(2, t, ());
    let t = Instant::now();
    let record = svc.store.update_case(&update).await?;
    p.time(3, t, ());
    // What `act` returns: the case with its clocks as of today.
    let _view = svc.view(record, None);
    Ok(())
}

async fn one(
    svc: &Services,
    cast: &Cast,
    n: usize,
    create: &mut Vec<f64>,
    p: &mut Parts,
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
    create.push(t.elapsed().as_secs_f64() * 1e6);
    let id = view.record.id;
    act(
        svc,
        &cast.clerk,
        id,
        Action::Accept {
            commitments: vec![],
        },
        p,
    )
    .await?;
    let review = Action::CompleteStep {
        step: 0,
        opinion: "审查通过".into(),
    };
    act(svc, &cast.approver, id, review, p).await?;
    let decide = Action::Decide {
        approve: true,
        reason: String::new(),
    };
    act(svc, &cast.head, id, decide, p).await?;
    let result = CaseResult::Electronic {
        number: format!("BENCH{id:010}"),
        licence: "电子证照".into(),
    };
    act(svc, &cast.head, id, Action::Issue { result }, p).await?;
    Ok(())
}

/// Runs `cases` cases with one client and reports the median and p99 of each part.
pub async fn run(dir: &Path, cases: usize) -> anyhow::Result<Value> {
    eprintln!("engine: breakdown of one client's steps, {cases} cases…");
    let svc = fresh_services(dir).await?;
    let cast = cast(&svc).await?;
    let (mut create, mut parts) = (Vec::new(), Parts::default());
    let started = Instant::now();
    for n in 0..cases {
        one(&svc, &cast, n, &mut create, &mut parts).await?;
    }
    let took = started.elapsed().as_secs_f64();
    let mut out = serde_json::Map::new();
    out.insert("cases".into(), json!(cases));
    out.insert("cases_per_s".into(), json!(cases as f64 / took));
    out.insert("create_case_us".into(), summary(&mut create));
    for (name, samples) in PARTS.iter().zip(parts.0.iter_mut()) {
        out.insert(format!("act_{name}_us"), summary(samples));
    }
    Ok(Value::Object(out))
}
