//! Reading a catalog back from a workbook laid out as export writes it.

use super::layout::{self, CERTIFICATES, MATERIALS, MATTERS, STEPS};
use super::sheet::{Problems, Table};
use super::{ImportError, RowProblem, rows, rules};
use calamine::{Reader, Xlsx, open_workbook_from_rs};
use domain::catalog::{Catalog, CertificateList};
use std::io::Cursor;

/// Parses a workbook into a catalog. Every problem (a missing sheet or
/// header, an empty required cell, a bad value, an unknown or repeated
/// code, a broken rule) is collected with its sheet, row and column; the
/// catalog is returned only when there are none. Units are not checked:
/// that is for whoever stores the catalog.
pub fn import_catalog(bytes: &[u8]) -> Result<Catalog, ImportError> {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).map_err(|_| ImportError {
        problems: vec![RowProblem::new(
            "",
            0,
            "",
            "无法读取文件：这不是有效的 Excel 工作簿（.xlsx），请用 Excel 或 WPS 另存为 .xlsx 后重试",
        )],
    })?;
    let mut p = Problems::default();
    let names = book.sheet_names();
    let mut range = |sheet: &layout::Sheet, p: &mut Problems| {
        if !names.iter().any(|n| n.trim() == sheet.name) {
            p.push(sheet.name, 0, "", format!("缺少工作表“{}”", sheet.name));
            return None;
        }
        let name = names.iter().find(|n| n.trim() == sheet.name)?.clone();
        match book.worksheet_range(&name) {
            Ok(r) => Some(r),
            Err(_) => {
                p.push(sheet.name, 0, "", "无法读取此工作表，文件可能已损坏");
                None
            }
        }
    };
    let tables = layout::SHEETS.map(|s| range(s, &mut p).and_then(|r| Table::new(s, r, &mut p)));
    let [matter_table, material_table, step_table, certificate_table] = &tables;

    let certificates = certificate_table
        .as_ref()
        .map(|t| rows::certificates(t, &mut p));
    let matters = matter_table.as_ref().map(|t| rows::matters(t, &mut p));
    if let Some(mut matters) = matters {
        if let Some(t) = material_table {
            rows::materials(t, &mut matters, &mut p);
        }
        if let Some(t) = step_table {
            rows::steps(t, &mut matters, &mut p);
        }
        let list = CertificateList::new(certificates.iter().flatten().cloned());
        rules::check(&matters.rows, &list, &mut p);
        if p.0.is_empty() {
            return Ok(Catalog {
                certificates: certificates.unwrap_or_default(),
                matters: matters.rows.into_iter().map(|m| m.matter).collect(),
            });
        }
    }
    Err(ImportError {
        problems: in_sheet_order(p.0),
    })
}

/// Sorts problems by sheet (workbook order) then row, keeping the column
/// order within a row, so the list reads like the workbook.
fn in_sheet_order(mut problems: Vec<RowProblem>) -> Vec<RowProblem> {
    let sheet_index = |name: &str| {
        [MATTERS.name, MATERIALS.name, STEPS.name, CERTIFICATES.name]
            .iter()
            .position(|s| *s == name)
            .unwrap_or(usize::MAX)
    };
    problems.sort_by_key(|p| (sheet_index(&p.sheet), p.row));
    problems
}
