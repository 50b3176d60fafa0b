//! `--format json`: one object, `{"version": 1, "files", "diagnostics", "suppressed", "summary"}`.
//!
//! Waived findings are listed apart under `suppressed` (with their
//! justification) so scripts counting `diagnostics` see only what counts.
//!
//! The report is serialised straight from borrowed structs to the writer, one
//! finding at a time, so its size in memory does not grow with the number of
//! findings. Keys are printed in alphabetical order (fields are declared in
//! that order), as the report has always printed them.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::{Serialize, Serializer};

use super::ReportInput;
use crate::diagnostic::{Diagnostic, Label};

/// The whole report.
#[derive(Serialize)]
struct Report<'a> {
    diagnostics: Entries<'a>,
    files: usize,
    summary: Summary<'a>,
    suppressed: Entries<'a>,
    version: u32,
}

#[derive(Serialize)]
struct Summary<'a> {
    by_category: BTreeMap<&'a str, usize>,
    by_rule: BTreeMap<&'a str, usize>,
    errors: usize,
    infos: usize,
    suppressed: usize,
    warnings: usize,
}

/// The active findings (`suppressed: false`) or the waived ones, written as a
/// list without collecting them first.
struct Entries<'a> {
    diagnostics: &'a [Diagnostic],
    suppressed: bool,
}

impl Serialize for Entries<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            self.diagnostics
                .iter()
                .filter(|d| d.suppressed.is_some() == self.suppressed)
                .map(Entry::new),
        )
    }
}

/// One finding.
#[derive(Serialize)]
struct Entry<'a> {
    byte_end: usize,
    byte_start: usize,
    category: &'a str,
    column: usize,
    end_column: usize,
    end_line: usize,
    help: &'a str,
    /// Only on waived findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<&'a str>,
    #[serde(serialize_with = "labels")]
    labels: &'a [Label],
    line: usize,
    matched: &'a str,
    message: &'a str,
    path: &'a str,
    references: &'a [String],
    rule: &'a str,
    severity: &'a str,
}

impl<'a> Entry<'a> {
    fn new(d: &'a Diagnostic) -> Entry<'a> {
        Entry {
            byte_end: d.span.end,
            byte_start: d.span.start,
            category: d.category.as_str(),
            column: d.start.column,
            end_column: d.end.column,
            end_line: d.end.line,
            help: &d.help,
            justification: d.suppressed.as_ref().map(|s| s.justification.as_str()),
            labels: &d.labels,
            line: d.start.line,
            matched: &d.matched,
            message: &d.message,
            path: &d.path,
            references: &d.references,
            rule: &d.rule,
            severity: d.severity.as_str(),
        }
    }
}

/// A second place of a finding.
#[derive(Serialize)]
struct LabelEntry<'a> {
    byte_end: usize,
    byte_start: usize,
    column: usize,
    end_column: usize,
    end_line: usize,
    line: usize,
    message: &'a str,
}

fn labels<S: Serializer>(labels: &&[Label], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(labels.iter().map(|l| LabelEntry {
        byte_end: l.span.end,
        byte_start: l.span.start,
        column: l.start.column,
        end_column: l.end.column,
        end_line: l.end.line,
        line: l.start.line,
        message: &l.text,
    }))
}

pub fn render(input: &ReportInput<'_>, out: &mut dyn Write) -> io::Result<()> {
    let (errors, warnings, infos) = input.totals();
    let mut by_category: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for d in input.active() {
        *by_category.entry(d.category.as_str()).or_default() += 1;
        *by_rule.entry(&d.rule).or_default() += 1;
    }
    let suppressed = input.diagnostics.len() - errors - warnings - infos;
    let report = Report {
        diagnostics: Entries {
            diagnostics: input.diagnostics,
            suppressed: false,
        },
        files: input.files,
        summary: Summary {
            by_category,
            by_rule,
            errors,
            infos,
            suppressed,
            warnings,
        },
        suppressed: Entries {
            diagnostics: input.diagnostics,
            suppressed: true,
        },
        version: 1,
    };
    super::write_pretty_json(out, &report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Category, Position, Severity, Suppression};
    use serde_json::{Value, json};
    use std::time::Duration;

    fn finding(rule: &str, path: &str, line: usize) -> Diagnostic {
        Diagnostic {
            rule: rule.into(),
            category: Category::Scarcity,
            severity: Severity::Warning,
            path: path.into(),
            span: 10..29,
            start: Position { line, column: 3 },
            end: Position { line, column: 22 },
            matched: "while \"supplies\" last".into(),
            message: "Scarcity claim without a declared stock".into(),
            help: "Declare offer.stock".into(),
            references: vec!["16 CFR 238".to_string(), "CAP Code 3.28".to_string()].into(),
            labels: vec![],
            suppressed: None,
        }
    }

    /// The report as it was built before it was streamed: a `Value` tree,
    /// whose object keys serde_json prints in alphabetical order.
    fn as_value_tree(input: &ReportInput<'_>) -> String {
        let entry = |d: &Diagnostic| {
            let mut v = json!({
                "rule": d.rule, "category": d.category.as_str(),
                "severity": d.severity.as_str(), "path": d.path,
                "line": d.start.line, "column": d.start.column,
                "end_line": d.end.line, "end_column": d.end.column,
                "byte_start": d.span.start, "byte_end": d.span.end,
                "matched": d.matched, "message": d.message, "help": d.help,
                "references": &*d.references,
                "labels": d.labels.iter().map(|l| json!({
                    "line": l.start.line, "column": l.start.column,
                    "end_line": l.end.line, "end_column": l.end.column,
                    "byte_start": l.span.start, "byte_end": l.span.end,
                    "message": l.text,
                })).collect::<Vec<_>>(),
            });
            if let Some(s) = &d.suppressed {
                v["justification"] = json!(s.justification);
            }
            v
        };
        let (errors, warnings, infos) = input.totals();
        let mut by_category: BTreeMap<&str, usize> = BTreeMap::new();
        let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
        for d in input.active() {
            *by_category.entry(d.category.as_str()).or_default() += 1;
            *by_rule.entry(d.rule.as_str()).or_default() += 1;
        }
        let suppressed: Vec<Value> = input
            .diagnostics
            .iter()
            .filter(|d| d.suppressed.is_some())
            .map(entry)
            .collect();
        let report = json!({
            "version": 1, "files": input.files,
            "diagnostics": input.active().map(entry).collect::<Vec<_>>(),
            "suppressed": suppressed,
            "summary": {
                "errors": errors, "warnings": warnings, "infos": infos,
                "suppressed": suppressed.len(),
                "by_category": by_category, "by_rule": by_rule,
            },
        });
        serde_json::to_string_pretty(&report).unwrap() + "\n"
    }

    fn both(diagnostics: &[Diagnostic]) -> (String, String) {
        let sources = BTreeMap::new();
        let input = ReportInput {
            diagnostics,
            files: 3,
            rules: &[],
            sources: &sources,
            elapsed: Duration::ZERO,
        };
        let mut streamed = Vec::new();
        render(&input, &mut streamed).unwrap();
        (String::from_utf8(streamed).unwrap(), as_value_tree(&input))
    }

    #[test]
    fn streamed_report_has_the_bytes_of_the_value_tree() {
        let (streamed, tree) = both(&[]);
        assert_eq!(streamed, tree);

        let mut labelled = finding("scarcity/while-supplies-last", "a.md", 2);
        labelled.labels.push(Label {
            span: 40..44,
            start: Position { line: 9, column: 1 },
            end: Position { line: 9, column: 5 },
            text: "the footnote \u{e9}".into(),
        });
        let mut waived = finding("hype/best", "b.md", 4);
        waived.severity = Severity::Error;
        waived.suppressed = Some(Suppression {
            justification: "Legal approved".into(),
        });
        let mut unexplained = finding("hype/best", "c.md", 1);
        unexplained.suppressed = Some(Suppression {
            justification: String::new(),
        });
        let mut info = finding("meta/x", "c.md", 7);
        info.severity = Severity::Info;
        info.category = Category::Meta;
        info.references = Vec::new().into();
        let (streamed, tree) = both(&[labelled, waived, unexplained, info]);
        assert_eq!(streamed, tree);
        assert!(streamed.contains("\"justification\": \"Legal approved\""));
    }
}
