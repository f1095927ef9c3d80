//! Measures the posting extraction against the labelled set.
//!
//!     cargo run -p taxonomy --release --example evaluate            # shipped set, dev and test
//!     cargo run -p taxonomy --release --example evaluate -- -v      # with every miss
//!     cargo run -p taxonomy --release --example evaluate -- held-out.jsonl
//!
//! A file argument is read as JSON Lines (see `taxonomy::eval`) or, if it
//! does not end in `.jsonl`, in the block format of `data/labelled/`.

use taxonomy::eval::{builtin_set, evaluate, parse_blocks, parse_jsonl, render};
use taxonomy::Taxonomy;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.iter().any(|a| a == "-v" || a == "--verbose");
    let files: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let tax = Taxonomy::builtin();
    if files.is_empty() {
        let set = builtin_set();
        for split in ["dev", "test"] {
            let part: Vec<_> = set.iter().filter(|p| p.split == split).cloned().collect();
            print!("{}", render(split, &evaluate(&tax, &part), verbose));
        }
        print!("{}", render("all", &evaluate(&tax, &set), verbose));
    } else {
        for f in files {
            let text = std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{f}: {e}"));
            let set = if f.ends_with(".jsonl") { parse_jsonl(&text) } else { parse_blocks(&text) }
                .unwrap_or_else(|e| panic!("{f}: {e}"));
            print!("{}", render(f, &evaluate(&tax, &set), verbose));
        }
    }
}
