//! One module of limits: every command refuses the same out-of-range
//! `--threads` and `--reps` with the same message, pathway or network.

use crate::support::{signpost, temp_dir};

#[test]
fn every_command_refuses_zero_or_too_many_threads_the_same_way() {
    let dir = temp_dir("threads-limit");
    let out = dir.to_str().unwrap();
    let commands: [&[&str]; 4] = [
        &["run", "tests/fixtures/small.toml", "--reps", "1", "--quiet", "--out", out],
        &["run", "scenarios/validation/mm1.toml", "--reps", "1", "--quiet", "--out", out],
        &["calibrate", "tests/fixtures/small.toml", "--reps", "1"],
        &["sensitivity", "tests/fixtures/small.toml", "--reps", "1", "--quiet", "--out", out],
    ];
    for args in commands {
        for (threads, found) in [("0", "found 0"), ("1025", "found 1025")] {
            let mut a = args.to_vec();
            a.extend(["--threads", threads]);
            let run = signpost(&a);
            let stderr = String::from_utf8_lossy(&run.stderr);
            assert_eq!(run.status.code(), Some(2), "{a:?}: {stderr}");
            assert_eq!(
                stderr.trim(),
                format!("error: --threads: must be between 1 and 1024, {found}"),
                "{a:?}"
            );
        }
        let mut a = args.to_vec();
        let reps = a.iter().position(|x| *x == "--reps").unwrap() + 1;
        a[reps] = "10001";
        let run = signpost(&a);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{a:?}: {stderr}");
        assert_eq!(stderr.trim(), "error: --reps: must be between 1 and 10000, found 10001", "{a:?}");
        assert!(!dir.exists(), "{a:?}: a refused run created {out}");
    }
}
