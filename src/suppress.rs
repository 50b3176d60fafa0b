//! Inline suppression comments, and the findings they waive.
//!
//! ```text
//! <!-- claimlint-disable-next-line RULE-ID -- reason -->
//! <!-- claimlint-disable RULE-ID -- reason --> … <!-- claimlint-enable RULE-ID -->
//! ```
//! A target is a rule id, a category, or a comma list of them; none means every
//! rule. Directives are read from the raw file, so they work in Markdown,
//! HTML and plain text alike. A waived finding is kept, marked, so reports
//! that carry waivers (SARIF) can show them.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::diagnostic::LineIndex;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectiveKind {
    NextLine,
    Disable,
    Enable,
}

/// One suppression comment.
#[derive(Debug, Clone)]
pub struct Directive {
    pub kind: DirectiveKind,
    /// Rule ids or categories; empty means every rule.
    pub targets: Vec<String>,
    pub reason: Option<String>,
    /// The whole comment.
    pub span: Range<usize>,
}

impl Directive {
    /// True when this directive names the rule (by id, category or pack prefix).
    pub fn covers(&self, rule: &str, category: &str) -> bool {
        self.targets.is_empty()
            || self.targets.iter().any(|t| {
                t == rule
                    || t == category
                    || rule
                        .strip_prefix(t.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            })
    }
}

static DIRECTIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?s)<!--\s*claimlint-(disable-next-line|disable|enable)\b(.*?)-->")
        .expect("a fixed, valid regex")
});

/// Every directive in `text`, in order.
pub fn parse(text: &str) -> Vec<Directive> {
    if !text.contains("claimlint-") {
        return Vec::new();
    }
    DIRECTIVE
        .captures_iter(text)
        .map(|caps| {
            let kind = match &caps[1] {
                "disable-next-line" => DirectiveKind::NextLine,
                "disable" => DirectiveKind::Disable,
                _ => DirectiveKind::Enable,
            };
            let body = caps[2].trim();
            let (targets, reason) = match body.split_once("--") {
                Some((t, r)) => (t, Some(r.trim().to_string()).filter(|r| !r.is_empty())),
                None => (body, None),
            };
            let targets = targets
                .split([',', ' '])
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect();
            Directive {
                kind,
                targets,
                reason,
                span: caps.get(0).expect("group 0 always exists").range(),
            }
        })
        .collect()
}

/// Where each directive applies, resolved against line numbers.
pub struct Suppressions {
    pub directives: Vec<Directive>,
    /// Per directive: the byte range it covers.
    ranges: Vec<Range<usize>>,
    /// Per directive: whether it waived anything.
    pub used: Vec<bool>,
}

impl Suppressions {
    pub fn new(text: &str, index: &LineIndex<'_>) -> Suppressions {
        let directives = parse(text);
        let mut ranges = vec![0..0; directives.len()];
        let mut open: Vec<usize> = Vec::new();
        for (i, d) in directives.iter().enumerate() {
            match d.kind {
                DirectiveKind::NextLine => {
                    let line = index.line_of(d.span.end.saturating_sub(1)) + 1;
                    ranges[i] = index.line_range(line).unwrap_or(text.len()..text.len());
                }
                DirectiveKind::Disable => {
                    ranges[i] = d.span.end..text.len();
                    open.push(i);
                }
                DirectiveKind::Enable => {
                    open.retain(|&j| {
                        let closes = d.targets.is_empty()
                            || directives[j].targets.is_empty()
                            || directives[j].targets.iter().any(|t| d.targets.contains(t));
                        if closes {
                            ranges[j].end = d.span.start;
                        }
                        !closes
                    });
                }
            }
        }
        let used = vec![false; directives.len()];
        Suppressions {
            directives,
            ranges,
            used,
        }
    }

    /// The directive that waives a finding of `rule` starting at byte `at`, if any.
    pub fn waive(&mut self, rule: &str, category: &str, at: usize) -> Option<&Directive> {
        let i = (0..self.directives.len()).find(|&i| {
            let d = &self.directives[i];
            d.kind != DirectiveKind::Enable
                && self.ranges[i].contains(&at)
                && d.covers(rule, category)
        })?;
        self.used[i] = true;
        Some(&self.directives[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_targets_and_reasons() {
        let d =
            parse("<!-- claimlint-disable-next-line hype/best, urgency -- Legal OK, MKT-481 -->");
        assert_eq!(d[0].kind, DirectiveKind::NextLine);
        assert_eq!(d[0].targets, vec!["hype/best", "urgency"]);
        assert_eq!(d[0].reason.as_deref(), Some("Legal OK, MKT-481"));
        let d = parse("<!-- claimlint-disable -->");
        assert!(d[0].targets.is_empty() && d[0].reason.is_none());
    }

    #[test]
    fn covers_by_id_category_and_prefix() {
        let d = &parse("<!-- claimlint-disable-next-line scarcity -- ok -->")[0];
        assert!(d.covers("scarcity/while-supplies-last", "scarcity"));
        assert!(!d.covers("urgency/limited-time", "urgency"));
    }
}
