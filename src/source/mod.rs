//! Stage 1, **load**: read `report/` into [`Sources`].
//!
//! Every file's text is kept with its path so that later stages can point at a line.
//! YAML is parsed here (and only here) into the plain structs below; nothing is
//! computed or cross-checked yet.

pub mod files;
mod schema;
mod yaml;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, LineIndex, Location};
use crate::model::Lang;
pub use schema::*;
pub use yaml::{Node, YamlSpans};

/// The manifest file every report folder holds.
pub const MANIFEST: &str = "report.yaml";
/// The caseload figures.
pub const CASELOAD: &str = "data/caseload.yaml";
/// The annex table definitions.
pub const TABLES: &str = "data/tables.yaml";
/// The annex chart definitions.
pub const CHARTS: &str = "data/charts.yaml";

/// Everything read from a report folder.
#[derive(Debug, Clone)]
pub struct Sources {
    pub root: PathBuf,
    /// Text of every file read, by path relative to `root`.
    pub files: BTreeMap<PathBuf, String>,
    /// Where the keys and values of every YAML file read stand.
    pub spans: BTreeMap<PathBuf, YamlSpans>,
    /// The lines of every file read.
    pub lines: BTreeMap<PathBuf, LineIndex>,
    pub manifest: Manifest,
    pub caseload: Caseload,
    pub tables: Vec<TableSpec>,
    pub charts: Vec<ChartSpec>,
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

/// Name of a translation's labels file in its folder.
pub const LABELS: &str = "labels.yaml";

impl Sources {
    pub fn text(&self, file: &Path) -> &str {
        self.files.get(file).map(String::as_str).unwrap_or("")
    }

    /// The spans of a YAML file (none for a file not read).
    pub fn yaml(&self, file: &Path) -> &YamlSpans {
        static NONE: std::sync::OnceLock<YamlSpans> = std::sync::OnceLock::new();
        self.spans
            .get(file)
            .unwrap_or_else(|| NONE.get_or_init(YamlSpans::default))
    }

    /// Where the value at `path` of the YAML file `file` stands, or the nearest key the
    /// file has on the way there.
    pub fn yaml_location(&self, file: &Path, path: &[&str]) -> Location {
        let spans = self.yaml(file);
        let range = spans.value(path).unwrap_or_else(|| spans.nearest_key(path));
        Location::new(file, range)
    }

    /// Where the key at `path` of the YAML file `file` stands (see [`Sources::yaml_location`]).
    pub fn yaml_key_location(&self, file: &Path, path: &[&str]) -> Location {
        Location::new(file, self.yaml(file).nearest_key(path))
    }

    /// The lines of a file read (none for a file not read).
    pub fn line_index(&self, file: &Path) -> &LineIndex {
        static NONE: std::sync::OnceLock<LineIndex> = std::sync::OnceLock::new();
        self.lines
            .get(file)
            .unwrap_or_else(|| NONE.get_or_init(LineIndex::default))
    }
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
    /// Tables and charts drawn from the data, in print order.
    Exhibits(Vec<Exhibit>),
    Glossary {
        file: PathBuf,
        entries: Vec<GlossarySource>,
    },
    Cases {
        file: PathBuf,
        entries: Vec<CaseSource>,
    },
}

/// A table or a chart, by its id, with where `report.yaml` names it.
#[derive(Debug, Clone)]
pub struct Exhibit {
    pub kind: ExhibitKind,
    pub id: String,
    pub listed_at: Location,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExhibitKind {
    Table,
    Chart,
}

/// Read a report folder. Returns every problem found on the way; a problem that
/// leaves nothing to work with (no readable manifest) ends the load early.
pub fn load(root: &Path) -> Result<Sources, Vec<Diagnostic>> {
    let mut loader = Loader {
        root: root.to_path_buf(),
        files: BTreeMap::new(),
        spans: BTreeMap::new(),
        problems: Vec::new(),
    };
    let manifest_path = PathBuf::from(MANIFEST);
    let Some(manifest) = loader
        .read(&manifest_path, None)
        .and_then(|_| loader.parse::<Manifest>(&manifest_path))
    else {
        return Err(loader.problems);
    };
    loader.check_year(manifest.year);

    let caseload = loader
        .read(Path::new(CASELOAD), None)
        .and_then(|_| loader.parse::<CaseloadText>(Path::new(CASELOAD)))
        .map(Caseload::from)
        .unwrap_or_default();
    loader.check_caseload_ranges(&caseload);
    let tables = loader
        .read(Path::new(TABLES), None)
        .and_then(|_| loader.parse::<Vec<TableSpec>>(Path::new(TABLES)))
        .unwrap_or_default();
    // Charts are optional: a report without them needs no charts file.
    let lists_charts = manifest.annexes.iter().any(|a| !a.charts.is_empty());
    let charts = (lists_charts || root.join(CHARTS).exists())
        .then(|| loader.read(Path::new(CHARTS), None))
        .flatten()
        .and_then(|_| loader.parse::<Vec<ChartSpec>>(Path::new(CHARTS)))
        .unwrap_or_default();

    let mut editions = Vec::new();
    for (index, code) in manifest.languages.iter().enumerate() {
        let Some(lang) = Lang::from_code(code) else {
            let at = loader.manifest_location(&["languages", &index.to_string()]);
            loader.problems.push(
                Diagnostic::error(
                    "unknown-language",
                    at,
                    format!("`{code}` is not a language nianbao knows"),
                )
                .with_hint("write `zh` (Chinese, the source) and `en` (English)"),
            );
            continue;
        };
        let labels = if index == 0 {
            source_labels(&manifest, &caseload, &tables, &charts)
        } else {
            let path = Path::new(code).join(LABELS);
            loader
                .read(&path, None)
                .and_then(|_| loader.parse::<Labels>(&path))
                .unwrap_or_default()
        };
        let mut sections = Vec::new();
        for (i, name) in manifest.sections.iter().enumerate() {
            let path = Path::new(code).join(name);
            let listed_at = loader.manifest_location(&["sections", &i.to_string()]);
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
            if let Some(content) = loader.annex_content(code, i, entry) {
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
        let lines = loader
            .files
            .iter()
            .map(|(path, text)| (path.clone(), LineIndex::new(text)))
            .collect();
        Ok(Sources {
            root: loader.root,
            files: loader.files,
            spans: loader.spans,
            lines,
            manifest,
            caseload,
            tables,
            charts,
            editions,
        })
    } else {
        Err(loader.problems)
    }
}

/// The largest report file read: far above any real section, small enough to keep a
/// build's time and memory bounded.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// The bytes of `path` if it is a regular file, at most `limit` of them. A named pipe,
/// socket or device is refused before it is opened (opening a pipe waits for a
/// writer; reading a device may never end), and again after opening without
/// blocking, in case the file was swapped in between.
pub fn read_regular_file(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let not_regular = |meta: &std::fs::Metadata| {
        std::io::Error::other(format!("it is {}, not a regular file", file_kind(meta)))
    };
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    let mut bytes = Vec::with_capacity(meta.len().min(limit) as usize);
    file.take(limit).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// What a file that is not a regular file is, in words.
fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt as _;
    let kind = meta.file_type();
    if kind.is_dir() {
        "a folder"
    } else if kind.is_fifo() {
        "a named pipe"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_block_device() || kind.is_char_device() {
        "a device"
    } else {
        "a special file"
    }
}

/// The years a report may cover: four digits, as its dates and headings print them.
pub const YEARS: std::ops::RangeInclusive<i32> = 1000..=9999;

/// The largest count `data/caseload.yaml` may hold: far above any court's, and small
/// enough that sums, differences and chart scales of counts cannot overflow.
pub const MAX_COUNT: u64 = 1_000_000_000_000;

/// Why a file could not be read: a problem at a place in the file itself, or one best
/// shown where the file is named.
enum Unreadable {
    Here(Diagnostic),
    Named { message: String, hint: String },
}

struct Loader {
    root: PathBuf,
    files: BTreeMap<PathBuf, String>,
    spans: BTreeMap<PathBuf, YamlSpans>,
    problems: Vec<Diagnostic>,
}

impl Loader {
    /// Read one file into `files`. `listed_at` is where the manifest names it, so that a
    /// missing file is reported where the author can fix the name.
    fn read(&mut self, path: &Path, listed_at: Option<Location>) -> Option<()> {
        let location = listed_at.unwrap_or_else(|| Location::at(path, 0));
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
                    .push(Diagnostic::error("unreadable", location, message).with_hint(hint));
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
        // Only regular files: a pipe or a device would make the build wait forever.
        let bytes = read_regular_file(&full, MAX_FILE_BYTES + 1).map_err(|e| {
            let hint = if full.is_file() || !full.exists() {
                "check the file name, or add the file to the report folder"
            } else {
                "put the text itself in the report folder, as a regular file"
            };
            named(format!("cannot read `{}`: {e}", path.display()), hint)
        })?;
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let offset = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                self.files.insert(path.to_path_buf(), text);
                return Err(Unreadable::Here(
                    Diagnostic::error(
                        "not-utf8",
                        Location::at(path, offset),
                        "the file is not valid UTF-8 text",
                    )
                    .with_hint("save the file as UTF-8"),
                ));
            }
        };
        // Older Windows editors start a UTF-8 file with a byte-order mark: it says
        // nothing about the text, and is dropped.
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text,
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
                Diagnostic::error(
                    "control-character",
                    Location::new(path, offset..offset + c.len_utf8()),
                    message,
                )
                .with_hint("delete it (editors often show nothing there)"),
            ));
        }
        Ok(text)
    }

    fn parse<T: serde::de::DeserializeOwned>(&mut self, path: &Path) -> Option<T> {
        let text = self.files.get(path)?;
        match yaml::parse(path, text) {
            Ok((value, spans)) => {
                self.spans.insert(path.to_path_buf(), spans);
                Some(value)
            }
            Err(problem) => {
                self.problems.push(problem);
                None
            }
        }
    }

    /// A year outside [`YEARS`] is refused here: later stages count from it.
    fn check_year(&mut self, year: i32) {
        if YEARS.contains(&year) {
            return;
        }
        let value = year.to_string();
        let at = self.manifest_location(&["year"]);
        self.problems.push(
            Diagnostic::error(
                "year",
                at,
                format!("the report cannot cover the year {value}: a year has four digits"),
            )
            .with_hint("write the year the report covers, e.g. `year: 2023`"),
        );
    }

    /// Counts above [`MAX_COUNT`] and rates outside 0–100 are refused here, so that no
    /// later stage adds, subtracts or scales a value no court publishes.
    fn check_caseload_ranges(&mut self, caseload: &Caseload) {
        let mut counts: Vec<(Vec<String>, u64)> = Vec::new();
        for (name, by_year) in [
            ("received", &caseload.received),
            ("closed", &caseload.closed),
        ] {
            for (year, by_key) in by_year {
                for (key, &count) in by_key {
                    counts.push((vec![name.into(), year.to_string(), key.clone()], count));
                }
            }
        }
        for (name, by_year) in [
            ("pending", &caseload.pending),
            ("closed_per_judge", &caseload.closed_per_judge),
        ] {
            for (year, &count) in by_year {
                counts.push((vec![name.into(), year.to_string()], count));
            }
        }
        let mut found = Vec::new();
        for (keys, count) in counts.into_iter().filter(|&(_, c)| c > MAX_COUNT) {
            found.push((
                keys,
                count.to_string(),
                format!("a count may be at most {MAX_COUNT}"),
                "write the count as published",
            ));
        }
        for (year, &percent) in &caseload.first_instance_acceptance_percent {
            if !(0.0..=100.0).contains(&percent) {
                let keys = vec!["first_instance_acceptance_percent".into(), year.to_string()];
                found.push((
                    keys,
                    percent.to_string(),
                    "a percentage lies between 0 and 100".into(),
                    "write the rate in percent, e.g. `86.1` for 86.1%",
                ));
            }
        }
        for (keys, value, rule, hint) in found {
            let path: Vec<&str> = keys.iter().map(String::as_str).collect();
            let at = self.location(Path::new(CASELOAD), &path);
            self.problems.push(
                Diagnostic::error(
                    "out-of-range",
                    at,
                    format!("`{}` is {value}: {rule}", path.join(".")),
                )
                .with_hint(hint),
            );
        }
    }

    /// Where the value at `path` stands in the YAML file `file`.
    fn location(&self, file: &Path, path: &[&str]) -> Location {
        let range = self.spans.get(file).map_or(0..0, |spans| {
            spans.value(path).unwrap_or_else(|| spans.nearest_key(path))
        });
        Location::new(file, range)
    }

    /// Where the value at `path` stands in `report.yaml`.
    fn manifest_location(&self, path: &[&str]) -> Location {
        self.location(Path::new(MANIFEST), path)
    }

    /// The content of the annex `entry`, the `index`th of `report.yaml`.
    fn annex_content(
        &mut self,
        folder: &str,
        index: usize,
        entry: &AnnexEntry,
    ) -> Option<AnnexContent> {
        let index = index.to_string();
        let exhibits = !entry.tables.is_empty() || !entry.charts.is_empty();
        let kinds = usize::from(exhibits)
            + usize::from(entry.glossary.is_some())
            + usize::from(entry.cases.is_some());
        if kinds != 1 {
            let location = self.manifest_location(&["annexes", &index, "label"]);
            self.problems.push(
                Diagnostic::error(
                    "annex-content",
                    location,
                    format!(
                        "annex `{}` must hold exactly one of `tables` (with `charts`), `glossary` or `cases`",
                        entry.label
                    ),
                )
                .with_hint("split it into one annex per kind of content"),
            );
            return None;
        }
        for (key, name) in [("glossary", &entry.glossary), ("cases", &entry.cases)] {
            let Some(name) = name else { continue };
            let file = Path::new(folder).join(name);
            let listed_at = self.manifest_location(&["annexes", &index, key]);
            self.read(&file, Some(listed_at))?;
            return Some(if key == "glossary" {
                let entries = self.parse::<Vec<GlossarySource>>(&file)?;
                AnnexContent::Glossary { file, entries }
            } else {
                let entries = self.parse::<Vec<CaseSource>>(&file)?;
                AnnexContent::Cases { file, entries }
            });
        }
        let exhibit = |kind, key: &str, i: usize, id: &String| Exhibit {
            kind,
            id: id.clone(),
            listed_at: self.manifest_location(&["annexes", &index, key, &i.to_string()]),
        };
        // Each chart right after the table it shares its id with; the others last.
        let charts: Vec<Exhibit> = entry
            .charts
            .iter()
            .enumerate()
            .map(|(i, id)| exhibit(ExhibitKind::Chart, "charts", i, id))
            .collect();
        let mut exhibits = Vec::new();
        for (i, id) in entry.tables.iter().enumerate() {
            exhibits.push(exhibit(ExhibitKind::Table, "tables", i, id));
            exhibits.extend(charts.iter().find(|c| &c.id == id).cloned());
        }
        exhibits.extend(
            charts
                .iter()
                .filter(|c| !entry.tables.contains(&c.id))
                .cloned(),
        );
        Some(AnnexContent::Exhibits(exhibits))
    }
}

/// The source language's labels, gathered from where its authors write them.
fn source_labels(
    manifest: &Manifest,
    caseload: &Caseload,
    tables: &[TableSpec],
    charts: &[ChartSpec],
) -> Labels {
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
        charts: charts
            .iter()
            .map(|c| {
                let labels = ChartLabels {
                    title: c.title.clone(),
                    unit: c.unit.clone(),
                    legend: c.legend.clone(),
                    change: c.change.clone(),
                };
                (c.id.clone(), labels)
            })
            .collect(),
    }
}
