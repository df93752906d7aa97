//! A closed-loop HTTP load generator on one thread: `connections` keep-alive
//! HTTP/1.1 connections, each sending its next request as soon as the last
//! is answered, for a fixed time. The mix: 70% reads (a unit's inbox page, a
//! case as JSON, a catalog search, a third each) and 30% writes (case
//! actions: each connection takes its own cases through create → 受理 →
//! 审查 → 决定 → 办结, so every write is a real state change).
//!
//! Closed-loop latencies understate what an open arrival process would see
//! under overload (coordinated omission); p99 here is per answered request.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// What the load needs to know about the server and its data.
#[derive(Clone)]
pub struct Plan {
    /// Where the server listens.
    pub addr: SocketAddr,
    /// Cases already in the database (ids 1..=cases are read at random).
    pub cases: i64,
    /// The unit whose inbox is read.
    pub unit: String,
    /// The one-step matter new cases are opened for.
    pub matter: String,
    /// Tokens: reads (admin), 受理 (window clerk), 审查 (approver), 决定/办结 (head).
    pub admin: String,
    pub clerk: String,
    pub approver: String,
    pub head: String,
    /// Simultaneous connections.
    pub connections: usize,
    /// Measured time (after a warm-up of a tenth of it).
    pub duration: Duration,
}

/// Request kinds, for the latency breakdown.
pub const KINDS: [&str; 4] = ["inbox", "case", "search", "write"];

/// Latencies (µs) by kind, and failures, of one connection or of all.
#[derive(Default)]
pub struct Outcome {
    pub latencies: [Vec<f64>; 4],
    pub failures: Vec<String>,
}

const KEYWORDS: [&str; 8] = [
    "营业执照",
    "户口",
    "社保",
    "食品",
    "公积金",
    "不动产",
    "出生",
    "养老",
];

/// Percent-encodes a query value.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn send(
    tx: &mut SendRequest<Full<Bytes>>,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> anyhow::Result<(u16, Bytes)> {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let req = Request::builder()
        .method(method)
        .uri(path)
        .header("host", "127.0.0.1")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body)))?;
    tx.ready().await?;
    let resp = tx.send_request(req).await?;
    let status = resp.status().as_u16();
    let bytes = resp.into_body().collect().await?.to_bytes();
    Ok((status, bytes))
}

/// The next write of a connection's current case.
struct Pipeline {
    case: Option<i64>,
    next: usize,
    made: usize,
}

fn applicant(n: usize) -> Value {
    let body = format!("37068619{:02}0101{:03}", 60 + n % 40, n % 1000);
    let check = domain::party::id_check_char(&body).unwrap_or('0');
    json!({ "kind": "person", "name": format!("压测{n}"), "id_number": format!("{body}{check}") })
}

async fn write(
    tx: &mut SendRequest<Full<Bytes>>,
    p: &Plan,
    pipe: &mut Pipeline,
    conn: usize,
) -> anyhow::Result<(u16, Bytes)> {
    let Some(id) = pipe.case else {
        pipe.made += 1;
        let body = json!({ "matter": p.matter, "channel": "online", "applicant": applicant(conn * 1_000_000 + pipe.made) });
        let (status, bytes) = send(tx, Method::POST, "/api/v1/cases", &p.clerk, Some(body)).await?;
        if status == 201 || status == 200 {
            let v: Value = serde_json::from_slice(&bytes)?;
            pipe.case = v["record"]["id"].as_i64();
            pipe.next = 0;
        }
        return Ok((status, bytes));
    };
    let (token, action) = match pipe.next {
        0 => (&p.clerk, json!({ "action": "accept" })),
        1 => (
            &p.approver,
            json!({ "action": "complete_step", "step": 0, "opinion": "审查通过" }),
        ),
        2 => (&p.head, json!({ "action": "decide", "approve": true })),
        _ => (
            &p.head,
            json!({ "action": "issue", "result": { "kind": "electronic", "number": format!("LOAD{id}"), "licence": "电子证照" } }),
        ),
    };
    let path = format!("/api/v1/cases/{id}/actions");
    let out = send(tx, Method::POST, &path, token, Some(action)).await?;
    pipe.next += 1;
    if pipe.next == 4 || out.0 != 200 {
        pipe.case = None;
    }
    Ok(out)
}

/// Sends one request of `kind` (0–3, as in `KINDS`).
async fn one(
    tx: &mut SendRequest<Full<Bytes>>,
    p: &Plan,
    kind: usize,
    rng: &mut StdRng,
    pipe: &mut Pipeline,
    conn: usize,
) -> anyhow::Result<(u16, Bytes)> {
    match kind {
        0 => {
            let path = format!("/api/v1/units/{}/inbox?limit=20", p.unit);
            send(tx, Method::GET, &path, &p.head, None).await
        }
        1 => {
            let path = format!("/api/v1/cases/{}", rng.random_range(1..=p.cases));
            send(tx, Method::GET, &path, &p.admin, None).await
        }
        2 => {
            let q = encode(KEYWORDS[rng.random_range(0..KEYWORDS.len())]);
            let path = format!("/api/v1/matters/search?q={q}");
            send(tx, Method::GET, &path, &p.admin, None).await
        }
        _ => write(tx, p, pipe, conn).await,
    }
}

/// Each kind of request alone, `per_kind` times in a row on one connection
/// of an otherwise idle server: what one request costs without queueing.
pub fn probe(plan: Plan, per_kind: usize) -> anyhow::Result<[Vec<f64>; 4]> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let stream = tokio::net::TcpStream::connect(plan.addr).await?;
        stream.set_nodelay(true)?;
        let (mut tx, driver) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(driver);
        let mut rng = StdRng::seed_from_u64(99);
        let mut pipe = Pipeline {
            case: None,
            next: 0,
            made: 0,
        };
        let mut out: [Vec<f64>; 4] = Default::default();
        for (kind, samples) in out.iter_mut().enumerate() {
            for _ in 0..per_kind {
                let t = Instant::now();
                one(&mut tx, &plan, kind, &mut rng, &mut pipe, 999).await?;
                samples.push(t.elapsed().as_secs_f64() * 1e6);
            }
        }
        Ok(out)
    })
}

/// One connection's loop until `end`; samples before `measure_from` are dropped.
async fn connection(
    p: Plan,
    conn: usize,
    measure_from: Instant,
    end: Instant,
) -> anyhow::Result<Outcome> {
    let stream = tokio::net::TcpStream::connect(p.addr).await?;
    stream.set_nodelay(true)?;
    let (mut tx, driver) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(driver);
    let mut rng = StdRng::seed_from_u64(conn as u64);
    let mut out = Outcome::default();
    let mut pipe = Pipeline {
        case: None,
        next: 0,
        made: 0,
    };
    while Instant::now() < end {
        let t = Instant::now();
        let kind = if rng.random_bool(0.3) {
            3
        } else {
            rng.random_range(0..3)
        };
        let result = one(&mut tx, &p, kind, &mut rng, &mut pipe, conn).await;
        let us = t.elapsed().as_secs_f64() * 1e6;
        let (status, body) = result?;
        if t >= measure_from {
            out.latencies[kind].push(us);
            if !(200..300).contains(&status) && out.failures.len() < 20 {
                out.failures.push(format!(
                    "{} {status}: {}",
                    KINDS[kind],
                    String::from_utf8_lossy(&body)
                        .chars()
                        .take(200)
                        .collect::<String>()
                ));
            }
        }
    }
    Ok(out)
}

/// Runs the load on a single-threaded runtime of its own (one core's worth).
pub fn run(plan: Plan) -> anyhow::Result<(Outcome, Duration)> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let start = Instant::now();
        let measure_from = start + plan.duration / 10;
        let end = measure_from + plan.duration;
        let tasks: Vec<_> = (0..plan.connections)
            .map(|c| tokio::spawn(connection(plan.clone(), c, measure_from, end)))
            .collect();
        let mut all = Outcome::default();
        for t in tasks {
            let o = t.await??;
            for (a, l) in all.latencies.iter_mut().zip(o.latencies) {
                a.extend(l);
            }
            all.failures.extend(o.failures);
        }
        Ok((all, Instant::now().saturating_duration_since(measure_from)))
    })
}
