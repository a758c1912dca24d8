//! See `fourmi::fuzzing::form_md`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fourmi::fuzzing::form_md(data));
