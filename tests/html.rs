//! The Chinese web page reproduces the published report, and its figures follow the data.

mod common;

use common::*;

/// What the page adds on purpose, removed before comparing with the seed: the table of
/// contents, the skip link and the charts (drawn from the tables' figures). Nothing else
/// may differ.
fn report_text(page: &str) -> String {
    let page = remove_elements(page, "<nav", "</nav>");
    let page = remove_elements(&page, "<svg", "</svg>");
    let page = remove_elements(&page, "<a class=\"skip-link\"", "</a>");
    without_whitespace(&visible_text(&page))
}

#[test]
fn page_text_equals_the_published_report() {
    let scratch = Scratch::new();
    let output = scratch.build();
    assert!(output.status.success(), "{}", stderr(&output));
    let page = report_text(&scratch.page());
    let seed = without_whitespace(&seed());
    if page != seed {
        let at = page
            .chars()
            .zip(seed.chars())
            .position(|(a, b)| a != b)
            .unwrap_or(page.chars().count().min(seed.chars().count()));
        let around = |s: &str| {
            s.chars()
                .skip(at.saturating_sub(20))
                .take(60)
                .collect::<String>()
        };
        panic!(
            "the page differs from the seed at character {at}:\n page: {}\n seed: {}",
            around(&page),
            around(&seed)
        );
    }
}

#[test]
fn page_is_chinese_semantic_and_self_contained() {
    let scratch = Scratch::new();
    assert!(scratch.build().status.success());
    let page = scratch.page();
    assert!(page.contains("<html lang=\"zh-CN\">"));
    assert_eq!(page.matches("<h1").count(), 1);
    assert!(page.contains("<main id=\"main\">"));
    assert!(
        !page.contains("<script"),
        "no JavaScript is needed to read the report"
    );
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "nothing is fetched from another host"
    );
    assert_eq!(page.matches("<table aria-labelledby=").count(), 3);
    assert_eq!(page.matches("<th scope=\"col\">").count(), 8 + 4 + 4);
    assert_eq!(page.matches("<dt>").count(), 29, "every glossary term");
    assert_eq!(
        page.matches("<article class=\"case\"").count(),
        10,
        "every case"
    );
    // Lead-ins: 21 in the six parts, 3 shortcomings, 6 plans; and the 10 case titles.
    assert_eq!(
        page.matches("<span class=\"lead\">").count(),
        21 + 3 + 6 + 10
    );
    // A term in the body links to its glossary entry, which exists.
    assert!(
        page.contains("“<a class=\"term-ref\" href=\"#term-pujiang-experience\">浦江经验</a>”")
    );
    assert!(page.contains("id=\"term-pujiang-experience\""));
    let css = std::fs::read_dir(scratch.out().join("assets"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "css"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .unwrap();
    assert!(css.contains("@media print") && !css.contains("@import") && !css.contains("url("));
}

/// The numbers of the annex tables, in reading order.
fn table_numbers(page: &str) -> Vec<String> {
    page.split("<td class=\"num\">")
        .skip(1)
        .map(|cell| cell[..cell.find("</td>").unwrap()].to_string())
        .collect()
}

#[test]
fn every_annex_table_number_equals_the_seed() {
    let scratch = Scratch::new();
    assert!(scratch.build().status.success());
    let seed = seed();
    let annex = &seed[seed.find("附件1").unwrap()..seed.find("附件2").unwrap()];
    let published: Vec<String> = annex
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with(|c: char| c.is_ascii_digit() || c == '-') && !l.contains('年'))
        .map(str::to_string)
        .collect();
    assert_eq!(published.len(), 7 + 7 * 3 * 2);
    assert_eq!(table_numbers(&scratch.page()), published);
}

#[test]
fn a_changed_count_changes_cell_total_percentage_and_prose_together() {
    let scratch = Scratch::new();
    // One more hundred criminal cases closed in 2023, and the published total with it.
    scratch.edit("data/caseload.yaml", "criminal: 1857", "criminal: 1957");
    scratch.edit("data/caseload.yaml", "total: 105890", "total: 105990");
    let output = scratch.build();
    assert!(output.status.success(), "{}", stderr(&output));
    let page = scratch.page();
    let numbers = table_numbers(&page);
    // 图表1: the cell and the total.
    assert_eq!(numbers[0], "1957");
    assert_eq!(numbers[6], "105990");
    // 图表3: the cell, its change against 2022 (1243), the total and its change.
    let closed_compared = &numbers[7 + 21..];
    assert_eq!(&closed_compared[0..3], ["1243", "1957", "57.44%"]);
    assert_eq!(&closed_compared[18..21], ["91075", "105990", "16.38%"]);
    // The prose: the criminal cases, the year's total and its change, the closure ratio.
    let text = without_whitespace(&visible_text(&page));
    assert!(text.contains("审结刑事案件1957件"));
    assert!(text.contains("结案105990件，同比上升16.4%"));
    assert!(text.contains("结收比105.6%，同比上升5.6个百分点"));
    assert!(!text.contains("1857"));
}
