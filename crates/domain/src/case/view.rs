//! What the staff pages show about a case, decided here once: which intake
//! outcomes the materials at hand allow, the Chinese names of actions,
//! effects and visit outcomes, masked identifiers, and what a unit owes a case.

use super::{ActionKind, Case, CaseState, Effect};
use crate::catalog::{Level, Matter};
use crate::party::IdNumber;

/// What the materials received at a window allow (每事必接: always at least 一次性告知).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeOptions {
    /// Required core materials (核心要件) not received: only 一次性告知 is possible.
    pub missing_core: Vec<String>,
    /// Required non-core materials not received: 容缺受理 where the matter allows it.
    pub missing_non_core: Vec<String>,
    /// The outcomes offered, in the order the page shows them.
    pub outcomes: Vec<ActionKind>,
    /// The halls that handle the matter, when the hall at hand is not of a
    /// level the matter lists (放权): it only tells the applicant where to go.
    pub elsewhere: Option<String>,
}

impl IntakeOptions {
    /// Everything still needed, core first, as a one-time notice lists it.
    /// Where the matter is handled elsewhere, that is everything to bring
    /// there (or, when the applicant brings nothing, the hall to go to).
    pub fn missing(&self) -> Vec<String> {
        let all: Vec<String> = self
            .missing_core
            .iter()
            .chain(&self.missing_non_core)
            .cloned()
            .collect();
        match &self.elsewhere {
            Some(halls) if all.is_empty() => vec![format!("到{halls}办理")],
            _ => all,
        }
    }
}

/// The intake outcomes `received` (names of the applicant-provided materials
/// checked at the window) allows for `matter`: 受理 when every required
/// material is there; 容缺受理 or 一次性告知 when only non-core ones are
/// missing (容缺 only where the matter allows it); only 一次性告知 when a core
/// material is missing. The window never refuses: 不予受理 is never offered here.
/// A hall of a level the matter does not list (`level`, see
/// [`super::level_of`]) offers only the notice naming where it is handled.
pub fn intake_options(matter: &Matter, received: &[String], level: Level) -> IntakeOptions {
    let elsewhere = (!matter.levels.contains(&level)).then(|| matter.levels_zh());
    // Handled elsewhere, everything is still to be brought (to that hall).
    let missing = |core: bool| -> Vec<String> {
        matter
            .asked_materials()
            .filter(|m| m.required && m.core == core)
            .filter(|m| elsewhere.is_some() || !received.contains(&m.name))
            .map(|m| m.name.clone())
            .collect()
    };
    let missing_core = missing(true);
    let missing_non_core = missing(false);
    let outcomes = if !missing_core.is_empty() || elsewhere.is_some() {
        vec![ActionKind::NotifyOnce]
    } else if missing_non_core.is_empty() {
        vec![ActionKind::Accept]
    } else if matter.deficiency_allowed {
        vec![ActionKind::AcceptWithDeficiency, ActionKind::NotifyOnce]
    } else {
        vec![ActionKind::NotifyOnce]
    };
    IntakeOptions {
        missing_core,
        missing_non_core,
        outcomes,
        elsewhere,
    }
}

impl ActionKind {
    /// Every kind, in the order a case page shows its forms.
    pub const ALL: &'static [ActionKind] = &[
        ActionKind::Accept,
        ActionKind::AcceptWithDeficiency,
        ActionKind::NotifyOnce,
        ActionKind::Resubmit,
        ActionKind::CompleteStep,
        ActionKind::Supplement,
        ActionKind::Suspend,
        ActionKind::Resume,
        ActionKind::Decide,
        ActionKind::Issue,
        ActionKind::Deliver,
        ActionKind::NotAccept,
        ActionKind::Withdraw,
        ActionKind::FlagOverdueSupplement,
    ];

    /// The stable name, as [`super::Action::name`] gives it and forms send it.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Accept => "accept",
            ActionKind::AcceptWithDeficiency => "accept_with_deficiency",
            ActionKind::NotifyOnce => "notify_once",
            ActionKind::Resubmit => "resubmit",
            ActionKind::NotAccept => "not_accept",
            ActionKind::CompleteStep => "complete_step",
            ActionKind::Supplement => "supplement",
            ActionKind::Suspend => "suspend",
            ActionKind::Resume => "resume",
            ActionKind::Decide => "decide",
            ActionKind::Issue => "issue",
            ActionKind::Deliver => "deliver",
            ActionKind::Withdraw => "withdraw",
            ActionKind::FlagOverdueSupplement => "flag_overdue_supplement",
        }
    }

    /// The kind named `s` (its stable name).
    pub fn parse(s: &str) -> Option<ActionKind> {
        ActionKind::ALL.iter().copied().find(|k| k.as_str() == s)
    }

    /// The Chinese name a button or form heading shows.
    pub fn label_zh(self) -> &'static str {
        match self {
            ActionKind::Accept => "受理",
            ActionKind::AcceptWithDeficiency => "容缺受理",
            ActionKind::NotifyOnce => "一次性告知",
            ActionKind::Resubmit => "补齐后重新提交",
            ActionKind::NotAccept => "不予受理",
            ActionKind::CompleteStep => "完成审查环节",
            ActionKind::Supplement => "补正（补交材料）",
            ActionKind::Suspend => "暂停计时",
            ActionKind::Resume => "恢复计时",
            ActionKind::Decide => "作出决定",
            ActionKind::Issue => "出证（办结）",
            ActionKind::Deliver => "出件（送达）",
            ActionKind::Withdraw => "撤回申请",
            ActionKind::FlagOverdueSupplement => "容缺材料逾期未补",
        }
    }
}

/// The Chinese name of a timeline entry's action when its payload cannot be
/// read back as an [`super::Action`] (then [`super::Action::label_zh`] says
/// more); `open` is the case's creation.
pub fn action_name_label(name: &str) -> &'static str {
    match name {
        "open" => "登记申请",
        other => ActionKind::parse(other).map_or("其他操作", ActionKind::label_zh),
    }
}

/// What a visit came to, in Chinese, from its stored outcome name.
pub fn visit_outcome_label(outcome: &str) -> &'static str {
    match outcome {
        "accept" => "受理",
        "accept_with_deficiency" => "容缺受理",
        "notify_once" => "一次性告知",
        "registered" => "登记",
        "consultation" => "咨询",
        _ => "其他",
    }
}

/// An effect of a transition in a few Chinese words, for the timeline.
/// `unit_name` turns a unit code into its name.
pub fn effect_label(effect: &Effect, unit_name: &dyn Fn(&str) -> String) -> String {
    match effect {
        Effect::Routed { unit } => format!("转{}办理", unit_name(unit)),
        Effect::ClockStarted => "开始计时".into(),
        Effect::ClockStopped => "暂停计时".into(),
        Effect::ClockRestarted => "恢复计时".into(),
        Effect::StageOpened { stage } => format!("第{stage}阶段开始"),
        Effect::Notice { kind } => format!("出具{}", kind.label_zh()),
        Effect::BrokenCommitment { materials, due } => {
            format!(
                "容缺承诺未履行（{}，应于{due}前补齐），记入信用记录",
                materials.join("、")
            )
        }
        Effect::Concluded => "办结".into(),
    }
}

/// An applicant's identifier as pages show it: the first six and last four
/// characters, the rest hidden. A 居民身份证号 is masked as
/// [`IdNumber::masked`] masks it; any other identifier the same way.
pub fn mask_identifier(id: &str) -> String {
    if let Ok(n) = IdNumber::parse(id) {
        return n.masked();
    }
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 10 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 10))
}

/// What `unit` owes the case now, in Chinese: the names of the open steps it
/// holds, or, for the responsible unit, the decision once every step is
/// done, the issuing once approved and the delivery once issued.
pub fn unit_duties(case: &Case, unit: &str) -> Vec<String> {
    let mut duties: Vec<String> = match case.state {
        CaseState::InReview | CaseState::Suspended => case
            .steps
            .iter()
            .filter(|s| s.unit == unit && s.opened_on.is_some() && s.done_on.is_none())
            .map(|s| s.name.clone())
            .collect(),
        _ => Vec::new(),
    };
    if case.unit == unit {
        let all_done = case.steps.iter().all(|s| s.done_on.is_some());
        match case.state {
            CaseState::InReview | CaseState::Suspended if all_done => {
                duties.push("作出决定".into());
            }
            CaseState::Approved => duties.push("出证".into()),
            CaseState::Issued => duties.push("出件（送达）".into()),
            _ => {}
        }
    }
    duties
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    fn matter(code: &str) -> Matter {
        let catalog: Catalog = crate::defaults::catalog().unwrap();
        catalog
            .matters
            .into_iter()
            .find(|m| m.code.as_str() == code)
            .unwrap()
    }

    fn names(m: &Matter, core: bool) -> Vec<String> {
        m.asked_materials()
            .filter(|x| x.required && x.core == core)
            .map(|x| x.name.clone())
            .collect()
    }

    #[test]
    fn everything_received_is_accepted() {
        let m = matter("QX-ZGB-106");
        let all: Vec<String> = m.asked_materials().map(|x| x.name.clone()).collect();
        let o = intake_options(&m, &all, Level::City);
        assert_eq!(o.outcomes, vec![ActionKind::Accept]);
        assert!(o.missing().is_empty());
    }

    #[test]
    fn only_non_core_missing_offers_deficiency_or_notice() {
        let m = matter("QX-ZGB-106");
        assert!(m.deficiency_allowed);
        let o = intake_options(&m, &names(&m, true), Level::City);
        assert_eq!(
            o.outcomes,
            vec![ActionKind::AcceptWithDeficiency, ActionKind::NotifyOnce]
        );
        assert_eq!(o.missing_non_core, vec!["不涉及产权争议的经营场所使用承诺"]);
        assert!(o.missing_core.is_empty());
    }

    #[test]
    fn a_core_gap_offers_only_the_one_time_notice() {
        let m = matter("QX-ZGB-106");
        let o = intake_options(&m, &names(&m, false), Level::City);
        assert_eq!(o.outcomes, vec![ActionKind::NotifyOnce]);
        assert!(o.missing_core.contains(&"从业人员健康证明".to_owned()));
        // Nothing the platform fetches itself is asked for.
        assert!(!o.missing().contains(&"居民身份证".to_owned()));
    }

    #[test]
    fn a_hall_of_another_level_only_tells_where_to_go() {
        let m = matter("QX-ZGB-106");
        assert_eq!(m.levels, vec![Level::City]);
        let all: Vec<String> = m.asked_materials().map(|x| x.name.clone()).collect();
        let o = intake_options(&m, &all, Level::Village);
        assert_eq!(o.outcomes, vec![ActionKind::NotifyOnce]);
        assert_eq!(o.elsewhere.as_deref(), Some("市级政务服务中心"));
        let to_bring: Vec<String> = names(&m, true)
            .into_iter()
            .chain(names(&m, false))
            .collect();
        assert_eq!(
            o.missing(),
            to_bring,
            "everything to bring there, though all was shown here"
        );
    }

    #[test]
    fn deficiency_needs_the_matter_to_allow_it() {
        let mut m = matter("QX-ZGB-106");
        m.deficiency_allowed = false;
        let o = intake_options(&m, &names(&m, true), Level::City);
        assert_eq!(o.outcomes, vec![ActionKind::NotifyOnce]);
    }

    #[test]
    fn identifiers_are_masked() {
        assert_eq!(mask_identifier("11010519491231002X"), "110105********002X");
        assert_eq!(mask_identifier("91350100M000100Y43"), "913501********0Y43");
        assert_eq!(mask_identifier("12345"), "*****");
    }

    #[test]
    fn kinds_round_trip_their_names() {
        for k in ActionKind::ALL {
            assert_eq!(ActionKind::parse(k.as_str()), Some(*k));
        }
        assert_eq!(action_name_label("open"), "登记申请");
        assert_eq!(visit_outcome_label("accept_with_deficiency"), "容缺受理");
    }
}
