#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code

//! Admin tiers (AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy): located
//! validation errors, lints, the explanation JSON, what-if, and the matrix through the tier
//! chain against plain per-pair evaluation (corpus cases and random policies).

use std::path::Path;

use engine::connectivity::{compute, plain_between};
use engine::evaluate::Endpoint;
use engine::{analyze, Analysis, Code, Protocol, Severity, Source};
use proptest::prelude::*;

/// 1-based (line, column) of `needle` (in `context|target`, of `target` after `context`).
fn at(text: &str, needle: &str) -> (u32, u32) {
    let (context, target) = needle.split_once('|').unwrap_or(("", needle));
    let whole = format!("{context}{target}");
    let idx = text
        .find(&whole)
        .unwrap_or_else(|| panic!("`{whole}` not in the input"))
        + context.len();
    let before = &text[..idx];
    let line = before.matches('\n').count() as u32 + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() as u32 + 1;
    (line, col)
}

/// A diagnostic with `code` and `severity` starts exactly at `needle` and says `msg`.
#[track_caller]
fn expect(text: &str, code: Code, severity: Severity, needle: &str, msg: &str) {
    let (line, col) = at(text, needle);
    let a = analyze(&[Source::new("t.yaml", text)]);
    let found = a
        .diagnostics
        .iter()
        .find(|d| d.code == code && d.message.contains(msg))
        .unwrap_or_else(|| panic!("no {code:?} saying `{msg}` in {:#?}", a.diagnostics));
    let span = found.span.expect("span");
    assert_eq!(
        (span.start.line, span.start.col),
        (line, col),
        "{code:?} at the wrong place: {found:#?}"
    );
    assert_eq!(found.severity, severity, "{found:#?}");
}

const NAMESPACES: &str = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n  labels: {team: x}\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: \"y\"\n  labels: {team: \"y\"}\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  namespace: x\nspec:\n  containers: [{name: m, image: i, ports: [{containerPort: 80, name: http}]}]\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: b\n  namespace: \"y\"\n  labels: {app: b}\nspec:\n  containers: [{name: m, image: i, ports: [{containerPort: 8080, name: http}]}]\nstatus: {podIP: 10.2.0.20}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  namespace: x\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: d}}\n  template:\n    metadata: {labels: {app: d}}\n    spec:\n      containers: [{name: m, image: i, ports: [{containerPort: 53, name: dns, protocol: UDP}]}]\n";

fn cnp(name: &str, spec: &str) -> String {
    format!("{NAMESPACES}---\napiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\nmetadata:\n  name: {name}\nspec:\n{spec}")
}

fn anp(kind: &str, name: &str, spec: &str) -> String {
    format!("{NAMESPACES}---\napiVersion: policy.networking.k8s.io/v1alpha1\nkind: {kind}\nmetadata:\n  name: {name}\nspec:\n{spec}")
}

const SUBJECT_Y: &str = "  subject:\n    namespaces:\n      matchLabels: {team: \"y\"}\n";

#[test]
fn priority_out_of_range_is_located() {
    let t = cnp(
        "p",
        &format!("  tier: Admin\n  priority: 1001\n{SUBJECT_Y}  ingress:\n  - action: Deny\n    from: [{{namespaces: {{}}}}]\n"),
    );
    expect(
        &t,
        Code::InvalidPriority,
        Severity::Error,
        "priority: |1001",
        "between 0 and 1000",
    );
    let t = anp(
        "AdminNetworkPolicy",
        "p",
        &format!("  priority: -1\n{SUBJECT_Y}"),
    );
    expect(
        &t,
        Code::InvalidPriority,
        Severity::Error,
        "priority: |-1",
        "between 0 and 1000",
    );
    // The policy is dropped: nothing is denied.
    let a = analyze(&[Source::new("t.yaml", t.as_str())]);
    assert!(a.cluster.admin_policies.is_empty());
}

#[test]
fn exactly_one_of_subject_peer_and_port_fields() {
    let t = cnp(
        "p",
        "  tier: Admin\n  priority: 1\n  subject:\n    namespaces: {}\n    pods: {podSelector: {}}\n",
    );
    expect(
        &t,
        Code::InvalidSubject,
        Severity::Error,
        "    |pods:",
        "exactly one field",
    );
    let t = cnp("p", "  tier: Admin\n  priority: 1\n  subject: {}\n");
    expect(
        &t,
        Code::InvalidSubject,
        Severity::Error,
        "subject: |{}",
        "exactly one of `namespaces`, `pods`",
    );
    let t = cnp(
        "p",
        &format!("  tier: Admin\n  priority: 1\n{SUBJECT_Y}  egress:\n  - action: Deny\n    to:\n    - namespaces: {{}}\n      networks: [10.0.0.0/8]\n"),
    );
    expect(
        &t,
        Code::InvalidPeer,
        Severity::Error,
        "      |networks:",
        "exactly one field",
    );
    let t = cnp(
        "p",
        &format!("  tier: Admin\n  priority: 1\n{SUBJECT_Y}  ingress:\n  - action: Deny\n    from: [{{namespaces: {{}}}}]\n    protocols:\n    - tcp: {{destinationPort: {{number: 80}}}}\n      udp: {{destinationPort: {{number: 53}}}}\n"),
    );
    expect(
        &t,
        Code::InvalidPort,
        Severity::Error,
        "      |udp:",
        "exactly one field",
    );
    let t = anp(
        "AdminNetworkPolicy",
        "p",
        &format!("  priority: 1\n{SUBJECT_Y}  ingress:\n  - action: Deny\n    from: [{{namespaces: {{}}}}]\n    ports:\n    - portNumber: {{port: 80}}\n      namedPort: http\n"),
    );
    expect(
        &t,
        Code::InvalidPort,
        Severity::Error,
        "      |namedPort:",
        "exactly one field",
    );
}

#[test]
fn port_range_start_must_be_below_end() {
    let t = cnp(
        "p",
        &format!("  tier: Admin\n  priority: 1\n{SUBJECT_Y}  ingress:\n  - action: Deny\n    from: [{{namespaces: {{}}}}]\n    protocols:\n    - tcp: {{destinationPort: {{range: {{start: 90, end: 90}}}}}}\n"),
    );
    expect(
        &t,
        Code::InvalidPort,
        Severity::Error,
        "end: |90",
        "must be less than `end`",
    );
    let t = anp(
        "AdminNetworkPolicy",
        "p",
        &format!("  priority: 1\n{SUBJECT_Y}  ingress:\n  - action: Deny\n    from: [{{namespaces: {{}}}}]\n    ports:\n    - portRange: {{start: 100, end: 99}}\n"),
    );
    expect(
        &t,
        Code::InvalidPort,
        Severity::Error,
        "end: |99",
        "must be less than `end`",
    );
}

#[test]
fn banp_must_be_named_default_and_actions_are_per_kind() {
    let t = anp(
        "BaselineAdminNetworkPolicy",
        "baseline",
        &format!("{SUBJECT_Y}  ingress:\n  - action: Pass\n    from: [{{namespaces: {{}}}}]\n"),
    );
    expect(
        &t,
        Code::InvalidName,
        Severity::Error,
        "name: |baseline",
        "must be named `default`",
    );
    expect(
        &t,
        Code::InvalidAction,
        Severity::Error,
        "action: |Pass",
        "unsupported action `Pass`",
    );
    // v1alpha2 says Accept, v1alpha1 Allow.
    let t = cnp(
        "p",
        &format!("  tier: Admin\n  priority: 1\n{SUBJECT_Y}  ingress:\n  - action: Allow\n    from: [{{namespaces: {{}}}}]\n"),
    );
    expect(
        &t,
        Code::InvalidAction,
        Severity::Error,
        "action: |Allow",
        "unsupported action `Allow`",
    );
    let t = cnp("p", &format!("  tier: Middle\n  priority: 1\n{SUBJECT_Y}"));
    expect(
        &t,
        Code::InvalidAction,
        Severity::Error,
        "tier: |Middle",
        "unsupported tier",
    );
}

#[test]
fn rule_and_peer_counts_and_api_version() {
    let rules: String = (0..26)
        .map(|_| "  - action: Deny\n    from: [{namespaces: {}}]\n")
        .collect();
    let t = cnp(
        "p",
        &format!("  tier: Admin\n  priority: 1\n{SUBJECT_Y}  ingress:\n{rules}"),
    );
    expect(
        &t,
        Code::TooManyItems,
        Severity::Error,
        "  |ingress:\n  - action",
        "26 items: at most 25",
    );
    let t = cnp(
        "p",
        &format!(
            "  tier: Admin\n  priority: 1\n{SUBJECT_Y}  ingress:\n  - action: Deny\n    from: []\n"
        ),
    );
    expect(
        &t,
        Code::InvalidPeer,
        Severity::Error,
        "from: |[]",
        "at least one peer",
    );
    let t = t.replace(
        "policy.networking.k8s.io/v1alpha2",
        "policy.networking.k8s.io/v1alpha1",
    );
    expect(
        &t,
        Code::InvalidApiVersion,
        Severity::Error,
        "apiVersion: |policy.networking.k8s.io/v1alpha1",
        "served as `policy.networking.k8s.io/v1alpha2`",
    );
}

#[test]
fn not_simulated_peers_warn_and_flag_verdicts() {
    let t = cnp(
        "p",
        "  tier: Admin\n  priority: 1\n  subject:\n    namespaces: {team: x}\n  egress:\n  - action: Deny\n    to:\n    - nodes: {}\n",
    )
    .replace("namespaces: {team: x}", "namespaces: {matchLabels: {team: x}}");
    expect(
        &t,
        Code::NotSimulated,
        Severity::Warning,
        "    - |nodes:",
        "`nodes` peers are not simulated",
    );
    let a = analyze(&[Source::new("t.yaml", t.as_str())]);
    let (from, to) = (a.resolve("x/a").unwrap(), a.resolve("y/b").unwrap());
    let v = a.verdict(from, to, 8080, Protocol::Tcp);
    assert!(v.allowed, "a nodes peer matches no pod");
    let e = a.explanation(&v);
    assert!(
        e.flags
            .iter()
            .any(|f| f.kind == "admin-not-simulated" && f.subject == "p"),
        "{:?}",
        e.flags
    );
}

#[test]
fn lints_deny_shadowed_and_rule_never_matches() {
    let t = cnp(
        "p",
        &format!("  tier: Admin\n  priority: 1\n{SUBJECT_Y}  ingress:\n  - name: all\n    action: Accept\n    from: [{{namespaces: {{}}}}]\n  - name: no-x\n    action: Deny\n    from: [{{namespaces: {{matchLabels: {{team: x}}}}}}]\n  - name: late\n    action: Pass\n    from: [{{pods: {{namespaceSelector: {{}}, podSelector: {{matchLabels: {{app: a}}}}}}}}]\n"),
    );
    expect(
        &t,
        Code::LintAdminDenyShadowed,
        Severity::Warning,
        "  - |name: no-x",
        "shadowed by an earlier Accept",
    );
    expect(
        &t,
        Code::LintAdminRuleNeverMatches,
        Severity::Warning,
        "  - |name: late",
        "can never match",
    );
    // Not shadowed: a narrower Accept first.
    let t = cnp(
        "p",
        &format!("  tier: Admin\n  priority: 1\n{SUBJECT_Y}  ingress:\n  - action: Accept\n    from: [{{namespaces: {{matchLabels: {{team: x}}}}}}]\n  - action: Deny\n    from: [{{namespaces: {{}}}}]\n"),
    );
    let a = analyze(&[Source::new("t.yaml", t.as_str())]);
    assert!(
        !a.diagnostics.iter().any(|d| matches!(
            d.code,
            Code::LintAdminDenyShadowed | Code::LintAdminRuleNeverMatches
        )),
        "{:#?}",
        a.diagnostics
    );
}

#[test]
fn equal_priority_is_a_diagnostic() {
    let two = format!(
        "{}---\napiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\nmetadata:\n  name: q\nspec:\n  tier: Admin\n  priority: 7\n{SUBJECT_Y}  ingress:\n  - action: Accept\n    from: [{{namespaces: {{}}}}]\n",
        cnp(
            "p",
            &format!("  tier: Admin\n  priority: 7\n{SUBJECT_Y}  ingress:\n  - action: Deny\n    from: [{{namespaces: {{}}}}]\n")
        )
    );
    expect(
        &two,
        Code::EqualPriority,
        Severity::Warning,
        "name: |q",
        "share priority 7",
    );
    // Another tier with the same number is not ambiguous.
    let other = two.replacen(
        "tier: Admin\n  priority: 7\n",
        "tier: Baseline\n  priority: 7\n",
        1,
    );
    let a = analyze(&[Source::new("t.yaml", other.as_str())]);
    assert!(!a.diagnostics.iter().any(|d| d.code == Code::EqualPriority));
}

#[test]
fn json_direction_outcomes_name_the_tier_only_with_admin_policies() {
    let t = cnp(
        "p",
        &format!("  tier: Admin\n  priority: 1\n{SUBJECT_Y}  ingress:\n  - name: no-x\n    action: Deny\n    from: [{{namespaces: {{matchLabels: {{team: x}}}}}}]\n"),
    );
    let a = analyze(&[Source::new("t.yaml", t.as_str())]);
    let v = a.verdict(
        a.resolve("x/a").unwrap(),
        a.resolve("y/b").unwrap(),
        8080,
        Protocol::Tcp,
    );
    assert!(!v.allowed);
    let hop = serde_json::to_value(&a.explanation(&v).hops[0]).unwrap();
    assert_eq!(hop["ingress"]["result"], "denied");
    assert_eq!(hop["ingress"]["tier"], "Admin");
    assert_eq!(hop["ingress"]["rule"]["kind"], "ClusterNetworkPolicy");
    assert_eq!(hop["ingress"]["rule"]["action"], "Deny");
    assert_eq!(hop["ingress"]["rule"]["rule_name"], "no-x");
    assert_eq!(hop["ingress"]["rule"]["priority"], 1);
    assert_eq!(hop["egress"]["result"], "not-isolated");
    assert_eq!(hop["egress"]["tier"], "default");
    // NetworkPolicies only: the JSON is as before (no tier).
    let a = analyze(&[Source::new("t.yaml", NAMESPACES)]);
    let v = a.verdict(
        a.resolve("x/a").unwrap(),
        a.resolve("y/b").unwrap(),
        8080,
        Protocol::Tcp,
    );
    let hop = serde_json::to_value(&a.explanation(&v).hops[0]).unwrap();
    assert!(hop["ingress"].get("tier").is_none(), "{hop}");
}

#[test]
fn what_if_switch_disables_an_admin_policy() {
    let t = cnp(
        "p",
        &format!("  tier: Admin\n  priority: 1\n{SUBJECT_Y}  ingress:\n  - action: Deny\n    from: [{{namespaces: {{}}}}]\n"),
    );
    let mut a = analyze(&[Source::new("t.yaml", t.as_str())]);
    let (from, to) = (a.resolve("x/a").unwrap(), a.resolve("y/b").unwrap());
    assert!(!a.verdict(from, to, 8080, Protocol::Tcp).allowed);
    a.cluster.admin_policies[0].enabled = false;
    assert!(a.verdict(from, to, 8080, Protocol::Tcp).allowed);
    let id = |n: &str| {
        a.cluster
            .pods
            .iter()
            .position(|p| p.qualified() == n)
            .unwrap()
    };
    assert!(compute(&a)
        .between(id("x/a"), id("y/b"))
        .contains(Protocol::Tcp, 8080));
}

/// The matrix through the tier chain equals plain per-pair evaluation, and single-port verdicts
/// agree with the port sets, on every pod pair and outside range.
fn check_matrix(a: &Analysis, label: &str) {
    let conn = compute(a);
    let n = a.cluster.pods.len();
    let ports = [53u16, 80, 443, 5000, 8080, 8100, 9000, 9003];
    for s in 0..n {
        for d in 0..n {
            let plain = plain_between(a, Endpoint::Pod(s), Endpoint::Pod(d));
            assert_eq!(conn.between(s, d), plain, "{label}: {s} -> {d}");
            if s == d {
                continue;
            }
            for port in ports {
                for proto in [Protocol::Tcp, Protocol::Udp, Protocol::Sctp] {
                    let hop = a.hop(Endpoint::Pod(s), Endpoint::Pod(d), port, proto);
                    assert_eq!(
                        hop.allowed,
                        plain.contains(proto, port),
                        "{label}: {} -> {} {port}/{proto}",
                        a.cluster.pods[s].qualified(),
                        a.cluster.pods[d].qualified()
                    );
                }
            }
        }
    }
    for (ri, r) in conn.outside.iter().enumerate() {
        for (ci, members) in conn.classes.iter().enumerate() {
            let p = members[0];
            let to = plain_between(a, Endpoint::Pod(p), Endpoint::External(r.representative));
            assert_eq!(
                conn.to_outside.cell(ci, ri).cloned().unwrap_or_default(),
                to,
                "{label}: class {ci} -> {}",
                r.cidr
            );
            let from = plain_between(a, Endpoint::External(r.representative), Endpoint::Pod(p));
            assert_eq!(
                conn.from_outside.cell(ri, ci).cloned().unwrap_or_default(),
                from,
                "{label}: {} -> class {ci}",
                r.cidr
            );
            for port in ports {
                let hop = a.hop(
                    Endpoint::Pod(p),
                    Endpoint::External(r.representative),
                    port,
                    Protocol::Tcp,
                );
                assert_eq!(hop.allowed, to.contains(Protocol::Tcp, port), "{label}");
            }
        }
    }
}

fn corpus_cases(root: &Path, prefix: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
        })
        .filter_map(|p| {
            let text = std::fs::read_to_string(p.join("manifests.yaml")).ok()?;
            Some((p.display().to_string(), text))
        })
        .collect();
    out.sort();
    out
}

#[test]
fn matrix_equals_plain_on_admin_corpus_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let cases = corpus_cases(&root, "a08-");
    assert!(cases.len() >= 20, "{}", cases.len());
    for (name, text) in cases {
        let a = analyze(&[Source::new("m.yaml", text)]);
        assert!(!a.cluster.admin_policies.is_empty(), "{name}");
        check_matrix(&a, &name);
    }
    let peer = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance/np-guard/anp");
    for (name, text) in corpus_cases(&peer, "") {
        let a = analyze(&[Source::new("m.yaml", text)]);
        check_matrix(&a, &name);
    }
}

/// A random ClusterNetworkPolicy over the two-namespace topology.
fn random_policy() -> impl Strategy<Value = String> {
    let peer = prop_oneof![
        Just("{namespaces: {}}".to_string()),
        Just("{namespaces: {matchLabels: {team: x}}}".to_string()),
        Just("{namespaces: {matchLabels: {team: \"y\"}}}".to_string()),
        Just("{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: b}}}}".to_string()),
        Just("{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: d}}}}".to_string()),
        Just("{networks: [10.2.0.0/16]}".to_string()),
        Just("{networks: [0.0.0.0/0]}".to_string()),
    ];
    let ports = prop_oneof![
        Just(String::new()),
        Just("    protocols: [{tcp: {destinationPort: {number: 8080}}}]\n".to_string()),
        Just(
            "    protocols: [{tcp: {destinationPort: {range: {start: 80, end: 8080}}}}]\n"
                .to_string()
        ),
        Just("    protocols: [{destinationNamedPort: http}]\n".to_string()),
        Just("    protocols: [{destinationNamedPort: dns}]\n".to_string()),
        Just("    protocols: [{udp: {destinationPort: {number: 53}}}]\n".to_string()),
    ];
    let action = prop_oneof![Just("Accept"), Just("Deny"), Just("Pass")];
    let rule = (action, peer, ports, any::<bool>()).prop_map(|(a, p, ports, egress)| {
        (
            egress,
            format!(
                "  - action: {a}\n    {}: [{p}]\n{ports}",
                if egress { "to" } else { "from" }
            ),
        )
    });
    let subject = prop_oneof![
        Just("namespaces: {}"),
        Just("namespaces: {matchLabels: {team: x}}"),
        Just("pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: b}}}"),
    ];
    (
        any::<bool>(),
        0u32..3,
        subject,
        prop::collection::vec(rule, 1..4),
    )
        .prop_map(|(baseline, prio, subject, rules)| {
            let (mut ing, mut eg) = (String::new(), String::new());
            for (egress, r) in rules {
                if egress {
                    eg.push_str(&r);
                } else {
                    ing.push_str(&r);
                }
            }
            let mut spec = format!(
                "  tier: {}\n  priority: {prio}\n  subject: {{{subject}}}\n",
                if baseline { "Baseline" } else { "Admin" }
            );
            if !ing.is_empty() {
                spec.push_str(&format!("  ingress:\n{ing}"));
            }
            if !eg.is_empty() {
                spec.push_str(&format!("  egress:\n{eg}"));
            }
            spec
        })
}

const NP_B: &str = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: b-from-x\n  namespace: \"y\"\nspec:\n  podSelector: {matchLabels: {app: b}}\n  ingress:\n  - from: [{namespaceSelector: {matchLabels: {team: x}}}]\n    ports: [{port: 8080}]\n";

proptest! {
    #![proptest_config(ProptestConfig { cases: 120, ..ProptestConfig::default() })]

    /// Random admin policies (with and without a NetworkPolicy): matrix = plain, single port =
    /// port set.
    #[test]
    fn tier_chain_matrix_equals_plain(policies in prop::collection::vec(random_policy(), 1..4), with_np in any::<bool>()) {
        let mut text = NAMESPACES.to_string();
        if with_np {
            text.push_str("---\n");
            text.push_str(NP_B);
        }
        for (i, spec) in policies.iter().enumerate() {
            text.push_str(&format!("---\napiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\nmetadata:\n  name: p{i}\nspec:\n{spec}"));
        }
        let a = analyze(&[Source::new("t.yaml", text.as_str())]);
        let errors: Vec<_> = a.diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
        prop_assert!(errors.is_empty(), "{:#?}\n{}", errors, text);
        prop_assert_eq!(a.cluster.admin_policies.len(), policies.len());
        check_matrix(&a, &text);
    }
}

#[test]
fn networks_against_a_pod_without_ip_is_flagged() {
    let t = cnp(
        "p",
        "  tier: Admin\n  priority: 1\n  subject:\n    namespaces: {matchLabels: {team: x}}\n  egress:\n  - action: Deny\n    to: [{networks: [0.0.0.0/0]}]\n",
    );
    let a = analyze(&[Source::new("t.yaml", t.as_str())]);
    let from = a.resolve("x/a").unwrap();
    // y/b has an IP in the manifests: denied, no caveat.
    let v = a.verdict(from, a.resolve("y/b").unwrap(), 8080, Protocol::Tcp);
    assert!(!v.allowed);
    assert!(a.explanation(&v).flags.is_empty());
    // x/d-0 has none: allowed here, with the caveat.
    let v = a.verdict(from, a.resolve("x/d-0").unwrap(), 53, Protocol::Udp);
    assert!(v.allowed);
    let e = a.explanation(&v);
    assert!(
        e.flags
            .iter()
            .any(|f| f.kind == "admin-networks-pod-ip" && f.subject == "p"),
        "{:?}",
        e.flags
    );
}

#[test]
fn a_deny_rule_with_an_unknown_peer_denies_everything() {
    // Only a field of another version: fails closed whatever the other peers and ports say.
    let t = cnp(
        "p",
        &format!("  tier: Admin\n  priority: 1\n{SUBJECT_Y}  ingress:\n  - action: Pass\n    from:\n    - futurePeer: {{}}\n    - namespaces: {{matchLabels: {{team: x}}}}\n    protocols: [{{tcp: {{destinationPort: {{number: 1}}}}}}]\n  - action: Accept\n    from: [{{futurePeer: {{}}}}]\n"),
    );
    expect(
        &t,
        Code::NotSimulated,
        Severity::Warning,
        "    - |futurePeer",
        "fails closed",
    );
    let a = analyze(&[Source::new("t.yaml", t.as_str())]);
    let v = a.verdict(
        a.resolve("x/a").unwrap(),
        a.resolve("y/b").unwrap(),
        8080,
        Protocol::Tcp,
    );
    assert!(!v.allowed);
    assert!(a.explain(&v).contains("fails closed"), "{}", a.explain(&v));
    expect(
        &t,
        Code::LintAdminRuleNeverMatches,
        Severity::Warning,
        "  - |action: Accept",
        "fails closed",
    );
}

#[test]
fn an_admin_policy_list_with_capitalised_items_is_read() {
    // policy-assistant's `test/example-policies/anps/anp-list.yaml` writes `Items`.
    let t = format!("{NAMESPACES}---\napiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicyList\nItems:\n- apiVersion: policy.networking.k8s.io/v1alpha1\n  kind: AdminNetworkPolicy\n  metadata: {{name: p}}\n  spec:\n    priority: 3\n    subject: {{namespaces: {{}}}}\n    ingress:\n    - action: Deny\n      from: [{{namespaces: {{namespaceSelector: {{}}}}}}]\n");
    expect(
        &t,
        Code::UnknownField,
        Severity::Warning,
        "|Items:",
        "read as `items`",
    );
    let a = analyze(&[Source::new("t.yaml", t.as_str())]);
    assert_eq!(a.cluster.admin_policies.len(), 1);
    let v = a.verdict(
        a.resolve("x/a").unwrap(),
        a.resolve("y/b").unwrap(),
        8080,
        Protocol::Tcp,
    );
    assert!(!v.allowed);
}

/// The class-based matrix with admin policies on the synthetic 200-pod fixture (the same one the
/// NetworkPolicy fast path is held to): equal to plain per-pair evaluation, and it changes
/// something.
#[test]
fn matrix_equals_plain_on_gen_200_50_with_admin_policies() {
    let fixture = include_str!("fixtures/gen-p200-m50-s1.yaml");
    let admin = "apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\nmetadata:\n  name: guard\nspec:\n  tier: Admin\n  priority: 1\n  subject:\n    namespaces: {}\n  ingress:\n  - name: pass-team-00\n    action: Pass\n    from: [{namespaces: {matchLabels: {team: team-00}}}]\n  - name: deny-app-001\n    action: Deny\n    from: [{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: app-001}}}}]\n    protocols: [{tcp: {destinationPort: {range: {start: 1, end: 1000}}}}]\n  - name: accept-app-002\n    action: Accept\n    from: [{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: app-002}}}}]\n---\napiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\nmetadata:\n  name: floor\nspec:\n  tier: Baseline\n  priority: 1\n  subject:\n    namespaces: {}\n  ingress:\n  - name: deny-app-003\n    action: Deny\n    from: [{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: app-003}}}}]\n";
    let plain_only = analyze(&[Source::new("gen.yaml", fixture)]);
    let a = analyze(&[
        Source::new("gen.yaml", fixture),
        Source::new("admin.yaml", admin),
    ]);
    assert_eq!(a.cluster.admin_policies.len(), 2);
    let conn = compute(&a);
    assert!(
        conn.classes.len() < a.cluster.pods.len() / 2,
        "{} classes",
        conn.classes.len()
    );
    let n = a.cluster.pods.len();
    for s in 0..n {
        for d in 0..n {
            let plain = plain_between(&a, Endpoint::Pod(s), Endpoint::Pod(d));
            assert_eq!(conn.between(s, d), plain, "{s} -> {d}");
        }
    }
    assert_ne!(
        conn.allowed_triples(),
        compute(&plain_only).allowed_triples(),
        "the admin policies should change the matrix"
    );
}

#[test]
fn a_subject_selecting_no_pod_is_a_lint() {
    let t = cnp(
        "p",
        "  tier: Admin\n  priority: 1\n  subject:\n    namespaces: {matchLabels: {team: frontend}}\n  ingress:\n  - action: Deny\n    from: [{namespaces: {}}]\n",
    );
    expect(
        &t,
        Code::LintSelectsNothing,
        Severity::Warning,
        "namespaces: |{matchLabels: {team: frontend}}",
        "selects no pod",
    );
}

#[test]
fn cni_flags_of_the_networkpolicy_tier_survive_a_pass() {
    // Pass to a NetworkPolicy that allows through an ipBlock on the pod's IP: still flagged.
    let np = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: by-ip\n  namespace: \"y\"\nspec:\n  podSelector: {}\n  ingress:\n  - from: [{ipBlock: {cidr: 10.1.0.0/16}}]\n";
    let t = format!(
        "{}---\n{np}---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: ip\n  namespace: x\nspec:\n  containers: [{{name: m, image: i}}]\nstatus: {{podIP: 10.1.0.5}}\n",
        cnp(
            "p",
            &format!("  tier: Admin\n  priority: 1\n{SUBJECT_Y}  ingress:\n  - action: Pass\n    from: [{{namespaces: {{}}}}]\n")
        )
    );
    let a = analyze(&[Source::new("t.yaml", t.as_str())]);
    let v = a.verdict(
        a.resolve("x/ip").unwrap(),
        a.resolve("y/b").unwrap(),
        8080,
        Protocol::Tcp,
    );
    assert!(v.allowed, "{}", a.explain(&v));
    let e = a.explanation(&v);
    assert!(
        e.flags.iter().any(|f| f.kind == "ipblock-on-pod"),
        "{:?}",
        e.flags
    );
}

#[test]
fn a_duplicate_admin_policy_keeps_the_first() {
    let first = cnp(
        "p",
        &format!("  tier: Admin\n  priority: 1\n{SUBJECT_Y}  ingress:\n  - action: Deny\n    from: [{{namespaces: {{}}}}]\n"),
    );
    let t = format!("{first}---\napiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\nmetadata:\n  name: p2\nspec:\n  tier: Admin\n  priority: 2\n{SUBJECT_Y}").replace("name: p2", "name: p");
    let a = analyze(&[Source::new("t.yaml", t.as_str())]);
    assert_eq!(a.cluster.admin_policies.len(), 1);
    assert_eq!(a.cluster.admin_policies[0].priority, Some(1));
    let d = a
        .diagnostics
        .iter()
        .find(|d| d.code == Code::DuplicateObject)
        .expect("duplicate diagnostic");
    assert!(d.message.contains("defined twice"), "{}", d.message);
}

#[test]
fn named_port_toward_networks_warns_as_the_evaluation_decides() {
    // y/b (10.2.0.20) listens on 8080 named `http`: the named port resolves on it.
    let t = anp(
        "AdminNetworkPolicy",
        "p",
        "  priority: 1\n  subject:\n    namespaces: {matchLabels: {team: x}}\n  egress:\n  - name: web\n    action: Allow\n    to: [{networks: [10.2.0.0/24]}]\n    ports: [{namedPort: http}]\n  - name: rest\n    action: Deny\n    to: [{networks: [0.0.0.0/0]}]\n",
    );
    expect(
        &t,
        Code::InvalidPort,
        Severity::Warning,
        "ports: [|{namedPort: http}",
        "a named port next to networks peers: it resolves only on destination pods whose IP the networks match, and opens nothing toward other addresses",
    );
    let a = analyze(&[Source::new("t.yaml", t.as_str())]);
    assert!(!a
        .diagnostics
        .iter()
        .any(|d| d.message.contains("so it opens nothing toward them")));
    let from = a.resolve("x/a").unwrap();
    let v = a.verdict(from, a.resolve("y/b").unwrap(), 8080, Protocol::Tcp);
    assert!(v.allowed, "{}", a.explain(&v));
    let v = a.verdict(from, a.resolve("10.2.0.99").unwrap(), 8080, Protocol::Tcp);
    assert!(!v.allowed, "{}", a.explain(&v));
}

/// Port fields read by the same code in every kind: a bad port name, a missing port number and
/// an unknown protocol say the same thing at the field, in a Pod and in the admin tiers.
#[test]
fn port_fields_read_alike_in_pods_and_admin_tiers() {
    let name_rule = "invalid port name `Web_1`: port names have at most 15";
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: x}\nspec:\n  containers:\n  - name: m\n    image: i\n    ports:\n    - {containerPort: 80, name: Web_1}\n    - {containerPort: 81, protocol: tcp}\n    - {name: web}\n";
    expect(
        pod,
        Code::InvalidPort,
        Severity::Error,
        "name: |Web_1",
        name_rule,
    );
    expect(
        pod,
        Code::InvalidProtocol,
        Severity::Error,
        "protocol: |tcp",
        "unsupported protocol `tcp`",
    );
    expect(
        pod,
        Code::MissingField,
        Severity::Error,
        "- |{name: web}",
        "`spec.containers[0].ports[2].containerPort` is required",
    );
    let t = anp(
        "AdminNetworkPolicy",
        "p",
        &format!("  priority: 1\n{SUBJECT_Y}  ingress:\n  - action: Deny\n    from: [{{namespaces: {{}}}}]\n    ports:\n    - namedPort: Web_1\n    - portNumber: {{protocol: tcp, port: 80}}\n    - portNumber: {{protocol: UDP}}\n"),
    );
    expect(
        &t,
        Code::InvalidPort,
        Severity::Error,
        "namedPort: |Web_1",
        name_rule,
    );
    expect(
        &t,
        Code::InvalidProtocol,
        Severity::Error,
        "protocol: |tcp",
        "unsupported protocol `tcp`",
    );
    expect(
        &t,
        Code::MissingField,
        Severity::Error,
        "portNumber: |{protocol: UDP}",
        ".portNumber.port` is required",
    );
    // IntOrString ports (a policy's `port`, a Service's `targetPort`): one reader, one wording.
    let svc = "apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: x}\nspec:\n  selector: {app: a}\n  ports: [{port: 80, targetPort: Web_1}]\n";
    expect(
        svc,
        Code::InvalidPort,
        Severity::Error,
        "targetPort: |Web_1",
        "invalid targetPort `Web_1`: must be a number 1-65535 or a port name",
    );
    let np = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np, namespace: x}\nspec:\n  podSelector: {}\n  ingress: [{ports: [{port: Web_1}]}]\n";
    expect(
        np,
        Code::InvalidPort,
        Severity::Error,
        "port: |Web_1",
        "invalid port `Web_1`: must be a number 1-65535 or a port name",
    );
    let t = cnp(
        "p",
        &format!("  tier: Admin\n  priority: 1\n{SUBJECT_Y}  ingress:\n  - action: Deny\n    from: [{{namespaces: {{}}}}]\n    protocols:\n    - destinationNamedPort: Web_1\n"),
    );
    expect(
        &t,
        Code::InvalidPort,
        Severity::Error,
        "destinationNamedPort: |Web_1",
        name_rule,
    );
}
