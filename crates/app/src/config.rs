//! One typed configuration: defaults, then a TOML file, then `ONEWINDOW_*`
//! environment variables, then command-line flags (clap reads both of the
//! last two). `onewindow config` prints the result with secrets redacted.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Where onewindow keeps its data and how it talks to the outside.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Directory for the SQLite database file and uploads.
    pub data_dir: PathBuf,
    /// A `postgres://` URL to use PostgreSQL instead of the SQLite file.
    pub database_url: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("data"),
            database_url: None,
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("data_dir", &self.data_dir)
            .field(
                "database_url",
                &self.database_url.as_deref().map(store::redact_url),
            )
            .finish()
    }
}

impl Config {
    /// The database this configuration names: the PostgreSQL URL, or the
    /// SQLite file `onewindow.db` in the data directory.
    pub fn database(&self) -> String {
        match &self.database_url {
            Some(url) if !url.is_empty() => url.clone(),
            _ => self.data_dir.join("onewindow.db").display().to_string(),
        }
    }

    /// Reads a TOML file over the defaults; a missing optional file is fine.
    pub fn from_file(path: Option<&Path>) -> anyhow::Result<Self> {
        let (path, required) = match path {
            Some(p) => (p.to_owned(), true),
            None => (PathBuf::from("onewindow.toml"), false),
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(toml::from_str(&text)
                .map_err(|e| anyhow::anyhow!("配置文件 {} 有误：{e}", path.display()))?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => Ok(Self::default()),
            Err(e) => Err(anyhow::anyhow!("无法读取配置文件 {}：{e}", path.display())),
        }
    }

    /// The configuration as TOML with the database password redacted.
    pub fn to_redacted_toml(&self) -> String {
        let mut shown = self.clone();
        shown.database_url = shown.database_url.as_deref().map(store::redact_url);
        toml::to_string_pretty(&shown).unwrap_or_default()
    }
}
