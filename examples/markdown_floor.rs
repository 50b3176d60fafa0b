//! The floor under `claimlint check` on a Markdown corpus: the same files read
//! and parsed the same way, with no rule run. `scripts/bench.sh` times it
//! beside claimlint and ripgrep, so the share of a run that the Markdown
//! parse alone takes is measured in the same run, not assumed.
//!
//! ```text
//! cargo run --release --example markdown_floor -- parse CORPUS   # pulldown-cmark's events only
//! cargo run --release --example markdown_floor -- prose CORPUS   # and claimlint's prose extraction
//! ```
//!
//! Every `.md` file under CORPUS is read on all cores, as `check` does.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use claimlint::source::{self, Kind, ProseBuilder, markdown};
use pulldown_cmark::Parser;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(mode), Some(root)) = (args.next(), args.next()) else {
        eprintln!("usage: markdown_floor parse|prose CORPUS");
        std::process::exit(2);
    };
    let prose = match mode.as_str() {
        "parse" => false,
        "prose" => true,
        other => {
            eprintln!("markdown_floor: unknown mode {other:?} (parse or prose)");
            std::process::exit(2);
        }
    };
    let mut files = Vec::new();
    collect(Path::new(&root), &mut files);
    files.sort();
    let next = AtomicUsize::new(0);
    let total = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..claimlint::cores() {
            scope.spawn(|| {
                let mut builder = ProseBuilder::new();
                let mut units = 0;
                while let Some(path) = files.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let text = match std::fs::read_to_string(path) {
                        Ok(text) => text,
                        Err(e) => {
                            eprintln!("{}: {e}", path.display());
                            continue;
                        }
                    };
                    units += if prose {
                        let doc = source::read(&text, Kind::Markdown, &mut builder);
                        let blocks = doc.prose.blocks.len();
                        builder.recycle(doc.prose);
                        blocks
                    } else {
                        let body = source::split_front_matter(&text).map_or(0, |f| f.span.end);
                        Parser::new_ext(&text[body..], markdown::OPTIONS)
                            .into_offset_iter()
                            .count()
                    };
                }
                total.fetch_add(units, Ordering::Relaxed);
            });
        }
    });
    println!(
        "{} files, {} {}",
        files.len(),
        total.load(Ordering::Relaxed),
        if prose {
            "prose blocks"
        } else {
            "Markdown events"
        }
    );
}

/// Every `.md` file under `dir`.
fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => collect(&path, out),
            Ok(_) if path.extension().is_some_and(|e| e == "md") => out.push(path),
            _ => {}
        }
    }
}
