//! 好差评 on every configured backend: a rating is stored once per case or
//! visit (a second one is a conflict and writes nothing), a 差评 opens its
//! rectification order in the same transaction, orders are changed only from
//! their current version and only seen by their own unit when asked for by
//! unit, rating tokens are made once per case, concluded cases are counted
//! per department, hall and matter, and every change keeps the audit chain.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly on bad fixtures"
)]

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use domain::calendar::Calendar;
use domain::case::{Applicant, Case, Channel};
use domain::catalog::MatterCode;
use domain::evaluation::{
    EvaluationRules, Rating, RatingChannel, Rectification, RectificationAction, RectificationState,
};
use domain::party::IdNumber;
use store::testing;
use store::{
    Actor, ClockIndex, NewCase, NewRating, RatedThing, RectificationFilter, RectificationUpdate,
    Store, StoreError, Visit,
};

/// 企业设立登记 (scjg), presented at the county hall (zgb).
const MATTER: &str = "QX-SCJG-001";

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, d).expect("a March 2026 day")
}

fn at(d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, d, 2, 0, 0).single().unwrap()
}

fn clerk() -> Actor {
    Actor {
        username: "clerk".into(),
        unit: "zgb".into(),
    }
}

/// Stores a case of MATTER; concluded on `concluded` when given.
async fn case(s: &dyn Store, concluded: Option<u32>) -> i64 {
    let m = s
        .matter(&MatterCode::parse(MATTER).unwrap(), None)
        .await
        .unwrap();
    let applicant = Applicant::Person {
        name: "申请人".into(),
        id_number: IdNumber::parse("11010519491231002X").unwrap(),
        phone: String::new(),
    };
    let mut case = Case::open(Channel::Window, applicant, &m.matter, m.version, day(2));
    case.concluded_on = concluded.map(day);
    let new = NewCase {
        case,
        clock: ClockIndex::default(),
        intake_unit: "zgb".into(),
        applicant_user: None,
        idempotency_key: None,
        visit_outcome: None,
        actor: clerk(),
        at: at(2),
    };
    s.create_case(&new).await.unwrap().0.id
}

fn rating(subject: RatedThing, r: Rating, d: u32) -> NewRating {
    NewRating {
        subject,
        rating: r,
        channel: RatingChannel::QrCode,
        reasons: vec!["窗口人员态度不好".into()],
        comment: "排队很久".into(),
        rater: "token".into(),
        unit: "scjg".into(),
        window_unit: "zgb".into(),
        staff: "clerk".into(),
        matter_code: MATTER.into(),
        rated_on: day(d),
        rated_at: at(d),
    }
}

fn order(d: u32) -> Rectification {
    Rectification::open(
        "scjg",
        day(d),
        &Calendar::official(),
        EvaluationRules::default(),
    )
}

#[tokio::test]
async fn a_case_is_rated_once_and_a_bad_rating_opens_its_order_in_the_same_transaction() {
    for db in testing::all().await {
        let s = &*db.store;
        let b = s.backend();
        let id = case(s, Some(5)).await;
        let bad = rating(RatedThing::Case(id), Rating::Dissatisfied, 6);
        let rec = s
            .create_rating(&bad, Some(&order(6)), &clerk())
            .await
            .unwrap();
        let oid = rec.rectification_id.expect("a 差评 opens an order");
        assert_eq!(
            s.rating_of(RatedThing::Case(id)).await.unwrap(),
            Some(rec.clone()),
            "{b}"
        );

        // Rating twice is a conflict, and the second order is not written.
        let again = s
            .create_rating(
                &rating(RatedThing::Case(id), Rating::Satisfied, 7),
                None,
                &clerk(),
            )
            .await;
        assert!(
            matches!(again, Err(StoreError::Conflict(_))),
            "{b}: {again:?}"
        );
        let all = s
            .rectifications(&RectificationFilter::default())
            .await
            .unwrap();
        assert_eq!(all.len(), 1, "{b}");
        assert_eq!(s.ratings(day(1), day(31)).await.unwrap(), vec![rec], "{b}");
        assert!(s.ratings(day(7), day(31)).await.unwrap().is_empty(), "{b}");

        // The order is its unit's: another unit asking gets NotFound.
        let o = s.rectification(oid, Some("scjg")).await.unwrap();
        assert_eq!(o.order.state, RectificationState::Verifying, "{b}");
        assert_eq!(
            o.order.deadline,
            day(13),
            "{b}: five working days from Fri 6 March"
        );
        let other = s.rectification(oid, Some("gaj")).await;
        assert!(
            matches!(other, Err(StoreError::NotFound(_))),
            "{b}: {other:?}"
        );
        let listed = RectificationFilter {
            unit: Some("gaj".into()),
            ..RectificationFilter::default()
        };
        assert!(s.rectifications(&listed).await.unwrap().is_empty(), "{b}");

        // Changes land from the current version only.
        let verify = RectificationAction::Verify {
            finding: "属实".into(),
        };
        let next = o.order.apply(&verify, day(9), "approver").unwrap();
        let update = RectificationUpdate {
            id: oid,
            expected_version: o.version,
            action: verify,
            order: next,
            actor: Actor {
                username: "approver".into(),
                unit: "scjg".into(),
            },
            at: at(9),
        };
        let done = s.update_rectification(&update).await.unwrap();
        assert_eq!(
            (done.version, done.order.state),
            (2, RectificationState::Rectifying),
            "{b}"
        );
        let stale = s.update_rectification(&update).await;
        assert!(
            matches!(stale, Err(StoreError::Conflict(_))),
            "{b}: {stale:?}"
        );
        let open = RectificationFilter {
            open_only: true,
            ..RectificationFilter::default()
        };
        assert_eq!(s.rectifications(&open).await.unwrap().len(), 1, "{b}");

        let report = s.verify_audit().await.unwrap();
        assert_eq!(report.first_bad, None, "{b}");
        let records = s.audit_records(0, 10_000).await.unwrap();
        let kinds: Vec<_> = records
            .iter()
            .filter(|r| r.entity == "rating" || r.entity == "rectification")
            .map(|r| format!("{}:{}", r.entity, r.action))
            .collect();
        assert_eq!(
            kinds,
            ["rating:rate", "rectification:open", "rectification:verify"],
            "{b}"
        );
    }
}

#[tokio::test]
async fn a_visit_is_rated_once_and_tokens_and_concluded_counts_are_kept() {
    for db in testing::all().await {
        let s = &*db.store;
        let b = s.backend();
        let case_id = case(s, Some(5)).await;
        case(s, None).await;
        let visit = Visit {
            at: at(3),
            unit: "zgb".into(),
            clerk: "clerk".into(),
            applicant_id: "11010519491231002X".into(),
            matter_code: MATTER.into(),
            case_id: None,
            outcome: "consultation".into(),
        };
        let vid = s.record_visit(&visit).await.unwrap();
        assert_eq!(s.visit(vid).await.unwrap(), visit, "{b}");
        assert!(
            matches!(s.visit(vid + 99).await, Err(StoreError::NotFound(_))),
            "{b}"
        );
        let unrated = s.unrated_visits("zgb", 10).await.unwrap();
        assert_eq!(unrated, vec![(vid, visit.clone())], "{b}");
        let good = rating(RatedThing::Visit(vid), Rating::VerySatisfied, 3);
        let rec = s.create_rating(&good, None, &clerk()).await.unwrap();
        assert_eq!(rec.rectification_id, None, "{b}");
        assert!(s.unrated_visits("zgb", 10).await.unwrap().is_empty(), "{b}");
        let twice = s.create_rating(&good, None, &clerk()).await;
        assert!(matches!(twice, Err(StoreError::Conflict(_))), "{b}");
        assert_eq!(
            s.rating_of(RatedThing::Case(case_id)).await.unwrap(),
            None,
            "{b}"
        );

        let token = s
            .rating_token(case_id, "a".repeat(43).as_str(), at(5))
            .await
            .unwrap();
        let same = s
            .rating_token(case_id, "b".repeat(43).as_str(), at(6))
            .await
            .unwrap();
        assert_eq!(token, same, "{b}: a case keeps its first token");
        assert_eq!(
            s.case_by_rating_token(&token).await.unwrap(),
            case_id,
            "{b}"
        );
        let unknown = s.case_by_rating_token("nope").await;
        assert!(matches!(unknown, Err(StoreError::NotFound(_))), "{b}");

        let counts = s.concluded_counts(day(1), day(31)).await.unwrap();
        assert_eq!(counts.len(), 1, "{b}: only the concluded case counts");
        assert_eq!(
            (
                counts[0].unit.as_str(),
                counts[0].window_unit.as_str(),
                counts[0].count
            ),
            ("scjg", "zgb", 1),
            "{b}"
        );
        assert_eq!(counts[0].rated, 0, "{b}: not rated yet");
        // Rated later: the case counts as rated in the period it concluded
        // in, whenever the rating came (主动评价率 never exceeds 100%).
        let late = rating(RatedThing::Case(case_id), Rating::Satisfied, 20);
        s.create_rating(&late, None, &clerk()).await.unwrap();
        let counts = s.concluded_counts(day(1), day(31)).await.unwrap();
        assert_eq!((counts[0].count, counts[0].rated), (1, 1), "{b}");
        assert!(
            s.concluded_counts(day(6), day(31))
                .await
                .unwrap()
                .is_empty(),
            "{b}"
        );
    }
}
