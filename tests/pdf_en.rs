//! The English PDF of the repository's report: every paragraph's words in order,
//! justified Latin lines none of which is overfull, the same structure as the
//! Chinese PDF (outline, annexes, tables), embedded subset fonts, and byte-stable
//! output. The text and fonts are read back with lopdf, so these checks run
//! everywhere; poppler-utils and qpdf check the same file again where installed (and
//! must be under `CI=true`).

mod common;

use std::sync::OnceLock;

use common::*;
use nianbao::model::{Block, Lang, Report, plain_text};
use nianbao::render::pdf::layout::LOOSE_LIMIT;
use nianbao::render::pdf::{self, Document, Face, Fonts, Role};

fn en_report() -> &'static Report {
    static REPORT: OnceLock<Report> = OnceLock::new();
    REPORT.get_or_init(|| checked_report(Lang::En))
}

fn fonts() -> &'static Fonts {
    bundled_fonts()
}

fn rendered() -> &'static pdf::PdfOutput {
    static PDF: OnceLock<pdf::PdfOutput> = OnceLock::new();
    PDF.get_or_init(|| pdf::render(en_report(), fonts()).unwrap())
}

fn laid_out() -> &'static Document {
    static DOC: OnceLock<Document> = OnceLock::new();
    DOC.get_or_init(|| pdf::layout(en_report(), fonts()))
}

/// Runs a poppler or qpdf tool on the rendered file; `None` if it is not installed.
fn tool(program: &str, args: &[&str]) -> Option<String> {
    external_tool(&rendered().bytes, program, args)
}

/// Whitespace collapsed to single spaces, and none after a hyphen or dash: a
/// line may end after "high-" and go on with "quality".
fn normalise(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::with_capacity(collapsed.len());
    let mut previous = ' ';
    for c in collapsed.chars() {
        if c == ' ' && matches!(previous, '-' | '–' | '—' | '/') {
            continue;
        }
        out.push(c);
        previous = c;
    }
    out
}

fn is_page_number(line: &str) -> bool {
    let inner = line.trim().trim_matches('—').trim();
    line.trim().starts_with('—') && !inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit())
}

/// The text of every paragraph-like block of the model, in document order.
fn expected_texts(report: &Report) -> Vec<String> {
    let mut texts = vec![
        report.meta.title.clone(),
        report.meta.speaker.clone(),
        report.meta.salutation.clone(),
    ];
    let mut add = |block: &Block| match block {
        Block::Heading(h) => texts.push(plain_text(&h.content)),
        Block::Paragraph(p) => {
            let lead = p.lead.as_deref().map(plain_text).unwrap_or_default();
            texts.push(format!("{lead} {}", plain_text(&p.content)));
        }
        Block::List(l) => texts.extend(l.items.iter().map(|i| plain_text(i))),
        Block::Table(t) => {
            texts.extend(t.title.clone());
            texts.extend(t.unit.clone());
            texts.extend(t.caption.clone());
        }
        Block::Figure(f) => texts.push(f.caption.clone()),
        // Chart texts are checked where the charts are (tests/charts.rs).
        Block::Chart(_) => {}
        Block::Glossary(entries) => {
            for e in entries {
                texts.push(format!(
                    "{}. {}: {}",
                    e.number,
                    e.term,
                    plain_text(&e.definition)
                ));
            }
        }
        Block::Cases(cases) => {
            for c in cases {
                texts.push(format!(
                    "{}. {}: {}",
                    c.number,
                    c.title,
                    plain_text(&c.body)
                ));
            }
        }
        Block::Notes(notes) => texts.extend(notes.iter().map(|n| plain_text(&n.content))),
    };
    for block in &report.body {
        add(block);
    }
    for annex in &report.annexes {
        add(&Block::Paragraph(nianbao::model::Paragraph {
            lead: None,
            content: vec![nianbao::model::Inline::Text(format!(
                "{} {}",
                annex.label, annex.title
            ))],
            span: nianbao::model::SourceSpan::new("t.md", 0..0),
        }));
        for block in &annex.blocks {
            add(block);
        }
    }
    texts.retain(|t| !t.trim().is_empty());
    texts
}

#[test]
fn every_paragraph_is_in_the_pdf_text_in_order() {
    // Read with lopdf, compared without whitespace (font changes add spaces).
    let pdf: String = pdf_page_texts(&rendered().bytes)
        .iter()
        .map(|page| without_page_number(page))
        .collect();
    let mut from = 0;
    let texts = expected_texts(en_report());
    assert!(texts.len() > 100, "{} texts", texts.len());
    for expected in texts {
        let want = without_whitespace(&expected);
        match pdf[from..].find(&want) {
            Some(at) => from += at + want.len(),
            None => {
                let context: String = pdf[from..].chars().take(300).collect();
                panic!("not found in order: {want}\nPDF continues: {context}");
            }
        }
    }
}

#[test]
fn pdftotext_finds_every_paragraph_in_order_with_its_spaces() {
    let Some(text) = tool("pdftotext", &["-raw", "-enc", "UTF-8"]) else {
        return;
    };
    let body: String = text
        .lines()
        .filter(|l| !is_page_number(l))
        .collect::<Vec<_>>()
        .join("\n");
    let pdf = normalise(&body);
    let mut from = 0;
    let texts = expected_texts(en_report());
    assert!(texts.len() > 100, "{} texts", texts.len());
    for expected in texts {
        let want = normalise(&expected);
        match pdf[from..].find(&want) {
            Some(at) => from += at + want.len(),
            None => {
                let words: Vec<&str> = want.split(' ').collect();
                // Find how far the paragraph matches, to show where it goes wrong.
                let mut good = 0;
                while good < words.len() && pdf[from..].contains(&words[..=good].join(" ")) {
                    good += 1;
                }
                let context: String = pdf[from..].chars().take(300).collect();
                panic!(
                    "not found in order: {want}\nmatches up to: {}\nPDF continues: {context}",
                    words[..good].join(" ")
                );
            }
        }
    }
}

#[test]
fn no_line_is_wider_than_its_measure_and_inner_lines_are_justified() {
    let doc = laid_out();
    let (mut justified, mut ragged, mut body_lines) = (0, 0, 0);
    for page in &doc.pages {
        for line in &page.lines {
            let at = format!("page {}: {}", page.number, line.text());
            if line.role == Role::PageNumber {
                continue;
            }
            assert!(line.width <= line.measure + 1e-3, "overfull: {at}");
            let last = line.glyphs.last().unwrap();
            let right = line.left + line.measure;
            assert!(last.x < right, "a glyph starts past the measure: {at}");
            assert!(!line.hanging, "nothing hangs in English: {at}");
            let text = line.text();
            assert_eq!(text.trim(), text, "spaces at a line end: {at}");
            if line.justified {
                justified += 1;
                assert!((line.width - line.measure).abs() < 1e-3, "not flush: {at}");
            }
            if line.role == Role::Body {
                body_lines += 1;
                if !line.last && !line.justified {
                    ragged += 1;
                }
            }
        }
    }
    assert!(justified > 500, "only {justified} justified lines");
    // Lines too loose to justify are set ragged; there should be almost none.
    assert!(
        ragged * 100 <= body_lines,
        "{ragged} of {body_lines} inner body lines are ragged"
    );
}

#[test]
fn justified_spaces_stay_within_the_looseness_limit() {
    // The widest gap between words, found from the glyph positions: a space
    // glyph is followed by the next word at most (0.25 + 0.125 × limit) em on.
    let doc = laid_out();
    let limit = 0.25 + 0.125 * LOOSE_LIMIT;
    let mut widest: f32 = 0.0;
    for line in doc.pages.iter().flat_map(|p| &p.lines) {
        if !line.justified {
            continue;
        }
        for pair in line.glyphs.windows(2) {
            if pair[0].ch == ' ' {
                let gap = (pair[1].x - pair[0].x) / pair[0].size;
                widest = widest.max(gap);
                assert!(
                    gap <= limit + 1e-3,
                    "a {gap:.2} em space in: {}",
                    line.text()
                );
            }
        }
    }
    assert!(widest > 0.25, "the spaces never stretch ({widest})");
}

#[test]
fn page_geometry_matches_the_chinese_pdf() {
    let doc = laid_out();
    let mm = 72.0 / 25.4;
    assert!(doc.pages.len() > 10, "{} pages", doc.pages.len());
    for page in &doc.pages {
        let left = if page.number % 2 == 1 {
            28.0 * mm
        } else {
            26.0 * mm
        };
        for line in &page.lines {
            if line.role == Role::PageNumber {
                assert_eq!(line.text(), format!("— {} —", page.number));
                let (start, end) = (line.left, line.left + line.width);
                if page.number % 2 == 1 {
                    assert!(end > left + 120.0 * mm, "odd pages: number on the right");
                } else {
                    assert!(start < left + 30.0 * mm, "even pages: number on the left");
                }
                continue;
            }
            assert!(line.left + 1e-3 >= left, "page {}", page.number);
            assert!(line.left + line.measure <= left + 156.0 * mm + 1e-3);
            assert!(line.baseline > 37.0 * mm && line.baseline < (37.0 + 225.0) * mm);
        }
        let last = page
            .lines
            .iter()
            .rev()
            .find(|l| l.role != Role::PageNumber)
            .unwrap();
        assert!(
            !matches!(last.role, Role::Heading(_)),
            "page {} ends with a heading",
            page.number
        );
    }
    // Body text is set in the Latin faces; headings and lead-ins in bold.
    let lines: Vec<_> = doc.pages.iter().flat_map(|p| &p.lines).collect();
    let faces = |role: Role| -> std::collections::BTreeSet<Face> {
        lines
            .iter()
            .filter(|l| l.role == role)
            .flat_map(|l| &l.glyphs)
            .map(|g| g.face)
            .collect()
    };
    assert!(faces(Role::Body).contains(&Face::Serif));
    assert!(faces(Role::Body).contains(&Face::SerifBold), "lead-ins");
    assert!(
        faces(Role::Body).contains(&Face::SerifItalic),
        "titles of laws"
    );
    assert_eq!(faces(Role::Heading(2)), [Face::SerifBold].into());
    assert!(rendered().warnings.is_empty(), "{:?}", rendered().warnings);
}

#[test]
fn annexes_open_pages_and_tables_repeat_their_headers() {
    let doc = laid_out();
    for annex in &en_report().annexes {
        let page = doc
            .pages
            .iter()
            .find(|p| p.lines.iter().any(|l| l.text() == annex.label))
            .unwrap_or_else(|| panic!("{} is not set", annex.label));
        assert_eq!(page.lines[0].role, Role::AnnexLabel);
        assert_eq!(page.lines[1].role, Role::AnnexTitle);
        assert_eq!(page.lines[1].text(), annex.title);
    }
    // Every page holding table cells after the first opens its table with the header.
    let table_pages: Vec<_> = doc
        .pages
        .iter()
        .filter(|p| p.lines.iter().any(|l| l.role == Role::TableCell))
        .collect();
    assert!(!table_pages.is_empty());
    for page in table_pages {
        assert!(!page.rules.is_empty(), "page {} has no rules", page.number);
    }
    // Numbers in body cells are set flush right.
    let numeric = doc
        .pages
        .iter()
        .flat_map(|p| &p.lines)
        .filter(|l| l.role == Role::TableCell && l.glyphs[0].face == Face::Serif)
        .filter(|l| {
            let t = l.text();
            !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || c == ',')
        })
        .collect::<Vec<_>>();
    assert!(numeric.len() > 10);
    for cell in numeric {
        assert!(
            (cell.width - cell.measure).abs() < 0.5,
            "not flush right: {}",
            cell.text()
        );
    }
}

#[test]
fn catalog_outline_and_metadata() {
    let doc = lopdf::Document::load_mem(&rendered().bytes).unwrap();
    let catalog = doc.catalog().unwrap();
    assert_eq!(catalog.get(b"Lang").unwrap().as_str().unwrap(), b"en");
    let info = doc
        .trailer
        .get_deref(b"Info", &doc)
        .unwrap()
        .as_dict()
        .unwrap();
    let text =
        |d: &lopdf::Dictionary, k: &[u8]| lopdf::decode_text_string(d.get(k).unwrap()).unwrap();
    let report = en_report();
    assert_eq!(text(info, b"Title"), report.meta.title);
    assert_eq!(text(info, b"Author"), report.meta.court);

    let outlines = catalog
        .get_deref(b"Outlines", &doc)
        .unwrap()
        .as_dict()
        .unwrap();
    let children = |d: &lopdf::Dictionary| {
        let mut out = Vec::new();
        let mut next = d.get(b"First").ok().map(|o| o.as_reference().unwrap());
        while let Some(id) = next {
            let item = doc.get_dictionary(id).unwrap();
            out.push(item.clone());
            next = item.get(b"Next").ok().map(|o| o.as_reference().unwrap());
        }
        out
    };
    // The outline, flattened in document order, is the level-1 and level-2
    // headings, then the annexes.
    let mut expected: Vec<(u8, String)> = report
        .body
        .iter()
        .filter_map(|b| match b {
            Block::Heading(h) if h.level <= 2 => Some((h.level, plain_text(&h.content))),
            _ => None,
        })
        .collect();
    expected.extend(
        report
            .annexes
            .iter()
            .map(|a| (1, format!("{} {}", a.label, a.title))),
    );
    let mut found = Vec::new();
    for top in children(outlines) {
        found.push((1, text(&top, b"Title")));
        for child in children(&top) {
            found.push((2, text(&child, b"Title")));
        }
    }
    assert_eq!(found, expected);
    assert!(found.iter().any(|(_, t)| t == "Main Work in 2023"));
    assert_eq!(found.iter().filter(|(l, _)| *l == 2).count(), 6);
}

#[test]
fn fonts_are_embedded_subset_and_mapped_to_unicode() {
    let fonts = pdf_fonts(&rendered().bytes);
    assert!(fonts.len() >= 3, "{fonts:#?}");
    for font in &fonts {
        assert!(font.embedded && font.subset && font.unicode, "{font:?}");
    }
    for face in [
        "LiberationSerif",
        "LiberationSerif-Bold",
        "LiberationSerif-Italic",
    ] {
        assert!(
            fonts.iter().any(|f| f.name[7..] == *face),
            "{face} missing: {fonts:#?}"
        );
    }
    let size = rendered().bytes.len();
    assert!(size < 3 * 1024 * 1024, "{size} bytes");
}

#[test]
fn pdffonts_sees_the_same_fonts() {
    let Some(listing) = tool("pdffonts", &[]) else {
        return;
    };
    let rows: Vec<&str> = listing.lines().skip(2).collect();
    assert!(rows.len() >= 3, "{listing}");
    for row in &rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let flags = &cols[cols.len() - 5..cols.len() - 2];
        assert_eq!(flags, ["yes", "yes", "yes"], "emb sub uni: {row}");
        assert_eq!(cols[0].find('+'), Some(6), "subset tag: {row}");
    }
    for face in [
        "LiberationSerif",
        "LiberationSerif-Bold",
        "LiberationSerif-Italic",
    ] {
        assert!(
            rows.iter()
                .any(|r| r.split_whitespace().next().unwrap()[7..] == *face),
            "{face} missing:\n{listing}"
        );
    }
    let size = rendered().bytes.len();
    assert!(size < 3 * 1024 * 1024, "{size} bytes");
}

#[test]
fn qpdf_finds_no_errors() {
    let Some(report) = tool("qpdf", &["--check"]) else {
        return;
    };
    assert!(
        report.contains("No syntax or stream encoding errors"),
        "{report}"
    );
}

#[test]
fn two_renders_give_the_same_bytes() {
    let again = pdf::render(en_report(), fonts()).unwrap();
    assert!(again.bytes == rendered().bytes, "a second render differs");
}
