//! The questionnaires that ship inside the binary (`forms/`).

/// The bundled forms: file name and TOML text.
pub const BUNDLED: [(&str, &str); 2] = [
    ("4mi-core.toml", include_str!("../../forms/4mi-core.toml")),
    ("4mi-covid19.toml", include_str!("../../forms/4mi-covid19.toml")),
];
