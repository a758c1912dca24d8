//! See `fourmi::fuzzing::expr`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fourmi::fuzzing::expr(data));
