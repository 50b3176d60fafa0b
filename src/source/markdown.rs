//! Markdown (CommonMark plus tables, footnotes, strikethrough) to prose.
//!
//! Copy is the text a reader sees: paragraphs, headings, list items, table
//! rows, link text, image alt text, and visible text of embedded HTML blocks.
//! Code (fenced, indented, inline), link destinations, autolinks, bare URLs,
//! HTML tags and comments are not copy and never reach a rule.

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

use super::ProseBuilder;
use super::html::InlineTag;

/// The Markdown dialect claimlint reads: CommonMark plus tables, footnotes,
/// strikethrough and task lists.
pub const OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_FOOTNOTES)
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_TASKLISTS);

/// Feeds the Markdown `text[part]` (the body, or a value in the front
/// matter) into the builder.
pub fn extract(text: &str, part: std::ops::Range<usize>, out: &mut ProseBuilder) {
    let body_start = part.start;
    let body = &text[part];
    // Depth of constructs whose text is not copy (code blocks, autolinks, HTML blocks).
    let mut skip = 0usize;
    let mut cell_in_row = 0usize;
    // A footnote definition's mark (`[^1]`), kept for the start of its text.
    let mut definition: Option<(String, usize)> = None;
    for (event, range) in Parser::new_ext(body, OPTIONS).into_offset_iter() {
        let start = body_start + range.start;
        match event {
            Event::Start(tag) => match tag {
                Tag::CodeBlock(_) => {
                    out.end_block();
                    skip += 1;
                }
                Tag::HtmlBlock => {
                    out.end_block();
                    if skip == 0 {
                        out.set_source_base(start);
                        super::html::extract(&body[range.clone()], out);
                        out.set_source_base(0);
                        out.end_block();
                    }
                    skip += 1;
                }
                Tag::Link {
                    link_type: LinkType::Autolink | LinkType::Email,
                    ..
                } => skip += 1,
                Tag::TableRow | Tag::TableHead => {
                    out.end_block();
                    cell_in_row = 0;
                }
                Tag::TableCell => {
                    if cell_in_row > 0 && skip == 0 {
                        out.push_synthetic(" | ", start);
                    }
                    cell_in_row += 1;
                }
                // A struck-through price is a former price: say so, as a reader would.
                Tag::Strikethrough if skip == 0 => out.push_synthetic("was ", start),
                // The footnote's text starts with its mark, as the reader
                // sees it, so that the claim's mark leads to it.
                Tag::FootnoteDefinition(label) => {
                    out.end_block();
                    definition = Some((format!("[^{label}]"), start));
                }
                Tag::Paragraph if definition.is_some() => {
                    out.end_block();
                    if let Some((mark, at)) = definition.take() {
                        footnote_mark(out, &mark, &text[at..], at);
                        out.space();
                    }
                }
                Tag::BlockQuote(_) => out.enter_quote(),
                Tag::Paragraph
                | Tag::Heading { .. }
                | Tag::List(_)
                | Tag::Item
                | Tag::DefinitionList
                | Tag::DefinitionListTitle
                | Tag::DefinitionListDefinition
                | Tag::Table(_)
                | Tag::MetadataBlock(_) => out.end_block(),
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::CodeBlock | TagEnd::HtmlBlock => {
                    skip = skip.saturating_sub(1);
                    out.end_block();
                }
                TagEnd::Link => {
                    // Only autolinks raised the depth; they end with a Link end too.
                    // Autolink text equals its source URL, so it never reached the prose.
                }
                TagEnd::Heading(_) => out.end_heading(),
                TagEnd::BlockQuote(_) => out.leave_quote(),
                TagEnd::Paragraph
                | TagEnd::List(_)
                | TagEnd::Item
                | TagEnd::FootnoteDefinition
                | TagEnd::DefinitionList
                | TagEnd::DefinitionListTitle
                | TagEnd::DefinitionListDefinition
                | TagEnd::Table
                | TagEnd::TableHead
                | TagEnd::TableRow
                | TagEnd::MetadataBlock(_) => out.end_block(),
                _ => {}
            },
            Event::Text(t) if skip == 0 => {
                let source = &body[range.clone()];
                if source == &*t {
                    super::push_copy(out, &t, start);
                } else {
                    out.push_decoded(&t, start..body_start + range.end);
                }
            }
            Event::Code(_) | Event::InlineMath(_) | Event::DisplayMath(_) if skip == 0 => {
                out.space()
            }
            // A claim's footnote mark stays beside it: "Free fitting[^1]".
            Event::FootnoteReference(label) if skip == 0 => {
                footnote_mark(out, &format!("[^{label}]"), &body[range.clone()], start);
            }
            Event::SoftBreak | Event::HardBreak if skip == 0 => out.space(),
            Event::InlineHtml(h) if skip == 0 => match super::html::inline_tag(&h) {
                InlineTag::Break => out.space(),
                // `<del>£50</del> £35`: struck through, as `~~£50~~` is.
                InlineTag::Struck => out.push_synthetic("was ", start),
                InlineTag::Other => {}
            },
            _ => {}
        }
    }
}

/// Puts a footnote's mark into the prose: as copy when the source at `at`
/// spells it as written (`source` starts there), else as added text.
fn footnote_mark(out: &mut ProseBuilder, mark: &str, source: &str, at: usize) {
    if source.starts_with(mark) {
        out.push_verbatim(mark, at);
    } else {
        out.push_synthetic(mark, at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prose(text: &str) -> crate::source::Prose {
        let mut b = ProseBuilder::new();
        extract(text, 0..text.len(), &mut b);
        b.finish()
    }

    #[test]
    fn headings_are_marked() {
        let p = prose(
            "# Free delivery\n\nOn orders over £50.\n\nSetext\n---\n\n<h2>Sale</h2>\n\n- item\n",
        );
        let kinds: Vec<bool> = (0..p.blocks.len()).map(|i| p.is_heading(i)).collect();
        assert_eq!(kinds, [true, false, true, true, false], "{:?}", p.blocks);
    }

    #[test]
    fn footnote_marks_stay_beside_the_claim_and_open_the_note() {
        let text = "Free fitting[^fit] today.\n\n[^fit]: Minimum spend \u{a3}5,000.\n";
        let p = prose(text);
        let blocks: Vec<&str> = p.blocks.iter().map(|b| &p.text[b.clone()]).collect();
        assert_eq!(
            blocks,
            [
                "Free fitting[^fit] today.",
                "[^fit] Minimum spend \u{a3}5,000."
            ]
        );
        // Both marks point at their own source bytes.
        for (i, block) in p.blocks.iter().enumerate() {
            let at = p.text[block.clone()].find("[^fit]").unwrap() + block.start;
            let source = p.source_range(at..at + 6);
            assert_eq!(&text[source], "[^fit]", "block {i}");
        }
    }

    #[test]
    fn inline_html_strikethrough_is_a_former_price() {
        for text in [
            "Now <del>\u{a3}50</del> \u{a3}35.\n",
            "Now <S>\u{a3}50</S> \u{a3}35.\n",
            "Now <strike class=\"old\">\u{a3}50</strike> \u{a3}35.\n",
            "Now ~~\u{a3}50~~ \u{a3}35.\n",
            // As a site builder writes it.
            "Now <span style=\"text-decoration: line-through\">\u{a3}50</span> \u{a3}35.\n",
            "Now <SPAN STYLE='color:#999;TEXT-DECORATION:LINE-THROUGH'>\u{a3}50</SPAN> \u{a3}35.\n",
        ] {
            assert_eq!(prose(text).text, "Now was \u{a3}50 \u{a3}35.", "{text}");
        }
        // Closing tags and other tags add nothing; `<br>` still breaks.
        assert_eq!(prose("a<span>b</span><br/>c\n").text, "ab c");
        assert_eq!(prose("Free <sup>1</sup>\n").text, "Free 1");
        // A class name is not a style.
        assert_eq!(prose("<span class=\"line-through\">x</span>\n").text, "x");
    }

    #[test]
    fn inline_markup_is_transparent() {
        let p = prose("Buy now, while **supplies** last and [limited time](/x) only.\n");
        assert!(p.text.contains("while supplies last"), "{}", p.text);
        assert!(p.text.contains("limited time only"), "{}", p.text);
        assert!(!p.text.contains("/x"));
    }

    #[test]
    fn code_and_urls_are_not_copy() {
        let p = prose(
            "Text `while supplies last`\n\n```\nlimited time\n```\n\n<https://best.example>\n\n    indented best\n",
        );
        assert!(!p.text.contains("supplies"), "{}", p.text);
        assert!(!p.text.contains("limited"), "{}", p.text);
        assert!(!p.text.contains("best"), "{}", p.text);
    }

    #[test]
    fn soft_breaks_read_as_spaces_and_positions_map_back() {
        let text = "Hurry, while\nsupplies last!";
        let p = prose(text);
        let at = p.text.find("while supplies last").unwrap();
        let r = p.source_range(at..at + "while supplies last".len());
        assert_eq!(&text[r], "while\nsupplies last");
    }

    #[test]
    fn tables_rows_are_blocks_with_cell_separators() {
        let p = prose("| Item | Was | Now |\n|---|---|---|\n| Chair | $120 | $90 |\n");
        assert!(p.text.contains("Chair | $120 | $90"), "{}", p.text);
    }

    #[test]
    fn html_blocks_contribute_visible_text() {
        let text = "Intro\n\n<div class=\"promo\">Limited <b>time</b> only</div>\n\nOutro\n";
        let p = prose(text);
        let at = p.text.find("Limited time only").expect(&p.text);
        assert_eq!(&text[p.source_range(at..at + 7)], "Limited");
    }
}
