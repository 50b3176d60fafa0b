//! Lints one file: source → facts → engine → per-file ignores → suppression
//! → diagnostics with positions. Owns no I/O beyond what the caller hands in.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::GlobSet;
use serde_yaml::Value;

use crate::config::{FactsByGlob, relative_to};
use crate::diagnostic::{Diagnostic, Label, LineIndex, SharedStr, Suppression};
use crate::engine::{Engine, Finding};
use crate::facts::{Evidence, Facts};
use crate::rules::Checker;
use crate::source::{self, Kind, ProseBuilder};
use crate::suppress::Suppressions;

/// The engine plus everything the config says about particular files.
pub struct Linter {
    pub engine: Engine,
    pub facts_by_glob: FactsByGlob,
    pub shared_evidence: Vec<Evidence>,
    /// Rules or categories to drop for files matching each glob set.
    pub per_file_ignores: Vec<(GlobSet, Vec<String>)>,
    /// The folder per-file globs are relative to.
    pub root: PathBuf,
    /// Each engine rule's texts, made once and shared by all its findings.
    texts: Vec<RuleTexts>,
}

/// The texts every finding of one rule carries.
struct RuleTexts {
    id: SharedStr,
    message: SharedStr,
    help: SharedStr,
    references: Arc<[String]>,
}

impl Linter {
    pub fn new(engine: Engine) -> Linter {
        let texts = engine
            .rules()
            .iter()
            .map(|r| RuleTexts {
                id: SharedStr::from(r.id.as_str()),
                message: SharedStr::from(r.message.as_str()),
                help: SharedStr::from(r.help.as_str()),
                references: Arc::from(r.references.as_slice()),
            })
            .collect();
        Linter {
            engine,
            texts,
            facts_by_glob: FactsByGlob::default(),
            shared_evidence: Vec::new(),
            per_file_ignores: Vec::new(),
            root: PathBuf::from("."),
        }
    }

    /// Lints `text`, read from `path` (used for config globs) and reported as `display`.
    pub fn lint(
        &self,
        path: &Path,
        display: &str,
        text: &str,
        kind: Kind,
        builder: &mut ProseBuilder,
    ) -> Vec<Diagnostic> {
        let doc = source::read(text, kind, builder);
        let mut tree = self.facts_by_glob.for_path(path).unwrap_or(Value::Null);
        if let Some(Some(value)) = doc.front_matter.as_ref().map(|f| f.value.clone()) {
            crate::facts::merge(&mut tree, value);
        }
        let facts = Facts::new(tree, &self.shared_evidence);
        let mut findings = self.engine.check(text, &doc, &facts);
        builder.recycle(doc.prose);
        self.drop_per_file_ignores(path, &mut findings);
        let has_directives = text.contains("claimlint-");
        if findings.is_empty() && !has_directives {
            return Vec::new();
        }
        let index = LineIndex::new(text);
        // Only a file with directives can waive anything.
        let mut waived = Vec::new();
        if has_directives {
            waived = vec![None; findings.len()];
            let mut suppressions = Suppressions::new(text, &index);
            for (i, f) in findings.iter().enumerate() {
                let rule = &self.engine.rules()[f.rule];
                if let Some(d) = suppressions.waive(&rule.id, rule.category.as_str(), f.span.start)
                {
                    waived[i] = Some(Suppression {
                        justification: d.reason.clone().unwrap_or_default(),
                    });
                }
            }
            let without_reason = self.engine.checker_rule(Checker::SuppressionWithoutReason);
            let unused = self.engine.checker_rule(Checker::UnusedSuppression);
            for (d, used) in suppressions.directives.iter().zip(&suppressions.used) {
                let is_waiver = d.kind != crate::suppress::DirectiveKind::Enable;
                if let Some(rule) = without_reason.filter(|_| is_waiver && d.reason.is_none()) {
                    findings.push(meta(rule, d.span.clone()));
                    waived.push(None);
                }
                if let Some(rule) = unused.filter(|_| is_waiver && !used) {
                    findings.push(meta(rule, d.span.clone()));
                    waived.push(None);
                }
            }
        }
        // Converted one by one from a reversed list, so that the findings'
        // memory is given back as the diagnostics take its place: a file with
        // a million findings then never holds both lists whole.
        findings.reverse();
        waived.reverse();
        let mut out = Vec::with_capacity(findings.len());
        // One copy of the path for all of the file's findings.
        let path = SharedStr::from(display);
        while let Some(f) = findings.pop() {
            let suppressed = waived.pop().flatten();
            out.push(self.diagnostic(&path, text, &index, f, suppressed));
            if findings.len() < findings.capacity() / 2
                && findings.capacity() * std::mem::size_of::<Finding>() > SHRINK_ABOVE
            {
                findings.shrink_to_fit();
                waived.shrink_to_fit();
            }
        }
        out
    }

    fn drop_per_file_ignores(&self, path: &Path, findings: &mut Vec<Finding>) {
        if self.per_file_ignores.is_empty() {
            return;
        }
        let rel = relative_to(path, &self.root);
        let ignored: Vec<&String> = self
            .per_file_ignores
            .iter()
            .filter(|(set, _)| set.is_match(&rel))
            .flat_map(|(_, targets)| targets)
            .collect();
        if ignored.is_empty() {
            return;
        }
        let rules = self.engine.rules();
        findings.retain(|f| {
            let rule = &rules[f.rule];
            !ignored
                .iter()
                .any(|t| crate::selection::matches_target(t, &rule.id, rule.category))
        });
    }

    fn diagnostic(
        &self,
        path: &SharedStr,
        text: &str,
        index: &LineIndex<'_>,
        f: Finding,
        suppressed: Option<Suppression>,
    ) -> Diagnostic {
        let rule = &self.engine.rules()[f.rule];
        let texts = &self.texts[f.rule];
        let message = match &f.detail {
            Some(detail) => SharedStr::from(format!("{} ({detail})", texts.message)),
            None => texts.message.clone(),
        };
        let span = f.span.start.min(text.len())..f.span.end.min(text.len());
        Diagnostic {
            rule: texts.id.clone(),
            category: rule.category,
            severity: rule.severity,
            path: path.clone(),
            start: index.position(span.start),
            end: index.position(span.end),
            matched: text.get(span.clone()).unwrap_or_default().to_string(),
            span,
            message,
            help: texts.help.clone(),
            references: Arc::clone(&texts.references),
            labels: f
                .labels
                .into_iter()
                .map(|(span, label)| Label {
                    start: index.position(span.start),
                    end: index.position(span.end),
                    span,
                    text: label,
                })
                .collect(),
            // Boxed: most findings are not waived, and each one is kept to
            // the end of the run.
            suppressed: suppressed.map(Box::new),
        }
    }
}

/// Bytes of findings above which their list is shrunk while it is converted.
const SHRINK_ABOVE: usize = 1 << 20;

fn meta(rule: usize, span: std::ops::Range<usize>) -> Finding {
    Finding {
        rule,
        span,
        labels: Vec::new(),
        detail: None,
    }
}
