//! The `claimlint` command: parses flags, calls the library, maps the outcome
//! to an exit status (0 clean, 1 findings at or above --fail-on, 2 usage,
//! config, rule-pack or input errors). Never panics on user input.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use clap::{Args, Parser, Subcommand};
use miette::{GraphicalReportHandler, GraphicalTheme};

use claimlint::app::{self, CheckOptions, FailOn, Progress};
use claimlint::date::Date;
use claimlint::diagnostic::{Diagnostic, Severity};
use claimlint::error::Error;
use claimlint::report::{self, Format, RenderOptions, ReportInput, RuleInfo, Totals};
use claimlint::rules::Jurisdiction;

use claimlint::baseline::{self, Baseline, PathKeys};
use claimlint::changed_lines::ChangedLines;

/// Writes a line to stderr, ignoring a closed pipe (`claimlint … 2>&1 | head`):
/// `eprintln!` would panic there.
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

#[derive(Parser)]
#[command(
    name = "claimlint",
    version,
    about = "Lint marketing copy for claims that get businesses into trouble"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Lint files and folders (default: the current folder); "-" reads stdin.
    Check(CheckArgs),
    /// Record today's findings per file and rule, so `check --baseline` reports only new ones.
    Baseline(BaselineArgs),
    /// List every loaded rule: id, category, severity, summary.
    Rules {
        #[command(flatten)]
        rules: RuleArgs,
        /// human (a table) or json.
        #[arg(long, value_enum, default_value = "human")]
        format: ListFormat,
    },
    /// Show a rule's documentation: what, why, citation, bad and good examples.
    Explain {
        /// A rule id, e.g. scarcity/while-supplies-last.
        id: String,
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// Write a commented starter claimlint.yaml in the current folder.
    Init {
        /// Where to write it.
        #[arg(default_value = "claimlint.yaml")]
        path: PathBuf,
    },
    /// Run a language server on stdin/stdout, for live findings in editors.
    Lsp {
        #[command(flatten)]
        rules: RuleArgs,
        /// Accepted for clients that pass it; stdio is the only transport.
        #[arg(long, hide = true)]
        stdio: bool,
    },
    /// Run every loaded rule's bad and good examples; exit 1 if any misbehaves.
    Test {
        #[command(flatten)]
        rules: RuleArgs,
        /// The date date-based checks use (default: today).
        #[arg(long, value_parser = parse_date)]
        today: Option<Date>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ListFormat {
    Human,
    Json,
}

/// Flags that choose which rules are loaded.
#[derive(Args, Clone, Default)]
struct RuleArgs {
    /// Config file (default: the nearest claimlint.yaml / .claimlint.yaml upward).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Ignore every config file.
    #[arg(long)]
    isolated: bool,
    /// Extra rule pack file or folder (repeatable).
    #[arg(long = "rules", value_name = "PATH")]
    rules: Vec<PathBuf>,
    /// Also enable a bundled optional pack (repeatable; "all" = every one).
    #[arg(long = "pack", value_name = "NAME")]
    packs: Vec<String>,
    /// Only the packs named by --rules / config.
    #[arg(long)]
    no_default_rules: bool,
    /// Jurisdiction: changes thresholds and severities (default: us, or the config's).
    #[arg(long, value_enum)]
    jurisdiction: Option<Jurisdiction>,
}

/// Flags shared by `check` and `baseline`: what to lint, with which rules.
#[derive(Args)]
struct LintArgs {
    /// Files or folders to lint; "-" reads stdin.
    paths: Vec<PathBuf>,
    #[command(flatten)]
    rules: RuleArgs,
    /// Only these rules or categories (repeatable, comma lists too).
    #[arg(long, value_name = "ID|CATEGORY")]
    select: Vec<String>,
    /// Drop these rules or categories (repeatable, comma lists too).
    #[arg(long, value_name = "ID|CATEGORY")]
    ignore: Vec<String>,
    /// The date that date-based checks use, YYYY-MM-DD (default: today).
    #[arg(long, value_parser = parse_date)]
    today: Option<Date>,
    /// The name to report for stdin (also picks the parser by extension).
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<String>,
    /// Apply the config's excludes to files named on the command line too.
    #[arg(long)]
    force_exclude: bool,
    /// Worker threads (default: one per core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
}

#[derive(Args)]
struct CheckArgs {
    #[command(flatten)]
    lint: LintArgs,
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Write the report there instead of stdout.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Lowest severity that makes the exit status 1 (default: warning).
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// Report only what exceeds this baseline (see `claimlint baseline`).
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Lower the baseline's counts to today's (never raise them) and drop zeros.
    #[arg(long, requires = "baseline")]
    prune_baseline: bool,
    /// Report only findings on lines changed since this git revision.
    #[arg(long, value_name = "REV")]
    diff_base: Option<String>,
    /// Counts per rule and per category (human format: instead of the list).
    #[arg(long)]
    statistics: bool,
    /// Colour: auto (a terminal without NO_COLOR), always or never.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorChoice,
    /// No summary line, notes or progress on stderr.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Args)]
struct BaselineArgs {
    #[command(flatten)]
    lint: LintArgs,
    /// Where to write the baseline.
    #[arg(long, value_name = "FILE", default_value = "claimlint-baseline.json")]
    output: PathBuf,
    /// No summary line, notes or progress on stderr.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s).ok_or_else(|| format!("`{s}` is not a date of the form YYYY-MM-DD"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => run_check(args),
        Command::Baseline(args) => run_baseline(args),
        Command::Rules { rules, format } => run_rules(&rules, format),
        Command::Explain { id, rules } => run_explain(&id, &rules),
        Command::Init { path } => run_init(&path),
        Command::Test { rules, today } => run_test(&rules, today),
        Command::Lsp { rules, .. } => claimlint::lsp::run(options_from(&rules)),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            print_error(&e);
            ExitCode::from(2)
        }
    }
}

fn print_error(error: &Error) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let mut text = String::new();
    let rendered = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .render_report(&mut text, error);
    if rendered.is_err() {
        text = format!("error: {error}");
    }
    say!("{}", text.trim_end());
}

fn options_from(rules: &RuleArgs) -> CheckOptions {
    CheckOptions {
        config: rules.config.clone(),
        isolated: rules.isolated,
        rules: rules.rules.clone(),
        packs: rules.packs.clone(),
        no_default_rules: rules.no_default_rules,
        jurisdiction: rules.jurisdiction,
        ..CheckOptions::default()
    }
}

fn lint_options(lint: &LintArgs) -> CheckOptions {
    CheckOptions {
        paths: lint.paths.clone(),
        select: lint.select.clone(),
        ignore: lint.ignore.clone(),
        today: lint.today,
        stdin_filename: lint.stdin_filename.clone(),
        force_exclude: lint.force_exclude,
        threads: lint.threads,
        ..options_from(&lint.rules)
    }
}

fn run_check(args: CheckArgs) -> Result<ExitCode, Error> {
    let mut options = CheckOptions {
        fail_on: args.fail_on,
        ..lint_options(&args.lint)
    };
    // A few named files (the pre-commit case): set the heap up for a short
    // run before anything large is allocated.
    if claimlint::heap::is_short_run(&options.paths) {
        claimlint::heap::prepare_for_short_run();
    }
    // A spare core sets up the price patterns while the packs load, unless
    // the run was asked to use one thread.
    if options.threads != 1 && claimlint::cores() > 1 {
        claimlint::checkers::warm_up();
    }
    // The process ends after this run: freeing the rules and the report
    // piece by piece would only cost time (a tenth of a one-file run).
    let session = std::mem::ManuallyDrop::new(app::session(&options)?);
    // Read the baseline and ask git before linting, so mistakes fail fast.
    let baseline = match &args.baseline {
        Some(path) => Some(read_baseline(path)?),
        None => None,
    };
    let mut changed = match &args.diff_base {
        Some(rev) => {
            let anchor = args
                .lint
                .paths
                .iter()
                .find(|p| p.as_os_str() != "-")
                .cloned()
                .unwrap_or_else(|| PathBuf::from("."));
            Some(
                ChangedLines::collect(rev, &anchor)
                    .map_err(|e| Error::Usage(format!("--diff-base {rev}: {e}")))?,
            )
        }
        None => None,
    };
    let progress = ProgressLine::start(&mut options, args.quiet);
    let rules = app::rule_infos(session.linter.engine.rules());
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            args.output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let render_options = RenderOptions { color };
    // The report is written while the run goes on, each file's findings once
    // the files before it are done, so memory stays flat however many files
    // there are; unless the format needs the whole run first, the statistics
    // table takes the place of the findings, or the progress line shares the
    // terminal with the report.
    let shares_terminal =
        options.progress.is_some() && args.output.is_none() && std::io::stdout().is_terminal();
    let mut stream = if args.statistics || shares_terminal {
        None
    } else {
        report::stream(args.format, &rules, render_options)
    };
    let mut target = match &args.output {
        Some(path) => Target::File(AtomicFile::create(path)?),
        None => Target::Stdout(Tracked::new(std::io::BufWriter::new(
            std::io::stdout().lock(),
        ))),
    };
    let mut kept = app::Collected::default();
    let mut filters = Filters {
        baseline: baseline.map(|b| {
            let path = args.baseline.as_deref().expect("read from this path");
            (b, PathKeys::new(folder_of(path)))
        }),
        current: args.prune_baseline.then(baseline::Counts::new),
        changed: changed.take(),
        fail_on: session.fail_on,
        baselined: 0,
        outside_diff: 0,
        totals: Totals::default(),
        fails: false,
    };
    let mut failure = None;
    let summary = app::check_each(
        &session,
        &options,
        args.format.needs_sources(),
        &mut |mut file| {
            filters.apply(&mut file.diagnostics);
            if file.diagnostics.is_empty() {
                return;
            }
            match &mut stream {
                Some(stream) if failure.is_none() => {
                    let source = file.source.as_deref();
                    if let Err(e) = stream.file(target.writer(), &file.diagnostics, source) {
                        failure = Some(e);
                    }
                }
                Some(_) => {}
                None => kept.add(file),
            }
        },
    );
    progress.finish();
    let summary = summary?;

    if let (Some((baseline, keys)), Some(current), Some(path)) =
        (&mut filters.baseline, &filters.current, &args.baseline)
    {
        let checked = checked_keys(&session, &options, keys)?;
        let active: BTreeSet<String> = session
            .linter
            .engine
            .rules()
            .iter()
            .map(|r| r.id.clone())
            .collect();
        let lowered = baseline.prune(current, &checked, &active, keys.base());
        write_atomically(path, baseline.to_json().as_bytes())?;
        if !args.quiet {
            say!(
                "claimlint: pruned {}: {lowered} count{} lowered",
                path.display(),
                if lowered == 1 { "" } else { "s" }
            );
        }
    }

    let written = match (&mut stream, failure) {
        (_, Some(e)) => Err(e),
        (Some(stream), None) => stream.finish(target.writer(), summary.files),
        (None, None) => {
            let input = ReportInput {
                diagnostics: &kept.diagnostics,
                files: summary.files,
                rules: &rules,
                sources: &kept.sources,
                elapsed: summary.elapsed,
            };
            if args.statistics && args.format == Format::Human {
                // Like ruff: the table takes the place of the list of findings.
                let table = statistics(&kept.diagnostics, &rules);
                target.writer().write_all(table.as_bytes())
            } else {
                report::render(args.format, &input, render_options, target.writer())
            }
        }
    };
    match target {
        Target::File(file) => match written {
            Ok(()) => file.commit(Durability::Report)?,
            Err(e) => return Err(file.error(e)),
        },
        Target::Stdout(mut out) => match written.and_then(|()| out.flush()) {
            // A closed pipe (`| head`) is not an error worth a message.
            Err(_) if out.failed => {}
            Err(e) => return Err(Error::io("<report>", e)),
            Ok(()) => {}
        },
    }
    if !args.quiet {
        if args.statistics && args.format != Format::Human {
            // Machine formats stay untouched; the table is for the log.
            eprint!("{}", statistics(&kept.diagnostics, &rules));
        }
        for note in &summary.notes {
            say!("claimlint: note: {}: {}", note.path, note.message);
        }
        let t = &filters.totals;
        let mut line = format!(
            "Checked {} in {} ms: {}, {}, {}",
            plural(summary.files, "file"),
            summary.elapsed.as_millis(),
            plural(t.errors, "error"),
            plural(t.warnings, "warning"),
            plural(t.infos, "info"),
        );
        if t.suppressed > 0 {
            line.push_str(&format!(", {} suppressed", t.suppressed));
        }
        if filters.baselined > 0 {
            line.push_str(&format!(", {} in the baseline", filters.baselined));
        }
        if filters.outside_diff > 0 {
            line.push_str(&format!(", {} on unchanged lines", filters.outside_diff));
        }
        say!("{line}");
    }
    // The process ends after this run: freeing the findings piece by piece
    // would only cost time.
    std::mem::forget(kept);
    for problem in &summary.unreadable {
        say!("claimlint: error: could not read {problem}");
    }
    if !summary.unreadable.is_empty() {
        return Ok(ExitCode::from(2));
    }
    Ok(if filters.fails {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Where the report goes.
enum Target {
    File(AtomicFile),
    Stdout(Tracked<std::io::BufWriter<std::io::StdoutLock<'static>>>),
}

impl Target {
    fn writer(&mut self) -> &mut dyn Write {
        match self {
            Target::File(file) => &mut file.out,
            Target::Stdout(out) => out,
        }
    }
}

/// What happens to each file's findings before the report: the baseline
/// and the diff drop some, and the rest are counted for the summary line
/// and the exit status.
struct Filters {
    baseline: Option<(Baseline, PathKeys)>,
    /// The run's counts before the baseline drops any, for `--prune-baseline`.
    current: Option<baseline::Counts>,
    changed: Option<ChangedLines>,
    fail_on: FailOn,
    baselined: usize,
    outside_diff: usize,
    /// What reaches the report, for the summary line.
    totals: Totals,
    /// Whether an active finding is at or above the fail-on level.
    fails: bool,
}

impl Filters {
    /// Filters one file's findings (all of one path) and counts the rest.
    fn apply(&mut self, diagnostics: &mut Vec<Diagnostic>) {
        if let Some((baseline, keys)) = &mut self.baseline {
            if let Some(current) = &mut self.current {
                for (key, rules) in baseline::count(diagnostics, keys) {
                    let counts = current.entry(key).or_default();
                    for (rule, n) in rules {
                        *counts.entry(rule).or_default() += n;
                    }
                }
            }
            self.baselined += baseline.filter(diagnostics, keys);
        }
        if let Some(changed) = &mut self.changed {
            let before = diagnostics.len();
            diagnostics.retain(|d| changed.keeps(d));
            self.outside_diff += before - diagnostics.len();
        }
        for d in diagnostics.iter() {
            self.totals.count(d);
            self.fails |= d.suppressed.is_none() && self.fail_on.fails(d.severity);
        }
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// `claimlint baseline`: lint like `check`, then write the counts.
fn run_baseline(args: BaselineArgs) -> Result<ExitCode, Error> {
    let mut options = lint_options(&args.lint);
    let session = app::session(&options)?;
    let progress = ProgressLine::start(&mut options, args.quiet);
    let outcome = app::check(&session, &options, false);
    progress.finish();
    let outcome = outcome?;
    for problem in &outcome.unreadable {
        say!("claimlint: error: could not read {problem}");
    }
    if !outcome.unreadable.is_empty() {
        say!(
            "claimlint: error: {} not written: a baseline of a partial run would hide findings",
            args.output.display()
        );
        return Ok(ExitCode::from(2));
    }
    let mut keys = PathKeys::new(folder_of(&args.output));
    let baseline = Baseline::from_counts(baseline::count(&outcome.diagnostics, &mut keys));
    write_atomically(&args.output, baseline.to_json().as_bytes())?;
    if !args.quiet {
        for note in &outcome.notes {
            say!("claimlint: note: {}: {}", note.path, note.message);
        }
        let findings: usize = baseline.files.values().flat_map(|r| r.values()).sum();
        say!(
            "Wrote {}: {} in {} of {} checked",
            args.output.display(),
            plural(findings, "finding"),
            plural(baseline.files.len(), "file"),
            outcome.files,
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The folder a file is (or will be) in; `.` for a bare name.
fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

fn read_baseline(path: &Path) -> Result<Baseline, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        let hint = if e.kind() == std::io::ErrorKind::NotFound {
            " (write one with `claimlint baseline`)"
        } else {
            ""
        };
        Error::Usage(format!(
            "cannot read baseline {}: {e}{hint}",
            path.display()
        ))
    })?;
    Baseline::parse(&text).map_err(|e| {
        Error::Usage(format!(
            "{} is not a claimlint baseline: {e}",
            path.display()
        ))
    })
}

/// The baseline keys of every file this run linted (a second, cheap walk).
fn checked_keys(
    session: &app::Session,
    options: &CheckOptions,
    keys: &mut PathKeys,
) -> Result<BTreeSet<String>, Error> {
    let paths = if options.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        options.paths.clone()
    };
    let (stdin, fs): (Vec<PathBuf>, Vec<PathBuf>) =
        paths.into_iter().partition(|p| p.as_os_str() == "-");
    let found = claimlint::walk::discover(&fs, &session.walk)?;
    let mut checked: BTreeSet<String> = found
        .files
        .iter()
        .map(|p| keys.key(&claimlint::walk::display_path(p)))
        .collect();
    if !stdin.is_empty() {
        let name = options.stdin_filename.as_deref().unwrap_or("-");
        checked.insert(keys.key(name));
    }
    Ok(checked)
}

/// The `--statistics` table: active findings per rule (most first), then per category.
fn statistics(diagnostics: &[Diagnostic], rules: &[RuleInfo]) -> String {
    let mut by_rule: BTreeMap<&str, (usize, Severity, &str)> = BTreeMap::new();
    let mut by_category: BTreeMap<&str, usize> = BTreeMap::new();
    let active: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.suppressed.is_none())
        .collect();
    if active.is_empty() {
        return "No findings.\n".to_string();
    }
    for d in &active {
        let entry = by_rule
            .entry(&d.rule)
            .or_insert((0, d.severity, d.category.as_str()));
        entry.0 += 1;
        entry.1 = entry.1.max(d.severity);
        *by_category.entry(d.category.as_str()).or_default() += 1;
    }
    let mut rows: Vec<_> = by_rule.into_iter().collect();
    rows.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
    let width = rows
        .iter()
        .map(|(id, _)| id.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let count_width = active.len().to_string().len().max(5);
    let mut out = format!(
        "{:>count_width$}  {:width$}  {:8}  category\n",
        "count", "rule", "severity"
    );
    for (id, (n, severity, category)) in &rows {
        out.push_str(&format!(
            "{n:>count_width$}  {id:width$}  {:8}  {category}\n",
            severity.as_str()
        ));
    }
    let mut categories: Vec<_> = by_category.into_iter().collect();
    categories.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    out.push_str(&format!("\n{:>count_width$}  category\n", "count"));
    for (category, n) in categories {
        out.push_str(&format!("{n:>count_width$}  {category}\n"));
    }
    let rules_hit = rows.len();
    out.push_str(&format!(
        "\n{} from {} of {} active\n",
        plural(active.len(), "finding"),
        plural(rules_hit, "rule"),
        rules.len()
    ));
    out
}

/// A one-line progress display on stderr, drawn by a thread of its own while
/// a run lints. Only on a terminal (never in hooks, CI logs or pipes), never
/// with `--quiet` or `TERM=dumb`, never while reading stdin (someone may be
/// typing), and only when the run is big enough to be
/// worth watching: 200 files or more, or still going after one second. The
/// line is erased when the run ends, so only the summary line stays.
struct ProgressLine {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ProgressLine {
    const MANY_FILES: usize = 200;
    const SLOW: Duration = Duration::from_secs(1);
    const TICK: Duration = Duration::from_millis(50);

    fn start(options: &mut CheckOptions, quiet: bool) -> ProgressLine {
        let stop = Arc::new(AtomicBool::new(false));
        let reads_stdin = options.paths.iter().any(|p| p.as_os_str() == "-");
        let wanted = !quiet
            && !reads_stdin
            && std::io::stderr().is_terminal()
            && std::env::var_os("TERM").is_none_or(|t| t != "dumb");
        if !wanted {
            return ProgressLine { stop, thread: None };
        }
        let counters = Arc::new(Progress::default());
        options.progress = Some(Arc::clone(&counters));
        let flag = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("progress".to_string())
            .spawn(move || draw_progress(&counters, &flag))
            .ok();
        ProgressLine { stop, thread }
    }

    fn finish(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            t.thread().unpark();
            let _ = t.join();
        }
    }
}

fn draw_progress(counters: &Progress, stop: &AtomicBool) {
    let started = Instant::now();
    let mut last = String::new();
    while !stop.load(Ordering::Relaxed) {
        std::thread::park_timeout(ProgressLine::TICK);
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let total = counters.total.load(Ordering::Relaxed);
        let done = counters.done.load(Ordering::Relaxed).min(total);
        if total < ProgressLine::MANY_FILES && started.elapsed() < ProgressLine::SLOW {
            continue;
        }
        const WIDTH: usize = 24;
        let line = match (done * WIDTH).checked_div(total) {
            None => "claimlint: finding files…".to_string(),
            Some(filled) => format!(
                "claimlint: [{}{}] {done}/{total} files",
                "#".repeat(filled),
                "-".repeat(WIDTH - filled)
            ),
        };
        if line != last {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r{line}\x1b[K").and_then(|()| err.flush());
            last = line;
        }
    }
    if !last.is_empty() {
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K").and_then(|()| err.flush());
    }
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over `path`,
/// so a reader never sees half a report and a failed write leaves nothing behind.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let mut file = AtomicFile::create(path)?;
    file.out.write_all(bytes).map_err(|e| file.error(e))?;
    file.commit(Durability::Synced)
}

/// A writer that remembers whether writing to it failed, to tell an output
/// that could not be written from a report that could not be rendered.
struct Tracked<W> {
    inner: W,
    failed: bool,
}

impl<W: Write> Tracked<W> {
    fn new(inner: W) -> Self {
        Tracked {
            inner,
            failed: false,
        }
    }
}

impl<W: Write> Write for Tracked<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let result = self.inner.write(buf);
        self.failed |= result.is_err();
        result
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let result = self.inner.flush();
        self.failed |= result.is_err();
        result
    }
}

/// Whether [`AtomicFile::commit`] flushes the file to disk before the
/// rename, so a power cut cannot leave it empty.
#[derive(Clone, Copy)]
enum Durability {
    /// Flushed: a baseline is state the user keeps and commits.
    Synced,
    /// Not flushed (the flush cost 2 ms, a sixth of a one-file run): a
    /// report is output, written again by the next run. Readers still never
    /// see half of one.
    Report,
}

/// A file written whole or not at all: into a temporary file beside it,
/// renamed into place by [`AtomicFile::commit`], removed if dropped before.
/// A reader never sees half a report, and a failed run leaves nothing behind.
///
/// A path that is a device or a pipe (`/dev/stdout`, a FIFO) is written in
/// place: renaming over it would replace the device with a plain file. A
/// symlink is followed, so the link stays and its target gets the report.
struct AtomicFile {
    /// The file named (or a symlink's target).
    path: PathBuf,
    /// The temporary file, until it is renamed; `None` when written in place.
    tmp: Option<PathBuf>,
    out: Tracked<std::io::BufWriter<std::fs::File>>,
}

impl AtomicFile {
    fn create(path: &Path) -> Result<AtomicFile, Error> {
        let open = |file| Tracked::new(std::io::BufWriter::new(file));
        if let Ok(meta) = std::fs::metadata(path)
            && !meta.is_file()
            && !meta.is_dir()
        {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(|e| Error::io(path, e))?;
            return Ok(AtomicFile {
                path: path.to_path_buf(),
                tmp: None,
                out: open(file),
            });
        }
        let path = match std::fs::symlink_metadata(path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                std::fs::canonicalize(path).map_err(|e| Error::io(path, e))?
            }
            _ => path.to_path_buf(),
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = folder_of(&path).join(format!(".{name}.claimlint-{}.tmp", std::process::id()));
        let file = std::fs::File::create(&tmp).map_err(|e| Error::io(&path, e))?;
        Ok(AtomicFile {
            path,
            tmp: Some(tmp),
            out: open(file),
        })
    }

    /// The error of a failed write: a failure to write names the file; a
    /// report that failed to render names itself.
    fn error(&self, e: std::io::Error) -> Error {
        if self.out.failed {
            Error::io(&self.path, e)
        } else {
            Error::io("<report>", e)
        }
    }

    /// Flushes the file (to disk too, if `durability` says so) and renames
    /// it into place.
    fn commit(mut self, durability: Durability) -> Result<(), Error> {
        self.out.flush().map_err(|e| self.error(e))?;
        if let Durability::Synced = durability {
            self.out
                .inner
                .get_ref()
                .sync_all()
                .map_err(|e| Error::io(&self.path, e))?;
        }
        if let Some(tmp) = &self.tmp {
            std::fs::rename(tmp, &self.path).map_err(|e| Error::io(&self.path, e))?;
            self.tmp = None;
        }
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if let Some(tmp) = &self.tmp {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

fn run_rules(args: &RuleArgs, format: ListFormat) -> Result<ExitCode, Error> {
    let session = app::session(&options_from(args))?;
    let rules = session.linter.engine.rules();
    let mut out = std::io::stdout().lock();
    let result = match format {
        ListFormat::Json => {
            let list: Vec<_> = rules
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id,
                        "category": r.category.as_str(),
                        "severity": r.severity.as_str(),
                        "summary": r.message,
                        "pack": r.pack,
                        "references": r.references,
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &list)
                .map_err(std::io::Error::other)
                .and_then(|()| writeln!(out))
        }
        ListFormat::Human => {
            let width = rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
            rules.iter().try_for_each(|r| {
                writeln!(
                    out,
                    "{:width$}  {:17}  {:7}  {}",
                    r.id,
                    r.category.as_str(),
                    r.severity.as_str(),
                    r.message
                )
            })
        }
    };
    let _ = result;
    Ok(ExitCode::SUCCESS)
}

fn run_explain(id: &str, args: &RuleArgs) -> Result<ExitCode, Error> {
    let mut options = options_from(args);
    // Explain any bundled rule, whether or not its pack is enabled; with
    // `--no-default-rules`, only the packs named (a copy of a bundled pack
    // given with `--rules` would otherwise clash with the bundled one).
    if !options.no_default_rules {
        options.packs.push("all".to_string());
    }
    options.examples = true;
    let session = app::session(&options)?;
    let Some(rule) = session.linter.engine.rules().iter().find(|r| r.id == id) else {
        return Err(Error::Usage(format!(
            "no rule `{id}` (see `claimlint rules` for the list)"
        )));
    };
    let mut text = format!(
        "{id}\n\ncategory: {}\nseverity: {}\npack:     {}\n\nWhat it flags\n  {}\n",
        rule.category, rule.severity, rule.pack, rule.message
    );
    if !rule.description.is_empty() {
        text.push_str("\nWhy it matters\n");
        for line in rule.description.lines() {
            text.push_str(&format!("  {line}\n"));
        }
    }
    text.push_str(&format!("\nHow to fix it\n  {}\n", rule.help));
    if !rule.references.is_empty() {
        text.push_str("\nReferences\n");
        for r in &rule.references {
            text.push_str(&format!("  - {r}\n"));
        }
    }
    for (title, list) in [
        ("Flagged", &rule.bad_examples),
        ("Fine", &rule.good_examples),
    ] {
        if !list.is_empty() {
            text.push_str(&format!("\n{title}\n"));
            for e in list {
                text.push_str(
                    &format!("  ✗ {}\n", e.trim().replace('\n', "\n    "))
                        .replace('✗', if title == "Fine" { "✓" } else { "✗" }),
                );
            }
        }
    }
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    Ok(ExitCode::SUCCESS)
}

fn run_init(path: &Path) -> Result<ExitCode, Error> {
    // create_new refuses to overwrite, atomically: no check-then-write race.
    let mut file = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(Error::Usage(format!(
                "{} already exists; claimlint init will not overwrite it",
                path.display()
            )));
        }
        Err(e) => return Err(Error::io(path, e)),
    };
    if let Err(e) = file.write_all(claimlint::config::STARTER.as_bytes()) {
        let _ = std::fs::remove_file(path);
        return Err(Error::io(path, e));
    }
    say!("Wrote {}", path.display());
    Ok(ExitCode::SUCCESS)
}

fn run_test(args: &RuleArgs, today: Option<Date>) -> Result<ExitCode, Error> {
    let mut options = options_from(args);
    options.today = today;
    options.examples = true;
    let session = app::session(&options)?;
    let rules = session.linter.engine.rules().to_vec();
    let settings = session.linter.engine.settings.clone();
    let (checked, failures) = claimlint::examples::run(rules, settings);
    for f in &failures {
        let verdict = if f.kind == "bad" {
            "should fire but did not"
        } else {
            "fired but should not"
        };
        say!(
            "FAIL {} ({}): {} example {verdict}:\n    {}\n    fired: [{}]",
            f.rule,
            f.origin,
            f.kind,
            f.text.trim().replace('\n', "\n    "),
            f.fired.join(", ")
        );
    }
    println!(
        "{} passed, {} failed",
        checked - failures.len(),
        failures.len()
    );
    Ok(if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
