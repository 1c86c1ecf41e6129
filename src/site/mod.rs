//! Stage 5, **write**: assemble `out/` in a temporary folder beside it and swap it in
//! whole, so that a failed or interrupted build leaves the previous `out/` as it was.
//!
//! The swap is one `renameat2(RENAME_EXCHANGE)`: at every instant `out/` is either the
//! complete old output or the complete new one, even if the process is killed. Where
//! the file system cannot exchange, two renames leave a moment without `out/`.

use std::io;
use std::path::{Path, PathBuf};

/// One file of the output, by path relative to the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

impl OutputFile {
    pub fn new(path: impl Into<PathBuf>, bytes: Vec<u8>) -> OutputFile {
        OutputFile {
            path: path.into(),
            bytes,
        }
    }
}

/// Write `files` as the new content of `out_dir`.
pub fn write(out_dir: &Path, files: &[OutputFile]) -> io::Result<()> {
    let parent = match out_dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)?;
    let name = out_dir
        .file_name()
        .ok_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidInput, "the output folder has no name")
        })?
        .to_string_lossy()
        .into_owned();
    remove_leftovers(&parent, &name);
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}.new-"))
        .tempdir_in(&parent)?;
    for file in files {
        let target = staging.path().join(&file.path);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&target, &file.bytes)?;
    }
    let staged = staging.keep();
    if !out_dir.exists() {
        return std::fs::rename(&staged, out_dir).inspect_err(|_| {
            let _ = std::fs::remove_dir_all(&staged);
        });
    }
    let exchanged = rustix::fs::renameat_with(
        rustix::fs::CWD,
        &staged,
        rustix::fs::CWD,
        out_dir,
        rustix::fs::RenameFlags::EXCHANGE,
    );
    if exchanged.is_ok() {
        // `staged` now holds the previous output.
        return std::fs::remove_dir_all(&staged);
    }
    let old = tempfile::Builder::new()
        .prefix(&format!(".{name}.old-"))
        .tempdir_in(&parent)?
        .keep();
    std::fs::remove_dir(&old)?;
    std::fs::rename(out_dir, &old)?;
    if let Err(e) = std::fs::rename(&staged, out_dir) {
        let _ = std::fs::rename(&old, out_dir);
        let _ = std::fs::remove_dir_all(&staged);
        return Err(e);
    }
    std::fs::remove_dir_all(&old)?;
    Ok(())
}

/// Staging folders of builds that were killed before they could clean up.
fn remove_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let prefixes = [format!(".{name}.new-"), format!(".{name}.old-")];
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        if prefixes.iter().any(|p| file_name.starts_with(p.as_str())) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}
