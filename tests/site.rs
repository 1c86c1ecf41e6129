//! The output is a site the court's web team can copy anywhere: relative links, assets
//! named after their content, head metadata, a 404 page, PDF downloads when there are
//! PDFs, and pages whose structure assistive technology can follow. (The browser suite
//! in tests/browser/ checks the same pages in chromium with axe-core.)

mod common;

use std::path::{Path, PathBuf};

use common::*;
use nianbao::render::html::{self, SiteOptions};
use nianbao::site::OutputFile;
use nianbao::{Project, check};

/// Every HTML page of the output, by path relative to it.
fn pages(out: &Path) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut pending = vec![out.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "html") {
                let name = path
                    .strip_prefix(out)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                found.push((name, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    found.sort();
    found
}

/// The values of `attribute="…"` in `html`.
fn attributes<'a>(html: &'a str, attribute: &str) -> Vec<&'a str> {
    let needle = format!(" {attribute}=\"");
    html.match_indices(&needle)
        .map(|(at, _)| {
            let rest = &html[at + needle.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}

#[test]
fn every_page_links_relatively_to_files_that_exist() {
    let scratch = Scratch::new();
    assert!(scratch.build().status.success());
    let out = scratch.out();
    let pages = pages(&out);
    let names: Vec<_> = pages.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "404.html",
            "en/index.html",
            "index.html",
            "parallel/index.html",
            "zh/index.html"
        ]
    );
    for (name, html) in &pages {
        assert!(
            !html.contains("http://") && !html.contains("https://") && !html.contains("//"),
            "{name}: no absolute address without --base-url"
        );
        let folder = Path::new(name).parent().unwrap().to_path_buf();
        for href in attributes(html, "href")
            .into_iter()
            .chain(attributes(html, "src"))
        {
            if let Some(id) = href.strip_prefix('#') {
                assert!(html.contains(&format!(" id=\"{id}\"")), "{name}: {href}");
                continue;
            }
            assert!(!href.starts_with('/'), "{name}: {href} is not relative");
            let target = href.split('#').next().unwrap();
            let mut path: PathBuf = out.join(&folder).join(target);
            if target.ends_with('/') || target.is_empty() {
                path = path.join("index.html");
            }
            assert!(path.exists(), "{name}: {href} leads nowhere");
        }
    }
}

#[test]
fn asset_names_follow_their_content() {
    let scratch = Scratch::new();
    // A copy of the templates, to restyle.
    let templates = scratch.dir.path().join("templates");
    std::fs::remove_file(&templates).unwrap();
    std::fs::create_dir(&templates).unwrap();
    for entry in std::fs::read_dir(repo().join("templates")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), templates.join(entry.file_name())).unwrap();
    }
    assert!(scratch.build().status.success());
    let css = std::fs::read(repo().join("templates/style.css")).unwrap();
    let name = html::hashed_name("style", "css", &css);
    assert!(scratch.out().join(&name).exists(), "{name}");
    assert!(scratch.page().contains(&format!("href=\"../{name}\"")));
    assert!(
        std::fs::read_to_string(scratch.out().join("index.html"))
            .unwrap()
            .contains(&format!("href=\"{name}\""))
    );

    let mut restyled = css.clone();
    restyled.extend_from_slice(b"\n.lead { color: #333; }\n");
    std::fs::write(templates.join("style.css"), &restyled).unwrap();
    assert!(scratch.build().status.success());
    let new_name = html::hashed_name("style", "css", &restyled);
    assert_ne!(new_name, name);
    assert!(scratch.page().contains(&new_name));
    assert!(
        !scratch.out().join(&name).exists(),
        "the old stylesheet is gone"
    );
}

#[test]
fn pages_describe_themselves_and_their_translations() {
    let scratch = Scratch::new();
    assert!(scratch.build().status.success());
    let zh = scratch.page();
    let en = std::fs::read_to_string(scratch.out().join("en/index.html")).unwrap();
    for (page, locale, other, zh_href, en_href) in [
        (&zh, "zh_CN", "en_US", "./", "../en/"),
        (&en, "en_US", "zh_CN", "../zh/", "./"),
    ] {
        assert_eq!(
            page.matches("<meta name=\"description\" content=\"")
                .count(),
            1
        );
        for property in ["og:title", "og:description", "og:type", "og:site_name"] {
            assert!(page.contains(&format!("<meta property=\"{property}\" content=\"")));
        }
        assert!(page.contains(&format!("property=\"og:locale\" content=\"{locale}\"")));
        assert!(page.contains(&format!(
            "property=\"og:locale:alternate\" content=\"{other}\""
        )));
        for (lang, href) in [("zh-CN", zh_href), ("en", en_href), ("x-default", "../")] {
            let link = format!("<link rel=\"alternate\" hreflang=\"{lang}\" href=\"{href}\">");
            assert!(page.contains(&link), "{link}");
        }
        assert!(page.contains("<link rel=\"icon\" href=\"../assets/favicon."));
        assert!(!page.contains("rel=\"canonical\""), "only with --base-url");
    }
    assert!(
        zh.contains("content=\"2023年，在区委领导"),
        "the first real paragraph"
    );
    assert!(en.contains("<meta name=\"description\" content=\"In 2023,"));
    let not_found = std::fs::read_to_string(scratch.out().join("404.html")).unwrap();
    assert!(not_found.contains("页面不存在") && not_found.contains("Page not found"));
    assert!(
        not_found.contains("<style>"),
        "styled wherever it is served"
    );
}

#[test]
fn a_base_url_makes_canonical_links_and_nothing_else_absolute() {
    let scratch = Scratch::new();
    let output = scratch.run(&[
        "build",
        "report",
        "-o",
        "out",
        "--base-url",
        "https://court.example/report/2023",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let zh = scratch.page();
    assert!(zh.contains("<link rel=\"canonical\" href=\"https://court.example/report/2023/zh/\">"));
    assert!(
        zh.contains("<meta property=\"og:url\" content=\"https://court.example/report/2023/zh/\">")
    );
    assert!(zh.contains("hreflang=\"en\" href=\"https://court.example/report/2023/en/\">"));
    assert!(zh.contains("<link rel=\"stylesheet\" href=\"../assets/style."));
    assert!(zh.contains("<a href=\"../en/\" hreflang=\"en\" lang=\"en\">English</a>"));
    let not_found = std::fs::read_to_string(scratch.out().join("404.html")).unwrap();
    assert!(not_found.contains("href=\"https://court.example/report/2023/zh/\""));
}

#[test]
fn each_page_and_the_landing_page_link_the_pdf_of_their_language() {
    let checked = check(&Project::at(repo().join("report")));
    let templates = repo().join("templates");
    let pdfs = [
        OutputFile::new("zh/report.pdf", vec![0; 1_234_567]),
        OutputFile::new("en/report.pdf", vec![0; 456_789]),
    ];
    let files = html::render(&checked.reports, &templates, &SiteOptions::default(), &pdfs).unwrap();
    let text = |name: &str| {
        let file = files.iter().find(|f| f.path == Path::new(name)).unwrap();
        String::from_utf8(file.bytes.clone()).unwrap()
    };
    assert!(text("zh/index.html").contains("<a class=\"download\" href=\"report.pdf\" type=\"application/pdf\" download>下载PDF <span class=\"size\">(1.2 MB)</span></a>"));
    assert!(text("en/index.html").contains("href=\"report.pdf\" type=\"application/pdf\" download>Download PDF <span class=\"size\">(457 KB)</span>"));
    let landing = text("index.html");
    assert!(landing.contains("href=\"zh/report.pdf\""));
    assert!(landing.contains("href=\"en/report.pdf\""));

    // Without the PDFs there is no link to them.
    let files = html::render(&checked.reports, &templates, &SiteOptions::default(), &[]).unwrap();
    assert!(
        files
            .iter()
            .all(|f| !String::from_utf8_lossy(&f.bytes).contains("report.pdf"))
    );
}

#[test]
fn headings_descend_one_level_at_a_time_under_one_h1() {
    let scratch = Scratch::new();
    assert!(scratch.build().status.success());
    for (name, html) in pages(&scratch.out()) {
        let levels: Vec<u32> = html
            .match_indices("<h")
            .filter_map(|(at, _)| html[at + 2..].chars().next()?.to_digit(10))
            .collect();
        assert_eq!(
            levels.iter().filter(|&&l| l == 1).count(),
            1,
            "{name}: one h1"
        );
        assert_eq!(levels[0], 1, "{name}: the h1 comes first");
        for pair in levels.windows(2) {
            assert!(
                pair[1] <= pair[0] + 1,
                "{name}: h{} after h{}",
                pair[1],
                pair[0]
            );
        }
    }
}

#[test]
fn tables_have_header_scopes_and_a_named_focusable_scroll_box() {
    let scratch = Scratch::new();
    assert!(scratch.build().status.success());
    let page = scratch.page();
    assert_eq!(
        page.matches(
            "<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\""
        )
        .count(),
        3
    );
    assert_eq!(
        page.matches("<th>").count(),
        0,
        "every header cell has a scope"
    );
    assert!(page.contains("<th scope=\"row\""));
}
