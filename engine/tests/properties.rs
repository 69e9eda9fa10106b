#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code

//! Laws of NetworkPolicy semantics, checked on random clusters (written as YAML, so the parser
//! and lowering are exercised too).

use engine::connectivity::{compute, plain_between};
use engine::evaluate::Endpoint;
use engine::{analyze, Analysis, Source};
use proptest::prelude::*;

#[derive(Clone, Debug)]
struct Sel {
    labels: Vec<(&'static str, &'static str)>,
    expr: Option<(&'static str, &'static str, Vec<&'static str>)>,
}

#[derive(Clone, Debug)]
enum PeerSpec {
    Pod(Sel),
    Ns(Sel),
    Both(Sel, Sel),
    Ip(&'static str, Option<&'static str>),
}

#[derive(Clone, Debug)]
struct RuleSpec {
    peers: Option<Vec<PeerSpec>>,
    ports: Option<Vec<&'static str>>,
}

#[derive(Clone, Debug)]
struct PolicySpec {
    ns: usize,
    sel: Sel,
    types: Option<Vec<&'static str>>,
    ingress: Vec<RuleSpec>,
    egress: Vec<RuleSpec>,
}

#[derive(Clone, Debug)]
struct PodSpec {
    ns: usize,
    labels: Vec<(&'static str, &'static str)>,
    http: u16,
    dns: bool,
    ip: Option<u8>,
}

#[derive(Clone, Debug)]
struct ClusterSpec {
    ns_env: Vec<&'static str>,
    pods: Vec<PodSpec>,
    policies: Vec<PolicySpec>,
}

fn labels() -> impl Strategy<Value = Vec<(&'static str, &'static str)>> {
    (
        prop::option::of(prop::sample::select(vec!["a", "b", "c"])),
        prop::option::of(prop::sample::select(vec!["web", "db"])),
    )
        .prop_map(|(app, tier)| {
            let mut v = Vec::new();
            if let Some(a) = app {
                v.push(("app", a));
            }
            if let Some(t) = tier {
                v.push(("tier", t));
            }
            v
        })
}

fn selector() -> impl Strategy<Value = Sel> {
    (
        labels(),
        prop::option::of((
            prop::sample::select(vec!["app", "tier", "env"]),
            prop::sample::select(vec!["In", "NotIn", "Exists", "DoesNotExist"]),
            prop::sample::subsequence(vec!["a", "b", "web", "prod"], 1..3),
        )),
    )
        .prop_map(|(labels, expr)| Sel {
            labels: labels.into_iter().take(1).collect(),
            expr: expr.map(|(k, op, vals)| {
                let vals = if matches!(op, "Exists" | "DoesNotExist") {
                    Vec::new()
                } else {
                    vals
                };
                (k, op, vals)
            }),
        })
}

fn ns_selector() -> impl Strategy<Value = Sel> {
    prop_oneof![
        Just(Sel {
            labels: vec![],
            expr: None
        }),
        prop::sample::select(vec!["prod", "dev"]).prop_map(|e| Sel {
            labels: vec![("env", e)],
            expr: None
        }),
        prop::sample::select(vec!["ns0", "ns1"]).prop_map(|n| Sel {
            labels: vec![("kubernetes.io/metadata.name", n)],
            expr: None
        }),
    ]
}

fn peer() -> impl Strategy<Value = PeerSpec> {
    prop_oneof![
        selector().prop_map(PeerSpec::Pod),
        ns_selector().prop_map(PeerSpec::Ns),
        (ns_selector(), selector()).prop_map(|(n, p)| PeerSpec::Both(n, p)),
        prop::sample::select(vec![
            ("10.0.0.0/16", Some("10.0.1.0/24")),
            ("10.0.0.0/8", None),
            ("0.0.0.0/0", Some("10.0.0.0/8")),
        ])
        .prop_map(|(c, e)| PeerSpec::Ip(c, e)),
    ]
}

fn rule() -> impl Strategy<Value = RuleSpec> {
    (
        prop::option::of(prop::collection::vec(peer(), 1..3)),
        prop::option::of(prop::collection::vec(
            prop::sample::select(vec!["80", "53/UDP", "http", "8000-8100", "UDP", "9090"]),
            1..3,
        )),
    )
        .prop_map(|(peers, ports)| RuleSpec { peers, ports })
}

fn policy(explicit_types: bool) -> impl Strategy<Value = PolicySpec> {
    let types = if explicit_types {
        prop::sample::select(vec![
            vec!["Ingress"],
            vec!["Egress"],
            vec!["Ingress", "Egress"],
        ])
        .prop_map(Some)
        .boxed()
    } else {
        prop::option::of(prop::sample::select(vec![
            vec!["Ingress"],
            vec!["Egress"],
            vec!["Ingress", "Egress"],
        ]))
        .boxed()
    };
    (
        0usize..3,
        selector(),
        types,
        prop::collection::vec(rule(), 0..3),
        prop::collection::vec(rule(), 0..3),
    )
        .prop_map(|(ns, sel, types, ingress, egress)| PolicySpec {
            ns,
            sel,
            types,
            ingress,
            egress,
        })
}

fn cluster(explicit_types: bool, max_policies: usize) -> impl Strategy<Value = ClusterSpec> {
    (
        prop::collection::vec(prop::sample::select(vec!["prod", "dev"]), 3),
        prop::collection::vec(
            (
                0usize..3,
                labels(),
                prop::sample::select(vec![80u16, 8080]),
                any::<bool>(),
                prop::option::of(0u8..4),
            )
                .prop_map(|(ns, labels, http, dns, ip)| PodSpec {
                    ns,
                    labels,
                    http,
                    dns,
                    ip,
                }),
            1..7,
        ),
        prop::collection::vec(policy(explicit_types), 0..=max_policies),
    )
        .prop_map(|(ns_env, pods, policies)| ClusterSpec {
            ns_env,
            pods,
            policies,
        })
}

fn sel_yaml(s: &Sel, indent: &str) -> String {
    let mut out = String::from("\n");
    if !s.labels.is_empty() {
        out.push_str(&format!("{indent}matchLabels:\n"));
        for (k, v) in &s.labels {
            out.push_str(&format!("{indent}  {k}: {v}\n"));
        }
    }
    if let Some((k, op, vals)) = &s.expr {
        out.push_str(&format!(
            "{indent}matchExpressions:\n{indent}- key: {k}\n{indent}  operator: {op}\n"
        ));
        if !vals.is_empty() {
            out.push_str(&format!("{indent}  values: [{}]\n", vals.join(", ")));
        }
    }
    if out == "\n" {
        " {}\n".to_string()
    } else {
        out
    }
}

fn rules_yaml(rules: &[RuleSpec], key: &str, side: &str) -> String {
    if rules.is_empty() {
        return String::new();
    }
    let mut out = format!("  {key}:\n");
    for r in rules {
        out.push_str("  - ");
        let mut first = true;
        let mut lead = |out: &mut String| {
            if !first {
                out.push_str("    ");
            }
            first = false;
        };
        if let Some(peers) = &r.peers {
            lead(&mut out);
            out.push_str(&format!("{side}:\n"));
            for p in peers {
                match p {
                    PeerSpec::Pod(s) => {
                        out.push_str(&format!("    - podSelector:{}", sel_yaml(s, "        ")))
                    }
                    PeerSpec::Ns(s) => out.push_str(&format!(
                        "    - namespaceSelector:{}",
                        sel_yaml(s, "        ")
                    )),
                    PeerSpec::Both(n, s) => out.push_str(&format!(
                        "    - namespaceSelector:{}      podSelector:{}",
                        sel_yaml(n, "        "),
                        sel_yaml(s, "        ")
                    )),
                    PeerSpec::Ip(c, e) => {
                        out.push_str(&format!("    - ipBlock:\n        cidr: {c}\n"));
                        if let Some(e) = e {
                            out.push_str(&format!("        except: [{e}]\n"));
                        }
                    }
                }
            }
        }
        if let Some(ports) = &r.ports {
            lead(&mut out);
            out.push_str("ports:\n");
            for p in ports {
                match *p {
                    "UDP" => out.push_str("    - protocol: UDP\n"),
                    "53/UDP" => out.push_str("    - port: 53\n      protocol: UDP\n"),
                    "8000-8100" => out.push_str("    - port: 8000\n      endPort: 8100\n"),
                    "http" => out.push_str("    - port: http\n"),
                    n => out.push_str(&format!("    - port: {n}\n")),
                }
            }
        }
        if first {
            out.push_str("{}\n");
        }
    }
    out
}

fn yaml(c: &ClusterSpec) -> String {
    let mut out = String::new();
    for (i, env) in c.ns_env.iter().enumerate() {
        out.push_str(&format!("---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns{i}\n  labels:\n    env: {env}\n"));
    }
    for (i, p) in c.pods.iter().enumerate() {
        out.push_str(&format!(
            "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: pod{i}\n  namespace: ns{}\n",
            p.ns
        ));
        if !p.labels.is_empty() {
            out.push_str("  labels:\n");
            for (k, v) in &p.labels {
                out.push_str(&format!("    {k}: {v}\n"));
            }
        }
        out.push_str(&format!(
            "spec:\n  containers:\n  - name: c\n    ports:\n    - name: http\n      containerPort: {}\n",
            p.http
        ));
        if p.dns {
            out.push_str("    - name: dns\n      containerPort: 53\n      protocol: UDP\n");
        }
        if let Some(ip) = p.ip {
            out.push_str(&format!("status:\n  podIP: 10.0.{ip}.{}\n", i + 10));
        }
    }
    for (i, p) in c.policies.iter().enumerate() {
        out.push_str(&format!(
            "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: pol{i}\n  namespace: ns{}\nspec:\n  podSelector:{}",
            p.ns,
            sel_yaml(&p.sel, "    ")
        ));
        if let Some(t) = &p.types {
            out.push_str(&format!("  policyTypes: [{}]\n", t.join(", ")));
        }
        out.push_str(&rules_yaml(&p.ingress, "ingress", "from"));
        out.push_str(&rules_yaml(&p.egress, "egress", "to"));
    }
    out
}

fn analysed(c: &ClusterSpec) -> Analysis {
    let a = analyze(&[Source::new("gen.yaml", yaml(c))]);
    let errors: Vec<_> = a
        .diagnostics
        .iter()
        .filter(|d| d.severity == engine::Severity::Error)
        .collect();
    assert!(
        errors.is_empty(),
        "generator produced invalid YAML: {errors:?}\n{}",
        yaml(c)
    );
    assert_eq!(a.cluster.pods.len(), c.pods.len());
    assert_eq!(a.cluster.policies.len(), c.policies.len());
    a
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn no_policy_allows_everything(c in cluster(false, 0)) {
        let a = analysed(&c);
        let conn = compute(&a);
        for i in 0..a.cluster.pods.len() {
            for j in 0..a.cluster.pods.len() {
                prop_assert!(conn.between(i, j).is_all());
            }
        }
    }

    /// With explicit policyTypes. (Without them, adding the first egress rule turns on egress
    /// isolation through defaulting — a real way an "allow" can remove connections.)
    #[test]
    fn adding_an_allow_rule_never_removes_a_connection(
        c in cluster(true, 3),
        extra in rule(),
        which in any::<prop::sample::Index>(),
        egress in any::<bool>(),
    ) {
        prop_assume!(!c.policies.is_empty());
        let before = analysed(&c);
        let mut c2 = c.clone();
        let i = which.index(c2.policies.len());
        if egress { c2.policies[i].egress.push(extra) } else { c2.policies[i].ingress.push(extra) }
        let after = analysed(&c2);
        let (cb, ca) = (compute(&before), compute(&after));
        for s in 0..before.cluster.pods.len() {
            for d in 0..before.cluster.pods.len() {
                let b = cb.between(s, d);
                let a = ca.between(s, d);
                prop_assert_eq!(b.intersect(&a), b, "pod{} -> pod{} lost ports\n{}", s, d, yaml(&c2));
            }
        }
    }

    #[test]
    fn fast_path_agrees_with_plain_evaluation(c in cluster(false, 4)) {
        let a = analysed(&c);
        let conn = compute(&a);
        let n = a.cluster.pods.len();
        for s in 0..n {
            for d in 0..n {
                prop_assert_eq!(conn.between(s, d), plain_between(&a, Endpoint::Pod(s), Endpoint::Pod(d)));
            }
        }
        for (ri, r) in conn.outside.iter().enumerate() {
            for s in 0..n {
                let cls = conn.class_of[s];
                prop_assert_eq!(conn.to_outside.cell(cls, ri).unwrap(), &plain_between(&a, Endpoint::Pod(s), Endpoint::External(r.representative)));
                prop_assert_eq!(conn.from_outside.cell(ri, cls).unwrap(), &plain_between(&a, Endpoint::External(r.representative), Endpoint::Pod(s)));
            }
        }
    }

    /// Single-port verdicts (with explanations) agree with the port sets.
    #[test]
    fn verdicts_agree_with_port_sets(c in cluster(false, 4), port in prop::sample::select(vec![53u16, 80, 8050, 8080, 9090])) {
        let a = analysed(&c);
        let conn = compute(&a);
        for s in 0..a.cluster.pods.len() {
            for d in 0..a.cluster.pods.len() {
                for proto in [engine::Protocol::Tcp, engine::Protocol::Udp] {
                    let v = a.verdict(engine::Target::Pod(s), engine::Target::Pod(d), port, proto);
                    prop_assert_eq!(v.allowed, conn.between(s, d).contains(proto, port), "{}", a.explain(&v));
                }
            }
        }
    }

    /// Misses are complete and honest: a denied direction has one miss per (isolating policy,
    /// rule) — a policy without rules in that direction once, with `rule: None` — each with at
    /// least one reason; the rule that allowed a flow has no reason to miss it.
    #[test]
    fn misses_cover_every_rule_with_a_reason(c in cluster(false, 4), port in prop::sample::select(vec![53u16, 80, 8080, 9090])) {
        use engine::evaluate::{peer_match, peer_reasons, rule_reasons, Outcome, PolicyRef};
        let a = analysed(&c);
        // The detailed peer reasons agree with the fast peer match.
        for p in &a.cluster.policies {
            for rule in p.ingress.iter().chain(&p.egress) {
                for (pi, peer) in rule.peers.iter().flatten().enumerate() {
                    for o in 0..a.cluster.pods.len() {
                        let ok = peer_match(&a.cluster, &a.index, &peer.kind, Endpoint::Pod(o)).is_ok();
                        let reasons = peer_reasons(&a.cluster, &a.index, pi, peer, Endpoint::Pod(o));
                        prop_assert_eq!(ok, reasons.is_empty(), "{:?}\n{}", reasons, yaml(&c));
                    }
                }
            }
        }
        for s in 0..a.cluster.pods.len() {
            for d in 0..a.cluster.pods.len() {
                let hop = a.hop(Endpoint::Pod(s), Endpoint::Pod(d), port, engine::Protocol::Tcp);
                for (dir, outcome, other) in [
                    (engine::Direction::Egress, &hop.egress, Endpoint::Pod(d)),
                    (engine::Direction::Ingress, &hop.ingress, Endpoint::Pod(s)),
                ] {
                    match outcome {
                        Outcome::Denied { isolating, misses } => {
                            let expected: usize = isolating
                                .iter()
                                .map(|&i| a.cluster.policies[i].rules(dir).len().max(1))
                                .sum();
                            prop_assert_eq!(misses.len(), expected, "{}", yaml(&c));
                            for m in misses {
                                prop_assert!(!m.reasons.is_empty(), "{:?}\n{}", m, yaml(&c));
                                let PolicyRef::NetworkPolicy(pid) = m.policy else {
                                    panic!("a NetworkPolicy-tier miss names another tier: {m:?}");
                                };
                                prop_assert!(isolating.contains(&pid));
                            }
                        }
                        Outcome::Allowed { by, .. } => {
                            let rule = &a.cluster.policies[by.policy].rules(dir)[by.rule];
                            let dst = a.cluster.pods.get(d);
                            let reasons = rule_reasons(&a.cluster, &a.index, rule, other, dst, port, engine::Protocol::Tcp);
                            prop_assert!(reasons.is_empty(), "{:?}\n{}", reasons, yaml(&c));
                        }
                        _ => {}
                    }
                }
            }
        }
    }
}
