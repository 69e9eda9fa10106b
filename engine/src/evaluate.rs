//! Evaluation: is a connection allowed, which rule allowed it, or why each isolating policy's
//! rules missed. Answers carry provenance as data ([`RuleRef`], [`PeerMiss`], ...); prose is made
//! in `explain`.
//!
//! The structure is one function per tier: today NetworkPolicy only. An admin tier before it
//! (AdminNetworkPolicy) and a baseline tier after it slot in at [`evaluate_direction`].

use std::collections::HashMap;
use std::net::IpAddr;

use crate::model::{
    Cluster, Direction, NamespaceMatch, PeerKind, Pod, PodId, PolicyId, PolicyPort, PortRef, Rule,
};
use crate::ports::{PortSet, Protocol};
use crate::selector::{LabelMiss, Labels};

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

impl PeerMiss {
    /// Smaller is nearer (used to order misses in explanations).
    fn distance(&self) -> usize {
        match self {
            PeerMiss::PodLabels { .. } => 1,
            PeerMiss::NamespaceLabels { .. } | PeerMiss::Excepted { .. } => 2,
            PeerMiss::OtherNamespace { .. } => 3,
            PeerMiss::NotInCidr { .. } | PeerMiss::PodHasNoIp { .. } => 4,
            PeerMiss::NotAPod => 5,
        }
    }
}

/// Why the ports of a rule did not admit the requested port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortMiss {
    /// The entry opens other ports (rendered from the entry).
    Other { entry: usize },
    /// A named port that the destination pod does not define for that protocol.
    NamedUndefined {
        entry: usize,
        name: String,
        protocol: Protocol,
    },
    /// A named port defined with another number on the destination.
    NamedOther {
        entry: usize,
        name: String,
        resolved: u16,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleMiss {
    /// No peer matched (one reason per peer, in order).
    Peers(Vec<(usize, PeerMiss)>),
    /// The peer matched but no port entry admits the port.
    Ports {
        peer: Option<usize>,
        misses: Vec<PortMiss>,
    },
}

impl RuleMiss {
    fn distance(&self) -> usize {
        match self {
            RuleMiss::Ports { .. } => 0,
            RuleMiss::Peers(p) => p.iter().map(|(_, m)| m.distance()).min().unwrap_or(9),
        }
    }
}

/// One isolating policy that did not allow the flow, and why, rule by rule (nearest first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyMiss {
    pub policy: PolicyId,
    /// Empty when the policy has no rules in this direction (it allows nothing).
    pub rules: Vec<(usize, RuleMiss)>,
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
        misses: Vec<PolicyMiss>,
    },
}

impl Outcome {
    pub fn allowed(&self) -> bool {
        !matches!(self, Outcome::Denied { .. })
    }
}

/// A direction's port set, with the rules it came from (for graphs and matrices).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirectionPorts {
    pub isolated: bool,
    pub ports: PortSet,
}

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
                        .is_some_and(|p| p.affects(dir) && p.pod_selector.matches(&pod.labels))
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
        PeerKind::IpBlock { cidr, except } => {
            let ips: Vec<IpAddr> = match other {
                Endpoint::External(ip) => vec![ip],
                Endpoint::Pod(id) => cluster
                    .pods
                    .get(id)
                    .map(|p| p.ips.clone())
                    .unwrap_or_default(),
            };
            if ips.is_empty() {
                return Err(PeerMiss::PodHasNoIp {
                    cidr: cidr.to_string(),
                });
            }
            // A pod with several IPs (dual stack) matches when any of its addresses does.
            let mut last = PeerMiss::NotInCidr {
                cidr: cidr.to_string(),
            };
            for ip in ips {
                if !cidr.contains(ip) {
                    continue;
                }
                match except.iter().find(|e| e.contains(ip)) {
                    None => return Ok(()),
                    Some(e) => {
                        last = PeerMiss::Excepted {
                            cidr: cidr.to_string(),
                            except: e.to_string(),
                        }
                    }
                }
            }
            Err(last)
        }
    }
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

/// The ports a rule opens toward `dst`, ignoring peers.
pub fn rule_ports(rule: &Rule, dst: Option<&Pod>) -> PortSet {
    match &rule.ports {
        None => PortSet::all(),
        Some(entries) => {
            let mut set = PortSet::none();
            for e in entries {
                set.union(&entry_ports(e, dst));
            }
            set
        }
    }
}

/// True when some peer of the rule matches `other` (or the rule has no peer list).
pub fn rule_peer_matches(cluster: &Cluster, index: &Index, rule: &Rule, other: Endpoint) -> bool {
    match &rule.peers {
        None => true,
        Some(peers) => peers
            .iter()
            .any(|p| peer_match(cluster, index, &p.kind, other).is_ok()),
    }
}

/// The pod on which named ports resolve: the subject on ingress, the other end on egress
/// (`None` for an outside address, where a named port means nothing).
fn destination_pod<'c>(
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

/// NetworkPolicy tier for one direction of one pod: the set of allowed ports toward/from `other`.
/// `dst` is the destination pod (for named ports): the subject on ingress, `other` on egress.
pub fn direction_ports(
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
    let dst = destination_pod(cluster, pod, dir, other);
    let mut ports = PortSet::none();
    for id in iso {
        let Some(policy) = cluster.policies.get(id) else {
            continue;
        };
        for rule in policy.rules(dir) {
            if rule_peer_matches(cluster, index, rule, other) {
                ports.union(&rule_ports(rule, dst));
                if ports.is_all() {
                    return DirectionPorts {
                        isolated: true,
                        ports,
                    };
                }
            }
        }
    }
    DirectionPorts {
        isolated: true,
        ports,
    }
}

/// Evaluates one direction for one port with full provenance.
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
    let Some(pod) = cluster.pods.get(subject) else {
        return Outcome::NotIsolated;
    };
    let iso = isolating(cluster, index, pod, dir);
    if iso.is_empty() {
        return Outcome::NotIsolated;
    }
    let dst = destination_pod(cluster, pod, dir, other);
    let mut misses = Vec::new();
    for &id in &iso {
        let Some(policy) = cluster.policies.get(id) else {
            continue;
        };
        let mut rule_misses = Vec::new();
        for (ri, rule) in policy.rules(dir).iter().enumerate() {
            // Peers: the first matching peer, or every peer's reason.
            let mut matched_peer: Result<Option<usize>, Vec<(usize, PeerMiss)>> = Ok(None);
            if let Some(peers) = &rule.peers {
                let mut reasons = Vec::new();
                let mut hit = None;
                for (pi, p) in peers.iter().enumerate() {
                    match peer_match(cluster, index, &p.kind, other) {
                        Ok(()) => {
                            hit = Some(pi);
                            break;
                        }
                        Err(m) => reasons.push((pi, m)),
                    }
                }
                matched_peer = match hit {
                    Some(pi) => Ok(Some(pi)),
                    None => Err(reasons),
                };
            }
            let peer = match matched_peer {
                Ok(p) => p,
                Err(reasons) => {
                    rule_misses.push((ri, RuleMiss::Peers(reasons)));
                    continue;
                }
            };
            // Ports.
            let Some(entries) = &rule.ports else {
                return Outcome::Allowed {
                    isolating: iso,
                    by: RuleRef {
                        policy: id,
                        direction: dir,
                        rule: ri,
                        peer,
                        port: None,
                    },
                };
            };
            let mut port_misses = Vec::new();
            for (ei, e) in entries.iter().enumerate() {
                if entry_ports(e, dst).contains(protocol, port) {
                    return Outcome::Allowed {
                        isolating: iso,
                        by: RuleRef {
                            policy: id,
                            direction: dir,
                            rule: ri,
                            peer,
                            port: Some(ei),
                        },
                    };
                }
                port_misses.push(match &e.port {
                    PortRef::Named(name) if e.protocol == protocol => {
                        match dst.and_then(|d| d.named_port(name, e.protocol)) {
                            None => PortMiss::NamedUndefined {
                                entry: ei,
                                name: name.clone(),
                                protocol: e.protocol,
                            },
                            Some(p) => PortMiss::NamedOther {
                                entry: ei,
                                name: name.clone(),
                                resolved: p,
                            },
                        }
                    }
                    _ => PortMiss::Other { entry: ei },
                });
            }
            rule_misses.push((
                ri,
                RuleMiss::Ports {
                    peer,
                    misses: port_misses,
                },
            ));
        }
        rule_misses.sort_by_key(|(ri, m)| (m.distance(), *ri));
        misses.push(PolicyMiss {
            policy: id,
            rules: rule_misses,
        });
    }
    Outcome::Denied {
        isolating: iso,
        misses,
    }
}
