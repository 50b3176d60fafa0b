//! One run of `claimlint check`, as a library call: options in, sorted
//! diagnostics out. The binary only parses flags into [`CheckOptions`] and
//! maps the [`Outcome`] to an exit status; editors and batch jobs can call
//! the same functions.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::config::{Config, DEFAULT_EXTENSIONS};
use crate::date::Date;
use crate::diagnostic::{self, Diagnostic, Severity};
use crate::engine::{Engine, Settings};
use crate::error::Error;
use crate::lint::Linter;
use crate::report::RuleInfo;
use crate::rules::{self, Jurisdiction, PackSelection, Rule};
use crate::selection;
use crate::source::{Kind, ProseBuilder};
use crate::walk::{self, WalkOptions};

/// The lowest severity that makes a run fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    fn parse(s: &str) -> Option<FailOn> {
        match s {
            "error" => Some(FailOn::Error),
            "warning" => Some(FailOn::Warning),
            "info" => Some(FailOn::Info),
            "never" => Some(FailOn::Never),
            _ => None,
        }
    }

    /// True when a finding of `severity` fails the run.
    pub fn fails(self, severity: Severity) -> bool {
        match self {
            FailOn::Error => severity >= Severity::Error,
            FailOn::Warning => severity >= Severity::Warning,
            FailOn::Info => true,
            FailOn::Never => false,
        }
    }
}

/// Everything that shapes a run, from flags and defaults.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    pub config: Option<PathBuf>,
    /// Ignore any config file.
    pub isolated: bool,
    pub rules: Vec<PathBuf>,
    pub packs: Vec<String>,
    pub no_default_rules: bool,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub fail_on: Option<FailOn>,
    pub today: Option<Date>,
    pub jurisdiction: Option<Jurisdiction>,
    pub stdin_filename: Option<String>,
    pub force_exclude: bool,
    /// Worker threads; 0 = one per core.
    pub threads: usize,
    /// Counters the run keeps up to date, for a progress display.
    pub progress: Option<std::sync::Arc<Progress>>,
    /// Keep the rules' examples (`test`, `explain`).
    pub examples: bool,
}

/// How far a run has got: files found, and files linted so far.
#[derive(Debug, Default)]
pub struct Progress {
    pub total: AtomicUsize,
    pub done: AtomicUsize,
}

/// The rules, config and settings of a run, ready to lint.
pub struct Session {
    pub linter: Linter,
    pub fail_on: FailOn,
    pub walk: WalkOptions,
    pub max_file_size: u64,
    pub config: Config,
}

/// Loads config and packs per the options, applying selection and severity overrides.
pub fn session(options: &CheckOptions) -> Result<Session, Error> {
    let config = load_config(options)?;
    let file = &config.file;
    let jurisdiction = options
        .jurisdiction
        .or(file.jurisdiction)
        .unwrap_or_default();
    let mut packs = file.packs.clone();
    packs.extend(options.packs.iter().cloned());
    let mut extra: Vec<PathBuf> = file.rules.iter().map(|r| config.root.join(r)).collect();
    extra.extend(options.rules.iter().cloned());
    let selection_spec = PackSelection {
        default_rules: !(options.no_default_rules || file.no_default_rules),
        packs,
        extra,
        jurisdiction,
        examples: options.examples,
    };
    let all = rules::load(&selection_spec)?;

    let mut select = selection::split_targets(&file.select);
    let cli_select = selection::split_targets(&options.select);
    if !cli_select.is_empty() {
        select = cli_select;
    }
    let mut ignore = selection::split_targets(&file.ignore);
    ignore.extend(selection::split_targets(&options.ignore));
    if let Some(bad) =
        selection::unknown_target(&select, &all).or(selection::unknown_target(&ignore, &all))
    {
        return Err(Error::Usage(format!(
            "unknown rule or category `{bad}` (see `claimlint rules` for the list)"
        )));
    }
    let mut active = selection::apply(all, &select, &ignore);
    apply_severity_overrides(&config, &mut active)?;

    let today = options.today.unwrap_or_else(Date::today_utc);
    let mut settings = Settings::new(today);
    settings.jurisdiction = jurisdiction;
    if let Some(days) = file.reference_days {
        settings.us_reference_days = days;
    }
    if let Some(sf) = file.seller_focus {
        let s = &mut settings.seller_focus;
        s.min_words = sf.min_words.unwrap_or(s.min_words);
        s.ratio = sf.ratio.unwrap_or(s.ratio);
        s.min_seller_words = sf.min_seller_words.unwrap_or(s.min_seller_words);
    }
    let mut linter = Linter::new(Engine::new(active, settings));
    linter.facts_by_glob = config.facts_by_glob()?;
    linter.root = config.root.clone();
    if let Some(registry) = &file.evidence_file {
        linter.shared_evidence = load_evidence_file(&config.root.join(registry))?;
    }
    for (glob, targets) in &file.per_file_ignores {
        let set = config.glob_set(std::slice::from_ref(glob))?;
        linter.per_file_ignores.push((set, targets.clone()));
    }

    let fail_on = match options.fail_on {
        Some(f) => f,
        None => match &file.fail_on {
            Some(s) => FailOn::parse(s).unwrap_or(FailOn::Warning),
            None => FailOn::Warning,
        },
    };
    let extensions = if file.extensions.is_empty() {
        DEFAULT_EXTENSIONS.iter().map(|s| s.to_string()).collect()
    } else {
        file.extensions
            .iter()
            .map(|e| e.trim_start_matches('.').to_string())
            .collect()
    };
    let walk = WalkOptions {
        extensions,
        include: (!file.include.is_empty())
            .then(|| config.glob_set(&file.include))
            .transpose()?,
        exclude: (!file.exclude.is_empty())
            .then(|| config.glob_set(&file.exclude))
            .transpose()?,
        root: config.root.clone(),
        force_exclude: options.force_exclude,
    };
    Ok(Session {
        linter,
        fail_on,
        walk,
        max_file_size: file.max_file_size.unwrap_or(10 * 1024 * 1024),
        config,
    })
}

fn load_config(options: &CheckOptions) -> Result<Config, Error> {
    if options.isolated {
        return Ok(Config {
            root: PathBuf::from("."),
            ..Config::default()
        });
    }
    let path = match &options.config {
        Some(p) => Some(p.clone()),
        None => {
            let cwd = std::env::current_dir().map_err(|e| Error::io(".", e))?;
            Config::discover(&cwd)
        }
    };
    match path {
        Some(p) => Config::load(&p),
        None => Ok(Config {
            root: PathBuf::from("."),
            ..Config::default()
        }),
    }
}

fn apply_severity_overrides(config: &Config, rules: &mut [Rule]) -> Result<(), Error> {
    for (target, level) in &config.file.severity {
        let severity = Severity::parse(level).expect("validated when the config was loaded");
        let mut hit = false;
        for rule in rules.iter_mut() {
            if selection::matches_target(target, &rule.id, rule.category) {
                rule.severity = severity;
                hit = true;
            }
        }
        if !hit && crate::diagnostic::Category::parse(target).is_none() {
            return Err(
                config.error_at(target, format!("`severity` names unknown rule `{target}`"))
            );
        }
    }
    Ok(())
}

fn load_evidence_file(path: &Path) -> Result<Vec<crate::facts::Evidence>, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let shown = walk::display_path(path);
    let value: serde_yaml::Value = serde_yaml::from_str(&text)
        .map_err(|e| crate::error::FileError::from_yaml(&shown, &text, &e))?;
    Ok(crate::facts::parse_evidence(value.get("evidence")))
}

/// A note about an input that was skipped or read with loss.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Note {
    pub path: String,
    pub message: String,
}

/// What a run found.
pub struct Outcome {
    /// Sorted; suppressed findings included (marked).
    pub diagnostics: Vec<Diagnostic>,
    pub files: usize,
    /// Skipped or lossy inputs, sorted by path.
    pub notes: Vec<Note>,
    /// Inputs that could not be read at all (exit status 2).
    pub unreadable: Vec<String>,
    /// Source text of files with findings, when asked for.
    pub sources: BTreeMap<String, String>,
    pub elapsed: Duration,
}

impl Outcome {
    /// True when any active finding is at or above the fail-on level.
    pub fn fails(&self, fail_on: FailOn) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.suppressed.is_none() && fail_on.fails(d.severity))
    }
}

/// One input after reading: its text, or why it was skipped.
enum Loaded {
    Text(String, Option<Note>),
    Skipped(Note),
    Failed(String),
}

/// Decodes a file's bytes: binary files and oversize files are skipped with a
/// note; invalid UTF-8 is decoded lossily with a note.
fn decode(display: &str, bytes: Vec<u8>, max: u64) -> Loaded {
    if bytes.len() as u64 > max {
        return Loaded::Skipped(Note {
            path: display.to_string(),
            message: format!(
                "skipped: {} bytes is over max-file-size ({max} bytes)",
                bytes.len()
            ),
        });
    }
    if bytes.contains(&0) {
        return Loaded::Skipped(Note {
            path: display.to_string(),
            message: "skipped: binary file (contains NUL bytes)".to_string(),
        });
    }
    match String::from_utf8(bytes) {
        Ok(text) => Loaded::Text(text, None),
        Err(e) => {
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            Loaded::Text(
                text,
                Some(Note {
                    path: display.to_string(),
                    message: "not valid UTF-8: read with invalid bytes replaced by U+FFFD"
                        .to_string(),
                }),
            )
        }
    }
}

fn read_file(path: &Path, display: &str, max: u64) -> Loaded {
    // One open and one fstat: the size check and the read's buffer both use it.
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) => return Loaded::Failed(format!("{display}: {e}")),
    };
    let len = match file.metadata() {
        Ok(meta) if meta.len() > max => {
            return Loaded::Skipped(Note {
                path: display.to_string(),
                message: format!(
                    "skipped: {} bytes is over max-file-size ({max} bytes)",
                    meta.len()
                ),
            });
        }
        Ok(meta) => meta.len(),
        Err(e) => return Loaded::Failed(format!("{display}: {e}")),
    };
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    // Through `Take`: `File`'s own `read_to_end` would stat and seek again for its size hint.
    match std::io::Read::read_to_end(&mut std::io::Read::take(&mut file, u64::MAX), &mut bytes) {
        Ok(_) => decode(display, bytes, max),
        Err(e) => Loaded::Failed(format!("{display}: {e}")),
    }
}

/// Lints the options' paths (or stdin for `-`).
pub fn check(
    session: &Session,
    options: &CheckOptions,
    keep_sources: bool,
) -> Result<Outcome, Error> {
    let started = Instant::now();
    let paths = if options.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        options.paths.clone()
    };
    let (stdin_paths, fs_paths): (Vec<PathBuf>, Vec<PathBuf>) =
        paths.into_iter().partition(|p| p.as_os_str() == "-");
    let discovered = walk::discover(&fs_paths, &session.walk)?;
    let mut unreadable = discovered.unreadable;
    let documents = discovered.files.len() + stdin_paths.len().min(1);
    let engine = &session.linter.engine;
    engine.plan(documents);
    engine.lend_spare_core(documents == 1 && options.threads != 1 && crate::cores() > 1);

    let diagnostics = Mutex::new(Vec::new());
    let notes = Mutex::new(Vec::new());
    let sources = Mutex::new(BTreeMap::new());
    let failed = Mutex::new(Vec::new());
    let record = |display: &str, text: String, note: Option<Note>, mut found: Vec<Diagnostic>| {
        if let Some(note) = note {
            notes
                .lock()
                .expect("no thread panics while holding it")
                .push(note);
        }
        if !found.is_empty() {
            if keep_sources {
                sources
                    .lock()
                    .expect("no thread panics while holding it")
                    .insert(display.to_string(), text);
            }
            let mut all = diagnostics
                .lock()
                .expect("no thread panics while holding it");
            // Append the smaller list to the larger: a file with a million
            // findings is then moved in, not copied. Each file's findings stay
            // together and in order, and are sorted at the end anyway.
            if all.len() < found.len() {
                std::mem::swap(&mut *all, &mut found);
            }
            all.extend(found);
        }
    };

    let mut files = 0;
    if !stdin_paths.is_empty() {
        let display = options
            .stdin_filename
            .clone()
            .unwrap_or_else(|| "-".to_string());
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io("<stdin>", e))?;
        let path = PathBuf::from(&display);
        let kind = if options.stdin_filename.is_some() {
            Kind::of(&path)
        } else {
            Kind::Markdown
        };
        files += 1;
        match decode(&display, bytes, session.max_file_size) {
            Loaded::Text(text, note) => {
                let found =
                    session
                        .linter
                        .lint(&path, &display, &text, kind, &mut ProseBuilder::new());
                record(&display, text, note, found);
            }
            Loaded::Skipped(note) => notes.lock().expect("not poisoned").push(note),
            Loaded::Failed(msg) => unreadable.push(msg),
        }
    }

    let inputs = &discovered.files;
    files += inputs.len();
    let progress = options.progress.as_deref();
    if let Some(p) = progress {
        p.total.store(inputs.len(), Ordering::Relaxed);
    }
    let threads = match options.threads {
        0 => crate::cores(),
        n => n,
    }
    .min(inputs.len().max(1));
    let next = AtomicUsize::new(0);
    let worker = || {
        let mut builder = ProseBuilder::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(path) = inputs.get(i) else { break };
            let display = walk::display_path(path);
            match read_file(path, &display, session.max_file_size) {
                Loaded::Text(text, note) => {
                    let found =
                        session
                            .linter
                            .lint(path, &display, &text, Kind::of(path), &mut builder);
                    record(&display, text, note, found);
                }
                Loaded::Skipped(note) => notes.lock().expect("not poisoned").push(note),
                Loaded::Failed(msg) => failed.lock().expect("not poisoned").push(msg),
            }
            if let Some(p) = progress {
                p.done.fetch_add(1, Ordering::Relaxed);
            }
        }
    };
    if threads <= 1 {
        worker();
    } else {
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(worker);
            }
        });
    }

    let mut diagnostics = diagnostics.into_inner().expect("workers have finished");
    diagnostic::sort(&mut diagnostics);
    let mut notes = notes.into_inner().expect("workers have finished");
    notes.sort();
    unreadable.extend(failed.into_inner().expect("workers have finished"));
    unreadable.sort();
    Ok(Outcome {
        diagnostics,
        files,
        notes,
        unreadable,
        sources: sources.into_inner().expect("workers have finished"),
        elapsed: started.elapsed(),
    })
}

/// What reports know of each active rule.
pub fn rule_infos(rules: &[Rule]) -> Vec<RuleInfo> {
    rules
        .iter()
        .map(|r| RuleInfo {
            id: r.id.clone(),
            category: r.category,
            severity: r.severity,
            summary: r.message.clone(),
            help: r.help.clone(),
            description: r.description.clone(),
            references: r.references.clone(),
        })
        .collect()
}
