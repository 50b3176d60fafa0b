//! The `price` checker: reads one unit of prose (a sentence, or a table row with its cells
//! joined by `" | "`) and checks the price claims in it.
//!
//! What it owns:
//! - finding money amounts as copywriters write them (`$1,299.99`, `€35`, `35 €`,
//!   `35,- €`, `USD 35`, `35 EUR`, `99p`) and, only inside a clear was/now frame, bare
//!   numbers (`was 80, now 50`);
//! - finding reduction claims (`50% off`, `save 20%`, `-30%`, `half price`, `save $20`,
//!   `$20 off`) and whether they are exact or hedged (`up to`, `from`, `extra`, ranges);
//! - pairing a reference price (`was`, `RRP`, `compare at`, …) with the current price
//!   (`now`, `only`, `sale price`, …) in the same unit;
//! - reporting arithmetic that overstates the saving, a was-price that differs from the
//!   declared `offer.regular_price`, a reference or reduction with no declared regular
//!   price, and a regular price declared for a shorter period than the jurisdiction needs.
//!
//! How it reads a unit: each amount gets a role from the cue words around it (`was`,
//! `RRP`, `now`, `from`, `save`, `… off`, `… usually`), or from its neighbour when it has
//! none ("$249 $99: 60% off", "£35 (was £50)"); a reference and a current price then form
//! a pair, and each reduction claim is checked against the nearest pair. Percentages are
//! rounded in ads, so a claim passes within one point, and a claim below the real saving
//! always passes; hedged claims ("up to", "from", "extra", "20–30%") are never checked.
//!
//! Known limits, kept on purpose: the words are English; amounts with a plain space as
//! thousands separator ("1 299 €") are not read; a sentence with several products is
//! compared with the one declared regular price; "The bill was $120" reads as a former
//! price, since "was $X" is one.
//!
//! What it must not do: decide severity or whether a finding is reported (the engine and
//! the rule pack do), read files or front matter (the engine passes `PriceFacts`), know
//! about jurisdictions beyond the day count it is given, or look beyond the one unit it is
//! handed. It is pure and does no I/O: the same text and facts always give the same
//! findings. It must never panic, whatever the input, and must stay linear in the unit's
//! length: matching is done by the `regex` crate, which guarantees that, and every
//! look-around here is anchored beside a match and stops within a few words.

use crate::lean_regex::{Captures, Regex};

use super::checker_regex;
use super::patterns::{self, ISO};
use std::ops::Range;
use std::sync::LazyLock;

/// A price as written: amount in minor units (cents/pence) and currency.
///
/// Minor units are always amount × 100, also for currencies such as the yen that have no
/// minor unit; amounts are only ever compared within one currency, so this is harmless.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Currency {
    Usd,
    Gbp,
    Eur,
    /// Any other ISO code or symbol (`CAD`, `C$`, `¥`), or a bare number.
    Other,
}

/// Days a regular price must have been charged when no jurisdiction says otherwise (US).
pub const DEFAULT_REFERENCE_DAYS: i64 = 28;

/// What the copy declares in front matter (all optional).
///
/// `PriceFacts::default()` declares nothing and uses the US period of 28 days.
#[derive(Debug, Clone)]
pub struct PriceFacts {
    /// `offer.regular_price` in minor units.
    pub regular_price_minor: Option<i64>,
    /// Days from `offer.regular_price_since` to `--today` (None if not declared).
    pub regular_price_since_days: Option<i64>,
    /// Jurisdiction: eu 30, uk 28, us 28 (default).
    pub required_reference_days: i64,
}

impl Default for PriceFacts {
    fn default() -> Self {
        PriceFacts {
            regular_price_minor: None,
            regular_price_since_days: None,
            required_reference_days: DEFAULT_REFERENCE_DAYS,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum PriceIssue {
    /// The stated percentage doesn't match was/now (e.g. claims 50%, real 37.5%).
    /// `actual_percent` is rounded to one decimal place.
    Arithmetic {
        claimed_percent: f64,
        actual_percent: f64,
    },
    /// "save $Y" that doesn't match was - now.
    SavingMismatch {
        claimed_minor: i64,
        actual_minor: i64,
    },
    /// Was-price differs from offer.regular_price.
    ReferenceMismatch { was_minor: i64, regular_minor: i64 },
    /// A reference/was price or a reduction claim with no declared offer.regular_price.
    ReferenceUndeclared,
    /// offer.regular_price_since is fewer days before today than required.
    ReferencePeriodTooShort { days: i64, required: i64 },
}

#[derive(Debug, Clone, PartialEq)]
pub struct PriceFinding {
    pub span: Range<usize>,
    pub issue: PriceIssue,
}

/// Checks one unit of prose (a sentence or a table row, cells joined by " | ").
///
/// Findings come back sorted by span start. A reference price and the reduction claims
/// that go with it (its pair's percentage or saving) count as one claim, so
/// `ReferenceUndeclared` and `ReferencePeriodTooShort` appear once for "was $80, now $50,
/// 37% off", spanning "was $80, now $50"; a reduction claim with no reference price in the
/// unit ("20% off everything") is a claim of its own.
pub fn check_unit(text: &str, facts: &PriceFacts) -> Vec<PriceFinding> {
    if !worth_checking(text) {
        return Vec::new();
    }
    check_unit_in_full(text, facts)
}

/// `check_unit` without the quick test that skips units with nothing to find, for a
/// caller that has run `worth_checking` on the unit already.
pub(crate) fn check_unit_in_full(text: &str, facts: &PriceFacts) -> Vec<PriceFinding> {
    let mut prices = find_price_tokens(text);
    let mut price_ends: Vec<usize> = prices.iter().map(|p| p.claim_span.end).collect();
    price_ends.sort_unstable();
    let claims = find_percent_claims(text, &price_ends);
    let has_reduction_claim =
        !claims.is_empty() || prices.iter().any(|p| matches!(p.role, Role::Saving { .. }));
    let pairs = pair_prices(text, &mut prices, has_reduction_claim);

    let savings: Vec<SavingClaim> = prices
        .iter()
        .filter_map(|p| match p.role {
            Role::Saving { exact } if !p.bare => Some(SavingClaim {
                span: p.claim_span.clone(),
                minor: p.minor,
                currency: p.currency,
                has_decimals: p.has_decimals,
                exact,
            }),
            _ => None,
        })
        .collect();

    let synthetic = if pairs.is_empty() {
        regular_price_pair(&prices, facts)
    } else {
        None
    };
    let arithmetic_pairs: &[Pair] = match &synthetic {
        Some(pair) => std::slice::from_ref(pair),
        None => &pairs,
    };

    let mut findings = Vec::new();
    // Reduction claims with no pair to belong to are reference claims of their own; those
    // near a pair are folded into it, so one "was/now, 37% off" gives one finding.
    let mut lone_claims: Vec<Range<usize>> = Vec::new();

    for claim in &claims {
        let pair = nearest_pair(arithmetic_pairs, &claim.span).map(|i| &arithmetic_pairs[i]);
        if let Some(issue) = pair.and_then(|pair| percent_issue(claim, pair)) {
            findings.push(PriceFinding {
                span: claim.span.clone(),
                issue,
            });
        }
        if pairs.is_empty() {
            lone_claims.push(claim.span.clone());
        }
    }
    for saving in &savings {
        let pair = nearest_pair(arithmetic_pairs, &saving.span).map(|i| &arithmetic_pairs[i]);
        if let Some(issue) = pair.and_then(|pair| saving_issue(saving, pair)) {
            findings.push(PriceFinding {
                span: saving.span.clone(),
                issue,
            });
        }
        if pairs.is_empty() {
            lone_claims.push(saving.span.clone());
        }
    }

    // One reference claim per pair, per unpaired reference price, per lone reduction claim.
    let mut reference_claims: Vec<(Range<usize>, Option<&PriceToken>)> = Vec::new();
    let mut paired = vec![false; prices.len()];
    for pair in &pairs {
        reference_claims.push((pair.span.clone(), pair.reference.map(|r| &prices[r])));
        if let Some(r) = pair.reference {
            paired[r] = true;
        }
    }
    for (p, paired) in prices.iter().zip(paired) {
        if p.role.is_reference() && !paired {
            reference_claims.push((p.claim_span.clone(), Some(p)));
        }
    }
    reference_claims.extend(lone_claims.into_iter().map(|span| (span, None)));

    for (span, reference) in reference_claims {
        let declared = match facts.regular_price_minor {
            None => Some(PriceIssue::ReferenceUndeclared),
            Some(regular) => reference.and_then(|r| reference_mismatch(r, regular)),
        };
        let too_recent = facts
            .regular_price_since_days
            .filter(|&days| days < facts.required_reference_days)
            .map(|days| PriceIssue::ReferencePeriodTooShort {
                days,
                required: facts.required_reference_days,
            });
        for issue in declared.into_iter().chain(too_recent) {
            findings.push(PriceFinding {
                span: span.clone(),
                issue,
            });
        }
    }

    findings.sort_by_key(|f| (f.span.start, f.span.end, issue_rank(&f.issue)));
    findings
}

/// False only when `check_unit` is sure to find nothing in `text`; a quick byte scan that
/// saves the regex work on the many sentences of ordinary copy that hold a number but no
/// price ("moved 18 projects").
///
/// Why it is safe: every finding comes from a reduction claim, a money amount, or a pair
/// that bare numbers form. A claim needs `%`, a fraction ("1/3", "half", "third",
/// "quarter"); a money amount needs a currency sign, an upper-case ISO code or a
/// pence/cent amount ("99p", "5¢"); and bare numbers only pair up when one of them has a
/// reference cue right before it ("was 80"), since their roles come from their cues alone.
/// The only non-ASCII letters that case-insensitive matching folds onto ASCII ones, `ſ`
/// (s) and the Kelvin sign (k), send the unit to the full check.
///
/// The test is also monotone: whatever it finds in a part of a text, it finds in the whole
/// text, so a block it rejects has no sentence worth checking either.
pub fn worth_checking(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    loop {
        while i < b.len() && !QUICK_BYTES[usize::from(b[i])] {
            i += 1;
        }
        let Some(&c) = b.get(i) else {
            return false;
        };
        let found = match c {
            b'%' | b'$' => true,
            // "1/2", "1/3", "2/3", "1/4", "3/4"
            b'/' => {
                i > 0
                    && matches!(b[i - 1], b'1'..=b'3')
                    && matches!(b.get(i + 1), Some(b'2'..=b'4'))
            }
            b'0'..=b'9' => {
                b.get(i + 1) == Some(&b'p')
                    || ((i == 0 || !is_word_byte(b[i - 1])) && reference_cue_before(b, i))
            }
            b'A'..=b'Z' | b'a'..=b'z' => {
                // Each fraction word is looked for at its rarest letter.
                let (word, back): (&[u8], usize) = match c | 0x20 {
                    b'f' => (b"half", 3),
                    b'd' => (b"third", 4),
                    b'q' => (b"quarter", 0),
                    _ => (b"", 0),
                };
                // A fraction is a claim only with "save" before it or "off"/"price" after
                // it ("save a third", "1/3 off", "half price"), not in "plan the quarter".
                (!word.is_empty()
                    && i >= back
                    && starts_with_ignore_case(&b[i - back..], word)
                    && [b"save".as_slice(), b"off", b"price"]
                        .iter()
                        .any(|w| contains_ignore_case(b, w)))
                    || (c.is_ascii_uppercase() && b.get(i..i + 3).is_some_and(is_iso_code))
            }
            // ¢ £ ¥, and ſ
            0xC2 => matches!(b.get(i + 1), Some(0xA2 | 0xA3 | 0xA5)),
            0xC5 => b.get(i + 1) == Some(&0xBF),
            // € ₹, and the Kelvin sign
            0xE2 => matches!(
                b.get(i + 1..i + 3),
                Some([0x82, 0xAC] | [0x82, 0xB9] | [0x84, 0xAA])
            ),
            _ => false,
        };
        if found {
            return true;
        }
        i += 1;
    }
}

/// A byte of an ASCII word, as `\b` sees it here.
pub(crate) fn is_word_byte(c: u8) -> bool {
    WORD_BYTES[usize::from(c)]
}

static WORD_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        table[c] = b.is_ascii_alphanumeric() || b == b'_';
        c += 1;
    }
    table
};

/// Bytes that `worth_checking` must look at; all others are passed over.
static QUICK_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        table[c] = matches!(
            b,
            b'%' | b'$' | b'/' | b'0'..=b'9' | b'A'..=b'Z' | b'f' | b'd' | b'q' | 0xC2 | 0xC5 | 0xE2
        );
        c += 1;
    }
    table
};

const LOW_BITS: u64 = 0x0101_0101_0101_0101;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// Whether `text` has an ASCII digit, eight bytes at a time: after `^ 0x30` exactly the
/// digits are below 10, and `(x - 10·LOW) & !x & HIGH` is non-zero exactly when some byte
/// of `x` is below 10.
pub(crate) fn has_ascii_digit(text: &[u8]) -> bool {
    let mut chunks = text.chunks_exact(8);
    for chunk in &mut chunks {
        let x = u64::from_le_bytes(chunk.try_into().expect("eight bytes")) ^ (LOW_BITS * 0x30);
        if x.wrapping_sub(LOW_BITS * 10) & !x & HIGH_BITS != 0 {
            return true;
        }
    }
    chunks.remainder().iter().any(u8::is_ascii_digit)
}

/// `text.to_ascii_lowercase()` contains `word` (lower-case ASCII letters). Chunks of eight
/// bytes with no byte that could be `word[0]` are passed over whole.
pub(crate) fn contains_ignore_case(text: &[u8], word: &[u8]) -> bool {
    // Look for the word's rarest letter first ("f" of "half", "q" of "quarter").
    const RAREST_FIRST: &[u8] = b"qzjxkvbpgwyfmculdhrsnioate";
    let rarity = |c: &u8| RAREST_FIRST.iter().position(|r| r == c).unwrap_or(0);
    let Some((k, &anchor)) = word.iter().enumerate().min_by_key(|(_, c)| rarity(c)) else {
        return true;
    };
    let target = LOW_BITS * u64::from(anchor);
    // Whether the word starts `k` bytes before `i`.
    let found_at = |i: usize| {
        i.checked_sub(k)
            .and_then(|start| text.get(start..start + word.len()))
            .is_some_and(|w| w.eq_ignore_ascii_case(word))
    };
    let mut start = 0;
    while start + 8 <= text.len() {
        let chunk: [u8; 8] = text[start..start + 8].try_into().expect("eight bytes");
        // Bytes equal to `anchor` once the 0x20 (case) bit is set become zero.
        let x = (u64::from_le_bytes(chunk) | (LOW_BITS * 0x20)) ^ target;
        if x.wrapping_sub(LOW_BITS) & !x & HIGH_BITS != 0 && (start..start + 8).any(found_at) {
            return true;
        }
        start += 8;
    }
    (start..text.len()).any(found_at)
}

fn starts_with_ignore_case(text: &[u8], word: &[u8]) -> bool {
    text.get(..word.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(word))
}

/// One of the codes in `ISO` (each three letters, then a `|`).
fn is_iso_code(code: &[u8]) -> bool {
    ISO.as_bytes().chunks(4).any(|iso| &iso[..3] == code)
}

/// Whether the letters before the number at `at` (past spaces, colons and a full stop)
/// end like a cue that makes a bare number a reference price: "was", "RRP", "reg.",
/// "list price", "compare at". A superset of those `BARE_CUE` accepts.
fn reference_cue_before(b: &[u8], at: usize) -> bool {
    const ENDINGS: [&[u8]; 14] = [
        b"was",
        b"were",
        b"previously",
        b"formerly",
        b"originally",
        b"regular",
        b"regularly",
        b"reg",
        b"usually",
        b"normally",
        b"rrp",
        b"msrp",
        b"price",
        b"at",
    ];
    let mut end = at;
    while end > 0
        && matches!(
            b[end - 1],
            b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b':'
        )
    {
        end -= 1;
    }
    if end > 0 && b[end - 1] == b'.' {
        end -= 1;
    }
    let mut start = end;
    while start > 0 && b[start - 1].is_ascii_alphabetic() {
        start -= 1;
    }
    let word = &b[start..end];
    ENDINGS
        .iter()
        .any(|e| word.len() >= e.len() && word[word.len() - e.len()..].eq_ignore_ascii_case(e))
}

/// With no pair in the unit, the declared regular price can stand in for the reference,
/// so "Now $50, 50% off" is still checked when offer.regular_price is $80. Only a single
/// price cued as the current one qualifies: an uncued "$50" might be either side.
fn regular_price_pair(prices: &[PriceToken], facts: &PriceFacts) -> Option<Pair> {
    let regular = facts.regular_price_minor?;
    if prices.iter().any(|p| p.role.is_reference()) {
        return None;
    }
    let mut current = prices
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.bare && p.role == Role::Current { exact: true });
    let (Some((index, now)), None) = (current.next(), current.next()) else {
        return None;
    };
    Some(Pair {
        was_minor: regular,
        now_minor: now.minor,
        exact: true,
        same_currency: true,
        currency: now.currency,
        reference: None,
        current: index,
        span: now.claim_span.clone(),
    })
}

/// A percentage that overstates the pair's real reduction.
fn percent_issue(claim: &PercentClaim, pair: &Pair) -> Option<PriceIssue> {
    if !(claim.exact && pair.exact && pair.same_currency && pair.was_minor > 0) {
        return None;
    }
    let saved = i128::from(pair.was_minor) - i128::from(pair.now_minor);
    let actual = saved as f64 / pair.was_minor as f64 * 100.0;
    // Ads round percentages, and claiming less than the real saving misleads nobody, so
    // only an overstatement beyond one point is reported.
    (claim.percent > actual + 1.0 + 1e-9).then(|| PriceIssue::Arithmetic {
        claimed_percent: claim.percent,
        actual_percent: (actual * 10.0).round() / 10.0,
    })
}

/// A money saving that overstates was − now.
fn saving_issue(saving: &SavingClaim, pair: &Pair) -> Option<PriceIssue> {
    if !(saving.exact
        && pair.exact
        && pair.same_currency
        && compatible(saving.currency, pair.currency))
    {
        return None;
    }
    let actual = i128::from(pair.was_minor) - i128::from(pair.now_minor);
    // "Save $20" is read as rounded to the whole unit; "save $19.99" as exact.
    let tolerance = if saving.has_decimals { 1 } else { 49 };
    (i128::from(saving.minor) - actual > tolerance).then(|| PriceIssue::SavingMismatch {
        claimed_minor: saving.minor,
        actual_minor: clamp_i64(actual),
    })
}

/// Only the seller's own former price must equal offer.regular_price; an RRP or "compare
/// at" price is somebody else's and may differ. One minor unit of rounding is tolerated.
fn reference_mismatch(reference: &PriceToken, regular: i64) -> Option<PriceIssue> {
    let differs = (i128::from(reference.minor) - i128::from(regular)).abs() > 1;
    (reference.role == Role::Former && differs).then_some(PriceIssue::ReferenceMismatch {
        was_minor: reference.minor,
        regular_minor: regular,
    })
}

/// Every amount written with a currency (symbol, ISO code or pence) in `text`, in order.
/// Bare numbers are never returned: on their own they are not prices.
pub fn find_prices(text: &str) -> Vec<(Range<usize>, Money)> {
    scan_money(text)
        .into_iter()
        .map(|m| {
            let currency = m.currency.map_or(Currency::Other, |c| c.currency);
            (
                m.span,
                Money {
                    minor: m.minor,
                    currency,
                },
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Money amounts

/// A currency as written, precise enough that CAD and AUD do not compare equal although
/// both are `Currency::Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Denomination {
    currency: Currency,
    code: [u8; 3],
}

impl Denomination {
    fn from_code(code: &str) -> Option<Self> {
        let bytes: [u8; 3] = code.as_bytes().try_into().ok()?;
        let currency = match code {
            "USD" => Currency::Usd,
            "GBP" => Currency::Gbp,
            "EUR" => Currency::Eur,
            _ => Currency::Other,
        };
        Some(Denomination {
            currency,
            code: bytes,
        })
    }

    fn from_symbol(symbol: &str) -> Option<Self> {
        let code = match symbol {
            "$" | "US$" => "USD",
            "£" => "GBP",
            "€" => "EUR",
            "C$" | "CA$" => "CAD",
            "A$" | "AU$" => "AUD",
            "NZ$" => "NZD",
            "HK$" => "HKD",
            "¥" => "JPY",
            "₹" => "INR",
            _ => return None,
        };
        Self::from_code(code)
    }
}

/// An amount written with a currency marker.
struct MoneyMatch {
    span: Range<usize>,
    minor: i64,
    currency: Option<Denomination>,
    has_decimals: bool,
}

static MONEY: LazyLock<Regex> = LazyLock::new(|| checker_regex(&patterns::money()));

/// Compiles the patterns that most pages with a price or a percentage need,
/// in the order the checker first uses them (see [`super::warm_up`]).
pub(crate) fn warm_up() {
    for regex in [
        &MONEY,
        &BARE_NUMBER,
        &BARE_FOLLOW,
        &PCT_OFF,
        &PCT_SAVE,
        &PCT_MINUS,
        &FRACTION_OFF,
        &PCT_AFTER_PRICE,
    ] {
        LazyLock::force(regex);
    }
}

fn scan_money(text: &str) -> Vec<MoneyMatch> {
    let mut found = Vec::new();
    let mut pos = 0;
    while pos < text.len() {
        let Some(caps) = MONEY.captures_at(text, pos) else {
            break;
        };
        let whole = caps.get(0).expect("group 0 always participates");
        let (accepted, resume) = money_from_captures(text, &caps);
        if let Some(m) = accepted {
            found.push(m);
        }
        // `resume` is always past the match start, so the scan makes progress.
        pos = resume.max(whole.start() + 1);
        while !text.is_char_boundary(pos) {
            pos += 1;
        }
    }
    found
}

/// Turns one regex match into an amount, or rejects it (`$50k`, `1080p`, digits glued to
/// words) and says where to resume scanning.
fn money_from_captures(text: &str, caps: &Captures) -> (Option<MoneyMatch>, usize) {
    let whole = caps.get(0).expect("group 0 always participates");
    let after = text[whole.end()..].chars().next();
    let before = text[..whole.start()].chars().next_back();
    let glued_after = after.is_some_and(|c| c.is_alphanumeric() || c == '%');

    if let (Some(sym), Some(n)) = (caps.name("sym"), caps.name("n1")) {
        // "$50k", "$5m", "$3x" are not sale prices; "$5%" is noise.
        if glued_after {
            return (None, whole.end());
        }
        let parsed = parse_amount(n.as_str());
        let m = parsed.map(|(minor, has_decimals)| MoneyMatch {
            span: whole.range(),
            minor,
            currency: Denomination::from_symbol(sym.as_str()),
            has_decimals,
        });
        return (m, whole.end());
    }
    if let (Some(iso), Some(n)) = (caps.name("iso"), caps.name("n2")) {
        if glued_after {
            return (None, whole.end());
        }
        let m = parse_amount(n.as_str()).map(|(minor, has_decimals)| MoneyMatch {
            span: whole.range(),
            minor,
            currency: Denomination::from_code(iso.as_str()),
            has_decimals,
        });
        return (m, whole.end());
    }
    if let (Some(n), Some(suf)) = (caps.name("n3"), caps.name("suf")) {
        // "was 80 $50": the symbol belongs to the next amount, so rescan from it.
        let next_is_digit = text[suf.end()..]
            .trim_start()
            .starts_with(|c: char| c.is_ascii_digit());
        let glued_before = before.is_some_and(|c| c.is_alphanumeric() || c == '.' || c == ',');
        if next_is_digit || glued_before || (suf.as_str() == "$" && n.end() != suf.start()) {
            // A suffix dollar sign needs to touch the number ("35$"); with a space it is
            // more likely the next price's symbol.
            return (None, suf.start());
        }
        if after.is_some_and(|c| c.is_alphanumeric()) {
            return (None, whole.end());
        }
        let currency = Denomination::from_symbol(suf.as_str())
            .or_else(|| Denomination::from_code(suf.as_str()));
        let m = parse_amount(n.as_str()).map(|(minor, has_decimals)| MoneyMatch {
            span: whole.range(),
            minor,
            currency,
            has_decimals,
        });
        return (m, whole.end());
    }
    let small = caps
        .name("pence")
        .map(|m| (m, "GBP"))
        .or_else(|| caps.name("cents").map(|m| (m, "USD")));
    if let Some((digits, code)) = small {
        // Only one- or two-digit amounts: "720p" and "1080p" are video resolutions.
        let glued_before = before.is_some_and(|c| matches!(c, '.' | ',' | '£' | '$' | '€'));
        if glued_before {
            return (None, whole.end());
        }
        let m = digits.as_str().parse::<i64>().ok().map(|minor| MoneyMatch {
            span: whole.range(),
            minor,
            currency: Denomination::from_code(code),
            has_decimals: true,
        });
        return (m, whole.end());
    }
    (None, whole.end())
}

/// Parses a number matched by `NUM` into minor units, and whether it had a decimal part.
/// Returns None on overflow rather than saturating: an absurd amount is not a price.
fn parse_amount(raw: &str) -> Option<(i64, bool)> {
    let s = raw
        .strip_suffix(".-")
        .or_else(|| raw.strip_suffix(",-"))
        .unwrap_or(raw);
    // The last separator is a decimal point when one or two digits follow it.
    let decimal_at = s
        .rfind(['.', ','])
        .filter(|&i| (2..=3).contains(&(s.len() - i)));
    let (int_part, frac_part) = match decimal_at {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, ""),
    };
    let mut units: i64 = 0;
    for c in int_part.chars().filter(char::is_ascii_digit) {
        let digit = i64::from(c.to_digit(10)?);
        units = units.checked_mul(10)?.checked_add(digit)?;
    }
    let mut cents: i64 = 0;
    for (i, c) in frac_part
        .chars()
        .chain(std::iter::repeat('0'))
        .take(2)
        .enumerate()
    {
        let digit = i64::from(c.to_digit(10)?);
        cents += digit * if i == 0 { 10 } else { 1 };
    }
    let minor = units.checked_mul(100)?.checked_add(cents)?;
    Some((minor, !frac_part.is_empty()))
}

fn clamp_i64(v: i128) -> i64 {
    i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX })
}

// ---------------------------------------------------------------------------------------
// Roles: which side of a was/now frame a price is on

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// The seller's own former price: was, regular price, originally, strikethrough.
    Former,
    /// Someone else's price used as a reference: RRP, MSRP, list price, compare at.
    External,
    /// The price to pay now; `exact: false` for "from $50", "as low as $50".
    Current {
        exact: bool,
    },
    /// A money saving claim: "save $20", "$20 off"; `exact: false` for "up to", "extra".
    Saving {
        exact: bool,
    },
    Unknown,
}

impl Role {
    fn is_reference(self) -> bool {
        matches!(self, Role::Former | Role::External)
    }
}

/// A price in the unit with its role.
#[derive(Debug)]
struct PriceToken {
    /// The amount as written, currency marker included.
    span: Range<usize>,
    /// The amount with its cue words ("was $80", "$20 off"): what a finding points at.
    claim_span: Range<usize>,
    minor: i64,
    /// None for a bare number, which takes its partner's currency.
    currency: Option<Denomination>,
    has_decimals: bool,
    bare: bool,
    role: Role,
}

/// How far back (bytes) a cue word may sit before its price, and how far after for a
/// suffix cue. Keeps every look-around constant-time.
const CUE_WINDOW: usize = 64;
const SUFFIX_WINDOW: usize = 40;

static PREFIX_CUE: LazyLock<Regex> = LazyLock::new(|| checker_regex(&patterns::prefix_cue()));

static SUFFIX_CUE: LazyLock<Regex> = LazyLock::new(|| checker_regex(&patterns::suffix_cue()));

/// What may stand between a cue and the price it introduces: "now only $99", "now: $99".
/// Narrower than `FILLER`: after "usually, " a comma ends the cue's reach.
static CUE_TO_PRICE: LazyLock<Regex> = LazyLock::new(|| checker_regex(&patterns::cue_to_price()));

/// What starts a price: a currency symbol, an ISO code, or a number that is no percentage.
static PRICE_START: LazyLock<Regex> = LazyLock::new(|| checker_regex(&patterns::price_start()));

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PrefixCue {
    Former,
    External,
    Inexact,
    SaveInexact,
    Save,
    Hedge,
    Current,
}

/// The cue word right before `start` (with only filler in between), and where it starts.
/// `floor` is the end of the previous price: a cue never reaches across another price.
fn prefix_cue(text: &str, start: usize, floor: usize) -> Option<(PrefixCue, usize)> {
    let mut lo = start.saturating_sub(CUE_WINDOW).max(floor);
    while !text.is_char_boundary(lo) {
        lo += 1;
    }
    // Every cue ends in a letter or "." ("reg."), and only filler stands between it and
    // the price: past the filler punctuation, anything else rules a cue out.
    let b = text.as_bytes();
    let mut p = start;
    while p > 0
        && matches!(
            b[p - 1],
            b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b':' | b';' | b',' | b'(' | b'=' | b'-'
        )
    {
        p -= 1;
    }
    if p == 0 || !could_end_a_word(b[p - 1]) {
        return None;
    }
    let caps = PREFIX_CUE.captures_at(&text[..start], lo)?;
    let kinds = [
        ("former", PrefixCue::Former),
        ("external", PrefixCue::External),
        ("inexact", PrefixCue::Inexact),
        ("save_inexact", PrefixCue::SaveInexact),
        ("save", PrefixCue::Save),
        ("hedge", PrefixCue::Hedge),
        ("current", PrefixCue::Current),
    ];
    kinds
        .iter()
        .find_map(|(name, kind)| caps.name(name).map(|m| (*kind, m.start())))
}

/// Whether `c` may be the last byte of a cue word: an ASCII letter, the "." of "reg.", or
/// part of a non-ASCII character (`ſ` matches "s" case-insensitively).
fn could_end_a_word(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'.' || c >= 0x80
}

/// Whether `text` starts, after ASCII spaces (and with `paren`, an optional "(" and more
/// spaces), with a byte that may begin a word: an ASCII letter or a non-ASCII character.
/// The suffix and comparative cues all start that way.
fn starts_with_word_after(text: &[u8], paren: bool) -> bool {
    let skip = |mut i: usize| {
        while i < text.len() && matches!(text[i], b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r') {
            i += 1;
        }
        i
    };
    let mut i = skip(0);
    if paren && text.get(i) == Some(&b'(') {
        i = skip(i + 1);
    }
    text.get(i)
        .is_some_and(|&c| c.is_ascii_alphabetic() || c >= 0x80)
}

/// Words after an amount that make it a difference between prices.
static COMPARATIVE_AFTER: LazyLock<Regex> =
    LazyLock::new(|| checker_regex(&patterns::comparative_after()));

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SuffixCue {
    /// "£50 RRP": decides the role whatever precedes the price.
    External,
    /// "$20 off": decides the role whatever precedes the price.
    Off,
    /// "£32 usually": only when no cue precedes the price.
    Former,
    /// "£25.60 this weekend": only when no cue precedes the price.
    Current,
}

/// A cue right after the price ("£50 RRP", "$20 off", "£32 usually") and where it ends.
fn suffix_cue(text: &str, end: usize, ceiling: usize) -> Option<(SuffixCue, usize)> {
    let mut hi = end
        .saturating_add(SUFFIX_WINDOW)
        .min(ceiling)
        .min(text.len());
    while !text.is_char_boundary(hi) {
        hi -= 1;
    }
    if hi < end {
        return None;
    }
    // Every suffix cue is a word after spaces and at most one "(".
    if !starts_with_word_after(&text.as_bytes()[end..hi], true) {
        return None;
    }
    let caps = SUFFIX_CUE.captures(&text[end..hi])?;
    let kinds = [
        ("external", SuffixCue::External),
        ("off", SuffixCue::Off),
        ("former", SuffixCue::Former),
        ("current", SuffixCue::Current),
    ];
    let (kind, m) = kinds
        .iter()
        .find_map(|(name, kind)| caps.name(name).map(|m| (*kind, m)))?;
    let cue_end = end + m.end();
    // In "$249 now only $99" the "now" introduces the next price, and in "£899 (RRP
    // £1,299)" the "RRP" does; neither says anything about the price before it.
    let introduces_next = kind != SuffixCue::Off
        && (PRICE_START.is_match(&text[cue_end..])
            || ceiling < text.len()
                && text
                    .get(cue_end..ceiling)
                    .is_some_and(|gap| CUE_TO_PRICE.is_match(gap)));
    (!introduces_next).then_some((kind, cue_end))
}

/// Cues that may introduce a bare number ("was 80, now 50"). Narrower than the cues for
/// amounts with a currency, because "for 2 years" or "at 9" are not prices.
static BARE_CUE: LazyLock<Regex> = LazyLock::new(|| checker_regex(&patterns::bare_cue()));

static BARE_NUMBER: LazyLock<Regex> = LazyLock::new(|| checker_regex(&patterns::bare_number()));

/// What may follow a bare price: the end, punctuation, or another cue. Anything else
/// ("40 countries", "3 left", "2 years") means the number counts something.
static BARE_FOLLOW: LazyLock<Regex> = LazyLock::new(|| checker_regex(&patterns::bare_follow()));

/// Words that make a unit about prices, needed before two bare numbers count as was/now:
/// "our team was 12, now 40" is not a price claim.
static PRICE_CONTEXT: LazyLock<Regex> = LazyLock::new(|| checker_regex(&patterns::price_context()));

/// All prices in the unit with their roles, in text order. Bare numbers are included only
/// when a cue right before them makes them look like a price; `pair_prices` drops those
/// that don't end up in a was/now frame.
fn find_price_tokens(text: &str) -> Vec<PriceToken> {
    let money = scan_money(text);

    // Candidates in text order: every money amount, and every number outside them.
    let mut candidates: Vec<(Range<usize>, Option<MoneyMatch>)> = Vec::new();
    let mut money = money.into_iter().peekable();
    for m in BARE_NUMBER.find_iter(text) {
        while let Some(mm) = money.next_if(|mm| mm.span.start < m.end()) {
            candidates.push((mm.span.clone(), Some(mm)));
        }
        let inside_money = candidates
            .last()
            .is_some_and(|(span, is_money)| is_money.is_some() && span.end > m.start());
        if !inside_money {
            candidates.push((m.range(), None));
        }
    }
    candidates.extend(money.map(|mm| (mm.span.clone(), Some(mm))));

    let mut tokens: Vec<PriceToken> = Vec::with_capacity(candidates.len());
    let mut starts = candidates
        .iter()
        .map(|(span, _)| span.start)
        .skip(1)
        .collect::<Vec<_>>();
    starts.push(text.len());
    for ((span, money), ceiling) in candidates.into_iter().zip(starts) {
        // A cue never reaches back across an earlier price, nor forward into the next one.
        let floor = tokens
            .last()
            .map_or(0, |t| t.claim_span.end.max(t.span.end));
        let token = match money {
            Some(m) => Some(money_token(text, m, floor, ceiling)),
            None => bare_token(text, span, floor),
        };
        tokens.extend(token);
    }
    tokens
}

fn money_token(text: &str, m: MoneyMatch, floor: usize, ceiling: usize) -> PriceToken {
    let prefix = prefix_cue(text, m.span.start, floor);
    let suffix = suffix_cue(text, m.span.end, ceiling);
    let comparative = starts_with_word_after(&text.as_bytes()[m.span.end..], false)
        && COMPARATIVE_AFTER.is_match(&text[m.span.end..]);
    let strong_suffix = matches!(suffix, Some((SuffixCue::Off | SuffixCue::External, _)));
    // (role, whether the prefix cue is part of the claim, whether the suffix cue is)
    let (role, with_prefix, with_suffix) = match (suffix.map(|s| s.0), prefix.map(|p| p.0)) {
        // "prices were $5 higher", "now $20 more": a difference, not a price.
        _ if comparative && !strong_suffix => (Role::Unknown, false, false),
        (Some(SuffixCue::Off), Some(PrefixCue::Hedge | PrefixCue::SaveInexact)) => {
            (Role::Saving { exact: false }, true, true)
        }
        (Some(SuffixCue::Off), Some(PrefixCue::Save)) => (Role::Saving { exact: true }, true, true),
        (Some(SuffixCue::Off), _) => (Role::Saving { exact: true }, false, true),
        (Some(SuffixCue::External), _) => (Role::External, false, true),
        (_, Some(PrefixCue::Former)) => (Role::Former, true, false),
        (_, Some(PrefixCue::External)) => (Role::External, true, false),
        (_, Some(PrefixCue::Current)) => (Role::Current { exact: true }, true, false),
        (_, Some(PrefixCue::Inexact)) => (Role::Current { exact: false }, true, false),
        (_, Some(PrefixCue::Save)) => (Role::Saving { exact: true }, true, false),
        (_, Some(PrefixCue::SaveInexact)) => (Role::Saving { exact: false }, true, false),
        (_, Some(PrefixCue::Hedge)) => (Role::Unknown, false, false),
        (Some(SuffixCue::Former), None) => (Role::Former, false, true),
        (Some(SuffixCue::Current), None) => (Role::Current { exact: true }, false, true),
        (None, None) => (Role::Unknown, false, false),
    };
    let start = match prefix {
        Some((_, cue_start)) if with_prefix => cue_start,
        _ => m.span.start,
    };
    let end = match suffix {
        Some((_, cue_end)) if with_suffix => cue_end,
        _ => m.span.end,
    };
    PriceToken {
        claim_span: start..end,
        span: m.span,
        minor: m.minor,
        currency: m.currency,
        has_decimals: m.has_decimals,
        bare: false,
        role,
    }
}

fn bare_token(text: &str, span: Range<usize>, floor: usize) -> Option<PriceToken> {
    let raw = &text[span.clone()];
    // `BARE_CUE` needs a cue word (ending in a letter, or "reg.") right before the number,
    // past spaces and colons; without one the other tests need not run.
    let b = text.as_bytes();
    let mut p = span.start;
    while p > 0 && matches!(b[p - 1], b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b':') {
        p -= 1;
    }
    if p > 0 && b[p - 1] == b'.' {
        p -= 1;
    }
    if p == 0 || !could_end_a_word(b[p - 1]) {
        return None;
    }
    if !BARE_FOLLOW.is_match(&text[span.end..]) {
        return None;
    }
    let (minor, has_decimals) = parse_amount(raw)?;
    // Years and numbers with a leading zero (phone numbers, codes) are not prices.
    let whole_units = minor / 100;
    if !has_decimals && (raw.starts_with('0') || (1900..=2099).contains(&whole_units)) {
        return None;
    }
    let mut lo = span.start.saturating_sub(CUE_WINDOW).max(floor);
    while !text.is_char_boundary(lo) {
        lo += 1;
    }
    let cue = BARE_CUE.captures_at(&text[..span.start], lo)?;
    let cue = cue.get(0).expect("group 0 always participates");
    let word = cue
        .as_str()
        .trim_end_matches([' ', ':'])
        .to_ascii_lowercase();
    let role = match word.split_whitespace().next().unwrap_or_default() {
        "now" | "sale" | "only" | "just" => Role::Current { exact: true },
        "rrp" | "msrp" | "list" | "compare" => Role::External,
        _ => Role::Former,
    };
    Some(PriceToken {
        claim_span: cue.start()..span.end,
        span,
        minor,
        currency: None,
        has_decimals,
        bare: true,
        role,
    })
}

// ---------------------------------------------------------------------------------------
// Pairing

/// A reference price with the current price it is compared against.
#[derive(Debug)]
struct Pair {
    was_minor: i64,
    now_minor: i64,
    /// False when the current price is hedged ("from $50"): no arithmetic then.
    exact: bool,
    /// False when was and now are in different currencies: no arithmetic then.
    same_currency: bool,
    /// The pair's currency when known, for comparing with a "save $Y" claim.
    currency: Option<Denomination>,
    /// Index of the reference price token; None for a pair built from the declared
    /// regular price.
    reference: Option<usize>,
    /// Index of the current price token.
    current: usize,
    /// From the first cue to the end of the later price: "was $80, now $50".
    span: Range<usize>,
}

/// Gap between a reference price and an uncued price that still reads as "was X, now Y":
/// "was $80 $50", "was $80 → $50", "reduced from $80 to $50".
static ADJACENT_AFTER_REFERENCE: LazyLock<Regex> =
    LazyLock::new(|| checker_regex(&patterns::adjacent_after_reference()));

/// Gap between an uncued price and the cue of a reference price after it: "£35 (was £50)".
static ADJACENT_BEFORE_REFERENCE: LazyLock<Regex> =
    LazyLock::new(|| checker_regex(&patterns::adjacent_before_reference()));

/// Gap in "from $100 to $70".
static FROM_TO: LazyLock<Regex> = LazyLock::new(|| checker_regex(&patterns::from_to()));

/// Gap between a struck-through price and "now …": "$249 now $99", "$249, now $99".
static ADJACENT_BEFORE_NOW: LazyLock<Regex> =
    LazyLock::new(|| checker_regex(&patterns::adjacent_before_now()));

/// A current price introduced by "now" (or "today"), as after a struck-through price.
static NOW_CUE: LazyLock<Regex> = LazyLock::new(|| checker_regex(&patterns::now_cue()));

fn starts_with_from(claim: &str) -> bool {
    claim
        .get(..4)
        .is_some_and(|w| w.eq_ignore_ascii_case("from"))
}

/// Gap between two uncued prices that reads as a struck-through price and the sale price,
/// once markup is gone: "$249 $99". A dash is excluded: "$50 - $100" is a range.
static ADJACENT_STRIKETHROUGH: LazyLock<Regex> =
    LazyLock::new(|| checker_regex(&patterns::adjacent_strikethrough()));

fn pair_prices(text: &str, tokens: &mut [PriceToken], has_reduction_claim: bool) -> Vec<Pair> {
    let mut pairs = Vec::new();
    let mut pending_reference: Option<usize> = None;
    let mut pending_current: Option<usize> = None;
    let mut paired = vec![false; tokens.len()];

    for i in 0..tokens.len() {
        let gap_from_prev = if i > 0 {
            text.get(tokens[i - 1].claim_span.end..tokens[i].span.start)
                .unwrap_or("")
        } else {
            ""
        };
        // Uncued prices can still take a side from their neighbour.
        if i > 0 && !paired[i - 1] {
            let (before, rest) = tokens.split_at_mut(i);
            let (prev, this) = (&mut before[i - 1], &mut rest[0]);
            let same_currency = compatible(prev.currency, this.currency);
            if this.role == Role::Unknown {
                if prev.role.is_reference() && ADJACENT_AFTER_REFERENCE.is_match(gap_from_prev) {
                    // "was $80 $50", "RRP £80 → £50", "reduced from $80 to $50"
                    this.role = Role::Current { exact: true };
                } else if prev.role == Role::Unknown
                    && has_reduction_claim
                    && ADJACENT_STRIKETHROUGH.is_match(gap_from_prev)
                    && same_currency
                    && prev.minor > this.minor
                {
                    // "$249 $99: 60% off" once the strikethrough is gone.
                    prev.role = Role::Former;
                    this.role = Role::Current { exact: true };
                    pending_current = None;
                    pending_reference = Some(i - 1);
                } else if prev.role == (Role::Current { exact: false })
                    && starts_with_from(&text[prev.claim_span.clone()])
                    && FROM_TO.is_match(gap_from_prev)
                    && same_currency
                    && prev.minor > this.minor
                {
                    // "from $100 to $70" goes down: a reduction, not a price range.
                    prev.role = Role::Former;
                    this.role = Role::Current { exact: true };
                    pending_current = None;
                    pending_reference = Some(i - 1);
                }
            } else if this.role.is_reference()
                && prev.role == Role::Unknown
                && pending_current.is_none()
                && text
                    .get(prev.claim_span.end..this.claim_span.start)
                    .is_some_and(|gap| ADJACENT_BEFORE_REFERENCE.is_match(gap))
            {
                // "£35 (was £50)", "$99, reg. $149"
                prev.role = Role::Current { exact: true };
                pending_current = Some(i - 1);
            } else if this.role == (Role::Current { exact: true })
                && prev.role == Role::Unknown
                && pending_reference.is_none()
                && same_currency
                && prev.minor > this.minor
                && text
                    .get(prev.claim_span.end..this.claim_span.start)
                    .is_some_and(|gap| ADJACENT_BEFORE_NOW.is_match(gap))
                && NOW_CUE.is_match(&text[this.claim_span.clone()])
            {
                // "$249 now $99": the struck-through price, then the sale price.
                prev.role = Role::Former;
                pending_current = None;
                pending_reference = Some(i - 1);
            }
        }

        match tokens[i].role {
            Role::Former | Role::External => {
                if let Some(c) = pending_current.take() {
                    pairs.push(make_pair(text, tokens, i, c));
                    paired[i] = true;
                    paired[c] = true;
                    pending_reference = None;
                } else {
                    pending_reference = Some(i);
                }
            }
            Role::Current { .. } => {
                if let Some(r) = pending_reference.take() {
                    pairs.push(make_pair(text, tokens, r, i));
                    paired[i] = true;
                    paired[r] = true;
                } else {
                    pending_current = Some(i);
                }
            }
            Role::Saving { .. } | Role::Unknown => {}
        }
    }

    // Bare numbers only count inside a pair, and only in a unit that is about prices or
    // when they are written with cents ("was 79.99, now 59.99"): "our team was 12, now 40"
    // is no price claim.
    let context = !pairs.is_empty() && PRICE_CONTEXT.is_match(text);
    pairs.retain(|p| {
        let reference = p
            .reference
            .expect("pairs built from the text have a reference");
        let current = p.current;
        let shaped = |i: usize| !tokens[i].bare || has_cents(&text[tokens[i].span.clone()]);
        context || (shaped(reference) && shaped(current))
    });
    // `nearest_pair` searches by start.
    pairs.sort_by_key(|p| p.span.start);
    let mut in_pair = vec![false; tokens.len()];
    for p in &pairs {
        for i in p.reference.into_iter().chain([p.current]) {
            in_pair[i] = true;
        }
    }
    for (t, in_pair) in tokens.iter_mut().zip(in_pair) {
        if t.bare && !in_pair {
            t.role = Role::Unknown;
        }
    }
    pairs
}

/// "79.99" or "79,99": two decimals, the way prices (and few other numbers) are written.
fn has_cents(raw: &str) -> bool {
    let b = raw.as_bytes();
    b.len() >= 4
        && matches!(b[b.len() - 3], b'.' | b',')
        && b[b.len() - 2..].iter().all(u8::is_ascii_digit)
}

fn compatible(a: Option<Denomination>, b: Option<Denomination>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

fn make_pair(text: &str, tokens: &[PriceToken], reference: usize, current: usize) -> Pair {
    let r = &tokens[reference];
    let c = &tokens[current];
    let start = r.claim_span.start.min(c.claim_span.start);
    let mut end = r.claim_span.end.max(c.claim_span.end);
    // "$59 (reg. $79)": take the closing bracket too, so the span reads as written.
    if text[start..end].matches('(').count() > text[start..end].matches(')').count()
        && text[end..].starts_with(')')
    {
        end += 1;
    }
    Pair {
        was_minor: r.minor,
        now_minor: c.minor,
        exact: c.role == Role::Current { exact: true },
        same_currency: compatible(r.currency, c.currency),
        currency: r.currency.or(c.currency),
        reference: Some(reference),
        current,
        span: start..end,
    }
}

/// The pair closest to a claim (overlapping counts as distance 0). Pairs are sorted by
/// start, so a binary search finds the two candidates.
fn nearest_pair(pairs: &[Pair], span: &Range<usize>) -> Option<usize> {
    if pairs.is_empty() {
        return None;
    }
    // At most one of the two gaps is non-zero; both are zero when the spans overlap.
    let distance = |p: &Pair| {
        span.start
            .saturating_sub(p.span.end)
            .max(p.span.start.saturating_sub(span.end))
    };
    let i = pairs.partition_point(|p| p.span.start < span.start);
    let candidates = [i.checked_sub(1), Some(i).filter(|&i| i < pairs.len())];
    candidates
        .into_iter()
        .flatten()
        .min_by_key(|&i| distance(&pairs[i]))
}

// ---------------------------------------------------------------------------------------
// Reduction claims

struct PercentClaim {
    span: Range<usize>,
    percent: f64,
    /// False for "up to", "from", stacked ("extra 20% off") and ranges ("20-30% off").
    exact: bool,
}

struct SavingClaim {
    span: Range<usize>,
    minor: i64,
    currency: Option<Denomination>,
    has_decimals: bool,
    exact: bool,
}

static PCT_OFF: LazyLock<Regex> = LazyLock::new(|| checker_regex(&patterns::pct_off()));

static PCT_SAVE: LazyLock<Regex> = LazyLock::new(|| checker_regex(&patterns::pct_save()));

static PCT_MINUS: LazyLock<Regex> = LazyLock::new(|| checker_regex(&patterns::pct_minus()));

static HALF_PRICE: LazyLock<Regex> = LazyLock::new(|| checker_regex(&patterns::half_price()));

/// Fractions retailers use: "1/3 off", "save a third", "save up to 1/2".
static FRACTION_OFF: LazyLock<Regex> = LazyLock::new(|| checker_regex(&patterns::fraction_off()));

/// A bare percentage in brackets right after a price: "You save $30.00 (30%)".
static PCT_AFTER_PRICE: LazyLock<Regex> =
    LazyLock::new(|| checker_regex(&patterns::pct_after_price()));

fn fraction_percent(words: &str) -> Option<f64> {
    let words = words.to_ascii_lowercase();
    let last = words.split([' ', '\t', '\n', '-', '\u{a0}']).next_back()?;
    Some(match (words.as_str(), last) {
        ("1/2", _) | (_, "half") => 50.0,
        ("1/3", _) | (_, "third") => 100.0 / 3.0,
        ("2/3", _) | (_, "thirds") => 200.0 / 3.0,
        ("1/4", _) | (_, "quarter") => 25.0,
        ("3/4", _) | (_, "quarters") => 75.0,
        _ => return None,
    })
}

/// "Save 30% on your energy bills" and "save half the time" are performance claims, not
/// price reductions.
static SAVE_NOT_PRICE: LazyLock<Regex> =
    LazyLock::new(|| checker_regex(&patterns::save_not_price()));

/// Text right before a percentage that makes it a hedge or a range end: "up to -30%",
/// "20-30% off", "20% to 30% off". A range dash touches its numbers, and its first number
/// is no price: "$50 — 50% off" is a price and a claim, not a range.
static PCT_HEDGED_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| checker_regex(&patterns::pct_hedged_before()));

fn hedged_before(text: &str, at: usize) -> bool {
    let mut lo = at.saturating_sub(24);
    while !text.is_char_boundary(lo) {
        lo += 1;
    }
    PCT_HEDGED_BEFORE.is_match_at(&text[..at], lo)
}

fn parse_percent(raw: &str) -> Option<f64> {
    raw.replace(',', ".").parse::<f64>().ok()
}

fn is_exact_hedge(q: Option<&str>) -> bool {
    // "over 20% off" and "at least 20%" are floors: still checkable like an exact claim.
    let first_word = q.map(|q| q.split_whitespace().next().unwrap_or_default());
    match first_word.map(str::to_ascii_lowercase).as_deref() {
        None | Some("over" | "more" | "at") => true,
        Some(_) => false,
    }
}

/// Every reduction stated as a percentage or fraction. `price_ends` (sorted) are where
/// price claims end, for the bracketed form "$30.00 (30%)".
fn find_percent_claims(text: &str, price_ends: &[usize]) -> Vec<PercentClaim> {
    let mut claims = Vec::new();
    // Each percentage pattern needs a `%`, and each fraction pattern "half", "third",
    // "quarter" or a digit fraction: without them the searches are skipped.
    let b = text.as_bytes();
    let percent = b.contains(&b'%');
    let half = contains_ignore_case(b, b"half");
    let fraction = half
        || b.contains(&b'/')
        || contains_ignore_case(b, b"third")
        || contains_ignore_case(b, b"quarter");
    let search =
        |on: bool, re: &'static Regex| on.then(|| re.captures_iter(text)).into_iter().flatten();
    for caps in search(percent, &PCT_OFF) {
        let (Some(n), Some(kw)) = (caps.name("n"), caps.name("kw")) else {
            continue;
        };
        let whole = caps.get(0).expect("group 0 always participates");
        if let Some(percent) = parse_percent(n.as_str()) {
            claims.push(PercentClaim {
                span: whole.start()..kw.end(),
                percent,
                exact: is_exact_hedge(caps.name("q").map(|q| q.as_str()))
                    && !hedged_before(text, whole.start()),
            });
        }
    }
    for caps in search(percent, &PCT_SAVE) {
        let Some(n) = caps.name("n") else { continue };
        let whole = caps.get(0).expect("group 0 always participates");
        if SAVE_NOT_PRICE.is_match(&text[whole.end()..]) {
            continue;
        }
        if let Some(percent) = parse_percent(n.as_str()) {
            claims.push(PercentClaim {
                span: whole.range(),
                percent,
                exact: is_exact_hedge(caps.name("q").map(|q| q.as_str())),
            });
        }
    }
    for caps in search(percent, &PCT_MINUS) {
        let (Some(m), Some(n)) = (caps.name("m"), caps.name("n")) else {
            continue;
        };
        let whole = caps.get(0).expect("group 0 always participates");
        if let Some(percent) = parse_percent(n.as_str()) {
            claims.push(PercentClaim {
                span: m.start()..whole.end(),
                percent,
                exact: !hedged_before(text, m.start()),
            });
        }
    }
    for m in half
        .then(|| HALF_PRICE.find_iter(text))
        .into_iter()
        .flatten()
    {
        claims.push(PercentClaim {
            span: m.range(),
            percent: 50.0,
            exact: !hedged_before(text, m.start()),
        });
    }

    for caps in search(fraction, &FRACTION_OFF) {
        let whole = caps.get(0).expect("group 0 always participates");
        let Some(fraction) = caps.name("f1").or_else(|| caps.name("f2")) else {
            continue;
        };
        let Some(percent) = fraction_percent(fraction.as_str()) else {
            continue;
        };
        if caps.name("f1").is_some() && SAVE_NOT_PRICE.is_match(&text[whole.end()..]) {
            continue;
        }
        // Rounded to a tenth so that a message can show it: "a third" is 33.3%.
        let percent = (percent * 10.0).round() / 10.0;
        let hedged = caps.name("q1").is_some() || caps.name("q2").is_some();
        // The alternative may have matched the space before "1/3"; don't point at it.
        let start = whole.start() + (whole.as_str().len() - whole.as_str().trim_start().len());
        claims.push(PercentClaim {
            span: start..whole.end(),
            percent,
            exact: !hedged && !hedged_before(text, start),
        });
    }
    for caps in search(percent, &PCT_AFTER_PRICE) {
        let (Some(n), whole) = (caps.name("n"), caps.get(0).expect("group 0 participates")) else {
            continue;
        };
        let before = text[..whole.start()].trim_end().len();
        if price_ends.binary_search(&before).is_err() {
            continue;
        }
        if let Some(percent) = parse_percent(n.as_str()) {
            claims.push(PercentClaim {
                span: whole.range(),
                percent,
                exact: true,
            });
        }
    }

    // "Save 20% off" matches two patterns: keep one claim, hedged if either reading is.
    claims.sort_by_key(|c| (c.span.start, std::cmp::Reverse(c.span.end)));
    let mut merged: Vec<PercentClaim> = Vec::with_capacity(claims.len());
    for c in claims {
        match merged.last_mut() {
            Some(last) if c.span.start < last.span.end => {
                last.span.end = last.span.end.max(c.span.end);
                last.exact &= c.exact;
            }
            _ => merged.push(c),
        }
    }
    merged
}

fn issue_rank(issue: &PriceIssue) -> u8 {
    match issue {
        PriceIssue::Arithmetic { .. } => 0,
        PriceIssue::SavingMismatch { .. } => 1,
        PriceIssue::ReferenceMismatch { .. } => 2,
        PriceIssue::ReferenceUndeclared => 3,
        PriceIssue::ReferencePeriodTooShort { .. } => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us() -> PriceFacts {
        PriceFacts::default()
    }

    fn declared(regular_minor: i64) -> PriceFacts {
        PriceFacts {
            regular_price_minor: Some(regular_minor),
            ..us()
        }
    }

    /// Findings as (quoted span, issue), easy to compare.
    fn check(text: &str, facts: &PriceFacts) -> Vec<(String, PriceIssue)> {
        check_unit(text, facts)
            .into_iter()
            .map(|f| (text[f.span].to_string(), f.issue))
            .collect()
    }

    fn arithmetic(text: &str) -> Vec<(String, f64, f64)> {
        check(text, &us())
            .into_iter()
            .filter_map(|(span, issue)| match issue {
                PriceIssue::Arithmetic {
                    claimed_percent,
                    actual_percent,
                } => Some((span, claimed_percent, actual_percent)),
                _ => None,
            })
            .collect()
    }

    fn savings(text: &str) -> Vec<(String, i64, i64)> {
        check(text, &us())
            .into_iter()
            .filter_map(|(span, issue)| match issue {
                PriceIssue::SavingMismatch {
                    claimed_minor,
                    actual_minor,
                } => Some((span, claimed_minor, actual_minor)),
                _ => None,
            })
            .collect()
    }

    fn prices(text: &str) -> Vec<(String, i64, Currency)> {
        find_prices(text)
            .into_iter()
            .map(|(span, m)| (text[span].to_string(), m.minor, m.currency))
            .collect()
    }

    fn arith(span: &str, claimed: f64, actual: f64) -> Vec<(String, f64, f64)> {
        vec![(span.to_string(), claimed, actual)]
    }

    // --- amounts ---------------------------------------------------------------------

    #[test]
    fn parses_amounts_in_common_notations() {
        assert_eq!(parse_amount("1,299.99"), Some((129_999, true)));
        assert_eq!(parse_amount("1.299,99"), Some((129_999, true)));
        assert_eq!(parse_amount("1,299"), Some((129_900, false)));
        assert_eq!(parse_amount("1.299"), Some((129_900, false)));
        assert_eq!(parse_amount("12,5"), Some((1_250, true)));
        assert_eq!(parse_amount("0.99"), Some((99, true)));
        assert_eq!(parse_amount("35,-"), Some((3_500, false)));
        assert_eq!(parse_amount("35.-"), Some((3_500, false)));
        assert_eq!(parse_amount("1\u{a0}299,00"), Some((129_900, true)));
    }

    #[test]
    fn amounts_that_overflow_are_not_prices() {
        assert_eq!(parse_amount("99999999999999999999"), None);
        assert_eq!(parse_amount("92233720368547758.07"), Some((i64::MAX, true)));
        assert_eq!(parse_amount("92233720368547758.08"), None);
        assert!(prices("$99999999999999999999999").is_empty());
    }

    #[test]
    fn finds_symbol_prices_before_and_after() {
        assert_eq!(
            prices("€35, 35 €, 35€, £12.50 and $1,299.99"),
            vec![
                ("€35".to_string(), 3_500, Currency::Eur),
                ("35 €".to_string(), 3_500, Currency::Eur),
                ("35€".to_string(), 3_500, Currency::Eur),
                ("£12.50".to_string(), 1_250, Currency::Gbp),
                ("$1,299.99".to_string(), 129_999, Currency::Usd),
            ]
        );
    }

    #[test]
    fn finds_iso_codes_and_dollar_variants() {
        assert_eq!(
            prices("USD 35 or 35 EUR or GBP 20, US$20, CA$20, A$15, ¥1000"),
            vec![
                ("USD 35".to_string(), 3_500, Currency::Usd),
                ("35 EUR".to_string(), 3_500, Currency::Eur),
                ("GBP 20".to_string(), 2_000, Currency::Gbp),
                ("US$20".to_string(), 2_000, Currency::Usd),
                ("CA$20".to_string(), 2_000, Currency::Other),
                ("A$15".to_string(), 1_500, Currency::Other),
                ("¥1000".to_string(), 100_000, Currency::Other),
            ]
        );
    }

    #[test]
    fn finds_european_forms_and_pence() {
        assert_eq!(
            prices("€1.299,99 | €35,- | 49,90 € | 99p"),
            vec![
                ("€1.299,99".to_string(), 129_999, Currency::Eur),
                ("€35,-".to_string(), 3_500, Currency::Eur),
                ("49,90 €".to_string(), 4_990, Currency::Eur),
                ("99p".to_string(), 99, Currency::Gbp),
            ]
        );
        assert_eq!(
            prices("only 99¢"),
            vec![("99¢".to_string(), 99, Currency::Usd)]
        );
    }

    #[test]
    fn numbers_without_currency_are_not_prices() {
        for text in [
            "Founded in 1998",
            "Call 0800 123 4567",
            "50% of buyers",
            "Model 300",
            "120 x 90 cm",
            "Open 9-5, 7 days",
            "Streams in 720p or 1080p",
            "Raised $5m and $50k",
            "Doors open at 12:30",
        ] {
            assert!(prices(text).is_empty(), "{text:?}: {:?}", prices(text));
        }
    }

    #[test]
    fn a_spaced_dollar_sign_belongs_to_the_next_amount() {
        assert_eq!(
            prices("was 80 $50"),
            vec![("$50".to_string(), 5_000, Currency::Usd)]
        );
    }

    // --- arithmetic --------------------------------------------------------------------

    #[test]
    fn overstated_percentage_is_reported_on_the_claim() {
        assert_eq!(
            arithmetic("Was $80, now $50 — 50% off!"),
            arith("50% off", 50.0, 37.5)
        );
    }

    #[test]
    fn rounded_percentages_within_one_point_pass() {
        assert!(arithmetic("Was $80, now $50 — 38% off").is_empty());
        assert!(arithmetic("Was $80, now $50 — 37% off").is_empty());
        assert!(arithmetic("Was €49,99, now €34,99: 30% off").is_empty());
        assert_eq!(
            arithmetic("Was $80, now $50 — 39% off"),
            arith("39% off", 39.0, 37.5)
        );
    }

    #[test]
    fn understated_saving_is_not_reported() {
        assert!(arithmetic("Was $80, now $50 — 30% off").is_empty());
        assert!(arithmetic("Was $100, now $50. Save 20%").is_empty());
    }

    #[test]
    fn percent_forms() {
        assert_eq!(
            arithmetic("Was $100, now $80, 50 % off"),
            arith("50 % off", 50.0, 20.0)
        );
        assert_eq!(
            arithmetic("Save 50%: was $100, now $80"),
            arith("Save 50%", 50.0, 20.0)
        );
        assert_eq!(
            arithmetic("-40%! Was €50, now €35"),
            arith("-40%", 40.0, 30.0)
        );
        assert_eq!(
            arithmetic("Was €50 now €35 (−40 %)"),
            arith("−40 %", 40.0, 30.0)
        );
        assert_eq!(
            arithmetic("Half price! Was £40, now £25"),
            arith("Half price", 50.0, 37.5)
        );
        assert_eq!(
            arithmetic("20%-off sale: was $100, now $90"),
            arith("20%-off", 20.0, 10.0)
        );
        assert_eq!(
            arithmetic("A 40% discount: was $100, now $90"),
            arith("40% discount", 40.0, 10.0)
        );
        assert_eq!(
            arithmetic("Was $100, now $80. Save over 30%"),
            arith("Save over 30%", 30.0, 20.0)
        );
    }

    #[test]
    fn correct_claims_in_many_wordings_pass() {
        for text in [
            "Was £50 Now £35 — 30% off",
            "-30%! Was €50, now €35",
            "Half price: was £40, now £20",
            "Regular price $120, sale price $90 (25% off)",
            "Originally priced at $200, now only $150: save 25%",
            "Reg. $59.99, today $44.99, 25% off",
            "RRP £50, our price £35, 30% off",
            "Compare at $120, yours for $90 — 25% off",
            "MSRP: $1,299.99 / sale price: $999.99 — 23% off",
            "Now $50 (was $80), 37.5% off",
            "Reduced from £80 to £60, 25% off",
            "Was USD 80, now USD 60 — 25% off",
            "Was 80 EUR, now 60 EUR — 25% off",
            "Previously 35,- €, now 28,- € (-20%)",
        ] {
            assert!(
                check(text, &us())
                    .iter()
                    .all(|(_, i)| *i == PriceIssue::ReferenceUndeclared),
                "{text:?}: {:?}",
                check(text, &us())
            );
            assert_eq!(check(text, &us()).len(), 1, "{text:?}: one reference claim");
        }
    }

    #[test]
    fn everyday_sale_sentences() {
        for (text, expected) in [
            ("Sofa £899 (RRP £1,299), 30% off", None),
            (
                "Sofa £899 (RRP £1,299), 40% off",
                Some(("40% off", 40.0, 30.8)),
            ),
            ("Normally $50, $40 for members: 20% off", None),
            (
                "Normally $50, $40 for members: 25% off",
                Some(("25% off", 25.0, 20.0)),
            ),
            ("15% off for students: $85 instead of $100", None),
            ("Subscribe and save 10%: $18 instead of $20", None),
            ("Our price £899 vs £1,299 elsewhere — 31% less", None),
            ("Price drop! $40 (was $50), save 20%", None),
            (
                "Chairs were $120, now $90, and tables were $300, now $225, all 25% off",
                None,
            ),
            ("Members save 10%, so a $50 jacket costs $45", None),
            (
                "Annual plan: $96/year (save $24 vs monthly at $10/month)",
                None,
            ),
        ] {
            let expected = expected
                .map(|(span, claimed, actual)| arith(span, claimed, actual))
                .unwrap_or_default();
            assert_eq!(arithmetic(text), expected, "{text:?}");
            assert!(savings(text).is_empty(), "{text:?}");
        }
    }

    #[test]
    fn hedged_claims_are_not_checked() {
        assert!(arithmetic("Up to 70% off: was $100, now $50").is_empty());
        assert!(arithmetic("Save up to 70%: was $100, now $50").is_empty());
        assert!(arithmetic("As much as 70% off — was $100, now $50").is_empty());
        assert!(arithmetic("Was $100, now $60, plus an extra 20% off").is_empty());
        assert!(arithmetic("Take an additional 50% off: was $100, now $80").is_empty());
        assert!(arithmetic("Was $100, now $80 — 20-30% off").is_empty());
        assert!(arithmetic("Was $100, now $80 — 20% to 30% off").is_empty());
        assert!(arithmetic("Was $100, from $50 — 60% off").is_empty());
        assert!(arithmetic("Prices from $50, was $100 — 60% off").is_empty());
        assert!(arithmetic("Up to -70%: was $100, now $50").is_empty());
    }

    #[test]
    fn currency_mismatch_skips_arithmetic() {
        assert!(arithmetic("Was $80, now €50 — 50% off").is_empty());
        assert!(arithmetic("Was CAD 80, now AUD 50 — 50% off").is_empty());
        assert_eq!(
            arithmetic("Was CAD 80, now CAD 50 — 50% off"),
            arith("50% off", 50.0, 37.5)
        );
    }

    #[test]
    fn table_rows_pair_across_cells() {
        assert!(
            check(
                "Oak chair | was $120 | now $90 | 25% off",
                &declared(12_000)
            )
            .is_empty()
        );
        assert_eq!(
            arithmetic("Oak chair | was $120 | now $90 | 40% off"),
            arith("40% off", 40.0, 25.0)
        );
    }

    #[test]
    fn current_price_first_then_reference() {
        assert_eq!(
            arithmetic("Now $50 (was $80), 50% off"),
            arith("50% off", 50.0, 37.5)
        );
    }

    #[test]
    fn uncued_price_right_after_a_reference_is_the_current_one() {
        assert_eq!(
            arithmetic("Was $80 $50 — 50% off"),
            arith("50% off", 50.0, 37.5)
        );
        assert_eq!(
            arithmetic("RRP £80 → £50 — 50% off"),
            arith("50% off", 50.0, 37.5)
        );
        assert_eq!(
            arithmetic("£80 RRP, £50 — 50% off"),
            arith("50% off", 50.0, 37.5)
        );
    }

    #[test]
    fn uncued_price_right_before_a_reference_is_the_current_one() {
        assert_eq!(
            arithmetic("£35 (was £50) — 50% off"),
            arith("50% off", 50.0, 30.0)
        );
        assert_eq!(
            arithmetic("$99, reg. $149: 50% off"),
            arith("50% off", 50.0, 33.6)
        );
        assert!(arithmetic("£35 (was £50) — 30% off").is_empty());
    }

    #[test]
    fn falling_from_to_is_a_reduction_and_rising_is_a_range() {
        assert_eq!(
            arithmetic("From $100 to $70 — 50% off"),
            arith("50% off", 50.0, 30.0)
        );
        assert_eq!(
            check("Prices from $50 to $100, 50% off", &us()),
            vec![("50% off".to_string(), PriceIssue::ReferenceUndeclared)]
        );
    }

    #[test]
    fn more_reference_wordings() {
        assert_eq!(
            arithmetic("Special price €35 instead of €50 — 50% off"),
            arith("50% off", 50.0, 30.0)
        );
        assert_eq!(
            arithmetic("Slashed from £80 to £50 — 50% off"),
            arith("50% off", 50.0, 37.5)
        );
        assert_eq!(
            arithmetic("Usually $80, today just $50, 50% off"),
            arith("50% off", 50.0, 37.5)
        );
        assert_eq!(
            arithmetic("WAS $80 NOW $50 50% OFF"),
            arith("50% OFF", 50.0, 37.5)
        );
    }

    #[test]
    fn fractions_are_reductions() {
        assert!(arithmetic("Save 1/3: was £60, now £40").is_empty());
        assert_eq!(
            arithmetic("Save a third: was £60, now £45"),
            arith("Save a third", 33.3, 25.0)
        );
        assert_eq!(
            arithmetic("1/2 off: was £60, now £40"),
            arith("1/2 off", 50.0, 33.3)
        );
        assert!(arithmetic("Save up to 1/2: was £60, now £40").is_empty());
        assert_eq!(
            check("Now 1/3 off everything", &us()),
            vec![("1/3 off".to_string(), PriceIssue::ReferenceUndeclared)]
        );
        assert!(check("Save half the time with templates", &us()).is_empty());
    }

    #[test]
    fn bracketed_percentage_after_a_price() {
        assert_eq!(
            arithmetic("Was: $100.00 Now: $70.00 You Save: $30.00 (40%)"),
            arith("(40%)", 40.0, 30.0)
        );
        assert!(arithmetic("Was: $100.00 Now: $70.00 You Save: $30.00 (30%)").is_empty());
        // Not after a price: not a reduction claim.
        assert!(check("Tax rate (20%) applies", &us()).is_empty());
    }

    #[test]
    fn cues_after_the_price() {
        assert_eq!(
            check(
                "Rainbow stacker: £32.00 usually, £25.60 this weekend — 20% off",
                &us()
            ),
            vec![(
                "£32.00 usually, £25.60 this weekend".to_string(),
                PriceIssue::ReferenceUndeclared
            )]
        );
        assert_eq!(
            arithmetic("Rainbow stacker: £32.00 usually, £25.60 this weekend — 30% off"),
            arith("30% off", 30.0, 20.0)
        );
        assert_eq!(
            arithmetic("£76 today (was £95) — 30% off"),
            arith("30% off", 30.0, 20.0)
        );
        // A cue that introduces the next price is that price's cue.
        assert!(check("Tickets $35 today, $30 tomorrow", &us()).is_empty());
        assert!(check("Gift cards from $50 now available", &us()).is_empty());
        assert!(check("$50 before tax", &us()).is_empty());
    }

    #[test]
    fn eu_prior_price_wording() {
        let text = "€36 — Lowest price in the last 30 days: €45 (−20%)";
        assert_eq!(
            check(text, &us()),
            vec![(
                "€36 — Lowest price in the last 30 days: €45".to_string(),
                PriceIssue::ReferenceUndeclared
            )]
        );
        assert!(check(text, &declared(4_500)).is_empty());
        assert_eq!(
            arithmetic("€36 — lowest price over the past 30 days: €45 (−30%)"),
            arith("−30%", 30.0, 20.0)
        );
    }

    #[test]
    fn struck_through_price_then_now() {
        assert_eq!(
            arithmetic("$249 Now only $99! 70% off"),
            arith("70% off", 70.0, 60.2)
        );
        assert_eq!(
            check("$249, now $99", &declared(24_900)),
            Vec::<(String, PriceIssue)>::new()
        );
        assert_eq!(
            check("$249, now $99", &declared(19_900)),
            vec![(
                "$249, now $99".to_string(),
                PriceIssue::ReferenceMismatch {
                    was_minor: 24_900,
                    regular_minor: 19_900
                }
            )]
        );
        // Rising prices are not a strikethrough.
        assert!(check("$99, now $249", &us()).is_empty());
    }

    #[test]
    fn struck_through_price_pairs_only_with_a_reduction_claim() {
        assert_eq!(
            arithmetic("$249 $149: 60% off"),
            arith("60% off", 60.0, 40.2)
        );
        assert!(arithmetic("$249 $99: 60% off").is_empty());
        assert!(check("$249 $99", &us()).is_empty());
        // Ascending or dashed pairs are ranges, not strikethrough.
        assert!(arithmetic("$50 $100, 50% off").is_empty());
        assert!(arithmetic("$100 - $50, 60% off").is_empty());
    }

    #[test]
    fn bare_numbers_count_in_a_was_now_frame_about_prices() {
        assert_eq!(
            arithmetic("Was 80, now 50 (50% off)"),
            arith("50% off", 50.0, 37.5)
        );
        assert_eq!(
            arithmetic("Was 80, now £50 — 50% off"),
            arith("50% off", 50.0, 37.5)
        );
        assert!(check("Was 79.99, now 59.99", &declared(7_999)).is_empty());
        assert_eq!(
            check("Was 89.99, now 59.99", &declared(7_999)),
            vec![(
                "Was 89.99, now 59.99".to_string(),
                PriceIssue::ReferenceMismatch {
                    was_minor: 8_999,
                    regular_minor: 7_999
                }
            )]
        );
    }

    #[test]
    fn several_pairs_each_get_their_own_claim() {
        let text = "Chair was $120, now $90 (25% off); table was $300, now $150 (60% off)";
        assert_eq!(arithmetic(text), arith("60% off", 60.0, 50.0));
        let undeclared = check(text, &us())
            .into_iter()
            .filter(|(_, i)| *i == PriceIssue::ReferenceUndeclared)
            .map(|(s, _)| s)
            .collect::<Vec<_>>();
        assert_eq!(undeclared, ["was $120, now $90", "was $300, now $150"]);
    }

    #[test]
    fn declared_regular_price_stands_in_for_a_missing_reference() {
        assert_eq!(
            check("Now $50 — 50% off", &declared(8_000)),
            vec![(
                "50% off".to_string(),
                PriceIssue::Arithmetic {
                    claimed_percent: 50.0,
                    actual_percent: 37.5
                }
            )]
        );
        assert!(check("Now $40 — 50% off", &declared(8_000)).is_empty());
        // An uncued price may be either side: no arithmetic.
        assert!(check("Desk lamp $50, 50% off", &declared(8_000)).is_empty());
    }

    // --- savings in money --------------------------------------------------------------

    #[test]
    fn saving_that_matches_passes() {
        assert!(savings("Save $20: was $80, now $60").is_empty());
        assert!(savings("$20 off: was $80 now $60").is_empty());
        assert!(savings("Was $79.99, now $60 — save $20").is_empty());
        assert!(savings("You save £15.50! Was £45.50, now £30").is_empty());
    }

    #[test]
    fn overstated_saving_is_reported() {
        assert_eq!(
            savings("Save $30: was $80, now $60"),
            vec![("Save $30".to_string(), 3_000, 2_000)]
        );
        assert_eq!(
            savings("Was $80, now $60. Take $30 off!"),
            vec![("$30 off".to_string(), 3_000, 2_000)]
        );
        assert_eq!(
            savings("Save $20.50: was $80, now $60"),
            vec![("Save $20.50".to_string(), 2_050, 2_000)]
        );
        assert_eq!(
            savings("Save over $30: was $80, now $60"),
            vec![("Save over $30".to_string(), 3_000, 2_000)]
        );
    }

    #[test]
    fn hedged_or_foreign_savings_are_not_checked() {
        assert!(savings("Save up to $30: was $80, now $60").is_empty());
        assert!(savings("Up to $30 off: was $80, now $60").is_empty());
        assert!(savings("Save an extra $30: was $80, now $60").is_empty());
        assert!(savings("Save €30: was $80, now $60").is_empty());
    }

    // --- reference price facts ---------------------------------------------------------

    #[test]
    fn undeclared_reference_is_one_finding_per_claim() {
        assert_eq!(
            check("Was $80, now $50, 37% off", &us()),
            vec![(
                "Was $80, now $50".to_string(),
                PriceIssue::ReferenceUndeclared
            )]
        );
        assert_eq!(
            check("Was £50 Now £35", &us()),
            vec![(
                "Was £50 Now £35".to_string(),
                PriceIssue::ReferenceUndeclared
            )]
        );
        assert_eq!(
            check("Was $80.", &us()),
            vec![("Was $80".to_string(), PriceIssue::ReferenceUndeclared)]
        );
    }

    #[test]
    fn lone_reduction_claims_are_reference_claims() {
        assert_eq!(
            check("20% off everything this weekend", &us()),
            vec![("20% off".to_string(), PriceIssue::ReferenceUndeclared)]
        );
        assert_eq!(
            check("20% off shirts, save $10 on shoes, half price socks", &us()),
            vec![
                ("20% off".to_string(), PriceIssue::ReferenceUndeclared),
                ("save $10".to_string(), PriceIssue::ReferenceUndeclared),
                ("half price".to_string(), PriceIssue::ReferenceUndeclared),
            ]
        );
        assert_eq!(
            check("Save up to $500 on sofas", &us()),
            vec![(
                "Save up to $500".to_string(),
                PriceIssue::ReferenceUndeclared
            )]
        );
    }

    #[test]
    fn a_bracketed_reference_span_includes_the_bracket() {
        assert_eq!(
            check("Sale: $59 (reg. $79) — that's 25% off", &us()),
            vec![(
                "Sale: $59 (reg. $79)".to_string(),
                PriceIssue::ReferenceUndeclared
            )]
        );
    }

    #[test]
    fn a_current_price_alone_is_no_reference_claim() {
        assert!(check("Only $50!", &us()).is_empty());
        assert!(check("Sale price $50", &us()).is_empty());
        assert!(check("From $50 a month", &us()).is_empty());
    }

    #[test]
    fn declared_regular_price_that_matches_clears_the_reference() {
        assert!(check("Was $80, now $50, 37% off", &declared(8_000)).is_empty());
        // Within one minor unit counts as equal.
        assert!(check("Was $80, now $50", &declared(7_999)).is_empty());
        assert!(check("Was £80.00 Now £50", &declared(8_001)).is_empty());
    }

    #[test]
    fn was_price_that_differs_from_the_declared_one() {
        assert_eq!(
            check("Was $90, now $50", &declared(8_000)),
            vec![(
                "Was $90, now $50".to_string(),
                PriceIssue::ReferenceMismatch {
                    was_minor: 9_000,
                    regular_minor: 8_000
                }
            )]
        );
        assert_eq!(
            check("Regular price $1,299.00 $999", &declared(119_900)),
            vec![(
                "Regular price $1,299.00 $999".to_string(),
                PriceIssue::ReferenceMismatch {
                    was_minor: 129_900,
                    regular_minor: 119_900
                }
            )]
        );
    }

    #[test]
    fn third_party_references_are_not_compared_with_the_regular_price() {
        assert!(check("RRP £50, our price £35", &declared(4_000)).is_empty());
        assert!(check("£50 RRP, now £35", &declared(4_000)).is_empty());
        assert!(check("Compare at $120, now $90", &declared(9_900)).is_empty());
        assert!(check("List price $99, now $79", &declared(8_900)).is_empty());
    }

    #[test]
    fn regular_price_declared_too_recently() {
        let facts = PriceFacts {
            regular_price_minor: Some(8_000),
            regular_price_since_days: Some(10),
            required_reference_days: 30,
        };
        assert_eq!(
            check("Was €80, now €50", &facts),
            vec![(
                "Was €80, now €50".to_string(),
                PriceIssue::ReferencePeriodTooShort {
                    days: 10,
                    required: 30
                }
            )]
        );
        assert_eq!(
            check("20% off today", &facts),
            vec![(
                "20% off".to_string(),
                PriceIssue::ReferencePeriodTooShort {
                    days: 10,
                    required: 30
                }
            )]
        );
        let long_enough = PriceFacts {
            regular_price_since_days: Some(30),
            ..facts.clone()
        };
        assert!(check("Was €80, now €50", &long_enough).is_empty());
        // No claim, no finding, however recent the regular price.
        assert!(check("Now €50", &facts).is_empty());
    }

    #[test]
    fn period_is_checked_even_without_a_regular_price() {
        let facts = PriceFacts {
            regular_price_since_days: Some(5),
            ..us()
        };
        assert_eq!(
            check("Was $80, now $50", &facts),
            vec![
                (
                    "Was $80, now $50".to_string(),
                    PriceIssue::ReferenceUndeclared
                ),
                (
                    "Was $80, now $50".to_string(),
                    PriceIssue::ReferencePeriodTooShort {
                        days: 5,
                        required: 28
                    }
                ),
            ]
        );
    }

    #[test]
    fn default_facts_use_the_us_period() {
        assert_eq!(PriceFacts::default().required_reference_days, 28);
        let facts = PriceFacts {
            regular_price_minor: Some(8_000),
            regular_price_since_days: Some(27),
            ..PriceFacts::default()
        };
        assert_eq!(
            check("Was $80, now $60", &facts),
            vec![(
                "Was $80, now $60".to_string(),
                PriceIssue::ReferencePeriodTooShort {
                    days: 27,
                    required: 28
                }
            )]
        );
    }

    // --- false positives ---------------------------------------------------------------

    #[test]
    fn ordinary_prose_with_numbers_is_quiet() {
        for text in [
            "Founded in 1998, we now ship to 40 countries",
            "Call 0800 123 4567",
            "Model 300 now in stock",
            "Save time with one-click reorders",
            "The service was great, now it is even better",
            "Our team was 12, now 40.",
            "It was 2019, now 2024, and prices keep rising",
            "Only 3 left at $50",
            "Was 5 stars, now 4.8 stars",
            "We were 10 people in 2015, now 200",
            "Version 2.0 was slow, now 3.1 is fast",
            "Save 30% on your energy bills with better insulation",
            "Uses 40% less energy than the old model",
            "100% cotton, now in 12 colours",
            "Free delivery on orders over $50",
            "Plans start at $10/month",
            "The 1080p camera costs $299",
            "Raised $5m, now hiring",
            "Prices from $50 to $100",
            "Open 9-5, 7 days a week",
            "Battery was 80% after a year, now 78%",
            "Get 2 for $30",
            "Available in sizes 8 to 16, from $45",
            "Prices were $5 higher last year",
            "Tickets are $35, or $30 for members",
            "We cut prices by 10% in March",
            "10% of profits go to charity",
        ] {
            assert!(
                check(text, &us()).is_empty(),
                "{text:?}: {:?}",
                check(text, &us())
            );
        }
    }

    // --- robustness --------------------------------------------------------------------

    #[test]
    fn huge_and_extreme_amounts_do_not_panic() {
        let facts = PriceFacts {
            regular_price_minor: Some(i64::MAX),
            regular_price_since_days: Some(i64::MIN),
            required_reference_days: i64::MAX,
        };
        for text in [
            "was $99999999999999999999999, now $1 — 50% off",
            "Save $92233720368547758.07: was $0.01, now $92233720368547758.07",
            "Was $92233720368547758.07, now $0.01 — 150% off, save $92233720368547758.07",
            "Was $0, now $0, 100% off",
            "Was $0.00 now $5 — save $5",
            "Was 999.999.999.999.999.999.999 €, now 1 €",
            "99999999999999999999999% off",
            "-999%",
        ] {
            let _ = check_unit(text, &facts);
            let _ = check_unit(text, &us());
        }
        assert_eq!(
            savings("Save $92233720368547758.07: was $0.01, now $92233720368547758.07"),
            vec![(
                "Save $92233720368547758.07".to_string(),
                i64::MAX,
                -9_223_372_036_854_775_806
            )]
        );
    }

    /// A tiny deterministic generator, so the fuzz test needs no extra crate.
    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    fn assert_well_formed(text: &str, findings: &[PriceFinding]) {
        for f in findings {
            assert!(
                f.span.start <= f.span.end && f.span.end <= text.len(),
                "{text:?}"
            );
            assert!(text.is_char_boundary(f.span.start), "{text:?}");
            assert!(text.is_char_boundary(f.span.end), "{text:?}");
        }
        assert!(
            findings
                .windows(2)
                .all(|w| w[0].span.start <= w[1].span.start)
        );
    }

    #[test]
    fn fuzzed_input_never_panics_and_spans_are_char_boundaries() {
        const PIECES: &[&str] = &[
            "$",
            "£",
            "€",
            "¥",
            "₹",
            "C$",
            "US$",
            "USD",
            "EUR",
            "GBP",
            "CAD",
            " ",
            "  ",
            "\u{a0}",
            "\u{202f}",
            "was",
            "Was ",
            "now",
            "NOW ",
            "save ",
            "% ",
            "%",
            " off",
            "up to ",
            "extra ",
            "-",
            "−",
            "–",
            "—",
            ",",
            ".",
            ",-",
            ".-",
            "|",
            " | ",
            "RRP",
            "MSRP ",
            "p",
            "0",
            "1",
            "5",
            "9",
            "80",
            "1,299.99",
            "99999999999999999999999",
            "é",
            "😀",
            "ß",
            "İ",
            "\u{301}",
            "half price",
            "from ",
            "(",
            ")",
            "reduced from ",
            " to ",
            "→",
            "regular price ",
            "reg. ",
            "compare at ",
            "today ",
            "only ",
            "\n",
            "1/3",
            "save a third ",
            "(30%)",
            "instead of ",
            "\t",
            "x",
            "k",
            "2024",
            "0800",
            "save time",
            "20-30",
            ":",
        ];
        let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
        for round in 0..5_000 {
            let len = rng.below(24);
            let mut text = String::new();
            for _ in 0..len {
                if rng.below(8) == 0 {
                    // Any scalar value, not only the pieces above.
                    let c = char::from_u32((rng.next() % 0x11_0000) as u32).unwrap_or('\u{fffd}');
                    text.push(c);
                } else {
                    text.push_str(PIECES[rng.below(PIECES.len())]);
                }
            }
            let facts = PriceFacts {
                regular_price_minor: [None, Some(0), Some(8_000), Some(i64::MAX), Some(-5)]
                    [round % 5],
                regular_price_since_days: [None, Some(3), Some(-1), Some(i64::MAX)][round % 4],
                required_reference_days: [28, 30, 0, i64::MIN][round % 4],
            };
            let findings = check_unit(&text, &facts);
            assert_well_formed(&text, &findings);
        }
    }

    #[test]
    fn long_units_are_handled() {
        let text = "Was $80, now $50, 50% off; ".repeat(5_000);
        let findings = check_unit(&text, &us());
        assert_well_formed(&text, &findings);
        assert_eq!(
            findings
                .iter()
                .filter(|f| matches!(f.issue, PriceIssue::Arithmetic { .. }))
                .count(),
            5_000
        );
        let digits = format!("${}", "9".repeat(100_000));
        assert!(check_unit(&digits, &us()).is_empty());
        let spaces = format!("was{}$80", " ".repeat(100_000));
        let _ = check_unit(&spaces, &us());
    }

    /// Pieces of copy for the quick-test fuzzing: numbers, cue words in several cases,
    /// near misses ("usd", "1/5", "halve") and the characters that fold onto ASCII.
    const QUICK_PIECES: &[&str] = &[
        " ",
        "  ",
        "\u{a0}",
        "\n",
        "\t",
        ":",
        ".",
        ",",
        "-",
        "(",
        ")",
        "|",
        " | ",
        "/",
        "1/3",
        "1/5",
        "3/4",
        "0",
        "5",
        "12",
        "80",
        "79.99",
        "59,99",
        "1,299",
        "2024",
        "0800",
        "was ",
        "WAS ",
        "waſ ",
        "Were ",
        "previously ",
        "formerly ",
        "originally ",
        "regular ",
        "regularly ",
        "regular price ",
        "reg. ",
        "reg ",
        "usually ",
        "normally ",
        "rrp ",
        "RRP ",
        "msrp ",
        "list price ",
        "compare at ",
        "sale price ",
        "now ",
        "only ",
        "just ",
        "today ",
        "save ",
        "off",
        " off",
        "half",
        "HALF ",
        "halve ",
        "third ",
        "a third ",
        "quarter ",
        "two thirds ",
        "price ",
        "prices ",
        "deal ",
        "%",
        "$",
        "£",
        "€",
        "¥",
        "₹",
        "¢",
        "p",
        "99p",
        "USD",
        "usd",
        "EUR",
        "GBP ",
        "CAD",
        "Usd ",
        "ſ",
        "\u{212a}",
        "é",
        "’",
        "—",
        "–",
        "−",
        "projects ",
        "teams ",
        "moved ",
        "at ",
        "that ",
        "for ",
        "x",
        "_",
        "k",
    ];

    fn quick_text(rng: &mut XorShift) -> String {
        let len = rng.below(16);
        (0..len)
            .map(|_| QUICK_PIECES[rng.below(QUICK_PIECES.len())])
            .collect()
    }

    #[test]
    fn the_quick_test_never_hides_a_finding() {
        // Facts under which every claim the unit holds is reported one way or another.
        let loud = [
            PriceFacts {
                regular_price_minor: None,
                regular_price_since_days: Some(1),
                required_reference_days: 28,
            },
            PriceFacts {
                regular_price_minor: Some(8_000),
                regular_price_since_days: Some(1),
                required_reference_days: 28,
            },
        ];
        let mut rng = XorShift(0x2545_f491_4f6c_dd1d);
        let mut skipped = 0;
        for _ in 0..40_000 {
            let text = quick_text(&mut rng);
            if worth_checking(&text) {
                continue;
            }
            skipped += 1;
            for facts in &loud {
                assert!(
                    check_unit_in_full(&text, facts).is_empty(),
                    "the quick test skipped {text:?}"
                );
            }
        }
        assert!(skipped > 4_000, "only {skipped} texts skipped");
        for quiet in [
            "Hooli Labs moved 18 projects to Quanta Forms and now keep your brand consistent.",
            "Set up two-factor login in 3 clicks, by 9 o'clock.",
            "Over 40 countries and 2,000 teams, since 2019.",
        ] {
            assert!(!worth_checking(quiet), "{quiet}");
        }
        for loud in [
            "Was 79.99, now 59.99.",
            "RRP: 80 now 50",
            "Save a third",
            "USD 35",
            "99p",
            "20% off",
            "5¢",
            "1/2 off",
        ] {
            assert!(worth_checking(loud), "{loud}");
        }
    }

    #[test]
    fn the_quick_test_is_monotone() {
        let mut rng = XorShift(0x1234_5678_9abc_def1);
        for _ in 0..20_000 {
            let text = quick_text(&mut rng);
            let bounds: Vec<usize> = (0..=text.len())
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            let a = bounds[rng.below(bounds.len())];
            let b = bounds[rng.below(bounds.len())];
            let part = &text[a.min(b)..a.max(b)];
            assert!(
                !worth_checking(part) || worth_checking(&text),
                "{part:?} in {text:?}"
            );
        }
    }

    #[test]
    fn only_two_characters_fold_onto_ascii_letters() {
        // The quick test (and the seller-focus word scan) rely on this.
        let all: String = (0x80..=0x10_ffff).filter_map(char::from_u32).collect();
        let folded: Vec<char> = Regex::new("(?i)[a-z]")
            .unwrap()
            .find_iter(&all)
            .flat_map(|m| m.as_str().chars())
            .collect();
        assert_eq!(folded, ['ſ', '\u{212a}']);
    }

    #[test]
    fn iso_codes_are_three_letters_each() {
        assert!(ISO.split('|').all(|c| c.len() == 3));
        assert!(is_iso_code(b"USD") && is_iso_code(b"CNY") && !is_iso_code(b"usd"));
    }
}
