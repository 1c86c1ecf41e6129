//! The fragment writer: blocks of the document model → HTML, in Rust, so that every
//! text and attribute goes through the one [`escape`].
//!
//! One [`Fragments`] writes the fragments of one language. The parallel view shows
//! both languages on one page, so there each side's anchors must be unique to it: a
//! writer made by [`Fragments::prefixed`] puts the language code before every id it
//! writes and every reference to one (`id`, `href="#…"`, `aria-labelledby`,
//! `aria-describedby`, the chart's SVG ids).

use std::fmt::Write as _;

use super::escape::escape;
use super::svg;
use crate::model::{
    Align, Annex, Block, Case, Chart, GlossaryEntry, Heading, Inline, Lang, Meta, Note, Table,
};

pub(super) struct Fragments {
    out: String,
    lang: Lang,
    /// Written before every id and every reference to one: empty on a page of one
    /// language, `zh-` or `en-` in the parallel view.
    id_prefix: String,
}

impl Fragments {
    /// A writer for a page of one language: ids as the model gives them.
    pub fn new(lang: Lang) -> Fragments {
        Fragments {
            out: String::new(),
            lang,
            id_prefix: String::new(),
        }
    }

    /// A writer for one side of the parallel view: ids prefixed by the language code.
    pub fn prefixed(lang: Lang) -> Fragments {
        Fragments {
            id_prefix: format!("{}-", lang.code()),
            ..Fragments::new(lang)
        }
    }

    pub fn finish(self) -> String {
        self.out
    }

    /// `id` (already escaped) as this writer writes it.
    fn id(&self, id: &str) -> String {
        format!("{}{id}", self.id_prefix)
    }

    pub fn block(&mut self, block: &Block) {
        match block {
            Block::Heading(h) => self.heading(h),
            Block::Paragraph(p) => {
                self.out.push_str("<p>");
                if let Some(lead) = &p.lead {
                    self.out.push_str("<span class=\"lead\">");
                    self.inlines(lead);
                    self.out.push_str("</span>");
                }
                self.inlines(&p.content);
                self.out.push_str("</p>\n");
            }
            Block::List(list) => {
                let tag = if list.ordered { "ol" } else { "ul" };
                let _ = write!(self.out, "<{tag}>");
                for item in &list.items {
                    self.out.push_str("<li>");
                    self.inlines(item);
                    self.out.push_str("</li>");
                }
                let _ = writeln!(self.out, "</{tag}>");
            }
            Block::Table(table) => self.table(table),
            Block::Chart(c) => self.chart(c),
            Block::Figure(figure) => self.figure(&figure.caption),
            Block::Glossary(entries) => {
                self.out.push_str("<dl class=\"glossary\">\n");
                for entry in entries {
                    self.glossary_entry(entry);
                }
                self.out.push_str("</dl>\n");
            }
            Block::Cases(cases) => {
                for case in cases {
                    self.case(case);
                }
            }
            Block::Notes(notes) => self.notes(notes),
        }
    }

    /// The notes of a section or entry: a numbered list, each note with a link back to
    /// its (first) marker.
    fn notes(&mut self, notes: &[Note]) {
        if notes.is_empty() {
            return;
        }
        let (label, back) = match self.lang {
            Lang::Zh => ("注释", "返回正文"),
            Lang::En => ("Notes", "Back to the text"),
        };
        let lang = self.lang.tag();
        let _ = write!(
            self.out,
            "<section class=\"notes\" role=\"doc-endnotes\" aria-label=\"{label}\" lang=\"{lang}\"><ol>"
        );
        for note in notes {
            let n = note.number;
            let (id, back_id) = (self.id(&format!("fn-{n}")), self.id(&format!("fnref-{n}")));
            let _ = write!(self.out, "<li id=\"{id}\" value=\"{n}\" lang=\"{lang}\">");
            self.inlines(&note.content);
            let _ = write!(
                self.out,
                " <a href=\"#{back_id}\" role=\"doc-backlink\" aria-label=\"{back} {n}\">↩</a></li>"
            );
        }
        self.out.push_str("</ol></section>\n");
    }

    /// An annex as a section of the page: its label, its title, its blocks.
    pub fn annex(&mut self, annex: &Annex) {
        let id = self.id(&escape(&annex.id));
        let _ = writeln!(
            self.out,
            "<section class=\"annex\" id=\"{id}\" aria-labelledby=\"{id}-title\">\n<p class=\"annex-label\">{}</p>\n<h2 id=\"{id}-title\">{}</h2>",
            escape(&annex.label),
            escape(&annex.title)
        );
        for block in &annex.blocks {
            self.block(block);
        }
        self.out.push_str("</section>\n");
    }

    /// The title block (title, occasion, speaker, salutation) as plain paragraphs,
    /// for the parallel view; a page of one language has its own in the template.
    pub fn title_block(&mut self, meta: &Meta) {
        let _ = write!(
            self.out,
            "<p class=\"title\">{}</p><p class=\"occasion\">{}</p><p class=\"speaker\">{}</p><p class=\"salutation\">{}</p>",
            escape(&meta.title),
            meta.occasion
                .iter()
                .map(|l| escape(l))
                .collect::<Vec<_>>()
                .join("<br>"),
            escape(&meta.speaker),
            escape(&meta.salutation)
        );
    }

    /// An annex's label and title without its section, for the parallel view.
    pub fn annex_heading(&mut self, label: &str, title: &str) {
        let _ = write!(
            self.out,
            "<p class=\"annex-label\">{}</p><p class=\"annex-title\">{}</p>",
            escape(label),
            escape(title)
        );
    }

    /// One glossary entry as a list of its own, for a row of the parallel view;
    /// `None` gives the empty list beside an entry the other side lacks.
    pub fn lone_glossary_entry(&mut self, entry: Option<&GlossaryEntry>) {
        self.out.push_str("<dl class=\"glossary\">");
        if let Some(entry) = entry {
            self.glossary_entry(entry);
        }
        self.out.push_str("</dl>");
    }

    fn heading(&mut self, h: &Heading) {
        // h1 is the report's title; the speech's parts start at h2.
        let level = (h.level + 1).min(6);
        let id = self.id(&escape(&h.id));
        let _ = write!(self.out, "<h{level} id=\"{id}\">");
        self.inlines(&h.content);
        let _ = writeln!(self.out, "</h{level}>");
    }

    fn table(&mut self, table: &Table) {
        let id = self.id(&escape(&table.id));
        let out = &mut self.out;
        let _ = writeln!(out, "<figure class=\"table\" id=\"{id}\">");
        if let Some(title) = &table.title {
            let _ = writeln!(out, "<p class=\"table-title\">{}</p>", escape(title));
        }
        if let Some(unit) = &table.unit {
            let _ = writeln!(out, "<p class=\"table-unit\">{}</p>", escape(unit));
        }
        let labelled_by = match (&table.caption, &table.title) {
            (Some(_), _) => format!(" aria-labelledby=\"{id}-caption\""),
            (None, Some(title)) => format!(" aria-label=\"{}\"", escape(title)),
            (None, None) => String::new(),
        };
        // On a phone a table scrolls inside its box; a keyboard user must be able to
        // reach that box to scroll it (WCAG 2.1.1), so it is a focusable, named region.
        let region = if labelled_by.is_empty() {
            String::new()
        } else {
            format!(" tabindex=\"0\" role=\"region\"{labelled_by}")
        };
        let _ = write!(
            out,
            "<div class=\"table-scroll\"{region}><table{labelled_by}>\n<thead><tr>"
        );
        for cell in &table.header {
            let _ = write!(out, "<th scope=\"col\">{}</th>", escape(&cell.text));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for row in &table.rows {
            out.push_str("<tr>");
            for (i, cell) in row.iter().enumerate() {
                let class = match cell.align {
                    Align::Right => " class=\"num\"",
                    Align::Center => " class=\"center\"",
                    Align::Left => "",
                };
                if i == 0 {
                    let _ = write!(out, "<th scope=\"row\"{class}>{}</th>", escape(&cell.text));
                } else {
                    let _ = write!(out, "<td{class}>{}</td>", escape(&cell.text));
                }
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table></div>\n");
        if let Some(caption) = &table.caption {
            let _ = writeln!(
                out,
                "<figcaption id=\"{id}-caption\">{}</figcaption>",
                escape(caption)
            );
        }
        out.push_str("</figure>\n");
    }

    /// A chart as inline SVG, from the same drawing as the PDF's. Its numbers stand in
    /// the table before it, and in words in its `<desc>`.
    fn chart(&mut self, c: &Chart) {
        let drawing = crate::chart::draw(c, crate::render::CHART_WIDTH);
        let id = self.id(&format!("chart-{}", c.id));
        // On a phone the drawing keeps a readable size and scrolls, like the tables.
        self.out
            .push_str("<figure class=\"chart\"><div class=\"chart-scroll\">\n");
        svg::write(&drawing, &id, &mut self.out);
        self.out.push_str("</div></figure>\n");
    }

    /// A figure whose picture the report lost: the caption stands alone.
    fn figure(&mut self, caption: &str) {
        let _ = writeln!(
            self.out,
            "<figure class=\"lost-image\"><figcaption>{}</figcaption></figure>",
            escape(caption)
        );
    }

    /// "1.“浦江经验”：" in Chinese, "1. “Pujiang Experience”: " in English.
    fn numbered_title(&self, number: u32, title: &str) -> String {
        match self.lang {
            Lang::Zh => format!("{number}.{}：", escape(title)),
            Lang::En => format!("{number}. {}: ", escape(title)),
        }
    }

    fn glossary_entry(&mut self, entry: &GlossaryEntry) {
        let id = self.id(&format!("term-{}", escape(&entry.id)));
        let title = self.numbered_title(entry.number, &entry.term);
        let _ = write!(
            self.out,
            "<div class=\"term\" id=\"{id}\"><dt>{title}</dt><dd>"
        );
        self.inlines(&entry.definition);
        if let Some(figure) = &entry.figure {
            self.figure(&figure.caption);
        }
        self.notes(&entry.notes);
        self.out.push_str("</dd></div>\n");
    }

    pub fn case(&mut self, case: &Case) {
        let id = self.id(&escape(&case.id));
        let title = self.numbered_title(case.number, &case.title);
        let _ = write!(
            self.out,
            "<article class=\"case\" id=\"{id}\"><p><span class=\"lead\">{title}</span>"
        );
        self.inlines(&case.body);
        self.out.push_str("</p>");
        if let Some(figure) = &case.figure {
            self.figure(&figure.caption);
        }
        self.notes(&case.notes);
        self.out.push_str("</article>\n");
    }

    fn inlines(&mut self, inlines: &[Inline]) {
        for inline in inlines {
            match inline {
                Inline::Text(text) => self.out.push_str(&escape(text)),
                Inline::Emphasis(c) => self.wrap("em", c),
                Inline::Strong(c) => self.wrap("strong", c),
                Inline::TermRef { term_id, content } => {
                    let target = self.id(&format!("term-{}", escape(term_id)));
                    let _ = write!(self.out, "<a class=\"term-ref\" href=\"#{target}\">");
                    self.inlines(content);
                    self.out.push_str("</a>");
                }
                Inline::Link { url, content } => {
                    // A link to an anchor of the page points at this side's anchor.
                    let href = match url.strip_prefix('#') {
                        Some(anchor) => format!("#{}", self.id(&escape(anchor))),
                        None => escape(url),
                    };
                    let _ = write!(self.out, "<a href=\"{href}\">");
                    self.inlines(content);
                    self.out.push_str("</a>");
                }
                Inline::LineBreak => self.out.push_str("<br>"),
                Inline::NoteRef { number, occurrence } => {
                    let target = self.id(&format!("fn-{number}"));
                    let id = match occurrence {
                        1 => self.id(&format!("fnref-{number}")),
                        k => self.id(&format!("fnref-{number}-{k}")),
                    };
                    let label = match self.lang {
                        Lang::Zh => format!("注{number}"),
                        Lang::En => format!("Note {number}"),
                    };
                    let _ = write!(
                        self.out,
                        "<sup class=\"note-ref\"><a href=\"#{target}\" id=\"{id}\" role=\"doc-noteref\" aria-label=\"{label}\">{number}</a></sup>"
                    );
                }
            }
        }
    }

    fn wrap(&mut self, tag: &str, content: &[Inline]) {
        let _ = write!(self.out, "<{tag}>");
        self.inlines(content);
        let _ = write!(self.out, "</{tag}>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Paragraph, SourceSpan};

    fn paragraph(content: Vec<Inline>) -> Block {
        Block::Paragraph(Paragraph {
            lead: None,
            content,
            span: SourceSpan::new("t.md", 0..0),
        })
    }

    #[test]
    fn a_prefixed_writer_prefixes_every_id_and_every_reference_to_one() {
        let block = paragraph(vec![
            Inline::TermRef {
                term_id: "t1".into(),
                content: vec![Inline::Text("term".into())],
            },
            Inline::Link {
                url: "#part-2".into(),
                content: vec![Inline::Text("see".into())],
            },
            Inline::Link {
                url: "https://example.org/#x".into(),
                content: vec![Inline::Text("out".into())],
            },
        ]);
        let mut side = Fragments::prefixed(Lang::En);
        side.block(&block);
        assert_eq!(
            side.finish(),
            "<p><a class=\"term-ref\" href=\"#en-term-t1\">term</a><a href=\"#en-part-2\">see</a><a href=\"https://example.org/#x\">out</a></p>\n"
        );
        let mut page = Fragments::new(Lang::En);
        page.block(&block);
        assert!(page.finish().contains("href=\"#term-t1\""));
    }

    #[test]
    fn text_that_looks_like_an_attribute_is_escaped_and_never_prefixed() {
        let mut side = Fragments::prefixed(Lang::Zh);
        side.block(&paragraph(vec![Inline::Text(" id=\"x\"".into())]));
        assert_eq!(side.finish(), "<p> id=&quot;x&quot;</p>\n");
    }
}
