//! Turning the matter form into a matter, and the catalog's answer back
//! into messages next to the fields and material rows they concern.

use domain::catalog::{
    ApplicantTypes, Category, Delegation, Level, Material, MaterialSource, Matter, MatterCode,
    OnlineDepth, Problem, Step, WorkingDays,
};

use super::fields::Errors;
use super::matter_form::{MaterialForm, MatterForm};

impl MatterForm {
    /// The matter the form describes, keeping `steps` (not edited here);
    /// `None` with the problems noted when a field cannot be read.
    pub fn build(&mut self, steps: Vec<Step>) -> Option<Matter> {
        let e = &mut self.errors;
        let code = MatterCode::parse(&self.code).map_err(|x| e.add("code", x.to_string()));
        let category = Category::parse(&self.category);
        if category.is_none() {
            e.add("category", "请选择事项类型");
        }
        let levels: Vec<Level> = self.levels.iter().filter_map(|l| Level::parse(l)).collect();
        let delegation = Delegation::parse(&self.delegation);
        if delegation.is_none() {
            e.add("delegation", "请选择下放方式");
        }
        let days = |s: &str, field: &str, e: &mut Errors| match s.parse::<u32>() {
            Ok(n) if n <= 3650 => Some(WorkingDays(n)),
            _ => {
                e.add(field, "请填写 0 到 3650 之间的整数（工作日，0 为即办）");
                None
            }
        };
        let statutory = days(&self.statutory_limit, "statutory_limit", e);
        let promised = days(&self.promised_limit, "promised_limit", e);
        let online_depth = OnlineDepth::parse(&self.online_depth);
        if online_depth.is_none() {
            e.add("online_depth", "请选择网办深度");
        }
        let applicants = ApplicantTypes::parse(&self.applicants);
        if applicants.is_none() {
            e.add("applicants", "请选择服务对象");
        }
        let max_visits = match self.max_visits.parse::<u32>() {
            Ok(n) if n <= 10 => Some(n),
            _ => {
                e.add("max_visits", "请填写 0 到 10 之间的整数（0 为零跑腿）");
                None
            }
        };
        let materials = (self.materials.iter_mut())
            .filter(|m| !m.is_blank())
            .map(read_material)
            .collect::<Vec<_>>();
        let (Ok(code), Some(category), Some(delegation), Some(statutory), Some(promised)) =
            (code, category, delegation, statutory, promised)
        else {
            return None;
        };
        let (Some(online_depth), Some(max_visits), Some(applicants)) =
            (online_depth, max_visits, applicants)
        else {
            return None;
        };
        let materials: Option<Vec<Material>> = materials.into_iter().collect();
        Some(Matter {
            code,
            name: self.name.clone(),
            category,
            unit: self.unit.clone(),
            levels,
            delegation,
            statutory_limit: statutory,
            promised_limit: promised,
            limit_source: self.limit_source.clone(),
            fee_charged: self.fee_charged,
            fee_note: self.fee_note.clone(),
            legal_basis: self.legal_basis.clone(),
            materials: materials?,
            commitment_allowed: self.commitment_allowed,
            deficiency_allowed: self.deficiency_allowed,
            applicants,
            online_depth,
            mobile: self.mobile,
            self_service: self.self_service,
            max_visits,
            agency: self.agency,
            steps,
            keywords: keywords(&self.keywords),
            description: self.description.clone(),
        })
    }

    /// Puts each of the catalog's problems next to its field or material row.
    pub fn attach(&mut self, problems: Vec<Problem>) {
        for p in problems {
            let field = match p.field.as_str() {
                "事项名称" => "name",
                "责任单位" => "unit",
                "受理层级" => "levels",
                "承诺时限" => "promised_limit",
                "办理环节" => "steps",
                "容缺受理" => "deficiency_allowed",
                "服务对象" => "applicants",
                "编码" => "code",
                "材料名称" | "证明编码" => match self.row_of(&p.message) {
                    Some(row) => {
                        row.errors.push(p.message);
                        continue;
                    }
                    None => "materials",
                },
                _ => "",
            };
            self.errors.add(field, p.message);
        }
    }

    /// The row a material problem names (“名称”), or the first unnamed row.
    fn row_of(&mut self, message: &str) -> Option<&mut MaterialForm> {
        let named = self
            .materials
            .iter()
            .position(|m| !m.name.is_empty() && message.contains(&format!("“{}”", m.name)));
        let unnamed = || (self.materials.iter()).position(|m| m.name.is_empty() && !m.is_blank());
        let index = named.or_else(unnamed)?;
        self.materials.get_mut(index)
    }
}

fn read_material(m: &mut MaterialForm) -> Option<Material> {
    let Some(source) = MaterialSource::parse(&m.source) else {
        m.errors.push("请选择材料来源".to_owned());
        return None;
    };
    Some(Material {
        name: m.name.clone(),
        required: m.required,
        core: m.core,
        source,
        certificate: Some(m.certificate.clone()).filter(|c| !c.is_empty()),
        note: m.note.clone(),
    })
}

/// Keywords typed with any of ， , 、 ； ; or spaces between them.
fn keywords(s: &str) -> Vec<String> {
    s.split([',', '，', '、', ';', '；', ' ', '\u{3000}', '\n'])
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Keeps the published text where the form changed only whitespace around
/// it or line endings (browsers send textareas with CRLF and drop a leading
/// newline), so saving an untouched form publishes no new version.
pub fn settle(new: &mut Matter, old: &Matter) {
    let same = |a: &str, b: &str| a.replace("\r\n", "\n").trim() == b.replace("\r\n", "\n").trim();
    let pairs: [(&mut String, &String); 5] = [
        (&mut new.limit_source, &old.limit_source),
        (&mut new.fee_note, &old.fee_note),
        (&mut new.legal_basis, &old.legal_basis),
        (&mut new.description, &old.description),
        (&mut new.name, &old.name),
    ];
    for (n, o) in pairs {
        if same(n, o) {
            n.clone_from(o);
        }
    }
    for (n, o) in new.materials.iter_mut().zip(&old.materials) {
        if same(&n.name, &o.name) {
            n.name.clone_from(&o.name);
        }
        if same(&n.note, &o.note) {
            n.note.clone_from(&o.note);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_split_on_any_separator() {
        assert_eq!(
            keywords("社保，养老、 医保;;x\n"),
            ["社保", "养老", "医保", "x"]
        );
    }

    #[test]
    fn a_certificate_problem_lands_on_its_row() {
        let mut form = MatterForm::blank();
        form.materials = vec![
            MaterialForm {
                name: "身份证".into(),
                ..MaterialForm::default()
            },
            MaterialForm {
                name: "收入证明".into(),
                certificate: "ZM-999".into(),
                ..MaterialForm::default()
            },
        ];
        form.attach(vec![
            Problem::new(
                "X",
                "证明编码",
                "材料“收入证明”要求的证明“ZM-999”不在证明事项清单上",
            ),
            Problem::new("X", "承诺时限", "承诺时限不能超过法定时限"),
        ]);
        assert!(form.materials[0].errors.is_empty());
        assert_eq!(form.materials[1].errors.len(), 1);
        assert_eq!(form.errors.of("promised_limit").len(), 1);
    }
}
