//! Demo 好差评: ratings of the demo's concluded cases, given through the
//! real service layer (the printed link's QR code, or the 12345 hotline by
//! phone or SMS), and rectification orders played to every state: 待核实
//! (some overdue), 整改中, 申诉中, 已整改 and 无法整改 awaiting the
//! callback, and closed as 已整改, 无法整改 or 无效差评. The same seed gives
//! the same ratings on a given day (only the links' tokens are random, as
//! they must be).

use chrono::{Days, NaiveDate};
use domain::evaluation::{REASONS, Rating, RatingChannel, RectificationAction};
use domain::unit::Role;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use store::{CaseFilter, CaseRecord, RatedThing, Scope};

use crate::service::{Access, FixedClock, RateInput, Result, Services, random_hex};

/// How a demo order is worked: each step's action and who takes it.
type Play = &'static [(Step, bool)];

/// One action of a play, by name (the text is filled in).
#[derive(Debug, Clone, Copy)]
enum Step {
    Verify,
    Appeal,
    Uphold,
    Reject,
    Rectified,
    Cannot,
    CallBack,
}

/// The plays, one per end state; `true` marks the supervisor's steps.
const PLAYS: &[Play] = &[
    &[],
    &[(Step::Verify, false)],
    &[(Step::Appeal, false)],
    &[(Step::Verify, false), (Step::Rectified, false)],
    &[(Step::Cannot, false)],
    &[
        (Step::Verify, false),
        (Step::Rectified, false),
        (Step::CallBack, true),
    ],
    &[(Step::Cannot, false), (Step::CallBack, true)],
    &[(Step::Appeal, false), (Step::Uphold, true)],
    &[(Step::Appeal, false), (Step::Reject, true)],
];

fn action(step: Step) -> RectificationAction {
    use RectificationAction as A;
    match step {
        Step::Verify => A::Verify {
            finding: "经调取窗口录像核实，反映情况属实".into(),
        },
        Step::Appeal => A::Appeal {
            reason: "评价内容与本办件无关，申请认定为无效差评".into(),
        },
        Step::Uphold => A::UpholdAppeal {
            note: "经核实，评价内容与本次服务无关，认定为无效差评".into(),
        },
        Step::Reject => A::RejectAppeal {
            note: "申诉理由不充分，请继续整改".into(),
        },
        Step::Rectified => A::ReportRectified {
            measures: "已约谈当事工作人员，开展服务规范培训，并电话向申请人致歉".into(),
        },
        Step::Cannot => A::ReportCannot {
            reason: "申请人诉求超出法定办理条件，已当面解释政策依据".into(),
        },
        Step::CallBack => A::CallBack {
            applicant_said: "申请人表示已收到反馈，对处理结果认可".into(),
            satisfied: true,
        },
    }
}

/// Rates the demo's concluded cases and works the orders the 差评 open.
/// Returns how many ratings were made.
pub async fn generate(
    svc: &Services,
    clock: &FixedClock,
    today: NaiveDate,
    seed: u64,
) -> Result<usize> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x6861_6f63_6861);
    let filter = CaseFilter {
        limit: Some(10_000),
        ..CaseFilter::default()
    };
    let mut concluded: Vec<CaseRecord> = svc
        .store
        .list_cases(&filter)
        .await?
        .into_iter()
        .filter(|c| c.case.concluded_on.is_some())
        .collect();
    concluded.sort_by_key(|c| c.id);
    let hotline = access(svc, "hotline").await?;
    let supervisor = access(svc, "supervisor").await?;
    let window = u64::from(svc.evaluation.rating_window_days);
    let mut made = 0;
    for (i, record) in concluded.iter().enumerate() {
        let Some(done) = record.case.concluded_on else {
            continue;
        };
        let last = (done + Days::new(window)).min(today);
        let spare = u64::try_from((last - done).num_days()).unwrap_or(0).min(3);
        let day = done + Days::new(rng.random_range(0..=spare));
        clock.set_day(day);
        let play = PLAYS.get(i).copied();
        let level = match play {
            Some(_) if i % 2 == 0 => Rating::Dissatisfied,
            Some(_) => Rating::VeryDissatisfied,
            None => *pick(
                &mut rng,
                &[
                    Rating::VerySatisfied,
                    Rating::VerySatisfied,
                    Rating::VerySatisfied,
                    Rating::Satisfied,
                    Rating::Satisfied,
                    Rating::Basic,
                ],
            ),
        };
        let reasons = if level.is_bad() {
            vec![(*pick(&mut rng, &REASONS[..REASONS.len() - 1])).to_owned()]
        } else {
            Vec::new()
        };
        let input = RateInput {
            rating: Some(level.as_str().to_owned()),
            number: None,
            scale: None,
            channel: RatingChannel::QrCode,
            reasons,
            comment: String::new(),
        };
        let rated = if i % 3 == 2 {
            let channel = *pick(&mut rng, &[RatingChannel::Phone, RatingChannel::Sms]);
            let input = RateInput { channel, ..input };
            svc.rate_as(&hotline, RatedThing::Case(record.id), input)
                .await?
        } else {
            let token = svc
                .store
                .rating_token(record.id, &random_hex(32)?, clock_now(svc))
                .await?;
            svc.rate_by_token(&token, input).await?
        };
        made += 1;
        if let (Some(order), Some(play)) = (rated.rectification_id, play) {
            let unit = unit_access(svc, &record.case.unit).await?;
            for (n, (step, by_supervisor)) in play.iter().enumerate() {
                let n = u64::try_from(n).unwrap_or(0) + 1;
                clock.set_day((day + Days::new(n)).min(today));
                let who = if *by_supervisor { &supervisor } else { &unit };
                svc.act_on_rectification(who, order, None, action(*step))
                    .await?;
            }
        }
    }
    clock.set_day(today);
    tracing::info!(ratings = made, "demo ratings made");
    Ok(made)
}

fn clock_now(svc: &Services) -> chrono::DateTime<chrono::Utc> {
    svc.clock.now()
}

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// The access of a shipped demo user.
async fn access(svc: &Services, username: &str) -> Result<Access> {
    let users = svc.store.users().await?;
    let user = users
        .iter()
        .find(|u| u.username == username)
        .ok_or_else(|| store::StoreError::NotFound(format!("用户 {username}")))?;
    svc.access_of(user).await
}

/// Someone of the unit who works its orders: its approver or head if the
/// demo has one, else a stand-in of the unit.
async fn unit_access(svc: &Services, unit: &str) -> Result<Access> {
    let users = svc.store.users().await?;
    let staff = users.iter().find(|u| {
        u.unit.as_str() == unit && matches!(u.role, Role::Approver | Role::DepartmentHead)
    });
    match staff {
        Some(u) => svc.access_of(u).await,
        None => Ok(Access {
            username: format!("demo@{unit}"),
            role: Role::Approver,
            unit: unit.to_owned(),
            kind: domain::unit::UnitKind::Department,
            scope: Scope::Department(unit.to_owned()),
        }),
    }
}
