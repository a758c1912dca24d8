//! See `fourmi::fuzzing::attachment`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fourmi::fuzzing::attachment(data));
