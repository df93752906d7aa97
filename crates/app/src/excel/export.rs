//! Writing a catalog as a workbook people can edit and import again.

use super::ExcelError;
use super::layout::{self, CERTIFICATES, LIST_SEPARATOR, MATERIALS, MATTERS, STEPS};
use domain::catalog::{Catalog, Certificate, Matter};
use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet};

/// One cell to write.
enum Cell {
    Text(String),
    Number(u32),
}

fn text(s: &str) -> Cell {
    Cell::Text(s.to_owned())
}

fn yes_no(b: bool) -> Cell {
    text(if b { "是" } else { "否" })
}

/// Writes the catalog as .xlsx bytes: sheets 事项, 材料, 环节 and
/// 证明事项清单, with bold frozen headers, Chinese labels and 是/否.
pub fn export_catalog(catalog: &Catalog) -> Result<Vec<u8>, ExcelError> {
    let mut book = Workbook::new();
    let matters: Vec<Vec<Cell>> = catalog.matters.iter().map(matter_row).collect();
    write_sheet(&mut book, &MATTERS, matters)?;
    let materials = catalog.matters.iter().flat_map(|m| {
        m.materials.iter().enumerate().map(|(i, x)| {
            vec![
                text(m.code.as_str()),
                Cell::Number(u32::try_from(i + 1).unwrap_or(u32::MAX)),
                text(&x.name),
                yes_no(x.required),
                yes_no(x.core),
                text(x.source.label_zh()),
                text(x.certificate.as_deref().unwrap_or("")),
                text(&x.note),
            ]
        })
    });
    write_sheet(&mut book, &MATERIALS, materials.collect())?;
    let steps = catalog.matters.iter().flat_map(|m| {
        m.steps.iter().map(|s| {
            vec![
                text(m.code.as_str()),
                Cell::Number(s.stage),
                text(&s.name),
                text(s.unit.as_deref().unwrap_or("")),
                Cell::Number(s.limit.get()),
            ]
        })
    });
    write_sheet(&mut book, &STEPS, steps.collect())?;
    let certificates = catalog.certificates.iter().map(certificate_row).collect();
    write_sheet(&mut book, &CERTIFICATES, certificates)?;
    Ok(book.save_to_buffer()?)
}

fn matter_row(m: &Matter) -> Vec<Cell> {
    let levels: Vec<&str> = m.levels.iter().map(|l| l.label_zh()).collect();
    vec![
        text(m.code.as_str()),
        text(&m.name),
        text(m.category.label_zh()),
        text(&m.unit),
        Cell::Text(levels.join(LIST_SEPARATOR)),
        text(m.delegation.label_zh()),
        Cell::Number(m.statutory_limit.get()),
        Cell::Number(m.promised_limit.get()),
        text(&m.limit_source),
        yes_no(m.fee_charged),
        text(&m.fee_note),
        text(&m.legal_basis),
        yes_no(m.commitment_allowed),
        yes_no(m.deficiency_allowed),
        text(m.applicants.label_zh()),
        text(m.online_depth.label_zh()),
        yes_no(m.mobile),
        yes_no(m.self_service),
        Cell::Number(m.max_visits),
        yes_no(m.agency),
        Cell::Text(m.keywords.join(LIST_SEPARATOR)),
        text(&m.description),
    ]
}

fn certificate_row(c: &Certificate) -> Vec<Cell> {
    vec![
        text(&c.code),
        text(&c.name),
        text(&c.issuer),
        text(&c.basis),
    ]
}

fn write_sheet(
    book: &mut Workbook,
    layout: &layout::Sheet,
    rows: Vec<Vec<Cell>>,
) -> Result<(), ExcelError> {
    let header = Format::new().set_bold().set_background_color(0xDDEBF7);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let plain = Format::new().set_align(FormatAlign::Top);
    let sheet: &mut Worksheet = book.add_worksheet();
    sheet.set_name(layout.name)?;
    for (c, column) in (0u16..).zip(layout.columns) {
        sheet.write_string_with_format(0, c, column.header, &header)?;
        sheet.set_column_width(c, column.width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let mut last_row = 0;
    for (r, row) in (1u32..).zip(rows) {
        last_row = r;
        for ((c, column), cell) in (0u16..).zip(layout.columns).zip(row) {
            let format = if column.free_text { &wrap } else { &plain };
            match cell {
                // An empty cell reads back as an empty string, so none is written.
                Cell::Text(s) if s.is_empty() => {}
                Cell::Text(s) => {
                    sheet.write_string_with_format(r, c, s, format)?;
                }
                Cell::Number(n) => {
                    sheet.write_number_with_format(r, c, n, format)?;
                }
            }
        }
    }
    let last_col = u16::try_from(layout.columns.len().saturating_sub(1)).unwrap_or(0);
    sheet.autofilter(0, 0, last_row, last_col)?;
    Ok(())
}
