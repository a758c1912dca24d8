//! See `fourmi::fuzzing::keyring`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fourmi::fuzzing::keyring(data));
