//! The `onewindow` binary as a user runs it: calendar answers, catalog
//! search, Excel round trip through a real file, and a demo start that can
//! be repeated. Each test works on its own data directory.
#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

use std::path::Path;
use std::process::{Command, Output};

fn onewindow(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_onewindow"))
        .args(args)
        .env("ONEWINDOW_DATA_DIR", data)
        .env_remove("ONEWINDOW_DATABASE_URL")
        .env_remove("ONEWINDOW_CONFIG")
        .output()
        .expect("the binary runs")
}

fn stdout_ok(data: &Path, args: &[&str]) -> String {
    let out = onewindow(data, args);
    assert!(
        out.status.success(),
        "onewindow {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[test]
fn calendar_answers_match_the_official_arrangements() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cases = [
        (vec!["add", "2026-02-12", "5"], "2026-02-26"),
        (vec!["add", "2026-09-30", "3"], "2026-10-10"),
        (vec!["add", "2025-12-31", "2"], "2026-01-05"),
        (vec!["add", "2026-04-30", "20"], "2026-06-01"),
        (vec!["count", "2026-01-01", "2026-12-31"], "248"),
        (vec!["add", "2026-12-28", "10"], "2027-01-11 provisional"),
        (vec!["is-workday", "2026-02-14"], "yes"),
        (vec!["is-workday", "2026-10-01"], "no"),
        (vec!["is-workday", "2030-01-07"], "yes provisional"),
    ];
    for (args, want) in cases {
        let mut full = vec!["calendar"];
        full.extend(&args);
        assert_eq!(stdout_ok(d, &full).trim(), want, "calendar {args:?}");
    }
}

#[test]
fn loading_a_year_makes_its_deadlines_exact() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let file = d.join("2027.toml");
    std::fs::write(
        &file,
        "[[years]]\nyear = 2027\nnotice = \"测试：2027年安排\"\nmakeup_workdays = []\n\
         [[years.holidays]]\nname = \"元旦\"\nfrom = 2027-01-01\nto = 2027-01-03\n",
    )
    .unwrap();
    assert_eq!(
        stdout_ok(d, &["calendar", "add", "2026-12-28", "10"]).trim(),
        "2027-01-11 provisional"
    );
    assert!(stdout_ok(d, &["calendar", "load", file.to_str().unwrap()]).contains("2027"));
    assert_eq!(
        stdout_ok(d, &["calendar", "add", "2026-12-28", "10"]).trim(),
        "2027-01-12",
        "2027-01-01 is now a day off"
    );
    assert!(stdout_ok(d, &["calendar", "years"]).contains("2027\t测试：2027年安排"));

    // A broken file is refused in Chinese and changes nothing.
    std::fs::write(
        &file,
        "[[years]]\nyear = 2028\nnotice = \"x\"\nmakeup_workdays = [2028-01-03]\n",
    )
    .unwrap();
    let out = onewindow(d, &["calendar", "load", file.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("周一"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!stdout_ok(d, &["calendar", "years"]).contains("2028"));
}

#[test]
fn demo_start_twice_neither_fails_nor_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let first = stdout_ok(d, &["demo", "--no-serve"]);
    let second = stdout_ok(d, &["demo", "--no-serve"]);
    assert!(
        first.starts_with("已生成"),
        "the first start makes demo cases: {first}"
    );
    assert!(
        !second.contains("已生成"),
        "the second start makes none: {second}"
    );
    assert_eq!(
        first.lines().skip(1).collect::<Vec<_>>(),
        second.lines().collect::<Vec<_>>(),
        "and sees exactly what the first left"
    );
    let matters = domain::defaults::catalog().unwrap().matters.len();
    assert!(first.contains(&format!("事项 {matters} 个")), "{first}");
    let list = stdout_ok(d, &["catalog", "list"]);
    assert_eq!(list.lines().count(), matters);

    // Every state and every SLA status is there for a new user to look at.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let db = d.join("onewindow.db").display().to_string();
    runtime.block_on(async {
        let store = store::open(&db, chrono::Utc::now()).await.unwrap();
        for state in domain::case::CaseState::ALL {
            let filter = store::CaseFilter {
                state: Some(*state),
                ..Default::default()
            };
            assert!(
                !store.list_cases(&filter).await.unwrap().is_empty(),
                "no demo case is {}",
                state.label_zh()
            );
        }
        let today = app::service::shanghai_today(chrono::Utc::now());
        let counts = store.sla_counts(today, None).await.unwrap();
        assert!(
            counts.normal > 0 && counts.warning > 0 && counts.overdue > 0 && counts.paused > 0,
            "{counts:?}"
        );
        let mut visits = 0;
        for hall in ["zgb", "guanli", "cuiping"] {
            let v = store.visits(hall, 500).await.unwrap();
            assert!(
                v.iter().all(|v| v.case_id.is_some()),
                "每事必接: a window case leaves its visit"
            );
            visits += v.len();
        }
        assert!(visits > 0, "window cases record their visits");
        // 放权: every demo case was accepted at a hall of a level its matter lists.
        let units = store.units().await.unwrap();
        let every = store::CaseFilter {
            limit: Some(500),
            ..Default::default()
        };
        for record in store.list_cases(&every).await.unwrap() {
            // 服务对象: no company applies for 结婚登记, no citizen for an
            // enterprise's 变更登记.
            let m = store
                .matter(&record.case.matter, None)
                .await
                .unwrap()
                .matter;
            let enterprise = matches!(
                record.case.applicant,
                domain::case::Applicant::Enterprise { .. }
            );
            assert!(
                m.admits(enterprise),
                "{} applied for by {}",
                m.name,
                record.case.applicant.name()
            );
            let Some(_) = record.case.accepted_on else {
                continue;
            };
            let kind = units
                .iter()
                .find(|u| u.code.as_str() == record.intake_unit)
                .map(|u| u.kind)
                .unwrap();
            let matter = store
                .matter(&record.case.matter, None)
                .await
                .unwrap()
                .matter;
            assert!(
                matter.levels.contains(&domain::case::level_of(kind)),
                "{} accepted at {}",
                record.case.matter.as_str(),
                record.intake_unit
            );
        }
        assert!(
            !store.broken_commitments().await.unwrap().is_empty(),
            "a broken 容缺 commitment is recorded"
        );
    });
}

#[test]
fn audit_verify_names_a_record_edited_behind_the_application() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    stdout_ok(d, &["demo", "--no-serve"]);
    assert!(stdout_ok(d, &["audit", "verify"]).contains("审计日志完好"));

    let conn = rusqlite::Connection::open(d.join("onewindow.db")).unwrap();
    assert!(
        conn.execute(
            "UPDATE audit_log SET actor = 'intruder' WHERE seq = 150",
            []
        )
        .is_err(),
        "append-only"
    );
    conn.execute_batch("DROP TRIGGER audit_log_no_update")
        .unwrap();
    conn.execute(
        "UPDATE audit_log SET actor = 'intruder' WHERE seq = 150",
        [],
    )
    .unwrap();
    drop(conn);
    let out = onewindow(d, &["audit", "verify"]);
    assert!(!out.status.success(), "a broken chain fails the command");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("第 150 条记录"), "{text}");
}

#[test]
fn catalog_round_trips_through_an_excel_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let before = stdout_ok(d, &["catalog", "list"]);
    let file = d.join("目录.xlsx");
    stdout_ok(d, &["catalog", "export", file.to_str().unwrap()]);
    let report = stdout_ok(d, &["catalog", "import", file.to_str().unwrap()]);
    assert!(
        report.contains("新增事项 0，新版本 0"),
        "re-importing an export changes nothing: {report}"
    );
    assert_eq!(stdout_ok(d, &["catalog", "list"]), before);

    // Not a workbook at all: a clear error, nothing changed.
    std::fs::write(&file, b"not a spreadsheet").unwrap();
    let out = onewindow(d, &["catalog", "import", file.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).trim().is_empty());
    assert_eq!(stdout_ok(d, &["catalog", "list"]), before);
}

#[test]
fn search_finds_business_registration_and_social_insurance() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let catalog = domain::defaults::catalog().unwrap();
    let name_of = |line: &str| line.split('\t').nth(2).unwrap_or_default().to_owned();

    let hits = stdout_ok(d, &["catalog", "search", "营业执照"]);
    let top = name_of(hits.lines().next().unwrap_or_default());
    let top_matter = catalog
        .matters
        .iter()
        .find(|m| m.name == top)
        .expect("top hit is a matter");
    assert!(
        top_matter.name.contains("营业执照")
            || top_matter.name.contains("登记")
            || top_matter.keywords.iter().any(|k| k == "营业执照"),
        "营业执照 → {hits}"
    );

    let hits = stdout_ok(d, &["catalog", "search", "社保"]);
    let first = name_of(hits.lines().next().unwrap_or_default());
    assert!(
        first.contains("社会保险") || first.contains("社保") || first.contains("养老"),
        "社保 → {hits}"
    );

    let none = stdout_ok(d, &["catalog", "search", "量子引力波"]);
    assert!(none.contains("没有找到"), "{none}");
}

#[test]
fn config_prints_defaults_and_redacts_passwords() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_onewindow"))
        .args(["config"])
        .env("ONEWINDOW_DATA_DIR", dir.path())
        .env(
            "ONEWINDOW_DATABASE_URL",
            "postgres://ow:s3cret@db.example/ow",
        )
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("postgres://ow:***@db.example/ow"), "{text}");
    assert!(!text.contains("s3cret"));
}

#[test]
fn open311_keys_are_printed_once_and_kept_hashed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    let key = stdout_ok(d, &["open311", "key", "create", "city-app"]);
    let key = key.trim();
    assert!(key.len() >= 32, "a long random key: {key}");
    let again = onewindow(d, &["open311", "key", "create", "city-app"]);
    assert!(!again.status.success(), "a name is used once");
    assert!(String::from_utf8_lossy(&again.stderr).contains("已被使用"));
    let needle = key.as_bytes();
    for file in ["onewindow.db", "onewindow.db-wal"] {
        let bytes = std::fs::read(d.join(file)).unwrap_or_default();
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "the key itself is not stored in {file}"
        );
    }
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let name = rt.block_on(async {
        let url = d.join("onewindow.db").display().to_string();
        let store = store::open(&url, chrono::Utc::now()).await.expect("store");
        store
            .open311_key(&app::http::auth::hash_token(key))
            .await
            .expect("found by hash")
    });
    assert_eq!(name, "city-app");
}
