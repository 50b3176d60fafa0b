//! Rule examples as tests: every `bad` example must fire its rule and every
//! `good` example must not (`claimlint test`, and the test suite).

use std::path::Path;

use crate::engine::{Engine, Settings};
use crate::lint::Linter;
use crate::rules::Rule;
use crate::source::{Kind, ProseBuilder};

/// An example that does not behave as its rule says.
#[derive(Debug, Clone)]
pub struct ExampleFailure {
    pub rule: String,
    pub origin: String,
    /// `bad` (should fire but did not) or `good` (fired but should not).
    pub kind: &'static str,
    pub text: String,
    /// The rules that did fire on it.
    pub fired: Vec<String>,
}

/// Runs every example of every rule against all `rules` together.
/// Returns the number of examples checked and the failures.
pub fn run(rules: Vec<Rule>, settings: Settings) -> (usize, Vec<ExampleFailure>) {
    let linter = Linter::new(Engine::new(rules, settings));
    let mut builder = ProseBuilder::new();
    let mut checked = 0;
    let mut failures = Vec::new();
    for rule in linter.engine.rules() {
        let cases = rule
            .bad_examples
            .iter()
            .map(|e| ("bad", e))
            .chain(rule.good_examples.iter().map(|e| ("good", e)));
        for (kind, text) in cases {
            checked += 1;
            let found = linter.lint(
                Path::new("example.md"),
                "example.md",
                text,
                Kind::Markdown,
                &mut builder,
            );
            let fired: Vec<String> = found
                .iter()
                .filter(|d| d.suppressed.is_none())
                .map(|d| d.rule.to_string())
                .collect();
            let hit = fired.contains(&rule.id);
            if (kind == "bad") != hit {
                failures.push(ExampleFailure {
                    rule: rule.id.clone(),
                    origin: rule.origin.clone(),
                    kind,
                    text: text.clone(),
                    fired,
                });
            }
        }
    }
    (checked, failures)
}
