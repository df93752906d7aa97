//! Chinese full-text search over a small catalog built in code.

#![expect(clippy::unwrap_used, reason = "test helpers panic on bad fixtures")]

use domain::catalog::search::{Hit, SearchIndex};
use domain::catalog::{
    Category, Delegation, Level, Material, MaterialSource, Matter, MatterCode, OnlineDepth,
    WorkingDays,
};

fn material(name: &str) -> Material {
    Material {
        name: name.to_owned(),
        required: true,
        core: true,
        source: MaterialSource::Applicant,
        certificate: None,
        note: String::new(),
    }
}

fn matter(
    code: &str,
    name: &str,
    category: Category,
    keywords: &[&str],
    materials: &[&str],
    description: &str,
) -> Matter {
    Matter {
        code: MatterCode::parse(code).unwrap(),
        name: name.to_owned(),
        category,
        unit: "QX-SCJG".to_owned(),
        levels: vec![Level::City],
        delegation: Delegation::NotDelegated,
        statutory_limit: WorkingDays(20),
        promised_limit: WorkingDays(5),
        limit_source: String::new(),
        fee_charged: false,
        fee_note: String::new(),
        legal_basis: String::new(),
        materials: materials.iter().map(|m| material(m)).collect(),
        commitment_allowed: false,
        deficiency_allowed: false,
        applicants: domain::catalog::ApplicantTypes::Both,
        online_depth: OnlineDepth::FullyOnline,
        mobile: true,
        self_service: false,
        max_visits: 0,
        agency: false,
        steps: Vec::new(),
        keywords: keywords.iter().map(|k| (*k).to_owned()).collect(),
        description: description.to_owned(),
    }
}

fn catalog() -> Vec<Matter> {
    vec![
        matter(
            "QX-SCJG-001",
            "企业设立登记",
            Category::Confirmation,
            &["营业执照", "开公司"],
            &["公司登记申请书", "公司章程", "法定代表人身份证明"],
            "企业开办一日办结，营业执照与公章、发票同步发放。",
        ),
        matter(
            "QX-SCJG-002",
            "个体工商户登记",
            Category::Confirmation,
            &["个体户", "营业执照"],
            &["经营者居民身份证", "经营场所使用证明"],
            "个体工商户设立、变更、注销登记。",
        ),
        matter(
            "QX-SCJG-003",
            "食品经营许可",
            Category::License,
            &["开饭店", "餐饮"],
            &["营业执照", "食品安全管理制度", "经营场所平面图"],
            "从事食品销售和餐饮服务应当取得食品经营许可。",
        ),
        matter(
            "QX-RSJ-001",
            "社会保险参保登记",
            Category::PublicService,
            &["社保"],
            &["居民身份证", "劳动合同"],
            "用人单位和职工办理社会保险参保登记。",
        ),
        matter(
            "QX-YBJ-001",
            "城乡居民医疗保险参保",
            Category::PublicService,
            &["医保"],
            &["居民身份证", "户口簿"],
            "城乡居民基本医疗保险参保缴费。",
        ),
        matter(
            "QX-GJJ-001",
            "住房公积金提取",
            Category::PublicService,
            &["公积金"],
            &["居民身份证", "购房合同"],
            "购房、租房、退休等情形提取住房公积金。",
        ),
        matter(
            "QX-GDJ-001",
            "低压用电报装",
            Category::PublicService,
            &["接电", "电表"],
            &["居民身份证", "房屋产权证明"],
            "小微企业低压办电零上门、零审批、零投资。",
        ),
    ]
}

fn codes(hits: &[Hit]) -> Vec<&str> {
    hits.iter().map(|h| h.code.as_str()).collect()
}

fn index() -> SearchIndex {
    SearchIndex::build(&catalog())
}

#[test]
fn business_licence_finds_the_registration_matters_first() {
    let hits = index().search("营业执照", 10);
    let top: Vec<&str> = codes(&hits)[..2].to_vec();
    assert!(
        top.contains(&"QX-SCJG-001") && top.contains(&"QX-SCJG-002"),
        "{hits:?}"
    );
}

#[test]
fn part_of_a_word_matches_through_bigrams() {
    let hits = index().search("执照", 10);
    let top: Vec<&str> = codes(&hits)[..2].to_vec();
    assert!(
        top.contains(&"QX-SCJG-001") && top.contains(&"QX-SCJG-002"),
        "{hits:?}"
    );
}

#[test]
fn social_insurance_abbreviation_finds_social_insurance_first() {
    let hits = index().search("社保", 10);
    assert_eq!(codes(&hits)[0], "QX-RSJ-001", "{hits:?}");
}

#[test]
fn medical_insurance_abbreviation_finds_medical_insurance_first() {
    let hits = index().search("医保", 10);
    assert_eq!(codes(&hits)[0], "QX-YBJ-001", "{hits:?}");
}

#[test]
fn opening_a_restaurant_finds_the_food_licence_first() {
    let hits = index().search("开饭店", 10);
    assert_eq!(codes(&hits)[0], "QX-SCJG-003", "{hits:?}");
    let hits = index().search("我想开饭店，怎么办？", 10);
    assert_eq!(codes(&hits)[0], "QX-SCJG-003", "{hits:?}");
}

#[test]
fn provident_fund_withdrawal_finds_the_fund_matter_first() {
    let hits = index().search("公积金提取", 10);
    assert_eq!(codes(&hits)[0], "QX-GJJ-001", "{hits:?}");
    let hits = index().search("公积金 提取", 10);
    assert_eq!(codes(&hits)[0], "QX-GJJ-001", "{hits:?}");
}

#[test]
fn the_abbreviation_table_expands_without_a_keyword() {
    // 办电 is not a keyword of any matter; the table turns it into 用电.
    let hits = index().search("办电", 10);
    assert_eq!(codes(&hits)[0], "QX-GDJ-001", "{hits:?}");
}

#[test]
fn nonsense_and_empty_queries_find_nothing() {
    let index = index();
    assert!(index.search("量子纠缠望远镜", 10).is_empty());
    assert!(index.search("xyzzy", 10).is_empty());
    assert!(index.search("", 10).is_empty());
    assert!(index.search("  ，。！ ", 10).is_empty());
}

#[test]
fn limit_and_order_are_respected_and_repeatable() {
    let index = index();
    let all = index.search("居民身份证", 100);
    assert!(all.len() >= 4, "{all:?}");
    assert!(all.windows(2).all(|w| w[0].score >= w[1].score));
    assert_eq!(index.search("居民身份证", 2), all[..2].to_vec());
    assert_eq!(index.search("居民身份证", 100), all);
    assert!(index.search("居民身份证", 0).is_empty());
}

#[test]
fn full_width_and_code_queries_work() {
    let index = index();
    let hits = index.search("qx-gjj-001", 10);
    assert_eq!(codes(&hits)[0], "QX-GJJ-001", "{hits:?}");
    let hits = index.search("ＱＸ－ＧＪＪ－００１", 10);
    assert_eq!(codes(&hits)[0], "QX-GJJ-001", "{hits:?}");
    let hits = index.search("营业执照", 10);
    assert_eq!(codes(&index.search("营业　执照", 10)), codes(&hits));
}

#[test]
fn an_empty_catalog_finds_nothing() {
    assert!(SearchIndex::build(&[]).search("社保", 10).is_empty());
}

#[test]
fn stray_character_pairs_do_not_bury_the_answers() {
    let catalog = domain::defaults::catalog().unwrap();
    let index = SearchIndex::build(&catalog.matters);
    let codes: Vec<String> = index
        .search("营业执照", 200)
        .into_iter()
        .map(|h| h.code.to_string())
        .collect();
    assert_eq!(codes.first().map(String::as_str), Some("QX-SCJG-005"));
    assert!(codes.contains(&"QX-SCJG-001".to_owned()), "{codes:?}");
    // 用电报装 shares only the pair 业执 … with the query: left out.
    assert!(!codes.iter().any(|c| c.starts_with("QX-GD-")), "{codes:?}");
    assert!(codes.len() < 15, "{} hits: {codes:?}", codes.len());
}
