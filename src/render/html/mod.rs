//! Stage 4a, **render HTML**: the document model → HTML fragments → the page template.
//!
//! Blocks become HTML here, in Rust, so that escaping is in one place; the page
//! around them (head, title block, table of contents, stylesheet) is the Tera
//! template `templates/page.html`, which the report's owners may restyle.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;
use tera::Tera;

use crate::chart;
use crate::model::{
    Align, Block, Case, Chart, GlossaryEntry, Heading, Inline, Lang, Report, Table, plain_text,
};
use crate::site::OutputFile;

mod head;

use head::{Assets, Head, Location};
pub use head::{SiteOptions, description, hashed_name};

/// The templates and the assets, in the templates folder.
pub const PAGE_TEMPLATE: &str = "page.html";
pub const LANDING_TEMPLATE: &str = "index.html";
pub const PARALLEL_TEMPLATE: &str = "parallel.html";
pub const NOT_FOUND_TEMPLATE: &str = "404.html";
/// Included by every page template: `<meta>`, Open Graph, alternates, stylesheet, icon.
pub const HEAD_TEMPLATE: &str = "head.html";
pub const STYLESHEET: &str = "style.css";
pub const FAVICON: &str = "favicon.svg";

#[derive(Debug)]
pub struct HtmlError {
    pub file: String,
    pub message: String,
}

impl std::fmt::Display for HtmlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

impl std::error::Error for HtmlError {}

/// Render every language's page, the landing page, the parallel view, the 404 page and
/// the assets. `others` are the files other renderers made (the PDFs): a page links
/// `zh/report.pdf` only when it is among them.
pub fn render(
    reports: &[Report],
    templates_dir: &Path,
    options: &SiteOptions,
    others: &[OutputFile],
) -> Result<Vec<OutputFile>, HtmlError> {
    let read = |name: &str| {
        std::fs::read_to_string(templates_dir.join(name)).map_err(|e| HtmlError {
            file: templates_dir.join(name).display().to_string(),
            message: format!("cannot read the template: {e}"),
        })
    };
    let mut sources = Vec::new();
    for name in [
        PAGE_TEMPLATE,
        LANDING_TEMPLATE,
        PARALLEL_TEMPLATE,
        NOT_FOUND_TEMPLATE,
        HEAD_TEMPLATE,
    ] {
        sources.push((name, read(name)?));
    }
    // Tera resolves `{% include %}` when a template is added: the head goes in first.
    sources.rotate_right(1);
    let mut tera = Tera::new();
    for (name, source) in sources {
        tera.add_raw_template(name, &source)
            .map_err(|e| HtmlError {
                file: templates_dir.join(name).display().to_string(),
                message: e.to_string(),
            })?;
    }
    let render = |name: &str, context: Result<tera::Context, tera::Error>| {
        context
            .and_then(|c| tera.render(name, &c))
            .map_err(|e| HtmlError {
                file: templates_dir.join(name).display().to_string(),
                message: tera_message(&e),
            })
    };

    let stylesheet = read(STYLESHEET)?;
    let (assets, mut files) = Assets::new(stylesheet.as_bytes(), read(FAVICON)?.as_bytes());
    let Some(source) = reports.first() else {
        return Ok(files);
    };
    let pdf = |lang: Lang| {
        let path = format!("{}/report.pdf", lang.code());
        others
            .iter()
            .find(|f| f.path == Path::new(&path))
            .map(|f| (path, f.bytes.len()))
    };

    for report in reports {
        let page = Page::new(report, reports, &assets, options, pdf(report.lang));
        let html = render(PAGE_TEMPLATE, tera::Context::from_serialize(&page))?;
        files.push(OutputFile::new(
            format!("{}/index.html", report.lang.code()),
            html.into_bytes(),
        ));
    }
    let landing = Landing::new(reports, &assets, options, &pdf);
    files.push(OutputFile::new(
        "index.html",
        render(LANDING_TEMPLATE, tera::Context::from_serialize(&landing))?.into_bytes(),
    ));
    if reports.len() > 1 {
        let parallel = Parallel::new(&reports[0], &reports[1], reports, &assets, options);
        files.push(OutputFile::new(
            "parallel/index.html",
            render(PARALLEL_TEMPLATE, tera::Context::from_serialize(&parallel))?.into_bytes(),
        ));
    }
    let not_found = NotFound::new(source, reports, &assets, options, stylesheet);
    files.push(OutputFile::new(
        "404.html",
        render(
            NOT_FOUND_TEMPLATE,
            tera::Context::from_serialize(&not_found),
        )?
        .into_bytes(),
    ));
    Ok(files)
}

/// Tera's error with its causes: the top line alone ("Failed to render 'page.html'")
/// does not say what is wrong.
fn tera_message(error: &tera::Error) -> String {
    let mut message = error.to_string();
    let mut cause = std::error::Error::source(error);
    while let Some(c) = cause {
        message.push_str(": ");
        message.push_str(&c.to_string());
        cause = c.source();
    }
    message
}

/// Words of the page itself, per language.
#[derive(Serialize)]
struct Ui {
    contents: &'static str,
    skip: &'static str,
    language_name: &'static str,
    site_nav: &'static str,
    parallel: &'static str,
    download: &'static str,
    read: &'static str,
    home: &'static str,
}

fn ui(lang: Lang) -> Ui {
    match lang {
        Lang::Zh => Ui {
            contents: "目录",
            skip: "跳到正文",
            language_name: "中文",
            site_nav: "网站导航",
            parallel: "中英对照",
            download: "下载PDF",
            read: "在线阅读",
            home: "首页",
        },
        Lang::En => Ui {
            contents: "Contents",
            skip: "Skip to content",
            language_name: "English",
            site_nav: "Site navigation",
            parallel: "Parallel text",
            download: "Download PDF",
            read: "Read online",
            home: "Home",
        },
    }
}

/// A PDF to download: its link and its size as a reader wants it ("1.2 MB").
#[derive(Serialize)]
struct Download {
    href: String,
    size: String,
}

impl Download {
    fn new(here: Location, (path, bytes): (String, usize)) -> Download {
        let size = if bytes >= 1_000_000 {
            format!("{:.1} MB", bytes as f64 / 1_000_000.0)
        } else {
            format!("{} KB", bytes.div_ceil(1000))
        };
        Download {
            href: here.to(&path),
            size,
        }
    }
}

/// Another language's edition of the same page.
#[derive(Serialize)]
struct Alternate {
    lang: &'static str,
    name: &'static str,
    href: String,
}

/// What the page template sees.
#[derive(Serialize)]
struct Page {
    head: Head,
    lang: &'static str,
    ui: Ui,
    /// The landing page, relative to this page.
    home: String,
    alternates: Vec<Alternate>,
    /// The parallel view, when there is one.
    parallel: Option<String>,
    pdf: Option<Download>,
    title: String,
    court: String,
    occasion: Vec<String>,
    speaker: String,
    salutation: String,
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
    fn new(
        report: &Report,
        all: &[Report],
        assets: &Assets,
        options: &SiteOptions,
        pdf: Option<(String, usize)>,
    ) -> Page {
        let lang = report.lang;
        let dir = format!("{}/", lang.code());
        let here = Location { dir: &dir };
        let mut body = String::new();
        for block in &report.body {
            block_html(block, lang, &mut body);
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
                block_html(block, lang, &mut annexes);
            }
            annexes.push_str("</section>\n");
        }
        let alternates = all
            .iter()
            .filter(|other| other.lang != lang)
            .map(|other| Alternate {
                lang: other.lang.tag(),
                name: ui(other.lang).language_name,
                href: here.to(&format!("{}/", other.lang.code())),
            })
            .collect();
        Page {
            head: Head::new(
                here,
                report,
                all,
                assets,
                options,
                report.meta.title.clone(),
            ),
            lang: lang.tag(),
            ui: ui(lang),
            home: here.to(""),
            alternates,
            parallel: (all.len() > 1).then(|| here.to("parallel/")),
            pdf: pdf.map(|p| Download::new(here, p)),
            title: report.meta.title.clone(),
            court: report.meta.court.clone(),
            occasion: report.meta.occasion.clone(),
            speaker: report.meta.speaker.clone(),
            salutation: report.meta.salutation.clone(),
            toc: toc(report),
            body,
            annexes,
        }
    }
}

/// What the landing page template sees: every edition with its PDF, and the parallel view.
#[derive(Serialize)]
struct Landing {
    head: Head,
    editions: Vec<Edition>,
    parallel: Option<&'static str>,
}

#[derive(Serialize)]
struct Edition {
    lang: &'static str,
    ui: Ui,
    title: String,
    court: String,
    occasion: Vec<String>,
    href: String,
    pdf: Option<Download>,
}

impl Landing {
    fn new(
        reports: &[Report],
        assets: &Assets,
        options: &SiteOptions,
        pdf: &dyn Fn(Lang) -> Option<(String, usize)>,
    ) -> Landing {
        let here = Location { dir: "" };
        let title = reports
            .iter()
            .map(|r| r.meta.title.as_str())
            .collect::<Vec<_>>()
            .join(" · ");
        Landing {
            head: Head::new(here, &reports[0], reports, assets, options, title),
            editions: reports
                .iter()
                .map(|r| Edition {
                    lang: r.lang.tag(),
                    ui: ui(r.lang),
                    title: r.meta.title.clone(),
                    court: r.meta.court.clone(),
                    occasion: r.meta.occasion.clone(),
                    href: here.to(&format!("{}/", r.lang.code())),
                    pdf: pdf(r.lang).map(|p| Download::new(here, p)),
                })
                .collect(),
            parallel: (reports.len() > 1).then_some("parallel/"),
        }
    }
}

/// What the 404 page sees. It may be served at any depth of the site, so its links are
/// absolute when a base URL is known, and its stylesheet is inlined either way.
#[derive(Serialize)]
struct NotFound {
    head: Head,
    editions: Vec<Alternate>,
    home: String,
}

impl NotFound {
    fn new(
        source: &Report,
        all: &[Report],
        assets: &Assets,
        options: &SiteOptions,
        style: String,
    ) -> NotFound {
        let here = Location { dir: "" };
        let address = |target: &str| match &options.base_url {
            Some(base) => format!("{}/{target}", base.trim_end_matches('/')),
            None => here.to(target),
        };
        let mut head = Head::new(here, source, all, assets, options, String::new());
        head.title = all
            .iter()
            .map(|r| match r.lang {
                Lang::Zh => "页面不存在",
                Lang::En => "Page not found",
            })
            .collect::<Vec<_>>()
            .join(" · ");
        head.canonical = None;
        head.alternates.clear();
        head.inline_style = Some(style);
        head.favicon = address(&assets.favicon);
        NotFound {
            head,
            editions: all
                .iter()
                .map(|r| Alternate {
                    lang: r.lang.tag(),
                    name: ui(r.lang).language_name,
                    href: address(&format!("{}/", r.lang.code())),
                })
                .collect(),
            home: address(""),
        }
    }
}

/// What the parallel view sees: rows of a source block beside its translation.
#[derive(Serialize)]
struct Parallel {
    head: Head,
    ui: Ui,
    home: String,
    left: Column,
    right: Column,
    rows: Vec<(String, String)>,
}

#[derive(Serialize)]
struct Column {
    lang: &'static str,
    name: &'static str,
    title: String,
    href: String,
}

impl Parallel {
    fn new(
        left: &Report,
        right: &Report,
        all: &[Report],
        assets: &Assets,
        options: &SiteOptions,
    ) -> Parallel {
        let here = Location { dir: "parallel/" };
        let mut rows = Vec::new();
        let mut pair =
            |l: String, r: String| rows.push((cell(left.lang, &l), cell(right.lang, &r)));
        pair(title_block_html(left), title_block_html(right));
        let count = left.body.len().max(right.body.len());
        for i in 0..count {
            pair(
                blocks_html(left.body.get(i), left.lang),
                blocks_html(right.body.get(i), right.lang),
            );
        }
        for (i, annex) in left.annexes.iter().enumerate() {
            let other = right.annexes.get(i);
            pair(
                annex_heading_html(&annex.label, &annex.title),
                other
                    .map(|a| annex_heading_html(&a.label, &a.title))
                    .unwrap_or_default(),
            );
            for (j, block) in annex.blocks.iter().enumerate() {
                let other_block = other.and_then(|a| a.blocks.get(j));
                match (block, other_block) {
                    (Block::Glossary(l), Some(Block::Glossary(r))) => {
                        for entry in l {
                            let mut a = String::new();
                            let mut b = String::new();
                            glossary_entry_html(entry, left.lang, &mut a);
                            if let Some(e) = r.iter().find(|e| e.id == entry.id) {
                                glossary_entry_html(e, right.lang, &mut b);
                            }
                            pair(
                                format!("<dl class=\"glossary\">{a}</dl>"),
                                format!("<dl class=\"glossary\">{b}</dl>"),
                            );
                        }
                    }
                    (Block::Cases(l), Some(Block::Cases(r))) => {
                        for case in l {
                            let mut a = String::new();
                            let mut b = String::new();
                            case_html(case, left.lang, &mut a);
                            if let Some(c) = r.iter().find(|c| c.id == case.id) {
                                case_html(c, right.lang, &mut b);
                            }
                            pair(a, b);
                        }
                    }
                    _ => pair(
                        blocks_html(Some(block), left.lang),
                        blocks_html(other_block, right.lang),
                    ),
                }
            }
        }
        let column = |r: &Report| Column {
            lang: r.lang.tag(),
            name: ui(r.lang).language_name,
            title: r.meta.title.clone(),
            href: here.to(&format!("{}/", r.lang.code())),
        };
        let title = format!("{} · {}", left.meta.title, right.meta.title);
        let mut head = Head::new(here, left, all, assets, options, title);
        // hreflang names translations of this page; the parallel view has none.
        head.alternates.clear();
        Parallel {
            head,
            ui: ui(left.lang),
            home: here.to(""),
            left: column(left),
            right: column(right),
            rows,
        }
    }
}

/// One side of a parallel row: its language marked, its anchors made unique to the side.
fn cell(lang: Lang, html: &str) -> String {
    let code = lang.code();
    let html = html
        .replace(" id=\"", &format!(" id=\"{code}-"))
        .replace(" href=\"#", &format!(" href=\"#{code}-"))
        .replace(
            " aria-labelledby=\"",
            &format!(" aria-labelledby=\"{code}-"),
        )
        .replace(
            " aria-describedby=\"",
            &format!(" aria-describedby=\"{code}-"),
        );
    format!("<div class=\"cell\" lang=\"{}\">{html}</div>", lang.tag())
}

fn blocks_html(block: Option<&Block>, lang: Lang) -> String {
    let mut out = String::new();
    if let Some(block) = block {
        block_html(block, lang, &mut out);
    }
    out
}

fn title_block_html(report: &Report) -> String {
    let meta = &report.meta;
    format!(
        "<p class=\"title\">{}</p><p class=\"occasion\">{}</p><p class=\"speaker\">{}</p><p class=\"salutation\">{}</p>",
        escape(&meta.title),
        meta.occasion
            .iter()
            .map(|l| escape(l))
            .collect::<Vec<_>>()
            .join("<br>"),
        escape(&meta.speaker),
        escape(&meta.salutation)
    )
}

fn annex_heading_html(label: &str, title: &str) -> String {
    format!(
        "<p class=\"annex-label\">{}</p><p class=\"annex-title\">{}</p>",
        escape(label),
        escape(title)
    )
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

fn block_html(block: &Block, lang: Lang, out: &mut String) {
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
        Block::Chart(c) => chart_html(c, out),
        Block::Figure(figure) => figure_html(&figure.caption, out),
        Block::Glossary(entries) => {
            out.push_str("<dl class=\"glossary\">\n");
            for entry in entries {
                glossary_entry_html(entry, lang, out);
            }
            out.push_str("</dl>\n");
        }
        Block::Cases(cases) => {
            for case in cases {
                case_html(case, lang, out);
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
    let labelled_by = match (&table.caption, &table.title) {
        (Some(_), _) => format!(" aria-labelledby=\"{}-caption\"", escape(&table.id)),
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
            "<figcaption id=\"{}-caption\">{}</figcaption>",
            escape(&table.id),
            escape(caption)
        );
    }
    out.push_str("</figure>\n");
}

/// A chart as inline SVG, drawn by `crate::chart` from the same drawing as the PDF's.
/// Its numbers stand in the table before it, and in words in its `<desc>`.
fn chart_html(c: &Chart, out: &mut String) {
    let drawing = chart::draw(c, chart::WIDTH);
    // On a phone the drawing keeps a readable size and scrolls, like the tables.
    out.push_str("<figure class=\"chart\"><div class=\"chart-scroll\">\n");
    out.push_str(&chart::svg::render(&drawing, &format!("chart-{}", c.id)));
    out.push_str("</div></figure>\n");
}

/// A figure whose picture the report lost: the caption stands alone.
fn figure_html(caption: &str, out: &mut String) {
    let _ = writeln!(
        out,
        "<figure class=\"lost-image\"><figcaption>{}</figcaption></figure>",
        escape(caption)
    );
}

/// "1.“浦江经验”：" in Chinese, "1. “Pujiang Experience”: " in English.
fn numbered_title(number: u32, title: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{number}.{}：", escape(title)),
        Lang::En => format!("{number}. {}: ", escape(title)),
    }
}

fn glossary_entry_html(entry: &GlossaryEntry, lang: Lang, out: &mut String) {
    let _ = write!(
        out,
        "<div class=\"term\" id=\"term-{}\"><dt>{}</dt><dd>",
        escape(&entry.id),
        numbered_title(entry.number, &entry.term, lang)
    );
    inlines_html(&entry.definition, out);
    if let Some(figure) = &entry.figure {
        figure_html(&figure.caption, out);
    }
    out.push_str("</dd></div>\n");
}

fn case_html(case: &Case, lang: Lang, out: &mut String) {
    let _ = write!(
        out,
        "<article class=\"case\" id=\"{}\"><p><span class=\"lead\">{}</span>",
        escape(&case.id),
        numbered_title(case.number, &case.title, lang)
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
