//! The spreadsheet reader (.xlsx, .xls, .ods through calamine, within fourmi's limits), then
//! build, checks and compile.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(wb) = fourmi::form::read_xlsx(data) else { return };
    let loaded = fourmi::form::from_workbook(&wb, "fuzz", None);
    let _ = fourmi::form::Compiled::new(loaded.form);
});
