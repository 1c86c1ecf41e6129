//! What the page templates see: one view model per template (a language's page, the
//! landing page, the parallel view, the 404 page), built from the model with the
//! fragments of [`super::blocks`].

use serde::Serialize;

use super::blocks::Fragments;
use super::head::{Assets, Head, Location, SiteOptions};
use crate::model::{Block, Lang, Report, plain_text};

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
pub(super) struct Page {
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
    pub(super) fn new(
        report: &Report,
        all: &[Report],
        assets: &Assets,
        options: &SiteOptions,
        pdf: Option<(String, usize)>,
    ) -> Page {
        let lang = report.lang;
        let dir = format!("{}/", lang.code());
        let here = Location { dir: &dir };
        let mut body = Fragments::new(lang);
        for block in &report.body {
            body.block(block);
        }
        let mut annexes = Fragments::new(lang);
        for annex in &report.annexes {
            annexes.annex(annex);
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
            body: body.finish(),
            annexes: annexes.finish(),
        }
    }
}

/// What the landing page template sees: every edition with its PDF, and the parallel view.
#[derive(Serialize)]
pub(super) struct Landing {
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
    pub(super) fn new(
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
pub(super) struct NotFound {
    head: Head,
    editions: Vec<Alternate>,
    home: String,
}

impl NotFound {
    pub(super) fn new(
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
pub(super) struct Parallel {
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
    pub(super) fn new(
        left: &Report,
        right: &Report,
        all: &[Report],
        assets: &Assets,
        options: &SiteOptions,
    ) -> Parallel {
        let here = Location { dir: "parallel/" };
        let (l, r) = (left.lang, right.lang);
        let mut rows = Vec::new();
        rows.push((
            cell(l, |f| f.title_block(&left.meta)),
            cell(r, |f| f.title_block(&right.meta)),
        ));
        let block = |lang, block: Option<&Block>| {
            cell(lang, |f| block.into_iter().for_each(|b| f.block(b)))
        };
        let count = left.body.len().max(right.body.len());
        for i in 0..count {
            rows.push((block(l, left.body.get(i)), block(r, right.body.get(i))));
        }
        for (i, annex) in left.annexes.iter().enumerate() {
            let other = right.annexes.get(i);
            rows.push((
                cell(l, |f| f.annex_heading(&annex.label, &annex.title)),
                cell(r, |f| {
                    if let Some(a) = other {
                        f.annex_heading(&a.label, &a.title);
                    }
                }),
            ));
            for (j, one) in annex.blocks.iter().enumerate() {
                let other_block = other.and_then(|a| a.blocks.get(j));
                // Glossaries and cases pair entry by entry, matched by id.
                match (one, other_block) {
                    (Block::Glossary(ls), Some(Block::Glossary(rs))) => {
                        for entry in ls {
                            let match_ = rs.iter().find(|e| e.id == entry.id);
                            rows.push((
                                cell(l, |f| f.lone_glossary_entry(Some(entry))),
                                cell(r, |f| f.lone_glossary_entry(match_)),
                            ));
                        }
                    }
                    (Block::Cases(ls), Some(Block::Cases(rs))) => {
                        for case in ls {
                            let match_ = rs.iter().find(|c| c.id == case.id);
                            rows.push((
                                cell(l, |f| f.case(case)),
                                cell(r, |f| match_.into_iter().for_each(|c| f.case(c))),
                            ));
                        }
                    }
                    _ => rows.push((block(l, Some(one)), block(r, other_block))),
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
fn cell(lang: Lang, write: impl FnOnce(&mut Fragments)) -> String {
    let mut side = Fragments::prefixed(lang);
    write(&mut side);
    format!(
        "<div class=\"cell\" lang=\"{}\">{}</div>",
        lang.tag(),
        side.finish()
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
