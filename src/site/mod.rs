//! Stage 5, **write**: assemble `out/` in a temporary folder beside it and swap it in
//! whole, so that a failed or interrupted build leaves the previous `out/` as it was.

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
    if out_dir.exists() {
        // Move the old output aside first; it is removed only once the new one is in place.
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
    } else if let Err(e) = std::fs::rename(&staged, out_dir) {
        let _ = std::fs::remove_dir_all(&staged);
        return Err(e);
    }
    Ok(())
}
