//! `claimlint.yaml`: discovery, strict parsing, and what it resolves to.
//!
//! The config is found once per run (the nearest `claimlint.yaml` or
//! `.claimlint.yaml` from the working directory upward, or `--config`); its
//! globs are relative to the folder it lives in. Command-line flags win.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use serde_yaml::Value;

use crate::error::{Error, FileError};
use crate::rules::Jurisdiction;

/// Names looked for, in order of precedence within one folder.
pub const CONFIG_NAMES: [&str; 2] = ["claimlint.yaml", ".claimlint.yaml"];

/// The file types linted by default.
pub const DEFAULT_EXTENSIONS: [&str; 6] = ["md", "markdown", "mdx", "txt", "html", "htm"];

/// The config file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigFile {
    #[serde(default)]
    pub select: Vec<String>,
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Severity per rule id or category.
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
    #[serde(default)]
    pub fail_on: Option<String>,
    #[serde(default)]
    pub jurisdiction: Option<Jurisdiction>,
    #[serde(default)]
    pub packs: Vec<String>,
    /// Extra rule pack files or folders, relative to the config.
    #[serde(default)]
    pub rules: Vec<String>,
    #[serde(default)]
    pub no_default_rules: bool,
    #[serde(default)]
    pub extensions: Vec<String>,
    #[serde(default)]
    pub include: Vec<String>,
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Per-glob facts: `- files: "news/*.txt"` plus `offer:`/`evidence:` keys.
    #[serde(default)]
    pub facts: Vec<Value>,
    /// A shared evidence registry (`evidence:` list), relative to the config.
    #[serde(default)]
    pub evidence_file: Option<String>,
    #[serde(default)]
    pub seller_focus: Option<SellerFocusConfig>,
    /// US: days a former price must have been charged (default 28).
    #[serde(default)]
    pub reference_days: Option<i64>,
    /// Files larger than this many bytes are skipped with a note.
    #[serde(default)]
    pub max_file_size: Option<u64>,
    /// Rules or categories ignored for files matching a glob.
    #[serde(default)]
    pub per_file_ignores: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Default, Deserialize, Clone, Copy)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SellerFocusConfig {
    pub min_words: Option<usize>,
    pub ratio: Option<f64>,
    pub min_seller_words: Option<usize>,
}

/// A loaded config, with the folder its relative paths start from.
#[derive(Debug, Default)]
pub struct Config {
    pub file: ConfigFile,
    /// The config's path, when there is one.
    pub path: Option<PathBuf>,
    /// The folder globs and relative paths are resolved against.
    pub root: PathBuf,
    /// The config's text, for error positions.
    pub text: String,
}

impl Config {
    /// Finds the nearest config from `start` upward.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        start.ancestors().find_map(|dir| {
            CONFIG_NAMES
                .iter()
                .map(|name| dir.join(name))
                .find(|p| p.is_file())
        })
    }

    pub fn load(path: &Path) -> Result<Config, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let shown = path.to_string_lossy().replace('\\', "/");
        let file: ConfigFile = if text.trim().is_empty() {
            ConfigFile::default()
        } else {
            serde_yaml::from_str(&text).map_err(|e| FileError::from_yaml(&shown, &text, &e))?
        };
        let root = path
            .parent()
            .map(Path::to_path_buf)
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| PathBuf::from("."));
        let config = Config {
            file,
            path: Some(path.to_path_buf()),
            root,
            text,
        };
        config.validate()?;
        Ok(config)
    }

    fn shown_path(&self) -> String {
        self.path
            .as_ref()
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_else(|| "claimlint.yaml".into())
    }

    /// An error pointing at `needle` in the config text.
    pub fn error_at(&self, needle: &str, message: impl Into<String>) -> Error {
        let offset = self.text.find(needle).unwrap_or(0);
        FileError::at(
            &self.shown_path(),
            &self.text,
            offset,
            needle.len().max(1),
            message,
            "here",
        )
        .into()
    }

    fn validate(&self) -> Result<(), Error> {
        for (target, level) in &self.file.severity {
            if crate::diagnostic::Severity::parse(level).is_none() {
                return Err(self.error_at(
                    &format!("{target}: {level}"),
                    format!(
                        "unknown severity `{level}` for `{target}`; use error, warning or info"
                    ),
                ));
            }
        }
        if let Some(level) = &self.file.fail_on
            && !matches!(level.as_str(), "error" | "warning" | "info" | "never")
        {
            return Err(self.error_at(
                &format!("fail-on: {level}"),
                format!("unknown fail-on level `{level}`; use error, warning, info or never"),
            ));
        }
        for glob in self
            .file
            .include
            .iter()
            .chain(&self.file.exclude)
            .chain(self.file.per_file_ignores.keys())
        {
            if let Err(e) = Glob::new(glob) {
                return Err(self.error_at(glob, format!("invalid glob `{glob}`: {e}")));
            }
        }
        for entry in &self.file.facts {
            if files_of(entry).is_none() {
                return Err(self.error_at(
                    "facts:",
                    "each `facts` entry needs a `files:` glob (or list of globs)",
                ));
            }
        }
        Ok(())
    }

    /// The per-glob facts, compiled.
    pub fn facts_by_glob(&self) -> Result<FactsByGlob, Error> {
        let mut entries = Vec::new();
        for entry in &self.file.facts {
            let globs = files_of(entry).unwrap_or_default();
            let mut builder = GlobSetBuilder::new();
            for g in &globs {
                builder.add(
                    Glob::new(g)
                        .map_err(|e| self.error_at(g, format!("invalid glob `{g}`: {e}")))?,
                );
            }
            let set = builder
                .build()
                .map_err(|e| self.error_at("facts:", format!("invalid glob: {e}")))?;
            let mut tree = entry.clone();
            if let Value::Mapping(m) = &mut tree {
                m.remove("files");
            }
            entries.push((set, tree));
        }
        Ok(FactsByGlob {
            root: self.root.clone(),
            entries,
        })
    }

    /// A glob set from a list, relative to the config's folder.
    pub fn glob_set(&self, globs: &[String]) -> Result<GlobSet, Error> {
        let mut builder = GlobSetBuilder::new();
        for g in globs {
            builder.add(
                Glob::new(g).map_err(|e| self.error_at(g, format!("invalid glob `{g}`: {e}")))?,
            );
            // "drafts" or "drafts/" also means everything below it.
            let below = format!("{}/**", g.trim_end_matches('/'));
            if let Ok(glob) = Glob::new(&below) {
                builder.add(glob);
            }
        }
        builder
            .build()
            .map_err(|e| Error::Usage(format!("invalid glob: {e}")))
    }
}

fn files_of(entry: &Value) -> Option<Vec<String>> {
    match entry.get("files")? {
        Value::String(s) => Some(vec![s.clone()]),
        Value::Sequence(items) => Some(
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
        ),
        _ => None,
    }
}

/// Facts the config assigns to files by glob.
#[derive(Debug, Default)]
pub struct FactsByGlob {
    root: PathBuf,
    entries: Vec<(GlobSet, Value)>,
}

impl FactsByGlob {
    /// The merged facts for `path` (every matching entry, in order), if any.
    pub fn for_path(&self, path: &Path) -> Option<Value> {
        if self.entries.is_empty() {
            return None;
        }
        let rel = relative_to(path, &self.root);
        let mut merged: Option<Value> = None;
        for (set, tree) in &self.entries {
            if set.is_match(&rel) {
                match &mut merged {
                    Some(m) => crate::facts::merge(m, tree.clone()),
                    None => merged = Some(tree.clone()),
                }
            }
        }
        merged
    }
}

/// `path` relative to `root` when it lies below it (lexically), else as given.
pub fn relative_to(path: &Path, root: &Path) -> PathBuf {
    // Lexical normalisation: `.` dropped, `..` pops (no file system access per file).
    let clean = |p: &Path| -> PathBuf {
        let mut out = PathBuf::new();
        for c in p.components() {
            match c {
                std::path::Component::CurDir => {}
                std::path::Component::ParentDir => {
                    if !out.pop() {
                        out.push("..");
                    }
                }
                c => out.push(c),
            }
        }
        out
    };
    let abs = |p: &Path| -> PathBuf {
        if p.is_absolute() {
            clean(p)
        } else {
            // Asked once per run, not twice per file: claimlint never changes it.
            static CWD: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
            CWD.get_or_init(|| std::env::current_dir().ok())
                .as_ref()
                .map_or_else(|| clean(p), |d| clean(&d.join(p)))
        }
    };
    let (path_abs, root_abs) = (abs(path), abs(root));
    path_abs
        .strip_prefix(&root_abs)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| clean(path))
}

/// The commented starter written by `claimlint init`.
pub const STARTER: &str = r#"# claimlint configuration. Paths and globs are relative to this file.
# Every key is optional; delete what you do not need.

# Where your copy is sold: us (default), eu or uk. Changes thresholds (EU: a
# reference price must be the lowest of the prior 30 days) and severities.
jurisdiction: us

# Lowest severity that makes `claimlint check` exit 1: error, warning, info or never.
fail-on: warning

# Bundled optional packs to add: green, health, endorsement, guarantee, origin, or all.
packs: []

# Your own rule packs (files or folders of YAML).
rules: []

# Only these rules or categories (empty = all), and rules or categories to drop.
select: []
ignore: []

# Change a rule's or a category's severity.
severity:
  # hype/superlative: info

# File types to lint, and which paths to include or exclude (.gitignore,
# .ignore and .claimlintignore are honoured too).
extensions: [md, markdown, mdx, txt, html, htm]
include: []
exclude:
  - "node_modules"
  - "public"

# Rules or categories ignored for some files only.
per-file-ignores:
  # "legal/**": [hype]

# Facts for files that cannot carry front matter (plain text, HTML).
facts:
  # - files: "newsletters/*.txt"
  #   offer:
  #     ends: 2026-12-31
  #     stock: 500

# A shared list of substantiated claims: a YAML file with an `evidence:` list
# of {claim, source, expires}.
# evidence-file: claims.yaml

# The document-level check for copy that talks about "we/our" more than "you/your".
seller-focus:
  min-words: 60
  ratio: 1.5

# Files larger than this (bytes) are skipped with a note.
max-file-size: 10485760
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starter_parses() {
        let file: ConfigFile = serde_yaml::from_str(STARTER).unwrap();
        assert_eq!(file.jurisdiction, Some(Jurisdiction::Us));
        assert_eq!(file.exclude, vec!["node_modules", "public"]);
    }
}
