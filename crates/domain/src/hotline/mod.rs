//! 接诉即办: tickets from the 12345 hotline, the web and the app, from
//! registration to dispatch, signing, handling, the reply, the callback and
//! closure — with send-backs (退单), merges (并单) and approved extensions.
//!
//! Words (the crate glossary's 接诉即办 = hotline ticket, in detail):
//! 工单 ticket, 受理 register, 派单 dispatch, 主办 / 协办 lead unit / co-unit,
//! 签收 sign, 办理 handle, 答复 reply, 退单 send back, 督办裁定 settle,
//! 延期 extension, 回访 call back, 办结 close, 并单 merge, 响应率 response
//! rate, 解决率 solve rate, 满意率 satisfaction rate, 按时办结率 on-time rate.

mod clock;
mod figures;
mod limits;
mod ticket;

pub use clock::ClockStatus;
pub use figures::{HotlineFigures, figures};
pub use limits::{Limits, TicketLimits};
pub use ticket::{
    Extension, SendBack, Ticket, TicketAction, TicketCallback, TicketError, TicketEvent,
};

use crate::unit::labelled_enum;

labelled_enum! {
    /// What the caller wants.
    TicketType {
        /// 咨询
        Consultation = "consultation" / "咨询",
        /// 求助
        Help = "help" / "求助",
        /// 投诉
        Complaint = "complaint" / "投诉",
        /// 举报
        Report = "report" / "举报",
        /// 建议
        Suggestion = "suggestion" / "建议",
    }
}

labelled_enum! {
    /// How the ticket came in.
    TicketChannel {
        /// 电话 (12345)
        Phone = "phone" / "电话",
        /// 网站
        Web = "web" / "网站",
        /// 移动端
        App = "app" / "移动端",
        /// 微信
        WeChat = "wechat" / "微信",
    }
}

labelled_enum! {
    /// How urgent it is.
    Urgency {
        /// 一般
        Normal = "normal" / "一般",
        /// 紧急
        Urgent = "urgent" / "紧急",
        /// 特急
        VeryUrgent = "very_urgent" / "特急",
    }
}

labelled_enum! {
    /// Where a ticket stands.
    TicketState {
        /// 已受理: registered by the hotline, not yet dispatched.
        Registered = "registered" / "已受理",
        /// 已派单: dispatched to a lead unit; the clock runs.
        Dispatched = "dispatched" / "已派单",
        /// 已签收
        Signed = "signed" / "已签收",
        /// 办理中
        Handling = "handling" / "办理中",
        /// 已答复
        Replied = "replied" / "已答复",
        /// 已回访
        CalledBack = "called_back" / "已回访",
        /// 已办结
        Closed = "closed" / "已办结",
        /// 已退单: sent back by a unit; the hotline re-dispatches.
        Returned = "returned" / "已退单",
        /// 待督办裁定: sent back twice; the supervisor settles who handles it.
        Escalated = "escalated" / "待督办裁定",
        /// 已并单: merged into another ticket.
        Merged = "merged" / "已并单",
    }
}
