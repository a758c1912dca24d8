//! Headquarters reaches a PostgreSQL server on the network only through TLS, and only a server
//! whose certificate is trusted for its name (docs/security.md, "Headquarters' database"): real
//! servers on 127.0.0.1 that accept TLS connections only, or offer no TLS, and `fourmi hq init`
//! run as a process. Each attack must fail: a server with a certificate from an authority the
//! client does not trust (someone in between), a certificate for another name, a server that
//! offers no TLS, an address that turns TLS off for another computer.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use age::secrecy::ExposeSecret;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};

/// An authority and a server certificate it signs for `names`: (authority PEM, certificate PEM,
/// key PEM).
fn authority_and_server(names: &[&str]) -> (String, String, String) {
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name.push(DnType::CommonName, "fourmi test authority");
    let ca = CertifiedIssuer::self_signed(ca, KeyPair::generate().unwrap()).unwrap();
    let key = KeyPair::generate().unwrap();
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let cert = CertificateParams::new(names).unwrap().signed_by(&key, &ca).unwrap();
    (ca.pem(), cert.pem(), key.serialize_pem())
}

/// `fourmi hq init` into database `url`, with `roots` as the client's root certificates file and
/// a home of its own (no other root.crt), in English.
fn hq_init(dir: &Path, url: &str, roots: &Path) -> Output {
    hq_init_in(dir, url, roots, "en_US.UTF-8")
}

fn hq_init_in(dir: &Path, url: &str, roots: &Path, lang: &str) -> Output {
    let identity = dir.join("hq-identity.txt");
    if !identity.exists() {
        let id = age::x25519::Identity::generate();
        std::fs::write(&identity, format!("{}\n", id.to_string().expose_secret())).unwrap();
    }
    Command::new(env!("CARGO_BIN_EXE_fourmi"))
        .args(["hq", "init", "--identity"])
        .arg(&identity)
        .arg("--database")
        .arg(url)
        .env("PGSSLROOTCERT", roots)
        .env("HOME", dir)
        .env("LANG", lang)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .output()
        .unwrap()
}

fn said(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// A TLS server for `names`, or `None` (said) without PostgreSQL.
fn tls_server(names: &[&str]) -> Option<(String, common::pg::Listening)> {
    let (ca, cert, key) = authority_and_server(names);
    match common::pg::listening(common::pg::Tcp { tls: Some((&cert, &key)) }) {
        Ok(server) => Some((ca, server)),
        Err(why) => {
            eprintln!("SKIPPED: no PostgreSQL server could be started ({why})");
            None
        }
    }
}

/// `hq init` with `sslmode=require` on a TLS server with a certificate for `names`, the client
/// trusting the server's authority or another one; `None` without PostgreSQL.
fn init_on_tls_server(names: &[&str], trusting_its_authority: bool) -> Option<Output> {
    let (ca, server) = tls_server(names)?;
    let dir = tempfile::tempdir().unwrap();
    let roots = dir.path().join("root.crt");
    let trusted = if trusting_its_authority { ca } else { authority_and_server(&["localhost"]).0 };
    std::fs::write(&roots, trusted).unwrap();
    Some(hq_init(dir.path(), &format!("{} dbname=postgres sslmode=require", server.base), &roots))
}

#[test]
fn a_server_whose_certificate_is_trusted_is_reached_through_tls() {
    // The server refuses connections without TLS (pg_hba: hostnossl reject).
    let Some(out) = init_on_tls_server(&["localhost"], true) else { return };
    assert!(out.status.success(), "{}", said(&out));
}

#[test]
fn a_server_with_a_certificate_from_an_unknown_authority_is_refused_before_anything_is_sent() {
    // The client trusts another authority: whoever answers holds a certificate it cannot check.
    let Some(out) = init_on_tls_server(&["localhost"], false) else { return };
    assert!(!out.status.success());
    let text = said(&out);
    assert!(text.contains("showed a certificate signed by no authority this computer trusts"), "{text}");
    assert!(text.contains("nothing was sent"), "{text}");
}

#[test]
fn a_self_signed_server_certificate_in_the_clients_root_file_is_trusted_with_psqls_spelling() {
    // As PostgreSQL's documentation makes one: a certificate that signs itself, marked as an
    // authority, for the server's name.
    let mut params = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let key = KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap().pem();
    let server = match common::pg::listening(common::pg::Tcp { tls: Some((&cert, &key.serialize_pem())) }) {
        Ok(s) => s,
        Err(why) => return eprintln!("SKIPPED: no PostgreSQL server could be started ({why})"),
    };
    let dir = tempfile::tempdir().unwrap();
    let roots = dir.path().join("root.crt");
    std::fs::write(&roots, &cert).unwrap();
    let out = hq_init(dir.path(), &format!("{} dbname=postgres sslmode=verify-full", server.base), &roots);
    assert!(out.status.success(), "{}", said(&out));
    // Trusted as itself, it is still refused for another name.
    let out = hq_init(
        dir.path(),
        &format!("{} dbname=postgres sslmode=require", server.base.replace("localhost", "127.0.0.1")),
        &roots,
    );
    assert!(said(&out).contains("made out for another name"), "{}", said(&out));
}

#[test]
fn a_certificate_for_another_name_is_refused() {
    let Some(out) = init_on_tls_server(&["db.example.org"], true) else { return };
    assert!(!out.status.success());
    assert!(said(&out).contains("showed a certificate made out for another name"), "{}", said(&out));
}

#[test]
fn a_server_that_offers_no_tls_is_refused_when_tls_is_required() {
    let server = match common::pg::listening(common::pg::Tcp { tls: None }) {
        Ok(s) => s,
        Err(why) => return eprintln!("SKIPPED: no PostgreSQL server could be started ({why})"),
    };
    let dir = tempfile::tempdir().unwrap();
    let (ca, _, _) = authority_and_server(&["localhost"]);
    let roots = dir.path().join("root.crt");
    std::fs::write(&roots, ca).unwrap();
    let out = hq_init(dir.path(), &format!("{} dbname=postgres sslmode=require", server.base), &roots);
    assert!(!out.status.success());
    assert!(said(&out).contains("does not offer TLS"), "{}", said(&out));
    // The same server on this computer is reached in the clear when TLS is not asked for.
    let out = hq_init(dir.path(), &format!("{} dbname=postgres", server.base), &roots);
    assert!(out.status.success(), "{}", said(&out));
}

#[test]
fn an_address_that_turns_tls_off_for_another_computer_is_refused_without_connecting() {
    let dir = tempfile::tempdir().unwrap();
    let roots = dir.path().join("root.crt");
    let (ca, _, _) = authority_and_server(&["localhost"]);
    std::fs::write(&roots, ca).unwrap();
    let out = hq_init(dir.path(), "postgres://hq:secret@db.example.org/fourmi?sslmode=disable", &roots);
    assert!(!out.status.success());
    let text = said(&out);
    assert!(text.contains("fourmi sends records there only encrypted"), "{text}");
    assert!(!text.contains("secret"), "the password is never shown: {text}");
    let en_francais =
        hq_init_in(dir.path(), "host=db.example.org password=secret sslmode=disable", &roots, "fr_FR.UTF-8");
    let text = said(&en_francais);
    assert!(text.contains("fourmi n'y envoie les fiches que chiffrées"), "{text}");
    assert!(!text.contains("secret"), "{text}");
}

#[test]
fn an_option_the_client_does_not_know_is_named_in_the_users_language() {
    let dir = tempfile::tempdir().unwrap();
    let roots = dir.path().join("root.crt");
    let out = hq_init_in(dir.path(), "host=db.example.org passwd=secret", &roots, "fr_FR.UTF-8");
    assert!(!out.status.success());
    let text = said(&out);
    assert!(text.contains("fourmi ne comprend pas son `passwd`"), "{text}");
    assert!(!text.contains("secret"), "{text}");
}

#[test]
fn a_root_certificates_file_without_certificates_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let roots = dir.path().join("root.crt");
    std::fs::write(&roots, "not a certificate\n").unwrap();
    let out = hq_init(dir.path(), "postgres://hq@db.example.org/fourmi", &roots);
    assert!(!out.status.success());
    assert!(said(&out).contains("cannot be used (no certificate in it)"), "{}", said(&out));
}
