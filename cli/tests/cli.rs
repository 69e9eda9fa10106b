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
    // The pod pairs, as `explain --output json` gives them.
    assert_eq!(r["hops"][0]["to"], "default/dep-httpd-0");
    assert_eq!(r["hops"][0]["ingress"]["result"], "denied");
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
    let out = netpol(&["matrix", s(&dir), "--port", "80", "--pods"]);
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
            "--pods",
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

/// A Deployment `web` (×2, port `http` = 8080), Service `web-svc` (port `web` 80 → `http`),
/// Pods `client` and `other`; only `client` may reach `web` on `http`.
const PORTS: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: w, image: w, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web-svc, namespace: default}
spec:
  selector: {app: web}
  ports: [{name: web, port: 80, targetPort: http}]
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: default, labels: {app: client}}
spec: {containers: [{name: c, image: c}]}
---
apiVersion: v1
kind: Pod
metadata: {name: other, namespace: default, labels: {app: other}}
spec: {containers: [{name: c, image: c}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-from-client, namespace: default}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: client}}}]
    ports: [{port: http}]
";

fn explain(m: &Path, from: &str, to: &str, port: &str, extra: &[&str]) -> Output {
    let mut args = vec!["explain", s(m), "--from", from, "--to", to, "--port", port];
    args.extend_from_slice(extra);
    netpol(&args)
}

#[test]
fn explain_exit_status_is_like_kubectl_auth_can_i() {
    let m = tmp("ports-exit.yaml", PORTS);
    let allowed = explain(&m, "default/client", "default/web", "8080", &[]);
    assert_eq!(allowed.status.code(), Some(0));
    let blocked = explain(&m, "default/other", "default/web", "8080", &[]);
    assert_eq!(blocked.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&blocked.stdout).contains("BLOCKED"));
    // JSON too: the status says the verdict.
    let blocked = explain(&m, "default/other", "default/web", "8080", &["-o", "json"]);
    assert_eq!(blocked.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&blocked.stdout).unwrap();
    assert_eq!(v["allowed"], false);
    let unknown = explain(&m, "default/nobody", "default/web", "8080", &[]);
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn explain_json_keeps_the_documented_shape() {
    let m = tmp("ports-shape.yaml", PORTS);
    let out = explain(
        &m,
        "default/client",
        "default/web-0",
        "8080",
        &["-o", "json"],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "from",
            "to",
            "port",
            "protocol",
            "allowed",
            "explanation",
            "hops",
            "cni_dependent",
            // The typed fields of the engine's Explanation, after the documented ones.
            "outcome",
            "flags"
        ]
    );
    let hop = &v["hops"][0];
    let keys: Vec<&str> = hop
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    // The documented keys, in order; later additions (e.g. `protocol`) may sit between them.
    let documented = ["from", "to", "port", "allowed", "egress", "ingress"];
    let positions: Vec<usize> = documented
        .iter()
        .map(|k| keys.iter().position(|x| x == k).unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{keys:?}");
    assert_json_contains(
        &hop["egress"],
        &serde_json::json!({"result": "not-isolated"}),
    );
    assert_json_contains(
        &hop["ingress"],
        &serde_json::json!({"result": "allowed", "isolating": ["default/web-from-client"],
            "rule": {"policy": "default/web-from-client", "direction": "ingress", "rule_index": 0,
                     "peer_index": 0, "port_index": 0, "line": 34}}),
    );
    let out = explain(
        &m,
        "default/other",
        "default/web-0",
        "8080",
        &["-o", "json"],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_json_contains(
        &v["hops"][0]["ingress"],
        &serde_json::json!({"result": "denied", "isolating": ["default/web-from-client"]}),
    );
    // A denial carries one miss per rule of the isolating policy, each with typed reasons.
    let miss = &v["hops"][0]["ingress"]["misses"][0];
    assert_eq!(miss["policy"], "default/web-from-client");
    assert_eq!(miss["rule_index"], 0);
    let kinds: Vec<&str> = miss["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"pod-label"), "{miss}");
    assert!(miss["span"]["file"]
        .as_str()
        .unwrap()
        .ends_with("ports-shape.yaml"));
    let out = explain(
        &m,
        "default/client",
        "default/client",
        "8080",
        &["-o", "json"],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["hops"][0]["egress"],
        serde_json::json!({"result": "self"})
    );
}

#[test]
fn port_names_resolve_on_the_destination() {
    let m = tmp("ports-names.yaml", PORTS);
    // A container port name, resolved on the destination pods.
    let out = explain(&m, "default/client", "default/web", "http", &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("port `http` is 8080/TCP"), "{stdout}");
    // For a Service: the Service port's name (80), translated to the targetPort as usual.
    let out = explain(
        &m,
        "default/client",
        "service:default/web-svc",
        "web",
        &["-o", "json"],
    );
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["port"].as_u64(), v["port_name"].as_str()),
        (Some(80), Some("web"))
    );
    assert_eq!(v["hops"][0]["port"], 8080);
    // Unknown names say what exists.
    let out = explain(&m, "default/client", "default/web", "metrics", &[]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no TCP container port named `metrics`")
            && stderr.contains("`http` (8080/TCP)"),
        "{stderr}"
    );
    let out = explain(&m, "default/client", "service:default/web-svc", "http", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("its ports: `web` (80/TCP)"));
    let out = explain(&m, "default/client", "8.8.8.8", "http", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("outside the cluster"));
    // Numbers are 1-65535.
    for bad in ["0", "65536", "HTTP"] {
        let out = explain(&m, "default/client", "default/web", bad, &[]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("1-65535"), "{stderr}");
    }
    // The matrix resolves a name per destination pod; `_` where a pod has no such port.
    let out = netpol(&["matrix", s(&m), "--port", "http"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let row = |name: &str| {
        stdout
            .lines()
            .find(|l| l.contains(name))
            .unwrap()
            .split_whitespace()
            .skip(2)
            .collect::<Vec<_>>()
            .join(" ")
    };
    // Columns: client, other, web[Deployment] ×2.
    assert_eq!(row("default/client"), "- _ .", "{stdout}");
    assert_eq!(row("default/other "), "_ - X", "{stdout}");
    assert!(stdout.contains("`_` no such port"), "{stdout}");
}

#[test]
fn protocol_without_port_is_an_error() {
    let m = tmp("ports-proto.yaml", PORTS);
    let out = netpol(&["matrix", s(&m), "--protocol", "UDP"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--protocol UDP needs --port"), "{stderr}");
    assert!(out.stdout.is_empty());
    let out = netpol(&["matrix", s(&m), "--protocol", "UDP", "--port", "53"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("port 53/UDP"));
}

#[test]
fn check_reports_every_bad_assertion() {
    let m = tmp("ports-check.yaml", PORTS);
    let expect = tmp(
        "many-bad.yaml",
        "expect:
  - {from: default/client, to: default/web, port: 8080, allowed: true}
  - {from: default/clinet, to: default/web, port: 8080, allowed: true}
  - {from: default/client, to: default/wbe, port: 8080, allowed: false}
  - {from: default/client, to: default/web, port: 99999, allowed: maybe}
  - {from: default/other, to: default/web, port: 8080, allowed: false}
",
    );
    let out = check(&m, &expect, &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Two hold, three could not be evaluated: an input error (exit 2, as documented), yet every
    // other assertion was still evaluated and reported.
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    assert!(
        stdout
            .trim_end()
            .ends_with("2 passed, 0 failed, 3 not evaluated"),
        "{stdout}"
    );
    for (at, what) in [
        ("many-bad.yaml:3:12:", "`default/client`"),
        ("many-bad.yaml:4:32:", "`default/web`"),
        ("many-bad.yaml:5:51:", "between 1 and 65535"),
        ("many-bad.yaml:5:67:", "true or false"),
    ] {
        let line = stderr
            .lines()
            .find(|l| l.contains(at))
            .unwrap_or_else(|| panic!("{at} in {stderr}"));
        assert!(line.contains(what), "{line}");
    }
    let out = check(&m, &expect, &["-o", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["passed"].as_u64(), v["failed"].as_u64()),
        (Some(2), Some(0))
    );
    assert_eq!(v["not_evaluated"], 3);
    let lines: Vec<u64> = v["error_details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [3, 4, 5, 5]);
    assert_eq!(v["error_details"][0]["column"], 12);
    assert!(v["error_details"][0]["message"]
        .as_str()
        .unwrap()
        .contains("default/clinet"));
    // `errors` stays a list of strings (the documented contract), located.
    let first = v["errors"][0].as_str().unwrap();
    assert!(
        first.contains("many-bad.yaml:3:12:") && first.contains("default/clinet"),
        "{first}"
    );
    // Nothing evaluable at all: exit 2.
    let all_bad = tmp(
        "all-bad.yaml",
        "expect:\n  - {from: x/y, to: default/web, port: 80, allowed: true}\n  - {from: default/client, to: default/web, port: metrics, allowed: true}\n",
    );
    let out = check(&m, &all_bad, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 passed, 0 failed, 2 not evaluated"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "all-bad.yaml:3:5: `default/web-0` has no TCP container port named `metrics`"
        ),
        "{stderr}"
    );
}

#[test]
fn check_resolves_port_names_like_explain() {
    let m = tmp("ports-check-names.yaml", PORTS);
    let expect = tmp(
        "names.yaml",
        "expect:\n  - {from: default/client, to: default/web, port: http, allowed: true}\n  - {from: default/client, to: service:default/web-svc, port: web, allowed: true}\n  - {from: default/other, to: service:default/web-svc, port: web, allowed: false}\n",
    );
    let out = check(&m, &expect, &["-o", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["passed"], 3);
    let r = &v["results"];
    assert_eq!(
        (r[0]["port"].as_u64(), r[0]["port_name"].as_str()),
        (Some(8080), Some("http"))
    );
    assert_eq!(
        (r[1]["port"].as_u64(), r[1]["port_name"].as_str()),
        (Some(80), Some("web"))
    );
}

#[test]
fn matrix_groups_by_workload_and_pods_splits() {
    let c = corpus("demo-httpd-centos-deny-plus-allow");
    let m = c.join("manifests.yaml");
    let out = netpol(&["matrix", s(&m), "--port", "80"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<&str> = stdout.lines().skip(2).collect();
    assert_eq!(rows.len(), 3, "{stdout}");
    assert!(
        rows[0].contains("default/dep-httpd[Deployment] ×3"),
        "{stdout}"
    );
    // Replicas to each other: blocked (ingress is denied by default); centos reaches them.
    assert!(rows[0].trim_end().ends_with("X X X"), "{stdout}");
    assert!(
        rows[1].contains("default/pod-centos") && rows[1].trim_end().ends_with(". - X"),
        "{stdout}"
    );
    assert!(!stdout.contains("dep-httpd-0"));
    // --pods: one row per pod.
    let out = netpol(&["matrix", s(&m), "--port", "80", "--pods"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), 2 + 5, "{stdout}");
    // Without --port, a table of port sets with a legend.
    let out = netpol(&["matrix", s(&m)]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("allowed ports: `all` every port"),
        "{stdout}"
    );
    let centos = stdout
        .lines()
        .find(|l| l.contains("default/pod-centos"))
        .unwrap();
    assert_eq!(
        centos.split_whitespace().skip(2).collect::<Vec<_>>(),
        ["80", "-", "X"],
        "{stdout}"
    );
    // CSV and Markdown hold the same rows and cells.
    let out = netpol(&["matrix", s(&m), "-o", "csv"]);
    let csv = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        csv.lines().collect::<Vec<_>>(),
        [
            "from\\to,\"default/dep-httpd[Deployment] ×3\",default/pod-centos,default/pod-intruder",
            "\"default/dep-httpd[Deployment] ×3\",X,X,X",
            "default/pod-centos,80,-,X",
            "default/pod-intruder,X,X,-",
        ]
    );
    let out = netpol(&["matrix", s(&m), "-o", "md", "--port", "80"]);
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.contains("| default/pod-centos | . | - | X |"), "{md}");
}

/// Diagnostics on a minified JSON line show a window around the column, not the whole line.
#[test]
fn lint_windows_very_long_lines() {
    let mut items: Vec<String> = (0..400)
        .map(|i| format!(r#"{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"p{i}","labels":{{"app":"web"}}}}}}"#))
        .collect();
    items.insert(300, r#"{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"np","namespace":"default"},"spec":{"podSelector":{},"ingress":[{"ports":[{"port":70000}]}]}}"#.to_string());
    let text = format!(
        r#"{{"apiVersion":"v1","kind":"List","items":[{}]}}"#,
        items.join(",")
    );
    let col = text.find("70000").unwrap() + 1;
    let m = tmp("minified.json", &text);
    let out = netpol(&["lint", s(&m)]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("minified.json:1:{col}")),
        "{stdout}"
    );
    assert!(stdout.lines().all(|l| l.chars().count() < 200), "{stdout}");
    let shown = stdout.lines().find(|l| l.starts_with("1 |")).unwrap();
    let caret = stdout.lines().find(|l| l.contains("^^^^^")).unwrap();
    // The underline sits under `70000`.
    let at = caret.find('^').unwrap();
    assert_eq!(shown.get(at..at + 5), Some("70000"), "{stdout}");
}

#[test]
fn lint_underlines_after_tabs_and_wide_characters() {
    // Wide characters and a tab on the same line, before the bad value.
    let line = "spec: {note: \"中文\", podSelector: {}, ingress: [{ports: [{port: \t70000}]}]}";
    let m = tmp(
        "wide.yaml",
        &format!("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: p, namespace: default}}\n{line}\n"),
    );
    let col = line[..line.find("70000").unwrap()].chars().count() + 1;
    let out = netpol(&["lint", s(&m)]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(&format!("wide.yaml:4:{col}")), "{stdout}");
    let shown = stdout.lines().find(|l| l.starts_with("4 |")).unwrap();
    let caret = stdout.lines().find(|l| l.contains("^^^^^")).unwrap();
    // Tabs are expanded in the shown line; a wide character takes two columns: the underline
    // sits under the value in display columns.
    assert!(!shown.contains('\t'), "{stdout}");
    let width = |s: &str| {
        s.chars()
            .map(|c| if c == '中' || c == '文' { 2 } else { 1 })
            .sum::<usize>()
    };
    let caret_at = caret.find('^').unwrap();
    let value_at = width(&shown[..shown.find("70000").unwrap()]);
    assert_eq!(caret_at, value_at, "{stdout}");
}

#[test]
fn colour_on_request_and_never_with_no_color() {
    let m = tmp(
        "colour.yaml",
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: default}\nspec: {podSelector: {}, ingress: [{ports: [{port: 70000}]}]}\n",
    );
    let run = |env: &[(&str, &str)]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_netpol"));
        cmd.args(["lint", s(&m)])
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE");
        for (k, v) in env {
            cmd.env(k, v);
        }
        String::from_utf8(cmd.output().unwrap().stdout).unwrap()
    };
    // Piped: plain.
    assert!(!run(&[]).contains('\x1b'));
    // Forced (as a terminal would get it): coloured; NO_COLOR wins.
    assert!(run(&[("CLICOLOR_FORCE", "1")]).contains("\x1b["));
    assert!(!run(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]).contains('\x1b'));
}

#[test]
fn lint_draws_multi_line_spans() {
    let m = tmp(
        "multi.yaml",
        "apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: default}\nspec:\n  selector:\n    app: wbe\n    tier: x\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: default}\n",
    );
    let out = netpol(&["lint", s(&m)]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("warning[service-no-backends]"), "{stdout}");
    assert!(stdout.contains("multi.yaml:6:5"), "{stdout}");
    // Both lines of the selector, joined by the span's left edge and closed under the last.
    assert!(stdout.contains("6 | /     app: wbe"), "{stdout}");
    assert!(stdout.contains("7 | |     tier: x"), "{stdout}");
    assert!(stdout.contains("  | |___________^"), "{stdout}");
}

#[test]
fn matrix_json_needs_a_port_number() {
    let m = tmp("ports-json.yaml", PORTS);
    let out = netpol(&["matrix", s(&m), "--port", "http", "-o", "json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs a port number"));
    let out = netpol(&["matrix", s(&m), "--port", "grpc"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("no pod has a TCP container port named `grpc`"));
}

/// Thousands of diagnostics on one minified line are all rendered (each from an index of the line;
/// the cost is a benchmark's business, never a timed test's).
#[test]
fn many_diagnostics_on_one_long_line_are_all_rendered() {
    let run = |n: usize| {
        let items: Vec<String> = (0..n)
            .map(|i| format!(r#"{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"p{i}","namespace":"default"}},"spec":{{"bogus":1}}}}"#))
            .collect();
        let m = tmp(
            &format!("many-{n}.json"),
            &format!(
                r#"{{"apiVersion":"v1","kind":"List","items":[{}]}}"#,
                items.join(",")
            ),
        );
        let out = netpol(&["lint", s(&m)]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout
                .trim_end()
                .ends_with(&format!("{n} warnings, 0 notes")),
            "{stdout}"
        );
    };
    run(600);
    run(2400);
}

/// `actual` holds every key of `expected` with the same value (recursively for objects): the JSON
/// contracts may be extended, never changed.
fn assert_json_contains(actual: &serde_json::Value, expected: &serde_json::Value) {
    match (actual, expected) {
        (serde_json::Value::Object(a), serde_json::Value::Object(e)) => {
            for (k, ev) in e {
                let av = a
                    .get(k)
                    .unwrap_or_else(|| panic!("missing `{k}` in {actual}"));
                assert_json_contains(av, ev);
            }
        }
        _ => assert_eq!(actual, expected),
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

/// `--verbose` names every ignored object under its kind, as written (`ns/name`, `name`), and
/// places an object without a name by its line.
#[test]
fn verbose_lists_ignored_objects_by_kind_and_name() {
    let m = tmp(
        "ignored-names.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: shop}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader}\n---\napiVersion: v1\nkind: Secret\nmetadata: {labels: {x: y}}\n",
    );
    let out = netpol(&["lint", s(&m), "--verbose"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("ignored 4 objects of 3 kinds that do not affect traffic:\n"),
        "{stderr}"
    );
    assert!(stderr.contains("  ClusterRole ×1: reader\n"), "{stderr}");
    assert!(stderr.contains("  ConfigMap ×2: shop/a, b\n"), "{stderr}");
    assert!(
        stderr.contains(&format!("  Secret ×1: (no name, {}:13)\n", s(&m))),
        "{stderr}"
    );
}

/// `-n foo` with an object of namespace `bar`: kubectl refuses that object ("the namespace from
/// the provided object \"bar\" does not match the namespace \"foo\""), applies the rest.
#[test]
fn namespace_flag_refuses_objects_of_another_namespace() {
    let m = tmp(
        "ns-mismatch.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: web, labels: {app: web}}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: client}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\n  namespace: bar\nspec: {podSelector: {}}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: shop}\nspec: {podSelector: {}}\n",
    );
    let run = |extra: &[&str]| {
        let mut args = vec![
            "explain",
            s(&m),
            "--from",
            "client",
            "--to",
            "web",
            "--port",
            "80",
        ];
        args.extend_from_slice(extra);
        netpol(&args)
    };
    let out = run(&["-n", "shop"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Located at the `namespace` value, and the rest analysed: `shop/deny` blocks.
    assert!(
        stderr.contains(&format!(
            "{}:13:14: error[namespace-mismatch]: the namespace from the provided object `bar` does not match the namespace `shop` given with `-n`",
            s(&m)
        )),
        "{stderr}"
    );
    assert!(stderr.contains("--namespace=bar"), "{stderr}");
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("`shop/deny`"), "{stdout}");
    assert!(!stdout.contains("bar/deny"), "{stdout}");
    // The lint says the same, as an error.
    let out = netpol(&["lint", s(&m), "-n", "shop", "--output", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(codes.contains(&"namespace-mismatch"), "{codes:?}");
    // Without -n, each object keeps its own namespace: nothing is refused.
    let out = netpol(&[
        "explain",
        s(&m),
        "--from",
        "default/client",
        "--to",
        "default/web",
        "--port",
        "80",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("namespace-mismatch"), "{stderr}");
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

/// Admin tiers through the CLI: `check` on a ClusterNetworkPolicy case, `explain` JSON naming the
/// deciding tier and the Pass on the way, `lint` reporting the equal-priority warning.
#[test]
fn admin_tiers_check_explain_lint() {
    let c = corpus("a08-v2-pass-to-np");
    let m = c.join("manifests.yaml");
    let out = check(&m, &c.join("expect.yaml"), &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.trim_end().ends_with("4 passed, 0 failed"),
        "{stdout}"
    );
    let out = explain(&m, "x/a", "y/b", "8080", &["-o", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ingress = &v["hops"][0]["ingress"];
    assert_eq!(ingress["result"], "denied");
    assert_eq!(ingress["tier"], "NetworkPolicy");
    assert_eq!(ingress["passed"][0]["policy"], "pass-monitoring");
    assert_eq!(ingress["passed"][0]["action"], "Pass");
    assert_eq!(ingress["isolating"][0], "y/allow-web");
    let c = corpus("a08-v2-equal-priority-reported");
    let out = netpol(&["lint", s(&c.join("manifests.yaml")), "-o", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(codes.contains(&"equal-priority"), "{codes:?}");
}

#[test]
fn matrix_json_with_port_counts_pairs_on_that_port() {
    // Two pods; `b` admits 443 only: on 80/TCP only b → a is allowed.
    let m = tmp(
        "triples-port.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: default, labels: {app: a}}\nspec: {containers: [{name: c, image: nginx:1.25}]}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b, namespace: default, labels: {app: b}}\nspec: {containers: [{name: c, image: nginx:1.25}]}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: b-443, namespace: default}\nspec:\n  podSelector: {matchLabels: {app: b}}\n  ingress: [{ports: [{port: 443}]}]\n",
    );
    let count = |args: &[&str]| {
        let mut all = vec!["matrix", s(&m), "-o", "json"];
        all.extend_from_slice(args);
        let out = netpol(&all);
        assert_eq!(out.status.code(), Some(0));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["allowed_triples"].as_u64().unwrap()
    };
    assert_eq!(count(&["--port", "80"]), 1);
    assert_eq!(count(&["--port", "443"]), 2);
    assert_eq!(count(&["--port", "443", "--protocol", "UDP"]), 1);
    // Without --port: every (protocol, port) — a → b on 443/TCP only, b → a on all 3 × 65535.
    assert_eq!(count(&[]), 1 + 3 * 65535);
}

#[test]
fn matrix_workload_label_counts_declared_replicas() {
    for (case, label) in [
        (
            "f06-replicas-beyond-generated",
            "default/api[Deployment] ×250",
        ),
        ("f06-statefulset-beyond-100", "default/db[StatefulSet] ×150"),
    ] {
        let out = netpol(&[
            "matrix",
            s(&corpus(case).join("manifests.yaml")),
            "--port",
            "80",
        ]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains(label), "{case}: {stdout}");
    }
}

#[test]
fn helm_chart_inside_a_scanned_directory_is_skipped_and_the_rest_read() {
    let repo = std::env::temp_dir().join(format!("netpol-cli-repo-{}", std::process::id()));
    let chart = repo.join("chart");
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: web\nversion: 0.1.0\n",
    )
    .unwrap();
    std::fs::write(
        chart.join("values.yaml"),
        "replicaCount: 1\nimage: {repository: nginx}\n",
    )
    .unwrap();
    std::fs::write(
        chart.join("templates/pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\n",
    )
    .unwrap();
    std::fs::write(
        repo.join("pods.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: default}\nspec: {containers: [{name: c, image: nginx:1.25}]}\n",
    )
    .unwrap();
    let out = netpol(&["matrix", s(&repo), "--port", "80"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("is a Helm chart, skipped: render it first: helm template"),
        "{stderr}"
    );
    // Nothing of the chart was read: no YAML error, no looks-like-a-template warning.
    assert!(!stderr.contains("error"), "{stderr}");
    assert!(!stderr.contains("looks like a Helm template"), "{stderr}");
    assert!(stdout.contains("default/a"), "{stdout}");
}

#[test]
fn wording_of_port_name_errors_and_ignored_kinds() {
    let m = tmp(
        "wording.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: default}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: client, namespace: default}\nspec: {containers: [{name: c, image: nginx:1.25}]}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: default, labels: {app: web}}\nspec: {containers: [{name: c, image: nginx:1.25, ports: [{containerPort: 80, name: http}]}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: websvc, namespace: default}\nspec:\n  selector: {app: web}\n  ports: [{port: 80, name: http}]\n",
    );
    let out = netpol(&[
        "explain",
        s(&m),
        "--from",
        "client",
        "--to",
        "service:default/websvc",
        "--port",
        "https",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("Service `default/websvc` has no TCP port named `https`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("ignored 1 object of 1 kind that does not affect traffic"),
        "{stderr}"
    );
}

#[test]
fn explain_and_check_json_carry_the_typed_top_level_fields() {
    let c = corpus("f06-service-no-backends");
    let m = c.join("manifests.yaml");
    let out = netpol(&[
        "explain",
        s(&m),
        "--from",
        "default/client",
        "--to",
        "service:default/empty",
        "--port",
        "80",
        "-o",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["outcome"], "no pods behind `default/empty`");
    assert_eq!(v["problem"]["kind"], "no-backing-pods");
    assert!(v["problem"]["message"]
        .as_str()
        .unwrap()
        .contains("default/empty"));
    assert_eq!(v["flags"], serde_json::json!([]));
    assert_eq!(v["cni_dependent"], serde_json::json!([]));
    assert_eq!(v["allowed"], false);
    // Through a Service with backends: `service` says the translation, no `problem`.
    let d = corpus("demo-httpd-centos-deny-by-default");
    let out = netpol(&[
        "explain",
        s(&d.join("manifests.yaml")),
        "--from",
        "default/pod-centos",
        "--to",
        "service:default/svc-clusterip-httpd",
        "--port",
        "80",
        "-o",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["outcome"], "blocked");
    assert!(v.get("problem").is_none());
    assert_eq!(v["service"]["service"], "default/svc-clusterip-httpd");
    assert_eq!(v["service"]["port"], 80);
    assert_eq!(v["service"]["pods"], 3);
    // check: each result carries them too.
    let e = tmp(
        "typed-expect.yaml",
        "expect:\n  - {from: default/client, to: service:default/empty, port: 80, allowed: false}\n",
    );
    let out = check(&m, &e, &["--output", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let r = &v["results"][0];
    assert_eq!(r["outcome"], "no pods behind `default/empty`");
    assert_eq!(r["problem"]["kind"], "no-backing-pods");
    assert_eq!(r["flags"], serde_json::json!([]));
}

#[test]
fn explain_and_check_text_are_coloured_only_when_asked() {
    let d = corpus("demo-httpd-centos-deny-by-default");
    let m = d.join("manifests.yaml");
    let args = [
        "explain",
        s(&m),
        "--from",
        "default/pod-centos",
        "--to",
        "service:default/svc-clusterip-httpd",
        "--port",
        "80",
    ];
    let run = |force: Option<&str>, no_color: bool| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_netpol"));
        c.args(args)
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE");
        if let Some(f) = force {
            c.env("CLICOLOR_FORCE", f);
        }
        if no_color {
            c.env("NO_COLOR", "1");
        }
        String::from_utf8(c.output().unwrap().stdout).unwrap()
    };
    let piped = run(None, false);
    assert!(!piped.contains('\x1b'), "{piped}");
    assert!(piped.contains(": BLOCKED"));
    let forced = run(Some("1"), false);
    assert!(forced.contains(": \x1b[1;31mBLOCKED\x1b[0m"), "{forced}");
    assert!(forced.contains(": \x1b[1;31mDENIED\x1b[0m"), "{forced}");
    assert!(forced.contains(": \x1b[1;32mallowed\x1b[0m"), "{forced}");
    assert!(!run(Some("1"), true).contains('\x1b'));
    // check: the FAIL head.
    let e = tmp(
        "colour-expect.yaml",
        "expect:\n  - {from: default/pod-centos, to: service:default/svc-clusterip-httpd, port: 80, allowed: true}\n",
    );
    let out = Command::new(env!("CARGO_BIN_EXE_netpol"))
        .args(["check", s(&m), "--expect", s(&e)])
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.starts_with("\x1b[1;31mFAIL\x1b[0m "), "{stdout}");
}
