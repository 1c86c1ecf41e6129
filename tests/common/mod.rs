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
