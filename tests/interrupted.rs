//! A build killed at any moment (SIGKILL) leaves `out/` complete: the previous output
//! or the new one, never a mixture or nothing.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::*;

#[test]
fn a_build_killed_at_any_moment_leaves_a_complete_output() {
    let scratch = Scratch::new();
    assert!(scratch.build().status.success());
    let old = snapshot(&scratch.out());

    // The new sources give a different output, so a mixture would show.
    scratch.edit("data/caseload.yaml", "criminal: 1857", "criminal: 1957");
    scratch.edit("data/caseload.yaml", "total: 105890", "total: 105990");
    let reference = scratch.run(&["build", "report", "-o", "reference"]);
    assert!(reference.status.success());
    let new = snapshot(&scratch.dir.path().join("reference"));
    assert_ne!(old, new);

    // How long a whole build takes, to spread the kills over it.
    let started = Instant::now();
    assert!(
        scratch
            .run(&["build", "report", "-o", "timing"])
            .status
            .success()
    );
    let duration = started.elapsed();

    let mut seed = 0x9e37_79b9_7f4a_7c15_u64 ^ u64::from(std::process::id());
    let mut outcomes = [0, 0];
    for round in 0..30 {
        // Put the old output back for half of the rounds, so that kills land both
        // before and after a swap.
        if round % 2 == 0 {
            let _ = std::fs::remove_dir_all(scratch.out());
            std::fs::create_dir_all(scratch.out()).unwrap();
            for (path, bytes) in &old {
                let target = scratch.out().join(path);
                std::fs::create_dir_all(target.parent().unwrap()).unwrap();
                std::fs::write(target, bytes).unwrap();
            }
        }
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = duration.mul_f64((seed % 1000) as f64 / 1000.0 * 1.2);
        let mut child = Command::new(env!("CARGO_BIN_EXE_nianbao"))
            .args(["build", "report", "-o", "out"])
            .current_dir(scratch.dir.path())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();

        let now = snapshot(&scratch.out());
        if now == old {
            outcomes[0] += 1;
        } else if now == new {
            outcomes[1] += 1;
        } else {
            panic!(
                "round {round}: killed after {delay:?}, out/ is neither the old nor the new output ({} files)",
                now.len()
            );
        }
    }
    // The kills landed on both sides of the swap at least once.
    assert!(outcomes[0] > 0 && outcomes[1] > 0, "{outcomes:?}");
    // The next build cleans up what the killed ones left.
    assert!(scratch.build().status.success());
    let leftovers = std::fs::read_dir(scratch.dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with(".out.")
        })
        .count();
    assert_eq!(leftovers, 0);
    let _ = Duration::ZERO;
}
