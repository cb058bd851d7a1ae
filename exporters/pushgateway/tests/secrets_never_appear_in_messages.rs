//! URL passwords, basic-auth passwords, bearer tokens and header values never appear in the
//! exporter's `Debug`, `Display`, errors or URLs; the credentials still reach the gateway.

use std::time::Duration;

use census_pushgateway::{Method, Pushgateway, Retry};
use census_sdk::Meter;
use census_testkit::fake::{FakeHttp, Reply};

const SECRETS: [&str; 4] = ["s3cret", "pw-in-url", "t0k3n-value", "tenant-secret"];

fn assert_clean(what: &str, text: &str) {
    for s in SECRETS {
        assert!(!text.contains(s), "{what} shows the secret {s:?}: {text}");
    }
}

#[test]
fn a_password_in_the_url_becomes_basic_auth_and_is_never_shown() {
    let fake = FakeHttp::start([Reply::status(500).body("down"), Reply::status(401)]);
    let url = fake.url().replace("http://", "http://alice:pw-in-url@");
    let builder = Pushgateway::builder(&url, "secret_job")
        .with_meter(Meter::new())
        .with_retry(Retry::none())
        .with_timeout(Duration::from_secs(2));
    assert_clean("builder Debug", &format!("{builder:?}"));
    let pg = builder.build().unwrap();
    assert_clean("exporter Debug", &format!("{pg:?}"));
    assert_clean("url()", pg.url());
    let err = pg.push_blocking(Method::Put).unwrap_err();
    assert_clean("push error", &format!("{err} {err:?}"));
    let reqs = fake.requests();
    // base64("alice:pw-in-url")
    assert_eq!(
        reqs[0].header("authorization"),
        Some("Basic YWxpY2U6cHctaW4tdXJs")
    );
    pg.discard();
}

#[test]
fn basic_auth_bearer_and_header_values_are_never_shown() {
    let builder = Pushgateway::builder("http://127.0.0.1:9", "secret_job")
        .with_meter(Meter::new())
        .with_basic_auth("alice", "s3cret")
        .with_header("X-Scope-OrgID", "tenant-secret");
    assert_clean("builder Debug", &format!("{builder:?}"));
    let conflicting = builder.with_bearer_token("t0k3n-value");
    assert_clean("builder Debug", &format!("{conflicting:?}"));
    let err = conflicting.build().unwrap_err();
    assert_clean("build error", &format!("{err} {err:?}"));
}

#[test]
fn a_bad_url_with_a_password_is_reported_redacted() {
    for bad in ["ftp://bob:s3cret@gw:9091", "http://bob:s3cret@gw:99999"] {
        let builder = Pushgateway::builder(bad, "secret_job").with_meter(Meter::new());
        assert_clean("builder Debug", &format!("{builder:?}"));
        let err = builder.build().unwrap_err();
        let shown = format!("{err} {err:?}");
        assert_clean("URL error", &shown);
        assert!(
            shown.contains("gw"),
            "the error still names the URL: {shown}"
        );
    }
}
