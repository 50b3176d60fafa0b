//! Finds the files to lint: folders walked with the `ignore` crate (honouring
//! .gitignore, .ignore and .claimlintignore), filtered by extension and the
//! config's include/exclude globs. Explicit file arguments are always linted
//! unless `force_exclude` is set (as pre-commit passes files one by one).

use std::path::{Path, PathBuf};

use globset::GlobSet;

use crate::config::relative_to;
use crate::error::Error;

pub struct WalkOptions {
    pub extensions: Vec<String>,
    pub include: Option<GlobSet>,
    pub exclude: Option<GlobSet>,
    /// The folder include/exclude globs are relative to.
    pub root: PathBuf,
    /// Apply excludes to explicitly named files too.
    pub force_exclude: bool,
}

impl WalkOptions {
    fn excluded(&self, path: &Path) -> bool {
        self.exclude
            .as_ref()
            .is_some_and(|set| set.is_match(relative_to(path, &self.root)))
    }

    fn included(&self, path: &Path) -> bool {
        self.include
            .as_ref()
            .is_none_or(|set| set.is_match(relative_to(path, &self.root)))
    }

    fn wanted_extension(&self, path: &Path) -> bool {
        path.extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .is_some_and(|e| self.extensions.iter().any(|x| x.eq_ignore_ascii_case(&e)))
    }
}

/// What discovery found: files in a stable order, and problems met on the way.
#[derive(Default)]
pub struct Discovered {
    pub files: Vec<PathBuf>,
    /// Folders or entries that could not be read (the run goes on; exit 2 at the end).
    pub unreadable: Vec<String>,
}

/// Expands the command-line paths into files. A path that does not exist is an error.
pub fn discover(paths: &[PathBuf], options: &WalkOptions) -> Result<Discovered, Error> {
    let mut found = Discovered::default();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if meta.is_file() {
            if !(options.force_exclude && (options.excluded(path) || !options.included(path))) {
                found.files.push(path.clone());
            }
            continue;
        }
        let mut builder = ignore::WalkBuilder::new(path);
        builder
            .hidden(true)
            .require_git(false)
            .follow_links(false)
            .add_custom_ignore_filename(".claimlintignore");
        if let Some(exclude) = options.exclude.clone() {
            let (top, root) = (path.clone(), options.root.clone());
            builder.filter_entry(move |entry| {
                let p = entry.path();
                p == top.as_path() || !exclude.is_match(relative_to(p, &root))
            });
        }
        for entry in builder.build() {
            match entry {
                Ok(entry) => {
                    let is_file = entry.file_type().is_some_and(|t| t.is_file());
                    let p = entry.path();
                    if is_file && options.wanted_extension(p) && options.included(p) {
                        found.files.push(clean(p));
                    }
                }
                Err(e) => found.unreadable.push(e.to_string()),
            }
        }
    }
    // By bytes, not by path components: the same duplicates end up side by
    // side, and comparing components cost more than the rest of the walk.
    // (The order only decides which file a worker takes next; reports sort
    // their findings themselves.)
    found
        .files
        .sort_unstable_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
    found.files.dedup();
    Ok(found)
}

/// Drops a leading `./` so reported paths read as the user would write them.
fn clean(p: &Path) -> PathBuf {
    p.strip_prefix(".")
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| p.to_path_buf())
}

/// The path as reports show it: forward slashes.
pub fn display_path(p: &Path) -> String {
    let s = p.to_string_lossy();
    let s = s.strip_prefix("./").unwrap_or(&s);
    s.replace('\\', "/")
}
