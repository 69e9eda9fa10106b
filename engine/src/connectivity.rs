//! Whole-cluster connectivity: for every ordered pair of pods (and every outside range the
//! policies mention), the allowed ports per protocol.
//!
//! The fast path never evaluates pod pairs:
//! 1. **Classes.** Pods that no selector, port name or address can tell apart behave
//!    identically. A pod's signature is the policies isolating it per direction, the peers
//!    matching it and the numbers of the named ports policies use; equal signatures form a
//!    class. Selectors are evaluated once per distinct label set (most pods share theirs with
//!    others), namespace conditions once per namespace, and a pod's peer set is the AND of the
//!    two bitsets.
//! 2. **Rows and columns.** Egress of class a toward class b depends only on a's egress
//!    policies and on b; ingress of b from a only on b's ingress policies and named ports and on
//!    a. Each distinct egress policy set gets one row over all classes, each distinct (ingress
//!    policy set, named ports) one column. Each is filled by the rule union single verdicts use
//!    (`evaluate::rule_union`) with every class (and every outside range) as the other end at
//!    once: a rule's peers match the classes whose peer bitsets hold them (found once per rule,
//!    so the work is proportional to the matches, not to rules × classes).
//! 3. **Cells.** A cell is its row entry intersected with its column entry. Port sets are
//!    interned ([`crate::intern`]): a cell is a 4-byte id and set algebra is memoised.
//!
//! [`plain_between`] is the per-pair reference the fast path is tested against.

use std::collections::{BTreeSet, HashMap};
use std::net::IpAddr;
use std::ops::Range;

use crate::analysis::Analysis;
use crate::evaluate::{
    direction_ports, rule_ports, rule_union, Endpoint, PeerMatcher, RulePortSets,
};
use crate::intern::{ones, set_bit, words, FxMap, SetTable, ALL, NONE};
use crate::model::{Direction, NamespaceMatch, PeerKind, Pod, PodId, PolicyId, PortRef, Rule};
use crate::net::Cidr;
use crate::ports::{PortSet, Protocol};
use crate::selector::{Labels, Operator, Requirement, Selector};

/// An address region outside the cluster: the addresses of `cidr` not inside any more specific
/// range the policies mention, stood for by `representative`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutsideRange {
    pub cidr: Cidr,
    pub representative: IpAddr,
}

/// A rows × columns matrix of port sets, each cell an id into the table of distinct sets
/// ([`SetMatrix::sets`]): equal ids, equal sets.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SetMatrix {
    rows: usize,
    cols: usize,
    cells: Vec<u32>,
    sets: Vec<PortSet>,
}

impl SetMatrix {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    pub fn cols(&self) -> usize {
        self.cols
    }

    pub fn get(&self, row: usize) -> Option<SetRow<'_>> {
        if row >= self.rows {
            return None;
        }
        let start = row.checked_mul(self.cols)?;
        let cells = self.cells.get(start..start.checked_add(self.cols)?)?;
        Some(SetRow {
            cells,
            sets: &self.sets,
        })
    }

    pub fn iter(&self) -> impl Iterator<Item = SetRow<'_>> + '_ {
        (0..self.rows).filter_map(move |r| self.get(r))
    }

    pub fn cell(&self, row: usize, col: usize) -> Option<&PortSet> {
        self.get(row)?.get(col)
    }

    /// The distinct port sets the cells refer to.
    pub fn sets(&self) -> &[PortSet] {
        &self.sets
    }

    /// A matrix from plain rows (all of the same length), interning equal sets.
    pub fn from_rows(rows: Vec<Vec<PortSet>>) -> SetMatrix {
        let cols = rows.first().map_or(0, Vec::len);
        let mut ids: std::collections::BTreeMap<PortSet, u32> = Default::default();
        let mut m = SetMatrix {
            rows: rows.len(),
            cols,
            cells: Vec::with_capacity(rows.len().saturating_mul(cols)),
            sets: Vec::new(),
        };
        for row in rows {
            for set in row.into_iter().take(cols) {
                let next = m.sets.len() as u32;
                let id = *ids.entry(set.clone()).or_insert(next);
                if id == next {
                    m.sets.push(set);
                }
                m.cells.push(id);
            }
        }
        m
    }
}

/// One row of a [`SetMatrix`].
#[derive(Clone, Copy, Debug)]
pub struct SetRow<'m> {
    cells: &'m [u32],
    sets: &'m [PortSet],
}

impl<'m> SetRow<'m> {
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    pub fn get(&self, col: usize) -> Option<&'m PortSet> {
        let sets = self.sets;
        self.cells.get(col).and_then(|&id| sets.get(id as usize))
    }

    pub fn iter(&self) -> impl Iterator<Item = &'m PortSet> + 'm {
        let sets = self.sets;
        self.cells
            .iter()
            .filter_map(move |&id| sets.get(id as usize))
    }

    /// The cells as indices into [`SetMatrix::sets`] (for grouping equal sets cheaply).
    pub fn ids(&self) -> &'m [u32] {
        self.cells
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Connectivity {
    /// `class_of[pod]` — the class of each pod.
    pub class_of: Vec<usize>,
    /// Pods of each class, in pod order; classes numbered in the order of their first pod.
    pub classes: Vec<Vec<PodId>>,
    pub outside: Vec<OutsideRange>,
    /// `class_matrix.cell(a, b)`: class a → class b (distinct pods; a pod to itself is always
    /// allowed).
    pub class_matrix: SetMatrix,
    /// `to_outside.cell(class, range)` and `from_outside.cell(range, class)`.
    pub to_outside: SetMatrix,
    pub from_outside: SetMatrix,
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
        self.class_matrix.cell(ca, cb).cloned().unwrap_or_default()
    }

    /// Number of allowed (source pod, destination pod, protocol, port) tuples over distinct pods.
    pub fn allowed_triples(&self) -> u64 {
        self.weighted_pairs(PortSet::count)
    }

    /// Number of (source pod, destination pod) pairs over distinct pods allowed on one
    /// protocol and port: the triples of [`Connectivity::allowed_triples`] at that port.
    pub fn allowed_pairs_on(&self, protocol: Protocol, port: u16) -> u64 {
        self.weighted_pairs(|set| u64::from(set.contains(protocol, port)))
    }

    /// Sum over distinct pod pairs of `weight(allowed set)`.
    fn weighted_pairs(&self, weight: impl Fn(&PortSet) -> u64) -> u64 {
        let counts: Vec<u64> = self.class_matrix.sets.iter().map(weight).collect();
        let mut total = 0u64;
        for (ca, row) in self.class_matrix.iter().enumerate() {
            let na = self.classes.get(ca).map_or(0, Vec::len) as u64;
            for (cb, &id) in row.ids().iter().enumerate() {
                let count = counts.get(id as usize).copied().unwrap_or(0);
                if count == 0 {
                    continue;
                }
                let nb = self.classes.get(cb).map_or(0, Vec::len) as u64;
                let pairs = if ca == cb {
                    na * nb.saturating_sub(1)
                } else {
                    na * nb
                };
                total += pairs * count;
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

/// A label selector's content, its span left out: equal content, equal matches.
type SelectorKey<'c> = (&'c [(String, String)], &'c [Requirement]);

/// Distinct selectors (pod, namespace and policy selectors alike).
#[derive(Default)]
struct Selectors<'c> {
    ids: HashMap<SelectorKey<'c>, usize>,
    list: Vec<&'c Selector>,
}

impl<'c> Selectors<'c> {
    fn id(&mut self, s: &'c Selector) -> usize {
        let next = self.list.len();
        let id = *self
            .ids
            .entry((s.match_labels.as_slice(), s.exprs.as_slice()))
            .or_insert(next);
        if id == next {
            self.list.push(s);
        }
        id
    }

    fn matches(&self, id: usize, labels: &Labels) -> bool {
        self.list.get(id).is_some_and(|s| s.matches(labels))
    }
}

/// What a peer designates, selectors as ids: peers with equal keys match the same endpoints.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum PeerKey<'c> {
    Pods { ns: NsCond<'c>, pods: usize },
    Ip { cidr: Cidr, except: &'c [Cidr] },
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum NsCond<'c> {
    Own(&'c str),
    Selector(usize),
}

/// A rule of an isolating policy direction.
struct FlatRule<'c> {
    rule: &'c Rule,
    /// Ids into the peer table; `None`: no peer list (every peer, in or outside the cluster).
    peers: Option<Vec<usize>>,
    /// The rule's port set when no named port makes it depend on the destination pod.
    fixed: Option<u32>,
}

/// The rules of one policy, per direction, as ranges into the flat rule list (empty when the
/// policy does not isolate that direction or is disabled).
#[derive(Clone, Default)]
struct PolicyRules {
    ingress: Range<usize>,
    egress: Range<usize>,
}

/// What tells a class apart, shared by all its pods.
struct ClassSig {
    ingress: Vec<PolicyId>,
    egress: Vec<PolicyId>,
    /// Bitset over the peer table.
    peers: Vec<u64>,
    /// Index into the distinct named-port signatures.
    named: usize,
}

/// Computes the connectivity of the analysis (enabled policies only).
pub fn compute(a: &Analysis) -> Connectivity {
    if crate::admin::active(&a.cluster) {
        // Admin tiers: classes and cells through the whole tier chain (`admin.rs`).
        return crate::admin::connectivity(a);
    }
    let c = &a.cluster;
    let n = c.pods.len();
    let mut sets = SetTable::new();
    let mut sels = Selectors::default();

    // Rules of every isolating policy direction; their peers, deduplicated.
    let mut peer_ids: HashMap<PeerKey<'_>, usize> = HashMap::new();
    let mut peers: Vec<PeerKey<'_>> = Vec::new();
    let mut rules: Vec<FlatRule<'_>> = Vec::new();
    let mut rules_of: Vec<PolicyRules> = Vec::with_capacity(c.policies.len());
    let mut policy_selector: Vec<usize> = Vec::with_capacity(c.policies.len());
    for p in &c.policies {
        policy_selector.push(sels.id(&p.pod_selector));
        let mut pr = PolicyRules::default();
        for dir in [Direction::Ingress, Direction::Egress] {
            if !p.affects(dir) {
                continue;
            }
            let start = rules.len();
            for rule in p.rules(dir) {
                let ids = rule.peers.as_ref().map(|list| {
                    list.iter()
                        .map(|peer| {
                            let key = match &peer.kind {
                                PeerKind::Pods { namespaces, pods } => PeerKey::Pods {
                                    ns: match namespaces {
                                        NamespaceMatch::Own(ns) => NsCond::Own(ns.as_str()),
                                        NamespaceMatch::Selector(s) => NsCond::Selector(sels.id(s)),
                                    },
                                    pods: sels.id(pods),
                                },
                                PeerKind::IpBlock { cidr, except } => PeerKey::Ip {
                                    cidr: *cidr,
                                    except: except.as_slice(),
                                },
                            };
                            let next = peers.len();
                            let id = *peer_ids.entry(key).or_insert(next);
                            if id == next {
                                peers.push(key);
                            }
                            id
                        })
                        .collect()
                });
                let named = rule
                    .ports
                    .iter()
                    .flatten()
                    .any(|e| matches!(e.port, PortRef::Named(_)));
                let fixed = (!named).then(|| sets.intern(rule_ports(rule, None)));
                rules.push(FlatRule {
                    rule,
                    peers: ids,
                    fixed,
                });
            }
            match dir {
                Direction::Ingress => pr.ingress = start..rules.len(),
                Direction::Egress => pr.egress = start..rules.len(),
            }
        }
        rules_of.push(pr);
    }
    let pw = words(peers.len());

    // Names used by named ports anywhere: only these container port names matter.
    let mut port_names: BTreeSet<(&str, Protocol)> = BTreeSet::new();
    for p in &c.policies {
        for rule in p.ingress.iter().chain(p.egress.iter()) {
            for e in rule.ports.iter().flatten() {
                if let PortRef::Named(nm) = &e.port {
                    port_names.insert((nm.as_str(), e.protocol));
                }
            }
        }
    }

    // Selectors filed under a label they require: a `matchLabels` entry (k, v), else an `In`
    // requirement (under (k, v) for each listed v), else an `Exists` requirement (under k).
    // A label set has one value per key, so it meets each selector at most once: only those
    // filed under one of its labels or keys, and those requiring none (`always`).
    let mut by_label: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    let mut by_key: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut always: Vec<usize> = Vec::new();
    for (i, s) in sels.list.iter().enumerate() {
        let is_in = |r: &&Requirement| r.op == Operator::In;
        let exists = |r: &&Requirement| r.op == Operator::Exists;
        if let Some((k, v)) = s.match_labels.first() {
            by_label.entry((k, v)).or_default().push(i);
        } else if let Some(r) = s.exprs.iter().find(is_in) {
            for v in &r.values {
                by_label.entry((&r.key, v)).or_default().push(i);
            }
        } else if let Some(r) = s.exprs.iter().find(exists) {
            by_key.entry(&r.key).or_default().push(i);
        } else {
            always.push(i);
        }
    }
    let mut selector_peers: Vec<Vec<usize>> = vec![Vec::new(); sels.list.len()];
    let mut ip_peers: Vec<(usize, Cidr, &[Cidr])> = Vec::new();
    for (pi, key) in peers.iter().enumerate() {
        match *key {
            PeerKey::Pods { pods, .. } => {
                if let Some(v) = selector_peers.get_mut(pods) {
                    v.push(pi);
                }
            }
            PeerKey::Ip { cidr, except } => ip_peers.push((pi, cidr, except)),
        }
    }

    // Per namespace of a pod: the peers whose namespace condition it meets.
    let empty = Labels::new();
    let mut ns_bits: HashMap<&str, Vec<u64>> = HashMap::new();
    for pod in &c.pods {
        if ns_bits.contains_key(pod.namespace.as_str()) {
            continue;
        }
        let labels = a.index.ns_labels(&pod.namespace).unwrap_or(&empty);
        let mut memo: HashMap<usize, bool> = HashMap::new();
        let mut bits = vec![0u64; pw];
        for (pi, key) in peers.iter().enumerate() {
            let ok = match *key {
                PeerKey::Pods {
                    ns: NsCond::Own(ns),
                    ..
                } => ns == pod.namespace,
                PeerKey::Pods {
                    ns: NsCond::Selector(s),
                    ..
                } => *memo.entry(s).or_insert_with(|| sels.matches(s, labels)),
                PeerKey::Ip { .. } => false,
            };
            if ok {
                set_bit(&mut bits, pi);
            }
        }
        ns_bits.insert(pod.namespace.as_str(), bits);
    }

    // Pods grouped by label set: selectors are evaluated once per group.
    let mut label_group: HashMap<&Labels, usize> = HashMap::new();
    let mut groups: Vec<Vec<PodId>> = Vec::new();
    for (pid, pod) in c.pods.iter().enumerate() {
        let next = groups.len();
        let g = *label_group.entry(&pod.labels).or_insert(next);
        if g == next {
            groups.push(Vec::new());
        }
        if let Some(v) = groups.get_mut(g) {
            v.push(pid);
        }
    }

    // Signatures: (isolating ingress, isolating egress, peers) is shared by the pods of one
    // namespace and label set (and IPs); named ports are per pod.
    type Base = (Vec<PolicyId>, Vec<PolicyId>, Vec<u64>);
    let mut base_ids: HashMap<Base, usize> = HashMap::new();
    let mut named_ids: HashMap<Vec<Option<u16>>, usize> = HashMap::new();
    let mut named_rep: Vec<PodId> = Vec::new();
    let mut sig_of_pod: Vec<(usize, usize)> = vec![(0, 0); n];
    let mut hit = vec![false; sels.list.len()];
    let mut matched: Vec<usize> = Vec::new();
    for group in &groups {
        let Some(labels) = group
            .first()
            .and_then(|&p| c.pods.get(p))
            .map(|p| &p.labels)
        else {
            continue;
        };
        matched.clear();
        let keyed = labels.iter().flat_map(|(k, v)| {
            let pairs = by_label.get(&(k.as_str(), v.as_str()));
            pairs.into_iter().chain(by_key.get(k.as_str())).flatten()
        });
        for &s in always.iter().chain(keyed) {
            if sels.matches(s, labels) {
                matched.push(s);
            }
        }
        let mut label_bits = vec![0u64; pw];
        for &s in &matched {
            if let Some(h) = hit.get_mut(s) {
                *h = true;
            }
            for &pi in selector_peers.get(s).into_iter().flatten() {
                set_bit(&mut label_bits, pi);
            }
        }
        let mut local: HashMap<(&str, &[IpAddr]), usize> = HashMap::new();
        for &pid in group {
            let Some(pod) = c.pods.get(pid) else {
                continue;
            };
            let key = (pod.namespace.as_str(), pod.ips.as_slice());
            let base =
                match local.get(&key) {
                    Some(&b) => b,
                    None => {
                        let isolating = |dir: Direction| -> Vec<PolicyId> {
                            a.index
                                .policies_by_ns
                                .get(&pod.namespace)
                                .into_iter()
                                .flatten()
                                .copied()
                                .filter(|&id| {
                                    c.policies.get(id).is_some_and(|p| p.affects(dir))
                                        && policy_selector
                                            .get(id)
                                            .is_some_and(|&s| hit.get(s) == Some(&true))
                                })
                                .collect()
                        };
                        let mut bits = label_bits.clone();
                        match ns_bits.get(pod.namespace.as_str()) {
                            Some(nb) => bits.iter_mut().zip(nb).for_each(|(b, m)| *b &= m),
                            None => bits.iter_mut().for_each(|b| *b = 0),
                        }
                        // ipBlock peers match pods whose IPs the manifests give; a dual-stack pod
                        // matches when any of its addresses does (as `evaluate::peer_match`).
                        for &(pi, cidr, except) in &ip_peers {
                            if pod.ips.iter().any(|&ip| {
                                cidr.contains(ip) && !except.iter().any(|e| e.contains(ip))
                            }) {
                                set_bit(&mut bits, pi);
                            }
                        }
                        let sig = (
                            isolating(Direction::Ingress),
                            isolating(Direction::Egress),
                            bits,
                        );
                        let next = base_ids.len();
                        let b = *base_ids.entry(sig).or_insert(next);
                        local.insert(key, b);
                        b
                    }
                };
            let named_sig: Vec<Option<u16>> = port_names
                .iter()
                .map(|&(nm, proto)| pod.named_port(nm, proto))
                .collect();
            let next = named_ids.len();
            let named = *named_ids.entry(named_sig).or_insert(next);
            if named == next {
                named_rep.push(pid);
            }
            if let Some(s) = sig_of_pod.get_mut(pid) {
                *s = (base, named);
            }
        }
        for &s in &matched {
            if let Some(h) = hit.get_mut(s) {
                *h = false;
            }
        }
    }
    let mut base_list: Vec<Option<Base>> = vec![None; base_ids.len()];
    for (sig, id) in base_ids {
        if let Some(slot) = base_list.get_mut(id) {
            *slot = Some(sig);
        }
    }

    // Classes, numbered in the order of their first pod.
    let mut class_index: HashMap<(usize, usize), usize> = HashMap::new();
    let mut classes: Vec<Vec<PodId>> = Vec::new();
    let mut class_sig: Vec<ClassSig> = Vec::new();
    let mut class_of = Vec::with_capacity(n);
    for (pid, &(base, named)) in sig_of_pod.iter().enumerate() {
        let next = classes.len();
        let ci = *class_index.entry((base, named)).or_insert(next);
        if ci == next {
            let (ingress, egress, peers) =
                base_list.get(base).cloned().flatten().unwrap_or_default();
            classes.push(Vec::new());
            class_sig.push(ClassSig {
                ingress,
                egress,
                peers,
                named,
            });
        }
        if let Some(cl) = classes.get_mut(ci) {
            cl.push(pid);
        }
        class_of.push(ci);
    }
    let k = classes.len();

    // The outside ranges, and the ipBlock peers matching each range's representative (a range's
    // peer bitset, as a class has one).
    let outside = outside_ranges(a);
    let nr = outside.len();
    let range_bits: Vec<Vec<u64>> = outside
        .iter()
        .map(|r| {
            let ip = r.representative;
            let mut bits = vec![0u64; pw];
            for &(pi, cidr, except) in &ip_peers {
                if cidr.contains(ip) && !except.iter().any(|e| e.contains(ip)) {
                    set_bit(&mut bits, pi);
                }
            }
            bits
        })
        .collect();

    // The classes (and the outside ranges) each rule's peers match, from their peer bitsets.
    let rule_classes = rule_slots(&rules, peers.len(), class_sig.iter().map(|s| &s.peers[..]));
    let rule_ranges = rule_slots(&rules, peers.len(), range_bits.iter().map(|b| &b[..]));
    let flat = FlatRules {
        rules: &rules,
        rules_of: &rules_of,
    };
    let mut ports = RulePorts {
        a,
        named_rep: &named_rep,
        memo: FxMap::default(),
    };
    // The entries of a row or a column: the rule union of `evaluate` over `policies`, with every
    // class (`slots` = `rule_classes`) or every outside range (`rule_ranges`) as the other end,
    // named ports resolved on the destination's named-port signature (`named`).
    let union = |sets: &mut SetTable,
                 ports: &mut RulePorts<'_>,
                 policies: &[PolicyId],
                 dir: Direction,
                 slots: &[Vec<u32>],
                 named: Named<'_>,
                 acc: &mut [u32]| {
        let mut matcher = ClassPeers {
            flat: &flat,
            dir,
            slots,
            all: acc.len(),
        };
        let mut interned = InternedPorts {
            sets,
            ports,
            flat: &flat,
            dir,
            named,
            last: None,
        };
        rule_union(c, policies, dir, &mut matcher, &mut interned, acc);
    };
    let class_named: Vec<usize> = class_sig.iter().map(|s| s.named).collect();

    // Ingress columns, one per distinct (isolating ingress policies, named ports), stored
    // transposed (`ing[source class][column]`) so the cell loop reads one row at a time.
    let mut col_index: HashMap<(&[PolicyId], usize), usize> = HashMap::new();
    let mut col_keys: Vec<(&[PolicyId], usize)> = Vec::new();
    let col_of: Vec<Option<usize>> = class_sig
        .iter()
        .map(|s| {
            if s.ingress.is_empty() {
                return None;
            }
            let key = (s.ingress.as_slice(), s.named);
            let next = col_keys.len();
            let col = *col_index.entry(key).or_insert(next);
            if col == next {
                col_keys.push(key);
            }
            Some(col)
        })
        .collect();
    let nc = col_keys.len();
    let mut ing = vec![NONE; k.saturating_mul(nc)];
    let mut ing_out = vec![NONE; nr.saturating_mul(nc)];
    let mut column = vec![NONE; k];
    for (col, &(policies, named)) in col_keys.iter().enumerate() {
        // Ingress: named ports resolve on the destination, the column's own pods.
        let named = Named::Fixed(Some(named));
        union(
            &mut sets,
            &mut ports,
            policies,
            Direction::Ingress,
            &rule_classes,
            named,
            &mut column,
        );
        // Strided writes: only the non-empty entries (`ing` starts empty).
        for (src, &set) in column.iter().enumerate().filter(|(_, &s)| s != NONE) {
            if let Some(cell) = ing.get_mut(src * nc + col) {
                *cell = set;
            }
        }
        if let Some(out) = ing_out.get_mut(col * nr..(col + 1) * nr) {
            union(
                &mut sets,
                &mut ports,
                policies,
                Direction::Ingress,
                &rule_ranges,
                named,
                out,
            );
        }
    }

    // Egress rows, one per distinct set of isolating egress policies, then the cells of every
    // class sharing that row.
    let mut row_members: Vec<(&[PolicyId], Vec<usize>)> = Vec::new();
    let mut row_index: HashMap<&[PolicyId], usize> = HashMap::new();
    let mut open: Vec<usize> = Vec::new();
    for (ci, s) in class_sig.iter().enumerate() {
        if s.egress.is_empty() {
            open.push(ci);
            continue;
        }
        let next = row_members.len();
        let r = *row_index.entry(s.egress.as_slice()).or_insert(next);
        if r == next {
            row_members.push((s.egress.as_slice(), Vec::new()));
        }
        if let Some((_, m)) = row_members.get_mut(r) {
            m.push(ci);
        }
    }
    let mut cells = vec![NONE; k.saturating_mul(k)];
    let mut to_out = vec![ALL; k.saturating_mul(nr)];
    let mut row = vec![NONE; k];
    let mut row_out = vec![NONE; nr];
    let fill = |sets: &mut SetTable, src: usize, row: &[u32], cells: &mut [u32]| {
        let ing_row = ing.get(src * nc..(src + 1) * nc).unwrap_or(&[]);
        let Some(out) = cells.get_mut(src * k..(src + 1) * k) else {
            return;
        };
        for ((cell, &eg), col) in out.iter_mut().zip(row).zip(&col_of) {
            if eg == NONE {
                continue;
            }
            let ingress = match col {
                None => ALL,
                Some(col) => ing_row.get(*col).copied().unwrap_or(NONE),
            };
            *cell = sets.intersect(eg, ingress);
        }
    };
    let all_row = vec![ALL; k];
    for &src in &open {
        fill(&mut sets, src, &all_row, &mut cells);
    }
    for (policies, members) in &row_members {
        // Egress: named ports resolve on the destination, each class's own; an outside
        // address has none.
        union(
            &mut sets,
            &mut ports,
            policies,
            Direction::Egress,
            &rule_classes,
            Named::PerSlot(&class_named),
            &mut row,
        );
        union(
            &mut sets,
            &mut ports,
            policies,
            Direction::Egress,
            &rule_ranges,
            Named::Fixed(None),
            &mut row_out,
        );
        for &src in members {
            fill(&mut sets, src, &row, &mut cells);
            if let Some(out) = to_out.get_mut(src * nr..(src + 1) * nr) {
                out.copy_from_slice(&row_out);
            }
        }
    }

    // From outside: the ingress column of each destination class, or everything when no
    // policy isolates its ingress.
    let mut from_out = vec![ALL; nr.saturating_mul(k)];
    for (ci, col) in col_of.iter().enumerate() {
        let Some(col) = col else { continue };
        for j in 0..nr {
            if let (Some(cell), Some(&v)) =
                (from_out.get_mut(j * k + ci), ing_out.get(col * nr + j))
            {
                *cell = v;
            }
        }
    }

    let sets = sets.into_sets();
    Connectivity {
        class_of,
        classes,
        outside,
        class_matrix: SetMatrix {
            rows: k,
            cols: k,
            cells,
            sets: sets.clone(),
        },
        to_outside: SetMatrix {
            rows: k,
            cols: nr,
            cells: to_out,
            sets: sets.clone(),
        },
        from_outside: SetMatrix {
            rows: nr,
            cols: k,
            cells: from_out,
            sets,
        },
    }
}

/// The flat rule list, addressed as the model addresses rules: (policy, direction, rule index).
struct FlatRules<'x, 'c> {
    rules: &'x [FlatRule<'c>],
    rules_of: &'x [PolicyRules],
}

impl FlatRules<'_, '_> {
    /// Index into the flat rule list of rule `ri` of `policy` in `dir`.
    fn index(&self, policy: PolicyId, dir: Direction, ri: usize) -> Option<usize> {
        let pr = self.rules_of.get(policy)?;
        let range = match dir {
            Direction::Ingress => &pr.ingress,
            Direction::Egress => &pr.egress,
        };
        let i = range.start.checked_add(ri)?;
        (i < range.end).then_some(i)
    }
}

/// For each flat rule, the slots (classes or outside ranges, given by their peer bitsets) that
/// some peer of the rule matches, ascending.
fn rule_slots<'b>(
    rules: &[FlatRule<'_>],
    npeers: usize,
    bitsets: impl Iterator<Item = &'b [u64]>,
) -> Vec<Vec<u32>> {
    let mut peer_rules: Vec<Vec<usize>> = vec![Vec::new(); npeers];
    for (ri, r) in rules.iter().enumerate() {
        for &p in r.peers.iter().flatten() {
            if let Some(v) = peer_rules.get_mut(p) {
                v.push(ri);
            }
        }
    }
    let mut out: Vec<Vec<u32>> = vec![Vec::new(); rules.len()];
    let mut stamp: Vec<usize> = vec![usize::MAX; rules.len()];
    for (slot, bits) in bitsets.enumerate() {
        for p in ones(bits) {
            for &ri in peer_rules.get(p).into_iter().flatten() {
                if let (Some(st), Some(v)) = (stamp.get_mut(ri), out.get_mut(ri)) {
                    if *st != slot {
                        *st = slot;
                        v.push(slot as u32);
                    }
                }
            }
        }
    }
    out
}

/// The fast path's [`PeerMatcher`]: a rule matches the slots its peers' bits are set in
/// ([`rule_slots`], from the classes' or ranges' peer bitsets); a rule without a peer list
/// matches every slot.
struct ClassPeers<'x, 'c> {
    flat: &'x FlatRules<'x, 'c>,
    dir: Direction,
    slots: &'x [Vec<u32>],
    all: usize,
}

impl<'c> PeerMatcher<'c> for ClassPeers<'_, '_> {
    fn matches(&mut self, policy: PolicyId, ri: usize, rule: &'c Rule, out: &mut Vec<usize>) {
        match &rule.peers {
            None => out.extend(0..self.all),
            Some(_) => {
                let hits = self
                    .flat
                    .index(policy, self.dir, ri)
                    .and_then(|i| self.slots.get(i));
                out.extend(hits.into_iter().flatten().map(|&s| s as usize));
            }
        }
    }
}

/// The destination's named-port signature: one for every slot (ingress: the column's pods;
/// egress to outside: `None`), or per slot (egress: each destination class's).
#[derive(Clone, Copy)]
enum Named<'x> {
    Fixed(Option<usize>),
    PerSlot(&'x [usize]),
}

/// A rule (policy, rule index) toward a destination named-port signature.
type RuleAt = (PolicyId, usize, Option<usize>);

/// Interned port sets for [`rule_union`]: a rule's ports toward a destination named-port
/// signature, memoised per (rule, signature); unions memoised by the [`SetTable`].
struct InternedPorts<'x, 'a, 'c> {
    sets: &'x mut SetTable,
    ports: &'x mut RulePorts<'a>,
    flat: &'x FlatRules<'x, 'c>,
    dir: Direction,
    named: Named<'x>,
    /// The last rule looked up and its set.
    last: Option<(RuleAt, u32)>,
}

impl RulePortSets for InternedPorts<'_, '_, '_> {
    type Set = u32;

    fn none(&mut self) -> u32 {
        NONE
    }

    fn is_all(&self, set: &u32) -> bool {
        *set == ALL
    }

    fn rule(&mut self, policy: PolicyId, ri: usize, rule: &Rule, slot: usize) -> u32 {
        let named = match self.named {
            Named::Fixed(n) => n,
            Named::PerSlot(list) => list.get(slot).copied(),
        };
        // A rule meets its slots one after the other: look it up once.
        let key = (policy, ri, named);
        if let Some((k, set)) = self.last {
            if k == key {
                return set;
            }
        }
        let set = match self
            .flat
            .index(policy, self.dir, ri)
            .and_then(|i| Some((i, self.flat.rules.get(i)?)))
        {
            Some((i, flat)) => self.ports.of(self.sets, flat, i, named),
            // Every rule of an isolating direction is in the flat list; kept total.
            None => self
                .sets
                .intern(rule_ports(rule, self.ports.destination(named))),
        };
        self.last = Some((key, set));
        set
    }

    fn add(&mut self, acc: &mut u32, add: u32) {
        *acc = self.sets.union(*acc, add);
    }
}

/// Port sets of rules toward destinations, interned; a rule with named ports is resolved once
/// per distinct named-port signature of the destination.
struct RulePorts<'a> {
    a: &'a Analysis,
    named_rep: &'a [PodId],
    memo: FxMap<(usize, usize), u32>,
}

impl RulePorts<'_> {
    /// A pod with the named-port signature `named` (`None`: an address outside).
    fn destination(&self, named: Option<usize>) -> Option<&Pod> {
        named
            .and_then(|nm| self.named_rep.get(nm))
            .and_then(|&p| self.a.cluster.pods.get(p))
    }

    /// `named`: the destination's named-port signature; `None` for an address outside.
    fn of(
        &mut self,
        sets: &mut SetTable,
        r: &FlatRule<'_>,
        ri: usize,
        named: Option<usize>,
    ) -> u32 {
        if let Some(f) = r.fixed {
            return f;
        }
        let key = (ri, named.unwrap_or(usize::MAX));
        if let Some(&id) = self.memo.get(&key) {
            return id;
        }
        let id = sets.intern(rule_ports(r.rule, self.destination(named)));
        self.memo.insert(key, id);
        id
    }
}
