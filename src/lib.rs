//! nianbao (年报) builds a court's yearly work report from YAML data and Markdown
//! prose into a web page and a print-ready PDF.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! report/ ──source::load──▶ Sources ──figures::compute──▶ Figures
//!                              │                            │
//!                              └────────resolve::resolve────┴──▶ Report (model)
//!                                                                   │
//!                       check::check (problems with file:line:col) ◀┤
//!                                                                   ▼
//!                                        render::html, render::pdf ──▶ site::write ──▶ out/
//! ```
//!
//! `serve` runs the same pipeline again whenever an input changes.

pub mod atomic;
pub mod chart;
pub mod check;
pub mod diag;
pub mod diff;
pub mod figures;
pub mod fmt;
pub mod model;
pub mod render;
pub mod resolve;
pub mod rollover;
pub mod script;
pub mod serve;
pub mod site;
pub mod source;
pub mod synthetic;

use std::path::{Path, PathBuf};

use diag::{Diagnostic, Location, Severity};
use model::Report;
pub use render::html::SiteOptions;
use site::OutputFile;
use source::Sources;

/// Where a report's inputs live. `templates/` and `fonts/` sit beside `report/`.
#[derive(Debug, Clone)]
pub struct Project {
    pub report_dir: PathBuf,
    pub templates_dir: PathBuf,
    pub fonts_dir: PathBuf,
}

impl Project {
    /// The project whose report folder is `report_dir`.
    pub fn at(report_dir: impl Into<PathBuf>) -> Project {
        let report_dir = report_dir.into();
        let top = match report_dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        Project {
            templates_dir: top.join("templates"),
            fonts_dir: top.join("fonts"),
            report_dir,
        }
    }

    /// The folders the output may never be, lie inside or hold, with what they are.
    pub fn folders(&self) -> [(&'static str, &Path); 3] {
        [
            ("the report folder", &self.report_dir),
            ("the templates folder", &self.templates_dir),
            ("the fonts folder", &self.fonts_dir),
        ]
    }
}

/// The outcome of loading, resolving and checking a report.
#[derive(Debug)]
pub struct Checked {
    /// The sources, when they could be read (needed to show problems in context).
    pub sources: Option<Sources>,
    /// The resolved report of each language, source language first, when loading succeeded.
    pub reports: Vec<Report>,
    /// Every problem, errors first.
    pub problems: Vec<Diagnostic>,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        diag::has_errors(&self.problems)
    }

    /// The problems as a person reads them, with file, line, column and source line.
    pub fn render_problems(&self, report_dir: &Path) -> String {
        diag::render(
            &self.problems,
            report_dir,
            &self.problem_files(report_dir),
            false,
        )
    }

    /// [`Checked::render_problems`] for standard error: coloured on a terminal unless
    /// `NO_COLOR` is set.
    pub fn render_problems_for_stderr(&self, report_dir: &Path) -> String {
        diag::render(
            &self.problems,
            report_dir,
            &self.problem_files(report_dir),
            diag::stderr_wants_color(),
        )
    }

    /// The problems as JSON, for editors and other tools.
    pub fn problems_json(&self, report_dir: &Path) -> String {
        diag::to_json(&self.problems, report_dir, &self.problem_files(report_dir))
    }

    fn problem_files(&self, report_dir: &Path) -> std::collections::BTreeMap<PathBuf, String> {
        match &self.sources {
            Some(sources) if !sources.files.is_empty() => sources.files.clone(),
            _ => read_all_texts(report_dir, &self.problems),
        }
    }
}

/// Texts of the files problems point at, for when loading stopped early.
fn read_all_texts(
    report_dir: &Path,
    problems: &[Diagnostic],
) -> std::collections::BTreeMap<PathBuf, String> {
    problems
        .iter()
        .filter_map(|p| {
            let path = report_dir.join(&p.location.file);
            let bytes = source::read_regular_file(&path, source::MAX_FILE_BYTES).ok()?;
            let text = String::from_utf8_lossy(&bytes);
            // As the loader reads it: without a byte-order mark.
            let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
            Some((p.location.file.clone(), text))
        })
        .collect()
}

/// How strict a check is.
#[derive(Debug, Clone, Copy, Default)]
pub struct CheckOptions {
    /// Untranslated and stale translations are errors, not warnings.
    pub strict: bool,
}

/// Load, resolve and check: every problem of the report in one run.
pub fn check(project: &Project) -> Checked {
    check_with(project, CheckOptions::default())
}

/// [`check()`] with options.
pub fn check_with(project: &Project, options: CheckOptions) -> Checked {
    let sources = match source::load(&project.report_dir) {
        Ok(sources) => sources,
        Err(mut problems) => {
            diag::sort(&mut problems);
            return Checked {
                sources: None,
                reports: Vec::new(),
                problems,
            };
        }
    };
    let source_problems = check::sources(&sources);
    let caseload_spans = sources.yaml(Path::new(source::CASELOAD));
    let figures = match figures::compute(&sources.caseload, sources.manifest.year, caseload_spans) {
        Ok(figures) => figures,
        Err(mut problems) => {
            problems.extend(source_problems);
            diag::sort(&mut problems);
            return Checked {
                sources: Some(sources),
                reports: Vec::new(),
                problems,
            };
        }
    };
    let mut problems = Vec::new();
    let mut reports = Vec::new();
    for edition in &sources.editions {
        let (report, found) = resolve::resolve(&sources, &figures, edition);
        reports.push(report);
        problems.extend(found);
    }
    problems.extend(source_problems);
    problems.extend(check::check(&sources, options.strict));
    diag::sort(&mut problems);
    Checked {
        sources: Some(sources),
        reports,
        problems,
    }
}

/// Why a build wrote nothing.
#[derive(Debug)]
pub enum BuildError {
    /// The report has errors; `Checked` holds them.
    Report(Box<Checked>),
    /// Templates, fonts or the output folder: not the report's fault.
    Environment(String),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Report(checked) => {
                let errors = checked
                    .problems
                    .iter()
                    .filter(|p| p.severity == Severity::Error)
                    .count();
                write!(f, "the report has {errors} error(s)")
            }
            BuildError::Environment(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for BuildError {}

/// Build the report into `out_dir`: check, render every output, then swap `out_dir` in
/// whole. On any error the previous `out_dir` is left untouched; a folder that holds
/// anything but an earlier output is refused before the build starts.
pub fn build(project: &Project, out_dir: &Path) -> Result<Checked, BuildError> {
    build_with(project, out_dir, &SiteOptions::default())
}

/// [`build`] for a site published at a known address (`--base-url`).
pub fn build_with(
    project: &Project,
    out_dir: &Path,
    options: &SiteOptions,
) -> Result<Checked, BuildError> {
    site::check(out_dir, &project.folders())
        .map_err(|refusal| BuildError::Environment(refusal.to_string()))?;
    let (checked, files) = build_files(project, options)?;
    write_site(project, out_dir, &files).map_err(BuildError::Environment)?;
    Ok(checked)
}

/// Write the built files into `out_dir` (see [`site::write`]); the message says why not.
pub fn write_site(project: &Project, out_dir: &Path, files: &[OutputFile]) -> Result<(), String> {
    site::write(out_dir, files, &project.folders()).map_err(|e| match e {
        site::WriteError::Refused(refusal) => refusal.to_string(),
        site::WriteError::Failed(e) => format!("cannot write {}: {e}", out_dir.display()),
    })
}

/// Check and render, without writing: what `serve` keeps in memory between builds.
pub fn build_files(
    project: &Project,
    options: &SiteOptions,
) -> Result<(Checked, Vec<OutputFile>), BuildError> {
    let mut checked = check(project);
    if checked.reports.is_empty() || checked.has_errors() {
        return Err(BuildError::Report(Box::new(checked)));
    }
    let rendered = render_all(project, &checked.reports, options)?;
    if let Some(sources) = &checked.sources {
        checked
            .problems
            .extend(rendered.problems.iter().map(|p| p.to_diagnostic(sources)));
        diag::sort(&mut checked.problems);
    }
    if checked.has_errors() {
        return Err(BuildError::Report(Box::new(checked)));
    }
    Ok((checked, rendered.files))
}

/// Every output file, and what rendering found wrong in the report.
pub struct Rendered {
    pub files: Vec<OutputFile>,
    pub problems: Vec<RenderProblem>,
}

/// A problem only a renderer can see: characters a face lacks (a warning) or that no
/// bundled font covers (an error).
pub struct RenderProblem {
    pub glyphs: render::pdf::GlyphProblem,
    pub severity: Severity,
    /// The language of the PDF.
    pub lang: model::Lang,
}

impl RenderProblem {
    fn to_diagnostic(&self, sources: &Sources) -> Diagnostic {
        let location = match &self.glyphs.span {
            Some(span) => narrowed(sources, &span.file, span.range.clone(), &self.glyphs.chars),
            None => title_block_location(sources, self.lang, &self.glyphs.chars),
        };
        let message = format!("PDF: {}", self.glyphs.message);
        match self.severity {
            Severity::Error => Diagnostic::error("uncovered-glyphs", location, message)
                .with_hint("replace the characters, or add a font that covers them to fonts/"),
            Severity::Warning => Diagnostic::warning("fallback-glyphs", location, message)
                .with_hint("the fallback face prints them; check that they read well"),
        }
    }
}

/// Within the block at `range`, the first of the characters a face lacks (the PDF knows
/// only the block).
fn narrowed(
    sources: &Sources,
    file: &Path,
    range: std::ops::Range<usize>,
    chars: &str,
) -> Location {
    let text = sources.text(file);
    let block = text.get(range.clone()).unwrap_or("");
    match block.char_indices().find(|&(_, c)| chars.contains(c)) {
        Some((i, c)) => Location::new(file, range.start + i..range.start + i + c.len_utf8()),
        None => Location::new(file, range),
    }
}

/// The title block has no source of its own: its texts are values of `report.yaml` for
/// the source language and of the translation's `labels.yaml` for the others. The first
/// of those values holding one of `chars`.
fn title_block_location(sources: &Sources, lang: model::Lang, chars: &str) -> Location {
    let is_source = sources.editions.first().is_none_or(|e| e.lang == lang);
    let file = if is_source {
        PathBuf::from(source::MANIFEST)
    } else {
        Path::new(lang.code()).join(source::LABELS)
    };
    let occasion = if is_source {
        vec!["occasion", "lines"]
    } else {
        vec!["occasion"]
    };
    let lines = sources
        .editions
        .iter()
        .find(|e| e.lang == lang)
        .map_or(0, |e| e.labels.occasion.len());
    let mut paths: Vec<Vec<String>> = vec![vec!["title".into()], vec!["court".into()]];
    for i in 0..lines {
        let mut path: Vec<String> = occasion.iter().map(|s| s.to_string()).collect();
        path.push(i.to_string());
        paths.push(path);
    }
    for key in [["speaker", "position"], ["speaker", "name"]] {
        paths.push(key.iter().map(|s| s.to_string()).collect());
    }
    paths.push(vec!["salutation".into()]);
    let spans = sources.yaml(&file);
    let text = sources.text(&file);
    for path in &paths {
        let path: Vec<&str> = path.iter().map(String::as_str).collect();
        if let Some(range) = spans.value(&path)
            && text
                .get(range.clone())
                .is_some_and(|v| v.contains(|c| chars.contains(c)))
        {
            return narrowed(sources, &file, range, chars);
        }
    }
    Location::at(&file, 0)
}

/// Every output file of the resolved reports (one per language, source first).
pub fn render_all(
    project: &Project,
    reports: &[Report],
    options: &SiteOptions,
) -> Result<Rendered, BuildError> {
    // The PDFs come first so that the pages link exactly the PDFs that exist.
    let mut files = Vec::new();
    let mut problems = Vec::new();
    if !reports.is_empty() {
        let fonts = render::pdf::Fonts::load(&project.fonts_dir)
            .map_err(|e| BuildError::Environment(e.to_string()))?;
        // One thread per language: the PDFs share nothing but the fonts.
        let pdfs: Vec<_> = std::thread::scope(|scope| {
            let handles: Vec<_> = reports
                .iter()
                .map(|report| scope.spawn(|| render::pdf::render(report, &fonts)))
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        });
        for (report, pdf) in reports.iter().zip(pdfs) {
            collect_pdf(report, pdf, &mut files, &mut problems)?;
        }
    }
    let html = render::html::render(reports, &project.templates_dir, options, &files)
        .map_err(|e| BuildError::Environment(e.to_string()))?;
    files.extend(html);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Rendered { files, problems })
}

/// `<lang>/report.pdf`; characters the faces lack become problems.
fn collect_pdf(
    report: &Report,
    pdf: Result<render::pdf::PdfOutput, render::pdf::PdfError>,
    files: &mut Vec<OutputFile>,
    problems: &mut Vec<RenderProblem>,
) -> Result<(), BuildError> {
    match pdf {
        Ok(pdf) => {
            let path = format!("{}/report.pdf", report.lang.code());
            files.push(OutputFile::new(path, pdf.bytes));
            problems.extend(pdf.warnings.into_iter().map(|glyphs| RenderProblem {
                glyphs,
                severity: Severity::Warning,
                lang: report.lang,
            }));
        }
        Err(render::pdf::PdfError::UncoveredGlyphs(uncovered)) => {
            problems.extend(uncovered.into_iter().map(|glyphs| RenderProblem {
                glyphs,
                severity: Severity::Error,
                lang: report.lang,
            }));
        }
        Err(e) => return Err(BuildError::Environment(format!("PDF: {e}"))),
    }
    Ok(())
}
