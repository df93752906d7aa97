//! Service requests: POST requests.json (with an api_key), GET
//! requests.json with the spec's filters, GET requests/{id}.json.

use axum::extract::{Path, Query, State};
use axum::{Form, Json};
use chrono::{DateTime, NaiveTime, TimeDelta, Utc};
use domain::hotline::{TicketChannel, TicketState, TicketType, Urgency};
use serde::Serialize;
use std::collections::HashMap;
use store::{Actor, StoreError, TicketFilter};

use super::{Open311Error, json_stem, w3c};
use crate::http::AppState;
use crate::http::auth::hash_token;
use crate::service::hotline::{Open311Fields, TicketInput, TicketView};

/// Days of requests listed when no date range is given (the spec's default).
const DEFAULT_WINDOW_DAYS: i64 = 90;
/// The most requests one GET returns.
const MAX_RESULTS: usize = 1000;

/// One service request as GeoReport v2 shows it.
#[derive(Debug, Serialize)]
pub struct ServiceRequest {
    service_request_id: i64,
    status: &'static str,
    status_notes: Option<String>,
    service_name: &'static str,
    service_code: &'static str,
    description: Option<String>,
    agency_responsible: Option<String>,
    service_notice: Option<String>,
    requested_datetime: String,
    updated_datetime: String,
    expected_datetime: Option<String>,
    address: Option<String>,
    address_id: Option<String>,
    zipcode: Option<String>,
    lat: Option<f64>,
    long: Option<f64>,
    media_url: Option<String>,
}

/// What POST requests.json returns for each request made.
#[derive(Debug, Serialize)]
pub struct Created {
    service_request_id: i64,
    service_notice: Option<String>,
    account_id: Option<String>,
}

fn notice(v: &TicketView) -> String {
    format!(
        "{}类诉求：自派单起{}小时内签收，{}个工作日内办结",
        v.record.ticket.kind.label_zh(),
        v.limits.sign_hours,
        v.limits.close_days
    )
}

/// Where a ticket stands, as `status_notes`.
fn status_notes(v: &TicketView) -> String {
    let t = &v.record.ticket;
    match (t.state, t.merged_into) {
        (TicketState::Merged, Some(into)) => format!("已并入工单 {into}"),
        _ if !t.reply.is_empty() => t.reply.clone(),
        (s, _) => s.label_zh().to_owned(),
    }
}

/// A ticket as a service request. The caller's own words and place are
/// shown only for requests filed through Open311 (the client published
/// them); for calls to the hotline they stay `null`.
fn request(v: &TicketView, units: &[domain::unit::Unit]) -> ServiceRequest {
    let t = &v.record.ticket;
    let public = v.record.api_client.is_some();
    let closed = matches!(t.state, TicketState::Closed | TicketState::Merged);
    let agency = t.lead_unit.as_ref().map(|code| {
        units
            .iter()
            .find(|u| u.code.as_str() == code)
            .map_or_else(|| code.clone(), |u| u.name.clone())
    });
    let expected = v.close_by.and_then(|d| {
        let end = d.and_time(NaiveTime::from_hms_opt(23, 59, 59)?);
        Some(w3c(domain::time::from_local(end)))
    });
    ServiceRequest {
        service_request_id: v.record.id,
        status: if closed { "closed" } else { "open" },
        status_notes: Some(status_notes(v)),
        service_name: t.kind.label_zh(),
        service_code: t.kind.as_str(),
        description: public.then(|| t.text.clone()),
        agency_responsible: agency,
        service_notice: Some(notice(v)),
        requested_datetime: w3c(t.registered_at),
        updated_datetime: w3c(v.record.updated_at),
        expected_datetime: expected,
        address: public.then(|| t.location.clone()).filter(|a| !a.is_empty()),
        address_id: None,
        zipcode: None,
        lat: t.position.filter(|_| public).map(|p| p.0),
        long: t.position.filter(|_| public).map(|p| p.1),
        media_url: v.record.media_url.clone().filter(|_| public),
    }
}

fn param<'a>(p: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    p.get(name).map(|s| s.trim()).filter(|s| !s.is_empty())
}

fn number(p: &HashMap<String, String>, name: &str) -> Result<Option<f64>, Open311Error> {
    param(p, name)
        .map(|s| {
            s.parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| Open311Error::bad_request(format!("{name} is not a number")))
        })
        .transpose()
}

/// POST /open311/v2/requests.json (form-encoded, as the spec defines). The
/// `api_key` may come in the body or, as many GeoReport v2 clients send it,
/// in the query string.
pub async fn create(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    Form(p): Form<HashMap<String, String>>,
) -> Result<Json<Vec<Created>>, Open311Error> {
    let key = param(&p, "api_key")
        .or_else(|| param(&query, "api_key"))
        .ok_or_else(|| Open311Error::forbidden("api_key is missing"))?;
    let services = &state.services;
    let client = match services.store.open311_key(&hash_token(key)).await {
        Ok(name) => name,
        Err(StoreError::NotFound(_)) => {
            return Err(Open311Error::forbidden("api_key is not valid"));
        }
        Err(e) => return Err(crate::service::ServiceError::from(e).into()),
    };
    let code = param(&p, "service_code")
        .ok_or_else(|| Open311Error::bad_request("service_code is required"))?;
    let kind = TicketType::ALL
        .iter()
        .copied()
        .find(|t| t.as_str() == code)
        .ok_or_else(|| {
            Open311Error::bad_request(format!("service_code {code} is not a service"))
        })?;
    let (lat, long) = (number(&p, "lat")?, number(&p, "long")?);
    let address = param(&p, "address_string").or(param(&p, "address_id"));
    let position = match (lat, long) {
        (Some(a), Some(b)) => Some((a, b)),
        (None, None) => None,
        _ => {
            return Err(Open311Error::bad_request(
                "lat and long must be given together",
            ));
        }
    };
    if position.is_none() && address.is_none() {
        return Err(Open311Error::bad_request(
            "a location is required: lat and long, address_string or address_id",
        ));
    }
    let text = param(&p, "description")
        .ok_or_else(|| Open311Error::bad_request("description is required"))?;
    let name = format!(
        "{}{}",
        param(&p, "last_name").unwrap_or_default(),
        param(&p, "first_name").unwrap_or_default()
    );
    let input = TicketInput {
        kind,
        channel: TicketChannel::App,
        urgency: Urgency::Normal,
        category: param(&p, "attribute[category]")
            .unwrap_or_default()
            .to_owned(),
        caller_name: if name.is_empty() {
            format!("{client} 用户")
        } else {
            name
        },
        caller_phone: param(&p, "phone").unwrap_or_default().to_owned(),
        location: address.unwrap_or_default().to_owned(),
        position,
        text: text.to_owned(),
    };
    let actor = Actor {
        username: format!("open311:{client}"),
        unit: domain::defaults::COUNTY_UNIT.into(),
    };
    let account = param(&p, "account_id").map(str::to_owned);
    let media_url = param(&p, "media_url")
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
        .map(str::to_owned);
    let fields = Open311Fields {
        client: Some(client),
        account_id: account.clone(),
        media_url,
    };
    let v = services.store_new_ticket(actor, input, fields).await?;
    Ok(Json(vec![Created {
        service_request_id: v.record.id,
        service_notice: Some(notice(&v)),
        account_id: account,
    }]))
}

fn date(p: &HashMap<String, String>, name: &str) -> Result<Option<DateTime<Utc>>, Open311Error> {
    param(p, name)
        .map(|s| {
            DateTime::parse_from_rfc3339(s)
                .map(|d| d.with_timezone(&Utc))
                .map_err(|_| {
                    Open311Error::bad_request(format!(
                        "{name} is not a W3C date-time such as 2010-04-14T06:37:38-08:00"
                    ))
                })
        })
        .transpose()
}

fn list_of<'a>(p: &'a HashMap<String, String>, name: &str) -> Vec<&'a str> {
    param(p, name)
        .map(|s| {
            s.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// The filter GET requests.json asks for: a list of ids (then nothing else
/// counts), or service codes, a date range (default: the last 90 days) and statuses.
fn filter(
    p: &HashMap<String, String>,
    now: DateTime<Utc>,
) -> Result<(TicketFilter, Vec<&str>, Vec<&str>), Open311Error> {
    let ids = list_of(p, "service_request_id");
    if !ids.is_empty() {
        let ids = ids
            .iter()
            .map(|s| s.parse::<i64>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| Open311Error::bad_request("service_request_id must be numbers"))?;
        return Ok((
            TicketFilter {
                ids,
                ..TicketFilter::default()
            },
            vec![],
            vec![],
        ));
    }
    let codes = list_of(p, "service_code");
    if let Some(bad) = codes
        .iter()
        .find(|c| TicketType::ALL.iter().all(|t| t.as_str() != **c))
    {
        return Err(Open311Error::bad_request(format!(
            "service_code {bad} is not a service"
        )));
    }
    let statuses = list_of(p, "status");
    if let Some(bad) = statuses.iter().find(|s| !matches!(**s, "open" | "closed")) {
        return Err(Open311Error::bad_request(format!(
            "status {bad} is not open or closed"
        )));
    }
    let (start, end) = (date(p, "start_date")?, date(p, "end_date")?);
    let (from, until) = match (start, end) {
        (None, None) => (now - TimeDelta::days(DEFAULT_WINDOW_DAYS), now),
        (Some(s), None) => (s, s + TimeDelta::days(DEFAULT_WINDOW_DAYS)),
        (None, Some(e)) => (e - TimeDelta::days(DEFAULT_WINDOW_DAYS), e),
        (Some(s), Some(e)) => (s, e),
    };
    if from > until {
        return Err(Open311Error::bad_request("start_date is after end_date"));
    }
    let f = TicketFilter {
        from: Some(from),
        until: Some(until),
        ..TicketFilter::default()
    };
    Ok((f, codes, statuses))
}

/// GET /open311/v2/requests.json
pub async fn list(
    State(state): State<AppState>,
    Query(p): Query<HashMap<String, String>>,
) -> Result<Json<Vec<ServiceRequest>>, Open311Error> {
    let services = &state.services;
    let (f, codes, statuses) = filter(&p, services.clock.now())?;
    let units = services.units().await?;
    let records = services
        .store
        .list_tickets(&f)
        .await
        .map_err(crate::service::ServiceError::from)?;
    let out = records
        .into_iter()
        .map(|r| services.ticket_view(r, None))
        .map(|v| request(&v, &units))
        .filter(|r| codes.is_empty() || codes.contains(&r.service_code))
        .filter(|r| statuses.is_empty() || statuses.contains(&r.status))
        .take(MAX_RESULTS)
        .collect();
    Ok(Json(out))
}

/// GET /open311/v2/requests/{id}.json: an array of one request, as the spec shows.
pub async fn show(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Json<Vec<ServiceRequest>>, Open311Error> {
    let stem = json_stem(&file)?;
    let missing = || Open311Error::not_found(format!("no service request with id {stem}"));
    let id: i64 = stem.parse().map_err(|_| missing())?;
    let services = &state.services;
    let record = match services.store.ticket(id).await {
        Ok(r) => r,
        Err(StoreError::NotFound(_)) => return Err(missing()),
        Err(e) => return Err(crate::service::ServiceError::from(e).into()),
    };
    let units = services.units().await?;
    Ok(Json(vec![request(
        &services.ticket_view(record, None),
        &units,
    )]))
}
