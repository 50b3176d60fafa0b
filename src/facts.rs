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
    /// Offer facts whose value cannot mean what the fact means
    /// (`offer.stock: lots`, `offer.ends: next week`). They are dropped, so
    /// they clear nothing; `meta/front-matter-invalid` reports them.
    pub invalid: Vec<InvalidFact>,
}

/// A declared fact that was dropped because of its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidFact {
    /// The key as written under `offer:` (`stock`), or `offer` itself.
    pub key: &'static str,
    pub message: String,
}

/// What each typed offer fact must hold.
#[derive(Clone, Copy)]
enum FactType {
    Date,
    Number,
    Eligibility,
}

const TYPED_OFFER_FACTS: [(&str, FactType); 6] = [
    ("ends", FactType::Date),
    ("regular_price_since", FactType::Date),
    ("stock", FactType::Number),
    ("regular_price", FactType::Number),
    ("later_price", FactType::Number),
    ("eligible", FactType::Eligibility),
];

impl Facts {
    /// Builds facts from a YAML tree (front matter merged over config facts)
    /// plus evidence from a shared registry.
    pub fn new(mut tree: Value, shared_evidence: &[Evidence]) -> Facts {
        let invalid = drop_invalid_offer_facts(&mut tree);
        let mut evidence = parse_evidence(tree.get("evidence"));
        evidence.extend(shared_evidence.iter().cloned());
        Facts {
            tree,
            evidence,
            invalid,
        }
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
            Value::String(s) => parse_amount(s),
            _ => None,
        }
    }
}

/// Removes typed offer facts whose values do not parse, and says why.
fn drop_invalid_offer_facts(tree: &mut Value) -> Vec<InvalidFact> {
    let mut invalid = Vec::new();
    let Some(offer) = tree.get_mut("offer") else {
        return invalid;
    };
    let Value::Mapping(map) = offer else {
        if !offer.is_null() {
            invalid.push(InvalidFact {
                key: "offer",
                message: "`offer` must be a mapping of keys such as `ends:` and `stock:`"
                    .to_string(),
            });
            *offer = Value::Null;
        }
        return invalid;
    };
    for (key, kind) in TYPED_OFFER_FACTS {
        let Some(value) = map.get(key) else { continue };
        if value.is_null() {
            continue;
        }
        let text = scalar_text(value);
        let ok = match kind {
            FactType::Date => text.as_deref().and_then(Date::parse).is_some(),
            FactType::Number => match value {
                Value::Number(n) => n.as_f64().is_some_and(|f| f.is_finite() && f >= 0.0),
                _ => text.as_deref().and_then(parse_amount).is_some(),
            },
            FactType::Eligibility => text.as_deref().is_some_and(|t| {
                t.eq_ignore_ascii_case("all") || t.eq_ignore_ascii_case("new-customers")
            }),
        };
        if !ok {
            let shown = text.unwrap_or_else(|| "a list or mapping".to_string());
            let want = match kind {
                FactType::Date => "a date (YYYY-MM-DD)",
                FactType::Number => "a number",
                FactType::Eligibility => "`all` or `new-customers`",
            };
            invalid.push(InvalidFact {
                key,
                message: format!("offer.{key} is `{shown}`, not {want}; it is ignored"),
            });
            map.remove(key);
        }
    }
    invalid
}

/// A non-negative amount written as text: `79`, `1,299.00`, `$79`.
fn parse_amount(text: &str) -> Option<f64> {
    text.trim()
        .trim_start_matches(['$', '£', '€'])
        .replace(',', "")
        .parse::<f64>()
        .ok()
        .filter(|f| f.is_finite() && *f >= 0.0)
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
    fn offer_facts_of_the_wrong_type_are_dropped_and_reported() {
        let f = facts(
            "offer:\n  stock: lots\n  ends: next week\n  regular_price: $79\n  eligible: everyone\n",
        );
        assert!(!f.is_declared("offer.stock"));
        assert!(!f.is_declared("offer.ends"));
        assert_eq!(f.number("offer.regular_price"), Some(79.0));
        let keys: Vec<_> = f.invalid.iter().map(|i| i.key).collect();
        assert_eq!(keys, ["ends", "stock", "eligible"]);
        assert_eq!(facts("offer: yes\n").invalid[0].key, "offer");
        assert!(
            facts("offer:\n  stock: 0\n  ends: 2026-01-31\n")
                .invalid
                .is_empty()
        );
    }

    #[test]
    fn evidence_matches_words() {
        let f = facts("evidence:\n  - claim: fastest\n    source: lab\n  - claim: /no\\.? ?1/\n");
        assert!(f.evidence[0].covers("The fastest router we sell."));
        assert!(!f.evidence[0].covers("Breakfastest"));
        assert!(f.evidence[1].covers("The No. 1 choice"));
    }
}
