//! The parts a case is made of.

use crate::catalog::WorkingDays;
use crate::party::{CreditCode, IdNumber};
use crate::unit::labelled_enum;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

labelled_enum! {
    /// Where a case stands. Stored by `as_str`.
    CaseState {
        /// 待预审: an online application awaiting review.
        Submitted = "submitted" / "待预审",
        /// 一次性告知: the applicant was told everything still needed; the application stays open.
        Noticed = "noticed" / "已一次性告知",
        /// 审查中: accepted and in the back office.
        InReview = "in_review" / "审查中",
        /// 暂停: 补正 or a special procedure; the clock is stopped.
        Suspended = "suspended" / "暂停计时",
        /// 准予: approved, the result not yet issued.
        Approved = "approved" / "准予（待出证）",
        /// 已出证: the result is issued; the case is concluded (办结).
        Issued = "issued" / "已办结（已出证）",
        /// 已送达: the result is in the applicant's hands.
        Delivered = "delivered" / "已送达",
        /// 不予许可: refused with a reason; concluded.
        Refused = "refused" / "不予许可",
        /// 不予受理: the back office declined it with a legal reason; concluded.
        NotAccepted = "not_accepted" / "不予受理",
        /// 已撤回: withdrawn by the applicant.
        Withdrawn = "withdrawn" / "已撤回",
    }
}

impl CaseState {
    /// Whether the case's clocks run or stand (accepted, not yet concluded).
    pub fn is_running(self) -> bool {
        matches!(
            self,
            CaseState::InReview | CaseState::Suspended | CaseState::Approved
        )
    }

    /// Whether nothing more can happen to the case.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            CaseState::Delivered
                | CaseState::Refused
                | CaseState::NotAccepted
                | CaseState::Withdrawn
        )
    }
}

labelled_enum! {
    /// How an application came in.
    Channel {
        /// 窗口: at a service-hall window.
        Window = "window" / "窗口",
        /// 网上: the web portal.
        Online = "online" / "网上",
        /// 移动端: the mobile app.
        Mobile = "mobile" / "移动端",
        /// 自助终端: a self-service terminal.
        SelfService = "self_service" / "自助终端",
        /// 代办: an agent acting for the applicant.
        Agency = "agency" / "代办",
    }
}

impl Channel {
    /// Whether the application waits for a 预审 review rather than being
    /// decided on the spot by a window clerk.
    pub fn needs_review(self) -> bool {
        matches!(
            self,
            Channel::Online | Channel::Mobile | Channel::SelfService
        )
    }
}

labelled_enum! {
    /// Why a case's clock is stopped.
    SuspensionKind {
        /// 补正: the applicant must supply something.
        Supplement = "supplement" / "补正",
        /// 专家评审
        ExpertReview = "expert_review" / "专家评审",
        /// 听证
        Hearing = "hearing" / "听证",
        /// 现场勘查
        OnSiteSurvey = "on_site_survey" / "现场勘查",
        /// 检验检测
        InspectionTesting = "inspection_testing" / "检验检测",
        /// 公示
        PublicNotice = "public_notice" / "公示",
    }
}

labelled_enum! {
    /// How a result reaches the applicant (出件).
    DeliveryMethod {
        /// 综合窗口领取
        WindowPickup = "window_pickup" / "窗口领取",
        /// 邮寄
        Post = "post" / "邮寄送达",
        /// 电子送达
        Electronic = "electronic" / "电子送达",
    }
}

/// Who applied: a person or an enterprise, with a checked identifier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Applicant {
    /// A citizen.
    Person {
        /// Name.
        name: String,
        /// 居民身份证号.
        id_number: IdNumber,
        /// Phone, for notices.
        #[serde(default)]
        phone: String,
    },
    /// An enterprise or other organisation.
    Enterprise {
        /// Name.
        name: String,
        /// 统一社会信用代码.
        credit_code: CreditCode,
        /// Phone, for notices.
        #[serde(default)]
        phone: String,
    },
}

impl Applicant {
    /// The applicant's name.
    pub fn name(&self) -> &str {
        match self {
            Applicant::Person { name, .. } | Applicant::Enterprise { name, .. } => name,
        }
    }

    /// The identifier as text (ID number or credit code).
    pub fn identifier(&self) -> &str {
        match self {
            Applicant::Person { id_number, .. } => id_number.as_str(),
            Applicant::Enterprise { credit_code, .. } => credit_code.as_str(),
        }
    }

    /// The identifier's last four characters, asked with a receipt number to look a case up.
    pub fn last_four(&self) -> &str {
        let id = self.identifier();
        &id[id.len().saturating_sub(4)..]
    }
}

/// Non-core materials accepted missing (容缺受理) on the applicant's commitment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deficiency {
    /// The materials still owed.
    pub materials: Vec<String>,
    /// The day by which they must be supplied.
    pub supplement_by: NaiveDate,
    /// The day they were supplied, once supplied.
    #[serde(default)]
    pub supplied_on: Option<NaiveDate>,
    /// Set when `supplement_by` passed without them: a broken commitment.
    #[serde(default)]
    pub broken: bool,
}

/// A certificate replaced by the applicant's signed commitment (告知承诺).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commitment {
    /// The material (a certificate) the commitment replaces.
    pub material: String,
    /// When the department will verify what was promised.
    pub verify_by: NaiveDate,
}

/// One back-office step of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseStep {
    /// Stage number; steps of one stage run in parallel (并联审批).
    pub stage: u32,
    /// Name, e.g. 规划审查.
    pub name: String,
    /// The unit that holds the step.
    pub unit: String,
    /// The step's own limit inside the case's.
    pub limit: WorkingDays,
    /// The day the step opened (its stage began), once opened.
    #[serde(default)]
    pub opened_on: Option<NaiveDate>,
    /// The day it was completed, once completed.
    #[serde(default)]
    pub done_on: Option<NaiveDate>,
    /// The reviewer's opinion.
    #[serde(default)]
    pub opinion: String,
}

/// A suspension of the case clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuspensionRecord {
    /// 补正 or which special procedure.
    pub kind: SuspensionKind,
    /// Why, in words the applicant will read.
    pub reason: String,
    /// First day stopped.
    pub from: NaiveDate,
    /// The day it resumed; the clock runs again from the next day.
    #[serde(default)]
    pub to: Option<NaiveDate>,
}

/// The decision on a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// 准予 or 不予.
    pub approved: bool,
    /// The reason (required to refuse).
    #[serde(default)]
    pub reason: String,
    /// The day it was made.
    pub on: NaiveDate,
}

/// The result issued to the applicant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CaseResult {
    /// A paper document with its number.
    Paper {
        /// Document number.
        number: String,
    },
    /// An electronic certificate (电子证照), e.g. 电子营业执照.
    Electronic {
        /// Certificate number.
        number: String,
        /// The licence type, e.g. 电子营业执照.
        licence: String,
    },
}
