//! Markdown (already through Tera) → blocks of the document model.
//!
//! Conventions the report's authors use (see report/README.md):
//! - a paragraph that opens with `**…**` has that sentence as its lead-in;
//! - `[words](term:ID)` refers to glossary entry ID;
//! - `# …` is a part of the speech, `## …` a numbered part ("一、…"), `{ #id }` sets an anchor;
//! - a line break next to a Chinese character vanishes; between Latin words it is a space.

use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::diag::{Diagnostic, LineIndex, Location};
use crate::model::{Block, Heading, Inline, List, Note, Paragraph, SourceSpan};
use crate::script;

/// Scheme of links that refer to glossary terms.
pub const TERM_SCHEME: &str = "term:";

/// A section file as written and as Tera rendered it.
pub struct Section<'a> {
    pub file: &'a Path,
    pub source: &'a str,
    pub rendered: &'a str,
}

/// A `[words](term:ID)` of a section, by where it stands.
pub struct TermUse {
    pub id: String,
    pub at: Location,
}

/// What numbering runs through a whole report: headings without an anchor and notes.
#[derive(Debug, Default)]
pub struct Counters {
    pub headings: usize,
    /// Notes numbered so far; the next note is `notes + 1`.
    pub notes: u32,
}

/// Parse one rendered section into blocks, each with its span in the source; the
/// glossary terms it refers to go to `terms`. The section's notes come last, as one
/// `Block::Notes`.
pub fn parse(
    section: &Section,
    counters: &mut Counters,
    terms: &mut Vec<TermUse>,
    problems: &mut Vec<Diagnostic>,
) -> Vec<Block> {
    let mut builder = Builder {
        file: section.file,
        map: SourceMap::new(section.source, section.rendered),
        blocks: Vec::new(),
        stack: Vec::new(),
        pending_space: false,
        html_reported: false,
        counters,
        notes: super::notes::NoteBook::default(),
        terms,
        problems,
    };
    for (event, range) in Parser::new_ext(section.rendered, options()).into_offset_iter() {
        builder.event(event, range);
    }
    let notes = builder.finish_notes(section.rendered);
    let mut blocks = builder.blocks;
    if !notes.is_empty() {
        blocks.push(Block::Notes(notes));
    }
    blocks
}

fn options() -> Options {
    Options::ENABLE_HEADING_ATTRIBUTES | Options::ENABLE_FOOTNOTES
}

/// Inline Markdown of a short text of `file` (a glossary definition, a case):
/// emphasis, links, notes. Anything else block-level is kept as its text. Problems
/// point into `text`; the caller moves them to where `text` stands in its file.
pub fn inline(
    text: &str,
    file: &Path,
    counters: &mut Counters,
    terms: &mut Vec<TermUse>,
    problems: &mut Vec<Diagnostic>,
) -> (Vec<Inline>, Vec<Note>) {
    let section = Section {
        file,
        source: text,
        rendered: text,
    };
    let mut blocks = parse(&section, counters, terms, problems);
    let notes = match blocks.last() {
        Some(Block::Notes(_)) => match blocks.pop() {
            Some(Block::Notes(notes)) => notes,
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    let content = match blocks.as_slice() {
        [Block::Paragraph(p)] if p.lead.is_none() => p.content.clone(),
        _ => vec![Inline::Text(text.to_string())],
    };
    (content, notes)
}

/// Bytes at the start of `a` and `b` that are the same, up to a character boundary.
fn common_prefix(a: &str, b: &str) -> usize {
    a.char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map_or(a.len().min(b.len()), |((i, _), _)| i)
}

/// Bytes at the end of `a` and `b` that are the same, up to a character boundary.
fn common_prefix_rev(a: &str, b: &str) -> usize {
    a.chars()
        .rev()
        .zip(b.chars().rev())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .sum()
}

/// Offsets of a rendered section → offsets of its source. Tera keeps the lines of a
/// section (its expressions never span lines), so line N of the one is line N of the
/// other; within a line that held an expression, the literal text around it is the
/// same in both and is aligned by a character diff.
struct SourceMap<'a> {
    source: &'a str,
    rendered: &'a str,
    source_lines: LineIndex,
    rendered_lines: LineIndex,
    /// Do the two have the same lines at all? (A `{% if %}` over lines drops some.)
    aligned: bool,
}

impl<'a> SourceMap<'a> {
    fn new(source: &'a str, rendered: &'a str) -> SourceMap<'a> {
        SourceMap {
            source,
            rendered,
            source_lines: LineIndex::new(source),
            rendered_lines: LineIndex::new(rendered),
            aligned: source.matches('\n').count() == rendered.matches('\n').count(),
        }
    }

    fn line<'t>(text: &'t str, lines: &LineIndex, line: usize) -> (usize, &'t str) {
        let start = lines.offset_of_line(line);
        let end = lines.offset_of_line(line + 1).min(text.len());
        (start, text[start..end].trim_end_matches('\n'))
    }

    fn to_source(&self, offset: usize) -> usize {
        if self.source.len() == self.rendered.len() && self.source == self.rendered {
            return offset;
        }
        let line = self.rendered_lines.line_of(offset);
        if !self.aligned {
            // Lines moved: the start of the same line of the source is the best guess.
            return self
                .source_lines
                .offset_of_line(line)
                .min(self.source.len());
        }
        let (r_start, r_line) = Self::line(self.rendered, &self.rendered_lines, line);
        let (s_start, s_line) = Self::line(self.source, &self.source_lines, line);
        let column = offset.saturating_sub(r_start).min(r_line.len());
        // The common cases, without a diff: an unchanged line, the start of a line, the
        // end of one, and text before the first or after the last expression.
        if r_line == s_line || column == 0 {
            return s_start + column;
        }
        let prefix = common_prefix(r_line, s_line);
        if column <= prefix {
            return s_start + column;
        }
        let suffix = common_prefix_rev(r_line, s_line);
        if r_line.len() - column <= suffix {
            return s_start + s_line.len() - (r_line.len() - column);
        }
        // Characters of the rendered line before `column`, aligned with the source's.
        let target = r_line[..column].chars().count();
        let diff = similar::TextDiff::from_chars(s_line, r_line);
        let mut source_char = 0;
        for op in diff.ops() {
            if let similar::DiffOp::Equal {
                old_index,
                new_index,
                len,
            } = *op
            {
                if target < new_index {
                    break;
                }
                if target < new_index + len {
                    source_char = old_index + (target - new_index);
                    break;
                }
                source_char = old_index + len;
            }
        }
        s_start
            + s_line
                .char_indices()
                .nth(source_char)
                .map_or(s_line.len(), |(i, _)| i)
    }

    fn range(&self, range: &Range<usize>) -> Range<usize> {
        if self.source.len() == self.rendered.len() && self.source == self.rendered {
            return range.clone();
        }
        let start = self.to_source(range.start);
        start..self.to_source(range.end).max(start)
    }
}

/// A container being filled with inlines.
enum Open {
    Paragraph {
        lead: Option<Vec<Inline>>,
        content: Vec<Inline>,
        span: SourceSpan,
        lead_open: bool,
    },
    Heading {
        level: u8,
        id: Option<String>,
        content: Vec<Inline>,
        span: SourceSpan,
    },
    List {
        ordered: bool,
        items: Vec<Vec<Inline>>,
        span: SourceSpan,
    },
    Item(Vec<Inline>),
    /// A note's definition (`[^label]: …`); its paragraphs are its text.
    Note {
        label: String,
        content: Vec<Inline>,
        range: Range<usize>,
    },
    Emphasis(Vec<Inline>),
    Strong(Vec<Inline>),
    Link {
        url: String,
        content: Vec<Inline>,
        range: Range<usize>,
    },
    /// A construct reports cannot hold; its text is kept and a problem raised.
    Unsupported,
}

struct Builder<'a> {
    file: &'a Path,
    map: SourceMap<'a>,
    blocks: Vec<Block>,
    stack: Vec<Open>,
    /// A soft break waits to learn which characters it stands between.
    pending_space: bool,
    /// Raw HTML is reported once per block, however many tags it has.
    html_reported: bool,
    counters: &'a mut Counters,
    notes: super::notes::NoteBook,
    terms: &'a mut Vec<TermUse>,
    problems: &'a mut Vec<Diagnostic>,
}

impl Builder<'_> {
    fn span(&self, range: &Range<usize>) -> SourceSpan {
        SourceSpan::new(self.file, self.map.range(range))
    }

    fn unsupported(&mut self, range: &Range<usize>, what: &str, hint: &str) {
        self.refuse(
            "unsupported-markdown",
            range,
            &format!("{what} cannot appear in a report section"),
            hint,
        );
    }

    fn refuse(&mut self, rule: &'static str, range: &Range<usize>, message: &str, hint: &str) {
        let at = Location::new(self.file, self.map.range(range));
        self.problems
            .push(Diagnostic::error(rule, at, message).with_hint(hint));
    }

    fn event(&mut self, event: Event, range: Range<usize>) {
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(tag),
            Event::Text(text) | Event::Code(text) => self.text(&text),
            Event::SoftBreak => self.pending_space = true,
            Event::HardBreak => self.push_inline(Inline::LineBreak),
            // Comments carry notes for people and tools (translation markers), not output.
            Event::Html(html) | Event::InlineHtml(html) if is_comment(&html) => {}
            Event::Html(_) | Event::InlineHtml(_) => {
                if !std::mem::replace(&mut self.html_reported, true) {
                    self.refuse(
                        "raw-html",
                        &range,
                        "raw HTML cannot appear in a report section",
                        "write the text as Markdown; raw HTML is not published",
                    );
                }
            }
            Event::Rule => self.unsupported(&range, "a horizontal rule (---)", "remove it"),
            Event::FootnoteReference(label) => {
                let marker = self.notes.refer(&label, self.counters);
                self.push_inline(marker);
            }
            Event::TaskListMarker(_) | Event::InlineMath(_) | Event::DisplayMath(_) => {
                self.unsupported(&range, "this Markdown construct", "remove it")
            }
        }
    }

    fn start(&mut self, tag: Tag, range: Range<usize>) {
        // Only blocks keep a span; finding one may need a diff of a line.
        let is_block = matches!(tag, Tag::Paragraph | Tag::Heading { .. } | Tag::List(_));
        let span = if is_block {
            self.span(&range)
        } else {
            SourceSpan::new(self.file, 0..0)
        };
        if self.stack.is_empty() {
            self.html_reported = false;
        }
        let open = match tag {
            Tag::Paragraph => match self.stack.last_mut() {
                // Paragraphs inside list items are the item's text.
                Some(Open::Item(_)) => return,
                // A note's paragraphs are its text, each on a line of its own.
                Some(Open::Note { content, .. }) => {
                    if !content.is_empty() {
                        content.push(Inline::LineBreak);
                    }
                    return;
                }
                _ => Open::Paragraph {
                    lead: None,
                    content: Vec::new(),
                    span,
                    lead_open: false,
                },
            },
            Tag::Heading { level, id, .. } => Open::Heading {
                level: heading_level(level),
                id: id.map(|i| i.to_string()),
                content: Vec::new(),
                span,
            },
            Tag::List(first) => Open::List {
                ordered: first.is_some(),
                items: Vec::new(),
                span,
            },
            Tag::Item => Open::Item(Vec::new()),
            Tag::Emphasis => Open::Emphasis(Vec::new()),
            Tag::Strong => {
                if let Some(Open::Paragraph {
                    lead: None,
                    content,
                    lead_open,
                    ..
                }) = self.stack.last_mut()
                    && content.is_empty()
                {
                    // A paragraph opening with strong text: that text is the lead-in.
                    *lead_open = true;
                    return;
                }
                Open::Strong(Vec::new())
            }
            Tag::Link { dest_url, .. } => Open::Link {
                url: dest_url.to_string(),
                content: Vec::new(),
                range,
            },
            Tag::Image { .. } => {
                self.unsupported(
                    &range,
                    "an image",
                    "figures are not supported in sections yet",
                );
                Open::Unsupported
            }
            Tag::FootnoteDefinition(label) => Open::Note {
                label: label.to_string(),
                content: Vec::new(),
                range,
            },
            Tag::BlockQuote(_)
            | Tag::CodeBlock(_)
            | Tag::HtmlBlock
            | Tag::Table(_)
            | Tag::TableHead
            | Tag::TableRow
            | Tag::TableCell
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::MetadataBlock(_) => {
                if !matches!(tag, Tag::HtmlBlock) {
                    self.unsupported(
                        &range,
                        "this Markdown construct",
                        "write plain paragraphs, headings and lists",
                    );
                }
                Open::Unsupported
            }
        };
        self.stack.push(open);
    }

    fn end(&mut self, tag: TagEnd) {
        if let TagEnd::Strong = tag
            && let Some(Open::Paragraph {
                lead_open: lead_open @ true,
                ..
            }) = self.stack.last_mut()
        {
            *lead_open = false;
            return;
        }
        if let TagEnd::Paragraph = tag
            && matches!(self.stack.last(), Some(Open::Item(_) | Open::Note { .. }))
        {
            return;
        }
        self.pending_space = false;
        let Some(open) = self.stack.pop() else { return };
        match open {
            Open::Paragraph {
                lead,
                content,
                span,
                ..
            } => self.blocks.push(Block::Paragraph(Paragraph {
                lead,
                content,
                span,
            })),
            Open::Heading {
                level,
                id,
                content,
                span,
            } => {
                self.counters.headings += 1;
                let id = id.unwrap_or_else(|| format!("h-{}", self.counters.headings));
                self.blocks.push(Block::Heading(Heading {
                    level,
                    id,
                    content,
                    span,
                }));
            }
            Open::List {
                ordered,
                items,
                span,
            } => self.blocks.push(Block::List(List {
                ordered,
                items,
                span,
            })),
            Open::Item(content) => {
                if let Some(Open::List { items, .. }) = self.stack.last_mut() {
                    items.push(content);
                }
            }
            Open::Note {
                label,
                content,
                range,
            } => {
                let span = self.span(&range);
                self.notes.define(label, content, span);
            }
            Open::Emphasis(content) => self.push_inline(Inline::Emphasis(content)),
            Open::Strong(content) => self.push_inline(Inline::Strong(content)),
            Open::Link {
                url,
                content,
                range,
            } => match url.strip_prefix(TERM_SCHEME) {
                Some(term_id) => {
                    self.terms.push(TermUse {
                        id: term_id.to_string(),
                        at: Location::new(self.file, self.map.range(&range)),
                    });
                    self.push_inline(Inline::TermRef {
                        term_id: term_id.to_string(),
                        content,
                    })
                }
                None if is_safe_url(&url) => self.push_inline(Inline::Link { url, content }),
                None => {
                    // The words stay; the link does not reach the page.
                    self.refuse(
                        "unsafe-link",
                        &range,
                        &format!("the link target `{url}` is not allowed"),
                        "link to http(s), mailto or a relative address; script and data links are never published",
                    );
                    for inline in content {
                        self.push_inline(inline);
                    }
                }
            },
            Open::Unsupported => {}
        }
    }

    fn text(&mut self, text: &str) {
        if std::mem::take(&mut self.pending_space) {
            let glue = script::soft_break(self.last_char(), script::first_decisive(text));
            if !glue.is_empty() {
                self.push_text(glue);
            }
        }
        self.push_text(text);
    }

    fn push_text(&mut self, text: &str) {
        if let Some(Inline::Text(last)) = self.current().and_then(|c| c.last_mut()) {
            last.push_str(text);
        } else {
            self.push_inline(Inline::Text(text.to_string()));
        }
    }

    fn push_inline(&mut self, inline: Inline) {
        if let Some(container) = self.current() {
            container.push(inline);
        }
    }

    /// The inline list that text goes into now.
    fn current(&mut self) -> Option<&mut Vec<Inline>> {
        match self.stack.last_mut()? {
            Open::Paragraph {
                lead,
                content,
                lead_open,
                ..
            } => {
                if *lead_open {
                    Some(lead.get_or_insert_with(Vec::new))
                } else {
                    Some(content)
                }
            }
            Open::Heading { content, .. }
            | Open::Item(content)
            | Open::Note { content, .. }
            | Open::Emphasis(content)
            | Open::Strong(content)
            | Open::Link { content, .. } => Some(content),
            Open::List { .. } | Open::Unsupported => None,
        }
    }

    /// The last character written in the innermost open block, through nested inlines.
    /// The last character so far that is not a quote, dash or ellipsis.
    fn last_char(&self) -> Option<char> {
        fn last_in(inlines: &[Inline]) -> Option<char> {
            inlines.iter().rev().find_map(|i| match i {
                Inline::Text(t) => script::last_decisive(t),
                Inline::Emphasis(c)
                | Inline::Strong(c)
                | Inline::TermRef { content: c, .. }
                | Inline::Link { content: c, .. } => last_in(c),
                Inline::LineBreak | Inline::NoteRef { .. } => None,
            })
        }
        self.stack.iter().rev().find_map(|open| match open {
            Open::Paragraph { lead, content, .. } => {
                last_in(content).or_else(|| lead.as_deref().and_then(last_in))
            }
            Open::Heading { content, .. }
            | Open::Item(content)
            | Open::Note { content, .. }
            | Open::Emphasis(content)
            | Open::Strong(content)
            | Open::Link { content, .. } => last_in(content),
            _ => None,
        })
    }
}

impl Builder<'_> {
    /// The section's notes, numbered, with every marker without a note, note never
    /// referred to and label defined twice reported.
    fn finish_notes(&mut self, rendered: &str) -> Vec<Note> {
        let notes = std::mem::take(&mut self.notes);
        let map = &self.map;
        let file = self.file;
        notes.finish(
            rendered,
            |range| Location::new(file, map.range(&range)),
            self.problems,
        )
    }
}

/// Web addresses and relative links; never `javascript:`, `data:` or other schemes
/// that run or embed content.
fn is_safe_url(url: &str) -> bool {
    let url = url.trim().to_ascii_lowercase();
    let scheme_end = url.find([':', '/', '?', '#']);
    match scheme_end {
        Some(i) if url[i..].starts_with(':') => {
            let scheme = &url[..i];
            matches!(scheme, "http" | "https" | "mailto")
        }
        _ => !url.chars().any(char::is_control),
    }
}

fn is_comment(html: &str) -> bool {
    let html = html.trim();
    html.is_empty() || (html.starts_with("<!--") && html.ends_with("-->"))
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::plain_text;

    fn parse_with_problems(text: &str, problems: &mut Vec<Diagnostic>) -> Vec<Block> {
        let section = Section {
            file: Path::new("t.md"),
            source: text,
            rendered: text,
        };
        parse(
            &section,
            &mut Counters::default(),
            &mut Vec::new(),
            problems,
        )
    }

    fn parse_str(text: &str) -> Vec<Block> {
        let mut problems = Vec::new();
        let blocks = parse_with_problems(text, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        blocks
    }

    fn paragraph(block: &Block) -> &Paragraph {
        match block {
            Block::Paragraph(p) => p,
            other => panic!("not a paragraph: {other:?}"),
        }
    }

    #[test]
    fn soft_break_vanishes_between_chinese_and_is_a_space_between_latin_words() {
        let blocks = parse_str(
            "全年共收案；\n结案。\n\nCases were\nreceived. 中文\nLatin\n\n上升；\n12368热线",
        );
        assert_eq!(
            plain_text(&paragraph(&blocks[0]).content),
            "全年共收案；结案。"
        );
        assert_eq!(
            plain_text(&paragraph(&blocks[1]).content),
            "Cases were received. 中文Latin"
        );
        let quoted = parse_str("the “New Era.”\nWe tried\n\n“六位一体”\n工作。”\n“再");
        assert_eq!(
            plain_text(&paragraph(&quoted[0]).content),
            "the “New Era.” We tried"
        );
        assert_eq!(
            plain_text(&paragraph(&quoted[1]).content),
            "“六位一体”工作。”“再"
        );
        assert_eq!(
            plain_text(&paragraph(&blocks[2]).content),
            "上升；12368热线"
        );
    }

    #[test]
    fn spans_point_into_the_source_across_templates() {
        let source = "甲{{ a }}乙<b>丙\n";
        let rendered = "甲12345乙<b>丙\n";
        let map = SourceMap::new(source, rendered);
        let tag = rendered.find("<b>").unwrap();
        assert_eq!(map.to_source(tag), source.find("<b>").unwrap());
        assert_eq!(map.to_source(0), 0);
        assert_eq!(map.to_source(rendered.len()), source.len());
    }

    #[test]
    fn strong_opening_a_paragraph_is_its_lead_in() {
        let blocks = parse_str("**坚决维护辖区安全稳定。**\n防范化解重大矛盾风险。");
        let p = paragraph(&blocks[0]);
        assert_eq!(
            plain_text(p.lead.as_ref().unwrap()),
            "坚决维护辖区安全稳定。"
        );
        assert_eq!(plain_text(&p.content), "防范化解重大矛盾风险。");
    }

    #[test]
    fn comments_are_dropped_and_other_html_is_refused() {
        let blocks = parse_str("<!-- zh 66e40bd4 -->\n段落。");
        assert_eq!(blocks.len(), 1);
        assert_eq!(plain_text(&paragraph(&blocks[0]).content), "段落。");
        let mut problems = Vec::new();
        parse_with_problems("文字<script>x</script>", &mut problems);
        // Once, at the opening tag.
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].location.range.start, "文字".len());
    }

    #[test]
    fn script_and_data_links_are_refused_and_web_links_kept() {
        for url in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " data:text/html,x",
            "vbscript:x",
        ] {
            let mut problems = Vec::new();
            let blocks = parse_with_problems(&format!("[点此]({url})"), &mut problems);
            assert_eq!(problems.len(), 1, "{url}");
            assert!(matches!(&paragraph(&blocks[0]).content[..], [Inline::Text(t)] if t == "点此"));
        }
        for url in [
            "https://court.gov.cn/a",
            "mailto:x@y.cn",
            "#term-x",
            "../en/",
            "report.pdf",
        ] {
            assert!(is_safe_url(url), "{url}");
        }
    }

    #[test]
    fn term_links_become_term_references() {
        let blocks = parse_str("发扬“[浦江经验](term:pujiang)”，坚持");
        let p = paragraph(&blocks[0]);
        assert!(matches!(&p.content[1], Inline::TermRef { term_id, .. } if term_id == "pujiang"));
        assert_eq!(plain_text(&p.content), "发扬“浦江经验”，坚持");
    }

    #[test]
    fn headings_take_their_anchor_or_a_numbered_one() {
        // `{ #id }` with spaces: `{#` would open a Tera comment.
        let blocks = parse_str("# 2023年的主要工作 { #review }\n\n## 一、部分");
        assert!(matches!(&blocks[0], Block::Heading(h) if h.id == "review" && h.level == 1));
        assert!(matches!(&blocks[1], Block::Heading(h) if h.id == "h-2" && h.level == 2));
    }
}
