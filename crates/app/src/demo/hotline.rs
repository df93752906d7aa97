//! Demo hotline tickets: a dozen calls in every state of 接诉即办 — new,
//! dispatched (on time and late), signed, in hand, replied, called back,
//! closed (on time and late), sent back, waiting for the supervisor,
//! merged, with an extension pending — played through the real service
//! layer at fixed times before the demo day, so every timeline entry, audit
//! record and figure is genuine and every demo database looks the same.

use std::sync::Arc;

use chrono::{DateTime, Days, NaiveDate, TimeDelta, Utc};
use domain::evaluation::Rating;
use domain::hotline::{TicketAction, TicketChannel, TicketType, Urgency};

use crate::service::hotline::TicketInput;
use crate::service::{Access, FixedClock, Result, Services};

/// How far a demo ticket goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Goal {
    Registered,
    Dispatched,
    Signed,
    Handling,
    ExtensionAsked,
    Replied,
    CalledBack,
    Closed,
    Returned,
    Escalated,
    Merged,
}

/// (type, urgency, category, caller, phone, place, text, lead unit, days ago, goal).
type Call = (
    TicketType,
    Urgency,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    u64,
    Goal,
);

const CALLS: &[Call] = &[
    (
        TicketType::Complaint,
        Urgency::Normal,
        "劳动保障监察",
        "王先生",
        "13805350001",
        "翠屏街道某建筑工地",
        "工地拖欠农民工三个月工资，多次讨要无果",
        "rsj",
        12,
        Goal::Closed,
    ),
    (
        TicketType::Report,
        Urgency::Urgent,
        "劳动保障监察",
        "李女士",
        "13805350002",
        "庄园街道某制衣厂",
        "工厂安排工人连续加班且不支付加班费",
        "rsj",
        9,
        Goal::Closed,
    ),
    (
        TicketType::Complaint,
        Urgency::Normal,
        "市场监管",
        "赵先生",
        "13805350003",
        "松山街道某超市",
        "超市销售过期食品，要求处理",
        "scjg",
        20,
        Goal::Closed,
    ),
    (
        TicketType::Consultation,
        Urgency::Normal,
        "企业开办",
        "孙女士",
        "13805350004",
        "",
        "个体工商户变更经营范围需要哪些材料",
        "scjg",
        2,
        Goal::CalledBack,
    ),
    (
        TicketType::Help,
        Urgency::Urgent,
        "供水",
        "周先生",
        "13805350005",
        "翠屏街道向阳社区",
        "小区停水两天，家中有老人，急需供水",
        "zjj",
        3,
        Goal::Replied,
    ),
    (
        TicketType::Complaint,
        Urgency::Normal,
        "城市管理",
        "吴女士",
        "13805350006",
        "庄园街道古镇都社区",
        "夜间工地施工噪音扰民",
        "zjj",
        4,
        Goal::Handling,
    ),
    (
        TicketType::Complaint,
        Urgency::Normal,
        "劳动保障监察",
        "郑先生",
        "13805350007",
        "观里镇",
        "物流公司未签劳动合同、拖欠工资",
        "rsj",
        3,
        Goal::ExtensionAsked,
    ),
    (
        TicketType::Suggestion,
        Urgency::Normal,
        "交通",
        "冯先生",
        "13805350008",
        "翠屏街道迎宾路口",
        "建议在学校路口增设红绿灯",
        "zjj",
        1,
        Goal::Signed,
    ),
    (
        TicketType::Report,
        Urgency::Normal,
        "自然资源",
        "陈女士",
        "13805350009",
        "杨础镇",
        "有人在耕地上违法建房",
        "zrj",
        6,
        Goal::Dispatched,
    ),
    (
        TicketType::Help,
        Urgency::Normal,
        "供暖",
        "褚先生",
        "13805350010",
        "松山街道",
        "暖气不热，室温不到十五度",
        "zjj",
        1,
        Goal::Returned,
    ),
    (
        TicketType::Complaint,
        Urgency::Normal,
        "环境",
        "卫女士",
        "13805350011",
        "臧家庄镇",
        "养殖场异味严重影响居民生活",
        "scjg",
        5,
        Goal::Escalated,
    ),
    (
        TicketType::Consultation,
        Urgency::Normal,
        "社保",
        "蒋先生",
        "13805350012",
        "",
        "灵活就业人员如何缴纳养老保险",
        "",
        0,
        Goal::Registered,
    ),
    (
        TicketType::Complaint,
        Urgency::Normal,
        "劳动保障监察",
        "郑先生",
        "13805350007",
        "观里镇",
        "再次反映物流公司拖欠工资问题",
        "",
        0,
        Goal::Merged,
    ),
];

/// The instant at `hour`:00 in Shanghai on `day`.
fn at(day: NaiveDate, hour: i64) -> DateTime<Utc> {
    day.and_time(chrono::NaiveTime::MIN).and_utc() + TimeDelta::hours(hour - 8)
}

struct Players {
    hotline: Access,
    units: Vec<Access>,
}

impl Players {
    fn unit(&self, code: &str) -> Result<&Access> {
        self.units.iter().find(|a| a.unit == code).ok_or_else(|| {
            crate::service::ServiceError::refused(
                domain::ErrorCode::DemoUser,
                format!("演示数据缺少 {code} 的审批人员"),
            )
        })
    }
}

async fn players(svc: &Services) -> Result<Players> {
    let users = svc.store.users().await?;
    let mut of = Vec::new();
    for name in [
        "hotline",
        "approver.rsj",
        "approver.scjg",
        "approver.zjj",
        "approver.zrj",
    ] {
        if let Some(u) = users.iter().find(|u| u.username == name) {
            of.push(svc.access_of(u).await?);
        }
    }
    let take = |name: &str| of.iter().find(|a| a.username == name).cloned();
    let missing = || {
        crate::service::ServiceError::refused(domain::ErrorCode::DemoUser, "演示数据缺少热线坐席")
    };
    Ok(Players {
        hotline: take("hotline").ok_or_else(missing)?,
        units: of
            .iter()
            .filter(|a| a.username.starts_with("approver."))
            .cloned()
            .collect(),
    })
}

/// Plays every demo call up to its goal; returns how many tickets were made.
pub async fn generate(svc: &Services, clock: &Arc<FixedClock>, today: NaiveDate) -> Result<usize> {
    let p = players(svc).await?;
    for c in CALLS {
        let (kind, urgency, category, caller, phone, place, text, lead, days_ago, goal) = *c;
        let day = today.checked_sub_days(Days::new(days_ago)).unwrap_or(today);
        clock.set(at(day, 9));
        let input = TicketInput {
            kind,
            channel: if days_ago % 3 == 0 {
                TicketChannel::WeChat
            } else {
                TicketChannel::Phone
            },
            urgency,
            category: category.into(),
            caller_name: caller.into(),
            caller_phone: phone.into(),
            location: place.into(),
            position: None,
            text: text.into(),
        };
        let id = svc.register_ticket(&p.hotline, input).await?.record.id;
        play(svc, clock, &p, (id, phone), lead, day, goal).await?;
    }
    clock.set(at(today, 9));
    tracing::info!(tickets = CALLS.len(), "demo hotline tickets made");
    Ok(CALLS.len())
}

async fn play(
    svc: &Services,
    clock: &Arc<FixedClock>,
    p: &Players,
    (id, phone): (i64, &str),
    lead: &str,
    day: NaiveDate,
    goal: Goal,
) -> Result<()> {
    use Goal as G;
    let step = |h: i64| clock.set(at(day, 9 + h));
    match goal {
        G::Registered => return Ok(()),
        G::Merged => return merge(svc, p, (id, phone), step).await,
        _ => {}
    }
    step(1);
    svc.ticket_act(&p.hotline, id, None, dispatch(lead)).await?;
    let unit = p.unit(lead)?;
    match goal {
        G::Returned | G::Escalated => return send_back(svc, p, unit, id, goal, step).await,
        G::Dispatched => return Ok(()),
        _ => {}
    }
    step(2);
    svc.ticket_act(unit, id, None, TicketAction::Sign).await?;
    if goal == G::Signed {
        return Ok(());
    }
    step(3);
    svc.ticket_act(unit, id, None, TicketAction::StartHandling)
        .await?;
    if goal == G::Handling {
        return Ok(());
    }
    if goal == G::ExtensionAsked {
        step(4);
        let ask = TicketAction::RequestExtension {
            days: 5,
            reason: "涉及多名劳动者，需逐一核实工资数额".into(),
        };
        svc.ticket_act(unit, id, None, ask).await?;
        return Ok(());
    }
    reply_and_close(svc, clock, p, unit, id, lead, day, goal).await
}

fn dispatch(unit: &str) -> TicketAction {
    TicketAction::Dispatch {
        lead_unit: unit.into(),
        co_units: Vec::new(),
    }
}

/// The agent merges a repeat call into the open ticket the duplicate hint names.
async fn merge(
    svc: &Services,
    p: &Players,
    (id, phone): (i64, &str),
    step: impl Fn(i64),
) -> Result<()> {
    let Some(into) = svc
        .duplicate_candidates(phone, id)
        .await?
        .first()
        .map(|v| v.record.id)
    else {
        return Ok(());
    };
    step(1);
    svc.ticket_act(
        &p.hotline,
        id,
        None,
        TicketAction::MergeInto { ticket: into },
    )
    .await?;
    Ok(())
}

/// The unit sends the ticket back (退回); escalated, a second unit does too.
async fn send_back(
    svc: &Services,
    p: &Players,
    unit: &Access,
    id: i64,
    goal: Goal,
    step: impl Fn(i64),
) -> Result<()> {
    let back = |why: &str| TicketAction::SendBack { reason: why.into() };
    step(2);
    if goal == Goal::Returned {
        svc.ticket_act(unit, id, None, back("供暖问题属热力公司，请转供热主管部门"))
            .await?;
        return Ok(());
    }
    svc.ticket_act(unit, id, None, back("养殖污染属生态环境部门职责"))
        .await?;
    step(3);
    svc.ticket_act(&p.hotline, id, None, dispatch("zjj"))
        .await?;
    step(4);
    svc.ticket_act(p.unit("zjj")?, id, None, back("不属于住建部门职责"))
        .await?;
    Ok(())
}

/// The unit replies a working day or so later (the third overruns its
/// limit); the hotline calls back and closes, as far as `goal` goes.
#[expect(clippy::too_many_arguments, reason = "one demo ticket's whole context")]
async fn reply_and_close(
    svc: &Services,
    clock: &Arc<FixedClock>,
    p: &Players,
    unit: &Access,
    id: i64,
    lead: &str,
    day: NaiveDate,
    goal: Goal,
) -> Result<()> {
    let late = goal == Goal::Closed && lead == "scjg";
    let reply_day = day + Days::new(if late { 10 } else { 1 });
    clock.set(at(reply_day, 10));
    let reply = TicketAction::Reply {
        text: "经核查已督促整改，并已电话告知来电人处理结果".into(),
    };
    svc.ticket_act(unit, id, None, reply).await?;
    if goal == Goal::Replied {
        return Ok(());
    }
    clock.set(at(reply_day, 15));
    let cb = TicketAction::CallBack {
        satisfaction: if late {
            Rating::Basic
        } else {
            Rating::Satisfied
        },
        resolved: true,
        note: "来电人表示问题已解决".into(),
    };
    svc.ticket_act(&p.hotline, id, None, cb).await?;
    if goal == Goal::CalledBack {
        return Ok(());
    }
    clock.set(at(reply_day, 16));
    svc.ticket_act(&p.hotline, id, None, TicketAction::Close)
        .await?;
    Ok(())
}
