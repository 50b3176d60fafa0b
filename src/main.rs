//! The `claimlint` command: parses flags, calls the library, maps the outcome
//! to an exit status (0 clean, 1 findings at or above --fail-on, 2 usage,
//! config, rule-pack or input errors). Never panics on user input.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use miette::{GraphicalReportHandler, GraphicalTheme};

use claimlint::app::{self, CheckOptions, FailOn};
use claimlint::date::Date;
use claimlint::error::Error;
use claimlint::report::{self, Format, RenderOptions, ReportInput};
use claimlint::rules::Jurisdiction;

mod lsp;

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

#[derive(Args)]
struct CheckArgs {
    /// Files or folders to lint; "-" reads stdin.
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Write the report there instead of stdout.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    rules: RuleArgs,
    /// Only these rules or categories (repeatable, comma lists too).
    #[arg(long, value_name = "ID|CATEGORY")]
    select: Vec<String>,
    /// Drop these rules or categories (repeatable, comma lists too).
    #[arg(long, value_name = "ID|CATEGORY")]
    ignore: Vec<String>,
    /// Lowest severity that makes the exit status 1 (default: warning).
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
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
    /// Colour: auto (a terminal without NO_COLOR), always or never.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorChoice,
    /// No summary line or notes on stderr.
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
        Command::Rules { rules, format } => run_rules(&rules, format),
        Command::Explain { id, rules } => run_explain(&id, &rules),
        Command::Init { path } => run_init(&path),
        Command::Test { rules, today } => run_test(&rules, today),
        Command::Lsp { rules, .. } => lsp::run(options_from(&rules)),
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
    eprintln!("{}", text.trim_end());
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

fn run_check(args: CheckArgs) -> Result<ExitCode, Error> {
    let options = CheckOptions {
        paths: args.paths.clone(),
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        fail_on: args.fail_on,
        today: args.today,
        stdin_filename: args.stdin_filename.clone(),
        force_exclude: args.force_exclude,
        threads: args.threads,
        ..options_from(&args.rules)
    };
    let session = app::session(&options)?;
    let outcome = app::check(&session, &options, args.format.needs_sources())?;
    let rules = app::rule_infos(session.linter.engine.rules());
    let input = ReportInput {
        diagnostics: &outcome.diagnostics,
        files: outcome.files,
        rules: &rules,
        sources: &outcome.sources,
        elapsed: outcome.elapsed,
    };
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            args.output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let mut rendered = Vec::new();
    report::render(args.format, &input, RenderOptions { color }, &mut rendered)
        .map_err(|e| Error::io("<report>", e))?;
    match &args.output {
        Some(path) => write_atomically(path, &rendered)?,
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth a message.
            let _ = stdout.write_all(&rendered).and_then(|()| stdout.flush());
        }
    }
    if !args.quiet {
        for note in &outcome.notes {
            eprintln!("claimlint: note: {}: {}", note.path, note.message);
        }
        let (errors, warnings, infos) = input.totals();
        let suppressed = outcome.diagnostics.len() - errors - warnings - infos;
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        let mut summary = format!(
            "Checked {} in {} ms: {}, {}, {}",
            plural(outcome.files, "file"),
            outcome.elapsed.as_millis(),
            plural(errors, "error"),
            plural(warnings, "warning"),
            plural(infos, "info"),
        );
        if suppressed > 0 {
            summary.push_str(&format!(", {suppressed} suppressed"));
        }
        eprintln!("{summary}");
    }
    for problem in &outcome.unreadable {
        eprintln!("claimlint: error: could not read {problem}");
    }
    if !outcome.unreadable.is_empty() {
        return Ok(ExitCode::from(2));
    }
    Ok(if outcome.fails(session.fail_on) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over `path`,
/// so a reader never sees half a report and a failed write leaves nothing behind.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.claimlint-{}.tmp", std::process::id()));
    let result = std::fs::File::create(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(path, e));
    }
    Ok(())
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
    // Explain any bundled rule, whether or not its pack is enabled.
    options.packs.push("all".to_string());
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
    eprintln!("Wrote {}", path.display());
    Ok(ExitCode::SUCCESS)
}

fn run_test(args: &RuleArgs, today: Option<Date>) -> Result<ExitCode, Error> {
    let mut options = options_from(args);
    options.today = today;
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
        eprintln!(
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
