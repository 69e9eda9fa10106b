//! Whole-cluster connectivity: for every ordered pair of pods (and every outside range the
//! policies mention), the allowed ports per protocol.
//!
//! Fast path: pods that no selector, port name or address can tell apart behave identically.
//! Each pod gets a signature — the policies that isolate it per direction, the peers that match
//! it, its named ports — and pods with equal signatures form one class. The matrix is computed
//! per pair of classes, with each direction computed once per (policy set, class) and shared.
//! [`plain`] is the per-pair reference the fast path is tested against.

use std::collections::{BTreeSet, HashMap};
use std::net::IpAddr;

use crate::analysis::Analysis;
use crate::evaluate::{direction_ports, isolating, peer_match, Endpoint};
use crate::model::{Direction, PodId, PolicyId, Rule};
use crate::net::Cidr;
use crate::ports::{PortSet, Protocol};

/// An address region outside the cluster: the addresses of `cidr` not inside any more specific
/// range the policies mention, stood for by `representative`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutsideRange {
    pub cidr: Cidr,
    pub representative: IpAddr,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Connectivity {
    /// `class_of[pod]` — the class of each pod.
    pub class_of: Vec<usize>,
    /// Pods of each class, in pod order.
    pub classes: Vec<Vec<PodId>>,
    pub outside: Vec<OutsideRange>,
    /// `pod_pod[a][b]`: class a → class b (distinct pods; a pod to itself is always allowed).
    pub class_matrix: Vec<Vec<PortSet>>,
    /// `to_outside[class][range]` and `from_outside[range][class]`.
    pub to_outside: Vec<Vec<PortSet>>,
    pub from_outside: Vec<Vec<PortSet>>,
}

impl Connectivity {
    /// Allowed ports from pod `a` to pod `b`.
    pub fn between(&self, a: PodId, b: PodId) -> PortSet {
        if a == b {
            return PortSet::all();
        }
        let (Some(&ca), Some(&cb)) = (self.class_of.get(a), self.class_of.get(b)) else {
            return PortSet::none();
        };
        self.class_matrix
            .get(ca)
            .and_then(|row| row.get(cb))
            .cloned()
            .unwrap_or_default()
    }

    /// Number of allowed (source pod, destination pod, protocol, port) tuples over distinct pods.
    pub fn allowed_triples(&self) -> u64 {
        let mut total = 0u64;
        for (ca, row) in self.class_matrix.iter().enumerate() {
            let na = self.classes.get(ca).map_or(0, Vec::len) as u64;
            for (cb, set) in row.iter().enumerate() {
                let nb = self.classes.get(cb).map_or(0, Vec::len) as u64;
                let pairs = if ca == cb {
                    na * nb.saturating_sub(1)
                } else {
                    na * nb
                };
                total += pairs * set.count();
            }
        }
        total
    }
}

/// Every CIDR the enabled policies mention, and a representative address for the part of each
/// not covered by a more specific one. `0.0.0.0/0` and `::/0` stand for "anything else".
pub fn outside_ranges(a: &Analysis) -> Vec<OutsideRange> {
    let mut cidrs: BTreeSet<Cidr> = BTreeSet::new();
    for p in a.cluster.policies.iter().filter(|p| p.enabled) {
        for rule in p.ingress.iter().chain(p.egress.iter()) {
            for peer in rule.peers.iter().flatten() {
                if let crate::model::PeerKind::IpBlock { cidr, except } = &peer.kind {
                    cidrs.insert(*cidr);
                    cidrs.extend(except.iter().copied());
                }
            }
        }
    }
    cidrs.extend(crate::admin::cidrs(&a.cluster));
    let mut out = Vec::new();
    for c in &cidrs {
        // Walk the block, skipping the more specific ranges inside it.
        let inner: Vec<&Cidr> = cidrs
            .iter()
            .filter(|o| *o != c && c.contains_cidr(o))
            .collect();
        let mut candidate = Some(c.first());
        let mut guard = 0;
        while let Some(ip) = candidate {
            guard += 1;
            if guard > 10_000 || !c.contains(ip) {
                candidate = None;
                break;
            }
            match inner.iter().find(|o| o.contains(ip)) {
                Some(o) => {
                    // Jump past the largest inner range containing ip.
                    let widest = inner
                        .iter()
                        .filter(|x| x.contains(ip))
                        .min_by_key(|x| x.prefix)
                        .copied()
                        .unwrap_or(o);
                    candidate = widest.after();
                }
                None => break,
            }
        }
        if let Some(ip) = candidate {
            out.push(OutsideRange {
                cidr: *c,
                representative: ip,
            });
        }
    }
    out
}

/// Per-pair reference evaluation (slow, obviously correct given `evaluate`).
pub fn plain_between(a: &Analysis, src: Endpoint, dst: Endpoint) -> PortSet {
    if src == dst {
        return PortSet::all();
    }
    let eg = match src {
        Endpoint::Pod(s) => direction_ports(&a.cluster, &a.index, s, Direction::Egress, dst).ports,
        Endpoint::External(_) => PortSet::all(),
    };
    let ing = match dst {
        Endpoint::Pod(d) => direction_ports(&a.cluster, &a.index, d, Direction::Ingress, src).ports,
        Endpoint::External(_) => PortSet::all(),
    };
    eg.intersect(&ing)
}

/// A rule with everything needed to evaluate it against classes.
struct FlatRule<'a> {
    rule: &'a Rule,
    /// Indices into the global peer table; `None` = any peer.
    peers: Option<Vec<usize>>,
}

/// Computes the connectivity of the analysis (enabled policies only).
pub fn compute(a: &Analysis) -> Connectivity {
    if crate::admin::active(&a.cluster) {
        // Admin tiers: classes and cells through the whole tier chain (`admin.rs`).
        return crate::admin::connectivity(a);
    }
    let c = &a.cluster;
    let n = c.pods.len();

    // Global table of peers (policy, direction, rule, peer), evaluated once per pod.
    let mut peer_kinds = Vec::new();
    let mut flat: HashMap<(PolicyId, Direction), Vec<FlatRule<'_>>> = HashMap::new();
    for (pid, p) in c.policies.iter().enumerate() {
        for dir in [Direction::Ingress, Direction::Egress] {
            if !p.affects(dir) {
                continue;
            }
            let mut rules = Vec::new();
            for rule in p.rules(dir) {
                let peers = rule.peers.as_ref().map(|ps| {
                    ps.iter()
                        .map(|peer| {
                            peer_kinds.push(&peer.kind);
                            peer_kinds.len() - 1
                        })
                        .collect()
                });
                rules.push(FlatRule { rule, peers });
            }
            flat.insert((pid, dir), rules);
        }
    }

    // Names used by named ports anywhere: only these container port names matter.
    let mut port_names: BTreeSet<(&str, Protocol)> = BTreeSet::new();
    for p in &c.policies {
        for rule in p.ingress.iter().chain(p.egress.iter()) {
            for e in rule.ports.iter().flatten() {
                if let crate::model::PortRef::Named(nm) = &e.port {
                    port_names.insert((nm.as_str(), e.protocol));
                }
            }
        }
    }

    // Pod signatures. Labels-equal pods in one namespace share selector results, so evaluate
    // peers once per distinct (namespace, labels, ips).
    type Sig = (Vec<PolicyId>, Vec<PolicyId>, Vec<usize>, Vec<(String, u16)>);
    type LabelKey<'k> = (&'k str, &'k crate::selector::Labels, &'k [IpAddr]);
    type Matches = (Vec<PolicyId>, Vec<PolicyId>, Vec<usize>);
    let mut sig_cache: HashMap<LabelKey<'_>, Matches> = HashMap::new();
    let mut class_index: HashMap<Sig, usize> = HashMap::new();
    let mut classes: Vec<Vec<PodId>> = Vec::new();
    let mut class_sig: Vec<Sig> = Vec::new();
    let mut class_of = Vec::with_capacity(n);
    for (pid, pod) in c.pods.iter().enumerate() {
        let key = (pod.namespace.as_str(), &pod.labels, pod.ips.as_slice());
        let (ing, eg, peers) = sig_cache
            .entry(key)
            .or_insert_with(|| {
                let ing = isolating(c, &a.index, pod, Direction::Ingress);
                let eg = isolating(c, &a.index, pod, Direction::Egress);
                let peers = peer_kinds
                    .iter()
                    .enumerate()
                    .filter(|(_, k)| peer_match(c, &a.index, k, Endpoint::Pod(pid)).is_ok())
                    .map(|(i, _)| i)
                    .collect();
                (ing, eg, peers)
            })
            .clone();
        let named: Vec<(String, u16)> = port_names
            .iter()
            .filter_map(|(nm, proto)| {
                pod.named_port(nm, *proto)
                    .map(|p| (format!("{nm}/{proto}"), p))
            })
            .collect();
        let sig: Sig = (ing, eg, peers, named);
        let next = classes.len();
        let ci = *class_index.entry(sig.clone()).or_insert(next);
        if ci == next {
            classes.push(Vec::new());
            class_sig.push(sig);
        }
        if let Some(cl) = classes.get_mut(ci) {
            cl.push(pid);
        }
        class_of.push(ci);
    }

    let outside = outside_ranges(a);
    let k = classes.len();

    // Peer match of a rule against a class (bitset membership by binary search).
    let matches_class = |fr: &FlatRule<'_>, sig: &Sig| -> bool {
        match &fr.peers {
            None => true,
            Some(ids) => ids.iter().any(|i| sig.2.binary_search(i).is_ok()),
        }
    };
    let rep_pod = |ci: usize| {
        classes
            .get(ci)
            .and_then(|v| v.first())
            .and_then(|&p| c.pods.get(p))
    };

    // Egress per (egress policy set, destination class), memoised across classes that share it.
    let mut eg_memo: HashMap<(&[PolicyId], usize), PortSet> = HashMap::new();
    // Ingress per (destination's policy set and named ports, source class).
    type IngressKey<'k> = (&'k [PolicyId], &'k [(String, u16)]);
    let mut ing_keys: HashMap<IngressKey<'_>, usize> = HashMap::new();
    let ing_key: Vec<usize> = class_sig
        .iter()
        .map(|s| {
            let next = ing_keys.len();
            *ing_keys
                .entry((s.0.as_slice(), s.3.as_slice()))
                .or_insert(next)
        })
        .collect();
    let mut ing_memo: HashMap<(usize, usize), PortSet> = HashMap::new();
    let mut class_matrix = vec![vec![PortSet::none(); k]; k];
    for src in 0..k {
        let Some(ssig) = class_sig.get(src) else {
            continue;
        };
        for dst in 0..k {
            let Some(dsig) = class_sig.get(dst) else {
                continue;
            };
            let eg = if ssig.1.is_empty() {
                PortSet::all()
            } else {
                eg_memo
                    .entry((ssig.1.as_slice(), dst))
                    .or_insert_with(|| {
                        let dst_pod = rep_pod(dst);
                        let mut set = PortSet::none();
                        for pid in &ssig.1 {
                            for fr in flat.get(&(*pid, Direction::Egress)).into_iter().flatten() {
                                if matches_class(fr, dsig) {
                                    set.union(&crate::evaluate::rule_ports(fr.rule, dst_pod));
                                }
                            }
                        }
                        set
                    })
                    .clone()
            };
            if eg.is_empty() {
                continue;
            }
            let ing = if dsig.0.is_empty() {
                PortSet::all()
            } else {
                ing_memo
                    .entry((ing_key.get(dst).copied().unwrap_or(dst), src))
                    .or_insert_with(|| {
                        let dst_pod = rep_pod(dst);
                        let mut set = PortSet::none();
                        for pid in &dsig.0 {
                            for fr in flat.get(&(*pid, Direction::Ingress)).into_iter().flatten() {
                                if matches_class(fr, ssig) {
                                    set.union(&crate::evaluate::rule_ports(fr.rule, dst_pod));
                                }
                            }
                        }
                        set
                    })
                    .clone()
            };
            if let Some(cell) = class_matrix.get_mut(src).and_then(|r| r.get_mut(dst)) {
                *cell = eg.intersect(&ing);
            }
        }
    }

    // Outside ranges: evaluated on representatives, per class.
    let mut to_outside = vec![Vec::with_capacity(outside.len()); k];
    let mut from_outside = vec![Vec::with_capacity(k); outside.len()];
    for (ci, row) in to_outside.iter_mut().enumerate() {
        let Some(&p) = classes.get(ci).and_then(|v| v.first()) else {
            continue;
        };
        for r in &outside {
            row.push(plain_between(
                a,
                Endpoint::Pod(p),
                Endpoint::External(r.representative),
            ));
        }
    }
    for (ri, row) in from_outside.iter_mut().enumerate() {
        let Some(r) = outside.get(ri) else { continue };
        for cl in &classes {
            let Some(&p) = cl.first() else { continue };
            row.push(plain_between(
                a,
                Endpoint::External(r.representative),
                Endpoint::Pod(p),
            ));
        }
    }

    Connectivity {
        class_of,
        classes,
        outside,
        class_matrix,
        to_outside,
        from_outside,
    }
}
