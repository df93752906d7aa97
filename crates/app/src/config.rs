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
    /// Time-limit rules the county sets for itself.
    pub sla: SlaConfig,
    /// The hall unit whose clerks review online applications (预审).
    pub online_intake_unit: String,
    /// Mark the session cookie `Secure` (sent over HTTPS only). Off by
    /// default so `onewindow demo` works on http://127.0.0.1; turn it on
    /// wherever onewindow is served over HTTPS (behind a TLS proxy too).
    pub cookie_secure: bool,
    /// The address citizens reach onewindow at, printed on notices (the QR
    /// code of the 好差评 link), e.g. `https://zwfw.example.gov.cn`. Unset,
    /// the notice uses the address the printing clerk's browser used, which
    /// on a hall's internal network a citizen's phone may not reach.
    pub public_url: Option<String>,
    /// How long a signed-in session lasts, and the sign-in rate limit.
    pub session: SessionConfig,
    /// 好差评: the rating window, the rectification limit, the score's prior weight.
    pub evaluation: EvaluationConfig,
    /// Hotline (接诉即办) time limits per ticket type and urgency, with their source.
    pub hotline: domain::hotline::TicketLimits,
}

/// The numbers of 好差评. The county's reform plan (seed
/// `000_4eb2edf5677cc29c.txt`, 二（七）完善政务服务考评体系) asks for
/// 统一标准、统一方式、统一计分 and for 差评 to be passed on and rectified,
/// but sets none of these numbers: each default is onewindow's own, and a
/// county sets its own here.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct EvaluationConfig {
    /// A concluded case may be rated up to this many calendar days after it
    /// concluded (onewindow's default: 30).
    pub rating_window_days: u32,
    /// A rectification order is due this many working days after it opens
    /// (onewindow's default: 5).
    pub rectification_days: u32,
    /// The score's prior weight `C`: how many ratings' worth the county's
    /// mean counts for in every score (onewindow's default: 10; see
    /// `domain::evaluation::score`).
    pub score_prior_weight: u32,
}

impl Default for EvaluationConfig {
    fn default() -> Self {
        let rules = domain::evaluation::EvaluationRules::default();
        Self {
            rating_window_days: rules.rating_window_days,
            rectification_days: rules.rectification_days,
            score_prior_weight: 10,
        }
    }
}

impl EvaluationConfig {
    /// The rules the domain applies.
    pub fn rules(&self) -> domain::evaluation::EvaluationRules {
        domain::evaluation::EvaluationRules {
            rating_window_days: self.rating_window_days,
            rectification_days: self.rectification_days,
        }
    }
}

/// Sessions and the sign-in rate limit. The defaults fit a service hall: a
/// clerk's session survives a lunch break but not the night, and a shared
/// hall address (one NAT for every window) is not locked out by one typo.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct SessionConfig {
    /// A session ends after this many minutes without a request (default 120).
    pub idle_minutes: u32,
    /// …and this many hours after signing in, whatever happens (default 12).
    pub lifetime_hours: u32,
    /// Sign-in is refused for a username after this many failures within
    /// the window (default 5).
    pub max_failures_per_user: u32,
    /// …and from one address after this many failures within the window,
    /// whatever the usernames (default 20).
    pub max_failures_per_ip: u32,
    /// The rate-limit window in minutes (default 15).
    pub failure_window_minutes: u32,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            idle_minutes: 120,
            lifetime_hours: 12,
            max_failures_per_user: 5,
            max_failures_per_ip: 20,
            failure_window_minutes: 15,
        }
    }
}

/// When a running case turns 预警. The default — one working day or 20% of
/// the limit, whichever is more — is onewindow's; a county sets its own.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct SlaConfig {
    /// Warn when at most this many working days are left.
    pub warn_min_days: u32,
    /// …or when at most this percentage of the limit is left.
    pub warn_percent: u32,
}

impl Default for SlaConfig {
    fn default() -> Self {
        let rule = domain::case::WarningRule::default();
        Self {
            warn_min_days: rule.min_days,
            warn_percent: rule.percent,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("data"),
            database_url: None,
            sla: SlaConfig::default(),
            online_intake_unit: domain::defaults::HALL_UNIT.into(),
            cookie_secure: false,
            public_url: None,
            session: SessionConfig::default(),
            evaluation: EvaluationConfig::default(),
            hotline: domain::hotline::TicketLimits::default(),
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
            .field("sla", &self.sla)
            .field("online_intake_unit", &self.online_intake_unit)
            .field("cookie_secure", &self.cookie_secure)
            .field("public_url", &self.public_url)
            .field("session", &self.session)
            .field("evaluation", &self.evaluation)
            .field("hotline", &self.hotline)
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

    /// The warning rule in force.
    pub fn warning_rule(&self) -> domain::case::WarningRule {
        domain::case::WarningRule {
            min_days: self.sla.warn_min_days,
            percent: self.sla.warn_percent,
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
