//! A version of the report as named on the command line: a report folder, or a git
//! revision (`HEAD~1`, a tag, a branch) of the repository that holds the report.
//!
//! A revision's report folder is read from git's object store with the `git` binary
//! (`ls-tree`, then `cat-file` per file) into a temporary folder, so that the working
//! tree, the index and any worktrees are left alone.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::source::MANIFEST;

/// A report folder to compare; a revision's lives as long as this value.
#[derive(Debug)]
pub struct Version {
    /// The name given on the command line.
    pub label: String,
    pub report_dir: PathBuf,
    _checkout: Option<tempfile::TempDir>,
}

/// Open `arg`: an existing folder (the report folder, or a folder holding `report/`)
/// is taken as it is; anything else is a git revision, from which the report folder
/// at the path of `report_dir` in the repository is read.
pub fn open(arg: &str, report_dir: &Path) -> Result<Version, String> {
    let path = Path::new(arg);
    if path.is_dir() {
        let report_dir = [path.to_path_buf(), path.join("report")]
            .into_iter()
            .find(|dir| dir.join(MANIFEST).is_file())
            .ok_or_else(|| format!("{arg} is a folder without {MANIFEST}"))?;
        return Ok(Version {
            label: arg.to_string(),
            report_dir,
            _checkout: None,
        });
    }
    let top = git(Path::new("."), &["rev-parse", "--show-toplevel"])
        .map_err(|e| format!("`{arg}` is not a folder, and not a git revision here: {e}"))?;
    let top = PathBuf::from(String::from_utf8_lossy(&top).trim());
    git(
        &top,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{arg}^{{commit}}"),
        ],
    )
    .map_err(|_| format!("`{arg}` is neither a folder nor a git revision"))?;
    let in_repo = repository_path(&top, report_dir)?;
    let checkout =
        tempfile::tempdir().map_err(|e| format!("cannot make a temporary folder: {e}"))?;
    let target = checkout.path().join("report");
    let listing = git(&top, &["ls-tree", "-r", "-z", arg, "--", &in_repo])?;
    let mut found = false;
    for entry in listing.split(|&b| b == 0).filter(|e| !e.is_empty()) {
        let entry = String::from_utf8_lossy(entry);
        let Some((meta, file)) = entry.split_once('\t') else {
            continue;
        };
        let fields: Vec<&str> = meta.split(' ').collect();
        if fields.get(1) != Some(&"blob") {
            continue;
        }
        let relative = file
            .strip_prefix(&in_repo)
            .unwrap_or(file)
            .trim_start_matches('/');
        let bytes = git(&top, &["cat-file", "blob", fields[2]])?;
        let dest = target.join(relative);
        if let Some(dir) = dest.parent() {
            std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        }
        std::fs::write(&dest, bytes).map_err(|e| e.to_string())?;
        found |= relative == MANIFEST;
    }
    if !found {
        return Err(format!("revision `{arg}` has no {in_repo}/{MANIFEST}"));
    }
    Ok(Version {
        label: arg.to_string(),
        report_dir: target,
        _checkout: Some(checkout),
    })
}

/// The report folder's path inside the repository, with `/` separators.
fn repository_path(top: &Path, report_dir: &Path) -> Result<String, String> {
    let absolute = |p: &Path| {
        std::fs::canonicalize(p).or_else(|_| std::env::current_dir().map(|cwd| cwd.join(p)))
    };
    let top = absolute(top).map_err(|e| e.to_string())?;
    let report = absolute(report_dir).map_err(|e| e.to_string())?;
    let relative = report.strip_prefix(&top).map_err(|_| {
        format!(
            "{} is not inside the git repository at {}",
            report_dir.display(),
            top.display()
        )
    })?;
    Ok(relative.to_string_lossy().replace('\\', "/"))
}

/// Run git in `dir`; its standard output, or its complaint.
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(String::from_utf8_lossy(&output.stderr).trim().to_string())
    }
}

/// The two versions of the report `git diff` compares one file of.
#[derive(Debug)]
pub struct DriverSides {
    pub old: Version,
    pub new: Version,
    /// The file's path inside the report folder.
    pub relative: PathBuf,
}

/// The two versions `git diff` means when it calls nianbao as the external diff of one
/// file (`diff.nianbao.command`): the working tree's report folder with that file as
/// it was, and as it is. Git passes `/dev/null` for a side where the file is absent.
pub fn from_git_driver(
    path: &str,
    old_file: &Path,
    new_file: &Path,
) -> Result<DriverSides, String> {
    let top = git(Path::new("."), &["rev-parse", "--show-toplevel"])?;
    let top = PathBuf::from(String::from_utf8_lossy(&top).trim());
    // The report folder is the nearest folder above the file that holds report.yaml.
    let report = Path::new(path)
        .ancestors()
        .skip(1)
        .find(|dir| top.join(dir).join(MANIFEST).is_file())
        .ok_or_else(|| format!("{path} is not in a report folder"))?;
    let relative = Path::new(path)
        .strip_prefix(report)
        .map_err(|e| e.to_string())?;
    let side = |file: &Path, label: String| -> Result<Version, String> {
        let checkout = tempfile::tempdir().map_err(|e| e.to_string())?;
        let target = checkout.path().join("report");
        crate::source::files::copy_dir(&top.join(report), &target).map_err(|e| e.to_string())?;
        let dest = target.join(relative);
        if file == Path::new("/dev/null") {
            let _ = std::fs::remove_file(&dest);
        } else {
            if let Some(dir) = dest.parent() {
                std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
            }
            std::fs::copy(file, &dest).map_err(|e| e.to_string())?;
        }
        Ok(Version {
            label,
            report_dir: target,
            _checkout: Some(checkout),
        })
    };
    Ok(DriverSides {
        old: side(old_file, format!("a/{path}"))?,
        new: side(new_file, format!("b/{path}"))?,
        relative: relative.to_path_buf(),
    })
}
