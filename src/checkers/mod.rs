//! Built-in checkers: rules whose logic is more than a phrase list.
//!
//! Each rule that names a checker supplies the words (message, help,
//! references, examples); the code here supplies the judgement. Checkers read
//! the prose, the front matter and the facts; they never print or suppress.

pub mod dates;
pub mod patterns;
pub mod price;

use std::ops::Range;
use std::sync::LazyLock;

use crate::lean_regex::Regex;

use crate::engine::{Engine, Finding, ProseView};
use crate::facts::Facts;
use crate::rules::Checker;
use crate::source::{Document, footnotes};

/// What a checker may look at.
pub struct Context<'a> {
    pub engine: &'a Engine,
    /// The whole file.
    pub text: &'a str,
    pub doc: &'a Document,
    pub facts: &'a Facts,
}

/// Compiles one of the built-in patterns of [`patterns`].
pub(crate) fn checker_regex(pattern: &str) -> Regex {
    Regex::built_in(&crate::rules::ascii_classes(pattern))
        .expect("built-in patterns compile: a unit test compiles every one")
}

/// Starts setting up the price checker's patterns on a thread of their own.
///
/// They are set up lazily, the first time a page needs them: rebuilt from
/// their prebuilt NFAs, still a tenth of a one-file run (the pre-commit
/// case), where the run has one worker and the machine's other cores sit
/// idle. Started before the rule packs load, the work overlaps loading,
/// engine set-up and reading the page (a 5 KB page: 9.2 ms without, 8.8 ms
/// with); a search that needs a pattern still being set up waits for it, so
/// results are the same. Nothing is joined: the thread ends on its own, or
/// with the process.
pub fn warm_up() {
    let _ = std::thread::Builder::new()
        .name("warm-up".to_string())
        .spawn(|| {
            price::warm_up();
            LazyLock::force(&CUE);
        });
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
        if !price::has_ascii_digit(block_text.as_bytes())
            && !price::contains_ignore_case(block_text.as_bytes(), b"half")
        {
            continue;
        }
        // The quick test is monotone: a block it rejects has no sentence worth checking.
        if !price::worth_checking(block_text) {
            continue;
        }
        // A table row is one unit (was and now sit in different cells), and so is a
        // short block ("Save 40%! Was £120, now £90."); longer prose goes by sentence.
        let units: Vec<Range<usize>> = if block_text.len() <= 200 || is_table_row(block_text) {
            vec![block.clone()]
        } else {
            view.sentences(b).to_vec()
        };
        for unit in units {
            // The block as a whole already passed the quick test.
            let found = if unit == block {
                price::check_unit_in_full(&prose.text[unit.clone()], &facts)
            } else {
                price::check_unit(&prose.text[unit.clone()], &facts)
            };
            for found in found {
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

/// `text.contains(" | ")`, by a memchr for the bar first.
fn is_table_row(text: &str) -> bool {
    let b = text.as_bytes();
    b.contains(&b'|') && b.windows(3).any(|w| w == b" | ")
}

/// A former-price cue ("was", "RRP", "list price").
static CUE: LazyLock<Regex> = LazyLock::new(|| checker_regex(&patterns::cue()));

/// True when a claim names its former price with a cue ("was £80", "RRP £49").
fn mentions_reference(claim: &str) -> bool {
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
static MARKED_CLAIM: LazyLock<Regex> = LazyLock::new(|| checker_regex(&patterns::marked_claim()));

/// Words that make a footnote a condition on the offer.
static CONDITION_WORDS: LazyLock<Regex> =
    LazyLock::new(|| checker_regex(&patterns::condition_words()));

/// The default claim vocabulary of the free footnote rule.
static FREE_WORDS: LazyLock<Regex> = LazyLock::new(|| checker_regex(&patterns::free_words()));

fn footnote_conditions(
    cx: &Context<'_>,
    rule: usize,
    view: &mut ProseView<'_>,
    out: &mut Vec<Finding>,
) {
    let prose = &cx.doc.prose;
    let text = prose.text.as_str();
    if !text.as_bytes().contains(&b'*')
        && !text.contains('†')
        && !text.contains('‡')
        && !text.contains("[^")
    {
        return;
    }
    let notes = view.notes();
    if notes.is_empty() {
        return;
    }
    let when = cx.engine.rules()[rule].when.as_ref();
    for m in MARKED_CLAIM.captures_iter(text) {
        let whole = m.get(0).expect("group 0 always exists");
        let marker = m.get(1).expect("the marker group is not optional").as_str();
        let claim_block = prose.block_of(whole.start());
        // The first note with its mark below the claim: a block of its own,
        // a list item, or a later line of the claim's paragraph.
        let Some(note) = footnotes::note_for(notes, marker, whole.end()).map(|n| n.text.clone())
        else {
            continue;
        };
        let note_text = &text[note.clone()];
        let relevant = match when {
            Some(ctx) => ctx.nearby.is_match(note_text),
            None => {
                // "Free delivery on orders over £50*": the marker sits on the
                // price, but the claim it qualifies is the "free" before it.
                let lead = claim_block.map_or("", |b| {
                    sentence_lead(text, prose.blocks[b].start, whole.start())
                });
                (FREE_WORDS.is_match(whole.as_str()) || FREE_WORDS.is_match(lead))
                    && CONDITION_WORDS.is_match(note_text)
            }
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

/// The words of the sentence before `at` in the block starting at `block_start`,
/// at most 80 bytes back: the claim an asterisked price belongs to.
fn sentence_lead(text: &str, block_start: usize, at: usize) -> &str {
    let mut from = at.saturating_sub(80).max(block_start);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let lead = &text[from..at];
    match lead.rfind(['.', '!', '?']) {
        Some(i) => &lead[i + 1..],
        None => lead,
    }
}

static SELLER_WORDS: LazyLock<Regex> = LazyLock::new(|| checker_regex(&patterns::seller_words()));
static BUYER_WORDS: LazyLock<Regex> = LazyLock::new(|| checker_regex(&patterns::buyer_words()));

/// The seller's and the reader's words in a text, as `SELLER_WORDS` (less the capital
/// "US") and `BUYER_WORDS` find them; an "us" after a contact verb ("call us") is the
/// reader's.
#[derive(Debug, PartialEq)]
struct Voices {
    seller: usize,
    first_seller: Option<Range<usize>>,
    buyer: usize,
}

/// `Voices` by the regexes; the reference that the word scan must agree with.
fn voices_by_regex(text: &str) -> Voices {
    let mut v = Voices {
        seller: 0,
        first_seller: None,
        buyer: BUYER_WORDS.find_iter(text).count(),
    };
    for m in SELLER_WORDS.find_iter(text) {
        let word = m.as_str();
        if word.eq_ignore_ascii_case("us") {
            // The word before: word bytes are ASCII, as in the word scan.
            let before = &text.as_bytes()[..m.start()];
            let end = before
                .iter()
                .rposition(|&b| price::is_word_byte(b))
                .map_or(0, |p| p + 1);
            let start = before[..end]
                .iter()
                .rposition(|&b| !price::is_word_byte(b))
                .map_or(0, |p| p + 1);
            if is_contact_verb(&before[start..end]) {
                v.buyer += 1;
                continue;
            }
        }
        // "US" in capitals is the country ("Made in the US"), not the seller.
        if word != "US" {
            v.seller += 1;
            v.first_seller.get_or_insert(m.range());
        }
    }
    v
}

/// Verbs that make the "us" after them an instruction to the reader ("Call
/// us", "email us today", "JOIN US"): every contact section says it, and it
/// addresses the buyer, not the seller's needs.
fn is_contact_verb(word: &[u8]) -> bool {
    const VERBS: [&[u8]; 14] = [
        b"call", b"email", b"mail", b"phone", b"ring", b"text", b"message", b"contact", b"ask",
        b"tell", b"visit", b"find", b"join", b"follow",
    ];
    VERBS.iter().any(|v| word.eq_ignore_ascii_case(v))
}

/// [`Voices`] summed over the stretches `parts` of `text` (offsets in `text`).
/// Only `ſ` folds onto a letter of these words under case-insensitive
/// matching; a text with it goes to the regexes, any other to the word scan.
fn voices_in(text: &str, parts: &[Range<usize>]) -> Voices {
    let long_s = text.contains('ſ');
    let mut v = Voices {
        seller: 0,
        first_seller: None,
        buyer: 0,
    };
    for part in parts {
        let part_text = &text[part.clone()];
        let found = if long_s {
            voices_by_regex(part_text)
        } else {
            scan_voices(part_text)
        };
        v.seller += found.seller;
        v.buyer += found.buyer;
        if v.first_seller.is_none() {
            v.first_seller = found
                .first_seller
                .map(|r| r.start + part.start..r.end + part.start);
        }
    }
    v
}

/// `Voices` by one pass over the ASCII words, for a text with no `ſ`. Both regexes
/// start and end at ASCII word boundaries, and the first alternative of each ("we",
/// "you") wins over the contracted forms ("we're" matches as "we"), so a match is
/// always one whole ASCII word.
fn scan_voices(text: &str) -> Voices {
    let b = text.as_bytes();
    let mut v = Voices {
        seller: 0,
        first_seller: None,
        buyer: 0,
    };
    let mut i = 0;
    let mut previous: &[u8] = &[];
    while i < b.len() {
        if !price::is_word_byte(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && price::is_word_byte(b[i]) {
            i += 1;
        }
        let word = &b[start..i];
        let before = std::mem::replace(&mut previous, word);
        let is = |w: &[u8]| word.eq_ignore_ascii_case(w);
        match word.len() {
            2..=5 | 8..=10 => {}
            _ => continue,
        }
        if is(b"us") && is_contact_verb(before) {
            v.buyer += 1;
        } else if is(b"we")
            || is(b"our")
            || is(b"ours")
            || is(b"ourselves")
            || (is(b"us") && word != b"US")
        {
            v.seller += 1;
            v.first_seller.get_or_insert(start..i);
        } else if is(b"you") || is(b"your") || is(b"yours") || is(b"yourself") || is(b"yourselves")
        {
            v.buyer += 1;
        }
    }
    v
}

/// `text.split_whitespace().count()`, without decoding every character: only these lead
/// bytes can start a non-ASCII space (U+0085, U+00A0, U+1680, U+2000..U+3000).
fn word_count(text: &str) -> usize {
    let b = text.as_bytes();
    let mut words = 0;
    let mut in_word = false;
    let mut i = 0;
    while i < b.len() {
        let (space, len) = match b[i] {
            b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r' => (true, 1),
            0xC2 | 0xE1 | 0xE2 | 0xE3 => {
                let c = text[i..].chars().next().expect("a lead byte starts a char");
                (c.is_whitespace(), c.len_utf8())
            }
            _ => (false, 1),
        };
        if space {
            in_word = false;
        } else if !in_word {
            in_word = true;
            words += 1;
        }
        i += len;
    }
    words
}

fn seller_focus(cx: &Context<'_>, rule: usize, out: &mut Vec<Finding>) {
    let settings = cx.engine.settings.seller_focus;
    let text = cx.doc.prose.text.as_str();
    // Only the page's own voice counts: a customer's "we loved our new
    // kitchen" in a testimonial is not the seller talking about itself.
    let own = own_voice(cx);
    let v = voices_in(text, &own);
    if v.seller < settings.min_seller_words || (v.seller as f64) <= settings.ratio * v.buyer as f64
    {
        return;
    }
    // The word count only matters when the voices would be reported, so it comes last.
    let words: usize = own.iter().map(|part| word_count(&text[part.clone()])).sum();
    if words < settings.min_words {
        return;
    }
    let Some(first) = v.first_seller else {
        return;
    };
    // The rule's `unless` clears the page: a declared fact, or a `nearby`
    // regex anywhere in it (the page is a press release, a job advert...).
    let unless = &cx.engine.rules()[rule].unless;
    if unless.facts.iter().any(|f| cx.facts.satisfies(f))
        || unless
            .nearby
            .as_ref()
            .is_some_and(|ctx| ctx.nearby.is_match(text))
    {
        return;
    }
    out.push(finding(
        rule,
        cx.doc.prose.source_range(first),
        Some(format!(
            "{} words about the seller (we/our/us) against {} about the reader (you/your) in {} words",
            v.seller, v.buyer, words
        )),
    ));
}

/// The stretches of the prose written in the page's own voice: every block
/// but block quotes (Markdown `>`, HTML `<blockquote>`), less passages in
/// double quotes of four words or more (a testimonial, a review, someone
/// else's words). Voices are counted per stretch, so a cut never joins two
/// words into one.
fn own_voice(cx: &Context<'_>) -> Vec<Range<usize>> {
    let prose = &cx.doc.prose;
    let passages = quoted_passages(&prose.text);
    let mut passages = passages.iter().peekable();
    let mut own = Vec::with_capacity(prose.blocks.len());
    for (index, block) in prose.blocks.iter().enumerate() {
        // Passages lie inside one block each, in order.
        let inside = std::iter::from_fn(|| passages.next_if(|p| p.start < block.end));
        if prose.is_quote(index) {
            inside.for_each(drop);
            continue;
        }
        let mut from = block.start;
        for quoted in inside {
            own.push(from..quoted.start);
            from = quoted.end;
        }
        own.push(from..block.end);
    }
    own
}

/// Passages of `text` (a page's prose) inside double quotes ("…" or “…”)
/// holding at least four words, quote marks included, in order. A passage
/// never runs across a block: an opening mark with no closing one before
/// the block ends is left alone.
fn quoted_passages(text: &str) -> Vec<Range<usize>> {
    const MIN_WORDS: usize = 4;
    const OPEN: &str = "“";
    const CLOSE: &str = "”";
    let b = text.as_bytes();
    // Searchers built once per page: a page has hundreds of blocks, and
    // one search of each per block cost a hundredth of a corpus run.
    let open_curly = memchr::memmem::Finder::new(OPEN);
    let close_curly = memchr::memmem::Finder::new(CLOSE);
    let separator = memchr::memmem::Finder::new(crate::source::prose::BLOCK_SEPARATOR);
    let mut found = Vec::new();
    // The next of each opening mark at or after `at` (None: none left).
    let (mut straight, mut curly) = (memchr::memchr(b'"', b), open_curly.find(b));
    let mut at = 0;
    loop {
        if straight.is_some_and(|s| s < at) {
            straight = memchr::memchr(b'"', &b[at..]).map(|i| at + i);
        }
        if curly.is_some_and(|c| c < at) {
            curly = open_curly.find(&b[at..]).map(|i| at + i);
        }
        let open = match (straight, curly) {
            (Some(s), Some(c)) => s.min(c),
            (Some(s), None) => s,
            (None, Some(c)) => c,
            (None, None) => break,
        };
        let (inner_start, close) = if b[open] == b'"' {
            let inner = open + 1;
            (
                inner,
                memchr::memchr(b'"', &b[inner..]).map(|i| (inner + i, 1)),
            )
        } else {
            let inner = open + OPEN.len();
            let close = close_curly.find(&b[inner..]);
            (inner, close.map(|i| (inner + i, CLOSE.len())))
        };
        let Some((close, close_len)) = close else {
            // Unclosed: later marks of the other kind may still pair.
            at = open + 1;
            continue;
        };
        if let Some(gap) = separator.find(&b[open..close]) {
            // The mark is not closed in its block: go on from the next block.
            at = open + gap;
            continue;
        }
        let end = close + close_len;
        // A short quote ("free", a product name) is the page's own words.
        if text[inner_start..close].split_whitespace().count() >= MIN_WORDS {
            found.push(open..end);
        }
        at = end;
    }
    found
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentence_lead_stops_at_the_sentence_and_block() {
        let text = "Sofas from £499. Free delivery on orders over £50*";
        let at = text.find("£50").unwrap();
        assert_eq!(sentence_lead(text, 0, at), " Free delivery on orders over ");
        assert_eq!(sentence_lead(text, at, at), "");
        let long = format!("{}é free over £5*", "x".repeat(79));
        let at = long.find("£5").unwrap();
        assert!(sentence_lead(&long, 0, at).ends_with("free over "));
    }

    #[test]
    fn quoted_passages_are_four_words_or_more() {
        let text = r#"Our "free" plan. “We loved our new kitchen, thank you!” — Sam. "Best day" and "we could not be happier with it" too. "Unclosed we our"#;
        let found: Vec<&str> = quoted_passages(text)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(
            found,
            [
                "“We loved our new kitchen, thank you!”",
                r#""we could not be happier with it""#
            ]
        );
        assert!(quoted_passages("no quotes here").is_empty());
        // Never across blocks: a stray mark does not pair with the next block's.
        let text = "Size 12\" monitor.\n\n\"We love our new screen, thanks so much!\" said Jo.";
        let found: Vec<&str> = quoted_passages(text)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(found, [r#""We love our new screen, thanks so much!""#]);
    }

    #[test]
    fn every_built_in_pattern_compiles() {
        for pattern in patterns::all() {
            assert!(crate::rules::ascii_regex(&pattern).is_ok(), "{pattern}");
        }
    }

    /// Every built-in pattern is rebuilt from its prebuilt NFAs, and finds
    /// what the regex crate finds, groups included, on every bundled rule
    /// example and on price-heavy lines (the checkers' own texts).
    #[test]
    fn prebuilt_patterns_match_as_the_regex_crate_does() {
        let mut texts: Vec<String> = vec![
            "Was £80, now £50 — save 37%! RRP $1,299.00 / now $999; 2 for £5, 99p each.".into(),
            "Sofas from £499*. Free delivery on orders over £50. *Ends 31 May 2026.".into(),
            "Up to 50% off, ~~€40~~ €25, -20%, half price, 1/3 off, 20 % off selected lines".into(),
            "We are proud of our award-winning team; you will love your new kitchen.".into(),
            "Offer ends Sunday 12th June at midnight. Usually $40. Compare at C$55.".into(),
            String::new(),
        ];
        for pack in crate::rules::EMBEDDED_PACKS {
            let parsed = pack.spec();
            for rule in parsed.rules {
                let examples = rule.examples.unwrap_or_default();
                texts.extend(examples.bad.into_iter().chain(examples.good));
            }
        }
        let groups = |c: Option<crate::lean_regex::Captures<'_>>, n: usize| {
            c.map(|c| {
                (0..n)
                    .map(|i| c.get(i).map(|m| m.range()))
                    .collect::<Vec<_>>()
            })
        };
        let theirs_groups = |c: Option<regex::Captures<'_>>, n: usize| {
            c.map(|c| {
                (0..n)
                    .map(|i| c.get(i).map(|m| m.range()))
                    .collect::<Vec<_>>()
            })
        };
        let mut found = 0;
        for pattern in patterns::all() {
            let source = crate::rules::ascii_classes(&pattern);
            let ours = Regex::built_in(&source).expect("compiles");
            assert!(ours.is_prebuilt(), "{pattern}: not prebuilt");
            let theirs = regex::Regex::new(&source).expect("compiles");
            let n = theirs.captures_len();
            for text in &texts {
                let want: Vec<_> = theirs.find_iter(text).map(|m| m.range()).collect();
                let got: Vec<_> = ours.find_iter(text).map(|m| m.range()).collect();
                assert_eq!(got, want, "{pattern} on {text:?}");
                found += want.len();
                let want: Vec<_> = theirs
                    .captures_iter(text)
                    .map(|c| theirs_groups(Some(c), n))
                    .collect();
                let got: Vec<_> = ours
                    .captures_iter(text)
                    .map(|c| groups(Some(c), n))
                    .collect();
                assert_eq!(got, want, "{pattern} on {text:?}");
                // From every word start (and the end), as the checkers ask.
                let starts = (0..=text.len()).filter(|&i| {
                    text.is_char_boundary(i)
                        && (i == 0 || i == text.len() || text.as_bytes()[i - 1] == b' ')
                });
                for at in starts {
                    assert_eq!(
                        groups(ours.captures_at(text, at), n),
                        theirs_groups(theirs.captures_at(text, at), n),
                        "{pattern} at {at} of {text:?}"
                    );
                    assert_eq!(
                        ours.is_match_at(text, at),
                        theirs.is_match_at(text, at),
                        "{pattern} at {at} of {text:?}"
                    );
                    // Patterns anchored at the end are asked of text prefixes.
                    let head = &text[..at];
                    assert_eq!(
                        groups(ours.captures(head), n),
                        theirs_groups(theirs.captures(head), n),
                        "{pattern} on {head:?}"
                    );
                }
            }
        }
        assert!(found > 2000, "the texts exercise the patterns ({found})");
    }

    #[test]
    fn word_count_is_split_whitespace() {
        let spaces = [
            " ", "\t", "\n", "\r", "\u{b}", "\u{c}", "\u{85}", "\u{a0}", "\u{1680}", "\u{2000}",
            "\u{200a}", "\u{2028}", "\u{2029}", "\u{202f}", "\u{205f}", "\u{3000}",
        ];
        let words = [
            "a", "é", "’", "—", "\u{200b}", "\u{2010}", "\u{3001}", "😀", "\u{1681}",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..5_000 {
            let mut text = String::new();
            for _ in 0..(seed % 12) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let pick = (seed >> 8) as usize;
                if pick % 2 == 0 {
                    text.push_str(spaces[pick / 2 % spaces.len()]);
                } else {
                    text.push_str(words[pick / 2 % words.len()]);
                }
            }
            assert_eq!(
                word_count(&text),
                text.split_whitespace().count(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn the_word_scan_agrees_with_the_regexes() {
        let voices = |text: &str| voices_in(text, std::slice::from_ref(&(0..text.len())));
        let pieces = [
            "call",
            "Email",
            "JOIN",
            "US",
            "us",
            "we",
            "We",
            "WE",
            "we're",
            "we’re",
            "We’ve",
            "we'll",
            "our",
            "Our",
            "ours",
            "OURS",
            "ourselves",
            "us",
            "Us",
            "US",
            "uS",
            "you",
            "You",
            "you're",
            "you’ll",
            "your",
            "yours",
            "Yourself",
            "yourselves",
            "YOURSELVES",
            "wes",
            "ourself",
            "youth",
            "use",
            "2",
            "_",
            "x",
            "é",
            "’",
            "'",
            " ",
            " ",
            ".",
            "-",
            "ſ",
            "uſ",
            "\u{212a}",
            "\n",
        ];
        for text in random_texts(&pieces, 0x2545_f491_4f6c_dd1d, 10) {
            assert_eq!(voices(&text), voices_by_regex(&text), "{text:?}");
        }
        let v = voices("Made in the US. We build it; you’re in charge of yours. Our team, us.");
        assert_eq!((v.seller, v.buyer, v.first_seller), (3, 2, Some(16..18)));
        let v = voices("Call us, e-mail us or VISIT US. We reply fast; tell us about it.");
        assert_eq!((v.seller, v.buyer, v.first_seller), (1, 4, Some(32..34)));
        // Over stretches: counts add up, offsets stay the text's.
        let text = "Hello “we loved our new kitchen” and our plan suits you.";
        let quote = quoted_passages(text)[0].clone();
        let v = voices_in(text, &[0..quote.start, quote.end..text.len()]);
        let ours = text.find("our plan").unwrap();
        assert_eq!(
            (v.seller, v.buyer, v.first_seller),
            (1, 1, Some(ours..ours + 3))
        );
    }

    /// 20,000 texts of up to `most` pieces each, drawn by a xorshift
    /// generator from `seed`: the same texts on every run.
    fn random_texts<'a>(
        pieces: &'a [&'a str],
        mut seed: u64,
        most: u64,
    ) -> impl Iterator<Item = String> + 'a {
        (0..20_000).map(move |_| {
            let mut text = String::new();
            for _ in 0..(seed % most) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push_str(pieces[(seed >> 8) as usize % pieces.len()]);
            }
            text
        })
    }

    #[test]
    fn byte_searches_agree_with_the_plain_ones() {
        let pieces = [
            "half", "HALF", "Hal", "f", "h", "H", "x", " ", "0", "9", "/", ":", "é", "’", "hALf",
            "quarter", "QUARTER", "third", "tHiRd", "save", "SAVE", "off", "Off", "price", "PRICE",
        ];
        for text in random_texts(&pieces, 0x1234_5678_9abc_def1, 24) {
            let b = text.as_bytes();
            for word in ["half", "alf", "quarter", "third", "save", "off", "price"] {
                assert_eq!(
                    price::contains_ignore_case(b, word.as_bytes()),
                    text.to_ascii_lowercase().contains(word),
                    "{word} in {text:?}"
                );
            }
            assert_eq!(
                price::has_ascii_digit(b),
                text.bytes().any(|c| c.is_ascii_digit()),
                "{text:?}"
            );
        }
    }
}
