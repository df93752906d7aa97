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
            .find(|m| m.steps.is_empty() && m.admits(false))
            .expect("a matter with a single review step that citizens apply for");
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

/// The codes a search of this process's catalog finds.
async fn found(svc: &Services, query: &str) -> Vec<String> {
    let catalog = svc.catalog_snapshot().await.expect("catalog");
    catalog
        .search(query, 10)
        .into_iter()
        .map(|h| h.code.as_str().to_owned())
        .collect()
}

#[tokio::test]
async fn the_search_index_is_kept_until_a_matter_is_published_even_by_another_process() {
    for db in testing::all().await {
        let here = services(db.store.clone()).await;
        let b = db.store.backend();
        let first = here.catalog_snapshot().await.expect("catalog");
        let again = here.catalog_snapshot().await.expect("catalog");
        assert!(
            Arc::ptr_eq(&first, &again),
            "{b}: an unchanged catalog keeps its index"
        );
        assert!(found(&here, "无人机航拍").await.is_empty(), "{b}");

        // Another process (an import from the CLI) publishes a matter, then
        // a second version of it under another name.
        let there = store::open(&db.url, Utc::now())
            .await
            .expect("second handle");
        let mut matter = first.versions[0].matter.clone();
        matter.code = domain::catalog::MatterCode::parse("T-DRONE-1").expect("code");
        matter.name = "无人机航拍作业备案".into();
        there
            .put_matter(&matter, &Actor::system(), Utc::now())
            .await
            .expect("published elsewhere");
        assert_eq!(
            found(&here, "无人机航拍").await,
            vec!["T-DRONE-1".to_owned()],
            "{b}: the next search here finds it"
        );

        matter.name = "低空飞行器作业备案".into();
        let v2 = there
            .put_matter(&matter, &Actor::system(), Utc::now())
            .await
            .expect("second version");
        assert_eq!(v2.version, 2, "{b}");
        assert_eq!(
            found(&here, "低空飞行器").await,
            vec!["T-DRONE-1".to_owned()],
            "{b}: the new version's name is searched"
        );
        assert!(
            found(&here, "无人机航拍").await.is_empty(),
            "{b}: the old version's name no longer is"
        );
    }
}
