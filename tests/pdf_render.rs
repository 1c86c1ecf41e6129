//! The Chinese PDF of the repository's report: the published text, Chinese line
//! composition on every line, embedded subset fonts, navigation and metadata, and
//! byte-stable output. The text and the fonts are read back with lopdf, so these
//! checks run everywhere; poppler-utils and qpdf check the same file again where they
//! are installed (and must be under `CI=true`).

mod common;

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use common::*;
use nianbao::chart::{Item, TextRole};
use nianbao::model::{Block, Lang, Report};
use nianbao::render::pdf::{self, Document, Fonts, Line, Role};
use nianbao::script::{NO_END, NO_START};

fn zh_report() -> &'static Report {
    static REPORT: OnceLock<Report> = OnceLock::new();
    REPORT.get_or_init(|| checked_report(Lang::Zh))
}

fn fonts() -> &'static Fonts {
    bundled_fonts()
}

fn rendered() -> &'static pdf::PdfOutput {
    static PDF: OnceLock<pdf::PdfOutput> = OnceLock::new();
    PDF.get_or_init(|| pdf::render(zh_report(), fonts()).unwrap())
}

fn laid_out() -> Document {
    pdf::layout(zh_report(), fonts())
}

/// Lines of running text: not table cells or chart texts (each its own little
/// measure) and not page numbers.
fn is_prose(line: &Line) -> bool {
    !matches!(
        line.role,
        Role::TableCell | Role::ChartText | Role::PageNumber
    )
}

fn is_page_number(line: &str) -> bool {
    let inner = line
        .trim()
        .trim_start_matches('—')
        .trim_end_matches('—')
        .trim();
    line.trim().starts_with('—') && !inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit())
}

#[test]
fn pdf_text_equals_the_published_report() {
    // The published report has no charts: they are drawn from its tables' figures.
    let mut report = zh_report().clone();
    for annex in &mut report.annexes {
        annex.blocks.retain(|b| !matches!(b, Block::Chart(_)));
    }
    let pdf = pdf::render(&report, fonts()).unwrap();
    let pdf: String = pdf_page_texts(&pdf.bytes)
        .iter()
        .map(|page| without_page_number(page))
        .collect();
    let seed = without_whitespace(&seed());
    if pdf != seed {
        let at = pdf
            .chars()
            .zip(seed.chars())
            .position(|(a, b)| a != b)
            .unwrap_or(pdf.chars().count().min(seed.chars().count()));
        let around = |s: &str| {
            s.chars()
                .skip(at.saturating_sub(20))
                .take(60)
                .collect::<String>()
        };
        panic!(
            "the PDF differs from the seed at character {at}:\n  pdf: {}\n seed: {}",
            around(&pdf),
            around(&seed)
        );
    }
}

#[test]
fn pdftotext_reads_the_same_text() {
    let bytes = &rendered().bytes;
    let Some(text) = external_tool(bytes, "pdftotext", &["-raw", "-enc", "UTF-8"]) else {
        return;
    };
    let poppler: String = text.lines().filter(|l| !is_page_number(l)).collect();
    let lopdf: String = pdf_page_texts(bytes)
        .iter()
        .map(|page| without_page_number(page))
        .collect();
    assert!(
        without_whitespace(&poppler) == lopdf,
        "poppler and lopdf read different texts"
    );
}

#[test]
fn every_line_keeps_the_chinese_line_breaking_rules() {
    let doc = laid_out();
    let mut justified = 0;
    for page in &doc.pages {
        for line in page.lines.iter().filter(|l| is_prose(l)) {
            let text = line.text();
            let first = text.chars().next().unwrap();
            let last = text.chars().last().unwrap();
            let at = format!(
                "page {} ({} {:?}): {text}",
                page.number,
                line.span
                    .as_ref()
                    .map(|s| s.file.display().to_string())
                    .unwrap_or_default(),
                line.span.as_ref().map(|s| s.range.clone())
            );
            assert!(!NO_START.contains(first), "line starts with {first}: {at}");
            assert!(!NO_END.contains(last), "line ends with {last}: {at}");
            for unsplit in ["——", "……"] {
                let half = &unsplit[..unsplit.len() / 2];
                assert!(
                    !text.ends_with(half) || text.ends_with(unsplit),
                    "{unsplit} split: {at}"
                );
            }
            if line.justified {
                justified += 1;
                assert!((line.width - line.measure).abs() < 1e-3, "not flush: {at}");
            }
            if line.role == Role::Body && !line.last {
                assert!(line.justified, "an inner line is not justified: {at}");
            }
        }
    }
    assert!(justified > 300, "only {justified} justified lines");
}

#[test]
fn numbers_and_latin_words_are_never_split() {
    let doc = laid_out();
    let lines: Vec<&Line> = doc
        .pages
        .iter()
        .flat_map(|p| &p.lines)
        .filter(|l| is_prose(l))
        .collect();
    for pair in lines.windows(2).filter(|pair| !pair[0].last) {
        let (before, after) = (pair[0].text(), pair[1].text());
        let end = before.chars().last().unwrap();
        let start = after.chars().next().unwrap();
        assert!(
            !(end.is_ascii_alphanumeric() && (start.is_ascii_alphanumeric() || start == '%')),
            "split between lines: {before} / {after}"
        );
        // A number keeps the unit after it (2659亿, 1857件).
        assert!(
            !end.is_ascii_digit() || start.is_ascii(),
            "number and unit split: {before} / {after}"
        );
    }
}

#[test]
fn the_page_follows_gb_t_9704() {
    let doc = laid_out();
    let mm = 72.0 / 25.4;
    for page in &doc.pages {
        let body: Vec<_> = page
            .lines
            .iter()
            .filter(|l| l.role != Role::PageNumber)
            .collect();
        let left = if page.number % 2 == 1 {
            28.0 * mm
        } else {
            26.0 * mm
        };
        for line in &body {
            let own_measure = matches!(line.role, Role::TableCell | Role::ChartText);
            assert!((line.left - left).abs() < 0.5 || own_measure);
            assert!(line.baseline > 37.0 * mm && line.baseline < (37.0 + 225.0) * mm);
        }
        let rows: std::collections::BTreeSet<i64> = body
            .iter()
            .filter(|l| !matches!(l.role, Role::TableCell | Role::ChartText))
            .map(|l| ((l.baseline - 37.0 * mm) / (225.0 * mm / 22.0)).floor() as i64)
            .collect();
        assert!(rows.len() <= 22, "page {}", page.number);
        let last = body.last().unwrap();
        assert!(
            !matches!(last.role, Role::Heading(_)),
            "page {} ends with a heading",
            page.number
        );
    }
    // A full line of body text holds 28 characters.
    let full = doc
        .pages
        .iter()
        .flat_map(|p| &p.lines)
        .filter(|l| l.role == Role::Body && l.justified && !l.first && !l.hanging)
        .map(|l| l.text())
        .find(|t| t.chars().all(|c| !c.is_ascii()))
        .unwrap();
    assert_eq!(full.chars().count(), 28, "{full}");
}

#[test]
fn fonts_are_embedded_subset_and_mapped_to_unicode() {
    let fonts = pdf_fonts(&rendered().bytes);
    assert_eq!(fonts.len(), 5, "{fonts:#?}");
    for font in &fonts {
        assert!(font.embedded && font.subset && font.unicode, "{font:?}");
    }
    let size = rendered().bytes.len();
    assert!(size < 3 * 1024 * 1024, "{size} bytes");
    assert!(rendered().warnings.is_empty(), "{:?}", rendered().warnings);

    // pdffonts, where it is installed, sees the same.
    let Some(listing) = external_tool(&rendered().bytes, "pdffonts", &[]) else {
        return;
    };
    let rows: Vec<&str> = listing.lines().skip(2).collect();
    assert_eq!(rows.len(), 5, "{listing}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let flags = &cols[cols.len() - 5..cols.len() - 2];
        assert_eq!(flags, ["yes", "yes", "yes"], "emb sub uni: {row}");
        assert!(fonts.iter().any(|f| f.name == cols[0]), "{row}");
    }
}

#[test]
fn catalog_outline_and_metadata() {
    let doc = lopdf::Document::load_mem(&rendered().bytes).unwrap();
    assert_eq!(doc.version, "1.7");
    let catalog = doc.catalog().unwrap();
    assert_eq!(
        catalog.get(b"PageMode").unwrap().as_name().unwrap(),
        b"UseOutlines"
    );
    assert_eq!(catalog.get(b"Lang").unwrap().as_str().unwrap(), b"zh-CN");
    assert!(
        catalog.get(b"OutputIntents").is_err(),
        "no PDF/X output intent"
    );
    let info = doc
        .trailer
        .get_deref(b"Info", &doc)
        .unwrap()
        .as_dict()
        .unwrap();
    let text =
        |d: &lopdf::Dictionary, k: &[u8]| lopdf::decode_text_string(d.get(k).unwrap()).unwrap();
    let meta = &zh_report().meta;
    assert_eq!(text(info, b"Title"), meta.title);
    assert_eq!(text(info, b"Author"), meta.court);
    assert!(info.get(b"GTS_PDFXVersion").is_err());

    // The outline: the parts, each holding its numbered sections, then the annexes.
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
    let top = children(outlines);
    let titles: Vec<String> = top.iter().map(|d| text(d, b"Title")).collect();
    assert_eq!(titles[0], "2023年的主要工作", "{titles:?}");
    assert!(
        titles.contains(&"2024年的工作思路".to_string()),
        "{titles:?}"
    );
    for n in 1..=3 {
        assert!(
            titles.iter().any(|t| t.starts_with(&format!("附件{n}"))),
            "{titles:?}"
        );
    }
    let sections: Vec<String> = children(&top[0])
        .iter()
        .map(|d| text(d, b"Title"))
        .collect();
    assert_eq!(sections.len(), 6, "{sections:?}");
    for (section, number) in sections
        .iter()
        .zip(["一、", "二、", "三、", "四、", "五、", "六、"])
    {
        assert!(section.starts_with(number), "{sections:?}");
    }
}

#[test]
fn qpdf_finds_no_errors() {
    let Some(report) = external_tool(&rendered().bytes, "qpdf", &["--check"]) else {
        return;
    };
    assert!(
        report.contains("No syntax or stream encoding errors"),
        "{report}"
    );
}

#[test]
fn two_renders_give_the_same_bytes_in_one_process_and_in_two() {
    let again = pdf::render(zh_report(), fonts()).unwrap();
    assert!(
        again.bytes == rendered().bytes,
        "a second render in this process differs"
    );

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other-process.pdf");
    let output = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "render_for_another_process",
            "--ignored",
            "--nocapture",
        ])
        .env("NIANBAO_TEST_PDF_OUT", &path)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let other = std::fs::read(&path).unwrap();
    assert!(
        other == rendered().bytes,
        "a render in another process differs"
    );
}

#[test]
fn kept_subsets_give_the_same_bytes_as_fresh_ones() {
    let dir = tempfile::tempdir().unwrap();
    let cached = || {
        Fonts::load(&repo().join("fonts"))
            .unwrap()
            .with_subset_cache(pdf::SubsetCache::at(Some(dir.path().to_path_buf())))
    };
    let uncached = Fonts::load(&repo().join("fonts"))
        .unwrap()
        .with_subset_cache(pdf::SubsetCache::at(None));
    let fresh = pdf::render(zh_report(), &uncached).unwrap().bytes;

    let first = pdf::render(zh_report(), &cached()).unwrap().bytes;
    let kept = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(kept, 5, "one subset per face the report uses");
    let second = pdf::render(zh_report(), &cached()).unwrap().bytes;
    assert!(first == fresh, "a render that fills the cache differs");
    assert!(second == fresh, "a render from the cache differs");

    // A damaged entry (cut short, or overwritten) is a miss, never a broken PDF.
    for (n, entry) in std::fs::read_dir(dir.path()).unwrap().enumerate() {
        let path = entry.unwrap().path();
        let mut bytes = std::fs::read(&path).unwrap();
        if n % 2 == 0 {
            bytes.truncate(bytes.len() / 2);
        } else {
            let last = bytes.len() - 1;
            bytes[last] ^= 0xff;
        }
        std::fs::write(&path, bytes).unwrap();
    }
    let after_damage = pdf::render(zh_report(), &cached()).unwrap().bytes;
    assert!(after_damage == fresh, "a damaged cache changed the PDF");

    // Misfiled entries (each whole, checksum intact, under another face's name) are
    // misses too: the PDF is byte for byte the one without a cache.
    let mut entries: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    let contents: Vec<Vec<u8>> = entries.iter().map(|p| std::fs::read(p).unwrap()).collect();
    for (n, path) in entries.iter().enumerate() {
        std::fs::write(path, &contents[(n + 1) % contents.len()]).unwrap();
    }
    let misfiled = pdf::render(zh_report(), &cached()).unwrap().bytes;
    assert!(misfiled == fresh, "a misfiled cache entry changed the PDF");
}

#[test]
fn a_missing_tool_is_skipped_with_one_line_and_fails_under_ci() {
    // The qpdf check again, in a child process whose PATH has no tool at all.
    let empty = tempfile::tempdir().unwrap();
    let run = |ci: Option<&str>| {
        let mut command = Command::new(std::env::current_exe().unwrap());
        command
            .args(["--exact", "qpdf_finds_no_errors", "--test-threads=1"])
            .env("PATH", empty.path())
            .env_remove("CI");
        if let Some(ci) = ci {
            command.env("CI", ci);
        }
        command.output().unwrap()
    };
    let output = run(None);
    let messages = stderr(&output);
    assert!(output.status.success(), "{messages}");
    let skipped: Vec<&str> = messages
        .lines()
        .filter(|l| l.starts_with("skipped: "))
        .collect();
    assert_eq!(
        skipped,
        ["skipped: the qpdf check of qpdf_finds_no_errors (qpdf is not installed)"],
        "{messages}"
    );
    let output = run(Some("true"));
    assert!(
        !output.status.success(),
        "under CI=true a missing tool fails"
    );
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(said.contains("and CI=true"), "{said}");
}

/// Helper for the test above, run in a child process.
#[test]
#[ignore = "run by two_renders_give_the_same_bytes_in_one_process_and_in_two"]
fn render_for_another_process() {
    let Some(path) = std::env::var_os("NIANBAO_TEST_PDF_OUT") else {
        return;
    };
    std::fs::write(Path::new(&path), &rendered().bytes).unwrap();
}

#[test]
fn the_annex_pages_hold_the_three_charts_as_vector_drawings() {
    let doc = laid_out();
    let bytes = &rendered().bytes;
    let pdf = lopdf::Document::load_mem(bytes).unwrap();
    let page_ids: Vec<_> = pdf.get_pages().into_values().collect();
    let page_texts = pdf_page_texts(bytes);
    let mut titles = Vec::new();
    for page in doc.pages.iter().filter(|p| !p.drawings.is_empty()) {
        let number = page.number.to_string();
        let text = without_whitespace(&page_texts[page.number - 1]);
        let ops = pdf
            .get_and_decode_page_content(page_ids[page.number - 1])
            .unwrap()
            .operations;
        let rects: Vec<f32> = ops
            .iter()
            .filter(|op| op.operator == "re")
            .map(|op| op.operands[2].as_float().unwrap())
            .collect();
        for placed in &page.drawings {
            let drawing = &placed.drawing;
            assert!(placed.left >= page.block_left() - 0.01);
            assert!(
                placed.left + drawing.width <= page.block_left() + pdf::layout::BLOCK_WIDTH + 0.01
            );
            // Every text of the chart is on the page, in the embedded fonts.
            for item in &drawing.items {
                if let Item::Text(t) = item {
                    assert!(
                        text.contains(&without_whitespace(&t.text)),
                        "page {number}: `{}` is not extractable",
                        t.text
                    );
                    if t.role == TextRole::Title {
                        titles.push(t.text.clone());
                    }
                }
            }
            // Every bar is a filled rectangle of its width in the content stream.
            for item in &drawing.items {
                if let Item::Rect {
                    width,
                    mark: Some(_),
                    ..
                } = item
                {
                    assert!(
                        rects.iter().any(|w| (w - width).abs() < 0.01),
                        "page {number}: no `re` {width} wide"
                    );
                }
            }
        }
    }
    assert_eq!(
        titles,
        [
            "2023年海淀法院各类案件结案数",
            "海淀法院2023年与2022年收案对比",
            "海淀法院2023年与2022年结案对比"
        ]
    );
    // Charts stand in 附件1, after the tables they draw.
    let outline = &doc.outline;
    let annex_1 = outline
        .iter()
        .find(|e| e.title.starts_with("附件1"))
        .unwrap();
    let annex_2 = outline
        .iter()
        .find(|e| e.title.starts_with("附件2"))
        .unwrap();
    for page in doc.pages.iter().filter(|p| !p.drawings.is_empty()) {
        assert!(page.number > annex_1.page && page.number <= annex_2.page);
    }
}

#[test]
fn no_glyph_has_ink_outside_the_text_block() {
    let outside = ink_outside_the_text_block(&rendered().bytes);
    assert!(
        outside.is_empty(),
        "{} glyphs outside:\n{}",
        outside.len(),
        outside.join("\n")
    );
}
