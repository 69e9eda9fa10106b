//! Which pods a peer matches, for whole-cluster questions (lints): pods grouped by namespace and
//! by label set, so a namespace condition is checked once per namespace and a pod selector once
//! per distinct label set of a namespace, without allocating per pod. (`evaluate::peer_match`
//! builds the reason of every miss: what explanations need, too slow to ask of every pod.)

use std::collections::{BTreeMap, HashMap};

use crate::evaluate::Index;
use crate::model::{Cluster, NamespaceMatch, PeerKind, PodId, Rule};
use crate::selector::{Labels, Selector};

/// Labels of a namespace the index does not know (as `evaluate::peer_match`).
static NO_LABELS: Labels = BTreeMap::new();

#[derive(Debug)]
struct NsPods<'c> {
    /// `None`: a namespace the index does not know.
    labels: Option<&'c Labels>,
    /// Distinct label sets of the namespace's pods, with those pods (ascending).
    groups: Vec<(&'c Labels, Vec<PodId>)>,
}

#[derive(Debug)]
pub struct PodIndex<'c> {
    cluster: &'c Cluster,
    namespaces: Vec<NsPods<'c>>,
    by_name: HashMap<&'c str, usize>,
    /// Pods whose addresses the manifests give (the only ones an ipBlock can match).
    with_ips: Vec<PodId>,
}

impl<'c> PodIndex<'c> {
    pub fn new(cluster: &'c Cluster, index: &'c Index) -> PodIndex<'c> {
        let mut namespaces: Vec<NsPods<'c>> = Vec::new();
        let mut by_name: HashMap<&'c str, usize> = HashMap::new();
        let mut groups: Vec<HashMap<&'c Labels, usize>> = Vec::new();
        let mut with_ips = Vec::new();
        for (pid, pod) in cluster.pods.iter().enumerate() {
            let next = namespaces.len();
            let ni = *by_name.entry(pod.namespace.as_str()).or_insert(next);
            if ni == next {
                namespaces.push(NsPods {
                    labels: index.ns_labels(&pod.namespace),
                    groups: Vec::new(),
                });
                groups.push(HashMap::new());
            }
            if let (Some(ns), Some(g)) = (namespaces.get_mut(ni), groups.get_mut(ni)) {
                let next = ns.groups.len();
                let gi = *g.entry(&pod.labels).or_insert(next);
                if gi == next {
                    ns.groups.push((&pod.labels, Vec::new()));
                }
                if let Some((_, pods)) = ns.groups.get_mut(gi) {
                    pods.push(pid);
                }
            }
            if !pod.ips.is_empty() {
                with_ips.push(pid);
            }
        }
        PodIndex {
            cluster,
            namespaces,
            by_name,
            with_ips,
        }
    }

    /// The pods a peer matches, as runs of pods (each run ascending).
    fn runs<'s>(&'s self, kind: &'s PeerKind) -> Box<dyn Iterator<Item = &'s [PodId]> + 's> {
        match kind {
            PeerKind::Pods { namespaces, pods } => {
                let in_ns = move |ns: &'s NsPods<'c>| {
                    ns.groups
                        .iter()
                        .filter(move |(labels, _)| pods.matches(labels))
                        .map(|(_, ids)| ids.as_slice())
                };
                match namespaces {
                    NamespaceMatch::Own(name) => Box::new(
                        self.by_name
                            .get(name.as_str())
                            .and_then(|&i| self.namespaces.get(i))
                            .into_iter()
                            .flat_map(in_ns),
                    ),
                    NamespaceMatch::Selector(sel) => Box::new(
                        self.namespaces
                            .iter()
                            .filter(move |ns| sel.matches(ns.labels.unwrap_or(&NO_LABELS)))
                            .flat_map(in_ns),
                    ),
                }
            }
            PeerKind::IpBlock { cidr, except } => Box::new(
                self.with_ips
                    .iter()
                    .filter(move |&&pid| {
                        // A dual-stack pod matches when any of its addresses does.
                        self.cluster.pods.get(pid).is_some_and(|pod| {
                            pod.ips.iter().any(|&ip| {
                                cidr.contains(ip) && !except.iter().any(|e| e.contains(ip))
                            })
                        })
                    })
                    .map(std::slice::from_ref),
            ),
        }
    }

    /// Whether some pod matches the peer.
    pub fn peer_matches_any(&self, kind: &PeerKind) -> bool {
        self.runs(kind).any(|run| !run.is_empty())
    }

    /// The pods the peer matches, ascending.
    pub fn peer_pods(&self, kind: &PeerKind) -> Vec<PodId> {
        let mut out: Vec<PodId> = self.runs(kind).flatten().copied().collect();
        out.sort_unstable();
        out
    }

    /// The pods some peer of the rule matches (every pod when the rule has no peer list),
    /// ascending.
    pub fn rule_pods(&self, rule: &Rule) -> Vec<PodId> {
        let Some(peers) = &rule.peers else {
            return (0..self.cluster.pods.len()).collect();
        };
        let mut out: Vec<PodId> = peers
            .iter()
            .flat_map(|p| self.runs(&p.kind))
            .flatten()
            .copied()
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Whether some pod is in a (known) namespace whose labels match `sel`.
    pub fn any_namespace_matches(&self, sel: &Selector) -> bool {
        self.namespaces
            .iter()
            .any(|ns| ns.labels.is_some_and(|l| sel.matches(l)))
    }

    /// Whether some pod's labels match `sel` (in any namespace).
    pub fn any_labels_match(&self, sel: &Selector) -> bool {
        self.namespaces
            .iter()
            .any(|ns| ns.groups.iter().any(|(labels, _)| sel.matches(labels)))
    }
}
