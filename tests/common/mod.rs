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
