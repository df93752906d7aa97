//! Who may open which admin page: the table in `matrix.rs` walked on every
//! backend, plus CSRF, and escaping of what people type.

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};

use super::matrix::ADMIN_PAGE_MATRIX;
use super::support::{AdminApp, Session, apps, multipart};

/// The upload pages take multipart forms.
fn is_upload(path: &str) -> bool {
    path == "/admin/calendar" || path == "/admin/catalog/excel"
}

async fn request(app: &AdminApp, who: Option<&Session>, method: &str, path: &str) -> StatusCode {
    let mut req = Request::builder()
        .method(Method::from_bytes(method.as_bytes()).unwrap())
        .uri(path);
    if let Some(s) = who {
        req = req.header(header::COOKIE, format!("ow_session={}", s.cookie));
    }
    let csrf = who.map_or("", |s| s.csrf.as_str());
    let body = match method {
        "POST" if is_upload(path) => {
            let (content_type, body) = multipart(&[("csrf", csrf)], &[]);
            req = req.header(header::CONTENT_TYPE, content_type);
            Body::from(body)
        }
        "POST" => {
            req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            Body::from(format!("csrf={csrf}"))
        }
        _ => Body::empty(),
    };
    app.send(req.body(body).unwrap()).await.status
}

#[tokio::test]
async fn every_role_gets_exactly_the_admin_pages_it_may_use() {
    for app in apps().await {
        let bk = app.backend;
        let mut sessions: HashMap<&str, Session> = HashMap::new();
        for (who, _, _, _) in ADMIN_PAGE_MATRIX {
            if !who.is_empty() && !sessions.contains_key(who) {
                sessions.insert(who, app.login(who).await);
            }
        }
        let mut wrong = Vec::new();
        for (who, method, path, expected) in ADMIN_PAGE_MATRIX {
            let status = request(&app, sessions.get(who), method, path).await;
            if status.as_u16() != *expected {
                wrong.push(format!(
                    "{who} {method} {path}: {status}, expected {expected}"
                ));
            }
        }
        assert!(wrong.is_empty(), "[{bk}]\n{}", wrong.join("\n"));
    }
}

#[tokio::test]
async fn a_refused_page_says_why_in_chinese_and_a_post_without_the_token_changes_nothing() {
    for app in apps().await {
        let bk = app.backend;
        let clerk = app.login("clerk").await;
        app.get(&clerk, "/admin/users")
            .await
            .expect(StatusCode::FORBIDDEN, &["无权访问", "窗口人员"]);
        let admin = app.login("admin").await;
        let before = app.store.units().await.unwrap().len();
        let req = Request::post("/admin/units")
            .header(header::COOKIE, format!("ow_session={}", admin.cookie))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("code=x9&name=x&kind=village&parent=guanli"))
            .unwrap();
        app.send(req)
            .await
            .expect(StatusCode::FORBIDDEN, &["请求已失效"]);
        assert_eq!(app.store.units().await.unwrap().len(), before, "[{bk}]");
    }
}

#[tokio::test]
async fn what_people_type_is_escaped_on_every_admin_page() {
    for app in apps().await {
        let admin = app.login("admin").await;
        let evil = "<script>alert('x')</script>";
        app.post(
            &admin,
            "/admin/units",
            &[
                ("code", "evil.unit"),
                ("name", evil),
                ("kind", "village"),
                ("parent", "guanli"),
            ],
        )
        .await
        .expect(StatusCode::OK, &["&#60;script&#62;"])
        .lacks(&[evil]);
        app.post(
            &admin,
            "/admin/users",
            &[
                ("username", "evil.user"),
                ("display_name", evil),
                ("unit", "evil.unit"),
                ("role", "approver"),
                ("password", "long-enough-1"),
            ],
        )
        .await
        .expect(StatusCode::OK, &["&#60;script&#62;"])
        .lacks(&[evil]);
        app.get(&admin, "/admin/users/evil.user")
            .await
            .expect(StatusCode::OK, &["&#60;script&#62;"])
            .lacks(&[evil]);
        app.post(
            &admin,
            "/admin/certificates",
            &[
                ("code", "ZM-666"),
                ("name", evil),
                ("issuer", "\"><img src=x onerror=alert(1)>"),
                ("basis", evil),
            ],
        )
        .await
        .expect(StatusCode::OK, &["&#60;script&#62;"])
        .lacks(&[evil, "<img src=x"]);
        // Typed back into a refused form, still escaped.
        app.post(
            &admin,
            "/admin/units",
            &[
                ("code", "bad code"),
                ("name", evil),
                ("kind", "village"),
                ("parent", "guanli"),
            ],
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY, &["&#60;script&#62;"])
        .lacks(&[evil]);
        let calendar = app
            .post_multipart(&admin, "/admin/calendar", &[("toml", evil)], &[])
            .await;
        calendar
            .expect(StatusCode::UNPROCESSABLE_ENTITY, &["&#60;script&#62;"])
            .lacks(&[evil]);
    }
}
