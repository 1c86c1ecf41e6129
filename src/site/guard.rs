//! The output guard: `build` and `serve` replace a folder whole, so they must be sure
//! that nothing in it is anyone else's. An output folder nianbao may replace does not
//! exist yet, is empty, or holds exactly an earlier output: every output carries a
//! manifest ([`MANIFEST`]) listing each file it wrote with its SHA-256, and a folder
//! holding anything else — another file, a changed file, a link — is refused, as are
//! a regular file, a symbolic link, and the report's own folders (the report, the
//! templates, the fonts: the output may not be one of them, lie inside one, or hold
//! one).

use std::collections::BTreeMap;
use std::io;
use std::path::{Component, Path, PathBuf};

use sha2::{Digest, Sha256};

use super::OutputFile;

/// The file every output holds, naming the files nianbao wrote into it.
pub const MANIFEST: &str = ".nianbao-output";

const HEADER: &str = "# Written by nianbao: the files of this output folder and their SHA-256.\n\
# A later build replaces this folder only while it holds exactly these files.\n";

/// Why an output folder is not replaced, and what to do instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub out_dir: PathBuf,
    pub reason: String,
    pub hint: String,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} is not replaced: {}\n  hint: {}",
            self.out_dir.display(),
            self.reason,
            self.hint
        )
    }
}

/// The manifest of `files`: one line per file, `sha256  path`, in path order.
pub fn manifest(files: &[OutputFile]) -> OutputFile {
    let mut lines: Vec<(String, String)> = files
        .iter()
        .map(|f| (slashed(&f.path), hex(&Sha256::digest(&f.bytes))))
        .collect();
    lines.sort();
    let mut text = String::from(HEADER);
    for (path, hash) in lines {
        text.push_str(&format!("{hash}  {path}\n"));
    }
    OutputFile::new(MANIFEST, text.into_bytes())
}

/// The folders of a project the output may never be, lie inside or hold, each with
/// what it is (`the report folder`).
pub type Protected<'a> = [(&'static str, &'a Path)];

/// Whether `out_dir` may be replaced by a build of the project whose folders are
/// `protected` (the report, templates and fonts folders): its place, then what it holds.
pub fn check(out_dir: &Path, protected: &Protected) -> Result<(), Refusal> {
    place(out_dir, protected)?;
    contents(out_dir)
}

fn refusal(out_dir: &Path, reason: String, hint: &str) -> Refusal {
    Refusal {
        out_dir: out_dir.to_path_buf(),
        reason,
        hint: hint.to_string(),
    }
}

/// Whether `out_dir` is a place for an output at all: not one of the project's
/// folders, inside one or around one; not a file or a link. Reads no file.
pub fn place(out_dir: &Path, protected: &Protected) -> Result<(), Refusal> {
    let refuse = |reason: String, hint: &str| refusal(out_dir, reason, hint);
    let other_folder = "choose a new folder for the output, e.g. `-o out`";
    let meta = match std::fs::symlink_metadata(out_dir) {
        Ok(meta) => Some(meta),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        // Not a folder on the way (`file/out`), no permission: the write will say so.
        Err(_) => None,
    };
    for (what, folder) in protected {
        if let Some(relation) = relation(out_dir, folder) {
            return Err(refuse(
                format!("it {relation} {what} ({})", folder.display()),
                "the output must be a folder of its own, beside the report: e.g. `-o out`",
            ));
        }
    }
    let Some(meta) = meta else { return Ok(()) };
    if meta.file_type().is_symlink() {
        let target = std::fs::read_link(out_dir)
            .map(|t| t.display().to_string())
            .unwrap_or_default();
        return Err(refuse(
            format!("it is a symbolic link (to {target}), and the build would replace the link"),
            "give the folder itself with -o, or choose a new folder",
        ));
    }
    if !meta.is_dir() {
        return Err(refuse(
            "it is a file, not a folder, and the build would replace it".into(),
            other_folder,
        ));
    }
    Ok(())
}

/// Whether the folder `out_dir` (if it exists) is empty or holds exactly an earlier output.
pub fn contents(out_dir: &Path) -> Result<(), Refusal> {
    let refuse = |reason: String, hint: &str| refusal(out_dir, reason, hint);
    if !std::fs::symlink_metadata(out_dir).is_ok_and(|m| m.is_dir()) {
        return Ok(());
    }
    let found = unlisted(out_dir).map_err(|e| {
        refuse(
            format!("it cannot be read: {e}"),
            "check the folder's permissions, or choose another folder",
        )
    })?;
    match found {
        Foreign::None => Ok(()),
        Foreign::NoManifest(example) => Err(refuse(
            format!(
                "it holds files nianbao did not write (such as {}), and no {MANIFEST}",
                example.display()
            ),
            "choose a new or empty folder; if this is the output of an older nianbao, delete it once",
        )),
        Foreign::Unlisted(example) => Err(refuse(
            format!(
                "it holds {}, which the last build did not write",
                example.display()
            ),
            "move your own files out of the output folder (each build replaces it whole), or choose another folder",
        )),
        Foreign::Changed(example) => Err(refuse(
            format!(
                "{} was changed after the last build wrote it",
                example.display()
            ),
            "keep your edit elsewhere (edit report/ or templates/ instead), then delete the output folder or choose another",
        )),
    }
}

/// How `out` stands to `folder`, if that forbids it: `is`, `lies inside`, `holds`.
fn relation(out: &Path, folder: &Path) -> Option<&'static str> {
    let pairs = [
        (resolved(out), resolved(folder)),
        (
            std::path::absolute(out).ok(),
            std::path::absolute(folder).ok(),
        ),
    ];
    for (out, folder) in pairs.into_iter().filter_map(|(a, b)| Some((a?, b?))) {
        let (out, folder) = (normal(&out), normal(&folder));
        if out == folder {
            return Some("is");
        }
        if out.starts_with(&folder) {
            return Some("lies inside");
        }
        if folder.starts_with(&out) {
            return Some("holds");
        }
    }
    None
}

/// The real path of `path`: its nearest existing ancestor resolved, the rest appended.
fn resolved(path: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(path).ok()?;
    let mut rest = Vec::new();
    let mut base = absolute.as_path();
    loop {
        if let Ok(real) = std::fs::canonicalize(base) {
            return Some(rest.iter().rev().fold(real, |p, c| p.join(c)));
        }
        rest.push(base.file_name()?.to_os_string());
        base = base.parent()?;
    }
}

/// `a/./b/../c` → `a/c`, without touching the file system.
fn normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

enum Foreign {
    None,
    NoManifest(PathBuf),
    Unlisted(PathBuf),
    Changed(PathBuf),
}

/// The first thing in `dir` that is not an earlier output's, by path inside it.
fn unlisted(dir: &Path) -> io::Result<Foreign> {
    let listed = match std::fs::read(dir.join(MANIFEST)) {
        Ok(bytes) => parse(&String::from_utf8_lossy(&bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Ok(match std::fs::read_dir(dir)?.next() {
                Some(entry) => Foreign::NoManifest(entry?.file_name().into()),
                None => Foreign::None,
            });
        }
        Err(e) => return Err(e),
    };
    let mut pending = vec![PathBuf::new()];
    while let Some(folder) = pending.pop() {
        let mut entries: Vec<_> =
            std::fs::read_dir(dir.join(&folder))?.collect::<Result<_, _>>()?;
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let relative = folder.join(entry.file_name());
            let kind = entry.file_type()?;
            if kind.is_dir() {
                pending.push(relative);
                continue;
            }
            if relative == Path::new(MANIFEST) {
                continue;
            }
            let Some(hash) = listed.get(&slashed(&relative)) else {
                return Ok(Foreign::Unlisted(relative));
            };
            if !kind.is_file() {
                return Ok(Foreign::Unlisted(relative));
            }
            let bytes = std::fs::read(entry.path())?;
            if hex(&Sha256::digest(&bytes)) != *hash {
                return Ok(Foreign::Changed(relative));
            }
        }
    }
    Ok(Foreign::None)
}

/// `path → sha256` of a manifest; lines that are not entries are skipped.
fn parse(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once("  "))
        .map(|(hash, path)| (path.to_string(), hash.to_string()))
        .collect()
}

fn slashed(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_output(dir: &Path, files: &[OutputFile]) {
        for file in files.iter().chain([&manifest(files)]) {
            let path = dir.join(&file.path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, &file.bytes).unwrap();
        }
    }

    #[test]
    fn an_earlier_output_is_accepted_and_anything_else_in_it_refused() {
        let top = tempfile::tempdir().unwrap();
        let out = top.path().join("out");
        assert_eq!(check(&out, &[]), Ok(()), "a new folder");
        std::fs::create_dir(&out).unwrap();
        assert_eq!(check(&out, &[]), Ok(()), "an empty folder");
        let files = [
            OutputFile::new("index.html", b"page".to_vec()),
            OutputFile::new("zh/index.html", b"zh".to_vec()),
        ];
        write_output(&out, &files);
        assert_eq!(check(&out, &[]), Ok(()), "an earlier output");

        std::fs::write(out.join("zh/notes.txt"), "mine").unwrap();
        let refusal = check(&out, &[]).unwrap_err();
        assert!(refusal.reason.contains("zh/notes.txt"), "{refusal}");
        std::fs::remove_file(out.join("zh/notes.txt")).unwrap();

        std::fs::write(out.join("zh/index.html"), "edited").unwrap();
        let refusal = check(&out, &[]).unwrap_err();
        assert!(refusal.reason.contains("was changed"), "{refusal}");
    }

    #[test]
    fn the_report_and_what_holds_it_are_refused() {
        let top = tempfile::tempdir().unwrap();
        let report = top.path().join("report");
        std::fs::create_dir_all(report.join("zh")).unwrap();
        for (out, relation) in [
            (report.clone(), "is"),
            (report.join("zh"), "lies inside"),
            (report.join("new/out"), "lies inside"),
            (top.path().to_path_buf(), "holds"),
            (report.join("zh/../.."), "holds"),
        ] {
            let refusal = check(&out, &[("the report folder", &report)]).unwrap_err();
            let expected = format!("it {relation} the report folder (");
            assert!(refusal.reason.starts_with(&expected), "{refusal}");
        }
        let out = top.path().join("out");
        assert_eq!(check(&out, &[("the report folder", &report)]), Ok(()));
    }

    #[test]
    fn the_manifest_lists_every_file_in_order() {
        let text = manifest(&[
            OutputFile::new("zh/index.html", b"b".to_vec()),
            OutputFile::new("404.html", b"a".to_vec()),
        ]);
        let text = String::from_utf8(text.bytes).unwrap();
        let entries: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(entries.len(), 2);
        assert!(entries[0].ends_with("  404.html") && entries[1].ends_with("  zh/index.html"));
        assert_eq!(parse(&text).len(), 2);
    }
}
