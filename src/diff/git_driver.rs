//! `nianbao git-diff`: the external diff `git diff` calls for report files
//! (`diff.nianbao.command`). It shows what changed in the report — the figure or
//! phrase that moved, and what follows from it — and never hides a change or fails:
//! whenever the report's comparison cannot show a change, the plain line diff of the
//! file follows a one-line note saying why:
//!
//! - the file is not part of the report (`report/README.md`, a file no YAML names);
//! - the change does not reach the report's text (a YAML comment, a translation
//!   marker, spacing);
//! - comments or markers changed beside changes the comparison shows;
//! - either version cannot be loaded (a YAML error in the working tree);
//! - the file is not text.
//!
//! Git stops the whole `git diff` when an external diff exits with another status
//! than 0, so [`show`] always returns something to print and the command exits 0.

use std::path::Path;

use similar::TextDiff;

use super::version;

/// What `git diff` prints for one file: `path` as git names it, `old_file` and
/// `new_file` the two versions' texts (`/dev/null` for a side without the file).
pub fn show(path: &str, old_file: &Path, new_file: &Path) -> String {
    let (old, new) = match (side(old_file), side(new_file)) {
        (Ok(old), Ok(new)) => (old, new),
        (Err(e), _) | (_, Err(e)) => return format!("nianbao: cannot read {path}: {e}\n"),
    };
    let (Ok(old_text), Ok(new_text)) = (
        String::from_utf8(old.clone().unwrap_or_default()),
        String::from_utf8(new.clone().unwrap_or_default()),
    ) else {
        return format!("nianbao: {path} is not text\nBinary files a/{path} and b/{path} differ\n");
    };
    let line_diff = || {
        let old_name = if old.is_some() {
            format!("a/{path}")
        } else {
            "/dev/null".into()
        };
        let new_name = if new.is_some() {
            format!("b/{path}")
        } else {
            "/dev/null".into()
        };
        TextDiff::from_lines(&old_text, &new_text)
            .unified_diff()
            .context_radius(3)
            .header(&old_name, &new_name)
            .to_string()
    };
    let note = |why: &str| format!("nianbao: {why}; the line diff follows\n{}", line_diff());
    let compared = version::from_git_driver(path, old_file, new_file).and_then(|sides| {
        let old_checked = crate::check(&crate::Project::at(&sides.old.report_dir));
        let new_checked = crate::check(&crate::Project::at(&sides.new.report_dir));
        let read = |c: &crate::Checked| {
            c.sources
                .as_ref()
                .is_some_and(|s| s.files.contains_key(&sides.relative))
        };
        let part_of_report = read(&old_checked) || read(&new_checked);
        let diff =
            super::diff(&old_checked, &new_checked)?.labelled(&sides.old.label, &sides.new.label);
        Ok((diff, part_of_report))
    });
    match compared {
        Err(message) => note(&format!("the report cannot be compared ({message})")),
        Ok((_, false)) => note(&format!("{path} is not part of the report's content")),
        Ok((diff, true)) if diff.is_empty() => {
            note("the change does not reach the report's text (a comment, a marker or spacing)")
        }
        Ok((diff, true)) => {
            let mut out = diff.summary();
            if comments(path, &old_text) != comments(path, &new_text) {
                out.push_str(&note("comments or translation markers changed too"));
            }
            out
        }
    }
}

/// The bytes of one side; `None` where git says the file is absent.
fn side(file: &Path) -> Result<Option<Vec<u8>>, String> {
    if file == Path::new("/dev/null") {
        return Ok(None);
    }
    crate::source::read_regular_file(file, 64 * crate::source::MAX_FILE_BYTES)
        .map(Some)
        .map_err(|e| e.to_string())
}

/// The comments of a YAML file (`# …`) or Markdown file (`<!-- … -->`), which never
/// reach the report.
fn comments<'a>(path: &str, text: &'a str) -> Vec<&'a str> {
    if path.ends_with(".yaml") || path.ends_with(".yml") {
        text.lines()
            .filter_map(|line| {
                let at = line
                    .char_indices()
                    .find(|&(i, c)| c == '#' && (i == 0 || line[..i].ends_with([' ', '\t'])))?
                    .0;
                Some(&line[at..])
            })
            .collect()
    } else if path.ends_with(".md") {
        let mut found = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find("<!--") {
            let end = rest[start..]
                .find("-->")
                .map_or(rest.len(), |e| start + e + 3);
            found.push(&rest[start..end]);
            rest = &rest[end..];
        }
        found
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_of_yaml_and_markdown() {
        assert_eq!(
            comments("a.yaml", "# top\nyear: 2023  # covered\nurl: a#b\n"),
            ["# top", "# covered"]
        );
        assert_eq!(
            comments("a.md", "<!-- zh 1234 -->\ntext <!-- note --> more\n"),
            ["<!-- zh 1234 -->", "<!-- note -->"]
        );
        assert!(comments("a.txt", "# x").is_empty());
    }
}
