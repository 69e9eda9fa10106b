#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code

//! The equivalence-class fast path against a plain per-pair evaluation on a synthetic cluster
//! (`shared/bench/gen.py --pods 200 --policies 50 --seed 1`, committed as a fixture).

use engine::connectivity::{compute, plain_between};
use engine::evaluate::Endpoint;
use engine::{analyze, Protocol, Source, Target};

#[test]
fn fast_path_equals_plain_per_pair_on_gen_200_50() {
    let text = include_str!("fixtures/gen-p200-m50-s1.yaml");
    let a = analyze(&[Source::new("gen.yaml", text)]);
    assert_eq!(a.cluster.pods.len(), 200);
    assert_eq!(a.cluster.policies.len(), 50);
    let conn = compute(&a);
    let n = a.cluster.pods.len();
    let mut plain_triples = 0u64;
    for s in 0..n {
        for d in 0..n {
            let plain = plain_between(&a, Endpoint::Pod(s), Endpoint::Pod(d));
            if s != d {
                plain_triples += plain.count();
            }
            assert_eq!(
                conn.between(s, d),
                plain,
                "{} -> {}",
                a.cluster.pods[s].qualified(),
                a.cluster.pods[d].qualified()
            );
        }
    }
    assert_eq!(conn.allowed_triples(), plain_triples);
    assert!(plain_triples > 0, "the scenario should allow something");
    assert!(
        conn.classes.len() < n,
        "pods should fall into shared classes"
    );

    // Single-port verdicts with explanations agree too (a sample of pairs and ports).
    for s in (0..n).step_by(7) {
        for d in (0..n).step_by(5) {
            for port in [53u16, 80, 443, 5432, 8080, 5200, 8050] {
                for proto in [Protocol::Tcp, Protocol::Udp] {
                    let v = a.verdict(Target::Pod(s), Target::Pod(d), port, proto);
                    assert_eq!(
                        v.allowed,
                        conn.between(s, d).contains(proto, port),
                        "{}",
                        a.explain(&v)
                    );
                }
            }
        }
    }
}

/// Fast path against plain evaluation for every pod pair and every outside range, in both
/// directions.
fn assert_fast_equals_plain(a: &engine::Analysis) {
    let conn = compute(a);
    let n = a.cluster.pods.len();
    let name = |p: usize| a.cluster.pods[p].qualified();
    for s in 0..n {
        for d in 0..n {
            let plain = plain_between(a, Endpoint::Pod(s), Endpoint::Pod(d));
            assert_eq!(conn.between(s, d), plain, "{} -> {}", name(s), name(d));
        }
    }
    assert_eq!(conn.to_outside.len(), conn.classes.len());
    assert_eq!(conn.from_outside.len(), conn.outside.len());
    for (ri, r) in conn.outside.iter().enumerate() {
        let ip = Endpoint::External(r.representative);
        for p in 0..n {
            let cls = conn.class_of[p];
            assert_eq!(
                conn.to_outside.cell(cls, ri),
                Some(&plain_between(a, Endpoint::Pod(p), ip)),
                "{} -> {}",
                name(p),
                r.cidr
            );
            assert_eq!(
                conn.from_outside.cell(ri, cls),
                Some(&plain_between(a, ip, Endpoint::Pod(p))),
                "{} -> {}",
                r.cidr,
                name(p)
            );
        }
    }
}

#[test]
fn fast_path_equals_plain_on_outside_ranges_of_gen_200_50() {
    let text = include_str!("fixtures/gen-p200-m50-s1.yaml");
    let a = analyze(&[Source::new("gen.yaml", text)]);
    assert!(!compute(&a).outside.is_empty());
    assert_fast_equals_plain(&a);
}

/// Pods told apart only by a named port's number, by namespace, by IP (dual stack), policies
/// repeating peers, selectors with several `matchLabels` in another order, peerless and empty
/// rules, and each policy switched off in turn (what-if).
#[test]
fn fast_path_equals_plain_on_mixed_fixture_and_every_what_if() {
    let text = include_str!("fixtures/fast-path-mix.yaml");
    let base = analyze(&[Source::new("mix.yaml", text)]);
    assert_eq!(base.cluster.pods.len(), 12);
    assert_eq!(base.cluster.policies.len(), 7);
    let conn = compute(&base);
    let class = |name: &str| {
        let p = base
            .cluster
            .pods
            .iter()
            .position(|p| p.qualified() == name)
            .unwrap();
        conn.class_of[p]
    };
    assert_eq!(
        class("prod/web-1"),
        class("prod/web-3"),
        "same labels, same port numbers"
    );
    assert_ne!(
        class("prod/web-1"),
        class("prod/web-2"),
        "named port `http` differs"
    );
    assert_ne!(class("prod/web-1"), class("dev/web"), "namespace differs");
    assert_ne!(
        class("dev/probe-a"),
        class("dev/probe-b"),
        "IP in an ipBlock"
    );
    assert_ne!(
        class("dev/cache-a"),
        class("dev/cache-b"),
        "IP in an ipBlock"
    );
    assert_fast_equals_plain(&base);
    for off in 0..base.cluster.policies.len() {
        let mut a = base.clone();
        a.cluster.policies[off].enabled = false;
        assert_fast_equals_plain(&a);
    }
}

/// `PodIndex` (used by the lints) agrees with `peer_match` on every peer and rule of both
/// fixtures.
#[test]
fn pod_index_agrees_with_peer_match() {
    use engine::evaluate::{peer_match, rule_peer_matches};
    use engine::pod_index::PodIndex;
    for (name, text) in [
        ("gen.yaml", include_str!("fixtures/gen-p200-m50-s1.yaml")),
        ("mix.yaml", include_str!("fixtures/fast-path-mix.yaml")),
    ] {
        let a = analyze(&[Source::new(name, text)]);
        let c = &a.cluster;
        let index = PodIndex::new(c, &a.index);
        let mut some_ip_peer_matched = false;
        for p in &c.policies {
            for rule in p.ingress.iter().chain(&p.egress) {
                let want: Vec<usize> = (0..c.pods.len())
                    .filter(|&i| rule_peer_matches(c, &a.index, rule, Endpoint::Pod(i)))
                    .collect();
                assert_eq!(index.rule_pods(rule), want, "{name}: {}", p.qualified());
                for peer in rule.peers.iter().flatten() {
                    let want: Vec<usize> = (0..c.pods.len())
                        .filter(|&i| peer_match(c, &a.index, &peer.kind, Endpoint::Pod(i)).is_ok())
                        .collect();
                    assert_eq!(
                        index.peer_pods(&peer.kind),
                        want,
                        "{name}: {}",
                        p.qualified()
                    );
                    assert_eq!(index.peer_matches_any(&peer.kind), !want.is_empty());
                    match &peer.kind {
                        engine::model::PeerKind::IpBlock { .. } => {
                            some_ip_peer_matched |= !want.is_empty();
                        }
                        engine::model::PeerKind::Pods { namespaces, pods } => {
                            let labels = c.pods.iter().any(|p| pods.matches(&p.labels));
                            assert_eq!(index.any_labels_match(pods), labels);
                            if let engine::model::NamespaceMatch::Selector(nsel) = namespaces {
                                let ns = c.pods.iter().any(|p| {
                                    a.index
                                        .ns_labels(&p.namespace)
                                        .is_some_and(|l| nsel.matches(l))
                                });
                                assert_eq!(index.any_namespace_matches(nsel), ns);
                            }
                        }
                    }
                }
            }
        }
        if name == "mix.yaml" {
            assert!(
                some_ip_peer_matched,
                "the fixture has ipBlocks matching pod IPs"
            );
        }
    }
}
