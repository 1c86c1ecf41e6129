//! Stage 1, **load**: read `report/` into [`Sources`].
//!
//! Every file's text is kept with its path so that later stages can point at a line.
//! YAML is parsed here (and only here) into the plain structs below; nothing is
//! computed or cross-checked yet.

mod yaml;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::check::{Diagnostic, Location};
use crate::model::Lang;
pub use yaml::locate_key;

/// The manifest file every report folder holds.
pub const MANIFEST: &str = "report.yaml";
/// The caseload figures.
pub const CASELOAD: &str = "data/caseload.yaml";
/// The annex table definitions.
pub const TABLES: &str = "data/tables.yaml";

/// Everything read from a report folder.
#[derive(Debug, Clone)]
pub struct Sources {
    pub root: PathBuf,
    /// Text of every file read, by path relative to `root`.
    pub files: BTreeMap<PathBuf, String>,
    pub manifest: Manifest,
    pub caseload: Caseload,
    pub tables: Vec<TableSpec>,
    /// One edition per language of `report.yaml`, the source language first.
    pub editions: Vec<Edition>,
}

/// What one language contributes: its prose, glossary, cases and labels.
#[derive(Debug, Clone)]
pub struct Edition {
    pub lang: Lang,
    /// Section files in reading order, e.g. `zh/00-opening.md`.
    pub sections: Vec<PathBuf>,
    pub annexes: Vec<AnnexSource>,
    pub labels: Labels,
}

/// The texts of a language that are not prose: front matter, annex titles, the names
/// of case categories and the texts of tables. For the source language they come from
/// `report.yaml`, `data/caseload.yaml` and `data/tables.yaml`; for a translation from
/// its `labels.yaml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Labels {
    pub court: String,
    pub title: String,
    pub occasion: Vec<String>,
    pub speaker: Speaker,
    pub salutation: String,
    pub annexes: Vec<AnnexLabels>,
    pub categories: BTreeMap<String, CategoryLabels>,
    pub tables: BTreeMap<String, TableLabels>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnnexLabels {
    pub label: String,
    pub title: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryLabels {
    pub short: String,
    pub name: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableLabels {
    pub title: Option<String>,
    pub unit: Option<String>,
    pub caption: Option<String>,
    pub total_label: String,
    /// The labels of the table's rows or columns, in the order of its spec.
    pub labels: Vec<String>,
}

/// Name of a translation's labels file in its folder.
pub const LABELS: &str = "labels.yaml";

impl Sources {
    pub fn text(&self, file: &Path) -> &str {
        self.files.get(file).map(String::as_str).unwrap_or("")
    }
}

/// `report.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub court: String,
    pub title: String,
    pub year: i32,
    pub languages: Vec<String>,
    pub occasion: Occasion,
    pub speaker: Speaker,
    pub salutation: String,
    pub sections: Vec<String>,
    #[serde(default)]
    pub annexes: Vec<AnnexEntry>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Occasion {
    pub date: String,
    pub lines: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Speaker {
    pub position: String,
    pub name: String,
}

/// One annex as `report.yaml` lists it: a label, a title and exactly one kind of content.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnnexEntry {
    pub label: String,
    pub title: String,
    #[serde(default)]
    pub tables: Vec<String>,
    pub glossary: Option<String>,
    pub cases: Option<String>,
}

/// An annex with its content files read.
#[derive(Debug, Clone)]
pub struct AnnexSource {
    pub label: String,
    pub title: String,
    pub content: AnnexContent,
}

#[derive(Debug, Clone)]
pub enum AnnexContent {
    /// Table ids from `data/tables.yaml`, with where each is named in `report.yaml`.
    Tables(Vec<(String, Location)>),
    Glossary {
        file: PathBuf,
        entries: Vec<GlossarySource>,
    },
    Cases {
        file: PathBuf,
        entries: Vec<CaseSource>,
    },
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlossarySource {
    pub id: String,
    /// In a translation: the hash of the source-language entry it translates.
    pub zh: Option<String>,
    pub term: String,
    pub definition: String,
    pub figure: Option<FigureSource>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseSource {
    pub id: String,
    /// In a translation: the hash of the source-language entry it translates.
    pub zh: Option<String>,
    pub title: String,
    pub body: String,
    pub figure: Option<FigureSource>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FigureSource {
    pub caption: String,
    pub image: Option<PathBuf>,
}

/// `data/caseload.yaml`: raw counts as published.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Caseload {
    pub categories: Vec<Category>,
    /// Year → category id (and `total`) → count.
    pub received: BTreeMap<i32, BTreeMap<String, u64>>,
    pub closed: BTreeMap<i32, BTreeMap<String, u64>>,
    pub pending: BTreeMap<i32, u64>,
    pub first_instance_acceptance_percent: BTreeMap<i32, f64>,
    pub closed_per_judge: BTreeMap<i32, u64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub id: String,
    pub short: String,
    pub name: String,
}

/// One table of `data/tables.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableSpec {
    pub id: String,
    pub title: Option<String>,
    pub unit: Option<String>,
    pub caption: Option<String>,
    pub layout: TableLayout,
    pub total_label: String,
    #[serde(default)]
    pub rows: Vec<SeriesSpec>,
    #[serde(default)]
    pub columns: Vec<SeriesSpec>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum TableLayout {
    CategoriesAsColumns,
    CategoriesAsRows,
}

/// A row or column of a table: either a series of counts or a year-over-year change.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeriesSpec {
    pub label: String,
    pub series: Option<Series>,
    pub year: Option<YearRef>,
    pub change: Option<Series>,
    pub digits: Option<usize>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Series {
    Received,
    Closed,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum YearRef {
    Current,
    Previous,
}

/// Read a report folder. Returns every problem found on the way; a problem that
/// leaves nothing to work with (no readable manifest) ends the load early.
pub fn load(root: &Path) -> Result<Sources, Vec<Diagnostic>> {
    let mut loader = Loader {
        root: root.to_path_buf(),
        files: BTreeMap::new(),
        problems: Vec::new(),
    };
    let manifest_path = PathBuf::from(MANIFEST);
    let Some(manifest) = loader
        .read(&manifest_path, None)
        .and_then(|_| loader.parse::<Manifest>(&manifest_path))
    else {
        return Err(loader.problems);
    };

    let caseload = loader
        .read(Path::new(CASELOAD), None)
        .and_then(|_| loader.parse::<Caseload>(Path::new(CASELOAD)))
        .unwrap_or_default();
    let tables = loader
        .read(Path::new(TABLES), None)
        .and_then(|_| loader.parse::<Vec<TableSpec>>(Path::new(TABLES)))
        .unwrap_or_default();

    let mut editions = Vec::new();
    for (index, code) in manifest.languages.iter().enumerate() {
        let Some(lang) = Lang::from_code(code) else {
            let at = loader.manifest_location(&["languages"], code);
            loader.problems.push(
                Diagnostic::error(at, format!("`{code}` is not a language nianbao knows"))
                    .with_length(code.len())
                    .with_hint("write `zh` (Chinese, the source) and `en` (English)"),
            );
            continue;
        };
        let labels = if index == 0 {
            source_labels(&manifest, &caseload, &tables)
        } else {
            let path = Path::new(code).join(LABELS);
            loader
                .read(&path, None)
                .and_then(|_| loader.parse::<Labels>(&path))
                .unwrap_or_default()
        };
        let mut sections = Vec::new();
        for name in &manifest.sections {
            let path = Path::new(code).join(name);
            let listed_at = loader.manifest_location(&["sections"], name);
            if loader.read(&path, Some(listed_at)).is_some() {
                sections.push(path);
            }
        }
        let mut annexes = Vec::new();
        for (i, entry) in manifest.annexes.iter().enumerate() {
            let names = labels
                .annexes
                .get(i)
                .cloned()
                .unwrap_or_else(|| AnnexLabels {
                    label: entry.label.clone(),
                    title: entry.title.clone(),
                });
            if let Some(content) = loader.annex_content(code, entry) {
                annexes.push(AnnexSource {
                    label: names.label,
                    title: names.title,
                    content,
                });
            }
        }
        editions.push(Edition {
            lang,
            sections,
            annexes,
            labels,
        });
    }

    if loader.problems.is_empty() {
        Ok(Sources {
            root: loader.root,
            files: loader.files,
            manifest,
            caseload,
            tables,
            editions,
        })
    } else {
        Err(loader.problems)
    }
}

/// The largest report file read: far above any real section, small enough to keep a
/// build's time and memory bounded.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Why a file could not be read: a problem at a place in the file itself, or one best
/// shown where the file is named.
enum Unreadable {
    Here(Diagnostic),
    Named { message: String, hint: String },
}

struct Loader {
    root: PathBuf,
    files: BTreeMap<PathBuf, String>,
    problems: Vec<Diagnostic>,
}

impl Loader {
    /// Read one file into `files`. `listed_at` is where the manifest names it, so that a
    /// missing file is reported where the author can fix the name.
    fn read(&mut self, path: &Path, listed_at: Option<Location>) -> Option<()> {
        let location = listed_at.unwrap_or_else(|| Location::new(path, 0));
        match self.read_text(path) {
            Ok(text) => {
                self.files.insert(path.to_path_buf(), text);
                Some(())
            }
            Err(Unreadable::Here(problem)) => {
                self.problems.push(problem);
                None
            }
            Err(Unreadable::Named { message, hint }) => {
                self.problems
                    .push(Diagnostic::error(location, message).with_hint(hint));
                None
            }
        }
    }

    /// The text of a report file, refused when it lies outside the report folder, is
    /// too large, is not UTF-8 or holds control characters.
    fn read_text(&mut self, path: &Path) -> Result<String, Unreadable> {
        let named = |message: String, hint: &str| Unreadable::Named {
            message,
            hint: hint.to_string(),
        };
        let inside = path
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        if !inside {
            return Err(named(
                format!("`{}` lies outside the report folder", path.display()),
                "name files by their path inside the report folder, without `..` or a leading `/`",
            ));
        }
        let full = self.root.join(path);
        let escapes = match (full.canonicalize(), self.root.canonicalize()) {
            (Ok(file), Ok(root)) => !file.starts_with(root),
            _ => false,
        };
        if escapes {
            return Err(named(
                format!(
                    "`{}` links to a file outside the report folder",
                    path.display()
                ),
                "copy the file into the report folder instead of linking to it",
            ));
        }
        let size = std::fs::metadata(&full).map(|m| m.len()).unwrap_or(0);
        if size > MAX_FILE_BYTES {
            return Err(named(
                format!(
                    "`{}` is {:.1} MiB; a report file may have at most {} MiB",
                    path.display(),
                    size as f64 / (1024.0 * 1024.0),
                    MAX_FILE_BYTES / (1024 * 1024)
                ),
                "split the text into several section files",
            ));
        }
        let bytes = std::fs::read(&full).map_err(|e| {
            named(
                format!("cannot read `{}`: {e}", path.display()),
                "check the file name, or add the file to the report folder",
            )
        })?;
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let offset = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                self.files.insert(path.to_path_buf(), text);
                return Err(Unreadable::Here(
                    Diagnostic::error(
                        Location::new(path, offset),
                        "the file is not valid UTF-8 text",
                    )
                    .with_hint("save the file as UTF-8"),
                ));
            }
        };
        if let Some((offset, c)) = text
            .char_indices()
            .find(|&(_, c)| (c.is_control() && !matches!(c, '\n' | '\r' | '\t')) || c == '\u{feff}')
        {
            let message = format!(
                "the file holds an invisible control character U+{:04X}",
                c as u32
            );
            self.files.insert(path.to_path_buf(), text);
            return Err(Unreadable::Here(
                Diagnostic::error(Location::new(path, offset), message)
                    .with_hint("delete it (editors often show nothing there); save the file as UTF-8 without a byte-order mark"),
            ));
        }
        Ok(text)
    }

    fn parse<T: serde::de::DeserializeOwned>(&mut self, path: &Path) -> Option<T> {
        let text = self.files.get(path)?;
        match yaml::parse(path, text) {
            Ok(value) => Some(value),
            Err(problem) => {
                self.problems.push(problem);
                None
            }
        }
    }

    /// Where `value` stands below the key `keys` in `report.yaml`.
    fn manifest_location(&self, keys: &[&str], value: &str) -> Location {
        let text = self
            .files
            .get(Path::new(MANIFEST))
            .map_or("", String::as_str);
        let offset = yaml::locate_after_key(text, keys, value).unwrap_or(0);
        Location::new(Path::new(MANIFEST), offset)
    }

    fn annex_content(&mut self, folder: &str, entry: &AnnexEntry) -> Option<AnnexContent> {
        let kinds = usize::from(!entry.tables.is_empty())
            + usize::from(entry.glossary.is_some())
            + usize::from(entry.cases.is_some());
        if kinds != 1 {
            let location = self.manifest_location(&["annexes"], &entry.label);
            self.problems.push(
                Diagnostic::error(
                    location,
                    format!(
                        "annex `{}` must hold exactly one of `tables`, `glossary` or `cases`",
                        entry.label
                    ),
                )
                .with_hint("split it into one annex per kind of content"),
            );
            return None;
        }
        if let Some(name) = &entry.glossary {
            let file = Path::new(folder).join(name);
            let listed_at = self.manifest_location(&["annexes"], name);
            self.read(&file, Some(listed_at))?;
            let entries = self.parse::<Vec<GlossarySource>>(&file)?;
            return Some(AnnexContent::Glossary { file, entries });
        }
        if let Some(name) = &entry.cases {
            let file = Path::new(folder).join(name);
            let listed_at = self.manifest_location(&["annexes"], name);
            self.read(&file, Some(listed_at))?;
            let entries = self.parse::<Vec<CaseSource>>(&file)?;
            return Some(AnnexContent::Cases { file, entries });
        }
        let tables = entry
            .tables
            .iter()
            .map(|id| (id.clone(), self.manifest_location(&["annexes"], id)))
            .collect();
        Some(AnnexContent::Tables(tables))
    }
}

/// The source language's labels, gathered from where its authors write them.
fn source_labels(manifest: &Manifest, caseload: &Caseload, tables: &[TableSpec]) -> Labels {
    Labels {
        court: manifest.court.clone(),
        title: manifest.title.clone(),
        occasion: manifest.occasion.lines.clone(),
        speaker: manifest.speaker.clone(),
        salutation: manifest.salutation.clone(),
        annexes: manifest
            .annexes
            .iter()
            .map(|a| AnnexLabels {
                label: a.label.clone(),
                title: a.title.clone(),
            })
            .collect(),
        categories: caseload
            .categories
            .iter()
            .map(|c| {
                let names = CategoryLabels {
                    short: c.short.clone(),
                    name: c.name.clone(),
                };
                (c.id.clone(), names)
            })
            .collect(),
        tables: tables
            .iter()
            .map(|t| {
                let labels = TableLabels {
                    title: t.title.clone(),
                    unit: t.unit.clone(),
                    caption: t.caption.clone(),
                    total_label: t.total_label.clone(),
                    labels: t
                        .rows
                        .iter()
                        .chain(&t.columns)
                        .map(|s| s.label.clone())
                        .collect(),
                };
                (t.id.clone(), labels)
            })
            .collect(),
    }
}
