//! Signing in and scoping on every configured backend: accounts and their
//! password hashes (never in the audit log), sessions that end when idle,
//! at their absolute end, on logout, on a password change and when the
//! account is disabled; failed-login counts per username and per address;
//! and case queries that return only what a department, a town or an
//! applicant may see.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly on bad fixtures"
)]

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use domain::calendar::Calendar;
use domain::case::{Action, Applicant, Case, Channel, Context};
use domain::catalog::MatterCode;
use domain::party::CreditCode;
use domain::unit::{Role, UnitCode, User};
use store::testing;
use store::{
    Actor, CaseFilter, CaseUpdate, ClockIndex, LoginAttempt, NewAccount, NewCase, NewSession,
    Scope, Store, StoreError,
};

/// An instant on a March 2026 day.
fn at(d: u32, hour: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, d, hour, min, 0)
        .single()
        .expect("valid instant")
}

fn admin() -> Actor {
    Actor {
        username: "admin".into(),
        unit: "qx".into(),
    }
}

fn applicant_account(username: &str, hash: Option<&str>) -> NewAccount {
    NewAccount {
        user: User {
            username: username.into(),
            display_name: "栖霞市丽人美发有限公司".into(),
            unit: UnitCode::parse("qx").unwrap(),
            role: Role::Applicant,
        },
        password_hash: hash.map(str::to_owned),
        applicant_id: Some("91350100M000100Y43".into()),
        phone: Some("13800000000".into()),
    }
}

fn session(id: &str, user: &str, now: DateTime<Utc>) -> NewSession {
    NewSession {
        id_hash: id.into(),
        username: user.into(),
        csrf: format!("csrf-{id}"),
        created_at: now,
        idle_until: now + Duration::hours(2),
        expires_at: now + Duration::hours(12),
    }
}

#[tokio::test]
async fn an_account_keeps_its_hash_out_of_the_audit_log_and_a_taken_username_is_refused() {
    for db in testing::all().await {
        let s = &*db.store;
        let b = s.backend();
        s.create_account(
            &applicant_account("liren", Some("$argon2id$x")),
            &admin(),
            at(2, 9, 0),
        )
        .await
        .unwrap();
        let a = s.account("liren").await.unwrap();
        assert_eq!(a.user.role, Role::Applicant, "[{b}]");
        assert_eq!(a.password_hash.as_deref(), Some("$argon2id$x"), "[{b}]");
        assert_eq!(
            a.applicant_id.as_deref(),
            Some("91350100M000100Y43"),
            "[{b}]"
        );
        assert_eq!(a.phone.as_deref(), Some("13800000000"), "[{b}]");
        assert!(!a.disabled, "[{b}]");

        let again = s
            .create_account(&applicant_account("liren", None), &admin(), at(2, 9, 1))
            .await;
        assert!(
            matches!(again, Err(StoreError::Conflict(_))),
            "[{b}] {again:?}"
        );
        let mut lost = applicant_account("lost", None);
        lost.user.unit = UnitCode::parse("nowhere").unwrap();
        let lost = s.create_account(&lost, &admin(), at(2, 9, 2)).await;
        assert!(
            matches!(lost, Err(StoreError::NotFound(_))),
            "[{b}] {lost:?}"
        );
        assert!(
            matches!(s.account("nobody").await, Err(StoreError::NotFound(_))),
            "[{b}]"
        );

        // Demo users come without a password: they cannot sign in until given one.
        assert_eq!(
            s.account("clerk").await.unwrap().password_hash,
            None,
            "[{b}]"
        );
        s.set_password("clerk", Some("$argon2id$y"), &admin(), at(2, 9, 3))
            .await
            .unwrap();
        assert_eq!(
            s.account("clerk").await.unwrap().password_hash.as_deref(),
            Some("$argon2id$y"),
            "[{b}]"
        );
        let missing = s
            .set_password("nobody", Some("h"), &admin(), at(2, 9, 4))
            .await;
        assert!(matches!(missing, Err(StoreError::NotFound(_))), "[{b}]");

        let audit = s.audit_records(0, 10_000).await.unwrap();
        let users: Vec<_> = audit.iter().filter(|r| r.entity == "user").collect();
        assert_eq!(
            users.iter().map(|r| r.action.as_str()).collect::<Vec<_>>(),
            ["create", "set_password"],
            "[{b}]"
        );
        for r in &users {
            let text = format!("{:?}{:?}", r.before, r.after);
            assert!(
                !text.contains("argon2"),
                "[{b}] a hash reached the audit log: {text}"
            );
        }
        assert_eq!(s.verify_audit().await.unwrap().first_bad, None, "[{b}]");
    }
}

#[tokio::test]
async fn a_session_ends_when_idle_at_its_absolute_end_and_on_logout() {
    for db in testing::all().await {
        let s = &*db.store;
        let b = s.backend();
        let t0 = at(2, 9, 0);
        s.create_session(&session("s1", "clerk", t0)).await.unwrap();
        let live = s.session("s1", t0 + Duration::minutes(5)).await.unwrap();
        assert_eq!(live.user.username, "clerk", "[{b}]");
        assert_eq!(live.user.role, Role::WindowClerk, "[{b}]");
        assert_eq!(live.unit_name, "栖霞市政务服务管理办公室", "[{b}]");
        assert_eq!(live.csrf, "csrf-s1", "[{b}]");
        assert_eq!(live.expires_at, t0 + Duration::hours(12), "[{b}]");

        // Idle for two hours: gone.
        let gone = s.session("s1", t0 + Duration::hours(2)).await;
        assert!(matches!(gone, Err(StoreError::NotFound(_))), "[{b}] idle");
        // Activity moves the idle end on…
        s.touch_session("s1", t0 + Duration::hours(3))
            .await
            .unwrap();
        assert!(
            s.session("s1", t0 + Duration::hours(2)).await.is_ok(),
            "[{b}]"
        );
        // …but never past the absolute end.
        s.touch_session("s1", t0 + Duration::hours(20))
            .await
            .unwrap();
        let capped = s.session("s1", t0 + Duration::hours(11)).await.unwrap();
        assert_eq!(capped.idle_until, t0 + Duration::hours(12), "[{b}] capped");
        let over = s.session("s1", t0 + Duration::hours(12)).await;
        assert!(
            matches!(over, Err(StoreError::NotFound(_))),
            "[{b}] absolute"
        );

        // Logout.
        s.create_session(&session("s2", "clerk", t0)).await.unwrap();
        s.delete_session("s2").await.unwrap();
        assert!(s.session("s2", t0).await.is_err(), "[{b}] logged out");
        s.delete_session("s2").await.unwrap();
        assert!(s.session("unknown", t0).await.is_err(), "[{b}]");
    }
}

#[tokio::test]
async fn a_password_change_or_disabling_ends_every_session_of_the_user() {
    for db in testing::all().await {
        let s = &*db.store;
        let b = s.backend();
        let t0 = at(2, 9, 0);
        for id in ["a", "b"] {
            s.create_session(&session(id, "approver.scjg", t0))
                .await
                .unwrap();
        }
        s.create_session(&session("other", "clerk", t0))
            .await
            .unwrap();
        s.set_password("approver.scjg", Some("$argon2id$new"), &admin(), t0)
            .await
            .unwrap();
        assert!(s.session("a", t0).await.is_err(), "[{b}]");
        assert!(s.session("b", t0).await.is_err(), "[{b}]");
        assert!(s.session("other", t0).await.is_ok(), "[{b}] others stay");

        s.create_session(&session("c", "approver.scjg", t0))
            .await
            .unwrap();
        s.put_api_token("approver.scjg", "tokenhash", t0)
            .await
            .unwrap();
        s.set_disabled("approver.scjg", true, &admin(), t0)
            .await
            .unwrap();
        assert!(s.session("c", t0).await.is_err(), "[{b}]");
        assert!(s.account("approver.scjg").await.unwrap().disabled, "[{b}]");
        assert!(
            s.user_by_token("tokenhash").await.is_err(),
            "[{b}] a disabled user's API token no longer works"
        );
        // A session made before the account was enabled again stays gone; a new one works.
        s.set_disabled("approver.scjg", false, &admin(), t0)
            .await
            .unwrap();
        s.create_session(&session("d", "approver.scjg", t0))
            .await
            .unwrap();
        assert!(s.session("d", t0).await.is_ok(), "[{b}]");
        assert!(s.user_by_token("tokenhash").await.is_ok(), "[{b}]");
    }
}

#[tokio::test]
async fn failed_logins_are_counted_per_username_and_per_address_within_the_window() {
    for db in testing::all().await {
        let s = &*db.store;
        let b = s.backend();
        let attempt = |user: &str, ip: &str, min: u32, success: bool| LoginAttempt {
            username: user.into(),
            ip: ip.into(),
            at: at(2, 9, min),
            success,
        };
        for (user, ip, min, ok) in [
            ("clerk", "10.0.0.1", 0, false),
            ("clerk", "10.0.0.1", 10, false),
            ("clerk", "10.0.0.2", 20, false),
            ("clerk", "10.0.0.1", 21, true),
            ("nobody", "10.0.0.1", 22, false),
        ] {
            s.record_login_attempt(&attempt(user, ip, min, ok))
                .await
                .unwrap();
        }
        let f = s
            .login_failures("clerk", "10.0.0.1", at(2, 9, 0))
            .await
            .unwrap();
        assert_eq!(
            (f.by_username, f.by_ip),
            (3, 3),
            "[{b}] successes are not failures"
        );
        let f = s
            .login_failures("clerk", "10.0.0.1", at(2, 9, 8))
            .await
            .unwrap();
        assert_eq!(
            (f.by_username, f.by_ip),
            (2, 2),
            "[{b}] only since the window opened"
        );
        let f = s
            .login_failures("other", "10.0.0.9", at(2, 9, 0))
            .await
            .unwrap();
        assert_eq!((f.by_username, f.by_ip), (0, 0), "[{b}]");
    }
}

// ───────────────────────────── scoping ─────────────────────────────

/// A valid 统一社会信用代码.
fn enterprise() -> Applicant {
    Applicant::Enterprise {
        name: "栖霞市丽人美发有限公司".into(),
        credit_code: CreditCode::parse("91350100M000100Y43").unwrap(),
        phone: String::new(),
    }
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
}

/// Opens a case of `matter` presented at `intake`, for `user`'s account.
async fn open(s: &dyn Store, matter: &str, intake: &str, user: Option<&str>) -> i64 {
    let m = s
        .matter(&MatterCode::parse(matter).unwrap(), None)
        .await
        .unwrap();
    let case = Case::open(Channel::Window, enterprise(), &m.matter, m.version, day());
    let new = NewCase {
        case,
        clock: ClockIndex::default(),
        intake_unit: intake.into(),
        applicant_user: user.map(str::to_owned),
        idempotency_key: None,
        visit_outcome: None,
        actor: admin(),
        at: at(2, 9, 0),
    };
    s.create_case(&new).await.unwrap().0.id
}

/// Applies `action` to a case as the domain decides it.
async fn act(s: &dyn Store, id: i64, action: Action) {
    let rec = s.case(id).await.unwrap();
    let m = s
        .matter(&rec.case.matter, Some(rec.case.matter_version))
        .await
        .unwrap();
    let cal = Calendar::official();
    let ctx = Context {
        today: day(),
        matter: &m.matter,
        calendar: &cal,
    };
    let (case, effects) = rec.case.apply(&action, ctx).unwrap();
    let update = CaseUpdate {
        id,
        expected_version: rec.version,
        action: action.name().into(),
        payload: serde_json::Value::Null,
        case,
        clock: ClockIndex::default(),
        effects,
        actor: admin(),
        at: at(2, 10, 0),
    };
    s.update_case(&update).await.unwrap();
}

async fn seen(s: &dyn Store, scope: Scope) -> Vec<i64> {
    let f = CaseFilter {
        scope,
        limit: Some(500),
        ..CaseFilter::default()
    };
    let mut ids: Vec<i64> = s
        .list_cases(&f)
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    ids.sort_unstable();
    ids
}

#[tokio::test]
async fn case_queries_return_only_what_the_scope_may_see() {
    for db in testing::all().await {
        let s = &*db.store;
        let b = s.backend();
        // Parallel: zjj is responsible; zrj, zjj, zfj, jtysj and gaj review in stage 1.
        let parallel = open(s, "QX-ZJJ-012", "zgb", None).await;
        // scjg's matter, presented in 观里镇 by zhangwei's account.
        let in_town = open(s, "QX-SCJG-001", "guanli", Some("zhangwei")).await;
        // scjg's matter, presented in 衣家村 under 唐家泊镇.
        let in_village = open(s, "QX-SCJG-001", "tangjiabo.yijia", Some("wangfang")).await;
        let all = vec![parallel, in_town, in_village];

        assert_eq!(seen(s, Scope::All).await, all, "[{b}]");
        let dept = |u: &str| Scope::Department(u.into());
        assert_eq!(seen(s, dept("zjj")).await, [parallel], "[{b}] responsible");
        assert_eq!(
            seen(s, dept("gaj")).await,
            [parallel],
            "[{b}] a step's unit sees the case before its step opens"
        );
        assert_eq!(seen(s, dept("scjg")).await, [in_town, in_village], "[{b}]");
        assert!(seen(s, dept("rsj")).await.is_empty(), "[{b}]");

        let town = |u: &str| Scope::Town(u.into());
        assert_eq!(seen(s, town("guanli")).await, [in_town], "[{b}]");
        assert_eq!(
            seen(s, town("tangjiabo")).await,
            [in_village],
            "[{b}] a town sees its villages' cases"
        );
        assert_eq!(
            seen(s, town("tangjiabo.yijia")).await,
            [in_village],
            "[{b}]"
        );
        assert!(seen(s, town("songshan")).await.is_empty(), "[{b}]");

        let own = |u: &str| Scope::Applicant(u.into());
        assert_eq!(seen(s, own("zhangwei")).await, [in_town], "[{b}]");
        assert_eq!(seen(s, own("wangfang")).await, [in_village], "[{b}]");
        assert!(seen(s, own("agent.liu")).await.is_empty(), "[{b}]");

        // The scope narrows the other filters too.
        let f = CaseFilter {
            scope: dept("scjg"),
            intake_unit: Some("guanli".into()),
            ..CaseFilter::default()
        };
        let got: Vec<i64> = s
            .list_cases(&f)
            .await
            .unwrap()
            .iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(got, [in_town], "[{b}]");

        // One case: out of scope is NotFound, exactly like a missing case.
        assert_eq!(
            s.case_scoped(in_town, &own("zhangwei")).await.unwrap().id,
            in_town,
            "[{b}]"
        );
        for (id, scope) in [
            (in_town, own("wangfang")),
            (parallel, dept("scjg")),
            (in_village, town("guanli")),
            (999_999, Scope::All),
        ] {
            let r = s.case_scoped(id, &scope).await;
            assert!(
                matches!(r, Err(StoreError::NotFound(_))),
                "[{b}] case {id} for {scope:?}: {r:?}"
            );
        }

        // A department that finished its step keeps seeing the case.
        act(
            s,
            parallel,
            Action::Accept {
                commitments: vec![],
            },
        )
        .await;
        let gaj_step = s
            .case(parallel)
            .await
            .unwrap()
            .case
            .steps
            .iter()
            .position(|st| st.unit == "gaj")
            .unwrap();
        act(
            s,
            parallel,
            Action::CompleteStep {
                step: gaj_step,
                opinion: "同意".into(),
            },
        )
        .await;
        assert!(
            !s.inbox("gaj", 100, 0)
                .await
                .unwrap()
                .iter()
                .any(|c| c.id == parallel),
            "[{b}] no longer in gaj's inbox"
        );
        assert!(s.case_scoped(parallel, &dept("gaj")).await.is_ok(), "[{b}]");
    }
}
