//! Every report format through the real binary, on a small copy folder and a rule
//! pack written for the test (so the assertions do not depend on the bundled
//! rules' wording). SARIF is also run through Microsoft's validator when it is
//! installed (`scripts/install-test-tools.sh`); set CLAIMLINT_REQUIRE_TEST_TOOLS=1
//! to make its absence a failure instead of a skip.

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

/// Messages carry the characters each format must escape.
const PACK: &str = r#"rules:
  - id: test/limited-time
    category: urgency
    severity: error
    message: "Urgency claim, 100% unproven: no end date"
    help: "State the end date.\nFor example: \"ends 31 May\"."
    references: ["16 CFR 238", "CAP Code 3.28"]
    phrases: ["limited time"]
  - id: test/supplies
    category: scarcity
    severity: warning
    message: "Scarcity | claim with `ticks` and <b>tags</b> & more"
    help: "Declare offer.stock_count, or [state] the quantity."
    references: ["UCPD Annex I(7)"]
    phrases: ["while supplies last"]
  - id: test/superlative
    category: hype
    severity: info
    message: "Superlative:: needs evidence, always"
    help: "Add an evidence entry."
    references: ["FTC Act s.5"]
    phrases: ["best"]
"#;

const COPY: &str = "---\ntitle: Spring sale\n---\n# Spring sale\n\n\
Hurry, limited time only while supplies last!\n\n\
<!-- claimlint-disable-next-line test/superlative -- Approved by legal, LEG-12 -->\n\
The best blender, ever.\n\n\
Prix café: the best deal.\n";

const PATH: &str = "copy/landing page.md";

struct Fixture {
    dir: TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("copy")).unwrap();
        std::fs::write(dir.path().join("pack.yaml"), PACK).unwrap();
        std::fs::write(dir.path().join(PATH), COPY).unwrap();
        Fixture { dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn check(&self, target: &str, format: &str, extra: &[&str]) -> (i32, String) {
        let out = Command::cargo_bin("claimlint")
            .unwrap()
            .current_dir(self.dir.path())
            .args(["check", target, "--isolated", "--no-default-rules"])
            .args([
                "--rules",
                "pack.yaml",
                "--today",
                "2026-05-01",
                "--format",
                format,
            ])
            .args(extra)
            .output()
            .unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let code = out.status.code().expect("exited normally");
        assert!(
            code == 0 || code == 1,
            "exit {code}\nstdout:\n{stdout}\nstderr:\n{stderr}"
        );
        (code, stdout)
    }
}

/// 1-based line and character column of the n-th (0-based) occurrence of `needle`.
fn position(needle: &str, nth: usize) -> (usize, usize) {
    let offset = COPY.match_indices(needle).nth(nth).unwrap().0;
    let before = &COPY[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap().chars().count() + 1;
    (line, column)
}

#[test]
fn concise_is_one_line_per_active_finding() {
    let f = Fixture::new();
    let (code, out) = f.check("copy", "concise", &[]);
    assert_eq!(code, 1);
    let (l1, c1) = position("limited time", 0);
    let (l2, c2) = position("while supplies last", 0);
    let (l3, c3) = position("best", 1);
    let expected = format!(
        "{PATH}:{l1}:{c1}: error test/limited-time Urgency claim, 100% unproven: no end date\n\
         {PATH}:{l2}:{c2}: warning test/supplies Scarcity | claim with `ticks` and <b>tags</b> & more\n\
         {PATH}:{l3}:{c3}: info test/superlative Superlative:: needs evidence, always\n"
    );
    assert_eq!(out, expected);
    // Columns count characters: "Prix café: the " is 15 of them.
    assert_eq!((l3, c3), (11, 16));
}

#[test]
fn github_commands_escape_data_and_properties() {
    let f = Fixture::new();
    let (_, out) = f.check("copy", "github", &[]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    let (l1, c1) = position("limited time", 0);
    assert_eq!(
        lines[0],
        format!(
            "::error file=copy/landing page.md,line={l1},col={c1},endLine={l1},endColumn={},\
             title=test/limited-time::Urgency claim, 100%25 unproven: no end date (\"limited time\")\
             %0AFix: State the end date.%0AFor example: \"ends 31 May\".%0AReferences: 16 CFR 238; CAP Code 3.28",
            c1 + "limited time".len()
        )
    );
    assert!(lines[1].starts_with("::warning file=copy/landing page.md,"));
    assert!(lines[2].starts_with("::notice file=copy/landing page.md,"));
    // `::` and `,` in the message are data, not syntax: only properties escape them.
    assert!(lines[2].contains("title=test/superlative::Superlative:: needs evidence, always"));
    assert!(!out.contains("LEG-12"), "waived findings are not annotated");
    for line in &lines {
        assert!(!line.contains('\r'));
    }
}

#[test]
fn github_properties_escape_commas_and_colons() {
    let f = Fixture::new();
    std::fs::write(f.path("copy/a,b:c.txt"), "Hurry, limited time!\n").unwrap();
    let (_, out) = f.check("copy/a,b:c.txt", "github", &[]);
    assert!(
        out.starts_with("::error file=copy/a%2Cb%3Ac.txt,line=1,col=8,"),
        "{out}"
    );
}

#[test]
fn markdown_comment_escapes_table_cells() {
    let f = Fixture::new();
    let (_, out) = f.check("copy", "markdown", &[]);
    assert!(out.starts_with("## claimlint report\n"), "{out}");
    assert!(
        out.contains("**3 findings** in 1 of 1 file checked: 1 error, 1 warning, 1 info."),
        "{out}"
    );
    assert!(out.contains("1 finding was waived by suppression comments"));
    assert!(out.contains("| urgency | 1 | 0 | 0 | 1 |"));
    assert!(out.contains("### copy/landing page.md (3 findings)"));
    let row = out
        .lines()
        .find(|l| l.contains("test/supplies"))
        .expect("a row for test/supplies");
    assert!(
        row.contains(
            "| Scarcity \\| claim with \\`ticks\\` and &lt;b&gt;tags&lt;/b&gt; &amp; more |"
        ),
        "{row}"
    );
    assert!(row.contains("Declare offer.stock\\_count, or \\[state\\] the quantity."));
    // A multi-line help stays in its cell.
    let row = out
        .lines()
        .find(|l| l.contains("test/limited-time"))
        .unwrap();
    assert!(row.contains("State the end date.<br>For example"), "{row}");
    assert_eq!(row.matches(" | ").count(), 5, "six cells: {row}");
}

#[test]
fn markdown_says_no_findings_when_clean() {
    let f = Fixture::new();
    std::fs::write(f.path("clean.md"), "Plain, honest copy.\n").unwrap();
    let (code, out) = f.check("clean.md", "markdown", &[]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "## claimlint report\n\nNo findings in 1 file checked.\n"
    );
}

#[test]
fn sarif_carries_rules_regions_and_waivers() {
    let f = Fixture::new();
    let (code, out) = f.check("copy", "sarif", &[]);
    assert_eq!(code, 1);
    let log: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(
        log["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "claimlint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    for id in ["test/limited-time", "test/supplies", "test/superlative"] {
        assert!(ids.contains(&id), "{ids:?}");
    }

    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 4, "three active findings and one waived");
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        let uri = &r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
        assert_eq!(uri, "copy/landing%20page.md");
        assert!(r["partialFingerprints"].as_object().unwrap().len() == 1);
    }
    let limited = &results[0];
    assert_eq!(limited["level"], "error");
    let rule = &rules[limited["ruleIndex"].as_u64().unwrap() as usize];
    assert_eq!(rule["defaultConfiguration"]["level"], "error");
    assert_eq!(rule["properties"]["category"], "urgency");
    assert_eq!(rule["properties"]["references"][1], "CAP Code 3.28");
    assert!(
        rule["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("CAP Code 3.28")
    );
    let region = &limited["locations"][0]["physicalLocation"]["region"];
    let (line, column) = position("limited time", 0);
    assert_eq!(region["startLine"], line);
    assert_eq!(region["startColumn"], column);
    assert_eq!(region["endColumn"], column + "limited time".len());
    assert_eq!(region["snippet"]["text"], "limited time");
    assert_eq!(region["byteOffset"], COPY.find("limited time").unwrap());

    let waived: Vec<&Value> = results
        .iter()
        .filter(|r| !r["suppressions"].as_array().unwrap().is_empty())
        .collect();
    assert_eq!(waived.len(), 1);
    assert_eq!(waived[0]["ruleId"], "test/superlative");
    assert_eq!(waived[0]["suppressions"][0]["kind"], "inSource");
    assert_eq!(
        waived[0]["suppressions"][0]["justification"],
        "Approved by legal, LEG-12"
    );

    // Character columns: "Prix café: the " is 15 characters but 16 bytes.
    let last = &results[3]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(last["startColumn"], 16);
    assert_eq!(last["byteOffset"], COPY.rfind("best").unwrap());
}

#[test]
fn sarif_fingerprints_survive_line_shifts() {
    let f = Fixture::new();
    let fingerprints = |f: &Fixture| -> Vec<Value> {
        let (_, out) = f.check("copy", "sarif", &[]);
        let log: Value = serde_json::from_str(&out).unwrap();
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["partialFingerprints"].clone())
            .collect()
    };
    let before = fingerprints(&f);
    std::fs::write(
        f.path(PATH),
        COPY.replacen("# Spring sale\n", "# Spring sale\n\nA new paragraph.\n", 1),
    )
    .unwrap();
    assert_eq!(before, fingerprints(&f));
}

#[test]
fn sarif_passes_microsofts_validator() {
    let Some(multitool) = sarif_multitool() else {
        skip_or_fail("sarif-multitool is not installed (scripts/install-test-tools.sh)");
        return;
    };
    let f = Fixture::new();
    std::fs::write(
        f.path("copy/offers.txt"),
        "Only today: the best price, while supplies last.\n",
    )
    .unwrap();
    let (_, _) = f.check("copy", "sarif", &["--output", "report.sarif"]);
    let report = f.path("report.sarif");
    assert!(report.exists(), "--output wrote the report");
    let validation = f.path("validation.sarif");
    let out = Process::new(&multitool)
        .arg("validate")
        .arg("--output")
        .arg(&validation)
        .arg(&report)
        .output()
        .expect("run sarif-multitool");
    let console = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "sarif-multitool failed:\n{console}");
    let log: Value =
        serde_json::from_slice(&std::fs::read(&validation).expect("validator output")).unwrap();
    let findings = log["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let problems: Vec<String> = findings
        .iter()
        .filter(|r| {
            let level = r["level"].as_str().unwrap_or("warning");
            // SARIF2005 asks for the tool's web address, which only exists once
            // Cargo.toml names a repository or homepage.
            level == "error" || (level == "warning" && r["ruleId"] != "SARIF2005")
        })
        .map(|r| format!("{}: {}", r["ruleId"], r["message"]["text"]))
        .collect();
    assert!(
        problems.is_empty(),
        "validator findings:\n{}\n\n{console}",
        problems.join("\n")
    );
    println!(
        "sarif-multitool: {} notes/warnings, no errors\n{console}",
        findings.len()
    );
}

#[test]
fn html_is_self_contained_and_escaped() {
    let f = Fixture::new();
    std::fs::write(
        f.path("copy/xss.txt"),
        "<script>alert(1)</script> \"><img src=x onerror=alert(1)> javascript:alert(1) best\n",
    )
    .unwrap();
    let (_, html) = f.check("copy", "html", &["--output", "report.html"]);
    assert!(html.is_empty(), "--output sends the report to the file");
    let html = std::fs::read_to_string(f.path("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("content=\"default-src 'none';"));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no URL at all"
    );
    assert!(!html.contains("<img") && !html.contains("<link"));
    assert_eq!(
        html.matches("<script>").count(),
        1,
        "only the page's own script"
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(1)&gt; javascript:alert(1)"));
    assert_eq!(
        html.matches("<mark class=\"finding").count(),
        5,
        "one highlight per finding"
    );
    assert!(html.contains("Scarcity | claim with `ticks` and &lt;b&gt;tags&lt;/b&gt; &amp; more"));
    assert!(html.contains("Approved by legal, LEG-12"));
}

#[test]
fn clean_runs_print_nothing_in_line_formats() {
    let f = Fixture::new();
    std::fs::write(f.path("clean.md"), "Plain, honest copy.\n").unwrap();
    for format in ["concise", "github"] {
        let (code, out) = f.check("clean.md", format, &[]);
        assert_eq!((code, out.as_str()), (0, ""), "{format}");
    }
    let (_, out) = f.check("clean.md", "sarif", &[]);
    let log: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
    // Every active rule is described even when nothing fired.
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    for id in ["test/limited-time", "test/supplies", "test/superlative"] {
        assert!(rules.iter().any(|r| r["id"] == id), "{id} missing");
    }
}

#[test]
fn format_names_are_accepted() {
    let f = Fixture::new();
    for format in ["sarif", "github", "html", "markdown", "concise"] {
        let (code, out) = f.check("copy", format, &[]);
        assert_eq!(code, 1, "{format}");
        assert!(!out.is_empty(), "{format}");
    }
}

fn sarif_multitool() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("SARIF_MULTITOOL") {
        return Some(path.into());
    }
    let local = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/test-tools/node_modules/.bin/sarif-multitool");
    if local.exists() {
        return Some(local);
    }
    find_on_path("sarif-multitool")
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

fn skip_or_fail(why: &str) {
    if std::env::var_os("CLAIMLINT_REQUIRE_TEST_TOOLS").is_some_and(|v| v == "1") {
        panic!("{why}");
    }
    eprintln!("skipped: {why}");
}
