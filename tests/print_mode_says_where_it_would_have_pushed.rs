//! Print mode writes the exact body on stdout and says on stderr which request it stands for:
//! the method and the group URL.

mod common;

use common::example;

#[test]
fn print_mode_names_the_method_and_url_on_stderr() {
    let mut c = example("batch_job");
    c.env("CENSUS_PUSH_PRINT", "1")
        .env("CENSUS_PUSHGATEWAY_URL", "http://127.0.0.1:1")
        .env("CENSUS_JOB", "printed_job");
    let out = c.output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("census-pushgateway print mode: PUT http://127.0.0.1:1/metrics/job/printed_job (not sent)"),
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        !stdout.contains("print mode"),
        "the body stays exact: {stdout}"
    );
}
