//! Built-in checkers: rules whose logic is more than a phrase list.
//!
//! Each rule that names a checker supplies the words (message, help,
//! references, examples); the code here supplies the judgement. Checkers read
//! the prose, the front matter and the facts; they never print or suppress.

pub mod dates;
pub mod price;

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::engine::{Engine, Finding, ProseView};
use crate::facts::Facts;
use crate::rules::{Checker, ascii_regex};
use crate::source::Document;

/// What a checker may look at.
pub struct Context<'a> {
    pub engine: &'a Engine,
    /// The whole file.
    pub text: &'a str,
    pub doc: &'a Document,
    pub facts: &'a Facts,
}

/// Runs one checker for rule `rule`, appending findings.
pub fn run(
    cx: &Context<'_>,
    rule: usize,
    checker: Checker,
    view: &mut ProseView<'_>,
    out: &mut Vec<Finding>,
) {
    match checker {
        Checker::OfferExpired => offer_expired(cx, rule, out),
        Checker::OfferDateMismatch => offer_date_mismatch(cx, rule, view, out),
        Checker::FootnoteConditions => footnote_conditions(cx, rule, view, out),
        Checker::SellerFocus => seller_focus(cx, rule, out),
        Checker::FrontMatterInvalid => front_matter_invalid(cx, rule, out),
        // One pass over the prices serves all four price rules; it runs for the first.
        Checker::PriceArithmetic
        | Checker::ReferencePriceMismatch
        | Checker::ReferencePriceUndeclared
        | Checker::ReferencePeriodTooShort => {
            let first = [
                Checker::PriceArithmetic,
                Checker::ReferencePriceMismatch,
                Checker::ReferencePriceUndeclared,
                Checker::ReferencePeriodTooShort,
            ]
            .iter()
            .filter_map(|c| cx.engine.checker_rule(*c))
            .min();
            if first == Some(rule) {
                prices(cx, view, out);
            }
        }
        // Raised by the engine (evidence) and by suppression handling.
        Checker::EvidenceExpired
        | Checker::SuppressionWithoutReason
        | Checker::UnusedSuppression => {}
    }
}

fn finding(rule: usize, span: Range<usize>, detail: Option<String>) -> Finding {
    Finding {
        rule,
        span,
        labels: Vec::new(),
        detail,
    }
}

/// The source range of `key:` (and its value) inside the front matter, if written there.
fn front_matter_key(cx: &Context<'_>, key: &str) -> Option<Range<usize>> {
    let fm = cx.doc.front_matter.as_ref()?;
    let content = &cx.text[fm.content.clone()];
    let mut pos = 0;
    for line in content.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key)
            && (rest.starts_with(':') || rest.trim_start().starts_with('='))
        {
            let indent = line.len() - trimmed.len();
            let start = fm.content.start + pos + indent;
            let end = fm.content.start + pos + line.trim_end().len();
            return Some(start..end);
        }
        pos += line.len();
    }
    None
}

/// Formats minor units as a price for messages ("80.00").
fn money(minor: i64) -> String {
    format!("{}.{:02}", minor / 100, (minor % 100).abs())
}

/// Runs the price checker over every sentence (or table row) that has a number in it.
fn prices(cx: &Context<'_>, view: &mut ProseView<'_>, out: &mut Vec<Finding>) {
    let prose = &cx.doc.prose;
    let settings = &cx.engine.settings;
    let facts = price::PriceFacts {
        regular_price_minor: cx
            .facts
            .number("offer.regular_price")
            .map(|p| (p * 100.0).round() as i64),
        regular_price_since_days: cx
            .facts
            .date("offer.regular_price_since")
            .map(|since| settings.today.days_after(since)),
        required_reference_days: settings.reference_days(),
    };
    for b in 0..prose.blocks.len() {
        let block = prose.blocks[b].clone();
        let block_text = &prose.text[block.clone()];
        if !block_text.bytes().any(|c| c.is_ascii_digit())
            && !block_text.to_ascii_lowercase().contains("half")
        {
            continue;
        }
        // A table row is one unit (was and now sit in different cells), and so is a
        // short block ("Save 40%! Was £120, now £90."); longer prose goes by sentence.
        let units: Vec<Range<usize>> = if block_text.contains(" | ") || block_text.len() <= 200 {
            vec![block.clone()]
        } else {
            view.sentences(b).to_vec()
        };
        for unit in units {
            for found in price::check_unit(&prose.text[unit.clone()], &facts) {
                let (checker, detail) = match found.issue {
                    price::PriceIssue::Arithmetic {
                        claimed_percent,
                        actual_percent,
                    } => (
                        Checker::PriceArithmetic,
                        Some(format!(
                            "claims {claimed_percent}% off; the prices give {actual_percent}%"
                        )),
                    ),
                    price::PriceIssue::SavingMismatch {
                        claimed_minor,
                        actual_minor,
                    } => (
                        Checker::PriceArithmetic,
                        Some(format!(
                            "claims a saving of {}; the prices give {}",
                            money(claimed_minor),
                            money(actual_minor)
                        )),
                    ),
                    price::PriceIssue::ReferenceMismatch {
                        was_minor,
                        regular_minor,
                    } => (
                        Checker::ReferencePriceMismatch,
                        Some(format!(
                            "the copy's former price is {}; offer.regular_price is {}",
                            money(was_minor),
                            money(regular_minor)
                        )),
                    ),
                    price::PriceIssue::ReferenceUndeclared => {
                        (Checker::ReferencePriceUndeclared, None)
                    }
                    price::PriceIssue::ReferencePeriodTooShort { days, required } => (
                        Checker::ReferencePeriodTooShort,
                        Some(format!(
                            "charged for {days} day{} before {}; {required} needed",
                            if days == 1 { "" } else { "s" },
                            settings.today
                        )),
                    ),
                };
                let Some(rule) = cx.engine.checker_rule(checker) else {
                    continue;
                };
                let claim = unit.start + found.span.start..unit.start + found.span.end;
                // A bare "20% off" shows no former price to substantiate; that is the
                // pattern rules' business. This rule is about a price the copy states.
                if checker == Checker::ReferencePriceUndeclared
                    && price::find_prices(&prose.text[claim.clone()]).len() < 2
                    && !mentions_reference(&prose.text[claim.clone()])
                {
                    continue;
                }
                if cx.engine.judge_checker_claim(rule, &claim, view, cx.facts) {
                    out.push(finding(rule, prose.source_range(claim), detail));
                }
            }
        }
    }
}

/// True when a claim names its former price with a cue ("was £80", "RRP £49").
fn mentions_reference(claim: &str) -> bool {
    static CUE: LazyLock<Regex> = LazyLock::new(|| {
        ascii_regex(r"(?i)\b(?:was|were|previously|originally|usually|regular(?:ly)?|reg\.?|normally|rrp|msrp|list price|compare at|instead of|before)\b")
            .expect("a fixed, valid regex")
    });
    CUE.is_match(claim) && !price::find_prices(claim).is_empty()
}

fn offer_expired(cx: &Context<'_>, rule: usize, out: &mut Vec<Finding>) {
    let today = cx.engine.settings.today;
    let Some(ends) = cx.facts.date("offer.ends") else {
        return;
    };
    if ends >= today {
        return;
    }
    let span = front_matter_key(cx, "ends").unwrap_or(0..0);
    let days = today.days_after(ends);
    let detail = format!(
        "offer.ends is {ends}, {days} day{} before {today}",
        if days == 1 { "" } else { "s" }
    );
    out.push(finding(rule, span, Some(detail)));
}

fn offer_date_mismatch(
    cx: &Context<'_>,
    rule: usize,
    view: &mut ProseView<'_>,
    out: &mut Vec<Finding>,
) {
    let Some(ends) = cx.facts.date("offer.ends") else {
        return;
    };
    let prose = &cx.doc.prose;
    for stated in dates::end_dates(&prose.text) {
        let agrees = stated.month == ends.month
            && stated.day == ends.day
            && stated.year.is_none_or(|y| y == ends.year);
        if agrees
            || !cx
                .engine
                .judge_checker_claim(rule, &stated.span, view, cx.facts)
        {
            continue;
        }
        let mut f = finding(
            rule,
            prose.source_range(stated.span.clone()),
            Some(format!(
                "the copy says {}, offer.ends says {ends}",
                stated.written(&prose.text)
            )),
        );
        if let Some(span) = front_matter_key(cx, "ends") {
            f.labels.push((span, "the declared end date".to_string()));
        }
        out.push(f);
    }
}

/// An asterisked or daggered claim ("FREE*", "$9.99†").
static MARKED_CLAIM: LazyLock<Regex> = LazyLock::new(|| {
    ascii_regex(r"(?i)(?:\b(?:free|gift|bonus|complimentary|no cost|on us)|[$£€]\s?0(?:\.00)?\b|\$\d[\d,.]*|£\d[\d,.]*|€\d[\d,.]*|\b\d+\s?%\s?off|\bfrom)\s?(\*+|†|‡)")
        .expect("a fixed, valid regex")
});

/// Words that make a footnote a condition on the offer.
static CONDITION_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    ascii_regex(r"(?i)\b(?:with (?:any |every |a |an )?(?:purchase|order|subscription|contract)|when you (?:buy|spend|order|sign|subscribe)|orders? (?:over|above|of)|spend(?:ing)? (?:over|at least)|minimum|min\.|subscription|contract|requires?|required|only|new (?:customers?|members?|subscribers?)|excludes?|excluding|plus|shipping|handling|postage|p&p|fee|charge|terms|conditions|applies|apply|valid|eligible|renews?|auto-?renew|billed|after|purchased?|buy|bought|plan|sign[- ]?up|register)\b")
        .expect("a fixed, valid regex")
});

/// The default claim vocabulary of the free footnote rule.
static FREE_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    ascii_regex(r"(?i)\b(?:free|gift|bonus|complimentary|no cost|on us)\b|[$£€]\s?0(?:\.00)?\b")
        .expect("a fixed, valid regex")
});

fn footnote_conditions(
    cx: &Context<'_>,
    rule: usize,
    _view: &mut ProseView<'_>,
    out: &mut Vec<Finding>,
) {
    let prose = &cx.doc.prose;
    let text = prose.text.as_str();
    if !text.contains(['*', '†', '‡']) {
        return;
    }
    let footnotes: Vec<(Range<usize>, &str)> = prose
        .blocks
        .iter()
        .filter_map(|b| footnote_block(cx, b.clone()).map(|marker| (b.clone(), marker)))
        .collect();
    if footnotes.is_empty() {
        return;
    }
    let when = cx.engine.rules()[rule].when.as_ref();
    for m in MARKED_CLAIM.captures_iter(text) {
        let whole = m.get(0).expect("group 0 always exists");
        let marker = m.get(1).expect("the marker group is not optional").as_str();
        let claim_block = prose.block_of(whole.start());
        let Some((note, _)) = footnotes
            .iter()
            .find(|(b, m)| *m == marker && prose.block_of(b.start) != claim_block)
        else {
            continue;
        };
        let note_text = &text[note.clone()];
        let relevant = match when {
            Some(ctx) => ctx.nearby.is_match(note_text),
            None => FREE_WORDS.is_match(whole.as_str()) && CONDITION_WORDS.is_match(note_text),
        };
        if !relevant {
            continue;
        }
        let mut f = finding(rule, prose.source_range(whole.range()), None);
        f.labels.push((
            prose.source_range(note.clone()),
            "the conditions are only here, away from the claim".to_string(),
        ));
        out.push(f);
    }
}

/// The footnote marker a block starts with, if it reads as a footnote.
fn footnote_block<'t>(cx: &Context<'t>, block: Range<usize>) -> Option<&'static str> {
    let text = &cx.doc.prose.text[block.clone()];
    for marker in ["***", "**", "*", "†", "‡"] {
        if text.starts_with(marker) {
            return Some(marker);
        }
    }
    // A Markdown list item "* with orders over $50" loses its asterisk in the
    // prose; look at the source line it came from.
    let source = cx.doc.prose.source_range(block);
    let line_start = cx.text[..source.start].rfind('\n').map_or(0, |i| i + 1);
    let lead = cx.text[line_start..source.start].trim();
    match lead {
        "*" | "\\*" => Some("*"),
        _ => None,
    }
}

static SELLER_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    ascii_regex(r"(?i)\b(?:we|we're|we’re|we've|we’ve|we'll|we’ll|our|ours|us|ourselves)\b")
        .expect("a fixed, valid regex")
});
static BUYER_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    ascii_regex(
        r"(?i)\b(?:you|you're|you’re|you've|you’ve|you'll|you’ll|your|yours|yourself|yourselves)\b",
    )
    .expect("a fixed, valid regex")
});

fn seller_focus(cx: &Context<'_>, rule: usize, out: &mut Vec<Finding>) {
    let settings = cx.engine.settings.seller_focus;
    let text = cx.doc.prose.text.as_str();
    let words = text.split_whitespace().count();
    if words < settings.min_words {
        return;
    }
    // "US" in capitals is the country ("Made in the US"), not the seller.
    let seller: Vec<_> = SELLER_WORDS
        .find_iter(text)
        .filter(|m| m.as_str() != "US")
        .collect();
    let buyer = BUYER_WORDS.find_iter(text).count();
    if seller.len() < settings.min_seller_words
        || (seller.len() as f64) <= settings.ratio * buyer as f64
    {
        return;
    }
    let first = seller[0].range();
    out.push(finding(
        rule,
        cx.doc.prose.source_range(first),
        Some(format!(
            "{} words about the seller (we/our/us) against {} about the reader (you/your) in {} words",
            seller.len(),
            buyer,
            words
        )),
    ));
}

fn front_matter_invalid(cx: &Context<'_>, rule: usize, out: &mut Vec<Finding>) {
    if let Some(error) = cx.doc.front_matter.as_ref().and_then(|f| f.error.as_ref()) {
        out.push(finding(
            rule,
            error.span.clone(),
            Some(error.message.clone()),
        ));
    }
    // Facts whose values were dropped (`offer.stock: lots`): at their key when the
    // front matter has it, else (a config fact) at the start of the file.
    for bad in &cx.facts.invalid {
        let span = front_matter_key(cx, bad.key).unwrap_or(0..0);
        out.push(finding(rule, span, Some(bad.message.clone())));
    }
}
