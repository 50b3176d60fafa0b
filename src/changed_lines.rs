//! `check --diff-base REV`: keep only findings on lines changed since REV.
//!
//! The changed lines come from `git diff --unified=0 REV` in the repository
//! that holds the linted paths, which compares REV with the working tree (so
//! staged, unstaged and committed changes since REV all count). Files git does
//! not track yet (untracked and not ignored) count as changed throughout, like
//! new files in the diff. Pure deletions mark no line. Renames are followed,
//! so a moved file reports only the lines edited in the move.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::diagnostic::Diagnostic;

use crate::baseline::{resolve, slash_path};

/// The lines of one file that changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lines {
    /// The whole file is new to git.
    All,
    /// 1-based inclusive line ranges, in diff order.
    Ranges(Vec<(usize, usize)>),
}

impl Lines {
    fn intersects(&self, first: usize, last: usize) -> bool {
        match self {
            Lines::All => true,
            Lines::Ranges(ranges) => ranges.iter().any(|&(a, b)| a <= last && first <= b),
        }
    }
}

/// Changed lines per file, keyed by path relative to the repository's top.
pub struct ChangedLines {
    top: PathBuf,
    cwd: PathBuf,
    files: HashMap<String, Lines>,
    keys: HashMap<String, Option<String>>,
}

impl ChangedLines {
    /// Asks git, in the repository that contains `anchor`, what changed since `rev`.
    pub fn collect(rev: &str, anchor: &Path) -> Result<ChangedLines, String> {
        let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
        let anchor = resolve(&cwd, anchor);
        let dir = if anchor.is_dir() {
            anchor.clone()
        } else {
            anchor.parent().map_or(cwd.clone(), Path::to_path_buf)
        };
        let top = git(&dir, &["rev-parse", "--show-toplevel"])?;
        let top = PathBuf::from(top.trim_end_matches(['\n', '\r']));
        let top = top.canonicalize().unwrap_or(top);
        // Check the revision first, so a bad one gets git's own short message.
        git(
            &top,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                "--end-of-options",
                &format!("{rev}^{{commit}}"),
            ],
        )
        .map_err(|e| {
            if e.trim().is_empty() {
                format!("git does not know the revision `{rev}`")
            } else {
                e
            }
        })?;
        let diff = git(
            &top,
            &[
                "-c",
                "core.quotepath=off",
                "diff",
                "--unified=0",
                "--no-color",
                "--no-ext-diff",
                "--no-textconv",
                "--find-renames",
                "--src-prefix=a/",
                "--dst-prefix=b/",
                "--end-of-options",
                rev,
                "--",
            ],
        )?;
        let mut files = parse_diff(&diff);
        let untracked = git(
            &top,
            &[
                "ls-files",
                "-z",
                "--others",
                "--exclude-standard",
                "--full-name",
            ],
        )?;
        for path in untracked.split('\0').filter(|p| !p.is_empty()) {
            files.insert(path.to_string(), Lines::All);
        }
        Ok(ChangedLines {
            top,
            cwd,
            files,
            keys: HashMap::new(),
        })
    }

    /// True when the finding's lines touch a changed line of its file.
    pub fn keeps(&mut self, d: &Diagnostic) -> bool {
        let key = self
            .keys
            .entry(d.path.to_string())
            .or_insert_with(|| {
                resolve(&self.cwd, Path::new(d.path.as_str()))
                    .strip_prefix(&self.top)
                    .ok()
                    .map(slash_path)
            })
            .clone();
        let Some(lines) = key.and_then(|k| self.files.get(&k)) else {
            return false;
        };
        let first = d.start.line;
        // The end position is just past the claim: a claim that ends with its
        // line's newline ends on the line before.
        let last = if d.end.line > first && d.end.column == 1 {
            d.end.line - 1
        } else {
            d.end.line.max(first)
        };
        lines.intersects(first, last)
    }
}

/// Runs git in `dir`; its stderr becomes the error.
fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("could not run git: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
    }
    String::from_utf8(out.stdout).map_err(|_| "git printed output that is not UTF-8".to_string())
}

/// Parses `git diff --unified=0` output into the new side's changed lines per file.
pub fn parse_diff(text: &str) -> HashMap<String, Lines> {
    let mut files: HashMap<String, Lines> = HashMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("+++ ") {
            current = if rest == "/dev/null" {
                None
            } else {
                let path = unquote(rest);
                Some(path.strip_prefix("b/").unwrap_or(&path).to_string())
            };
            if let Some(p) = &current {
                files
                    .entry(p.clone())
                    .or_insert_with(|| Lines::Ranges(Vec::new()));
            }
        } else if line.starts_with("diff --git ") {
            current = None;
        } else if let (Some(rest), Some(path)) = (line.strip_prefix("@@ "), &current) {
            if let Some(range) = new_side(rest)
                && let Some(Lines::Ranges(ranges)) = files.get_mut(path)
            {
                ranges.push(range);
            }
        }
    }
    files
}

/// The new side of a hunk header `-a,b +c,d @@ …` as an inclusive line
/// range; `None` for a pure deletion (`d` = 0).
fn new_side(header: &str) -> Option<(usize, usize)> {
    let plus = header.split(' ').find(|p| p.starts_with('+'))?;
    let plus = &plus[1..];
    let (start, len) = match plus.split_once(',') {
        Some((s, l)) => (s.parse::<usize>().ok()?, l.parse::<usize>().ok()?),
        None => (plus.parse::<usize>().ok()?, 1),
    };
    (len > 0).then(|| (start, start + len - 1))
}

/// Undoes git's C-style quoting of unusual paths (`"a\tb"`, octal bytes).
fn unquote(s: &str) -> String {
    let Some(inner) = s.strip_prefix('"').and_then(|s| s.strip_suffix('"')) else {
        return s.to_string();
    };
    let mut bytes = Vec::with_capacity(inner.len());
    let mut it = inner.bytes().peekable();
    while let Some(b) = it.next() {
        if b != b'\\' {
            bytes.push(b);
            continue;
        }
        match it.next() {
            Some(b'n') => bytes.push(b'\n'),
            Some(b't') => bytes.push(b'\t'),
            Some(b'r') => bytes.push(b'\r'),
            Some(b'a') => bytes.push(7),
            Some(b'b') => bytes.push(8),
            Some(b'f') => bytes.push(12),
            Some(b'v') => bytes.push(11),
            Some(d @ b'0'..=b'7') => {
                let mut v = u32::from(d - b'0');
                for _ in 0..2 {
                    match it.peek() {
                        Some(&n @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(n - b'0');
                            it.next();
                        }
                        _ => break,
                    }
                }
                bytes.push(v as u8);
            }
            Some(other) => bytes.push(other),
            None => bytes.push(b'\\'),
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_become_new_side_ranges() {
        let diff = "diff --git a/site/a.md b/site/a.md\n\
                    index 1..2 100644\n\
                    --- a/site/a.md\n\
                    +++ b/site/a.md\n\
                    @@ -3 +3 @@ old\n\
                    -x\n\
                    +y\n\
                    @@ -10,0 +11,2 @@\n\
                    +a\n\
                    +b\n\
                    @@ -20,2 +21,0 @@\n\
                    -gone\n\
                    -gone\n\
                    diff --git a/old.md b/old.md\n\
                    deleted file mode 100644\n\
                    --- a/old.md\n\
                    +++ /dev/null\n\
                    @@ -1 +0,0 @@\n\
                    -bye\n\
                    diff --git a/new.md b/new.md\n\
                    --- /dev/null\n\
                    +++ \"b/caf\\303\\251 \\\"x\\\".md\"\n\
                    @@ -0,0 +1,3 @@\n";
        let files = parse_diff(diff);
        assert_eq!(files["site/a.md"], Lines::Ranges(vec![(3, 3), (11, 12)]));
        assert_eq!(files["café \"x\".md"], Lines::Ranges(vec![(1, 3)]));
        assert!(!files.contains_key("old.md"));
        assert_eq!(files.len(), 2);
    }

    #[test]
    fn ranges_intersect_inclusively() {
        let lines = Lines::Ranges(vec![(3, 3), (11, 12)]);
        assert!(lines.intersects(3, 3));
        assert!(lines.intersects(1, 3));
        assert!(lines.intersects(12, 20));
        assert!(!lines.intersects(4, 10));
        assert!(!lines.intersects(13, 13));
    }
}
