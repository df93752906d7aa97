//! Excel from the page: the export downloads 事项目录.xlsx, importing it back
//! changes nothing, and a workbook with bad rows lists each bad cell (or
//! each problem the catalog's rules find) and changes nothing.

use std::io::Cursor;

use axum::http::{StatusCode, header};
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use rust_xlsxwriter::Workbook;

use super::support::{AdminApp, Session, apps};

/// The catalog as the export page gives it.
async fn export(app: &AdminApp, s: &Session) -> Vec<u8> {
    let file = app.get(s, "/admin/catalog/excel/export").await;
    assert_eq!(
        file.status,
        StatusCode::OK,
        "[{}] {}",
        app.backend,
        file.text
    );
    assert_eq!(
        file.header(header::CONTENT_TYPE),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(
        file.header(header::CONTENT_DISPOSITION)
            .contains("filename*=UTF-8''%E4%BA%8B%E9%A1%B9%E7%9B%AE%E5%BD%95.xlsx"),
        "{}",
        file.header(header::CONTENT_DISPOSITION)
    );
    file.bytes
}

/// The workbook with some cells replaced: (sheet, Excel row, header, new text).
fn edited(bytes: &[u8], edits: &[(&str, u32, &str, &str)]) -> Vec<u8> {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let mut out = Workbook::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        let sheet = out.add_worksheet();
        sheet.set_name(&name).unwrap();
        let headers: Vec<String> = (0..range.width())
            .map(|c| {
                range
                    .get((0, c))
                    .map(ToString::to_string)
                    .unwrap_or_default()
            })
            .collect();
        for (r, row) in range.rows().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r32, c16) = (u32::try_from(r).unwrap(), u16::try_from(c).unwrap());
                let edit = edits.iter().find(|(s, er, h, _)| {
                    *s == name && *er == r32 + 1 && headers.get(c).is_some_and(|x| x == h)
                });
                if let Some((_, _, _, v)) = edit {
                    sheet.write_string(r32, c16, *v).unwrap();
                    continue;
                }
                match cell {
                    Data::Empty => {}
                    Data::Float(f) => {
                        sheet.write_number(r32, c16, *f).unwrap();
                    }
                    Data::Int(i) => {
                        sheet.write_number(r32, c16, *i as f64).unwrap();
                    }
                    Data::Bool(b) => {
                        sheet.write_boolean(r32, c16, *b).unwrap();
                    }
                    other => {
                        sheet.write_string(r32, c16, other.to_string()).unwrap();
                    }
                }
            }
        }
    }
    out.save_to_buffer().unwrap()
}

#[tokio::test]
async fn exporting_then_importing_the_catalog_changes_nothing() {
    for app in apps().await {
        let bk = app.backend;
        let admin = app.login("admin").await;
        let before = app.store.catalog().await.unwrap();
        let versions = app.store.matters().await.unwrap();
        app.get(&admin, "/admin/catalog/excel").await.expect(
            StatusCode::OK,
            &[
                &format!("当前目录共 {} 个事项", before.matters.len()),
                "下载 事项目录.xlsx",
            ],
        );
        let bytes = export(&app, &admin).await;
        let page = app
            .post_multipart(
                &admin,
                "/admin/catalog/excel",
                &[],
                &[("file", "事项目录.xlsx", &bytes)],
            )
            .await;
        let summary = format!(
            "导入完成：新增事项 0，新版本 0，未变化 {}，证明事项 0。",
            before.matters.len()
        );
        page.expect(StatusCode::OK, &[&summary]);
        assert_eq!(app.store.catalog().await.unwrap(), before, "[{bk}]");
        assert_eq!(app.store.matters().await.unwrap(), versions, "[{bk}]");
    }
}

#[tokio::test]
async fn an_import_with_bad_rows_lists_each_row_and_column_and_changes_nothing() {
    for app in apps().await {
        let bk = app.backend;
        let supervisor = app.login("supervisor").await;
        let before = app.store.matters().await.unwrap();
        let bytes = export(&app, &supervisor).await;
        let bad = edited(
            &bytes,
            &[
                ("事项", 2, "承诺时限（工作日）", "三天"),
                ("事项", 4, "受理层级", "省级"),
                ("材料", 3, "来源", "<b>别处</b>"),
                // A good cell changed too: it must not be imported either.
                ("事项", 5, "事项名称", "改过的名称"),
            ],
        );
        let page = app
            .post_multipart(
                &supervisor,
                "/admin/catalog/excel",
                &[],
                &[("file", "bad.xlsx", &bad)],
            )
            .await;
        page.expect(
            StatusCode::UNPROCESSABLE_ENTITY,
            &[
                "目录未作任何修改",
                "<th>工作表</th><th>行</th><th>列</th><th>问题</th>",
            ],
        );
        for (sheet, row, column) in [
            ("事项", 2, "承诺时限（工作日）"),
            ("事项", 4, "受理层级"),
            ("材料", 3, "来源"),
        ] {
            let cells = format!("<td>{sheet}</td><td>{row}</td><td>{column}</td>");
            assert!(
                page.text.contains(&cells),
                "[{bk}] {cells} not listed:\n{}",
                page.text
            );
        }
        page.lacks(&["<b>别处</b>"]);
        assert_eq!(app.store.matters().await.unwrap(), before, "[{bk}]");

        // Readable, but the catalog's rules refuse it: a unit that does not exist.
        let unknown_unit = edited(&bytes, &[("事项", 2, "责任单位", "no-such-unit")]);
        let page = app
            .post_multipart(
                &supervisor,
                "/admin/catalog/excel",
                &[],
                &[("file", "unit.xlsx", &unknown_unit)],
            )
            .await;
        page.expect(
            StatusCode::UNPROCESSABLE_ENTITY,
            &[
                "不符合目录规则的事项",
                "责任单位",
                "单位“no-such-unit”不存在",
                "目录未作任何修改",
            ],
        );
        assert_eq!(app.store.matters().await.unwrap(), before, "[{bk}]");

        // Not a workbook at all.
        app.post_multipart(
            &supervisor,
            "/admin/catalog/excel",
            &[],
            &[("file", "x.xlsx", b"not a workbook")],
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY, &["目录未作任何修改"]);
        app.post_multipart(&supervisor, "/admin/catalog/excel", &[], &[])
            .await
            .expect(
                StatusCode::UNPROCESSABLE_ENTITY,
                &["请选择要导入的 Excel 文件"],
            );
    }
}
