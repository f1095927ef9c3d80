//! PDF export with Typst, as the server does it (`pdf::render_blocking`):
//! a two-page Korean + English résumé with receipts, JSON in, PDF bytes out.
//! Run through `bench/pdf-export`, which also times Chromium printing the
//! same résumé; alone:
//!
//!   cargo bench -p app --features ssr --bench pdf_export -- [--runs 100] [--exports 1000] [--out DIR]
//!
//! Prints, per theme, the first export, the median and p95 of `--runs`
//! documents it has not seen, and the median of the same one again; then the resident memory after 1, 100 and `--exports` exports of
//! documents that all differ (each a new entry for Typst's caches, the
//! worst case for memory). With `--out`, writes one PDF per theme and a
//! tab-separated `typst.tsv` there.

use app::resume::ssr::pdf::{render_blocking, Theme};
use serde_json::Value;
use std::time::{Duration, Instant};

const RESUME: &str = include_str!("../../bench/pdf-export-resume.json");

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned())
}

fn rss_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix(field)?.trim().strip_suffix("kB")?.trim().parse().ok()).unwrap_or(0)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The nearest-rank percentile `p` (0–100) of sorted samples.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The résumé with export `n`'s own summary: a document Typst has not seen.
fn variant(base: &Value, n: usize) -> Value {
    let mut doc = base.clone();
    let summary = doc["basics"]["summary"].as_str().unwrap_or_default().to_string();
    doc["basics"]["summary"] = Value::String(format!("{summary} (지원서 {n}번, application #{n})"));
    doc
}

struct Row {
    theme: Theme,
    first: Duration,
    median: Duration,
    p95: Duration,
    again: Duration,
    bytes: usize,
}

fn main() {
    let runs: usize = arg("--runs").and_then(|v| v.parse().ok()).unwrap_or(100);
    let exports: usize = arg("--exports").and_then(|v| v.parse().ok()).unwrap_or(1000);
    let out = arg("--out").map(std::path::PathBuf::from);
    let doc: Value = serde_json::from_str(RESUME).expect("the bench résumé parses");

    // Memory first, in a fresh process: every export a different document,
    // the themes in turn.
    let checkpoints = [1, 100, exports];
    let mut memory = Vec::new();
    let started = Instant::now();
    for n in 1..=exports {
        let theme = Theme::ALL[n % Theme::ALL.len()];
        let pdf = render_blocking(&variant(&doc, n), theme).expect("the résumé exports");
        assert!(pdf.starts_with(b"%PDF-"));
        if checkpoints.contains(&n) {
            memory.push((n, rss_kb("VmRSS:")));
        }
    }
    let memory_secs = started.elapsed().as_secs_f64();

    // Then time, per theme: the first export of this exact document, then
    // `runs` documents Typst has not seen (a server's case: every export
    // follows an edit), then the same document again `runs` times (its
    // layout still in Typst's caches).
    let mut rows = Vec::new();
    for (t, theme) in Theme::ALL.into_iter().enumerate() {
        let time = |doc: &Value| {
            let started = Instant::now();
            let pdf = render_blocking(doc, theme).expect("the résumé exports");
            (started.elapsed(), pdf)
        };
        let (first, pdf) = time(&doc);
        let mut fresh: Vec<Duration> = (0..runs).map(|i| time(&variant(&doc, exports + 1 + t * runs + i)).0).collect();
        let mut again: Vec<Duration> = (0..runs).map(|_| time(&doc).0).collect();
        fresh.sort();
        again.sort();
        if let Some(dir) = &out {
            std::fs::create_dir_all(dir).expect("the output directory");
            std::fs::write(dir.join(format!("typst-{}.pdf", theme.code())), &pdf).expect("write the PDF");
        }
        rows.push(Row {
            theme,
            first,
            median: percentile(&fresh, 50.0),
            p95: percentile(&fresh, 95.0),
            again: percentile(&again, 50.0),
            bytes: pdf.len(),
        });
    }

    println!("Typst (pdf::render_blocking, release, one thread), {runs} new documents per theme after a first:");
    println!(
        "{:<9} {:>10} {:>10} {:>10} {:>12} {:>9}",
        "theme", "first ms", "median ms", "p95 ms", "same again", "PDF KB"
    );
    for r in &rows {
        println!(
            "{:<9} {:>10.1} {:>10.1} {:>10.1} {:>12.1} {:>9.1}",
            r.theme.code(),
            ms(r.first),
            ms(r.median),
            ms(r.p95),
            ms(r.again),
            r.bytes as f64 / 1024.0
        );
    }
    println!("memory (VmRSS) over {exports} exports of {exports} different documents ({memory_secs:.1} s):");
    for (n, kb) in &memory {
        println!("  after {n:>5} exports: {:>7.1} MB", *kb as f64 / 1024.0);
    }
    println!("  peak (VmHWM):         {:>7.1} MB", rss_kb("VmHWM:") as f64 / 1024.0);

    if let Some(dir) = &out {
        let mut tsv = String::new();
        for r in &rows {
            tsv += &format!(
                "typst\t{}\t{:.1}\t{:.1}\t{:.1}\t{}\t{runs}\t{:.1}\n",
                r.theme.code(),
                ms(r.first),
                ms(r.median),
                ms(r.p95),
                r.bytes,
                ms(r.again)
            );
        }
        for (n, kb) in &memory {
            tsv += &format!("rss\t{n}\t{kb}\n");
        }
        std::fs::write(dir.join("typst.tsv"), tsv).expect("write typst.tsv");
    }
}
