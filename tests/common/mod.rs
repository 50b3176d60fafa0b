//! The harness shared by the labelled evaluation sets (`tests/labelled.rs` for the
//! core categories, `tests/labelled_optional.rs` for the optional packs).
//!
//! A set is a fixture folder with one YAML file per group (a category or a pack):
//! short ad snippets, each marked with the groups that must fire (`expect: []`
//! means no group of the set may fire). Every snippet is written to a temporary
//! folder as a Markdown file (facts become front matter), the real binary checks
//! the folder once, and [`LabelledSet::check`] prints recall and false-flag rate
//! per group, at warning-or-above and at any severity, lists every miss and false
//! flag, and fails when the overall rates (any severity) cross the set's limits.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde::Deserialize;

/// What differs between the labelled sets.
pub struct LabelledSet {
    /// The fixture folder, relative to the crate root.
    pub fixtures: &'static str,
    /// The groups measured; each has a `<group>.yaml` file in `fixtures`.
    pub groups: &'static [&'static str],
    /// What a group is called in messages and the table header.
    pub group_word: &'static str,
    /// Arguments added to `claimlint check` (after `--isolated`).
    pub extra_args: &'static [&'static str],
    /// The group a JSON diagnostic counts for; `None` leaves it out.
    pub group_of: fn(&serde_json::Value) -> Option<&'static str>,
    pub min_recall: f64,
    pub max_false_flag_rate: f64,
}

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
    file_group: String,
    name: String,
    snippet: Snippet,
}

/// What fired on one file: group -> most severe level seen.
#[derive(Default)]
struct Fired {
    groups: BTreeMap<String, Level>,
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

impl Tally {
    fn add(&mut self, t: &Tally) {
        self.positives += t.positives;
        self.found_warn += t.found_warn;
        self.found_any += t.found_any;
        self.negatives += t.negatives;
        self.flagged_warn += t.flagged_warn;
        self.flagged_any += t.flagged_any;
    }
}

impl LabelledSet {
    /// Runs the set, prints the table and the misses, and asserts the limits.
    pub fn check(&self) {
        let cases = self.load_cases();
        let fired = self.run_binary(&cases);
        let empty = Fired::default();
        let known = format!("known {}", self.group_word);

        let mut tallies: BTreeMap<&str, Tally> =
            self.groups.iter().map(|g| (*g, Tally::default())).collect();
        let mut misses = Vec::new();
        let mut false_flags = Vec::new();

        for case in &cases {
            let got = fired.get(&case.name).unwrap_or(&empty);
            if case.snippet.expect.is_empty() {
                let tally = tallies.get_mut(case.file_group.as_str()).expect(&known);
                tally.negatives += 1;
                let any = !got.groups.is_empty();
                let warn = got.groups.values().any(|l| *l >= Level::Warning);
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
                    let tally = tallies.get_mut(expected.as_str()).expect(&known);
                    tally.positives += 1;
                    let level = got.groups.get(expected);
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

        let total = self.print_table(&tallies);
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

        let (min_recall, max_false_flag_rate) = (self.min_recall, self.max_false_flag_rate);
        let recall = total.found_any as f64 / total.positives.max(1) as f64;
        let false_flag_rate = total.flagged_any as f64 / total.negatives.max(1) as f64;
        assert!(
            recall >= min_recall,
            "overall recall {recall:.2} is below {min_recall}"
        );
        assert!(
            false_flag_rate <= max_false_flag_rate,
            "overall false-flag rate {false_flag_rate:.2} is above {max_false_flag_rate}"
        );
    }

    fn load_cases(&self) -> Vec<Case> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(self.fixtures);
        let mut cases = Vec::new();
        for group in self.groups {
            let path = dir.join(format!("{group}.yaml"));
            let text = fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            let snippets: Vec<Snippet> = serde_yaml::from_str(&text)
                .unwrap_or_else(|e| panic!("cannot parse {}: {e}", path.display()));
            for (i, snippet) in snippets.into_iter().enumerate() {
                for expected in &snippet.expect {
                    assert!(
                        self.groups.contains(&expected.as_str()),
                        "{}: snippet {} expects unknown {} `{expected}`",
                        path.display(),
                        i + 1,
                        self.group_word
                    );
                }
                cases.push(Case {
                    file_group: group.to_string(),
                    name: format!("{group}-{:03}.md", i + 1),
                    snippet,
                });
            }
        }
        cases
    }

    /// Runs the binary once over all snippets and returns what fired per file name.
    fn run_binary(&self, cases: &[Case]) -> BTreeMap<String, Fired> {
        let dir = tempfile::tempdir().expect("a temporary folder");
        for case in cases {
            fs::write(dir.path().join(&case.name), document(&case.snippet)).expect("write snippet");
        }
        let output = Command::cargo_bin("claimlint")
            .expect("the claimlint binary is built")
            .args(["check", "--isolated"])
            .args(self.extra_args)
            .args(["--format", "json", "--today", "2026-11-27"])
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
            let Some(group) = (self.group_of)(d) else {
                continue; // measured by the other set, or about markup, not claims
            };
            let path = d["path"].as_str().unwrap_or_default();
            let name = Path::new(path)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let rule = d["rule"].as_str().unwrap_or_default();
            let severity = d["severity"].as_str().unwrap_or_default();
            let level = Level::parse(severity);
            let entry = fired.entry(name).or_default();
            let seen = entry.groups.entry(group.to_string()).or_insert(level);
            *seen = (*seen).max(level);
            entry.rules.insert(format!("{rule}:{severity}"));
        }
        fired
    }

    /// Prints one row per group and an overall row; returns the overall tally.
    fn print_table(&self, tallies: &BTreeMap<&str, Tally>) -> Tally {
        // As wide as the longest group name plus one space.
        let width = self
            .groups
            .iter()
            .map(|g| g.len())
            .chain([self.group_word.len(), "overall".len()])
            .max()
            .unwrap_or_default()
            + 1;
        let row = |label: &str, t: &Tally| {
            println!(
                "{label:<width$} {:>4} {:>13} {:>11} {:>4} {:>17} {:>15}",
                t.positives,
                rate(t.found_warn, t.positives),
                rate(t.found_any, t.positives),
                t.negatives,
                rate(t.flagged_warn, t.negatives),
                rate(t.flagged_any, t.negatives)
            );
        };
        println!();
        println!(
            "{:<width$} {:>4} {:>13} {:>11} {:>4} {:>17} {:>15}",
            self.group_word,
            "pos",
            "recall(warn+)",
            "recall(any)",
            "neg",
            "false-flag(warn+)",
            "false-flag(any)"
        );
        let mut total = Tally::default();
        for (group, t) in tallies {
            row(group, t);
            total.add(t);
        }
        row("overall", &total);
        total
    }
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

fn rate(num: usize, den: usize) -> String {
    if den == 0 {
        "-".to_string()
    } else {
        format!("{:.2}", num as f64 / den as f64)
    }
}
