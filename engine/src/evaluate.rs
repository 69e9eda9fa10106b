//! Evaluation: is a connection allowed, which rule allowed it, or why each rule of each isolating
//! policy missed. Answers carry provenance as data ([`RuleRef`], [`Miss`] with every typed
//! [`Reason`]); `explanation` makes them serializable and `explain` makes prose.
//!
//! One rule walk ([`matching_rules`]) serves single verdicts ([`evaluate_direction`]: looked up at
//! one port) and port sets ([`rule_union`]: unioned), and the union serves both a pod's port set
//! ([`direction_ports`]) and the matrix fast path (`connectivity::compute`); the walk is
//! parameterised by how a peer is matched (on an endpoint, or as a bit of a class's peer set).
//!
//! The structure is one function per tier: the NetworkPolicy tier is here; when admin policies
//! exist, [`evaluate_direction`] and [`direction_ports`] run the whole chain (`crate::admin`:
//! Admin tier → NetworkPolicy tier → Baseline tier → default) around it.

use std::collections::HashMap;
use std::net::IpAddr;
use std::ops::ControlFlow;

use crate::model::{
    Cluster, Direction, NamespaceMatch, Peer, PeerKind, Pod, PodId, PolicyId, PolicyPort, PortRef,
    Rule,
};
use crate::net::Cidr;
use crate::ports::{PortSet, Protocol};
use crate::selector::{LabelMiss, Labels};
use crate::span::Span;

/// One end of a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Endpoint {
    Pod(PodId),
    /// An address outside the cluster (or any address not known as a pod's).
    External(IpAddr),
}

/// Lookup tables built once per analysis.
#[derive(Clone, Debug, Default)]
pub struct Index {
    pub namespace_labels: HashMap<String, Labels>,
    /// Enabled and disabled policies per namespace, in cluster order.
    pub policies_by_ns: HashMap<String, Vec<PolicyId>>,
}

impl Index {
    pub fn new(cluster: &Cluster) -> Index {
        let mut idx = Index::default();
        for ns in &cluster.namespaces {
            idx.namespace_labels
                .insert(ns.name.clone(), ns.labels.clone());
        }
        for (i, p) in cluster.policies.iter().enumerate() {
            idx.policies_by_ns
                .entry(p.namespace.clone())
                .or_default()
                .push(i);
        }
        idx
    }

    pub fn ns_labels(&self, ns: &str) -> Option<&Labels> {
        self.namespace_labels.get(ns)
    }
}

/// Where a decision came from: a rule, and within it the peer and port entries that matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RuleRef {
    pub policy: PolicyId,
    pub direction: Direction,
    pub rule: usize,
    /// `None`: the rule has no peer list (every peer).
    pub peer: Option<usize>,
    /// `None`: the rule has no ports list (every port).
    pub port: Option<usize>,
}

/// Why one peer of a rule did not match the other end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PeerMiss {
    /// A selector peer cannot match an address outside the cluster.
    NotAPod,
    /// `podSelector` without `namespaceSelector` only reaches the policy's own namespace.
    OtherNamespace {
        policy_ns: String,
        pod_ns: String,
    },
    NamespaceLabels {
        namespace: String,
        miss: LabelMiss,
    },
    PodLabels {
        pod: String,
        miss: LabelMiss,
    },
    NotInCidr {
        cidr: String,
    },
    Excepted {
        cidr: String,
        except: String,
    },
    /// An ipBlock against a pod whose IP the manifests do not give.
    PodHasNoIp {
        cidr: String,
    },
}

/// A policy of some tier: a NetworkPolicy (`Cluster::policies`), or an admin policy
/// (`Cluster::admin_policies`) of the Admin or the Baseline tier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(tag = "tier", content = "index")]
pub enum PolicyRef {
    NetworkPolicy(PolicyId),
    Admin(crate::admin::AdminPolicyId),
    Baseline(crate::admin::AdminPolicyId),
}

impl RuleRef {
    pub fn policy_ref(&self) -> PolicyRef {
        PolicyRef::NetworkPolicy(self.policy)
    }
}

/// What a reason of a miss is about. Closed: every way a rule can miss a flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReasonKind {
    /// A `podSelector` term the other pod's labels do not satisfy.
    PodLabel,
    /// A `namespaceSelector` term the other pod's namespace labels do not satisfy.
    NamespaceLabel,
    /// `podSelector` without `namespaceSelector`: only the policy's own namespace.
    OtherNamespace,
    /// A selector peer against an address outside the cluster.
    NotAPod,
    /// An ipBlock whose CIDR does not contain the address.
    Ipblock,
    /// An ipBlock whose `except` contains the address.
    IpblockExcept,
    /// An ipBlock against a pod whose IP the manifests do not give.
    PodHasNoIp,
    /// A numeric port entry (or range) that does not contain the port.
    Port,
    /// A named port the destination pod does not define (for that protocol).
    NamedPortUndefined,
    /// A named port that resolves to another number on the destination pod.
    NamedPortOther,
    /// A port entry of another protocol.
    Protocol,
    /// The policy has no rules in this direction: it allows nothing.
    NoRules,
}

impl ReasonKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonKind::PodLabel => "pod-label",
            ReasonKind::NamespaceLabel => "namespace-label",
            ReasonKind::OtherNamespace => "other-namespace",
            ReasonKind::NotAPod => "not-a-pod",
            ReasonKind::Ipblock => "ipblock",
            ReasonKind::IpblockExcept => "ipblock-except",
            ReasonKind::PodHasNoIp => "pod-has-no-ip",
            ReasonKind::Port => "port",
            ReasonKind::NamedPortUndefined => "named-port-undefined",
            ReasonKind::NamedPortOther => "named-port-other",
            ReasonKind::Protocol => "protocol",
            ReasonKind::NoRules => "no-rules",
        }
    }

    /// Smaller is nearer (orders misses in explanations: a port slip before a wrong namespace).
    fn distance(self) -> usize {
        match self {
            ReasonKind::Port
            | ReasonKind::NamedPortOther
            | ReasonKind::NamedPortUndefined
            | ReasonKind::Protocol => 0,
            ReasonKind::PodLabel => 1,
            ReasonKind::NamespaceLabel | ReasonKind::IpblockExcept => 2,
            ReasonKind::OtherNamespace => 3,
            ReasonKind::Ipblock | ReasonKind::PodHasNoIp => 4,
            ReasonKind::NotAPod => 5,
            ReasonKind::NoRules => 6,
        }
    }

    pub fn is_port(self) -> bool {
        matches!(
            self,
            ReasonKind::Port
                | ReasonKind::NamedPortOther
                | ReasonKind::NamedPortUndefined
                | ReasonKind::Protocol
        )
    }
}

/// One reason a rule missed: what the rule asked for, what the flow had, and where the rule
/// says it (the `matchLabels` entry, the `matchExpressions` item, the port entry, ...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    pub kind: ReasonKind,
    /// `app=api`, `9090`, `10.0.0.0/8`, ...
    pub expected: String,
    /// `app=frontend`, `8080`, `10.1.2.3`, ...
    pub found: String,
    pub span: Span,
    /// The peer (`from`/`to` item) the reason is about.
    pub peer: Option<usize>,
    /// The `ports` entry the reason is about.
    pub port: Option<usize>,
    /// Who was looked at: the pod, namespace or address (for prose).
    pub subject: String,
    /// The port name, for named-port reasons.
    pub port_name: Option<String>,
}

/// One (isolating policy, rule) that did not allow the flow, with every reason it missed.
/// `rule: None` — the policy has no rules in this direction (one reason, `no-rules`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Miss {
    pub policy: PolicyRef,
    pub rule: Option<usize>,
    /// The rule, or the policy when `rule` is `None`.
    pub span: Span,
    pub reasons: Vec<Reason>,
}

impl Miss {
    /// Nearest first: fewest reasons, then the nearest kind.
    fn distance(&self) -> (usize, usize) {
        (
            self.reasons.len(),
            self.reasons
                .iter()
                .map(|r| r.kind.distance())
                .min()
                .unwrap_or(9),
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The other end is outside the cluster, so this end's direction is not asked.
    NotAsked,
    /// A pod reaching itself: always allowed.
    SelfTraffic,
    /// No policy isolates the pod in this direction.
    NotIsolated,
    Allowed {
        isolating: Vec<PolicyId>,
        by: RuleRef,
    },
    Denied {
        isolating: Vec<PolicyId>,
        /// One per (isolating policy, rule), policies in order, nearest rule first.
        misses: Vec<Miss>,
    },
    /// Admin tiers took part: an Admin or Baseline rule decided, or passed the flow on to the
    /// NetworkPolicy tier or the default (or a caveat applies). Never produced without admin
    /// policies.
    Tiered(Box<crate::admin::Tiered>),
}

impl Outcome {
    pub fn allowed(&self) -> bool {
        match self {
            Outcome::Denied { .. } => false,
            Outcome::Tiered(t) => t.allowed(),
            _ => true,
        }
    }
}

/// A direction's port set, with the rules it came from (for graphs and matrices).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirectionPorts {
    pub isolated: bool,
    pub ports: PortSet,
}

/// The policies isolating `pod` for `dir` (NetworkPolicy tier), in cluster order.
pub fn isolating(cluster: &Cluster, index: &Index, pod: &Pod, dir: Direction) -> Vec<PolicyId> {
    index
        .policies_by_ns
        .get(&pod.namespace)
        .map(|ids| {
            ids.iter()
                .copied()
                .filter(|&id| {
                    cluster
                        .policies
                        .get(id)
                        .is_some_and(|p| p.selects_for(pod, dir))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Does peer `peer_idx` of `rule` match `other`? `Ok(())` or the reason it does not.
pub fn peer_match(
    cluster: &Cluster,
    index: &Index,
    kind: &PeerKind,
    other: Endpoint,
) -> Result<(), PeerMiss> {
    match kind {
        PeerKind::Pods { namespaces, pods } => {
            let Endpoint::Pod(id) = other else {
                return Err(PeerMiss::NotAPod);
            };
            let Some(pod) = cluster.pods.get(id) else {
                return Err(PeerMiss::NotAPod);
            };
            match namespaces {
                NamespaceMatch::Own(ns) => {
                    if *ns != pod.namespace {
                        return Err(PeerMiss::OtherNamespace {
                            policy_ns: ns.clone(),
                            pod_ns: pod.namespace.clone(),
                        });
                    }
                }
                NamespaceMatch::Selector(sel) => {
                    let empty = Labels::new();
                    let labels = index.ns_labels(&pod.namespace).unwrap_or(&empty);
                    if let Some(miss) = sel.first_miss(labels) {
                        return Err(PeerMiss::NamespaceLabels {
                            namespace: pod.namespace.clone(),
                            miss,
                        });
                    }
                }
            }
            match pods.first_miss(&pod.labels) {
                None => Ok(()),
                Some(miss) => Err(PeerMiss::PodLabels {
                    pod: pod.qualified(),
                    miss,
                }),
            }
        }
        PeerKind::IpBlock { cidr, except } => match ip_block_miss(cluster, cidr, except, other) {
            None => Ok(()),
            Some(IpMiss::NoIp) => Err(PeerMiss::PodHasNoIp {
                cidr: cidr.to_string(),
            }),
            Some(IpMiss::NotInCidr) => Err(PeerMiss::NotInCidr {
                cidr: cidr.to_string(),
            }),
            Some(IpMiss::Excepted(e)) => Err(PeerMiss::Excepted {
                cidr: cidr.to_string(),
                except: e.to_string(),
            }),
        },
    }
}

/// Why an ipBlock does not match an endpoint.
enum IpMiss {
    /// A pod whose IP the manifests do not give.
    NoIp,
    NotInCidr,
    /// Inside the CIDR, but inside this `except` too.
    Excepted(Cidr),
}

/// The addresses an endpoint has: the address itself, or the pod's `status.podIPs`.
pub(crate) fn endpoint_ips(cluster: &Cluster, other: Endpoint) -> Vec<IpAddr> {
    match other {
        Endpoint::External(ip) => vec![ip],
        Endpoint::Pod(id) => cluster
            .pods
            .get(id)
            .map(|p| p.ips.clone())
            .unwrap_or_default(),
    }
}

fn ip_block_miss(
    cluster: &Cluster,
    cidr: &Cidr,
    except: &[Cidr],
    other: Endpoint,
) -> Option<IpMiss> {
    let ips = endpoint_ips(cluster, other);
    if ips.is_empty() {
        return Some(IpMiss::NoIp);
    }
    // A pod with several IPs (dual stack) matches when any of its addresses does.
    let mut last = IpMiss::NotInCidr;
    for ip in ips {
        if !cidr.contains(ip) {
            continue;
        }
        match except.iter().find(|e| e.contains(ip)) {
            None => return None,
            Some(e) => last = IpMiss::Excepted(*e),
        }
    }
    Some(last)
}

/// The ports a port entry opens toward `dst` (named ports resolve on the destination pod).
pub fn entry_ports(entry: &PolicyPort, dst: Option<&Pod>) -> PortSet {
    let mut set = PortSet::none();
    match &entry.port {
        PortRef::All => set.add_all(entry.protocol),
        PortRef::Range(lo, hi) => set.add(entry.protocol, *lo, *hi),
        PortRef::Named(name) => {
            if let Some(p) = dst.and_then(|d| d.named_port(name, entry.protocol)) {
                set.add(entry.protocol, p, p);
            }
        }
    }
    set
}

/// A port entry of a rule of any tier: the ports it opens toward a destination pod.
pub(crate) trait PortEntry {
    fn ports(&self, dst: Option<&Pod>) -> PortSet;
}

impl PortEntry for PolicyPort {
    fn ports(&self, dst: Option<&Pod>) -> PortSet {
        entry_ports(self, dst)
    }
}

/// The ports a rule's port list opens toward `dst` (`None`: no list, every port).
pub(crate) fn entries_ports<E: PortEntry>(entries: Option<&[E]>, dst: Option<&Pod>) -> PortSet {
    match entries {
        None => PortSet::all(),
        Some(entries) => {
            let mut set = PortSet::none();
            for e in entries {
                set.union(&e.ports(dst));
            }
            set
        }
    }
}

/// The port entry of a rule's port list that admits `port`: `Some(None)` when there is no list
/// (every port), `Some(Some(i))` for the first entry that does, `None` when none does.
pub(crate) fn entry_at<E: PortEntry>(
    entries: Option<&[E]>,
    dst: Option<&Pod>,
    protocol: Protocol,
    port: u16,
) -> Option<Option<usize>> {
    match entries {
        None => Some(None),
        Some(entries) => entries
            .iter()
            .position(|e| e.ports(dst).contains(protocol, port))
            .map(Some),
    }
}

/// The ports a rule opens toward `dst`, ignoring peers.
pub fn rule_ports(rule: &Rule, dst: Option<&Pod>) -> PortSet {
    entries_ports(rule.ports.as_deref(), dst)
}

/// Which peer of `rule` matches `other`: `Some(None)` when the rule has no peer list (every
/// peer), `Some(Some(i))` for the first matching peer, `None` when no peer matches.
pub fn matching_peer(
    cluster: &Cluster,
    index: &Index,
    rule: &Rule,
    other: Endpoint,
) -> Option<Option<usize>> {
    match &rule.peers {
        None => Some(None),
        Some(peers) => peers
            .iter()
            .position(|p| peer_match(cluster, index, &p.kind, other).is_ok())
            .map(Some),
    }
}

/// True when some peer of the rule matches `other` (or the rule has no peer list).
pub fn rule_peer_matches(cluster: &Cluster, index: &Index, rule: &Rule, other: Endpoint) -> bool {
    matching_peer(cluster, index, rule, other).is_some()
}

/// The pod on which named ports resolve: the subject on ingress, the other end on egress
/// (`None` for an outside address, where a named port means nothing). Every tier alike.
pub(crate) fn destination_pod<'c>(
    cluster: &'c Cluster,
    subject: &'c Pod,
    dir: Direction,
    other: Endpoint,
) -> Option<&'c Pod> {
    match dir {
        Direction::Ingress => Some(subject),
        Direction::Egress => match other {
            Endpoint::Pod(id) => cluster.pods.get(id),
            Endpoint::External(_) => None,
        },
    }
}

/// How the rule walk matches peers: which of the other ends it is asked about ("slots") the
/// peers of a rule match.
pub(crate) trait PeerMatcher<'c> {
    /// Pushes onto `out` every slot whose end some peer of rule `ri` of `policy` matches (every
    /// slot when the rule has no peer list).
    fn matches(&mut self, policy: PolicyId, ri: usize, rule: &'c Rule, out: &mut Vec<usize>);
}

/// One other end, slot 0, matched with [`peer_match`] (single verdicts and a pod's port sets).
pub(crate) struct EndpointPeers<'c> {
    pub cluster: &'c Cluster,
    pub index: &'c Index,
    pub other: Endpoint,
}

impl<'c> PeerMatcher<'c> for EndpointPeers<'_> {
    fn matches(&mut self, _: PolicyId, _: usize, rule: &'c Rule, out: &mut Vec<usize>) {
        if rule_peer_matches(self.cluster, self.index, rule, self.other) {
            out.push(0);
        }
    }
}

/// The one rule walk of the NetworkPolicy tier: visits, in order, every rule of every policy in
/// `iso` (the policies isolating the subject for `dir`) with each slot (other end) its peers
/// match, as the `matcher` says: [`EndpointPeers`] for one endpoint, the classes' peer bitsets
/// on the matrix fast path (`connectivity::compute`, every class or outside range at once). The
/// visitor stops the walk with `ControlFlow::Break`.
pub(crate) fn matching_rules<'c>(
    cluster: &'c Cluster,
    iso: &[PolicyId],
    dir: Direction,
    matcher: &mut impl PeerMatcher<'c>,
    mut visit: impl FnMut(PolicyId, usize, &'c Rule, usize) -> ControlFlow<()>,
) {
    let mut slots = Vec::new();
    for &id in iso {
        let Some(policy) = cluster.policies.get(id) else {
            continue;
        };
        for (ri, rule) in policy.rules(dir).iter().enumerate() {
            slots.clear();
            matcher.matches(id, ri, rule, &mut slots);
            for &slot in &slots {
                if visit(id, ri, rule, slot).is_break() {
                    return;
                }
            }
        }
    }
}

/// The port-set arithmetic a rule union is written against: owned [`PortSet`]s toward one
/// destination pod ([`PlainPorts`]), or interned ids with memoised unions on the matrix fast path.
pub(crate) trait RulePortSets {
    type Set;
    fn none(&mut self) -> Self::Set;
    fn is_all(&self, set: &Self::Set) -> bool;
    /// The ports rule `ri` of `policy` opens toward the destination of `slot` (named ports
    /// resolved there).
    fn rule(&mut self, policy: PolicyId, ri: usize, rule: &Rule, slot: usize) -> Self::Set;
    /// `acc ∪= add`.
    fn add(&mut self, acc: &mut Self::Set, add: Self::Set);
}

/// Owned port sets, named ports resolved on `dst` (`None`: an address outside the cluster).
pub(crate) struct PlainPorts<'c> {
    pub dst: Option<&'c Pod>,
}

impl RulePortSets for PlainPorts<'_> {
    type Set = PortSet;

    fn none(&mut self) -> PortSet {
        PortSet::none()
    }

    fn is_all(&self, set: &PortSet) -> bool {
        set.is_all()
    }

    fn rule(&mut self, _: PolicyId, _: usize, rule: &Rule, _: usize) -> PortSet {
        rule_ports(rule, self.dst)
    }

    fn add(&mut self, acc: &mut PortSet, add: PortSet) {
        acc.union(&add);
    }
}

/// The one rule union of the NetworkPolicy tier (a direction `iso` isolates): sets each slot of
/// `acc` to the union of the ports of every rule whose peers match it ([`matching_rules`]); a slot is left
/// alone once every port is open, and the walk stops when all are. A pod's port set
/// ([`np_direction_ports`], one slot) and the matrix fast path (`connectivity::compute`: a
/// row's or column's classes and outside ranges as slots) are this function.
pub(crate) fn rule_union<'c, S: RulePortSets>(
    cluster: &'c Cluster,
    iso: &[PolicyId],
    dir: Direction,
    matcher: &mut impl PeerMatcher<'c>,
    sets: &mut S,
    acc: &mut [S::Set],
) {
    acc.iter_mut().for_each(|x| *x = sets.none());
    let mut open = acc.len();
    matching_rules(cluster, iso, dir, matcher, |id, ri, rule, slot| {
        let Some(cell) = acc.get_mut(slot) else {
            return ControlFlow::Continue(());
        };
        if sets.is_all(cell) {
            return ControlFlow::Continue(());
        }
        let add = sets.rule(id, ri, rule, slot);
        sets.add(cell, add);
        if sets.is_all(cell) {
            open -= 1;
            if open == 0 {
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    });
}

/// One direction of one pod: the set of allowed ports toward/from `other`, through every tier.
/// Named ports resolve on the destination pod: the subject on ingress, `other` on egress.
pub fn direction_ports(
    cluster: &Cluster,
    index: &Index,
    subject: PodId,
    dir: Direction,
    other: Endpoint,
) -> DirectionPorts {
    let np = np_direction_ports(cluster, index, subject, dir, other);
    if !crate::admin::active(cluster) {
        return np;
    }
    let isolated = np.isolated;
    let ports = crate::admin::direction_ports(cluster, index, subject, dir, other, || {
        (np.isolated, np.ports)
    });
    DirectionPorts { isolated, ports }
}

/// The NetworkPolicy tier alone (see [`direction_ports`]).
pub fn np_direction_ports(
    cluster: &Cluster,
    index: &Index,
    subject: PodId,
    dir: Direction,
    other: Endpoint,
) -> DirectionPorts {
    let Some(pod) = cluster.pods.get(subject) else {
        return DirectionPorts {
            isolated: false,
            ports: PortSet::all(),
        };
    };
    let iso = isolating(cluster, index, pod, dir);
    if iso.is_empty() {
        return DirectionPorts {
            isolated: false,
            ports: PortSet::all(),
        };
    }
    let mut sets = PlainPorts {
        dst: destination_pod(cluster, pod, dir, other),
    };
    let mut matcher = EndpointPeers {
        cluster,
        index,
        other,
    };
    let mut ports = [PortSet::none()];
    rule_union(cluster, &iso, dir, &mut matcher, &mut sets, &mut ports);
    let [ports] = ports;
    DirectionPorts {
        isolated: true,
        ports,
    }
}

/// Evaluates one direction for one port with full provenance, through every tier: a pod to
/// itself is always allowed (hairpin traffic is not subject to admin policies either).
pub fn evaluate_direction(
    cluster: &Cluster,
    index: &Index,
    subject: PodId,
    dir: Direction,
    other: Endpoint,
    port: u16,
    protocol: Protocol,
) -> Outcome {
    if other == Endpoint::Pod(subject) {
        return Outcome::SelfTraffic;
    }
    if !crate::admin::active(cluster) {
        return np_direction(cluster, index, subject, dir, other, port, protocol);
    }
    crate::admin::evaluate(cluster, index, subject, dir, other, port, protocol, || {
        np_direction(cluster, index, subject, dir, other, port, protocol)
    })
}

/// The NetworkPolicy tier at one port: the rule union of [`np_direction_ports`] looked up at
/// `port`; when nothing admits it, every rule's reasons.
pub fn np_direction(
    cluster: &Cluster,
    index: &Index,
    subject: PodId,
    dir: Direction,
    other: Endpoint,
    port: u16,
    protocol: Protocol,
) -> Outcome {
    let Some(pod) = cluster.pods.get(subject) else {
        return Outcome::NotIsolated;
    };
    let iso = isolating(cluster, index, pod, dir);
    if iso.is_empty() {
        return Outcome::NotIsolated;
    }
    let dst = destination_pod(cluster, pod, dir, other);
    let mut by = None;
    let mut matcher = EndpointPeers {
        cluster,
        index,
        other,
    };
    matching_rules(
        cluster,
        &iso,
        dir,
        &mut matcher,
        |id, ri, rule, _| match entry_at(rule.ports.as_deref(), dst, protocol, port) {
            Some(entry) => {
                by = Some(RuleRef {
                    policy: id,
                    direction: dir,
                    rule: ri,
                    peer: matching_peer(cluster, index, rule, other).flatten(),
                    port: entry,
                });
                ControlFlow::Break(())
            }
            None => ControlFlow::Continue(()),
        },
    );
    if let Some(by) = by {
        return Outcome::Allowed { isolating: iso, by };
    }
    let mut misses = Vec::new();
    for &id in &iso {
        let Some(policy) = cluster.policies.get(id) else {
            continue;
        };
        let rules = policy.rules(dir);
        if rules.is_empty() {
            misses.push(Miss {
                policy: PolicyRef::NetworkPolicy(id),
                rule: None,
                span: policy.span,
                reasons: vec![Reason {
                    kind: ReasonKind::NoRules,
                    expected: format!("an {} rule", dir.as_str()),
                    found: format!("no {} rules", dir.as_str()),
                    span: policy.span,
                    peer: None,
                    port: None,
                    subject: policy.qualified(),
                    port_name: None,
                }],
            });
            continue;
        }
        let mut of_policy: Vec<Miss> = rules
            .iter()
            .enumerate()
            .map(|(ri, rule)| Miss {
                policy: PolicyRef::NetworkPolicy(id),
                rule: Some(ri),
                span: rule.span,
                reasons: rule_reasons(cluster, index, rule, other, dst, port, protocol),
            })
            .collect();
        of_policy.sort_by_key(|m| (m.distance(), m.rule));
        misses.extend(of_policy);
    }
    Outcome::Denied {
        isolating: iso,
        misses,
    }
}

/// Every reason `rule` does not admit the flow: each peer's (when no peer matches) and each port
/// entry's (when no entry admits the port). Empty exactly when the rule admits the flow.
pub fn rule_reasons(
    cluster: &Cluster,
    index: &Index,
    rule: &Rule,
    other: Endpoint,
    dst: Option<&Pod>,
    port: u16,
    protocol: Protocol,
) -> Vec<Reason> {
    let mut out = Vec::new();
    if let Some(peers) = &rule.peers {
        let per_peer: Vec<Vec<Reason>> = peers
            .iter()
            .enumerate()
            .map(|(pi, p)| peer_reasons(cluster, index, pi, p, other))
            .collect();
        if per_peer.iter().all(|r| !r.is_empty()) {
            out.extend(per_peer.into_iter().flatten());
        }
    }
    if let Some(entries) = &rule.ports {
        if entry_at(Some(entries), dst, protocol, port).is_none() {
            for (ei, e) in entries.iter().enumerate() {
                out.push(port_reason(ei, e, dst, port, protocol));
            }
        }
    }
    out
}

fn port_reason(
    ei: usize,
    e: &PolicyPort,
    dst: Option<&Pod>,
    port: u16,
    protocol: Protocol,
) -> Reason {
    let dst_name = dst.map_or_else(|| "an outside address".to_string(), Pod::qualified);
    let reason = |kind, expected: String, found: String| Reason {
        kind,
        expected,
        found,
        span: e.span,
        peer: None,
        port: Some(ei),
        subject: dst_name.clone(),
        port_name: None,
    };
    if e.protocol != protocol {
        return reason(
            ReasonKind::Protocol,
            e.protocol.as_str().to_string(),
            protocol.as_str().to_string(),
        );
    }
    match &e.port {
        // Same protocol and every port of it: unreachable when missing, kept total.
        PortRef::All => reason(
            ReasonKind::Protocol,
            e.protocol.as_str().to_string(),
            protocol.as_str().to_string(),
        ),
        PortRef::Range(lo, hi) if lo == hi => {
            reason(ReasonKind::Port, lo.to_string(), port.to_string())
        }
        PortRef::Range(lo, hi) => reason(ReasonKind::Port, format!("{lo}-{hi}"), port.to_string()),
        PortRef::Named(name) => {
            let mut r = match dst.and_then(|d| d.named_port(name, e.protocol)) {
                None => reason(
                    ReasonKind::NamedPortUndefined,
                    name.clone(),
                    format!("no {} port named {name}", e.protocol),
                ),
                // Expected: the number the name resolves to on the destination.
                Some(p) => reason(ReasonKind::NamedPortOther, p.to_string(), port.to_string()),
            };
            r.port_name = Some(name.clone());
            r
        }
    }
}

/// Every reason peer `pi` does not match `other` (empty when it matches). Agrees with
/// [`peer_match`] on whether it matches; lists every failing term instead of the first.
pub fn peer_reasons(
    cluster: &Cluster,
    index: &Index,
    pi: usize,
    peer: &Peer,
    other: Endpoint,
) -> Vec<Reason> {
    let mut out = Vec::new();
    let mut push = |kind, expected: String, found: String, span: Span, subject: String| {
        out.push(Reason {
            kind,
            expected,
            found,
            span,
            peer: Some(pi),
            port: None,
            subject,
            port_name: None,
        });
    };
    match &peer.kind {
        PeerKind::Pods { namespaces, pods } => {
            let pod = match other {
                Endpoint::Pod(id) => cluster.pods.get(id),
                Endpoint::External(_) => None,
            };
            let Some(pod) = pod else {
                let addr = match other {
                    Endpoint::External(ip) => ip.to_string(),
                    Endpoint::Pod(_) => "an unknown pod".to_string(),
                };
                push(
                    ReasonKind::NotAPod,
                    "a pod".to_string(),
                    addr.clone(),
                    peer.span,
                    addr,
                );
                return out;
            };
            match namespaces {
                NamespaceMatch::Own(ns) => {
                    if *ns != pod.namespace {
                        push(
                            ReasonKind::OtherNamespace,
                            ns.clone(),
                            pod.namespace.clone(),
                            pods.span,
                            pod.qualified(),
                        );
                    }
                }
                NamespaceMatch::Selector(sel) => {
                    let empty = Labels::new();
                    let labels = index.ns_labels(&pod.namespace).unwrap_or(&empty);
                    for (miss, span) in sel.misses(labels) {
                        push(
                            ReasonKind::NamespaceLabel,
                            miss.expected(),
                            miss.found(),
                            span,
                            format!("namespace {}", pod.namespace),
                        );
                    }
                }
            }
            for (miss, span) in pods.misses(&pod.labels) {
                push(
                    ReasonKind::PodLabel,
                    miss.expected(),
                    miss.found(),
                    span,
                    pod.qualified(),
                );
            }
        }
        PeerKind::IpBlock { cidr, except } => {
            let subject = match other {
                Endpoint::External(ip) => ip.to_string(),
                Endpoint::Pod(id) => cluster.pods.get(id).map(Pod::qualified).unwrap_or_default(),
            };
            let found = endpoint_ips(cluster, other)
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            match ip_block_miss(cluster, cidr, except, other) {
                None => {}
                Some(IpMiss::NoIp) => push(
                    ReasonKind::PodHasNoIp,
                    cidr.to_string(),
                    "no IP in the manifests".to_string(),
                    peer.span,
                    subject,
                ),
                Some(IpMiss::NotInCidr) => push(
                    ReasonKind::Ipblock,
                    cidr.to_string(),
                    found,
                    peer.span,
                    subject,
                ),
                Some(IpMiss::Excepted(e)) => push(
                    ReasonKind::IpblockExcept,
                    format!("{cidr} except {e}"),
                    found,
                    peer.span,
                    subject,
                ),
            }
        }
    }
    out
}
