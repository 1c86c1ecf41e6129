//! Stage 6, **write**: assemble `out/` in a staging folder beside it and swap it in
//! whole, so that a failed or interrupted build leaves the previous `out/` as it was,
//! and never replace a folder that holds anything but an earlier output.
//!
//! [`write()`] in order:
//! 1. the output guard ([`guard::check`]): the folder does not exist, is empty, or
//!    holds exactly an earlier output (its manifest, [`MANIFEST`], lists every file);
//!    anything else is refused before anything is touched;
//! 2. the lock beside the output ([`lock`]): one writer per output folder;
//! 3. the staging folder `.out.new-PID-N`, registered with [`crate::atomic`] so that
//!    Ctrl-C or SIGTERM removes it; every file, then the manifest;
//! 4. the guard again (nothing may have appeared in `out/` meanwhile), then the swap:
//!    one `renameat2(RENAME_EXCHANGE)`, so that at every instant `out/` is either the
//!    complete old output or the complete new one, even if the process is killed
//!    (where the file system cannot exchange, two renames leave a moment without
//!    `out/`); the old output, now in the staging folder, is removed.
//!
//! Staging folders of builds that were killed (SIGKILL, a power cut) are removed by
//! the next build into the same folder, once the process that made them is gone.

pub mod guard;
pub mod lock;

use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use guard::{MANIFEST, Protected, Refusal};

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

/// Why the output was not written.
#[derive(Debug)]
pub enum WriteError {
    /// The output guard refused the folder; nothing was touched.
    Refused(Refusal),
    /// The file system failed; the previous output is as it was.
    Failed(io::Error),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Refused(refusal) => refusal.fmt(f),
            WriteError::Failed(e) => e.fmt(f),
        }
    }
}

impl From<io::Error> for WriteError {
    fn from(e: io::Error) -> WriteError {
        WriteError::Failed(e)
    }
}

/// Whether `out_dir` may be replaced, changing nothing; `protected` are the project's
/// own folders (report, templates, fonts). Checked under the output's lock when it
/// can be taken, so that another build's swap is not seen half-way.
pub fn check(out_dir: &Path, protected: &Protected) -> Result<(), Refusal> {
    // Where the output may not go is refused before the lock is made beside it.
    guard::place(out_dir, protected)?;
    let _lock = split(out_dir)
        .ok()
        .filter(|(parent, _)| parent.is_dir())
        .and_then(|(parent, name)| lock::OutputLock::acquire(&parent, &name).ok());
    guard::check(out_dir, protected)
}

/// The folder holding `out_dir`, and its name.
fn split(out_dir: &Path) -> io::Result<(PathBuf, String)> {
    let parent = match out_dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = out_dir
        .file_name()
        .ok_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidInput, "the output folder has no name")
        })?
        .to_string_lossy()
        .into_owned();
    Ok((parent, name))
}

/// Write `files` (and the manifest) as the new content of `out_dir`.
pub fn write(
    out_dir: &Path,
    files: &[OutputFile],
    protected: &Protected,
) -> Result<(), WriteError> {
    // A refused place is refused before anything is made, even the folder it would go in.
    guard::place(out_dir, protected).map_err(WriteError::Refused)?;
    let (parent, name) = split(out_dir)?;
    std::fs::create_dir_all(&parent)?;
    let _lock = lock::OutputLock::acquire(&parent, &name)?;
    // Under the lock: no other build is half-way through its swap.
    guard::check(out_dir, protected).map_err(WriteError::Refused)?;
    remove_leftovers(&parent, &name);

    let staging = Staging::make(&parent, &format!(".{name}.new-"))?;
    pause_for_tests("before-write");
    let manifest = guard::manifest(files);
    for (n, file) in files.iter().chain([&manifest]).enumerate() {
        if n == files.len() / 2 {
            pause_for_tests("mid-write");
        }
        let target = staging.path.join(&file.path);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&target, &file.bytes)?;
    }
    // Nothing of anyone else's may have come into the output while it was staged.
    guard::check(out_dir, protected).map_err(WriteError::Refused)?;
    pause_for_tests("before-swap");
    crate::atomic::finishing(|| swap(&staging.path, out_dir, &parent, &name))?;
    pause_for_tests("after-swap");
    // `staging` now holds the previous output (if there was one); dropping removes it.
    Ok(())
}

/// Put the staged folder in place of `out_dir`.
fn swap(staged: &Path, out_dir: &Path, parent: &Path, name: &str) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    if std::fs::symlink_metadata(out_dir).is_err() {
        return Ok(renameat_with(
            CWD,
            staged,
            CWD,
            out_dir,
            RenameFlags::NOREPLACE,
        )?);
    }
    if renameat_with(CWD, staged, CWD, out_dir, RenameFlags::EXCHANGE).is_ok() {
        return Ok(());
    }
    // No exchange on this file system: move the old output aside, then the new in.
    let old = Staging::make(parent, &format!(".{name}.old-"))?;
    std::fs::remove_dir(&old.path)?;
    std::fs::rename(out_dir, &old.path)?;
    if let Err(e) = std::fs::rename(staged, out_dir) {
        std::fs::rename(&old.path, out_dir)?;
        return Err(e);
    }
    std::fs::rename(&old.path, staged)?;
    Ok(())
}

/// A folder `PREFIX<pid>-<n>` this process made, removed when dropped.
struct Staging {
    path: PathBuf,
}

impl Staging {
    fn make(parent: &Path, prefix: &str) -> io::Result<Staging> {
        let pid = std::process::id();
        for n in 0u32.. {
            let path = parent.join(format!("{prefix}{pid}-{n}"));
            crate::atomic::track(&path);
            match std::fs::create_dir(&path) {
                Ok(()) => return Ok(Staging { path }),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    crate::atomic::untrack(&path);
                }
                Err(e) => {
                    crate::atomic::untrack(&path);
                    return Err(e);
                }
            }
        }
        unreachable!("some number is free")
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
        crate::atomic::untrack(&self.path);
    }
}

/// Staging folders of builds into this output whose process is gone.
fn remove_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let prefixes = [format!(".{name}.new-"), format!(".{name}.old-")];
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        let Some(rest) = prefixes
            .iter()
            .find_map(|p| file_name.strip_prefix(p.as_str()))
        else {
            continue;
        };
        let maker = rest
            .split('-')
            .next()
            .and_then(|pid| pid.parse::<i32>().ok());
        if maker.is_some_and(|pid| pid != std::process::id() as i32 && !is_running(pid)) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn is_running(pid: i32) -> bool {
    let Some(pid) = rustix::process::Pid::from_raw(pid) else {
        return false;
    };
    // EPERM: it exists, under another user.
    !matches!(
        rustix::process::test_kill_process(pid),
        Err(rustix::io::Errno::SRCH)
    )
}

/// Test-only: `NIANBAO_TEST_PAUSE_AT=STEP` stops a build at STEP (`before-write`,
/// `mid-write`, `before-swap`, `after-swap`), says so on standard error and waits to
/// be killed, so that tests can interrupt a build exactly where they mean to.
pub const PAUSE_VARIABLE: &str = "NIANBAO_TEST_PAUSE_AT";

fn pause_for_tests(step: &str) {
    if std::env::var_os(PAUSE_VARIABLE).is_some_and(|v| v == step) {
        eprintln!("nianbao: paused {step} ({PAUSE_VARIABLE} is set: for tests only)");
        loop {
            std::thread::sleep(Duration::from_secs(3600));
        }
    }
}
