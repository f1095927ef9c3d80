//! A local stand-in for an OpenAI-compatible Chat Completions endpoint
//! (`POST /v1/chat/completions`), streaming (`data:` chunks, usage, `[DONE]`)
//! and not. Scripted per test: each request takes the next [`Reply`]; with
//! none left it answers well, writing a résumé draft from the DATA block in
//! the request, citing only ids that are there.

use axum::{
    extract::State,
    http::{HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::post,
    Json, Router,
};
use serde_json::{json, Value};
use std::{
    collections::VecDeque,
    sync::{Arc, Mutex},
    time::Duration,
};

#[derive(Debug, Clone)]
pub enum Reply {
    /// A good answer built from the request's DATA.
    Good,
    /// The good answer wrapped in a Markdown code fence, with chatter.
    Fenced,
    /// The good answer cut off halfway (as when max_tokens runs out).
    Truncated,
    /// The good answer plus a project about a repository the user does not
    /// have and a line naming someone else's repository and a made-up number.
    ForeignRepository,
    /// A refusal (`delta.refusal`).
    Refusal,
    /// Accept the request and say nothing for this long.
    Stall(Duration),
    /// This status, with `Retry-After` seconds if given.
    Status(u16, Option<u64>),
    /// Exactly this text as the answer.
    Text(String),
    /// 400 to a request asking for structured output (`response_format`),
    /// as endpoints without JSON-schema support answer.
    NoStructuredOutput,
}

struct Inner {
    script: VecDeque<Reply>,
    requests: Vec<Value>,
    chunk_delay: Duration,
    /// When the last answer's first content token was sent.
    first_token_at: Option<std::time::Instant>,
    /// Write each event in fragments of at most this many bytes, with a
    /// pause after each and CRLF line endings, as a stream crossing real
    /// networks and proxies arrives.
    fragments: Option<(usize, Duration)>,
    /// Body writes of streamed answers so far.
    writes: usize,
}

#[derive(Clone)]
pub struct LlmStandIn {
    /// The base URL to configure (`…/v1`).
    pub base_url: String,
    inner: Arc<Mutex<Inner>>,
}

impl LlmStandIn {
    pub async fn start() -> Self {
        Self::start_on("127.0.0.1:0").await
    }

    pub async fn start_on(addr: &str) -> Self {
        let inner = Arc::new(Mutex::new(Inner {
            script: VecDeque::new(),
            requests: vec![],
            chunk_delay: Duration::from_millis(5),
            first_token_at: None,
            fragments: None,
            writes: 0,
        }));
        let app = Router::new()
            .route("/v1/chat/completions", post(completions))
            .route("/healthz", axum::routing::get(|| async { "ok" }))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind(addr).await.expect("bind the stand-in LLM");
        let base_url = format!("http://{}/v1", listener.local_addr().unwrap());
        // No Nagle: each fragment leaves as its own packet.
        let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
            let _ = tcp.set_nodelay(true);
        });
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { base_url, inner }
    }

    /// Answer the next requests like this, in order.
    pub fn script(&self, replies: impl IntoIterator<Item = Reply>) {
        self.inner.lock().unwrap().script.extend(replies);
    }

    /// Pause between streamed chunks (to watch sections appear).
    pub fn set_chunk_delay(&self, d: Duration) {
        self.inner.lock().unwrap().chunk_delay = d;
    }

    /// From now on, split every streamed event into fragments of 1 to
    /// `max_bytes` bytes (cutting through UTF-8 characters, lines and CRLF
    /// pairs alike), pausing `pause` after each, with CRLF line endings.
    pub fn fragment_writes(&self, max_bytes: usize, pause: Duration) {
        self.inner.lock().unwrap().fragments = Some((max_bytes.max(1), pause));
    }

    /// How many separate body writes streamed answers have taken.
    pub fn writes(&self) -> usize {
        self.inner.lock().unwrap().writes
    }

    /// When the last streamed answer's first content token went out.
    pub fn first_token_at(&self) -> Option<std::time::Instant> {
        self.inner.lock().unwrap().first_token_at
    }

    /// Every request body received.
    pub fn requests(&self) -> Vec<Value> {
        self.inner.lock().unwrap().requests.clone()
    }
}

/// The DATA block of a request, parsed.
fn data_of(body: &Value) -> Value {
    let user = body["messages"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["role"] == "user"))
        .and_then(|m| m["content"].as_str())
        .unwrap_or("");
    let Some(rest) = user.strip_prefix("DATA:\n") else { return Value::Null };
    let json = rest.split("\n\nThe résumé so far").next().unwrap_or(rest).trim();
    serde_json::from_str(json).unwrap_or(Value::Null)
}

fn wanted_sections(body: &Value) -> Vec<String> {
    if let Some(req) = body["response_format"]["json_schema"]["schema"]["required"].as_array() {
        return req.iter().filter_map(|s| s.as_str().map(str::to_string)).collect();
    }
    let system = body["messages"][0]["content"].as_str().unwrap_or("");
    let keys = system
        .split("exactly these keys: ")
        .nth(1)
        .and_then(|s| s.split('.').next())
        .unwrap_or("summary, skills, projects, work");
    keys.split(',').map(|k| k.trim().to_string()).filter(|k| !k.is_empty()).collect()
}

/// A one-bullet rewrite (`BULLET:` … `RECEIPTS:`), made of the bullet's own
/// words as the instruction asks: the first two thirds for "shorter", a new
/// opening verb otherwise, a Korean or English sentence around it for a
/// translation.
fn rewrite_answer(body: &Value) -> Option<Value> {
    let user = body["messages"].as_array()?.iter().find(|m| m["role"] == "user")?["content"].as_str()?;
    let bullet = user.strip_prefix("BULLET:\n")?.split("\n\nRECEIPTS:").next()?.trim();
    let system = body["messages"][0]["content"].as_str().unwrap_or("");
    let words: Vec<&str> = bullet.split_whitespace().collect();
    let text = if system.contains("Make it shorter") {
        words[..(words.len() * 2 / 3).max(1)].join(" ")
    } else if system.contains("Translate it into natural Korean") {
        format!("{bullet} 작업을 했습니다")
    } else if system.contains("Translate it into natural English") {
        format!("Worked on {bullet}")
    } else {
        let mut rest = words.iter().skip(1).copied().collect::<Vec<_>>().join(" ");
        if rest.is_empty() {
            rest = bullet.to_string();
        }
        format!("Delivered {rest}")
    };
    Some(json!({ "text": text }))
}

/// A sound answer citing only what DATA contains, in the language asked for.
pub fn good_answer(body: &Value) -> Value {
    if let Some(rewrite) = rewrite_answer(body) {
        return rewrite;
    }
    let data = data_of(body);
    let ko = body["messages"][0]["content"].as_str().unwrap_or("").contains("Korean");
    let rewrite = body["messages"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["role"] == "user"))
        .and_then(|m| m["content"].as_str())
        .is_some_and(|c| c.contains("The résumé so far"));
    let skills = data["skills"].as_array().cloned().unwrap_or_default();
    let repos = data["repositories"].as_array().cloned().unwrap_or_default();
    let contributions = data["open_source_contributions"].as_array().cloned().unwrap_or_default();
    let names: Vec<&str> = skills.iter().take(3).filter_map(|s| s["name"].as_str()).collect();
    let mut out = serde_json::Map::new();
    for section in wanted_sections(body) {
        let value = match section.as_str() {
            // Asked to rewrite ("differently"), a model words it anew.
            "summary" => json!(match (ko, rewrite) {
                (true, false) => {
                    format!("{}를 주로 사용하는 개발자입니다. 공개 저장소의 실제 코드로 역량을 보여 줍니다.", names.join(", "))
                }
                (true, true) => format!("{}로 실제 서비스를 만들어 온 개발자로, 코드가 그 경험을 증명합니다.", names.join(", ")),
                (false, false) => {
                    format!("A developer working mainly in {}. The public repositories show the work.", names.join(", "))
                }
                (false, true) => {
                    format!("Builds real services in {}, with the code to prove it.", names.join(", "))
                }
            }),
            "skills" => json!([{
                "name": if ko { "주요 기술" } else { "Core" },
                "keywords": names,
                "evidence": skills.iter().take(3).filter_map(|s| s["id"].as_str()).collect::<Vec<_>>(),
            }]),
            "projects" => Value::Array(
                repos.iter().take(3).map(|r| {
                    let id = r["id"].as_str().unwrap_or("R1");
                    let name = r["name"].as_str().unwrap_or("").rsplit('/').next().unwrap_or("").to_string();
                    let langs: Vec<&str> = r["languages"].as_array().map(|l| l.iter().filter_map(|x| x.as_str()).collect()).unwrap_or_default();
                    json!({
                        "repository": id,
                        "name": name,
                        "description": r["description"].as_str().unwrap_or(""),
                        "highlights": [{
                            "text": if ko { format!("{}로 설계하고 구현", langs.join(", ")) } else { format!("Designed and built it in {}", langs.join(", ")) },
                            "evidence": [id],
                        }],
                    })
                }).collect(),
            ),
            "work" => Value::Array(
                contributions.iter().take(2).map(|c| {
                    let prs = c["pull_requests"].as_array().cloned().unwrap_or_default();
                    json!({
                        "repository": c["id"],
                        "summary": if ko { "오픈소스 기여" } else { "Open-source contributions" },
                        "highlights": prs.iter().take(2).map(|p| json!({ "text": p["title"], "evidence": [p["id"]] })).collect::<Vec<_>>(),
                    })
                }).collect(),
            ),
            _ => Value::Null,
        };
        out.insert(section, value);
    }
    Value::Object(out)
}

fn content_for(reply: &Reply, body: &Value) -> Option<String> {
    let good = || serde_json::to_string(&good_answer(body)).unwrap();
    Some(match reply {
        Reply::Good | Reply::NoStructuredOutput => good(),
        Reply::Fenced => format!("Here is the résumé:\n```json\n{}\n```\n", good()),
        Reply::Truncated => {
            let g = good();
            g.chars().take(g.chars().count() / 2).collect()
        }
        Reply::ForeignRepository => {
            let mut v = good_answer(body);
            if let Some(projects) = v["projects"].as_array_mut() {
                projects.push(json!({
                    "repository": "R99", "name": "linux", "description": "A kernel",
                    "highlights": [{ "text": "Maintained the Linux kernel", "evidence": ["R99"] }],
                }));
                if let Some(first) = projects.first_mut() {
                    let repo = first["repository"].clone();
                    first["highlights"].as_array_mut().unwrap().push(json!({
                        "text": "Merged work upstream into torvalds/linux, cutting boot time by 73%", "evidence": [repo],
                    }));
                }
            }
            v.to_string()
        }
        Reply::Text(t) => t.clone(),
        Reply::Refusal | Reply::Stall(_) | Reply::Status(..) => return None,
    })
}

fn chunk(model: &str, delta: Value, finish: Option<&str>) -> String {
    let v = json!({
        "id": "chatcmpl-standin", "object": "chat.completion.chunk", "created": 1_763_800_000, "model": model,
        "choices": [{ "index": 0, "delta": delta, "finish_reason": finish }],
    });
    format!("data: {v}\n\n")
}

/// Writes events to the response body, whole or in fragments.
struct Writer {
    tx: tokio::sync::mpsc::Sender<Result<axum::body::Bytes, std::convert::Infallible>>,
    fragments: Option<(usize, Duration)>,
    inner: Arc<Mutex<Inner>>,
}

impl Writer {
    /// False once the client has gone.
    async fn send(&self, event: String) -> bool {
        let Some((max, pause)) = self.fragments else {
            self.inner.lock().unwrap().writes += 1;
            return self.tx.send(Ok(event.into())).await.is_ok();
        };
        let bytes = event.replace('\n', "\r\n").into_bytes();
        let mut rest = &bytes[..];
        let mut size = 1;
        while !rest.is_empty() {
            let (piece, tail) = rest.split_at(size.min(rest.len()));
            rest = tail;
            self.inner.lock().unwrap().writes += 1;
            if self.tx.send(Ok(axum::body::Bytes::copy_from_slice(piece))).await.is_err() {
                return false;
            }
            tokio::time::sleep(pause).await;
            size = size % max + 1;
        }
        true
    }
}

async fn completions(State(inner): State<Arc<Mutex<Inner>>>, Json(body): Json<Value>) -> Response {
    let (reply, delay, fragments) = {
        let mut i = inner.lock().unwrap();
        i.requests.push(body.clone());
        (i.script.pop_front().unwrap_or(Reply::Good), i.chunk_delay, i.fragments)
    };
    let model = body["model"].as_str().unwrap_or("standin").to_string();
    if matches!(reply, Reply::NoStructuredOutput) && body.get("response_format").is_some() {
        let error =
            json!({ "error": { "message": "response_format is not supported", "type": "invalid_request_error" } });
        return (StatusCode::BAD_REQUEST, Json(error)).into_response();
    }
    match &reply {
        Reply::Status(code, retry_after) => {
            let mut r = (
                StatusCode::from_u16(*code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                Json(json!({ "error": { "message": "stand-in failure", "type": "server_error" } })),
            )
                .into_response();
            if let Some(s) = retry_after {
                r.headers_mut().insert("retry-after", HeaderValue::from(*s));
            }
            return r;
        }
        Reply::Stall(d) => {
            tokio::time::sleep(*d).await;
        }
        _ => {}
    }
    let prompt_tokens = body["messages"].to_string().len() as u32 / 4;
    let content = content_for(&reply, &body);
    if body["stream"] != json!(true) {
        let message = match (&reply, &content) {
            (Reply::Refusal, _) => {
                json!({ "role": "assistant", "content": null, "refusal": "I can't help with that." })
            }
            (_, c) => json!({ "role": "assistant", "content": c }),
        };
        return Json(json!({
            "id": "chatcmpl-standin", "object": "chat.completion", "created": 1_763_800_000, "model": model,
            "choices": [{ "index": 0, "message": message, "finish_reason": "stop" }],
            "usage": { "prompt_tokens": prompt_tokens, "completion_tokens": content.as_ref().map(|c| c.len() / 4).unwrap_or(0), "total_tokens": 0 },
        }))
        .into_response();
    }
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<axum::body::Bytes, std::convert::Infallible>>(64);
    let clock = inner.clone();
    let out = Writer { tx, fragments, inner: inner.clone() };
    tokio::spawn(async move {
        out.send(chunk(&model, json!({ "role": "assistant", "content": "" }), None)).await;
        match (&reply, content) {
            (Reply::Refusal, _) => {
                out.send(chunk(&model, json!({ "refusal": "I can't help with that." }), None)).await;
            }
            (_, Some(text)) => {
                let chars: Vec<char> = text.chars().collect();
                for (i, piece) in chars.chunks(24).enumerate() {
                    tokio::time::sleep(delay).await;
                    if i == 0 {
                        clock.lock().unwrap().first_token_at = Some(std::time::Instant::now());
                    }
                    let s: String = piece.iter().collect();
                    if !out.send(chunk(&model, json!({ "content": s }), None)).await {
                        return;
                    }
                }
                let completion = (text.len() / 4) as u32;
                out.send(chunk(&model, json!({}), Some("stop"))).await;
                let usage = json!({ "id": "chatcmpl-standin", "object": "chat.completion.chunk", "choices": [],
                    "usage": { "prompt_tokens": prompt_tokens, "completion_tokens": completion, "total_tokens": prompt_tokens + completion } });
                out.send(format!("data: {usage}\n\n")).await;
            }
            (_, None) => {}
        }
        out.send("data: [DONE]\n\n".into()).await;
    });
    let stream = tokio_stream::wrappers::ReceiverStream::new(rx);
    ([("content-type", "text/event-stream")], axum::body::Body::from_stream(stream)).into_response()
}
