//! Excel round trip: export then import gives back the same catalog, and a
//! workbook with bad rows is refused with every bad cell listed.

#![expect(clippy::unwrap_used, reason = "test helpers panic on bad fixtures")]

use app::excel::{RowProblem, export_catalog, import_catalog};
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use domain::catalog::{
    Catalog, Category, Certificate, Delegation, Level, Material, MaterialSource, Matter,
    MatterCode, OnlineDepth, Step, WorkingDays,
};
use std::collections::BTreeSet;
use std::io::Cursor;

// ---------------------------------------------------------------- catalog

fn certificates() -> Vec<Certificate> {
    vec![
        Certificate {
            code: "ZM-001".into(),
            name: "无犯罪记录证明".into(),
            issuer: "市公安局".into(),
            basis: "《公安机关办理犯罪记录查询工作规定》\n第二条".into(),
        },
        Certificate {
            code: "ZM-002".into(),
            name: "亲属关系证明".into(),
            issuer: "户籍所在地派出所".into(),
            basis: String::new(),
        },
        Certificate {
            code: "007".into(),
            name: "健康证明".into(),
            issuer: "县疾控中心".into(),
            basis: "  前后有空格的依据  ".into(),
        },
        Certificate {
            code: "ZM-003".into(),
            name: "出生医学证明".into(),
            issuer: "县卫健局".into(),
            basis: "《母婴保健法》".into(),
        },
    ]
}

fn material(
    name: &str,
    required: bool,
    core: bool,
    source: MaterialSource,
    cert: Option<&str>,
    note: &str,
) -> Material {
    Material {
        name: name.into(),
        required,
        core,
        source,
        certificate: cert.map(Into::into),
        note: note.into(),
    }
}

/// Matter `i` of a catalog that between them use every enum value, both
/// booleans everywhere, steps, materials of every source, and awkward text.
fn matter(i: usize, category: Category) -> Matter {
    let n = u32::try_from(i).unwrap();
    let levels = [
        vec![Level::City],
        vec![Level::City, Level::Town],
        vec![Level::Town, Level::Village],
        vec![Level::Village, Level::City, Level::Town],
    ][i % 4]
        .clone();
    let with_parts = i % 3 != 2; // every third matter has no materials and no steps
    let materials = if with_parts {
        vec![
            material("营业执照", true, true, MaterialSource::ELicense, None, ""),
            material(
                "无犯罪记录证明",
                true,
                true,
                MaterialSource::Applicant,
                Some("ZM-001"),
                "原件1份\n复印件2份",
            ),
            material(
                "社保缴费记录",
                false,
                false,
                MaterialSource::SharedData,
                None,
                "由系统自动获取",
            ),
            material(
                "健康证明",
                true,
                false,
                MaterialSource::SharedData,
                Some("007"),
                "  ",
            ),
        ]
    } else {
        Vec::new()
    };
    let steps = if with_parts {
        vec![
            Step {
                stage: 1,
                name: "申请受理".into(),
                unit: None,
                limit: WorkingDays(0),
            },
            Step {
                stage: 2,
                name: "审查".into(),
                unit: Some("QX-SCJG".into()),
                limit: WorkingDays(n),
            },
            Step {
                stage: 2,
                name: "现场勘验".into(),
                unit: Some("QX-ZJJ".into()),
                limit: WorkingDays(n / 2),
            },
            Step {
                stage: 3,
                name: "办结".into(),
                unit: None,
                limit: WorkingDays(0),
            },
        ]
    } else {
        Vec::new()
    };
    Matter {
        code: MatterCode::parse(&format!("QX-T_{i:03}.v1")).unwrap(),
        name: format!("测试事项{i}（{}）", category.label_zh()),
        category,
        unit: ["QX-SCJG", "QX-RSJ", "QX-ZRZY"][i % 3].into(),
        levels,
        delegation: Delegation::ALL[i % Delegation::ALL.len()],
        statutory_limit: WorkingDays(20 + n),
        promised_limit: WorkingDays(n),
        limit_source: if i.is_multiple_of(2) {
            "实施方案（十五）".into()
        } else {
            String::new()
        },
        fee_charged: i % 2 == 1,
        fee_note: ["不收费", "", "按《收费标准》\r\n每件 50 元", "100"][i % 4].into(),
        legal_basis: [
            "《中华人民共和国行政许可法》\n《市场主体登记管理条例》",
            "",
            "=1+1",
            "文字_x000D_字面量",
        ][i % 4]
            .into(),
        materials,
        commitment_allowed: i % 4 < 2,
        deficiency_allowed: with_parts && i.is_multiple_of(2),
        applicants: domain::catalog::ApplicantTypes::Both,
        online_depth: OnlineDepth::ALL[i % OnlineDepth::ALL.len()],
        mobile: i.is_multiple_of(2),
        self_service: i.is_multiple_of(3),
        max_visits: n % 3,
        agency: i.is_multiple_of(5),
        steps,
        keywords: [
            vec![],
            vec!["营业执照".into()],
            vec!["社保".into(), "开饭店".into(), "TRUE".into()],
        ][i % 3]
            .clone(),
        description: [
            "",
            "第一行\n第二行\n\n第四行",
            "  前导空格与结尾换行\n",
            "一行说明",
        ][i % 4]
            .into(),
    }
}

fn full_catalog() -> Catalog {
    Catalog {
        certificates: certificates(),
        matters: Category::ALL
            .iter()
            .enumerate()
            .map(|(i, c)| matter(i, *c))
            .collect(),
    }
}

// ---------------------------------------------------------------- workbook editing

/// A sheet as a grid of text, header row first.
struct Grid {
    name: String,
    cells: Vec<Vec<String>>,
}

impl Grid {
    fn col(&self, header: &str) -> usize {
        self.cells[0]
            .iter()
            .position(|h| h == header)
            .unwrap_or_else(|| panic!("no header {header}"))
    }

    /// Sets the cell under `header` in 1-based Excel row `row`.
    fn set(&mut self, row: usize, header: &str, value: &str) {
        let c = self.col(header);
        self.cells[row - 1][c] = value.to_owned();
    }

    fn get(&self, row: usize, header: &str) -> String {
        self.cells[row - 1][self.col(header)].clone()
    }

    fn drop_column(&mut self, header: &str) {
        let c = self.col(header);
        for row in &mut self.cells {
            row.remove(c);
        }
    }
}

fn read_grids(bytes: &[u8]) -> Vec<Grid> {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            let (h, w) = range.end().map_or((0, 0), |(r, c)| (r + 1, c + 1));
            let cells = (0..h)
                .map(|r| {
                    (0..w)
                        .map(|c| match range.get_value((r, c)) {
                            None | Some(Data::Empty) => String::new(),
                            Some(Data::String(s)) => s.clone(),
                            Some(d) => d.to_string(),
                        })
                        .collect()
                })
                .collect();
            Grid { name, cells }
        })
        .collect()
}

fn write_grids(grids: &[Grid]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    for g in grids {
        let sheet = book.add_worksheet();
        sheet.set_name(&g.name).unwrap();
        for (r, row) in g.cells.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if !v.is_empty() {
                    sheet.write_string(r as u32, c as u16, v).unwrap();
                }
            }
        }
    }
    book.save_to_buffer().unwrap()
}

fn grid<'a>(grids: &'a mut [Grid], name: &str) -> &'a mut Grid {
    grids.iter_mut().find(|g| g.name == name).unwrap()
}

fn places(problems: &[RowProblem]) -> BTreeSet<(String, u32, String)> {
    problems
        .iter()
        .map(|p| (p.sheet.clone(), p.row, p.column.clone()))
        .collect()
}

fn place(sheet: &str, row: u32, column: &str) -> (String, u32, String) {
    (sheet.to_owned(), row, column.to_owned())
}

// ---------------------------------------------------------------- tests

#[test]
fn export_then_import_gives_back_the_same_catalog() {
    let catalog = full_catalog();
    catalog.validate(|_| true).unwrap();

    let bytes = export_catalog(&catalog).unwrap();
    let back = import_catalog(&bytes).unwrap_or_else(|e| panic!("{e}"));

    assert_eq!(back, catalog);
}

#[test]
fn an_empty_catalog_round_trips() {
    let bytes = export_catalog(&Catalog::default()).unwrap();
    assert_eq!(import_catalog(&bytes).unwrap(), Catalog::default());
}

#[test]
fn the_default_catalog_round_trips() {
    let catalog = domain::defaults::catalog().unwrap();
    let bytes = export_catalog(&catalog).unwrap();
    let back = import_catalog(&bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back, catalog);
}

#[test]
fn the_workbook_has_chinese_sheets_headers_and_labels() {
    let grids = read_grids(&export_catalog(&full_catalog()).unwrap());
    let names: Vec<&str> = grids.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["事项", "材料", "环节", "证明事项清单"]);
    let matters = &grids[0];
    assert_eq!(matters.cells[0][..3], ["事项编码", "事项名称", "事项类型"]);
    assert_eq!(matters.get(2, "事项类型"), "行政许可");
    assert_eq!(matters.get(3, "受理层级"), "市级、镇街");
    assert_eq!(matters.get(2, "是否收费"), "否");
    assert_eq!(matters.get(2, "网办深度"), "全程网办");
    assert_eq!(grids[1].get(2, "来源"), "电子证照");
    assert_eq!(grids[3].cells[0], ["编码", "名称", "开具单位", "依据"]);
}

#[test]
fn columns_may_move_and_english_names_and_numbers_are_accepted() {
    let catalog = full_catalog();
    let mut grids = read_grids(&export_catalog(&catalog).unwrap());
    let matters = grid(&mut grids, "事项");
    for row in &mut matters.cells {
        row.reverse();
    }
    matters.set(2, "事项类型", "license");
    matters.set(2, "受理层级", "city");
    matters.set(2, "网办深度", "fully_online");
    matters.set(2, "移动办理", "true");
    matters.set(2, "是否收费", "0");
    matters.set(3, "是否收费", "1");
    let materials = grid(&mut grids, "材料");
    materials.set(2, "来源", "e_license");
    materials.set(2, "核心要件", "TRUE");

    let back = import_catalog(&write_grids(&grids)).unwrap_or_else(|e| panic!("{e}"));

    assert_eq!(back, catalog);
}

#[test]
fn every_bad_row_and_column_is_listed() {
    let mut grids = read_grids(&export_catalog(&full_catalog()).unwrap());
    // Matters 0, 3, 6, 9 (rows 2, 5, 8, 11) have materials and steps;
    // matters 2, 5, 8 (rows 4, 7, 10) have none, so changing their code
    // leaves nothing behind.
    let m = grid(&mut grids, "事项");
    m.set(2, "事项类型", "行政审批");
    m.set(3, "法定时限（工作日）", "十天");
    m.set(4, "事项名称", "");
    let first_code = m.get(2, "事项编码");
    m.set(7, "事项编码", &first_code);
    m.set(10, "事项编码", "QX 001!");
    m.set(6, "承诺时限（工作日）", "99");
    m.set(9, "受理层级", "市级、省级");
    m.set(12, "是否收费", "也许");
    let materials = grid(&mut grids, "材料");
    materials.set(3, "事项编码", "QX-NOPE-001");
    materials.set(4, "来源", "邮寄");
    // Row 15 is matter 4's second material (rows 2–5 are matter 0's,
    // 6–9 matter 1's, 10–13 matter 3's, 14–17 matter 4's).
    materials.set(15, "证明编码", "ZM-999");
    let steps = grid(&mut grids, "环节");
    steps.set(3, "环节时限（工作日）", "abc");
    let certs = grid(&mut grids, "证明事项清单");
    certs.set(3, "编码", "ZM-001");
    certs.set(5, "开具单位", "");

    let err = import_catalog(&write_grids(&grids)).unwrap_err();

    let expected: BTreeSet<_> = [
        place("事项", 2, "事项类型"),
        place("事项", 3, "法定时限（工作日）"),
        place("事项", 4, "事项名称"),
        place("事项", 6, "承诺时限（工作日）"),
        place("事项", 7, "事项编码"),
        place("事项", 9, "受理层级"),
        place("事项", 10, "事项编码"),
        place("事项", 12, "是否收费"),
        place("材料", 3, "事项编码"),
        place("材料", 4, "来源"),
        place("材料", 15, "证明编码"),
        place("环节", 3, "环节时限（工作日）"),
        place("证明事项清单", 3, "编码"),
        place("证明事项清单", 5, "开具单位"),
    ]
    .into();
    assert_eq!(places(&err.problems), expected, "{err}");
    let text = err.to_string();
    for needle in [
        "“行政审批”不是有效的事项类型",
        "“十天”不是有效的数字",
        "不能为空",
        "与第2行重复",
        "事项编码“QX 001!”无效",
        "不能超过法定时限",
        "“省级”不是有效的受理层级",
        "“也许”无效",
        "“QX-NOPE-001”在“事项”表中不存在",
        "“邮寄”不是有效的材料来源",
        "“ZM-999”不在证明事项清单上",
        "“abc”不是有效的数字",
        "证明编码“ZM-001”与第2行重复",
    ] {
        assert!(text.contains(needle), "missing {needle} in:\n{text}");
    }
    assert!(text.starts_with("Excel 导入未通过，共14处问题"), "{text}");
}

#[test]
fn a_missing_sheet_or_header_is_listed() {
    let mut grids = read_grids(&export_catalog(&full_catalog()).unwrap());
    grids.retain(|g| g.name != "环节");
    grid(&mut grids, "事项").drop_column("网办深度");
    grid(&mut grids, "材料").drop_column("来源");

    let err = import_catalog(&write_grids(&grids)).unwrap_err();

    let expected: BTreeSet<_> = [
        place("事项", 1, "网办深度"),
        place("材料", 1, "来源"),
        place("环节", 0, ""),
    ]
    .into();
    assert_eq!(places(&err.problems), expected, "{err}");
    assert!(err.to_string().contains("缺少工作表“环节”"), "{err}");
    assert!(
        err.to_string()
            .contains("工作表“事项”第1行【网办深度】：缺少此列的表头"),
        "{err}"
    );
}

#[test]
fn a_file_that_is_not_a_workbook_gets_a_clear_error() {
    let good = export_catalog(&full_catalog()).unwrap();
    for bytes in [&b"not an excel file"[..], &[], &good[..good.len() / 2]] {
        let err = import_catalog(bytes).unwrap_err();
        assert_eq!(err.problems.len(), 1);
        assert!(err.to_string().contains("不是有效的 Excel 工作簿"), "{err}");
    }
}
