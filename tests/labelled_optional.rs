//! The labelled evaluation set for the optional packs, in
//! `fixtures/labelled-optional/`: short ad snippets, each marked with the optional
//! packs that must fire (`expect: []` means no optional pack may fire). Every
//! snippet is written to a temporary folder as a Markdown file (facts become front
//! matter), the real binary checks the folder once with `--pack all`, and the test
//! prints recall and false-flag rate per pack, at warning-or-above and at any
//! severity.
//!
//! A pack is identified by its rule ids (`green/...`, `origin/...`), not by
//! category: the origin pack reports under `hype`, which the core pack shares.
//! Core findings are ignored here; `tests/labelled.rs` measures them.
//!
//! Run `cargo test --test labelled_optional -- --nocapture` to see the table. The
//! test fails only when overall recall (any severity) drops below 0.85 or the
//! overall false-flag rate (any severity) rises above 0.10; individual misses are
//! listed so that a rule change can be judged, not so that the snippets are tuned
//! to it.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde::Deserialize;

const PACKS: [&str; 5] = ["green", "health", "endorsement", "guarantee", "origin"];

const MIN_RECALL: f64 = 0.85;
const MAX_FALSE_FLAG_RATE: f64 = 0.10;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Snippet {
    text: String,
    expect: Vec<String>,
    #[serde(default)]
    facts: Option<serde_yaml::Value>,
}

/// One snippet with where it came from and the file it was written to.
struct Case {
    file_pack: String,
    name: String,
    snippet: Snippet,
}

/// What fired on one file: optional pack -> most severe level seen.
#[derive(Default)]
struct Fired {
    packs: BTreeMap<String, Level>,
    rules: BTreeSet<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Info,
    Warning,
    Error,
}

impl Level {
    fn parse(s: &str) -> Level {
        match s {
            "error" => Level::Error,
            "warning" => Level::Warning,
            _ => Level::Info,
        }
    }
}

#[derive(Default, Clone, Copy)]
struct Tally {
    positives: usize,
    found_warn: usize,
    found_any: usize,
    negatives: usize,
    flagged_warn: usize,
    flagged_any: usize,
}

fn labelled_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/labelled-optional")
}

fn load_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for pack in PACKS {
        let path = labelled_dir().join(format!("{pack}.yaml"));
        let text = fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let snippets: Vec<Snippet> = serde_yaml::from_str(&text)
            .unwrap_or_else(|e| panic!("cannot parse {}: {e}", path.display()));
        for (i, snippet) in snippets.into_iter().enumerate() {
            for expected in &snippet.expect {
                assert!(
                    PACKS.contains(&expected.as_str()),
                    "{}: snippet {} expects unknown pack `{expected}`",
                    path.display(),
                    i + 1
                );
            }
            cases.push(Case {
                file_pack: pack.to_string(),
                name: format!("{pack}-{:03}.md", i + 1),
                snippet,
            });
        }
    }
    cases
}

fn document(snippet: &Snippet) -> String {
    match &snippet.facts {
        Some(facts) => {
            let yaml = serde_yaml::to_string(facts).expect("facts serialise back to YAML");
            format!("---\n{yaml}---\n{}\n", snippet.text)
        }
        None => format!("{}\n", snippet.text),
    }
}

/// The optional pack a rule id belongs to, if any (`green/generic-claim` -> `green`).
fn pack_of(rule: &str) -> Option<&'static str> {
    let prefix = rule.split('/').next()?;
    PACKS.iter().copied().find(|p| *p == prefix)
}

/// Runs the binary once over all snippets and returns what fired per file name.
fn run_binary(cases: &[Case]) -> BTreeMap<String, Fired> {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for case in cases {
        fs::write(dir.path().join(&case.name), document(&case.snippet)).expect("write snippet");
    }
    let output = Command::cargo_bin("claimlint")
        .expect("the claimlint binary is built")
        .args([
            "check",
            "--isolated",
            "--pack",
            "all",
            "--format",
            "json",
            "--today",
            "2026-11-27",
        ])
        .args(["--fail-on", "never"])
        .arg(dir.path())
        .output()
        .expect("claimlint runs");
    assert!(
        output.status.success(),
        "claimlint check failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("the JSON report parses");
    let mut fired: BTreeMap<String, Fired> = BTreeMap::new();
    for d in report["diagnostics"]
        .as_array()
        .expect("a diagnostics array")
    {
        let rule = d["rule"].as_str().unwrap_or_default();
        let Some(pack) = pack_of(rule) else {
            continue; // core and meta findings are measured elsewhere
        };
        let path = d["path"].as_str().unwrap_or_default();
        let name = Path::new(path)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let severity = d["severity"].as_str().unwrap_or_default();
        let level = Level::parse(severity);
        let entry = fired.entry(name).or_default();
        let seen = entry.packs.entry(pack.to_string()).or_insert(level);
        *seen = (*seen).max(level);
        entry.rules.insert(format!("{rule}:{severity}"));
    }
    fired
}

fn rate(num: usize, den: usize) -> String {
    if den == 0 {
        "-".to_string()
    } else {
        format!("{:.2}", num as f64 / den as f64)
    }
}

#[test]
fn labelled_optional_set_recall_and_false_flag_rate() {
    let cases = load_cases();
    let fired = run_binary(&cases);
    let empty = Fired::default();

    let mut tallies: BTreeMap<&str, Tally> = PACKS.iter().map(|p| (*p, Tally::default())).collect();
    let mut misses = Vec::new();
    let mut false_flags = Vec::new();

    for case in &cases {
        let got = fired.get(&case.name).unwrap_or(&empty);
        if case.snippet.expect.is_empty() {
            let tally = tallies
                .get_mut(case.file_pack.as_str())
                .expect("known pack");
            tally.negatives += 1;
            let any = !got.packs.is_empty();
            let warn = got.packs.values().any(|l| *l >= Level::Warning);
            tally.flagged_any += usize::from(any);
            tally.flagged_warn += usize::from(warn);
            if any {
                false_flags.push(format!(
                    "  {} {:?}\n      fired {:?}",
                    case.name,
                    case.snippet.text.trim(),
                    got.rules
                ));
            }
        } else {
            for expected in &case.snippet.expect {
                let tally = tallies.get_mut(expected.as_str()).expect("known pack");
                tally.positives += 1;
                let level = got.packs.get(expected);
                tally.found_any += usize::from(level.is_some());
                tally.found_warn += usize::from(level.is_some_and(|l| *l >= Level::Warning));
                if level.is_none() {
                    misses.push(format!(
                        "  {} expects {expected}: {:?}\n      fired {:?}",
                        case.name,
                        case.snippet.text.trim(),
                        got.rules
                    ));
                }
            }
        }
    }

    let mut total = Tally::default();
    println!();
    println!(
        "{:<12} {:>4} {:>13} {:>11} {:>4} {:>17} {:>15}",
        "pack",
        "pos",
        "recall(warn+)",
        "recall(any)",
        "neg",
        "false-flag(warn+)",
        "false-flag(any)"
    );
    for (pack, t) in &tallies {
        println!(
            "{:<12} {:>4} {:>13} {:>11} {:>4} {:>17} {:>15}",
            pack,
            t.positives,
            rate(t.found_warn, t.positives),
            rate(t.found_any, t.positives),
            t.negatives,
            rate(t.flagged_warn, t.negatives),
            rate(t.flagged_any, t.negatives)
        );
        total.positives += t.positives;
        total.found_warn += t.found_warn;
        total.found_any += t.found_any;
        total.negatives += t.negatives;
        total.flagged_warn += t.flagged_warn;
        total.flagged_any += t.flagged_any;
    }
    println!(
        "{:<12} {:>4} {:>13} {:>11} {:>4} {:>17} {:>15}",
        "overall",
        total.positives,
        rate(total.found_warn, total.positives),
        rate(total.found_any, total.positives),
        total.negatives,
        rate(total.flagged_warn, total.negatives),
        rate(total.flagged_any, total.negatives)
    );
    if !misses.is_empty() {
        println!(
            "\nmissed positives ({}):\n{}",
            misses.len(),
            misses.join("\n")
        );
    }
    if !false_flags.is_empty() {
        println!(
            "\nflagged negatives ({}):\n{}",
            false_flags.len(),
            false_flags.join("\n")
        );
    }

    let recall = total.found_any as f64 / total.positives.max(1) as f64;
    let false_flag_rate = total.flagged_any as f64 / total.negatives.max(1) as f64;
    assert!(
        recall >= MIN_RECALL,
        "overall recall {recall:.2} is below {MIN_RECALL}"
    );
    assert!(
        false_flag_rate <= MAX_FALSE_FLAG_RATE,
        "overall false-flag rate {false_flag_rate:.2} is above {MAX_FALSE_FLAG_RATE}"
    );
}
