//! Notes (Markdown footnotes) on a made-up court's report, in both languages: each
//! note stands at the foot of its marker's page in the PDF, wherever on the page the
//! marker falls, a long note continues on the next page; on the web page every marker
//! links to its note and back; and `check` names every marker without a note, note
//! never used and label defined twice at file:line:col.

mod common;

use common::*;

/// Turns the scratch copy into the report of a made-up court whose speech is one
/// section per language, `zh` and `en`.
fn made_up_court(zh: &str, en: &str) -> Scratch {
    let s = Scratch::new();
    let manifest = std::fs::read_to_string(s.report().join("report.yaml")).unwrap();
    let start = manifest.find("sections:").unwrap();
    let end = manifest.find("# The annexes").unwrap();
    let manifest = format!(
        "{}sections:\n  - 01-notes.md\n\n{}",
        &manifest[..start],
        &manifest[end..]
    )
    .replace("海淀区", "青山区");
    std::fs::write(s.report().join("report.yaml"), manifest).unwrap();
    for lang in ["zh", "en"] {
        for entry in std::fs::read_dir(s.report().join(lang)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "md") {
                std::fs::remove_file(path).unwrap();
            }
        }
    }
    std::fs::write(s.report().join("zh/01-notes.md"), zh).unwrap();
    std::fs::write(s.report().join("en/01-notes.md"), en).unwrap();
    s
}

/// Paragraphs of many lengths, each ending with a marked word `标记N` and its note
/// `注文N`; note 7 is long enough to need two pages.
fn zh_section(count: usize) -> String {
    let filler =
        "青山区法院坚持能动司法，推进诉源治理，全年审结案件数量稳中有升，审判质效持续向好。";
    let mut text = String::from("# 一年来的主要工作\n\n");
    for n in 1..=count {
        let chars = 20 + (n * 53) % 260;
        let body: String = filler.chars().cycle().take(chars).collect();
        text.push_str(&format!("{body}标记{n}[^n{n}]。\n\n"));
    }
    for n in 1..=count {
        let note = if n == 7 {
            let long: String = "长注释的文字一直延续到下一页为止。"
                .chars()
                .cycle()
                .take(1900)
                .collect();
            format!("注文{n}开始{long}注文{n}结束")
        } else {
            format!("注文{n}：此处说明数据来源。")
        };
        text.push_str(&format!("[^n{n}]: {note}\n\n"));
    }
    text
}

fn en_section(count: usize) -> String {
    let filler =
        "The Court kept to active adjudication and handled more cases than the year before. ";
    let mut text = String::from("# Main work of the year\n\n");
    for n in 1..=count {
        let chars = 40 + (n * 97) % 500;
        let body: String = filler.chars().cycle().take(chars).collect();
        text.push_str(&format!("{body} marker{n}[^n{n}].\n\n"));
    }
    for n in 1..=count {
        text.push_str(&format!(
            "[^n{n}]: Notetext{n}: the source of the figure.\n\n"
        ));
    }
    text
}

fn pdf_pages(s: &Scratch, lang: &str) -> Vec<String> {
    let pdf = std::fs::read(s.out().join(lang).join("report.pdf")).unwrap();
    pdf_page_texts(&pdf)
        .iter()
        .map(|t| without_whitespace(t))
        .collect()
}

fn page_of(pages: &[String], needle: &str) -> usize {
    pages
        .iter()
        .position(|p| p.contains(needle))
        .unwrap_or_else(|| panic!("`{needle}` is on no page"))
}

#[test]
fn every_note_stands_at_the_foot_of_its_markers_page() {
    let count = 40;
    let s = made_up_court(&zh_section(count), &en_section(count));
    let out = s.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let pages = pdf_pages(&s, "zh");
    // Where on its page each marker falls: near the top, the middle and the foot.
    let mut places = [false; 3];
    for n in 1..=count {
        let marker = format!("标记{n}{n}");
        let page = page_of(&pages, &marker);
        let note = page_of(&pages, &format!("{n}注文{n}"));
        assert_eq!(page, note, "note {n} is not on its marker's page");
        let text = &pages[page];
        // The foot starts with a note, or with the rest of the long one.
        let body_end = ["注文", "长注释"]
            .iter()
            .filter_map(|n| text.find(n))
            .min()
            .unwrap();
        let at = text.find(&marker).unwrap() as f32 / body_end as f32;
        places[((at * 3.0) as usize).min(2)] = true;
    }
    assert_eq!(places, [true; 3], "markers near the top, middle and foot");
    // The long note starts on its marker's page and ends on the next.
    let start = page_of(&pages, "注文7开始");
    let end = page_of(&pages, "注文7结束");
    assert_eq!(end, start + 1, "the long note continues on the next page");

    let pages = pdf_pages(&s, "en");
    for n in 1..=count {
        let page = page_of(&pages, &format!("marker{n}{n}."));
        assert_eq!(
            page,
            page_of(&pages, &format!("{n}Notetext{n}:")),
            "note {n}"
        );
    }
}

#[test]
fn markers_link_to_their_notes_and_back() {
    let s = made_up_court(
        "正文甲[^a]，正文乙[^b]，又见[^a]。\n\n[^a]: 注释甲。\n\n[^b]: 注释乙。\n",
        "Text A[^a], text B[^b], again[^a].\n\n[^a]: Note A.\n\n[^b]: Note B.\n",
    );
    let out = s.build();
    assert!(out.status.success(), "{}", stderr(&out));
    for (lang, tag) in [("zh", "zh-CN"), ("en", "en")] {
        let html = std::fs::read_to_string(s.out().join(lang).join("index.html")).unwrap();
        for n in 1..=2 {
            assert!(
                html.contains(&format!(
                    "<a href=\"#fn-{n}\" id=\"fnref-{n}\" role=\"doc-noteref\""
                )),
                "{lang}: marker {n}"
            );
            assert!(
                html.contains(&format!("<li id=\"fn-{n}\" value=\"{n}\" lang=\"{tag}\">")),
                "{lang}: note {n}"
            );
            assert!(
                html.contains(&format!("<a href=\"#fnref-{n}\" role=\"doc-backlink\"")),
                "{lang}: back-link {n}"
            );
        }
        // A second marker of the same note has an id of its own.
        assert!(html.contains("id=\"fnref-1-2\""), "{lang}");
        assert!(html.contains("role=\"doc-endnotes\""));
    }
}

#[test]
fn check_names_every_note_problem_at_its_place() {
    let zh = "甲[^a]乙[^gone]。\n\n[^a]: 注释。\n\n[^a]: 又一个。\n\n[^spare]: 没有用到。\n";
    let s = made_up_court(zh, "A[^a].\n\n[^a]: Note.\n");
    let out = s.run(&["check", "report", "--format", "json"]);
    let json = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "a marker without a note is an error");
    let line_col = |needle: &str| {
        let at = zh.find(needle).unwrap();
        let line = zh[..at].matches('\n').count() + 1;
        let col = zh[..at].rsplit('\n').next().unwrap().chars().count() + 1;
        (line, col)
    };
    let problems: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    for (rule, needle, severity) in [
        ("missing-note", "[^gone]", "error"),
        ("duplicate-note", "[^a]: 又", "error"),
        ("unused-note", "[^spare]", "warning"),
    ] {
        let (line, col) = line_col(needle);
        let found = problems.iter().any(|p| {
            p["rule"] == rule
                && p["severity"] == severity
                && p["file"] == "report/zh/01-notes.md"
                && p["line"] == line
                && p["column"] == col
        });
        assert!(found, "{rule} at {line}:{col}\n{json}");
    }
}

#[test]
fn notes_in_glossary_definitions_and_cases_are_checked_in_their_file() {
    let s = made_up_court("正文。\n", "Text.\n");
    let glossary = std::fs::read_to_string(s.report().join("zh/glossary.yaml")).unwrap();
    let line = glossary
        .lines()
        .position(|l| l.trim() == "definition: |-")
        .unwrap()
        + 2;
    let first = glossary.lines().nth(line - 1).unwrap().to_string();
    s.edit(
        "zh/glossary.yaml",
        &format!("{first}\n"),
        &format!("{first}见注[^x]。\n"),
    );
    let out = s.run(&["check", "report"]);
    let text = stderr(&out);
    let col = first.chars().count() + 3;
    assert!(
        text.contains(&format!("zh/glossary.yaml:{line}:{col}")) && text.contains("has no note"),
        "{text}"
    );
    // With the note, it builds, and the note is on the web page and in the PDF.
    s.edit(
        "zh/glossary.yaml",
        "见注[^x]。\n",
        "见注[^x]。\n\n    [^x]: 青山区的注释。\n",
    );
    let out = s.build();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(s.page().contains("青山区的注释。"));
    let pages = pdf_pages(&s, "zh");
    assert_eq!(page_of(&pages, "见注1"), page_of(&pages, "1青山区的注释"));
}

#[test]
fn a_note_is_a_block_whose_translation_is_tracked() {
    let zh = "正文[^a]。\n\n[^a]: 注释。\n";
    let s = made_up_court(zh, "Text[^a].\n\n[^a]: Note.\n");
    let out = s.run(&["check", "report", "--format", "json"]);
    let problems: Vec<serde_json::Value> =
        serde_json::from_str(&String::from_utf8_lossy(&out.stdout)).unwrap();
    let note_line = zh[..zh.find("[^a]:").unwrap()].matches('\n').count() + 1;
    assert!(
        problems.iter().any(
            |p| (p["rule"] == "untranslated" || p["rule"] == "stale-translation")
                && p["file"] == "report/zh/01-notes.md"
                && p["line"] == note_line
        ),
        "{problems:?}"
    );
}
