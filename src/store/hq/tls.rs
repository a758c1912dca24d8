//! How headquarters reaches a PostgreSQL server on another computer: only through TLS, the
//! server's certificate checked against the system's trusted roots and the PostgreSQL client's
//! own root certificates (`PGSSLROOTCERT`, else `~/.postgresql/root.crt`, or
//! `%APPDATA%\postgresql\root.crt` on Windows: where `psql` looks), for the name the address
//! gives. A server that does not offer TLS, or whose certificate is not trusted for that name,
//! is refused before anything is sent; `sslmode=disable` is refused for another computer (it
//! would send the records in the clear). The local computer (a Unix socket, `localhost`, a
//! loopback address) is reached without TLS unless `sslmode=require` asks for it.

use std::path::PathBuf;
use std::sync::Arc;

use postgres::config::{Host, SslMode};

use crate::store::{Result, StoreError};

/// Whether every host of `config` is this computer.
fn local_only(config: &postgres::Config) -> bool {
    let loopback = |h: &str| {
        h.eq_ignore_ascii_case("localhost")
            || h.trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<std::net::IpAddr>()
                .is_ok_and(|a| a.is_loopback())
    };
    let hosts_local = config.get_hosts().iter().all(|h| match h {
        Host::Tcp(name) => loopback(name),
        #[cfg(unix)]
        Host::Unix(_) => true,
    });
    hosts_local && config.get_hostaddrs().iter().all(std::net::IpAddr::is_loopback)
}

/// Sets the TLS `config` is connected with, by the rules above; `shown` names the server in a
/// refusal.
pub(super) fn settle(config: &mut postgres::Config, shown: &str) -> Result<()> {
    let mode = config.get_ssl_mode();
    if local_only(config) {
        if mode != SslMode::Require {
            config.ssl_mode(SslMode::Disable);
        }
        return Ok(());
    }
    if mode == SslMode::Disable {
        return Err(StoreError::said("err-pg-plaintext", &[("address", shown.to_string())]));
    }
    config.ssl_mode(SslMode::Require);
    Ok(())
}

/// The PostgreSQL client's own root certificates file, where `psql` would read it.
pub(super) fn client_roots_file() -> Option<PathBuf> {
    if let Some(f) = std::env::var_os("PGSSLROOTCERT").filter(|f| !f.is_empty()) {
        return Some(PathBuf::from(f));
    }
    let home = if cfg!(windows) {
        std::env::var_os("APPDATA").map(|d| PathBuf::from(d).join("postgresql"))
    } else {
        std::env::var_os("HOME").map(|d| PathBuf::from(d).join(".postgresql"))
    };
    home.map(|d| d.join("root.crt"))
}

/// The TLS connector: the system's roots and the client's own (a file `PGSSLROOTCERT` names must
/// be there and readable). A certificate of the client's file that the server shows itself (a
/// self-signed one, as PostgreSQL's documentation makes) is trusted for the names it holds.
pub(super) fn connector() -> Result<tokio_postgres_rustls::MakeRustlsConnect> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(cert);
    }
    let own = client_roots()?;
    for cert in &own {
        roots.add(cert.clone()).map_err(|e| roots_file_error(&e.to_string()))?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let failed = |e: &dyn std::fmt::Display| StoreError::Db(format!("TLS cannot be set up: {e}"));
    let webpki = rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| failed(&e))?;
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| failed(&e))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(Verifier { webpki, own }))
        .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// Whether `PGSSLROOTCERT` names the client's root file.
fn named_by_environment() -> bool {
    std::env::var_os("PGSSLROOTCERT").is_some_and(|f| !f.is_empty())
}

fn roots_file_error(why: &str) -> StoreError {
    let file = client_roots_file().map(|f| f.display().to_string()).unwrap_or_default();
    StoreError::said("err-pg-roots-file", &[("file", file), ("why", why.to_string())])
}

/// The certificates of the client's root file (none when there is none).
fn client_roots() -> Result<Vec<rustls::pki_types::CertificateDer<'static>>> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let Some(file) = client_roots_file() else { return Ok(Vec::new()) };
    if !file.exists() {
        if named_by_environment() {
            return Err(StoreError::said("err-pg-roots-missing", &[("file", file.display().to_string())]));
        }
        return Ok(Vec::new());
    }
    let text = crate::limits::read_regular_text(&file, crate::limits::SMALL_FILE_BYTES)
        .map_err(|e| roots_file_error(&e.to_string()))?;
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(text.as_bytes())
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| roots_file_error(&e.to_string()))?;
    if certs.is_empty() {
        return Err(roots_file_error("no certificate in it"));
    }
    Ok(certs)
}

/// Checks the server's certificate as the web's PKI does, and also trusts a certificate the
/// client's own file holds itself, for the names it holds.
#[derive(Debug)]
struct Verifier {
    webpki: Arc<rustls::client::WebPkiServerVerifier>,
    own: Vec<rustls::pki_types::CertificateDer<'static>>,
}

impl rustls::client::danger::ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &rustls::pki_types::CertificateDer<'_>,
        intermediates: &[rustls::pki_types::CertificateDer<'_>],
        server_name: &rustls::pki_types::ServerName<'_>,
        ocsp_response: &[u8],
        now: rustls::pki_types::UnixTime,
    ) -> std::result::Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        let checked = self.webpki.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now);
        if checked.is_err() && self.own.iter().any(|c| c.as_ref() == end_entity.as_ref()) {
            let parsed = rustls::server::ParsedCertificate::try_from(end_entity)?;
            rustls::client::verify_server_name(&parsed, server_name)?;
            return Ok(rustls::client::danger::ServerCertVerified::assertion());
        }
        checked
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}

/// Rewrites psql's spellings of `sslmode` that the client crate does not know (`allow`,
/// `verify-ca`, `verify-full`, any case) as the nearest it knows; certificates are always
/// checked as `verify-full` does (see [`settle`]).
pub(super) fn spelled_for_the_client(url: &str) -> String {
    let lower = url.to_ascii_lowercase();
    let mut out = String::with_capacity(url.len());
    let mut at = 0;
    for (start, _) in lower.match_indices("sslmode=") {
        let before = lower.get(..start).and_then(|b| b.chars().last());
        if start < at || !before.is_none_or(|c| c.is_whitespace() || c == '?' || c == '&') {
            continue;
        }
        let from = start + "sslmode=".len();
        let rest = lower.get(from..).unwrap_or("");
        let len = rest.find(|c: char| c.is_whitespace() || c == '&').unwrap_or(rest.len());
        let value = rest.get(..len).unwrap_or("");
        let known = match value {
            "disable" => "disable",
            "allow" | "prefer" => "prefer",
            "require" | "verify-ca" | "verify-full" => "require",
            _ => continue,
        };
        out.push_str(url.get(at..from).unwrap_or(""));
        out.push_str(known);
        at = from + len;
    }
    out.push_str(url.get(at..).unwrap_or(""));
    out
}

/// What a failed connection says, when TLS is why: the server offers none, or its certificate
/// is not trusted: not for that name, out of its dates, or from an unknown authority.
pub(super) fn refusal(e: &postgres::Error, shown: &str) -> Option<StoreError> {
    use rustls::CertificateError as C;
    let inner = std::error::Error::source(e)?;
    let address = ("address", shown.to_string());
    if inner.to_string().contains("does not support TLS") {
        return Some(StoreError::said("err-pg-no-tls", &[address]));
    }
    let tls = inner.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref())?.downcast_ref::<rustls::Error>()?;
    let key = match tls {
        rustls::Error::InvalidCertificate(C::NotValidForName | C::NotValidForNameContext { .. }) => "err-pg-cert-name",
        rustls::Error::InvalidCertificate(
            C::Expired | C::ExpiredContext { .. } | C::NotValidYet | C::NotValidYetContext { .. },
        ) => "err-pg-cert-dates",
        rustls::Error::InvalidCertificate(_) => "err-pg-certificate",
        _ => return None,
    };
    let file = client_roots_file().map(|f| f.display().to_string()).unwrap_or_else(|| "root.crt".into());
    Some(StoreError::said(key, &[address, ("file", file)]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settled(address: &str) -> Result<SslMode> {
        let mut c: postgres::Config = address.parse().unwrap();
        settle(&mut c, address).map(|()| c.get_ssl_mode())
    }

    #[test]
    fn another_computer_is_reached_only_through_tls() {
        assert_eq!(settled("postgres://hq@db.example.org/fourmi").unwrap(), SslMode::Require);
        assert_eq!(settled("host=10.0.0.5 dbname=fourmi sslmode=prefer").unwrap(), SslMode::Require);
        assert_eq!(settled("host=localhost hostaddr=192.0.2.7 dbname=fourmi").unwrap(), SslMode::Require);
        assert!(matches!(settled("host=db.example.org sslmode=disable"), Err(StoreError::Said(_))));
        assert!(settled("host=localhost,db.example.org sslmode=disable").is_err());
    }

    #[test]
    fn this_computer_is_reached_in_the_clear_unless_tls_is_asked_for() {
        assert_eq!(settled("host=localhost dbname=fourmi").unwrap(), SslMode::Disable);
        assert_eq!(settled("postgres://hq@127.0.0.1:5433/fourmi").unwrap(), SslMode::Disable);
        assert_eq!(settled("postgres://hq@[::1]/fourmi").unwrap(), SslMode::Disable);
        assert_eq!(settled("host=localhost sslmode=require").unwrap(), SslMode::Require);
        #[cfg(unix)]
        assert_eq!(settled("host=/var/run/postgresql dbname=fourmi").unwrap(), SslMode::Disable);
    }

    #[test]
    fn psqls_spellings_of_sslmode_become_the_clients() {
        assert_eq!(spelled_for_the_client("host=a sslmode=verify-full dbname=b"), "host=a sslmode=require dbname=b");
        assert_eq!(
            spelled_for_the_client("postgres://u@a/b?SSLMODE=Verify-CA&x=1"),
            "postgres://u@a/b?SSLMODE=require&x=1"
        );
        assert_eq!(spelled_for_the_client("sslmode=allow"), "sslmode=prefer");
        assert_eq!(spelled_for_the_client("host=a password=xsslmode=allow"), "host=a password=xsslmode=allow");
        assert_eq!(spelled_for_the_client("host=a sslmode=bogus"), "host=a sslmode=bogus");
    }

    proptest::proptest! {
        #[test]
        fn any_address_is_respelled_without_panicking_and_kept_without_sslmode(url in "\\PC{0,80}") {
            let out = spelled_for_the_client(&url);
            if !url.to_ascii_lowercase().contains("sslmode=") {
                proptest::prop_assert_eq!(out, url);
            }
        }
    }
}
