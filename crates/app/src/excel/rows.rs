//! Turning each sheet's rows into catalog values, noting every bad cell.

use super::layout::*;
use super::sheet::{Problems, Row, Table};
use domain::catalog::{
    ApplicantTypes, Category, Certificate, Delegation, Material, MaterialSource, Matter,
    MatterCode, OnlineDepth, Step, WorkingDays,
};
use std::collections::{HashMap, HashSet};

/// A matter read from the 事项 sheet, with where its parts came from so
/// the domain's rules can be reported at the right row.
pub(crate) struct MatterRow {
    /// Its row in 事项.
    pub row: u32,
    pub matter: Matter,
    /// Whether its material and step rows all read without a problem.
    pub clean: bool,
    /// Row in 材料 of each material, in the matter's order.
    pub material_rows: Vec<u32>,
    /// Row in 环节 of each step, in the matter's order.
    pub step_rows: Vec<u32>,
}

/// The matters read so far, to attach materials and steps to.
pub(crate) struct Matters {
    pub rows: Vec<MatterRow>,
    by_code: HashMap<MatterCode, usize>,
    /// Codes whose 事项 row was refused: their materials are not "unknown".
    refused: HashSet<String>,
}

impl Matters {
    /// The matter a 材料 or 环节 row belongs to; reports a missing or unknown code.
    fn owner(&self, row: &Row<'_>, p: &mut Problems) -> Option<usize> {
        let code = row.required(CODE, p)?;
        let parsed = MatterCode::parse(&code).ok();
        match parsed.as_ref().and_then(|c| self.by_code.get(c)) {
            Some(&i) => Some(i),
            None => {
                if !self.refused.contains(&code) {
                    row.report(
                        p,
                        CODE,
                        format!("事项编码“{code}”在“{}”表中不存在", MATTERS.name),
                    );
                }
                None
            }
        }
    }
}

/// Reads 证明事项清单; a row repeating an earlier row's code is refused.
pub(crate) fn certificates(table: &Table<'_>, p: &mut Problems) -> Vec<Certificate> {
    let mut out = Vec::new();
    let mut seen: HashMap<String, u32> = HashMap::new();
    for row in table.rows() {
        let code = row.required(CERT_CODE, p);
        let name = row.required(CERT_NAME, p);
        let issuer = row.required(CERT_ISSUER, p);
        let basis = row.free_text(CERT_BASIS, p);
        let Some(code) = code else { continue };
        if let Some(first) = seen.get(&code) {
            row.report(p, CERT_CODE, format!("证明编码“{code}”与第{first}行重复"));
            continue;
        }
        seen.insert(code.clone(), row.number());
        let (Some(name), Some(issuer)) = (name, issuer) else {
            continue;
        };
        out.push(Certificate {
            code,
            name,
            issuer,
            basis,
        });
    }
    out
}

/// Reads 事项; a row repeating an earlier row's code is refused.
pub(crate) fn matters(table: &Table<'_>, p: &mut Problems) -> Matters {
    let mut m = Matters {
        rows: Vec::new(),
        by_code: HashMap::new(),
        refused: HashSet::new(),
    };
    // First row of each code, refused or not, so a repeat is always caught.
    let mut seen: HashMap<String, u32> = HashMap::new();
    for row in table.rows() {
        let parsed = matter(&row, p);
        let code = row.text(CODE, &mut Problems::default());
        if !code.is_empty() {
            if let Some(first) = seen.get(&code) {
                row.report(p, CODE, format!("事项编码“{code}”与第{first}行重复"));
                continue;
            }
            seen.insert(code.clone(), row.number());
        }
        let Some(matter) = parsed else {
            m.refused.insert(code);
            continue;
        };
        m.by_code.insert(matter.code.clone(), m.rows.len());
        m.rows.push(MatterRow {
            row: row.number(),
            matter,
            clean: true,
            material_rows: Vec::new(),
            step_rows: Vec::new(),
        });
    }
    m
}

fn matter(row: &Row<'_>, p: &mut Problems) -> Option<Matter> {
    let code = row
        .required(CODE, p)
        .and_then(|s| match MatterCode::parse(&s) {
            Ok(c) => Some(c),
            Err(e) => {
                row.report(p, CODE, e.to_string());
                None
            }
        });
    let name = row.required(NAME, p);
    let category = row.choice::<Category>(CATEGORY, p);
    let unit = row.required(UNIT, p);
    let levels = row.choices(LEVELS, p);
    let delegation = row.choice_or(DELEGATION, Delegation::NotDelegated, p);
    let statutory = row.count(STATUTORY, p);
    let promised = row.count(PROMISED, p);
    let limit_source = row.free_text(LIMIT_SOURCE, p);
    let fee_charged = row.flag(FEE, false, p);
    let fee_note = row.free_text(FEE_NOTE, p);
    let legal_basis = row.free_text(LEGAL_BASIS, p);
    let commitment = row.flag(COMMITMENT, false, p);
    let deficiency = row.flag(DEFICIENCY, false, p);
    let applicants = row.choice_or(APPLICANTS, ApplicantTypes::Both, p);
    let online_depth = row.choice::<OnlineDepth>(ONLINE, p);
    let mobile = row.flag(MOBILE, false, p);
    let self_service = row.flag(SELF_SERVICE, false, p);
    let max_visits = row.count_or(VISITS, 0, p);
    let agency = row.flag(AGENCY, false, p);
    let keywords = split_list(&row.text(KEYWORDS, p));
    let description = row.free_text(DESCRIPTION, p);
    Some(Matter {
        code: code?,
        name: name?,
        category: category?,
        unit: unit?,
        levels: levels?,
        delegation: delegation?,
        statutory_limit: WorkingDays(statutory?),
        promised_limit: WorkingDays(promised?),
        limit_source,
        fee_charged: fee_charged?,
        fee_note,
        legal_basis,
        materials: Vec::new(),
        commitment_allowed: commitment?,
        deficiency_allowed: deficiency?,
        applicants: applicants?,
        online_depth: online_depth?,
        mobile: mobile?,
        self_service: self_service?,
        max_visits: max_visits?,
        agency: agency?,
        steps: Vec::new(),
        keywords,
        description,
    })
}

/// Reads 材料 into the matters, ordered by 序号 (rows without one follow,
/// in sheet order).
pub(crate) fn materials(table: &Table<'_>, matters: &mut Matters, p: &mut Problems) {
    let mut read: HashMap<usize, Vec<(u32, u32, Material)>> = HashMap::new();
    for row in table.rows() {
        let before = p.0.len();
        let seq = if row.text(SEQ, p).is_empty() {
            Some(u32::MAX)
        } else {
            row.count(SEQ, p)
        };
        let name = row.required(MATERIAL_NAME, p);
        let required = row.flag(REQUIRED, true, p);
        let core = row.flag(CORE, true, p);
        let source = row.choice_or(SOURCE, MaterialSource::Applicant, p);
        let certificate = Some(row.text(CERTIFICATE, p)).filter(|c| !c.is_empty());
        let note = row.free_text(NOTE, p);
        let fine = p.0.len() == before;
        let Some(owner) = matters.owner(&row, p) else {
            continue;
        };
        matters.rows[owner].clean &= fine;
        let (Some(seq), Some(name), Some(required), Some(core), Some(source)) =
            (seq, name, required, core, source)
        else {
            continue;
        };
        let material = Material {
            name,
            required,
            core,
            source,
            certificate,
            note,
        };
        read.entry(owner)
            .or_default()
            .push((seq, row.number(), material));
    }
    for (i, mut list) in read {
        list.sort_by_key(|(seq, row, _)| (*seq, *row));
        let owner = &mut matters.rows[i];
        for (_, row, material) in list {
            owner.material_rows.push(row);
            owner.matter.materials.push(material);
        }
    }
}

/// Reads 环节 into the matters, in sheet order.
pub(crate) fn steps(table: &Table<'_>, matters: &mut Matters, p: &mut Problems) {
    for row in table.rows() {
        let before = p.0.len();
        let stage = row.count(STAGE, p);
        let name = row.required(STEP_NAME, p);
        let unit = Some(row.text(STEP_UNIT, p)).filter(|u| !u.is_empty());
        let limit = row.count(STEP_LIMIT, p);
        let fine = p.0.len() == before;
        let Some(owner) = matters.owner(&row, p) else {
            continue;
        };
        let owner = &mut matters.rows[owner];
        owner.clean &= fine;
        let (Some(stage), Some(name), Some(limit)) = (stage, name, limit) else {
            continue;
        };
        owner.step_rows.push(row.number());
        owner.matter.steps.push(Step {
            stage,
            name,
            unit,
            limit: WorkingDays(limit),
        });
    }
}
