//! Every refusal the domain knows answers the same on the JSON API and on
//! the case page's form: the same HTTP status and the same stable code (the
//! page carries it as `data-code` beside the Chinese message). Nothing is
//! changed by a refusal on either path.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::support::{Session, StaffApp, apps, d, enterprise};

/// One refusal: who tries what on which case, as a form and as JSON.
struct Try<'a> {
    what: &'a str,
    user: &'a str,
    case: i64,
    form: Vec<(&'a str, &'a str)>,
    json: Value,
    stale: bool,
    want: (StatusCode, &'a str),
}

/// The stable code a refused page carries.
fn page_code(html: &str) -> Option<String> {
    let (_, rest) = html.split_once("data-code=\"")?;
    rest.split('"').next().map(str::to_owned)
}

async fn version_of(app: &StaffApp, s: &Session, id: i64) -> i64 {
    let (_, case) = app
        .api(
            &s.username,
            Method::GET,
            &format!("/api/v1/cases/{id}"),
            None,
        )
        .await;
    case["record"]["version"].as_i64().unwrap_or(-1)
}

async fn both_ways(app: &StaffApp, t: &Try<'_>) {
    let b = app.backend;
    let s = app.login(t.user).await;
    let mut version = version_of(app, &s, t.case).await;
    if t.stale {
        version -= 1;
    }
    let uri = format!(
        "/api/v1/cases/{}/actions?expected_version={version}",
        t.case
    );
    let (status, body) = app
        .api(t.user, Method::POST, &uri, Some(t.json.clone()))
        .await;
    let code = body["error"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        (status, code.as_str()),
        t.want,
        "[{b}] API, {}: {body}",
        t.what
    );

    let v = version.to_string();
    let mut fields = t.form.clone();
    fields.push(("version", &v));
    let page = app
        .post(&s, &format!("/cases/{}/act", t.case), &fields)
        .await;
    assert_eq!(
        (page.status, page_code(&page.text).as_deref()),
        (t.want.0, Some(t.want.1)),
        "[{b}] page, {}: {}",
        t.what,
        page.text
    );
    assert!(
        !page.text.contains("Failed to") && !page.text.contains("expected"),
        "[{b}] {}: Chinese only",
        t.what
    );
    if t.want.0 != StatusCode::NOT_FOUND {
        // htmx gets the panel with the same status (base.html has htmx swap 4xx answers).
        let swapped = app
            .post_htmx(&s, &format!("/cases/{}/act", t.case), &fields)
            .await;
        assert_eq!(
            (swapped.status, page_code(&swapped.text).as_deref()),
            (t.want.0, Some(t.want.1)),
            "[{b}] htmx, {}",
            t.what
        );
    }
    let after = version_of(app, &s, t.case).await;
    if status != StatusCode::NOT_FOUND {
        assert_eq!(
            after,
            version + i64::from(t.stale),
            "[{b}] {}: nothing written",
            t.what
        );
    }
}

/// A 食品经营许可 (QX-SCJG-001, one step at scjg) approved by the head.
async fn approved(app: &StaffApp) -> i64 {
    let id = app
        .accepted("QX-SCJG-001", enterprise("栖霞市好味餐饮有限公司"))
        .await
        .record
        .id;
    let acts = format!("/api/v1/cases/{id}/actions");
    let step = json!({"action": "complete_step", "step": 0, "opinion": "同意"});
    let (s, body) = app.api("head.scjg", Method::POST, &acts, Some(step)).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let decide = json!({"action": "decide", "approve": true});
    let (s, body) = app
        .api("head.scjg", Method::POST, &acts, Some(decide))
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    id
}

#[tokio::test]
async fn a_refusal_has_one_status_and_code_on_the_api_and_the_page() {
    for app in apps(d(9, 28)).await {
        let review = app
            .accepted("QX-SCJG-001", enterprise("栖霞市好味餐饮有限公司"))
            .await
            .record
            .id;
        let parallel = app
            .accepted("QX-ZGB-106", enterprise("栖霞市丽人美发有限公司"))
            .await
            .record
            .id;
        let approved = approved(&app).await;
        let tries = [
            Try {
                what: "issuing while still in review",
                user: "head.scjg",
                case: review,
                form: vec![
                    ("action", "issue"),
                    ("result_kind", "paper"),
                    ("number", "X-1"),
                ],
                json: json!({"action": "issue", "result": {"kind": "paper", "number": "X-1"}}),
                stale: false,
                want: (StatusCode::CONFLICT, "illegal_transition"),
            },
            Try {
                what: "stopping the clock with no reason",
                user: "approver.scjg",
                case: review,
                form: vec![
                    ("action", "suspend"),
                    ("kind", "supplement"),
                    ("reason", " "),
                ],
                json: json!({"action": "suspend", "kind": "supplement", "reason": " "}),
                stale: false,
                want: (StatusCode::UNPROCESSABLE_ENTITY, "reason_required"),
            },
            Try {
                what: "deciding before the step is done",
                user: "head.scjg",
                case: review,
                form: vec![("action", "decide"), ("approve", "true")],
                json: json!({"action": "decide", "approve": true}),
                stale: false,
                want: (StatusCode::UNPROCESSABLE_ENTITY, "steps_pending"),
            },
            Try {
                what: "an approver deciding",
                user: "approver.scjg",
                case: review,
                form: vec![
                    ("action", "decide"),
                    ("approve", "false"),
                    ("reason", "不符合条件"),
                ],
                json: json!({"action": "decide", "approve": false, "reason": "不符合条件"}),
                stale: false,
                want: (StatusCode::FORBIDDEN, "forbidden"),
            },
            Try {
                what: "completing another unit's parallel step",
                user: "approver.wjj",
                case: parallel,
                form: vec![("action", "complete_step"), ("step", "0")],
                json: json!({"action": "complete_step", "step": 0}),
                stale: false,
                want: (StatusCode::FORBIDDEN, "forbidden"),
            },
            Try {
                what: "a case outside the user's unit",
                user: "approver.zjj",
                case: review,
                form: vec![("action", "complete_step"), ("step", "0")],
                json: json!({"action": "complete_step", "step": 0}),
                stale: false,
                want: (StatusCode::NOT_FOUND, "not_found"),
            },
            Try {
                what: "a form read before someone else's change",
                user: "approver.scjg",
                case: review,
                form: vec![("action", "complete_step"), ("step", "0")],
                json: json!({"action": "complete_step", "step": 0}),
                stale: true,
                want: (StatusCode::CONFLICT, "conflict"),
            },
            Try {
                what: "issuing with no certificate number",
                user: "head.scjg",
                case: approved,
                form: vec![
                    ("action", "issue"),
                    ("result_kind", "paper"),
                    ("number", ""),
                ],
                json: json!({"action": "issue", "result": {"kind": "paper", "number": ""}}),
                stale: false,
                want: (StatusCode::UNPROCESSABLE_ENTITY, "result_number_required"),
            },
            Try {
                what: "an electronic certificate with no licence named",
                user: "head.scjg",
                case: approved,
                form: vec![
                    ("action", "issue"),
                    ("result_kind", "electronic"),
                    ("number", "E-1"),
                ],
                json: json!({"action": "issue", "result": {"kind": "electronic", "number": "E-1", "licence": ""}}),
                stale: false,
                want: (StatusCode::UNPROCESSABLE_ENTITY, "licence_required"),
            },
        ];
        for t in &tries {
            both_ways(&app, t).await;
        }
    }
}
