//! The markdown-table form reader, then the whole path a form takes: build, checks, compile.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let wb = fourmi::form::read_md(text);
    let loaded = fourmi::form::from_workbook(&wb, "fuzz", None);
    let _ = fourmi::form::Compiled::new(loaded.form);
});
