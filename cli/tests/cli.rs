#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code

//! The `netpol` command-line contract: exit codes, JSON shapes, diagnostics on stderr.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn corpus(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../engine/tests/corpus")
        .join(case)
}

fn netpol(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_netpol"))
        .args(args)
        .output()
        .unwrap()
}

/// `netpol check MANIFESTS --expect EXPECT EXTRA...`
fn check(manifests: &Path, expect: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["check", s(manifests), "--expect", s(expect)];
    args.extend_from_slice(extra);
    netpol(&args)
}

fn tmp(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("netpol-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn check_passes_with_exit_0_and_summary() {
    let c = corpus("demo-httpd-centos-deny-by-default");
    let out = check(&c.join("manifests.yaml"), &c.join("expect.yaml"), &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.trim_end().ends_with("7 passed, 0 failed"),
        "{stdout}"
    );
}

#[test]
fn check_json_shape_and_failure_exit_1() {
    let c = corpus("demo-httpd-centos-deny-by-default");
    let expect = tmp(
        "wrong.yaml",
        "source: test\nexpect:\n  - {from: default/pod-centos, to: service:default/svc-clusterip-httpd, port: 80, allowed: true, note: wrong on purpose}\n  - {from: default/pod-centos, to: 8.8.8.8, port: 443, allowed: true}\n",
    );
    let out = check(&c.join("manifests.yaml"), &expect, &["--output", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["passed"], 1);
    assert_eq!(v["failed"], 1);
    let r = &v["results"][0];
    assert_eq!(r["from"], "default/pod-centos");
    assert_eq!(r["to"], "service:default/svc-clusterip-httpd");
    assert_eq!(r["port"], 80);
    assert_eq!(r["protocol"], "TCP");
    assert_eq!(r["expected"], true);
    assert_eq!(r["actual"], false);
    assert_eq!(r["pass"], false);
    assert!(r["explanation"]
        .as_str()
        .unwrap()
        .contains("default/deny-by-default"));
}

#[test]
fn check_text_shows_the_explanation_of_failures() {
    let c = corpus("demo-httpd-centos-deny-by-default");
    let expect = tmp(
        "wrong2.yaml",
        "expect:\n  - {from: default/pod-centos, to: default/dep-httpd, port: 80, allowed: true}\n",
    );
    let out = check(&c.join("manifests.yaml"), &expect, &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout.contains("FAIL"), "{stdout}");
    assert!(stdout.contains("deny-by-default"), "{stdout}");
    assert!(stdout.trim_end().ends_with("0 passed, 1 failed"));
}

#[test]
fn check_unknown_name_exit_2_with_candidates() {
    let c = corpus("demo-httpd-centos");
    let expect = tmp(
        "unknown.yaml",
        "expect:\n  - {from: default/pod-cento, to: default/dep-httpd, port: 80, allowed: true}\n",
    );
    let out = check(&c.join("manifests.yaml"), &expect, &[]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("default/pod-centos"), "{stderr}");
}

#[test]
fn check_unreadable_expect_and_no_manifest_exit_2() {
    let c = corpus("demo-httpd-centos");
    let out = check(
        &c.join("manifests.yaml"),
        Path::new("/nonexistent/expect.yaml"),
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let bad = tmp(
        "bad-expect.yaml",
        "expect:\n  - {from: a/b, to: c/d, port: http, allowed: true}\n",
    );
    let out = check(&c.join("manifests.yaml"), &bad, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(":2:"),
        "errors name the line"
    );
    let out = check(Path::new("/nonexistent.yaml"), &c.join("expect.yaml"), &[]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn bad_documents_go_to_stderr_and_the_rest_is_analysed() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: a, labels: {app: a}}\n---\nkind: Pod\nmetadata: [oops\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b}\n";
    let m = tmp("mixed.yaml", text);
    let expect = tmp(
        "mixed-expect.yaml",
        "expect:\n  - {from: default/a, to: default/b, port: 80, allowed: true}\n",
    );
    let out = check(&m, &expect, &[]);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("mixed.yaml:7:1: error[yaml-syntax]"),
        "{stderr}"
    );
}

#[test]
fn stdin_and_directories() {
    let c = corpus("demo-httpd-centos");
    let mut child = Command::new(env!("CARGO_BIN_EXE_netpol"))
        .args(["matrix", "-", "--port", "80"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&std::fs::read(c.join("manifests.yaml")).unwrap())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("default/pod-centos"));
    // A directory is searched recursively for *.yaml, *.yml and *.json.
    let dir = std::env::temp_dir().join(format!("netpol-cli-dir-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::copy(c.join("manifests.yaml"), dir.join("sub/app.yml")).unwrap();
    std::fs::write(dir.join("notes.txt"), "not yaml").unwrap();
    let out = netpol(&["matrix", s(&dir), "--port", "80"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("default/dep-httpd-2"));
    assert_eq!(netpol(&["lint", s(&dir)]).status.code(), Some(0));
}

#[test]
fn matrix_json_groups_identical_pods() {
    let c = corpus("demo-httpd-centos-deny-plus-allow");
    let out = netpol(&["matrix", s(&c.join("manifests.yaml")), "--output", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let groups = v["groups"].as_array().unwrap();
    // The three httpd replicas behave identically: one group.
    assert!(groups
        .iter()
        .any(|g| g["pods"].as_array().unwrap().len() == 3));
    assert!(v["rows"].is_array());
    assert!(v["allowed_triples"].as_u64().unwrap() > 0);
    let out = netpol(&[
        "matrix",
        s(&c.join("manifests.yaml")),
        "--port",
        "80",
        "--output",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["port"], 80);
    assert_eq!(v["protocol"], "TCP");
}

#[test]
fn matrix_text_truth_table() {
    let c = corpus("demo-httpd-centos-deny-by-default");
    let out = netpol(&["matrix", s(&c.join("manifests.yaml")), "--port", "80"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let row = stdout
        .lines()
        .find(|l| l.contains("default/pod-centos"))
        .unwrap();
    // Everything in `default` is isolated for ingress: pod-centos reaches no one; self is `-`.
    assert!(
        row.contains('X') && row.contains('-') && !row.contains('.'),
        "{stdout}"
    );
    for fmt in ["csv", "md"] {
        let out = netpol(&[
            "matrix",
            s(&c.join("manifests.yaml")),
            "--port",
            "80",
            "--output",
            fmt,
        ]);
        assert!(String::from_utf8_lossy(&out.stdout).contains("default/dep-httpd-0"));
    }
}

#[test]
fn explain_text_and_json() {
    let c = corpus("demo-httpd-centos-deny-by-default");
    let m = c.join("manifests.yaml");
    let out = netpol(&[
        "explain",
        s(&m),
        "--from",
        "default/pod-centos",
        "--to",
        "service:default/svc-clusterip-httpd",
        "--port",
        "80",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("BLOCKED") && stdout.contains("default/deny-by-default"),
        "{stdout}"
    );
    let out = netpol(&[
        "explain",
        s(&m),
        "--from",
        "default/pod-centos",
        "--to",
        "8.8.8.8",
        "--port",
        "443",
        "-o",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["allowed"], true);
    assert_eq!(v["hops"][0]["egress"]["result"], "not-isolated");
}

#[test]
fn lint_renders_source_line_and_exits_1_on_errors() {
    let m = tmp(
        "lint.yaml",
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p\n  namespace: default\nspec:\n  podselector: {}\n  ingress:\n  - ports:\n    - port: 70000\n",
    );
    let out = netpol(&["lint", s(&m)]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("error[invalid-port]"), "{stdout}");
    assert!(stdout.contains("lint.yaml:10:13"), "{stdout}");
    assert!(stdout.contains("10 |     - port: 70000"), "{stdout}");
    assert!(stdout.contains("^^^^^"), "{stdout}");
    assert!(stdout.contains("did you mean `podSelector`?"), "{stdout}");
    let out = netpol(&["lint", s(&m), "--output", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The out-of-range port and the unknown `podselector` (strict validation, as kubectl).
    assert_eq!(v["errors"], 2);
    let d = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "invalid-port")
        .unwrap();
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(10), Some(13))
    );
}

#[test]
fn help_everywhere() {
    for sub in [
        &["--help"][..],
        &["check", "--help"],
        &["matrix", "--help"],
        &["explain", "--help"],
        &["lint", "--help"],
    ] {
        let out = netpol(sub);
        assert_eq!(out.status.code(), Some(0));
        assert!(String::from_utf8_lossy(&out.stdout).contains("Usage"));
    }
}

#[test]
fn namespace_flag_places_objects_without_a_namespace() {
    // As `kubectl apply -n shop`: the pods and the policy land in `shop`.
    let m = tmp(
        "ns-flag.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: web, labels: {app: web}}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: client}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny}\nspec: {podSelector: {}}\n",
    );
    let out = netpol(&[
        "explain",
        s(&m),
        "-n",
        "shop",
        "--from",
        "shop/client",
        "--to",
        "shop/web",
        "--port",
        "80",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("shop/deny"), "{stdout}");
    assert!(stdout.contains("BLOCKED"), "{stdout}");
    // Bare names resolve in that namespace too.
    let out = netpol(&[
        "explain",
        s(&m),
        "-n",
        "shop",
        "--from",
        "client",
        "--to",
        "web",
        "--port",
        "80",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("shop/client → shop/web"), "{stdout}");
    // Without -n they are in `default`.
    let out = netpol(&[
        "explain",
        s(&m),
        "--from",
        "shop/client",
        "--to",
        "shop/web",
        "--port",
        "80",
    ]);
    assert_ne!(out.status.code(), Some(0));
}

#[test]
fn validate_flag_strict_rejects_warn_keeps() {
    let m = tmp(
        "validate.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: default, labels: {app: web}}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: client, namespace: default}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny-web, namespace: default}\nspec:\n  podSelector: {app: web}\n",
    );
    let run = |extra: &[&str]| {
        let mut args = vec![
            "explain",
            s(&m),
            "--from",
            "default/client",
            "--to",
            "default/web",
            "--port",
            "80",
        ];
        args.extend_from_slice(extra);
        let out = netpol(&args);
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // strict (default): the policy is refused, so nothing isolates `web`.
    let (stdout, stderr) = run(&[]);
    assert!(stdout.contains("ALLOWED"), "{stdout}");
    assert!(stderr.contains("unknown field `app`"), "{stderr}");
    // warn: kept without the field, so it selects every pod.
    let (stdout, stderr) = run(&["--validate", "warn"]);
    assert!(stdout.contains("BLOCKED"), "{stdout}");
    assert!(stderr.contains("dropped"), "{stderr}");
}

#[test]
fn ignored_kinds_are_summarised_in_one_line() {
    let m = tmp(
        "ignored.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: default}\n",
    );
    let out = netpol(&["lint", s(&m)]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "ignored 3 objects of 2 kinds that do not affect traffic; --verbose lists them"
        ),
        "{stderr}"
    );
    let out = netpol(&["lint", s(&m), "--verbose"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("ConfigMap ×2"), "{stderr}");
    assert!(stderr.contains("ClusterRole ×1"), "{stderr}");
}

#[test]
fn helm_chart_directory_says_render_it_first() {
    let chart = std::env::temp_dir().join(format!("netpol-cli-chart-{}", std::process::id()));
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: web\nversion: 0.1.0\n",
    )
    .unwrap();
    std::fs::write(
        chart.join("templates/pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\n",
    )
    .unwrap();
    let out = netpol(&["lint", s(&chart)]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("render it first: helm template"),
        "{stderr}"
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn service_without_backends_is_its_own_outcome_in_check() {
    let c = corpus("f06-service-no-backends");
    let e = tmp(
        "no-backends-expect.yaml",
        "expect:\n  - {from: default/client, to: service:default/empty, port: 80, allowed: true}\n",
    );
    let out = check(&c.join("manifests.yaml"), &e, &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("expected allowed, got no pods behind `default/empty`"),
        "{stdout}"
    );
    assert!(!stdout.contains("BLOCKED"), "{stdout}");
}
