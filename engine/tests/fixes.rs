#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code

//! Quick fixes, each on the input that triggers it: after applying it the diagnostic is gone
//! and the verdicts change as intended.

use engine::fix::{all_edits, apply, fix_for, fixes};
use engine::{analyze, Analysis, Code, Protocol, Source};

fn run(text: &str) -> Analysis {
    analyze(&[Source::new("t.yaml", text)])
}

/// Applies the fix of the (first) diagnostic with `code`; returns the fixed text.
fn fixed(text: &str, code: Code, title_has: &str) -> String {
    let a = run(text);
    let d = a
        .diagnostics
        .iter()
        .find(|d| d.code == code)
        .unwrap_or_else(|| panic!("no {code:?} in {:#?}", a.diagnostics));
    let f = fix_for(&a, d).unwrap_or_else(|| panic!("no fix for {d:?}"));
    assert!(f.title.contains(title_has), "{}", f.title);
    let out = apply(text, &f.edits);
    let b = run(&out);
    assert!(
        b.diagnostics.iter().all(|x| x.code != code),
        "still {code:?} after the fix:\n{out}\n{:#?}",
        b.diagnostics
    );
    assert!(
        b.diagnostics
            .iter()
            .all(|x| x.severity != engine::Severity::Error),
        "errors after the fix:\n{out}\n{:#?}",
        b.diagnostics
    );
    out
}

fn allowed(text: &str, from: &str, to: &str, port: u16, proto: Protocol) -> bool {
    let a = run(text);
    let (f, t) = (a.resolve(from).unwrap(), a.resolve(to).unwrap());
    a.verdict(f, t, port, proto).allowed
}

const PODS: &str = "\
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: default, labels: {app: web}}
spec: {containers: [{name: c, image: nginx, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: default, labels: {app: client}}
---
apiVersion: v1
kind: Pod
metadata: {name: other, namespace: default, labels: {app: other}}
---
apiVersion: v1
kind: Namespace
metadata: {name: kube-system}
---
apiVersion: v1
kind: Pod
metadata: {name: coredns, namespace: kube-system, labels: {k8s-app: kube-dns}}
---
";

#[test]
fn quote_a_yaml_1_1_boolean() {
    let text = format!(
        "{PODS}apiVersion: v1\nkind: Pod\nmetadata:\n  name: b\n  namespace: default\n  labels:\n    app: b\n    enabled: yes\n"
    );
    assert!(run(&text).resolve("default/b").is_err(), "rejected before");
    let out = fixed(&text, Code::WrongType, "quote `yes`");
    assert!(out.contains("    enabled: \"yes\"\n"), "{out}");
    let a = run(&out);
    let b = a.resolve("default/b").unwrap();
    let engine::Target::Pod(id) = b else { panic!() };
    assert_eq!(a.cluster.pods[id].labels["enabled"], "yes");
}

#[test]
fn add_the_missing_policy_type_block_and_flow() {
    for types in ["\n  - Ingress\n", " [Ingress]\n"] {
        let text = format!(
            "{PODS}apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: web, namespace: default}}\nspec:\n  podSelector: {{matchLabels: {{app: web}}}}\n  policyTypes:{types}  ingress:\n  - {{}}\n  egress:\n  - to: [{{podSelector: {{matchLabels: {{app: client}}}}}}]\n"
        );
        // Egress rules ignored: web reaches other.
        assert!(allowed(
            &text,
            "default/web",
            "default/other",
            80,
            Protocol::Tcp
        ));
        let out = fixed(&text, Code::LintDirectionNotInPolicyTypes, "add `Egress`");
        assert!(
            !allowed(&out, "default/web", "default/other", 80, Protocol::Tcp),
            "{out}"
        );
        assert!(allowed(
            &out,
            "default/web",
            "default/client",
            80,
            Protocol::Tcp
        ));
    }
}

#[test]
fn point_the_port_at_the_target_port() {
    let text = format!(
        "{PODS}apiVersion: v1\nkind: Service\nmetadata: {{name: web, namespace: default}}\nspec:\n  selector: {{app: web}}\n  ports: [{{port: 80, targetPort: 8080}}]\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: web, namespace: default}}\nspec:\n  podSelector: {{matchLabels: {{app: web}}}}\n  ingress:\n  - from: [{{podSelector: {{matchLabels: {{app: client}}}}}}]\n    ports:\n    - protocol: TCP\n      port: 80\n"
    );
    assert!(!allowed(
        &text,
        "default/client",
        "service:default/web",
        80,
        Protocol::Tcp
    ));
    let out = fixed(&text, Code::LintServicePortInPolicy, "8080");
    assert!(out.contains("      port: 8080\n"), "{out}");
    assert!(allowed(
        &out,
        "default/client",
        "service:default/web",
        80,
        Protocol::Tcp
    ));
    assert!(!allowed(
        &out,
        "default/other",
        "service:default/web",
        80,
        Protocol::Tcp
    ));
}

/// A named targetPort: the lint fires too (it used to stay silent), and the fix names the name,
/// which the policy resolves on each pod as the Service does — even one named like a YAML 1.1
/// boolean (`on`), quoted.
#[test]
fn point_the_port_at_a_named_target_port() {
    for (name, written) in [("http", "http"), ("on", "\"on\"")] {
        let text = format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: web, namespace: default, labels: {{app: web}}}}\nspec: {{containers: [{{name: c, image: nginx, ports: [{{name: {written}, containerPort: 8080}}]}}]}}\n---\n{}apiVersion: v1\nkind: Service\nmetadata: {{name: web, namespace: default}}\nspec:\n  selector: {{app: web}}\n  ports: [{{port: 80, targetPort: {written}}}]\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: web, namespace: default}}\nspec:\n  podSelector: {{matchLabels: {{app: web}}}}\n  ingress:\n  - from: [{{podSelector: {{matchLabels: {{app: client}}}}}}]\n    ports:\n    - protocol: TCP\n      port: 80\n",
            PODS.split_once("---\n").map(|(_, rest)| rest).unwrap()
        );
        let to = "service:default/web";
        assert!(!allowed(&text, "default/client", to, 80, Protocol::Tcp));
        let a = run(&text);
        let d = a
            .diagnostics
            .iter()
            .find(|d| d.code == Code::LintServicePortInPolicy)
            .unwrap_or_else(|| panic!("no lint for `{name}`: {:#?}", a.diagnostics));
        assert!(
            d.message.contains(&format!("`{name}` (8080)")),
            "{}",
            d.message
        );
        let out = fixed(&text, Code::LintServicePortInPolicy, written);
        assert!(out.contains(&format!("      port: {written}\n")), "{out}");
        assert!(
            allowed(&out, "default/client", to, 80, Protocol::Tcp),
            "{out}"
        );
        assert!(!allowed(&out, "default/other", to, 80, Protocol::Tcp));
    }
}

/// `default/client` reaches the cluster DNS (`kube-system/coredns`) on `port`/`proto`.
fn reaches_dns(text: &str, port: u16, proto: Protocol) -> bool {
    allowed(text, "default/client", "kube-system/coredns", port, proto)
}

#[test]
fn add_the_dns_egress_rule_in_every_style() {
    let policies = [
        // block list of rules
        "spec:\n  podSelector: {matchLabels: {app: client}}\n  policyTypes: [Egress]\n  egress:\n  - to: [{podSelector: {matchLabels: {app: web}}}]\n    ports: [{port: 443}]\n",
        // no egress key (deny all egress), block spec
        "spec:\n  podSelector:\n    matchLabels: {app: client}\n  policyTypes:\n  - Egress\n",
        // flow spec
        "spec: {podSelector: {matchLabels: {app: client}}, policyTypes: [Egress], egress: []}\n",
        // every port, but to the policy's own namespace only: no DNS (kube-system) either
        "spec:\n  podSelector: {matchLabels: {app: client}}\n  policyTypes: [Egress]\n  egress:\n  - to: [{podSelector: {}}]\n",
    ];
    for p in policies {
        let text = format!(
            "{PODS}apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: client, namespace: default}}\n{p}"
        );
        assert!(!reaches_dns(&text, 53, Protocol::Udp));
        let out = fixed(&text, Code::LintNoDnsEgress, "allow DNS");
        assert!(reaches_dns(&out, 53, Protocol::Udp), "{out}");
        assert!(reaches_dns(&out, 53, Protocol::Tcp));
        assert!(!reaches_dns(&out, 80, Protocol::Tcp));
        // Nothing else changes (the last policy already reached its own namespace).
        assert_eq!(
            allowed(&out, "default/client", "default/other", 53, Protocol::Udp),
            allowed(&text, "default/client", "default/other", 53, Protocol::Udp)
        );
    }
}

#[test]
fn add_udp_next_to_a_tcp_only_dns_port() {
    for ports in ["\n    - port: 53\n", " [{port: 53}]\n"] {
        let text = format!(
            "{PODS}apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: client, namespace: default}}\nspec:\n  podSelector: {{matchLabels: {{app: client}}}}\n  policyTypes: [Egress]\n  egress:\n  - to: [{{namespaceSelector: {{}}, podSelector: {{matchLabels: {{k8s-app: kube-dns}}}}}}]\n    ports:{ports}"
        );
        assert!(!reaches_dns(&text, 53, Protocol::Udp));
        let out = fixed(&text, Code::LintDnsPortTcpOnly, "UDP");
        assert!(reaches_dns(&out, 53, Protocol::Udp), "{out}");
        assert!(reaches_dns(&out, 53, Protocol::Tcp));
        assert!(!reaches_dns(&out, 54, Protocol::Udp));
    }
}

#[test]
fn join_the_split_rule() {
    let text = format!(
        "{PODS}apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: web, namespace: default}}\nspec:\n  podSelector: {{matchLabels: {{app: web}}}}\n  ingress:\n  - from:\n    - podSelector: {{matchLabels: {{app: client}}}}\n  - ports:\n    - port: 8080\n"
    );
    // OR: every source on 8080, and the client on every port.
    assert!(allowed(
        &text,
        "default/other",
        "default/web",
        8080,
        Protocol::Tcp
    ));
    assert!(allowed(
        &text,
        "default/client",
        "default/web",
        9999,
        Protocol::Tcp
    ));
    let out = fixed(&text, Code::LintPeersPortsSplit, "one rule");
    assert!(
        out.contains("  - from:\n    - podSelector: {matchLabels: {app: client}}\n    ports:\n"),
        "{out}"
    );
    assert!(!allowed(
        &out,
        "default/other",
        "default/web",
        8080,
        Protocol::Tcp
    ));
    assert!(!allowed(
        &out,
        "default/client",
        "default/web",
        9999,
        Protocol::Tcp
    ));
    assert!(allowed(
        &out,
        "default/client",
        "default/web",
        8080,
        Protocol::Tcp
    ));
}

#[test]
fn move_labels_under_match_labels() {
    for sel in ["\n    app: web\n", " {app: web}\n"] {
        let text = format!(
            "{PODS}apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: web, namespace: default}}\nspec:\n  podSelector:{sel}  ingress:\n  - from: [{{podSelector: {{matchLabels: {{app: client}}}}}}]\n"
        );
        // Rejected: not applied, so everything is allowed.
        assert!(allowed(
            &text,
            "default/other",
            "default/web",
            80,
            Protocol::Tcp
        ));
        let out = fixed(&text, Code::UnknownField, "matchLabels");
        assert!(
            !allowed(&out, "default/other", "default/web", 80, Protocol::Tcp),
            "{out}"
        );
        assert!(allowed(
            &out,
            "default/client",
            "default/web",
            80,
            Protocol::Tcp
        ));
        // Only web is selected.
        assert!(allowed(
            &out,
            "default/web",
            "default/other",
            80,
            Protocol::Tcp
        ));
        assert!(allowed(
            &out,
            "default/web",
            "default/client",
            80,
            Protocol::Tcp
        ));
    }
}

#[test]
fn move_a_peer_under_from() {
    let rules = [
        "  - podSelector:\n      matchLabels: {app: client}\n    ports: [{port: 8080}]\n",
        "  - {podSelector: {matchLabels: {app: client}}, ports: [{port: 8080}]}\n",
        "  - ports: [{port: 8080}]\n    podSelector: {matchLabels: {app: client}}\n",
    ];
    for r in rules {
        let text = format!(
            "{PODS}apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: web, namespace: default}}\nspec:\n  podSelector: {{matchLabels: {{app: web}}}}\n  ingress:\n{r}"
        );
        assert!(allowed(
            &text,
            "default/other",
            "default/web",
            8080,
            Protocol::Tcp
        ));
        let out = fixed(&text, Code::UnknownField, "under `from:`");
        assert!(
            !allowed(&out, "default/other", "default/web", 8080, Protocol::Tcp),
            "{out}"
        );
        assert!(
            allowed(&out, "default/client", "default/web", 8080, Protocol::Tcp),
            "{out}"
        );
        assert!(
            !allowed(&out, "default/client", "default/web", 9090, Protocol::Tcp),
            "{out}"
        );
    }
}

#[test]
fn every_fix_at_once_without_overlaps_and_none_for_others() {
    let text = format!(
        "{PODS}apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: client, namespace: default}}\nspec:\n  podSelector:\n    app: client\n  policyTypes: [Egress]\n  egress:\n  - to:\n    - podSelector: {{matchLabels: {{app: web}}}}\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: b\n  labels: {{enabled: on}}\n"
    );
    let a = run(&text);
    let errors = |a: &Analysis| {
        a.diagnostics
            .iter()
            .filter(|d| d.severity == engine::Severity::Error)
            .count()
    };
    assert_eq!(errors(&a), 2);
    let f = fixes(&a);
    assert_eq!(f.len(), a.diagnostics.len());
    let edits = all_edits(&a, 0);
    let out = apply(&text, &edits);
    let b = run(&out);
    assert!(
        b.diagnostics
            .iter()
            .all(|d| d.severity != engine::Severity::Error),
        "{out}\n{:#?}",
        b.diagnostics
    );
    // A diagnostic without a clear fix has none.
    let dup = format!("{PODS}{PODS}");
    let a = run(&dup);
    let d = a
        .diagnostics
        .iter()
        .find(|d| d.code == Code::DuplicateObject)
        .unwrap();
    assert!(fix_for(&a, d).is_none());
}

#[test]
fn fixing_the_corpus_never_adds_an_error() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut files = Vec::new();
    for dir in ["corpus", "fixtures"] {
        let mut stack = vec![root.join(dir)];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                    files.push(p);
                }
            }
        }
    }
    files.sort();
    let mut fixed_some = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let a = run(&text);
        let edits = all_edits(&a, 0);
        if edits.is_empty() {
            continue;
        }
        fixed_some += 1;
        let out = apply(&text, &edits);
        let b = run(&out);
        let errors = |a: &Analysis| {
            a.diagnostics
                .iter()
                .filter(|d| d.severity == engine::Severity::Error)
                .count()
        };
        assert!(
            errors(&b) <= errors(&a),
            "{}: {} errors after fixing, {} before\n{out}",
            f.display(),
            errors(&b),
            errors(&a)
        );
        assert!(
            b.diagnostics.len() <= a.diagnostics.len() + edits.len(),
            "{}",
            f.display()
        );
    }
    assert!(fixed_some > 0);
}
