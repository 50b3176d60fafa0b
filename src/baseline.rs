//! Baselines for adopting claimlint on copy that already has findings.
//!
//! `claimlint baseline` records, per file and per rule, how many active
//! (not waived) findings there are now. `check --baseline FILE` then keeps a
//! (file, rule) pair's findings only when the pair has more findings than the
//! baseline allows; it then reports *all* of that pair's findings, because a
//! count cannot say which of them is the new one (oxlint and ruff-style tools do
//! the same). Counts rather than positions or texts mean that editing a
//! paragraph, moving it or fixing a typo next to a claim never breaks the
//! baseline; adding one more claim of the same rule to the file does.
//!
//! Paths in the file are relative to the folder the baseline file is in, with
//! `/` separators, so the same baseline works from any working folder.
//!
//! The format, sorted by path then rule:
//! `{"version": 1, "files": {"site/a.md": {"urgency/limited-time": 2}}}`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;

/// Counts per file key, per rule id.
pub type Counts = BTreeMap<String, BTreeMap<String, usize>>;

#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub files: Counts,
}

impl Baseline {
    pub const VERSION: u32 = 1;

    /// Parses a baseline file's text; the error says what is wrong in plain words.
    pub fn parse(text: &str) -> Result<Baseline, String> {
        let baseline: Baseline = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if baseline.version != Baseline::VERSION {
            return Err(format!(
                "unsupported baseline version {} (this claimlint reads version {})",
                baseline.version,
                Baseline::VERSION
            ));
        }
        Ok(baseline)
    }

    /// A baseline of exactly these counts (zero counts left out).
    pub fn from_counts(mut files: Counts) -> Baseline {
        for rules in files.values_mut() {
            rules.retain(|_, n| *n > 0);
        }
        files.retain(|_, rules| !rules.is_empty());
        Baseline {
            version: Baseline::VERSION,
            files,
        }
    }

    /// The file's text: pretty JSON, keys sorted, a final newline.
    pub fn to_json(&self) -> String {
        let mut text =
            serde_json::to_string_pretty(self).expect("maps of strings and numbers serialise");
        text.push('\n');
        text
    }

    /// The number of findings allowed for `rule` in the file `key`.
    pub fn allowed(&self, key: &str, rule: &str) -> usize {
        self.files
            .get(key)
            .and_then(|rules| rules.get(rule))
            .copied()
            .unwrap_or(0)
    }

    /// Drops the active findings of every (file, rule) pair whose count is
    /// within the baseline. Waived findings are left as they are. Returns how
    /// many findings were dropped.
    pub fn filter(&self, diagnostics: &mut Vec<Diagnostic>, keys: &mut PathKeys) -> usize {
        let current = count(diagnostics, keys);
        let before = diagnostics.len();
        diagnostics.retain(|d| {
            if d.suppressed.is_some() {
                return true;
            }
            let key = keys.key(&d.path);
            let now = current
                .get(&key)
                .and_then(|r| r.get(&*d.rule))
                .copied()
                .unwrap_or(0);
            now > self.allowed(&key, &d.rule)
        });
        before - diagnostics.len()
    }

    /// Lowers counts to the current ones, never raises them, and removes
    /// entries that reach zero. Only entries the run could see are touched:
    /// files in `checked` (or files that no longer exist) and rules in `active`,
    /// so pruning after a run over part of the tree, or with `--select`, keeps
    /// the rest. Returns how many counts changed.
    pub fn prune(
        &mut self,
        current: &Counts,
        checked: &BTreeSet<String>,
        active: &BTreeSet<String>,
        base_dir: &Path,
    ) -> usize {
        let mut changed = 0;
        for (key, rules) in self.files.iter_mut() {
            let seen = checked.contains(key) || !base_dir.join(key).exists();
            if !seen {
                continue;
            }
            for (rule, n) in rules.iter_mut() {
                if !active.contains(rule) && base_dir.join(key).exists() {
                    continue;
                }
                let now = current
                    .get(key)
                    .and_then(|r| r.get(rule))
                    .copied()
                    .unwrap_or(0);
                if now < *n {
                    *n = now;
                    changed += 1;
                }
            }
            rules.retain(|_, n| *n > 0);
        }
        self.files.retain(|_, rules| !rules.is_empty());
        changed
    }
}

/// Active findings counted per file key and rule.
pub fn count(diagnostics: &[Diagnostic], keys: &mut PathKeys) -> Counts {
    let mut counts = Counts::new();
    for d in diagnostics.iter().filter(|d| d.suppressed.is_none()) {
        *counts
            .entry(keys.key(&d.path))
            .or_default()
            .entry(d.rule.to_string())
            .or_default() += 1;
    }
    counts
}

/// Turns reported paths (relative to the working folder, as the user named
/// them) into keys relative to the baseline file's folder.
pub struct PathKeys {
    cwd: PathBuf,
    base: PathBuf,
    cache: HashMap<String, String>,
}

impl PathKeys {
    /// Keys relative to `base_dir` (made absolute and resolved here).
    pub fn new(base_dir: &Path) -> PathKeys {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let base = resolve(&cwd, base_dir);
        PathKeys {
            cwd,
            base,
            cache: HashMap::new(),
        }
    }

    pub fn base(&self) -> &Path {
        &self.base
    }

    /// The key of a reported path: relative to the base folder when inside
    /// it, else the path as reported.
    pub fn key(&mut self, shown: &str) -> String {
        if let Some(k) = self.cache.get(shown) {
            return k.clone();
        }
        let full = resolve(&self.cwd, Path::new(shown));
        let key = match full.strip_prefix(&self.base) {
            Ok(rel) => slash_path(rel),
            Err(_) => shown.to_string(),
        };
        self.cache.insert(shown.to_string(), key.clone());
        key
    }
}

/// `path` made absolute against `cwd`: symlinks resolved when it exists,
/// else `.` and `..` removed lexically.
pub fn resolve(cwd: &Path, path: &Path) -> PathBuf {
    let joined = cwd.join(path);
    if let Ok(real) = joined.canonicalize() {
        return real;
    }
    // A path that does not exist (a --stdin-filename): resolve its nearest
    // existing ancestor, then append the rest.
    let mut out = PathBuf::new();
    for part in joined.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    let mut tail = Vec::new();
    let mut head = out.as_path();
    while let Some(parent) = head.parent() {
        if let Ok(real) = head.canonicalize() {
            let mut p = real;
            p.extend(tail.iter().rev());
            return p;
        }
        if let Some(name) = head.file_name() {
            tail.push(name.to_owned());
        }
        head = parent;
    }
    out
}

/// A relative path with `/` separators.
pub fn slash_path(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(entries: &[(&str, &str, usize)]) -> Counts {
        let mut c = Counts::new();
        for (f, r, n) in entries {
            c.entry(f.to_string())
                .or_default()
                .insert(r.to_string(), *n);
        }
        c
    }

    #[test]
    fn round_trips_sorted_json() {
        let b = Baseline::from_counts(counts(&[("b.md", "x/y", 2), ("a.md", "z/w", 0)]));
        let text = b.to_json();
        assert_eq!(
            text,
            "{\n  \"version\": 1,\n  \"files\": {\n    \"b.md\": {\n      \"x/y\": 2\n    }\n  }\n}\n"
        );
        assert_eq!(Baseline::parse(&text).unwrap(), b);
    }

    #[test]
    fn rejects_other_versions_and_shapes() {
        assert!(Baseline::parse("{\"version\":2,\"files\":{}}").is_err());
        assert!(Baseline::parse("{\"files\":{}}").is_err());
        assert!(Baseline::parse("{\"version\":1,\"files\":{\"a\":{\"r\":-1}}}").is_err());
        assert!(Baseline::parse("[]").is_err());
    }

    #[test]
    fn prune_lowers_and_removes_but_never_raises() {
        let dir = std::env::temp_dir();
        let mut b = Baseline::from_counts(counts(&[
            ("gone-for-sure-claimlint.md", "r/a", 3),
            ("kept.md", "r/a", 3),
            ("kept.md", "r/b", 1),
            ("other.md", "r/a", 5),
        ]));
        let current = counts(&[("kept.md", "r/a", 1), ("kept.md", "r/c", 9)]);
        let checked: BTreeSet<String> = ["kept.md".to_string()].into();
        let active: BTreeSet<String> = ["r/a", "r/b", "r/c"].map(String::from).into();
        b.prune(&current, &checked, &active, &dir);
        // kept.md: r/a lowered to 1, r/b gone, r/c not added; other.md was
        // not checked and does not exist, so it goes; the missing file goes too.
        assert_eq!(b.files, counts(&[("kept.md", "r/a", 1)]));
    }
}
