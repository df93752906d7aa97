//! 接诉即办: the ticket flow, send-backs and the supervisor's settlement, the
//! clock that starts at dispatch, extensions, merges and the figures.
#![expect(clippy::unwrap_used, reason = "test fixtures fail loudly")]

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use domain::calendar::Calendar;
use domain::evaluation::Rating;
use domain::hotline::{
    Ticket, TicketAction as A, TicketChannel, TicketLimits, TicketState as S, TicketType, Urgency,
    figures,
};
use domain::unit::Role;

/// A Shanghai wall-clock time as an instant.
fn at(day: &str, hour: u32) -> DateTime<Utc> {
    let d = NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
    Utc.from_utc_datetime(&d.and_hms_opt(hour, 0, 0).unwrap()) - chrono::TimeDelta::hours(8)
}

fn ticket(kind: TicketType) -> Ticket {
    Ticket {
        kind,
        channel: TicketChannel::Phone,
        urgency: Urgency::Normal,
        category: "劳动保障监察".into(),
        caller_name: "王先生".into(),
        caller_phone: "13800000000".into(),
        location: "栖霞市翠屏街道".into(),
        position: None,
        text: "公司拖欠三个月工资".into(),
        state: S::Registered,
        registered_at: at("2026-03-02", 9),
        lead_unit: None,
        co_units: vec![],
        first_dispatched_at: None,
        dispatched_at: None,
        signed_at: None,
        responded_at: None,
        reply: String::new(),
        replied_at: None,
        send_backs: vec![],
        settled: false,
        extensions: vec![],
        callback: None,
        closed_at: None,
        merged_into: None,
    }
}

fn step(t: &Ticket, a: A, role: Role, unit: &str, when: DateTime<Utc>) -> Ticket {
    t.apply(&a, role, unit, when, &TicketLimits::default())
        .unwrap_or_else(|e| panic!("{a:?}: {e}"))
        .0
}

#[test]
fn a_complaint_runs_from_dispatch_to_closure_on_time() {
    let cal = Calendar::official();
    let limits = TicketLimits::default();
    let l = limits.of(TicketType::Complaint, Urgency::Normal);
    let t = ticket(TicketType::Complaint);
    let t = step(
        &t,
        A::Dispatch {
            lead_unit: "rsj".into(),
            co_units: vec!["scjg".into()],
        },
        Role::HotlineAgent,
        "zgb",
        at("2026-03-02", 10),
    );
    let (sign_by, respond_by, close_by) = t.deadlines(l, &cal).unwrap();
    assert_eq!(
        (sign_by, respond_by),
        (at("2026-03-02", 14), at("2026-03-03", 10)),
        "the clock starts at dispatch"
    );
    assert_eq!(
        close_by,
        NaiveDate::from_ymd_opt(2026, 3, 9).unwrap(),
        "5 working days"
    );
    assert_eq!(
        t.signed_on_time(l, &cal, at("2026-03-02", 15)),
        Some(false),
        "not signing does not stop the clock"
    );

    let t = step(&t, A::Sign, Role::Approver, "rsj", at("2026-03-02", 11));
    let t = step(
        &t,
        A::StartHandling,
        Role::Approver,
        "rsj",
        at("2026-03-02", 15),
    );
    let err = t
        .apply(
            &A::Reply {
                text: "已处理".into(),
            },
            Role::Approver,
            "scjg",
            at("2026-03-03", 9),
            &TicketLimits::default(),
        )
        .unwrap_err();
    assert_eq!(
        err.code(),
        domain::ErrorCode::NotHolder,
        "a unit that does not hold the ticket cannot reply"
    );
    let t = step(
        &t,
        A::Reply {
            text: "已责令企业足额支付工资".into(),
        },
        Role::Approver,
        "rsj",
        at("2026-03-05", 9),
    );
    assert!(
        t.apply(
            &A::Close,
            Role::HotlineAgent,
            "zgb",
            at("2026-03-05", 10),
            &TicketLimits::default()
        )
        .is_err(),
        "no closure before the callback"
    );
    let t = step(
        &t,
        A::CallBack {
            satisfaction: Rating::Satisfied,
            resolved: true,
            note: "工资已到账".into(),
        },
        Role::HotlineAgent,
        "zgb",
        at("2026-03-06", 9),
    );
    let t = step(
        &t,
        A::Close,
        Role::HotlineAgent,
        "zgb",
        at("2026-03-06", 10),
    );
    assert_eq!(t.state, S::Closed);
    assert_eq!(t.signed_on_time(l, &cal, at("2026-03-06", 10)), Some(true));
    assert_eq!(
        t.responded_on_time(l, &cal, at("2026-03-06", 10)),
        Some(true)
    );
    assert_eq!(t.closed_on_time(l, &cal, at("2026-03-06", 10)), Some(true));

    let f = figures([&t], &limits, &cal, at("2026-03-06", 10));
    assert_eq!(
        (
            f.dispatched,
            f.response_rate,
            f.solve_rate,
            f.satisfaction_rate,
            f.on_time_rate
        ),
        (1, Some(1.0), Some(1.0), Some(1.0), Some(1.0))
    );
}

#[test]
fn a_ticket_sent_back_twice_goes_to_the_supervisor() {
    let t = ticket(TicketType::Help);
    let t = step(
        &t,
        A::Dispatch {
            lead_unit: "zjj".into(),
            co_units: vec![],
        },
        Role::HotlineAgent,
        "zgb",
        at("2026-03-02", 10),
    );
    let t = step(
        &t,
        A::SendBack {
            reason: "不属于本单位职责".into(),
        },
        Role::Approver,
        "zjj",
        at("2026-03-02", 11),
    );
    assert_eq!(t.state, S::Returned);
    let t = step(
        &t,
        A::Dispatch {
            lead_unit: "zfj".into(),
            co_units: vec![],
        },
        Role::HotlineAgent,
        "zgb",
        at("2026-03-02", 12),
    );
    let t = step(
        &t,
        A::SendBack {
            reason: "应由住建局办理".into(),
        },
        Role::Approver,
        "zfj",
        at("2026-03-02", 13),
    );
    assert_eq!(t.state, S::Escalated, "bounced twice");
    assert!(
        t.apply(
            &A::Dispatch {
                lead_unit: "zjj".into(),
                co_units: vec![]
            },
            Role::HotlineAgent,
            "zgb",
            at("2026-03-02", 14),
            &TicketLimits::default()
        )
        .is_err()
    );
    let t = step(
        &t,
        A::Settle {
            lead_unit: "zjj".into(),
        },
        Role::Supervisor,
        "zgb",
        at("2026-03-02", 15),
    );
    assert_eq!(
        (t.state, t.lead_unit.as_deref()),
        (S::Dispatched, Some("zjj"))
    );
    let err = t
        .apply(
            &A::SendBack {
                reason: "仍不是我们的".into(),
            },
            Role::Approver,
            "zjj",
            at("2026-03-02", 16),
            &TicketLimits::default(),
        )
        .unwrap_err();
    assert_eq!(err.code(), domain::ErrorCode::TicketSettled);
    assert_eq!(
        t.first_dispatched_at,
        Some(at("2026-03-02", 10)),
        "closure still counts from the first dispatch"
    );
}

#[test]
fn extensions_need_approval_and_merges_end_a_duplicate() {
    let cal = Calendar::official();
    let limits = TicketLimits::default();
    let l = limits.of(TicketType::Complaint, Urgency::Normal);
    let t = ticket(TicketType::Complaint);
    let t = step(
        &t,
        A::Dispatch {
            lead_unit: "rsj".into(),
            co_units: vec![],
        },
        Role::HotlineAgent,
        "zgb",
        at("2026-03-02", 10),
    );
    let t = step(
        &t,
        A::RequestExtension {
            days: 3,
            reason: "需调取企业账目".into(),
        },
        Role::Approver,
        "rsj",
        at("2026-03-03", 10),
    );
    assert_eq!(
        t.deadlines(l, &cal).unwrap().2,
        NaiveDate::from_ymd_opt(2026, 3, 9).unwrap(),
        "pending: no extra time yet"
    );
    assert!(
        t.apply(
            &A::RequestExtension {
                days: 1,
                reason: "x".into()
            },
            Role::Approver,
            "rsj",
            at("2026-03-03", 11),
            &TicketLimits::default()
        )
        .is_err(),
        "one pending at a time"
    );
    assert!(
        t.apply(
            &A::DecideExtension { approve: true },
            Role::Approver,
            "rsj",
            at("2026-03-03", 11),
            &TicketLimits::default()
        )
        .is_err(),
        "only the hotline approves"
    );
    let t = step(
        &t,
        A::DecideExtension { approve: true },
        Role::HotlineAgent,
        "zgb",
        at("2026-03-03", 12),
    );
    assert_eq!(
        t.deadlines(l, &cal).unwrap().2,
        NaiveDate::from_ymd_opt(2026, 3, 12).unwrap(),
        "3 more working days"
    );

    let dup = ticket(TicketType::Complaint);
    let dup = step(
        &dup,
        A::MergeInto { ticket: 41 },
        Role::HotlineAgent,
        "zgb",
        at("2026-03-02", 11),
    );
    assert_eq!((dup.state, dup.merged_into), (S::Merged, Some(41)));
    let f = figures([&t, &dup], &limits, &cal, at("2026-03-03", 12));
    assert_eq!(f.dispatched, 1, "a merged duplicate is not counted twice");
}

#[test]
fn limits_follow_type_and_urgency() {
    let limits = TicketLimits::default();
    assert_eq!(
        limits
            .of(TicketType::Suggestion, Urgency::Normal)
            .close_days,
        10
    );
    assert_eq!(
        limits
            .of(TicketType::Suggestion, Urgency::VeryUrgent)
            .close_days,
        1
    );
    assert_eq!(
        limits
            .of(TicketType::Consultation, Urgency::Urgent)
            .sign_hours,
        2
    );
    assert!(
        !limits.source.is_empty(),
        "every default says where it comes from"
    );
}

#[test]
fn the_clock_status_follows_dispatch_signing_and_the_close_day() {
    use domain::hotline::ClockStatus as C;
    let cal = Calendar::official();
    let l = TicketLimits::default().of(TicketType::Complaint, Urgency::Normal);
    let t = ticket(TicketType::Complaint);
    assert_eq!(t.clock_status(l, &cal, at("2026-03-02", 10)), C::NotStarted);
    let dispatch = A::Dispatch {
        lead_unit: "rsj".into(),
        co_units: vec![],
    };
    let t = step(
        &t,
        dispatch,
        Role::HotlineAgent,
        "zgb",
        at("2026-03-02", 10),
    );
    assert_eq!(t.clock_status(l, &cal, at("2026-03-02", 11)), C::Normal);
    // Signing is due at 14:00: within the hour it warns, after it is late.
    assert_eq!(t.clock_status(l, &cal, at("2026-03-02", 13)), C::Warning);
    assert_eq!(t.clock_status(l, &cal, at("2026-03-02", 15)), C::Overdue);
    let t = step(&t, A::Sign, Role::Approver, "rsj", at("2026-03-02", 12));
    let t = step(
        &t,
        A::StartHandling,
        Role::Approver,
        "rsj",
        at("2026-03-02", 13),
    );
    // Closes by 2026-03-09: the day before warns, the day after is late.
    assert_eq!(t.clock_status(l, &cal, at("2026-03-05", 9)), C::Normal);
    assert_eq!(t.clock_status(l, &cal, at("2026-03-08", 9)), C::Warning);
    assert_eq!(t.clock_status(l, &cal, at("2026-03-10", 9)), C::Overdue);
    assert_eq!(C::Overdue.label_zh(), "超时");
}

#[test]
fn an_extension_asks_for_one_to_the_county_maximum_of_working_days() {
    let limits = TicketLimits::default();
    assert_eq!(limits.max_extension_days, 30);
    let t = step(
        &ticket(TicketType::Complaint),
        A::Dispatch {
            lead_unit: "rsj".into(),
            co_units: vec![],
        },
        Role::HotlineAgent,
        "zgb",
        at("2026-03-02", 10),
    );
    let ask = |days| A::RequestExtension {
        days,
        reason: "需现场核查".into(),
    };
    let when = at("2026-03-03", 10);
    for days in [0, 31, 365] {
        assert_eq!(
            t.apply(&ask(days), Role::Approver, "rsj", when, &limits)
                .unwrap_err()
                .code(),
            domain::ErrorCode::ExtensionDaysOutOfRange,
            "{days} days"
        );
    }
    assert!(
        t.apply(&ask(30), Role::Approver, "rsj", when, &limits)
            .is_ok()
    );
    let strict = TicketLimits {
        max_extension_days: 10,
        ..limits
    };
    assert!(
        t.apply(&ask(11), Role::Approver, "rsj", when, &strict)
            .is_err()
    );
}
