//! The HTML report in a real browser: headless Chromium (Debian package
//! `chromium`, installed by `scripts/install-test-tools.sh`) loads the page, and the
//! tests read back the DOM after the page's script ran, a screenshot and a PDF.
//! Skipped with a note when Chromium is missing, unless
//! CLAIMLINT_REQUIRE_TEST_TOOLS=1.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use tempfile::TempDir;

const PACK: &str = r#"rules:
  - id: test/limited-time
    category: urgency
    severity: error
    message: "Urgency claim without an end date <script>document.title='rule'</script>"
    help: "State when the offer ends."
    references: ["16 CFR 238"]
    phrases: ["limited time"]
  - id: test/supplies
    category: scarcity
    severity: warning
    message: "Scarcity claim without a declared stock"
    help: "Declare offer.stock in front matter."
    references: ["UCPD Annex I(7)"]
    phrases: ["while supplies last"]
  - id: test/superlative
    category: hype
    severity: info
    message: "Superlative without evidence \"><img src=x onerror=\"document.title='msg'\">"
    help: "Add an evidence entry."
    references: ["FTC Act s.5"]
    phrases: ["best"]
  - id: test/free
    category: free
    severity: warning
    message: "Free offer with conditions"
    help: "Put the conditions next to the claim."
    references: ["CAP Code 3.23"]
    patterns: ['free shipping']
"#;

/// The copy tries every way to run code in the page: each would change the title.
const LANDING: &str = "---\ntitle: Launch\n---\n# The best blender\n\n\
Hurry, limited time only, while supplies last!\n\n\
<script>document.title='pwned'</script>\n\n\
\"><img src=x onerror=\"document.title='pwned2'\">\n\n\
[Order now](javascript:document.title='pwned3') for free shipping on the best model.\n\n\
<!-- claimlint-disable-next-line test/superlative -- Approved by legal, LEG-12 -->\n\
Our best price ever, with free shipping.\n";

const NOTES: &str = "Plain text copy: the best deal, while supplies last.\n\
<b onmouseover=\"document.title='pwned4'\">hover</b> & 'quotes'\n";

struct Report {
    dir: TempDir,
    html: PathBuf,
    /// (rule, message) of every finding, waived ones included, from the SARIF report.
    findings: Vec<(String, String)>,
    waived: usize,
}

fn report() -> Report {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("copy")).unwrap();
    std::fs::write(dir.path().join("pack.yaml"), PACK).unwrap();
    std::fs::write(dir.path().join("copy/landing.md"), LANDING).unwrap();
    std::fs::write(dir.path().join("copy/notes.txt"), NOTES).unwrap();
    let run = |format: &str, output: &str| {
        let out = Command::cargo_bin("claimlint")
            .unwrap()
            .current_dir(dir.path())
            .args([
                "check",
                "copy",
                "--isolated",
                "--no-default-rules",
                "--rules",
                "pack.yaml",
            ])
            .args(["--format", format, "--output", output])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run("html", "report.html");
    run("sarif", "report.sarif");
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("report.sarif")).unwrap()).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let findings = results
        .iter()
        .map(|r| {
            let rule = &rules[r["ruleIndex"].as_u64().unwrap() as usize];
            (
                r["ruleId"].as_str().unwrap().to_string(),
                rule["shortDescription"]["text"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect();
    let waived = results
        .iter()
        .filter(|r| !r["suppressions"].as_array().unwrap().is_empty())
        .count();
    Report {
        html: dir.path().join("report.html"),
        dir,
        findings,
        waived,
    }
}

fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return Some(path.into());
    }
    let default = Path::new("/usr/bin/chromium");
    if default.exists() {
        return Some(default.to_path_buf());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| [dir.join("chromium"), dir.join("chromium-browser")])
        .find(|p| p.is_file())
}

/// Runs headless Chromium on `page` with `args`, its stdout to `stdout`, killed
/// after two minutes.
fn run_chromium(chromium: &Path, work: &Path, args: &[String], page: &Path, stdout: &Path) {
    let profile = tempfile::tempdir_in(work).unwrap();
    let mut child = Process::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-dev-shm-usage",
            "--disable-extensions",
            "--no-first-run",
            "--no-default-browser-check",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(File::create(stdout).unwrap())
        .stderr(File::create(work.join("chromium.stderr")).unwrap())
        .spawn()
        .expect("start chromium");
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let stderr = std::fs::read_to_string(work.join("chromium.stderr")).unwrap_or_default();
            assert!(status.success(), "chromium failed: {status}\n{stderr}");
            return;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish within two minutes");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The text of `html` with its HTML escapes undone (enough for our own output).
fn unescape(html: &str) -> String {
    html.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn skip_or_fail(why: &str) {
    if std::env::var_os("CLAIMLINT_REQUIRE_TEST_TOOLS").is_some_and(|v| v == "1") {
        panic!("{why}");
    }
    eprintln!("skipped: {why}");
}

#[test]
fn dom_has_every_finding_and_no_injected_code_ran() {
    let Some(chromium) = chromium() else {
        skip_or_fail("chromium is not installed (scripts/install-test-tools.sh)");
        return;
    };
    let report = report();
    let dom_path = report.dir.path().join("dom.html");
    run_chromium(
        &chromium,
        report.dir.path(),
        &["--dump-dom".into()],
        &report.html,
        &dom_path,
    );
    let dom = std::fs::read_to_string(&dom_path).unwrap();
    assert!(dom.contains("</html>"), "a whole document: {dom}");

    // No script from the copy or a rule ran: each would have changed the title.
    let active = report.findings.len() - report.waived;
    assert!(
        dom.contains(&format!(
            "<title>claimlint report: {active} findings</title>"
        )),
        "title changed: {}",
        dom.lines().find(|l| l.contains("<title>")).unwrap_or("")
    );
    for payload in ["pwned", "'rule'", "'msg'"] {
        assert!(!dom.contains(&format!("<title>{payload}")), "{payload} ran");
    }
    // ...and no element from the copy exists.
    assert!(
        !dom.contains("<img"),
        "an <img> from the copy became an element"
    );
    assert!(!dom.contains("<b onmouseover"));
    assert!(!dom.contains("href=\"javascript:"));
    assert_eq!(
        dom.matches("<script>").count(),
        1,
        "only the page's own script"
    );
    assert!(dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"));

    // The page's own script did run: it fills in the filter count.
    assert!(
        dom.contains(&format!(
            "Showing {active} of {} findings",
            report.findings.len()
        )),
        "filters not initialised"
    );

    // One highlight per finding, numbered in report order, and every message.
    let marks = dom.matches("<mark class=\"finding").count();
    assert_eq!(marks, report.findings.len(), "one <mark> per finding");
    for n in 1..=report.findings.len() {
        assert!(dom.contains(&format!("id=\"f-{n}\"")), "no highlight f-{n}");
        assert!(
            dom.contains(&format!("href=\"#f-{n}\"")),
            "no link to f-{n}"
        );
    }
    let text = unescape(&dom);
    for (rule, message) in &report.findings {
        assert!(text.contains(rule.as_str()), "rule {rule} missing");
        assert!(
            text.contains(message.trim_end_matches('.')),
            "message of {rule} missing: {message}"
        );
    }
    // Rule text is escaped like copy text.
    assert!(dom.contains(&escape("<script>document.title='rule'</script>")));
    // The waived finding is present but switched off until asked for.
    assert_eq!(report.waived, 1);
    assert!(dom.contains("waived off\""));
    assert!(text.contains("Approved by legal, LEG-12"));
}

#[test]
fn a_link_to_a_finding_opens_its_explanation() {
    let Some(chromium) = chromium() else {
        skip_or_fail("chromium is not installed (scripts/install-test-tools.sh)");
        return;
    };
    let report = report();
    let work = report.dir.path();
    // The summary links to #f-N; arriving there pins the card with that note.
    let target = report
        .findings
        .iter()
        .position(|(rule, _)| rule == "test/supplies")
        .expect("a test/supplies finding")
        + 1;
    let page = PathBuf::from(format!("{}#f-{target}", report.html.display()));
    let dom_path = work.join("dom-hash.html");
    run_chromium(
        &chromium,
        work,
        &["--dump-dom".into(), "--virtual-time-budget=2000".into()],
        &page,
        &dom_path,
    );
    let dom = std::fs::read_to_string(&dom_path).unwrap();
    let card_start = dom.find("<div id=\"card\"").expect("the card");
    let card = &dom[card_start..card_start + dom[card_start..].find("</ul>").unwrap()];
    assert!(
        card.contains("class=\"card pinned\""),
        "card not opened: {card}"
    );
    assert!(!card.contains(" hidden"), "{card}");
    assert!(
        card.contains("Scarcity claim without a declared stock"),
        "{card}"
    );
    assert!(
        card.contains("Declare offer.stock in front matter."),
        "{card}"
    );
    assert!(card.contains("UCPD Annex I(7)"), "{card}");
    let id = dom.find(&format!("id=\"f-{target}\"")).unwrap();
    let tag_start = dom[..id].rfind("<mark").unwrap();
    let tag = &dom[tag_start..id + dom[id..].find('>').unwrap()];
    assert!(
        tag.contains(" active"),
        "the highlight is not marked active: {tag}"
    );
}

#[test]
fn screenshot_and_pdf_render() {
    let Some(chromium) = chromium() else {
        skip_or_fail("chromium is not installed (scripts/install-test-tools.sh)");
        return;
    };
    let report = report();
    let work = report.dir.path();
    let png = work.join("report.png");
    run_chromium(
        &chromium,
        work,
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1280,2000".into(),
        ],
        &report.html,
        &work.join("screenshot.stdout"),
    );
    let bytes = std::fs::read(&png).expect("a screenshot");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    assert_eq!((width, height), (1280, 2000));
    // A blank page compresses to a few kilobytes; a rendered report is far larger.
    assert!(
        bytes.len() > 40_000,
        "screenshot looks blank: {} bytes",
        bytes.len()
    );
    if let Some(keep) = std::env::var_os("CLAIMLINT_KEEP_SCREENSHOT") {
        std::fs::copy(&png, keep).unwrap();
    }

    let pdf = work.join("report.pdf");
    run_chromium(
        &chromium,
        work,
        &[
            format!("--print-to-pdf={}", pdf.display()),
            "--no-pdf-header-footer".into(),
        ],
        &report.html,
        &work.join("pdf.stdout"),
    );
    let bytes = std::fs::read(&pdf).expect("a PDF");
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(
        bytes.len() > 10_000,
        "PDF looks empty: {} bytes",
        bytes.len()
    );
}
