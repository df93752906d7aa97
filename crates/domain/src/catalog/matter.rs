use crate::unit::labelled_enum;
use serde::{Deserialize, Serialize};
use std::fmt;

use super::validate::{CatalogError, Problem};

/// A matter's code (事项编码), e.g. `QX-SCJG-001`: 1–64 characters of ASCII
/// letters, digits and `-_.`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MatterCode(String);

impl MatterCode {
    /// Parses a matter code.
    pub fn parse(s: &str) -> Result<Self, CatalogError> {
        let s = s.trim();
        let ok = !s.is_empty()
            && s.len() <= 64
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        if ok {
            // Codes are kept in upper case, so `qx-zgb-106` typed at a
            // window finds QX-ZGB-106.
            Ok(Self(s.to_ascii_uppercase()))
        } else {
            Err(CatalogError::BadCode(s.to_owned()))
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for MatterCode {
    type Error = CatalogError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<MatterCode> for String {
    fn from(c: MatterCode) -> String {
        c.0
    }
}

impl fmt::Display for MatterCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A number of working days (工作日). 0 means 即办: done the same working day.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct WorkingDays(pub u32);

impl WorkingDays {
    /// 即办: a limit of zero working days.
    pub const IMMEDIATE: WorkingDays = WorkingDays(0);

    /// The count of days.
    pub fn get(self) -> u32 {
        self.0
    }

    /// Whether this is 即办.
    pub fn is_immediate(self) -> bool {
        self.0 == 0
    }
}

impl fmt::Display for WorkingDays {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            f.write_str("即办")
        } else {
            write!(f, "{}个工作日", self.0)
        }
    }
}

labelled_enum! {
    /// Who may apply for a matter (服务对象).
    ApplicantTypes {
        /// 自然人: citizens only (结婚登记, 出生登记, …).
        Person = "person" / "自然人",
        /// 法人和其他组织: enterprises and organisations only.
        Enterprise = "enterprise" / "法人",
        /// Both.
        Both = "both" / "自然人、法人",
    }
}

labelled_enum! {
    /// The kind of matter, as GB/T 39046 and the State Council's 事项类型 name them.
    Category {
        /// 行政许可
        License = "license" / "行政许可",
        /// 行政处罚
        Penalty = "penalty" / "行政处罚",
        /// 行政强制
        Compulsion = "compulsion" / "行政强制",
        /// 行政征收
        Levy = "levy" / "行政征收",
        /// 行政给付
        Payment = "payment" / "行政给付",
        /// 行政检查
        Inspection = "inspection" / "行政检查",
        /// 行政确认
        Confirmation = "confirmation" / "行政确认",
        /// 行政奖励
        Reward = "reward" / "行政奖励",
        /// 行政裁决
        Adjudication = "adjudication" / "行政裁决",
        /// 其他行政权力
        OtherPower = "other_power" / "其他行政权力",
        /// 公共服务
        PublicService = "public_service" / "公共服务",
    }
}

labelled_enum! {
    /// A level of service hall that may accept a matter.
    Level {
        /// 市级: the city's 政务服务中心.
        City = "city" / "市级",
        /// 镇街: a town or street 便民服务中心.
        Town = "town" / "镇街",
        /// 村社区: a village or community 便民服务站.
        Village = "village" / "村社区",
    }
}

impl Level {
    /// The kind of hall that serves at this level, as a notice names it.
    pub fn hall_zh(self) -> &'static str {
        match self {
            Level::City => "市级政务服务中心",
            Level::Town => "镇（街道）便民服务中心",
            Level::Village => "村（社区）便民服务站",
        }
    }
}

labelled_enum! {
    /// How a matter came to be handled at this level (放权).
    Delegation {
        /// Not delegated: handled by the level that holds the power.
        NotDelegated = "not_delegated" / "未下放",
        /// 直接下放
        Direct = "direct" / "直接下放",
        /// 委托下放
        Entrusted = "entrusted" / "委托下放",
        /// 服务窗口前移
        WindowForward = "window_forward" / "窗口前移",
        /// 下放实质性审核权
        ReviewPower = "review_power" / "下放审核权",
    }
}

labelled_enum! {
    /// How far a matter can be done online.
    OnlineDepth {
        /// 全程网办: from application to result without a visit.
        FullyOnline = "fully_online" / "全程网办",
        /// 网上可办: applied for online, with a visit for some step.
        PartlyOnline = "partly_online" / "网上可办",
        /// 窗口办理: only at a window.
        WindowOnly = "window_only" / "窗口办理",
    }
}

labelled_enum! {
    /// Where a material comes from. Only `Applicant` materials are asked of
    /// the applicant; the platform fetches the others itself.
    MaterialSource {
        /// 申请人提供
        Applicant = "applicant" / "申请人提供",
        /// 共享数据: fetched from the data-sharing platform.
        SharedData = "shared_data" / "共享数据",
        /// 电子证照: fetched from the electronic licence library.
        ELicense = "e_license" / "电子证照",
    }
}

/// A material (申请材料) a matter asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Material {
    /// Name, e.g. 营业执照.
    pub name: String,
    /// Whether the application needs it at all.
    #[serde(default = "yes")]
    pub required: bool,
    /// Core (核心要件) materials may never be missing; non-core ones may be
    /// under 容缺受理.
    #[serde(default = "yes")]
    pub core: bool,
    /// Who provides it.
    #[serde(default = "applicant")]
    pub source: MaterialSource,
    /// The certificate-list code when this material is a certificate (证明).
    #[serde(default)]
    pub certificate: Option<String>,
    /// Copies, format or other notes for the applicant.
    #[serde(default)]
    pub note: String,
}

fn yes() -> bool {
    true
}

fn applicant() -> MaterialSource {
    MaterialSource::Applicant
}

/// One step (环节) of a matter's back-office process. Steps with the same
/// `stage` run in parallel (并联审批); stages run in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// Stage number, from 1.
    pub stage: u32,
    /// Name, e.g. 申请受理, 确定方案, 开阀供能.
    pub name: String,
    /// The unit that does this step; the matter's unit when empty.
    #[serde(default)]
    pub unit: Option<String>,
    /// This step's own limit inside the matter's.
    pub limit: WorkingDays,
}

/// A matter (事项): what the catalog publishes about one service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Matter {
    /// 事项编码.
    pub code: MatterCode,
    /// 事项名称.
    pub name: String,
    /// 事项类型.
    pub category: Category,
    /// The responsible unit's code (责任单位).
    pub unit: String,
    /// Levels whose halls may accept it.
    pub levels: Vec<Level>,
    /// How it was delegated to those levels.
    #[serde(default = "not_delegated")]
    pub delegation: Delegation,
    /// 法定时限 in working days.
    pub statutory_limit: WorkingDays,
    /// 承诺时限 in working days (0 = 即办); never more than the statutory limit.
    pub promised_limit: WorkingDays,
    /// Where the promised limit comes from, e.g. the seed's clause （十五）.
    #[serde(default)]
    pub limit_source: String,
    /// Whether a fee is charged.
    #[serde(default)]
    pub fee_charged: bool,
    /// The fee's amount and basis, or why it is free.
    #[serde(default)]
    pub fee_note: String,
    /// 设定依据: the laws and rules the matter rests on.
    #[serde(default)]
    pub legal_basis: String,
    /// What the applicant is asked for.
    #[serde(default)]
    pub materials: Vec<Material>,
    /// 告知承诺: a signed commitment may replace a certificate.
    #[serde(default)]
    pub commitment_allowed: bool,
    /// 容缺受理: may be accepted with non-core materials missing.
    #[serde(default)]
    pub deficiency_allowed: bool,
    /// Who may apply (服务对象); both when the catalog does not say.
    #[serde(default = "both")]
    pub applicants: ApplicantTypes,
    /// 网办深度.
    pub online_depth: OnlineDepth,
    /// 移动办理.
    #[serde(default)]
    pub mobile: bool,
    /// 自助办.
    #[serde(default)]
    pub self_service: bool,
    /// 最多跑几次: 0 = 零跑腿, 1 = 最多跑一次.
    #[serde(default)]
    pub max_visits: u32,
    /// Whether 代办 is offered.
    #[serde(default)]
    pub agency: bool,
    /// The back-office steps; empty means one step by the responsible unit.
    #[serde(default)]
    pub steps: Vec<Step>,
    /// Other words people search with (别名), e.g. 社保 for 社会保险.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// 办理须知: a short explanation for the applicant.
    #[serde(default)]
    pub description: String,
}

fn not_delegated() -> Delegation {
    Delegation::NotDelegated
}

fn both() -> ApplicantTypes {
    ApplicantTypes::Both
}

impl Matter {
    /// Whether an applicant of this kind (a citizen, or an enterprise) may
    /// apply for the matter.
    pub fn admits(&self, enterprise: bool) -> bool {
        match self.applicants {
            ApplicantTypes::Both => true,
            ApplicantTypes::Person => !enterprise,
            ApplicantTypes::Enterprise => enterprise,
        }
    }

    /// The halls that accept the matter, as a notice names them: 市级政务服务中心、….
    pub fn levels_zh(&self) -> String {
        let halls: Vec<_> = self.levels.iter().map(|l| l.hall_zh()).collect();
        halls.join("或")
    }

    /// The materials the applicant must bring (the platform fetches the rest).
    pub fn asked_materials(&self) -> impl Iterator<Item = &Material> {
        self.materials
            .iter()
            .filter(|m| m.source == MaterialSource::Applicant)
    }

    /// Checks the matter's own rules and that every certificate it asks for
    /// is on the list. `unit_exists` says whether a unit code is known.
    pub fn validate(
        &self,
        list: &super::CertificateList,
        unit_exists: &dyn Fn(&str) -> bool,
    ) -> Result<(), CatalogError> {
        let code = self.code.as_str();
        let mut p = Vec::new();
        if self.name.trim().is_empty() {
            p.push(Problem::new(code, "事项名称", "不能为空"));
        }
        if !unit_exists(&self.unit) {
            p.push(Problem::new(
                code,
                "责任单位",
                format!("单位“{}”不存在", self.unit),
            ));
        }
        if self.levels.is_empty() {
            p.push(Problem::new(code, "受理层级", "至少要有一个受理层级"));
        }
        if self.promised_limit > self.statutory_limit {
            p.push(Problem::new(
                code,
                "承诺时限",
                format!(
                    "承诺时限（{}）不能超过法定时限（{}）",
                    self.promised_limit, self.statutory_limit
                ),
            ));
        }
        for s in &self.steps {
            if s.limit > self.promised_limit {
                p.push(Problem::new(
                    code,
                    "办理环节",
                    format!("环节“{}”的时限（{}）超过承诺时限", s.name, s.limit),
                ));
            }
            if let Some(u) = s.unit.as_ref().filter(|u| !unit_exists(u)) {
                p.push(Problem::new(
                    code,
                    "办理环节",
                    format!("环节“{}”的单位“{u}”不存在", s.name),
                ));
            }
        }
        let mut names = std::collections::HashSet::new();
        for m in &self.materials {
            if m.name.trim().is_empty() {
                p.push(Problem::new(code, "材料名称", "不能为空"));
            } else if !names.insert(m.name.as_str()) {
                p.push(Problem::new(
                    code,
                    "材料名称",
                    format!("材料“{}”重复", m.name),
                ));
            }
            match &m.certificate {
                Some(c) if !list.contains(c) => p.push(Problem::new(
                    code,
                    "证明编码",
                    format!(
                        "材料“{}”要求的证明“{c}”不在证明事项清单上，清单之外一律不得索要证明",
                        m.name
                    ),
                )),
                None if m.name.trim_end().ends_with("证明")
                    && m.source == MaterialSource::Applicant =>
                {
                    p.push(Problem::new(
                        code,
                        "证明编码",
                        format!("材料“{}”是证明，须注明证明事项清单编码", m.name),
                    ))
                }
                _ => {}
            }
        }
        if self.deficiency_allowed && !self.materials.iter().any(|m| !m.core) {
            p.push(Problem::new(
                code,
                "容缺受理",
                "允许容缺受理的事项至少要有一项非核心材料",
            ));
        }
        if p.is_empty() {
            Ok(())
        } else {
            Err(CatalogError::Invalid(p))
        }
    }
}
