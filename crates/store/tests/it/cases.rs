//! Cases on every configured backend: receipt numbers and idempotent
//! creates; optimistic updates that never lose a change; the inboxes of the
//! units holding parallel steps; list filters and SLA counts that agree with
//! the domain's clock; overdue 容缺 supplements and broken commitments; the
//! visit register and API tokens; and an audit chain that names the record
//! someone changed behind the application's back.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly on bad fixtures"
)]

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use domain::calendar::Calendar;
use domain::case::{
    Action, Applicant, Case, CaseResult, CaseState, Channel, Context, Effect, SlaStatus,
    SuspensionKind, WarningRule,
};
use domain::catalog::{Matter, MatterCode};
use domain::party::IdNumber;
use store::audit::{AuditEntry, AuditRecord, chain_hash};
use store::testing::{self, TestDb};
use store::{
    Actor, CaseFilter, CaseRecord, CaseUpdate, ClockIndex, NewCase, SlaCounts, Store, StoreError,
    Visit,
};

/// 水电气外线工程并联审批 (zjj): five departments review in parallel in stage 1
/// (zrj, zjj, zfj, jtysj, gaj); 容缺 allowed; promised 3, statutory 20 working days.
const PARALLEL: &str = "QX-ZJJ-012";
/// The parallel matter's non-core material, the one 容缺受理 may leave missing.
const NON_CORE: &str = "绿地恢复或补偿方案";
/// The units holding the parallel matter's stage-1 steps, in step order.
const STEP_UNITS: [&str; 5] = ["zrj", "zjj", "zfj", "jtysj", "gaj"];
/// 企业设立登记 (scjg): one review step; promised 1 working day.
const SINGLE: &str = "QX-SCJG-001";

// ───────────────────────────── fixtures ─────────────────────────────

/// A day of March 2026 (the 2nd is a Monday; no holiday all month).
fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, d).expect("a March 2026 day")
}

/// An instant on a March 2026 day, in whole seconds so every backend keeps it exactly.
fn at(d: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, d, hour, 0, 0)
        .single()
        .expect("valid instant")
}

/// A valid 居民身份证号 for test applicant `n` (GB 11643 check digit computed).
fn id_number(n: u32) -> IdNumber {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let body = format!("37068619900101{n:03}");
    let sum: u32 = body
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).expect("digit") * w)
        .sum();
    let check = CHECK[usize::try_from(sum % 11).expect("small")];
    IdNumber::parse(&format!("{body}{check}")).expect("valid ID number")
}

fn applicant(n: u32) -> Applicant {
    Applicant::Person {
        name: format!("申请人{n}"),
        id_number: id_number(n),
        phone: String::new(),
    }
}

fn clerk() -> Actor {
    Actor {
        username: "clerk".into(),
        unit: "zgb".into(),
    }
}

fn reviewer(unit: &str) -> Actor {
    Actor {
        username: format!("approver.{unit}"),
        unit: unit.into(),
    }
}

/// A matter as the store holds it, with its newest version number.
struct Published {
    matter: Matter,
    version: u32,
}

async fn matter(s: &dyn Store, code: &str) -> Published {
    let v = s
        .matter(&MatterCode::parse(code).unwrap(), None)
        .await
        .unwrap();
    Published {
        matter: v.matter,
        version: v.version,
    }
}

/// The clock columns the application stores for `case` as of `today`.
fn clock_of(case: &Case, today: NaiveDate) -> ClockIndex {
    case.clock_index(today, &Calendar::official(), WarningRule::default())
}

/// `case` after `actions`, all on `today`, as the domain decides them.
fn run(mut case: Case, actions: &[Action], today: NaiveDate, m: &Published) -> Case {
    let calendar = Calendar::official();
    for a in actions {
        let ctx = Context {
            today,
            matter: &m.matter,
            calendar: &calendar,
        };
        case = case
            .apply(a, ctx)
            .unwrap_or_else(|e| panic!("fixture action {} refused: {e}", a.name()))
            .0;
    }
    case
}

/// A window case for applicant `n`, presented at the county hall on `d`.
fn window_case(m: &Published, n: u32, d: u32) -> Case {
    Case::open(Channel::Window, applicant(n), &m.matter, m.version, day(d))
}

fn new_case(case: Case, clock: ClockIndex, intake: &str, when: DateTime<Utc>) -> NewCase {
    NewCase {
        case,
        clock,
        intake_unit: intake.into(),
        applicant_user: None,
        idempotency_key: None,
        visit_outcome: None,
        actor: clerk(),
        at: when,
    }
}

/// Stores `case` with the given clock columns (computed by hand by the caller).
async fn store_case(s: &dyn Store, case: Case, clock: ClockIndex, intake: &str) -> CaseRecord {
    let (rec, created) = s
        .create_case(&new_case(case, clock, intake, at(2, 9)))
        .await
        .unwrap();
    assert!(
        created,
        "{}: a case without a key is always new",
        s.backend()
    );
    rec
}

/// Opens a window case for applicant `n` on `d` and stores it, not yet accepted.
async fn open(s: &dyn Store, m: &Published, n: u32, d: u32) -> CaseRecord {
    let case = window_case(m, n, d);
    let clock = clock_of(&case, day(d));
    store_case(s, case, clock, "zgb").await
}

/// The update `action` on `today` makes of `rec`, computed by the domain from that read.
fn change(
    rec: &CaseRecord,
    action: Action,
    today: NaiveDate,
    m: &Published,
    actor: Actor,
    when: DateTime<Utc>,
) -> CaseUpdate {
    let calendar = Calendar::official();
    let ctx = Context {
        today,
        matter: &m.matter,
        calendar: &calendar,
    };
    let (case, effects) = rec
        .case
        .apply(&action, ctx)
        .unwrap_or_else(|e| panic!("fixture action {} refused: {e}", action.name()));
    CaseUpdate {
        id: rec.id,
        expected_version: rec.version,
        action: action.name().into(),
        payload: serde_json::to_value(&action).unwrap(),
        clock: clock_of(&case, today),
        case,
        effects,
        actor,
        at: when,
    }
}

/// Reads the case, applies `action` and stores the change; panics if refused.
async fn act(
    s: &dyn Store,
    id: i64,
    action: Action,
    d: u32,
    m: &Published,
    actor: Actor,
) -> CaseRecord {
    let rec = s.case(id).await.unwrap();
    let update = change(&rec, action, day(d), m, actor, at(d, 10));
    s.update_case(&update).await.unwrap()
}

fn accept() -> Action {
    Action::Accept {
        commitments: vec![],
    }
}

fn complete(step: usize) -> Action {
    Action::CompleteStep {
        step,
        opinion: "同意".into(),
    }
}

fn filter() -> CaseFilter {
    CaseFilter {
        limit: Some(500),
        ..CaseFilter::default()
    }
}

async fn ids(s: &dyn Store, f: CaseFilter) -> Vec<i64> {
    let found = s.list_cases(&f).await.unwrap();
    found.iter().map(|c| c.id).collect()
}

async fn inbox(s: &dyn Store, unit: &str) -> Vec<i64> {
    let found = s.inbox(unit, 100, 0).await.unwrap();
    found.iter().map(|c| c.id).collect()
}

async fn head_seq(s: &dyn Store) -> i64 {
    s.audit_head().await.unwrap().map_or(0, |(seq, _)| seq)
}

/// A store answer in brief: the case version written, or the error.
fn outcome(r: &Result<CaseRecord, StoreError>) -> Result<i64, String> {
    r.as_ref().map(|c| c.version).map_err(|e| format!("{e:?}"))
}

async fn all_audit(s: &dyn Store) -> Vec<AuditRecord> {
    s.audit_records(0, 1_000_000).await.unwrap()
}

/// Another session that holds the writers back for a moment: on PostgreSQL it
/// locks the audit head (which every change updates last), on SQLite it takes
/// the write lock. Store calls started meanwhile pile up and then really
/// race, instead of one finishing before the other has begun.
enum Gate {
    Sqlite(rusqlite::Connection),
    Postgres(
        tokio_postgres::Client,
        tokio::task::JoinHandle<Result<(), tokio_postgres::Error>>,
    ),
}

impl Gate {
    async fn shut(db: &TestDb) -> Gate {
        if db.store.backend() == "sqlite" {
            let conn = rusqlite::Connection::open(&db.url).unwrap();
            conn.execute_batch("BEGIN IMMEDIATE").unwrap();
            Gate::Sqlite(conn)
        } else {
            let (client, conn) = tokio_postgres::connect(&db.url, tokio_postgres::NoTls)
                .await
                .unwrap();
            let task = tokio::spawn(conn);
            client
                .batch_execute("BEGIN; SELECT 1 FROM audit_head WHERE id = 1 FOR UPDATE;")
                .await
                .unwrap();
            Gate::Postgres(client, task)
        }
    }

    async fn open_soon(self) {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        match self {
            Gate::Sqlite(conn) => conn.execute_batch("COMMIT").unwrap(),
            Gate::Postgres(client, task) => {
                client.batch_execute("COMMIT").await.unwrap();
                drop(client);
                task.await.unwrap().unwrap();
            }
        }
    }
}

/// Runs `calls` concurrently while a [`Gate`] holds them back for a moment.
async fn race<T>(db: &TestDb, calls: impl std::future::Future<Output = T>) -> T {
    let gate = Gate::shut(db).await;
    let (out, ()) = tokio::join!(calls, gate.open_soon());
    out
}

/// A second handle on the same database, as a second server process would have.
async fn second_process(db: &TestDb) -> std::sync::Arc<dyn Store> {
    let other = store::open(&db.url, at(1, 0)).await.unwrap();
    other.units().await.unwrap();
    other
}

// ───────────────────────────── 1. create ─────────────────────────────

#[tokio::test]
async fn a_new_case_gets_a_receipt_number_and_a_retried_submission_makes_no_second_case() {
    for db in testing::all().await {
        let s = &*db.store;
        let b = s.backend();
        let m = matter(s, PARALLEL).await;
        let opened = Case::open(Channel::Online, applicant(1), &m.matter, m.version, day(2));
        let zhangwei = Actor {
            username: "zhangwei".into(),
            unit: "qx".into(),
        };
        let submit = |case: &Case, actor: &Actor, key: &str| NewCase {
            case: case.clone(),
            clock: clock_of(case, day(2)),
            intake_unit: "zgb".into(),
            applicant_user: Some(actor.username.clone()),
            idempotency_key: Some(key.into()),
            visit_outcome: None,
            actor: actor.clone(),
            at: at(2, 9),
        };
        let head_before = head_seq(s).await;

        let (rec, created) = s
            .create_case(&submit(&opened, &zhangwei, "form-7f3a"))
            .await
            .unwrap();

        assert!(created, "{b}: a first submission creates a case");
        assert_eq!(
            rec.receipt_no,
            format!("QX20260302{:08}", rec.id),
            "{b}: the receipt number is QX, the submission date and the id in 8 digits"
        );
        assert_eq!(rec.receipt_no, store::receipt_number(day(2), rec.id), "{b}");
        assert_eq!(rec.version, 1, "{b}: a new case is version 1");
        assert_eq!(rec.case, opened, "{b}: the case is stored as opened");
        assert_eq!(rec.intake_unit, "zgb", "{b}");
        assert_eq!(rec.applicant_user.as_deref(), Some("zhangwei"), "{b}");
        assert_eq!(
            rec.clock,
            ClockIndex::default(),
            "{b}: no clock runs before acceptance"
        );
        assert_eq!(
            (rec.created_at, rec.updated_at),
            (at(2, 9), at(2, 9)),
            "{b}"
        );
        let events = s.case_events(rec.id).await.unwrap();
        assert_eq!(events.len(), 1, "{b}: the timeline starts with one entry");
        let e = &events[0];
        assert_eq!(
            (
                e.seq,
                e.action.as_str(),
                e.from_state.as_deref(),
                e.to_state.as_str()
            ),
            (1, "open", None, "submitted"),
            "{b}: the first timeline entry is the opening"
        );
        assert_eq!(
            (e.actor.as_str(), e.actor_unit.as_str(), e.at),
            ("zhangwei", "qx", at(2, 9)),
            "{b}: the opening is attributed"
        );
        assert_eq!(s.case(rec.id).await.unwrap(), rec, "{b}: found by id");
        assert_eq!(
            s.case_by_receipt(&rec.receipt_no).await.unwrap(),
            rec,
            "{b}: found by the receipt number printed on the notice"
        );
        assert!(
            matches!(
                s.case_by_receipt("QX2026030299999999").await,
                Err(StoreError::NotFound(_))
            ),
            "{b}: an unknown receipt number is not found"
        );
        assert!(
            matches!(s.case(rec.id + 1000).await, Err(StoreError::NotFound(_))),
            "{b}: an unknown id is not found"
        );
        assert_eq!(
            head_seq(s).await,
            head_before + 1,
            "{b}: opening a case is audited"
        );

        // The browser retries the same form (same key, same user), even with edits.
        let count = ids(s, filter()).await.len();
        let head = s.audit_head().await.unwrap();
        let edited = Case::open(Channel::Online, applicant(3), &m.matter, m.version, day(2));
        let (again, created_again) = s
            .create_case(&submit(&edited, &zhangwei, "form-7f3a"))
            .await
            .unwrap();
        assert!(!created_again, "{b}: a retried submission is a replay");
        assert_eq!(
            again, rec,
            "{b}: the replay returns the first case unchanged"
        );
        assert_eq!(
            ids(s, filter()).await.len(),
            count,
            "{b}: a replay creates no case"
        );
        assert_eq!(
            s.case_events(rec.id).await.unwrap().len(),
            1,
            "{b}: a replay adds no timeline entry"
        );
        assert_eq!(
            s.audit_head().await.unwrap(),
            head,
            "{b}: a replay writes no audit record"
        );

        // Another applicant happens to send the same key: theirs is a separate case.
        let wangfang = Actor {
            username: "wangfang".into(),
            unit: "qx".into(),
        };
        let theirs_opened = Case::open(Channel::Online, applicant(2), &m.matter, m.version, day(2));
        let (theirs, created) = s
            .create_case(&submit(&theirs_opened, &wangfang, "form-7f3a"))
            .await
            .unwrap();
        assert!(created, "{b}: the same key from another user is a new case");
        assert_ne!(theirs.id, rec.id, "{b}");
        assert_ne!(
            theirs.receipt_no, rec.receipt_no,
            "{b}: receipt numbers are unique"
        );
        assert_eq!(
            theirs.case, theirs_opened,
            "{b}: it holds their application"
        );
        assert_eq!(
            ids(s, filter()).await.len(),
            count + 1,
            "{b}: exactly one case was added"
        );
    }
}

#[tokio::test]
async fn a_double_click_sending_one_key_twice_at_once_makes_one_case() {
    for db in testing::all().await {
        let s = &*db.store;
        let b = s.backend();
        let m = matter(s, PARALLEL).await;
        let count = ids(s, filter()).await.len();
        let submit = NewCase {
            idempotency_key: Some("double-click".into()),
            visit_outcome: None,
            ..new_case(
                window_case(&m, 1, 2),
                ClockIndex::default(),
                "zgb",
                at(2, 9),
            )
        };

        let other = second_process(&db).await;

        let (first, second) = race(&db, async {
            tokio::join!(s.create_case(&submit), other.create_case(&submit))
        })
        .await;

        let (first, second) = match (first, second) {
            (Ok(first), Ok(second)) => (first, second),
            (first, second) => panic!(
                "{b}: both requests of a double click succeed: {:?} / {:?}",
                first.map(|r| r.1),
                second.map(|r| r.1)
            ),
        };
        assert_eq!(
            first.0.id, second.0.id,
            "{b}: both requests answer with the same case"
        );
        assert_eq!(
            [first.1, second.1]
                .iter()
                .filter(|created| **created)
                .count(),
            1,
            "{b}: exactly one of them created it"
        );
        assert_eq!(
            ids(s, filter()).await.len(),
            count + 1,
            "{b}: one case in the list"
        );
    }
}

// ───────────────────────────── 2. update ─────────────────────────────

#[tokio::test]
async fn an_update_from_the_current_version_lands_and_a_stale_one_changes_nothing() {
    for db in testing::all().await {
        let s = &*db.store;
        let b = s.backend();
        let m = matter(s, PARALLEL).await;
        let opened = open(s, &m, 1, 2).await;
        let update = change(&opened, accept(), day(2), &m, clerk(), at(2, 10));

        let accepted = s.update_case(&update).await.unwrap();

        assert_eq!(accepted.version, 2, "{b}: the version is bumped");
        assert_eq!(accepted.case, update.case, "{b}: the new case is stored");
        assert_eq!(accepted.case.state, CaseState::InReview, "{b}");
        assert_eq!(
            (accepted.created_at, accepted.updated_at),
            (at(2, 9), at(2, 10)),
            "{b}: updated_at moves, created_at does not"
        );
        // Accepted Monday 2 March: promised 3 working days → Thursday 5 March,
        // 预警 from Wednesday 4 March; statutory 20 working days → Monday 30 March.
        assert_eq!(
            accepted.clock,
            ClockIndex {
                deadline: Some(day(5)),
                warn_from: Some(day(4)),
                statutory_deadline: Some(day(30)),
                concluded_late: false,
                supplement_by: None,
            },
            "{b}: the clock columns are stored as computed"
        );
        assert_eq!(accepted.clock, update.clock, "{b}");
        let events = s.case_events(opened.id).await.unwrap();
        assert_eq!(
            events.len(),
            2,
            "{b}: the change appends one timeline entry"
        );
        let e = &events[1];
        assert_eq!(
            (
                e.seq,
                e.action.as_str(),
                e.from_state.as_deref(),
                e.to_state.as_str()
            ),
            (2, "accept", Some("submitted"), "in_review"),
            "{b}: the timeline shows the transition"
        );
        assert_eq!(
            (e.actor.as_str(), e.actor_unit.as_str(), e.at),
            ("clerk", "zgb", at(2, 10)),
            "{b}: the change is attributed"
        );
        assert_eq!(
            e.payload, update.payload,
            "{b}: the action is kept as given"
        );
        assert_eq!(e.effects, update.effects, "{b}: the effects are kept");
        assert!(e.effects.contains(&Effect::ClockStarted), "{b}");
        let audit: Vec<AuditRecord> = all_audit(s)
            .await
            .into_iter()
            .filter(|r| r.entity == "case" && r.entity_id == opened.receipt_no)
            .collect();
        assert_eq!(audit.len(), 2, "{b}: open and accept");
        assert_eq!(
            audit[1].before, audit[0].after,
            "{b}: the accept's before is the body as the open stored it"
        );
        let after: domain::case::Case =
            serde_json::from_str(audit[1].after.as_deref().unwrap_or_default()).unwrap();
        assert_eq!(after, update.case, "{b}: its after is the body now stored");

        // A clerk who loaded the page before the acceptance sends a one-time notice.
        let head = s.audit_head().await.unwrap();
        let stale = change(
            &opened,
            Action::NotifyOnce {
                missing: vec!["施工组织及交通疏导方案".into()],
                note: String::new(),
            },
            day(2),
            &m,
            clerk(),
            at(2, 11),
        );
        let refused = s.update_case(&stale).await;
        assert!(
            matches!(refused, Err(StoreError::Conflict(_))),
            "{b}: a change computed from version 1 is refused, got {refused:?}"
        );
        assert_eq!(
            s.case(opened.id).await.unwrap(),
            accepted,
            "{b}: the refused change wrote nothing to the case"
        );
        assert_eq!(
            s.case_events(opened.id).await.unwrap(),
            events,
            "{b}: nor to the timeline"
        );
        assert_eq!(
            s.audit_head().await.unwrap(),
            head,
            "{b}: nor to the audit log"
        );
        assert!(
            inbox(s, "zrj").await.contains(&opened.id),
            "{b}: nor to the inboxes"
        );
        let ahead = CaseUpdate {
            expected_version: 7,
            ..stale.clone()
        };
        assert!(
            matches!(s.update_case(&ahead).await, Err(StoreError::Conflict(_))),
            "{b}: a version the case never had is a conflict too"
        );
        let nowhere = CaseUpdate {
            id: opened.id + 1000,
            ..stale
        };
        assert!(
            matches!(s.update_case(&nowhere).await, Err(StoreError::NotFound(_))),
            "{b}: changing an unknown case says so"
        );
    }
}

#[tokio::test]
async fn of_two_concurrent_changes_from_one_read_exactly_one_wins_and_nothing_is_lost() {
    for db in testing::all().await {
        let s = &*db.store;
        let b = s.backend();
        let m = matter(s, PARALLEL).await;
        let opened = open(s, &m, 1, 2).await;
        let read = act(s, opened.id, accept(), 2, &m, clerk()).await;
        let head = head_seq(s).await;
        // Two reviewers, served by two processes, complete their parallel
        // steps off the same page load.
        let by_zrj = change(&read, complete(0), day(3), &m, reviewer("zrj"), at(3, 9));
        let by_zjj = change(&read, complete(1), day(3), &m, reviewer("zjj"), at(3, 10));

        let other = second_process(&db).await;

        let (first, second) = race(&db, async {
            tokio::join!(s.update_case(&by_zrj), other.update_case(&by_zjj))
        })
        .await;

        let (winner, loser, loser_action) = match (&first, &second) {
            (Ok(_), Err(StoreError::Conflict(_))) => (&by_zrj, &by_zjj, complete(1)),
            (Err(StoreError::Conflict(_)), Ok(_)) => (&by_zjj, &by_zrj, complete(0)),
            _ => panic!(
                "{b}: exactly one of two concurrent changes must land and the other be told to \
                 refresh; got {:?} / {:?}",
                outcome(&first),
                outcome(&second)
            ),
        };
        let now = s.case(read.id).await.unwrap();
        assert_eq!(now.version, 3, "{b}: one change, one version bump");
        assert_eq!(
            now.case, winner.case,
            "{b}: the case is exactly the winner's"
        );
        assert_eq!(
            now.clock, winner.clock,
            "{b}: with the winner's clock columns"
        );
        let events = s.case_events(read.id).await.unwrap();
        assert_eq!(
            events.len(),
            3,
            "{b}: one timeline entry for the winner only"
        );
        assert_eq!(
            events[2].actor, winner.actor.username,
            "{b}: the entry is the winner's"
        );
        assert_eq!(
            head_seq(s).await,
            head + 1,
            "{b}: one audit record for the winner only"
        );

        // The loser reloads and completes their step: both steps end up done.
        let retried = act(s, read.id, loser_action, 3, &m, loser.actor.clone()).await;
        let done: Vec<bool> = retried.case.steps[..2]
            .iter()
            .map(|st| st.done_on.is_some())
            .collect();
        assert_eq!(
            done,
            [true, true],
            "{b}: after a refresh the loser's work lands beside the winner's"
        );
        assert_eq!(retried.version, 4, "{b}");
        let report = s.verify_audit().await.unwrap();
        assert_eq!(report.first_bad, None, "{b}: the audit chain holds");
    }
}

#[tokio::test]
async fn concurrent_changes_to_different_cases_all_land_and_keep_one_audit_chain() {
    for db in testing::all().await {
        let s = &*db.store;
        let b = s.backend();
        let m = matter(s, PARALLEL).await;
        let one = open(s, &m, 1, 2).await;
        let two = open(s, &m, 2, 2).await;
        let head = head_seq(s).await;
        let accept_one = change(&one, accept(), day(2), &m, clerk(), at(2, 10));
        let accept_two = change(&two, accept(), day(2), &m, clerk(), at(2, 10));
        let three = new_case(
            window_case(&m, 3, 2),
            ClockIndex::default(),
            "zgb",
            at(2, 10),
        );
        let four = new_case(
            window_case(&m, 4, 2),
            ClockIndex::default(),
            "zgb",
            at(2, 10),
        );

        let other = second_process(&db).await;

        let (a, b2, c, d) = race(&db, async {
            tokio::join!(
                s.update_case(&accept_one),
                other.update_case(&accept_two),
                s.create_case(&three),
                other.create_case(&four),
            )
        })
        .await;

        let outcomes = [
            outcome(&a),
            outcome(&b2),
            outcome(&c.map(|r| r.0)),
            outcome(&d.map(|r| r.0)),
        ];
        assert!(
            outcomes.iter().all(Result::is_ok),
            "{b}: changes to different cases never conflict: {outcomes:?}"
        );
        assert_eq!(
            head_seq(s).await,
            head + 4,
            "{b}: each change is audited once"
        );
        let report = s.verify_audit().await.unwrap();
        assert_eq!(
            report.first_bad, None,
            "{b}: concurrent appends keep the audit chain whole"
        );
    }
}

// ───────────────────────────── 3. inbox ─────────────────────────────

#[tokio::test]
async fn parallel_steps_put_a_case_in_every_holding_units_inbox_soonest_deadline_first() {
    for db in testing::all().await {
        let s = &*db.store;
        let b = s.backend();
        let m = matter(s, PARALLEL).await;
        let mut stored = Vec::new();
        for (n, deadline) in [(1, 20), (2, 10), (3, 16)] {
            let case = run(window_case(&m, n, 2), &[accept()], day(2), &m);
            let clock = ClockIndex {
                deadline: Some(day(deadline)),
                warn_from: Some(day(deadline - 1)),
                ..clock_of(&case, day(2))
            };
            stored.push(store_case(s, case, clock, "zgb").await.id);
        }
        let [late, soon, middle]: [i64; 3] = stored.try_into().unwrap();
        let waiting = open(s, &m, 4, 2).await.id;

        for unit in STEP_UNITS {
            assert_eq!(
                inbox(s, unit).await,
                [soon, middle, late],
                "{b}: {unit} holds a parallel step of each accepted case, soonest deadline first"
            );
        }
        assert!(
            inbox(s, "scjg").await.is_empty(),
            "{b}: a unit with no step sees none of them"
        );
        assert!(
            !inbox(s, "zjj").await.contains(&waiting),
            "{b}: a case not yet accepted is in no department's inbox"
        );
        let page = s.inbox("zrj", 1, 1).await.unwrap();
        assert_eq!(
            page.iter().map(|c| c.id).collect::<Vec<_>>(),
            [middle],
            "{b}: the inbox pages"
        );
        assert_eq!(
            page[0],
            s.case(middle).await.unwrap(),
            "{b}: the inbox shows the case as stored"
        );

        act(s, soon, complete(0), 3, &m, reviewer("zrj")).await;

        assert_eq!(
            inbox(s, "zrj").await,
            [middle, late],
            "{b}: the step done, the case leaves zrj's inbox"
        );
        for unit in &STEP_UNITS[1..] {
            assert_eq!(
                inbox(s, unit).await,
                [soon, middle, late],
                "{b}: {unit}'s step is still open, so the case stays in its inbox"
            );
        }
    }
}

#[tokio::test]
async fn a_case_whose_steps_are_all_done_waits_for_its_decision_in_the_responsible_units_inbox() {
    for db in testing::all().await {
        let s = &*db.store;
        let b = s.backend();
        let m = matter(s, PARALLEL).await;
        let id = open(s, &m, 1, 2).await.id;
        act(s, id, accept(), 2, &m, clerk()).await;

        for (step, unit) in STEP_UNITS.iter().enumerate() {
            act(s, id, complete(step), 3, &m, reviewer(unit)).await;
        }

        let rec = s.case(id).await.unwrap();
        assert_eq!(
            rec.case.state,
            CaseState::InReview,
            "{b}: awaiting the decision"
        );
        assert!(
            !inbox(s, "zrj").await.contains(&id),
            "{b}: a unit whose step is done no longer holds the case"
        );
        assert!(
            inbox(s, "zjj").await.contains(&id),
            "{b}: with every step done the case must be in the responsible unit's (zjj) inbox \
             for 准予/不予许可; it is in no inbox at all (holders {:?})",
            rec.case.holders()
        );
    }
}

// ───────────────────────────── 4. lists and SLA ─────────────────────────────

/// The cases of the list test, by what they show as of Monday 16 March.
struct Board {
    overdue: i64,
    warning: i64,
    normal: i64,
    suspended: i64,
    waiting: i64,
    /// scjg's case, presented at the 翠屏 street hall by applicant 2; 正常.
    other: i64,
    /// Issued on time long ago; its deadline is past but it is concluded.
    concluded: i64,
}

async fn board(s: &dyn Store) -> Board {
    let m = matter(s, PARALLEL).await;
    let single = matter(s, SINGLE).await;
    let running = |n: u32, deadline: u32| {
        let case = run(window_case(&m, n, 2), &[accept()], day(2), &m);
        let clock = ClockIndex {
            deadline: Some(day(deadline)),
            warn_from: Some(day(deadline - 1)),
            statutory_deadline: Some(day(30)),
            ..ClockIndex::default()
        };
        (case, clock)
    };
    let (c, k) = running(1, 13);
    let overdue = store_case(s, c, k, "zgb").await.id;
    let (c, k) = running(3, 17);
    let warning = store_case(s, c, k, "zgb").await.id;
    let (c, k) = running(4, 27);
    let normal = store_case(s, c, k, "zgb").await.id;
    let expert_review = Action::Suspend {
        kind: SuspensionKind::ExpertReview,
        reason: "组织专家评审管线路由".into(),
    };
    let c = run(
        window_case(&m, 5, 2),
        &[accept(), expert_review],
        day(2),
        &m,
    );
    // The clock is stopped: no deadline while suspended.
    let suspended = store_case(s, c, ClockIndex::default(), "zgb").await.id;
    let waiting = open(s, &m, 6, 2).await.id;
    let c = run(window_case(&single, 2, 2), &[accept()], day(2), &single);
    let k = ClockIndex {
        deadline: Some(day(20)),
        warn_from: Some(day(19)),
        ..ClockIndex::default()
    };
    let other = store_case(s, c, k, "cuiping").await.id;
    let issue = Action::Issue {
        result: CaseResult::Electronic {
            number: "91370686MA00000001".into(),
            licence: "电子营业执照".into(),
        },
    };
    let approve = Action::Decide {
        approve: true,
        reason: String::new(),
    };
    let c = run(
        window_case(&single, 7, 2),
        &[accept(), complete(0), approve, issue],
        day(2),
        &single,
    );
    let k = ClockIndex {
        deadline: Some(day(3)),
        warn_from: Some(day(2)),
        ..ClockIndex::default()
    };
    let concluded = store_case(s, c, k, "zgb").await.id;
    Board {
        overdue,
        warning,
        normal,
        suspended,
        waiting,
        other,
        concluded,
    }
}

#[tokio::test]
async fn cases_are_listed_by_deadline_and_filtered_by_each_criterion() {
    for db in testing::all().await {
        let s = &*db.store;
        let b = s.backend();
        let c = board(s).await;
        let f = filter;

        assert_eq!(
            ids(s, f()).await,
            [
                c.concluded,
                c.overdue,
                c.warning,
                c.other,
                c.normal,
                c.suspended,
                c.waiting
            ],
            "{b}: soonest deadline first, undated last by id"
        );
        let by_state = |state| CaseFilter {
            state: Some(state),
            ..f()
        };
        assert_eq!(
            ids(s, by_state(CaseState::InReview)).await,
            [c.overdue, c.warning, c.other, c.normal],
            "{b}: by state"
        );
        assert_eq!(
            ids(s, by_state(CaseState::Suspended)).await,
            [c.suspended],
            "{b}"
        );
        assert_eq!(
            ids(s, by_state(CaseState::Submitted)).await,
            [c.waiting],
            "{b}"
        );
        assert_eq!(
            ids(s, by_state(CaseState::Issued)).await,
            [c.concluded],
            "{b}"
        );
        let by_unit = |unit: &str| CaseFilter {
            unit: Some(unit.into()),
            ..f()
        };
        assert_eq!(
            ids(s, by_unit("zjj")).await,
            [c.overdue, c.warning, c.normal, c.suspended, c.waiting],
            "{b}: by responsible unit"
        );
        assert_eq!(ids(s, by_unit("scjg")).await, [c.concluded, c.other], "{b}");
        assert_eq!(
            ids(
                s,
                CaseFilter {
                    intake_unit: Some("cuiping".into()),
                    ..f()
                }
            )
            .await,
            [c.other],
            "{b}: a street hall sees the cases presented there"
        );
        assert_eq!(
            ids(
                s,
                CaseFilter {
                    applicant_id: Some(id_number(2).as_str().into()),
                    ..f()
                }
            )
            .await,
            [c.other],
            "{b}: by applicant"
        );
        let between = |from: Option<u32>, to: Option<u32>| CaseFilter {
            deadline_from: from.map(day),
            deadline_to: to.map(day),
            ..f()
        };
        assert_eq!(
            ids(s, between(Some(14), Some(20))).await,
            [c.warning, c.other],
            "{b}: deadline within a range, both ends included"
        );
        assert_eq!(
            ids(s, between(Some(20), None)).await,
            [c.other, c.normal],
            "{b}: deadline from"
        );
        assert_eq!(
            ids(s, between(None, Some(13))).await,
            [c.concluded, c.overdue],
            "{b}: deadline up to"
        );
        assert_eq!(
            ids(
                s,
                CaseFilter {
                    unit: Some("zjj".into()),
                    deadline_to: Some(day(17)),
                    ..f()
                }
            )
            .await,
            [c.overdue, c.warning],
            "{b}: criteria combine"
        );
        assert_eq!(
            ids(
                s,
                CaseFilter {
                    limit: Some(2),
                    offset: Some(1),
                    ..CaseFilter::default()
                }
            )
            .await,
            [c.overdue, c.warning],
            "{b}: the list pages"
        );
    }
}

#[tokio::test]
async fn sla_filters_and_counts_judge_running_cases_as_of_the_given_day() {
    for db in testing::all().await {
        let s = &*db.store;
        let b = s.backend();
        let c = board(s).await;
        let sla = |status, today: u32, unit: Option<&str>| CaseFilter {
            sla: Some(status),
            today: Some(day(today)),
            unit: unit.map(str::to_owned),
            ..filter()
        };

        assert_eq!(
            ids(s, sla(SlaStatus::Overdue, 16, None)).await,
            [c.overdue],
            "{b}: 超期 as of 16 March: past its deadline, not concluded"
        );
        assert_eq!(
            ids(s, sla(SlaStatus::Warning, 16, None)).await,
            [c.warning],
            "{b}: 预警 as of 16 March"
        );
        assert_eq!(
            ids(s, sla(SlaStatus::Normal, 16, None)).await,
            [c.other, c.normal],
            "{b}: 正常 as of 16 March; suspended and unaccepted cases have no status"
        );
        assert_eq!(
            ids(s, sla(SlaStatus::Warning, 17, None)).await,
            [c.warning],
            "{b}: on its deadline day a case is still 预警, not 超期"
        );
        assert_eq!(
            ids(s, sla(SlaStatus::Overdue, 18, None)).await,
            [c.overdue, c.warning],
            "{b}: the day after its deadline it is 超期"
        );
        assert!(
            ids(s, sla(SlaStatus::Overdue, 16, Some("scjg")))
                .await
                .is_empty(),
            "{b}: SLA and unit combine; a concluded case is never 超期"
        );
        let no_day = CaseFilter {
            sla: Some(SlaStatus::Overdue),
            ..filter()
        };
        assert!(
            matches!(s.list_cases(&no_day).await, Err(StoreError::Invalid(_))),
            "{b}: an SLA filter without a day is refused"
        );

        assert_eq!(
            s.sla_counts(day(16), None).await.unwrap(),
            SlaCounts {
                normal: 2,
                warning: 1,
                overdue: 1,
                paused: 1
            },
            "{b}: county-wide counts as of 16 March"
        );
        assert_eq!(
            s.sla_counts(day(16), Some("zjj")).await.unwrap(),
            SlaCounts {
                normal: 1,
                warning: 1,
                overdue: 1,
                paused: 1
            },
            "{b}: zjj's counts"
        );
        assert_eq!(
            s.sla_counts(day(16), Some("scjg")).await.unwrap(),
            SlaCounts {
                normal: 1,
                ..SlaCounts::default()
            },
            "{b}: scjg's counts leave its concluded case out"
        );
        assert_eq!(
            s.sla_counts(day(18), None).await.unwrap(),
            SlaCounts {
                normal: 2,
                warning: 0,
                overdue: 2,
                paused: 1
            },
            "{b}: counts move with the day asked about"
        );
    }
}

#[tokio::test]
async fn the_stored_sla_status_agrees_with_the_domain_clock_every_day() {
    for db in testing::all().await {
        let s = &*db.store;
        let b = s.backend();
        let m = matter(s, PARALLEL).await;
        let id = open(s, &m, 1, 2).await.id;
        let rec = act(s, id, accept(), 2, &m, clerk()).await;
        let calendar = Calendar::official();

        for d in 2..=12 {
            let expected = rec
                .case
                .promised_clock(day(d), &calendar, WarningRule::default())
                .expect("accepted")
                .status;
            let mut shown = Vec::new();
            for status in [SlaStatus::Normal, SlaStatus::Warning, SlaStatus::Overdue] {
                let f = CaseFilter {
                    sla: Some(status),
                    today: Some(day(d)),
                    ..filter()
                };
                if ids(s, f).await.contains(&id) {
                    shown.push(status);
                }
            }
            assert_eq!(
                shown,
                [expected],
                "{b}: on 2026-03-{d:02} the list shows the status the case page shows"
            );
            let counts = s.sla_counts(day(d), None).await.unwrap();
            let counted = match expected {
                SlaStatus::Normal => counts.normal,
                SlaStatus::Warning => counts.warning,
                SlaStatus::Overdue => counts.overdue,
            };
            assert_eq!(
                (counts.normal + counts.warning + counts.overdue, counted),
                (1, 1),
                "{b}: on 2026-03-{d:02} the count agrees too"
            );
        }
    }
}

/// The SLA counts as the lists see them: the cases each SLA filter lists,
/// and the suspended cases, for one unit or all.
async fn counted_by_lists(s: &dyn Store, d: u32, unit: Option<&str>) -> SlaCounts {
    let listed = |status| CaseFilter {
        sla: Some(status),
        today: Some(day(d)),
        unit: unit.map(str::to_owned),
        ..filter()
    };
    let len = |v: Vec<i64>| i64::try_from(v.len()).unwrap();
    SlaCounts {
        normal: len(ids(s, listed(SlaStatus::Normal)).await),
        warning: len(ids(s, listed(SlaStatus::Warning)).await),
        overdue: len(ids(s, listed(SlaStatus::Overdue)).await),
        paused: len(ids(
            s,
            CaseFilter {
                state: Some(CaseState::Suspended),
                unit: unit.map(str::to_owned),
                ..filter()
            },
        )
        .await),
    }
}

#[tokio::test]
async fn sla_counts_follow_every_kind_of_write_and_agree_with_the_lists() {
    for db in testing::all().await {
        let s = &*db.store;
        let b = s.backend();
        let m = matter(s, PARALLEL).await;
        let single = matter(s, SINGLE).await;
        let agree = |when: &'static str| async move {
            for d in [2, 4, 6, 9, 30] {
                for unit in [None, Some("zjj"), Some("scjg")] {
                    assert_eq!(
                        s.sla_counts(day(d), unit).await.unwrap(),
                        counted_by_lists(s, d, unit).await,
                        "{b}: {when}: the counts on 2026-03-{d:02} for {unit:?} are what the lists show"
                    );
                }
            }
        };
        // Bulk: running, waiting, suspended and concluded cases at once.
        let expert_review = Action::Suspend {
            kind: SuspensionKind::ExpertReview,
            reason: "组织专家评审管线路由".into(),
        };
        let issued = &[
            accept(),
            complete(0),
            Action::Decide {
                approve: true,
                reason: String::new(),
            },
            Action::Issue {
                result: CaseResult::Electronic {
                    number: "91370686MA00000001".into(),
                    licence: "电子营业执照".into(),
                },
            },
        ];
        let cases = [
            run(window_case(&m, 1, 2), &[accept()], day(2), &m),
            run(window_case(&m, 2, 3), &[accept()], day(3), &m),
            window_case(&m, 3, 2),
            run(
                window_case(&m, 4, 2),
                &[accept(), expert_review.clone()],
                day(2),
                &m,
            ),
            run(window_case(&single, 5, 2), issued, day(2), &single),
            run(window_case(&single, 6, 2), &[accept()], day(2), &single),
        ];
        let batch = cases
            .into_iter()
            .map(|c| {
                let k = clock_of(&c, day(3));
                new_case(c, k, "zgb", at(3, 9))
            })
            .collect();
        let loaded = s.bulk_load_cases(batch, &clerk(), at(3, 9)).await.unwrap();
        agree("after a bulk load").await;
        assert_ne!(
            s.sla_counts(day(4), None).await.unwrap(),
            SlaCounts::default(),
            "{b}: the bulk-loaded cases are counted"
        );

        // One by one: create, accept, suspend, resume, conclude.
        let created = open(s, &m, 7, 4).await.id;
        act(s, created, accept(), 4, &m, clerk()).await;
        agree("after a create and an accept").await;
        act(s, loaded[2], accept(), 5, &m, clerk()).await;
        act(s, loaded[0], expert_review, 5, &m, reviewer("zjj")).await;
        agree("after a suspension").await;
        act(s, loaded[3], Action::Resume, 6, &m, reviewer("zjj")).await;
        agree("after a resumption").await;
        let rec = s.case(loaded[5]).await.unwrap();
        let mut rec = rec;
        for a in issued.iter().skip(1) {
            let u = change(
                &rec,
                a.clone(),
                day(6),
                &single,
                reviewer("scjg"),
                at(6, 10),
            );
            rec = s.update_case(&u).await.unwrap();
        }
        agree("after a case is concluded").await;
        assert_eq!(
            s.sla_counts(day(6), Some("scjg")).await.unwrap(),
            SlaCounts::default(),
            "{b}: scjg has nothing running once its case is issued"
        );
    }
}

// ───────────────────────────── 5. 容缺 ─────────────────────────────

#[tokio::test]
async fn overdue_supplements_are_found_and_a_broken_commitment_is_recorded() {
    for db in testing::all().await {
        let s = &*db.store;
        let b = s.backend();
        let m = matter(s, PARALLEL).await;
        let with_deficiency = |by: u32| Action::AcceptWithDeficiency {
            missing: vec![NON_CORE.into()],
            supplement_by: day(by),
            commitments: vec![],
        };
        let owing = open(s, &m, 1, 2).await.id;
        let owing_rec = act(s, owing, with_deficiency(4), 2, &m, clerk()).await;
        let kept = open(s, &m, 2, 2).await.id;
        act(s, kept, with_deficiency(5), 2, &m, clerk()).await;
        let supplement = Action::Supplement {
            materials: vec![NON_CORE.into()],
        };
        act(s, kept, supplement, 3, &m, clerk()).await;
        let plain = open(s, &m, 3, 2).await.id;
        act(s, plain, accept(), 2, &m, clerk()).await;
        assert_eq!(
            owing_rec.clock.supplement_by,
            Some(day(4)),
            "{b}: the date owed is indexed"
        );

        assert!(
            s.overdue_supplements(day(4)).await.unwrap().is_empty(),
            "{b}: on its due date a supplement is not yet overdue"
        );
        assert_eq!(
            s.overdue_supplements(day(5)).await.unwrap(),
            [owing],
            "{b}: the day after, the owing case is found; the one supplied in time is not"
        );
        assert!(
            s.broken_commitments().await.unwrap().is_empty(),
            "{b}: no commitment is broken yet"
        );

        // A stale sweep (computed before some other change) records nothing.
        let before_flag = s.case(owing).await.unwrap();
        let flag = change(
            &before_flag,
            Action::FlagOverdueSupplement,
            day(5),
            &m,
            Actor::system(),
            at(5, 1),
        );
        let stale = CaseUpdate {
            expected_version: before_flag.version - 1,
            ..flag.clone()
        };
        assert!(
            matches!(s.update_case(&stale).await, Err(StoreError::Conflict(_))),
            "{b}"
        );
        assert!(
            s.broken_commitments().await.unwrap().is_empty(),
            "{b}: a refused change records no broken commitment"
        );

        let flagged = s.update_case(&flag).await.unwrap();

        assert!(
            flag.effects.contains(&Effect::BrokenCommitment {
                materials: vec![NON_CORE.into()],
                due: day(4)
            }),
            "{b}: fixture: the domain calls for a credit record"
        );
        let broken = s.broken_commitments().await.unwrap();
        assert_eq!(broken.len(), 1, "{b}: one credit record");
        assert_eq!(
            broken[0],
            store::BrokenCommitment {
                id: broken[0].id,
                case_id: owing,
                applicant_id: id_number(1).as_str().into(),
                materials: vec![NON_CORE.into()],
                due: day(4),
                recorded_at: at(5, 1),
            },
            "{b}: the broken commitment names the applicant, the materials and the due date"
        );
        assert_eq!(flagged.clock.supplement_by, None, "{b}");
        assert!(
            s.overdue_supplements(day(6)).await.unwrap().is_empty(),
            "{b}: once flagged, the sweep does not find it again"
        );
        let last = s.case_events(owing).await.unwrap().pop().unwrap();
        assert_eq!(
            (last.action.as_str(), last.actor.as_str(), last.effects),
            ("flag_overdue_supplement", "system", flag.effects),
            "{b}: the timeline shows the sweep and its effect"
        );
    }
}

// ───────────────────────────── 6. visits and tokens ─────────────────────────────

#[tokio::test]
async fn every_window_visit_is_recorded_and_listed_newest_first() {
    for db in testing::all().await {
        let s = &*db.store;
        let b = s.backend();
        let m = matter(s, PARALLEL).await;
        let case = open(s, &m, 1, 2).await.id;
        let visit = |hour: u32, unit: &str, outcome: &str, case_id: Option<i64>| Visit {
            at: at(2, hour),
            unit: unit.into(),
            clerk: "clerk".into(),
            applicant_id: id_number(hour).as_str().into(),
            matter_code: PARALLEL.into(),
            case_id,
            outcome: outcome.into(),
        };
        let first = visit(9, "zgb", "accept", Some(case));
        let second = visit(10, "zgb", "notify_once", None);
        let third = visit(11, "zgb", "consultation", None);
        let elsewhere = visit(12, "cuiping", "consultation", None);

        let mut visit_ids = Vec::new();
        for v in [&first, &second, &third, &elsewhere] {
            visit_ids.push(s.record_visit(v).await.unwrap());
        }

        assert!(
            visit_ids.windows(2).all(|w| w[0] < w[1]),
            "{b}: each visit gets a new id: {visit_ids:?}"
        );
        assert_eq!(
            s.visits("zgb", 10).await.unwrap(),
            [third.clone(), second.clone(), first],
            "{b}: a hall's visits, newest first, whatever their outcome"
        );
        assert_eq!(
            s.visits("zgb", 2).await.unwrap(),
            [third, second],
            "{b}: at most the number asked for"
        );
        assert_eq!(
            s.visits("cuiping", 10).await.unwrap(),
            [elsewhere],
            "{b}: each hall sees its own"
        );
        assert!(
            s.visits("guanli", 10).await.unwrap().is_empty(),
            "{b}: a hall with no visits has none"
        );
    }
}

#[tokio::test]
async fn an_api_token_hash_finds_its_user_and_nothing_else() {
    for db in testing::all().await {
        let s = &*db.store;
        let b = s.backend();

        s.put_api_token("approver.zjj", "sha256:aaaa", at(2, 9))
            .await
            .unwrap();

        let (user, kind) = s.user_by_token("sha256:aaaa").await.unwrap();
        assert_eq!(
            (user.username.as_str(), user.unit.as_str(), kind),
            ("approver.zjj", "zjj", domain::unit::UnitKind::Department),
            "{b}: the token acts as its user, for the user's unit, of that unit's kind"
        );
        assert!(
            matches!(
                s.user_by_token("sha256:bbbb").await,
                Err(StoreError::NotFound(_))
            ),
            "{b}: an unknown token hash is not found"
        );
        assert!(
            s.put_api_token("clerk", "sha256:aaaa", at(2, 10))
                .await
                .is_err(),
            "{b}: one token hash cannot belong to two users"
        );
        assert_eq!(
            s.user_by_token("sha256:aaaa").await.unwrap().0.username,
            "approver.zjj",
            "{b}: the refused token changed nothing"
        );
        assert!(
            s.put_api_token("nobody", "sha256:cccc", at(2, 10))
                .await
                .is_err(),
            "{b}: a token for an unknown user is refused"
        );
    }
}

// ───────────────────────────── 7. audit ─────────────────────────────

/// Some history on top of the seeded catalog: a matter edited by the admin,
/// and a case opened, accepted and reviewed. Returns the case's receipt number.
async fn history(s: &dyn Store) -> String {
    let single = matter(s, SINGLE).await;
    let edited = Matter {
        description: format!("{}（窗口电话 6212345）", single.matter.description),
        ..single.matter.clone()
    };
    let admin = Actor {
        username: "admin".into(),
        unit: "qx".into(),
    };
    s.put_matter(&edited, &admin, at(2, 8)).await.unwrap();
    let m = matter(s, PARALLEL).await;
    let rec = open(s, &m, 1, 2).await;
    act(s, rec.id, accept(), 2, &m, clerk()).await;
    act(s, rec.id, complete(0), 3, &m, reviewer("zrj")).await;
    act(s, rec.id, complete(1), 3, &m, reviewer("zjj")).await;
    rec.receipt_no
}

#[tokio::test]
async fn the_audit_log_records_every_change_and_verifies_whole() {
    for db in testing::all().await {
        let s = &*db.store;
        let b = s.backend();

        let receipt = history(s).await;

        let records = all_audit(s).await;
        let report = s.verify_audit().await.unwrap();
        assert_eq!(report.first_bad, None, "{b}: an untouched log verifies");
        assert_eq!(
            usize::try_from(report.checked).unwrap(),
            records.len(),
            "{b}: every record is checked"
        );
        assert_eq!(
            head_seq(s).await,
            records.last().unwrap().seq,
            "{b}: the head names the newest record"
        );
        let matter_edit = records
            .iter()
            .rfind(|r| r.entity == "matter" && r.entity_id == SINGLE)
            .expect("the matter edit is audited");
        assert_eq!(
            matter_edit.actor, "admin",
            "{b}: catalog edits are attributed"
        );
        let case_records: Vec<&AuditRecord> = records
            .iter()
            .filter(|r| r.entity == "case" && r.entity_id == receipt)
            .collect();
        assert_eq!(
            case_records
                .iter()
                .map(|r| (r.action.as_str(), r.actor.as_str()))
                .collect::<Vec<_>>(),
            [
                ("open", "clerk"),
                ("accept", "clerk"),
                ("complete_step", "approver.zrj"),
                ("complete_step", "approver.zjj")
            ],
            "{b}: each change to the case is audited, by whom, under its receipt number"
        );
        let as_case = |text: &Option<String>| -> Option<Case> {
            text.as_deref().map(|t| serde_json::from_str(t).unwrap())
        };
        assert_eq!(as_case(&case_records[0].before), None, "{b}");
        let accept_record = case_records[1];
        assert_eq!(
            as_case(&accept_record.before).map(|c| c.state),
            Some(CaseState::Submitted),
            "{b}: the record keeps the case before…"
        );
        assert_eq!(
            as_case(&accept_record.after).map(|c| c.state),
            Some(CaseState::InReview),
            "{b}: …and after the change"
        );
    }
}

/// Runs SQL on the database behind the store's back, as anyone with database
/// access could: first switching off the triggers that keep the log append-only.
async fn behind_the_store(db: &TestDb, sql: &str) {
    if db.store.backend() == "sqlite" {
        let conn = rusqlite::Connection::open(&db.url).unwrap();
        let refused = conn.execute("DELETE FROM audit_log WHERE seq = 1", []);
        assert!(
            refused.is_err(),
            "the application's database refuses to delete audit records"
        );
        conn.execute_batch("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;")
            .unwrap();
        conn.execute_batch(sql).unwrap();
    } else {
        let (client, conn) = tokio_postgres::connect(&db.url, tokio_postgres::NoTls)
            .await
            .unwrap();
        let task = tokio::spawn(conn);
        let refused = client
            .batch_execute("UPDATE audit_log SET actor = actor WHERE seq = 1")
            .await;
        assert!(
            refused.is_err(),
            "the application's database refuses to change audit records"
        );
        client
            .batch_execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
            .await
            .unwrap();
        client.batch_execute(sql).await.unwrap();
        drop(client);
        task.await.unwrap().unwrap();
    }
}

fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Verifies after `tamper` on a fresh database with history; returns the
/// first bad record's seq and the reason, and the head seq before tampering.
async fn verify_after<F, Fut>(tamper: F) -> Vec<(String, Option<(i64, String)>, i64)>
where
    F: Fn(TestDb, i64) -> Fut,
    Fut: std::future::Future<Output = TestDb>,
{
    let mut out = Vec::new();
    for db in testing::all().await {
        history(&*db.store).await;
        let head = head_seq(&*db.store).await;
        assert_eq!(
            db.store.verify_audit().await.unwrap().first_bad,
            None,
            "{}: intact before tampering",
            db.store.backend()
        );
        let db = tamper(db, head).await;
        let report = db.store.verify_audit().await.unwrap();
        out.push((db.store.backend().to_owned(), report.first_bad, head));
    }
    out
}

#[tokio::test]
async fn an_edited_audit_record_is_named() {
    let results = verify_after(|db, head| async move {
        let k = head - 2;
        let sql = format!(
            "UPDATE audit_log SET after = {} WHERE seq = {k}",
            quoted(r#"{"state":"issued"}"#)
        );
        behind_the_store(&db, &sql).await;
        db
    })
    .await;
    for (b, bad, head) in results {
        let (seq, why) = bad.unwrap_or_else(|| panic!("{b}: an edited record went unnoticed"));
        assert_eq!(seq, head - 2, "{b}: the edited record is named: {why}");
        assert!(
            why.contains(&format!("第 {seq} 条")),
            "{b}: the reason names it too: {why}"
        );
    }
}

#[tokio::test]
async fn a_deleted_audit_record_in_the_middle_is_named() {
    let results = verify_after(|db, head| async move {
        behind_the_store(
            &db,
            &format!("DELETE FROM audit_log WHERE seq = {}", head - 3),
        )
        .await;
        db
    })
    .await;
    for (b, bad, head) in results {
        let (seq, why) = bad.unwrap_or_else(|| panic!("{b}: a deleted record went unnoticed"));
        assert_eq!(seq, head - 3, "{b}: the missing record is named: {why}");
    }
}

#[tokio::test]
async fn two_swapped_audit_records_are_named() {
    let results = verify_after(|db, head| async move {
        let k = head - 3;
        let pair = db.store.audit_records(k - 1, 2).await.unwrap();
        let [first, second] = &pair[..] else {
            panic!("records {k} and {} exist", k + 1)
        };
        let set = |r: &AuditRecord, seq: i64| {
            format!(
                "UPDATE audit_log SET after = {}, hash = {} WHERE seq = {seq};",
                quoted(r.after.as_deref().unwrap_or("")),
                quoted(&r.hash)
            )
        };
        let sql = format!("{}\n{}", set(second, k), set(first, k + 1));
        behind_the_store(&db, &sql).await;
        db
    })
    .await;
    for (b, bad, head) in results {
        let (seq, why) = bad.unwrap_or_else(|| panic!("{b}: swapped records went unnoticed"));
        assert_eq!(
            seq,
            head - 3,
            "{b}: the first swapped record is named: {why}"
        );
    }
}

#[tokio::test]
async fn a_deleted_last_audit_record_is_noticed_through_the_head() {
    let results = verify_after(|db, head| async move {
        behind_the_store(&db, &format!("DELETE FROM audit_log WHERE seq = {head}")).await;
        db
    })
    .await;
    for (b, bad, head) in results {
        let (seq, why) = bad.unwrap_or_else(|| panic!("{b}: a deleted last record went unnoticed"));
        assert_eq!(seq, head, "{b}: the missing last record is named: {why}");
    }
}

#[tokio::test]
async fn a_forger_who_rehashes_the_chain_is_still_caught_by_the_head() {
    let results = verify_after(|db, head| async move {
        // Rewrite record K and recompute every hash from K on, as someone who
        // knows the algorithm would; only the head (not touched) still disagrees.
        let k = head - 2;
        let records = db.store.audit_records(k - 1, 100).await.unwrap();
        let mut prev = records[0].prev_hash.clone();
        let mut sql = String::new();
        for (i, r) in records.iter().enumerate() {
            let after = if i == 0 {
                Some(r#"{"state":"issued"}"#.to_owned())
            } else {
                r.after.clone()
            };
            let entry = AuditEntry {
                actor: r.actor.clone(),
                actor_unit: r.actor_unit.clone(),
                entity: "case",
                entity_id: r.entity_id.clone(),
                action: r.action.clone(),
                before: r.before.clone(),
                after: after.clone(),
            };
            assert_eq!(
                r.entity, "case",
                "fixture: the tail of the log is case records"
            );
            let hash = chain_hash(&prev, r.seq, &r.at, &entry);
            sql.push_str(&format!(
                "UPDATE audit_log SET after = {}, prev_hash = {}, hash = {} WHERE seq = {};\n",
                quoted(after.as_deref().unwrap_or("")),
                quoted(&prev),
                quoted(&hash),
                r.seq
            ));
            prev = hash;
        }
        behind_the_store(&db, &sql).await;
        db
    })
    .await;
    for (b, bad, head) in results {
        let (seq, why) = bad.unwrap_or_else(|| panic!("{b}: a rehashed chain went unnoticed"));
        assert_eq!(
            seq, head,
            "{b}: the head no longer matches the last record: {why}"
        );
    }
}

#[tokio::test]
async fn a_change_computed_from_a_copy_another_process_outdated_is_refused_and_the_copy_dropped() {
    for db in testing::all().await {
        let s = &*db.store;
        let b = s.backend();
        let m = matter(s, PARALLEL).await;
        let opened = open(s, &m, 1, 2).await;
        let accepted = s
            .update_case(&change(&opened, accept(), day(2), &m, clerk(), at(2, 10)))
            .await
            .unwrap();
        // What a write returns is what a read finds afterwards.
        assert_eq!(s.case(opened.id).await.unwrap(), accepted, "{b}");
        assert_eq!(s.case_for_change(opened.id).await.unwrap(), accepted, "{b}");

        // Another process (`onewindow sweep`, a second server) changes the case.
        let other = second_process(&db).await;
        let theirs = act(&*other, opened.id, complete(0), 3, &m, reviewer("zjj")).await;
        assert_eq!(theirs.version, 3, "{b}");

        // This process may still hold its own last write; a change computed
        // from it is refused and stores nothing …
        let copy = s.case_for_change(opened.id).await.unwrap();
        if b == "sqlite" {
            assert_eq!(copy.version, 2, "SQLite keeps its own last write");
        }
        if copy.version == accepted.version {
            let stale = change(&copy, complete(1), day(3), &m, reviewer("zjj"), at(3, 11));
            assert!(
                matches!(s.update_case(&stale).await, Err(StoreError::Conflict(_))),
                "{b}: a change from an outdated copy is a conflict"
            );
            assert_eq!(
                s.case(opened.id).await.unwrap(),
                theirs,
                "{b}: nothing stored"
            );
        }
        // … and afterwards the case is read as the database has it.
        assert_eq!(s.case_for_change(opened.id).await.unwrap(), theirs, "{b}");
    }
}
