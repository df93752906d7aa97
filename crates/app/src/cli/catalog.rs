//! `onewindow catalog …`: list, show, search, and Excel import and export.

use crate::config::Config;
use chrono::Utc;
use clap::Subcommand;
use domain::catalog::{MatterCode, search::SearchIndex};
use std::path::PathBuf;
use std::process::ExitCode;
use store::StoreError;

/// Catalog subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every matter: code, name, responsible unit, promised limit.
    List,
    /// Show one matter (its newest version, or --version N) as JSON.
    Show {
        /// The matter's code.
        code: String,
        /// A published version number.
        #[arg(long)]
        version: Option<u32>,
    },
    /// List a matter's published versions.
    Versions {
        /// The matter's code.
        code: String,
    },
    /// Search the catalog in Chinese, best matches first.
    Search {
        /// What to look for, e.g. 营业执照 or 社保.
        query: String,
        /// How many results at most.
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
    /// Write the whole catalog to an Excel file (.xlsx).
    Export {
        /// The file to write.
        file: PathBuf,
    },
    /// Read a catalog from an Excel file; every bad row is listed and nothing changes.
    Import {
        /// The file to read.
        file: PathBuf,
    },
}

/// Runs a catalog subcommand.
pub async fn run(config: &Config, cmd: Command) -> anyhow::Result<ExitCode> {
    let store = super::open_store(config).await?;
    match cmd {
        Command::List => {
            for v in store.matters().await? {
                let m = &v.matter;
                println!("{}\t{}\t{}\t{}", m.code, m.name, m.unit, m.promised_limit);
            }
        }
        Command::Show { code, version } => {
            let v = store.matter(&MatterCode::parse(&code)?, version).await?;
            println!("{}", serde_json::to_string_pretty(&v)?);
        }
        Command::Versions { code } => {
            for v in store.matter_versions(&MatterCode::parse(&code)?).await? {
                println!(
                    "{}\t{}\t{}",
                    v.version,
                    v.published_at.format("%Y-%m-%d %H:%M:%S"),
                    v.matter.name
                );
            }
        }
        Command::Search { query, limit } => {
            let matters: Vec<_> = store
                .matters()
                .await?
                .into_iter()
                .map(|v| v.matter)
                .collect();
            let index = SearchIndex::build(&matters);
            let hits = index.search(&query, limit);
            if hits.is_empty() {
                println!("没有找到与“{query}”相关的事项");
            }
            for (i, hit) in hits.iter().enumerate() {
                let name = matters
                    .iter()
                    .find(|m| m.code == hit.code)
                    .map_or("", |m| m.name.as_str());
                println!("{}\t{}\t{}\t{:.2}", i + 1, hit.code, name, hit.score);
            }
        }
        Command::Export { file } => {
            let catalog = store.catalog().await?;
            let bytes = crate::excel::export_catalog(&catalog)?;
            std::fs::write(&file, bytes)
                .map_err(|e| anyhow::anyhow!("无法写入 {}：{e}", file.display()))?;
            println!(
                "已导出 {} 个事项、{} 项证明到 {}",
                catalog.matters.len(),
                catalog.certificates.len(),
                file.display()
            );
        }
        Command::Import { file } => return import(&*store, &file).await,
    }
    Ok(ExitCode::SUCCESS)
}

async fn import(store: &dyn store::Store, file: &std::path::Path) -> anyhow::Result<ExitCode> {
    let bytes =
        std::fs::read(file).map_err(|e| anyhow::anyhow!("无法读取 {}：{e}", file.display()))?;
    let catalog = match crate::excel::import_catalog(&bytes) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("导入失败，目录未作任何修改。以下各行有误：");
            eprintln!("{e}");
            return Ok(ExitCode::FAILURE);
        }
    };
    match store
        .import_catalog(&catalog, &super::cli_actor(), Utc::now())
        .await
    {
        Ok(r) => {
            println!(
                "导入完成：新增事项 {}，新版本 {}，未变化 {}，证明事项 {} 项有变化",
                r.new_matters, r.new_versions, r.unchanged, r.certificates
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(StoreError::Catalog(domain::catalog::CatalogError::Invalid(problems))) => {
            eprintln!("导入失败，目录未作任何修改。以下事项有误：");
            for p in problems {
                eprintln!("  {p}");
            }
            Ok(ExitCode::FAILURE)
        }
        Err(e) => Err(e.into()),
    }
}
