#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code

//! `netpol probe-script`: the script is valid bash, and run against a fake `kubectl` (on PATH,
//! recording its calls and answering probes from a list) it creates the scenario, probes each
//! assertion, reports expected vs observed, exits 1 on a mismatch and cleans up.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn corpus(case: &str, file: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../engine/tests/corpus")
        .join(case)
        .join(file)
        .to_str()
        .unwrap()
        .to_string()
}

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("netpol-probe-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A fake kubectl: logs every call; `get -f` finds objects only with FAKE_EXISTS=1; namespaces
/// `default` and `kube-system` exist; a pod's IP is `ip-NAME`; `exec … connect ADDR:PORT`
/// succeeds when `SRC>ADDR:PORT` is in FAKE_ALLOW.
const FAKE: &str = r#"#!/usr/bin/env bash
echo "$*" >> "$FAKE_LOG"
case "$1" in
  get)
    if [ "$2" = "-f" ]; then [ "${FAKE_EXISTS:-0}" = 1 ] && echo "pod/x"; exit 0; fi
    if [ "$2" = "namespace" ]; then case "$3" in default|kube-system) exit 0;; *) exit 1;; esac; fi
    if [ "$2" = "pod" ]; then echo "ip-$5"; exit 0; fi
    if [ "$2" = "pods" ]; then echo "10.96.0.10"; exit 0; fi
    exit 0;;
  exec)
    src="$4"; addr=""
    for a in "$@"; do case "$a" in *:[0-9]*) case "$a" in --*) ;; *) addr="$a";; esac;; esac; done
    for ok in $FAKE_ALLOW; do [ "$ok" = "$src>$addr" ] && exit 0; done
    exit 1;;
  *) exit 0;;
esac
"#;

fn script(case: &str, extra: &[&str]) -> String {
    let m = corpus(case, "manifests.yaml");
    let e = corpus(case, "expect.yaml");
    let mut args = vec!["probe-script", &m, "--expect", &e];
    args.extend_from_slice(extra);
    let out = Command::new(env!("CARGO_BIN_EXE_netpol"))
        .args(&args)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn bash_n(text: &str, d: &Path) {
    let f = d.join("probe.sh");
    std::fs::write(&f, text).unwrap();
    let out = Command::new("bash").arg("-n").arg(&f).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs the script with the fake kubectl; returns its output and the recorded calls.
fn run(text: &str, name: &str, allow: &str, env: &[(&str, &str)]) -> (Output, Vec<String>) {
    let d = dir(name);
    bash_n(text, &d);
    let bin = d.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let k = bin.join("kubectl");
    std::fs::write(&k, FAKE).unwrap();
    Command::new("chmod").arg("+x").arg(&k).status().unwrap();
    let log = d.join("calls.log");
    std::fs::write(&log, "").unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let mut cmd = Command::new("bash");
    cmd.arg(d.join("probe.sh"))
        .env("PATH", path)
        .env("FAKE_LOG", &log)
        .env("FAKE_ALLOW", allow)
        .env("NETPOL_SETTLE_SECONDS", "0")
        .env("TMPDIR", &d);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let calls = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    (out, calls)
}

const CASE: &str = "demo-httpd-centos-deny-plus-allow";
/// What the engine predicts for the case: the healthchecker reaches the 3 replicas and 8.8.8.8.
const ALLOW: &str = "pod-centos>ip-dep-httpd-0:80 pod-centos>ip-dep-httpd-1:80 \
                     pod-centos>ip-dep-httpd-2:80 pod-centos>8.8.8.8:443";

#[test]
fn a_cluster_that_agrees_passes_and_everything_is_cleaned_up() {
    let text = script(CASE, &[]);
    assert!(text.contains("registry.k8s.io/e2e-test-images/agnhost:2.52"));
    let (out, calls) = run(&text, "agree", ALLOW, &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{calls:#?}");
    assert!(stdout.contains("6 passed, 0 failed, 0 skipped"), "{stdout}");
    assert!(
        stdout.contains("PASS  default/pod-intruder → service:default/svc-clusterip-httpd port 80/TCP: expected blocked, observed blocked"),
        "{stdout}"
    );
    // The scenario is checked for existing objects, created, waited for, probed, deleted.
    let first = |p: &str| {
        calls
            .iter()
            .position(|c| c.starts_with(p))
            .unwrap_or_else(|| panic!("no `{p}` in {calls:#?}"))
    };
    let last = |p: &str| calls.iter().rposition(|c| c.starts_with(p)).unwrap();
    assert!(first("get -f") < first("create"));
    assert!(last("create") < first("wait --for=condition=Ready -n default pod/dep-httpd-0"));
    assert!(last("wait") < first("exec"));
    assert!(last("exec") < first("delete"));
    assert!(calls
        .iter()
        .any(|c| c.starts_with("create -n default -f") && c.ends_with("np-0.yaml")));
    // Through the Service, every backing pod is probed.
    for d in ["ip-dep-httpd-0:80", "ip-dep-httpd-1:80"] {
        assert!(
            calls.iter().any(|c| c == &format!("exec -n default pod-intruder -c probe -- /agnhost connect {d} --timeout=3s --protocol=tcp")),
            "{calls:#?}"
        );
    }
    // The cluster's own namespaces are never created nor deleted.
    assert!(!calls
        .iter()
        .any(|c| c.contains("namespace default") && c.starts_with("delete")));
    assert!(!calls
        .iter()
        .any(|c| c.starts_with("create -f") && c.contains("ns-")));
}

#[test]
fn a_mismatch_fails_with_expected_and_observed() {
    let text = script(CASE, &[]);
    // The intruder gets through to one replica.
    let allow = format!("{ALLOW} pod-intruder>ip-dep-httpd-1:80");
    let (out, calls) = run(&text, "mismatch", &allow, &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("FAIL  default/pod-intruder → service:default/svc-clusterip-httpd port 80/TCP: expected blocked, observed allowed on 1 of 3 pod pairs; 1 pod pair(s) differ from netpol"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "default/pod-intruder → default/dep-httpd-1 80/TCP: allowed (netpol: blocked)"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("5 passed, 1 failed"), "{stdout}");
    assert!(
        calls.iter().any(|c| c.starts_with("delete")),
        "cleaned up after a failure"
    );
}

#[test]
fn keep_leaves_the_scenario_and_dry_run_runs_nothing() {
    let text = script(CASE, &["--keep"]);
    let (out, calls) = run(&text, "keep", ALLOW, &[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(!calls.iter().any(|c| c.starts_with("delete")), "{calls:#?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("kept the scenario"));

    let text = script(CASE, &["--dry-run"]);
    let (out, calls) = run(&text, "dry", "", &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(calls.is_empty(), "{calls:#?}");
    assert!(
        stdout.contains("+ kubectl create -n default -f"),
        "{stdout}"
    );
    assert!(
        stdout.contains("+ kubectl exec -n default pod-centos -c probe -- /agnhost connect"),
        "{stdout}"
    );
    assert!(stdout.contains("dry run: nothing was created or probed"));
}

#[test]
fn existing_objects_stop_the_script_before_it_creates_anything() {
    let text = script(CASE, &[]);
    let (out, calls) = run(&text, "exists", ALLOW, &[("FAKE_EXISTS", "1")]);
    assert_eq!(out.status.code(), Some(2));
    // Named as kubectl names it (the fake answers `pod/x`), not grepped from the YAML.
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("error: pod/x exists already"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !calls
            .iter()
            .any(|c| c.starts_with("create") || c.starts_with("delete")),
        "{calls:#?}"
    );
}

#[test]
fn outside_sources_are_skipped_and_dns_goes_to_the_cluster_dns_pods() {
    let text = script("demo-three-tier", &[]);
    // UDP to CoreDNS: the cluster's own kube-dns pod, found by its labels; none is created.
    assert!(!text.contains("name: coredns"), "no fake kube-dns pod");
    let allow = "db-0>10.96.0.10:53";
    let (out, calls) = run(&text, "three-tier", allow, &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("SKIP  203.0.113.50 → service:shop/frontend port 443/TCP: the source 203.0.113.50 is outside the cluster"), "{stdout}");
    assert!(
        stdout.contains(
            "PASS  shop/db → kube-system/coredns port 53/UDP: expected allowed, observed allowed"
        ),
        "{stdout}"
    );
    assert!(
        calls.iter().any(|c| c
            == "get pods -n kube-system -l k8s-app=kube-dns -o jsonpath={.items[0].status.podIP}"),
        "{calls:#?}"
    );
    // The namespace `shop` is created and deleted by the script.
    assert!(
        calls
            .iter()
            .any(|c| c.starts_with("create -f") && c.contains("/ns-")),
        "{calls:#?}"
    );
    assert!(
        calls.iter().any(|c| c.starts_with("delete namespace shop")),
        "{calls:#?}"
    );
    // Two allowed assertions are not in the allow list, so they fail.
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn bad_assertions_are_input_errors() {
    let m = corpus(CASE, "manifests.yaml");
    let d = dir("bad");
    let e = d.join("expect.yaml");
    std::fs::write(
        &e,
        "expect:\n  - {from: default/nobody, to: default/pod-centos, port: 80, allowed: true}\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_netpol"))
        .args(["probe-script", &m, "--expect", e.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("expect.yaml:2:"));
    assert!(out.stdout.is_empty());
}

#[test]
fn admin_policies_are_not_recreated_and_the_script_says_so() {
    let text = script("a08-v1-deny-over-np-allow", &["--dry-run"]);
    assert!(
        text.contains(
            "AdminNetworkPolicy `deny-from-z` (priority 5): admin policies are not recreated"
        ),
        "{text}"
    );
    assert!(!text.contains("kind: AdminNetworkPolicy"), "{text}");
}

/// A NetworkPolicy written without `metadata.namespace` lives in `default`: the existence check
/// and the clean-up must say so, not fall back to the kubeconfig context's namespace (where they
/// would miss it, or delete a user's policy of the same name).
#[test]
fn a_policy_without_a_namespace_is_checked_and_deleted_in_default() {
    let d = dir("no-namespace");
    let m = d.join("m.yaml");
    std::fs::write(
        &m,
        "apiVersion: v1\nkind: Pod\nmetadata: {name: a, labels: {app: a}}\nspec:\n  containers: [{name: c, image: x, ports: [{containerPort: 80}]}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b, labels: {app: b}}\nspec:\n  containers: [{name: c, image: x}]\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny}\nspec:\n  podSelector: {}\n",
    )
    .unwrap();
    let e = d.join("e.yaml");
    std::fs::write(
        &e,
        "expect:\n- {from: default/b, to: default/a, port: 80, allowed: false}\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_netpol"))
        .args([
            "probe-script",
            m.to_str().unwrap(),
            "--expect",
            e.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let (out, calls) = run(&text, "no-namespace-run", "", &[]);
    assert_eq!(out.status.code(), Some(0), "{calls:#?}");
    let np = |verb: &str| {
        calls
            .iter()
            .find(|c| c.starts_with(verb) && c.contains("np-0.yaml"))
            .unwrap_or_else(|| panic!("no `{verb}` of np-0.yaml in {calls:#?}"))
            .clone()
    };
    assert!(np("get -f").contains(" -n default "), "{calls:#?}");
    assert!(np("delete -f").contains(" -n default "), "{calls:#?}");
}
