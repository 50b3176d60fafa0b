//! Per-file hot path and rule loading, measured in-process with divan.
//!
//! `cargo bench --bench hot_path` (the whole-process numbers against ripgrep
//! come from `scripts/bench.sh`). Inputs are two pages of the shared synthetic
//! corpus, about 5 KB and 20 KB: taken from `target/bench-corpus/c1000` when
//! `scripts/bench.sh` has generated it, else generated here with
//! `../shared/bench/gen_corpus.py` (or `$CLAIMLINT_BENCH_SHARED/gen_corpus.py`).

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use claimlint::app::{self, CheckOptions, Session};
use claimlint::date::Date;
use claimlint::facts::Facts;
use claimlint::rules::{self, Jurisdiction, PackSelection};
use claimlint::source::{self, Kind, ProseBuilder};

fn main() {
    divan::main();
}

fn options() -> CheckOptions {
    CheckOptions {
        isolated: true,
        today: Date::new(2026, 11, 27),
        ..CheckOptions::default()
    }
}

/// The first corpus page whose size is within `range`.
fn page(range: std::ops::RangeInclusive<u64>) -> String {
    static DIR: LazyLock<PathBuf> = LazyLock::new(corpus_dir);
    let mut names: Vec<PathBuf> = std::fs::read_dir(&*DIR)
        .expect("corpus folder")
        .map(|e| e.expect("corpus entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    names.sort();
    let path = names
        .iter()
        .find(|p| range.contains(&std::fs::metadata(p).map_or(0, |m| m.len())))
        .expect("a corpus page of the wanted size");
    std::fs::read_to_string(path).expect("corpus page")
}

fn corpus_dir() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let cached = target.join("bench-corpus/c1000");
    if cached.join(".complete").exists() {
        return cached;
    }
    let shared = std::env::var_os("CLAIMLINT_BENCH_SHARED")
        .map_or_else(|| root.join("../shared/bench"), PathBuf::from);
    let dir = target.join("bench-corpus/c200");
    if !dir.join("page00199.md").exists() {
        let status = std::process::Command::new("python3")
            .arg(shared.join("gen_corpus.py"))
            .arg("200")
            .arg(&dir)
            .stdout(std::process::Stdio::null())
            .status()
            .expect("python3 runs the corpus generator");
        assert!(status.success(), "gen_corpus.py failed");
    }
    dir
}

static SMALL: LazyLock<String> = LazyLock::new(|| page(4_800..=5_400));
static LARGE: LazyLock<String> = LazyLock::new(|| page(19_000..=20_480));
static SESSION: LazyLock<Session> =
    LazyLock::new(|| app::session(&options()).expect("default rules load"));

fn input(size: &str) -> &'static str {
    match size {
        "5KB" => &SMALL,
        _ => &LARGE,
    }
}

/// Everything `check` does per file after reading it: prose, facts, engine,
/// checkers, suppression, diagnostics.
#[divan::bench(args = ["5KB", "20KB"])]
fn lint_file(bencher: divan::Bencher, size: &str) {
    let text = input(size);
    let linter = &SESSION.linter;
    let mut builder = ProseBuilder::new();
    let path = Path::new("page.md");
    // Warm the lazily compiled regexes, as a long run has.
    linter.lint(path, "page.md", text, Kind::Markdown, &mut builder);
    bencher
        .counter(divan::counter::BytesCount::new(text.len()))
        .bench_local(|| linter.lint(path, "page.md", text, Kind::Markdown, &mut builder));
}

/// Markdown → prose with its offset map, alone.
#[divan::bench(args = ["5KB", "20KB"])]
fn prose_only(bencher: divan::Bencher, size: &str) {
    let text = input(size);
    let mut builder = ProseBuilder::new();
    bencher
        .counter(divan::counter::BytesCount::new(text.len()))
        .bench_local(|| {
            let doc = source::read(text, Kind::Markdown, &mut builder);
            let blocks = doc.prose.blocks.len();
            builder.recycle(doc.prose);
            blocks
        });
}

/// The rule engine (automaton, regexes, conditions, checkers) on prepared prose.
#[divan::bench(args = ["5KB", "20KB"])]
fn engine_only(bencher: divan::Bencher, size: &str) {
    let text = input(size);
    let engine = &SESSION.linter.engine;
    let mut builder = ProseBuilder::new();
    let doc = source::read(text, Kind::Markdown, &mut builder);
    let tree = doc
        .front_matter
        .as_ref()
        .and_then(|f| f.value.clone())
        .unwrap_or(serde_yaml::Value::Null);
    let facts = Facts::new(tree, &[]);
    engine.check(text, &doc, &facts);
    bencher
        .counter(divan::counter::BytesCount::new(text.len()))
        .bench_local(|| engine.check(text, &doc, &facts));
}

/// Parsing and validating the bundled default and meta packs.
#[divan::bench]
fn load_rules() -> usize {
    rules::load(&PackSelection {
        default_rules: true,
        jurisdiction: Jurisdiction::Us,
        ..PackSelection::default()
    })
    .expect("bundled packs load")
    .len()
}

/// A whole session: packs, selection, engine (automaton built, regexes lazy).
#[divan::bench]
fn session() -> usize {
    app::session(&options())
        .expect("default rules load")
        .linter
        .engine
        .rules()
        .len()
}

/// The pre-commit case in-process: a fresh session and its first 5 KB file,
/// including every regex compiled on first use.
#[divan::bench(sample_count = 20)]
fn cold_first_file() -> usize {
    let session = app::session(&options()).expect("default rules load");
    let mut builder = ProseBuilder::new();
    session
        .linter
        .lint(
            Path::new("page.md"),
            "page.md",
            &SMALL,
            Kind::Markdown,
            &mut builder,
        )
        .len()
}
