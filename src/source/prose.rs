//! The prose a rule sees, and the map from it back to the source bytes.
//!
//! Every source format (Markdown, HTML, plain text) is reduced to one prose
//! string per file, made of blocks (a paragraph, heading, list item, table row)
//! joined by a blank line. Text copied verbatim keeps a 1:1 byte map to the
//! source; decoded text (an HTML entity, a Markdown escape) maps as a whole to
//! the source range it came from. Inserted separators map to a point.

use std::ops::Range;

/// Separates blocks in [`Prose::text`]. No literal phrase spans it, and the
/// engine drops any regex match that crosses it.
pub const BLOCK_SEPARATOR: &str = "\n\n";

/// A stretch of prose and where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Run {
    prose_start: usize,
    prose_len: usize,
    source_start: usize,
    source_len: usize,
}

impl Run {
    fn verbatim(&self) -> bool {
        self.prose_len == self.source_len
    }
}

/// The prose of one file.
#[derive(Debug, Default, Clone)]
pub struct Prose {
    /// Blocks of text joined by [`BLOCK_SEPARATOR`].
    pub text: String,
    /// The prose range of every block, in order.
    pub blocks: Vec<Range<usize>>,
    /// The indexes of the blocks that are headings, in order.
    headings: Vec<usize>,
    /// The indexes of the blocks inside a block quote (Markdown `>`, HTML
    /// `<blockquote>`, a `>` line of plain text), in order.
    quotes: Vec<usize>,
    runs: Vec<Run>,
}

impl Prose {
    /// Maps a prose range back to the source range it was read from.
    ///
    /// A start inside decoded text maps to the start of that text's source,
    /// an end inside it to the end, so the source range always covers the claim.
    pub fn source_range(&self, prose: Range<usize>) -> Range<usize> {
        let start = self.map_start(prose.start);
        let end = if prose.end > prose.start {
            self.map_end(prose.end)
        } else {
            start
        };
        start..end.max(start)
    }

    fn run_at(&self, offset: usize) -> Option<&Run> {
        let i = self.runs.partition_point(|r| r.prose_start <= offset);
        i.checked_sub(1).map(|i| &self.runs[i])
    }

    fn map_start(&self, offset: usize) -> usize {
        match self.run_at(offset) {
            Some(run) if offset < run.prose_start + run.prose_len => {
                if run.verbatim() {
                    run.source_start + (offset - run.prose_start)
                } else {
                    run.source_start
                }
            }
            Some(run) => run.source_start + run.source_len,
            None => self.runs.first().map_or(0, |r| r.source_start),
        }
    }

    fn map_end(&self, offset: usize) -> usize {
        // The byte just before `offset` belongs to the claim; map it, then step past it.
        let last = offset - 1;
        match self.run_at(last) {
            Some(run) if last < run.prose_start + run.prose_len => {
                if run.verbatim() {
                    run.source_start + (offset - run.prose_start)
                } else {
                    run.source_start + run.source_len
                }
            }
            Some(run) => run.source_start + run.source_len,
            None => self.runs.first().map_or(0, |r| r.source_start),
        }
    }

    /// The index of the block holding prose offset `offset`, if any.
    pub fn block_of(&self, offset: usize) -> Option<usize> {
        let i = self.blocks.partition_point(|b| b.start <= offset);
        let i = i.checked_sub(1)?;
        (offset <= self.blocks[i].end).then_some(i)
    }

    /// True when block `index` is a heading (Markdown `#`, HTML `h1`-`h6`).
    pub fn is_heading(&self, index: usize) -> bool {
        self.headings.binary_search(&index).is_ok()
    }

    /// True when block `index` is inside a block quote: someone else's words
    /// (a testimonial, a review, a press quote) rather than the page's own.
    pub fn is_quote(&self, index: usize) -> bool {
        self.quotes.binary_search(&index).is_ok()
    }

    /// True when no run of the prose was mapped from the source (an empty file).
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

/// What a non-ASCII character of copy is read as, when not as itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fold {
    /// An ASCII character: a space (no-break and other Unicode spaces, and
    /// emoji between words: "Flash⚡sale"), a hyphen (U+2010, U+2011), or
    /// a letter or digit written in styled or full-width forms ("𝗙𝗟𝗔𝗦𝗛
    /// 𝗦𝗔𝗟𝗘", "ｌｉｍｉｔｅｄ"), which social posts use for emphasis.
    Ascii(char),
    /// Nothing: soft hyphens, zero-width spaces and joiners, variation selectors.
    Drop,
}

/// How `c` (not ASCII) is read, or None to read it as itself.
fn fold(c: char) -> Option<Fold> {
    let cp = u32::from(c);
    let ascii = |b: u32| Some(Fold::Ascii(char::from(u8::try_from(b).expect("ASCII"))));
    match cp {
        0xa0 | 0x2000..=0x200a | 0x202f | 0x205f | 0x3000 => ascii(0x20),
        0xad | 0x200b..=0x200d | 0x2060 | 0xfe0e | 0xfe0f | 0xfeff => Some(Fold::Drop),
        0x2010 | 0x2011 => ascii(0x2d),
        // Full-width ASCII.
        0xff01..=0xff5e => ascii(cp - 0xfee0),
        // Mathematical alphanumeric symbols: 13 alphabets of A-Z then a-z,
        // and five sets of digits.
        0x1d400..=0x1d6a3 => {
            let i = (cp - 0x1d400) % 52;
            ascii(if i < 26 { 0x41 + i } else { 0x61 + i - 26 })
        }
        0x1d7ce..=0x1d7ff => ascii(0x30 + (cp - 0x1d7ce) % 10),
        // Pictographs and dingbats (not the stars that ratings are written with).
        0x2600..=0x2604 | 0x2607..=0x27bf | 0x1f000..=0x1faff => ascii(0x20),
        _ => None,
    }
}

/// The combining overlays that strike a character through (short and long
/// stroke), which social posts use for a former price where no markup exists.
fn is_strike_overlay(c: char) -> bool {
    matches!(c, '\u{335}' | '\u{336}')
}

/// The characters of `text` with the overlays that follow each: (the
/// character's range, the end of its overlays, whether it has any).
fn with_overlays(text: &str) -> impl Iterator<Item = (Range<usize>, usize, bool)> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (i, c) = chars.next()?;
        let char_end = i + c.len_utf8();
        let mut end = char_end;
        while let Some(&(j, mark)) = chars.peek().filter(|&&(_, m)| is_strike_overlay(m)) {
            end = j + mark.len_utf8();
            chars.next();
        }
        Some((i..char_end, end, end > char_end))
    })
}

/// The first run of `text` struck through with combining overlays: from the
/// first non-space character an overlay follows to the last overlay of the
/// characters struck one after another.
fn struck_run(text: &str) -> Option<Range<usize>> {
    let mut run: Option<Range<usize>> = None;
    for (ch, end, struck) in with_overlays(text) {
        match (&mut run, struck) {
            // A struck space does not start a run: only a struck word does.
            (None, true) if !text[ch.clone()].trim().is_empty() => run = Some(ch.start..end),
            (Some(r), true) => r.end = end,
            (Some(_), false) => break,
            (None, _) => {}
        }
    }
    run
}

/// The byte offset of the first character of `text` that [`fold`] changes.
fn first_folded(text: &str) -> Option<usize> {
    if text.is_ascii() {
        return None;
    }
    // Only characters whose UTF-8 starts with one of these bytes fold; two
    // vectorised scans find them (copy has em dashes and curly quotes on
    // most pages, so a byte-by-byte scan would cost every page).
    let bytes = text.as_bytes();
    let folds = |&i: &usize| text[i..].chars().next().and_then(fold).is_some();
    let common = memchr::memchr3_iter(0xc2, 0xe2, 0xef, bytes).find(folds);
    let rare = memchr::memchr2_iter(0xe3, 0xf0, bytes).find(folds);
    match (common, rare) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Calls `found(offset, length, replacement)` for each character from
/// `first` on that [`fold`] changes, in order (`None`: dropped).
fn for_each_folded(text: &str, first: usize, mut found: impl FnMut(usize, usize, Option<char>)) {
    for (i, c) in text[first..].char_indices() {
        match fold(c) {
            Some(Fold::Ascii(r)) => found(first + i, c.len_utf8(), Some(r)),
            Some(Fold::Drop) => found(first + i, c.len_utf8(), None),
            None => {}
        }
    }
}

/// What a folded character (`replacement`, None when dropped) writes ahead
/// of `after`, and how many bytes of `after` go with it. `open` says the
/// text so far ends with a space or is at a block's start. A space is not
/// written there or ahead of another; one left out between two spaces
/// ("off 🛍️ today") takes the second with it, so words stay one space apart.
fn fold_output(replacement: Option<char>, open: bool, after: &str) -> (Option<char>, usize) {
    let space = replacement.is_none_or(|r| r == ' ');
    let written =
        replacement.filter(|&r| r != ' ' || !(open || after.starts_with(char::is_whitespace)));
    (
        written,
        usize::from(space && open && after.starts_with(' ')),
    )
}

/// Builds a [`Prose`] as a source reader walks its input in order.
#[derive(Debug, Default)]
pub struct ProseBuilder {
    prose: Prose,
    block_start: Option<usize>,
    /// A space is owed before the next text (a soft break or inline boundary).
    pending_space: bool,
    /// Added to every source offset pushed: lets a reader of an embedded
    /// fragment (an HTML block inside Markdown) work in the fragment's offsets.
    source_base: usize,
    /// How many block quotes are open: a block that ends inside one is quoted.
    quote_depth: usize,
}

impl ProseBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Clears the builder for reuse, keeping its allocations.
    pub fn reset(&mut self) {
        self.prose.text.clear();
        self.prose.blocks.clear();
        self.prose.headings.clear();
        self.prose.quotes.clear();
        self.prose.runs.clear();
        self.block_start = None;
        self.pending_space = false;
        self.source_base = 0;
        self.quote_depth = 0;
    }

    /// Sets the offset added to source positions pushed from now on.
    pub fn set_source_base(&mut self, base: usize) {
        self.source_base = base;
    }

    fn open_block(&mut self) {
        if self.block_start.is_none() {
            if !self.prose.text.is_empty() {
                self.prose.text.push_str(BLOCK_SEPARATOR);
            }
            self.block_start = Some(self.prose.text.len());
            self.pending_space = false;
        }
    }

    fn flush_space(&mut self) {
        if self.pending_space {
            self.pending_space = false;
            if !self.prose.text.ends_with(' ') {
                self.prose.text.push(' ');
            }
        }
    }

    /// Appends text copied verbatim from `source_start..source_start + text.len()`.
    ///
    /// Newlines and tabs inside it become spaces (same length, so the map stays 1:1):
    /// within a block a line break reads as a space.
    pub fn push_verbatim(&mut self, text: &str, source_start: usize) {
        self.push_mapped(text, source_start..source_start + text.len());
    }

    /// Appends decoded text (an entity, an escape) that stands for `source`.
    pub fn push_decoded(&mut self, text: &str, source: Range<usize>) {
        self.push_mapped(text, source);
    }

    /// Appends `text`, read from `source`: 1:1 when the lengths agree, else as
    /// a whole. Characters that stand for ASCII ones a rule is written with
    /// (see [`fold`]) are read as those: each maps to its own source bytes.
    fn push_mapped(&mut self, text: &str, source: Range<usize>) {
        if text.is_ascii() {
            self.push_plain(text, source);
            return;
        }
        // Combining overlays (U+0335, U+0336) start with the byte 0xCC.
        if text.len() == source.end - source.start
            && memchr::memchr(0xcc, text.as_bytes()).is_some()
            && let Some(run) = struck_run(text)
        {
            self.push_struck(text, source, run);
            return;
        }
        let Some(first) = first_folded(text) else {
            self.push_plain(text, source);
            return;
        };
        if text.len() != source.end - source.start {
            // Decoded text maps as a whole anyway.
            let mut folded = String::with_capacity(text.len());
            let mut last = 0;
            for_each_folded(text, first, |at, len, replacement| {
                folded.push_str(&text[last..at]);
                let open = folded.is_empty() || folded.ends_with(' ');
                let (written, skipped) = fold_output(replacement, open, &text[at + len..]);
                folded.extend(written);
                last = at + len + skipped;
            });
            folded.push_str(&text[last..]);
            self.push_plain(&folded, source);
            return;
        }
        let mut last = 0;
        for_each_folded(text, first, |at, len, replacement| {
            self.push_plain(&text[last..at], source.start + last..source.start + at);
            let open =
                self.block_start.is_none() || self.pending_space || self.prose.text.ends_with(' ');
            let (written, skipped) = fold_output(replacement, open, &text[at + len..]);
            if let Some(r) = written {
                let mut buf = [0; 4];
                self.push_plain(
                    r.encode_utf8(&mut buf),
                    source.start + at..source.start + at + len,
                );
            }
            last = at + len + skipped;
        });
        self.push_plain(&text[last..], source.start + last..source.end);
    }

    /// Text copied 1:1 from `source` with a run struck through by combining
    /// overlays (`run`, as [`struck_run`] finds it): what comes before and
    /// after is read as usual, and the run as struck-through markup is, "was "
    /// and its letters without the overlays ("£̶9̶9̶ £49" reads "was £99 £49").
    fn push_struck(&mut self, text: &str, source: Range<usize>, run: Range<usize>) {
        self.push_mapped(&text[..run.start], source.start..source.start + run.start);
        let glued = self.block_start.is_some()
            && !self.pending_space
            && self.prose.text.ends_with(|c: char| c.is_alphanumeric());
        self.push_synthetic(
            if glued { " was " } else { "was " },
            source.start + run.start,
        );
        let at = source.start + run.start;
        for (ch, end, _) in with_overlays(&text[run.clone()]) {
            self.push_mapped(&text[run.start..][ch.clone()], at + ch.start..at + end);
        }
        self.push_mapped(&text[run.end..], source.start + run.end..source.end);
    }

    /// [`Self::push_mapped`] without folding.
    fn push_plain(&mut self, text: &str, source: Range<usize>) {
        if text.is_empty() {
            return;
        }
        self.open_block();
        self.flush_space();
        let prose_start = self.prose.text.len();
        // Line breaks and tabs become spaces (one byte for one byte, so the
        // run maps one to one); the rest is copied in whole stretches.
        let mut rest = text;
        while let Some(i) = memchr::memchr3(b'\n', b'\r', b'\t', rest.as_bytes()) {
            self.prose.text.push_str(&rest[..i]);
            self.prose.text.push(' ');
            rest = &rest[i + 1..];
        }
        self.prose.text.push_str(rest);
        self.push_run(Run {
            prose_start,
            prose_len: text.len(),
            source_start: source.start,
            source_len: source.end - source.start,
        });
    }

    /// Appends text that is not in the source (a cue such as "was " before a
    /// struck-through price, or " | " between table cells); it maps to the point `at`.
    pub fn push_synthetic(&mut self, text: &str, at: usize) {
        if text.is_empty() {
            return;
        }
        self.open_block();
        self.flush_space();
        let prose_start = self.prose.text.len();
        self.prose.text.push_str(text);
        self.push_run(Run {
            prose_start,
            prose_len: text.len(),
            source_start: at,
            source_len: 0,
        });
    }

    fn push_run(&mut self, mut run: Run) {
        run.source_start += self.source_base;
        // Merge with the previous run when both are verbatim and contiguous on both sides.
        if let Some(last) = self.prose.runs.last_mut()
            && last.verbatim()
            && run.verbatim()
            && last.prose_start + last.prose_len == run.prose_start
            && last.source_start + last.source_len == run.source_start
        {
            last.prose_len += run.prose_len;
            last.source_len += run.source_len;
            return;
        }
        self.prose.runs.push(run);
    }

    /// A break inside a block that reads as a space (a soft line break, `<br>` in
    /// running text, the edge of an inline element that separates words).
    pub fn space(&mut self) {
        if self.block_start.is_some() {
            self.pending_space = true;
        }
    }

    /// Ends the current block, if one is open.
    pub fn end_block(&mut self) {
        if let Some(start) = self.block_start.take() {
            let end = self.prose.text.len();
            if end > start {
                if self.quote_depth > 0 {
                    self.prose.quotes.push(self.prose.blocks.len());
                }
                self.prose.blocks.push(start..end);
            } else {
                // An empty block: take back its separator.
                self.prose
                    .text
                    .truncate(start.saturating_sub(BLOCK_SEPARATOR.len()));
            }
        }
        self.pending_space = false;
    }

    /// Ends the current block and opens a block quote: the blocks that end
    /// before the matching [`Self::leave_quote`] are quoted.
    pub fn enter_quote(&mut self) {
        self.end_block();
        self.quote_depth = self.quote_depth.saturating_add(1);
    }

    /// Ends the current block and closes the innermost block quote (none
    /// open: nothing to close, as for a stray `</blockquote>`).
    pub fn leave_quote(&mut self) {
        self.end_block();
        self.quote_depth = self.quote_depth.saturating_sub(1);
    }

    /// Ends the current block, if one is open, as a heading.
    pub fn end_heading(&mut self) {
        let blocks = self.prose.blocks.len();
        self.end_block();
        if self.prose.blocks.len() > blocks {
            self.prose.headings.push(blocks);
        }
    }

    /// Takes back a finished prose's buffers so the next file reuses them.
    pub fn recycle(&mut self, mut prose: Prose) {
        prose.text.clear();
        prose.blocks.clear();
        prose.headings.clear();
        prose.quotes.clear();
        prose.runs.clear();
        self.prose = prose;
        self.block_start = None;
        self.pending_space = false;
        self.source_base = 0;
        self.quote_depth = 0;
    }

    /// Finishes the prose, closing any open block.
    pub fn finish(&mut self) -> Prose {
        self.end_block();
        self.quote_depth = 0;
        std::mem::take(&mut self.prose)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbatim_runs_map_one_to_one() {
        let src = "while **supplies** last";
        let mut b = ProseBuilder::new();
        b.push_verbatim("while ", 0);
        b.push_verbatim("supplies", 8);
        b.push_verbatim(" last", 18);
        let prose = b.finish();
        assert_eq!(prose.text, "while supplies last");
        let r = prose.source_range(0..prose.text.len());
        assert_eq!(&src[r], src);
        let at = prose.text.find("supplies").unwrap();
        assert_eq!(&src[prose.source_range(at..at + 8)], "supplies");
    }

    #[test]
    fn decoded_text_maps_to_its_whole_source() {
        let src = "A&amp;B";
        let mut b = ProseBuilder::new();
        b.push_verbatim("A", 0);
        b.push_decoded("&", 1..6);
        b.push_verbatim("B", 6);
        let prose = b.finish();
        assert_eq!(prose.text, "A&B");
        assert_eq!(&src[prose.source_range(1..2)], "&amp;");
        assert_eq!(&src[prose.source_range(0..3)], src);
    }

    /// The prose of `text` pushed verbatim from offset 0 as one block.
    fn folded(text: &str) -> Prose {
        let mut b = ProseBuilder::new();
        b.push_verbatim(text, 0);
        b.finish()
    }

    #[test]
    fn lookalike_characters_read_as_ascii() {
        for (text, read) in [
            ("Only\u{a0}3 left!", "Only 3 left!"),
            ("Only \u{a0}3\u{2009}left", "Only 3 left"),
            ("\u{a0}Lim\u{ad}ited\u{200b} time", "Limited time"),
            ("Limited\u{2011}time offer", "Limited-time offer"),
            ("𝗙𝗟𝗔𝗦𝗛 𝗦𝗔𝗟𝗘 𝟱𝟬% off", "FLASH SALE 50% off"),
            ("𝐋𝐢𝐦𝐢𝐭𝐞𝐝 ｔｉｍｅ ｏｎｌｙ！", "Limited time only!"),
            ("Flash⚡sale, 50% off 🛍️ today", "Flash sale, 50% off today"),
            ("Rated 4.9★ — “great” £5", "Rated 4.9★ — “great” £5"),
        ] {
            assert_eq!(folded(text).text, read, "{text:?}");
        }
    }

    #[test]
    fn folded_characters_map_to_their_own_bytes() {
        let text = "Only\u{a0}3 𝗹𝗲𝗳𝘁 now";
        let prose = folded(text);
        let at = |needle: &str| {
            let start = prose.text.find(needle).unwrap();
            &text[prose.source_range(start..start + needle.len())]
        };
        assert_eq!(at("3"), "3");
        assert_eq!(at("Only 3"), "Only\u{a0}3");
        assert_eq!(at("left"), "𝗹𝗲𝗳𝘁");
        assert_eq!(at("now"), "now");
    }

    #[test]
    fn combining_strikethrough_reads_as_a_former_price() {
        for (text, read) in [
            ("Now £\u{336}9\u{336}9\u{336} £49", "Now was £99 £49"),
            ("Now£\u{336}1\u{336}2\u{336} only", "Now was £12 only"),
            (
                "S\u{336}o\u{336}l\u{336}d\u{336} \u{336}o\u{336}u\u{336}t\u{336} Back",
                "was Sold out Back",
            ),
            (
                "$\u{335}5\u{335}0\u{335} or €\u{336}4\u{336}0\u{336}",
                "was $50 or was €40",
            ),
            ("a lone \u{336} overlay", "a lone \u{336} overlay"),
        ] {
            assert_eq!(folded(text).text, read, "{text:?}");
        }
    }

    #[test]
    fn struck_characters_map_to_their_bytes_and_overlays() {
        let text = "Now £\u{336}9\u{336}9\u{336} £49";
        let prose = folded(text);
        let start = prose.text.find("£99").unwrap();
        assert_eq!(
            &text[prose.source_range(start..start + "£99".len())],
            "£\u{336}9\u{336}9\u{336}"
        );
        let start = prose.text.find("£49").unwrap();
        assert_eq!(&text[prose.source_range(start..start + "£49".len())], "£49");
    }

    #[test]
    fn blocks_are_separated() {
        let mut b = ProseBuilder::new();
        b.push_verbatim("one", 0);
        b.end_block();
        b.end_block();
        b.push_verbatim("two", 10);
        b.space();
        b.push_verbatim("three", 20);
        let prose = b.finish();
        assert_eq!(prose.text, "one\n\ntwo three");
        assert_eq!(prose.blocks, vec![0..3, 5..14]);
        assert_eq!(prose.block_of(6), Some(1));
    }
}
