//! The matter edit form: the main fields and a table of materials, as typed,
//! with each problem (the page's own and the catalog's rules) kept next to
//! the field or material row it concerns. Reading it into a matter and
//! placing the catalog's problems is in `matter_check`.

use domain::catalog::{
    ApplicantTypes, Category, Delegation, Level, MaterialSource, Matter, OnlineDepth,
};

use super::fields::{Errors, Fields};

/// A matter as the form shows and posts it.
#[derive(Debug, Clone, Default)]
pub struct MatterForm {
    /// 事项编码 (typed only for a new matter).
    pub code: String,
    /// 事项名称.
    pub name: String,
    /// Category, by its English name.
    pub category: String,
    /// The responsible unit's code.
    pub unit: String,
    /// The levels ticked, by English name.
    pub levels: Vec<String>,
    /// Delegation, by English name.
    pub delegation: String,
    /// 法定时限 as typed.
    pub statutory_limit: String,
    /// 承诺时限 as typed.
    pub promised_limit: String,
    /// 时限依据.
    pub limit_source: String,
    /// 收费.
    pub fee_charged: bool,
    /// 收费说明.
    pub fee_note: String,
    /// 设定依据.
    pub legal_basis: String,
    /// 告知承诺.
    pub commitment_allowed: bool,
    /// 容缺受理.
    pub deficiency_allowed: bool,
    /// Who may apply, by English name.
    pub applicants: String,
    /// Online depth, by English name.
    pub online_depth: String,
    /// 移动办理.
    pub mobile: bool,
    /// 自助办.
    pub self_service: bool,
    /// 最多跑动次数 as typed.
    pub max_visits: String,
    /// 代办.
    pub agency: bool,
    /// 别名, separated by ，or 、.
    pub keywords: String,
    /// 办理须知.
    pub description: String,
    /// The materials' rows.
    pub materials: Vec<MaterialForm>,
    /// Problems by field name (`""` = the matter as a whole).
    pub errors: Errors,
}

/// One row of the materials table.
#[derive(Debug, Clone)]
pub struct MaterialForm {
    /// 材料名称.
    pub name: String,
    /// 必需.
    pub required: bool,
    /// 核心要件.
    pub core: bool,
    /// Source, by English name.
    pub source: String,
    /// 证明事项清单编码, empty if not a certificate.
    pub certificate: String,
    /// 说明.
    pub note: String,
    /// What is wrong with this row.
    pub errors: Vec<String>,
}

impl Default for MaterialForm {
    fn default() -> Self {
        Self {
            name: String::new(),
            required: true,
            core: true,
            source: MaterialSource::Applicant.as_str().to_owned(),
            certificate: String::new(),
            note: String::new(),
            errors: Vec::new(),
        }
    }
}

impl MaterialForm {
    pub fn is_blank(&self) -> bool {
        self.name.is_empty() && self.certificate.is_empty() && self.note.is_empty()
    }
}

impl MatterForm {
    /// The form for a new matter: sensible defaults, one empty material row.
    pub fn blank() -> Self {
        Self {
            category: Category::PublicService.as_str().to_owned(),
            levels: vec![Level::City.as_str().to_owned()],
            delegation: Delegation::NotDelegated.as_str().to_owned(),
            online_depth: OnlineDepth::WindowOnly.as_str().to_owned(),
            applicants: ApplicantTypes::Both.as_str().to_owned(),
            statutory_limit: "20".to_owned(),
            promised_limit: "5".to_owned(),
            max_visits: "1".to_owned(),
            materials: vec![MaterialForm::default()],
            ..Self::default()
        }
    }

    /// The form filled from a published matter, with one empty row to add a material.
    pub fn of(m: &Matter) -> Self {
        let mut materials: Vec<MaterialForm> = m
            .materials
            .iter()
            .map(|x| MaterialForm {
                name: x.name.clone(),
                required: x.required,
                core: x.core,
                source: x.source.as_str().to_owned(),
                certificate: x.certificate.clone().unwrap_or_default(),
                note: x.note.clone(),
                errors: Vec::new(),
            })
            .collect();
        materials.push(MaterialForm::default());
        Self {
            code: m.code.to_string(),
            name: m.name.clone(),
            category: m.category.as_str().to_owned(),
            unit: m.unit.clone(),
            levels: m.levels.iter().map(|l| l.as_str().to_owned()).collect(),
            delegation: m.delegation.as_str().to_owned(),
            statutory_limit: m.statutory_limit.get().to_string(),
            promised_limit: m.promised_limit.get().to_string(),
            limit_source: m.limit_source.clone(),
            fee_charged: m.fee_charged,
            fee_note: m.fee_note.clone(),
            legal_basis: m.legal_basis.clone(),
            commitment_allowed: m.commitment_allowed,
            deficiency_allowed: m.deficiency_allowed,
            online_depth: m.online_depth.as_str().to_owned(),
            applicants: m.applicants.as_str().to_owned(),
            mobile: m.mobile,
            self_service: m.self_service,
            max_visits: m.max_visits.to_string(),
            agency: m.agency,
            keywords: m.keywords.join("，"),
            description: m.description.clone(),
            materials,
            errors: Errors::default(),
        }
    }

    /// The form as posted (material rows `m{i}.…` in their order, less those
    /// ticked 删除; empty rows stay on the page and are left out of the matter).
    pub fn read(f: &Fields) -> Self {
        let text = |k: &str| f.get(k).replace("\r\n", "\n");
        let materials = f
            .rows("m")
            .into_iter()
            .take(500)
            .filter(|i| !f.checked(&format!("m{i}.remove")))
            .map(|i| MaterialForm {
                name: f.get(&format!("m{i}.name")).to_owned(),
                required: f.checked(&format!("m{i}.required")),
                core: f.checked(&format!("m{i}.core")),
                source: f.get(&format!("m{i}.source")).to_owned(),
                certificate: f.get(&format!("m{i}.certificate")).to_owned(),
                note: f.get(&format!("m{i}.note")).to_owned(),
                errors: Vec::new(),
            })
            .collect();
        Self {
            code: f.get("code").to_owned(),
            name: f.get("name").to_owned(),
            category: f.get("category").to_owned(),
            unit: f.get("unit").to_owned(),
            levels: Level::ALL
                .iter()
                .filter(|l| f.checked(&format!("level.{}", l.as_str())))
                .map(|l| l.as_str().to_owned())
                .collect(),
            delegation: f.get("delegation").to_owned(),
            statutory_limit: f.get("statutory_limit").to_owned(),
            promised_limit: f.get("promised_limit").to_owned(),
            limit_source: text("limit_source"),
            fee_charged: f.checked("fee_charged"),
            fee_note: text("fee_note"),
            legal_basis: text("legal_basis"),
            commitment_allowed: f.checked("commitment_allowed"),
            deficiency_allowed: f.checked("deficiency_allowed"),
            online_depth: f.get("online_depth").to_owned(),
            applicants: f.get("applicants").to_owned(),
            mobile: f.checked("mobile"),
            self_service: f.checked("self_service"),
            max_visits: f.get("max_visits").to_owned(),
            agency: f.checked("agency"),
            keywords: f.get("keywords").to_owned(),
            description: text("description"),
            materials,
            errors: Errors::default(),
        }
    }

    /// Whether a level is ticked.
    pub fn has_level(&self, level: &str) -> bool {
        self.levels.iter().any(|l| l == level)
    }

    /// Whether any problem is noted, on a field or a row.
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty() || self.materials.iter().any(|m| !m.errors.is_empty())
    }

    /// Adds an empty material row at the end.
    pub fn add_row(&mut self) {
        self.materials.push(MaterialForm::default());
    }
}
