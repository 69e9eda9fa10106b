#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code

//! `netpol suggest`: exit codes, the three output formats, and that the printed policies do
//! what they claim when fed back to `netpol explain`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn corpus(case: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../engine/tests/corpus")
        .join(case)
        .join("manifests.yaml")
        .to_str()
        .unwrap()
        .to_string()
}

fn netpol(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_netpol"))
        .args(args)
        .output()
        .unwrap()
}

fn tmp(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("netpol-suggest-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn yaml_output_fed_back_allows_the_flow() {
    let m = corpus("demo-httpd-centos-deny-by-default");
    let explain = |files: &[&str]| {
        let mut args = vec!["explain"];
        args.extend_from_slice(files);
        args.extend_from_slice(&[
            "--from",
            "default/pod-centos",
            "--to",
            "service:default/svc-clusterip-httpd",
            "--port",
            "80",
        ]);
        netpol(&args).status.code()
    };
    assert_eq!(explain(&[&m]), Some(1));
    let out = netpol(&[
        "suggest",
        &m,
        "--from",
        "default/pod-centos",
        "--to",
        "service:default/svc-clusterip-httpd",
        "--port",
        "80",
        "-o",
        "yaml",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let yaml = stdout(&out);
    assert!(
        yaml.starts_with("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"),
        "{yaml}"
    );
    let added = tmp("added.yaml", &yaml);
    assert_eq!(explain(&[&m, added.to_str().unwrap()]), Some(0));
    // And the lint has no error about it.
    let lint = netpol(&["lint", added.to_str().unwrap()]);
    assert_eq!(lint.status.code(), Some(0), "{}", stdout(&lint));
}

#[test]
fn text_lists_what_opens_and_json_has_the_contract_shape() {
    let m = corpus("demo-three-tier");
    let args = [
        "suggest",
        &m,
        "--from",
        "shop/db",
        "--to",
        "service:shop/backend",
        "--port",
        "http",
    ];
    let out = netpol(&args);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("add 2 NetworkPolicies to allow it"), "{text}");
    assert!(text.contains("it opens 2 connections:"), "{text}");
    assert!(
        text.contains("shop/db-0 → shop/backend-0: TCP 8080"),
        "{text}"
    );
    assert!(text.contains("it closes: nothing"), "{text}");
    let mut json_args = args.to_vec();
    json_args.extend_from_slice(&["--output", "json"]);
    let out = netpol(&json_args);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["result"], "suggested");
    assert_eq!(v["action"], "allow");
    assert_eq!(v["port"], 80);
    assert_eq!(v["policies"].as_array().unwrap().len(), 2);
    assert_eq!(v["policies"][0]["direction"], "ingress");
    assert_eq!(v["policies"][0]["namespace"], "shop");
    assert!(v["policies"][0]["yaml"]
        .as_str()
        .unwrap()
        .contains("port: 8080"));
    assert_eq!(v["opens"][0]["from"], "shop/db-0");
    assert_eq!(v["opens"][0]["ports"], "TCP 8080");
    assert_eq!(v["closes"], serde_json::json!([]));
    assert_eq!(v["beyond"], serde_json::json!([]));
}

#[test]
fn exit_1_when_already_allowed_and_2_when_impossible() {
    let m = corpus("demo-httpd-centos");
    let out = netpol(&[
        "suggest",
        &m,
        "--from",
        "default/pod-centos",
        "--to",
        "default/dep-httpd",
        "--port",
        "80",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("already allowed"), "{}", stdout(&out));

    let out = netpol(&[
        "suggest",
        &m,
        "--from",
        "service:default/svc-clusterip-httpd",
        "--to",
        "default/pod-centos",
        "--port",
        "80",
        "-o",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["result"], "impossible");
    assert_eq!(v["reason"]["kind"], "service-source");
    assert!(v["reason"]["message"]
        .as_str()
        .unwrap()
        .contains("not a source"));

    let m = tmp(
        "nobackends.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: c, labels: {app: c}}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n",
    );
    let out = netpol(&[
        "suggest",
        m.to_str().unwrap(),
        "--from",
        "default/c",
        "--to",
        "service:default/web",
        "--port",
        "80",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).contains("no pods behind `default/web`"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn block_lists_every_flow_it_closes() {
    let m = corpus("demo-httpd-centos");
    let out = netpol(&[
        "suggest",
        &m,
        "--from",
        "default/pod-centos",
        "--to",
        "default/dep-httpd",
        "--port",
        "80",
        "--block",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("to block it"), "{text}");
    assert!(text.contains("it closes 3 connections:"), "{text}");
    assert!(text.contains("it opens: nothing"), "{text}");
    // Already blocked.
    let m = corpus("demo-httpd-centos-deny-by-default");
    let out = netpol(&[
        "suggest",
        &m,
        "--from",
        "default/pod-centos",
        "--to",
        "default/dep-httpd",
        "--port",
        "80",
        "--block",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("already blocked"));
}

#[test]
fn unknown_names_are_input_errors() {
    let m = corpus("demo-httpd-centos");
    let out = netpol(&[
        "suggest",
        &m,
        "--from",
        "default/pod-cent",
        "--to",
        "default/dep-httpd",
        "--port",
        "80",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean"));
}

// ---- lint --fix and the JSON `fix` ----

const BROKEN: &str = "\
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: default, labels: {app: client, on: yes}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: client, namespace: default}
spec:
  podSelector:
    app: client
  policyTypes: [Egress]
  egress:
  - to: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{port: 443}]
";

#[test]
fn lint_fix_writes_the_fixed_text_to_stdout_and_leaves_the_file() {
    let f = tmp("broken.yaml", BROKEN);
    let before = netpol(&["lint", f.to_str().unwrap()]);
    assert_eq!(before.status.code(), Some(1));
    let out = netpol(&["lint", "--fix", f.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fixed = stdout(&out);
    assert!(
        fixed.contains("labels: {app: client, \"on\": \"yes\"}"),
        "{fixed}"
    );
    assert!(
        fixed.contains("  podSelector:\n    matchLabels:\n      app: client\n"),
        "{fixed}"
    );
    assert!(fixed.contains("k8s-app: kube-dns"), "{fixed}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("applied 4 fixes"), "{stderr}");
    assert!(
        stderr.contains(":10: fixed [unknown-field]: move the labels under `matchLabels`"),
        "{stderr}"
    );
    // Never in place.
    assert_eq!(std::fs::read_to_string(&f).unwrap(), BROKEN);
    // The fixed text lints clean of errors and of the DNS note.
    let g = tmp("fixed.yaml", &fixed);
    let json = netpol(&["lint", g.to_str().unwrap(), "-o", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["errors"], 0);
    assert!(v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["code"] != "no-dns-egress"));
    // --fix takes one file.
    let two = netpol(&["lint", "--fix", f.to_str().unwrap(), g.to_str().unwrap()]);
    assert_eq!(two.status.code(), Some(2));
}

#[test]
fn lint_json_diagnostics_carry_their_fix() {
    let f = tmp("broken2.yaml", BROKEN);
    let out = netpol(&["lint", f.to_str().unwrap(), "--output", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let diags = v["diagnostics"].as_array().unwrap();
    let quote = diags.iter().find(|d| d["code"] == "wrong-type").unwrap();
    // The contract fields stay.
    assert_eq!(quote["line"], 3);
    assert_eq!(quote["fix"]["title"], "quote `on` so it stays a string");
    let e = &quote["fix"]["edits"][0];
    assert_eq!(e["line"], 3);
    assert_eq!(e["column"], quote["column"]);
    assert_eq!(e["end_column"], quote["end_column"]);
    assert_eq!(e["replacement"], "\"on\"");
    let labels = diags.iter().find(|d| d["code"] == "unknown-field").unwrap();
    assert_eq!(
        labels["fix"]["title"],
        "move the labels under `matchLabels`"
    );
    // A diagnostic without a clear fix has `"fix": null`.
    let f = tmp(
        "nothing.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: a, labels: {app: a}}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec: {podSelector: {matchLabels: {app: nothing}}}\n",
    );
    let out = netpol(&["lint", f.to_str().unwrap(), "--output", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let sel = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "selects-nothing")
        .unwrap();
    assert!(sel.as_object().unwrap().contains_key("fix"));
    assert!(sel["fix"].is_null());
}
