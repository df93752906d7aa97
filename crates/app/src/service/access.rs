//! Who may see and do what: a signed-in user's [`Access`] (their role, unit
//! and the [`Scope`] of cases they may see), and the case operations that
//! honour it. The scope is applied inside the store's queries, so a page or
//! an API handler that calls these cannot show a case out of scope: it gets
//! `NotFound`, exactly as for a case that does not exist.
//!
//! Scope by role:
//! - supervisor, admin, hotline agent: every case (the hotline only reads);
//! - approver, department head, inspector: the cases their unit has a part
//!   in (responsible unit, or the unit of a step);
//! - window clerk: at a town, street, village or community, the cases
//!   presented there or at a unit under it; at a county-level hall (the
//!   政务服务中心 accepts every matter: 无差别一窗受理) every case;
//! - applicant: the cases their own account applied for.

use domain::case::{Acting, Action, CaseError};
use domain::unit::{Role, UnitKind, User};
use store::{Actor, CaseFilter, Scope};

use super::uploads::CheckedFile;
use super::{By, CaseView, CreateCase, Result, ServiceError, Services};

/// What a signed-in user may see and do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    /// Login name.
    pub username: String,
    /// Role.
    pub role: Role,
    /// The unit the user acts for.
    pub unit: String,
    /// The kind of that unit (which hall level it serves as).
    pub kind: UnitKind,
    /// The cases the user may see.
    pub scope: Scope,
}

/// The cases a user of `role` acting for a unit of `kind` may see.
pub fn scope_for(username: &str, role: Role, unit: &str, kind: UnitKind) -> Scope {
    match role {
        Role::Supervisor | Role::Admin | Role::HotlineAgent => Scope::All,
        Role::Approver | Role::DepartmentHead | Role::Inspector => {
            Scope::Department(unit.to_owned())
        }
        Role::WindowClerk => match kind {
            UnitKind::Town | UnitKind::Street | UnitKind::Village | UnitKind::Community => {
                Scope::Town(unit.to_owned())
            }
            UnitKind::County | UnitKind::Department => Scope::All,
        },
        Role::Applicant => Scope::Applicant(username.to_owned()),
    }
}

impl Access {
    /// The access of `user`, whose unit is of `kind`.
    pub fn new(user: &User, kind: UnitKind) -> Self {
        Self {
            username: user.username.clone(),
            role: user.role,
            unit: user.unit.as_str().to_owned(),
            kind,
            scope: scope_for(&user.username, user.role, user.unit.as_str(), kind),
        }
    }

    /// The user as the domain's rules see them: role, unit and unit kind.
    pub fn acting(&self) -> Acting<'_> {
        Acting {
            role: self.role,
            unit: &self.unit,
            kind: self.kind,
            with_files: false,
        }
    }

    /// The user as the author of a change.
    pub fn actor(&self) -> Actor {
        Actor {
            username: self.username.clone(),
            unit: self.unit.clone(),
        }
    }

    /// Refuses (403) unless the user has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<()> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(ServiceError::forbidden(format!(
                "{}无权进行此操作",
                self.role.label_zh()
            )))
        }
    }
}

impl Services {
    /// The access of a user, looking up the kind of their unit.
    pub async fn access_of(&self, user: &User) -> Result<Access> {
        let units = self.units().await?;
        let kind = units
            .iter()
            .find(|u| u.code == user.unit)
            .map(|u| u.kind)
            .ok_or_else(|| {
                ServiceError::Store(store::StoreError::NotFound(format!("单位 {}", user.unit)))
            })?;
        Ok(Access::new(user, kind))
    }

    /// One case with its timeline, when it lies within the user's scope
    /// (`NotFound` otherwise, as for a case that does not exist).
    pub async fn case_for(&self, access: &Access, id: i64) -> Result<CaseView> {
        let record = self.store.case_scoped(id, &access.scope).await?;
        let timeline = self.store.case_events(id).await?;
        Ok(self.view(record, Some(timeline)))
    }

    /// Cases matching a filter, within the user's scope whatever the filter says.
    pub async fn list_for(&self, access: &Access, mut filter: CaseFilter) -> Result<Vec<CaseView>> {
        filter.scope = access.scope.clone();
        self.list(filter).await
    }

    /// The cases within the user's scope that `query` names: a 受理编号, an
    /// applicant's 身份证号 or 统一社会信用代码, a matter (its code or its
    /// full name), or else an applicant's full name. Newest deadlines last,
    /// at most 100.
    pub async fn find_cases(&self, access: &Access, query: &str) -> Result<Vec<CaseView>> {
        let q = query.trim();
        if q.is_empty() {
            return Ok(Vec::new());
        }
        if let Ok(record) = self.store.case_by_receipt(&q.to_ascii_uppercase()).await {
            return match self.case_for(access, record.id).await {
                Ok(view) => Ok(vec![view]),
                Err(ServiceError::Store(store::StoreError::NotFound(_))) => Ok(Vec::new()),
                Err(e) => Err(e),
            };
        }
        let mut filter = CaseFilter {
            limit: Some(100),
            ..CaseFilter::default()
        };
        if let Ok(id) = domain::party::IdNumber::parse(q) {
            filter.applicant_id = Some(id.as_str().to_owned());
        } else if let Ok(code) = domain::party::CreditCode::parse(q) {
            filter.applicant_id = Some(code.as_str().to_owned());
        } else if let Some(matter) = self.matter_named(q).await? {
            filter.matter_code = Some(matter);
        } else {
            filter.applicant_name = Some(q.to_owned());
        }
        self.list_for(access, filter).await
    }

    /// The code of the matter whose code or full name is `q`, if any.
    async fn matter_named(&self, q: &str) -> Result<Option<String>> {
        let snapshot = self.catalog_snapshot().await?;
        let code = domain::catalog::MatterCode::parse(q).ok();
        Ok(snapshot
            .versions
            .iter()
            .map(|v| &v.matter)
            .find(|m| Some(&m.code) == code.as_ref() || m.name == q)
            .map(|m| m.code.to_string()))
    }

    /// A unit's inbox, when the user may see that unit's work: their own
    /// unit, a unit under their town, or any unit for county-wide roles.
    pub async fn inbox_for(
        &self,
        access: &Access,
        unit: &str,
        limit: u32,
        offset: u32,
    ) -> Result<Vec<CaseView>> {
        let allowed = match &access.scope {
            Scope::All => true,
            Scope::Department(own) => own == unit,
            Scope::Town(town) => self.unit_is_under(unit, town).await?,
            Scope::Applicant(_) => false,
        };
        if !allowed {
            return Err(ServiceError::forbidden("您只能查看本单位的待办"));
        }
        self.inbox(unit, limit, offset).await
    }

    /// Whether `unit` is `top` or lies under it in the organisation tree.
    async fn unit_is_under(&self, unit: &str, top: &str) -> Result<bool> {
        let units = self.units().await?;
        let mut at = Some(unit.to_owned());
        // The tree is at most three levels deep; the bound guards a corrupt cycle.
        for _ in 0..8 {
            let Some(code) = at else { return Ok(false) };
            if code == top {
                return Ok(true);
            }
            at = units
                .iter()
                .find(|u| u.code.as_str() == code)
                .and_then(|u| u.parent.as_ref().map(|p| p.as_str().to_owned()));
        }
        Ok(false)
    }

    /// Opens a case as this user: applicants apply online for themselves
    /// (the case is recorded as theirs); window clerks take any channel.
    pub async fn open_case_as(
        &self,
        access: &Access,
        input: CreateCase,
        key: Option<String>,
    ) -> Result<(CaseView, bool)> {
        match access.role {
            Role::WindowClerk => {
                let by = By::Person(access.acting());
                self.create_case_for(&access.actor(), input, key, None, by)
                    .await
            }
            Role::Applicant => {
                if !input.channel.needs_review() || input.intake.is_some() {
                    return Err(ServiceError::forbidden(
                        "申请人只能在网上提交申请，受理由窗口人员办理",
                    ));
                }
                let user = Some(access.username.clone());
                let by = By::Person(access.acting());
                self.create_case_for(&access.actor(), input, key, user, by)
                    .await
            }
            _ => Err(ServiceError::forbidden(format!(
                "{}不能提交或受理办件",
                access.role.label_zh()
            ))),
        }
    }

    /// Applies an action as this user: one read of the case (out of scope
    /// is `NotFound`), one decision by the domain ([`domain::case::Case::act`]:
    /// the state's table, the action's rules, then the role's and unit's),
    /// one write. Nothing is written when refused.
    pub async fn act_as(
        &self,
        access: &Access,
        id: i64,
        expected_version: Option<i64>,
        action: Action,
    ) -> Result<CaseView> {
        let current = self.store.case_scoped(id, &access.scope).await?;
        let by = By::Person(access.acting());
        self.apply(&access.actor(), by, current, expected_version, &action)
            .await
    }

    /// Applies an action that comes with its files (an applicant's
    /// supplement or resubmission, checked one per material by the caller):
    /// the domain decides it as taken with files, then the files are kept
    /// with the case. Without files it is refused (`files_required`).
    pub async fn act_with_files(
        &self,
        access: &Access,
        id: i64,
        expected_version: Option<i64>,
        action: Action,
        files: Vec<CheckedFile>,
    ) -> Result<CaseView> {
        if files.is_empty() {
            return Err(CaseError::FilesRequired.into());
        }
        let current = self.store.case_scoped(id, &access.scope).await?;
        let by = By::Person(Acting {
            with_files: true,
            ..access.acting()
        });
        let view = self
            .apply(&access.actor(), by, current, expected_version, &action)
            .await?;
        self.attach_files(id, files, &access.actor()).await?;
        Ok(view)
    }
}
