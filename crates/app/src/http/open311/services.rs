//! GET services.json and services/{code}.json: the ticket types as services.

use axum::Json;
use axum::extract::Path;
use domain::hotline::TicketType;
use serde::Serialize;

use super::{Open311Error, json_stem};

/// The group every service belongs to.
const GROUP: &str = "12345政务服务便民热线";

/// One service, as services.json lists it.
#[derive(Debug, Serialize)]
pub struct Service {
    service_code: &'static str,
    service_name: &'static str,
    description: &'static str,
    metadata: bool,
    #[serde(rename = "type")]
    kind: &'static str,
    keywords: &'static str,
    group: &'static str,
}

/// What each type is for, and words clients may search by.
fn describe(t: TicketType) -> (&'static str, &'static str) {
    match t {
        TicketType::Consultation => ("咨询政策、办事流程、办理条件等", "咨询, 政策, 办事指南"),
        TicketType::Help => ("生活中遇到困难，请求政府部门帮助解决", "求助, 困难, 帮助"),
        TicketType::Complaint => (
            "对单位或个人侵害自身权益、服务不到位等的投诉（含拖欠工资等劳动保障监察事项）",
            "投诉, 欠薪, 服务质量",
        ),
        TicketType::Report => ("对违法违规行为的举报", "举报, 违法, 违规"),
        TicketType::Suggestion => ("对政府工作和公共服务的意见建议", "建议, 意见"),
    }
}

fn service(t: TicketType) -> Service {
    let (description, keywords) = describe(t);
    Service {
        service_code: t.as_str(),
        service_name: t.label_zh(),
        description,
        metadata: true,
        kind: "realtime",
        keywords,
        group: GROUP,
    }
}

/// GET /open311/v2/services.json
pub async fn list() -> Json<Vec<Service>> {
    Json(TicketType::ALL.iter().copied().map(service).collect())
}

/// One attribute of a service definition.
#[derive(Debug, Serialize)]
pub struct Attribute {
    variable: bool,
    code: &'static str,
    datatype: &'static str,
    required: bool,
    datatype_description: Option<&'static str>,
    order: u32,
    description: &'static str,
    values: Vec<AttributeValue>,
}

/// A value of a list attribute (none of onewindow's attributes is a list yet).
#[derive(Debug, Serialize)]
pub struct AttributeValue {
    key: String,
    name: String,
}

/// A service definition.
#[derive(Debug, Serialize)]
pub struct Definition {
    service_code: &'static str,
    attributes: Vec<Attribute>,
}

/// GET /open311/v2/services/{code}.json
pub async fn definition(Path(file): Path<String>) -> Result<Json<Definition>, Open311Error> {
    let code = json_stem(&file)?;
    let t = TicketType::ALL
        .iter()
        .copied()
        .find(|t| t.as_str() == code)
        .ok_or_else(|| Open311Error::not_found(format!("no service with service_code {code}")))?;
    Ok(Json(Definition {
        service_code: t.as_str(),
        attributes: vec![Attribute {
            variable: true,
            code: "category",
            datatype: "string",
            required: false,
            datatype_description: Some("诉求涉及的领域，如“劳动保障监察”"),
            order: 1,
            description: "诉求领域",
            values: Vec::new(),
        }],
    }))
}
