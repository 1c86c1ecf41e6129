//! A build stopped at any step of writing leaves `out/` whole: the previous output up
//! to the swap, the new one after it, never a mixture or nothing. SIGINT and SIGTERM
//! also remove the staging folder and the lock (nothing is left beside `out/`) and
//! exit 130 and 143; after SIGKILL the next build removes what the killed one left.
//!
//! Each signal lands exactly where the test says, however busy the machine: the
//! test-only variable `NIANBAO_TEST_PAUSE_AT=STEP` makes the build stop at STEP and say
//! so, and only then is the signal sent.

mod common;

use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::*;

/// Names beside `out/` that a build makes (`.out.new-…`, `.out.lock`).
fn beside_out(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".out."))
        .collect();
    names.sort();
    names
}

fn restore(out: &Path, files: &std::collections::BTreeMap<std::path::PathBuf, Vec<u8>>) {
    let _ = std::fs::remove_dir_all(out);
    for (path, bytes) in files {
        let target = out.join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, bytes).unwrap();
    }
}

/// Start a build that stops at `step`; return it once it says it has stopped there.
fn build_paused_at(scratch: &Scratch, step: &str) -> std::process::Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(["build", "report", "-o", "out"])
        .current_dir(scratch.dir.path())
        .env(nianbao::site::PAUSE_VARIABLE, step)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (send, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if send.send(line).is_err() {
                break;
            }
        }
    });
    let wanted = format!("nianbao: paused {step} ");
    let mut said = Vec::new();
    // Only a safety net: the build reaches the step in well under a second.
    while let Ok(line) = lines.recv_timeout(Duration::from_secs(300)) {
        if line.starts_with(&wanted) {
            return child;
        }
        said.push(line);
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the build never paused {step}:\n{}", said.join("\n"));
}

#[test]
fn a_build_stopped_at_any_step_leaves_a_whole_output() {
    let scratch = Scratch::new();
    assert!(scratch.build().status.success());
    let old = snapshot(&scratch.out());

    // The new sources give a different output, so a mixture would show.
    scratch.edit("data/caseload.yaml", "criminal: 1857", "criminal: 1957");
    scratch.edit("data/caseload.yaml", "total: 105890", "total: 105990");
    let reference = scratch.run(&["build", "report", "-o", "reference"]);
    assert!(reference.status.success(), "{}", stderr(&reference));
    let new = snapshot(&scratch.dir.path().join("reference"));
    assert_ne!(old, new);

    let steps = [
        ("before-write", false),
        ("mid-write", false),
        ("before-swap", false),
        ("after-swap", true),
    ];
    for (step, swapped) in steps {
        for (signal, number) in [("INT", 2), ("TERM", 15), ("KILL", 9)] {
            restore(&scratch.out(), &old);
            let mut child = build_paused_at(&scratch, step);
            let sent = Command::new("kill")
                .args([&format!("-{signal}"), &child.id().to_string()])
                .status()
                .unwrap();
            assert!(sent.success());
            let status = child.wait().unwrap();
            let at = format!("SIG{signal} {step}");
            if signal == "KILL" {
                assert_eq!(status.signal(), Some(9), "{at}: {status:?}");
            } else {
                assert_eq!(status.code(), Some(128 + number), "{at}: {status:?}");
                assert_eq!(beside_out(scratch.dir.path()), Vec::<String>::new(), "{at}");
            }
            let now = snapshot(&scratch.out());
            let expected = if swapped { &new } else { &old };
            assert!(
                now == *expected,
                "{at}: out/ is not the {} output ({} files)",
                if swapped { "new" } else { "old" },
                now.len()
            );
        }
    }
    // What the killed builds left is removed by the next build.
    assert!(!beside_out(scratch.dir.path()).is_empty());
    assert!(scratch.build().status.success());
    assert_eq!(beside_out(scratch.dir.path()), Vec::<String>::new());
    assert_eq!(snapshot(&scratch.out()), new);
}
