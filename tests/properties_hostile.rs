//! Invariants over generated input (issue 5): prose offsets map back to the
//! exact source text, a suppression comment never hides a finding on another
//! line, and results come out sorted and the same whatever the thread count.

use std::path::Path;
use std::sync::LazyLock;

use proptest::prelude::*;

use claimlint::app::{self, CheckOptions};
use claimlint::date::Date;
use claimlint::engine::{Engine, Settings};
use claimlint::lint::Linter;
use claimlint::rules::{self, Jurisdiction, PackSelection};
use claimlint::source::{self, Kind, ProseBuilder};

static LINTER: LazyLock<Linter> = LazyLock::new(|| {
    let rules = rules::load(&PackSelection {
        default_rules: true,
        packs: Vec::new(),
        extra: Vec::new(),
        jurisdiction: Jurisdiction::Us,
        examples: false,
    })
    .expect("bundled packs load");
    Linter::new(Engine::new(
        rules,
        Settings::new(Date::new(2026, 11, 27).expect("a date")),
    ))
});

/// A visible word: never one holding the words that mark text which must not
/// reach the prose ("note" in a comment, "stock" in front matter, "example"
/// in a link target), or a random "note" in a table cell fails the test.
fn word() -> impl Strategy<Value = String> {
    "[a-z]{2,9}".prop_filter("not a marker word", |w| {
        !["note", "stock", "example"].iter().any(|m| w.contains(m))
    })
}

/// One inline piece of Markdown whose letters, if any reach the prose, are
/// copied verbatim from the source.
fn inline() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => word(),
        1 => word().prop_map(|w| format!("**{w}**")),
        1 => word().prop_map(|w| format!("*{w}*")),
        1 => word().prop_map(|w| format!("_{w}_")),
        1 => word().prop_map(|w| format!("~~{w}~~")),
        1 => (word(), word()).prop_map(|(w, u)| format!("[{w}](https://example.com/{u})")),
        1 => word().prop_map(|w| format!("`{w}`")),
        1 => Just("&amp;".to_string()),
        1 => Just("&#8212;".to_string()),
        1 => Just("&nbsp;".to_string()),
        1 => word().prop_map(|w| format!("<b>{w}</b>")),
        1 => word().prop_map(|w| format!("<span class=\"x\">{w}</span>")),
        1 => Just("<br>".to_string()),
        1 => Just("<!-- note -->".to_string()),
        1 => word().prop_map(|w| format!("\\*{w}")),
        1 => Just("$40".to_string()),
        1 => Just("50%".to_string()),
        1 => word().prop_map(|w| format!("{w},")),
        1 => word().prop_map(|w| format!("{w}.")),
    ]
}

fn line() -> impl Strategy<Value = String> {
    prop::collection::vec(inline(), 1..8).prop_map(|parts| parts.join(" "))
}

/// One block of Markdown.
fn block() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::collection::vec(line(), 1..4).prop_map(|l| l.join("\n")),
        1 => line().prop_map(|l| format!("# {l}")),
        1 => line().prop_map(|l| format!("> {l}")),
        1 => prop::collection::vec(line(), 1..4)
            .prop_map(|l| l.iter().map(|x| format!("- {x}")).collect::<Vec<_>>().join("\n")),
        1 => prop::collection::vec(line(), 1..3)
            .prop_map(|l| l.iter().enumerate().map(|(i, x)| format!("{}. {x}", i + 1)).collect::<Vec<_>>().join("\n")),
        1 => (word(), word(), word(), word()).prop_map(|(a, b, c, d)| {
            format!("| {a} | {b} |\n|---|---|\n| {c} | {d} |")
        }),
        1 => (word(), word()).prop_map(|(a, b)| format!("<div>\n<p>{a} <em>{b}</em></p>\n</div>")),
        1 => word().prop_map(|w| format!("```\n{w}\n```")),
        1 => (word(), word()).prop_map(|(a, b)| format!("{a}[^1]\n\n[^1]: {b}")),
    ]
}

fn markdown() -> impl Strategy<Value = String> {
    (
        prop::option::of(Just("---\noffer:\n  stock: 5\n---\n".to_string())),
        prop::collection::vec(block(), 1..8),
        prop::bool::ANY,
    )
        .prop_map(|(front, blocks, crlf)| {
            let text = format!("{}{}\n", front.unwrap_or_default(), blocks.join("\n\n"));
            if crlf {
                text.replace('\n', "\r\n")
            } else {
                text
            }
        })
}

/// Byte ranges of maximal runs of ASCII letters.
fn letter_runs(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, b) in text.bytes().enumerate() {
        match (b.is_ascii_alphabetic(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(s..i);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(s..text.len());
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Every word of the prose maps back to exactly the same letters in the source.
    #[test]
    fn prose_words_map_back_to_the_exact_source_text(text in markdown()) {
        let mut builder = ProseBuilder::new();
        let doc = source::read(&text, Kind::Markdown, &mut builder);
        let prose = &doc.prose;
        for run in letter_runs(&prose.text) {
            let word = &prose.text[run.clone()];
            let mapped = prose.source_range(run.clone());
            prop_assert!(mapped.end <= text.len());
            // Text the reader adds (the "was " before struck-through text)
            // maps to a point, not to source letters.
            if mapped.is_empty() {
                prop_assert_eq!(word, "was");
                continue;
            }
            prop_assert_eq!(
                &text[mapped.clone()], word,
                "prose {:?} `{}` maps to {:?} in {:?}", run, word, mapped, text
            );
        }
        // Nothing from code, front matter, link targets or comments.
        prop_assert!(!prose.text.contains("example"), "{:?}", prose.text);
        prop_assert!(!prose.text.contains("note"), "{:?}", prose.text);
        prop_assert!(!prose.text.contains("stock"), "{:?}", prose.text);
    }
}

/// A line of a document for the suppression property.
#[derive(Debug, Clone)]
enum Line {
    Claim,
    Plain,
    Blank,
    /// `disable-next-line` for scarcity (or for another category).
    Directive {
        scarcity: bool,
    },
}

fn doc_lines() -> impl Strategy<Value = Vec<Line>> {
    prop::collection::vec(
        prop_oneof![
            3 => Just(Line::Claim),
            2 => Just(Line::Plain),
            2 => Just(Line::Blank),
            2 => prop::bool::ANY.prop_map(|scarcity| Line::Directive { scarcity }),
        ],
        1..40,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// A `disable-next-line` comment waives findings on the line right after it
    /// and nowhere else; a finding is waived exactly when that line holds it.
    #[test]
    fn suppression_never_hides_a_finding_on_another_line(lines in doc_lines(), html in prop::bool::ANY) {
        let mut text = String::new();
        for line in &lines {
            text.push_str(match line {
                Line::Claim => "Only a few, while supplies last.",
                Line::Plain => "Fresh bread every morning.",
                Line::Blank => "",
                Line::Directive { scarcity: true } => {
                    "<!-- claimlint-disable-next-line scarcity -- counted stock -->"
                }
                Line::Directive { scarcity: false } => {
                    "<!-- claimlint-disable-next-line hype -- not this one -->"
                }
            });
            text.push('\n');
        }
        let (kind, name) = if html { (Kind::Html, "a.html") } else { (Kind::Markdown, "a.md") };
        let found = LINTER.lint(Path::new(name), name, &text, kind, &mut ProseBuilder::new());
        for d in found.iter().filter(|d| d.rule == "scarcity/while-supplies-last") {
            let line = d.start.line; // 1-based
            let waived_by_previous = line >= 2
                && matches!(lines[line - 2], Line::Directive { scarcity: true });
            prop_assert_eq!(
                d.suppressed.is_some(), waived_by_previous,
                "line {} of {:?}", line, text
            );
        }
        // Every claim line is reported, waived or not.
        let claims = lines.iter().filter(|l| matches!(l, Line::Claim)).count();
        let reported = found.iter().filter(|d| d.rule == "scarcity/while-supplies-last").count();
        prop_assert_eq!(claims, reported, "{:?}", text);
    }
}

fn run(dir: &Path, threads: usize) -> (Vec<claimlint::diagnostic::Diagnostic>, String) {
    let options = CheckOptions {
        paths: vec![dir.to_path_buf()],
        isolated: true,
        threads,
        today: Date::new(2026, 11, 27),
        ..CheckOptions::default()
    };
    let session = app::session(&options).expect("session");
    let outcome = app::check(&session, &options, false).expect("check");
    let json = serde_json::to_string(&outcome.diagnostics).expect("serialises");
    (outcome.diagnostics, json)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Diagnostics come out sorted by path, then position, and identical for
    /// one thread and several.
    #[test]
    fn output_is_sorted_and_stable_across_threads(files in prop::collection::vec(markdown(), 1..12)) {
        let dir = tempfile::TempDir::new().expect("temp dir");
        for (i, text) in files.iter().enumerate() {
            let claims = "Hurry, while supplies last! Best price ever, 50% off.";
            let name = format!("f{}/{i}.{}", i % 3, ["md", "txt", "html"][i % 3]);
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
            std::fs::write(path, format!("{text}\n{claims}\n")).expect("write");
        }
        let (one, json_one) = run(dir.path(), 1);
        for pair in one.windows(2) {
            prop_assert!(pair[0].sort_key() <= pair[1].sort_key(), "{:?}", pair);
        }
        let (three, json_three) = run(dir.path(), 3);
        prop_assert_eq!(one.len(), three.len());
        prop_assert!(json_one == json_three, "results differ across thread counts");
    }
}
