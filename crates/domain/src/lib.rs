//! onewindow's pure rules: the working-day calendar, the service catalog and
//! the organisation. This crate does no I/O and never reads the wall clock:
//! every rule takes the date or instant it acts at.
//!
//! # Glossary
//!
//! The Chinese terms of the trade stay exact in every page; in code each has
//! one English name:
//!
//! | 中文 | code |
//! |---|---|
//! | 事项 | matter |
//! | 事项目录 | catalog |
//! | 证明事项清单 | certificate list |
//! | 材料 | material |
//! | 核心要件 / 非核心要件 | core / non-core material |
//! | 法定时限 / 承诺时限 | statutory / promised limit |
//! | 工作日 | working day (workday) |
//! | 调休 | make-up working day |
//! | 即办 | immediate (a limit of 0 working days) |
//! | 办件 | case |
//! | 受理 | accept |
//! | 容缺受理 | accept with deficiency |
//! | 一次性告知 | one-time notice |
//! | 告知承诺 | commitment |
//! | 补正 | supplement |
//! | 特别程序 | special procedure |
//! | 办结 | conclude |
//! | 出件 | deliver |
//! | 代办 | agency service |
//! | 一件事 | theme service |
//! | 一业一证 | industry permit |
//! | 好差评 | evaluation |
//! | 整改 | rectification |
//! | 接诉即办 | hotline ticket |
//! | 双随机 | random inspection |
//! | 台账 | ledger |
//! | 单位 | unit |
//! | 镇街 / 村社区 | town or street / village or community |
//! | 直接下放 / 委托下放 / 窗口前移 / 下放审核权 | direct / entrusted / window forward / review power (delegation) |
//! | 全程网办 / 网上可办 / 窗口办理 | fully online / partly online / window only |

pub mod calendar;
pub mod case;
pub mod catalog;
pub mod defaults;
pub mod error;
pub mod evaluation;
pub mod hotline;
pub mod party;
pub mod time;
pub mod unit;

pub use error::{ErrorCode, ErrorKind};
