//! Stage 4a, **render HTML**: the document model → HTML fragments → the page templates.
//!
//! [`render`] is the entry point. Blocks become HTML in Rust (`blocks`), so that
//! escaping is in one place ([`escape()`]); charts are drawn as inline SVG (`svg`) from
//! the same `chart::Drawing` as the PDF's. Each page template sees a view model
//! (`pages`); the pages around the blocks (head, title block, table of contents,
//! stylesheet) are Tera templates in `templates/`, which the report's owners may
//! restyle.

mod blocks;
mod escape;
mod head;
mod pages;
mod svg;

use std::fmt;
use std::path::Path;

use tera::Tera;

use crate::model::{Lang, Report};
use crate::site::OutputFile;

pub use escape::escape;
use head::Assets;
pub use head::{SiteOptions, description, hashed_name};
use pages::{Landing, NotFound, Page, Parallel};

/// The templates and the assets, in the templates folder.
pub const PAGE_TEMPLATE: &str = "page.html";
pub const LANDING_TEMPLATE: &str = "index.html";
pub const PARALLEL_TEMPLATE: &str = "parallel.html";
pub const NOT_FOUND_TEMPLATE: &str = "404.html";
/// Included by every page template: `<meta>`, Open Graph, alternates, stylesheet, icon.
pub const HEAD_TEMPLATE: &str = "head.html";
pub const STYLESHEET: &str = "style.css";
pub const FAVICON: &str = "favicon.svg";

/// A template that could not be read, parsed or rendered.
#[derive(Debug)]
pub struct HtmlError {
    /// The template's path.
    pub file: String,
    pub message: String,
}

impl fmt::Display for HtmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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
