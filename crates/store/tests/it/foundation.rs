//! The foundation story on every configured backend: a fresh database gets
//! the defaults once; the catalog is versioned, validated and imported
//! atomically; loaded calendar years and units persist.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly on bad fixtures"
)]

use chrono::{NaiveDate, TimeZone, Utc};
use domain::calendar::parse_arrangements;
use domain::catalog::{
    Catalog, CatalogError, Category, Certificate, Level, Material, MaterialSource, Matter,
    MatterCode, OnlineDepth, WorkingDays,
};
use domain::unit::{Role, Unit, UnitCode, UnitKind, User};
use store::{Actor, StoreError, testing};

fn at(day: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, 9, 0, 0)
        .single()
        .expect("valid instant")
}

fn matter(code: &str, promised: u32) -> Matter {
    Matter {
        code: MatterCode::parse(code).unwrap(),
        name: "测试事项".into(),
        category: Category::License,
        unit: "qx".into(),
        levels: vec![Level::City, Level::Town],
        delegation: domain::catalog::Delegation::Direct,
        statutory_limit: WorkingDays(20),
        promised_limit: WorkingDays(promised),
        limit_source: "（十三）".into(),
        fee_charged: false,
        fee_note: "不收费".into(),
        legal_basis: "《中华人民共和国行政许可法》".into(),
        materials: vec![
            Material {
                name: "申请书".into(),
                required: true,
                core: true,
                source: MaterialSource::Applicant,
                certificate: None,
                note: String::new(),
            },
            Material {
                name: "场地使用证明".into(),
                required: false,
                core: false,
                source: MaterialSource::Applicant,
                certificate: Some("T-1".into()),
                note: String::new(),
            },
        ],
        commitment_allowed: true,
        deficiency_allowed: true,
        applicants: domain::catalog::ApplicantTypes::Both,
        online_depth: OnlineDepth::FullyOnline,
        mobile: true,
        self_service: false,
        max_visits: 0,
        agency: true,
        steps: vec![],
        keywords: vec!["测试".into()],
        description: String::new(),
    }
}

fn certificate(code: &str) -> Certificate {
    Certificate {
        code: code.into(),
        name: "场地使用证明".into(),
        issuer: "栖霞市自然资源和规划局".into(),
        basis: "测试".into(),
    }
}

#[tokio::test]
async fn fresh_database_gets_defaults_once() {
    for db in testing::all().await {
        let s = &*db.store;
        let b = s.backend();
        let units = s.units().await.unwrap();
        let users = s.users().await.unwrap();
        let catalog = s.catalog().await.unwrap();
        let shipped = domain::defaults::catalog().unwrap();
        assert!(
            units.iter().any(|u| u.kind == UnitKind::County),
            "{b}: the county is loaded"
        );
        assert_eq!(units.len(), domain::defaults::units().unwrap().len(), "{b}");
        assert_eq!(
            catalog.matters.len(),
            shipped.matters.len(),
            "{b}: every shipped matter is loaded"
        );
        assert_eq!(
            catalog.certificates.len(),
            shipped.certificates.len(),
            "{b}"
        );

        // A second open of the same database (as a second command would) adds nothing.
        let again = store::open(&db.url, at(2)).await.unwrap();
        assert!(
            !again.seed_defaults(at(2)).await.unwrap(),
            "{b}: defaults load only once"
        );
        assert_eq!(again.units().await.unwrap().len(), units.len(), "{b}");
        assert_eq!(again.users().await.unwrap().len(), users.len(), "{b}");
        assert_eq!(
            again.catalog().await.unwrap(),
            catalog,
            "{b}: nothing duplicated or changed"
        );
    }
}

/// The store's matter heads, checked against the code and version of each
/// matter `matters()` returns (what the catalog cache relies on).
async fn heads_agree_with_matters(s: &dyn store::Store, b: &str) -> Vec<(String, u32)> {
    let mut heads = s.matter_heads().await.unwrap();
    heads.sort();
    let mut read: Vec<_> = s
        .matters()
        .await
        .unwrap()
        .into_iter()
        .map(|v| (v.matter.code.as_str().to_owned(), v.version))
        .collect();
    read.sort();
    assert_eq!(heads, read, "{b}");
    heads
}

#[tokio::test]
async fn editing_a_published_matter_makes_a_new_version() {
    for db in testing::all().await {
        let s = &*db.store;
        let b = s.backend();
        s.import_catalog(
            &Catalog {
                certificates: vec![certificate("T-1")],
                matters: vec![],
            },
            &Actor::system(),
            at(1),
        )
        .await
        .unwrap();
        let code = MatterCode::parse("T-MATTER-1").unwrap();

        let v1 = s
            .put_matter(&matter("T-MATTER-1", 5), &Actor::system(), at(1))
            .await
            .unwrap();
        assert_eq!(v1.version, 1, "{b}");
        let same = s
            .put_matter(&matter("T-MATTER-1", 5), &Actor::system(), at(2))
            .await
            .unwrap();
        assert_eq!(same.version, 1, "{b}: an identical save writes nothing");
        let heads_v1 = heads_agree_with_matters(s, b).await;
        assert!(heads_v1.contains(&("T-MATTER-1".to_owned(), 1)), "{b}");

        let v2 = s
            .put_matter(&matter("T-MATTER-1", 3), &Actor::system(), at(3))
            .await
            .unwrap();
        assert_eq!(v2.version, 2, "{b}");
        let heads_v2 = heads_agree_with_matters(s, b).await;
        assert!(heads_v2.contains(&("T-MATTER-1".to_owned(), 2)), "{b}");
        assert_ne!(heads_v1, heads_v2, "{b}: a new version changes the heads");
        assert_eq!(
            s.matter(&code, None).await.unwrap().matter.promised_limit,
            WorkingDays(3),
            "{b}"
        );
        let old = s.matter(&code, Some(1)).await.unwrap();
        assert_eq!(
            old.matter.promised_limit,
            WorkingDays(5),
            "{b}: version 1 never changes"
        );
        assert_eq!(old.published_at, at(1), "{b}");
        let versions = s.matter_versions(&code).await.unwrap();
        assert_eq!(
            versions.iter().map(|v| v.version).collect::<Vec<_>>(),
            vec![1, 2],
            "{b}"
        );
        assert!(
            matches!(s.matter(&code, Some(9)).await, Err(StoreError::NotFound(_))),
            "{b}"
        );
    }
}

#[tokio::test]
async fn a_certificate_off_the_list_is_refused_and_nothing_is_written() {
    for db in testing::all().await {
        let s = &*db.store;
        let b = s.backend();
        let before = s.catalog().await.unwrap();
        let err = s
            .put_matter(&matter("T-MATTER-2", 5), &Actor::system(), at(1))
            .await
            .unwrap_err();
        let StoreError::Catalog(CatalogError::Invalid(problems)) = err else {
            panic!("{b}: wrong error {err:?}")
        };
        assert!(
            problems.iter().any(|p| p.field == "证明编码"
                && p.message.contains("T-1")
                && p.message.contains("不在证明事项清单")),
            "{b}: {problems:?}"
        );
        assert_eq!(s.catalog().await.unwrap(), before, "{b}");

        // A material named 证明 without a list code is refused too.
        let mut m = matter("T-MATTER-2", 5);
        m.materials[1].certificate = None;
        assert!(
            matches!(
                s.put_matter(&m, &Actor::system(), at(1)).await,
                Err(StoreError::Catalog(_))
            ),
            "{b}"
        );
    }
}

#[tokio::test]
async fn an_import_with_a_bad_matter_changes_nothing() {
    for db in testing::all().await {
        let s = &*db.store;
        let b = s.backend();
        let before = s.catalog().await.unwrap();
        let mut bad = matter("T-BAD", 30);
        bad.unit = "no-such-unit".into();
        let import = Catalog {
            certificates: vec![certificate("T-1")],
            matters: vec![matter("T-GOOD", 5), bad],
        };
        let err = s
            .import_catalog(&import, &Actor::system(), at(1))
            .await
            .unwrap_err();
        let StoreError::Catalog(CatalogError::Invalid(problems)) = err else {
            panic!("{b}: wrong error {err:?}")
        };
        let fields: Vec<_> = problems
            .iter()
            .filter(|p| p.code == "T-BAD")
            .map(|p| p.field.as_str())
            .collect();
        assert!(
            fields.contains(&"责任单位") && fields.contains(&"承诺时限"),
            "{b}: every problem listed: {problems:?}"
        );
        assert_eq!(
            s.catalog().await.unwrap(),
            before,
            "{b}: neither the certificate nor the good matter was written"
        );

        let good = Catalog {
            certificates: vec![certificate("T-1")],
            matters: vec![matter("T-GOOD", 5)],
        };
        let report = s
            .import_catalog(&good, &Actor::system(), at(2))
            .await
            .unwrap();
        assert_eq!((report.certificates, report.new_matters), (1, 1), "{b}");
        let report = s
            .import_catalog(&good, &Actor::system(), at(3))
            .await
            .unwrap();
        assert_eq!(
            (report.certificates, report.new_matters, report.unchanged),
            (0, 0, 1),
            "{b}: re-import is idempotent"
        );
    }
}

#[tokio::test]
async fn loaded_calendar_years_units_and_users_persist() {
    for db in testing::all().await {
        let s = &*db.store;
        let b = s.backend();
        let years = parse_arrangements(
            r#"
[[years]]
year = 2027
notice = "测试通知"
makeup_workdays = [2027-02-06]
[[years.holidays]]
name = "春节"
from = 2027-02-05
to = 2027-02-05
"#,
        )
        .unwrap();
        s.put_calendar_year(&years[0], &Actor::system(), at(1))
            .await
            .unwrap();
        s.put_calendar_year(&years[0], &Actor::system(), at(2))
            .await
            .unwrap();
        assert_eq!(
            s.calendar_years().await.unwrap(),
            years,
            "{b}: loading a year twice keeps one"
        );
        assert_eq!(
            years[0].makeup_workdays,
            vec![NaiveDate::from_ymd_opt(2027, 2, 6).unwrap()]
        );

        let town = s
            .units()
            .await
            .unwrap()
            .into_iter()
            .find(|u| u.kind == UnitKind::Town)
            .expect("a town");
        let village = Unit {
            code: UnitCode::parse("t-village").unwrap(),
            name: "测试村".into(),
            kind: UnitKind::Village,
            parent: Some(town.code.clone()),
            example: true,
        };
        let admin = store::Actor {
            username: "admin".into(),
            unit: "qx".into(),
        };
        s.put_unit(&village, &admin, at(1)).await.unwrap();
        let misplaced = Unit {
            parent: Some(UnitCode::parse("qx").unwrap()),
            ..village.clone()
        };
        assert!(
            matches!(
                s.put_unit(&misplaced, &admin, at(1)).await,
                Err(StoreError::Invalid(_))
            ),
            "{b}: a village sits under a town"
        );
        let user = User {
            username: "t.clerk".into(),
            display_name: "测试".into(),
            unit: village.code.clone(),
            role: Role::WindowClerk,
        };
        s.put_user(&user, &admin, at(1)).await.unwrap();
        assert!(s.users().await.unwrap().contains(&user), "{b}");
        // A change of role is audited with who made it, before and after.
        let promoted = User {
            role: Role::Supervisor,
            ..user.clone()
        };
        s.put_user(&promoted, &admin, at(2)).await.unwrap();
        let records = s.audit_records(0, 100_000).await.unwrap();
        let changes: Vec<_> = records
            .iter()
            .filter(|r| r.entity == "user" && r.entity_id == "t.clerk")
            .collect();
        assert_eq!(changes.len(), 2, "{b}: {changes:?}");
        let last = changes[1];
        assert_eq!(last.actor, "admin", "{b}");
        let before: serde_json::Value =
            serde_json::from_str(last.before.as_deref().unwrap()).unwrap();
        let after: serde_json::Value =
            serde_json::from_str(last.after.as_deref().unwrap()).unwrap();
        assert_eq!(before["role"], "window_clerk", "{b}");
        assert_eq!(after["role"], "supervisor", "{b}");
        assert!(changes[0].before.is_none(), "{b}: a new user has no before");
        assert!(
            records
                .iter()
                .any(|r| r.entity == "unit" && r.entity_id == "t-village" && r.actor == "admin"),
            "{b}: the new unit is audited"
        );
        assert_eq!(s.verify_audit().await.unwrap().first_bad, None, "{b}");
        let user = promoted;
        let stray = User {
            unit: UnitCode::parse("nowhere").unwrap(),
            ..user
        };
        assert!(
            matches!(
                s.put_user(&stray, &admin, at(1)).await,
                Err(StoreError::NotFound(_))
            ),
            "{b}"
        );
    }
}

#[tokio::test]
async fn published_versions_cannot_be_changed_even_behind_the_store() {
    let db = testing::sqlite().await;
    let one = Catalog {
        certificates: vec![certificate("T-1")],
        matters: vec![matter("T-MATTER-3", 5)],
    };
    db.store
        .import_catalog(&one, &Actor::system(), at(1))
        .await
        .unwrap();
    let conn = rusqlite::Connection::open(&db.url).unwrap();
    let err = conn
        .execute("UPDATE matter_versions SET name = 'x'", [])
        .unwrap_err();
    assert!(err.to_string().contains("never change"), "{err}");
    assert!(conn.execute("DELETE FROM matter_versions", []).is_err());
}

/// Writes arriving together share a commit on SQLite (group commit); each
/// still succeeds or fails alone: a failing one leaves no trace, the others
/// are all kept.
#[tokio::test]
async fn concurrent_writes_succeed_or_fail_alone() {
    for db in testing::all().await {
        let b = db.store.backend();
        let town = db
            .store
            .units()
            .await
            .unwrap()
            .into_iter()
            .find(|u| u.kind == UnitKind::Town)
            .unwrap();
        let mut tasks = Vec::new();
        for i in 0..40 {
            let store = db.store.clone();
            let unit = if i % 10 == 7 {
                UnitCode::parse("no-such-unit").unwrap()
            } else {
                town.code.clone()
            };
            tasks.push(tokio::spawn(async move {
                let user = User {
                    username: format!("t.burst{i}"),
                    display_name: "测试".into(),
                    unit,
                    role: Role::WindowClerk,
                };
                store.put_user(&user, &store::Actor::system(), at(1)).await
            }));
        }
        let mut ok = 0;
        for (i, t) in tasks.into_iter().enumerate() {
            match t.await.unwrap() {
                Ok(()) => ok += 1,
                Err(e) => assert!(
                    i % 10 == 7 && matches!(e, StoreError::NotFound(_)),
                    "{b}: write {i}: {e}"
                ),
            }
        }
        assert_eq!(ok, 36, "{b}");
        let users = db.store.users().await.unwrap();
        let burst: Vec<_> = users
            .iter()
            .filter(|u| u.username.starts_with("t.burst"))
            .collect();
        assert_eq!(burst.len(), 36, "{b}: every good write kept, no bad one");
        assert!(burst.iter().all(|u| u.unit == town.code), "{b}");
    }
}
