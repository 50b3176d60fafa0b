//! The integrations, through the real binary: the pre-commit hook run by the
//! real `pre-commit` framework, baselines, `--diff-base` against real git
//! repositories, `--statistics`, and the progress line (on a pipe and, when
//! `script` is there, on a pseudo-terminal).
//!
//! Tools: `pre-commit` (pip package, `scripts/install-test-tools.sh`) and
//! `git`. A missing tool skips its test with a note, or fails it when
//! CLAIMLINT_REQUIRE_TEST_TOOLS=1. The pre-commit test of the published
//! manifest itself (`language: rust`, so pre-commit runs `cargo install` on a
//! copy of this repository) takes minutes and runs only with CLAIMLINT_SLOW_TESTS=1.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;
use tempfile::TempDir;

/// A small pack, so the assertions do not depend on the bundled rules' wording.
const PACK: &str = r#"rules:
  - id: test/limited-time
    category: urgency
    severity: error
    message: "Limited-time claim with no end date"
    help: "State the end date."
    references: ["16 CFR 238"]
    phrases: ["limited time"]
  - id: test/supplies
    category: scarcity
    severity: warning
    message: "While supplies last, with no quantity"
    help: "State the quantity."
    references: ["UCPD Annex I(7)"]
    phrases: ["while supplies last"]
  - id: test/best
    category: hype
    severity: info
    message: "Superlative with no evidence"
    help: "Add evidence."
    references: ["FTC Act s.5"]
    phrases: ["best"]
"#;

const CONFIG: &str = "no-default-rules: true\nrules: [pack.yaml]\nexclude: [\"drafts/**\"]\n";

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_claimlint")
}

/// A content folder with the pack and a config that uses only it.
struct Site {
    dir: TempDir,
}

impl Site {
    fn new() -> Site {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("pack.yaml"), PACK).unwrap();
        std::fs::write(dir.path().join("claimlint.yaml"), CONFIG).unwrap();
        Site { dir }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root().join(rel)).unwrap()
    }

    /// Runs claimlint in `rel_cwd` (relative to the site).
    fn run_in(&self, rel_cwd: &str, args: &[&str]) -> Run {
        let out = Command::new(bin())
            .current_dir(self.root().join(rel_cwd))
            .args(args)
            .args(["--today", "2026-05-01"])
            .env_remove("NO_COLOR")
            .output()
            .unwrap();
        Run::from(out)
    }

    fn run(&self, args: &[&str]) -> Run {
        self.run_in(".", args)
    }

    fn git(&self, args: &[&str]) -> String {
        let out = git_command(self.root()).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
}

/// git with a fixed identity and no user or system config.
fn git_command(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com");
    cmd
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code().expect("exited normally"),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    #[track_caller]
    fn expect(self, code: i32) -> Run {
        assert_eq!(
            self.code, code,
            "stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    fn both(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    /// `path:line rule` of each line of concise output.
    fn findings(&self) -> Vec<String> {
        self.stdout
            .lines()
            .map(|l| {
                let mut parts = l.splitn(4, ' ');
                let place = parts.next().unwrap();
                let (path_line, _col) = place.trim_end_matches(':').rsplit_once(':').unwrap();
                let _severity = parts.next();
                format!("{path_line} {}", parts.next().unwrap())
            })
            .collect()
    }
}

fn have(tool: &str, version_arg: &str) -> bool {
    Command::new(tool)
        .arg(version_arg)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Skips (returns true) with a note, or panics when tools are required.
fn missing(tool: &str) -> bool {
    let why = format!("`{tool}` is not installed (scripts/install-test-tools.sh installs it)");
    if std::env::var_os("CLAIMLINT_REQUIRE_TEST_TOOLS").is_some_and(|v| v == "1") {
        panic!("{why}");
    }
    eprintln!("skipped: {why}");
    true
}

// ---------------------------------------------------------------- pre-commit

const BAD: &str = "# Spring sale\n\nHurry: limited time only.\n";
const CLEAN: &str = "# Spring sale\n\nTwenty percent off until 31 May.\n";

/// A git content repo with the site's pack and config, and a
/// .pre-commit-config.yaml.
fn content_repo(pre_commit_config: &str) -> Site {
    let site = Site::new();
    site.write(".pre-commit-config.yaml", pre_commit_config);
    site.git(&["init", "-q", "-b", "main"]);
    site.git(&[
        "add",
        "pack.yaml",
        "claimlint.yaml",
        ".pre-commit-config.yaml",
    ]);
    site.git(&["commit", "-q", "-m", "setup"]);
    site
}

fn pre_commit(site: &Site, home: &Path, args: &[&str]) -> Run {
    let out = Command::new("pre-commit")
        .current_dir(site.root())
        .args(args)
        .env("PRE_COMMIT_HOME", home)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    Run::from(out)
}

/// `git commit` of `files` through the installed pre-commit hook.
fn commit(site: &Site, home: &Path, files: &[&str]) -> Run {
    let mut add = vec!["add"];
    add.extend(files);
    site.git(&add);
    let out = git_command(site.root())
        .args(["commit", "-m", "copy"])
        .env("PRE_COMMIT_HOME", home)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    Run::from(out)
}

/// The hook of `.pre-commit-hooks.yaml`, with its entry pointed at the built
/// binary and `language: system`, as a `repo: local` hook: the manifest's file
/// types, flags and serial setting are exercised without a release build.
fn local_hook_config() -> String {
    let manifest = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    let hooks: Vec<serde_yaml::Value> = serde_yaml::from_str(&manifest).unwrap();
    let mut hook = hooks
        .into_iter()
        .find(|h| h["id"].as_str() == Some("claimlint"))
        .expect("the manifest has a claimlint hook");
    let entry = hook["entry"].as_str().unwrap().to_string();
    let rest = entry
        .strip_prefix("claimlint ")
        .expect("the entry runs claimlint");
    hook["entry"] = format!("{} {rest} --today 2026-05-01", bin()).into();
    hook["language"] = "system".into();
    let config = serde_json::json!({
        "repos": [{ "repo": "local", "hooks": [hook] }]
    });
    // JSON is YAML.
    serde_json::to_string_pretty(&config).unwrap()
}

#[test]
fn pre_commit_hook_blocks_claims_and_passes_clean_and_excluded_copy() {
    if !have("pre-commit", "--version") && missing("pre-commit") {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let site = content_repo(&local_hook_config());
    pre_commit(&site, home.path(), &["install"]).expect(0);

    // A claim blocks the commit, and the finding is in the hook's output.
    site.write("site/launch.md", BAD);
    let run = commit(&site, home.path(), &["site/launch.md"]);
    let shown = run.both();
    assert_ne!(run.code, 0, "the commit went through:\n{shown}");
    assert!(shown.contains("claimlint"), "{shown}");
    assert!(shown.contains("Failed"), "{shown}");
    assert!(shown.contains("test/limited-time"), "{shown}");
    assert!(shown.contains("site/launch.md:3:"), "{shown}");
    assert!(site.git(&["log", "--format=%s"]).lines().count() == 1);

    // Fixed copy commits.
    site.write("site/launch.md", CLEAN);
    commit(&site, home.path(), &["site/launch.md"]).expect(0);

    // A file the config excludes passes although pre-commit names it...
    site.write("drafts/idea.md", BAD);
    let run = commit(&site, home.path(), &["drafts/idea.md"]).expect(0);
    let shown = run.both();
    assert!(shown.contains("Passed"), "{shown}");
    assert!(!shown.contains("test/limited-time"), "{shown}");
    // ...while claimlint without --force-exclude would have flagged it.
    site.run(&["check", "drafts/idea.md"]).expect(1);

    // Files that are not copy are not handed to the hook at all.
    site.write("notes.yaml", "note: limited time\n");
    let shown = commit(&site, home.path(), &["notes.yaml"]).expect(0).both();
    assert!(shown.contains("(no files to check)"), "{shown}");
    assert_eq!(site.git(&["log", "--format=%s"]).lines().count(), 4);
}

/// The published manifest as users get it: `pre-commit try-repo` clones this
/// repository (with any uncommitted changes) and builds it with
/// `cargo install`. Slow: set CLAIMLINT_SLOW_TESTS=1.
#[test]
fn pre_commit_manifest_builds_and_runs_with_try_repo() {
    if std::env::var_os("CLAIMLINT_SLOW_TESTS").is_none_or(|v| v != "1") {
        eprintln!("skipped: set CLAIMLINT_SLOW_TESTS=1 to build the hook with cargo install");
        return;
    }
    if !have("pre-commit", "--version") && missing("pre-commit") {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let site = content_repo("repos: []\n");
    site.write("site/launch.md", BAD);
    site.write("site/clean.md", CLEAN);
    site.write("drafts/idea.md", BAD);
    site.git(&["add", "site", "drafts"]);
    let repo = env!("CARGO_MANIFEST_DIR");
    // A quick unoptimised build: the point is the manifest, not the speed.
    let run = |files: &[&str]| {
        let mut cmd = Command::new("pre-commit");
        cmd.current_dir(site.root())
            .args(["try-repo", repo, "claimlint", "--verbose", "--files"])
            .args(files)
            .env("PRE_COMMIT_HOME", home.path())
            .env("NO_COLOR", "1")
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
            .env("CARGO_PROFILE_RELEASE_LTO", "false")
            .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
            .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
            // Not the target folder of the `cargo test` that runs this (it may be locked).
            .env(
                "CARGO_TARGET_DIR",
                Path::new(env!("CARGO_TARGET_TMPDIR")).join("pre-commit-hook-build"),
            );
        Run::from(cmd.output().unwrap())
    };
    let bad = run(&["site/launch.md", "site/clean.md"]);
    let shown = format!("{}{}", bad.stdout, bad.stderr);
    assert_ne!(bad.code, 0, "{shown}");
    assert!(shown.contains("test/limited-time"), "{shown}");
    assert!(shown.contains("site/launch.md:3:"), "{shown}");
    let good = run(&["site/clean.md", "drafts/idea.md"]);
    assert_eq!(good.code, 0, "{}{}", good.stdout, good.stderr);
}

// ---------------------------------------------------------------- baseline

const OLD: &str =
    "# Sale\n\nThe best deal, limited time only.\n\nThe best price while supplies last.\n";

#[test]
fn baseline_records_counts_and_check_reports_only_the_excess() {
    let site = Site::new();
    site.write("site/a.md", OLD);
    site.write("site/b.md", "Our best offer.\n");
    site.write("site/clean.md", "Nothing to see.\n");
    let run = site.run(&["baseline", "site"]).expect(0);
    assert!(
        run.stderr.contains("Wrote claimlint-baseline.json"),
        "{}",
        run.stderr
    );
    assert_eq!(
        site.read("claimlint-baseline.json"),
        "{\n  \"version\": 1,\n  \"files\": {\n    \"site/a.md\": {\n      \"test/best\": 2,\n      \
         \"test/limited-time\": 1,\n      \"test/supplies\": 1\n    },\n    \"site/b.md\": {\n      \
         \"test/best\": 1\n    }\n  }\n}\n"
    );
    // Written by rename: no temporary file is left beside it.
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // Everything is in the baseline: a clean pass.
    let run = site
        .run(&[
            "check",
            "site",
            "--baseline",
            "claimlint-baseline.json",
            "--format",
            "concise",
        ])
        .expect(0);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("5 in the baseline"), "{}", run.stderr);

    // Editing around the claims (moving them, rewording other text) changes nothing.
    site.write(
        "site/a.md",
        "# Sale, reworded\n\nIntro.\n\nThe best price while supplies last.\n\nThe best deal, limited time only.\n",
    );
    site.run(&["check", "site", "--baseline", "claimlint-baseline.json"])
        .expect(0);

    // One more "best" in a.md: every "best" finding of a.md is reported
    // (the count cannot tell which is new), nothing else.
    site.write("site/a.md", &format!("{OLD}\nSimply the best.\n"));
    let run = site
        .run(&[
            "check",
            "site",
            "--baseline",
            "claimlint-baseline.json",
            "--format",
            "concise",
        ])
        .expect(0); // test/best is info: it does not fail the run
    assert_eq!(
        run.findings(),
        [
            "site/a.md:3 test/best",
            "site/a.md:5 test/best",
            "site/a.md:7 test/best"
        ]
    );
    // A new rule in a file: exit 1 with only that finding.
    site.write("site/b.md", "Our best offer, limited time.\n");
    let run = site
        .run(&[
            "check",
            "site/b.md",
            "--baseline",
            "claimlint-baseline.json",
            "--format",
            "concise",
        ])
        .expect(1);
    assert_eq!(run.findings(), ["site/b.md:1 test/limited-time"]);
    // A new file is not in the baseline at all.
    site.write("site/new.md", "While supplies last!\n");
    let run = site
        .run(&[
            "check",
            "site/new.md",
            "--baseline",
            "claimlint-baseline.json",
            "--format",
            "concise",
        ])
        .expect(1);
    assert_eq!(run.findings(), ["site/new.md:1 test/supplies"]);
}

#[test]
fn baseline_paths_are_relative_to_the_baseline_file() {
    let site = Site::new();
    site.write("site/a.md", OLD);
    std::fs::create_dir_all(site.root().join("tools")).unwrap();
    // Written from a subfolder into the site root...
    site.run_in(
        "tools",
        &[
            "baseline",
            "../site",
            "--output",
            "../claimlint-baseline.json",
        ],
    )
    .expect(0);
    let json: Value = serde_json::from_str(&site.read("claimlint-baseline.json")).unwrap();
    assert_eq!(json["files"]["site/a.md"]["test/best"], 2);
    // ...and used from the root, and from inside the copy folder.
    site.run(&["check", "site", "--baseline", "claimlint-baseline.json"])
        .expect(0);
    site.run_in(
        "site",
        &["check", "a.md", "--baseline", "../claimlint-baseline.json"],
    )
    .expect(0);
}

#[test]
fn prune_lowers_counts_never_raises_them_and_keeps_files_not_checked() {
    let site = Site::new();
    site.write("site/a.md", OLD);
    site.write("site/b.md", "Our best offer.\n");
    site.write("site/gone.md", "While supplies last.\n");
    site.run(&["baseline", "site"]).expect(0);
    std::fs::remove_file(site.root().join("site/gone.md")).unwrap();

    // One "best" fixed, the supplies claim fixed, and a new limited-time claim.
    site.write(
        "site/a.md",
        "# Sale\n\nThe best deal, limited time only.\n\nA fair price. Limited time.\n",
    );
    let run = site
        .run(&[
            "check",
            "site/a.md",
            "--baseline",
            "claimlint-baseline.json",
            "--prune-baseline",
            "--format",
            "concise",
        ])
        .expect(1);
    // The excess is still reported: pruning never raises a count.
    assert_eq!(
        run.findings(),
        [
            "site/a.md:3 test/limited-time",
            "site/a.md:5 test/limited-time"
        ]
    );
    let json: Value = serde_json::from_str(&site.read("claimlint-baseline.json")).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"version": 1, "files": {
            // lowered from 2 to 1; supplies removed; limited-time stays 1
            "site/a.md": {"test/best": 1, "test/limited-time": 1},
            // not checked in this run: kept as it was
            "site/b.md": {"test/best": 1},
            // gone.md no longer exists: removed
        }})
    );
    // Pruning with a narrower --select leaves other rules alone.
    site.write("site/a.md", "Nothing here.\n");
    site.run(&[
        "check",
        "site",
        "--select",
        "test/limited-time",
        "--baseline",
        "claimlint-baseline.json",
        "--prune-baseline",
    ])
    .expect(0);
    let json: Value = serde_json::from_str(&site.read("claimlint-baseline.json")).unwrap();
    assert_eq!(
        json["files"],
        serde_json::json!({"site/a.md": {"test/best": 1}, "site/b.md": {"test/best": 1}})
    );
}

#[test]
fn missing_or_invalid_baselines_exit_2_with_a_message() {
    let site = Site::new();
    site.write("a.md", OLD);
    let run = site
        .run(&["check", "a.md", "--baseline", "nope.json"])
        .expect(2);
    assert!(
        run.stderr.contains("cannot read baseline nope.json"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("claimlint baseline"), "{}", run.stderr);
    for (text, says) in [
        ("{\"version\": 1", "not a claimlint baseline"),
        (
            "{\"version\": 9, \"files\": {}}",
            "unsupported baseline version 9",
        ),
        (
            "{\"version\": 1, \"files\": {\"a.md\": {\"r\": \"x\"}}}",
            "not a claimlint baseline",
        ),
    ] {
        site.write("bad.json", text);
        let run = site
            .run(&["check", "a.md", "--baseline", "bad.json"])
            .expect(2);
        assert!(run.stderr.contains(says), "{text}: {}", run.stderr);
        assert_eq!(run.stdout, "");
    }
    // --prune-baseline needs --baseline.
    site.run(&["check", "a.md", "--prune-baseline"]).expect(2);
    // A baseline that cannot be written: exit 2, nothing left behind.
    let run = site
        .run(&["baseline", "a.md", "--output", "no/such/dir/b.json"])
        .expect(2);
    assert!(run.stderr.contains("no/such/dir/b.json"), "{}", run.stderr);
}

// ---------------------------------------------------------------- diff base

fn diff_repo() -> Option<Site> {
    if !have("git", "--version") && missing("git") {
        return None;
    }
    let site = Site::new();
    site.write(
        "site/a.md",
        "# Sale\n\nThe best deal.\n\nLimited time only.\n\nWhile supplies last.\n",
    );
    site.write("site/b.md", "Our best offer.\n");
    site.git(&["init", "-q", "-b", "main"]);
    site.git(&["add", "."]);
    site.git(&["commit", "-q", "-m", "old copy"]);
    Some(site)
}

#[test]
fn diff_base_keeps_only_findings_on_changed_lines() {
    let Some(site) = diff_repo() else { return };
    // Line 3 reworded (still a claim), a claim added at the end; b.md untouched.
    site.write(
        "site/a.md",
        "# Sale\n\nThe best deal of the year.\n\nLimited time only.\n\nWhile supplies last.\n\nBest of all, limited time.\n",
    );
    // Staged and untracked files count too.
    site.write("site/staged.md", "While supplies last.\n");
    site.git(&["add", "site/staged.md"]);
    site.write("site/untracked.md", "Limited time.\n");
    let run = site
        .run(&[
            "check",
            "site",
            "--diff-base",
            "HEAD",
            "--format",
            "concise",
        ])
        .expect(1);
    assert_eq!(
        run.findings(),
        [
            "site/a.md:3 test/best",
            "site/a.md:9 test/best",
            "site/a.md:9 test/limited-time",
            "site/staged.md:1 test/supplies",
            "site/untracked.md:1 test/limited-time",
        ]
    );
    assert!(
        run.stderr.contains("3 on unchanged lines"),
        "{}",
        run.stderr
    );

    // The same from a subfolder, with ../ paths, and with an absolute path.
    let run = site
        .run_in(
            "site",
            &[
                "check",
                "../site/a.md",
                "--diff-base",
                "HEAD",
                "--format",
                "concise",
            ],
        )
        .expect(1);
    assert_eq!(run.findings().len(), 3, "{}", run.stdout);
    let abs = site.root().join("site/a.md");
    let run = site
        .run(&[
            "check",
            abs.to_str().unwrap(),
            "--diff-base",
            "HEAD",
            "--format",
            "concise",
        ])
        .expect(1);
    assert_eq!(run.findings().len(), 3, "{}", run.stdout);

    // Committed changes since an older revision count; deletions mark nothing.
    site.git(&["add", "."]);
    site.git(&["commit", "-q", "-m", "new copy"]);
    site.run(&[
        "check",
        "site",
        "--diff-base",
        "HEAD",
        "--format",
        "concise",
    ])
    .expect(0);
    let run = site
        .run(&[
            "check",
            "site",
            "--diff-base",
            "HEAD~1",
            "--format",
            "concise",
        ])
        .expect(1);
    assert_eq!(run.findings().len(), 5, "{}", run.stdout);
    site.write(
        "site/a.md",
        "# Sale\n\nThe best deal of the year.\n\nLimited time only.\n\nBest of all, limited time.\n",
    );
    site.run(&[
        "check",
        "site",
        "--diff-base",
        "HEAD",
        "--format",
        "concise",
    ])
    .expect(0);
}

#[test]
fn diff_base_follows_renames_and_runs_after_the_baseline() {
    let Some(site) = diff_repo() else { return };
    // A moved page reports only the line edited in the move.
    site.git(&["mv", "site/a.md", "site/moved.md"]);
    site.write(
        "site/moved.md",
        "# Sale\n\nThe best deal.\n\nLimited time only.\n\nWhile supplies last, really.\n",
    );
    let run = site
        .run(&[
            "check",
            "site",
            "--diff-base",
            "HEAD",
            "--format",
            "concise",
        ])
        .expect(1);
    assert_eq!(run.findings(), ["site/moved.md:7 test/supplies"]);

    // The baseline counts whole files; the changed-lines filter comes after.
    site.run(&["baseline", "site"]).expect(0);
    site.write(
        "site/moved.md",
        "# Sale\n\nThe best deal.\n\nLimited time only.\n\nWhile supplies last, really.\n\nBest ever.\n",
    );
    let run = site
        .run(&[
            "check",
            "site",
            "--baseline",
            "claimlint-baseline.json",
            "--diff-base",
            "HEAD",
            "--format",
            "concise",
        ])
        .expect(0);
    // Two "best" now, one allowed: both are over the baseline, but only the
    // one on a changed line (9) is reported; line 3 did not change.
    assert_eq!(run.findings(), ["site/moved.md:9 test/best"]);
}

#[test]
fn diff_base_errors_exit_2_with_gits_message() {
    let Some(site) = diff_repo() else { return };
    let run = site
        .run(&["check", "site", "--diff-base", "no-such-branch"])
        .expect(2);
    assert!(run.stderr.contains("no-such-branch"), "{}", run.stderr);
    // An option-like revision is a revision, never an option to git.
    let run = site
        .run(&["check", "site", "--diff-base=--output=/tmp/x"])
        .expect(2);
    assert!(run.stderr.contains("--diff-base"), "{}", run.stderr);

    let plain = Site::new();
    plain.write("a.md", OLD);
    // The temporary folder is not inside a git repository.
    let run = plain
        .run(&["check", "a.md", "--diff-base", "HEAD"])
        .expect(2);
    assert!(
        run.stderr.contains("not a git repository"),
        "{}",
        run.stderr
    );
}

// ---------------------------------------------------------------- statistics

#[test]
fn statistics_count_per_rule_and_category() {
    let site = Site::new();
    site.write("a.md", OLD);
    site.write("b.md", "Our best offer.\n");
    let run = site.run(&["check", ".", "--statistics"]).expect(1);
    let expected = "count  rule               severity  category\n    \
                    3  test/best          info      hype\n    \
                    1  test/limited-time  error     urgency\n    \
                    1  test/supplies      warning   scarcity\n\n\
                    count  category\n    \
                    3  hype\n    \
                    1  scarcity\n    \
                    1  urgency\n\n\
                    5 findings from 3 rules of ";
    // The count of active rules includes the always-on meta rules.
    assert!(run.stdout.starts_with(expected), "{}", run.stdout);
    assert!(run.stdout.ends_with(" active\n"), "{}", run.stdout);

    // Machine formats are unchanged; the table goes to stderr for the log.
    let plain = site.run(&["check", ".", "--format", "json"]).expect(1);
    let with = site
        .run(&["check", ".", "--format", "json", "--statistics"])
        .expect(1);
    assert_eq!(plain.stdout, with.stdout);
    assert!(with.stderr.starts_with(expected), "{}", with.stderr);
    let json: Value = serde_json::from_str(&with.stdout).unwrap();
    assert_eq!(json["summary"]["by_rule"]["test/best"], 3);

    // --quiet keeps stderr empty; a clean run says so.
    let quiet = site
        .run(&["check", ".", "--format", "json", "--statistics", "--quiet"])
        .expect(1);
    assert_eq!(quiet.stderr, "");
    site.write("a.md", "Fine.\n");
    site.write("b.md", "Fine.\n");
    let run = site.run(&["check", ".", "--statistics"]).expect(0);
    assert_eq!(run.stdout, "No findings.\n");
}

// ---------------------------------------------------------------- progress

fn many_files(n: usize) -> Site {
    let site = Site::new();
    for i in 0..n {
        site.write(
            &format!("copy/page-{i:04}.md"),
            "Plain words, nothing to flag.\n",
        );
    }
    site.write("copy/page-0000.md", "Limited time.\n");
    site
}

#[test]
fn no_progress_when_stderr_is_not_a_terminal() {
    let site = many_files(400);
    let run = site
        .run(&["check", "copy", "--format", "concise"])
        .expect(1);
    assert!(!run.stderr.contains('\r'), "{:?}", run.stderr);
    assert!(!run.stderr.contains("files\u{1b}"), "{:?}", run.stderr);
    assert!(
        run.stderr.starts_with("Checked 400 files"),
        "{:?}",
        run.stderr
    );
}

/// On a pseudo-terminal (`script`), a run over many files draws the
/// progress line on stderr and erases it before the summary; `--quiet`
/// draws nothing.
#[test]
fn progress_on_a_terminal() {
    if !have("script", "--version") && missing("script") {
        return;
    }
    // Pages long enough that even an optimised build lints for several
    // progress ticks (50 ms each): the line is only drawn on a tick.
    let site = Site::new();
    let page = "Our planners sit down with you, look at the rooms you use most and \
                sketch a layout that fits the way you cook, store and clean. \
                Measurements are taken on site, and the drawings come back \
                within the week for you to mark up before anything is ordered.\n\n"
        .repeat(12);
    for i in 0..3000 {
        site.write(&format!("copy/page-{i:04}.md"), &page);
    }
    site.write("copy/page-0000.md", "Limited time.\n");
    let in_tty = |extra: &str| {
        let cmd = format!(
            "'{}' check copy --format concise --threads 1 --today 2026-05-01 {extra}",
            bin()
        );
        let out = Command::new("script")
            .current_dir(site.root())
            .args(["-qec", &cmd, "/dev/null"])
            .env("TERM", "xterm")
            .output()
            .unwrap();
        Run::from(out)
    };
    let run = in_tty("").expect(1);
    assert!(run.stdout.contains("/3000 files"), "{:?}", run.stdout);
    let erased = run.stdout.rfind("\r\u{1b}[2K").expect("the line is erased");
    let summary = run.stdout.find("Checked 3000 files").expect("summary");
    assert!(erased < summary, "{:?}", run.stdout);
    let quiet = in_tty("--quiet").expect(1);
    assert!(!quiet.stdout.contains("files"), "{:?}", quiet.stdout);
}
