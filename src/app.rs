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

/// One file's findings, handed on in report order.
pub struct FileFindings {
    /// The path as reports show it.
    pub path: String,
    /// Sorted by position; waived findings included (marked). Never empty.
    pub diagnostics: Vec<Diagnostic>,
    /// The file's text, when the caller asked for sources.
    pub source: Option<String>,
}

/// What a run saw besides its findings.
pub struct Summary {
    pub files: usize,
    /// Skipped or lossy inputs, sorted by path.
    pub notes: Vec<Note>,
    /// Inputs that could not be read at all (exit status 2).
    pub unreadable: Vec<String>,
    pub elapsed: Duration,
}

/// Lints the options' paths (or stdin for `-`) and collects every finding.
pub fn check(
    session: &Session,
    options: &CheckOptions,
    keep_sources: bool,
) -> Result<Outcome, Error> {
    let mut all = Collected::default();
    let summary = check_each(session, options, keep_sources, &mut |file| all.add(file))?;
    Ok(Outcome {
        diagnostics: all.diagnostics,
        files: summary.files,
        notes: summary.notes,
        unreadable: summary.unreadable,
        sources: all.sources,
        elapsed: summary.elapsed,
    })
}

/// Findings gathered whole, for what needs the whole run at once.
#[derive(Default)]
pub struct Collected {
    /// Sorted, as the files come in report order.
    pub diagnostics: Vec<Diagnostic>,
    /// Source text by path, for the files whose findings brought it.
    pub sources: BTreeMap<String, String>,
}

impl Collected {
    pub fn add(&mut self, file: FileFindings) {
        if let Some(text) = file.source {
            self.sources.insert(file.path, text);
        }
        self.diagnostics.extend(file.diagnostics);
    }
}

/// Where one input comes from.
enum Input {
    File(PathBuf),
    Stdin(Box<StdinInput>),
}

/// Standard input, read before the workers start.
struct StdinInput {
    /// The name it is reported under.
    display: String,
    /// The name config globs and the file kind go by.
    path: PathBuf,
    kind: Kind,
    /// Taken by the worker that lints it.
    loaded: Mutex<Option<Loaded>>,
}

impl Input {
    /// The path as reports show it.
    fn display(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Input::File(path) => walk::display_path(path).into(),
            Input::Stdin(stdin) => stdin.display.as_str().into(),
        }
    }
}

/// Lints the options' paths (or stdin for `-`), handing `each` the findings
/// of every file that has any, in report order (by path), as soon as the
/// files before it are done. A run then never holds more findings than a
/// few files' worth, however large the tree: reports are written as it goes.
pub fn check_each(
    session: &Session,
    options: &CheckOptions,
    keep_sources: bool,
    each: &mut dyn FnMut(FileFindings),
) -> Result<Summary, Error> {
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

    let stdin = if stdin_paths.is_empty() {
        None
    } else {
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
        let loaded = Mutex::new(Some(decode(&display, bytes, session.max_file_size)));
        Some(StdinInput {
            display,
            path,
            kind,
            loaded,
        })
    };

    // Reports list findings by path: linting in that order lets each file's
    // findings go out as soon as the files before it are done. The walk
    // sorts paths by their bytes, which is the order of their shown forms
    // unless showing a path changes it (a backslash, bytes that are not UTF-8).
    let mut inputs: Vec<Input> = discovered.files.into_iter().map(Input::File).collect();
    let shown_as_is = |i: &Input| match i {
        Input::File(path) => path.to_str().is_some_and(|p| !p.contains('\\')),
        Input::Stdin(_) => true,
    };
    if !inputs.iter().all(shown_as_is) {
        inputs.sort_by_cached_key(|i| i.display().into_owned());
    }
    if let Some(stdin) = stdin {
        let at = inputs.partition_point(|i| *i.display() < *stdin.display);
        inputs.insert(at, Input::Stdin(Box::new(stdin)));
    }

    let files = inputs.len();
    /// Input counts after which a long run gives back the bundled data it
    /// read to build its regexes: most are built on the first pages.
    const RELEASE_AFTER: [usize; 6] = [64, 256, 1024, 4096, 16384, 65536];
    let engine = &session.linter.engine;
    engine.plan(files);
    engine.lend_spare_core(files == 1 && options.threads != 1 && crate::cores() > 1);

    let notes = Mutex::new(Vec::new());
    let failed = Mutex::new(Vec::new());
    let progress = options.progress.as_deref();
    if let Some(p) = progress {
        p.total.store(files, Ordering::Relaxed);
    }
    let threads = match options.threads {
        0 => crate::cores(),
        n => n,
    }
    .min(files.max(1));
    let next = AtomicUsize::new(0);
    let note = |n: Note| {
        notes
            .lock()
            .expect("no thread panics while holding it")
            .push(n)
    };
    // Lints the next inputs until none are left, handing each result (the
    // input's index and its findings, if any) to `deliver`.
    let worker = |deliver: &mut dyn FnMut(usize, Option<FileFindings>)| {
        let mut builder = ProseBuilder::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(input) = inputs.get(i) else {
                break;
            };
            let display = input.display();
            let (path, kind, loaded) = match input {
                Input::File(path) => (
                    path.as_path(),
                    Kind::of(path),
                    read_file(path, &display, session.max_file_size),
                ),
                Input::Stdin(stdin) => (
                    stdin.path.as_path(),
                    stdin.kind,
                    stdin
                        .loaded
                        .lock()
                        .expect("no thread panics while holding it")
                        .take()
                        .expect("one worker takes each input"),
                ),
            };
            let mut result = None;
            match loaded {
                Loaded::Text(text, lossy) => {
                    if let Some(n) = lossy {
                        note(n);
                    }
                    let mut found = session
                        .linter
                        .lint(path, &display, &text, kind, &mut builder);
                    if !found.is_empty() {
                        diagnostic::sort(&mut found);
                        result = Some(FileFindings {
                            path: display.into_owned(),
                            diagnostics: found,
                            source: keep_sources.then_some(text),
                        });
                    }
                }
                Loaded::Skipped(n) => note(n),
                Loaded::Failed(msg) => failed
                    .lock()
                    .expect("no thread panics while holding it")
                    .push(msg),
            }
            deliver(i, result);
            if RELEASE_AFTER.contains(&(i + 1)) && files > RELEASE_AFTER[0] {
                crate::heap::release_read_only(crate::rules::build_time_data());
            }
            if let Some(p) = progress {
                p.done.fetch_add(1, Ordering::Relaxed);
            }
        }
    };
    if threads <= 1 {
        // One worker takes the inputs in order: hand each result on at once.
        worker(&mut |_, found| {
            if let Some(found) = found {
                each(found);
            }
        });
    } else {
        // Workers finish out of order; this thread lints too, and between
        // its own files puts every result back in order, handing each on once
        // every input before it is done. (A thread that only waited for
        // results was woken once a file: a third of the run's system time.)
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::scope(|scope| {
            for _ in 1..threads {
                let sender = sender.clone();
                let worker = &worker;
                scope.spawn(move || {
                    worker(&mut |i, found| {
                        // The receiver outlives the workers; a send cannot fail.
                        let _ = sender.send((i, found));
                    })
                });
            }
            drop(sender);
            let mut waiting = BTreeMap::new();
            let mut due = 0;
            let mut hand_on = |waiting: &mut BTreeMap<usize, Option<FileFindings>>| {
                while let Some(found) = waiting.remove(&due) {
                    due += 1;
                    if let Some(found) = found {
                        each(found);
                    }
                }
            };
            worker(&mut |i, found| {
                waiting.insert(i, found);
                waiting.extend(receiver.try_iter());
                hand_on(&mut waiting);
            });
            for (i, found) in receiver {
                waiting.insert(i, found);
                hand_on(&mut waiting);
            }
        });
    }

    let mut notes = notes.into_inner().expect("workers have finished");
    notes.sort();
    unreadable.extend(failed.into_inner().expect("workers have finished"));
    unreadable.sort();
    Ok(Summary {
        files,
        notes,
        unreadable,
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
