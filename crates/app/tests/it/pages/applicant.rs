//! The applicant's pages: applying online with file uploads (limits, types
//! by content, a refused file says why and nothing is stored), my cases
//! (only the account's own), and supplying 容缺 materials.

use axum::http::StatusCode;
use chrono::Utc;
use domain::case::{Action, CaseState, Channel};
use domain::unit::{Role, UnitCode, User};
use sha2::{Digest, Sha256};
use store::{Actor, CaseFilter, NewAccount};

use super::support::{Browser, Page, PageApp, d, page_apps, paths, person};

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";
const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F'];
/// 食品经营许可: materials 0, 2, 3 must come; 4 is non-core (容缺); 5 optional; 1 is fetched.
const MATTER: &str = "QX-SCJG-007";

/// The text fields of an application by an applicant whose account has no identifier.
fn fields<'a>(idem: &'a str, id_number: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("idem", idem),
        ("matter_version", "1"),
        ("applicant_kind", "person"),
        ("applicant_name", "张伟"),
        ("applicant_id", id_number),
    ]
}

fn sha(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn case_count(app: &PageApp) -> usize {
    app.state
        .services
        .store
        .list_cases(&CaseFilter::default())
        .await
        .unwrap()
        .len()
}

fn uploads_empty(app: &PageApp) -> bool {
    let dir = app.data_dir.path().join("uploads");
    !dir.exists() || std::fs::read_dir(dir).unwrap().next().is_none()
}

/// The case id a successful submission redirects to.
fn submitted_id(page: &Page) -> i64 {
    assert_eq!(page.status, StatusCode::SEE_OTHER, "page:\n{}", page.text);
    let location = page.header("location");
    let id = location
        .strip_prefix("/mine/")
        .and_then(|rest| rest.strip_suffix("?submitted=1"))
        .unwrap_or_else(|| panic!("unexpected redirect {location}"));
    id.parse().unwrap()
}

/// Applies for 食品经营许可 with the three must-have files (not the 容缺 one).
async fn apply(app: &PageApp, b: &Browser, idem: &str) -> Page {
    app.post_multipart(
        b,
        &paths::apply(MATTER),
        &fields(idem, "11010519491231002X"),
        &[
            ("file_0", "申请书.pdf", "application/pdf", PDF),
            ("file_2", "布局图.png", "image/png", PNG),
            ("file_3", "制度.JPG", "image/jpeg", JPEG),
        ],
    )
    .await
}

#[tokio::test]
async fn the_form_asks_for_what_the_applicant_provides() {
    for app in page_apps(d(3, 2)).await {
        let b = app.sign_in("zhangwei").await;
        let page = app.get_as(&b, &paths::apply(MATTER)).await;
        page.expect(
            StatusCode::OK,
            &[
                "在线申请：食品经营许可",
                "enctype=\"multipart/form-data\"",
                &format!("name=\"csrf\" value=\"{}\"", b.csrf),
                "name=\"file_0\"",
                "食品经营许可申请书",
                "name=\"file_4\"",
                "可容缺",
                "name=\"file_5\"",
                "非必需",
                "每个文件不超过 10 MB，仅限 PDF、JPG/JPEG、PNG、OFD 格式",
                // The account has no identifier: the form asks.
                "name=\"applicant_name\"",
                "name=\"applicant_id\"",
                // Fetched by the platform, not asked for.
                "营业执照（电子证照（免提交））",
            ],
        )
        .lacks(&["name=\"file_1\""]);

        // A registered applicant's identity comes from the account.
        let store = &app.state.services.store;
        store
            .create_account(
                &NewAccount {
                    user: User {
                        username: "li.ming".into(),
                        display_name: "李明".into(),
                        unit: UnitCode::parse("qx").unwrap(),
                        role: Role::Applicant,
                    },
                    password_hash: None,
                    applicant_id: Some("11010519491231002X".into()),
                    phone: Some("13800000000".into()),
                },
                &Actor::system(),
                Utc::now(),
            )
            .await
            .unwrap();
        let li = app.sign_in("li.ming").await;
        app.get_as(&li, &paths::apply(MATTER))
            .await
            .expect(
                StatusCode::OK,
                &["李明", "110105********002X", "申请人信息取自您的账号"],
            )
            .lacks(&["name=\"applicant_id\""]);
        let id = submitted_id(
            &app.post_multipart(
                &li,
                &paths::apply(MATTER),
                &[("idem", "li-1"), ("matter_version", "1")],
                &[
                    ("file_0", "a.pdf", "application/pdf", PDF),
                    ("file_2", "b.pdf", "application/pdf", PDF),
                    ("file_3", "c.pdf", "application/pdf", PDF),
                ],
            )
            .await,
        );
        let case = store.case(id).await.unwrap();
        assert_eq!(case.case.applicant.name(), "李明");
        assert_eq!(case.case.applicant.identifier(), "11010519491231002X");

        // Not for staff, not for window-only or unknown matters, not without signing in.
        let clerk = app.sign_in("clerk").await;
        app.get_as(&clerk, &paths::apply(MATTER))
            .await
            .expect(StatusCode::FORBIDDEN, &["不能使用此页面"]);
        app.get_as(&b, &paths::apply("QX-ZRJ-004"))
            .await
            .expect(StatusCode::NOT_FOUND, &["窗口办理"]);
        app.get_as(&b, &paths::apply("QX-NOPE-1"))
            .await
            .expect(StatusCode::NOT_FOUND, &["事项不存在"]);
        let anon = app.get(&paths::apply(MATTER)).await;
        assert_eq!(anon.status, StatusCode::SEE_OTHER);
        assert!(
            anon.header("location").starts_with("/login"),
            "{}",
            anon.header("location")
        );
    }
}

#[tokio::test]
async fn refused_files_say_why_and_nothing_is_stored() {
    for app in page_apps(d(3, 2)).await {
        let b = app.sign_in("zhangwei").await;
        let mut big = b"%PDF-1.7\n".to_vec();
        big.resize(10 * 1024 * 1024 + 1, b'0');
        let page = app
            .post_multipart(
                &b,
                &paths::apply(MATTER),
                &fields("bad-1", "11010519491231002X"),
                &[
                    (
                        "file_0",
                        "申请书.exe",
                        "application/octet-stream",
                        b"MZ\x90\x00",
                    ),
                    (
                        "file_2",
                        "布局图.pdf",
                        "application/pdf",
                        b"<html>not a pdf</html>",
                    ),
                    ("file_3", "制度.pdf", "application/pdf", &big),
                    ("file_4", "人员.pdf", "application/pdf", PNG),
                ],
            )
            .await;
        page.expect(
            StatusCode::UNPROCESSABLE_ENTITY,
            &[
                "本次提交未保存任何内容",
                "不支持“申请书.exe”的文件类型：只接受 PDF、JPG/JPEG、PNG、OFD 格式",
                "文件内容不是有效的 PDF 文件",
                "文件过大（10.0 MB），每个文件不能超过 10 MB",
                "文件扩展名是 PDF，内容却是 PNG",
            ],
        );
        // Each reason sits with its material.
        let at = |s: &str| page.text.find(s).unwrap();
        assert!(
            at("name=\"file_0\"") < at("申请书.exe") && at("申请书.exe") < at("name=\"file_2\"")
        );
        assert!(at("name=\"file_3\"") < at("文件过大") && at("文件过大") < at("name=\"file_4\""));
        assert_eq!(case_count(&app).await, 0, "[{}]", app.backend);
        assert!(uploads_empty(&app), "[{}] nothing written", app.backend);

        // A missing must-have file and a bad ID number are refused too; the good files are not kept.
        let page = app
            .post_multipart(
                &b,
                &paths::apply(MATTER),
                &fields("bad-2", "110105194912310021"),
                &[("file_0", "申请书.pdf", "application/pdf", PDF)],
            )
            .await;
        page.expect(
            StatusCode::UNPROCESSABLE_ENTITY,
            &["请上传此材料", "校验位错误"],
        );
        assert_eq!(
            page.text.matches("请上传此材料").count(),
            2,
            "file_2 and file_3; the 容缺 one may wait"
        );
        assert_eq!(case_count(&app).await, 0);
        assert!(uploads_empty(&app));
    }
}

#[tokio::test]
async fn a_valid_application_opens_an_online_case_with_its_files() {
    for app in page_apps(d(3, 2)).await {
        let store = &app.state.services.store;
        let b = app.sign_in("zhangwei").await;
        let id = submitted_id(&apply(&app, &b, "ok-1").await);

        let record = store.case(id).await.unwrap();
        assert_eq!(record.applicant_user.as_deref(), Some("zhangwei"));
        assert_eq!(record.case.channel, Channel::Online);
        assert_eq!(record.case.state, CaseState::Submitted);
        assert_eq!(record.intake_unit, "zgb");

        let files = store.attachments(id).await.unwrap();
        assert_eq!(files.len(), 3, "[{}]", app.backend);
        let pdf = &files[0].file;
        assert_eq!(pdf.material, "食品经营许可申请书");
        assert_eq!(pdf.file_name, "申请书.pdf");
        assert_eq!(pdf.content_type, "application/pdf");
        assert_eq!(pdf.size, PDF.len() as i64);
        assert_eq!(pdf.sha256, sha(PDF));
        assert_eq!(pdf.stored_path, format!("uploads/{id}/{}", sha(PDF)));
        assert_eq!(
            std::fs::read(app.data_dir.path().join(&pdf.stored_path)).unwrap(),
            PDF
        );
        assert_eq!(files[1].file.content_type, "image/png");
        assert_eq!(files[2].file.content_type, "image/jpeg");
        assert!(files.iter().all(|f| f.uploaded_by == "zhangwei"));

        // The same form sent twice (a double click) makes one case.
        assert_eq!(submitted_id(&apply(&app, &b, "ok-1").await), id);
        assert_eq!(case_count(&app).await, 1);
        assert_eq!(store.attachments(id).await.unwrap().len(), 3);

        let page = app
            .get_as(&b, &format!("{}?submitted=1", paths::mine_case(id)))
            .await;
        page.expect(
            StatusCode::OK,
            &[
                "申请已提交",
                &record.receipt_no,
                "食品经营许可",
                "待预审",
                "提交网上申请",
                "申请书.pdf",
                "布局图.png",
                "制度.JPG",
            ],
        );
        // The form carries no CSRF token: refused before anything is read.
        let stranger = super::support::Browser {
            cookie: b.cookie.clone(),
            csrf: "wrong".into(),
        };
        app.post_multipart(
            &stranger,
            &paths::apply(MATTER),
            &fields("ok-2", "11010519491231002X"),
            &[],
        )
        .await
        .expect(StatusCode::FORBIDDEN, &[]);
        assert_eq!(case_count(&app).await, 1);
    }
}

#[tokio::test]
async fn those_who_judge_the_materials_open_each_file_and_nobody_else_can() {
    for app in page_apps(d(3, 2)).await {
        let store = &app.state.services.store;
        let zhang = app.sign_in("zhangwei").await;
        let id = submitted_id(&apply(&app, &zhang, "f-1").await);
        let files = store.attachments(id).await.unwrap();
        let pdf = &files[0];
        let at = |base: &str| format!("{base}/{id}/files/{}", pdf.id);

        // 预审: the checklist names each material, where it stands and each
        // file with its type, size, SHA-256 and who uploaded it.
        let clerk = app.sign_in("clerk").await;
        app.get_as(&clerk, &format!("/window/review/{id}"))
            .await
            .expect(
                StatusCode::OK,
                &[
                    "申请材料",
                    "食品经营许可申请书",
                    "核心要件",
                    &format!("href=\"{}\"", at("/cases")),
                    "申请书.pdf",
                    "PDF",
                    &pdf.file.sha256,
                    "张伟 于",
                    "请逐一打开核对",
                ],
            );
        // The PDF opens in the browser, as uploaded.
        let opened = app.get_as(&clerk, &at("/cases")).await;
        assert_eq!(opened.status, StatusCode::OK, "[{}]", app.backend);
        assert_eq!(opened.headers["content-type"], "application/pdf");
        let disposition = opened.headers["content-disposition"].to_str().unwrap();
        assert!(disposition.starts_with("inline;"), "{disposition}");
        assert!(
            disposition.contains("UTF-8''%E7%94%B3%E8%AF%B7%E4%B9%A6%2Epdf"),
            "{disposition}"
        );
        assert_eq!(opened.headers["x-content-type-options"], "nosniff");
        assert_eq!(opened.bytes, PDF);

        // The approvers of the reviewing units see the same checklist on the
        // case page, and open the file.
        let approver = app.sign_in("approver.scjg").await;
        app.get_as(&approver, &format!("/cases/{id}")).await.expect(
            StatusCode::OK,
            &["申请材料", &at("/cases"), &pdf.file.sha256],
        );
        assert_eq!(
            app.get_as(&approver, &at("/cases")).await.status,
            StatusCode::OK
        );
        // The applicant opens their own from 我的办件.
        app.get_as(&zhang, &paths::mine_case(id))
            .await
            .expect(StatusCode::OK, &[&at("/mine"), "申请书.pdf"]);
        assert_eq!(app.get_as(&zhang, &at("/mine")).await.bytes, PDF);
        // Outside the case's scope a file is not found, as one that is not there.
        for (who, path) in [
            ("wangfang", at("/mine")),
            ("clerk.guanli", at("/cases")),
            ("approver.zjj", at("/cases")),
        ] {
            let b = app.sign_in(who).await;
            let page = app.get_as(&b, &path).await;
            assert_eq!(
                page.status,
                StatusCode::NOT_FOUND,
                "[{}] {who}",
                app.backend
            );
            assert!(!page.bytes.starts_with(b"%PDF"), "{who}");
        }
        let missing = format!("/cases/{id}/files/{}", pdf.id + 100);
        assert_eq!(
            app.get_as(&clerk, &missing).await.status,
            StatusCode::NOT_FOUND
        );
    }
}

#[tokio::test]
async fn my_cases_are_only_mine() {
    for app in page_apps(d(3, 2)).await {
        let zhang = app.sign_in("zhangwei").await;
        let wang = app.sign_in("wangfang").await;
        let mine = submitted_id(&apply(&app, &zhang, "z-1").await);
        let hers = submitted_id(&apply(&app, &wang, "w-1").await);
        let window = app
            .window_case("QX-RSJ-005", person("张伟"))
            .await
            .record
            .id;
        let store = &app.state.services.store;
        let mine_no = store.case(mine).await.unwrap().receipt_no;
        let hers_no = store.case(hers).await.unwrap().receipt_no;
        let window_no = store.case(window).await.unwrap().receipt_no;

        let page = app.get_as(&zhang, paths::MINE).await;
        page.expect(
            StatusCode::OK,
            &["我的办件", &mine_no, "待预审", "食品经营许可"],
        )
        .lacks(&[&hers_no, &window_no]);
        app.get_as(&wang, paths::MINE)
            .await
            .expect(StatusCode::OK, &[&hers_no])
            .lacks(&[&mine_no]);

        // Someone else's case, or one opened at a window, is simply not found.
        for id in [hers, window, 999_999] {
            app.get_as(&zhang, &paths::mine_case(id))
                .await
                .expect(StatusCode::NOT_FOUND, &["办件不存在"])
                .lacks(&[&hers_no, &window_no]);
            app.get_as(&zhang, &paths::supplement(id))
                .await
                .expect(StatusCode::NOT_FOUND, &[]);
        }
        // Staff have their own pages; visitors sign in first.
        let clerk = app.sign_in("clerk").await;
        app.get_as(&clerk, paths::MINE)
            .await
            .expect(StatusCode::FORBIDDEN, &[]);
        let anon = app.get(paths::MINE).await;
        assert_eq!(anon.status, StatusCode::SEE_OTHER);
    }
}

#[tokio::test]
async fn deficiency_materials_are_supplied_from_my_cases() {
    for app in page_apps(d(3, 2)).await {
        let store = &app.state.services.store;
        let b = app.sign_in("zhangwei").await;
        let id = submitted_id(&apply(&app, &b, "s-1").await);
        // Nothing owed yet: the supplement form sends the applicant back.
        let page = app.get_as(&b, &paths::supplement(id)).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);

        // 预审 accepts it with the non-core material missing (容缺受理).
        let clerk = Actor {
            username: "clerk".into(),
            unit: "zgb".into(),
        };
        let missing = "食品安全管理人员信息".to_owned();
        app.state
            .services
            .act(
                &clerk,
                id,
                None,
                Action::AcceptWithDeficiency {
                    missing: vec![missing.clone()],
                    supplement_by: d(3, 4),
                    commitments: vec![],
                },
            )
            .await
            .unwrap();

        let page = app.get_as(&b, paths::MINE).await;
        page.expect(
            StatusCode::OK,
            &[
                "审查中",
                "容缺材料：食品安全管理人员信息，须于 2026-03-04 前补交",
                "sla-normal",
                "2026-03-05",
                &format!("href=\"/mine/{id}/supplement\""),
            ],
        );
        app.get_as(&b, &paths::mine_case(id))
            .await
            .expect(StatusCode::OK, &["容缺受理", "补交材料"]);
        let form = app.get_as(&b, &paths::supplement(id)).await;
        form.expect(
            StatusCode::OK,
            &["补交材料", "食品安全管理人员信息", "name=\"file_0\""],
        );
        let version = store.case(id).await.unwrap().version.to_string();

        // The staff case page is not the applicant's: it sends them to their
        // own, and its action refuses them; a bare click records nothing.
        let staff = app.get_as(&b, &format!("/cases/{id}")).await;
        assert_eq!(
            (staff.status, staff.location()),
            (StatusCode::SEE_OTHER, paths::mine_case(id).as_str())
        );
        let click = [
            ("action", "supplement"),
            ("version", version.as_str()),
            ("material", missing.as_str()),
        ];
        app.post_as(&b, &format!("/cases/{id}/act"), &click)
            .await
            .expect(StatusCode::FORBIDDEN, &["我的办件"]);
        assert_eq!(store.case(id).await.unwrap().version.to_string(), version);

        // A refused file changes nothing.
        app.post_multipart(
            &b,
            &paths::supplement(id),
            &[("version", &version)],
            &[(
                "file_0",
                "人员.docx",
                "application/octet-stream",
                b"PK\x03\x04",
            )],
        )
        .await
        .expect(
            StatusCode::UNPROCESSABLE_ENTITY,
            &["不支持“人员.docx”的文件类型"],
        );
        assert_eq!(store.case(id).await.unwrap().version.to_string(), version);
        assert_eq!(store.attachments(id).await.unwrap().len(), 3);

        // A good one records the supplement and keeps the file.
        app.clock.set_day(d(3, 3));
        let b = app.sign_in("zhangwei").await;
        let page = app
            .post_multipart(
                &b,
                &paths::supplement(id),
                &[("version", &version)],
                &[("file_0", "人员.pdf", "application/pdf", PDF)],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text);
        let case = store.case(id).await.unwrap().case;
        assert_eq!(case.deficiency.unwrap().supplied_on, Some(d(3, 3)));
        let files = store.attachments(id).await.unwrap();
        assert_eq!(files.len(), 4);
        assert_eq!(files[3].file.material, missing);
        app.get_as(&b, &format!("{}?supplied=1", paths::mine_case(id)))
            .await
            .expect(StatusCode::OK, &["材料已补交", "人员.pdf", "补交材料"])
            .lacks(&["须于 2026-03-04 前补交"]);
    }
}
