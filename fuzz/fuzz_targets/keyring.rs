//! The keyring file: parsed, then every entry checked as opening it would, up to the key
//! derivation (which costs 19 MiB and tens of milliseconds by design; settings outside fourmi's
//! bounds are refused before it).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(ring) = fourmi::store::keyring::Keyring::parse(data) else { return };
    for entry in &ring.accounts {
        let _ = ring.check_entry(&entry.account);
    }
});
