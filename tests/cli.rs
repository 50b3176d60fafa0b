//! The command line as users and scripts meet it: exit codes, formats, stdin,
//! config discovery, init, explain and rule-pack errors, through the real binary.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use tempfile::TempDir;

const TODAY: &str = "2026-11-27";

fn starter() -> String {
    format!("{}/tests/data/starter.yaml", env!("CARGO_MANIFEST_DIR"))
}

/// `claimlint check` with the frozen starter pack only, isolated from any config.
fn check(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("claimlint").unwrap();
    cmd.current_dir(dir).env("NO_COLOR", "1").args([
        "check",
        "--no-default-rules",
        "--rules",
        &starter(),
        "--today",
        TODAY,
    ]);
    cmd
}

fn json(dir: &Path, args: &[&str]) -> Value {
    let out = check(dir)
        .args(["--format", "json"])
        .args(args)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

fn rules_fired(report: &Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect()
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

#[test]
fn exit_codes_zero_one_two() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "clean.md", "Fresh bread every morning.\n");
    check(dir.path()).arg("clean.md").assert().code(0);
    write(dir.path(), "claim.md", "Hurry, while supplies last!\n");
    check(dir.path()).arg("claim.md").assert().code(1);
    // Missing path, unknown selector, bad date: usage errors.
    check(dir.path())
        .arg("missing.md")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.md"));
    check(dir.path())
        .args(["claim.md", "--select", "nope"])
        .assert()
        .code(2);
    check(dir.path())
        .args(["claim.md", "--today", "27/11/2026"])
        .assert()
        .code(2);
}

#[test]
fn fail_on_threshold() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "info.md", "The best loaf.\n");
    check(dir.path()).arg("info.md").assert().code(0);
    check(dir.path())
        .args(["info.md", "--fail-on", "info"])
        .assert()
        .code(1);
    write(dir.path(), "warn.md", "While supplies last.\n");
    check(dir.path())
        .args(["warn.md", "--fail-on", "error"])
        .assert()
        .code(0);
    check(dir.path())
        .args(["warn.md", "--fail-on", "never"])
        .assert()
        .code(0);
}

#[test]
fn json_report_has_contract_fields_and_character_columns() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "a.md", "“Café” é — while supplies last.\n");
    let report = json(dir.path(), &["a.md"]);
    assert_eq!(report["version"], 1);
    assert_eq!(report["files"], 1);
    let d = &report["diagnostics"][0];
    for key in [
        "rule",
        "category",
        "severity",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "byte_start",
        "byte_end",
        "matched",
        "message",
        "help",
        "references",
    ] {
        assert!(!d[key].is_null(), "missing {key}: {d}");
    }
    assert_eq!(d["rule"], "scarcity/while-supplies-last");
    assert_eq!(d["matched"], "while supplies last");
    assert_eq!(d["line"], 1);
    assert_eq!(d["column"], 12, "columns count characters, not bytes");
    assert_eq!(d["end_column"], 31);
    let text = fs::read_to_string(dir.path().join("a.md")).unwrap();
    let (s, e) = (
        d["byte_start"].as_u64().unwrap() as usize,
        d["byte_end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&text[s..e], "while supplies last");
}

#[test]
fn diagnostics_sorted_by_path_then_position() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "b.md", "Limited time. While supplies last.\n");
    write(
        dir.path(),
        "a/z.md",
        "While supplies last.\n\nToday only.\n",
    );
    let report = json(dir.path(), &["."]);
    let keys: Vec<(String, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["byte_start"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert_eq!(keys.len(), 4, "{keys:?}");
    assert_eq!(keys[0].0, "a/z.md");
}

#[test]
fn stdin_with_and_without_a_name() {
    let dir = TempDir::new().unwrap();
    let out = check(dir.path())
        .args(["-", "--format", "json", "--stdin-filename", "site/promo.md"])
        .write_stdin("Limited time offer!\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["diagnostics"][0]["path"], "site/promo.md");
    check(dir.path())
        .arg("-")
        .write_stdin("Nothing to see.\n")
        .assert()
        .code(0);
}

#[test]
fn facts_in_front_matter_clear_findings_and_expired_offers_are_errors() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "stock.md",
        "---\noffer:\n  stock: 500\n---\nWhile supplies last.\n",
    );
    check(dir.path()).arg("stock.md").assert().code(0);
    write(
        dir.path(),
        "old.md",
        "---\noffer:\n  ends: 2026-10-31\n---\nLimited time: 20% off.\n",
    );
    let report = json(dir.path(), &["old.md"]);
    let d = &report["diagnostics"][0];
    assert_eq!(d["rule"], "urgency/offer-expired");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["line"], 3, "points at the ends: line in front matter");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("27 days before 2026-11-27"),
        "{d}"
    );
}

#[test]
fn malformed_front_matter_is_a_finding_and_the_body_is_still_linted() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "bad.md",
        "---\noffer: [1,\n---\nWhile supplies last.\n",
    );
    let report = json(dir.path(), &["bad.md"]);
    let rules = rules_fired(&report);
    assert!(
        rules.contains(&"meta/front-matter-invalid".to_string()),
        "{rules:?}"
    );
    assert!(
        rules.contains(&"scarcity/while-supplies-last".to_string()),
        "{rules:?}"
    );
    write(
        dir.path(),
        "open.md",
        "---\ntitle: x\nWhile supplies last.\n",
    );
    let report = json(dir.path(), &["open.md"]);
    let first = &report["diagnostics"][0];
    assert_eq!(first["rule"], "meta/front-matter-invalid");
    assert_eq!(first["line"], 1);
}

#[test]
fn titles_and_descriptions_in_front_matter_are_copy() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "page.md",
        "---\ntitle: \"Sofas: today only\"\ndescription: While stocks last.\n\
         offer:\n  stock: 40\n---\nOak sofas.\n",
    );
    // The stock fact clears the description's claim; the title's is reported
    // where it is written.
    let report = json(dir.path(), &["page.md"]);
    let d = &report["diagnostics"].as_array().unwrap();
    assert_eq!(d.len(), 1, "{report}");
    assert_eq!(d[0]["rule"], "urgency/limited-time");
    assert_eq!(
        (d[0]["line"].as_u64(), d[0]["column"].as_u64()),
        (Some(2), Some(16))
    );
    assert_eq!(d[0]["matched"], "today only");

    // TOML front matter, and a title the body repeats as its heading: one
    // finding, at the heading.
    write(
        dir.path(),
        "toml.md",
        "+++\ntitle = 'Limited time offers'\n+++\n\n# Limited time offers\n",
    );
    let report = json(dir.path(), &["toml.md"]);
    let lines: Vec<_> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [5], "{report}");

    // A folded description, reported on the line that says it.
    write(
        dir.path(),
        "folded.md",
        "---\ndescription: >-\n  Oak sofas made in Leeds,\n  while stocks last.\n---\nOak sofas.\n",
    );
    let report = json(dir.path(), &["folded.md"]);
    let d = &report["diagnostics"][0];
    assert_eq!(d["rule"], "scarcity/while-supplies-last", "{report}");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(4), Some(3))
    );

    // An HTML page's meta description is its search snippet: copy too.
    write(
        dir.path(),
        "page.html",
        "<html><head>\n<meta name=\"keywords\" content=\"today only\">\n\
         <meta content=\"Sofas, today only\" name=\"description\">\n</head><body><p>Oak sofas.</p></body></html>\n",
    );
    let report = json(dir.path(), &["page.html"]);
    let d = &report["diagnostics"].as_array().unwrap();
    assert_eq!(d.len(), 1, "{report}");
    assert_eq!(
        (d[0]["line"].as_u64(), d[0]["column"].as_u64()),
        (Some(3), Some(23))
    );

    // A suppression comment works inside front matter as a YAML comment.
    write(
        dir.path(),
        "waived.md",
        "---\n# <!-- claimlint-disable-next-line urgency -- the sale ends 6 December -->\n\
         title: Today only\n---\nOak sofas.\n",
    );
    check(dir.path()).arg("waived.md").assert().code(0);
}

#[test]
fn claims_split_by_markup_are_found_and_code_is_not() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "split.md",
        "Buy now while **supplies** last.\n\nA [limited time](https://x.example/offer) deal.\n",
    );
    let report = json(dir.path(), &["split.md"]);
    assert_eq!(
        rules_fired(&report),
        vec!["scarcity/while-supplies-last", "urgency/limited-time"]
    );
    assert_eq!(
        report["diagnostics"][0]["matched"],
        "while **supplies** last"
    );
    write(
        dir.path(),
        "code.md",
        "Use `while supplies last` here.\n\n```\nlimited time\n```\n\n    today only\n\nSee https://shop.example/limited-time and <https://x.example/today-only>.\n",
    );
    check(dir.path()).arg("code.md").assert().code(0);
}

#[test]
fn exceptions_and_evidence() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "cotton.md",
        "Made from 100% cotton. Best regards.\n",
    );
    check(dir.path())
        .args(["cotton.md", "--fail-on", "info"])
        .assert()
        .code(0);
    write(dir.path(), "pct.md", "100% satisfaction.\n");
    check(dir.path()).arg("pct.md").assert().code(1);
    write(
        dir.path(),
        "ev.md",
        "---\nevidence:\n  - claim: best\n    source: Which? 2026\n---\nThe best kettle.\n",
    );
    check(dir.path())
        .args(["ev.md", "--fail-on", "info"])
        .assert()
        .code(0);
}

#[test]
fn suppression_comments() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "s.md",
        "<!-- claimlint-disable-next-line scarcity -- 200 units, OPS-7 -->\nWhile supplies last.\n\n<!-- claimlint-disable-next-line urgency -->\nToday only.\n\n<!-- claimlint-disable hype -- approved -->\nNothing here.\n<!-- claimlint-enable hype -->\n",
    );
    let report = json(dir.path(), &["s.md"]);
    let rules = rules_fired(&report);
    assert_eq!(
        rules,
        vec!["meta/suppression-without-reason", "meta/unused-suppression"],
        "{report}"
    );
    assert_eq!(report["summary"]["suppressed"], 2);
    assert_eq!(report["suppressed"][0]["justification"], "200 units, OPS-7");
}

#[test]
fn select_and_ignore_by_id_and_category() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "x.md", "While supplies last. Limited time.\n");
    let only = json(dir.path(), &["x.md", "--select", "urgency"]);
    assert_eq!(rules_fired(&only), vec!["urgency/limited-time"]);
    let dropped = json(
        dir.path(),
        &["x.md", "--ignore", "urgency/limited-time,hype"],
    );
    assert_eq!(rules_fired(&dropped), vec!["scarcity/while-supplies-last"]);
}

#[test]
fn config_discovery_facts_by_glob_and_excludes() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "claimlint.yaml",
        "exclude: [drafts]\nfacts:\n  - files: \"news/*.txt\"\n    offer:\n      stock: 40\nseverity:\n  scarcity: error\n",
    );
    write(dir.path(), "news/a.txt", "While supplies last.\n");
    write(dir.path(), "drafts/b.md", "While supplies last.\n");
    write(dir.path(), "site/c.md", "While supplies last.\n");
    write(dir.path(), "node_modules/d.md", "While supplies last.\n");
    write(dir.path(), ".gitignore", "node_modules/\n");
    // Run from a sub-folder: the config is found upward.
    let sub = dir.path().join("site");
    let report = json(&sub, &[".."]);
    let paths: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, vec!["../site/c.md"], "{report}");
    assert_eq!(report["diagnostics"][0]["severity"], "error");
}

#[test]
fn bad_config_is_exit_two_with_position() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "claimlint.yaml",
        "select: []\nfail_on: warning\n",
    );
    write(dir.path(), "a.md", "x\n");
    check(dir.path()).arg("a.md").assert().code(2).stderr(
        predicate::str::contains("claimlint.yaml:2:1").and(predicate::str::contains("fail_on")),
    );
}

#[test]
fn bad_rule_packs_name_file_line_and_column() {
    let dir = TempDir::new().unwrap();
    let cases = [
        (
            "key.yaml",
            "rules:\n  - id: a/b\n    category: hype\n    severity: info\n    message: m\n    help: h\n    references: [r]\n    phrase: [x]\n",
            "key.yaml:8:5",
            "unknown field",
        ),
        (
            "cat.yaml",
            "rules:\n  - id: a/b\n    category: hyped\n    severity: info\n    message: m\n    help: h\n    references: [r]\n    phrases: [x]\n",
            "cat.yaml:3:5",
            "unknown category",
        ),
        (
            "re.yaml",
            "rules:\n  - id: a/b\n    category: hype\n    severity: info\n    message: m\n    help: h\n    references: [r]\n    patterns: ['a(b']\n",
            "re.yaml:8:17",
            "invalid regex",
        ),
        (
            "dup.yaml",
            "rules:\n  - id: a/b\n    category: hype\n    severity: info\n    message: m\n    help: h\n    references: [r]\n    phrases: [x]\n  - id: a/b\n    category: hype\n    severity: info\n    message: m\n    help: h\n    references: [r]\n    phrases: [y]\n",
            "dup.yaml:9:9",
            "duplicate rule id",
        ),
        (
            "refs.yaml",
            "rules:\n  - id: a/ok\n    category: hype\n    severity: info\n    message: m\n    help: h\n    references: [r]\n    phrases: [x]\n  - id: a/uncited\n    category: hype\n    severity: info\n    message: m\n    help: h\n    references: []\n    phrases: [y]\n",
            "refs.yaml:9:9",
            "rule `a/uncited` has no `references`",
        ),
        (
            "yaml.yaml",
            "rules:\n  - id: a/b\n    category: [hype\n",
            "yaml.yaml:",
            "rules",
        ),
    ];
    for (name, text, location, message) in cases {
        write(dir.path(), name, text);
        let out = Command::cargo_bin("claimlint")
            .unwrap()
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .args(["check", "--no-default-rules", "--rules", name, "."])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(
            stderr.contains(location),
            "{name}: expected {location} in {stderr}"
        );
        assert!(
            stderr.contains(message),
            "{name}: expected {message} in {stderr}"
        );
    }
}

#[test]
fn init_writes_a_starter_and_refuses_to_overwrite() {
    let dir = TempDir::new().unwrap();
    let mut cmd = Command::cargo_bin("claimlint").unwrap();
    cmd.current_dir(dir.path()).arg("init").assert().code(0);
    let written = fs::read_to_string(dir.path().join("claimlint.yaml")).unwrap();
    assert!(written.contains("jurisdiction: us"));
    fs::write(dir.path().join("claimlint.yaml"), "# mine\n").unwrap();
    let mut again = Command::cargo_bin("claimlint").unwrap();
    again
        .current_dir(dir.path())
        .arg("init")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("will not overwrite"));
    assert_eq!(
        fs::read_to_string(dir.path().join("claimlint.yaml")).unwrap(),
        "# mine\n"
    );
    // The starter is a valid config that check accepts.
    fs::remove_file(dir.path().join("claimlint.yaml")).unwrap();
    Command::cargo_bin("claimlint")
        .unwrap()
        .current_dir(dir.path())
        .arg("init")
        .assert()
        .code(0);
    write(dir.path(), "a.md", "Fresh bread.\n");
    check(dir.path()).arg("a.md").assert().code(0);
}

#[test]
fn explain_and_rules_list_the_bundled_rules() {
    let mut cmd = Command::cargo_bin("claimlint").unwrap();
    cmd.args(["explain", "scarcity/while-supplies-last"])
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("scarcity")
                .and(predicate::str::contains("How to fix it"))
                // The examples, which a run that only lints does not load.
                .and(predicate::str::contains("Flagged"))
                .and(predicate::str::contains("while supplies last")),
        );
    Command::cargo_bin("claimlint")
        .unwrap()
        .args(["explain", "no/such-rule"])
        .assert()
        .code(2);
    // A pack folder given instead of the bundled packs, as a rule writer
    // working on a copy of the packs does: its rules, not a clash.
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "packs/green/green.yaml",
        "rules:\n  - id: green/generic-claim\n    category: green\n    severity: warning\n    message: \"Vague green claim\"\n    help: \"Say what is greener.\"\n    references: [\"Green Claims Code\"]\n    phrases: [\"eco-friendly\"]\n",
    );
    Command::cargo_bin("claimlint")
        .unwrap()
        .current_dir(dir.path())
        .args(["explain", "green/generic-claim", "--no-default-rules"])
        .args(["--rules", "packs/green"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Say what is greener."));
    let out = Command::cargo_bin("claimlint")
        .unwrap()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = list.as_array().unwrap();
    assert!(list.iter().any(|r| r["id"] == "urgency/offer-expired"));
    for r in list {
        assert!(r["summary"].as_str().is_some_and(|s| !s.is_empty()), "{r}");
    }
}

#[test]
fn output_file_is_written_and_stdout_stays_empty() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "a.md", "Limited time.\n");
    check(dir.path())
        .args(["a.md", "--format", "json", "--output", "report.json"])
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty());
    let report: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("report.json")).unwrap()).unwrap();
    assert_eq!(report["diagnostics"][0]["rule"], "urgency/limited-time");
}

#[test]
fn summary_line_on_stderr() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "a.md", "Limited time. While supplies last.\n");
    check(dir.path()).arg("a.md").assert().code(1).stderr(
        predicate::str::is_match(r"Checked 1 file in \d+ ms: 0 errors, 2 warnings, 0 infos")
            .unwrap(),
    );
}

#[test]
fn bundled_rule_examples_all_behave() {
    let out = Command::cargo_bin("claimlint")
        .unwrap()
        .args(["test", "--pack", "all", "--isolated", "--today", TODAY])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let passed: usize = stdout
        .split(" passed, 0 failed")
        .next()
        .and_then(|head| head.split_whitespace().last())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(passed > 2000, "{stdout}");
}

#[test]
fn a_short_exception_does_not_hide_a_longer_one() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "pack.yaml",
        "rules:\n  - id: a/b\n    category: hype\n    severity: warning\n    message: m\n    help: h\n    references: [r]\n    patterns: ['\\bbaz\\b']\n    exceptions: ['\\bfoo\\b', '\\bfoo bar baz\\b']\n",
    );
    write(dir.path(), "a.md", "foo bar baz\n\nplain baz\n");
    let out = Command::cargo_bin("claimlint")
        .unwrap()
        .current_dir(dir.path())
        .args([
            "check",
            "--isolated",
            "--no-default-rules",
            "--rules",
            "pack.yaml",
            "--format",
            "json",
            "a.md",
        ])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let lines: Vec<u64> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![3], "{report}");
}

/// `--output` through a symlink updates the link's target and keeps the link;
/// to a FIFO (or a device) it writes in place instead of replacing it with a file.
#[cfg(unix)]
#[test]
fn output_keeps_symlinks_and_special_files() {
    use std::os::unix::fs::FileTypeExt;
    let dir = TempDir::new().unwrap();
    write(dir.path(), "page.md", "Hurry, while supplies last!\n");
    fs::create_dir(dir.path().join("reports")).unwrap();
    write(dir.path(), "reports/real.json", "old\n");
    std::os::unix::fs::symlink("reports/real.json", dir.path().join("link.json")).unwrap();
    let run = |output: &str| {
        Command::cargo_bin("claimlint")
            .unwrap()
            .current_dir(dir.path())
            .args([
                "check",
                "--isolated",
                "--format",
                "json",
                "--fail-on",
                "never",
            ])
            .args(["--output", output, "page.md"])
            .output()
            .unwrap()
    };
    let out = run("link.json");
    assert!(out.status.success(), "{out:?}");
    let link = dir.path().join("link.json");
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let report: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("reports/real.json")).unwrap())
            .unwrap();
    let matched: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["matched"].as_str())
        .collect();
    assert!(matched.contains(&"while supplies last"), "{matched:?}");

    let fifo = dir.path().join("pipe");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipping the FIFO half: mkfifo is not available");
        return;
    }
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::read_to_string(fifo).unwrap())
    };
    let out = run("pipe");
    assert!(out.status.success(), "{out:?}");
    let text = reader.join().unwrap();
    assert!(text.contains("\"while supplies last\""), "{text}");
    assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo());
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_price_struck_through_with_combining_overlays_is_a_former_price() {
    // Social posts, where no markup exists, strike a former price through
    // with U+0336 after each character; it must read as `~~£99~~` does.
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "social.md",
        "Trainers now £\u{336}9\u{336}9\u{336} £49.\n",
    );
    write(dir.path(), "markup.md", "Trainers now ~~£99~~ £49.\n");
    let out = Command::cargo_bin("claimlint")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "--isolated", "--format", "json", "--today", TODAY])
        .args(["--fail-on", "never", "social.md", "markup.md"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found = |path: &str| -> Vec<(String, String)> {
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["path"] == path)
            .map(|d| {
                let text = |k: &str| d[k].as_str().unwrap().to_string();
                (text("rule"), text("matched"))
            })
            .collect()
    };
    let social = found("social.md");
    assert!(
        social.contains(&(
            "fake-sale/reference-price-undeclared".to_string(),
            "£\u{336}9\u{336}9\u{336} £49".to_string()
        )),
        "{social:?}"
    );
    let rules = |found: Vec<(String, String)>| found.into_iter().map(|f| f.0).collect::<Vec<_>>();
    assert_eq!(rules(social), rules(found("markup.md")));
}

/// Seller focus counts the page's own voice: the "we" and "our" of quoted
/// testimonials (block quotes, passages in double quotes) are not the seller
/// talking about itself, while the seller's own copy around them still counts.
#[test]
fn seller_focus_leaves_quoted_testimonials_out() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "testimonials.md",
        "# Kitchens fitted in a week\n\n\
         Choose your worktop, your doors and your handles, and see your kitchen drawn up\n\
         before you pay a penny. You get a fixed quote, a named fitter and a date that suits you.\n\n\
         > \"We could not be happier with our new kitchen. Our fitter was tidy and our\n\
         > old units were taken away the same day. We would recommend them to all our friends.\"\n\
         > — Priya and Tom, Leeds\n\n\
         \"We had our kitchen done in March and we love it. Our kids love the island and our\n\
         dog loves the underfloor heating. We are already planning our bathroom with them.\"\n\
         — The Okafor family\n\n\
         Book a free design visit and see what your space could look like.\n",
    );
    // The same testimonials as an HTML page's block quotes, and as a plain
    // text email's quoted lines.
    write(
        dir.path(),
        "testimonials.html",
        "<h1>Kitchens fitted in a week</h1>\n\
         <p>Choose your worktop, your doors and your handles, and see your kitchen drawn up\n\
         before you pay a penny. You get a fixed quote and a date that suits you.</p>\n\
         <blockquote><p>We could not be happier with our new kitchen. Our fitter was tidy and\n\
         our old units were taken away the same day. We would recommend them to all our\n\
         friends. We had our utility room done too and we love it.</p>\n\
         <p>Our kids love the island and our dog loves the underfloor heating. We are already\n\
         planning our bathroom with them.</p></blockquote>\n\
         <p>Book a free design visit and see what your space could look like.</p>\n",
    );
    write(
        dir.path(),
        "reply.txt",
        "Thanks for your message. Your quote is attached, and you can change your\n\
         worktop or handles until the day your fitter arrives.\n\n\
         > We could not be happier with our new kitchen. Our fitter was tidy and\n\
         > our old units were taken away the same day. We would recommend them to\n\
         > all our friends. We had our utility room done too and we love it. Our\n\
         > kids love the island and we are already planning our bathroom with them.\n\n\
         Reply to this email to book your fitting date.\n",
    );
    write(
        dir.path(),
        "about.md",
        "# Kitchens since 1987\n\n\
         We are proud of what we have built. Our team has grown every year and our showroom\n\
         is the biggest we have ever had. We believe our kitchens are the best we have made,\n\
         and our fitters are the finest in our region. We thank our suppliers and our partners.\n\n\
         > \"We could not be happier with our new kitchen.\" — Priya, Leeds\n\n\
         We will keep growing, and our plans for next year include two more of our showrooms.\n",
    );
    let out = Command::cargo_bin("claimlint")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", ".", "--isolated", "--today", TODAY])
        .args([
            "--select",
            "seller-focus",
            "--format",
            "json",
            "--fail-on",
            "never",
        ])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let files: Vec<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(files, ["about.md"], "{report}");
    // The quoted line's words are not in the count.
    let message = report["diagnostics"][0]["message"].as_str().unwrap();
    assert!(message.contains("16 words about the seller"), "{message}");
}
