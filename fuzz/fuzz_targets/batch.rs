//! See `fourmi::fuzzing::batch`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fourmi::fuzzing::batch(data));
