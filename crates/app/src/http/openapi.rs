//! The OpenAPI document, generated from the handlers' `#[utoipa::path]`
//! attributes, served at `/api/openapi.json` and rendered at `/api/docs`.

use std::borrow::Cow;
use std::sync::LazyLock;

use axum::Json;
use domain::case::{Action, CaseResult, Commitment, DeliveryMethod, SuspensionKind};
use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, Schema, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as Document, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use super::api;
use super::error::ErrorBody;

/// The API's description: every path, with a bearer security scheme.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "onewindow API（一窗通办）",
        description = "JSON API of onewindow, a county government-service platform. \
            Every /api/v1 route needs `Authorization: Bearer <token>` (make one with \
            `onewindow token create USERNAME`). Errors are `{\"error\": {\"code\", \"message\"}}` \
            with a stable snake_case code and a Chinese message."
    ),
    paths(
        super::healthz,
        openapi_json,
        super::docs::page,
        api::matters::list,
        api::matters::search,
        api::matters::show,
        api::cases::create,
        api::cases::list,
        api::cases::warnings,
        api::cases::overdue,
        api::cases::show,
        api::case_actions::act,
        api::units::inbox,
        api::sla::counts,
        api::tickets::create,
        api::tickets::list,
        api::tickets::show,
        api::tickets::act,
        api::tickets::figures,
        api::ratings::rate,
        api::ratings::list,
        api::ratings::show,
        api::ratings::act,
        api::ratings::scores,
    ),
    components(schemas(ErrorBody, ActionRequest)),
    modifiers(&BearerScheme, &CommonResponses),
    tags(
        (name = "catalog", description = "事项目录 service catalog"),
        (name = "cases", description = "办件 cases"),
        (name = "sla", description = "时限监测 time limits"),
        (name = "hotline", description = "接诉即办 hotline tickets"),
        (name = "evaluation", description = "好差评 ratings, rectifications and scores"),
        (name = "system", description = "健康检查与接口文档 health and docs"),
    )
)]
pub struct ApiDoc;

/// The document, built once.
pub fn document() -> &'static Document {
    static DOC: LazyLock<Document> = LazyLock::new(ApiDoc::openapi);
    &DOC
}

/// Serves the OpenAPI document.
#[utoipa::path(
    get, path = "/api/openapi.json", tag = "system",
    responses((status = 200, description = "This document (OpenAPI 3.1)", content_type = "application/json", body = Object))
)]
pub async fn openapi_json() -> Json<&'static Document> {
    Json(document())
}

/// Adds the `bearer` scheme every `/api/v1` path names.
struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, doc: &mut Document) {
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some(
                "A per-user API token from `onewindow token create USERNAME`",
            ))
            .build();
        doc.components
            .get_or_insert_with(Default::default)
            .add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// Adds to every operation the answers the framework gives before a handler
/// runs, so each route lists every status it can answer: 400 for a path,
/// query or body that cannot be read, 413 and 415 for a body too large or
/// not JSON, 401 without a valid token, and 500.
struct CommonResponses;

impl CommonResponses {
    fn error(description: &str) -> RefOr<Response> {
        let body = ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("ErrorBody")))
            .build();
        ResponseBuilder::new()
            .description(description)
            .content("application/json", body)
            .build()
            .into()
    }

    fn add(op: &mut Operation) {
        let mut answers = vec![("500", "`internal`: 服务器内部错误（详情只记入日志）")];
        let has_params = op.parameters.as_ref().is_some_and(|p| !p.is_empty());
        if has_params || op.request_body.is_some() {
            answers.push(("400", "`bad_request`: 路径、查询参数或请求体无法解析"));
        }
        if op.request_body.is_some() {
            answers.push(("413", "`payload_too_large`: 请求体过大"));
            answers.push((
                "415",
                "`unsupported_media_type`: 请求体须为 JSON（Content-Type: application/json）",
            ));
        }
        if op.security.as_ref().is_some_and(|s| !s.is_empty()) {
            answers.push(("401", "`unauthorized`: 缺少或无效的访问令牌"));
        }
        for (status, description) in answers {
            op.responses
                .responses
                .entry(status.to_owned())
                .or_insert_with(|| Self::error(description));
        }
    }
}

impl Modify for CommonResponses {
    fn modify(&self, doc: &mut Document) {
        for item in doc.paths.paths.values_mut() {
            for op in [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                Self::add(op);
            }
        }
    }
}

/// The body of `POST /api/v1/cases/{id}/actions`: an action named by its
/// `action` field, with that action's own fields. Deserialised as
/// [`domain::case::Action`]; this type only describes it.
pub struct ActionRequest;

impl utoipa::PartialSchema for ActionRequest {
    fn schema() -> RefOr<Schema> {
        let examples = action_examples();
        let names: Vec<&str> = examples.iter().map(Action::name).collect();
        let name = ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(names))
            .description(Some(
                "Which action; the other fields depend on it (see the examples)",
            ));
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .property("action", name)
            .required("action")
            .additional_properties(Some(AdditionalProperties::FreeForm(true)))
            .description(Some(
                "An action on a case. accept / accept_with_deficiency / notify_once are the intake outcomes \
                 (预审 or window); complete_step closes a back-office step by index; suspend / resume stop \
                 and restart the clock; decide, issue and deliver conclude the case.",
            ))
            .examples(examples.iter().filter_map(|a| serde_json::to_value(a).ok()))
            .into()
    }
}

impl utoipa::ToSchema for ActionRequest {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Action")
    }
}

/// One example of every action, as the schema lists them.
pub fn action_examples() -> Vec<Action> {
    let day = |m, d| chrono::NaiveDate::from_ymd_opt(2026, m, d).unwrap_or_default();
    let all = vec![
        Action::Accept {
            commitments: vec![Commitment {
                material: "营业执照".into(),
                verify_by: day(12, 31),
            }],
        },
        Action::AcceptWithDeficiency {
            missing: vec!["不涉及产权争议的经营场所使用承诺".into()],
            supplement_by: day(10, 9),
            commitments: vec![],
        },
        Action::NotifyOnce {
            missing: vec!["经营场所信息及平面布局图".into()],
            note: "平面图须标明面积".into(),
        },
        Action::Resubmit,
        Action::NotAccept {
            reason: "申请事项不属于本机关职权范围".into(),
        },
        Action::CompleteStep {
            step: 0,
            opinion: "同意".into(),
        },
        Action::Supplement {
            materials: vec!["不涉及产权争议的经营场所使用承诺".into()],
        },
        Action::Suspend {
            kind: SuspensionKind::ExpertReview,
            reason: "需组织专家评审".into(),
        },
        Action::Resume,
        Action::Decide {
            approve: true,
            reason: String::new(),
        },
        Action::Issue {
            result: CaseResult::Electronic {
                number: "QX-2026-000123".into(),
                licence: "行业综合许可证".into(),
            },
        },
        Action::Deliver {
            method: DeliveryMethod::Electronic,
        },
        Action::Withdraw {
            reason: "申请人主动撤回".into(),
        },
        Action::FlagOverdueSupplement,
    ];
    // Does not compile when the domain gains an action: add its example above too.
    for a in &all {
        match a {
            Action::Accept { .. }
            | Action::AcceptWithDeficiency { .. }
            | Action::NotifyOnce { .. }
            | Action::Resubmit
            | Action::NotAccept { .. }
            | Action::CompleteStep { .. }
            | Action::Supplement { .. }
            | Action::Suspend { .. }
            | Action::Resume
            | Action::Decide { .. }
            | Action::Issue { .. }
            | Action::Deliver { .. }
            | Action::Withdraw { .. }
            | Action::FlagOverdueSupplement => {}
        }
    }
    all
}
