//! `--format json`: one object, `{"version": 1, "files", "diagnostics", "suppressed", "summary"}`.
//!
//! Waived findings are listed apart under `suppressed` (with their
//! justification) so scripts counting `diagnostics` see only what counts.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::{Value, json};

use super::ReportInput;
use crate::diagnostic::Diagnostic;

fn diagnostic_json(d: &Diagnostic) -> Value {
    let mut v = json!({
        "rule": d.rule,
        "category": d.category.as_str(),
        "severity": d.severity.as_str(),
        "path": d.path,
        "line": d.start.line,
        "column": d.start.column,
        "end_line": d.end.line,
        "end_column": d.end.column,
        "byte_start": d.span.start,
        "byte_end": d.span.end,
        "matched": d.matched,
        "message": d.message,
        "help": d.help,
        "references": d.references,
        "labels": d.labels.iter().map(|l| json!({
            "line": l.start.line,
            "column": l.start.column,
            "end_line": l.end.line,
            "end_column": l.end.column,
            "byte_start": l.span.start,
            "byte_end": l.span.end,
            "message": l.text,
        })).collect::<Vec<_>>(),
    });
    if let Some(s) = &d.suppressed {
        v["justification"] = json!(s.justification);
    }
    v
}

pub fn render(input: &ReportInput<'_>, out: &mut dyn Write) -> io::Result<()> {
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
        .map(diagnostic_json)
        .collect();
    let report = json!({
        "version": 1,
        "files": input.files,
        "diagnostics": input.active().map(diagnostic_json).collect::<Vec<_>>(),
        "suppressed": suppressed,
        "summary": {
            "errors": errors,
            "warnings": warnings,
            "infos": infos,
            "suppressed": suppressed.len(),
            "by_category": by_category,
            "by_rule": by_rule,
        },
    });
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}
