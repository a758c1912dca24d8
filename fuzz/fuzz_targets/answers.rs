//! See `fourmi::fuzzing::answers`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fourmi::fuzzing::answers(data));
