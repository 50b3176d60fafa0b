//! The source of every built-in checker pattern, as one function each.
//!
//! The checkers turn these into their regexes (each regex's doc is beside
//! its static, where it is used). Kept together, and free of crate paths,
//! so one list (`all`) covers them: `build.rs` includes this file and
//! compiles every one to NFAs the binary rebuilds them from (see
//! `lean_regex`), and a unit test checks each against the regex crate.

/// The number inside a price. Thousands groups use `,` `.` or a no-break space; the
/// decimal part has one or two digits; `.-` / `,-` mean "and no cents". Three digits after
/// the only separator are read as thousands (`€1.299`), since prices don't have three
/// decimals.
pub const NUM: &str = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?|\d{1,3}(?:[\u{a0}\u{202f}]\d{3})+(?:,\d{1,2})?|\d+(?:[.,]\d{1,2})?)(?:[.,]-)?";

pub const ISO: &str =
    "USD|GBP|EUR|CAD|AUD|NZD|CHF|JPY|SEK|NOK|DKK|PLN|CZK|INR|HKD|SGD|ZAR|MXN|BRL|CNY";

/// Words that may stand between a cue and its price without changing the meaning:
/// "originally priced at $80", "now only $50", "RRP of £50".
pub const FILLER: &str =
    r"(?:[\s:;,(=\-–—]|\b(?:only|just|a|an|the|our|its|priced|price|prices|at|is|of|for)\b)*";

pub const PCT: &str = r"\d{1,3}(?:[.,]\d{1,2})?";

pub const PCT_HEDGE: &str = r"up\s+to|as\s+much\s+as|from|an?\s+extra|extra|additional|further|another|over|more\s+than|at\s+least";

pub const MONTHS: &str = r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?";

pub fn money() -> String {
    format!(
        r"(?P<sym>\b(?:US|CA|C|AU|A|NZ|HK)\$|\$|£|€|¥|₹)\s?(?P<n1>{NUM})|\b(?P<iso>{ISO})\s?(?P<n2>{NUM})|(?P<n3>{NUM})\s?(?P<suf>€|£|\$|\b(?:{ISO})\b)|\b(?P<pence>\d{{1,2}})p\b|\b(?P<cents>\d{{1,2}})¢"
    )
}

pub fn prefix_cue() -> String {
    format!(
        r"(?i)\b(?:(?P<former>was|were|previously|formerly|originally|regular(?:ly)?(?:\s+price)?|reg\b\.?|usually|normally|before|(?:reduced|marked\s+down|down|cut|slashed)\s+from|old\s+price|full\s+price|instead\s+of|(?:prior|previous)\s+price|lowest\s+price\s+(?:in|over|during|of)\s+the\s+(?:last|past|previous|prior|preceding)\s+\d{{1,3}}\s+days)|(?P<external>rrp|msrp|srp|list\s+price|compare\s+at|compared?\s+to|retail\s+(?:value|price)|recommended\s+retail\s+price|manufacturer'?s\s+suggested\s+retail\s+price|price\s+elsewhere|elsewhere|(?:typically|normally|usually)\s+sells\s+for)|(?P<inexact>starting\s+(?:at|from)|starts?\s+(?:at|from)|as\s+low\s+as|from)|(?P<save_inexact>save\s+(?:up\s+to|as\s+much\s+as)|savings?\s+of\s+up\s+to|save\s+(?:an?\s+)?(?:extra|additional|further|another))|(?P<save>(?:you\s+)?save(?:\s+(?:over|more\s+than|at\s+least))?|(?:a\s+)?savings?(?:\s+of)?|discount\s+of)|(?P<hedge>up\s+to|as\s+much\s+as|(?:an?\s+)?(?:extra|additional|further|another))|(?P<current>(?:reduced|slashed|cut|marked\s+down|down)\s+to|now|only|just|today|sale(?:\s+price)?|(?:our|offer|special|deal)\s+price|price|yours\s+for|pay(?:\s+only|\s+just)?|for|at)){FILLER}\z"
    )
}

pub fn suffix_cue() -> String {
    r"(?i)\A\s*\(?\s*(?:(?P<external>rrp|msrp|srp|list\s+price|retail\s+price|retail\s+value|elsewhere)\b|(?P<off>off|discount)(?:\z|[^\w\-])|(?P<former>usually|normally|regularly|previously|originally|regular\s+price|full\s+price)\b|(?P<current>now|today|tonight|this\s+(?:week|weekend|month)|sale\s+price)\b)".to_string()
}

pub fn cue_to_price() -> String {
    r"(?i)\A(?:\s|:|\b(?:only|just|at|for)\b)*\z".to_string()
}

pub fn price_start() -> String {
    format!(r"\A[\s:]*(?:[$£€¥₹]|(?:{ISO})\b|\d[\d.,]*(?:[^\d.,%]|\z))")
}

pub fn comparative_after() -> String {
    r"(?i)\A\s*(?:higher|lower|more|less|cheaper|dearer|extra|too\s+much)\b".to_string()
}

pub fn bare_cue() -> String {
    r"(?i)\b(?:was|were|previously|formerly|originally|regular(?:ly)?(?:\s+price)?|reg\b\.?|usually|normally|rrp|msrp|list\s+price|compare\s+at|now|sale\s+price|only|just)[\s:]*\z".to_string()
}

pub fn bare_number() -> String {
    format!(r"\b{NUM}")
}

pub fn bare_follow() -> String {
    r"(?i)\A\s*(?:\z|[,;.!?|()/–—]|-\s|(?:now|only|just|today|was|save|each|instead)\b)".to_string()
}

pub fn price_context() -> String {
    r"(?i)\b(?:price[sd]?|sale|off|save|saving|savings|deal|discount|discounted|rrp|msrp|reduced|clearance|bargain)\b|%|[$£€]".to_string()
}

pub fn adjacent_after_reference() -> String {
    r"(?i)\A[\s,;:|/()\-–—→>]*(?:(?:down\s+|reduced\s+|cut\s+)?to\b)?[\s:]*\z".to_string()
}

pub fn adjacent_before_reference() -> String {
    r"\A[\s,;:|/(\[\-–—]*\z".to_string()
}

pub fn from_to() -> String {
    r"(?i)\A[\s,]*(?:down\s+)?to[\s:]*\z".to_string()
}

pub fn adjacent_before_now() -> String {
    r"\A[\s,|/→>]*\z".to_string()
}

pub fn now_cue() -> String {
    r"(?i)\A(?:now|today)\b".to_string()
}

pub fn adjacent_strikethrough() -> String {
    r"\A[\s|/→>]*\z".to_string()
}

pub fn pct_off() -> String {
    format!(
        r"(?i)(?:\b(?P<q>{PCT_HEDGE})\s+)?\b(?P<n>{PCT})\s?%\s?-?\s?(?P<kw>off|discount)(?:\z|[^\w\-])"
    )
}

pub fn pct_save() -> String {
    format!(
        r"(?i)\b(?:save|saving|savings\s+of|a\s+saving\s+of)\s+(?:(?P<q>{PCT_HEDGE})\s+)?(?P<n>{PCT})\s?%"
    )
}

pub fn pct_minus() -> String {
    format!(r"(?:\A|[\s(\[|:,/])(?P<m>[-−–])(?P<n>{PCT})\s?%")
}

pub fn half_price() -> String {
    r"(?i)\bhalf[\s\-]+(?:price|off)\b".to_string()
}

pub fn fraction_off() -> String {
    let fraction = r"1/2|1/3|2/3|1/4|3/4|a\s+half|half|a\s+third|one\s+third|two[\s\-]thirds|a\s+quarter|one\s+quarter|three[\s\-]quarters";
    format!(
        r"(?i)\bsave\s+(?P<q1>up\s+to\s+)?(?P<f1>{fraction})\b(?:\s+off\b)?|(?:\b(?P<q2>up\s+to)\s+)?(?:\A|\b|\s)(?P<f2>1/2|1/3|2/3|1/4|3/4|a\s+third|one\s+third|two[\s\-]thirds|a\s+quarter|one\s+quarter|three[\s\-]quarters)\s+off\b"
    )
}

pub fn pct_after_price() -> String {
    format!(r"(?i)\(\s*(?P<n>{PCT})\s?%\s*\)")
}

pub fn save_not_price() -> String {
    r"(?i)\A\s*(?:more\b|(?:(?:on|of|in)\s+)?(?:(?:your|the|average|a)\s+)?(?:energy|electric\w*|heating|fuel|water|power|gas|bills?|time|effort|hassle|work|space|storage|data|battery|running\s+costs|costs?|emissions|carbon|co2|hours?|days?|steps?|clicks?)\b)".to_string()
}

pub fn pct_hedged_before() -> String {
    r"(?i)(?:\b(?:up\s+to|as\s+much\s+as)\s*|(?:\A|[^\d.,$£€¥₹])\d{1,3}(?:%?[-–]|\s*%?\s+to\s+))\z"
        .to_string()
}

pub fn cue() -> String {
    r"(?i)\b(?:was|were|previously|originally|usually|regular(?:ly)?|reg\.?|normally|rrp|msrp|list price|compare at|instead of|before)\b".to_string()
}

pub fn marked_claim() -> String {
    // Up to four words may sit between "free" and its mark ("Free
    // installation*", "FREE fitting on every kitchen*"), not a sentence's end;
    // an exclamation mark may stand before the mark ("Get the phone FREE!*").
    // Marks: asterisks, daggers, and Markdown footnote references ("[^1]").
    r"(?i)(?:\b(?:free|gift|bonus|complimentary|no cost|on us)(?: [a-z-]+){0,4}|[$£€]\s?0(?:\.00)?\b|\$\d[\d,.]*|£\d[\d,.]*|€\d[\d,.]*|\b\d+\s?%\s?off|\bfrom)\s?!?(\*+|†|‡|\[\^[^\]\s]{1,20}\])".to_string()
}

pub fn condition_words() -> String {
    r"(?i)\b(?:with (?:any |every |a |an )?(?:[\w-]+ )?(?:purchase|order|subscription|contract|agreement)|when you (?:buy|spend|order|sign|subscribe)|orders? (?:over|above|of)|spend(?:ing)? (?:over|at least)|minimum|min\.|subscription|contract|agreement|requires?|required|only|new (?:customers?|members?|subscribers?)|excludes?|excluding|plus|shipping|handling|postage|p&p|fee|charge|terms|conditions|applies|apply|valid|eligible|renews?|auto-?renew|billed|after|purchased?|buy|bought|plan|sign[- ]?up|register|selected|subject to|eligib(?:le|ility)|qualifying|participating)\b".to_string()
}

pub fn free_words() -> String {
    r"(?i)\b(?:free|gift|bonus|complimentary|no cost|on us)\b|[$£€]\s?0(?:\.00)?\b".to_string()
}

pub fn seller_words() -> String {
    r"(?i)\b(?:we|we're|we’re|we've|we’ve|we'll|we’ll|our|ours|us|ourselves)\b".to_string()
}

pub fn buyer_words() -> String {
    r"(?i)\b(?:you|you're|you’re|you've|you’ve|you'll|you’ll|your|yours|yourself|yourselves)\b"
        .to_string()
}

pub fn end_date() -> String {
    // Not "by", "before" or a bare "to": those introduce delivery deadlines
    // ("order by 15 December") and the far end of ranges ("9 to 11 April").
    let cue = r"(?:until|till|til|through|thru|ends?|ending|expires?|expiring|closes?|closing|valid (?:until|through|to|till)|offer runs (?:to|until))";
    let weekday = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?";
    let time = r"(?:(?:midnight|noon|\d{1,2}(?::\d{2})?\s?(?:am|pm)|\d{1,2}:\d{2})\s*(?:[A-Z]{2,4}\s*)?(?:on\s+)?,?\s*)?";
    let dmy = format!(
        r"(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>{MONTHS})\.?,?(?:\s+(?P<y1>20\d\d))?"
    );
    let mdy = format!(
        r"(?P<m2>{MONTHS})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y2>20\d\d))?"
    );
    let iso = r"(?P<y3>20\d\d)-(?P<m3>\d\d)-(?P<d3>\d\d)";
    let slash = r"(?P<a4>\d{1,2})/(?P<b4>\d{1,2})(?:/(?P<y4>(?:20)?\d\d))?\b";
    format!(
        r"(?i)\b{cue}\s+(?:(?:the\s+)?end of\s+)?(?:on\s+)?{time}{weekday}(?:the\s+)?(?P<date>{dmy}|{mdy}|{iso}|{slash})"
    )
}

/// Every pattern above (the unit test compiles each).
pub fn all() -> Vec<String> {
    vec![
        money(),
        prefix_cue(),
        suffix_cue(),
        cue_to_price(),
        price_start(),
        comparative_after(),
        bare_cue(),
        bare_number(),
        bare_follow(),
        price_context(),
        adjacent_after_reference(),
        adjacent_before_reference(),
        from_to(),
        adjacent_before_now(),
        now_cue(),
        adjacent_strikethrough(),
        pct_off(),
        pct_save(),
        pct_minus(),
        half_price(),
        fraction_off(),
        pct_after_price(),
        save_not_price(),
        pct_hedged_before(),
        cue(),
        marked_claim(),
        condition_words(),
        free_words(),
        seller_words(),
        buyer_words(),
        end_date(),
    ]
}
