//! What a piece of copy declares it can back up: front matter `offer` and
//! `evidence`, merged over facts the config assigns by glob.
//!
//! Facts are kept as the YAML tree the user wrote (other keys of a Hugo or
//! Jekyll page are left alone); rules ask for them by dotted path.

use serde_yaml::Value;

use crate::date::Date;
use crate::rules::FactCondition;

/// An `evidence` entry: substantiation for an objective claim.
#[derive(Debug, Clone)]
pub struct Evidence {
    /// The phrase (case-insensitive) or `/regex/` this evidence covers.
    pub claim: String,
    pub source: String,
    pub expires: Option<Date>,
    /// A compiled form of `claim` when it was written as `/regex/`.
    pub pattern: Option<regex::Regex>,
}

impl Evidence {
    /// True when this entry covers a claim found in `sentence`.
    pub fn covers(&self, sentence: &str) -> bool {
        match &self.pattern {
            Some(re) => re.is_match(sentence),
            None => contains_words(sentence, &self.claim),
        }
    }

    pub fn expired(&self, today: Date) -> bool {
        self.expires.is_some_and(|d| d < today)
    }
}

/// Case-insensitive, word-bounded containment of `needle` in `hay`.
pub fn contains_words(hay: &str, needle: &str) -> bool {
    let needle = needle.trim();
    if needle.is_empty() {
        return false;
    }
    let hay_l = hay.to_lowercase();
    let needle_l = needle.to_lowercase();
    let mut from = 0;
    while let Some(i) = hay_l[from..].find(&needle_l) {
        let start = from + i;
        let end = start + needle_l.len();
        let before = hay_l[..start].chars().next_back();
        let after = hay_l[end..].chars().next();
        let first = needle_l.chars().next();
        let last = needle_l.chars().next_back();
        let bounded_start =
            !first.is_some_and(char::is_alphanumeric) || !before.is_some_and(char::is_alphanumeric);
        let bounded_end =
            !last.is_some_and(char::is_alphanumeric) || !after.is_some_and(char::is_alphanumeric);
        if bounded_start && bounded_end {
            return true;
        }
        from = start + needle_l.chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// The facts of one file.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    tree: Value,
    pub evidence: Vec<Evidence>,
}

impl Facts {
    /// Builds facts from a YAML tree (front matter merged over config facts)
    /// plus evidence from a shared registry.
    pub fn new(tree: Value, shared_evidence: &[Evidence]) -> Facts {
        let mut evidence = parse_evidence(tree.get("evidence"));
        evidence.extend(shared_evidence.iter().cloned());
        Facts { tree, evidence }
    }

    /// The value at a dotted path (`offer.stock`), if declared and not null.
    pub fn get(&self, path: &str) -> Option<&Value> {
        let mut node = &self.tree;
        for key in path.split('.') {
            node = node.get(key)?;
        }
        (!node.is_null()).then_some(node)
    }

    pub fn is_declared(&self, path: &str) -> bool {
        self.get(path).is_some()
    }

    /// True when a rule's fact condition holds.
    pub fn satisfies(&self, condition: &FactCondition) -> bool {
        match (&condition.equals, self.get(&condition.path)) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(want), Some(value)) => {
                scalar_text(value).is_some_and(|v| v.eq_ignore_ascii_case(want))
            }
        }
    }

    pub fn date(&self, path: &str) -> Option<Date> {
        self.get(path)
            .and_then(scalar_text)
            .and_then(|s| Date::parse(&s))
    }

    pub fn number(&self, path: &str) -> Option<f64> {
        match self.get(path)? {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s
                .trim()
                .trim_start_matches(['$', '£', '€'])
                .replace(',', "")
                .parse()
                .ok(),
            _ => None,
        }
    }
}

/// A scalar as text (numbers and booleans included), for comparisons.
pub fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Tagged(t) => scalar_text(&t.value),
        _ => None,
    }
}

/// Reads an `evidence:` list; entries without a `claim` are skipped.
pub fn parse_evidence(value: Option<&Value>) -> Vec<Evidence> {
    let Some(Value::Sequence(items)) = value else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| {
            let claim = item.get("claim").and_then(scalar_text)?;
            let source = item.get("source").and_then(scalar_text).unwrap_or_default();
            let expires = item
                .get("expires")
                .and_then(scalar_text)
                .and_then(|s| Date::parse(&s));
            let pattern = claim
                .strip_prefix('/')
                .and_then(|s| s.strip_suffix('/'))
                .and_then(|re| crate::rules::user_regex(re).ok());
            Some(Evidence {
                claim,
                source,
                expires,
                pattern,
            })
        })
        .collect()
}

/// Merges `over` into `base`: mappings merge key by key, anything else replaces.
pub fn merge(base: &mut Value, over: Value) {
    match (base, over) {
        (Value::Mapping(b), Value::Mapping(o)) => {
            for (k, v) in o {
                match b.get_mut(&k) {
                    Some(existing) => merge(existing, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (b, o) => *b = o,
    }
}

/// Converts TOML front matter into the same tree YAML gives.
pub fn from_toml(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::Number(i.into()),
        toml::Value::Float(f) => Value::Number(f.into()),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Sequence(a.into_iter().map(from_toml).collect()),
        toml::Value::Table(t) => Value::Mapping(
            t.into_iter()
                .map(|(k, v)| (Value::String(k), from_toml(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(yaml: &str) -> Facts {
        Facts::new(serde_yaml::from_str(yaml).unwrap(), &[])
    }

    #[test]
    fn dotted_paths_and_conditions() {
        let f = facts("offer:\n  stock: 500\n  ends: 2026-12-31\n  eligible: all\n  since: ~\n");
        assert!(f.is_declared("offer.stock"));
        assert!(!f.is_declared("offer.since"));
        assert_eq!(f.date("offer.ends"), Date::new(2026, 12, 31));
        let cond = FactCondition {
            path: "offer.eligible".into(),
            equals: Some("all".into()),
        };
        assert!(f.satisfies(&cond));
    }

    #[test]
    fn evidence_matches_words() {
        let f = facts("evidence:\n  - claim: fastest\n    source: lab\n  - claim: /no\\.? ?1/\n");
        assert!(f.evidence[0].covers("The fastest router we sell."));
        assert!(!f.evidence[0].covers("Breakfastest"));
        assert!(f.evidence[1].covers("The No. 1 choice"));
    }
}
