//! The case state machine and its clocks, with no database.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly on bad fixtures"
)]

use chrono::{Days, NaiveDate};
use domain::calendar::Calendar;
use domain::case::{
    Action, Applicant, Case, CaseError, CaseResult, CaseState, Channel, Commitment, Context,
    DeliveryMethod, Effect, SlaStatus, SuspensionKind, WarningRule,
};
use domain::catalog::{
    Category, Delegation, Level, Material, MaterialSource, Matter, MatterCode, OnlineDepth, Step,
    WorkingDays,
};
use domain::party::CreditCode;
use proptest::prelude::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn material(name: &str, core: bool, certificate: Option<&str>) -> Material {
    Material {
        name: name.into(),
        required: true,
        core,
        source: MaterialSource::Applicant,
        certificate: certificate.map(Into::into),
        note: String::new(),
    }
}

/// A matter reviewed in parallel by two departments, then signed off.
fn matter() -> Matter {
    Matter {
        code: MatterCode::parse("T-1").unwrap(),
        name: "测试许可".into(),
        category: Category::License,
        unit: "zjj".into(),
        levels: vec![Level::City],
        delegation: Delegation::NotDelegated,
        statutory_limit: WorkingDays(20),
        promised_limit: WorkingDays(10),
        limit_source: String::new(),
        fee_charged: false,
        fee_note: String::new(),
        legal_basis: String::new(),
        materials: vec![
            material("申请书", true, None),
            material("场地平面图", false, None),
            material("无违法记录证明", false, Some("ZM-001")),
        ],
        commitment_allowed: true,
        deficiency_allowed: true,
        applicants: domain::catalog::ApplicantTypes::Both,
        online_depth: OnlineDepth::FullyOnline,
        mobile: true,
        self_service: false,
        max_visits: 0,
        agency: false,
        steps: vec![
            Step {
                stage: 1,
                name: "规划审查".into(),
                unit: Some("zrj".into()),
                limit: WorkingDays(5),
            },
            Step {
                stage: 1,
                name: "消防审查".into(),
                unit: Some("xf".into()),
                limit: WorkingDays(5),
            },
            Step {
                stage: 2,
                name: "签发".into(),
                unit: None,
                limit: WorkingDays(2),
            },
        ],
        keywords: vec![],
        description: String::new(),
    }
}

fn applicant() -> Applicant {
    Applicant::Enterprise {
        name: "栖霞市测试有限公司".into(),
        credit_code: CreditCode::parse("91350100M000100Y43").unwrap(),
        phone: String::new(),
    }
}

/// 容缺受理 with the non-core 场地平面图 owed by Friday 2026-03-06.
fn owing_site_plan() -> Action {
    Action::AcceptWithDeficiency {
        missing: vec!["场地平面图".into()],
        supplement_by: d("2026-03-06"),
        commitments: vec![],
    }
}

struct Run {
    case: Case,
    matter: Matter,
    cal: Calendar,
}

impl Run {
    fn new(channel: Channel, on: &str) -> Run {
        let matter = matter();
        Run {
            case: Case::open(channel, applicant(), &matter, 1, d(on)),
            matter,
            cal: Calendar::official(),
        }
    }

    fn try_do(&self, on: &str, action: Action) -> Result<(Case, Vec<Effect>), CaseError> {
        self.case.apply(
            &action,
            Context {
                today: d(on),
                matter: &self.matter,
                calendar: &self.cal,
            },
        )
    }

    fn act(&mut self, on: &str, action: Action) -> Vec<Effect> {
        let (case, effects) = self
            .try_do(on, action.clone())
            .unwrap_or_else(|e| panic!("{}: {e}", action.name()));
        self.case = case;
        effects
    }

    fn deadline(&self, on: &str) -> (NaiveDate, SlaStatus) {
        let c = self
            .case
            .promised_clock(d(on), &self.cal, WarningRule::default())
            .expect("accepted");
        (c.deadline, c.status)
    }
}

#[test]
fn the_whole_story_across_the_national_day_holiday() {
    let mut r = Run::new(Channel::Online, "2026-09-24");
    assert_eq!(r.case.state, CaseState::Submitted);
    assert!(
        r.case
            .promised_clock(d("2026-09-24"), &r.cal, WarningRule::default())
            .is_none(),
        "no clock before 受理"
    );

    // 容缺受理 on Friday 2026-09-25; 10 working days cross 国庆 (10-01..10-07, with 09-20 and 10-10 worked).
    let effects = r.act(
        "2026-09-25",
        Action::AcceptWithDeficiency {
            missing: vec!["场地平面图".into()],
            supplement_by: d("2026-10-09"),
            commitments: vec![Commitment {
                material: "无违法记录证明".into(),
                verify_by: d("2026-12-31"),
            }],
        },
    );
    assert!(effects.contains(&Effect::ClockStarted));
    assert!(effects.contains(&Effect::Routed { unit: "zjj".into() }));
    assert_eq!(r.case.state, CaseState::InReview);
    // 09-28,29,30 (3), 10-08,09,10(Sat, worked),12,13,14,15 → the 10th working day is 10-15.
    assert_eq!(
        r.deadline("2026-09-25"),
        (d("2026-10-15"), SlaStatus::Normal)
    );

    // Approving is refused while the 容缺 material is owed.
    r.act(
        "2026-09-28",
        Action::CompleteStep {
            step: 0,
            opinion: "同意".into(),
        },
    );
    assert!(
        matches!(
            r.try_do(
                "2026-09-28",
                Action::CompleteStep {
                    step: 2,
                    opinion: String::new()
                }
            ),
            Err(CaseError::StepNotOpen(2))
        ),
        "stage 2 waits for stage 1"
    );
    let effects = r.act(
        "2026-09-29",
        Action::CompleteStep {
            step: 1,
            opinion: "同意".into(),
        },
    );
    assert_eq!(
        effects,
        vec![Effect::StageOpened { stage: 2 }],
        "both parallel steps done opens the next stage"
    );
    r.act(
        "2026-09-29",
        Action::Supplement {
            materials: vec!["场地平面图".into()],
        },
    );

    // Expert review from 09-30 to 10-09: working days 09-30, 10-08, 10-09 are not counted.
    r.act(
        "2026-09-30",
        Action::Suspend {
            kind: SuspensionKind::ExpertReview,
            reason: "组织专家评审".into(),
        },
    );
    assert!(
        r.case
            .promised_clock(d("2026-10-05"), &r.cal, WarningRule::default())
            .unwrap()
            .paused
    );
    r.act("2026-10-09", Action::Resume);
    assert_eq!(
        r.deadline("2026-10-09"),
        (d("2026-10-20"), SlaStatus::Normal),
        "three suspended working days move the deadline"
    );
    assert_eq!(
        r.deadline("2026-10-19"),
        (d("2026-10-20"), SlaStatus::Warning),
        "the last two days (20% of 10) warn"
    );

    r.act(
        "2026-10-19",
        Action::CompleteStep {
            step: 2,
            opinion: "准予".into(),
        },
    );
    r.act(
        "2026-10-19",
        Action::Decide {
            approve: true,
            reason: String::new(),
        },
    );
    let effects = r.act(
        "2026-10-20",
        Action::Issue {
            result: CaseResult::Electronic {
                number: "DZ-1".into(),
                licence: "电子许可证".into(),
            },
        },
    );
    assert!(effects.contains(&Effect::Concluded));
    assert_eq!(r.case.concluded_on, Some(d("2026-10-20")));
    assert_eq!(
        r.deadline("2026-11-30"),
        (d("2026-10-20"), SlaStatus::Normal),
        "concluded on the deadline day: on time, and it stays so"
    );
    r.act(
        "2026-10-21",
        Action::Deliver {
            method: DeliveryMethod::Electronic,
        },
    );
    assert_eq!(r.case.state, CaseState::Delivered);
    assert!(
        r.try_do(
            "2026-10-22",
            Action::Withdraw {
                reason: String::new()
            }
        )
        .is_err()
    );
}

#[test]
fn illegal_actions_are_refused_and_change_nothing() {
    let mut r = Run::new(Channel::Window, "2026-03-02");
    let before = r.case.clone();
    let err = r
        .try_do(
            "2026-03-02",
            Action::Decide {
                approve: true,
                reason: String::new(),
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), domain::ErrorCode::IllegalTransition);
    assert!(err.to_string().contains("待预审"), "{err}");
    assert_eq!(r.case, before);

    let core = r.try_do(
        "2026-03-02",
        Action::AcceptWithDeficiency {
            missing: vec!["申请书".into()],
            supplement_by: d("2026-03-05"),
            commitments: vec![],
        },
    );
    assert_eq!(
        core.unwrap_err().code(),
        domain::ErrorCode::CoreMaterialMissing
    );
    let late = r.try_do(
        "2026-03-02",
        Action::AcceptWithDeficiency {
            missing: vec!["场地平面图".into()],
            supplement_by: d("2026-04-30"),
            commitments: vec![],
        },
    );
    assert_eq!(
        late.unwrap_err().code(),
        domain::ErrorCode::SupplementDateOutOfRange,
        "no later than the promised limit"
    );
    let not_cert = r.try_do(
        "2026-03-02",
        Action::Accept {
            commitments: vec![Commitment {
                material: "场地平面图".into(),
                verify_by: d("2026-06-01"),
            }],
        },
    );
    assert_eq!(
        not_cert.unwrap_err().code(),
        domain::ErrorCode::NotACertificate
    );
    assert_eq!(
        r.try_do("2026-03-02", Action::NotAccept { reason: " ".into() })
            .unwrap_err()
            .code(),
        domain::ErrorCode::ReasonRequired
    );

    // 一次性告知 keeps the application open; the applicant comes back and it is accepted.
    r.act(
        "2026-03-02",
        Action::NotifyOnce {
            missing: vec!["申请书".into()],
            note: String::new(),
        },
    );
    assert_eq!(r.case.state, CaseState::Noticed);
    assert_eq!(r.case.notice, vec!["申请书".to_string()]);
    r.act(
        "2026-03-04",
        Action::Accept {
            commitments: vec![],
        },
    );
    assert_eq!(r.case.accepted_on, Some(d("2026-03-04")));
    assert!(r.case.notice.is_empty());
}

#[test]
fn a_supplement_not_made_in_time_is_a_broken_commitment() {
    let mut r = Run::new(Channel::Window, "2026-03-02");
    r.act("2026-03-02", owing_site_plan());
    assert_eq!(
        r.try_do("2026-03-06", Action::FlagOverdueSupplement)
            .unwrap_err()
            .code(),
        domain::ErrorCode::SupplementNotOverdue
    );
    let effects = r.act("2026-03-07", Action::FlagOverdueSupplement);
    assert_eq!(
        effects,
        vec![Effect::BrokenCommitment {
            materials: vec!["场地平面图".into()],
            due: d("2026-03-06")
        }]
    );
    assert!(r.case.deficiency.as_ref().unwrap().broken);
    assert!(
        r.try_do("2026-03-08", Action::FlagOverdueSupplement)
            .is_err(),
        "flagged once"
    );
    let decide = r.try_do(
        "2026-03-09",
        Action::Decide {
            approve: true,
            reason: String::new(),
        },
    );
    assert!(decide.is_err());
}

#[test]
fn a_supplement_suspension_resumes_when_the_material_arrives() {
    let mut r = Run::new(Channel::Window, "2026-03-02");
    r.act(
        "2026-03-02",
        Action::Accept {
            commitments: vec![],
        },
    );
    r.act(
        "2026-03-03",
        Action::Suspend {
            kind: SuspensionKind::Supplement,
            reason: "请补正场地平面图".into(),
        },
    );
    assert_eq!(
        r.try_do(
            "2026-03-04",
            Action::CompleteStep {
                step: 0,
                opinion: String::new()
            }
        )
        .unwrap_err()
        .code(),
        domain::ErrorCode::IllegalTransition
    );
    let effects = r.act(
        "2026-03-05",
        Action::Supplement {
            materials: vec!["场地平面图".into()],
        },
    );
    assert_eq!(effects, vec![Effect::ClockRestarted]);
    assert_eq!(r.case.state, CaseState::InReview);
}

#[test]
fn immediate_matters_warn_on_the_day_and_are_overdue_the_next() {
    let mut r = Run::new(Channel::Window, "2026-03-06");
    r.matter.promised_limit = WorkingDays(0);
    r.case.promised_limit = WorkingDays(0);
    r.act(
        "2026-03-06",
        Action::Accept {
            commitments: vec![],
        },
    );
    assert_eq!(
        r.deadline("2026-03-06"),
        (d("2026-03-06"), SlaStatus::Warning)
    );
    assert_eq!(
        r.deadline("2026-03-07"),
        (d("2026-03-06"), SlaStatus::Overdue),
        "即办 not done by the end of the day"
    );
}

#[test]
fn a_clock_says_how_far_over_it_is_not_that_none_is_left() {
    // Three working days: accepted Monday 2026-03-02, due Thursday 03-05.
    let mut r = Run::new(Channel::Window, "2026-03-02");
    r.matter.promised_limit = WorkingDays(3);
    r.case.promised_limit = WorkingDays(3);
    r.act(
        "2026-03-02",
        Action::Accept {
            commitments: vec![],
        },
    );
    let left = |on: &str| {
        let c = r
            .case
            .promised_clock(d(on), &r.cal, WarningRule::default())
            .expect("accepted");
        (c.deadline, c.over(), c.time_left_zh())
    };
    assert_eq!(
        left("2026-03-03"),
        (d("2026-03-05"), 0, "剩 2 个工作日".into())
    );
    assert_eq!(left("2026-03-05"), (d("2026-03-05"), 0, "今日到期".into()));
    assert_eq!(
        left("2026-03-06"),
        (d("2026-03-05"), 1, "超期 1 个工作日".into())
    );
    // The weekend adds nothing; the working days after it do.
    assert_eq!(
        left("2026-03-08"),
        (d("2026-03-05"), 1, "超期 1 个工作日".into())
    );
    assert_eq!(
        left("2026-03-11"),
        (d("2026-03-05"), 4, "超期 4 个工作日".into())
    );
}

#[test]
fn warning_threshold_is_one_day_or_twenty_percent_whichever_is_more() {
    let rule = WarningRule::default();
    assert_eq!(rule.threshold(WorkingDays(0)), 1);
    assert_eq!(rule.threshold(WorkingDays(3)), 1);
    assert_eq!(rule.threshold(WorkingDays(10)), 2);
    assert_eq!(rule.threshold(WorkingDays(11)), 3);
    assert_eq!(rule.threshold(WorkingDays(100)), 20);
}

#[test]
fn deadlines_beyond_the_loaded_years_are_provisional() {
    let mut r = Run::new(Channel::Window, "2026-12-21");
    r.act(
        "2026-12-21",
        Action::Accept {
            commitments: vec![],
        },
    );
    let c = r
        .case
        .promised_clock(d("2026-12-21"), &r.cal, WarningRule::default())
        .unwrap();
    assert!(c.provisional);
    assert_eq!(
        c.deadline,
        d("2027-01-04"),
        "weekends only: 2027-01-01 counts until 2027 is loaded"
    );
}

fn day(offset: u64) -> NaiveDate {
    d("2025-12-15") + Days::new(offset)
}

proptest! {
    /// Over random timelines of suspensions: a suspension never brings the
    /// deadline forward; the deadline is always a working day at or after the
    /// unsuspended one; the status is 超期 exactly when today is past it.
    #[test]
    fn clocks_over_random_timelines(
        accept in 0u64..60,
        limit in 0u32..40,
        gaps in proptest::collection::vec((1u64..15, 0u64..10), 0..4),
        open_last in any::<bool>(),
        look in 0u64..120,
    ) {
        let cal = Calendar::official();
        let accepted = day(accept);
        let mut suspensions = Vec::new();
        let mut cursor = accepted;
        for (i, (gap, len)) in gaps.iter().enumerate() {
            let from = cursor + Days::new(*gap);
            let to = if open_last && i + 1 == gaps.len() { None } else { Some(from + Days::new(*len)) };
            suspensions.push(domain::case::SuspensionRecord { kind: SuspensionKind::ExpertReview, reason: "x".into(), from, to });
            cursor = to.unwrap_or(from) + Days::new(1);
        }
        let today = cursor.max(accepted) + Days::new(look);
        let rule = WarningRule::default();
        let plain = domain::case::CaseClock::compute(accepted, WorkingDays(limit), &[], None, today, &cal, rule);
        let moved = domain::case::CaseClock::compute(accepted, WorkingDays(limit), &suspensions, None, today, &cal, rule);
        prop_assert!(moved.deadline >= plain.deadline);
        prop_assert!(moved.used <= plain.used);
        prop_assert!(cal.is_workday(moved.deadline).value || limit == 0);
        prop_assert_eq!(moved.status == SlaStatus::Overdue, today > moved.deadline);
        prop_assert!(moved.warn_from <= moved.deadline);
        if today < moved.warn_from { prop_assert_eq!(moved.status, SlaStatus::Normal); }
        if moved.status == SlaStatus::Normal { prop_assert!(moved.remaining > rule.threshold(WorkingDays(limit)) || today < moved.warn_from); }
    }
}

#[test]
fn each_role_is_offered_only_what_it_may_do_now() {
    use domain::case::{ActionKind as K, offered};
    use domain::unit::Role;
    let mut r = Run::new(Channel::Online, "2026-03-02");
    assert_eq!(
        offered(&r.case, Role::WindowClerk, "zgb"),
        vec![
            K::Accept,
            K::AcceptWithDeficiency,
            K::NotifyOnce,
            K::Withdraw
        ],
        "the window has no veto: no 不予受理"
    );
    assert_eq!(
        offered(&r.case, Role::Approver, "zjj"),
        vec![K::NotAccept],
        "the responsible unit may decline to accept"
    );
    assert!(offered(&r.case, Role::Supervisor, "zgb").is_empty());

    r.act("2026-03-02", owing_site_plan());
    assert_eq!(
        offered(&r.case, Role::Approver, "zrj"),
        vec![K::CompleteStep, K::Suspend],
        "a unit holding a parallel step"
    );
    assert!(
        offered(&r.case, Role::Approver, "scjg").is_empty(),
        "a unit with no part in the case"
    );
    assert_eq!(
        offered(&r.case, Role::Applicant, "qx"),
        vec![K::Supplement, K::Withdraw],
        "the applicant owes a 容缺 material"
    );
    assert!(
        !offered(&r.case, Role::DepartmentHead, "zjj").contains(&K::Decide),
        "not before every step is done"
    );

    r.act(
        "2026-03-03",
        Action::CompleteStep {
            step: 0,
            opinion: String::new(),
        },
    );
    r.act(
        "2026-03-03",
        Action::CompleteStep {
            step: 1,
            opinion: String::new(),
        },
    );
    r.act(
        "2026-03-04",
        Action::CompleteStep {
            step: 2,
            opinion: String::new(),
        },
    );
    r.act(
        "2026-03-04",
        Action::Supplement {
            materials: vec!["场地平面图".into()],
        },
    );
    assert!(offered(&r.case, Role::DepartmentHead, "zjj").contains(&K::Decide));
    assert!(
        !offered(&r.case, Role::Approver, "zjj").contains(&K::Decide),
        "approvers review; heads decide"
    );
    assert!(
        !offered(&r.case, Role::Applicant, "qx").contains(&K::Supplement),
        "nothing is owed any more"
    );
}

fn acting(
    role: domain::unit::Role,
    unit: &str,
    kind: domain::unit::UnitKind,
) -> domain::case::Acting<'_> {
    domain::case::Acting {
        role,
        unit,
        kind,
        with_files: false,
    }
}

#[test]
fn every_state_refuses_what_its_table_does_not_list() {
    use domain::case::{ActionKind, allowed_in};
    let r = Run::new(Channel::Online, "2026-03-02");
    // Issuing is listed only for an approved case: refused in 待预审 as an
    // illegal transition, whatever the action's data.
    assert!(!allowed_in(CaseState::Submitted).contains(&ActionKind::Issue));
    let err = r
        .try_do(
            "2026-03-02",
            Action::Issue {
                result: CaseResult::Paper { number: "X".into() },
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), domain::ErrorCode::IllegalTransition);
    for state in [
        CaseState::Delivered,
        CaseState::Refused,
        CaseState::NotAccepted,
        CaseState::Withdrawn,
    ] {
        assert!(allowed_in(state).is_empty(), "{state:?} is final");
    }
}

#[test]
fn a_step_is_completed_only_by_the_unit_that_holds_it() {
    use domain::unit::{Role, UnitKind};
    let mut r = Run::new(Channel::Window, "2026-03-02");
    r.act(
        "2026-03-02",
        Action::Accept {
            commitments: vec![],
        },
    );
    let step0 = Action::CompleteStep {
        step: 0,
        opinion: String::new(),
    };
    // Step 0 (规划审查) is zrj's; xf holds step 1 of the same stage.
    let xf = acting(Role::Approver, "xf", UnitKind::Department);
    assert_eq!(
        r.case.authorize(&step0, xf, &r.matter),
        Err(CaseError::UnitMayNot("完成审查环节"))
    );
    let zrj = acting(Role::Approver, "zrj", UnitKind::Department);
    assert_eq!(r.case.authorize(&step0, zrj, &r.matter), Ok(()));
    let clerk = acting(Role::WindowClerk, "zrj", UnitKind::Department);
    assert_eq!(
        r.case
            .authorize(&step0, clerk, &r.matter)
            .unwrap_err()
            .code(),
        domain::ErrorCode::Forbidden,
        "the window does not review"
    );
}

#[test]
fn issuing_needs_the_number_and_for_an_electronic_certificate_the_licence() {
    let mut r = Run::new(Channel::Window, "2026-03-02");
    r.act(
        "2026-03-02",
        Action::Accept {
            commitments: vec![],
        },
    );
    for step in 0..3 {
        r.act(
            "2026-03-03",
            Action::CompleteStep {
                step,
                opinion: String::new(),
            },
        );
    }
    r.act(
        "2026-03-03",
        Action::Decide {
            approve: true,
            reason: String::new(),
        },
    );
    let issue = |result| Action::Issue { result };
    let blank = r.try_do(
        "2026-03-04",
        issue(CaseResult::Paper { number: " ".into() }),
    );
    assert_eq!(blank.unwrap_err(), CaseError::ResultNumberRequired);
    let unnamed = r.try_do(
        "2026-03-04",
        issue(CaseResult::Electronic {
            number: "E-1".into(),
            licence: String::new(),
        }),
    );
    assert_eq!(unnamed.unwrap_err(), CaseError::LicenceRequired);
    let ok = r.try_do(
        "2026-03-04",
        issue(CaseResult::Electronic {
            number: "E-1".into(),
            licence: "电子营业执照".into(),
        }),
    );
    assert_eq!(ok.unwrap().0.state, CaseState::Issued);
}

#[test]
fn a_hall_accepts_only_matters_handled_at_its_level() {
    use domain::unit::{Role, UnitKind};
    let mut r = Run::new(Channel::Window, "2026-03-02");
    r.matter.levels = vec![Level::City];
    let accept = Action::Accept {
        commitments: vec![],
    };
    let village = acting(Role::WindowClerk, "tangjiabo.yijia", UnitKind::Village);
    let err = r.case.authorize(&accept, village, &r.matter).unwrap_err();
    assert_eq!(err, CaseError::NotHandledHere("市级政务服务中心".into()));
    assert!(
        err.to_string().contains("请到市级政务服务中心办理"),
        "{err}"
    );
    let notice = Action::NotifyOnce {
        missing: vec!["到市级政务服务中心办理".into()],
        note: String::new(),
    };
    assert_eq!(
        r.case.authorize(&notice, village, &r.matter),
        Ok(()),
        "the village station still receives the visit and tells where to go"
    );
    let county = acting(Role::WindowClerk, "zgb", UnitKind::Department);
    assert_eq!(r.case.authorize(&accept, county, &r.matter), Ok(()));
    r.matter.levels = vec![Level::Town, Level::Village];
    assert_eq!(r.case.authorize(&accept, village, &r.matter), Ok(()));
    assert_eq!(
        r.case
            .authorize(&accept, county, &r.matter)
            .unwrap_err()
            .code(),
        domain::ErrorCode::NotHandledHere,
        "a matter delegated to the towns is not accepted at the county"
    );
}

#[test]
fn only_the_platform_flags_an_overdue_supplement() {
    use domain::unit::{Role, UnitKind};
    let r = Run::new(Channel::Window, "2026-03-02");
    let head = acting(Role::DepartmentHead, "zjj", UnitKind::Department);
    assert_eq!(
        r.case
            .authorize(&Action::FlagOverdueSupplement, head, &r.matter),
        Err(CaseError::SystemOnly)
    );
}

#[test]
fn an_applicant_supplies_owed_materials_only_with_their_files() {
    use domain::unit::{Role, UnitKind};
    let mut r = Run::new(Channel::Window, "2026-03-02");
    r.act("2026-03-02", owing_site_plan());
    let supply = Action::Supplement {
        materials: vec!["场地平面图".into()],
    };
    let applicant = acting(Role::Applicant, "qx", UnitKind::County);
    assert_eq!(
        r.case.authorize(&supply, applicant, &r.matter),
        Err(CaseError::FilesRequired),
        "a bare click records nothing"
    );
    let uploaded = domain::case::Acting {
        with_files: true,
        ..applicant
    };
    assert_eq!(r.case.authorize(&supply, uploaded, &r.matter), Ok(()));
}

#[test]
fn the_clock_columns_follow_the_case() {
    let rule = WarningRule::default();
    let mut r = Run::new(Channel::Window, "2026-03-02");
    assert_eq!(
        r.case.clock_index(d("2026-03-02"), &r.cal, rule),
        domain::case::ClockIndex::default(),
        "nothing before acceptance"
    );
    r.act("2026-03-02", owing_site_plan());
    let k = r.case.clock_index(d("2026-03-02"), &r.cal, rule);
    assert_eq!(k.deadline, Some(d("2026-03-16")), "10 working days");
    assert_eq!(
        k.statutory_deadline,
        Some(d("2026-03-30")),
        "20 working days"
    );
    assert!(k.warn_from.is_some_and(|w| w <= d("2026-03-16")));
    assert_eq!(k.supplement_by, Some(d("2026-03-06")), "owed 容缺 material");
    r.act(
        "2026-03-03",
        Action::Suspend {
            kind: SuspensionKind::OnSiteSurvey,
            reason: "现场勘查".into(),
        },
    );
    let k = r.case.clock_index(d("2026-03-03"), &r.cal, rule);
    assert_eq!(
        (k.deadline, k.warn_from),
        (None, None),
        "a stopped clock has no running deadline"
    );
    r.act(
        "2026-03-04",
        Action::Supplement {
            materials: vec!["场地平面图".into()],
        },
    );
    assert_eq!(
        r.case
            .clock_index(d("2026-03-04"), &r.cal, rule)
            .supplement_by,
        None,
        "supplied"
    );
    r.act(
        "2026-03-05",
        Action::Withdraw {
            reason: String::new(),
        },
    );
    let k = r.case.clock_index(d("2026-03-05"), &r.cal, rule);
    assert_eq!(k.deadline, None);
    assert!(!k.concluded_late, "withdrawn on time");
}

#[test]
fn an_accepted_case_is_never_not_accepted_only_refused_by_the_head() {
    use domain::unit::{Role, UnitKind};
    let mut r = Run::new(Channel::Window, "2026-03-02");
    // Before acceptance the responsible department may decline (不予受理).
    let decline = Action::NotAccept {
        reason: "不属于本机关职权范围，请向市自然资源局申请".into(),
    };
    let approver = acting(Role::Approver, "zjj", UnitKind::Department);
    assert_eq!(r.case.authorize(&decline, approver, &r.matter), Ok(()));
    r.act(
        "2026-03-02",
        Action::Accept {
            commitments: vec![],
        },
    );
    // After the 受理通知书: no 不予受理 for anyone.
    let err = r.try_do("2026-03-03", decline).unwrap_err();
    assert_eq!(err.code(), domain::ErrorCode::IllegalTransition);
    assert!(
        !domain::case::offered(&r.case, Role::DepartmentHead, "zjj")
            .contains(&domain::case::ActionKind::NotAccept),
        "not offered either"
    );
}
