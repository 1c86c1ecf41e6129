//! `nianbao new YEAR`: next year's report from the current one.
//!
//! Everything that carries over (structure, templates, glossary, tables, wording) is
//! kept; what must be redone is left for `check` to list:
//!
//! - `report.yaml`: `year:` becomes the new year. The occasion is left as it was, and
//!   `check` warns that its date is not in the year after the report's.
//! - `data/caseload.yaml`: the current year becomes the comparison year, older years
//!   are dropped (they stay in git history), and the new year is added with every
//!   figure empty (`criminal:`), so that `check` names each one still to fill in.
//! - every Markdown section gets a first line `<!-- draft: … -->`, so that `check`
//!   lists the sections not yet rewritten; the author deletes the line when done.
//!
//! The YAML files are edited as text, line by line, so that their comments survive.

use std::path::{Path, PathBuf};

use crate::check::DRAFT_MARKER;
use crate::source::files::{copy_dir, prose_files};
use crate::source::{self, Category};

/// What `new` did, for the command to report.
#[derive(Debug)]
pub struct Rolled {
    pub report_dir: PathBuf,
    pub from_year: i32,
    pub year: i32,
    /// Section files marked as drafts, relative to the report folder.
    pub drafts: Vec<PathBuf>,
    /// Where the report of the year before is kept.
    pub kept: Kept,
}

/// Where the previous year's report is after `new`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kept {
    /// `--to`: the old folder was not touched.
    Folder(PathBuf),
    /// In place: in git, at this commit; `path` is the report folder in the repository.
    Commit { commit: String, path: String },
    /// In place with `--force`, outside git or with uncommitted changes: nowhere.
    Nowhere,
}

/// Roll the report in `report_dir` over to `year`: in place, or into a new folder `to`.
/// In place, the report must be committed in a git work tree (so that the old year
/// is kept), unless `force`.
pub fn new_year(
    report_dir: &Path,
    year: i32,
    to: Option<&Path>,
    force: bool,
) -> Result<Rolled, String> {
    let sources = source::load(report_dir).map_err(|problems| {
        format!(
            "{} cannot be read ({} problem(s)); run `nianbao check` first",
            report_dir.display(),
            problems.len()
        )
    })?;
    let from_year = sources.manifest.year;
    if year != from_year + 1 {
        return Err(format!(
            "the report covers {from_year}: `nianbao new` makes the report for {}, not {year}",
            from_year + 1
        ));
    }
    let kept = match to {
        Some(_) => Kept::Folder(report_dir.to_path_buf()),
        None => match (git_state(report_dir), force) {
            (Ok(kept), _) => kept,
            (Err(_), true) => Kept::Nowhere,
            (Err(why), false) => {
                return Err(format!(
                    "{why}, so the {from_year} report would be kept nowhere once `nianbao new` \
                     rewrites {dir} in place.\n  hint: commit it first (git add {dir} && git commit), \
                     write the new year into a new folder with --to DIR, or give --force",
                    dir = report_dir.display()
                ));
            }
        },
    };

    // Every new text first; then all of them are written at once, or none.
    let read = |file: &Path| {
        let path = report_dir.join(file);
        source::read_regular_file(&path, source::MAX_FILE_BYTES + 1)
            .map(|bytes| {
                // A byte-order mark says nothing; the file is rewritten without it.
                let text = String::from_utf8_lossy(&bytes);
                text.strip_prefix('\u{feff}').unwrap_or(&text).to_owned()
            })
            .map_err(|e| format!("cannot read {}: {e}", path.display()))
    };
    let mut edits = vec![
        (
            PathBuf::from(source::MANIFEST),
            set_year(&read(Path::new(source::MANIFEST))?, year),
        ),
        (
            PathBuf::from(source::CASELOAD),
            roll_caseload(
                &read(Path::new(source::CASELOAD))?,
                year,
                &sources.caseload.categories,
            ),
        ),
    ];
    let drafts = prose_files(report_dir)
        .map_err(|e| format!("cannot read {}: {e}", report_dir.display()))?;
    for file in &drafts {
        edits.push((file.clone(), mark_draft(&read(file)?, year)));
    }

    let target = match to {
        Some(to) => {
            write_new_folder(report_dir, to, &edits)?;
            to.to_path_buf()
        }
        None => {
            let mut batch = crate::atomic::Batch::default();
            for (file, text) in &edits {
                batch
                    .add(&report_dir.join(file), text.as_bytes())
                    .map_err(|e| e.to_string())?;
            }
            batch.commit().map_err(|e| e.to_string())?;
            report_dir.to_path_buf()
        }
    };
    Ok(Rolled {
        report_dir: target,
        from_year,
        year,
        drafts,
        kept,
    })
}

/// The report copied to the new folder `to` with `edits` applied: assembled in a
/// folder beside it and renamed into place, so that a failure leaves no half copy.
fn write_new_folder(
    report_dir: &Path,
    to: &Path,
    edits: &[(PathBuf, String)],
) -> Result<(), String> {
    if std::fs::symlink_metadata(to).is_ok() {
        return Err(format!("{} already exists", to.display()));
    }
    let inside = std::path::absolute(to)
        .ok()
        .and_then(|to| to.parent().and_then(|p| std::fs::canonicalize(p).ok()))
        .zip(std::fs::canonicalize(report_dir).ok())
        .is_some_and(|(parent, report)| parent.starts_with(report));
    if inside {
        return Err(format!(
            "{} lies inside the report folder {}: write the new year beside it (e.g. --to report-next)",
            to.display(),
            report_dir.display(),
        ));
    }
    let fail = |e: std::io::Error| format!("cannot write {}: {e}", to.display());
    let parent = match to.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(fail)?;
    let name = to
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let staging = parent.join(format!(".{name}.new-{}", std::process::id()));
    std::fs::create_dir(&staging).map_err(fail)?;
    crate::atomic::track(&staging);
    let result = (|| {
        copy_dir(report_dir, &staging)?;
        for (file, text) in edits {
            std::fs::write(staging.join(file), text)?;
        }
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        Ok(renameat_with(
            CWD,
            &staging,
            CWD,
            to,
            RenameFlags::NOREPLACE,
        )?)
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    crate::atomic::untrack(&staging);
    result.map_err(fail)
}

/// Where git keeps `report_dir` as it is now, or why it does not.
fn git_state(report_dir: &Path) -> Result<Kept, String> {
    let dir = report_dir.display();
    let git = |args: &[&str]| -> Result<String, String> {
        let output = std::process::Command::new("git")
            .arg("-C")
            .arg(report_dir)
            .args(args)
            .output()
            .map_err(|e| format!("git cannot be run ({e}) to see whether {dir} is committed"))?;
        if output.status.success() {
            Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
        } else {
            Err(String::from_utf8_lossy(&output.stderr).trim().to_string())
        }
    };
    if git(&["rev-parse", "--is-inside-work-tree"]).as_deref() != Ok("true") {
        return Err(format!("{dir} is not in a git work tree"));
    }
    let changes = git(&["status", "--porcelain", "--untracked-files=all", "--", "."])?;
    if !changes.is_empty() {
        let count = changes.lines().count();
        return Err(format!(
            "{dir} has {count} uncommitted change(s) (see `git status {dir}`)"
        ));
    }
    let commit = git(&["rev-parse", "--short", "HEAD"])
        .map_err(|_| format!("{dir} is in git, but no commit holds it yet"))?;
    let path = git(&["rev-parse", "--show-prefix"])?;
    Ok(Kept::Commit {
        commit,
        path: path.trim_end_matches('/').to_string(),
    })
}

/// `year: 2023   # comment` → `year: 2024   # comment`.
fn set_year(text: &str, year: i32) -> String {
    text.split_inclusive('\n')
        .map(|line| match line.strip_prefix("year:") {
            Some(rest) => {
                let value = rest.trim_start();
                let digits = value.chars().take_while(char::is_ascii_digit).count();
                let pad = &rest[..rest.len() - value.len()];
                format!("year:{pad}{year}{}", &value[digits..])
            }
            None => line.to_string(),
        })
        .collect()
}

/// Put the draft marker on the first line, replacing an older one.
fn mark_draft(text: &str, year: i32) -> String {
    let rest = match text.lines().next() {
        Some(first) if first.trim_start().starts_with(DRAFT_MARKER) => {
            &text[text.find('\n').map_or(text.len(), |i| i + 1)..]
        }
        _ => text,
    };
    format!("{DRAFT_MARKER}: not yet rewritten for {year}; delete this line once it is -->\n{rest}")
}

/// Every top-level block of `data/caseload.yaml` keyed by year (`received:`,
/// `pending:`, …): drop the years before the comparison year and add the new year
/// with empty figures, in the shape the previous year has.
fn roll_caseload(text: &str, year: i32, categories: &[Category]) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out = String::new();
    let mut i = 0;
    while i < lines.len() {
        out.push_str(lines[i]);
        let opens_block = indent(lines[i]) == 0
            && !lines[i].trim_start().starts_with('#')
            && lines[i].trim_end().ends_with(':');
        i += 1;
        if !opens_block {
            continue;
        }
        let start = i;
        while i < lines.len() && !is_top_level(lines[i]) {
            i += 1;
        }
        let block = &lines[start..i];
        // Blank lines after the block's last entry stay after the new one.
        let end = block
            .iter()
            .rposition(|l| !l.trim().is_empty())
            .map_or(0, |p| p + 1);
        match roll_block(&block[..end], year, categories) {
            Some(rolled) => out.push_str(&rolled),
            None => block[..end].iter().for_each(|l| out.push_str(l)),
        }
        block[end..].iter().for_each(|l| out.push_str(l));
    }
    out
}

/// The entries of a block keyed by year, rolled; `None` if the block is not keyed by year.
fn roll_block(block: &[&str], year: i32, categories: &[Category]) -> Option<String> {
    let content = |l: &&&str| !l.trim().is_empty() && !l.trim_start().starts_with('#');
    let child_indent = indent(block.iter().find(content)?);
    // (year of the entry, its lines); lines before the first entry have no year.
    let mut entries: Vec<(Option<i32>, Vec<&str>)> = vec![(None, Vec::new())];
    for line in block {
        let key = line.trim_start().split(':').next().unwrap_or("");
        if content(&line) && indent(line) == child_indent {
            entries.push((Some(key.trim().parse().ok()?), Vec::new()));
        }
        entries.last_mut()?.1.push(line);
    }
    let last = entries.last()?.1.clone();
    let mut out = String::new();
    for (entry_year, lines) in &entries {
        if entry_year.is_none_or(|y| y >= year - 1) {
            lines.iter().for_each(|l| out.push_str(l));
        }
    }
    if entries.iter().any(|(y, _)| *y == Some(year)) {
        return Some(out);
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    let pad = " ".repeat(child_indent);
    out.push_str(&format!("{pad}{year}:\n"));
    // A year of counts per category gets every category and the total, empty.
    if let Some(inner) = last.iter().skip(1).find(content) {
        let pad = " ".repeat(indent(inner));
        for id in categories.iter().map(|c| c.id.as_str()).chain(["total"]) {
            out.push_str(&format!("{pad}{id}:\n"));
        }
    }
    Some(out)
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn is_top_level(line: &str) -> bool {
    !line.trim().is_empty() && indent(line) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn categories() -> Vec<Category> {
        ["a", "b"]
            .iter()
            .map(|id| Category {
                id: id.to_string(),
                short: String::new(),
                name: String::new(),
            })
            .collect()
    }

    #[test]
    fn caseload_keeps_the_comparison_year_and_adds_the_new_one_empty() {
        let text = "# head\ncategories:\n  - id: a\n\n# counts\nreceived:\n  2022:\n    a: 1\n    total: 1\n  2023:\n    a: 2   # note\n    total: 2\n\npending:\n  2023: 5\nrate:\n  2022: 1.5\n  2023: 2.5";
        let rolled = roll_caseload(text, 2024, &categories());
        assert_eq!(
            rolled,
            "# head\ncategories:\n  - id: a\n\n# counts\nreceived:\n  2023:\n    a: 2   # note\n    total: 2\n  2024:\n    a:\n    b:\n    total:\n\npending:\n  2023: 5\n  2024:\nrate:\n  2023: 2.5\n  2024:\n"
        );
    }

    #[test]
    fn year_keeps_its_comment_and_drafts_are_marked_once() {
        assert_eq!(
            set_year("title: x\nyear: 2023    # covered\n", 2024),
            "title: x\nyear: 2024    # covered\n"
        );
        let once = mark_draft("# 标题\n", 2024);
        assert!(once.starts_with("<!-- draft: not yet rewritten for 2024"));
        assert_eq!(mark_draft(&once, 2025).matches(DRAFT_MARKER).count(), 1);
    }
}
