//! Writing a user's file so that it is never seen half-written, and cleaning up after
//! an interrupted write. Ground floor: `fmt`, `new`, `diff -o` and `site` use it.
//!
//! A file is rewritten by writing the new bytes into a temporary file beside it
//! (`.NAME.XXXXXX.tmp`, same folder, so the same file system) and renaming that over
//! it: a full disk, a file-size limit or a crash at any point leaves the old file
//! whole. [`Batch`] does this for several files at once: every file is staged first,
//! and only when all are staged are they renamed into place, so a failure changes
//! none of them.
//!
//! Temporary files and folders are registered while they exist ([`track`]); when the
//! process is told to stop (Ctrl-C, SIGTERM), the command's signal handler calls
//! [`abandon`], which removes them, so that nothing is left behind.

use std::io::{self, Write as _};
use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// A file that could not be written, and why.
#[derive(Debug)]
pub struct FileError {
    /// `read` or `write`.
    pub action: &'static str,
    pub path: PathBuf,
    pub error: io::Error,
}

impl FileError {
    fn new(path: &Path, error: io::Error) -> FileError {
        FileError::writing(path, error)
    }

    pub fn writing(path: &Path, error: io::Error) -> FileError {
        FileError {
            action: "write",
            path: path.to_path_buf(),
            error,
        }
    }

    pub fn reading(path: &Path, error: io::Error) -> FileError {
        FileError {
            action: "read",
            path: path.to_path_buf(),
            error,
        }
    }
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "cannot {} {}: {}",
            self.action,
            self.path.display(),
            self.error
        )
    }
}

impl std::error::Error for FileError {}

/// Replace (or create) `path` with `bytes`, whole or not at all.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    let mut batch = Batch::default();
    batch.add(path, bytes)?;
    batch.commit()
}

/// Files to replace together: staged one by one beside their targets, renamed into
/// place only when all of them are staged. Dropped without [`Batch::commit`], it
/// removes what it staged and changes nothing.
#[derive(Default)]
pub struct Batch {
    staged: Vec<(tempfile::NamedTempFile, PathBuf)>,
}

impl Batch {
    /// Stage the new content of `path`. An existing file keeps its permissions (and
    /// its owner, where the process may set it); a read-only file is refused.
    pub fn add(&mut self, path: &Path, bytes: &[u8]) -> Result<(), FileError> {
        let fail = |error| FileError::new(path, error);
        // A symbolic link stays a link: the file it points to is rewritten.
        let target = match std::fs::symlink_metadata(path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                std::fs::canonicalize(path).map_err(fail)?
            }
            _ => path.to_path_buf(),
        };
        let existing = match std::fs::metadata(&target) {
            Ok(meta) if !meta.is_file() => {
                return Err(fail(io::Error::other("it is not a regular file")));
            }
            Ok(meta) if meta.permissions().readonly() => {
                return Err(fail(io::Error::new(
                    io::ErrorKind::PermissionDenied,
                    "the file is read-only (make it writable first)",
                )));
            }
            Ok(meta) => Some(meta),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(fail(e)),
        };
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let prefix = format!(".{name}.");
        let mut file = {
            // Made and registered in one step, so that `abandon` sees every one.
            let mut registry = registry();
            let file = tempfile::Builder::new()
                .prefix(&prefix)
                .suffix(".tmp")
                // A new file gets the usual permissions (0666 less the umask).
                .permissions(std::fs::Permissions::from_mode(0o666))
                .tempfile_in(&dir)
                .map_err(fail)?;
            registry.push(file.path().to_path_buf());
            file
        };
        let written = (|| {
            if let Some(meta) = &existing {
                let handle = file.as_file();
                handle.set_permissions(meta.permissions())?;
                // Only root may give a file away; anyone else keeps ownership anyway.
                let _ = std::os::unix::fs::fchown(handle, Some(meta.uid()), Some(meta.gid()));
            }
            file.write_all(bytes)?;
            file.flush()?;
            // On disk before the rename, so that a crash cannot leave an empty file.
            file.as_file().sync_all()
        })();
        if let Err(e) = written {
            untrack(file.path());
            return Err(fail(e));
        }
        self.staged.push((file, target));
        Ok(())
    }

    /// Rename every staged file into place.
    pub fn commit(mut self) -> Result<(), FileError> {
        for (file, target) in std::mem::take(&mut self.staged) {
            let temporary = file.path().to_path_buf();
            let persisted = file.persist(&target);
            untrack(&temporary);
            persisted.map_err(|e| FileError::new(&target, e.error))?;
        }
        Ok(())
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        for (file, _) in &self.staged {
            untrack(file.path());
        }
        // Each NamedTempFile removes itself.
    }
}

/// Paths this process made and must remove if it is stopped before finishing.
static UNFINISHED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn registry() -> MutexGuard<'static, Vec<PathBuf>> {
    UNFINISHED.lock().unwrap_or_else(|e| e.into_inner())
}

/// Remember `path` (a temporary file or folder) for [`abandon`].
pub fn track(path: &Path) {
    registry().push(path.to_path_buf());
}

/// Forget `path`: it was renamed into place or removed.
pub fn untrack(path: &Path) {
    registry().retain(|p| p != path);
}

/// Run `step` (a rename that finishes a write) so that [`abandon`] happens wholly
/// before or wholly after it, never in the middle.
pub fn finishing<T>(step: impl FnOnce() -> T) -> T {
    let _registry = registry();
    step()
}

/// Remove every tracked path. The returned guard keeps any other thread from
/// finishing a write: hold it until the process exits.
pub fn abandon() -> MutexGuard<'static, Vec<PathBuf>> {
    let mut registry = registry();
    for path in registry.drain(..) {
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_dir() => {
                let _ = std::fs::remove_dir_all(&path);
            }
            Ok(_) => {
                let _ = std::fs::remove_file(&path);
            }
            Err(_) => {}
        }
    }
    registry
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_replaced_keeping_its_permissions_and_nothing_else_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write(&path, "new".as_bytes()).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_read_only_file_is_refused_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
        let error = write(&path, b"new").unwrap_err();
        assert_eq!(error.path, path);
        assert!(error.to_string().contains("read-only"), "{error}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_batch_that_fails_changes_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::write(&a, "a").unwrap();
        std::fs::write(&b, "b").unwrap();
        std::fs::set_permissions(&b, std::fs::Permissions::from_mode(0o444)).unwrap();
        let mut batch = Batch::default();
        batch.add(&a, b"A").unwrap();
        assert_eq!(batch.add(&b, b"B").unwrap_err().path, b);
        drop(batch);
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "a");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn a_link_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let (real, link) = (dir.path().join("real"), dir.path().join("link"));
        std::fs::write(&real, "old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write(&link, b"new").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
    }
}
