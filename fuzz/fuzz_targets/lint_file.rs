#![no_main]
//! The whole lint of one file with every bundled rule: no panic, and every
//! diagnostic points inside the file with consistent line and column.

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;

use claimlint::date::Date;
use claimlint::engine::{Engine, Settings};
use claimlint::lint::Linter;
use claimlint::rules::{self, Jurisdiction, PackSelection};
use claimlint::source::{Kind, ProseBuilder};

static LINTER: LazyLock<Linter> = LazyLock::new(|| {
    let rules = rules::load(&PackSelection {
        default_rules: true,
        packs: vec!["all".to_string()],
        extra: Vec::new(),
        jurisdiction: Jurisdiction::Us,
    })
    .expect("bundled packs load");
    Linter::new(Engine::new(
        rules,
        Settings::new(Date::new(2026, 6, 1).expect("date")),
    ))
});

fuzz_target!(
    // Load and compile every bundled pack before the clock starts: under the
    // sanitizer that takes seconds, and libFuzzer would count it as a hang.
    init: {
        LazyLock::force(&LINTER);
    },
    |data: &[u8]| {
    let Some((&choice, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let (kind, name) = match choice % 3 {
        0 => (Kind::Markdown, "copy.md"),
        1 => (Kind::Html, "copy.html"),
        _ => (Kind::Text, "copy.txt"),
    };
    let path = std::path::Path::new(name);
    let found = LINTER.lint(path, name, text, kind, &mut ProseBuilder::new());
    for d in &found {
        assert!(
            d.span.start <= d.span.end && d.span.end <= text.len(),
            "{d:?}"
        );
        assert!(d.start <= d.end, "{d:?}");
        assert!(d.start.line >= 1 && d.start.column >= 1);
        for label in &d.labels {
            assert!(label.span.end <= text.len(), "{label:?}");
        }
    }
}
);
