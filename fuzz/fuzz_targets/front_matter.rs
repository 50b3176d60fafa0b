#![no_main]
//! Front matter → facts: any YAML or TOML between the fences is read without
//! panicking, errors point inside the file, and every fact query answers.

use libfuzzer_sys::fuzz_target;

use claimlint::date::Date;
use claimlint::facts::{self, Facts};
use claimlint::rules::FactCondition;
use claimlint::source;

fuzz_target!(|data: &[u8]| {
    let Some((&choice, rest)) = data.split_first() else {
        return;
    };
    let Ok(body) = std::str::from_utf8(rest) else {
        return;
    };
    let fence = if choice & 1 == 0 { "---" } else { "+++" };
    let bom = if choice & 2 == 0 { "" } else { "\u{feff}" };
    let eol = if choice & 4 == 0 { "\n" } else { "\r\n" };
    // Half the time leave the block unclosed.
    let text = if choice & 8 == 0 {
        format!("{bom}{fence}{eol}{body}{eol}{fence}{eol}Body while supplies last.{eol}")
    } else {
        format!("{bom}{fence}{eol}{body}")
    };
    let Some(fm) = source::split_front_matter(&text) else {
        return;
    };
    assert!(fm.span.end <= text.len() && text.is_char_boundary(fm.span.end));
    assert!(fm.content.start <= fm.content.end && fm.content.end <= text.len());
    if let Some(e) = &fm.error {
        assert!(
            e.span.start <= e.span.end && e.span.end <= text.len(),
            "{e:?}"
        );
        assert!(!e.message.is_empty());
    }
    // Config facts underneath, then the file's over them, as the linter does.
    let mut tree: serde_yaml::Value =
        serde_yaml::from_str("offer:\n  eligible: all\n  stock: 3\n").expect("valid");
    if let Some(value) = fm.value {
        facts::merge(&mut tree, value);
    }
    let facts = Facts::new(tree, &[]);
    let today = Date::new(2026, 6, 1).expect("a real date");
    for path in [
        "offer.ends",
        "offer.stock",
        "offer.regular_price",
        "offer.regular_price_since",
        "offer.later_price",
        "offer.eligible",
        "audience",
        "",
        "..",
    ] {
        let _ = facts.is_declared(path);
        let _ = facts.date(path);
        let _ = facts.number(path);
        let _ = facts.satisfies(&FactCondition {
            path: path.to_string(),
            equals: Some("all".to_string()),
        });
    }
    for evidence in &facts.evidence {
        let _ = evidence.expired(today);
        let _ = evidence.covers("The fastest and No. 1 café in town, 100% guaranteed.");
    }
});
