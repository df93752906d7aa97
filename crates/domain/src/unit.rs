//! The organisation (组织): units in a tree and the users who act for them.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A unit's code: short ASCII, stable, used as a foreign key everywhere.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UnitCode(String);

impl UnitCode {
    /// Parses a unit code: 1 to 64 characters of `A-Z a-z 0-9 - _ .`.
    pub fn parse(s: &str) -> Result<Self, UnitError> {
        let ok = !s.is_empty()
            && s.len() <= 64
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(UnitError::BadCode(s.to_owned()))
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for UnitCode {
    type Error = UnitError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<UnitCode> for String {
    fn from(c: UnitCode) -> String {
        c.0
    }
}

impl fmt::Display for UnitCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Errors in organisation data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnitError {
    /// A unit code that is empty, too long or has characters outside ASCII letters, digits, `-_.`.
    #[error("单位编码“{0}”无效：只能使用字母、数字和 - _ .，长度 1–64")]
    BadCode(String),
    /// A kind, role or other enumerated value that is not known.
    #[error("未知的取值“{0}”")]
    UnknownValue(String),
    /// A unit placed under a parent of the wrong kind.
    #[error("单位“{child}”不能隶属于“{parent}”")]
    BadParent {
        /// The unit being placed.
        child: String,
        /// Its would-be parent.
        parent: String,
    },
}

macro_rules! labelled_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $s:literal / $zh:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $v),+ }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$v),+];
            /// The stable English name stored in databases and APIs.
            pub fn as_str(self) -> &'static str { match self { $($name::$v => $s),+ } }
            /// The Simplified Chinese label shown to people.
            pub fn label_zh(self) -> &'static str { match self { $($name::$v => $zh),+ } }
            /// Parses either the English name or the Chinese label.
            pub fn parse(s: &str) -> Option<Self> {
                let s = s.trim();
                Self::ALL.iter().copied().find(|v| v.as_str() == s || v.label_zh() == s)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = String;
            fn try_from(s: &str) -> Result<Self, String> { Self::parse(s).ok_or_else(|| s.to_owned()) }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.label_zh()) }
        }
    };
}
pub(crate) use labelled_enum;

labelled_enum! {
    /// What kind of unit a node of the organisation tree is.
    UnitKind {
        /// The county-level government itself (市/县).
        County = "county" / "市县",
        /// A department of the county government (市直部门) or an agency stationed in the hall.
        Department = "department" / "部门",
        /// A town (镇).
        Town = "town" / "镇",
        /// A street office (街道).
        Street = "street" / "街道",
        /// A village (村).
        Village = "village" / "村",
        /// A residents' community (社区).
        Community = "community" / "社区",
    }
}

impl UnitKind {
    /// Whether a unit of this kind may sit directly under a unit of `parent` kind.
    pub fn may_sit_under(self, parent: Option<UnitKind>) -> bool {
        use UnitKind::*;
        matches!(
            (self, parent),
            (County, None)
                | (Department | Town | Street, Some(County))
                | (Village | Community, Some(Town | Street))
        )
    }
}

labelled_enum! {
    /// What a user may do; see PRODUCT.md "Who uses it".
    Role {
        /// 申请人: a citizen, an enterprise or an agent acting for them.
        Applicant = "applicant" / "申请人",
        /// 窗口人员: staff at a service hall window.
        WindowClerk = "window_clerk" / "窗口人员",
        /// 审批人员: back-office staff of a department.
        Approver = "approver" / "审批人员",
        /// 部门负责人: head of a department.
        DepartmentHead = "department_head" / "部门负责人",
        /// 督办: the service-management office and the government office.
        Supervisor = "supervisor" / "督办人员",
        /// 热线坐席: a 12345 hotline agent.
        HotlineAgent = "hotline_agent" / "热线坐席",
        /// 监管人员: enforcement staff.
        Inspector = "inspector" / "监管人员",
        /// 管理员: the system administrator.
        Admin = "admin" / "管理员",
    }
}

/// A node of the organisation tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    /// Stable code.
    pub code: UnitCode,
    /// Full Chinese name, e.g. 栖霞市市场监督管理局.
    pub name: String,
    /// County, department, town, street, village or community.
    pub kind: UnitKind,
    /// The unit above it; `None` only for the county.
    #[serde(default)]
    pub parent: Option<UnitCode>,
    /// True when the name is an illustration rather than a real unit.
    #[serde(default)]
    pub example: bool,
}

/// A person who signs in to onewindow and acts for one unit in one role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Login name.
    pub username: String,
    /// Name shown in pages and the audit log.
    pub display_name: String,
    /// The unit the user acts for.
    pub unit: UnitCode,
    /// What the user may do.
    pub role: Role,
}

/// Checks that a set of units forms a tree: one county, parents exist and are
/// of a kind the child may sit under, codes unique.
pub fn check_tree(units: &[Unit]) -> Result<(), UnitError> {
    let by_code: std::collections::HashMap<&UnitCode, &Unit> =
        units.iter().map(|u| (&u.code, u)).collect();
    if by_code.len() != units.len() {
        let mut seen = std::collections::HashSet::new();
        for u in units {
            if !seen.insert(&u.code) {
                return Err(UnitError::UnknownValue(format!(
                    "重复的单位编码 {}",
                    u.code
                )));
            }
        }
    }
    for u in units {
        let parent = match &u.parent {
            Some(p) => Some(
                by_code
                    .get(p)
                    .ok_or_else(|| UnitError::UnknownValue(format!("上级单位 {p}")))?,
            ),
            None => None,
        };
        if !u.kind.may_sit_under(parent.map(|p| p.kind)) {
            return Err(UnitError::BadParent {
                child: u.name.clone(),
                parent: parent.map_or_else(|| "（无）".to_owned(), |p| p.name.clone()),
            });
        }
    }
    Ok(())
}
