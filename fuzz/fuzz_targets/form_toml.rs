//! fourmi's own TOML form reader, then build, checks and compile.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(wb) = fourmi::form::read_toml(text) else { return };
    let loaded = fourmi::form::from_workbook(&wb, "fuzz", None);
    let _ = fourmi::form::Compiled::new(loaded.form);
});
