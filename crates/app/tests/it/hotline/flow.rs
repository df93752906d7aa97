//! The ticket loop through the service layer, to its end and each refusal.

use app::service::hotline::{ClockStatus, TicketInput};
use app::service::{Access, ServiceError};
use chrono::{TimeZone, Utc};
use domain::evaluation::Rating;
use domain::hotline::{TicketAction, TicketChannel, TicketState, TicketType, Urgency};
use store::{StoreError, TicketFilter};

use super::support::{StaffApp, apps, d};

pub async fn access(app: &StaffApp, username: &str) -> Access {
    let s = &app.state.services;
    let user = s
        .store
        .users()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.username == username)
        .expect("a demo user");
    s.access_of(&user).await.unwrap()
}

pub fn labour_complaint() -> TicketInput {
    TicketInput {
        kind: TicketType::Complaint,
        channel: TicketChannel::Phone,
        urgency: Urgency::Normal,
        category: "劳动保障监察".into(),
        caller_name: "王先生".into(),
        caller_phone: "13800000001".into(),
        location: "栖霞市翠屏街道".into(),
        position: None,
        text: "某公司拖欠三个月工资".into(),
    }
}

fn code(e: &ServiceError) -> &str {
    match e {
        ServiceError::Refused { code, .. } => code.as_str(),
        ServiceError::Store(StoreError::NotFound(_)) => "not_found",
        _ => "other",
    }
}

#[tokio::test]
async fn a_ticket_goes_round_the_loop_and_counts_in_the_figures() {
    for app in apps(d(3, 2)).await {
        let s = &app.state.services;
        let b = app.backend;
        let (hotline, rsj) = (
            access(&app, "hotline").await,
            access(&app, "approver.rsj").await,
        );
        let t = s
            .register_ticket(&hotline, labour_complaint())
            .await
            .unwrap();
        let id = t.record.id;
        assert_eq!(t.clock, ClockStatus::NotStarted, "{b}");
        let dispatch = TicketAction::Dispatch {
            lead_unit: "rsj".into(),
            co_units: vec!["scjg".into()],
        };
        let t = s
            .ticket_act(&hotline, id, Some(t.record.version), dispatch)
            .await
            .unwrap();
        assert_eq!(
            t.close_by,
            Some(d(3, 9)),
            "{b}: complaints close in 5 working days from dispatch"
        );
        assert_eq!(t.clock, ClockStatus::Normal, "{b}");
        s.ticket_act(&rsj, id, None, TicketAction::Sign)
            .await
            .unwrap();
        let reply = TicketAction::Reply {
            text: "已责令补发工资".into(),
        };
        s.ticket_act(&rsj, id, None, reply).await.unwrap();
        let cb = TicketAction::CallBack {
            satisfaction: Rating::Satisfied,
            resolved: true,
            note: "工资已到账".into(),
        };
        s.ticket_act(&hotline, id, None, cb).await.unwrap();
        let t = s
            .ticket_act(&hotline, id, None, TicketAction::Close)
            .await
            .unwrap();
        assert_eq!(
            (t.record.ticket.state, t.clock),
            (TicketState::Closed, ClockStatus::Stopped),
            "{b}"
        );
        let report = s.hotline_report(&hotline).await.unwrap();
        assert_eq!(report.overall.dispatched, 1, "{b}");
        assert_eq!(report.overall.on_time_rate, Some(1.0), "{b}");
        assert_eq!(report.labour_target_met, Some(true), "{b}");
        assert_eq!(report.units[0].unit, "rsj", "{b}");
        let own = s.hotline_report(&rsj).await.unwrap();
        assert_eq!(own.units.len(), 1, "{b}: a unit sees its own figures");
    }
}

#[tokio::test]
async fn a_unit_cannot_touch_or_see_a_ticket_it_does_not_hold() {
    for app in apps(d(3, 2)).await {
        let s = &app.state.services;
        let b = app.backend;
        let hotline = access(&app, "hotline").await;
        let t = s
            .register_ticket(&hotline, labour_complaint())
            .await
            .unwrap();
        let id = t.record.id;
        let dispatch = TicketAction::Dispatch {
            lead_unit: "rsj".into(),
            co_units: vec!["scjg".into()],
        };
        s.ticket_act(&hotline, id, None, dispatch).await.unwrap();
        // 住建局 has no part: as if the ticket did not exist.
        let zjj = access(&app, "approver.zjj").await;
        let reply = TicketAction::Reply {
            text: "已处理".into(),
        };
        let err = s
            .ticket_act(&zjj, id, None, reply.clone())
            .await
            .unwrap_err();
        assert_eq!(code(&err), "not_found", "{b}");
        assert_eq!(
            code(&s.ticket_for(&zjj, id).await.unwrap_err()),
            "not_found",
            "{b}"
        );
        assert!(
            s.tickets_for(&zjj, TicketFilter::default())
                .await
                .unwrap()
                .is_empty(),
            "{b}"
        );
        // 市场监管局 co-operates: it sees the ticket but may not sign or reply.
        let scjg = access(&app, "approver.scjg").await;
        assert!(s.ticket_for(&scjg, id).await.is_ok(), "{b}");
        let err = s
            .ticket_act(&scjg, id, None, TicketAction::Sign)
            .await
            .unwrap_err();
        assert_eq!(code(&err), "not_holder", "{b}");
        // A window clerk sees no tickets at all.
        let clerk = access(&app, "clerk").await;
        assert_eq!(
            code(
                &s.tickets_for(&clerk, TicketFilter::default())
                    .await
                    .unwrap_err()
            ),
            "forbidden",
            "{b}"
        );
        let t = s.ticket_for(&hotline, id).await.unwrap();
        assert_eq!(
            t.record.ticket.state,
            TicketState::Dispatched,
            "{b}: nothing changed"
        );
    }
}

#[tokio::test]
async fn illegal_moves_are_refused_with_stable_codes() {
    for app in apps(d(3, 2)).await {
        let s = &app.state.services;
        let b = app.backend;
        let (hotline, rsj) = (
            access(&app, "hotline").await,
            access(&app, "approver.rsj").await,
        );
        let id = s
            .register_ticket(&hotline, labour_complaint())
            .await
            .unwrap()
            .record
            .id;
        // Closing a registered ticket: illegal.
        let err = s
            .ticket_act(&hotline, id, None, TicketAction::Close)
            .await
            .unwrap_err();
        assert_eq!(code(&err), "illegal_transition", "{b}");
        let dispatch = TicketAction::Dispatch {
            lead_unit: "rsj".into(),
            co_units: vec![],
        };
        s.ticket_act(&hotline, id, None, dispatch).await.unwrap();
        s.ticket_act(&rsj, id, None, TicketAction::Sign)
            .await
            .unwrap();
        s.ticket_act(
            &rsj,
            id,
            None,
            TicketAction::Reply {
                text: "已处理".into(),
            },
        )
        .await
        .unwrap();
        // Closing without the 回访: illegal.
        let err = s
            .ticket_act(&hotline, id, None, TicketAction::Close)
            .await
            .unwrap_err();
        assert_eq!(code(&err), "illegal_transition", "{b}");
        // A unit may not call back, the hotline may not reply.
        let cb = TicketAction::CallBack {
            satisfaction: Rating::Satisfied,
            resolved: true,
            note: "好".into(),
        };
        assert_eq!(
            code(&s.ticket_act(&rsj, id, None, cb).await.unwrap_err()),
            "forbidden",
            "{b}"
        );
        // A stale version is a conflict.
        let err = s
            .ticket_act(&hotline, id, Some(1), TicketAction::Close)
            .await
            .unwrap_err();
        assert!(
            matches!(err, ServiceError::Store(StoreError::Conflict(_))),
            "{b}: {err:?}"
        );
        // Dispatching to a unit that does not exist.
        let other = s
            .register_ticket(&hotline, labour_complaint())
            .await
            .unwrap()
            .record
            .id;
        let bad = TicketAction::Dispatch {
            lead_unit: "nowhere".into(),
            co_units: vec![],
        };
        assert_eq!(
            code(&s.ticket_act(&hotline, other, None, bad).await.unwrap_err()),
            "unknown_unit",
            "{b}"
        );
    }
}

#[tokio::test]
async fn two_send_backs_go_to_the_supervisor_and_a_third_is_refused() {
    for app in apps(d(3, 2)).await {
        let s = &app.state.services;
        let b = app.backend;
        let hotline = access(&app, "hotline").await;
        let (zjj, scjg) = (
            access(&app, "approver.zjj").await,
            access(&app, "approver.scjg").await,
        );
        let supervisor = access(&app, "supervisor").await;
        let id = s
            .register_ticket(&hotline, labour_complaint())
            .await
            .unwrap()
            .record
            .id;
        let to = |u: &str| TicketAction::Dispatch {
            lead_unit: u.into(),
            co_units: vec![],
        };
        let back = || TicketAction::SendBack {
            reason: "不属于本单位职责".into(),
        };
        s.ticket_act(&hotline, id, None, to("zjj")).await.unwrap();
        let t = s.ticket_act(&zjj, id, None, back()).await.unwrap();
        assert_eq!(t.record.ticket.state, TicketState::Returned, "{b}");
        s.ticket_act(&hotline, id, None, to("scjg")).await.unwrap();
        let t = s.ticket_act(&scjg, id, None, back()).await.unwrap();
        assert_eq!(t.record.ticket.state, TicketState::Escalated, "{b}");
        // The hotline may not re-dispatch it; the supervisor settles.
        assert_eq!(
            code(
                &s.ticket_act(&hotline, id, None, to("rsj"))
                    .await
                    .unwrap_err()
            ),
            "illegal_transition",
            "{b}"
        );
        let settle = TicketAction::Settle {
            lead_unit: "scjg".into(),
        };
        s.ticket_act(&supervisor, id, None, settle).await.unwrap();
        // A third send-back is refused.
        let err = s.ticket_act(&scjg, id, None, back()).await.unwrap_err();
        assert_eq!(code(&err), "ticket_settled", "{b}");
        // The clock still runs from the first dispatch.
        app.clock
            .set(Utc.with_ymd_and_hms(2026, 3, 20, 2, 0, 0).unwrap());
        assert_eq!(
            s.ticket_for(&hotline, id).await.unwrap().clock,
            ClockStatus::Overdue,
            "{b}"
        );
    }
}

#[tokio::test]
async fn extensions_are_approved_by_the_hotline_and_duplicates_merged() {
    for app in apps(d(3, 2)).await {
        let s = &app.state.services;
        let b = app.backend;
        let (hotline, rsj) = (
            access(&app, "hotline").await,
            access(&app, "approver.rsj").await,
        );
        let id = s
            .register_ticket(&hotline, labour_complaint())
            .await
            .unwrap()
            .record
            .id;
        let dispatch = TicketAction::Dispatch {
            lead_unit: "rsj".into(),
            co_units: vec![],
        };
        s.ticket_act(&hotline, id, None, dispatch).await.unwrap();
        let ask = TicketAction::RequestExtension {
            days: 3,
            reason: "需现场核查".into(),
        };
        s.ticket_act(&rsj, id, None, ask).await.unwrap();
        let t = s
            .ticket_act(
                &hotline,
                id,
                None,
                TicketAction::DecideExtension { approve: true },
            )
            .await
            .unwrap();
        assert_eq!(t.close_by, Some(d(3, 12)), "{b}: 5 + 3 working days");
        // The same caller calls again: a duplicate candidate, merged.
        let dup = s
            .register_ticket(&hotline, labour_complaint())
            .await
            .unwrap()
            .record
            .id;
        let hints = s.duplicate_candidates("13800000001", dup).await.unwrap();
        assert_eq!(
            hints.iter().map(|v| v.record.id).collect::<Vec<_>>(),
            [id],
            "{b}"
        );
        let err = s
            .ticket_act(&hotline, dup, None, TicketAction::MergeInto { ticket: dup })
            .await
            .unwrap_err();
        assert_eq!(code(&err), "merge_target", "{b}");
        let t = s
            .ticket_act(&hotline, dup, None, TicketAction::MergeInto { ticket: id })
            .await
            .unwrap();
        assert_eq!(
            (t.record.ticket.state, t.record.ticket.merged_into),
            (TicketState::Merged, Some(id)),
            "{b}"
        );
    }
}

#[tokio::test]
async fn a_callers_phone_is_read_as_registration_reads_it() {
    for app in apps(d(3, 2)).await {
        let s = &app.state.services;
        let hotline = access(&app, "hotline").await;
        let landline = TicketInput {
            caller_phone: "0535-521 2345".into(),
            ..labour_complaint()
        };
        let t = s.register_ticket(&hotline, landline).await.unwrap();
        assert_eq!(
            t.record.ticket.caller_phone, "05355212345",
            "{}",
            app.backend
        );
        let before = s
            .store
            .list_tickets(&Default::default())
            .await
            .unwrap()
            .len();
        let bad = TicketInput {
            caller_phone: "138".into(),
            ..labour_complaint()
        };
        let e = s.register_ticket(&hotline, bad).await.unwrap_err();
        assert_eq!(code(&e), "invalid_phone", "{}", app.backend);
        assert_eq!(
            s.store
                .list_tickets(&Default::default())
                .await
                .unwrap()
                .len(),
            before,
            "nothing stored"
        );
    }
}
