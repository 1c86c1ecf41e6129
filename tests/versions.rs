//! Report versions: `diff` marks exactly what changed, `new` rolls a report over to
//! the next year, `fmt` changes no output, and builds are reproducible.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::*;
use nianbao::diff::{Mark, Segment, Status};
use nianbao::model::Block;
use nianbao::{Project, check};

fn copy_report(scratch: &Scratch, to: &str) {
    let target = scratch.dir.path().join(to);
    for (file, bytes) in snapshot(&scratch.report()) {
        std::fs::create_dir_all(target.join(&file).parent().unwrap()).unwrap();
        std::fs::write(target.join(&file), bytes).unwrap();
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Text of every `<tag>…</tag>` in order.
fn elements(html: &str, tag: &str) -> Vec<String> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    html.split(&open)
        .skip(1)
        .map(|rest| rest[..rest.find(&close).unwrap()].to_string())
        .collect()
}

/// One character of one paragraph, one count (with its published total) and one
/// glossary definition.
fn three_edits(scratch: &Scratch) {
    scratch.edit(
        "zh/01-security.md",
        "初访当场化解率89.8%",
        "初访当场化解率89.9%",
    );
    scratch.edit("data/caseload.yaml", "criminal: 1337", "criminal: 1347");
    scratch.edit("data/caseload.yaml", "total: 91058", "total: 91068");
    scratch.edit(
        "zh/glossary.yaml",
        "化解在初始，息访在县域",
        "化解在萌芽，息访在县域",
    );
}

#[test]
fn the_redline_marks_exactly_what_changed_and_what_follows_from_it() {
    let scratch = Scratch::new();
    copy_report(&scratch, "old");
    three_edits(&scratch);

    let old = check(&Project::at(scratch.dir.path().join("old")));
    let new = check(&Project::at(scratch.report()));
    let d = nianbao::diff::diff(&old, &new).unwrap();

    assert!(d.front.is_empty() && d.cases.is_empty(), "{d:#?}");
    assert_eq!(d.sections.len(), 1, "{:#?}", d.sections);
    assert_eq!(d.sections[0].file, "zh/01-security.md");
    assert_eq!(d.sections[0].status, Status::Kept);
    assert_eq!(d.sections[0].blocks.len(), 1);
    let changed: Vec<&Segment> = d.sections[0].blocks[0]
        .segments
        .iter()
        .filter(|s| s.mark != Mark::Same)
        .collect();
    assert_eq!(
        changed
            .iter()
            .map(|s| (s.mark, s.text.as_str()))
            .collect::<Vec<_>>(),
        [(Mark::Deleted, "89.8"), (Mark::Inserted, "89.9")]
    );

    let names = |changes: &[nianbao::diff::ValueChange]| {
        changes.iter().map(|c| c.name.clone()).collect::<Vec<_>>()
    };
    assert_eq!(
        names(&d.data),
        ["received 2022 criminal", "received 2022 total"]
    );
    assert_eq!(
        names(&d.figures),
        [
            "received.change.criminal",
            "received.change.total",
            "closure_ratio.previous",
            "closure_ratio.change_points"
        ]
    );
    assert_eq!(d.tables.len(), 1);
    assert_eq!(d.tables[0].id, "received-compared");
    assert_eq!(
        names(&d.tables[0].changes),
        [
            "刑事案件 / 2022年收案数",
            "刑事案件 / 2023年与2022年同比情况",
            "总数 / 2022年收案数",
            "总数 / 2023年与2022年同比情况"
        ]
    );
    assert_eq!(d.glossary.len(), 1);
    assert_eq!(d.glossary[0].id, "pujiang-experience");

    // The command: a summary, exit 1, and a redline whose marks are exactly these.
    let output = scratch.run(&["diff", "old", "report", "-o", "redline.html"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("初访当场化解率[-89.8-]{+89.9+}%"),
        "{}",
        stdout(&output)
    );
    let html = std::fs::read_to_string(scratch.dir.path().join("redline.html")).unwrap();
    assert_eq!(
        elements(&html, "del"),
        [
            "删除的文字", // the legend
            "89.8",
            "1337",
            "91058",
            "32.39%",
            "10.20%",
            "100.02%",
            "5.51 pts",
            "1337",
            "32.39%",
            "91058",
            "10.20%",
            "初始"
        ]
    );
    assert_eq!(
        elements(&html, "ins"),
        [
            "新增的文字",
            "89.9",
            "1347",
            "91068",
            "31.40%",
            "10.19%",
            "100.01%",
            "5.52 pts",
            "1347",
            "31.40%",
            "91068",
            "10.19%",
            "萌芽"
        ]
    );
    assert!(html.contains("<html lang=\"zh-CN\">") && html.contains("class=\"legend\""));
    assert!(!html.contains("<script") && !html.contains("http"));
}

#[test]
fn a_report_compared_with_itself_has_no_changes_and_exits_0() {
    let scratch = Scratch::new();
    copy_report(&scratch, "same");
    let output = scratch.run(&["diff", "same", "report", "-o", "redline.html"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).contains("no changes"));
    let output = scratch.run(&["diff", "no-such-folder-or-revision", "report"]);
    assert_eq!(output.status.code(), Some(2));
}

fn git(dir: &Path, args: &[&str]) -> Output {
    let output = Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output()
        .unwrap();
    assert!(output.status.success(), "git {args:?}: {}", stderr(&output));
    output
}

#[test]
fn revisions_of_a_git_repository_are_compared() {
    let scratch = Scratch::new();
    let dir = scratch.dir.path();
    git(dir, &["init", "-q"]);
    git(dir, &["add", "report"]);
    git(dir, &["commit", "-qm", "2023 report"]);
    git(dir, &["tag", "published"]);
    three_edits(&scratch);
    git(dir, &["commit", "-qam", "review edits"]);

    let output = scratch.run(&["diff", "HEAD~1", "HEAD"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let summary = stdout(&output);
    assert!(summary.contains("[-89.8-]{+89.9+}"), "{summary}");
    assert!(
        summary.contains("received 2022 criminal: 1337 → 1347"),
        "{summary}"
    );
    // A tag against the working tree's folder; a revision against itself.
    let output = scratch.run(&["diff", "published", "report"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let output = scratch.run(&["diff", "HEAD", "report"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));

    // The README's recipe: git diff calls nianbao for report files.
    std::fs::write(dir.join(".gitattributes"), "report/** diff=nianbao\n").unwrap();
    let command = format!(
        "diff.nianbao.command={} git-diff",
        env!("CARGO_BIN_EXE_nianbao")
    );
    let output = git(
        dir,
        &["-c", &command, "diff", "HEAD~1", "HEAD", "--", "report/zh"],
    );
    let shown = stdout(&output);
    assert!(shown.contains("初访当场化解率[-89.8-]{+89.9+}%"), "{shown}");
    assert!(shown.contains("[-初始-]{+萌芽+}"), "{shown}");
}

/// Put the scratch project under git, its report committed.
fn commit_report(scratch: &Scratch) {
    let dir = scratch.dir.path();
    git(dir, &["init", "-q"]);
    git(dir, &["add", "report"]);
    git(dir, &["commit", "-qm", "2023 report"]);
}

#[test]
fn new_in_place_refuses_a_report_that_git_does_not_keep() {
    let scratch = Scratch::new();
    let before = snapshot(&scratch.report());
    let output = scratch.run(&["new", "2024"]);
    let messages = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{messages}");
    assert!(
        messages.contains("report is not in a git work tree"),
        "{messages}"
    );
    assert!(messages.contains("kept nowhere"), "{messages}");
    assert!(
        messages.contains("--to DIR") && messages.contains("--force"),
        "{messages}"
    );
    assert_eq!(snapshot(&scratch.report()), before);

    // In git, with an edit not yet committed.
    commit_report(&scratch);
    let closing = scratch.report().join("zh/07-closing.md");
    let mut text = std::fs::read_to_string(&closing).unwrap();
    text.push('\n');
    std::fs::write(&closing, text).unwrap();
    let edited = snapshot(&scratch.report());
    let output = scratch.run(&["new", "2024"]);
    let messages = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{messages}");
    assert!(messages.contains("1 uncommitted change(s)"), "{messages}");
    assert_eq!(snapshot(&scratch.report()), edited);

    // Committed: rolled over, and the message says which commit keeps the old year.
    git(scratch.dir.path(), &["commit", "-qam", "edit"]);
    let head = git(scratch.dir.path(), &["rev-parse", "--short", "HEAD"]);
    let head = String::from_utf8_lossy(&head.stdout).trim().to_string();
    let output = scratch.run(&["new", "2024"]);
    let messages = stderr(&output);
    assert!(output.status.success(), "{messages}");
    assert!(
        messages.contains(&format!("the 2023 report stays in git at commit {head}")),
        "{messages}"
    );
    assert!(
        messages.contains(&format!("git tag report-2023 {head}")),
        "{messages}"
    );
}

#[test]
fn new_with_force_says_the_old_year_is_kept_nowhere_and_a_failure_changes_no_file() {
    let scratch = Scratch::new();
    // A read-only section: the roll-over fails on it and changes no other file.
    let locked = scratch.report().join("zh/05-team.md");
    std::fs::set_permissions(&locked, std::os::unix::fs::PermissionsExt::from_mode(0o444)).unwrap();
    let before = snapshot(&scratch.report());
    let output = scratch.run(&["new", "2024", "--force"]);
    let messages = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{messages}");
    assert!(
        messages.contains("zh/05-team.md") && messages.contains("read-only"),
        "{messages}"
    );
    assert_eq!(snapshot(&scratch.report()), before);
    assert_no_temporary_files(&scratch.report());

    std::fs::set_permissions(&locked, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    let output = scratch.run(&["new", "2024", "--force"]);
    let messages = stderr(&output);
    assert!(output.status.success(), "{messages}");
    assert!(
        messages.contains("the 2023 report is kept nowhere"),
        "{messages}"
    );
}

/// No file or folder whose name starts with a dot below `dir`: no staged file was left.
fn assert_no_temporary_files(dir: &Path) {
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            assert!(
                !name.starts_with('.'),
                "left behind: {}",
                entry.path().display()
            );
            if entry.file_type().unwrap().is_dir() {
                pending.push(entry.path());
            }
        }
    }
}

/// Every Markdown file of the scratch report joined back to a paragraph per line, so
/// that `fmt` has work to do; the files' formatted lengths, largest last.
fn unformat_all(scratch: &Scratch) -> Vec<usize> {
    let mut sizes = Vec::new();
    for file in snapshot(&scratch.report())
        .keys()
        .filter(|f| f.extension().is_some_and(|e| e == "md") && f.components().count() > 1)
    {
        let path = scratch.report().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let joined = unformat(&text);
        if joined != text {
            sizes.push(nianbao::fmt::one_sentence_per_line(&joined).len());
        }
        std::fs::write(&path, joined).unwrap();
    }
    sizes.sort();
    sizes
}

#[test]
fn fmt_under_a_file_size_limit_leaves_every_file_whole_and_names_the_file() {
    let scratch = Scratch::new();
    let sizes = unformat_all(&scratch);
    assert!(sizes.len() >= 2, "{sizes:?}");
    let before = snapshot(&scratch.report());
    // A limit (in KiB, as bash's `ulimit -f` counts) that the largest formatted file
    // exceeds: smaller files are staged first, then the largest fails.
    let limit = sizes[sizes.len() - 1] / 1024;
    assert!(limit * 1024 > sizes[0], "{sizes:?}");
    let output = Command::new("bash")
        .args([
            "-c",
            "ulimit -f \"$1\" && exec \"$0\" fmt report",
            env!("CARGO_BIN_EXE_nianbao"),
            &limit.to_string(),
        ])
        .current_dir(scratch.dir.path())
        .output()
        .unwrap();
    let messages = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{messages}");
    assert!(messages.contains("cannot write report/"), "{messages}");
    assert!(messages.contains(".md: File too large"), "{messages}");
    assert_eq!(snapshot(&scratch.report()), before, "every file as it was");
    assert_no_temporary_files(&scratch.report());

    // Without the limit, the same run formats them all.
    let output = scratch.run(&["fmt", "report"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_ne!(snapshot(&scratch.report()), before);
}

#[test]
fn fmt_names_a_read_only_file_and_changes_nothing() {
    let scratch = Scratch::new();
    unformat_all(&scratch);
    let locked = scratch.report().join("zh/03-people.md");
    std::fs::set_permissions(&locked, std::os::unix::fs::PermissionsExt::from_mode(0o444)).unwrap();
    let before = snapshot(&scratch.report());
    let output = scratch.run(&["fmt", "report"]);
    let messages = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{messages}");
    assert!(
        messages.contains("cannot write report/zh/03-people.md: the file is read-only"),
        "{messages}"
    );
    assert_eq!(snapshot(&scratch.report()), before);
    assert_no_temporary_files(&scratch.report());
}

#[test]
fn the_git_diff_driver_shows_every_change_and_never_dies() {
    let scratch = Scratch::new();
    let dir = scratch.dir.path();
    std::fs::write(dir.join(".gitattributes"), "report/** diff=nianbao\n").unwrap();
    git(dir, &["init", "-q"]);
    git(dir, &["add", "report", ".gitattributes"]);
    git(dir, &["commit", "-qm", "2023 report"]);
    let command = format!(
        "diff.nianbao.command={} git-diff",
        env!("CARGO_BIN_EXE_nianbao")
    );

    // A file the report does not read, a translation marker, a YAML comment, and
    // one change the report shows.
    let guide = scratch.report().join("README.md");
    let mut text = std::fs::read_to_string(&guide).unwrap();
    text.push_str("\nOne more line for the guide.\n");
    std::fs::write(&guide, text).unwrap();
    scratch.edit(
        "en/01-security.md",
        "<!-- zh 30e4c617 -->",
        "<!-- zh 30e4c618 -->",
    );
    scratch.edit(
        "data/caseload.yaml",
        "# Caseload figures:",
        "# Caseload counts:",
    );
    scratch.edit(
        "zh/01-security.md",
        "初访当场化解率89.8%",
        "初访当场化解率89.9%",
    );
    let output = git(dir, &["-c", &command, "diff"]);
    let shown = stdout(&output);
    assert!(
        shown.contains(
            "nianbao: report/README.md is not part of the report's content; the line diff follows"
        ),
        "{shown}"
    );
    assert!(
        shown.contains("\n+One more line for the guide.\n"),
        "{shown}"
    );
    assert!(
        shown.contains("nianbao: the change does not reach the report's text"),
        "{shown}"
    );
    assert!(
        shown.contains("\n-<!-- zh 30e4c617 -->\n+<!-- zh 30e4c618 -->\n"),
        "{shown}"
    );
    assert!(shown.contains("\n+# Caseload counts:"), "{shown}");
    assert!(shown.contains("初访当场化解率[-89.8-]{+89.9+}%"), "{shown}");

    // A YAML error in the working tree: the other file's change still shows, as a
    // line diff, and git does not stop.
    scratch.edit("data/caseload.yaml", "criminal: 1337", "criminal: [1337");
    let output = git(dir, &["-c", &command, "diff", "--", "report/zh"]);
    let shown = stdout(&output);
    assert!(
        shown.contains("nianbao: the report cannot be compared ("),
        "{shown}"
    );
    assert!(shown.contains("+++ b/report/zh/01-security.md"), "{shown}");
    assert!(shown.contains("初访当场化解率89.9%"), "{shown}");
    let output = git(dir, &["-c", &command, "diff", "--", "report/data"]);
    assert!(
        stdout(&output).contains("+    criminal: [1337"),
        "{}",
        stdout(&output)
    );
}

/// Fill the new year's empty counts with `count` each and the total with six times it,
/// then the year's open cases and rates.
fn fill_figures(scratch: &Scratch, count: u64) {
    let path = scratch.report().join("data/caseload.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let filled: String = text
        .split_inclusive('\n')
        .map(|line| match line.strip_suffix(":\n") {
            Some(key) if key.starts_with("    ") && key.trim() == "total" => {
                format!("{key}: {}\n", 6 * count)
            }
            Some(key) if key.starts_with("    ") => format!("{key}: {count}\n"),
            _ => line.to_string(),
        })
        .collect();
    std::fs::write(&path, filled).unwrap();
    scratch.edit(
        "data/caseload.yaml",
        "2023: 26025\n  2024:",
        "2023: 26025\n  2024: 25000",
    );
    scratch.edit(
        "data/caseload.yaml",
        "2023: 86.1\n  2024:",
        "2023: 86.1\n  2024: 87.0",
    );
    scratch.edit(
        "data/caseload.yaml",
        "2023: 486\n  2024:",
        "2023: 486\n  2024: 500",
    );
}

#[test]
fn a_new_year_lists_its_missing_figures_and_drafts_then_compares_with_the_old_year() {
    let scratch = Scratch::new();
    commit_report(&scratch);
    let output = scratch.run(&["new", "2024"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("git tag"), "{}", stderr(&output));

    let output = scratch.run(&["check", "report"]);
    let messages = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{messages}");
    // Each category and the total, received and closed; open cases; two rates.
    assert_eq!(
        messages.matches("is not filled in").count(),
        7 * 2 + 3,
        "{messages}"
    );
    assert!(messages.contains("`received.2024.criminal` is not filled in"));
    assert!(messages.contains("`closed_per_judge.2024` is not filled in"));
    assert_eq!(
        messages
            .matches("section not yet rewritten for 2024")
            .count(),
        // Ten sections in each of the two languages.
        20,
        "{messages}"
    );
    assert!(
        messages.contains("report/zh/00-opening.md:1:1"),
        "{messages}"
    );
    assert!(
        messages.contains("delivered on 2024-01-05, not in 2025"),
        "{messages}"
    );

    // Only 2023 and 2024 figures remain, and the comments survive.
    let caseload = std::fs::read_to_string(scratch.report().join("data/caseload.yaml")).unwrap();
    assert!(!caseload.contains("2022:") && caseload.contains("# Cases received (收案), per year."));

    fill_figures(&scratch, 100);
    let output = scratch.run(&["check", "report"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(scratch.build().status.success());

    let checked = check(&Project::at(scratch.report()));
    let table = checked.reports[0]
        .annexes
        .iter()
        .flat_map(|a| a.blocks.clone())
        .find_map(|b| match b {
            Block::Table(t) if t.id == "received-compared" => Some(t),
            _ => None,
        })
        .unwrap();
    let texts =
        |cells: &[nianbao::model::Cell]| cells.iter().map(|c| c.text.clone()).collect::<Vec<_>>();
    assert_eq!(
        texts(&table.header),
        ["", "2023年收案数", "2024年收案数", "2024年与2023年同比情况"]
    );
    assert_eq!(
        texts(&table.rows[0]),
        ["刑事案件", "1770", "100", "-94.35%"]
    );
    assert!(scratch.page().contains("2024年收案数"));
}

#[test]
fn new_can_write_a_separate_folder_and_refuses_a_skipped_year() {
    let scratch = Scratch::new();
    let before = snapshot(&scratch.report());
    let output = scratch.run(&["new", "2025"]);
    assert_eq!(output.status.code(), Some(2));
    let output = scratch.run(&["new", "2024", "report", "--to", "report/next"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("lies inside the report folder"));
    assert_eq!(snapshot(&scratch.report()), before);
    let output = scratch.run(&["new", "2024", "report", "--to", "report-2024"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        snapshot(&scratch.report()),
        before,
        "the 2023 report is untouched"
    );
    let manifest =
        std::fs::read_to_string(scratch.dir.path().join("report-2024/report.yaml")).unwrap();
    assert!(manifest.contains("year: 2024"));
}

/// Join each paragraph's sentences onto one line: invisible next to Chinese text.
fn unformat(text: &str) -> String {
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        let joins = (out.ends_with("。\n") || out.ends_with("；\n"))
            && !line.trim().is_empty()
            && !line.starts_with(['#', '<', '*', '-']);
        if joins {
            out.pop();
        }
        out.push_str(line);
    }
    out
}

#[test]
fn fmt_is_idempotent_and_changes_no_output() {
    let scratch = Scratch::new();
    let formatted = snapshot(&scratch.report());
    // An English paragraph written across lines, in a scratch copy only.
    let closing = scratch.report().join("zh/07-closing.md");
    let mut text = std::fs::read_to_string(&closing).unwrap();
    text.push_str(
        "\nThe court received\nmore cases. It closed them all! Did it? Yes. Mr. Li\nagreed.\n",
    );
    std::fs::write(&closing, &text).unwrap();
    // Everything unformatted: every Chinese paragraph on one line.
    for file in formatted
        .keys()
        .filter(|f| f.extension().is_some_and(|e| e == "md"))
    {
        let path = scratch.report().join(file);
        std::fs::write(&path, unformat(&std::fs::read_to_string(&path).unwrap())).unwrap();
    }
    assert!(scratch.build().status.success());
    let before = snapshot(&scratch.out());

    let output = scratch.run(&["fmt", "--check"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let output = scratch.run(&["fmt"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("formatted"));
    let once = snapshot(&scratch.report());
    let output = scratch.run(&["fmt"]);
    assert!(stderr(&output).is_empty(), "{}", stderr(&output));
    assert_eq!(
        snapshot(&scratch.report()),
        once,
        "a second fmt changes nothing"
    );

    assert!(scratch.build().status.success());
    assert_eq!(snapshot(&scratch.out()), before, "fmt changes no output");

    // The Chinese sections come back exactly as written, one sentence per line.
    for (file, bytes) in &formatted {
        let closing = file == Path::new("zh/07-closing.md");
        if file.starts_with("zh") && file.extension().is_some_and(|e| e == "md") && !closing {
            assert_eq!(
                String::from_utf8_lossy(&once[file]),
                String::from_utf8_lossy(bytes),
                "{}",
                file.display()
            );
        }
    }
    let closing = String::from_utf8_lossy(&once[Path::new("zh/07-closing.md")]).into_owned();
    assert!(
        closing.ends_with(
            "The court received more cases.\nIt closed them all!\nDid it?\nYes.\nMr. Li agreed.\n"
        ),
        "{closing}"
    );
}

#[test]
fn two_clones_in_different_folders_build_byte_identical_outputs() {
    let (a, b) = (Scratch::new(), Scratch::new());
    assert_ne!(a.dir.path(), b.dir.path());
    for scratch in [&a, &b] {
        assert!(scratch.build().status.success());
        copy_report(scratch, "old");
        three_edits(scratch);
        let output = scratch.run(&["diff", "old", "report", "-o", "out/redline.html"]);
        assert_eq!(output.status.code(), Some(1));
    }
    let (first, second) = (snapshot(&a.out()), snapshot(&b.out()));
    assert!(first.contains_key(Path::new("redline.html")));
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (file, bytes) in &first {
        assert!(second[file] == *bytes, "{} differs", file.display());
        let text = String::from_utf8_lossy(bytes);
        let folder = a.dir.path().to_string_lossy();
        assert!(
            !text.contains(folder.as_ref()),
            "{} holds its folder",
            file.display()
        );
    }
}
