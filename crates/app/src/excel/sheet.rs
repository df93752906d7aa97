//! Reading one sheet: finding its columns by header and turning cells into
//! values, noting a problem for every cell that will not do.

use super::RowProblem;
use super::layout::Sheet;
use calamine::{Data, Range};
use std::collections::HashMap;
use std::collections::hash_map::Entry;

/// Problems found so far, in the order they were found.
#[derive(Default)]
pub(crate) struct Problems(pub Vec<RowProblem>);

impl Problems {
    pub fn push(&mut self, sheet: &str, row: u32, column: &str, message: impl Into<String>) {
        self.0.push(RowProblem::new(sheet, row, column, message));
    }
}

/// A sheet whose every header was found.
pub(crate) struct Table<'a> {
    layout: &'a Sheet,
    range: Range<Data>,
    columns: HashMap<&'static str, u32>,
}

impl<'a> Table<'a> {
    /// Finds the layout's headers in the first row. Reports each missing or
    /// repeated header and gives `None` if any is missing.
    pub fn new(layout: &'a Sheet, range: Range<Data>, problems: &mut Problems) -> Option<Self> {
        let mut found: HashMap<String, u32> = HashMap::new();
        let width = range.end().map_or(0, |(_, c)| c + 1);
        for c in 0..width {
            let header = header_key(&cell_text(range.get_value((0, c))));
            if header.is_empty() {
                continue;
            }
            match found.entry(header) {
                Entry::Occupied(e) => problems.push(layout.name, 1, e.key(), "表头重复"),
                Entry::Vacant(e) => {
                    e.insert(c);
                }
            }
        }
        let mut columns = HashMap::new();
        for col in layout.columns {
            match found.get(&header_key(col.header)) {
                Some(&c) => {
                    columns.insert(col.header, c);
                }
                None => problems.push(layout.name, 1, col.header, "缺少此列的表头"),
            }
        }
        (columns.len() == layout.columns.len()).then_some(Table {
            layout,
            range,
            columns,
        })
    }

    /// The data rows that are not blank, each with its 1-based Excel row.
    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        let height = self.range.end().map_or(0, |(r, _)| r + 1);
        (1..height)
            .map(|r| Row {
                table: self,
                index: r,
            })
            .filter(|row| self.columns.values().any(|&c| !is_blank(row.cell(c))))
    }
}

/// Headers match ignoring spaces and a bracketed unit, so 法定时限 finds
/// 法定时限（工作日）.
fn header_key(header: &str) -> String {
    let head = header.split(['（', '(']).next().unwrap_or(header);
    head.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether a cell holds nothing a person could see.
fn is_blank(data: &Data) -> bool {
    match data {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// A cell's value as text, the way a person would read it.
fn cell_text(data: Option<&Data>) -> String {
    match data {
        None | Some(Data::Empty) => String::new(),
        Some(Data::String(s)) => s.clone(),
        Some(d) => d.to_string(),
    }
}

/// One data row of a table.
pub(crate) struct Row<'a> {
    table: &'a Table<'a>,
    index: u32,
}

impl Row<'_> {
    /// The 1-based row number Excel shows.
    pub fn number(&self) -> u32 {
        self.index + 1
    }

    /// The sheet's name.
    pub fn sheet(&self) -> &'static str {
        self.table.layout.name
    }

    fn cell(&self, col: u32) -> &Data {
        self.table
            .range
            .get_value((self.index, col))
            .unwrap_or(&Data::Empty)
    }

    fn at(&self, header: &str) -> &Data {
        self.table
            .columns
            .get(header)
            .map_or(&Data::Empty, |&c| self.cell(c))
    }

    /// Notes a problem with this row's cell under `header`.
    pub fn report(&self, p: &mut Problems, header: &str, message: impl Into<String>) {
        p.push(self.sheet(), self.number(), header, message);
    }

    /// Free text exactly as typed; empty when the cell is.
    pub fn free_text(&self, header: &str, p: &mut Problems) -> String {
        match self.at(header) {
            Data::Error(e) => {
                self.report(p, header, format!("单元格是错误值（{e}）"));
                String::new()
            }
            d => cell_text(Some(d)),
        }
    }

    /// A short value with surrounding spaces removed; empty when the cell is.
    pub fn text(&self, header: &str, p: &mut Problems) -> String {
        self.free_text(header, p).trim().to_owned()
    }

    /// A short value that must be there.
    pub fn required(&self, header: &str, p: &mut Problems) -> Option<String> {
        let s = self.text(header, p);
        if s.is_empty() && !matches!(self.at(header), Data::Error(_)) {
            self.report(p, header, "不能为空");
        }
        (!s.is_empty()).then_some(s)
    }

    /// A whole number ≥ 0 that must be there.
    pub fn count(&self, header: &str, p: &mut Problems) -> Option<u32> {
        let n = match self.at(header) {
            Data::Int(i) => u32::try_from(*i).ok(),
            Data::Float(f) if f.fract() == 0.0 && *f >= 0.0 && *f <= f64::from(u32::MAX) => {
                Some(*f as u32)
            }
            Data::Float(_) => None,
            _ => {
                return self
                    .required(header, p)?
                    .parse()
                    .ok()
                    .or_else(|| self.not_a_count(header, p));
            }
        };
        n.or_else(|| self.not_a_count(header, p))
    }

    /// A whole number ≥ 0, or `default` when the cell is empty.
    pub fn count_or(&self, header: &str, default: u32, p: &mut Problems) -> Option<u32> {
        if matches!(self.at(header), Data::Empty) || self.text(header, p).is_empty() {
            return Some(default);
        }
        self.count(header, p)
    }

    fn not_a_count(&self, header: &str, p: &mut Problems) -> Option<u32> {
        let got = cell_text(Some(self.at(header)));
        self.report(
            p,
            header,
            format!("“{}”不是有效的数字：应为不小于 0 的整数", got.trim()),
        );
        None
    }

    /// 是/否 (also 1/0, true/false, the English yes/no), or `default` when empty.
    pub fn flag(&self, header: &str, default: bool, p: &mut Problems) -> Option<bool> {
        if let Data::Bool(b) = self.at(header) {
            return Some(*b);
        }
        let s = self.text(header, p);
        match s.to_lowercase().as_str() {
            "" => Some(default),
            "是" | "1" | "true" | "yes" | "y" => Some(true),
            "否" | "0" | "false" | "no" | "n" => Some(false),
            _ => {
                self.report(p, header, format!("“{s}”无效：请填“是”或“否”"));
                None
            }
        }
    }

    /// One of an enum's values, by Chinese label or English name.
    pub fn choice<T: Labelled>(&self, header: &str, p: &mut Problems) -> Option<T> {
        let s = self.required(header, p)?;
        T::parse(&s).or_else(|| {
            self.report(p, header, invalid_choice::<T>(&s));
            None
        })
    }

    /// Like [`Row::choice`], or `default` when the cell is empty.
    pub fn choice_or<T: Labelled>(&self, header: &str, default: T, p: &mut Problems) -> Option<T> {
        if self.text(header, p).is_empty() {
            return Some(default);
        }
        self.choice(header, p)
    }

    /// A list cell (、-separated) of enum values; reports each bad one.
    pub fn choices<T: Labelled>(&self, header: &str, p: &mut Problems) -> Option<Vec<T>> {
        let cell = self.required(header, p)?;
        let mut out = Vec::new();
        let mut ok = true;
        for s in super::layout::split_list(&cell) {
            match T::parse(&s) {
                Some(v) => out.push(v),
                None => {
                    self.report(p, header, invalid_choice::<T>(&s));
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }
}

fn invalid_choice<T: Labelled>(got: &str) -> String {
    let labels: Vec<&str> = T::all().iter().map(|v| v.label()).collect();
    format!("“{got}”不是有效的{}，可选：{}", T::WHAT, labels.join("、"))
}

/// The catalog's labelled enums, seen alike so one reader handles them all.
pub(crate) trait Labelled: Sized + Copy + 'static {
    /// What a value of this enum is called, e.g. 事项类型.
    const WHAT: &'static str;
    fn parse(s: &str) -> Option<Self>;
    fn all() -> &'static [Self];
    fn label(self) -> &'static str;
}

macro_rules! labelled {
    ($($t:ty => $what:literal),+ $(,)?) => {$(
        impl Labelled for $t {
            const WHAT: &'static str = $what;
            fn parse(s: &str) -> Option<Self> { <$t>::parse(s) }
            fn all() -> &'static [Self] { <$t>::ALL }
            fn label(self) -> &'static str { self.label_zh() }
        }
    )+};
}

use domain::catalog::{ApplicantTypes, Category, Delegation, Level, MaterialSource, OnlineDepth};
labelled! {
    ApplicantTypes => "服务对象",
    Category => "事项类型",
    Level => "受理层级",
    Delegation => "下放方式",
    OnlineDepth => "网办深度",
    MaterialSource => "材料来源",
}
