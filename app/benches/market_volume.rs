//! Job-market volume: 300,000 postings extracted, de-duplicated, stored
//! and aggregated the way the app does it. Run through
//! `bench/market-volume`; alone:
//!
//!   cargo bench -p app --features ssr --bench market_volume -- [--postings 300000] [--out DIR] [--postgres URL]
//!
//! The postings are generated, never held in memory: a seeded generator
//! (the same postings every run) varies the vendored corpus
//! (`whoishiring-zh`, Chinese) and the labelled set (Korean, English,
//! Chinese): it takes a title and a body, swaps the company, the location
//! and the month, inserts technologies in the body's language, sometimes
//! appends a paragraph of another posting in another language, and about
//! 5% of the time repeats a recent posting exactly and 5% with a small
//! edit (a near duplicate), so de-duplication has real work.
//!
//! Phases, each timed: (1) extraction alone (`Taxonomy::extract_posting`
//! over every generated posting, one thread), (2) the real path:
//! `ingest::ingest` of the same stream as JSON Lines into a fresh SQLite
//! file (and PostgreSQL with `--postgres`), (3) the aggregates
//! (`stats::categories`, then `stats::top` and `stats::trends` for every
//! category and for all). Memory is the process's peak (VmHWM). The
//! allocator is the server's (mimalloc), as where ingestion runs.

use app::github::ssr::analyze::Dictionaries;
use app::market::ssr::ingest::{ingest, Format};
use app::market::ssr::stats::{self, Filter};
use app::market::types::CATEGORIES;
use app::platform::ssr::db::connect;
use serde_json::{json, Value};
use std::io::Read;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const CORPUS: &[u8] = include_bytes!("../data/postings/whoishiring-zh.jsonl.gz");

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned())
}

fn status_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix(field)?.trim().strip_suffix("kB")?.trim().parse().ok()).unwrap_or(0)
}

/// SplitMix64: small, seeded, the same sequence everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Lang {
    Ko,
    En,
    Zh,
}

struct Base {
    lang: Lang,
    title: String,
    body: String,
}

/// What the generator varies: bases (title + body), and pools to swap in.
struct Material {
    bases: Vec<Base>,
    titles: Vec<(Lang, String)>,
    companies: Vec<String>,
    locations: Vec<String>,
    techs: Vec<&'static str>,
}

fn material() -> Material {
    let mut text = String::new();
    flate2::read::MultiGzDecoder::new(CORPUS).read_to_string(&mut text).expect("the vendored corpus");
    let mut bases = Vec::new();
    let mut companies = Vec::new();
    let mut locations = Vec::new();
    for line in text.lines() {
        let Ok(v) = serde_json::from_str::<Value>(line) else { continue };
        let s = |k: &str| v[k].as_str().unwrap_or("").trim().to_string();
        if !s("company").is_empty() {
            companies.push(s("company"));
        }
        if !s("location").is_empty() {
            locations.push(s("location"));
        }
        if !s("title").is_empty() && !s("body").is_empty() {
            bases.push(Base { lang: Lang::Zh, title: s("title"), body: s("body") });
        }
    }
    let corpus = bases.len();
    for l in taxonomy::eval::builtin_set() {
        let lang = match l.lang.as_str() {
            "ko" => Lang::Ko,
            "zh" => Lang::Zh,
            _ => Lang::En,
        };
        let title = if l.title.trim().is_empty() { l.body.lines().next().unwrap_or("").to_string() } else { l.title };
        if !title.trim().is_empty() {
            bases.push(Base { lang, title, body: l.body });
        }
    }
    // The labelled set is small next to the corpus: weigh it so the three
    // languages are all well represented (each labelled base thrice).
    let labelled: Vec<usize> = (corpus..bases.len()).collect();
    for _ in 0..2 {
        for &i in &labelled {
            let b = &bases[i];
            bases.push(Base { lang: b.lang, title: b.title.clone(), body: b.body.clone() });
        }
    }
    companies.extend(
        ["네이버", "카카오", "쿠팡", "토스", "배달의민족", "라인플러스", "당근", "Acme Corp", "Globex", "Initech"]
            .map(String::from),
    );
    locations.extend(
        ["서울 강남구", "경기 성남시 분당구", "부산", "Seoul", "Remote", "Berlin, Germany", "San Francisco, CA"]
            .map(String::from),
    );
    companies.sort();
    companies.dedup();
    locations.sort();
    locations.dedup();
    let titles = bases.iter().map(|b| (b.lang, b.title.clone())).collect();
    let techs = vec![
        "Rust",
        "Go",
        "Kotlin",
        "TypeScript",
        "React",
        "Vue",
        "PostgreSQL",
        "MySQL",
        "Redis",
        "Kafka",
        "Kubernetes",
        "Docker",
        "AWS",
        "Terraform",
        "Spring Boot",
        "Django",
        "PyTorch",
        "TensorFlow",
        "Swift",
        "Flutter",
        "Node.js",
        "GraphQL",
        "Elasticsearch",
        "Spark",
        "Airflow",
        "C++",
        "Java",
        "Python",
        "Next.js",
        "gRPC",
    ];
    Material { bases, titles, companies, locations, techs }
}

/// One generated posting, as a JSON object.
struct Posting {
    title: String,
    company: String,
    location: String,
    body: String,
    url: String,
    posted_at: String,
    source_id: String,
}

impl Posting {
    fn json(&self) -> Value {
        json!({
            "title": self.title, "company": self.company, "location": self.location, "body": self.body,
            "url": self.url, "posted_at": self.posted_at, "source": "bench", "source_id": self.source_id,
        })
    }
}

/// The seeded stream of postings. Keeps only the last 512 postings (to
/// repeat some of them), so memory does not grow with the count.
struct Generator<'a> {
    m: &'a Material,
    rng: Rng,
    n: usize,
    total: usize,
    recent: std::collections::VecDeque<Posting>,
}

impl<'a> Generator<'a> {
    fn new(m: &'a Material, total: usize) -> Self {
        Generator { m, rng: Rng(0x5EED_0F_0B05), n: 0, total, recent: Default::default() }
    }

    fn fresh(&mut self) -> Posting {
        let m = self.m;
        let r = &mut self.rng;
        let base = r.pick(&m.bases);
        // A title of the same language a third of the time.
        let title = if r.chance(33) {
            let (lang, t) = r.pick(&m.titles);
            if *lang == base.lang {
                t.clone()
            } else {
                base.title.clone()
            }
        } else {
            base.title.clone()
        };
        let mut body = base.body.clone();
        // Reorder: rotate the paragraphs.
        let paras: Vec<&str> = body.split("\n\n").collect();
        if paras.len() > 2 && r.chance(50) {
            let k = 1 + r.below(paras.len() - 1);
            body = paras[k..].iter().chain(&paras[..k]).copied().collect::<Vec<_>>().join("\n\n");
        }
        let (a, b) = (*r.pick(&m.techs), *r.pick(&m.techs));
        let line = match base.lang {
            Lang::Ko => format!("\n\n필수: {a} 경험 3년 이상\n우대: {b} 사용 경험"),
            Lang::En => format!("\n\nRequirements: 3+ years with {a}.\nNice to have: {b}."),
            Lang::Zh => format!("\n\n要求：熟悉 {a}，三年以上经验。\n加分：了解 {b}。"),
        };
        body.push_str(&line);
        if r.chance(15) {
            let other = r.pick(&m.bases);
            if other.lang != base.lang {
                body.push_str("\n\n");
                body.push_str(other.body.split("\n\n").next().unwrap_or(""));
            }
        }
        let month = r.below(84); // 2019-01 … 2025-12
        let posted_at = format!("{}-{:02}-{:02}", 2019 + month / 12, month % 12 + 1, 1 + r.below(28));
        Posting {
            title,
            company: r.pick(&m.companies).clone(),
            location: r.pick(&m.locations).clone(),
            body,
            url: format!("https://jobs.bench.example/p/{}", self.n),
            posted_at,
            source_id: self.n.to_string(),
        }
    }

    /// The next posting: a fresh one, or (10%) a repeat of a recent one,
    /// half exactly, half lightly edited under another address.
    fn next_posting(&mut self) -> Option<Posting> {
        if self.n >= self.total {
            return None;
        }
        let roll = self.rng.below(100);
        let p = if roll < 10 && !self.recent.is_empty() {
            let i = self.rng.below(self.recent.len());
            let old = &self.recent[i];
            let mut p = Posting {
                title: old.title.clone(),
                company: old.company.clone(),
                location: old.location.clone(),
                body: old.body.clone(),
                url: old.url.clone(),
                posted_at: old.posted_at.clone(),
                source_id: old.source_id.clone(),
            };
            if roll >= 5 {
                // Near duplicate: a re-post with a line added, a new address.
                p.body.push_str(if self.rng.chance(50) { "\n\n(재공고)" } else { "\n\nApply soon!" });
                p.url = format!("https://jobs.bench.example/p/{}", self.n);
                p.source_id = self.n.to_string();
            }
            p
        } else {
            self.fresh()
        };
        self.n += 1;
        if self.recent.len() == 512 {
            self.recent.pop_front();
        }
        self.recent.push_back(Posting {
            title: p.title.clone(),
            company: p.company.clone(),
            location: p.location.clone(),
            body: p.body.clone(),
            url: p.url.clone(),
            posted_at: p.posted_at.clone(),
            source_id: p.source_id.clone(),
        });
        Some(p)
    }
}

/// The generator as a JSON Lines byte stream, for `ingest`.
struct JsonLines<'a> {
    g: Generator<'a>,
    buf: Vec<u8>,
    pos: usize,
}

impl Read for JsonLines<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.pos == self.buf.len() {
            let Some(p) = self.g.next_posting() else { return Ok(0) };
            self.buf.clear();
            serde_json::to_writer(&mut self.buf, &p.json()).map_err(std::io::Error::other)?;
            self.buf.push(b'\n');
            self.pos = 0;
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

async fn end_to_end(name: &str, url: &str, m: &'static Material, dict: Arc<Dictionaries>, total: usize) -> Vec<String> {
    let t = Instant::now();
    let db = connect(url, 4).await.expect("connect and migrate");
    let setup = t.elapsed();
    let t = Instant::now();
    let report = ingest(
        &db,
        dict.clone(),
        "bench:market-volume",
        Format::JsonLines,
        Box::new(JsonLines { g: Generator::new(m, total), buf: vec![], pos: 0 }),
        "bench",
    )
    .await
    .expect("ingest");
    let ingest_time = t.elapsed();
    let t = Instant::now();
    let cats = stats::categories(&db).await.expect("categories");
    let mut queries = 1;
    let mut filters = vec![Filter::default()];
    filters.extend(CATEGORIES.iter().map(|c| Filter { category: Some(c.to_string()), ..Default::default() }));
    for f in &filters {
        stats::top(&db, &dict.taxonomy, f).await.expect("top");
        stats::trends(&db, &dict.taxonomy, f).await.expect("trends");
        queries += 2;
    }
    let agg = t.elapsed();
    let total_time = ingest_time + agg;
    println!(
        "{name}: ingest {:.2} s ({:.0} postings/s: read {}, new {}, updated {}, duplicates {}, rejected {}), \
         aggregates {:.2} s ({queries} queries over {} postings), end to end {:.2} s (schema {:.2} s before)",
        secs(ingest_time),
        report.read as f64 / secs(ingest_time),
        report.read,
        report.new,
        report.updated,
        report.duplicates,
        report.rejected,
        secs(agg),
        cats.total_postings,
        secs(total_time),
        secs(setup),
    );
    println!("{name}: peak memory so far (VmHWM) {:.0} MB", status_kb("VmHWM:") as f64 / 1024.0);
    vec![
        format!("{name}\tingest_s\t{:.3}", secs(ingest_time)),
        format!("{name}\tingest_per_s\t{:.0}", report.read as f64 / secs(ingest_time)),
        format!("{name}\taggregates_s\t{:.3}", secs(agg)),
        format!("{name}\tend_to_end_s\t{:.3}", secs(total_time)),
        format!("{name}\tnew\t{}", report.new),
        format!("{name}\tduplicates\t{}", report.duplicates),
        format!("{name}\tupdated\t{}", report.updated),
        format!("{name}\trejected\t{}", report.rejected),
    ]
}

fn main() {
    let total: usize = arg("--postings").and_then(|v| v.parse().ok()).unwrap_or(300_000);
    let out = arg("--out").map(std::path::PathBuf::from).unwrap_or_else(std::env::temp_dir);
    let postgres = arg("--postgres");
    let m: &'static Material = Box::leak(Box::new(material()));
    let dict = Arc::new(Dictionaries::builtin());
    println!(
        "{total} postings from {} bases ({} companies, {} locations) on {} cores",
        m.bases.len(),
        m.companies.len(),
        m.locations.len(),
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    );

    // (1) Extraction alone, one thread; generating is timed apart.
    let started = Instant::now();
    let mut extracting = Duration::ZERO;
    let (mut techs, mut bytes) = (0usize, 0usize);
    let mut g = Generator::new(m, total);
    while let Some(p) = g.next_posting() {
        bytes += p.title.len() + p.body.len();
        let t = Instant::now();
        let x = dict.taxonomy.extract_posting(&p.title, &p.body);
        extracting += t.elapsed();
        techs += x.technologies.len();
    }
    let all = started.elapsed();
    println!(
        "extraction alone: {:.2} s, {:.0} postings/s ({:.1} MB of text, {:.1} technologies a posting; generating took {:.2} s more)",
        secs(extracting),
        total as f64 / secs(extracting),
        bytes as f64 / 1e6,
        techs as f64 / total as f64,
        secs(all - extracting),
    );
    let mut tsv = vec![
        format!("extract\tseconds\t{:.3}", secs(extracting)),
        format!("extract\tper_s\t{:.0}", total as f64 / secs(extracting)),
    ];

    // (2) + (3) The real path, on a fresh SQLite file (and PostgreSQL).
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let file = out.join("market-volume.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
    }
    let url = format!("sqlite://{}?mode=rwc", file.display());
    tsv.extend(rt.block_on(end_to_end("sqlite", &url, m, dict.clone(), total)));
    if let Some(pg) = postgres {
        tsv.extend(rt.block_on(end_to_end("postgres", &pg, m, dict.clone(), total)));
    }
    let hwm = status_kb("VmHWM:");
    println!("peak memory (VmHWM): {:.0} MB", hwm as f64 / 1024.0);
    tsv.push(format!("all\tpeak_kb\t{hwm}"));
    std::fs::write(out.join("market-volume.tsv"), tsv.join("\n") + "\n").expect("write the tsv");
}
