//! One client for any OpenAI-compatible Chat Completions endpoint (OpenAI,
//! Ollama, vLLM, llama.cpp's server, LM Studio, Groq …). Answers stream as
//! server-sent events (`data: {...}` chunks, `data: [DONE]`), decoded by
//! [`crate::platform::ssr::sse`] whatever the network does to the bytes; structured
//! output is asked for with a JSON schema (`response_format`) and, where
//! the endpoint refuses that, with plain instructions (callers validate
//! either way). Timeouts, 429 (honouring `Retry-After`) and 5xx are retried
//! with backoff a bounded number of times, then reported in plain words.

use futures::StreamExt;
use reqwest::StatusCode;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::time::Duration;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Message {
    pub role: String,
    pub content: String,
}

impl Message {
    pub fn system(content: impl Into<String>) -> Self {
        Self { role: "system".into(), content: content.into() }
    }
    pub fn user(content: impl Into<String>) -> Self {
        Self { role: "user".into(), content: content.into() }
    }
    pub fn assistant(content: impl Into<String>) -> Self {
        Self { role: "assistant".into(), content: content.into() }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum LlmError {
    #[error("the language model did not answer in time")]
    Timeout,
    #[error("the language model is busy (rate limited)")]
    RateLimited { retry_after: Option<Duration> },
    #[error("the language model failed ({0})")]
    Server(u16),
    #[error("the language model declined: {0}")]
    Refused(String),
    #[error("the language model could not be reached")]
    Unreachable,
    #[error("the language model rejected the request ({0})")]
    Rejected(u16),
}

impl LlmError {
    /// The endpoint or the way to it failed (timeout, 429, 5xx, no
    /// connection): worth retrying, and not something the user's input can
    /// cause. Refusals and rejected requests are not.
    pub fn is_transport(&self) -> bool {
        matches!(self, LlmError::Timeout | LlmError::RateLimited { .. } | LlmError::Server(_) | LlmError::Unreachable)
    }

    fn retryable(&self) -> bool {
        self.is_transport()
    }
}

/// A finished answer.
#[derive(Debug, Clone)]
pub struct Answer {
    pub text: String,
    pub usage: Option<Usage>,
    /// Attempts it took (1 when the first one answered).
    pub attempts: u32,
}

#[derive(Clone)]
pub struct LlmClient {
    http: reqwest::Client,
    base_url: String,
    api_key: Option<SecretString>,
    pub model: String,
    /// Longest silence accepted from the endpoint (before the first token and between chunks).
    idle_timeout: Duration,
    retries: u32,
    backoff: Duration,
}

impl LlmClient {
    pub fn new(
        http: reqwest::Client,
        base_url: &str,
        api_key: Option<SecretString>,
        model: &str,
        idle_timeout: Duration,
        retries: u32,
    ) -> Self {
        Self {
            http,
            base_url: base_url.trim_end_matches('/').to_string(),
            api_key,
            model: model.to_string(),
            idle_timeout,
            retries,
            backoff: Duration::from_millis(500),
        }
    }

    /// Stream a chat completion; `on_text` sees the answer as it grows.
    /// `schema` asks for structured output; if the endpoint rejects that
    /// (400/422), the request is sent again without it.
    pub async fn complete(
        &self,
        messages: &[Message],
        schema: Option<&Value>,
        max_tokens: u32,
        on_text: &mut (dyn FnMut(&str) + Send),
    ) -> Result<Answer, LlmError> {
        let mut use_schema = schema.is_some();
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let mut body = json!({
                "model": self.model,
                "messages": messages,
                "stream": true,
                "stream_options": { "include_usage": true },
                "temperature": 0.2,
                "max_tokens": max_tokens,
            });
            if let (true, Some(s)) = (use_schema, schema) {
                body["response_format"] =
                    json!({ "type": "json_schema", "json_schema": { "name": "resume", "strict": true, "schema": s } });
            }
            let result = self.once(&body, on_text).await;
            match result {
                Ok((text, usage)) => return Ok(Answer { text, usage, attempts: attempt }),
                Err(LlmError::Rejected(400 | 422)) if use_schema => {
                    tracing::info!("endpoint refused structured output; asking for plain JSON");
                    use_schema = false;
                }
                Err(e) if e.retryable() && attempt <= self.retries => {
                    let wait = match &e {
                        LlmError::RateLimited { retry_after: Some(d) } => (*d).min(Duration::from_secs(60)),
                        _ => self.backoff * 2u32.pow(attempt - 1),
                    };
                    tracing::warn!(error = %e, attempt, ?wait, "LLM call failed; retrying");
                    tokio::time::sleep(wait).await;
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn once(
        &self,
        body: &Value,
        on_text: &mut (dyn FnMut(&str) + Send),
    ) -> Result<(String, Option<Usage>), LlmError> {
        let mut req = self.http.post(format!("{}/chat/completions", self.base_url)).json(body);
        if let Some(key) = &self.api_key {
            req = req.bearer_auth(key.expose_secret());
        }
        let resp = match tokio::time::timeout(self.idle_timeout, req.send()).await {
            Err(_) => return Err(LlmError::Timeout),
            Ok(Err(e)) if e.is_timeout() => return Err(LlmError::Timeout),
            Ok(Err(_)) => return Err(LlmError::Unreachable),
            Ok(Ok(r)) => r,
        };
        let status = resp.status();
        if !status.is_success() {
            let retry_after = resp
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            return Err(match status {
                StatusCode::TOO_MANY_REQUESTS => LlmError::RateLimited { retry_after },
                s if s.is_server_error() => LlmError::Server(s.as_u16()),
                s => LlmError::Rejected(s.as_u16()),
            });
        }
        let mut stream = resp.bytes_stream();
        let mut decoder = crate::platform::ssr::sse::SseDecoder::new();
        let mut text = String::new();
        let mut usage = None;
        let mut ended = false;
        while !ended {
            let events = match tokio::time::timeout(self.idle_timeout, stream.next()).await {
                Err(_) => return Err(LlmError::Timeout),
                Ok(None) => {
                    ended = true;
                    decoder.finish().into_iter().collect()
                }
                Ok(Some(Err(_))) => return Err(LlmError::Unreachable),
                Ok(Some(Ok(c))) => decoder.feed(&c),
            };
            for event in events {
                let data = event.data.trim();
                if data == "[DONE]" {
                    return Ok((text, usage));
                }
                let Ok(event) = serde_json::from_str::<Value>(data) else { continue };
                if let Some(u) = event.get("usage").filter(|u| !u.is_null()) {
                    usage = serde_json::from_value(u.clone()).ok();
                }
                let choice = &event["choices"][0];
                if let Some(refusal) = choice["delta"]["refusal"].as_str().filter(|r| !r.is_empty()) {
                    return Err(LlmError::Refused(refusal.to_string()));
                }
                if choice["finish_reason"] == "content_filter" {
                    return Err(LlmError::Refused("content filter".into()));
                }
                if let Some(delta) = choice["delta"]["content"].as_str() {
                    text.push_str(delta);
                    on_text(&text);
                }
            }
        }
        Ok((text, usage))
    }
}
