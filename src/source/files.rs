//! Files of a report folder as the commands see them: is a folder a report, which
//! files hold its prose, and a copy of it.

use std::fmt;
use std::path::{Path, PathBuf};

/// Why a folder cannot be worked on as a report folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAReport {
    pub dir: PathBuf,
    /// What is there instead (`does not exist`, `is not a folder`, `has no report.yaml`).
    pub reason: &'static str,
}

impl fmt::Display for NotAReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: a report folder holds {} (give its path, e.g. `nianbao check report`)",
            self.dir.display(),
            self.reason,
            super::MANIFEST
        )
    }
}

impl std::error::Error for NotAReport {}

/// Every command that reads a report starts here: the folder exists and holds a manifest.
pub fn report_dir(dir: &Path) -> Result<(), NotAReport> {
    let reason = if !dir.exists() {
        "does not exist"
    } else if !dir.is_dir() {
        "is not a folder"
    } else if !dir.join(super::MANIFEST).is_file() {
        "has no report.yaml"
    } else {
        return Ok(());
    };
    Err(NotAReport {
        dir: dir.to_path_buf(),
        reason,
    })
}

/// The report's prose: every Markdown file in its subfolders (`zh/`, `en/`, …), by path
/// relative to `report_dir`, in name order. The authors' guide at the top is not prose.
pub fn prose_files(report_dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(report_dir.join(&folder))? {
            let entry = entry?;
            let path = folder.join(entry.file_name());
            if entry.file_type()?.is_dir() {
                pending.push(path);
            } else if !folder.as_os_str().is_empty() && path.extension().is_some_and(|e| e == "md")
            {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Copy the folder `from` and everything below it to `to`, which is created.
pub fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            // Regular files only: copying a named pipe or a device could wait forever.
            let bytes = super::read_regular_file(&entry.path(), u64::MAX).map_err(|e| {
                std::io::Error::new(e.kind(), format!("{}: {e}", entry.path().display()))
            })?;
            std::fs::write(target, bytes)?;
        }
    }
    Ok(())
}
