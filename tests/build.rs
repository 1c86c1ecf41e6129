//! `nianbao build` replaces `out/` whole, and only when it succeeds.

mod common;

use common::*;

#[test]
fn a_failed_build_leaves_the_previous_output_byte_for_byte() {
    let scratch = Scratch::new();
    assert!(scratch.build().status.success());
    let before = snapshot(&scratch.out());

    scratch.edit("data/caseload.yaml", "total: 91058", "total: 91059");
    let output = scratch.build();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("out is unchanged"));
    assert_eq!(snapshot(&scratch.out()), before);

    // No staging folders are left beside out/.
    let leftovers: Vec<_> = std::fs::read_dir(scratch.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".out"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_missing_template_is_an_environment_error_that_writes_nothing() {
    let scratch = Scratch::new();
    assert!(scratch.build().status.success());
    let before = snapshot(&scratch.out());
    let templates = scratch.dir.path().join("templates");
    std::fs::remove_file(&templates).unwrap();
    std::fs::create_dir(&templates).unwrap();
    let output = scratch.build();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("page.html"), "{}", stderr(&output));
    assert_eq!(snapshot(&scratch.out()), before);
}

#[test]
fn a_successful_build_replaces_the_output_whole() {
    let scratch = Scratch::new();
    // An earlier output (its manifest lists what it wrote) with a page this build
    // does not make.
    let earlier = [nianbao::site::OutputFile::new(
        "stale.html",
        b"old".to_vec(),
    )];
    let manifest = nianbao::site::guard::manifest(&earlier);
    std::fs::create_dir_all(scratch.out()).unwrap();
    std::fs::write(scratch.out().join("stale.html"), "old").unwrap();
    std::fs::write(scratch.out().join(&manifest.path), &manifest.bytes).unwrap();
    let output = scratch.build();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!scratch.out().join("stale.html").exists());
    assert!(scratch.out().join("zh/index.html").exists());
}

#[test]
fn two_builds_give_identical_bytes() {
    let scratch = Scratch::new();
    assert!(scratch.build().status.success());
    let first = snapshot(&scratch.out());
    assert!(scratch.build().status.success());
    assert_eq!(snapshot(&scratch.out()), first);
}
