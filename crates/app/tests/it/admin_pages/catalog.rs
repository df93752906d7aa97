//! Catalog editing: a saved form publishes a new version while the old one
//! stays as it was; an untouched form publishes nothing; a certificate off
//! the list is refused next to its row; new matters; the certificate list.

use axum::http::StatusCode;
use domain::catalog::MatterCode;

use super::html_form::{form_fields, set};
use super::support::apps;

const CODE: &str = "QX-SCJG-001";

#[tokio::test]
async fn editing_a_matter_publishes_version_2_and_version_1_stays_as_it_was() {
    for app in apps().await {
        let bk = app.backend;
        let admin = app.login("admin").await;
        let code = MatterCode::parse(CODE).unwrap();
        let v1 = app.store.matter(&code, None).await.unwrap();
        assert_eq!(v1.version, 1, "[{bk}]");

        let page = app.get(&admin, &format!("/admin/catalog/{CODE}")).await;
        page.expect(
            StatusCode::OK,
            &[&v1.matter.name, "第 1 版", "保存并发布新版本"],
        );
        let mut fields = form_fields(&page.text, &format!("/admin/catalog/{CODE}"));
        set(&mut fields, "name", "企业设立登记（一网通办）");
        set(&mut fields, "promised_limit", "1");
        set(&mut fields, "op", "publish");
        app.post(&admin, &format!("/admin/catalog/{CODE}"), &fields)
            .await
            .expect(
                StatusCode::OK,
                &["已发布第 2 版", "企业设立登记（一网通办）"],
            );

        let versions = app.store.matter_versions(&code).await.unwrap();
        assert_eq!(versions.len(), 2, "[{bk}]");
        assert_eq!(versions[0], v1, "[{bk}] version 1 must not change");
        let v2 = &versions[1].matter;
        assert_eq!(v2.name, "企业设立登记（一网通办）", "[{bk}]");
        assert_eq!(v2.promised_limit.get(), 1, "[{bk}]");
        // Everything not edited is carried over exactly.
        let mut expected = v1.matter.clone();
        expected.name = v2.name.clone();
        expected.promised_limit = v2.promised_limit;
        assert_eq!(v2, &expected, "[{bk}]");

        app.get(&admin, &format!("/admin/catalog/{CODE}/versions/1"))
            .await
            .expect(
                StatusCode::OK,
                &[&v1.matter.name, "第 1 版", "当前版本为第 2 版"],
            )
            .lacks(&["企业设立登记（一网通办）"]);
        app.get(&admin, &format!("/admin/catalog/{CODE}/versions/2"))
            .await
            .expect(StatusCode::OK, &["企业设立登记（一网通办）"]);
        app.get(&admin, &format!("/admin/catalog/{CODE}/versions/3"))
            .await
            .expect(StatusCode::NOT_FOUND, &["没有这个事项或这个版本"]);
        app.get(&admin, "/admin/catalog")
            .await
            .expect(StatusCode::OK, &["企业设立登记（一网通办）", "第 2 版"]);
    }
}

#[tokio::test]
async fn saving_any_untouched_form_publishes_nothing() {
    for app in apps().await {
        let bk = app.backend;
        let supervisor = app.login("supervisor").await;
        let before = app.store.matters().await.unwrap();
        for v in &before {
            let path = format!("/admin/catalog/{}", v.matter.code);
            let page = app.get(&supervisor, &path).await;
            let mut fields = form_fields(&page.text, &path);
            set(&mut fields, "op", "publish");
            let saved = app.post(&supervisor, &path, &fields).await;
            assert_eq!(
                saved.status,
                StatusCode::OK,
                "[{bk}] {}: {}",
                v.matter.code,
                saved.text
            );
            assert!(
                saved.text.contains("内容与第 1 版相同，未发布新版本"),
                "[{bk}] {} got a new version:\n{}",
                v.matter.code,
                saved.text
            );
        }
        assert_eq!(app.store.matters().await.unwrap(), before, "[{bk}]");
    }
}

#[tokio::test]
async fn a_certificate_off_the_list_is_refused_next_to_its_row() {
    for app in apps().await {
        let bk = app.backend;
        let admin = app.login("admin").await;
        let path = format!("/admin/catalog/{CODE}");
        let page = app.get(&admin, &path).await;
        let mut fields = form_fields(&page.text, &path);
        // The empty row at the end becomes a certificate not on the list.
        let rows = fields
            .iter()
            .filter(|(k, _)| k.ends_with(".name") && k.starts_with('m'))
            .count();
        let last = rows - 1;
        set(&mut fields, &format!("m{last}.name"), "个人收入证明");
        set(&mut fields, &format!("m{last}.certificate"), "ZM-999");
        set(&mut fields, "promised_limit", "999");
        set(&mut fields, "op", "publish");
        let refused = app.post(&admin, &path, &fields).await;
        let message =
            "材料“个人收入证明”要求的证明“ZM-999”不在证明事项清单上，清单之外一律不得索要证明";
        refused.expect(
            StatusCode::UNPROCESSABLE_ENTITY,
            &[message, "未发布", "承诺时限"],
        );
        // The message sits in the row right after the material's own row.
        let cell = refused
            .text
            .find("value=\"ZM-999\"")
            .expect("the typed code is kept");
        let next_row = refused.text[cell..].find(&format!("name=\"m{}.name\"", last + 1));
        let at = refused.text[cell..]
            .find(message)
            .expect("message after the row");
        assert!(
            next_row.is_none_or(|n| at < n),
            "[{bk}] the message is not next to its row"
        );
        assert_eq!(
            app.store
                .matter_versions(&MatterCode::parse(CODE).unwrap())
                .await
                .unwrap()
                .len(),
            1,
            "[{bk}] nothing is published"
        );
    }
}

#[tokio::test]
async fn a_new_matter_is_published_as_version_1() {
    for app in apps().await {
        let bk = app.backend;
        let admin = app.login("admin").await;
        let page = app.get(&admin, "/admin/catalog/new").await;
        page.expect(StatusCode::OK, &["新增事项", "发布第 1 版"]);
        let mut fields = form_fields(&page.text, "/admin/catalog/new");
        // An existing code is refused.
        set(&mut fields, "code", CODE);
        set(&mut fields, "name", "测试事项");
        set(&mut fields, "unit", "scjg");
        set(&mut fields, "op", "publish");
        app.post(&admin, "/admin/catalog/new", &fields)
            .await
            .expect(
                StatusCode::UNPROCESSABLE_ENTITY,
                &["事项编码“QX-SCJG-001”已存在"],
            );
        // Another empty row, then a material in it.
        set(&mut fields, "code", "QX-TEST-001");
        set(&mut fields, "op", "add_row");
        let more = app.post(&admin, "/admin/catalog/new", &fields).await;
        more.expect(StatusCode::OK, &["name=\"m1.name\""]);
        let mut fields = form_fields(&more.text, "/admin/catalog/new");
        set(&mut fields, "m1.name", "申请书");
        set(&mut fields, "op", "publish");
        app.post(&admin, "/admin/catalog/new", &fields)
            .await
            .expect(StatusCode::OK, &["已发布第 1 版", "测试事项"]);
        let v = app
            .store
            .matter(&MatterCode::parse("QX-TEST-001").unwrap(), None)
            .await
            .unwrap();
        assert_eq!(v.version, 1, "[{bk}]");
        assert_eq!(v.matter.unit, "scjg", "[{bk}]");
        let names: Vec<&str> = v.matter.materials.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["申请书"], "[{bk}] empty rows are left out");
    }
}

#[tokio::test]
async fn the_certificate_list_is_kept_on_its_page() {
    for app in apps().await {
        let bk = app.backend;
        let supervisor = app.login("supervisor").await;
        app.get(&supervisor, "/admin/certificates")
            .await
            .expect(StatusCode::OK, &["证明事项清单", "ZM-004"]);
        app.post(
            &supervisor,
            "/admin/certificates",
            &[
                ("code", "ZM-900"),
                ("name", "个人收入证明"),
                ("issuer", "所在单位"),
                ("basis", "测试依据"),
            ],
        )
        .await
        .expect(
            StatusCode::OK,
            &["已保存证明“个人收入证明”（ZM-900）", "所在单位"],
        );
        let edit = app
            .get(&supervisor, "/admin/certificates?edit=ZM-900")
            .await;
        edit.expect(
            StatusCode::OK,
            &["修改证明 ZM-900", "value=\"个人收入证明\""],
        );
        app.post(
            &supervisor,
            "/admin/certificates",
            &[
                ("code", "ZM-900"),
                ("name", "个人收入情况证明"),
                ("issuer", "所在单位"),
                ("basis", ""),
            ],
        )
        .await
        .expect(StatusCode::OK, &["已保存证明“个人收入情况证明”（ZM-900）"]);
        app.post(
            &supervisor,
            "/admin/certificates",
            &[("code", "坏 编码"), ("name", ""), ("issuer", "")],
        )
        .await
        .expect(
            StatusCode::UNPROCESSABLE_ENTITY,
            &[
                "证明编码只能使用字母、数字和 - _ .",
                "请填写证明名称",
                "请填写开具单位",
            ],
        );
        let list = app.store.certificates().await.unwrap();
        let entry = list.iter().find(|c| c.code == "ZM-900").unwrap();
        assert_eq!(entry.name, "个人收入情况证明", "[{bk}]");
        assert!(!list.iter().any(|c| c.code == "坏 编码"), "[{bk}]");
    }
}
