//! The labelled evaluation set in `fixtures/labelled/`: short ad snippets, each
//! marked with the core categories that must fire (`expect: []` means the snippet
//! must stay quiet). Every snippet is written to a temporary folder as a Markdown
//! file (facts become front matter), the real binary checks the folder once, and
//! the test prints recall and false-flag rate per category, at warning-or-above and
//! at any severity. The harness is in `tests/common/mod.rs`.
//!
//! Run `cargo test --test labelled -- --nocapture` to see the table. The test fails
//! only when overall recall (any severity) drops below 0.85 or the overall
//! false-flag rate (any severity) rises above 0.10; individual misses are listed so
//! that a rule change can be judged, not so that the snippets are tuned to it.

mod common;

use common::LabelledSet;

const CATEGORIES: [&str; 10] = [
    "hype",
    "bait",
    "new-customer-only",
    "fake-sale",
    "scarcity",
    "urgency",
    "drip",
    "bundle",
    "free",
    "seller-focus",
];

/// A finding counts for its category; meta findings are about markup, not claims.
fn category_of(d: &serde_json::Value) -> Option<&'static str> {
    let category = d["category"].as_str().unwrap_or_default();
    CATEGORIES.iter().copied().find(|c| *c == category)
}

#[test]
fn labelled_set_recall_and_false_flag_rate() {
    LabelledSet {
        fixtures: "fixtures/labelled",
        groups: &CATEGORIES,
        group_word: "category",
        extra_args: &[],
        group_of: category_of,
        min_recall: 0.85,
        max_false_flag_rate: 0.10,
    }
    .check();
}
