//! One writer per output folder: `.NAME.lock` beside the output, held (`flock`) from
//! before the staging folder is made until after the swap. A second build into the
//! same folder waits for the first, saying so. The lock file names the process that
//! holds it and is removed when released, so a finished build leaves nothing beside
//! the output; a killed one leaves the file, which the next build takes over (the
//! lock itself died with the process).

use std::fs::{File, OpenOptions};
use std::io::{self, Read as _, Seek as _, Write as _};
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};

/// The lock on one output folder, released when dropped.
pub struct OutputLock {
    path: PathBuf,
    _file: File,
}

impl OutputLock {
    /// Lock the output folder `name` in `parent`, waiting while another process holds it.
    pub fn acquire(parent: &Path, name: &str) -> io::Result<OutputLock> {
        let path = parent.join(format!(".{name}.lock"));
        let mut said_so = false;
        loop {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    if !said_so {
                        let mut holder = String::new();
                        let _ = file.read_to_string(&mut holder);
                        let who = match holder.trim() {
                            "" => String::new(),
                            pid => format!(" (process {pid})"),
                        };
                        eprintln!(
                            "waiting: another nianbao{who} is writing {name} in {}",
                            parent.display()
                        );
                        said_so = true;
                    }
                    file.lock()?;
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(e),
            }
            // The holder we waited for removes the file when done: if the path is no
            // longer this file, lock the one that is there now.
            let ours = file.metadata()?;
            match std::fs::metadata(&path) {
                Ok(now) if now.dev() == ours.dev() && now.ino() == ours.ino() => {}
                _ => continue,
            }
            crate::atomic::track(&path);
            file.set_len(0)?;
            file.rewind()?;
            let _ = writeln!(file, "{}", std::process::id());
            return Ok(OutputLock { path, _file: file });
        }
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Removed while still held, so that no one locks a file about to vanish
        // without noticing (see `acquire`).
        let _ = std::fs::remove_file(&self.path);
        crate::atomic::untrack(&self.path);
    }
}
