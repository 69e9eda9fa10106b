#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code

//! The typed explanation serialized to JSON: the `explain --output json` hop contract of
//! README.md on near misses (label + port in one rule, two isolating policies, a policy without
//! rules), with spans that point at the exact node.

use engine::{analyze, Protocol, Source};
use serde_json::{json, Value};

/// Line numbers matter: the assertions below point into this text.
const MANIFESTS: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: client
  labels: {app: frontend}
spec:
  containers: [{name: c, image: x}]
---
apiVersion: v1
kind: Pod
metadata:
  name: api
  labels: {app: api, tier: backend}
spec:
  containers: [{name: c, image: x, ports: [{name: http, containerPort: 8080}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api-from-api
spec:
  podSelector:
    matchLabels:
      app: api
  ingress:
  - from:
    - podSelector:
        matchLabels:
          app: api
        matchExpressions:
        - {key: tier, operator: In, values: [backend]}
    ports:
    - port: 9090
    - port: 53
      protocol: UDP
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny-all
spec:
  podSelector: {}
";

fn hop_json(text: &str, from: &str, to: &str, port: u16) -> Value {
    let a = analyze(&[Source::new("m.yaml", text)]);
    assert!(
        a.diagnostics
            .iter()
            .all(|d| d.severity != engine::Severity::Error),
        "{:?}",
        a.diagnostics
    );
    let v = a.verdict(
        a.resolve(from).unwrap(),
        a.resolve(to).unwrap(),
        port,
        Protocol::Tcp,
    );
    let e = a.explanation(&v);
    assert_eq!(e.hops.len(), 1);
    serde_json::to_value(&e.hops[0]).unwrap()
}

fn span(line: u32, column: u32, end_line: u32, end_column: u32) -> Value {
    json!({"file": "m.yaml", "line": line, "column": column, "end_line": end_line, "end_column": end_column})
}

#[test]
fn hop_has_the_contract_keys() {
    let hop = hop_json(MANIFESTS, "default/client", "default/api", 8080);
    let keys: Vec<&str> = hop
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for k in ["from", "to", "port", "allowed", "egress", "ingress"] {
        assert!(keys.contains(&k), "missing {k} in {hop}");
    }
    assert_eq!(hop["from"], "default/client");
    assert_eq!(hop["to"], "default/api");
    assert_eq!(hop["port"], 8080);
    assert_eq!(hop["allowed"], false);
    assert_eq!(hop["egress"]["result"], "not-isolated");
    // deny-all selects the client too, for ingress only.
    assert_eq!(
        hop["egress"]["other_direction_only"][0]["policy"],
        "default/deny-all"
    );
}

#[test]
fn label_and_port_miss_in_one_rule_lists_every_reason_with_spans() {
    let hop = hop_json(MANIFESTS, "default/client", "default/api", 8080);
    let ingress = &hop["ingress"];
    assert_eq!(ingress["result"], "denied");
    assert_eq!(
        ingress["isolating"],
        json!(["default/api-from-api", "default/deny-all"])
    );
    let misses = ingress["misses"].as_array().unwrap();
    assert_eq!(misses.len(), 2, "one per (policy, rule): {ingress}");
    let m = &misses[0];
    assert_eq!(m["policy"], "default/api-from-api");
    assert_eq!(m["rule_index"], 0);
    // The rule: the `- from:` item.
    assert_eq!(m["span"]["line"], 26);
    assert_eq!(m["span"]["column"], 5);
    let reasons = m["reasons"].as_array().unwrap();
    let kinds: Vec<&str> = reasons
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["pod-label", "pod-label", "port", "protocol"], "{m}");
    // The matchLabels entry `app: api` (line 29, columns 11..19).
    assert_eq!(reasons[0]["expected"], "app=api");
    assert_eq!(reasons[0]["found"], "app=frontend");
    assert_eq!(reasons[0]["span"], span(29, 11, 29, 19));
    assert_eq!(reasons[0]["peer_index"], 0);
    // The matchExpressions item.
    assert_eq!(reasons[1]["expected"], "tier in (backend)");
    assert_eq!(reasons[1]["found"], "no tier label");
    assert_eq!(reasons[1]["span"]["line"], 31);
    assert_eq!(reasons[1]["span"]["column"], 11);
    // The port entry `- port: 9090`.
    assert_eq!(reasons[2]["expected"], "9090");
    assert_eq!(reasons[2]["found"], "8080");
    assert_eq!(reasons[2]["port_index"], 0);
    // `port: 9090` exactly: a block mapping's end is pulled back from the next entry's `-`.
    assert_eq!(reasons[2]["span"], span(33, 7, 33, 17));
    assert_eq!(reasons[3]["expected"], "UDP");
    assert_eq!(reasons[3]["found"], "TCP");
    // `port: 53` + `protocol: UDP`, not the `---` after it.
    assert_eq!(reasons[3]["span"], span(34, 7, 35, 20));
}

#[test]
fn a_policy_without_rules_appears_once_with_a_null_rule_index() {
    let hop = hop_json(MANIFESTS, "default/client", "default/api", 8080);
    let m = &hop["ingress"]["misses"][1];
    assert_eq!(m["policy"], "default/deny-all");
    assert_eq!(m["rule_index"], Value::Null);
    // `metadata.name` of deny-all: `name: deny-all` on line 40, the value at column 9.
    assert_eq!(m["span"], span(40, 9, 40, 17));
    let reasons = m["reasons"].as_array().unwrap();
    assert_eq!(reasons.len(), 1);
    assert_eq!(reasons[0]["kind"], "no-rules");
    assert_eq!(reasons[0]["span"], span(40, 9, 40, 17));
}

#[test]
fn two_isolating_policies_and_the_allowing_rule_with_its_spans() {
    // api → api-2 (labels match, port 9090 open): allowed by api-from-api, deny-all also isolates.
    let text = format!(
        "{MANIFESTS}---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: api-2\n  labels: {{app: api, tier: backend}}\nspec:\n  containers: [{{name: c, image: x}}]\n"
    );
    let hop = hop_json(&text, "default/api", "default/api-2", 9090);
    let ingress = &hop["ingress"];
    assert_eq!(ingress["result"], "allowed", "{ingress}");
    assert_eq!(
        ingress["isolating"],
        json!(["default/api-from-api", "default/deny-all"])
    );
    let rule = &ingress["rule"];
    assert_eq!(rule["policy"], "default/api-from-api");
    assert_eq!(rule["direction"], "ingress");
    assert_eq!(rule["rule_index"], 0);
    assert_eq!(rule["peer_index"], 0);
    assert_eq!(rule["port_index"], 0);
    assert_eq!(rule["line"], 26);
    assert_eq!(rule["span"]["line"], 26);
    assert_eq!(rule["peer_span"]["line"], 27);
    assert_eq!(rule["port_span"]["line"], 33);
    assert_eq!(rule["policy_span"], span(20, 9, 20, 21));
}

#[test]
fn not_isolated_says_which_policy_selects_for_the_other_direction_and_why() {
    // The api pod is selected by deny-all (podSelector {}) for ingress only.
    let a = analyze(&[Source::new("m.yaml", MANIFESTS)]);
    let v = a.verdict(
        a.resolve("default/api").unwrap(),
        a.resolve("default/client").unwrap(),
        80,
        Protocol::Tcp,
    );
    let e = serde_json::to_value(a.explanation(&v)).unwrap();
    let egress = &e["hops"][0]["egress"];
    assert_eq!(egress["result"], "not-isolated");
    let other = &egress["other_direction_only"];
    assert_eq!(other[0]["policy"], "default/api-from-api");
    assert_eq!(other[0]["types"], json!(["Ingress"]));
    assert_eq!(other[0]["defaulted"], true);
    assert_eq!(other[0]["why"], "it has no egress rules");
    assert_eq!(other[1]["policy"], "default/deny-all");
    let text = a.explain(&v);
    assert!(
        text.contains("selects `default/api` for ingress only: its policyTypes defaulted to [Ingress] because it has no egress rules"),
        "{text}"
    );
}

#[test]
fn named_port_reasons_give_the_resolved_number() {
    let text = MANIFESTS.replace("- port: 9090", "- port: http");
    let hop = hop_json(&text, "default/api", "default/api", 9090);
    // A pod to itself is always allowed.
    assert_eq!(hop["egress"], json!({"result": "self"}));
    let a = analyze(&[Source::new("m.yaml", text.as_str())]);
    let v = a.verdict(
        a.resolve("default/client").unwrap(),
        a.resolve("default/api").unwrap(),
        9090,
        Protocol::Tcp,
    );
    let e = serde_json::to_value(a.explanation(&v)).unwrap();
    let r = &e["hops"][0]["ingress"]["misses"][0]["reasons"][2];
    assert_eq!(r["kind"], "named-port-other", "{e}");
    assert_eq!(r["expected"], "8080");
    assert_eq!(r["found"], "9090");
    assert_eq!(r["port_name"], "http");
}

#[test]
fn spans_name_the_file_among_several_sources() {
    let (pods, policies) =
        MANIFESTS.split_at(MANIFESTS.find("---\napiVersion: networking").unwrap());
    let a = analyze(&[
        Source::new("pods.yaml", pods),
        Source::new("policies.yaml", policies),
    ]);
    let v = a.verdict(
        a.resolve("default/client").unwrap(),
        a.resolve("default/api").unwrap(),
        8080,
        Protocol::Tcp,
    );
    let e = serde_json::to_value(a.explanation(&v)).unwrap();
    let m = &e["hops"][0]["ingress"]["misses"][0];
    assert_eq!(m["span"]["file"], "policies.yaml");
    assert_eq!(m["reasons"][0]["span"]["file"], "policies.yaml");
    // `---` was line 16 of the whole text: line 1 of policies.yaml.
    assert_eq!(m["reasons"][0]["span"]["line"], 29 - 15);
}

#[test]
fn cni_flags_are_typed() {
    let text = MANIFESTS.replace("spec:\n  containers: [{name: c, image: x}]\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: api", "spec:\n  hostNetwork: true\n  containers: [{name: c, image: x}]\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: api");
    let a = analyze(&[Source::new("m.yaml", text.as_str())]);
    let v = a.verdict(
        a.resolve("default/client").unwrap(),
        a.resolve("default/api").unwrap(),
        8080,
        Protocol::Tcp,
    );
    let e = serde_json::to_value(a.explanation(&v)).unwrap();
    assert_eq!(e["flags"][0]["kind"], "host-network", "{e}");
    assert_eq!(e["flags"][0]["subject"], "default/client");
}

/// Issue 6, "Explain wording": pairs are summarised only when their outcome is really the same,
/// self pairs (hairpin through the Service) are listed apart, the first line is not repeated.
#[test]
fn prose_groups_only_identical_outcomes_and_keeps_self_pairs_apart() {
    let text = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
";
    let a = analyze(&[Source::new("m.yaml", text)]);
    let v = a.verdict(
        a.resolve("deployment:default/web").unwrap(),
        a.resolve("service:default/web").unwrap(),
        80,
        Protocol::Tcp,
    );
    let prose = a.explain(&v);
    // 9 pairs: 3 self pairs, 6 distinct pairs with the same outcome (shown once + 5 alike).
    assert!(
        prose.contains("(5 more pod pairs evaluated alike)"),
        "{prose}"
    );
    // The self pairs are listed apart, once, with their count.
    assert_eq!(
        prose
            .matches("allowed — a pod can always reach itself (through the Service: hairpin) (2 more pods alike)")
            .count(),
        1,
        "{prose}"
    );
}

#[test]
fn prose_does_not_repeat_the_first_line_for_one_pod_pair() {
    let a = analyze(&[Source::new("m.yaml", MANIFESTS)]);
    let v = a.verdict(
        a.resolve("default/client").unwrap(),
        a.resolve("default/api").unwrap(),
        8080,
        Protocol::Tcp,
    );
    let prose = a.explain(&v);
    assert_eq!(
        prose.matches("default/client → default/api").count(),
        1,
        "{prose}"
    );
    // Every reason of the rule: both peer terms and both port entries.
    for needle in [
        "needs `app=api`; `default/client` has `app=frontend`",
        "and needs `tier in (backend)`; `default/client` has no `tier` label",
        "port entry 1 opens 9090/TCP, not 8080/TCP",
        "port entry 2 (53/UDP) is for UDP, not TCP",
        "misses for 4 reasons",
    ] {
        assert!(prose.contains(needle), "lacks {needle}:\n{prose}");
    }
}

/// `metadata.name` is found in `List` items and in JSON documents too.
#[test]
fn policy_name_spans_in_lists_and_json() {
    for (case, policy, line) in [
        ("format-kind-list", "billing/invoices-from-reports", 51),
        ("format-json-documents", "", 0),
    ] {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/corpus")
            .join(case);
        let text = std::fs::read_to_string(dir.join("manifests.yaml")).unwrap();
        let a = analyze(&[Source::new("manifests.yaml", text.as_str())]);
        for (id, p) in a.cluster.policies.iter().enumerate() {
            let span = a.policy_name_span(id);
            // The span holds exactly the name (quoted in JSON).
            let line_text = text.lines().nth(span.start.line as usize - 1).unwrap();
            let named: String = line_text
                .chars()
                .skip(span.start.col as usize - 1)
                .take((span.end.col - span.start.col) as usize)
                .collect();
            assert_eq!(named.trim_matches('"'), p.name, "{case}: {span:?}");
            if p.qualified() == policy {
                assert_eq!(span.start.line, line);
            }
        }
        assert!(!a.cluster.policies.is_empty());
    }
}

/// A hop through a Service carries `port → targetPort` with the number a named targetPort
/// resolved to on that pod.
#[test]
fn service_hops_carry_the_resolved_target_port() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus/p10-service-named-targetport");
    let text = std::fs::read_to_string(dir.join("manifests.yaml")).unwrap();
    let a = analyze(&[Source::new("manifests.yaml", text.as_str())]);
    let v = a.verdict(
        a.resolve("shop/client").unwrap(),
        a.resolve("service:shop/web").unwrap(),
        80,
        Protocol::Tcp,
    );
    let e = serde_json::to_value(a.explanation(&v)).unwrap();
    // Pods the policies cannot tell apart are one hop that answers for all of them (`pairs`).
    let legs: Vec<(String, u64, u64)> = e["hops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            assert_eq!(h["service"]["service"], "shop/web");
            assert_eq!(h["service"]["port"], 80);
            assert_eq!(h["service"]["target"], "http");
            (
                h["to"].as_str().unwrap().to_string(),
                h["service"]["target_port"].as_u64().unwrap(),
                h["pairs"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        legs,
        [
            ("shop/web-v1-0".to_string(), 8080, 2),
            ("shop/web-v2-0".to_string(), 9090, 1)
        ]
    );
    assert_eq!(
        e["service"]["resolved"],
        json!([{"port": 8080, "pods": 2}, {"port": 9090, "pods": 1}])
    );
}
