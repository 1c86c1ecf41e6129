//! The English edition: complete, current, tied block by block to the Chinese.

mod common;

use common::*;
use nianbao::model::{Block, Report};
use nianbao::{Project, check};

fn check_strict(scratch: &Scratch) -> (i32, String) {
    let output = scratch.run(&["check", "--strict", "report"]);
    (output.status.code().unwrap(), stderr(&output))
}

#[test]
fn the_sample_report_is_fully_translated_and_current() {
    let (code, messages) = check_strict(&Scratch::new());
    assert_eq!(code, 0, "{messages}");
}

#[test]
fn an_edited_chinese_paragraph_makes_exactly_its_translation_stale() {
    let scratch = Scratch::new();
    scratch.edit(
        "zh/03-people.md",
        "守护和谐家庭，审结婚姻家庭案件3176件。",
        "守护和谐家庭，审结婚姻家庭案件3177件。",
    );
    let text = std::fs::read_to_string(scratch.report().join("zh/03-people.md")).unwrap();
    // The block starts at the lead-in line of its paragraph.
    let at = text.find("3177").unwrap();
    let block_start = text[..at].rfind("\n\n").map_or(0, |i| i + 2);
    let line = text[..block_start].matches('\n').count() + 1;

    let (code, messages) = check_strict(&scratch);
    assert_eq!(code, 1, "{messages}");
    assert!(
        messages.contains(&format!("report/zh/03-people.md:{line}:1")),
        "{messages}"
    );
    assert!(
        messages.contains("was made for an earlier version"),
        "{messages}"
    );
    assert!(
        messages.contains("1 error(s)"),
        "that block and no other: {messages}"
    );

    // Without --strict it is a warning: the build goes on.
    assert_eq!(scratch.run(&["check", "report"]).status.code(), Some(0));
}

#[test]
fn an_edited_glossary_entry_makes_exactly_its_translation_stale() {
    let scratch = Scratch::new();
    scratch.edit(
        "zh/glossary.yaml",
        "强调“预防在源头，化解在初始，息访在县域”。",
        "强调“预防在源头”。",
    );
    let (code, messages) = check_strict(&scratch);
    assert_eq!(code, 1, "{messages}");
    assert!(
        messages.contains("entry `pujiang-experience` was made for an earlier version"),
        "{messages}"
    );
    assert!(messages.contains("1 error(s)"), "{messages}");
}

#[test]
fn a_new_chinese_paragraph_is_untranslated_and_disturbs_no_other_block() {
    let scratch = Scratch::new();
    scratch.edit(
        "zh/07-closing.md",
        "\n\n上述成绩的取得",
        "\n\n新增一段。\n\n上述成绩的取得",
    );
    let (code, messages) = check_strict(&scratch);
    assert_eq!(code, 1, "{messages}");
    assert!(
        messages.contains("this block has no en translation"),
        "{messages}"
    );
    assert!(messages.contains("1 error(s)"), "{messages}");
}

fn reports() -> Vec<Report> {
    let checked = check(&Project::at(repo().join("report")));
    assert!(!checked.has_errors());
    checked.reports
}

/// Blocks of each kind, and entries of the glossary and the cases, in order.
fn shape(report: &Report) -> Vec<String> {
    let blocks = report
        .body
        .iter()
        .chain(report.annexes.iter().flat_map(|a| &a.blocks));
    blocks
        .map(|block| match block {
            Block::Heading(h) => format!("heading {} {}", h.level, h.id),
            Block::Paragraph(p) => format!("paragraph lead={}", p.lead.is_some()),
            Block::List(l) => format!("list {}", l.items.len()),
            Block::Table(t) => format!("table {} {}x{}", t.id, t.rows.len(), t.header.len()),
            Block::Chart(c) => format!("chart {} {:?} {}", c.id, c.kind, c.categories.len()),
            Block::Figure(_) => "figure".to_string(),
            Block::Glossary(g) => {
                format!("glossary {:?}", g.iter().map(|e| &e.id).collect::<Vec<_>>())
            }
            Block::Cases(c) => format!("cases {:?}", c.iter().map(|e| &e.id).collect::<Vec<_>>()),
            Block::Notes(n) => {
                format!("notes {:?}", n.iter().map(|n| n.number).collect::<Vec<_>>())
            }
        })
        .collect()
}

#[test]
fn the_english_report_has_every_block_of_the_chinese() {
    let reports = reports();
    assert_eq!(reports.len(), 2);
    assert_eq!(shape(&reports[1]), shape(&reports[0]));
    assert_eq!(reports[1].annexes.len(), reports[0].annexes.len());
}

#[test]
fn the_english_page_holds_no_chinese_and_links_both_ways() {
    let scratch = Scratch::new();
    assert!(scratch.build().status.success());
    let en = std::fs::read_to_string(scratch.out().join("en/index.html")).unwrap();
    assert!(en.contains("<html lang=\"en\">"));
    assert!(en.contains("<link rel=\"alternate\" hreflang=\"zh-CN\" href=\"../zh/\">"));
    // The switch names the other language in that language, marked as such: the one
    // deliberate Chinese text of the English page.
    assert!(en.contains("<a href=\"../zh/\" hreflang=\"zh-CN\" lang=\"zh-CN\">中文</a>"));
    let without_switch = remove_elements(&en, "<nav class=\"site-nav\"", "</nav>");
    let text = visible_text(&without_switch);
    let chinese: String = text
        .chars()
        .filter(|&c| matches!(c as u32, 0x3000..=0x303F | 0x3400..=0x9FFF | 0xFF00..=0xFFEF))
        .collect();
    assert!(
        chinese.is_empty(),
        "Chinese left in the English page: {chinese}"
    );

    let zh = scratch.page();
    assert!(zh.contains("<link rel=\"alternate\" hreflang=\"en\" href=\"../en/\">"));
    assert!(zh.contains("<a href=\"../en/\" hreflang=\"en\" lang=\"en\">English</a>"));

    let landing = std::fs::read_to_string(scratch.out().join("index.html")).unwrap();
    assert!(
        landing.contains("href=\"zh/\"")
            && landing.contains("href=\"en/\"")
            && landing.contains("href=\"parallel/\"")
    );
}

#[test]
fn the_parallel_view_sets_each_block_beside_its_translation() {
    let scratch = Scratch::new();
    assert!(scratch.build().status.success());
    let page = std::fs::read_to_string(scratch.out().join("parallel/index.html")).unwrap();
    let pairs = page.matches("<div class=\"pair\">").count();
    let reports = reports();
    // Title block, body blocks, and per annex: its heading, tables and charts, terms
    // and cases.
    let expected = 1 + reports[0].body.len() + 3 + 3 + 3 + 29 + 10;
    assert_eq!(pairs, expected);
    assert_eq!(
        page.matches("<div class=\"cell\" lang=\"zh-CN\">").count(),
        pairs
    );
    assert_eq!(
        page.matches("<div class=\"cell\" lang=\"en\">").count(),
        pairs
    );
    // Anchors stay unique although each block appears twice.
    assert!(page.contains("id=\"zh-part-1\"") && page.contains("id=\"en-part-1\""));
}
