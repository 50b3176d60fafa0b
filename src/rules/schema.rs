//! The YAML shape of a rule pack, exactly as users write it.
//!
//! Deserialisation is strict (`deny_unknown_fields`) so a typo in a key is an
//! error with a position, never a silently ignored condition. Meaning (known
//! categories, valid regexes, unique ids) is checked in [`super::load`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PackFile {
    pub rules: Vec<RuleSpec>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub id: String,
    pub category: String,
    pub severity: String,
    pub message: String,
    pub help: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub references: Vec<String>,
    #[serde(default)]
    pub phrases: Vec<String>,
    #[serde(default)]
    pub patterns: Vec<String>,
    #[serde(default)]
    pub exceptions: Vec<String>,
    #[serde(default)]
    pub when: Option<ContextSpec>,
    #[serde(default)]
    pub unless: Option<UnlessSpec>,
    #[serde(default)]
    pub checker: Option<String>,
    #[serde(default)]
    pub jurisdictions: BTreeMap<String, JurisdictionSpec>,
    #[serde(default)]
    pub examples: Option<ExamplesSpec>,
}

/// Regexes looked for around a claim.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ContextSpec {
    #[serde(default)]
    pub nearby: Vec<String>,
    #[serde(default)]
    pub within: Option<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UnlessSpec {
    #[serde(default)]
    pub facts: Vec<String>,
    #[serde(default)]
    pub nearby: Vec<String>,
    #[serde(default)]
    pub within: Option<String>,
    #[serde(default)]
    pub evidence: bool,
    /// `nearby` also clears the claim when it matches in the footnote the
    /// claim's mark leads to (a basis given in small print).
    #[serde(default)]
    pub footnotes: bool,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct JurisdictionSpec {
    #[serde(default)]
    pub severity: Option<String>,
    #[serde(default)]
    pub off: bool,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ExamplesSpec {
    #[serde(default)]
    pub bad: Vec<String>,
    #[serde(default)]
    pub good: Vec<String>,
}

/// One regex matching any of `list`: how a rule's `nearby` list (and each
/// exception, alone) is compiled. Shared with `build.rs`, which prebuilds
/// these regexes and must name them exactly as the loader does.
pub fn any_of(list: &[String]) -> String {
    list.iter()
        .map(|p| format!("(?:{p})"))
        .collect::<Vec<_>>()
        .join("|")
}

/// The byte offset of a rule's `id:` value in a pack's `text`, searched from
/// `from` (falling back to `from`). Shared with `build.rs`, which records the
/// bundled packs' offsets so the loader need not search their text.
pub fn locate_id(text: &str, id: &str, from: usize) -> usize {
    let rest = &text[from.min(text.len())..];
    rest.find(id).map_or(from, |i| from + i)
}
