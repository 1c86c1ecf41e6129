//! What every page's `<head>` says, and where the shared assets live.
//!
//! The site is copied as is to a server we do not control, so every link is relative
//! (`../assets/…` from a language page) and only `--base-url` makes anything absolute:
//! the canonical link, `og:url` and the `hreflang` alternates, which search engines
//! want absolute. Asset names carry a hash of their content (`style.3f2a1b9c.css`), so
//! a changed stylesheet has a new name and no browser or proxy can serve the old one.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::model::{Block, Lang, Report, plain_text};
use crate::site::OutputFile;

/// How and where the site is published.
#[derive(Debug, Clone, Default)]
pub struct SiteOptions {
    /// The address `out/` will be served at, e.g. `https://court.example/report/2023/`.
    /// Used only for canonical links, `og:url` and `hreflang`; every other link stays
    /// relative so the output works wherever it is copied.
    pub base_url: Option<String>,
}

impl SiteOptions {
    fn base(&self) -> Option<String> {
        self.base_url.as_ref().map(|b| {
            let b = b.trim();
            if b.ends_with('/') {
                b.to_string()
            } else {
                format!("{b}/")
            }
        })
    }
}

/// The shared assets, by path relative to `out/`.
pub struct Assets {
    pub stylesheet: String,
    pub favicon: String,
}

impl Assets {
    /// Name the assets after their content and return the files to write.
    pub fn new(stylesheet: &[u8], favicon: &[u8]) -> (Assets, Vec<OutputFile>) {
        let stylesheet_path = hashed_name("style", "css", stylesheet);
        let favicon_path = hashed_name("favicon", "svg", favicon);
        let files = vec![
            OutputFile::new(&stylesheet_path, stylesheet.to_vec()),
            OutputFile::new(&favicon_path, favicon.to_vec()),
        ];
        (
            Assets {
                stylesheet: stylesheet_path,
                favicon: favicon_path,
            },
            files,
        )
    }
}

/// `assets/style.3f2a1b9c.css`: eight hex digits of the content's SHA-256.
pub fn hashed_name(stem: &str, extension: &str, bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hash: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
    format!("assets/{stem}.{hash}.{extension}")
}

/// Where a page sits in `out/`, as a folder (`zh/`, `parallel/`, or `` for the top).
#[derive(Debug, Clone, Copy)]
pub struct Location<'a> {
    pub dir: &'a str,
}

impl Location<'_> {
    /// The relative path from this page's folder to `target` (relative to `out/`).
    pub fn to(&self, target: &str) -> String {
        let path = match target.strip_prefix(self.dir) {
            Some(inside) if !self.dir.is_empty() => inside.to_string(),
            _ => format!("{}{target}", "../".repeat(self.dir.matches('/').count())),
        };
        if path.is_empty() {
            "./".to_string()
        } else {
            path
        }
    }
}

/// One `<link rel="alternate" hreflang>`.
#[derive(Serialize)]
pub struct Alternate {
    pub hreflang: &'static str,
    pub href: String,
}

/// What `templates/head.html` sees.
#[derive(Serialize)]
pub struct Head {
    pub lang: &'static str,
    pub title: String,
    pub description: String,
    pub author: String,
    pub stylesheet: String,
    /// The stylesheet's text, for a page that cannot know where it is served (404).
    pub inline_style: Option<String>,
    pub favicon: String,
    pub canonical: Option<String>,
    pub alternates: Vec<Alternate>,
    pub og_locale: &'static str,
    pub og_locale_alternates: Vec<&'static str>,
}

impl Head {
    /// The head of the page at `here` about `report`; `dirs` lists the folder of every
    /// language edition (`zh/`, `en/`), for the `hreflang` alternates.
    pub fn new(
        here: Location,
        report: &Report,
        all: &[Report],
        assets: &Assets,
        options: &SiteOptions,
        title: String,
    ) -> Head {
        let base = options.base();
        // Absolute only with a base URL: search engines ignore relative alternates, but
        // a relative one is still correct HTML and costs nothing.
        let address = |target: &str| match &base {
            Some(base) => format!("{base}{target}"),
            None => here.to(target),
        };
        let mut alternates: Vec<Alternate> = all
            .iter()
            .map(|r| Alternate {
                hreflang: r.lang.tag(),
                href: address(&format!("{}/", r.lang.code())),
            })
            .collect();
        alternates.push(Alternate {
            hreflang: "x-default",
            href: address(""),
        });
        Head {
            lang: report.lang.tag(),
            title,
            description: description(report),
            author: report.meta.court.clone(),
            stylesheet: here.to(&assets.stylesheet),
            inline_style: None,
            favicon: here.to(&assets.favicon),
            canonical: base.map(|b| format!("{b}{}", here.dir)),
            alternates,
            og_locale: og_locale(report.lang),
            og_locale_alternates: all
                .iter()
                .filter(|r| r.lang != report.lang)
                .map(|r| og_locale(r.lang))
                .collect(),
        }
    }
}

fn og_locale(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh_CN",
        Lang::En => "en_US",
    }
}

/// The page's description for search results and link previews: the first paragraph
/// under the first heading (what comes before it is the opening formula, "I now present
/// the report…"), cut to a snippet's length.
pub fn description(report: &Report) -> String {
    let max = match report.lang {
        Lang::Zh => 110,
        Lang::En => 280,
    };
    let paragraphs = |after_heading: bool| {
        report
            .body
            .iter()
            .skip_while(move |b| after_heading && !matches!(b, Block::Heading(_)))
            .find_map(|b| match b {
                Block::Paragraph(p) => {
                    let mut text = p.lead.as_deref().map(plain_text).unwrap_or_default();
                    text.push_str(&plain_text(&p.content));
                    Some(text)
                }
                _ => None,
            })
    };
    let text = paragraphs(true)
        .or_else(|| paragraphs(false))
        .unwrap_or_else(|| report.meta.title.clone());
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max).collect();
    // English is cut at a word boundary; Chinese has none to respect.
    let cut = match (report.lang, cut.rfind(' ')) {
        (Lang::En, Some(space)) => cut[..space].trim_end_matches([',', ';']).to_string(),
        _ => cut,
    };
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_climb_out_of_the_page_folder() {
        assert_eq!(
            Location { dir: "zh/" }.to("assets/a.css"),
            "../assets/a.css"
        );
        assert_eq!(Location { dir: "" }.to("assets/a.css"), "assets/a.css");
        assert_eq!(Location { dir: "zh/" }.to(""), "../");
        assert_eq!(Location { dir: "" }.to(""), "./");
        assert_eq!(Location { dir: "zh/" }.to("zh/report.pdf"), "report.pdf");
        assert_eq!(Location { dir: "zh/" }.to("zh/"), "./");
    }

    #[test]
    fn an_asset_name_changes_with_its_content() {
        let a = hashed_name("style", "css", b"body{}");
        let b = hashed_name("style", "css", b"body{ }");
        assert!(a.starts_with("assets/style.") && a.ends_with(".css"));
        assert_eq!(a.len(), "assets/style.12345678.css".len());
        assert_ne!(a, b);
        assert_eq!(a, hashed_name("style", "css", b"body{}"));
    }
}
