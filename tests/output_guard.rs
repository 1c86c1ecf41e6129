//! `build` and `serve` replace the output folder only when it is new, empty or an
//! earlier output; every other `-o` is refused with exit 2, touching nothing and
//! leaving nothing beside it. Two builds into one folder take turns.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

/// What is at `path`: a file's bytes, a folder's files, a link's target.
#[derive(Debug, PartialEq, Eq)]
enum State {
    Missing,
    File(Vec<u8>),
    Folder(BTreeMap<PathBuf, Vec<u8>>),
    Link(PathBuf),
}

fn state(path: &Path) -> State {
    match std::fs::symlink_metadata(path) {
        Err(_) => State::Missing,
        Ok(meta) if meta.file_type().is_symlink() => State::Link(std::fs::read_link(path).unwrap()),
        Ok(meta) if meta.is_dir() => State::Folder(snapshot(path)),
        Ok(_) => State::File(std::fs::read(path).unwrap()),
    }
}

/// Names in `dir` that a build into `name` would make beside it.
fn leftovers(dir: &Path, name: &str) -> Vec<String> {
    let prefix = format!(".{name}.");
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&prefix))
        .collect()
}

/// `nianbao COMMAND report -o target` is refused: exit 2, a message with `why`, the
/// target and the report as they were, nothing beside the target.
fn assert_refused(scratch: &Scratch, command: &str, target: &str, why: &str) {
    let path = scratch.dir.path().join(target);
    let (before, report) = (state(&path), snapshot(&scratch.report()));
    let mut args = vec![command, "report", "-o", target];
    if command == "serve" {
        args.extend(["--port", "0"]);
    }
    let output = scratch.run(&args);
    let messages = stderr(&output);
    assert_eq!(
        output.status.code(),
        Some(2),
        "{command} -o {target}: {messages}"
    );
    assert!(
        messages.contains(&format!("error: {target} is not replaced: ")),
        "{messages}"
    );
    assert!(messages.contains(why), "{command} -o {target}: {messages}");
    assert!(messages.contains("hint: "), "{messages}");
    assert_eq!(state(&path), before, "{command} -o {target} changed it");
    assert_eq!(snapshot(&scratch.report()), report);
    let parent = path.parent().unwrap();
    if parent.exists() {
        let name = path
            .file_name()
            .map_or(String::new(), |n| n.to_string_lossy().into_owned());
        assert_eq!(
            leftovers(parent, &name),
            Vec::<String>::new(),
            "-o {target}"
        );
    }
}

#[test]
fn a_file_the_report_and_what_holds_it_are_refused() {
    let scratch = Scratch::new();
    std::fs::write(
        scratch.dir.path().join("README.md"),
        "# the court's notes\n",
    )
    .unwrap();
    for command in ["build", "serve"] {
        assert_refused(&scratch, command, "README.md", "it is a file, not a folder");
        assert_refused(&scratch, command, "report", "it is the report folder");
        assert_refused(
            &scratch,
            command,
            "report/zh",
            "it lies inside the report folder",
        );
        assert_refused(
            &scratch,
            command,
            "report/site",
            "it lies inside the report folder",
        );
        assert_refused(&scratch, command, "report/zh/..", "it is the report folder");
    }
    assert_refused(&scratch, "build", ".", "it holds the report folder");
    assert_refused(
        &scratch,
        "build",
        "report/zh/../..",
        "it holds the report folder",
    );
    assert!(!scratch.report().join("site").exists());
}

#[test]
fn the_templates_folder_is_refused() {
    let scratch = Scratch::new();
    // A copy of the templates, so that a mistake could not touch the repository's.
    let templates = scratch.dir.path().join("templates");
    std::fs::remove_file(&templates).unwrap();
    std::fs::create_dir(&templates).unwrap();
    for entry in std::fs::read_dir(repo().join("templates")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), templates.join(entry.file_name())).unwrap();
    }
    assert_refused(&scratch, "build", "templates", "it is the templates folder");
    assert_refused(
        &scratch,
        "build",
        "templates/out",
        "it lies inside the templates folder",
    );
}

#[test]
fn folders_with_files_nianbao_did_not_write_are_refused() {
    let scratch = Scratch::new();
    // A web root with the court's other pages.
    let site = scratch.dir.path().join("site");
    std::fs::create_dir_all(site.join("news")).unwrap();
    std::fs::write(site.join("index.html"), "<h1>法院</h1>").unwrap();
    std::fs::write(site.join("news/2024.html"), "<p>新闻</p>").unwrap();
    assert_refused(
        &scratch,
        "build",
        "site",
        "it holds files nianbao did not write",
    );
    assert_refused(
        &scratch,
        "serve",
        "site",
        "it holds files nianbao did not write",
    );

    // An earlier output with a file of the author's own, or a page edited by hand.
    assert!(scratch.build().status.success());
    std::fs::write(scratch.out().join("zh/notes.txt"), "mine").unwrap();
    assert_refused(
        &scratch,
        "build",
        "out",
        "it holds zh/notes.txt, which the last build did not write",
    );
    std::fs::remove_file(scratch.out().join("zh/notes.txt")).unwrap();
    std::os::unix::fs::symlink("../report", scratch.out().join("link")).unwrap();
    assert_refused(&scratch, "build", "out", "it holds link");
    std::fs::remove_file(scratch.out().join("link")).unwrap();
    let page = scratch.out().join("en/index.html");
    let mut text = std::fs::read_to_string(&page).unwrap();
    text.push_str("<!-- fixed by hand -->");
    std::fs::write(&page, text).unwrap();
    assert_refused(
        &scratch,
        "build",
        "out",
        "en/index.html was changed after the last build wrote it",
    );
}

#[test]
fn symbolic_links_are_refused() {
    let scratch = Scratch::new();
    let dir = scratch.dir.path();
    std::os::unix::fs::symlink("report", dir.join("to-report")).unwrap();
    assert_refused(&scratch, "build", "to-report", "it is the report folder");
    std::fs::create_dir(dir.join("site")).unwrap();
    std::fs::write(dir.join("site/index.html"), "court").unwrap();
    std::os::unix::fs::symlink("site", dir.join("to-site")).unwrap();
    assert_refused(&scratch, "build", "to-site", "it is a symbolic link");
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    std::os::unix::fs::symlink("notes.txt", dir.join("to-notes")).unwrap();
    assert_refused(&scratch, "build", "to-notes", "it is a symbolic link");
    assert_eq!(
        std::fs::read_to_string(dir.join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn a_new_an_empty_or_an_earlier_output_folder_is_written() {
    let scratch = Scratch::new();
    std::fs::create_dir(scratch.dir.path().join("empty")).unwrap();
    for target in ["new/out", "empty", "out", "out"] {
        let output = scratch.run(&["build", "report", "-o", target]);
        assert!(output.status.success(), "{target}: {}", stderr(&output));
        let out = scratch.dir.path().join(target);
        assert!(out.join("zh/index.html").is_file());
        assert!(out.join(nianbao::site::MANIFEST).is_file());
    }
    assert_eq!(leftovers(scratch.dir.path(), "out"), Vec::<String>::new());
}

#[test]
fn two_builds_into_one_folder_at_once_leave_one_whole_output() {
    let scratch = Scratch::new();
    let dir = scratch.dir.path();
    // A second, different report beside the first.
    let other = dir.join("other");
    for (file, bytes) in snapshot(&scratch.report()) {
        std::fs::create_dir_all(other.join(&file).parent().unwrap()).unwrap();
        std::fs::write(other.join(&file), bytes).unwrap();
    }
    let caseload = other.join("data/caseload.yaml");
    let text = std::fs::read_to_string(&caseload).unwrap();
    let text = text
        .replacen("criminal: 1857", "criminal: 1957", 1)
        .replacen("total: 105890", "total: 105990", 1);
    std::fs::write(&caseload, text).unwrap();
    for (report, out) in [("report", "ref-a"), ("other", "ref-b")] {
        let output = scratch.run(&["build", report, "-o", out]);
        assert!(output.status.success(), "{}", stderr(&output));
    }
    let (a, b) = (snapshot(&dir.join("ref-a")), snapshot(&dir.join("ref-b")));
    assert_ne!(a, b);

    let mut outcomes = [0, 0];
    for round in 0..20 {
        let start = |report: &str| {
            Command::new(env!("CARGO_BIN_EXE_nianbao"))
                .args(["build", report, "-o", "out"])
                .current_dir(dir)
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (first, second) = (start("report"), start("other"));
        for child in [first, second] {
            let output = child.wait_with_output().unwrap();
            assert!(
                output.status.success(),
                "round {round}: {}",
                stderr(&output)
            );
        }
        let now = snapshot(&scratch.out());
        if now == a {
            outcomes[0] += 1;
        } else if now == b {
            outcomes[1] += 1;
        } else {
            panic!(
                "round {round}: out/ is neither build's output ({} files)",
                now.len()
            );
        }
        assert_eq!(leftovers(dir, "out"), Vec::<String>::new(), "round {round}");
    }
    eprintln!("last build of each round: {outcomes:?} (report, other)");
}
