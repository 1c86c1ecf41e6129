//! Stage 3, **check**: the problems that need the whole report.
//!
//! Every stage reports its own problems as [`Diagnostic`]s (`crate::diag`); [`check`]
//! adds the checks that need both the sources and the resolved reports (published
//! totals, term references, translations). All problems of a run are gathered and
//! shown together, errors first.

pub mod translation;

use std::path::Path;

use crate::diag::{Diagnostic, Location, Severity};
use crate::source::{self, Sources};

/// How a prose file marked as a draft begins its marker line: `nianbao new` writes
/// `<!-- draft: not yet rewritten for 2024; … -->` at the top of every section, and
/// the author deletes the line once the section is rewritten. Being an HTML comment,
/// the marker never reaches the output.
pub const DRAFT_MARKER: &str = "<!-- draft";

/// The checks that need only the sources, so that they run even when the figures
/// cannot be computed (after `nianbao new`, with the new year's figures still empty).
pub fn sources(sources: &Sources) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    check_drafts(sources, &mut problems);
    check_occasion_date(sources, &mut problems);
    problems
}

/// Every Markdown file still carrying the draft marker is a section not yet rewritten.
fn check_drafts(sources: &Sources, problems: &mut Vec<Diagnostic>) {
    let year = sources.manifest.year;
    for (file, text) in &sources.files {
        if file.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            if line.trim_start().starts_with(DRAFT_MARKER) {
                let start = offset + line.len() - line.trim_start().len();
                let end = offset + line.trim_end().len();
                problems.push(
                    Diagnostic::warning(
                        "draft",
                        Location::new(file, start..end),
                        format!("section not yet rewritten for {year}"),
                    )
                    .with_hint(format!(
                        "rewrite the section for {year}, then delete this line"
                    )),
                );
            }
            offset += line.len();
        }
    }
}

/// A report is delivered early in the year after the one it covers; a date in another
/// year is most likely last year's occasion, left over by `nianbao new`.
fn check_occasion_date(sources: &Sources, problems: &mut Vec<Diagnostic>) {
    let manifest = &sources.manifest;
    let expected = manifest.year + 1;
    let date = &manifest.occasion.date;
    if date.starts_with(&expected.to_string()) {
        return;
    }
    let at = sources.yaml_location(Path::new(source::MANIFEST), &["occasion", "date"]);
    problems.push(
        Diagnostic::warning(
            "occasion-date",
            at,
            format!(
                "the report covers {} but is delivered on {date}, not in {expected}",
                manifest.year
            ),
        )
        .with_hint(format!(
            "set `occasion.date` and the occasion `lines` to the {expected} session"
        )),
    );
}

/// The checks that need the resolved reports: every problem, not just the first.
/// `strict` makes untranslated and stale translations errors rather than warnings.
pub fn check(sources: &Sources, strict: bool) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    check_published_totals(sources, &mut problems);
    let severity = if strict {
        Severity::Error
    } else {
        Severity::Warning
    };
    problems.extend(translation::check(sources, severity));
    problems
}

/// Each published total must equal the sum of its categories.
fn check_published_totals(sources: &Sources, problems: &mut Vec<Diagnostic>) {
    let file = Path::new(source::CASELOAD);
    let caseload = &sources.caseload;
    let known: std::collections::HashSet<&str> =
        caseload.categories.iter().map(|c| c.id.as_str()).collect();
    for (series, by_year) in [
        ("received", &caseload.received),
        ("closed", &caseload.closed),
    ] {
        for (year, counts) in by_year {
            let year_key = year.to_string();
            // The key of a count, or the year's key when the count is not there.
            let key_at = |key: &str| sources.yaml_key_location(file, &[series, &year_key, key]);
            let value_at = |key: &str| sources.yaml_location(file, &[series, &year_key, key]);
            for category in &caseload.categories {
                if !counts.contains_key(&category.id) {
                    problems.push(
                        Diagnostic::error(
                            "missing-count",
                            key_at(&category.id),
                            format!(
                                "{series} {year} has no count for category `{}`",
                                category.id
                            ),
                        )
                        .with_hint(format!(
                            "add `{}: <count>` under `{series}: {year}:`",
                            category.id
                        )),
                    );
                }
            }
            for key in counts.keys() {
                if key != "total" && !known.contains(key.as_str()) {
                    problems.push(
                        Diagnostic::error(
                            "unknown-category",
                            key_at(key),
                            format!("`{key}` is not a category"),
                        )
                        .with_hint(
                            "use one of the ids listed under `categories:`, or add it there",
                        ),
                    );
                }
            }
            let sum: u64 = caseload
                .categories
                .iter()
                .filter_map(|c| counts.get(&c.id))
                .sum();
            match counts.get("total") {
                Some(&total) if total != sum => {
                    problems.push(
                        Diagnostic::error(
                            "published-total",
                            value_at("total"),
                            format!(
                                "the published total of cases {series} in {year}, {total}, is not the sum of its categories, {sum}"
                            ),
                        )
                        .with_hint("correct the total or the category count that is wrong"),
                    );
                }
                Some(_) => {}
                None => problems.push(
                    Diagnostic::error(
                        "missing-total",
                        key_at("total"),
                        format!("{series} {year} has no published `total`"),
                    )
                    .with_hint(format!("add `total: {sum}` as the report prints it")),
                ),
            }
        }
    }
}
