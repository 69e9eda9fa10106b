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
