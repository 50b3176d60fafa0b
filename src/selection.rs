//! `--select` / `--ignore` / per-file ignores: which rules a target names.

use crate::diagnostic::Category;
use crate::rules::Rule;

/// True when `target` (a rule id, a category, or an id prefix such as `hype`) names the rule.
pub fn matches_target(target: &str, id: &str, category: Category) -> bool {
    target == id
        || target == category.as_str()
        || id
            .strip_prefix(target)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Splits repeatable, comma-separated flag values into targets.
pub fn split_targets<S: AsRef<str>>(values: &[S]) -> Vec<String> {
    values
        .iter()
        .flat_map(|v| v.as_ref().split(','))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// The first target that names no loaded rule and no category, if any.
pub fn unknown_target<'t>(targets: &'t [String], rules: &[Rule]) -> Option<&'t str> {
    targets
        .iter()
        .find(|t| {
            Category::parse(t).is_none()
                && !rules.iter().any(|r| matches_target(t, &r.id, r.category))
        })
        .map(String::as_str)
}

/// Keeps the rules that `select` names (all when empty) and `ignore` does not.
pub fn apply(rules: Vec<Rule>, select: &[String], ignore: &[String]) -> Vec<Rule> {
    rules
        .into_iter()
        .filter(|r| {
            let selected = select.is_empty()
                || select.iter().any(|t| matches_target(t, &r.id, r.category))
                // claimlint's own housekeeping stays on unless ignored by name.
                || r.category == Category::Meta;
            selected && !ignore.iter().any(|t| matches_target(t, &r.id, r.category))
        })
        .collect()
}
