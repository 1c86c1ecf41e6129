//! Stage 4a, **render HTML**: the document model → HTML fragments → the page template.
//!
//! Blocks become HTML here, in Rust, so that escaping is in one place; the page
//! around them (head, title block, table of contents, stylesheet) is the Tera
//! template `templates/page.html`, which the report's owners may restyle.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;
use tera::{Context, Tera};

use crate::model::{Align, Block, Case, GlossaryEntry, Heading, Inline, Report, Table, plain_text};
use crate::site::OutputFile;

/// The page template and its stylesheet, in the templates folder.
pub const PAGE_TEMPLATE: &str = "page.html";
pub const STYLESHEET: &str = "style.css";

#[derive(Debug)]
pub struct HtmlError {
    pub file: String,
    pub message: String,
}

/// Render one language's page and the shared assets.
pub fn render(report: &Report, templates_dir: &Path) -> Result<Vec<OutputFile>, HtmlError> {
    let read = |name: &str| {
        std::fs::read_to_string(templates_dir.join(name)).map_err(|e| HtmlError {
            file: templates_dir.join(name).display().to_string(),
            message: format!("cannot read the template: {e}"),
        })
    };
    let page_source = read(PAGE_TEMPLATE)?;
    let stylesheet = read(STYLESHEET)?;

    let mut tera = Tera::new();
    tera.add_raw_template(PAGE_TEMPLATE, &page_source)
        .map_err(|e| HtmlError {
            file: templates_dir.join(PAGE_TEMPLATE).display().to_string(),
            message: e.to_string(),
        })?;
    let page = Page::from(report);
    let context = Context::from_serialize(&page).map_err(|e| HtmlError {
        file: PAGE_TEMPLATE.to_string(),
        message: e.to_string(),
    })?;
    let html = tera
        .render(PAGE_TEMPLATE, &context)
        .map_err(|e| HtmlError {
            file: templates_dir.join(PAGE_TEMPLATE).display().to_string(),
            message: e.to_string(),
        })?;

    Ok(vec![
        OutputFile::new(
            format!("{}/index.html", report.lang.code()),
            html.into_bytes(),
        ),
        OutputFile::new(format!("assets/{STYLESHEET}"), stylesheet.into_bytes()),
    ])
}

/// What the page template sees.
#[derive(Serialize)]
struct Page {
    lang: &'static str,
    title: String,
    court: String,
    occasion: Vec<String>,
    speaker: String,
    salutation: String,
    stylesheet: String,
    /// Entries of the table of contents.
    toc: Vec<TocEntry>,
    /// The speech, as HTML.
    body: String,
    /// The annexes, as HTML.
    annexes: String,
}

#[derive(Serialize)]
struct TocEntry {
    id: String,
    text: String,
    children: Vec<TocEntry>,
}

impl Page {
    fn from(report: &Report) -> Page {
        let mut body = String::new();
        for block in &report.body {
            block_html(block, &mut body);
        }
        let mut annexes = String::new();
        for annex in &report.annexes {
            let _ = writeln!(
                annexes,
                "<section class=\"annex\" id=\"{}\" aria-labelledby=\"{}-title\">\n<p class=\"annex-label\">{}</p>\n<h2 id=\"{}-title\">{}</h2>",
                annex.id,
                annex.id,
                escape(&annex.label),
                annex.id,
                escape(&annex.title)
            );
            for block in &annex.blocks {
                block_html(block, &mut annexes);
            }
            annexes.push_str("</section>\n");
        }
        Page {
            lang: report.lang.tag(),
            title: report.meta.title.clone(),
            court: report.meta.court.clone(),
            occasion: report.meta.occasion.clone(),
            speaker: report.meta.speaker.clone(),
            salutation: report.meta.salutation.clone(),
            stylesheet: format!("../assets/{STYLESHEET}"),
            toc: toc(report),
            body,
            annexes,
        }
    }
}

/// Parts of the speech with their numbered sections, then the annexes.
fn toc(report: &Report) -> Vec<TocEntry> {
    let mut entries: Vec<TocEntry> = Vec::new();
    for block in &report.body {
        let Block::Heading(h) = block else { continue };
        let entry = TocEntry {
            id: h.id.clone(),
            text: plain_text(&h.content),
            children: Vec::new(),
        };
        match (h.level, entries.last_mut()) {
            (1, _) | (_, None) => entries.push(entry),
            (2, Some(parent)) => parent.children.push(entry),
            _ => {}
        }
    }
    entries.extend(report.annexes.iter().map(|a| TocEntry {
        id: a.id.clone(),
        text: format!("{} {}", a.label, a.title),
        children: Vec::new(),
    }));
    entries
}

fn block_html(block: &Block, out: &mut String) {
    match block {
        Block::Heading(h) => heading_html(h, out),
        Block::Paragraph(p) => {
            out.push_str("<p>");
            if let Some(lead) = &p.lead {
                out.push_str("<span class=\"lead\">");
                inlines_html(lead, out);
                out.push_str("</span>");
            }
            inlines_html(&p.content, out);
            out.push_str("</p>\n");
        }
        Block::List(list) => {
            let tag = if list.ordered { "ol" } else { "ul" };
            let _ = write!(out, "<{tag}>");
            for item in &list.items {
                out.push_str("<li>");
                inlines_html(item, out);
                out.push_str("</li>");
            }
            let _ = writeln!(out, "</{tag}>");
        }
        Block::Table(table) => table_html(table, out),
        Block::Figure(figure) => figure_html(&figure.caption, out),
        Block::Glossary(entries) => {
            out.push_str("<dl class=\"glossary\">\n");
            for entry in entries {
                glossary_entry_html(entry, out);
            }
            out.push_str("</dl>\n");
        }
        Block::Cases(cases) => {
            for case in cases {
                case_html(case, out);
            }
        }
    }
}

fn heading_html(h: &Heading, out: &mut String) {
    // h1 is the report's title; the speech's parts start at h2.
    let level = (h.level + 1).min(6);
    let _ = write!(out, "<h{level} id=\"{}\">", escape(&h.id));
    inlines_html(&h.content, out);
    let _ = writeln!(out, "</h{level}>");
}

fn table_html(table: &Table, out: &mut String) {
    let _ = writeln!(out, "<figure class=\"table\" id=\"{}\">", escape(&table.id));
    if let Some(title) = &table.title {
        let _ = writeln!(out, "<p class=\"table-title\">{}</p>", escape(title));
    }
    if let Some(unit) = &table.unit {
        let _ = writeln!(out, "<p class=\"table-unit\">{}</p>", escape(unit));
    }
    let labelled_by = match table.caption {
        Some(_) => format!(" aria-labelledby=\"{}-caption\"", escape(&table.id)),
        None => String::new(),
    };
    let _ = write!(
        out,
        "<div class=\"table-scroll\"><table{labelled_by}>\n<thead><tr>"
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
            "<figcaption id=\"{}-caption\">{}</figcaption>",
            escape(&table.id),
            escape(caption)
        );
    }
    out.push_str("</figure>\n");
}

/// A figure whose picture the report lost: the caption stands alone.
fn figure_html(caption: &str, out: &mut String) {
    let _ = writeln!(
        out,
        "<figure class=\"lost-image\"><figcaption>{}</figcaption></figure>",
        escape(caption)
    );
}

fn glossary_entry_html(entry: &GlossaryEntry, out: &mut String) {
    let _ = write!(
        out,
        "<div class=\"term\" id=\"term-{}\"><dt>{}.{}：</dt><dd>",
        escape(&entry.id),
        entry.number,
        escape(&entry.term)
    );
    inlines_html(&entry.definition, out);
    if let Some(figure) = &entry.figure {
        figure_html(&figure.caption, out);
    }
    out.push_str("</dd></div>\n");
}

fn case_html(case: &Case, out: &mut String) {
    let _ = write!(
        out,
        "<article class=\"case\" id=\"{}\"><p><span class=\"lead\">{}.{}：</span>",
        escape(&case.id),
        case.number,
        escape(&case.title)
    );
    inlines_html(&case.body, out);
    out.push_str("</p>");
    if let Some(figure) = &case.figure {
        figure_html(&figure.caption, out);
    }
    out.push_str("</article>\n");
}

fn inlines_html(inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match inline {
            Inline::Text(text) => out.push_str(&escape(text)),
            Inline::Emphasis(c) => wrap("em", c, out),
            Inline::Strong(c) => wrap("strong", c, out),
            Inline::TermRef { term_id, content } => {
                let _ = write!(
                    out,
                    "<a class=\"term-ref\" href=\"#term-{}\">",
                    escape(term_id)
                );
                inlines_html(content, out);
                out.push_str("</a>");
            }
            Inline::Link { url, content } => {
                let _ = write!(out, "<a href=\"{}\">", escape(url));
                inlines_html(content, out);
                out.push_str("</a>");
            }
            Inline::LineBreak => out.push_str("<br>"),
        }
    }
}

fn wrap(tag: &str, content: &[Inline], out: &mut String) {
    let _ = write!(out, "<{tag}>");
    inlines_html(content, out);
    let _ = write!(out, "</{tag}>");
}

/// Escape text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}
