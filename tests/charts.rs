//! The annex charts: three titled SVG charts on each language's page, drawn from the
//! data, so that a changed count changes its bar in the web page and in the PDF alike.

mod common;

use common::*;
use nianbao::chart::Item;
use nianbao::model::Lang;
use nianbao::render::pdf::{self, Fonts};

/// The `<svg>` elements of a page.
fn charts(page: &str) -> Vec<String> {
    page.match_indices("<svg")
        .map(|(start, _)| {
            let end = page[start..].find("</svg>").unwrap() + start + "</svg>".len();
            page[start..end].to_string()
        })
        .collect()
}

/// The value of `name="…"` in the first element of `html` that contains `needle`.
fn attribute(html: &str, needle: &str, name: &str) -> f32 {
    let at = html.find(needle).unwrap_or_else(|| panic!("no {needle}"));
    let element = &html[html[..at].rfind('<').unwrap()..];
    let element = &element[..element.find('>').unwrap()];
    let key = format!(" {name}=\"");
    let value = &element[element.find(&key).unwrap() + key.len()..];
    value[..value.find('"').unwrap()].parse().unwrap()
}

#[test]
fn each_page_holds_three_titled_svg_charts_beside_their_tables() {
    let scratch = Scratch::new();
    let output = scratch.build();
    assert!(output.status.success(), "{}", stderr(&output));
    for (lang, titles, tick) in [
        (
            "zh",
            [
                "2023年海淀法院各类案件结案数",
                "海淀法院2023年与2022年收案对比",
                "海淀法院2023年与2022年结案对比",
            ],
            ">40000</text>",
        ),
        (
            "en",
            [
                "Cases Closed by the Haidian Court in 2023, by Category",
                "Cases Received by the Haidian Court: 2023 Compared with 2022",
                "Cases Closed by the Haidian Court: 2023 Compared with 2022",
            ],
            ">40,000</text>",
        ),
    ] {
        let page = std::fs::read_to_string(scratch.out().join(lang).join("index.html")).unwrap();
        let svgs = charts(&page);
        assert_eq!(svgs.len(), 3, "{lang}");
        for (svg, title) in svgs.iter().zip(titles) {
            assert!(svg.contains(" role=\"img\""), "{lang}: {svg}");
            assert!(
                svg.contains(&format!("-title\">{title}</title>")),
                "{lang}: {title}"
            );
            let id = &svg[svg.find(" id=\"").unwrap() + 5..];
            let id = &id[..id.find('"').unwrap()];
            assert!(svg.contains(&format!("aria-labelledby=\"{id}-title\"")));
            assert!(svg.contains(&format!("<desc id=\"{id}-desc\">")));
            assert!(
                svg.contains(tick),
                "{lang}: ticks at round numbers, written per language"
            );
            assert!(
                !svg.contains("font-family"),
                "the page's fonts, not the SVG's"
            );
            // The data table stands right before its chart.
            let before = &page[..page.find(svg.as_str()).unwrap()];
            let table = before.rfind("<table").unwrap();
            assert!(!before[table..].contains("<svg"), "{lang}: {title}");
        }
        // Each pair of bars is labelled with its change; counts are written per language.
        let (criminal_change, count) = match lang {
            "zh" => ("+32.39%", ">1857</text>"),
            _ => ("+32.39%", ">1,857</text>"),
        };
        assert!(svgs[1].contains(&format!(">{criminal_change}</text>")));
        assert!(svgs[0].contains(count));
        // 商事 22409 → 19489 cases closed.
        assert!(svgs[2].contains(">+49.40%</text>") && svgs[2].contains(">-13.03%</text>"));
    }
}

/// The criminal bar of 图表1: its width in the SVG of each page and in the drawing
/// the PDF writer draws, and whether the PDF content stream holds a rectangle that wide.
fn criminal_bar(scratch: &Scratch, fonts: &Fonts) -> ([f32; 2], f32, bool) {
    let output = scratch.build();
    assert!(output.status.success(), "{}", stderr(&output));
    let svg = |lang: &str| {
        let page = std::fs::read_to_string(scratch.out().join(lang).join("index.html")).unwrap();
        let chart = charts(&page).remove(0);
        attribute(
            &chart,
            "data-category=\"criminal\" data-series=\"0\"",
            "width",
        )
    };
    let web = [svg("zh"), svg("en")];

    let project = nianbao::Project::at(scratch.report());
    let checked = nianbao::check(&project);
    let zh = checked.reports.iter().find(|r| r.lang == Lang::Zh).unwrap();
    let doc = pdf::layout(zh, fonts);
    let (page, placed) = doc
        .pages
        .iter()
        .flat_map(|p| p.drawings.iter().map(move |d| (p, d)))
        .next()
        .expect("a chart in the PDF");
    let width = placed
        .drawing
        .items
        .iter()
        .find_map(|item| match item {
            Item::Rect {
                width,
                mark: Some(m),
                ..
            } if m.category == "criminal" => Some(*width),
            _ => None,
        })
        .unwrap();
    let bytes = std::fs::read(scratch.out().join("zh/report.pdf")).unwrap();
    let file = lopdf::Document::load_mem(&bytes).unwrap();
    let page_id = file.get_pages()[&(page.number as u32)];
    let in_stream = file
        .get_and_decode_page_content(page_id)
        .unwrap()
        .operations
        .iter()
        .filter(|op| op.operator == "re")
        .any(|op| (op.operands[2].as_float().unwrap() - width).abs() < 0.01);
    (web, width, in_stream)
}

#[test]
fn a_changed_count_changes_its_bar_in_the_web_page_and_the_pdf() {
    let fonts = Fonts::load(&repo().join("fonts")).unwrap();
    let scratch = Scratch::new();
    let (web_before, pdf_before, found) = criminal_bar(&scratch, &fonts);
    assert!(found, "the bar is a rectangle in the PDF");
    assert!(
        (web_before[0] - pdf_before).abs() < 0.01,
        "one drawing for both"
    );

    // Cases closed in 2023: criminal 1857 → 9857 (and the total with it).
    scratch.edit(
        "data/caseload.yaml",
        "    criminal: 1857\n",
        "    criminal: 9857\n",
    );
    scratch.edit(
        "data/caseload.yaml",
        "    total: 105890\n",
        "    total: 113890\n",
    );
    let (web_after, pdf_after, found) = criminal_bar(&scratch, &fonts);
    assert!(found, "the longer bar is a rectangle in the PDF");

    // The axis still ends at 50000 (民事 41956 is the longest bar): lengths scale with
    // the count.
    let ratio = 9857.0 / 1857.0;
    for (before, after) in web_before.iter().zip(web_after) {
        assert!((after / before - ratio).abs() < 0.01, "{before} → {after}");
    }
    assert!(
        (pdf_after / pdf_before - ratio).abs() < 0.01,
        "{pdf_before} → {pdf_after}"
    );
}
