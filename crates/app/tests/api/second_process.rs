//! A case changed by another process (`onewindow sweep`, a second server)
//! while this one holds a copy of its own last write: the next action here
//! is computed from the case as the database has it, not from the copy.

use app::service::{ApplicantInput, CreateCase, FixedClock, Services};
use chrono::Utc;
use domain::case::{Action, CaseState, Channel, WarningRule};
use std::sync::Arc;
use store::{Actor, testing};

async fn services(store: Arc<dyn store::Store>) -> Services {
    Services::new(
        store,
        Arc::new(FixedClock::new(Utc::now())),
        WarningRule::default(),
    )
    .await
    .expect("services")
}

fn actor(username: &str, unit: &str) -> Actor {
    Actor {
        username: username.into(),
        unit: unit.into(),
    }
}

#[tokio::test]
async fn an_action_after_another_process_changed_the_case_starts_from_its_change() {
    for db in testing::all().await {
        let here = services(db.store.clone()).await;
        let b = db.store.backend();
        let matter = db
            .store
            .matters()
            .await
            .expect("catalog")
            .into_iter()
            .map(|v| v.matter)
            .find(|m| m.steps.is_empty())
            .expect("a matter with a single review step");
        let unit = matter.unit.to_string();
        let clerk = actor("clerk", &here.online_intake_unit);
        let input = CreateCase {
            matter: matter.code.to_string(),
            channel: Channel::Online,
            applicant: ApplicantInput::Person {
                name: "张三".into(),
                id_number: "11010519491231002X".into(),
                phone: "13800000000".into(),
            },
            intake_unit: None,
            intake: None,
        };
        let (opened, _) = here.create_case(&clerk, input, None).await.expect("opened");
        let id = opened.record.id;
        let accept = Action::Accept {
            commitments: vec![],
        };
        let accepted = here.act(&clerk, id, None, accept).await.expect("accepted");
        assert_eq!(accepted.record.version, 2, "{b}");

        // Another process completes the review.
        let there = services(
            store::open(&db.url, Utc::now())
                .await
                .expect("second handle"),
        )
        .await;
        let review = Action::CompleteStep {
            step: 0,
            opinion: "审查通过".into(),
        };
        let reviewed = there
            .act(&actor("approver", &unit), id, None, review)
            .await
            .expect("reviewed elsewhere");
        assert_eq!(reviewed.record.version, 3, "{b}");

        // Here, the decision follows that review, with or without the version.
        let decide = Action::Decide {
            approve: true,
            reason: String::new(),
        };
        let decided = here
            .act(&actor("head", &unit), id, None, decide.clone())
            .await
            .expect("decided on the reviewed case");
        assert_eq!(decided.record.version, 4, "{b}");
        assert_eq!(decided.record.case.state, CaseState::Approved, "{b}");
        let stored = db.store.case(id).await.expect("stored");
        assert_eq!(
            stored, decided.record,
            "{b}: what act returned is what is stored"
        );
        let again = here
            .act(&actor("head", &unit), id, Some(3), decide)
            .await
            .expect_err("version 3 is gone");
        assert!(again.to_string().contains("已被他人修改"), "{b}: {again}");
    }
}
