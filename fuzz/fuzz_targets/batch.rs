//! A batch file as headquarters reads it: the envelope (header lines, signature), and the
//! payload's JSON lines.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(opened) = fourmi::batch::envelope::open(data) {
        let _ = opened.header.seq;
    }
    let _ = fourmi::batch::payload::read(data);
});
