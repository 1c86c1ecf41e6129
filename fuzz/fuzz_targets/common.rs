//! A scratch copy of the sample report in memory-backed storage, rewritten per input.

use std::path::{Path, PathBuf};

pub struct Scratch {
    _dir: tempfile::TempDir,
    pub report: PathBuf,
}

impl Scratch {
    /// A copy of the repository's `report/` (with `templates/` and `fonts/` linked).
    pub fn new() -> Scratch {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
        let base = if Path::new("/dev/shm").is_dir() { Path::new("/dev/shm") } else { Path::new("/tmp") };
        let dir = tempfile::tempdir_in(base).unwrap();
        copy_dir(&repo.join("report"), &dir.path().join("report"));
        for shared in ["templates", "fonts"] {
            std::os::unix::fs::symlink(repo.join(shared), dir.path().join(shared)).unwrap();
        }
        let report = dir.path().join("report");
        Scratch { _dir: dir, report }
    }

    /// [`Scratch::new`] with `report.yaml` listing only the section `name`: the other
    /// sections never change between runs, and loading, resolving and rendering them
    /// took most of each run.
    #[allow(dead_code)]
    pub fn with_only_section(name: &str) -> Scratch {
        let scratch = Scratch::new();
        let manifest = scratch.report.join("report.yaml");
        let text = std::fs::read_to_string(&manifest).unwrap();
        let is_other_section = |line: &str| {
            let item = line.trim().strip_prefix("- ").unwrap_or("");
            item.ends_with(".md") && item != name
        };
        let kept: String = text.split_inclusive('\n').filter(|l| !is_other_section(l)).collect();
        assert!(kept.contains(&format!("- {name}")), "report.yaml lists no section {name}");
        std::fs::write(&manifest, kept).unwrap();
        scratch
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
