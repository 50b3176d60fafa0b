//! Sample findings and runs for the report modules' unit tests.
//!
//! `sample(rule)` starts a finding with plain defaults that each test changes
//! where it matters; `run(&diagnostics)` wraps them in a [`ReportInput`] and
//! renders it with one format's `render` into a string.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::time::Duration;

use super::{ReportInput, RuleInfo};
use crate::diagnostic::{Category, Diagnostic, LineIndex, Position, Severity, Suppression};

/// A finding under construction. Defaults: scarcity, warning, `a.md`, an empty
/// claim at 1:1, empty message and help, no references, labels or waiver.
#[derive(Clone)]
pub(crate) struct SampleFinding(Diagnostic);

/// Starts a finding of `rule`.
pub(crate) fn sample(rule: &str) -> SampleFinding {
    let at = Position { line: 1, column: 1 };
    SampleFinding(Diagnostic {
        rule: rule.into(),
        category: Category::Scarcity,
        severity: Severity::Warning,
        path: "a.md".into(),
        span: 0..0,
        start: at,
        end: at,
        matched: String::new(),
        message: "".into(),
        help: "".into(),
        references: Vec::new().into(),
        labels: vec![],
        suppressed: None,
    })
}

impl SampleFinding {
    pub(crate) fn category(mut self, category: Category) -> Self {
        self.0.category = category;
        self
    }

    pub(crate) fn severity(mut self, severity: Severity) -> Self {
        self.0.severity = severity;
        self
    }

    pub(crate) fn path(mut self, path: &str) -> Self {
        self.0.path = path.into();
        self
    }

    /// A claim on one line: `matched` starts at byte `byte` and at `line`:`column`,
    /// and ends that many bytes and characters later.
    pub(crate) fn claim(mut self, matched: &str, byte: usize, line: usize, column: usize) -> Self {
        self.0.span = byte..byte + matched.len();
        self.0.start = Position { line, column };
        self.0.end = Position {
            line,
            column: column + matched.chars().count(),
        };
        self.0.matched = matched.into();
        self
    }

    /// The claim is the first `needle` in `text`, positioned as the linter would.
    pub(crate) fn found_in(mut self, text: &str, needle: &str) -> Self {
        let start = text.find(needle).unwrap();
        let end = start + needle.len();
        let index = LineIndex::new(text);
        self.0.span = start..end;
        self.0.start = index.position(start);
        self.0.end = index.position(end);
        self.0.matched = needle.into();
        self
    }

    pub(crate) fn message(mut self, message: &str) -> Self {
        self.0.message = message.into();
        self
    }

    pub(crate) fn help(mut self, help: &str) -> Self {
        self.0.help = help.into();
        self
    }

    pub(crate) fn references(mut self, references: &[&str]) -> Self {
        self.0.references = references.iter().map(|r| r.to_string()).collect();
        self
    }

    /// Waived by an inline comment with this reason (may be empty).
    pub(crate) fn waived(mut self, justification: &str) -> Self {
        self.0.suppressed = Some(Box::new(Suppression {
            justification: justification.into(),
        }));
        self
    }

    pub(crate) fn build(self) -> Diagnostic {
        self.0
    }
}

/// One run's input: one file checked, no rules, no sources unless added.
pub(crate) struct SampleRun<'a> {
    diagnostics: &'a [Diagnostic],
    files: usize,
    rules: &'a [RuleInfo],
    sources: BTreeMap<String, String>,
}

pub(crate) fn run(diagnostics: &[Diagnostic]) -> SampleRun<'_> {
    SampleRun {
        diagnostics,
        files: 1,
        rules: &[],
        sources: BTreeMap::new(),
    }
}

impl<'a> SampleRun<'a> {
    pub(crate) fn files(mut self, files: usize) -> Self {
        self.files = files;
        self
    }

    pub(crate) fn rules(mut self, rules: &'a [RuleInfo]) -> Self {
        self.rules = rules;
        self
    }

    pub(crate) fn source(mut self, path: &str, text: &str) -> Self {
        self.sources.insert(path.to_string(), text.to_string());
        self
    }

    /// The report `render` writes for this run, as UTF-8.
    pub(crate) fn render(
        &self,
        render: fn(&ReportInput<'_>, &mut dyn Write) -> io::Result<()>,
    ) -> String {
        let input = ReportInput {
            diagnostics: self.diagnostics,
            files: self.files,
            rules: self.rules,
            sources: &self.sources,
            elapsed: Duration::ZERO,
        };
        let mut out = Vec::new();
        render(&input, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }
}
