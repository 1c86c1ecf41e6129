//! Helpers shared by the integration tests: a scratch copy of the project, the
//! command, and the visible text of a page.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository's report in `lang`, checked; a report with errors fails the test
/// with its problems.
pub fn checked_report(lang: nianbao::model::Lang) -> nianbao::model::Report {
    let project = nianbao::Project::at(repo().join("report"));
    let checked = nianbao::check(&project);
    assert!(
        !checked.has_errors(),
        "{}",
        checked.render_problems(&project.report_dir)
    );
    checked
        .reports
        .into_iter()
        .find(|r| r.lang == lang)
        .unwrap_or_else(|| panic!("no {lang:?} report"))
}

/// The bundled fonts, mapped once per test binary.
pub fn bundled_fonts() -> &'static nianbao::render::pdf::Fonts {
    static FONTS: std::sync::OnceLock<nianbao::render::pdf::Fonts> = std::sync::OnceLock::new();
    FONTS.get_or_init(|| nianbao::render::pdf::Fonts::load(&repo().join("fonts")).unwrap())
}

/// The project's own top folder.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A scratch project: a copy of `report/` that the test may edit, with the real
/// `templates/` and `fonts/` linked beside it.
pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Scratch {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&repo().join("report"), &dir.path().join("report"));
        for shared in ["templates", "fonts"] {
            std::os::unix::fs::symlink(repo().join(shared), dir.path().join(shared)).unwrap();
        }
        Scratch { dir }
    }

    pub fn report(&self) -> PathBuf {
        self.dir.path().join("report")
    }

    pub fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    /// Replace `old` (which must occur exactly once) with `new` in a report file.
    pub fn edit(&self, file: &str, old: &str, new: &str) {
        let path = self.report().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text.matches(old).count(),
            1,
            "`{old}` must occur once in {file}"
        );
        std::fs::write(&path, text.replacen(old, new, 1)).unwrap();
    }

    /// Run `nianbao ARGS` in the scratch folder.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_nianbao"))
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap()
    }

    pub fn build(&self) -> Output {
        self.run(&["build", "report", "-o", "out"])
    }

    pub fn page(&self) -> String {
        std::fs::read_to_string(self.out().join("zh/index.html")).unwrap()
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Remove every element `<tag …>…</tag>` (not nested) from `html`.
pub fn remove_elements(html: &str, open: &str, close: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find(open) {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find(close)
            .map_or(rest.len(), |e| start + e + close.len());
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The text a reader sees in the body, tags dropped and entities decoded.
pub fn visible_text(html: &str) -> String {
    let body = &html[html.find("<body").unwrap()..];
    let mut text = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

pub fn without_whitespace(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The seed report, as the research office published it.
pub fn seed() -> String {
    std::fs::read_to_string(repo().join("tests/fixtures/seed.txt")).unwrap()
}

/// Every file below `dir` with its bytes (nothing if `dir` is missing).
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                files.insert(path.strip_prefix(dir).unwrap().to_path_buf(), bytes);
            }
        }
    }
    files
}

/// The text of each page of a PDF, read with lopdf through the fonts' ToUnicode maps,
/// so that the PDF text checks run on a machine with only the Rust toolchain.
pub fn pdf_page_texts(pdf: &[u8]) -> Vec<String> {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let pages = doc.get_pages().len() as u32;
    (1..=pages)
        .map(|n| doc.extract_text(&[n]).unwrap())
        .collect()
}

/// A page's text without whitespace and without its page number (`—3—`).
pub fn without_page_number(text: &str) -> String {
    let text = without_whitespace(text);
    if let Some(rest) = text.strip_suffix('—')
        && let Some(at) = rest.rfind('—')
        && !rest[at + '—'.len_utf8()..].is_empty()
        && rest[at + '—'.len_utf8()..]
            .chars()
            .all(|c| c.is_ascii_digit())
    {
        return rest[..at].to_string();
    }
    text
}

/// A font a PDF's pages use, as `pdffonts` lists it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PdfFont {
    /// `/BaseFont`, with its subset tag (`ABCDEF+FandolFang-Regular`).
    pub name: String,
    /// The font program is in the file (`FontFile`, `FontFile2` or `FontFile3`).
    pub embedded: bool,
    /// A six-letter tag and `+` before the name: the font is a subset.
    pub subset: bool,
    /// A `/ToUnicode` map turns its glyphs back into text.
    pub unicode: bool,
}

/// Every font the pages of a PDF use, each once, read with lopdf.
pub fn pdf_fonts(pdf: &[u8]) -> Vec<PdfFont> {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let mut fonts = std::collections::BTreeSet::new();
    for page in doc.get_pages().into_values() {
        for font in doc.get_page_fonts(page).unwrap().into_values() {
            let name = String::from_utf8_lossy(font.get(b"BaseFont").unwrap().as_name().unwrap())
                .into_owned();
            // A composite font's program sits in its descendant's descriptor.
            let descendant = font
                .get_deref(b"DescendantFonts", &doc)
                .ok()
                .and_then(|d| d.as_array().ok())
                .and_then(|a| a.first())
                .and_then(|d| doc.dereference(d).ok())
                .and_then(|(_, d)| d.as_dict().ok());
            let descriptor = descendant
                .unwrap_or(font)
                .get_deref(b"FontDescriptor", &doc)
                .ok()
                .and_then(|d| d.as_dict().ok());
            let embedded = descriptor.is_some_and(|d| {
                [&b"FontFile"[..], b"FontFile2", b"FontFile3"]
                    .iter()
                    .any(|key| d.get(key).is_ok())
            });
            let tag = name.split_once('+').map_or("", |(tag, _)| tag);
            fonts.insert(PdfFont {
                subset: tag.len() == 6 && tag.chars().all(|c| c.is_ascii_uppercase()),
                unicode: font.get(b"ToUnicode").is_ok(),
                embedded,
                name,
            });
        }
    }
    fonts.into_iter().collect()
}

/// Runs an external PDF checker (poppler-utils' `pdftotext` or `pdffonts`, `qpdf`) on
/// `pdf`, if it is installed. If it is not, says so in one line and returns `None`,
/// so that `cargo test` passes with only the Rust toolchain; but under `CI=true` a
/// missing tool fails the test, so that CI keeps every check.
pub fn external_tool(pdf: &[u8], program: &str, args: &[&str]) -> Option<String> {
    use std::io::Write as _;
    let package = if program == "qpdf" {
        "qpdf"
    } else {
        "poppler-utils"
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, pdf).unwrap();
    let mut command = Command::new(program);
    command.args(args).arg(&path);
    if program == "pdftotext" {
        command.arg("-");
    }
    let output = match command.output() {
        Ok(output) => output,
        Err(e) if std::env::var_os("CI").is_some_and(|v| v == "true") => panic!(
            "{program} ({package}) cannot be run ({e}), and CI=true: CI runs every check (apt-get install {package})"
        ),
        Err(_) => {
            // Straight to the terminal: the test harness captures only print macros.
            let _ = writeln!(
                std::io::stderr(),
                "skipped: the {program} check of {} ({package} is not installed)",
                std::thread::current().name().unwrap_or("a test")
            );
            return None;
        }
    };
    assert!(output.status.success(), "{program}: {}", stderr(&output));
    Some(String::from_utf8(output.stdout).unwrap())
}

/// A glyph as a PDF page draws it, read back from the content stream with lopdf:
/// its character (through the font's ToUnicode map), and its ink box in pt from the
/// page's top-left corner (from the bundled font's outline of that character).
#[derive(Debug, Clone)]
pub struct InkedGlyph {
    pub ch: char,
    pub font: String,
    pub size: f32,
    /// The glyph origin on the baseline.
    pub x: f32,
    pub baseline: f32,
    pub ink_left: f32,
    pub ink_right: f32,
    pub ink_top: f32,
}

/// Every glyph of every page of `pdf` (a PDF of this project's writer, which shows
/// text with `Tf`, `Tm` and `TJ` only), with its ink box.
pub fn pdf_glyphs(pdf: &[u8]) -> Vec<Vec<InkedGlyph>> {
    use lopdf::Object;
    let faces = bundled_outlines();
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let mut pages = Vec::new();
    for page_id in doc.get_pages().into_values() {
        let (_, page_height) = page_size(&doc, page_id);
        let mut fonts = BTreeMap::new();
        for (resource, font) in doc.get_page_fonts(page_id).unwrap() {
            let name = String::from_utf8_lossy(font.get(b"BaseFont").unwrap().as_name().unwrap())
                .into_owned();
            let name = name
                .split_once('+')
                .map_or(name.clone(), |(_, n)| n.to_string());
            let unicode = font
                .get_deref(b"ToUnicode", &doc)
                .unwrap()
                .as_stream()
                .unwrap()
                .decompressed_content()
                .unwrap();
            let descendant = font
                .get_deref(b"DescendantFonts", &doc)
                .unwrap()
                .as_array()
                .unwrap()[0]
                .clone();
            let descendant = doc.dereference(&descendant).unwrap().1.as_dict().unwrap();
            let widths = cid_widths(descendant.get_deref(b"W", &doc).unwrap(), &doc);
            fonts.insert(resource, (name, to_unicode(&unicode), widths));
        }
        let content = doc.get_page_content(page_id);
        let content = lopdf::content::Content::decode(&content).unwrap();
        let number = |o: &Object| match o {
            Object::Integer(i) => *i as f32,
            Object::Real(r) => *r,
            _ => panic!("not a number: {o:?}"),
        };
        let (mut font, mut size, mut x, mut y) = (None, 0.0f32, 0.0f32, 0.0f32);
        let mut glyphs = Vec::new();
        for op in &content.operations {
            match op.operator.as_str() {
                "Tf" => {
                    font = Some(op.operands[0].as_name().unwrap().to_vec());
                    size = number(&op.operands[1]);
                }
                "Tm" => {
                    x = number(&op.operands[4]);
                    y = number(&op.operands[5]);
                }
                "TJ" => {
                    let (name, unicode, widths) = &fonts[font.as_ref().unwrap()];
                    for item in op.operands[0].as_array().unwrap() {
                        match item {
                            Object::String(bytes, _) => {
                                for pair in bytes.chunks(2) {
                                    let code = u16::from_be_bytes([pair[0], pair[1]]);
                                    let ch = unicode[&code];
                                    let (l, r, top) = faces
                                        .get(name)
                                        .and_then(|f| ink_of(f, ch))
                                        .unwrap_or((0.0, 0.0, 0.0));
                                    let baseline = page_height - y;
                                    glyphs.push(InkedGlyph {
                                        ch,
                                        font: name.clone(),
                                        size,
                                        x,
                                        baseline,
                                        ink_left: x + l * size,
                                        ink_right: x + r * size,
                                        ink_top: baseline - top * size,
                                    });
                                    x += widths.get(&code).copied().unwrap_or(0.0) * size / 1000.0;
                                }
                            }
                            other => x -= number(other) * size / 1000.0,
                        }
                    }
                }
                _ => {}
            }
        }
        pages.push(glyphs);
    }
    pages
}

fn page_size(doc: &lopdf::Document, page: lopdf::ObjectId) -> (f32, f32) {
    let dict = doc.get_dictionary(page).unwrap();
    let b = dict.get(b"MediaBox").unwrap().as_array().unwrap();
    let n = |o: &lopdf::Object| o.as_float().unwrap_or_else(|_| o.as_i64().unwrap() as f32);
    (n(&b[2]), n(&b[3]))
}

/// A `/W` array: `c [w1 w2 …]` and `c1 c2 w` entries.
fn cid_widths(w: &lopdf::Object, doc: &lopdf::Document) -> BTreeMap<u16, f32> {
    let items = w.as_array().unwrap();
    let n = |o: &lopdf::Object| o.as_float().unwrap_or_else(|_| o.as_i64().unwrap() as f32);
    let mut out = BTreeMap::new();
    let mut i = 0;
    while i < items.len() {
        let first = items[i].as_i64().unwrap() as u16;
        match doc.dereference(&items[i + 1]).unwrap().1 {
            lopdf::Object::Array(list) => {
                for (k, w) in list.iter().enumerate() {
                    out.insert(first + k as u16, n(w));
                }
                i += 2;
            }
            last => {
                let last = last.as_i64().unwrap() as u16;
                for c in first..=last {
                    out.insert(c, n(&items[i + 2]));
                }
                i += 3;
            }
        }
    }
    out
}

/// A ToUnicode map's `bfchar` entries (`<0001> <4E00>`), code to character.
fn to_unicode(cmap: &[u8]) -> BTreeMap<u16, char> {
    let text = String::from_utf8_lossy(cmap);
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let hex: Vec<&str> = line
            .split(['<', '>'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        if hex.len() == 2
            && let (Ok(code), Ok(unit)) = (
                u16::from_str_radix(hex[0], 16),
                u32::from_str_radix(hex[1], 16),
            )
            && let Some(ch) = char::from_u32(unit)
        {
            out.insert(code, ch);
        }
    }
    out
}

/// The bundled font files by PostScript name.
fn bundled_outlines() -> &'static BTreeMap<String, Vec<u8>> {
    static FACES: std::sync::OnceLock<BTreeMap<String, Vec<u8>>> = std::sync::OnceLock::new();
    FACES.get_or_init(|| {
        let mut faces = BTreeMap::new();
        for entry in std::fs::read_dir(repo().join("fonts")).unwrap() {
            let path = entry.unwrap().path();
            if !matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("ttf" | "otf")
            ) {
                continue;
            }
            let data = std::fs::read(&path).unwrap();
            let face = ttf_parser::Face::parse(&data, 0).unwrap();
            let name = face
                .names()
                .into_iter()
                .find(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME && n.is_unicode())
                .and_then(|n| n.to_string())
                .unwrap();
            faces.insert(name, data);
        }
        faces
    })
}

/// Left, right and top of `ch`'s ink in `font`, in em from the glyph origin.
fn ink_of(font: &[u8], ch: char) -> Option<(f32, f32, f32)> {
    let face = ttf_parser::Face::parse(font, 0).ok()?;
    let upm = f32::from(face.units_per_em());
    let bbox = face.glyph_bounding_box(face.glyph_index(ch)?)?;
    Some((
        f32::from(bbox.x_min) / upm,
        f32::from(bbox.x_max) / upm,
        f32::from(bbox.y_max) / upm,
    ))
}

/// Every glyph of `pdf` whose ink stands outside the GB/T 9704 text block (156 mm
/// from the binding margin, which alternates sides; 37 mm from the top), as
/// "page N: c at x mm" — empty when none does. Page numbers, below the block, are
/// checked across only.
pub fn ink_outside_the_text_block(pdf: &[u8]) -> Vec<String> {
    let mm = 72.0 / 25.4;
    let mut outside = Vec::new();
    for (i, glyphs) in pdf_glyphs(pdf).iter().enumerate() {
        let number = i + 1;
        let left = if number % 2 == 1 { 28.0 } else { 26.0 } * mm;
        let right = left + 156.0 * mm;
        let (top, bottom) = (37.0 * mm, (37.0 + 225.0) * mm);
        for g in glyphs.iter().filter(|g| !g.ch.is_whitespace()) {
            let across = g.ink_left < left - 0.05 || g.ink_right > right + 0.05;
            let down = g.baseline <= bottom && g.ink_top < top - 0.05;
            if across || down {
                outside.push(format!(
                    "page {number}: {} ({}) ink {:.1}–{:.1} mm, top {:.1} mm",
                    g.ch,
                    g.font,
                    g.ink_left / mm,
                    g.ink_right / mm,
                    g.ink_top / mm
                ));
            }
        }
    }
    outside
}
