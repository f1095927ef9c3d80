//! Prometheus metrics, one registry per application instance (no global
//! recorder, so several test apps in one process do not mix their numbers).

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts, Registry, TextEncoder,
};

pub struct Metrics {
    registry: Registry,
    pub http_requests: IntCounterVec,
    pub http_duration: HistogramVec,
    /// 1 while the shared-state store answers, 0 while it is down (the
    /// instance stays ready and serves degraded; see `/readyz`).
    pub store_up: IntGauge,
    /// Résumé views not counted because the store was down.
    pub views_uncounted: IntCounter,
    /// Notifications (and mark-reads) stored but not announced on pub/sub
    /// because the store was down; open streams find them on their next re-read.
    pub notifications_unannounced: IntCounter,
}

impl Metrics {
    pub fn new() -> Self {
        let registry = Registry::new_custom(Some("proofolio".into()), None).expect("valid registry prefix");
        let http_requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests served, by route, method and status"),
            &["method", "route", "status"],
        )
        .expect("valid metric");
        let http_duration = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "HTTP request latency, by route, method and status")
                .buckets(vec![0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0]),
            &["method", "route", "status"],
        )
        .expect("valid metric");
        let store_up = IntGauge::new("store_up", "1 while the shared-state store (Redis) answers, 0 while degraded")
            .expect("valid metric");
        store_up.set(1);
        let views_uncounted =
            IntCounter::new("views_uncounted_total", "Shared résumé views not counted because the store was down")
                .expect("valid metric");
        registry.register(Box::new(views_uncounted.clone())).expect("registered once");
        let notifications_unannounced = IntCounter::new(
            "notifications_unannounced_total",
            "Notifications stored but not announced live because the store was down (streams re-read them)",
        )
        .expect("valid metric");
        registry.register(Box::new(notifications_unannounced.clone())).expect("registered once");
        registry.register(Box::new(http_requests.clone())).expect("registered once");
        registry.register(Box::new(http_duration.clone())).expect("registered once");
        registry.register(Box::new(store_up.clone())).expect("registered once");
        Self { registry, http_requests, http_duration, store_up, views_uncounted, notifications_unannounced }
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut out);
        String::from_utf8(out).unwrap_or_default()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}
