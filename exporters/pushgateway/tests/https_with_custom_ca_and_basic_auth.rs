//! Pushing over HTTPS to a gateway with a private CA and basic auth (the gateway's
//! `--web.config.file`): the right CA and password work, a wrong password is a 401 error, and
//! without the CA the TLS handshake is refused.
//!
//! Needs `openssl` (certificates) and python3's `crypt` module (the bcrypt hash).

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use census_pushgateway::{Method, PushError, Pushgateway, Retry};
use census_testkit::{Pushgateway as Gateway, TempDir};
use common::meter_with_jobs;

fn run(dir: &Path, program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{program} is needed by this test: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A CA, and a server certificate for 127.0.0.1 signed by it.
fn certificates(dir: &Path) {
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    let mut ca = vec!["req", "-x509"];
    ca.extend(ec);
    ca.extend([
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
        "-days",
        "1",
        "-subj",
        "/CN=census-test-ca",
    ]);
    run(dir, "openssl", &ca);
    let mut csr = vec!["req"];
    csr.extend(ec);
    csr.extend([
        "-keyout",
        "tls.key",
        "-out",
        "tls.csr",
        "-subj",
        "/CN=127.0.0.1",
    ]);
    run(dir, "openssl", &csr);
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n\
         keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    run(
        dir,
        "openssl",
        &[
            "x509",
            "-req",
            "-in",
            "tls.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "tls.crt",
            "-days",
            "1",
            "-extfile",
            "ext.cnf",
        ],
    );
}

fn bcrypt(dir: &Path, password: &str) -> String {
    let script = format!(
        "import crypt; print(crypt.crypt('{password}', crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=2**4)))"
    );
    run(dir, "python3", &["-W", "ignore", "-c", &script])
        .trim()
        .to_string()
}

#[test]
fn https_with_a_custom_ca_and_basic_auth() {
    let dir = TempDir::new("pushgateway-tls").unwrap();
    certificates(dir.path());
    let hash = bcrypt(dir.path(), "s3cret");
    let p = |f: &str| dir.path().join(f).display().to_string();
    let web = format!(
        "tls_server_config:\n  cert_file: {}\n  key_file: {}\nbasic_auth_users:\n  alice: '{hash}'\n",
        p("tls.crt"),
        p("tls.key")
    );
    std::fs::write(dir.path().join("web.yml"), web).unwrap();
    let gw = Gateway::start_with_args(&[&format!("--web.config.file={}", p("web.yml"))]);
    let url = format!("https://127.0.0.1:{}", gw.port());
    let ca = std::fs::read(dir.path().join("ca.crt")).unwrap();
    let build = |password: &str, with_ca: bool| {
        let mut b = Pushgateway::builder(&url, "tls_job")
            .with_meter(meter_with_jobs(&format!("tls.io/{password}{with_ca}"), 6))
            .with_basic_auth("alice", password)
            .with_retry(Retry::none())
            .with_timeout(Duration::from_secs(5));
        if with_ca {
            b = b.with_root_certificate_pem(ca.clone());
        }
        b.build().unwrap()
    };

    let good = build("s3cret", true);
    good.push_blocking(Method::Put).unwrap();
    // Read back through curl (the testkit client speaks plain HTTP only).
    let json = run(
        dir.path(),
        "curl",
        &[
            "-sS",
            "--fail",
            "--cacert",
            &p("ca.crt"),
            "-u",
            "alice:s3cret",
            &format!("{url}/api/v1/metrics"),
        ],
    );
    let data: serde_json::Value = serde_json::from_str(&json).unwrap();
    let group =
        census_testkit::find_group(&data["data"], &[("job", "tls_job")]).expect("pushed group");
    assert_eq!(census_testkit::family_values(group, "jobs_done")[0].1, 6.0);

    let wrong = build("wrong", true);
    let err = wrong.push_blocking(Method::Put).unwrap_err();
    assert_eq!(err.status(), Some(401), "{err}");

    let no_ca = build("s3cret", false);
    let err = no_ca.push_blocking(Method::Put).unwrap_err();
    assert!(matches!(err, PushError::Transport { .. }), "{err:?}");
    assert!(
        err.to_string().to_lowercase().contains("certificate"),
        "{err}"
    );

    for pg in [good, wrong, no_ca] {
        pg.discard();
    }
}
