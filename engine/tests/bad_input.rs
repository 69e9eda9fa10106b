#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code

//! Hostile and broken input: always diagnostics, never a panic, a hang or unbounded memory.

use engine::{analyze, Code, Severity, Source};

fn run(text: &str) -> engine::Analysis {
    let a = analyze(&[Source::new("bad.yaml", text)]);
    // Whatever came out must be usable downstream too.
    let conn = engine::connectivity::compute(&a);
    let _ = conn.allowed_triples();
    a
}

fn has_error(a: &engine::Analysis) -> bool {
    a.diagnostics.iter().any(|d| d.severity == Severity::Error)
}

#[test]
fn truncated_documents() {
    let full = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpus/doc-networkpolicy-example/manifests.yaml"
    ))
    .unwrap();
    // Cut at every 37th byte boundary: each prefix must analyse without panicking.
    let mut cut = 0;
    while cut < full.len() {
        if full.is_char_boundary(cut) {
            let _ = run(&full[..cut]);
        }
        cut += 37;
    }
}

#[test]
fn wrong_types_everywhere() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: 5\n---\nkind: [Pod]\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n  podSelector: [a]\n  ingress: {from: x}\n  egress: 7\n---\n- just\n- a list\n---\n42\n";
    let a = run(text);
    assert!(has_error(&a));
    assert!(a.cluster.pods.is_empty() && a.cluster.policies.is_empty());
    assert!(
        a.diagnostics.iter().all(|d| d.span.is_some()),
        "every error names a position"
    );
}

#[test]
fn absurd_numbers() {
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: big}\nspec:\n  replicas: 2147483647\n  selector: {matchLabels: {app: x}}\n  template:\n    metadata: {labels: {app: x}}\n    spec:\n      containers:\n      - name: c\n        ports:\n        - containerPort: 99999999999999999999999\n        - containerPort: -1\n        - containerPort: 1.5e300\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: neg}\nspec:\n  replicas: -3\n  template: {}\n";
    let a = run(text);
    // Replicas are capped when generated; bad ports drop out alone.
    assert_eq!(a.cluster.workloads.len(), 1);
    assert_eq!(a.cluster.pods.len(), 100);
    assert!(a.cluster.pods[0].ports.is_empty());
    assert!(a.diagnostics.iter().any(|d| d.code == Code::InvalidPort));
    assert!(a
        .diagnostics
        .iter()
        .any(|d| d.code == Code::InvalidReplicas && d.message.contains("`spec.replicas` -3")));
}

#[test]
fn alias_bomb_is_refused_quickly() {
    let mut text = String::from("apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  annotations:\n    a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..20 {
        let p = i - 1;
        text.push_str(&format!("    a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
    }
    let a = run(&text);
    assert!(a
        .diagnostics
        .iter()
        .any(|d| d.code == Code::InputTooLarge && d.message.contains("aliases")));
}

#[test]
fn deep_nesting() {
    let text = format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: a}}\nspec: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let a = run(&text);
    // Refused either by the parser's own recursion limit or by ours.
    assert!(
        a.diagnostics.iter().any(|d| (d.code == Code::InputTooLarge
            && d.message.contains("deeper"))
            || (d.code == Code::YamlSyntax && d.message.contains("recursion"))),
        "{:?}",
        a.diagnostics
    );
    let text = format!("a: {}1{}\n", "{b: ".repeat(5_000), "}".repeat(5_000));
    let _ = run(&text);
}

#[test]
fn ten_megabytes() {
    // 10 MB: many pods and a long junk line; analysed, not refused.
    let mut text = String::with_capacity(10 << 20);
    let mut i = 0;
    while text.len() < 9 << 20 {
        text.push_str(&format!(
            "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p{i}\n  labels: {{app: a{}}}\n",
            i % 50
        ));
        i += 1;
    }
    text.push_str("---\njunk: ");
    text.push_str(&"z".repeat(1 << 20));
    text.push('\n');
    let a = run(&text);
    assert_eq!(a.cluster.pods.len(), i);
}

#[test]
fn binary_garbage_and_odd_unicode() {
    let junk: String = (0..20_000u32)
        .map(|i| char::from_u32((i * 7919) % 0xD7FF).unwrap_or('x'))
        .collect();
    let _ = run(&junk);
    let _ = run("\u{feff}apiVersion: v1\nkind: Pod\nmetadata: {name: \"é\"}\n");
    let _ = run("\t\t: : : - - - [ { ] }\n---\n...\n---\n%YAML 1.2\n---\n!!binary abc\n");
}
