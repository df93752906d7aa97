//! Hotline tickets on every configured backend: a ticket registered,
//! dispatched, signed, replied, called back and closed, each change with a
//! timeline entry and an audit record in the same transaction; the tickets
//! of a unit (lead or co-unit, never one it sent back); stale versions
//! refused; filters by id, state and registration time; Open311 keys stored
//! by hash only.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly on bad fixtures"
)]

use chrono::{DateTime, TimeZone, Utc};
use domain::evaluation::Rating;
use domain::hotline::{
    Ticket, TicketAction, TicketChannel, TicketLimits, TicketState, TicketType, Urgency,
};
use domain::unit::Role;
use store::testing;
use store::{Actor, NewTicket, Store, StoreError, TicketFilter, TicketRecord, TicketUpdate};

fn at(d: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, d, hour, 0, 0)
        .single()
        .expect("valid instant")
}

fn hotline() -> Actor {
    Actor {
        username: "hotline".into(),
        unit: "zgb".into(),
    }
}

fn staff(unit: &str) -> Actor {
    Actor {
        username: format!("approver.{unit}"),
        unit: unit.into(),
    }
}

fn ticket(phone: &str, registered: DateTime<Utc>) -> Ticket {
    Ticket {
        kind: TicketType::Complaint,
        channel: TicketChannel::Phone,
        urgency: Urgency::Normal,
        category: "劳动保障监察".into(),
        caller_name: "王先生".into(),
        caller_phone: phone.into(),
        location: "栖霞市翠屏街道".into(),
        position: Some((37.3, 120.8)),
        text: "公司拖欠三个月工资".into(),
        state: TicketState::Registered,
        registered_at: registered,
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

async fn register(s: &dyn Store, phone: &str, when: DateTime<Utc>) -> TicketRecord {
    s.create_ticket(&NewTicket {
        ticket: ticket(phone, when),
        api_client: None,
        account_id: None,
        media_url: None,
        actor: hotline(),
        at: when,
    })
    .await
    .unwrap()
}

async fn act(
    s: &dyn Store,
    rec: &TicketRecord,
    action: TicketAction,
    role: Role,
    actor: Actor,
    now: DateTime<Utc>,
) -> TicketRecord {
    let (ticket, _) = rec
        .ticket
        .apply(&action, role, &actor.unit, now, &TicketLimits::default())
        .unwrap();
    s.update_ticket(&TicketUpdate {
        id: rec.id,
        expected_version: rec.version,
        action: format!("{action:?}"),
        payload: serde_json::to_value(&action).unwrap(),
        ticket,
        actor,
        at: now,
    })
    .await
    .unwrap()
}

async fn ids(s: &dyn Store, f: TicketFilter) -> Vec<i64> {
    s.list_tickets(&f)
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect()
}

#[tokio::test]
async fn a_ticket_goes_from_registration_to_closure_with_timeline_and_audit() {
    for db in testing::all().await {
        let s = &*db.store;
        let b = s.backend();
        let audit_before = s.audit_head().await.unwrap().map_or(0, |(seq, _)| seq);
        let t = register(s, "13800000001", at(2, 9)).await;
        assert_eq!(
            (t.version, t.ticket.state),
            (1, TicketState::Registered),
            "{b}"
        );
        let dispatch = TicketAction::Dispatch {
            lead_unit: "rsj".into(),
            co_units: vec!["scjg".into()],
        };
        let t = act(s, &t, dispatch, Role::HotlineAgent, hotline(), at(2, 10)).await;
        assert_eq!(
            ids(
                s,
                TicketFilter {
                    unit: Some("rsj".into()),
                    ..Default::default()
                }
            )
            .await,
            [t.id],
            "{b}"
        );
        assert_eq!(
            ids(
                s,
                TicketFilter {
                    unit: Some("scjg".into()),
                    ..Default::default()
                }
            )
            .await,
            [t.id],
            "{b} co-unit"
        );
        assert!(
            ids(
                s,
                TicketFilter {
                    unit: Some("zjj".into()),
                    ..Default::default()
                }
            )
            .await
            .is_empty(),
            "{b}"
        );
        let t = act(
            s,
            &t,
            TicketAction::Sign,
            Role::Approver,
            staff("rsj"),
            at(2, 11),
        )
        .await;
        let reply = TicketAction::Reply {
            text: "已责令公司补发工资".into(),
        };
        let t = act(s, &t, reply, Role::Approver, staff("rsj"), at(3, 9)).await;
        let cb = TicketAction::CallBack {
            satisfaction: Rating::Satisfied,
            resolved: true,
            note: "工资已到账".into(),
        };
        let t = act(s, &t, cb, Role::HotlineAgent, hotline(), at(3, 15)).await;
        let t = act(
            s,
            &t,
            TicketAction::Close,
            Role::HotlineAgent,
            hotline(),
            at(3, 16),
        )
        .await;
        assert_eq!((t.version, t.ticket.state), (6, TicketState::Closed), "{b}");
        assert_eq!(
            s.ticket(t.id).await.unwrap(),
            t,
            "{b}: read back as written"
        );
        let events = s.ticket_events(t.id).await.unwrap();
        let steps: Vec<_> = events.iter().map(|e| (e.from_state, e.to_state)).collect();
        use TicketState as S;
        assert_eq!(
            steps,
            [
                (None, S::Registered),
                (Some(S::Registered), S::Dispatched),
                (Some(S::Dispatched), S::Signed),
                (Some(S::Signed), S::Replied),
                (Some(S::Replied), S::CalledBack),
                (Some(S::CalledBack), S::Closed),
            ],
            "{b}"
        );
        assert_eq!(events[2].actor_unit, "rsj", "{b}");
        let (head, _) = s.audit_head().await.unwrap().unwrap();
        assert_eq!(head - audit_before, 6, "{b}: one audit record per change");
        let audit = s.audit_records(audit_before, 10).await.unwrap();
        assert!(
            audit
                .iter()
                .all(|r| r.entity == "ticket" && r.entity_id == t.id.to_string()),
            "{b}"
        );
        assert_eq!(s.verify_audit().await.unwrap().first_bad, None, "{b}");
    }
}

#[tokio::test]
async fn a_stale_version_is_a_conflict_and_writes_nothing() {
    for db in testing::all().await {
        let s = &*db.store;
        let b = s.backend();
        let t = register(s, "13800000002", at(2, 9)).await;
        let dispatch = TicketAction::Dispatch {
            lead_unit: "rsj".into(),
            co_units: vec![],
        };
        let _ = act(
            s,
            &t,
            dispatch.clone(),
            Role::HotlineAgent,
            hotline(),
            at(2, 10),
        )
        .await;
        let (ticket, _) = t
            .ticket
            .apply(
                &dispatch,
                Role::HotlineAgent,
                "zgb",
                at(2, 11),
                &TicketLimits::default(),
            )
            .unwrap();
        let err = s
            .update_ticket(&TicketUpdate {
                id: t.id,
                expected_version: t.version,
                action: "dispatch".into(),
                payload: serde_json::Value::Null,
                ticket,
                actor: hotline(),
                at: at(2, 11),
            })
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "{b}: {err:?}");
        assert_eq!(s.ticket_events(t.id).await.unwrap().len(), 2, "{b}");
        assert!(
            matches!(s.ticket(999_999).await, Err(StoreError::NotFound(_))),
            "{b}"
        );
    }
}

#[tokio::test]
async fn a_unit_that_sent_a_ticket_back_no_longer_holds_it() {
    for db in testing::all().await {
        let s = &*db.store;
        let b = s.backend();
        let t = register(s, "13800000003", at(2, 9)).await;
        let dispatch = TicketAction::Dispatch {
            lead_unit: "zjj".into(),
            co_units: vec![],
        };
        let t = act(s, &t, dispatch, Role::HotlineAgent, hotline(), at(2, 10)).await;
        let back = TicketAction::SendBack {
            reason: "不属于住建职责".into(),
        };
        let t = act(s, &t, back, Role::Approver, staff("zjj"), at(2, 11)).await;
        assert_eq!(t.ticket.state, TicketState::Returned, "{b}");
        assert!(
            ids(
                s,
                TicketFilter {
                    unit: Some("zjj".into()),
                    ..Default::default()
                }
            )
            .await
            .is_empty(),
            "{b}"
        );
        let returned = TicketFilter {
            states: vec![TicketState::Returned, TicketState::Escalated],
            ..Default::default()
        };
        assert_eq!(ids(s, returned).await, [t.id], "{b}");
    }
}

#[tokio::test]
async fn filters_by_id_time_and_phone() {
    for db in testing::all().await {
        let s = &*db.store;
        let b = s.backend();
        let a = register(s, "13800000004", at(2, 9)).await;
        let c = register(s, "13800000005", at(5, 9)).await;
        let d = register(s, "13800000004", at(9, 9)).await;
        assert_eq!(
            ids(
                s,
                TicketFilter {
                    ids: vec![a.id, d.id],
                    ..Default::default()
                }
            )
            .await,
            [d.id, a.id],
            "{b}"
        );
        let window = TicketFilter {
            from: Some(at(4, 0)),
            until: Some(at(6, 0)),
            ..Default::default()
        };
        assert_eq!(ids(s, window).await, [c.id], "{b}");
        let phone = TicketFilter {
            caller_phone: Some("13800000004".into()),
            limit: 1,
            ..Default::default()
        };
        assert_eq!(ids(s, phone).await, [d.id], "{b}");
        let kind = TicketFilter {
            kind: Some(TicketType::Suggestion),
            ..Default::default()
        };
        assert!(ids(s, kind).await.is_empty(), "{b}");
    }
}

#[tokio::test]
async fn open311_keys_are_found_by_hash_and_names_are_unique() {
    for db in testing::all().await {
        let s = &*db.store;
        let b = s.backend();
        s.put_open311_key("city-app", "abc123", &hotline(), at(2, 9))
            .await
            .unwrap();
        assert_eq!(s.open311_key("abc123").await.unwrap(), "city-app", "{b}");
        assert!(
            matches!(s.open311_key("nope").await, Err(StoreError::NotFound(_))),
            "{b}"
        );
        let again = s
            .put_open311_key("city-app", "def456", &hotline(), at(2, 9))
            .await;
        assert!(
            matches!(again, Err(StoreError::Conflict(_))),
            "{b}: {again:?}"
        );
    }
}
