//! The applicant's own concluded case offers its rating link; the link opens
//! the rating form; an unfinished case offers none.

use app::service::{ApplicantInput, By, CreateCase};
use axum::http::StatusCode;
use domain::case::{Action, CaseResult, Channel};
use store::Actor;

use super::support::{d, page_apps};

#[tokio::test]
async fn an_applicant_rates_their_concluded_case_from_my_cases() {
    for app in page_apps(d(9, 28)).await {
        let svc = &app.state.services;
        let input = CreateCase {
            matter: "QX-SCJG-001".into(),
            channel: Channel::Online,
            applicant: ApplicantInput::Enterprise {
                name: "栖霞市自评商贸有限公司".into(),
                credit_code: "91350100M000100Y43".into(),
                phone: String::new(),
            },
            intake_unit: None,
            intake: None,
        };
        let me = Actor {
            username: "zhangwei".into(),
            unit: "qx".into(),
        };
        let (view, _) = svc
            .create_case_for(&me, input, None, Some("zhangwei".into()), By::Platform)
            .await
            .unwrap();
        let id = view.record.id;
        let zhangwei = app.sign_in("zhangwei").await;
        let path = format!("/mine/{id}");
        app.get_as(&zhangwei, &path)
            .await
            .expect(StatusCode::OK, &["企业设立登记"])
            .lacks(&["评价本次服务"]);

        let clerk = Actor {
            username: "clerk".into(),
            unit: "zgb".into(),
        };
        let head = Actor {
            username: "head.scjg".into(),
            unit: "scjg".into(),
        };
        let steps = [
            (
                &clerk,
                Action::Accept {
                    commitments: vec![],
                },
            ),
            (
                &head,
                Action::CompleteStep {
                    step: 0,
                    opinion: String::new(),
                },
            ),
            (
                &head,
                Action::Decide {
                    approve: true,
                    reason: String::new(),
                },
            ),
            (
                &head,
                Action::Issue {
                    result: CaseResult::Paper {
                        number: "QX-1".into(),
                    },
                },
            ),
        ];
        for (who, action) in steps {
            svc.act(who, id, None, action).await.unwrap();
        }
        let page = app.get_as(&zhangwei, &path).await;
        page.expect(StatusCode::OK, &["评价本次服务（好差评）", "/rate/"]);
        let at = page.text.find("/rate/").unwrap();
        let link: String = page.text[at..].chars().take_while(|c| *c != '"').collect();
        app.get(&link)
            .await
            .expect(StatusCode::OK, &["您对本次服务是否满意", "企业设立登记"]);
        let wangfang = app.sign_in("wangfang").await;
        let theirs = app.get_as(&wangfang, &path).await;
        assert_eq!(theirs.status, StatusCode::NOT_FOUND, "[{}]", app.backend);
        theirs.lacks(&["/rate/", "企业设立登记"]);
    }
}
