//! A case page's action form, read into the domain's [`Action`]. What is
//! missing or malformed is said in Chinese; whether the action is allowed is
//! the domain's to say.

use domain::case::{Action, ActionKind, CaseResult, DeliveryMethod, SuspensionKind};

use crate::http::pages::common::form::FormData;

/// The action a posted case-page form asks for, or what is wrong with the form.
pub fn action_from_form(kind: ActionKind, f: &FormData) -> Result<Action, String> {
    use ActionKind as K;
    let action = match kind {
        K::CompleteStep => Action::CompleteStep {
            step: f
                .get("step")
                .parse()
                .map_err(|_| "请选择要完成的审查环节".to_owned())?,
            opinion: f.get("opinion").to_owned(),
        },
        K::Suspend => Action::Suspend {
            kind: SuspensionKind::parse(f.get("kind"))
                .ok_or_else(|| "请选择暂停计时的类型".to_owned())?,
            reason: f.get("reason").to_owned(),
        },
        K::Resume => Action::Resume,
        K::Decide => Action::Decide {
            approve: match f.get("approve") {
                "true" => true,
                "false" => false,
                _ => return Err("请选择准予或不予许可".into()),
            },
            reason: f.get("reason").to_owned(),
        },
        K::Issue => Action::Issue {
            result: issued_result(f)?,
        },
        K::Deliver => Action::Deliver {
            method: DeliveryMethod::parse(f.get("method"))
                .ok_or_else(|| "请选择送达方式".to_owned())?,
        },
        K::NotAccept => Action::NotAccept {
            reason: f.get("reason").to_owned(),
        },
        K::Supplement => {
            let mut materials = f.all("materials");
            materials.extend(f.lines("other_materials"));
            if materials.is_empty() {
                return Err("请勾选或填写补交的材料".into());
            }
            Action::Supplement { materials }
        }
        K::Withdraw => Action::Withdraw {
            reason: f.get("reason").to_owned(),
        },
        K::Resubmit => Action::Resubmit,
        K::Accept | K::AcceptWithDeficiency | K::NotifyOnce => {
            return Err("受理、容缺受理和一次性告知请在预审页面核对材料后办理".into());
        }
        K::FlagOverdueSupplement => return Err("该操作由系统每日自动执行".into()),
    };
    Ok(action)
}

/// The result a form names; whether its number and licence are filled in
/// is the domain's rule (the same for the API).
fn issued_result(f: &FormData) -> Result<CaseResult, String> {
    let number = f.get("number").trim().to_owned();
    match f.get("result_kind") {
        "paper" => Ok(CaseResult::Paper { number }),
        "electronic" => Ok(CaseResult::Electronic {
            number,
            licence: f.get("licence").trim().to_owned(),
        }),
        _ => Err("请选择纸质文书或电子证照".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> FormData {
        FormData::new(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn forms_become_actions() {
        let a = action_from_form(
            ActionKind::CompleteStep,
            &form(&[("step", "1"), ("opinion", "同意")]),
        );
        assert_eq!(
            a,
            Ok(Action::CompleteStep {
                step: 1,
                opinion: "同意".into()
            })
        );
        let a = action_from_form(
            ActionKind::Suspend,
            &form(&[("kind", "supplement"), ("reason", "缺少附图")]),
        );
        assert!(matches!(
            a,
            Ok(Action::Suspend {
                kind: SuspensionKind::Supplement,
                ..
            })
        ));
        let a = action_from_form(ActionKind::Issue, &form(&[("number", "X1")]));
        assert_eq!(a, Err("请选择纸质文书或电子证照".into()));
        assert!(action_from_form(ActionKind::Supplement, &form(&[])).is_err());
        assert!(action_from_form(ActionKind::Accept, &form(&[])).is_err());
    }
}
