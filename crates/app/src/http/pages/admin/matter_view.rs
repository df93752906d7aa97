//! A published version of a matter, as the read-only page shows it.

use domain::catalog::Matter;
use domain::unit::Unit;

/// Yes or no, in Chinese.
fn yes_no(b: bool) -> &'static str {
    if b { "是" } else { "否" }
}

/// Every field of one version, as text.
#[derive(Debug, Clone)]
pub struct MatterFacts {
    /// (label, value) pairs in form order.
    pub facts: Vec<(&'static str, String)>,
    /// The materials.
    pub materials: Vec<MaterialFacts>,
    /// The back-office steps.
    pub steps: Vec<StepFacts>,
}

/// One material, as text.
#[derive(Debug, Clone)]
pub struct MaterialFacts {
    /// 材料名称.
    pub name: String,
    /// 必需.
    pub required: &'static str,
    /// 核心要件.
    pub core: &'static str,
    /// 来源.
    pub source: &'static str,
    /// 证明事项清单编码, or —.
    pub certificate: String,
    /// 说明.
    pub note: String,
}

/// One step, as text.
#[derive(Debug, Clone)]
pub struct StepFacts {
    /// 阶段.
    pub stage: u32,
    /// 环节名称.
    pub name: String,
    /// 办理单位.
    pub unit: String,
    /// 时限.
    pub limit: String,
}

/// A unit's name from its code (the code itself when unknown).
pub fn unit_name(units: &[Unit], code: &str) -> String {
    units
        .iter()
        .find(|u| u.code.as_str() == code)
        .map_or_else(|| code.to_owned(), |u| u.name.clone())
}

impl MatterFacts {
    /// The facts of `m`, naming units from `units`.
    pub fn of(m: &Matter, units: &[Unit]) -> Self {
        let levels: Vec<&str> = m.levels.iter().map(|l| l.label_zh()).collect();
        let facts = vec![
            ("事项编码", m.code.to_string()),
            ("事项名称", m.name.clone()),
            ("事项类型", m.category.label_zh().to_owned()),
            ("责任单位", unit_name(units, &m.unit)),
            ("受理层级", levels.join("、")),
            ("下放方式", m.delegation.label_zh().to_owned()),
            ("法定时限", m.statutory_limit.to_string()),
            ("承诺时限", m.promised_limit.to_string()),
            ("时限依据", m.limit_source.clone()),
            ("收费", yes_no(m.fee_charged).to_owned()),
            ("收费说明", m.fee_note.clone()),
            ("设定依据", m.legal_basis.clone()),
            ("告知承诺", yes_no(m.commitment_allowed).to_owned()),
            ("容缺受理", yes_no(m.deficiency_allowed).to_owned()),
            ("服务对象", m.applicants.label_zh().to_owned()),
            ("网办深度", m.online_depth.label_zh().to_owned()),
            ("移动办理", yes_no(m.mobile).to_owned()),
            ("自助办", yes_no(m.self_service).to_owned()),
            ("最多跑动次数", m.max_visits.to_string()),
            ("代办", yes_no(m.agency).to_owned()),
            ("别名", m.keywords.join("，")),
            ("办理须知", m.description.clone()),
        ];
        Self {
            facts,
            materials: m
                .materials
                .iter()
                .map(|x| MaterialFacts {
                    name: x.name.clone(),
                    required: yes_no(x.required),
                    core: yes_no(x.core),
                    source: x.source.label_zh(),
                    certificate: x.certificate.clone().unwrap_or_else(|| "—".to_owned()),
                    note: x.note.clone(),
                })
                .collect(),
            steps: steps(m, units),
        }
    }
}

/// A matter's back-office steps, as text.
pub fn steps(m: &Matter, units: &[Unit]) -> Vec<StepFacts> {
    m.steps
        .iter()
        .map(|s| StepFacts {
            stage: s.stage,
            name: s.name.clone(),
            unit: unit_name(units, s.unit.as_deref().unwrap_or(&m.unit)),
            limit: s.limit.to_string(),
        })
        .collect()
}
