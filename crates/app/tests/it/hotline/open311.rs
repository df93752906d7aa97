//! Open311 GeoReport v2 against the spec's own examples
//! (wiki.open311.org/GeoReport_v2): the service list and a definition, a
//! POST with the spec's example parameters, GET requests with its filters
//! and default 90-day window, one request, and errors as the spec's array
//! of {code, description} with 400, 403 and 404.

use app::http::auth::hash_token;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{TimeZone, Utc};
use domain::hotline::TicketAction;
use serde_json::{Value, json};
use store::Actor;

use super::flow::{access, labour_complaint};
use super::support::{StaffApp, apps, d, form_body};

const KEY: &str = "xyz-test-key";

async fn json_of(app: &StaffApp, req: Request<Body>) -> (StatusCode, Value) {
    let page = app.send(req).await;
    let body = serde_json::from_str(&page.text).unwrap_or(Value::Null);
    (page.status, body)
}

async fn get(app: &StaffApp, uri: &str) -> (StatusCode, Value) {
    json_of(app, Request::get(uri).body(Body::empty()).unwrap()).await
}

async fn post(app: &StaffApp, fields: &[(&str, &str)]) -> (StatusCode, Value) {
    post_to(app, "/open311/v2/requests.json", fields).await
}

async fn post_to(app: &StaffApp, uri: &str, fields: &[(&str, &str)]) -> (StatusCode, Value) {
    let req = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form_body(fields)))
        .unwrap();
    json_of(app, req).await
}

async fn with_key(app: &StaffApp) {
    let admin = Actor {
        username: "admin".into(),
        unit: "qx".into(),
    };
    app.state
        .services
        .store
        .put_open311_key("city-app", &hash_token(KEY), &admin, Utc::now())
        .await
        .unwrap();
}

/// The spec's example POST, with our service code and a phone number that is
/// one here (the spec's `111111111` is refused as `invalid_phone`, as at the
/// hotline and at registration).
fn spec_example(key: &str) -> Vec<(&str, &str)> {
    vec![
        ("api_key", key),
        ("jurisdiction_id", "city.gov"),
        ("service_code", "complaint"),
        ("lat", "37.76524078"),
        ("long", "-122.4212043"),
        ("address_string", "1234 5th street"),
        ("email", "smit333@sfgov.edu"),
        ("device_id", "tt222111"),
        ("account_id", "123456"),
        ("first_name", "john"),
        ("last_name", "smith"),
        ("phone", "13900000000"),
        ("description", "A large sinkhole is destroying the street"),
        ("media_url", "http://tinyurl.com/bmw33nc"),
    ]
}

#[tokio::test]
async fn services_are_the_ticket_types() {
    for app in apps(d(3, 2)).await {
        let (status, list) = get(&app, "/open311/v2/services.json").await;
        assert_eq!(status, StatusCode::OK);
        let list = list.as_array().unwrap();
        assert_eq!(list.len(), 5);
        let complaint = list
            .iter()
            .find(|s| s["service_code"] == "complaint")
            .unwrap();
        for field in [
            "service_code",
            "service_name",
            "description",
            "metadata",
            "type",
            "keywords",
            "group",
        ] {
            assert!(
                complaint.get(field).is_some(),
                "services.json lacks {field}"
            );
        }
        assert_eq!(complaint["service_name"], "投诉");
        assert_eq!(complaint["type"], "realtime");
        let (status, def) = get(&app, "/open311/v2/services/complaint.json").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(def["service_code"], "complaint");
        let attr = &def["attributes"][0];
        for field in [
            "variable",
            "code",
            "datatype",
            "required",
            "datatype_description",
            "order",
            "description",
        ] {
            assert!(attr.get(field).is_some(), "attribute lacks {field}");
        }
        let (status, err) = get(&app, "/open311/v2/services/pothole.json").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(err[0]["code"], 404);
        assert!(err[0]["description"].is_string());
    }
}

#[tokio::test]
async fn the_spec_example_post_files_a_ticket_that_reads_back() {
    for app in apps(d(3, 2)).await {
        with_key(&app).await;
        let b = app.backend;
        // The spec's own phone number is not one: refused, nothing filed.
        let mut literal = spec_example(KEY);
        literal.retain(|(k, _)| *k != "phone");
        literal.push(("phone", "111111111"));
        let (status, refused) = post(&app, &literal).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{b}: {refused}");
        assert!(
            refused[0]["description"]
                .as_str()
                .unwrap()
                .starts_with("invalid_phone: ")
        );
        let (status, made) = post(&app, &spec_example(KEY)).await;
        assert_eq!(status, StatusCode::OK, "{b}: {made}");
        let made = made.as_array().unwrap();
        assert_eq!(made.len(), 1);
        let id = made[0]["service_request_id"].as_i64().unwrap();
        assert_eq!(made[0]["account_id"], "123456");
        assert!(
            made[0]["service_notice"]
                .as_str()
                .unwrap()
                .contains("5个工作日内办结")
        );
        let (status, one) = get(&app, &format!("/open311/v2/requests/{id}.json")).await;
        assert_eq!(status, StatusCode::OK);
        let r = &one[0];
        assert_eq!(r["service_request_id"], id);
        assert_eq!(r["status"], "open");
        assert_eq!(r["service_code"], "complaint");
        assert_eq!(
            r["description"],
            "A large sinkhole is destroying the street"
        );
        assert_eq!(r["address"], "1234 5th street");
        assert_eq!(r["media_url"], "http://tinyurl.com/bmw33nc");
        assert_eq!(r["lat"], json!(37.76524078));
        assert_eq!(r["long"], json!(-122.4212043));
        assert_eq!(r["requested_datetime"], "2026-03-02T09:00:00+08:00");
        assert_eq!(
            r["expected_datetime"],
            Value::Null,
            "no clock before dispatch"
        );
        for field in [
            "status_notes",
            "agency_responsible",
            "service_notice",
            "updated_datetime",
            "media_url",
        ] {
            assert!(r.get(field).is_some(), "request lacks {field}");
        }
        // The hotline dispatches it: the agency and the expected time appear.
        let hotline = access(&app, "hotline").await;
        let dispatch = TicketAction::Dispatch {
            lead_unit: "rsj".into(),
            co_units: vec![],
        };
        app.state
            .services
            .ticket_act(&hotline, id, None, dispatch)
            .await
            .unwrap();
        let (_, one) = get(&app, &format!("/open311/v2/requests/{id}.json")).await;
        assert_eq!(one[0]["agency_responsible"], "栖霞市人力资源和社会保障局");
        assert_eq!(one[0]["expected_datetime"], "2026-03-09T23:59:59+08:00");
    }
}

#[tokio::test]
async fn a_missing_or_wrong_key_is_403_in_the_spec_format() {
    for app in apps(d(3, 2)).await {
        with_key(&app).await;
        let (status, err) = post(&app, &spec_example("wrong")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(
            err,
            json!([{"code": 403, "description": "api_key is not valid"}])
        );
        let mut fields = spec_example(KEY);
        fields.retain(|(k, _)| *k != "api_key");
        let (status, err) = post(&app, &fields).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(err[0]["code"], 403);
        let (_, list) = get(&app, "/open311/v2/requests.json").await;
        assert_eq!(list, json!([]), "nothing was filed");
    }
}

#[tokio::test]
async fn the_key_may_come_in_the_query_string_as_georeport_clients_send_it() {
    for app in apps(d(3, 2)).await {
        with_key(&app).await;
        let mut fields = spec_example(KEY);
        fields.retain(|(k, _)| *k != "api_key");
        let uri = format!("/open311/v2/requests.json?api_key={KEY}");
        let (status, created) = post_to(&app, &uri, &fields).await;
        assert_eq!(status, StatusCode::OK, "{created}");
        assert!(created[0]["service_request_id"].is_i64(), "{created}");
        let (status, _) = post_to(&app, "/open311/v2/requests.json?api_key=wrong", &fields).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn bad_parameters_are_400() {
    for app in apps(d(3, 2)).await {
        with_key(&app).await;
        let cases: [(&str, Option<&str>); 4] = [
            ("service_code", Some("pothole")),
            ("service_code", None),
            ("description", None),
            ("lat", Some("north")),
        ];
        for (field, value) in cases {
            let mut fields = spec_example(KEY);
            fields.retain(|(k, _)| *k != field);
            if let Some(v) = value {
                fields.push((field, v));
            }
            let (status, err) = post(&app, &fields).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{field}={value:?}: {err}");
            assert_eq!(err[0]["code"], 400);
        }
        let mut nowhere = spec_example(KEY);
        nowhere.retain(|(k, _)| !matches!(*k, "lat" | "long" | "address_string"));
        assert_eq!(post(&app, &nowhere).await.0, StatusCode::BAD_REQUEST);
        assert_eq!(
            get(&app, "/open311/v2/requests.json?status=pending")
                .await
                .0,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            get(&app, "/open311/v2/requests.json?start_date=yesterday")
                .await
                .0,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            get(&app, "/open311/v2/requests/999999.json").await.0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            get(&app, "/open311/v2/requests/1.xml").await.0,
            StatusCode::NOT_FOUND
        );
    }
}

#[tokio::test]
async fn requests_are_filtered_as_the_spec_says() {
    for app in apps(d(3, 2)).await {
        with_key(&app).await;
        let s = &app.state.services;
        let hotline = access(&app, "hotline").await;
        // A phone call: listed, but the caller's words stay private.
        let call = s
            .register_ticket(&hotline, labour_complaint())
            .await
            .unwrap()
            .record
            .id;
        let (_, filed) = post(&app, &spec_example(KEY)).await;
        let filed = filed[0]["service_request_id"].as_i64().unwrap();
        let merge = TicketAction::MergeInto { ticket: call };
        s.ticket_act(&hotline, filed, None, merge).await.unwrap();
        let (_, all) = get(&app, "/open311/v2/requests.json").await;
        assert_eq!(all.as_array().unwrap().len(), 2);
        let phone = all
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["service_request_id"] == call)
            .unwrap();
        assert_eq!(phone["description"], Value::Null);
        let (_, closed) = get(&app, "/open311/v2/requests.json?status=closed").await;
        assert_eq!(closed[0]["service_request_id"], filed);
        assert_eq!(closed[0]["status_notes"], format!("已并入工单 {call}"));
        let (_, open) = get(
            &app,
            "/open311/v2/requests.json?status=open&service_code=complaint,help",
        )
        .await;
        assert_eq!(open.as_array().unwrap().len(), 1);
        let (_, none) = get(&app, "/open311/v2/requests.json?service_code=suggestion").await;
        assert_eq!(none, json!([]));
        // The spec's example range (2010) holds nothing; ids ignore every other filter.
        let (_, old) = get(&app, "/open311/v2/requests.json?start_date=2010-05-24T00:00:00Z&end_date=2010-06-24T00:00:00Z&status=open").await;
        assert_eq!(old, json!([]));
        let (_, by_id) = get(&app, &format!("/open311/v2/requests.json?service_request_id={call},{filed}&status=open&start_date=2010-05-24T00:00:00Z")).await;
        assert_eq!(by_id.as_array().unwrap().len(), 2);
        // 91 days later both fall outside the default 90-day window.
        app.clock
            .set(Utc.with_ymd_and_hms(2026, 6, 2, 2, 0, 0).unwrap());
        let (_, later) = get(&app, "/open311/v2/requests.json").await;
        assert_eq!(later, json!([]));
    }
}
