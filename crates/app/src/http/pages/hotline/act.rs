//! POST /hotline/{id}/act: one form on the ticket page, read into the
//! domain's [`TicketAction`] and applied by the service. What is missing is
//! said in Chinese; whether it is allowed is the domain's to say. A refusal
//! shows the ticket page again with the reason and changes nothing.

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::evaluation::Rating;
use domain::hotline::TicketAction;

use super::ticket::build;
use super::{HOTLINE_ROLES, ticket_error_page, ticket_refusal};
use crate::http::AppState;
use crate::http::extract::PagePath;
use crate::http::pages::common::form::FormData;
use crate::http::pages::render;
use crate::http::session::PageUser;

/// The action a posted form asks for, or what is wrong with the form.
pub fn action_from_form(f: &FormData) -> Result<TicketAction, String> {
    let text = |name: &str| f.get(name).to_owned();
    Ok(match f.get("action") {
        "dispatch" => TicketAction::Dispatch {
            lead_unit: text("lead_unit"),
            co_units: f
                .all("co_units")
                .into_iter()
                .filter(|c| c != f.get("lead_unit"))
                .collect(),
        },
        "sign" => TicketAction::Sign,
        "start_handling" => TicketAction::StartHandling,
        "reply" => TicketAction::Reply { text: text("text") },
        "send_back" => TicketAction::SendBack {
            reason: text("reason"),
        },
        "settle" => TicketAction::Settle {
            lead_unit: text("lead_unit"),
        },
        "request_extension" => TicketAction::RequestExtension {
            days: f
                .get("days")
                .parse()
                .map_err(|_| "请填写延期天数（工作日）")?,
            reason: text("reason"),
        },
        "decide_extension" => TicketAction::DecideExtension {
            approve: match f.get("approve") {
                "true" => true,
                "false" => false,
                _ => return Err("请选择批准或不批准".into()),
            },
        },
        "call_back" => TicketAction::CallBack {
            satisfaction: Rating::parse(f.get("satisfaction")).ok_or("请选择满意度")?,
            resolved: match f.get("resolved") {
                "true" => true,
                "false" => false,
                _ => return Err("请选择问题是否解决".into()),
            },
            note: text("note"),
        },
        "close" => TicketAction::Close,
        "merge" => TicketAction::MergeInto {
            ticket: f
                .get("ticket")
                .parse()
                .map_err(|_| "请填写要并入的工单编号")?,
        },
        _ => return Err("未知的操作".into()),
    })
}

/// POST /hotline/{id}/act
pub async fn submit(
    State(state): State<AppState>,
    user: PageUser,
    PagePath(id): PagePath<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    if let Err(r) = user.require(HOTLINE_ROLES) {
        return r;
    }
    let f = FormData::new(fields);
    let version = f.get("version").parse().ok();
    let outcome = match action_from_form(&f) {
        Ok(action) => state
            .services
            .ticket_act(&user.access(), id, version, action)
            .await
            .map_err(|e| ticket_refusal(&e)),
        Err(m) => Err((StatusCode::UNPROCESSABLE_ENTITY, m)),
    };
    let (status, message) = match outcome {
        Ok(_) => {
            let done = f.get("action");
            return Redirect::to(&format!("/hotline/{id}?done={done}")).into_response();
        }
        Err(refusal) => refusal,
    };
    if status == StatusCode::NOT_FOUND {
        return ticket_error_page(&crate::service::ServiceError::Store(
            store::StoreError::NotFound(format!("工单 {id}")),
        ));
    }
    match build(&state, &user, id, Some((false, message))).await {
        Ok(p) => (status, render(&p)).into_response(),
        Err(e) => ticket_error_page(&e),
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
    fn forms_become_ticket_actions() {
        let a = action_from_form(&form(&[
            ("action", "dispatch"),
            ("lead_unit", "rsj"),
            ("co_units", "rsj"),
            ("co_units", "scjg"),
        ]));
        assert_eq!(
            a,
            Ok(TicketAction::Dispatch {
                lead_unit: "rsj".into(),
                co_units: vec!["scjg".into()],
            }),
            "the lead unit is not also a co-unit"
        );
        assert_eq!(
            action_from_form(&form(&[("action", "request_extension"), ("days", "三")])),
            Err("请填写延期天数（工作日）".into())
        );
        assert!(
            action_from_form(&form(&[("action", "call_back"), ("satisfaction", "满意")])).is_err()
        );
        assert!(action_from_form(&form(&[("action", "merge"), ("ticket", "x")])).is_err());
        assert!(action_from_form(&form(&[("action", "delete")])).is_err());
        assert_eq!(
            action_from_form(&form(&[
                ("action", "decide_extension"),
                ("approve", "false")
            ])),
            Ok(TicketAction::DecideExtension { approve: false })
        );
    }
}
