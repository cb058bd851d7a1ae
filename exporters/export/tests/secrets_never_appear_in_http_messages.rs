//! census-export's HTTP settings (issue 14, item 6): passwords, bearer tokens and header values
//! never appear in `Debug`, in errors or in a URL meant to be shown, however the URL is written
//! (passwords with `@`, `/`, `?`, `#`; URLs that do not parse).

use census_export::http::{check_url, split_credentials, Auth, HttpSettings};
use census_export::redact_url;

const SECRET: &str = "hunter2";

fn assert_clean(what: &str, text: &str) {
    assert!(!text.contains(SECRET), "{what} shows the secret: {text}");
}

/// URLs whose password is `hunter2`, with characters around it that end a URL part.
fn urls() -> Vec<String> {
    let mut v = Vec::new();
    for pw in [
        "hunter2",
        "hunter2@x",
        "x@hunter2",
        "hunter2/x",
        "x/hunter2",
        "hunter2?x",
        "x#hunter2",
    ] {
        for rest in ["gw:9091", "gw:9091/pg", "gw:99999", "gw:9091/pg?q=1"] {
            v.push(format!("https://alice:{pw}@{rest}"));
        }
    }
    v.push(format!("http://:{SECRET}@gw"));
    v.push(format!("ftp://alice:{SECRET}@gw"));
    v
}

#[test]
fn a_url_password_is_redacted_from_every_url_message() {
    for url in urls() {
        assert_clean(&format!("redact_url({url:?})"), &redact_url(&url));
        let (shown, _) = split_credentials(&url);
        assert_clean(&format!("split_credentials({url:?})"), &shown);
        match check_url("pushgateway", &url, false) {
            Ok(parsed) => {
                // A URL that parses keeps its credentials for the request, never shown: the
                // exporters take them out with split_credentials first.
                let (clean, creds) = split_credentials(parsed.as_str());
                assert_clean(&format!("split_credentials({parsed})"), &clean);
                assert!(creds.is_some(), "{url}: credentials lost");
            }
            Err(e) => assert_clean(&format!("check_url({url:?})"), &format!("{e} {e:?}")),
        }
    }
}

#[test]
fn a_url_without_a_password_is_shown_as_written() {
    for url in [
        "http://gw:9091/pg",
        "http://gw/metrics/job/a@b:c",
        "http://gw:9091/metrics/job@base64/YQ/x@y",
        "http://[::1]:9091/a@b",
        "https://alice@gw",
    ] {
        assert_eq!(redact_url(url), url);
    }
}

#[test]
fn settings_and_their_errors_never_show_credentials_or_header_values() {
    let mut s = HttpSettings::new("census-test/1");
    s.basic_auth("alice", SECRET)
        .header("X-Scope-OrgID", format!("{SECRET}-tenant"));
    assert_clean("HttpSettings Debug", &format!("{s:?}"));
    let auth = s.auth().unwrap().unwrap();
    assert_clean("Auth Debug", &format!("{auth:?}"));
    assert_clean(
        "Bearer Debug",
        &format!("{:?}", Auth::Bearer(SECRET.to_string())),
    );

    // Both kinds of credentials at once.
    s.bearer(SECRET);
    let e = s.build().unwrap_err();
    assert_clean("conflicting auth error", &format!("{e} {e:?}"));

    // A header value that cannot be sent: named by header, not by value.
    let mut s = HttpSettings::new("census-test/1");
    s.header("X-Token", format!("{SECRET}\r\ninjected"));
    let e = s.build().unwrap_err();
    let shown = format!("{e} {e:?}");
    assert_clean("invalid header error", &shown);
    assert!(shown.contains("X-Token"), "{shown}");

    // A token that cannot go in a header.
    let mut s = HttpSettings::new("census-test/1");
    s.bearer(format!("{SECRET}\n"));
    let e = s.build().unwrap_err();
    assert_clean("invalid credentials error", &format!("{e} {e:?}"));
}
