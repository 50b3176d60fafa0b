//! Precision: the honest corpus in fixtures/clean (realistic copy with proper
//! disclosures and declared facts) must give no warning or error, with every
//! bundled pack enabled, in every jurisdiction.

use assert_cmd::Command;
use serde_json::Value;

fn words_in(dir: &str) -> usize {
    walk(std::path::Path::new(dir))
        .iter()
        .map(|p| std::fs::read_to_string(p).map_or(0, |t| t.split_whitespace().count()))
        .sum()
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn clean_corpus_is_large_enough() {
    let dir = format!("{}/fixtures/clean", env!("CARGO_MANIFEST_DIR"));
    let words = words_in(&dir);
    assert!(words >= 20_000, "fixtures/clean has only {words} words");
}

#[test]
fn clean_corpus_stays_quiet() {
    let dir = format!("{}/fixtures/clean", env!("CARGO_MANIFEST_DIR"));
    let mut failures = Vec::new();
    for jurisdiction in ["us", "eu", "uk"] {
        let out = Command::cargo_bin("claimlint")
            .unwrap()
            .args([
                "check",
                &dir,
                "--isolated",
                "--pack",
                "all",
                "--format",
                "json",
            ])
            .args([
                "--today",
                "2026-11-27",
                "--fail-on",
                "never",
                "--jurisdiction",
                jurisdiction,
            ])
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        for d in report["diagnostics"].as_array().unwrap() {
            if d["severity"] != "info" {
                failures.push(format!(
                    "[{jurisdiction}] {}:{}:{} {} {:?}",
                    d["path"]
                        .as_str()
                        .unwrap()
                        .rsplit("fixtures/")
                        .next()
                        .unwrap(),
                    d["line"],
                    d["column"],
                    d["rule"].as_str().unwrap(),
                    d["matched"].as_str().unwrap()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} false alarms on honest copy:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
