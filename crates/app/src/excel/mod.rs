//! The catalog as an Excel workbook (.xlsx), because catalogs live in
//! spreadsheets: export for editing, import to load the edits back.
//!
//! The workbook has four sheets with Chinese headers: 事项 (one row per
//! matter), 材料 (one row per material), 环节 (one row per back-office step)
//! and 证明事项清单 (the certificate list). Enums are written as their
//! Chinese labels and booleans as 是/否; import also accepts the English
//! names and 1/0/true/false, finds columns by header, and reports every
//! problem with its sheet, row and column instead of stopping at the first.
//! Export then import gives back the same catalog.

mod export;
mod import;
mod layout;
mod rows;
mod rules;
mod sheet;

pub use export::export_catalog;
pub use import::import_catalog;

use std::fmt;

/// Why a catalog could not be written as a workbook.
#[derive(Debug, thiserror::Error)]
pub enum ExcelError {
    /// The workbook writer refused a value (e.g. a text longer than a cell holds).
    #[error("生成 Excel 文件失败：{0}")]
    Write(#[from] rust_xlsxwriter::XlsxError),
}

/// Why a workbook could not be imported: every problem found, in sheet and
/// row order. Nothing is imported unless this list would be empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// Each problem with where it is.
    pub problems: Vec<RowProblem>,
}

/// One problem in an imported workbook, located for the person who will fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// The sheet's name, e.g. 事项; empty when the file itself is unreadable.
    pub sheet: String,
    /// The 1-based Excel row; 0 when the problem is the sheet or the file.
    pub row: u32,
    /// The column's Chinese header; empty when the problem is not one cell's.
    pub column: String,
    /// What is wrong, in Chinese.
    pub message: String,
}

impl RowProblem {
    /// A problem at `row` and `column` of `sheet`.
    pub fn new(sheet: &str, row: u32, column: &str, message: impl Into<String>) -> Self {
        Self {
            sheet: sheet.to_owned(),
            row,
            column: column.to_owned(),
            message: message.into(),
        }
    }
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.sheet.is_empty() {
            write!(f, "工作表“{}”", self.sheet)?;
        }
        if self.row > 0 {
            write!(f, "第{}行", self.row)?;
        }
        if !self.column.is_empty() {
            write!(f, "【{}】", self.column)?;
        }
        if !self.sheet.is_empty() || self.row > 0 || !self.column.is_empty() {
            f.write_str("：")?;
        }
        f.write_str(&self.message)
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Excel 导入未通过，共{}处问题：", self.problems.len())?;
        for (i, p) in self.problems.iter().enumerate() {
            write!(f, "\n{}. {p}", i + 1)?;
        }
        Ok(())
    }
}

impl std::error::Error for ImportError {}
