//! Accounts and signing in: Argon2id password hashes, applicants
//! registering themselves, staff accounts made by an admin, and sign-in
//! with a rate limit, ending in a database session.
//!
//! A session id is 32 random bytes from the operating system, given to the
//! browser in hex; the store keeps only its SHA-256. Each session has its
//! own random CSRF token, which every state-changing page request sends back.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::Duration;
use domain::party::{CreditCode, IdNumber, Phone};
use domain::unit::{Role, UnitCode, User};
use rand::TryRngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};
use store::{Actor, LoginAttempt, NewAccount, NewSession, StoreError};

use super::{Result, ServiceError, Services};

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// `n` random bytes from the operating system, in lower-case hex.
pub fn random_hex(n: usize) -> Result<String> {
    let mut bytes = vec![0u8; n];
    OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(|e| backend(format!("no randomness from the OS: {e}")))?;
    Ok(hex(&bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of a session id, in hex: what the store keeps.
pub fn hash_session_id(id: &str) -> String {
    hex(&Sha256::digest(id.as_bytes()))
}

fn backend(detail: String) -> ServiceError {
    ServiceError::Store(StoreError::Backend(detail))
}

/// Hashes a password with Argon2id (the crate's default parameters) and a
/// random salt, as a PHC string.
pub fn hash_password(password: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    OsRng
        .try_fill_bytes(&mut salt)
        .map_err(|e| backend(format!("no randomness from the OS: {e}")))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| backend(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| backend(format!("cannot hash a password: {e}")))
}

/// Whether `password` matches a stored PHC string (false for a malformed one).
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Checks a new password's length; the message is for the form.
pub fn check_password(password: &str) -> std::result::Result<(), &'static str> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        Err("密码至少 8 位")
    } else if password.chars().count() > 128 {
        Err("密码不能超过 128 位")
    } else {
        Ok(())
    }
}

/// Checks a username: 3 to 32 of `a-z 0-9 . _ -`, starting with a letter or digit.
pub fn check_username(username: &str) -> std::result::Result<(), &'static str> {
    let ok_len = (3..=32).contains(&username.len());
    let ok_chars = username
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
    let ok_start = username
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    if ok_len && ok_chars && ok_start {
        Ok(())
    } else {
        Err("用户名为 3–32 位小写字母、数字或 . _ -，以字母或数字开头")
    }
}

/// What an applicant types to register.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct Registration {
    /// 姓名 or the enterprise's name.
    #[serde(default)]
    pub name: String,
    /// A 居民身份证号 (citizen) or 统一社会信用代码 (enterprise).
    #[serde(default)]
    pub id_number: String,
    /// Phone.
    #[serde(default)]
    pub phone: String,
    /// Login name.
    #[serde(default)]
    pub username: String,
    /// Password.
    #[serde(default)]
    pub password: String,
}

/// What is wrong with a registration, by field, in Chinese.
pub type FieldErrors = Vec<(&'static str, String)>;

impl Registration {
    /// Checks every field; returns the checked identifier or every problem.
    fn check(&self) -> std::result::Result<String, FieldErrors> {
        let mut errors: FieldErrors = Vec::new();
        if self.name.trim().is_empty() {
            errors.push(("name", "请填写姓名或企业名称".into()));
        } else if self.name.trim().chars().count() > 100 {
            errors.push(("name", "姓名或名称不能超过 100 个字".into()));
        }
        let id = self.id_number.trim().to_uppercase();
        let checked = if id.is_empty() {
            errors.push(("id_number", "请填写居民身份证号或统一社会信用代码".into()));
            None
        } else {
            match (IdNumber::parse(&id), CreditCode::parse(&id)) {
                (Ok(n), _) => Some(n.as_str().to_owned()),
                (_, Ok(c)) => Some(c.as_str().to_owned()),
                (Err(person), Err(org)) => {
                    // All digits but the last: meant as an ID number; otherwise a credit code.
                    let personal = id.chars().rev().skip(1).all(|c| c.is_ascii_digit());
                    let why = if personal { person } else { org };
                    errors.push((
                        "id_number",
                        format!("不是有效的居民身份证号或统一社会信用代码：{why}"),
                    ));
                    None
                }
            }
        };
        match Phone::parse(&self.phone) {
            Ok(p) if p.is_mobile() => {}
            Ok(_) => errors.push(("phone", "请填写 11 位手机号码（用于接收办件通知）".into())),
            Err(why) => errors.push(("phone", why.into())),
        }
        if let Err(m) = check_username(self.username.trim()) {
            errors.push(("username", m.into()));
        }
        if let Err(m) = check_password(&self.password) {
            errors.push(("password", m.into()));
        }
        match checked {
            Some(id) if errors.is_empty() => Ok(id),
            _ => Err(errors),
        }
    }
}

/// What a second registration with one identifier is told: the account
/// exists (its username half hidden) and how to get back into it.
fn already_registered(username: &str) -> String {
    let shown: String = username.chars().take(2).collect();
    format!(
        "该证件号码已注册过账号（用户名 {shown}***），一人（一企业）只能注册一个账号。请直接登录；忘记密码的，请携带本人有效证件到政务服务大厅综合窗口重置密码，或拨打 12345 咨询。"
    )
}

/// Why a sign-in did not succeed. Neither says whether the username exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginRefused {
    /// Wrong username or password (or an account that cannot sign in).
    BadCredentials,
    /// Too many failures for this username or from this address lately.
    RateLimited,
}

impl LoginRefused {
    /// What the sign-in page says.
    pub fn message(self) -> &'static str {
        match self {
            LoginRefused::BadCredentials => "用户名或密码错误",
            LoginRefused::RateLimited => {
                "登录失败次数过多，请稍后再试（15 分钟内连续失败将暂时不能登录）"
            }
        }
    }
}

/// How long sessions last and when sign-in is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionRules {
    /// Ends after this long without a request.
    pub idle: Duration,
    /// Ends this long after sign-in at the latest.
    pub lifetime: Duration,
    /// Failures per username within the window before refusing.
    pub max_failures_per_user: i64,
    /// Failures per address within the window before refusing.
    pub max_failures_per_ip: i64,
    /// The rate-limit window.
    pub failure_window: Duration,
}

impl Default for SessionRules {
    fn default() -> Self {
        Self {
            idle: Duration::minutes(120),
            lifetime: Duration::hours(12),
            max_failures_per_user: 5,
            max_failures_per_ip: 20,
            failure_window: Duration::minutes(15),
        }
    }
}

/// A session just begun: the id for the cookie and its CSRF token.
#[derive(Debug, Clone)]
pub struct NewLogin {
    /// The session id (hex) for the browser's cookie; never stored.
    pub session_id: String,
    /// The session's CSRF token.
    pub csrf: String,
    /// Who signed in.
    pub user: User,
}

/// A PHC string that matches no password, verified when an account does
/// not exist so that answering takes as long either way.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$wRUIM6Yxq7jiBDQFgpf9cdwAnvc9MyQTDQaZbkeQUJI";

impl Services {
    /// Signs in: refused while the rate limit holds, otherwise the password
    /// is checked and the attempt recorded; success begins a session.
    #[tracing::instrument(skip(self, password, rules))]
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        ip: &str,
        rules: &SessionRules,
    ) -> Result<std::result::Result<NewLogin, LoginRefused>> {
        let now = self.clock.now();
        let failures = self
            .store
            .login_failures(username, ip, now - rules.failure_window)
            .await?;
        if failures.by_username >= rules.max_failures_per_user
            || failures.by_ip >= rules.max_failures_per_ip
        {
            tracing::warn!(username, ip, "sign-in refused by the rate limit");
            return Ok(Err(LoginRefused::RateLimited));
        }
        let account = match self.store.account(username).await {
            Ok(a) => Some(a),
            Err(StoreError::NotFound(_)) => None,
            Err(e) => return Err(e.into()),
        };
        let usable = account
            .as_ref()
            .filter(|a| !a.disabled)
            .and_then(|a| a.password_hash.as_deref());
        let ok = verify_password(password, usable.unwrap_or(DUMMY_HASH)) && usable.is_some();
        self.store
            .record_login_attempt(&LoginAttempt {
                username: username.to_owned(),
                ip: ip.to_owned(),
                at: now,
                success: ok,
            })
            .await?;
        match account.filter(|_| ok) {
            Some(a) => Ok(Ok(self.begin_session(a.user, rules).await?)),
            None => {
                tracing::info!(username, ip, "sign-in failed");
                Ok(Err(LoginRefused::BadCredentials))
            }
        }
    }

    /// Whether a case lookup by receipt (`/track`) may be tried now: the
    /// last four characters are a small secret, so failed lookups count
    /// like failed sign-ins — per receipt (as a username, `/track:<receipt>`,
    /// which no account can have) and per address, under the same limits.
    pub async fn lookup_allowed(
        &self,
        receipt: &str,
        ip: &str,
        rules: &SessionRules,
    ) -> Result<bool> {
        let now = self.clock.now();
        let failures = self
            .store
            .login_failures(&lookup_key(receipt), ip, now - rules.failure_window)
            .await?;
        let allowed = failures.by_username < rules.max_failures_per_user
            && failures.by_ip < rules.max_failures_per_ip;
        if !allowed {
            tracing::warn!(receipt, ip, "case lookup refused by the rate limit");
        }
        Ok(allowed)
    }

    /// Records a lookup whose receipt and last four did not match a case.
    pub async fn record_failed_lookup(&self, receipt: &str, ip: &str) -> Result<()> {
        self.store
            .record_login_attempt(&LoginAttempt {
                username: lookup_key(receipt),
                ip: ip.to_owned(),
                at: self.clock.now(),
                success: false,
            })
            .await?;
        Ok(())
    }

    /// Begins a session for a user whose identity is established.
    async fn begin_session(&self, user: User, rules: &SessionRules) -> Result<NewLogin> {
        let now = self.clock.now();
        let session_id = random_hex(32)?;
        let csrf = random_hex(32)?;
        self.store
            .create_session(&NewSession {
                id_hash: hash_session_id(&session_id),
                username: user.username.clone(),
                csrf: csrf.clone(),
                created_at: now,
                idle_until: now + rules.idle,
                expires_at: now + rules.lifetime,
            })
            .await?;
        tracing::info!(user = %user.username, "signed in");
        Ok(NewLogin {
            session_id,
            csrf,
            user,
        })
    }

    /// Ends a session (logout).
    pub async fn logout(&self, session_id: &str) -> Result<()> {
        Ok(self
            .store
            .delete_session(&hash_session_id(session_id))
            .await?)
    }

    /// Registers an applicant (unit: the county) and signs them in. A taken
    /// username is reported on its field like any other problem.
    #[tracing::instrument(skip(self, form, rules), fields(username = %form.username))]
    pub async fn register_applicant(
        &self,
        form: &Registration,
        rules: &SessionRules,
    ) -> Result<std::result::Result<NewLogin, FieldErrors>> {
        let id = match form.check() {
            Ok(id) => id,
            Err(errors) => return Ok(Err(errors)),
        };
        if let Some(taken) = self.store.account_for_applicant(&id).await? {
            return Ok(Err(vec![("id_number", already_registered(&taken))]));
        }
        let user = User {
            username: form.username.trim().to_owned(),
            display_name: form.name.trim().to_owned(),
            unit: county()?,
            role: Role::Applicant,
        };
        let account = NewAccount {
            user: user.clone(),
            password_hash: Some(hash_password(&form.password)?),
            applicant_id: Some(id.clone()),
            phone: Phone::parse(&form.phone)
                .ok()
                .map(|p| p.as_str().to_owned()),
        };
        let actor = Actor {
            username: user.username.clone(),
            unit: user.unit.as_str().to_owned(),
        };
        let created = self
            .store
            .create_account(&account, &actor, self.clock.now())
            .await;
        self.forget_directory();
        match created {
            Ok(()) => Ok(Ok(self.begin_session(user, rules).await?)),
            Err(StoreError::Conflict(_)) => match self.store.account_for_applicant(&id).await? {
                // Another registration with the same identifier got there first.
                Some(taken) => Ok(Err(vec![("id_number", already_registered(&taken))])),
                None => Ok(Err(vec![("username", "该用户名已被使用，请换一个".into())])),
            },
            Err(e) => Err(e.into()),
        }
    }

    /// Creates a staff account (an admin's task): a role and a unit, and a
    /// password when given (at least 8 characters).
    pub async fn create_staff(
        &self,
        admin: &Actor,
        user: &User,
        password: Option<&str>,
    ) -> Result<()> {
        check_username(&user.username)
            .map_err(|m| ServiceError::refused(domain::ErrorCode::InvalidUsername, m))?;
        let password_hash = password.map(new_password_hash).transpose()?;
        let account = NewAccount {
            user: user.clone(),
            password_hash,
            applicant_id: None,
            phone: None,
        };
        let created = self
            .store
            .create_account(&account, admin, self.clock.now())
            .await;
        self.forget_directory();
        Ok(created?)
    }

    /// Sets a user's password (at least 8 characters); their sessions end.
    pub async fn set_password(&self, actor: &Actor, username: &str, password: &str) -> Result<()> {
        let hash = new_password_hash(password)?;
        Ok(self
            .store
            .set_password(username, Some(&hash), actor, self.clock.now())
            .await?)
    }

    /// Changes a user's own password: the current one must match, the new
    /// one meet the rules. Every session of the user ends (they sign in
    /// again with the new one). A problem is reported on its field.
    pub async fn change_own_password(
        &self,
        actor: &Actor,
        current: &str,
        new: &str,
    ) -> Result<std::result::Result<(), FieldErrors>> {
        let account = self.store.account(&actor.username).await?;
        let matches = account
            .password_hash
            .as_deref()
            .is_some_and(|hash| verify_password(current, hash));
        if !matches {
            return Ok(Err(vec![("current", "当前密码不正确".into())]));
        }
        if let Err(m) = check_password(new) {
            return Ok(Err(vec![("new", m.into())]));
        }
        if new == current {
            return Ok(Err(vec![("new", "新密码不能与当前密码相同".into())]));
        }
        self.set_password(actor, &actor.username, new).await?;
        tracing::info!(user = %actor.username, "changed their own password");
        Ok(Ok(()))
    }

    /// Disables (or enables) an account; disabling ends its sessions.
    pub async fn set_user_disabled(
        &self,
        actor: &Actor,
        username: &str,
        disabled: bool,
    ) -> Result<()> {
        Ok(self
            .store
            .set_disabled(username, disabled, actor, self.clock.now())
            .await?)
    }
}

/// The rate limit's key for lookups of one receipt: not a valid username.
fn lookup_key(receipt: &str) -> String {
    format!("/track:{receipt}")
}

fn new_password_hash(password: &str) -> Result<String> {
    check_password(password)
        .map_err(|m| ServiceError::refused(domain::ErrorCode::WeakPassword, m))?;
    hash_password(password)
}

fn county() -> Result<UnitCode> {
    UnitCode::parse(domain::defaults::COUNTY_UNIT).map_err(|e| backend(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let Ok(h) = hash_password("correct horse") else {
            panic!("hashing failed")
        };
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("correct horsE", &h));
        assert!(
            PasswordHash::new(DUMMY_HASH).is_ok(),
            "the dummy must cost a real verify"
        );
        assert!(!verify_password("anything", DUMMY_HASH));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn registration_reports_every_bad_field() {
        let form = Registration {
            name: " ".into(),
            id_number: "370686199001010010".into(),
            phone: "123".into(),
            username: "A".into(),
            password: "short".into(),
        };
        let Err(errors) = form.check() else {
            panic!("accepted")
        };
        let fields: Vec<_> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            ["name", "id_number", "phone", "username", "password"]
        );
    }
}
