//! Every fuzz target's seeds (`fuzz/seeds/<target>/`) and every input a fuzzer once found to
//! crash, hang or exhaust memory (`fuzz/regressions/<target>/`) go through the same code as the
//! fuzz targets (`fourmi::fuzzing`): each must return.

use std::path::PathBuf;

#[test]
fn every_fuzz_seed_and_every_input_a_fuzzer_found_is_handled() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut seen = 0;
    for (name, run) in fourmi::fuzzing::TARGETS {
        for kind in ["seeds", "regressions"] {
            let Ok(dir) = std::fs::read_dir(root.join(kind).join(name)) else { continue };
            for entry in dir.filter_map(Result::ok) {
                let bytes = std::fs::read(entry.path()).unwrap();
                run(&bytes);
                seen += 1;
            }
        }
    }
    assert!(seen >= 7, "the seeds are there ({seen} files)");
}
