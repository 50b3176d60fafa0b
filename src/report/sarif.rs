//! SARIF 2.1.0: one run, every active rule described in the tool driver, one result
//! per finding. Waived findings are carried too, marked with an in-source
//! suppression and its justification, so code-scanning dashboards show what was
//! signed off and why.
//!
//! Columns are Unicode code points (`columnKind: unicodeCodePoints`), matching
//! [`Diagnostic`]'s character columns; the byte span is given as
//! `byteOffset`/`byteLength`. `charOffset` is left out on purpose: it counts
//! characters from the start of the file, and reports never see the file text.

use std::collections::HashMap;
use std::io::{self, Write};

use serde_json::{Value, json};

use super::{ReportInput, RuleInfo};
use crate::diagnostic::{Diagnostic, Position, Severity};

/// The key of our entry in `partialFingerprints`; bump the suffix if the hash changes.
const FINGERPRINT_KEY: &str = "claimlintClaimHash/v1";

/// Writes the whole run as one pretty-printed SARIF log.
pub fn render(input: &ReportInput<'_>, out: &mut dyn Write) -> io::Result<()> {
    super::drive(&mut Stream::new(input.rules), input, out)
}

/// The log written file by file: the results as each file comes in, then the
/// tool's driver with its rules (SARIF's keys are printed in alphabetical
/// order, so `tool` comes after `results`). The layout is serde_json's
/// pretty printing of the whole log, which the tests hold it to.
pub struct Stream<'a> {
    rules: &'a [RuleInfo],
    /// Each rule's place in the driver.
    index: HashMap<&'a str, usize>,
    /// Rules that only appear in findings (such as the engine's own meta
    /// findings), added to the driver after the run's rules, in the order
    /// they were first seen, so that every result has a `ruleIndex`.
    extra: Vec<RuleInfo>,
    buf: Vec<u8>,
    /// Whether the results have begun (their `[` is written).
    listing: bool,
}

/// Everything before the first result, down to `"results": `.
const HEAD: &str = "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n      \"columnKind\": \"unicodeCodePoints\",\n      \"results\": ";

impl<'a> Stream<'a> {
    pub fn new(rules: &'a [RuleInfo]) -> Stream<'a> {
        Stream {
            rules,
            index: rules
                .iter()
                .enumerate()
                .map(|(i, r)| (r.id.as_str(), i))
                .collect(),
            extra: Vec::new(),
            buf: Vec::new(),
            listing: false,
        }
    }

    fn rule_index(&mut self, d: &Diagnostic) -> usize {
        if let Some(&i) = self.index.get(&*d.rule) {
            return i;
        }
        let known = self.extra.iter().position(|r| *r.id == *d.rule);
        self.rules.len()
            + known.unwrap_or_else(|| {
                self.extra.push(RuleInfo {
                    id: d.rule.to_string(),
                    category: d.category,
                    severity: d.severity,
                    summary: d.message.to_string(),
                    help: d.help.to_string(),
                    description: String::new(),
                    references: d.references.to_vec(),
                });
                self.extra.len() - 1
            })
    }
}

/// Writes `value` pretty-printed as it would be at `indent` inside a larger
/// document: serde_json prints each nested line with the enclosing indent
/// before it, and JSON strings hold no raw newline.
fn nested(w: &mut Vec<u8>, value: &Value, indent: &[u8]) -> io::Result<()> {
    let text = serde_json::to_vec_pretty(value)?;
    for (i, line) in text.split(|&b| b == b'\n').enumerate() {
        if i > 0 {
            w.push(b'\n');
            w.extend_from_slice(indent);
        }
        w.extend_from_slice(line);
    }
    Ok(())
}

impl super::Stream for Stream<'_> {
    fn file(
        &mut self,
        out: &mut dyn Write,
        diagnostics: &[Diagnostic],
        _source: Option<&str>,
    ) -> io::Result<()> {
        // Repeats of a claim per (rule, claim) within the file.
        let mut occurrences: HashMap<(&str, String), usize> = HashMap::new();
        for d in diagnostics {
            let n = occurrences
                .entry((&*d.rule, normalize_claim(&d.matched)))
                .or_insert(0);
            *n += 1;
            let value = result(d, self.rule_index(d), *n);
            if self.listing {
                self.buf.extend_from_slice(b",\n        ");
            } else {
                self.buf.extend_from_slice(HEAD.as_bytes());
                self.buf.extend_from_slice(b"[\n        ");
                self.listing = true;
            }
            nested(&mut self.buf, &value, b"        ")?;
        }
        super::pass_on_full(&mut self.buf, out)
    }

    fn finish(&mut self, out: &mut dyn Write, _files: usize) -> io::Result<()> {
        if self.listing {
            self.buf.extend_from_slice(b"\n      ]");
        } else {
            self.buf.extend_from_slice(HEAD.as_bytes());
            self.buf.extend_from_slice(b"[]");
        }
        let mut driver = json!({
            "name": "claimlint",
            "version": env!("CARGO_PKG_VERSION"),
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "rules": self.rules.iter().chain(&self.extra).map(rule).collect::<Vec<_>>(),
        });
        for (key, value) in [
            ("informationUri", env!("CARGO_PKG_HOMEPAGE")),
            ("informationUri", env!("CARGO_PKG_REPOSITORY")),
        ] {
            if !value.is_empty() && driver.get(key).is_none() {
                driver[key] = json!(value);
            }
        }
        self.buf
            .extend_from_slice(b",\n      \"tool\": {\n        \"driver\": ");
        nested(&mut self.buf, &driver, b"        ")?;
        self.buf.extend_from_slice(b"\n      }\n    }\n  ]\n}\n");
        out.write_all(&self.buf)?;
        self.buf.clear();
        Ok(())
    }
}

fn rule(r: &RuleInfo) -> Value {
    let full = if r.description.trim().is_empty() {
        &r.summary
    } else {
        &r.description
    };
    let mut help_text = sentence(&r.help);
    let mut help_md = format!("**Fix:** {}", sentence(&r.help));
    if !r.description.trim().is_empty() {
        help_md.push_str("\n\n");
        help_md.push_str(r.description.trim());
    }
    if !r.references.is_empty() {
        help_text.push_str(&format!(" References: {}.", r.references.join("; ")));
        help_md.push_str("\n\n**References:**\n");
        for reference in &r.references {
            help_md.push_str(&format!("\n- {reference}"));
        }
    }
    json!({
        "id": r.id,
        "name": pascal_case_name(&r.id),
        "shortDescription": { "text": sentence(&r.summary) },
        "fullDescription": { "text": sentence(full.trim()) },
        "help": { "text": help_text, "markdown": help_md },
        "defaultConfiguration": { "level": level(r.severity) },
        "properties": {
            "category": r.category.as_str(),
            "tags": ["marketing-claims", r.category.as_str()],
            "references": r.references,
        },
    })
}

fn result(d: &Diagnostic, rule_index: usize, occurrence: usize) -> Value {
    let mut text = sentence(&d.message);
    if !d.help.trim().is_empty() {
        text.push(' ');
        text.push_str(&sentence(&d.help));
    }
    let mut primary = region(d.start, d.end, &d.span);
    primary["snippet"] = json!({ "text": d.matched });

    let mut result = json!({
        "ruleId": &*d.rule,
        "ruleIndex": rule_index,
        "level": level(d.severity),
        "message": { "text": text },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": artifact_location(&d.path),
                "region": primary,
            },
        }],
        "partialFingerprints": {
            FINGERPRINT_KEY: format!("{:016x}:{occurrence}", claim_hash(d)),
        },
        "properties": {
            "category": d.category.as_str(),
            "references": &*d.references,
        },
    });
    if !d.labels.is_empty() {
        result["relatedLocations"] = d
            .labels
            .iter()
            .enumerate()
            .map(|(i, label)| {
                json!({
                    "id": i + 1,
                    "physicalLocation": {
                        "artifactLocation": artifact_location(&d.path),
                        "region": region(label.start, label.end, &label.span),
                    },
                    "message": { "text": sentence(&label.text) },
                })
            })
            .collect();
    }
    result["suppressions"] = match &d.suppressed {
        Some(s) if s.justification.trim().is_empty() => json!([{ "kind": "inSource" }]),
        Some(s) => json!([{ "kind": "inSource", "justification": s.justification }]),
        // An empty list says "known not to be suppressed"; absence would mean "unknown".
        None => json!([]),
    };
    result
}

fn region(start: Position, end: Position, bytes: &std::ops::Range<usize>) -> Value {
    // SARIF requires a non-empty or at least well-ordered region; an empty span
    // (a document-level finding) is kept as an insertion point.
    let (end_line, end_column) = if (end.line, end.column) < (start.line, start.column) {
        (start.line, start.column)
    } else {
        (end.line, end.column)
    };
    json!({
        "startLine": start.line.max(1),
        "startColumn": start.column.max(1),
        "endLine": end_line.max(1),
        "endColumn": end_column.max(1),
        "byteOffset": bytes.start,
        "byteLength": bytes.end.saturating_sub(bytes.start),
    })
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A relative path stays relative (resolved against the checkout root, as code
/// scanning does); an absolute one becomes a `file://` URI. Either way every
/// byte outside the URI's unreserved set is percent-encoded.
fn artifact_location(path: &str) -> Value {
    let path = path.strip_prefix("./").unwrap_or(path);
    let bytes = path.as_bytes();
    let is_drive = bytes.len() >= 3
        && bytes[0].is_ascii_alphabetic()
        && bytes[1] == b':'
        && (bytes[2] == b'/' || bytes[2] == b'\\');
    if path.starts_with('/') {
        json!({ "uri": format!("file://{}", encode_path(path)) })
    } else if is_drive {
        let rest = encode_path(&path[2..].replace('\\', "/"));
        json!({ "uri": format!("file:///{}:{rest}", &path[..1]) })
    } else {
        json!({ "uri": encode_path(path), "uriBaseId": "%SRCROOT%" })
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters and `/`.
pub(crate) fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `scarcity/while-supplies-last` → `WhileSuppliesLast`: SARIF wants a name that
/// reads as an identifier, distinct from the opaque id.
fn pascal_case_name(id: &str) -> String {
    let slug = id.rsplit('/').next().unwrap_or(id);
    let name: String = slug
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
                None => String::new(),
            }
        })
        .collect();
    if name.is_empty() {
        id.to_string()
    } else {
        name
    }
}

/// Trims and ends the text with a full stop unless it already ends a sentence
/// (the validator asks that every message does).
fn sentence(text: &str) -> String {
    let text = text.trim();
    if text.is_empty() || text.ends_with(['.', '!', '?']) {
        text.to_string()
    } else {
        format!("{text}.")
    }
}

/// The claim as a fingerprint sees it: case and spacing do not matter, so a
/// re-flowed paragraph keeps the same fingerprint.
fn normalize_claim(matched: &str) -> String {
    matched
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// FNV-1a over rule, path and normalized claim. Hand-written so that the value
/// never changes with the Rust version (std's hasher makes no such promise), and
/// independent of the line, so that edits elsewhere in the file keep it.
fn claim_hash(d: &Diagnostic) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [&*d.rule, d.path.as_str(), &normalize_claim(&d.matched)] {
        for &b in part.as_bytes().iter().chain(&[0u8]) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Category, Label, Suppression};
    use crate::report::test_support::{run, sample};

    fn diag(rule: &str, path: &str, line: usize, matched: &str) -> Diagnostic {
        sample(rule)
            .category(Category::Scarcity)
            .severity(Severity::Warning)
            .path(path)
            .claim(matched, 10, line, 3)
            .message("Scarcity claim without a declared stock")
            .help("Declare offer.stock")
            .references(&["16 CFR 238"])
            .build()
    }

    fn rule_info(id: &str) -> RuleInfo {
        RuleInfo {
            id: id.into(),
            category: Category::Scarcity,
            severity: Severity::Warning,
            summary: "Scarcity claim without a declared stock".into(),
            help: "Declare offer.stock.".into(),
            description: "Why it matters.".into(),
            references: vec!["16 CFR 238".into()],
        }
    }

    fn render_value(diagnostics: &[Diagnostic], rules: &[RuleInfo]) -> Value {
        serde_json::from_str(&run(diagnostics).rules(rules).render(render)).unwrap()
    }

    #[test]
    fn results_point_at_rules_and_regions() {
        let mut d = diag(
            "scarcity/while-supplies-last",
            "copy/my page.md",
            4,
            "while supplies last",
        );
        d.labels.push(Label {
            span: 50..55,
            start: Position { line: 9, column: 1 },
            end: Position { line: 9, column: 6 },
            text: "the footnote".into(),
        });
        let v = render_value(
            &[d],
            &[
                rule_info("hype/best"),
                rule_info("scarcity/while-supplies-last"),
            ],
        );
        let run = &v["runs"][0];
        assert_eq!(v["version"], "2.1.0");
        assert_eq!(
            run["tool"]["driver"]["rules"][1]["name"],
            "WhileSuppliesLast"
        );
        let r = &run["results"][0];
        assert_eq!(r["ruleIndex"], 1);
        assert_eq!(r["level"], "warning");
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "copy/my%20page.md");
        assert_eq!(loc["region"]["startLine"], 4);
        assert_eq!(loc["region"]["endColumn"], 22);
        assert_eq!(loc["region"]["snippet"]["text"], "while supplies last");
        assert_eq!(r["relatedLocations"][0]["message"]["text"], "the footnote.");
        assert_eq!(r["suppressions"], json!([]));
        assert_eq!(
            r["message"]["text"],
            "Scarcity claim without a declared stock. Declare offer.stock."
        );
    }

    #[test]
    fn fingerprints_ignore_the_line_but_count_repeats() {
        let a = diag("r/x", "a.md", 4, "Only 3 left");
        let b = diag("r/x", "a.md", 40, "only  3 left");
        let v1 = render_value(std::slice::from_ref(&a), &[]);
        let v2 = render_value(std::slice::from_ref(&b), &[]);
        let fp = |v: &Value, i: usize| {
            v["runs"][0]["results"][i]["partialFingerprints"][FINGERPRINT_KEY].clone()
        };
        assert_eq!(fp(&v1, 0), fp(&v2, 0));
        let both = render_value(&[a, b], &[]);
        assert_ne!(fp(&both, 0), fp(&both, 1));
        // Unknown rules are added to the driver so ruleIndex stays valid.
        assert_eq!(both["runs"][0]["tool"]["driver"]["rules"][0]["id"], "r/x");
    }

    #[test]
    fn suppressed_findings_carry_their_justification() {
        let mut d = diag("r/x", "/abs/dir/a b.md", 1, "x");
        d.suppressed = Some(Box::new(Suppression {
            justification: "Legal approved, MKT-481".into(),
        }));
        let v = render_value(&[d], &[]);
        let r = &v["runs"][0]["results"][0];
        assert_eq!(r["suppressions"][0]["kind"], "inSource");
        assert_eq!(
            r["suppressions"][0]["justification"],
            "Legal approved, MKT-481"
        );
        assert_eq!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "file:///abs/dir/a%20b.md"
        );

        // A comment without a reason waives the finding but justifies nothing.
        let mut d = diag("r/x", "a.md", 1, "x");
        d.suppressed = Some(Box::new(Suppression {
            justification: String::new(),
        }));
        let v = render_value(&[d], &[]);
        assert_eq!(
            v["runs"][0]["results"][0]["suppressions"],
            json!([{ "kind": "inSource" }])
        );
    }

    /// The log as serde_json prints it whole: `$schema` and `version` first,
    /// below them every object's keys in alphabetical order.
    fn printed_whole(streamed: &str) -> String {
        #[derive(serde::Serialize)]
        struct Log<'a> {
            #[serde(rename = "$schema")]
            schema: &'a Value,
            version: &'a Value,
            runs: &'a Value,
        }
        let v: Value = serde_json::from_str(streamed).unwrap();
        let log = Log {
            schema: &v["$schema"],
            version: &v["version"],
            runs: &v["runs"],
        };
        serde_json::to_string_pretty(&log).unwrap() + "\n"
    }

    #[test]
    fn streamed_log_has_the_bytes_serde_json_prints() {
        let mut waived = diag("hype/best", "b.md", 2, "best \"ever\"");
        waived.suppressed = Some(Box::new(Suppression {
            justification: "Approved".into(),
        }));
        let mut labelled = diag("scarcity/while-supplies-last", "a.md", 1, "while\tsupplies");
        labelled.labels.push(Label {
            span: 50..55,
            start: Position { line: 9, column: 1 },
            end: Position { line: 9, column: 6 },
            text: "line\nbreak".into(),
        });
        let findings = [
            labelled,
            diag("meta/x", "a.md", 3, "x"),
            waived,
            diag("r/y", "c.md", 1, "y"),
        ];
        let rules = [
            rule_info("hype/best"),
            rule_info("scarcity/while-supplies-last"),
        ];
        for (findings, rules) in [
            (&findings[..], &rules[..]),
            (&[][..], &rules[..]),
            (&[][..], &[][..]),
        ] {
            let streamed = run(findings).rules(rules).render(render);
            assert_eq!(streamed, printed_whole(&streamed));
        }
        // Rules only findings name join the driver in the order first seen.
        let v = render_value(&findings, &rules);
        let driver = &v["runs"][0]["tool"]["driver"]["rules"];
        assert_eq!(driver[2]["id"], "meta/x");
        assert_eq!(driver[3]["id"], "r/y");
        assert_eq!(v["runs"][0]["results"][3]["ruleIndex"], 3);
    }

    #[test]
    fn encodes_uris() {
        assert_eq!(encode_path("a/ü #?%.md"), "a/%C3%BC%20%23%3F%25.md");
        assert_eq!(
            artifact_location("C:/x y/a.md")["uri"],
            "file:///C:/x%20y/a.md"
        );
        assert_eq!(artifact_location("./a:b.md")["uri"], "a%3Ab.md");
    }
}
