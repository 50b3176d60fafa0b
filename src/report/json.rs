//! `--format json`: one object, `{"version": 1, "files", "diagnostics", "suppressed", "summary"}`.
//!
//! Waived findings are listed apart under `suppressed` (with their
//! justification) so scripts counting `diagnostics` see only what counts.
//!
//! The report is written as the run goes, each file's findings once the
//! files before it are done, so its size in memory does not grow with the
//! number of findings. Keys are printed in alphabetical order, as the report
//! has always printed them.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::ReportInput;
use crate::diagnostic::{Diagnostic, Label};

/// Writes the report of a whole run.
pub fn render(input: &ReportInput<'_>, out: &mut dyn Write) -> io::Result<()> {
    super::drive(&mut Stream::default(), input, out)
}

/// The report written file by file. The layout is serde_json's pretty
/// printing (two-space indents, `": "`, `[]` and `{}` when empty), with keys
/// in alphabetical order, as the report has always printed it; a test holds
/// it to the bytes serde_json writes for the same report. It is written by
/// hand because serde's generic path cost about 17,000 instructions a
/// finding, on the one thread that writes the report.
///
/// The active findings go out as each file comes in; only the counts and
/// the waived findings (listed after them, and few) wait for the end.
#[derive(Default)]
pub struct Stream {
    /// Written to the writer in large pieces: through `dyn Write` each token
    /// would be an indirect call (once half the cost of the report).
    buf: Vec<u8>,
    /// Whether the active list has begun (its `[` is written).
    listing: bool,
    totals: super::Totals,
    by_category: BTreeMap<&'static str, usize>,
    by_rule: BTreeMap<String, usize>,
    waived: Vec<Diagnostic>,
}

impl super::Stream for Stream {
    fn file(
        &mut self,
        out: &mut dyn Write,
        diagnostics: &[Diagnostic],
        _source: Option<&str>,
    ) -> io::Result<()> {
        for d in diagnostics {
            self.totals.count(d);
            if d.suppressed.is_some() {
                self.waived.push(d.clone());
                continue;
            }
            *self.by_category.entry(d.category.as_str()).or_default() += 1;
            match self.by_rule.get_mut(d.rule.as_str()) {
                Some(n) => *n += 1,
                None => {
                    self.by_rule.insert(d.rule.to_string(), 1);
                }
            }
            let w = &mut self.buf;
            w.extend_from_slice(if self.listing {
                b",\n    {"
            } else {
                b"{\n  \"diagnostics\": [\n    {"
            });
            self.listing = true;
            entry(w, d)?;
            w.extend_from_slice(b"\n    }");
        }
        super::pass_on_full(&mut self.buf, out)
    }

    fn finish(&mut self, out: &mut dyn Write, files: usize) -> io::Result<()> {
        let w = &mut self.buf;
        w.extend_from_slice(if self.listing {
            b"\n  ]"
        } else {
            b"{\n  \"diagnostics\": []"
        });
        let super::Totals {
            errors,
            warnings,
            infos,
            suppressed,
        } = self.totals;
        write!(
            w,
            ",\n  \"files\": {files},\n  \"summary\": {{\n    \"by_category\": "
        )?;
        counts(w, self.by_category.iter().map(|(k, n)| (*k, *n)))?;
        w.extend_from_slice(b",\n    \"by_rule\": ");
        counts(w, self.by_rule.iter().map(|(k, n)| (k.as_str(), *n)))?;
        write!(
            w,
            ",\n    \"errors\": {errors},\n    \"infos\": {infos},\n    \"suppressed\": {suppressed},\n    \"warnings\": {warnings}\n  }},\n  \"suppressed\": "
        )?;
        sequence(w, *b"[]", b"\n    ", b"\n  ", &self.waived, |w, d| {
            w.write_all(b"{")?;
            entry(w, d)?;
            w.write_all(b"\n    }")
        })?;
        w.extend_from_slice(b",\n  \"version\": 1\n}\n");
        out.write_all(w)?;
        w.clear();
        Ok(())
    }
}

/// A JSON array or object as serde_json pretty-prints it: `[]` or `{}` when
/// `items` is empty, else each item on its own line after `indent` (the
/// newline and the item's indent), commas between, and the closing bracket
/// on a line of its own at `depth` (the enclosing value's indent).
fn sequence<W: Write, T>(
    w: &mut W,
    brackets: [u8; 2],
    indent: &[u8],
    depth: &[u8],
    items: impl IntoIterator<Item = T>,
    mut item: impl FnMut(&mut W, T) -> io::Result<()>,
) -> io::Result<()> {
    let mut items = items.into_iter().peekable();
    if items.peek().is_none() {
        return w.write_all(&brackets);
    }
    w.write_all(&brackets[..1])?;
    let mut first = true;
    for x in items {
        if !first {
            w.write_all(b",")?;
        }
        first = false;
        w.write_all(indent)?;
        item(w, x)?;
    }
    w.write_all(depth)?;
    w.write_all(&brackets[1..])
}

/// One finding's keys, at depth 3.
fn entry(w: &mut impl Write, d: &Diagnostic) -> io::Result<()> {
    const KEY: &[u8] = b"\n      \"";
    numbers(
        w,
        KEY,
        &[("byte_end", d.span.end), ("byte_start", d.span.start)],
    )?;
    w.write_all(b",\n      \"category\": \"")?;
    w.write_all(d.category.as_str().as_bytes())?;
    w.write_all(b"\",")?;
    numbers(
        w,
        KEY,
        &[
            ("column", d.start.column),
            ("end_column", d.end.column),
            ("end_line", d.end.line),
        ],
    )?;
    w.write_all(b",\n      \"help\": ")?;
    string(w, &d.help)?;
    if let Some(waiver) = &d.suppressed {
        w.write_all(b",\n      \"justification\": ")?;
        string(w, &waiver.justification)?;
    }
    w.write_all(b",\n      \"labels\": ")?;
    labels(w, &d.labels)?;
    w.write_all(b",")?;
    numbers(w, KEY, &[("line", d.start.line)])?;
    w.write_all(b",\n      \"matched\": ")?;
    string(w, &d.matched)?;
    w.write_all(b",\n      \"message\": ")?;
    string(w, &d.message)?;
    w.write_all(b",\n      \"path\": ")?;
    string(w, &d.path)?;
    w.write_all(b",\n      \"references\": ")?;
    sequence(
        w,
        *b"[]",
        b"\n        ",
        b"\n      ",
        d.references.iter(),
        |w, r| string(w, r),
    )?;
    w.write_all(b",\n      \"rule\": ")?;
    string(w, &d.rule)?;
    w.write_all(b",\n      \"severity\": \"")?;
    w.write_all(d.severity.as_str().as_bytes())?;
    w.write_all(b"\"")
}

/// A finding's second places, at depth 4.
fn labels(w: &mut impl Write, labels: &[Label]) -> io::Result<()> {
    sequence(w, *b"[]", b"\n        ", b"\n      ", labels, |w, l| {
        w.write_all(b"{")?;
        numbers(
            w,
            b"\n          \"",
            &[
                ("byte_end", l.span.end),
                ("byte_start", l.span.start),
                ("column", l.start.column),
                ("end_column", l.end.column),
                ("end_line", l.end.line),
                ("line", l.start.line),
            ],
        )?;
        w.write_all(b",\n          \"message\": ")?;
        string(w, &l.text)?;
        w.write_all(b"\n        }")
    })
}

/// A count per name, at depth 2 (names in order, as a `BTreeMap` keeps them).
fn counts<'a>(
    w: &mut impl Write,
    counts: impl IntoIterator<Item = (&'a str, usize)>,
) -> io::Result<()> {
    sequence(w, *b"{}", b"\n      ", b"\n    ", counts, |w, (name, n)| {
        string(w, name)?;
        write!(w, ": {n}")
    })
}

/// A JSON string as serde_json writes it: `"` and `\\` escaped, control
/// characters as `\b \t \n \f \r` or `\u00xx`, everything else (non-ASCII
/// included) as it is. Stretches of 16 bytes that need no escape (nearly all
/// of a report) are tested at once and written in one piece.
fn string(w: &mut impl Write, text: &str) -> io::Result<()> {
    let needs_escape = |b: u8| b < 0x20 || b == b'"' || b == b'\\';
    w.write_all(b"\"")?;
    let bytes = text.as_bytes();
    let mut run = 0;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(chunk) = bytes.get(i..i + 16)
            && !chunk.iter().fold(false, |any, &b| any | needs_escape(b))
        {
            i += 16;
            continue;
        }
        let b = bytes[i];
        i += 1;
        if !needs_escape(b) {
            continue;
        }
        w.write_all(&bytes[run..i - 1])?;
        run = i;
        match b {
            b'"' => w.write_all(b"\\\"")?,
            b'\\' => w.write_all(b"\\\\")?,
            0x08 => w.write_all(b"\\b")?,
            b'\t' => w.write_all(b"\\t")?,
            b'\n' => w.write_all(b"\\n")?,
            0x0C => w.write_all(b"\\f")?,
            b'\r' => w.write_all(b"\\r")?,
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let (high, low) = (HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xF)]);
                w.write_all(&[b'\\', b'u', b'0', b'0', high, low])?;
            }
        }
    }
    w.write_all(&bytes[run..])?;
    w.write_all(b"\"")
}

/// `"key": n` for each pair, each on its own line after `key_start` (the
/// newline and indent), separated by commas: the numbers of an entry without
/// the formatting machinery of `write!`.
fn numbers(w: &mut impl Write, key_start: &[u8], pairs: &[(&str, usize)]) -> io::Result<()> {
    for (i, (key, n)) in pairs.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        w.write_all(key_start)?;
        w.write_all(key.as_bytes())?;
        w.write_all(b"\": ")?;
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        let mut n = *n;
        loop {
            at -= 1;
            digits[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        w.write_all(&digits[at..])?;
    }
    Ok(())
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
        let crate::report::Totals {
            errors,
            warnings,
            infos,
            ..
        } = input.totals();
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
        waived.suppressed = Some(Box::new(Suppression {
            justification: "Legal approved".into(),
        }));
        let mut unexplained = finding("hype/best", "c.md", 1);
        unexplained.suppressed = Some(Box::new(Suppression {
            justification: String::new(),
        }));
        let mut info = finding("meta/x", "c.md", 7);
        info.severity = Severity::Info;
        info.category = Category::Meta;
        info.references = Vec::new().into();
        let mut escaped = finding("hype/best", "dir\\odd \"name\".md", 3);
        escaped.matched =
            "tab\there\nnew \r\u{8}\u{c}\u{1}\u{1f}\u{7f} back\\slash é “quote” \u{2028}".into();
        escaped.message = "a \"quoted\" message".to_string().into();
        escaped.labels.push(Label {
            span: 1..2,
            start: Position { line: 1, column: 2 },
            end: Position { line: 1, column: 3 },
            text: "\u{0}nul".into(),
        });
        escaped.labels.push(Label {
            span: 3..4,
            start: Position { line: 2, column: 1 },
            end: Position { line: 2, column: 2 },
            text: String::new(),
        });
        let (streamed, tree) = both(&[labelled, waived, unexplained, info, escaped]);
        assert_eq!(streamed, tree);
        assert!(streamed.contains("\"justification\": \"Legal approved\""));
        assert!(streamed.contains("\\u0001"), "{streamed}");
    }
}
