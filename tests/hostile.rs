//! Hostile and broken input: each gets a clear error naming the file (and line), or is
//! made safe; never a panic or a hang; a failed build leaves `out/` as it was.

mod common;

use std::time::{Duration, Instant};

use common::*;

/// Build a scratch project known to be good, break it with `damage`, build again, and
/// return the messages of the failed build after checking that `out/` did not change.
fn refused(damage: impl FnOnce(&Scratch)) -> String {
    let scratch = Scratch::new();
    assert!(scratch.build().status.success());
    let before = std::fs::read(scratch.out().join("zh/index.html")).unwrap();
    damage(&scratch);
    let started = Instant::now();
    let output = scratch.build();
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "the build must not hang"
    );
    let messages = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{messages}");
    assert!(!messages.contains("panicked"), "{messages}");
    assert_eq!(
        std::fs::read(scratch.out().join("zh/index.html")).unwrap(),
        before
    );
    messages
}

fn append(scratch: &Scratch, file: &str, text: &str) {
    let path = scratch.report().join(file);
    let mut content = std::fs::read_to_string(&path).unwrap();
    content.push_str(text);
    std::fs::write(path, content).unwrap();
}

#[test]
fn raw_html_scripts_and_event_handlers_are_refused() {
    for html in [
        "\n<script>alert(1)</script>\n",
        "\n段落<img src=x onerror=alert(1)>。\n",
        "\n<div onclick=\"steal()\">点击</div>\n",
        "\n<iframe src=\"https://evil.example\"></iframe>\n",
    ] {
        let messages = refused(|s| append(s, "zh/07-closing.md", html));
        assert!(messages.contains("report/zh/07-closing.md:"), "{messages}");
        assert!(messages.contains("raw HTML cannot appear"), "{messages}");
    }
}

#[test]
fn script_and_data_links_are_refused() {
    for link in [
        "[点此](javascript:alert(1))",
        "[点此](data:text/html;base64,PHNjcmlwdD4=)",
    ] {
        let messages = refused(|s| append(s, "zh/07-closing.md", &format!("\n\n{link}\n")));
        assert!(messages.contains("report/zh/07-closing.md:"), "{messages}");
        assert!(messages.contains("is not allowed"), "{messages}");
    }
}

#[test]
fn images_and_includes_cannot_reach_outside_the_report() {
    let messages = refused(|s| append(s, "zh/07-closing.md", "\n\n![密码](../../../etc/passwd)\n"));
    assert!(messages.contains("an image cannot appear"), "{messages}");
    let messages =
        refused(|s| append(s, "zh/07-closing.md", "\n\n{% include \"/etc/passwd\" %}\n"));
    assert!(messages.contains("report/zh/07-closing.md:"), "{messages}");
    let messages = refused(|s| {
        s.edit(
            "report.yaml",
            "  - 07-closing.md",
            "  - ../../../../etc/passwd",
        )
    });
    assert!(
        messages.contains("lies outside the report folder"),
        "{messages}"
    );
    let messages = refused(|s| {
        let link = s.report().join("zh/07-closing.md");
        std::fs::remove_file(&link).unwrap();
        std::os::unix::fs::symlink("/etc/hostname", &link).unwrap();
    });
    assert!(
        messages.contains("links to a file outside the report folder"),
        "{messages}"
    );
}

#[test]
fn yaml_alias_bombs_and_deep_nesting_are_refused_quickly() {
    let bomb = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n\
                b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n\
                d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n\
                f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n\
                h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ni: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
    let messages = refused(|s| std::fs::write(s.report().join("data/tables.yaml"), bomb).unwrap());
    assert!(messages.contains("report/data/tables.yaml:"), "{messages}");
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let messages = refused(|s| std::fs::write(s.report().join("data/tables.yaml"), &deep).unwrap());
    assert!(messages.contains("report/data/tables.yaml:"), "{messages}");
}

#[test]
fn a_very_large_section_is_refused_with_the_limit() {
    let messages = refused(|s| append(s, "zh/07-closing.md", &"很长的段落。".repeat(300_000)));
    assert!(
        messages.contains("a report file may have at most 4 MiB"),
        "{messages}"
    );
}

#[test]
fn a_large_pathological_section_within_the_limit_builds_in_bounded_time() {
    let scratch = Scratch::new();
    let nasty = format!("\n\n{}{}\n", "*[".repeat(100_000), "_".repeat(100_000));
    append(&scratch, "zh/07-closing.md", &nasty);
    let started = Instant::now();
    let output = scratch.run(&["check", "report"]);
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
}

#[test]
fn invalid_utf8_nul_and_control_characters_are_refused_with_their_line() {
    let messages = refused(|s| {
        let path = s.report().join("zh/08-shortcomings.md");
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(b"\n\xff\xfe broken\n");
        std::fs::write(path, bytes).unwrap();
    });
    assert!(
        messages.contains("report/zh/08-shortcomings.md:"),
        "{messages}"
    );
    assert!(messages.contains("not valid UTF-8"), "{messages}");
    for (c, name) in [
        ('\0', "U+0000"),
        ('\u{7}', "U+0007"),
        ('\u{feff}', "U+FEFF"),
    ] {
        let messages = refused(|s| {
            s.edit(
                "zh/08-shortcomings.md",
                "对于上述问题",
                &format!("对于{c}上述问题"),
            )
        });
        let text = std::fs::read_to_string(repo().join("report/zh/08-shortcomings.md")).unwrap();
        let line = text[..text.find("对于上述问题").unwrap()]
            .matches('\n')
            .count()
            + 1;
        assert!(
            messages.contains(&format!("report/zh/08-shortcomings.md:{line}:3")),
            "{messages}"
        );
        assert!(messages.contains(name), "{messages}");
    }
}

/// Line of the first `needle` in the repository's report file `file`.
fn line_of(file: &str, needle: &str) -> usize {
    let text = std::fs::read_to_string(repo().join("report").join(file)).unwrap();
    text[..text.find(needle).unwrap()].matches('\n').count() + 1
}

/// Numbers no report holds. Fed through the `sources` fuzz target built with debug
/// assertions, the year and the counts panicked with an arithmetic overflow in `check` or
/// `figures` (a release build wrapped silently); a rate of `.nan` went through. Each is
/// now refused where it is written.
#[test]
fn numbers_that_would_overflow_are_refused_with_their_line() {
    /// `edits` to `file`, and the message expected on the line of `at`.
    struct Case {
        file: &'static str,
        edits: &'static [(&'static str, &'static str)],
        at: &'static str,
        message: &'static str,
    }
    let cases = [
        Case {
            file: "report.yaml",
            edits: &[("year: 2023", "year: 2147483647")],
            at: "year: 2023",
            message: "cannot cover the year 2147483647",
        },
        Case {
            file: "report.yaml",
            edits: &[("year: 2023", "year: -2147483648")],
            at: "year: 2023",
            message: "cannot cover the year -2147483648",
        },
        Case {
            file: "data/caseload.yaml",
            edits: &[("  2023: 26025", "  2023: 18446744073709551615")],
            at: "  2023: 26025",
            message: "`pending.2023` is 18446744073709551615",
        },
        Case {
            file: "data/caseload.yaml",
            edits: &[("    criminal: 1770", "    criminal: 18446744073709551615")],
            at: "    criminal: 1770",
            message: "`received.2023.criminal` is 18446744073709551615",
        },
        Case {
            file: "data/caseload.yaml",
            edits: &[
                ("  2022: 438", "  2022: 18446744073709551615"),
                ("  2023: 486", "  2023: 9223372036854775807"),
            ],
            at: "  2023: 486",
            message: "`closed_per_judge.2023` is 9223372036854775807",
        },
        Case {
            file: "data/caseload.yaml",
            edits: &[("  2023: 86.1", "  2023: .nan")],
            at: "  2023: 86.1",
            message: "a percentage lies between 0 and 100",
        },
    ];
    for case in cases {
        let scratch = Scratch::new();
        for (old, new) in case.edits {
            scratch.edit(case.file, old, new);
        }
        let output = scratch.run(&["check", "report"]);
        let messages = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{messages}");
        assert!(!messages.contains("panicked"), "{messages}");
        assert!(messages.contains(case.message), "{messages}");
        let at = format!("report/{}:{}:", case.file, line_of(case.file, case.at));
        assert!(messages.contains(&at), "{messages}");
    }
    // A build refuses it too, and leaves `out/` as it was.
    let messages = refused(|s| {
        s.edit(
            "data/caseload.yaml",
            "  2023: 26025",
            "  2023: 18446744073709551615",
        )
    });
    assert!(
        messages.contains("a count may be at most 1000000000000"),
        "{messages}"
    );
}

#[test]
fn an_unwritable_output_folder_is_an_environment_error() {
    let scratch = Scratch::new();
    // A regular file where the output's parent folder should be: no user, not even
    // root, can create a folder inside it.
    std::fs::write(scratch.dir.path().join("blocked"), "a file").unwrap();
    let output = scratch.run(&["build", "report", "-o", "blocked/out"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("cannot write blocked/out"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_missing_font_file_is_an_environment_error_that_writes_nothing() {
    let scratch = Scratch::new();
    assert!(scratch.build().status.success());
    let before = std::fs::read(scratch.out().join("zh/report.pdf")).unwrap();
    // A fonts folder with every face but the body face.
    let fonts = scratch.dir.path().join("fonts");
    std::fs::remove_file(&fonts).unwrap();
    std::fs::create_dir(&fonts).unwrap();
    for entry in std::fs::read_dir(repo().join("fonts")).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() != "FandolFang-Regular.otf" {
            std::os::unix::fs::symlink(entry.path(), fonts.join(entry.file_name())).unwrap();
        }
    }
    let output = scratch.build();
    let messages = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{messages}");
    assert!(messages.contains("FandolFang-Regular.otf"), "{messages}");
    assert!(!messages.contains("panicked"), "{messages}");
    assert_eq!(
        std::fs::read(scratch.out().join("zh/report.pdf")).unwrap(),
        before
    );
}

/// Run `nianbao ARGS`; its output, or a failure if it does not end within `limit`.
fn run_within(
    scratch: &Scratch,
    args: &[&str],
    limit: Duration,
) -> (std::process::Output, Duration) {
    let started = Instant::now();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .current_dir(scratch.dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("`nianbao {}` still runs after {limit:?}", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    (child.wait_with_output().unwrap(), started.elapsed())
}

#[test]
fn a_named_pipe_in_the_report_is_an_error_not_a_hang() {
    let scratch = Scratch::new();
    assert!(scratch.build().status.success());
    let before = snapshot(&scratch.out());
    // A section that is a named pipe: opening it would wait for a writer forever.
    let section = scratch.report().join("zh/01-security.md");
    std::fs::remove_file(&section).unwrap();
    rustix::fs::mknodat(
        rustix::fs::CWD,
        &section,
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o644),
        0,
    )
    .unwrap();
    let (output, took) = run_within(&scratch, &["check", "report"], Duration::from_secs(1));
    let messages = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{messages}");
    assert!(
        messages
            .contains("cannot read `zh/01-security.md`: it is a named pipe, not a regular file"),
        "{messages}"
    );
    eprintln!("check refused the pipe after {took:?}");
    // The other commands that read the report stop too; out/ stays as it was.
    for args in [&["build", "report", "-o", "out"][..], &["fmt", "report"]] {
        let (output, _) = run_within(&scratch, args, Duration::from_secs(60));
        let messages = stderr(&output);
        assert_ne!(output.status.code(), Some(0), "{args:?}: {messages}");
        assert!(messages.contains("01-security.md"), "{args:?}: {messages}");
        assert!(!messages.contains("panicked"), "{messages}");
    }
    assert_eq!(snapshot(&scratch.out()), before);

    // A pipe the report does not name: a build never opens it, and `new --to`, which
    // copies the folder, names it instead of waiting.
    std::fs::remove_file(&section).unwrap();
    std::fs::copy(repo().join("report/zh/01-security.md"), &section).unwrap();
    rustix::fs::mknodat(
        rustix::fs::CWD,
        scratch.report().join("zh/notes.pipe"),
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o644),
        0,
    )
    .unwrap();
    let (output, _) = run_within(
        &scratch,
        &["build", "report", "-o", "out"],
        Duration::from_secs(60),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let args = ["new", "2024", "report", "--to", "next"];
    let (output, _) = run_within(&scratch, &args, Duration::from_secs(60));
    let messages = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{messages}");
    assert!(
        messages.contains("zh/notes.pipe: it is a named pipe"),
        "{messages}"
    );
    assert!(!scratch.dir.path().join("next").exists());
    let staged: Vec<_> = std::fs::read_dir(scratch.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".next"))
        .collect();
    assert!(staged.is_empty(), "{staged:?}");
}
