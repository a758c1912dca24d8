//! See `fourmi::fuzzing::form_toml`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fourmi::fuzzing::form_toml(data));
