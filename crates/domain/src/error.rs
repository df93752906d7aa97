//! The stable codes onewindow answers a refused or failed request with, each
//! with its kind (from which the HTTP layer takes the status, in one place)
//! and a Chinese summary. The API sends the code and a message; the pages
//! carry the same code (`data-code`) and message. Clients and tests key on
//! the code, so a code, once shipped, keeps its spelling.

/// What kind of answer a code is: it decides the HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The request breaks a rule of its own data (a missing reason, a bad number): 422.
    Invalid,
    /// The record's present state does not allow it (an illegal transition, a second rating): 409.
    Clash,
    /// The person may not do it (their role, their unit, their hall's level): 403.
    Forbidden,
    /// The request itself could not be read (its body, query or path): 400.
    Malformed,
    /// The caller did not say who they are, or with a token we do not know: 401.
    Unauthenticated,
    /// No such thing, or none the caller may see: 404.
    Missing,
    /// The path does not take this method: 405.
    MethodNotAllowed,
    /// The body is larger than the limit: 413.
    TooLarge,
    /// The body is not of a type the route reads: 415.
    UnsupportedMedia,
    /// A failure of the platform itself, logged and never explained: 500.
    Internal,
}

macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident = $code:literal, $kind:ident, $summary:literal;)+) => {
        /// Every stable code onewindow answers with.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($(#[$doc])* $variant,)+
        }

        impl ErrorCode {
            /// Every code, in the order written here.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)+];

            /// The code as clients see it: snake_case, stable.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)+
                }
            }

            /// What kind of answer it is.
            pub const fn kind(self) -> ErrorKind {
                match self {
                    $(ErrorCode::$variant => ErrorKind::$kind,)+
                }
            }

            /// What it means, in Chinese, for a person: the message when
            /// nothing more particular is known.
            pub const fn summary(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $summary,)+
                }
            }
        }
    };
}

error_codes! {
    // The request as sent.
    /// The body, query or path could not be read.
    BadRequest = "bad_request", Malformed, "请求格式有误";
    /// A page's form could not be read.
    InvalidForm = "invalid_form", Invalid, "表单填写有误";
    /// No token, or one we do not know.
    Unauthorized = "unauthorized", Unauthenticated, "缺少或无效的访问令牌";
    /// No such record, or none within the caller's scope.
    NotFound = "not_found", Missing, "未找到";
    /// The route does not take this method.
    MethodNotAllowed = "method_not_allowed", MethodNotAllowed, "该接口不支持此请求方法";
    /// The body is too large.
    PayloadTooLarge = "payload_too_large", TooLarge, "请求体过大";
    /// The body is not JSON.
    UnsupportedMediaType = "unsupported_media_type", UnsupportedMedia, "请求体须为 JSON";
    /// The platform failed; the detail is logged.
    Internal = "internal", Internal, "服务器内部错误，请稍后重试";
    // The record as it stands.
    /// The record changed since the caller read it, or the value is taken.
    Conflict = "conflict", Clash, "记录已被他人修改或已存在，请刷新后重试";
    /// The action is not one the record's state allows.
    IllegalTransition = "illegal_transition", Clash, "当前状态不能进行该操作";
    /// The case has been rated already.
    AlreadyRated = "already_rated", Clash, "已评价过";
    /// The hotline ticket is settled.
    TicketSettled = "ticket_settled", Clash, "工单已办结";
    /// The hotline ticket's state allows no extension now.
    ExtensionState = "extension_state", Clash, "当前状态不能申请延期";
    // Who may act.
    /// The person's role or unit may not do this.
    Forbidden = "forbidden", Forbidden, "无权进行该操作";
    /// This hall's level does not handle the matter (放权: it is handled elsewhere).
    NotHandledHere = "not_handled_here", Forbidden, "本级不受理该事项";
    /// The unit does not hold the ticket.
    NotHolder = "not_holder", Forbidden, "本单位未承办该工单";
    // Rules of the request's own data.
    /// A stored-rule refusal from the store (a unit under a parent it may not sit under, …).
    Invalid = "invalid", Invalid, "不符合规则";
    /// The catalog import or matter breaks catalog rules (each problem listed).
    CatalogInvalid = "catalog_invalid", Invalid, "事项目录有误";
    /// The 统一社会信用代码 is malformed.
    InvalidCreditCode = "invalid_credit_code", Invalid, "统一社会信用代码有误";
    /// The 身份证号码 is malformed.
    InvalidIdNumber = "invalid_id_number", Invalid, "身份证号码有误";
    /// 容缺受理 is not allowed for this matter.
    DeficiencyNotAllowed = "deficiency_not_allowed", Invalid, "该事项不适用容缺受理";
    /// A core material may not be owed.
    CoreMaterialMissing = "core_material_missing", Invalid, "核心材料不能容缺";
    /// The material is not one the matter lists.
    UnknownMaterial = "unknown_material", Invalid, "不是该事项的材料";
    /// The date to supply owed materials by is out of range.
    SupplementDateOutOfRange = "supplement_date_out_of_range", Invalid, "补正期限超出范围";
    /// 告知承诺 is not allowed for this matter.
    CommitmentNotAllowed = "commitment_not_allowed", Invalid, "该事项不适用告知承诺";
    /// The material is not a certificate that 告知承诺 can replace.
    NotACertificate = "not_a_certificate", Invalid, "该材料不能以告知承诺替代";
    /// The commitment's verification date has passed.
    VerificationDateInPast = "verification_date_in_past", Invalid, "核查日期不能早于今天";
    /// A reason must be given.
    ReasonRequired = "reason_required", Invalid, "须填写理由";
    /// Nothing was listed.
    NothingListed = "nothing_listed", Invalid, "未列出任何材料";
    /// The parallel step is not open.
    StepNotOpen = "step_not_open", Invalid, "该环节未在办理中";
    /// Parallel steps are still pending.
    StepsPending = "steps_pending", Invalid, "尚有并联环节未办结";
    /// 容缺 materials are still owed.
    DeficiencyOutstanding = "deficiency_outstanding", Invalid, "尚有容缺材料未补齐";
    /// No materials are owed.
    NothingToSupplement = "nothing_to_supplement", Invalid, "没有待补齐的材料";
    /// The owed materials are not yet overdue.
    SupplementNotOverdue = "supplement_not_overdue", Invalid, "补正期限未到";
    /// Issuing needs the certificate number.
    ResultNumberRequired = "result_number_required", Invalid, "须填写证照编号";
    /// An electronic certificate needs the licence.
    LicenceRequired = "licence_required", Invalid, "电子证照须附证照文件";
    /// An applicant's supplement or resubmission came without its files.
    FilesRequired = "files_required", Invalid, "须上传所补材料的文件";
    /// A hotline extension asks for too few or too many working days.
    ExtensionDaysOutOfRange = "extension_days_out_of_range", Invalid, "延期天数超出范围";
    /// Only a concluded case can be rated.
    CaseNotConcluded = "case_not_concluded", Invalid, "办件尚未办结";
    /// The time to rate has passed.
    RatingWindowClosed = "rating_window_closed", Invalid, "评价期限已过";
    /// A rating level must be chosen.
    RatingRequired = "rating_required", Invalid, "请选择满意程度";
    /// A hotline ticket needs the caller's words.
    TextRequired = "text_required", Invalid, "须填写诉求内容";
    /// A hotline ticket needs the caller's name.
    CallerRequired = "caller_required", Invalid, "须填写来电人姓名";
    /// A ticket may be merged only into another open, unmerged one.
    MergeTarget = "merge_target", Invalid, "合并目标工单无效";
    /// The matter code is malformed.
    InvalidMatterCode = "invalid_matter_code", Invalid, "事项编码无效";
    /// The working-day calendar does not load.
    InvalidCalendar = "invalid_calendar", Invalid, "工作日历有误";
    /// The matter is not for this kind of applicant (a company applying for 结婚登记).
    ApplicantTypeNotAdmitted = "applicant_type_not_admitted", Invalid, "该事项不受理此类申请人";
    /// The phone number is not one.
    InvalidPhone = "invalid_phone", Invalid, "电话号码有误";
    /// The username is malformed.
    InvalidUsername = "invalid_username", Invalid, "用户名不符合要求";
    /// The password is too weak.
    WeakPassword = "weak_password", Invalid, "密码强度不足";
    /// The applicant's name is missing.
    ApplicantNameRequired = "applicant_name_required", Invalid, "须填写申请人姓名";
    /// The intake form does not hold together.
    InvalidIntake = "invalid_intake", Invalid, "受理信息有误";
    /// No such unit.
    UnknownUnit = "unknown_unit", Invalid, "单位不存在";
    /// The demo data lacks a user it needs.
    DemoUser = "demo_user", Invalid, "演示数据缺少用户";
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_code_is_spelled_once_in_snake_case_with_a_chinese_summary() {
        let mut seen = HashSet::new();
        for code in ErrorCode::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "{s} is used twice");
            assert!(
                s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{s} is not snake_case"
            );
            assert!(
                code.summary()
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{s} has no Chinese summary"
            );
        }
    }
}
