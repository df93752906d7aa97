//! 好差评: levels and their numbering, the rating rules, the rectification
//! loop that only the supervisor's callback closes, and the unified score.
#![expect(clippy::unwrap_used, reason = "test fixtures fail loudly")]

use chrono::NaiveDate;
use domain::calendar::Calendar;
use domain::evaluation::{
    EvaluationRules, Outcome, Rating, RatingError, Rectification, RectificationAction as A,
    RectificationState as S, Scale, ScoreRule, check_case_rating, rates, unified_score,
};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn levels_convert_at_the_edges_in_both_numberings() {
    for r in Rating::ALL {
        for scale in [Scale::FiveIsBest, Scale::OneIsBest] {
            assert_eq!(Rating::from_number(r.to_number(scale), scale), Some(*r));
        }
    }
    assert_eq!(
        Rating::from_number(5, Scale::FiveIsBest),
        Some(Rating::VerySatisfied)
    );
    assert_eq!(
        Rating::from_number(5, Scale::OneIsBest),
        Some(Rating::VeryDissatisfied)
    );
    assert_eq!(Rating::from_number(0, Scale::OneIsBest), None);
    assert_eq!(Rating::from_number(6, Scale::FiveIsBest), None);
    assert_eq!(Rating::parse("基本满意"), Some(Rating::Basic));
    assert!(
        Rating::Dissatisfied.is_bad()
            && Rating::VeryDissatisfied.is_bad()
            && !Rating::Basic.is_bad()
    );
}

#[test]
fn a_case_is_rated_once_after_it_concludes_and_within_the_window() {
    let rules = EvaluationRules::default();
    let ok = |concluded, rated, rating, reasons: &[String], today| {
        check_case_rating(concluded, rated, rating, reasons, today, rules)
    };
    assert_eq!(
        ok(None, false, Rating::Satisfied, &[], d("2026-03-02")),
        Err(RatingError::NotConcluded)
    );
    assert_eq!(
        ok(
            Some(d("2026-03-02")),
            true,
            Rating::Satisfied,
            &[],
            d("2026-03-03")
        ),
        Err(RatingError::AlreadyRated)
    );
    assert!(
        ok(
            Some(d("2026-03-02")),
            false,
            Rating::Satisfied,
            &[],
            d("2026-04-01")
        )
        .is_ok(),
        "day 30"
    );
    assert_eq!(
        ok(
            Some(d("2026-03-02")),
            false,
            Rating::Satisfied,
            &[],
            d("2026-04-02")
        ),
        Err(RatingError::WindowClosed(30))
    );
    assert_eq!(
        ok(
            Some(d("2026-03-02")),
            false,
            Rating::Dissatisfied,
            &[" ".into()],
            d("2026-03-03")
        ),
        Err(RatingError::ReasonRequired)
    );
    assert!(
        ok(
            Some(d("2026-03-02")),
            false,
            Rating::Dissatisfied,
            &["多次跑腿".into()],
            d("2026-03-03")
        )
        .is_ok()
    );
}

#[test]
fn a_rectification_closes_only_with_the_supervisors_callback() {
    let cal = Calendar::official();
    // Opened on the Thursday before 国庆: 5 working days are 09-30, 10-08, 10-09, 10-10 (a working Saturday), 10-12.
    let o = Rectification::open("scjg", d("2026-09-29"), &cal, EvaluationRules::default());
    assert_eq!(o.deadline, d("2026-10-12"));
    assert!(!o.is_overdue(d("2026-10-12")) && o.is_overdue(d("2026-10-13")));

    let o = o
        .apply(
            &A::Verify {
                finding: "窗口未一次性告知".into(),
            },
            d("2026-09-30"),
            "approver.scjg",
        )
        .unwrap();
    let o = o
        .apply(
            &A::ReportRectified {
                measures: "已约谈并培训".into(),
            },
            d("2026-10-08"),
            "approver.scjg",
        )
        .unwrap();
    assert_eq!(o.state, S::Rectified);
    assert!(
        o.closed_on.is_none(),
        "reported, but not closed without a callback"
    );
    assert!(
        !o.is_overdue(d("2026-10-20")),
        "reported in time: not overdue while the callback is pending"
    );
    let refused = o.apply(
        &A::CallBack {
            applicant_said: " ".into(),
            satisfied: true,
        },
        d("2026-10-09"),
        "supervisor",
    );
    assert!(
        refused.is_err(),
        "a callback records what the applicant said"
    );
    let o = o
        .apply(
            &A::CallBack {
                applicant_said: "问题已解决，满意".into(),
                satisfied: true,
            },
            d("2026-10-09"),
            "supervisor",
        )
        .unwrap();
    assert_eq!(
        (o.state, o.outcome, o.closed_on),
        (S::Closed, Some(Outcome::Rectified), Some(d("2026-10-09")))
    );
    assert_eq!(o.callback.unwrap().by, "supervisor");
}

#[test]
fn an_invalid_review_needs_the_supervisor_to_uphold_the_appeal() {
    let cal = Calendar::official();
    let o = Rectification::open("zjj", d("2026-03-02"), &cal, EvaluationRules::default());
    let appealed = o
        .apply(
            &A::Appeal {
                reason: "评价内容与本事项无关".into(),
            },
            d("2026-03-03"),
            "head.zjj",
        )
        .unwrap();
    assert_eq!(appealed.state, S::Appealed);
    let upheld = appealed
        .apply(
            &A::UpholdAppeal {
                note: "经核实属实".into(),
            },
            d("2026-03-04"),
            "supervisor",
        )
        .unwrap();
    assert_eq!(
        (upheld.state, upheld.outcome),
        (S::Closed, Some(Outcome::Invalid))
    );
    let rejected = appealed
        .apply(
            &A::RejectAppeal {
                note: "评价有据".into(),
            },
            d("2026-03-04"),
            "supervisor",
        )
        .unwrap();
    assert_eq!(rejected.state, S::Rectifying);
    let cannot = rejected
        .apply(
            &A::ReportCannot {
                reason: "法律规定必须到场".into(),
            },
            d("2026-03-05"),
            "head.zjj",
        )
        .unwrap();
    assert_eq!(cannot.state, S::CannotRectify);
    assert!(
        cannot
            .apply(
                &A::Verify {
                    finding: "x".into()
                },
                d("2026-03-05"),
                "x"
            )
            .is_err(),
        "illegal in this state"
    );
    assert!(
        A::CallBack {
            applicant_said: String::new(),
            satisfied: true
        }
        .allowed_for(domain::unit::Role::Supervisor)
    );
    assert!(
        !A::UpholdAppeal {
            note: String::new()
        }
        .allowed_for(domain::unit::Role::DepartmentHead)
    );
}

#[test]
fn the_unified_score_is_robust_for_small_counts() {
    let rule = ScoreRule {
        prior_weight: 10.0,
        prior_mean: 4.0,
    };
    let one_perfect = unified_score(&[Rating::VerySatisfied], rule);
    let mut many = vec![Rating::VerySatisfied; 160];
    many.extend(vec![Rating::Satisfied; 40]);
    let many_good = unified_score(&many, rule);
    assert!(
        many_good.score > one_perfect.score,
        "{} vs {}",
        many_good.score,
        one_perfect.score
    );
    assert_eq!(
        unified_score(&[], rule).score,
        75.0,
        "no ratings: the prior (4.0 → 75)"
    );
    assert!((many_good.raw_mean - 4.8).abs() < 1e-9);
    let all_bad = unified_score(&vec![Rating::VeryDissatisfied; 1000], rule);
    assert!(all_bad.score >= 0.0 && all_bad.score < 2.0);
    let county = ScoreRule::with_county_mean(&many);
    assert!((county.prior_mean - 4.8).abs() < 1e-9);
}

/// An order for a 差评 taken to `steps` (verified, reported, called back …).
fn order(steps: &[A]) -> Rectification {
    let cal = Calendar::official();
    let mut o = Rectification::open("scjg", d("2026-09-29"), &cal, EvaluationRules::default());
    for a in steps {
        o = o.apply(a, d("2026-09-30"), "someone").unwrap();
    }
    o
}

#[test]
fn rates_count_what_each_order_is_and_have_no_value_without_a_denominator() {
    let verify = A::Verify {
        finding: "窗口未一次性告知".into(),
    };
    let report = A::ReportRectified {
        measures: "已约谈并培训".into(),
    };
    let call = A::CallBack {
        applicant_said: "满意".into(),
        satisfied: true,
    };
    let open = order(&[]);
    let reported = order(&[verify.clone(), report.clone()]);
    let closed = order(&[verify, report, call]);
    assert!(!open.needs_callback() && reported.needs_callback() && closed.needs_callback());
    assert!(
        !reported.rectified() && closed.rectified(),
        "已整改 once closed so"
    );
    assert!(closed.called_back() && !reported.called_back());
    let r = rates(
        10,
        6,
        &[
            Rating::Satisfied,
            Rating::Dissatisfied,
            Rating::Basic,
            Rating::VerySatisfied,
        ],
        &[&open, &reported, &closed],
    );
    assert_eq!(r.rated, Some(0.6));
    assert_eq!(r.satisfied, Some(0.75));
    assert_eq!(
        r.rectified,
        Some(1.0 / 3.0),
        "one of three orders rectified"
    );
    assert_eq!(
        r.called_back,
        Some(0.5),
        "one of the two needing a callback"
    );
    let none = rates(0, 0, &[], &[]);
    assert_eq!(
        (none.rated, none.satisfied, none.rectified, none.called_back),
        (None, None, None, None)
    );
}
