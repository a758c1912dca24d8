//! The bundled questionnaires, converted to `.xlsx` by fourmi, are accepted by pyxform's
//! `xls2xform` (the converter behind ODK Central and KoboToolbox): a coordinator can take them to
//! those tools. Skips, saying so, when `xls2xform` is not installed (`pip install pyxform`).

use std::process::Command;

#[test]
fn bundled_forms_exported_as_xlsx_convert_with_pyxform() {
    if Command::new("xls2xform").arg("--help").output().is_err() {
        eprintln!("SKIPPED: xls2xform is not installed (pip install pyxform)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for form in ["4mi-core", "4mi-covid19"] {
        let src = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("forms").join(format!("{form}.toml"));
        let xlsx = dir.path().join(format!("{form}.xlsx"));
        let xml = dir.path().join(format!("{form}.xml"));
        let out =
            Command::new(env!("CARGO_BIN_EXE_fourmi")).args(["form", "convert"]).arg(&src).arg(&xlsx).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let out = Command::new("xls2xform").arg(&xlsx).arg(&xml).output().unwrap();
        assert!(out.status.success(), "pyxform refused {form}: {}", String::from_utf8_lossy(&out.stderr));
        let xform = std::fs::read_to_string(&xml).unwrap();
        assert!(xform.contains("jr:itext") && xform.contains("French (fr)"), "{form}: translations carried over");
    }
}
