//! The domain's own rules for a matter (承诺时限 within 法定时限, certificates
//! only from the list, …), reported at the row and column they concern.
//! Units are not checked here: the store knows them and checks on import.

use super::layout::*;
use super::rows::MatterRow;
use super::sheet::Problems;
use domain::catalog::{CatalogError, CertificateList, Problem};

/// Checks each matter whose rows all read cleanly (a matter with a bad row
/// would only draw follow-on complaints) and notes what the rules refuse.
pub(crate) fn check(matters: &[MatterRow], list: &CertificateList, p: &mut Problems) {
    let any_unit = |_: &str| true;
    for m in matters.iter().filter(|m| m.clean) {
        if let Err(CatalogError::Invalid(found)) = m.matter.validate(list, &any_unit) {
            for problem in found {
                let (sheet, row, column) = locate(m, &problem);
                p.push(sheet, row, column, problem.message.as_str());
            }
        }
    }
}

/// Where in the workbook a rule problem of matter `m` belongs.
fn locate<'a>(m: &MatterRow, problem: &'a Problem) -> (&'static str, u32, &'a str) {
    let matter_row = (MATTERS.name, m.row, header_for(&problem.field));
    match problem.field.as_str() {
        MATERIAL_NAME | CERTIFICATE => {
            let names = m.matter.materials.iter().map(|x| x.name.as_str());
            match row_named(names, &m.material_rows, &problem.message) {
                Some(row) => (MATERIALS.name, row, problem.field.as_str()),
                None => matter_row,
            }
        }
        "办理环节" => {
            let names = m.matter.steps.iter().map(|s| s.name.as_str());
            let column = if problem.message.contains("单位") {
                STEP_UNIT
            } else {
                STEP_LIMIT
            };
            match row_named(names, &m.step_rows, &problem.message) {
                Some(row) => (STEPS.name, row, column),
                None => matter_row,
            }
        }
        _ => matter_row,
    }
}

/// The 事项 column a rule's field names (the rules call 承诺时限 what the
/// sheet heads 承诺时限（工作日）).
fn header_for(field: &str) -> &str {
    MATTERS
        .columns
        .iter()
        .map(|c| c.header)
        .find(|h| h.split('（').next() == Some(field))
        .unwrap_or(field)
}

/// The row of the part a message names in quotes: the last such part for a
/// repeat (the first is not the mistake), an empty-named one for 不能为空.
fn row_named<'n>(names: impl Iterator<Item = &'n str>, rows: &[u32], message: &str) -> Option<u32> {
    let mut found = names.zip(rows).filter(|(name, _)| {
        if name.trim().is_empty() {
            message.contains("不能为空")
        } else {
            message.contains(&format!("“{name}”"))
        }
    });
    let hit = if message.contains("重复") {
        found.last()
    } else {
        found.next()
    };
    hit.map(|(_, row)| *row)
}
