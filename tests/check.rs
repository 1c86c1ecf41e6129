//! `nianbao check` names every problem with its file and line, and exits 1.

mod common;

use common::*;

/// The 1-based line of the first occurrence of `needle` in a report file.
fn line_of(scratch: &Scratch, file: &str, needle: &str) -> usize {
    let text = std::fs::read_to_string(scratch.report().join(file)).unwrap();
    let offset = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in {file}"));
    text[..offset].matches('\n').count() + 1
}

fn check(scratch: &Scratch) -> (i32, String) {
    let output = scratch.run(&["check", "report"]);
    (output.status.code().unwrap(), stderr(&output))
}

#[test]
fn the_sample_report_is_clean_but_for_the_rounding_warning() {
    let scratch = Scratch::new();
    let (code, messages) = check(&scratch);
    assert_eq!(code, 0, "{messages}");
    assert!(messages.contains("0 error(s)"), "{messages}");
    let line = line_of(&scratch, "zh/03-people.md", "rounding=\"down\"");
    assert!(
        messages.contains(&format!("report/zh/03-people.md:{line}:")),
        "{messages}"
    );
    assert!(
        messages.contains("4.19万 truncates 41956") && messages.contains("4.20万"),
        "{messages}"
    );
}

#[test]
fn a_wrong_published_total_is_named_with_its_line() {
    let scratch = Scratch::new();
    scratch.edit("data/caseload.yaml", "total: 91058", "total: 91059");
    let line = line_of(&scratch, "data/caseload.yaml", "total: 91059");
    let (code, messages) = check(&scratch);
    assert_eq!(code, 1, "{messages}");
    assert!(
        messages.contains(&format!("report/data/caseload.yaml:{line}:12")),
        "{messages}"
    );
    assert!(
        messages.contains("91059, is not the sum of its categories, 91058"),
        "{messages}"
    );
    assert!(
        messages.contains("1 error(s)"),
        "only that problem: {messages}"
    );
}

#[test]
fn an_unknown_variable_is_named_with_its_line_and_column() {
    let scratch = Scratch::new();
    scratch.edit(
        "zh/01-security.md",
        "closed.current.criminal",
        "closed.current.crimnal",
    );
    let line = line_of(&scratch, "zh/01-security.md", "crimnal");
    let (code, messages) = check(&scratch);
    assert_eq!(code, 1, "{messages}");
    assert!(
        messages.contains(&format!("report/zh/01-security.md:{line}:35")),
        "{messages}"
    );
    assert!(messages.contains("`crimnal` is not defined"), "{messages}");
}

#[test]
fn a_template_syntax_error_is_named_with_its_line() {
    let scratch = Scratch::new();
    scratch.edit(
        "zh/02-development.md",
        "{{ closed.current.ip }}",
        "{{ closed.current.ip ",
    );
    let line = line_of(&scratch, "zh/02-development.md", "{{ closed.current.ip");
    let (code, messages) = check(&scratch);
    assert_eq!(code, 1, "{messages}");
    assert!(
        messages.contains(&format!("report/zh/02-development.md:{line}:")),
        "{messages}"
    );
}

#[test]
fn a_yaml_type_error_is_named_with_its_line_and_column() {
    let scratch = Scratch::new();
    scratch.edit("data/caseload.yaml", "criminal: 1337", "criminal: 1337件");
    let line = line_of(&scratch, "data/caseload.yaml", "1337件");
    let (code, messages) = check(&scratch);
    assert_eq!(code, 1, "{messages}");
    assert!(
        messages.contains(&format!("report/data/caseload.yaml:{line}:15")),
        "{messages}"
    );
    assert!(messages.contains("invalid type"), "{messages}");
}

#[test]
fn a_yaml_syntax_error_is_named_with_its_line() {
    let scratch = Scratch::new();
    scratch.edit(
        "report.yaml",
        "salutation: 各位代表：",
        "salutation: [各位代表：",
    );
    let (code, messages) = check(&scratch);
    assert_eq!(code, 1, "{messages}");
    assert!(messages.contains("report/report.yaml:"), "{messages}");
}

#[test]
fn a_term_the_glossary_does_not_define_is_named_with_its_line() {
    let scratch = Scratch::new();
    scratch.edit(
        "zh/01-security.md",
        "term:pujiang-experience",
        "term:pujiang",
    );
    let line = line_of(&scratch, "zh/01-security.md", "term:pujiang");
    let (code, messages) = check(&scratch);
    assert_eq!(code, 1, "{messages}");
    assert!(
        messages.contains(&format!("report/zh/01-security.md:{line}:")),
        "{messages}"
    );
    assert!(
        messages.contains("the glossary has no term `pujiang`"),
        "{messages}"
    );
}

#[test]
fn a_listed_section_that_is_missing_is_named_where_it_is_listed() {
    let scratch = Scratch::new();
    std::fs::remove_file(scratch.report().join("zh/05-team.md")).unwrap();
    let line = line_of(&scratch, "report.yaml", "05-team.md");
    let (code, messages) = check(&scratch);
    assert_eq!(code, 1, "{messages}");
    assert!(
        messages.contains(&format!("report/report.yaml:{line}:5")),
        "{messages}"
    );
    assert!(
        messages.contains("cannot read `zh/05-team.md`"),
        "{messages}"
    );
}

#[test]
fn all_problems_come_in_one_run() {
    let scratch = Scratch::new();
    scratch.edit("data/caseload.yaml", "total: 91058", "total: 91059");
    scratch.edit(
        "zh/01-security.md",
        "closed.current.criminal",
        "closed.current.crimnal",
    );
    scratch.edit(
        "zh/04-reform.md",
        "term:four-unifications",
        "term:four-unification",
    );
    let (code, messages) = check(&scratch);
    assert_eq!(code, 1, "{messages}");
    assert!(messages.contains("3 error(s)"), "{messages}");
    // Errors before warnings.
    assert!(
        messages.rfind("Error:").unwrap() < messages.find("Warning:").unwrap(),
        "{messages}"
    );
}

#[test]
fn problems_come_as_json_for_machines() {
    let scratch = Scratch::new();
    scratch.edit("data/caseload.yaml", "total: 91058", "total: 91059");
    let line = line_of(&scratch, "data/caseload.yaml", "total: 91059");
    let output = scratch.run(&["check", "report", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let problems: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let first = &problems[0];
    assert_eq!(first["severity"], "error");
    assert_eq!(first["file"], "report/data/caseload.yaml");
    assert_eq!(first["line"], line);
    assert_eq!(first["column"], 12);
    assert!(first["message"].as_str().unwrap().contains("91059"));
    assert!(first["hint"].is_string());
}

#[test]
fn every_command_refuses_a_missing_or_wrong_report_folder_alike() {
    let scratch = Scratch::new();
    std::fs::create_dir(scratch.dir.path().join("empty")).unwrap();
    for (folder, reason) in [
        ("no-such-folder", "does not exist"),
        ("empty", "has no report.yaml"),
    ] {
        let mut messages = Vec::new();
        for args in [
            vec!["build", folder, "-o", "out"],
            vec!["check", folder],
            vec!["fmt", folder],
            vec!["fmt", folder, "--check"],
            vec!["new", "2024", folder],
            vec!["serve", folder, "--port", "0"],
        ] {
            let output = scratch.run(&args);
            assert_eq!(
                output.status.code(),
                Some(2),
                "{args:?}: {}",
                stderr(&output)
            );
            messages.push(stderr(&output));
        }
        assert!(messages[0].contains(reason), "{}", messages[0]);
        // build says what it left alone; otherwise every command says the same.
        let first_line = |m: &String| m.lines().next().unwrap_or("").to_string();
        assert!(
            messages
                .iter()
                .all(|m| first_line(m) == first_line(&messages[0])),
            "{messages:#?}"
        );
    }
    assert!(!scratch.out().exists());
}

#[test]
fn a_byte_order_mark_at_the_start_of_a_file_is_dropped() {
    let scratch = Scratch::new();
    for file in ["report.yaml", "zh/00-opening.md", "data/caseload.yaml"] {
        let path = scratch.report().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("\u{feff}{text}")).unwrap();
    }
    let (code, messages) = check(&scratch);
    assert_eq!(code, 0, "{messages}");
    assert!(messages.contains("0 error(s)"), "{messages}");
    // Inside a file it is still refused: there it hides in the text.
    scratch.edit("zh/01-security.md", "坚决维护", "坚决\u{feff}维护");
    let (code, messages) = check(&scratch);
    assert_eq!(code, 1, "{messages}");
    assert!(messages.contains("U+FEFF"), "{messages}");
}

#[test]
fn every_positional_argument_is_described_in_help() {
    let scratch = Scratch::new();
    for command in ["build", "serve", "check", "diff", "new", "fmt"] {
        let output = scratch.run(&[command, "--help"]);
        let help = String::from_utf8_lossy(&output.stdout).into_owned();
        let arguments = help
            .split("Arguments:")
            .nth(1)
            .and_then(|rest| rest.split("Options:").next())
            .unwrap_or_else(|| panic!("{command} has no arguments section:\n{help}"));
        for line in arguments
            .lines()
            .filter(|l| l.trim_start().starts_with('[') || l.trim_start().starts_with('<'))
        {
            let described = line
                .trim()
                .split_once("  ")
                .is_some_and(|(_, d)| !d.trim().is_empty());
            assert!(described, "`nianbao {command}`: {line}\n{help}");
        }
    }
}

#[test]
fn usage_errors_exit_2() {
    let scratch = Scratch::new();
    assert_eq!(
        scratch.run(&["check", "no-such-folder"]).status.code(),
        Some(2)
    );
    assert_eq!(scratch.run(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn chart_mistakes_are_named_with_their_line() {
    let scratch = Scratch::new();
    // A chart report.yaml lists but charts.yaml lacks, and a comparison of one year.
    scratch.edit(
        "report.yaml",
        "charts: [closed-by-category, received-compared, closed-compared]",
        "charts: [closed-by-category, received-compared, closed-compared, pending]",
    );
    scratch.edit(
        "data/charts.yaml",
        "  series: received\n  years: [previous, current]",
        "  series: received\n  years: [current]",
    );
    let listed = line_of(&scratch, "report.yaml", "pending]");
    // At the years the chart draws, the line after its series.
    let spec = line_of(
        &scratch,
        "data/charts.yaml",
        "  series: received\n  years: [current]",
    ) + 1;
    let (code, messages) = check(&scratch);
    assert_eq!(code, 1, "{messages}");
    assert!(
        messages.contains(&format!("report/report.yaml:{listed}:"))
            && messages.contains("there is no chart `pending` in data/charts.yaml"),
        "{messages}"
    );
    assert!(
        messages.contains(&format!("report/data/charts.yaml:{spec}:"))
            && messages.contains("chart `received-compared` draws 1 year(s); its kind needs 2"),
        "{messages}"
    );
}

/// Line and column (in characters, 1-based) of the first `needle` in a report file.
fn position_of(scratch: &Scratch, file: &str, needle: &str) -> (usize, usize) {
    let text = std::fs::read_to_string(scratch.report().join(file)).unwrap();
    let offset = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in {file}"));
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    (
        text[..offset].matches('\n').count() + 1,
        text[line_start..offset].chars().count() + 1,
    )
}

fn json_problems(scratch: &Scratch) -> Vec<serde_json::Value> {
    let output = scratch.run(&["check", "report", "--format", "json"]);
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn the_sum_error_points_at_the_total_in_any_yaml_style() {
    let scratch = Scratch::new();
    // Flow style, which no search by indentation finds.
    scratch.edit(
        "data/caseload.yaml",
        "  2022:\n    criminal: 1337\n    civil: 28683\n    commercial: 24664\n    ip: 2514\n    administrative: 1330\n    enforcement: 32530\n    total: 91058\n",
        "  2022: {criminal: 1337, civil: 28683, commercial: 24664, ip: 2514, administrative: 1330, enforcement: 32530, total: 91059}\n",
    );
    let (line, column) = position_of(&scratch, "data/caseload.yaml", "91059");
    let problems = json_problems(&scratch);
    let sum = problems
        .iter()
        .find(|p| p["rule"] == "published-total")
        .unwrap_or_else(|| panic!("{problems:?}"));
    assert_eq!(
        (sum["line"].as_u64(), sum["column"].as_u64()),
        (Some(line as u64), Some(column as u64))
    );
    assert_eq!(sum["end_column"].as_u64(), Some(column as u64 + 5));
}

#[test]
fn raw_html_is_reported_once_at_the_tag_after_a_template() {
    let scratch = Scratch::new();
    scratch.edit(
        "zh/01-security.md",
        "closed.current.criminal }}",
        "closed.current.criminal }}<b>件</b>",
    );
    let (line, column) = position_of(&scratch, "zh/01-security.md", "<b>");
    let problems = json_problems(&scratch);
    let html: Vec<_> = problems
        .iter()
        .filter(|p| p["rule"] == "raw-html")
        .collect();
    assert_eq!(html.len(), 1, "{problems:?}");
    assert_eq!(html[0]["file"], "report/zh/01-security.md");
    assert_eq!(
        (html[0]["line"].as_u64(), html[0]["column"].as_u64()),
        (Some(line as u64), Some(column as u64))
    );
}

#[test]
fn an_unknown_filter_is_named_at_its_name_with_the_closest_one() {
    let scratch = Scratch::new();
    scratch.edit(
        "zh/00-opening.md",
        "{{ received.change.total | abs | percent(digits=1) }}",
        "{{ received.change.total | abss | percent(digits=1) }}",
    );
    let (line, column) = position_of(&scratch, "zh/00-opening.md", "abss");
    let (code, messages) = check(&scratch);
    assert_eq!(code, 1, "{messages}");
    assert!(!messages.contains("__tera"), "{messages}");
    assert!(messages.contains("did you mean `abs`"), "{messages}");
    assert!(
        messages.contains(&format!("report/zh/00-opening.md:{line}:{column}")),
        "{messages}"
    );
}
