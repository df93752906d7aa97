//! Units and users: adding a unit to the tree, refusals in Chinese, a staff
//! account that can sign in, role and unit changes, password resets and
//! disabling.

use axum::http::StatusCode;
use domain::unit::{Role, UnitKind};

use super::support::apps;

#[tokio::test]
async fn an_admin_adds_a_village_under_a_town() {
    for app in apps().await {
        let bk = app.backend;
        let admin = app.login("admin").await;
        app.get(&admin, "/admin/units").await.expect(
            StatusCode::OK,
            &["单位树", "栖霞市", "观里镇", "部门", "村"],
        );
        let page = app
            .post(
                &admin,
                "/admin/units",
                &[
                    ("code", "guanli.xinzhuang"),
                    ("name", "观里镇新庄村"),
                    ("kind", "village"),
                    ("parent", "guanli"),
                    ("example", "on"),
                ],
            )
            .await;
        page.expect(
            StatusCode::OK,
            &["已添加单位“观里镇新庄村”（guanli.xinzhuang）"],
        );
        // In the tree, under its town, marked as an example.
        let row_at = page
            .text
            .find("观里镇新庄村 <span class=\"badge\">示例</span>");
        assert!(row_at.is_some(), "[{bk}] {}", page.text);
        let units = app.store.units().await.unwrap();
        let added = units
            .iter()
            .find(|u| u.code.as_str() == "guanli.xinzhuang")
            .unwrap();
        assert_eq!(added.kind, UnitKind::Village, "[{bk}]");
        assert_eq!(added.parent.as_ref().unwrap().as_str(), "guanli", "[{bk}]");
        assert!(added.example, "[{bk}]");
    }
}

#[tokio::test]
async fn a_bad_unit_is_refused_in_chinese_and_nothing_is_added() {
    for app in apps().await {
        let bk = app.backend;
        let admin = app.login("admin").await;
        let before = app.store.units().await.unwrap().len();
        app.post(
            &admin,
            "/admin/units",
            &[
                ("code", "新 单位"),
                ("name", "某村"),
                ("kind", "village"),
                ("parent", "guanli"),
            ],
        )
        .await
        .expect(
            StatusCode::UNPROCESSABLE_ENTITY,
            &["单位编码“新 单位”无效：只能使用字母、数字和 - _ .，长度 1–64"],
        );
        // A village cannot sit under a department: the store says so.
        app.post(
            &admin,
            "/admin/units",
            &[
                ("code", "scjg.village"),
                ("name", "某村"),
                ("kind", "village"),
                ("parent", "scjg"),
            ],
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY, &["不能隶属于"]);
        // A code in use would rename another unit: refused.
        app.post(
            &admin,
            "/admin/units",
            &[
                ("code", "guanli"),
                ("name", "改名"),
                ("kind", "town"),
                ("parent", "qx"),
            ],
        )
        .await
        .expect(
            StatusCode::UNPROCESSABLE_ENTITY,
            &["单位编码“guanli”已被使用"],
        );
        app.post(
            &admin,
            "/admin/units",
            &[("code", "x1"), ("kind", ""), ("parent", "")],
        )
        .await
        .expect(
            StatusCode::UNPROCESSABLE_ENTITY,
            &["请填写单位名称", "请选择单位类型", "请选择上级单位"],
        );
        assert_eq!(app.store.units().await.unwrap().len(), before, "[{bk}]");
    }
}

#[tokio::test]
async fn a_staff_account_made_by_the_admin_can_sign_in_and_is_managed_there() {
    for app in apps().await {
        let bk = app.backend;
        let admin = app.login("admin").await;
        let fields = [
            ("username", "clerk.new"),
            ("display_name", "宋佳"),
            ("unit", "guanli"),
            ("role", "window_clerk"),
        ];
        // A short password is refused next to its field; nothing is made.
        let mut short = fields.to_vec();
        short.push(("password", "short"));
        app.post(&admin, "/admin/users", &short)
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY, &["密码至少 8 位"]);
        assert!(app.store.account("clerk.new").await.is_err(), "[{bk}]");
        let mut good = fields.to_vec();
        good.push(("password", "songjia-2026"));
        app.post(&admin, "/admin/users", &good)
            .await
            .expect(StatusCode::OK, &["已创建账号 clerk.new（宋佳，窗口人员）"]);
        // Taken usernames are refused.
        app.post(&admin, "/admin/users", &good)
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY, &["该用户名已被使用"]);
        let list = app.get(&admin, "/admin/users").await;
        list.expect(
            StatusCode::OK,
            &["clerk.new", "宋佳", "窗口人员", "观里镇", "可登录"],
        );

        // The new clerk signs in through the login page and lands on the window.
        let res = app.try_login("clerk.new", "songjia-2026").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "[{bk}] {}", res.text);
        assert_eq!(
            res.header(axum::http::header::LOCATION),
            "/window",
            "[{bk}]"
        );

        // Made an approver of 市场监管局, the account acts for that unit.
        app.post(
            &admin,
            "/admin/users/clerk.new",
            &[
                ("display_name", "宋佳"),
                ("unit", "scjg"),
                ("role", "approver"),
            ],
        )
        .await
        .expect(StatusCode::OK, &["已保存：宋佳，审批人员"]);
        let account = app.store.account("clerk.new").await.unwrap();
        assert_eq!(account.user.role, Role::Approver, "[{bk}]");
        assert_eq!(account.user.unit.as_str(), "scjg", "[{bk}]");

        // A reset password replaces the old one.
        app.post(
            &admin,
            "/admin/users/clerk.new/password",
            &[("password", "new-password-9")],
        )
        .await
        .expect(StatusCode::OK, &["密码已重置"]);
        let old = app.try_login("clerk.new", "songjia-2026").await;
        assert_eq!(old.status, StatusCode::UNAUTHORIZED, "[{bk}]");
        let session = app.session_of("clerk.new", "new-password-9").await;
        // Signed in as an approver: the calendar page is refused, not a login.
        let before = app.get(&session, "/admin/calendar").await;
        assert_eq!(before.status, StatusCode::FORBIDDEN, "[{bk}]");

        // Disabled, the account's session ends and it cannot sign in.
        app.post(
            &admin,
            "/admin/users/clerk.new/disabled",
            &[("disabled", "1")],
        )
        .await
        .expect(StatusCode::OK, &["账号已停用"]);
        let after = app.get(&session, "/admin/calendar").await;
        assert_eq!(
            after.status,
            StatusCode::SEE_OTHER,
            "[{bk}] the session should have ended"
        );
        let refused = app.try_login("clerk.new", "new-password-9").await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "[{bk}]");
        app.get(&admin, "/admin/users")
            .await
            .expect(StatusCode::OK, &["已停用"]);
        app.post(
            &admin,
            "/admin/users/clerk.new/disabled",
            &[("disabled", "0")],
        )
        .await
        .expect(StatusCode::OK, &["账号已启用"]);
        app.session_of("clerk.new", "new-password-9").await;
    }
}

#[tokio::test]
async fn an_admin_cannot_lock_themselves_out() {
    for app in apps().await {
        let bk = app.backend;
        let admin = app.login("admin").await;
        app.post(&admin, "/admin/users/admin/disabled", &[("disabled", "1")])
            .await
            .expect(StatusCode::OK, &["不能停用自己的账号"]);
        app.post(
            &admin,
            "/admin/users/admin",
            &[
                ("display_name", "系统管理员"),
                ("unit", "qx"),
                ("role", "supervisor"),
            ],
        )
        .await
        .expect(
            StatusCode::UNPROCESSABLE_ENTITY,
            &["不能取消自己的管理员角色"],
        );
        let account = app.store.account("admin").await.unwrap();
        assert_eq!(account.user.role, Role::Admin, "[{bk}]");
        assert!(!account.disabled, "[{bk}]");
    }
}
