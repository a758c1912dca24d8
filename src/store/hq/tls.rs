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
/// be there and readable).
pub(super) fn connector() -> Result<tokio_postgres_rustls::MakeRustlsConnect> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(cert);
    }
    if let Some(file) = client_roots_file() {
        let named = std::env::var_os("PGSSLROOTCERT").is_some_and(|f| !f.is_empty());
        if named || file.exists() {
            let bad = |why: String| {
                StoreError::said("err-pg-roots-file", &[("file", file.display().to_string()), ("why", why)])
            };
            let text = crate::limits::read_regular_text(&file, crate::limits::SMALL_FILE_BYTES)
                .map_err(|e| bad(e.to_string()))?;
            let mut found = 0;
            for cert in CertificateDer::pem_slice_iter(text.as_bytes()) {
                roots.add(cert.map_err(|e| bad(e.to_string()))?).map_err(|e| bad(e.to_string()))?;
                found += 1;
            }
            if found == 0 {
                return Err(bad("no certificate in it".into()));
            }
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| StoreError::Db(format!("TLS cannot be set up: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// What a failed connection says, when TLS is why: the server offers none, or its certificate
/// is not trusted for its name.
pub(super) fn refusal(e: &postgres::Error, shown: &str) -> Option<StoreError> {
    let top = e.to_string();
    if !top.contains("TLS") {
        return None;
    }
    let why = std::error::Error::source(e).map(ToString::to_string).unwrap_or_default();
    let address = ("address", shown.to_string());
    if why.contains("does not support TLS") {
        return Some(StoreError::said("err-pg-no-tls", &[address]));
    }
    let file = client_roots_file().map(|f| f.display().to_string()).unwrap_or_else(|| "root.crt".into());
    Some(StoreError::said("err-pg-certificate", &[address, ("why", why), ("file", file)]))
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
}
