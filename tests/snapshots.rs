//! The human report as a person reads it (no colour), snapshot-tested on small
//! fixtures with the frozen starter pack so rule edits elsewhere do not churn them.

use assert_cmd::Command;

fn human(file: &str) -> String {
    let dir = format!("{}/tests/data/snapshots", env!("CARGO_MANIFEST_DIR"));
    let starter = format!("{}/tests/data/starter.yaml", env!("CARGO_MANIFEST_DIR"));
    let out = Command::cargo_bin("claimlint")
        .unwrap()
        .current_dir(&dir)
        .env("NO_COLOR", "1")
        .args([
            "check",
            "--isolated",
            "--no-default-rules",
            "--rules",
            &starter,
        ])
        .args(["--today", "2026-11-27", "--fail-on", "never", file])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn markdown_landing_page() {
    insta::assert_snapshot!(human("landing.md"));
}

#[test]
fn plain_text_newsletter_with_suppressions() {
    insta::assert_snapshot!(human("newsletter.txt"));
}

#[test]
fn html_promo_page() {
    insta::assert_snapshot!(human("promo.html"));
}
