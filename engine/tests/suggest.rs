#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code

//! "Allow this flow" / "block this flow": the suggestions, their proofs, and the laws they keep
//! on random clusters (the flow opens, nothing closes, nothing opens outside the two groups).

use engine::evaluate::Endpoint;
use engine::suggest::{diff, suggest_allow, suggest_block, with_added, Impossible, SuggestOutcome};
use engine::{analyze, Analysis, Options, Protocol, Source};
use proptest::prelude::*;

fn corpus(case: &str) -> Analysis {
    let path = format!(
        "{}/tests/corpus/{case}/manifests.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap();
    analyze(&[Source::new("manifests.yaml", text)])
}

fn allow(a: &Analysis, from: &str, to: &str, port: u16, proto: Protocol) -> SuggestOutcome {
    let (f, t) = (a.resolve(from).unwrap(), a.resolve(to).unwrap());
    suggest_allow(a, &Options::default(), f, t, port, proto)
}

fn block(a: &Analysis, from: &str, to: &str, port: u16, proto: Protocol) -> SuggestOutcome {
    let (f, t) = (a.resolve(from).unwrap(), a.resolve(to).unwrap());
    suggest_block(a, &Options::default(), f, t, port, proto)
}

fn suggested(o: SuggestOutcome) -> engine::suggest::Suggestion {
    match o {
        SuggestOutcome::Suggested(s) => s,
        other => panic!("expected a suggestion, got {other:?}"),
    }
}

#[test]
fn through_a_service_the_ingress_rule_names_the_target_port_and_opens_only_the_flow() {
    let a = corpus("demo-httpd-centos-deny-by-default");
    let v = a.verdict(
        a.resolve("default/pod-centos").unwrap(),
        a.resolve("service:default/svc-clusterip-httpd").unwrap(),
        80,
        Protocol::Tcp,
    );
    assert!(!v.allowed);
    let s = suggested(allow(
        &a,
        "default/pod-centos",
        "service:default/svc-clusterip-httpd",
        80,
        Protocol::Tcp,
    ));
    // Ingress only: pod-centos' egress is not isolated (a new egress policy would isolate it).
    assert_eq!(s.policies.len(), 1, "{}", s.yaml);
    let p = &s.policies[0];
    assert_eq!(p.direction, engine::Direction::Ingress);
    assert!(
        s.yaml.contains("policyTypes:\n    - Ingress\n"),
        "{}",
        s.yaml
    );
    assert!(
        s.yaml.contains("kubernetes.io/metadata.name: default"),
        "{}",
        s.yaml
    );
    assert!(s.yaml.contains("port: 80\n"), "{}", s.yaml);
    assert_eq!(p.selects.len(), 3, "the three replicas: {:?}", p.selects);
    assert!(s.closes.is_empty());
    assert!(s.beyond.is_empty(), "{:?}", s.beyond);
    // pod-centos → each replica on 80/TCP, nothing else.
    assert_eq!(s.opens.len(), 3, "{:?}", s.opens);
    for f in &s.opens {
        assert_eq!(f.from, "default/pod-centos");
        assert_eq!(f.ports, "TCP 80");
    }
    // Applying it allows the flow.
    let after = with_added(&a, &Options::default(), &s.yaml);
    assert!(after
        .diagnostics
        .iter()
        .all(|d| d.severity != engine::Severity::Error));
    let v = after.verdict(
        after.resolve("default/pod-centos").unwrap(),
        after
            .resolve("service:default/svc-clusterip-httpd")
            .unwrap(),
        80,
        Protocol::Tcp,
    );
    assert!(v.allowed);
}

#[test]
fn named_target_port_becomes_the_number_the_pods_listen_on() {
    // Service backend: 80 → targetPort `api` (8080). Backend ingress allows only frontend.
    let a = corpus("demo-three-tier");
    let s = suggested(allow(
        &a,
        "shop/db",
        "service:shop/backend",
        80,
        Protocol::Tcp,
    ));
    // db's egress and backend's ingress are both isolated: both sides get a rule.
    let dirs: Vec<_> = s.policies.iter().map(|p| p.direction).collect();
    assert_eq!(
        dirs,
        vec![engine::Direction::Ingress, engine::Direction::Egress],
        "{}",
        s.yaml
    );
    assert!(s.yaml.contains("port: 8080\n"), "{}", s.yaml);
    assert!(!s.yaml.contains("port: 80\n"), "{}", s.yaml);
    assert!(s.closes.is_empty() && s.beyond.is_empty());
    assert!(s
        .opens
        .iter()
        .all(|f| f.from == "shop/db-0" && f.ports == "TCP 8080"));
    assert_eq!(s.opens.len(), 2);
    assert!(s.notes.iter().any(|n| n.contains("targetPort 8080")));
}

#[test]
fn exact_label_sets_exclude_pods_with_more_labels() {
    let text = "\
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: xa, labels: {app: web}}
---
apiVersion: v1
kind: Pod
metadata: {name: a2, namespace: xa, labels: {app: web, canary: \"true\"}}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: yb, labels: {app: db}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: yb}
spec: {podSelector: {}}
";
    let a = analyze(&[Source::new("t.yaml", text)]);
    let s = suggested(allow(&a, "xa/a", "yb/b", 5432, Protocol::Tcp));
    assert!(s.yaml.contains("key: canary\n"), "{}", s.yaml);
    assert!(s.yaml.contains("operator: DoesNotExist"), "{}", s.yaml);
    assert_eq!(s.opens.len(), 1, "{:?}", s.opens);
    assert_eq!(s.opens[0].from, "xa/a");
    assert!(s.beyond.is_empty());
}

#[test]
fn an_allowed_flow_needs_nothing() {
    let a = corpus("demo-httpd-centos");
    assert_eq!(
        allow(
            &a,
            "default/pod-centos",
            "service:default/svc-clusterip-httpd",
            80,
            Protocol::Tcp
        ),
        SuggestOutcome::Nothing
    );
}

#[test]
fn no_policy_can_help_a_service_without_pods_or_a_service_source() {
    let a = corpus("f06-service-no-backends");
    let svc = a
        .cluster
        .services
        .iter()
        .find(|s| {
            a.service_pods(a.cluster.services.iter().position(|x| x == *s).unwrap())
                .is_empty()
        })
        .unwrap();
    let client = a.cluster.pods[0].qualified();
    let port = svc.ports[0].port;
    let to = format!("service:{}", svc.qualified());
    match allow(&a, &client, &to, port, Protocol::Tcp) {
        SuggestOutcome::Impossible(Impossible::NoBackingPods { service }) => {
            assert_eq!(service, svc.qualified())
        }
        other => panic!("{other:?}"),
    }
    let a = corpus("demo-httpd-centos-deny-by-default");
    match allow(
        &a,
        "service:default/svc-clusterip-httpd",
        "default/pod-centos",
        80,
        Protocol::Tcp,
    ) {
        SuggestOutcome::Impossible(i) => {
            assert_eq!(i, Impossible::ServiceSource);
            assert!(i.message().contains("not a source"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn egress_to_an_outside_address_gets_an_ipblock_rule() {
    let a = corpus("demo-three-tier");
    let s = suggested(allow(&a, "shop/db", "8.8.8.8", 443, Protocol::Tcp));
    assert!(s.yaml.contains("cidr: 8.8.8.8/32"), "{}", s.yaml);
    assert!(s.closes.is_empty() && s.beyond.is_empty(), "{:?}", s.beyond);
    assert!(s
        .opens
        .iter()
        .any(|f| f.from == "shop/db-0" && f.to == "8.8.8.8"));
}

#[test]
fn admin_tiers_say_why_no_networkpolicy_can_help_or_still_get_a_rule() {
    // An Admin-tier Deny is final.
    let a = corpus("a08-v1-deny-over-np-allow");
    match allow(&a, "z/c", "y/b", 8080, Protocol::Tcp) {
        SuggestOutcome::Impossible(i @ Impossible::AdminTier { .. }) => {
            assert!(i.message().contains("deny-from-z"), "{}", i.message());
            assert!(i.message().contains("Admin tier"), "{}", i.message());
        }
        other => panic!("{other:?}"),
    }
    // A Baseline Deny of a pod no NetworkPolicy isolates: a NetworkPolicy would isolate it.
    let a = corpus("a08-v1-pass-to-baseline");
    match allow(&a, "z/c", "y/b", 8080, Protocol::Tcp) {
        SuggestOutcome::Impossible(i @ Impossible::BaselineTier { .. }) => {
            assert!(i.message().contains("isolates it"), "{}", i.message())
        }
        other => panic!("{other:?}"),
    }
    // An Admin-tier Accept decides the destination's ingress only: the source's egress, which
    // nothing isolates, can still be isolated to block the flow.
    let b = corpus("a08-v1-accept-over-np-deny");
    let s = suggested(block(&b, "x/a", "y/b", 8080, Protocol::Tcp));
    assert_eq!(s.policies.len(), 1);
    assert_eq!(s.policies[0].direction, engine::Direction::Egress);
    assert_eq!(s.policies[0].namespace, "x");
    assert!(s.opens.is_empty());
    assert!(
        s.closes
            .iter()
            .all(|f| f.from == "x/a" && f.to == "y/b" && f.ports == "TCP 8080"),
        "{:?}",
        s.closes
    );
    // With the source's egress isolated and allowed by a rule too, nothing can be added.
    let eg = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: a-out, namespace: x}\nspec:\n  podSelector: {matchLabels: {app: a}}\n  policyTypes: [Egress]\n  egress: [{ports: [{port: 8080}]}]\n";
    let b = with_added(&b, &Options::default(), eg);
    match block(&b, "x/a", "y/b", 8080, Protocol::Tcp) {
        SuggestOutcome::Impossible(i @ Impossible::AdminTier { .. }) => {
            assert!(i.message().contains("allow-from-x"), "{}", i.message())
        }
        other => panic!("{other:?}"),
    }
    // After a Pass, the NetworkPolicy tier denies: a NetworkPolicy rule allows it, proved.
    let s = suggested(allow(&a, "z/c", "y/web", 80, Protocol::Tcp));
    assert!(s.closes.is_empty() && s.beyond.is_empty(), "{}", s.yaml);
    assert!(s.opens.iter().any(|f| f.from == "z/c"), "{:?}", s.opens);
}

#[test]
fn udp_flows_get_udp_rules_and_open_only_udp() {
    let a = corpus("demo-three-tier");
    let s = suggested(allow(&a, "shop/frontend", "8.8.8.8", 53, Protocol::Udp));
    assert!(
        s.yaml.contains("- protocol: UDP\n          port: 53\n"),
        "{}",
        s.yaml
    );
    assert!(!s.yaml.contains("TCP"), "{}", s.yaml);
    assert_eq!(s.opens.len(), 2, "both frontend replicas: {:?}", s.opens);
    assert!(s
        .opens
        .iter()
        .all(|f| f.ports == "UDP 53" && f.to == "8.8.8.8"));
    assert!(s.closes.is_empty() && s.beyond.is_empty());
}

#[test]
fn block_isolates_the_open_side_and_closes_only_the_flow() {
    let a = corpus("demo-httpd-centos");
    let s = suggested(block(
        &a,
        "default/pod-centos",
        "service:default/svc-clusterip-httpd",
        80,
        Protocol::Tcp,
    ));
    assert_eq!(s.policies.len(), 1, "{}", s.yaml);
    assert!(s.opens.is_empty());
    assert_eq!(s.closes.len(), 3, "{:?}", s.closes);
    assert!(s
        .closes
        .iter()
        .all(|f| f.from == "default/pod-centos" && f.ports == "TCP 80"));
    let after = with_added(&a, &Options::default(), &s.yaml);
    assert!(after
        .diagnostics
        .iter()
        .all(|d| d.severity != engine::Severity::Error));
    // Every other verdict stays: pod-centos still reaches the intruder on 80 and the outside.
    let web = after.resolve("default/dep-httpd").unwrap();
    let centos = after.resolve("default/pod-centos").unwrap();
    let intruder = after.resolve("default/pod-intruder").unwrap();
    for (f, t, p) in [(centos, intruder, 80), (centos, web, 81), (web, web, 80)] {
        assert_eq!(
            after.verdict(f, t, p, Protocol::Tcp).allowed,
            a.verdict(f, t, p, Protocol::Tcp).allowed
        );
    }
    assert!(after.verdict(centos, intruder, 80, Protocol::Tcp).allowed);
    assert!(
        after
            .verdict(
                centos,
                after.resolve("8.8.8.8").unwrap(),
                443,
                Protocol::Tcp
            )
            .allowed
    );
}

/// Through an ExternalName Service the note names the alias, not pods and a targetPort it has not.
#[test]
fn allow_through_an_external_name_service_says_what_the_rule_names() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: b, namespace: default, labels: {app: b}}\nspec: {containers: [{name: c, image: x}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: ext, namespace: default}\nspec: {type: ExternalName, externalName: 1.2.3.4}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: d, namespace: default}\nspec: {podSelector: {}, policyTypes: [Egress]}\n";
    let a = analyze(&[Source::new("t.yaml", text)]);
    let s = suggested(allow(
        &a,
        "default/b",
        "service:default/ext",
        443,
        Protocol::Tcp,
    ));
    assert!(s.yaml.contains("cidr: 1.2.3.4/32"), "{}", s.yaml);
    assert!(
        s.notes
            .iter()
            .any(|n| n.contains("ExternalName alias for `1.2.3.4`") && n.contains("port 443")),
        "{:?}",
        s.notes
    );
    assert!(
        !s.notes.iter().any(|n| n.contains("targetPort")),
        "{:?}",
        s.notes
    );
}

/// The outside is allowed back by `0.0.0.0/0`: without the blocked pods' IPs it cannot except
/// them, and on CNIs where an ipBlock matches pod IPs the block would not hold: said so. With
/// their IPs in the manifests they are excepted and nothing needs saying.
#[test]
fn block_says_when_the_blocked_pods_ips_cannot_be_excepted() {
    let pods = |ip_b: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: a, namespace: default, labels: {{app: a}}}}\nspec: {{containers: [{{name: c, image: x, ports: [{{containerPort: 80}}]}}]}}\n---\napiVersion: v1\nkind: Pod\nmetadata: {{name: b, namespace: default, labels: {{app: b}}}}\nspec: {{containers: [{{name: c, image: x}}]}}\n{ip_b}"
        )
    };
    let run = |text: &str| analyze(&[Source::new("t.yaml", text)]);
    let a = run(&pods(""));
    let s = suggested(block(&a, "default/b", "default/a", 80, Protocol::Tcp));
    assert!(s.yaml.contains("cidr: 0.0.0.0/0\n"), "{}", s.yaml);
    assert!(
        s.notes
            .iter()
            .any(|n| n.contains("cannot `except` default/b") && n.contains("pod IPs")),
        "{:?}",
        s.notes
    );
    let a = run(&pods(
        "status: {podIP: 10.0.0.7, podIPs: [{ip: 10.0.0.7}]}\n",
    ));
    let s = suggested(block(&a, "default/b", "default/a", 80, Protocol::Tcp));
    assert!(s.yaml.contains("- 10.0.0.7/32"), "{}", s.yaml);
    assert!(
        !s.notes.iter().any(|n| n.contains("cannot `except`")),
        "{:?}",
        s.notes
    );
}

#[test]
fn block_is_impossible_when_rules_on_both_isolated_sides_allow_it() {
    let a = corpus("demo-three-tier");
    match block(
        &a,
        "shop/frontend",
        "service:shop/backend",
        80,
        Protocol::Tcp,
    ) {
        SuggestOutcome::Impossible(Impossible::AllowedByRule { policy, .. }) => {
            assert_eq!(policy, "shop/backend-policy")
        }
        other => panic!("{other:?}"),
    }
    // Already blocked: nothing to do.
    assert_eq!(
        block(&a, "shop/frontend-0", "shop/db-0", 5432, Protocol::Tcp),
        SuggestOutcome::Nothing
    );
}

#[test]
fn diff_lists_what_a_deny_all_closes() {
    let a = corpus("demo-httpd-centos");
    let deny = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: d, namespace: default}\nspec: {podSelector: {}}\n";
    let after = with_added(&a, &Options::default(), deny);
    let c = diff(&a, &after);
    assert!(c.opens.is_empty());
    // Every connection into a pod that was not isolated for ingress closes, with the ports no
    // rule allows (the per-pair reference evaluation, not the fast path `diff` uses).
    use engine::connectivity::plain_between;
    let n = a.cluster.pods.len();
    let mut expected = Vec::new();
    for s in 0..n {
        for d in (0..n).filter(|&d| d != s) {
            let (x, y) = (Endpoint::Pod(s), Endpoint::Pod(d));
            let (b, af) = (plain_between(&a, x, y), plain_between(&after, x, y));
            if b != af {
                assert_eq!(b.intersect(&af), af, "only closes");
                let mut gone = engine::PortSet::none();
                for p in Protocol::ALL {
                    for &(lo, hi) in b.get(p).ranges() {
                        for port in lo..=hi {
                            if !af.contains(p, port) {
                                gone.add(p, port, port);
                            }
                        }
                    }
                }
                expected.push((s, d, gone));
            }
        }
    }
    assert!(!expected.is_empty());
    let got: Vec<_> = c
        .closes
        .iter()
        .map(|f| match (f.src, f.dst) {
            (Endpoint::Pod(s), Endpoint::Pod(d)) => (s, d, f.set.clone()),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(got, expected);
}

// ---- laws on random clusters ----

type LabelList = Vec<(&'static str, &'static str)>;
/// `None`: the direction is not in policyTypes; each rule: peer labels, optional port, and
/// whether the peer is an ipBlock over the pods' addresses instead.
type Rules = Option<Vec<(LabelList, Option<u16>, bool)>>;

#[derive(Clone, Debug)]
struct Pod {
    ns: usize,
    labels: Vec<(&'static str, &'static str)>,
    ip: Option<u8>,
}

#[derive(Clone, Debug)]
struct Pol {
    ns: usize,
    sel: Vec<(&'static str, &'static str)>,
    ingress: Rules,
    egress: Rules,
}

fn labels() -> impl Strategy<Value = Vec<(&'static str, &'static str)>> {
    (
        prop::option::of(prop::sample::select(vec!["a", "b"])),
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

fn rules() -> impl Strategy<Value = Rules> {
    prop::option::of(prop::collection::vec(
        (
            labels(),
            prop::option::of(prop::sample::select(vec![80u16, 443])),
            prop::bool::weighted(0.2),
        ),
        0..3,
    ))
}

fn cluster() -> impl Strategy<Value = (Vec<Pod>, Vec<Pol>)> {
    (
        prop::collection::vec(
            (0usize..2, labels(), prop::option::of(1u8..6)).prop_map(|(ns, labels, ip)| Pod {
                ns,
                labels,
                ip,
            }),
            2..7,
        ),
        prop::collection::vec(
            (0usize..2, labels(), rules(), rules()).prop_map(|(ns, sel, ingress, egress)| Pol {
                ns,
                sel,
                ingress,
                egress,
            }),
            0..4,
        ),
    )
}

fn map(l: &[(&str, &str)]) -> String {
    let inner: Vec<String> = l.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    format!("{{{}}}", inner.join(", "))
}

fn to_yaml(pods: &[Pod], pols: &[Pol]) -> String {
    let mut y = String::new();
    for (i, p) in pods.iter().enumerate() {
        y.push_str(&format!(
            "---\napiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}, namespace: ns{}, labels: {}}}\n",
            p.ns,
            map(&p.labels)
        ));
        if let Some(ip) = p.ip {
            y.push_str(&format!("status: {{podIP: 10.0.0.{ip}}}\n"));
        }
    }
    for (i, p) in pols.iter().enumerate() {
        let mut types = Vec::new();
        let mut body = String::new();
        for (key, side, rules) in [("ingress", "from", &p.ingress), ("egress", "to", &p.egress)] {
            let Some(rules) = rules else { continue };
            types.push(if key == "ingress" {
                "Ingress"
            } else {
                "Egress"
            });
            body.push_str(&format!("  {key}:\n"));
            if rules.is_empty() {
                body.truncate(body.len() - format!("  {key}:\n").len());
                continue;
            }
            for (sel, port, ip) in rules {
                if *ip {
                    body.push_str(&format!(
                        "  - {side}: [{{ipBlock: {{cidr: 10.0.0.0/29, except: [10.0.0.2/32]}}}}]\n"
                    ));
                } else {
                    body.push_str(&format!(
                        "  - {side}: [{{namespaceSelector: {{}}, podSelector: {{matchLabels: {}}}}}]\n",
                        map(sel)
                    ));
                }
                if let Some(port) = port {
                    body.push_str(&format!("    ports: [{{port: {port}}}]\n"));
                }
            }
        }
        y.push_str(&format!(
            "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: np{i}, namespace: ns{}}}\nspec:\n  podSelector: {{matchLabels: {}}}\n  policyTypes: [{}]\n{body}",
            p.ns,
            map(&p.sel),
            types.join(", ")
        ));
    }
    y
}

fn same_group(a: &Analysis, x: Endpoint, y: Endpoint) -> bool {
    match (x, y) {
        (Endpoint::Pod(i), Endpoint::Pod(j)) => {
            let (p, q) = (&a.cluster.pods[i], &a.cluster.pods[j]);
            p.namespace == q.namespace && p.labels == q.labels
        }
        (x, y) => x == y,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn allow_opens_the_flow_closes_nothing_and_stays_in_the_groups(
        (pods, pols) in cluster(),
        from in 0usize..7,
        to in 0usize..7,
        port in prop::sample::select(vec![80u16, 443, 5432]),
    ) {
        let text = to_yaml(&pods, &pols);
        let a = analyze(&[Source::new("c.yaml", text.clone())]);
        prop_assume!(a.diagnostics.iter().all(|d| d.severity != engine::Severity::Error));
        let n = a.cluster.pods.len();
        let (from, to) = (from % n, to % n);
        prop_assume!(from != to);
        let (f, t) = (engine::Target::Pod(from), engine::Target::Pod(to));
        let before = a.verdict(f, t, port, Protocol::Tcp);
        match suggest_allow(&a, &Options::default(), f, t, port, Protocol::Tcp) {
            SuggestOutcome::Nothing => prop_assert!(before.allowed),
            SuggestOutcome::Impossible(i) => prop_assert!(false, "{}\n{text}", i.message()),
            SuggestOutcome::Suggested(s) => {
                prop_assert!(!before.allowed);
                let after = with_added(&a, &Options::default(), &s.yaml);
                prop_assert!(after.verdict(f, t, port, Protocol::Tcp).allowed, "{}", s.yaml);
                // Recomputed independently of the suggestion's own report.
                let c = diff(&a, &after);
                prop_assert!(c.closes.is_empty(), "{:?}\n{}\n{text}", c.closes, s.yaml);
                for o in &c.opens {
                    prop_assert!(same_group(&a, o.src, Endpoint::Pod(from)), "{o:?}\n{}\n{text}", s.yaml);
                    prop_assert!(same_group(&a, o.dst, Endpoint::Pod(to)), "{o:?}\n{}\n{text}", s.yaml);
                    prop_assert_eq!(&o.ports, &format!("TCP {port}"));
                }
                prop_assert!(c.opens.iter().any(|o| o.src == Endpoint::Pod(from) && o.dst == Endpoint::Pod(to)));
                prop_assert!(s.beyond.is_empty());
                prop_assert_eq!(c.opens, s.opens);
            }
        }
    }

    #[test]
    fn allow_to_an_outside_address_opens_only_that_address(
        (pods, pols) in cluster(),
        from in 0usize..7,
        ip in prop::sample::select(vec!["8.8.8.8", "192.0.2.7"]),
        port in prop::sample::select(vec![80u16, 443]),
    ) {
        let text = to_yaml(&pods, &pols);
        let a = analyze(&[Source::new("c.yaml", text.clone())]);
        prop_assume!(a.diagnostics.iter().all(|d| d.severity != engine::Severity::Error));
        let from = from % a.cluster.pods.len();
        let f = engine::Target::Pod(from);
        let t = a.resolve(ip).unwrap();
        let before = a.verdict(f, t, port, Protocol::Tcp);
        match suggest_allow(&a, &Options::default(), f, t, port, Protocol::Tcp) {
            SuggestOutcome::Nothing => prop_assert!(before.allowed),
            SuggestOutcome::Impossible(i) => prop_assert!(false, "{}\n{text}", i.message()),
            SuggestOutcome::Suggested(s) => {
                let after = with_added(&a, &Options::default(), &s.yaml);
                prop_assert!(after.verdict(f, t, port, Protocol::Tcp).allowed, "{}", s.yaml);
                let c = diff(&a, &after);
                prop_assert!(c.closes.is_empty(), "{:?}\n{}\n{text}", c.closes, s.yaml);
                let dst = Endpoint::External(ip.parse().unwrap());
                for o in &c.opens {
                    prop_assert!(same_group(&a, o.src, Endpoint::Pod(from)), "{o:?}\n{}\n{text}", s.yaml);
                    prop_assert_eq!(o.dst, dst);
                    prop_assert_eq!(&o.ports, &format!("TCP {port}"));
                }
                prop_assert!(!c.opens.is_empty());
            }
        }
    }

    #[test]
    fn block_closes_the_flow_opens_nothing_and_closes_only_the_groups(
        (pods, pols) in cluster(),
        from in 0usize..7,
        to in 0usize..7,
        port in prop::sample::select(vec![80u16, 443]),
    ) {
        let text = to_yaml(&pods, &pols);
        let a = analyze(&[Source::new("c.yaml", text.clone())]);
        prop_assume!(a.diagnostics.iter().all(|d| d.severity != engine::Severity::Error));
        let n = a.cluster.pods.len();
        let (from, to) = (from % n, to % n);
        prop_assume!(from != to);
        let (f, t) = (engine::Target::Pod(from), engine::Target::Pod(to));
        let before = a.verdict(f, t, port, Protocol::Tcp);
        match suggest_block(&a, &Options::default(), f, t, port, Protocol::Tcp) {
            SuggestOutcome::Nothing => prop_assert!(!before.allowed),
            SuggestOutcome::Impossible(Impossible::AllowedByRule { .. }) => prop_assert!(before.allowed),
            SuggestOutcome::Impossible(i) => prop_assert!(false, "{}\n{text}", i.message()),
            SuggestOutcome::Suggested(s) => {
                let after = with_added(&a, &Options::default(), &s.yaml);
                prop_assert!(!after.verdict(f, t, port, Protocol::Tcp).allowed, "{}", s.yaml);
                let c = diff(&a, &after);
                prop_assert!(c.opens.is_empty(), "{:?}\n{}\n{text}", c.opens, s.yaml);
                for o in &c.closes {
                    prop_assert!(same_group(&a, o.src, Endpoint::Pod(from)), "{o:?}\n{}\n{text}", s.yaml);
                    prop_assert!(same_group(&a, o.dst, Endpoint::Pod(to)), "{o:?}\n{}\n{text}", s.yaml);
                    prop_assert_eq!(&o.ports, &format!("TCP {port}"));
                }
            }
        }
    }
}
