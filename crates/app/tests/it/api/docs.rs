//! The OpenAPI document names every route the router serves, each
//! documented path answers, and the docs page renders them all.

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode, header};
use serde_json::Value;

use super::support::{apps, d};

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// (method, path) of every operation in the document.
fn documented(doc: &Value) -> BTreeSet<(String, String)> {
    let paths = doc["paths"].as_object().expect("paths");
    paths
        .iter()
        .flat_map(|(path, item)| {
            METHODS
                .iter()
                .filter(|m| item.get(**m).is_some())
                .map(move |m| (m.to_uppercase(), path.clone()))
        })
        .collect()
}

#[tokio::test]
async fn openapi_documents_every_route() {
    let app = apps(d(3, 2)).await.into_iter().next().expect("sqlite");
    let doc = app
        .send(Method::GET, "/api/openapi.json", None, None, &[])
        .await
        .expect(StatusCode::OK);
    let served: BTreeSet<(String, String)> = app::http::route_list()
        .into_iter()
        .map(|(m, p)| (m.to_string(), p.to_owned()))
        .collect();
    assert_eq!(
        documented(&doc),
        served,
        "the document and the router list the same routes"
    );
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );

    for (method, path) in documented(&doc) {
        let op = &doc["paths"][&path][method.to_lowercase()];
        assert!(
            op["summary"].as_str().is_some_and(|s| !s.is_empty()),
            "{method} {path} has a summary"
        );
        assert!(
            op["responses"].as_object().is_some_and(|r| !r.is_empty()),
            "{method} {path} has responses"
        );
        let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
        assert_eq!(
            secured,
            path.starts_with("/api/v1/"),
            "{method} {path}: token needed exactly under /api/v1"
        );

        // Every documented path is routed: without a token the API says 401
        // (an unknown path would be 404), the public routes answer 200.
        let uri = path.replace("{id}", "1").replace("{code}", "zgb");
        let body = (method == "POST").then(|| Value::Object(Default::default()));
        let m = Method::from_bytes(method.as_bytes()).expect("method");
        let r = app.send(m, &uri, None, body.as_ref(), &[]).await;
        let want = if secured {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::OK
        };
        assert_eq!(r.status, want, "{method} {uri}: {}", r.text);
    }
    let action = &doc["components"]["schemas"]["Action"];
    let names = action["properties"]["action"]["enum"]
        .as_array()
        .expect("action names");
    assert!(
        names.iter().any(|n| n == "accept_with_deficiency"),
        "{action}"
    );
    assert_eq!(
        action["examples"].as_array().map(Vec::len),
        Some(names.len()),
        "one example per action"
    );
}

#[tokio::test]
async fn the_docs_page_lists_every_path() {
    let app = apps(d(3, 2)).await.into_iter().next().expect("sqlite");
    let r = app.send(Method::GET, "/api/docs", None, None, &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    let ct = r
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(ct.starts_with("text/html"), "{ct}");
    let html = r.text;
    assert!(
        html.contains("接口列表") && html.contains("参数") && html.contains("响应"),
        "Chinese headings"
    );
    for (method, path) in app::http::route_list() {
        assert!(
            html.contains(&format!("<code>{method}</code> <code>{path}</code>")),
            "{method} {path} on the page"
        );
    }
    assert!(
        html.contains("Idempotency-Key") && html.contains("If-Match"),
        "header parameters listed"
    );
    assert!(!html.contains("<script"), "no script on the page");
    // Text from the document is escaped: the JSON error example shows as text.
    assert!(
        html.contains("&quot;") || html.contains("&lt;"),
        "escaped text"
    );
}

/// The document is valid OpenAPI 3, as a validator outside onewindow reads
/// it (openapi-spec-validator, from requirements-dev.txt), and names each
/// operation once.
#[tokio::test]
async fn the_document_is_valid_openapi_with_unique_operation_ids() {
    let app = apps(d(3, 2)).await.into_iter().next().expect("sqlite");
    let doc = app
        .send(Method::GET, "/api/openapi.json", None, None, &[])
        .await
        .expect(StatusCode::OK);
    let mut seen = BTreeSet::new();
    for (method, path) in documented(&doc) {
        let id = doc["paths"][&path][method.to_lowercase()]["operationId"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(!id.is_empty(), "{method} {path} has an operationId");
        assert!(
            seen.insert(id.clone()),
            "operationId {id} is used twice ({method} {path})"
        );
        let op = &doc["paths"][&path][method.to_lowercase()];
        let answers = |codes: &[&str]| {
            for code in codes {
                assert!(
                    op["responses"].get(*code).is_some(),
                    "{method} {path} lists its {code} answer"
                );
            }
        };
        answers(&["500"]);
        if op.get("requestBody").is_some() {
            answers(&["400", "413", "415"]);
        }
        if op["parameters"].as_array().is_some_and(|p| !p.is_empty()) {
            answers(&["400"]);
        }
        if op["security"].as_array().is_some_and(|s| !s.is_empty()) {
            answers(&["401"]);
        }
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, doc.to_string()).expect("write the document");
    let out = std::process::Command::new("python3")
        .args(["-m", "openapi_spec_validator"])
        .arg(&file)
        .output()
        .expect("python3 runs (pip install -r requirements-dev.txt)");
    assert!(
        out.status.success(),
        "openapi-spec-validator refuses the document (pip install -r requirements-dev.txt if it is missing):\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
