//! "Allow this flow" and "block this flow": the smallest NetworkPolicy addition, proved.
//!
//! NetworkPolicies only add allowances to pods they isolate, and a policy that selects a pod
//! not yet isolated in a direction isolates it (closing its other flows). So:
//! - **allow**: for each pod pair the flow is blocked on, add a rule on the side that blocks
//!   (egress of the source, ingress of the destination). That side is isolated already, so the
//!   new policy closes nothing; its selectors name the pods' namespace
//!   (`kubernetes.io/metadata.name`) and *exact* label sets (`matchLabels` plus `DoesNotExist`
//!   for every other label key of that namespace), and its port is the port the destination pod
//!   sees (a Service's targetPort), so it opens nothing beyond the pods indistinguishable from
//!   the two ends, on that port.
//! - **block**: only possible by adding a policy where a side is *not* isolated: the new policy
//!   isolates it and re-allows everything else (every other port; on the port, every peer but
//!   the blocked ones), so the flows it closes are listed.
//!
//! Upstream (NetworkPolicy concept page): "The Two Sorts of Pod Isolation" — a pod is isolated
//! for a direction when some policy selects it with that direction in its (defaulted)
//! `policyTypes`, and policies are additive; "Targeting a Namespace by its name" — the control
//! plane sets the immutable label `kubernetes.io/metadata.name` on every namespace.
//!
//! Every suggestion is proved before it is offered: the input is analysed again with it added
//! and the whole connectivity compared ([`diff`]): what opens, what closes.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use serde::Serialize;

use crate::analysis::{Analysis, Hop, Problem, Target, Verdict};
use crate::connectivity::{compute, plain_between, Connectivity};
use crate::evaluate::{Endpoint, Outcome};
use crate::lower::Options;
use crate::model::{Direction, PodId};
use crate::ports::{Intervals, PortSet, Protocol, MIN_PORT};
use crate::selector::Labels;
use crate::span::Source;

/// The name of the source holding the proposed policies when the input is analysed again.
pub const SUGGESTED_SOURCE: &str = "suggested.yaml";

/// One NetworkPolicy to add.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProposedPolicy {
    pub namespace: String,
    pub name: String,
    /// The direction it adds rules for (allow) or isolates (block).
    #[serde(serialize_with = "direction_str")]
    pub direction: Direction,
    /// The policy as a YAML document (no `---`).
    pub yaml: String,
    /// The pods it selects (`ns/name`).
    pub selects: Vec<String>,
}

/// A connection whose allowed ports change: one source, one destination, the ports that change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FlowChange {
    /// `ns/name` of a pod, or an address outside the cluster.
    pub from: String,
    pub to: String,
    /// `TCP 80`, `UDP all`, `TCP 1-79,81-65535; UDP all` …
    pub ports: String,
    #[serde(skip)]
    pub src: Endpoint,
    #[serde(skip)]
    pub dst: Endpoint,
    #[serde(skip)]
    pub set: PortSet,
}

/// What adding policies changes in the whole connectivity.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Changes {
    pub opens: Vec<FlowChange>,
    pub closes: Vec<FlowChange>,
}

/// A proved suggestion: policies to add, and what they change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    pub policies: Vec<ProposedPolicy>,
    /// Every connection the policies open (the requested flow included).
    pub opens: Vec<FlowChange>,
    /// Every connection they close (empty for "allow").
    pub closes: Vec<FlowChange>,
    /// Allow: the opened flows that are not between pods indistinguishable from the two ends
    /// on the requested port (empty when the proof holds as stated).
    pub beyond: Vec<FlowChange>,
    /// The policies, as one YAML stream (`---` between documents).
    pub yaml: String,
    /// Sentences worth knowing (CNI caveats, what the selectors assume).
    pub notes: Vec<String>,
}

/// Why no NetworkPolicy addition can do it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Impossible {
    /// A Service is not a source: traffic comes from pods.
    ServiceSource,
    NoBackingPods {
        service: String,
    },
    NoSuchServicePort {
        service: String,
        available: Vec<String>,
    },
    TargetPortUnresolved {
        service: String,
        target: String,
    },
    NoPods {
        name: String,
    },
    /// An ExternalName Service whose name is not an address: policies match addresses only.
    ExternalName {
        service: String,
        name: String,
    },
    /// Block: both ends already isolated in the deciding direction; an existing rule allows
    /// the flow and must be edited (adding a policy only adds allowances).
    AllowedByRule {
        policy: String,
        #[serde(serialize_with = "direction_str")]
        direction: Direction,
    },
    /// An Admin-tier rule (AdminNetworkPolicy, ClusterNetworkPolicy) decides this direction:
    /// NetworkPolicies cannot override it.
    AdminTier {
        policy: String,
        #[serde(serialize_with = "direction_str")]
        direction: Direction,
    },
    /// Allow: a Baseline-tier rule denies a pod no NetworkPolicy isolates; a NetworkPolicy
    /// would override it only by isolating the pod, closing its other flows.
    BaselineTier {
        policy: String,
        #[serde(serialize_with = "direction_str")]
        direction: Direction,
    },
    /// Block: a pod reaching itself cannot be blocked by any policy.
    SelfTraffic {
        pod: String,
    },
    /// The proof failed: re-analysed with the policies added, the flow is still not as asked
    /// or something else closed (e.g. a tier above NetworkPolicy decides).
    NotProved {
        reason: String,
    },
}

impl Impossible {
    pub fn message(&self) -> String {
        match self {
            Impossible::ServiceSource => "a Service is not a source: connections come from pods; name the client pod or workload".to_string(),
            Impossible::NoBackingPods { service } => format!("no pods behind `{service}`: nothing answers, whatever the policies say"),
            Impossible::NoSuchServicePort { service, available } => format!("Service `{service}` has no such port (it has {})", available.join(", ")),
            Impossible::TargetPortUnresolved { service, target } => format!("no pod behind `{service}` defines the target port `{target}`: the connection fails whatever the policies say"),
            Impossible::NoPods { name } => format!("`{name}` has no pods"),
            Impossible::ExternalName { service, name } => format!("Service `{service}` is an alias for `{name}`: NetworkPolicies match addresses, not names; allow the addresses `{name}` resolves to with an ipBlock"),
            Impossible::AllowedByRule { policy, direction } => format!("both ends are isolated and {} rules of `{policy}` allow the flow: adding a policy only adds allowances, so edit that policy instead", direction.as_str()),
            Impossible::AdminTier { policy, direction } => format!("{policy} decides the {} direction in the Admin tier, before any NetworkPolicy: change that policy instead", direction.as_str()),
            Impossible::BaselineTier { policy, direction } => format!("{policy} denies the {} direction in the Baseline tier; a NetworkPolicy overrides it only by selecting the pod, which isolates it and closes its other {} flows: add such a policy deliberately, or change the baseline", direction.as_str(), direction.as_str()),
            Impossible::SelfTraffic { pod } => format!("`{pod}` reaching itself is always allowed: no policy can block it"),
            Impossible::NotProved { reason } => format!("no suggestion could be proved: {reason}"),
        }
    }
}

/// The answer to "allow this flow" / "block this flow".
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "kebab-case")]
pub enum SuggestOutcome {
    Suggested(Suggestion),
    /// Allow: already allowed; block: already blocked. Nothing to do.
    Nothing,
    Impossible(Impossible),
}

/// Pods (or an address) that no NetworkPolicy selector can tell apart: a namespace and an exact
/// label set, or one address.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Group {
    Pods { namespace: String, labels: Labels },
    Address(IpAddr),
}

/// Labels a StatefulSet controller puts on each pod to name it: replicas differ only by them,
/// so groups and selectors leave them out (all replicas of the workload are one group).
const PER_POD_LABELS: [&str; 2] = [
    "statefulset.kubernetes.io/pod-name",
    "apps.kubernetes.io/pod-index",
];

/// A pod's labels without the per-pod ones.
fn group_labels(l: &Labels) -> Labels {
    l.iter()
        .filter(|(k, _)| !PER_POD_LABELS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

impl Group {
    fn of(a: &Analysis, e: Endpoint) -> Option<Group> {
        match e {
            Endpoint::Pod(id) => a.cluster.pods.get(id).map(|p| Group::Pods {
                namespace: p.namespace.clone(),
                labels: group_labels(&p.labels),
            }),
            Endpoint::External(ip) => Some(Group::Address(ip)),
        }
    }

    fn contains(&self, a: &Analysis, e: Endpoint) -> bool {
        match (self, e) {
            (Group::Pods { namespace, labels }, Endpoint::Pod(id)) => {
                a.cluster.pods.get(id).is_some_and(|p| {
                    p.namespace == *namespace && group_labels(&p.labels) == *labels
                })
            }
            (Group::Address(ip), Endpoint::External(x)) => *ip == x,
            _ => false,
        }
    }

    fn short(&self) -> String {
        match self {
            Group::Pods { namespace, labels } => {
                let l: Vec<&str> = labels.values().map(String::as_str).collect();
                if l.is_empty() {
                    namespace.clone()
                } else {
                    l.join("-")
                }
            }
            Group::Address(ip) => ip.to_string(),
        }
    }
}

fn direction_str<S: serde::Serializer>(d: &Direction, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(d.as_str())
}

/// "Allow this flow": policies that, added to the input, make `from` → `to` on `port/protocol`
/// allowed, proved by analysing the input again with them (`options` as the first analysis).
pub fn suggest_allow(
    a: &Analysis,
    options: &Options,
    from: Target,
    to: Target,
    port: u16,
    protocol: Protocol,
) -> SuggestOutcome {
    let v = a.verdict(from, to, port, protocol);
    if let Some(i) = impossible(a, &v) {
        return SuggestOutcome::Impossible(i);
    }
    if v.allowed {
        return SuggestOutcome::Nothing;
    }
    // (direction, subject) → (peer, port) pairs to allow.
    let mut wanted: BTreeMap<(Direction, Group), BTreeSet<(Group, u16)>> = BTreeMap::new();
    // The region the flow may open: (source group, destination group, port).
    let mut region: BTreeSet<(Group, Group, u16)> = BTreeSet::new();
    for hop in v.hops.iter().filter(|h| !h.allowed) {
        let (Some(sg), Some(dg)) = (Group::of(a, hop.src), Group::of(a, hop.dst)) else {
            continue;
        };
        region.insert((sg.clone(), dg.clone(), hop.port));
        let (eg, ing) = (side(a, &hop.egress), side(a, &hop.ingress));
        for (s, direction) in [(&eg, Direction::Egress), (&ing, Direction::Ingress)] {
            match s {
                Side::Admin(policy) => {
                    return SuggestOutcome::Impossible(Impossible::AdminTier {
                        policy: policy.clone(),
                        direction,
                    })
                }
                Side::BaselineDenies(policy) => {
                    return SuggestOutcome::Impossible(Impossible::BaselineTier {
                        policy: policy.clone(),
                        direction,
                    })
                }
                Side::Free
                | Side::NotIsolated
                | Side::AllowedByRule(_)
                | Side::DeniedByPolicies => {}
            }
        }
        if matches!(eg, Side::DeniedByPolicies) {
            wanted
                .entry((Direction::Egress, sg.clone()))
                .or_default()
                .insert((dg.clone(), hop.port));
        }
        if matches!(ing, Side::DeniedByPolicies) {
            wanted
                .entry((Direction::Ingress, dg))
                .or_default()
                .insert((sg, hop.port));
        }
    }
    let mut policies = Vec::new();
    let mut taken = BTreeSet::new();
    for ((dir, subject), peers) in &wanted {
        let Group::Pods { namespace, .. } = subject else {
            continue;
        };
        let name = unique_name(
            a,
            &mut taken,
            namespace,
            &format!(
                "allow-{}-{}-to-{}-{}-{}",
                dir.as_str(),
                peers_short(subject, peers, *dir, true),
                peers_short(subject, peers, *dir, false),
                protocol.as_str().to_ascii_lowercase(),
                port_list(peers)
            ),
        );
        let mut rules = String::new();
        // One rule per port, every peer group that needs it.
        let mut by_port: BTreeMap<u16, Vec<&Group>> = BTreeMap::new();
        for (g, p) in peers {
            by_port.entry(*p).or_default().push(g);
        }
        let key = match dir {
            Direction::Ingress => "from",
            Direction::Egress => "to",
        };
        for (p, groups) in &by_port {
            rules.push_str(&format!("    - {key}:\n"));
            for g in groups {
                rules.push_str(&peer_yaml(a, g, 8));
            }
            rules.push_str(&format!(
                "      ports:\n        - protocol: {}\n          port: {p}\n",
                protocol.as_str()
            ));
        }
        policies.push(proposed(a, namespace, &name, *dir, subject, &rules));
    }
    let mut notes = Vec::new();
    if let Target::Service(sid) = to {
        if let Some(svc) = a.cluster.services.get(sid) {
            let ports: BTreeSet<u16> = region.iter().map(|r| r.2).collect();
            let ports: Vec<String> = ports.iter().map(u16::to_string).collect();
            // An ExternalName Service is a DNS alias: no pods, no targetPort, the client dials
            // the address itself on the port it names.
            if let Some(ext) = &svc.external_name {
                notes.push(format!(
                    "Service `{}` is an ExternalName alias for `{ext}`: there are no pods behind it, so the rule names that address on port {}",
                    svc.qualified(),
                    ports.join(", ")
                ));
            } else {
                notes.push(format!(
                    "through Service `{}` port {port}/{protocol}, the rules name the port its pods listen on (targetPort {}): policies see the pod port",
                    svc.qualified(),
                    ports.join(", ")
                ));
            }
        }
    }
    notes.push("selectors name each end's namespace and exact label set: pods added later with other labels are not covered".to_string());
    prove(a, options, policies, notes, |after, changes| {
        let v2 = after.verdict(from, to, port, protocol);
        if !v2.allowed {
            return Err("the flow is still blocked with the policies added".to_string());
        }
        if !changes.closes.is_empty() {
            return Err(format!(
                "the policies would close {} connection(s)",
                changes.closes.len()
            ));
        }
        Ok(changes
            .opens
            .iter()
            .filter(|f| !within(a, &region, protocol, f))
            .cloned()
            .collect())
    })
}

/// "Block this flow": a policy that isolates the side that is not isolated yet and allows back
/// everything but the flow. Lists every connection it closes.
pub fn suggest_block(
    a: &Analysis,
    options: &Options,
    from: Target,
    to: Target,
    port: u16,
    protocol: Protocol,
) -> SuggestOutcome {
    let v = a.verdict(from, to, port, protocol);
    if let Some(i) = impossible(a, &v) {
        return SuggestOutcome::Impossible(i);
    }
    if !v.allowed {
        return SuggestOutcome::Nothing;
    }
    // (direction, subject) → (other end, port) pairs to block.
    let mut wanted: BTreeMap<(Direction, Group), BTreeSet<(Group, u16)>> = BTreeMap::new();
    for hop in &v.hops {
        if hop.src == hop.dst {
            return SuggestOutcome::Impossible(Impossible::SelfTraffic {
                pod: a.endpoint_name(hop.src),
            });
        }
        let (Some(sg), Some(dg)) = (Group::of(a, hop.src), Group::of(a, hop.dst)) else {
            continue;
        };
        match side_to_isolate(a, hop) {
            Ok(Direction::Ingress) => {
                wanted
                    .entry((Direction::Ingress, dg))
                    .or_default()
                    .insert((sg, hop.port));
            }
            Ok(Direction::Egress) => {
                wanted
                    .entry((Direction::Egress, sg))
                    .or_default()
                    .insert((dg, hop.port));
            }
            Err(i) => return SuggestOutcome::Impossible(i),
        }
    }
    let mut policies = Vec::new();
    let mut taken = BTreeSet::new();
    for ((dir, subject), blocked) in &wanted {
        let Group::Pods { namespace, .. } = subject else {
            continue;
        };
        let name = unique_name(
            a,
            &mut taken,
            namespace,
            &format!(
                "block-{}-{}-{}-{}-{}",
                dir.as_str(),
                peers_short(subject, blocked, *dir, true),
                peers_short(subject, blocked, *dir, false),
                protocol.as_str().to_ascii_lowercase(),
                port_list(blocked)
            ),
        );
        let key = match dir {
            Direction::Ingress => "from",
            Direction::Egress => "to",
        };
        let ports: BTreeSet<u16> = blocked.iter().map(|b| b.1).collect();
        let mut rules = String::new();
        // Every other port and protocol, from/to anyone.
        rules.push_str("    - ports:\n");
        let mut rest = Intervals::all();
        for p in &ports {
            rest = minus(&rest, &Intervals::single(*p, *p));
        }
        for &(lo, hi) in rest.ranges() {
            rules.push_str(&format!(
                "        - protocol: {}\n          port: {lo}\n",
                protocol.as_str()
            ));
            if hi != lo {
                rules.push_str(&format!("          endPort: {hi}\n"));
            }
        }
        for other in Protocol::ALL.iter().filter(|p| **p != protocol) {
            rules.push_str(&format!("        - protocol: {}\n", other.as_str()));
        }
        // On each blocked port: every peer but the blocked groups.
        for p in &ports {
            let groups: BTreeSet<&Group> =
                blocked.iter().filter(|b| b.1 == *p).map(|b| &b.0).collect();
            let peers = complement_peers(a, &groups);
            if peers.is_empty() {
                continue;
            }
            rules.push_str(&format!("    - {key}:\n{peers}"));
            rules.push_str(&format!(
                "      ports:\n        - protocol: {}\n          port: {p}\n",
                protocol.as_str()
            ));
        }
        policies.push(proposed(a, namespace, &name, *dir, subject, &rules));
    }
    let mut notes = vec![
        "the new policy isolates pods that were not isolated in that direction, and allows back every other port and every other peer that exists in the manifests: pods added later with other labels, in a namespace already listed, are not allowed back".to_string(),
        "the other ports are allowed back with port ranges (`endPort`): some CNIs ignore `endPort`".to_string(),
    ];
    // Outside addresses are allowed back by `0.0.0.0/0` and `::/0`, which `except` the blocked
    // pods' IPs only when the manifests give them. Whether an ipBlock matches pod IPs is left to
    // the CNI (the NetworkPolicy docs: ipBlocks are meant for cluster-external IPs; Calico, for
    // one, matches pod IPs too), so without the IPs the block may not hold there.
    let unknown_ip: BTreeSet<String> = wanted
        .values()
        .flatten()
        .filter(|(g, _)| matches!(g, Group::Pods { .. }))
        .flat_map(|(g, _)| {
            a.cluster
                .pods
                .iter()
                .enumerate()
                .filter(|(i, p)| g.contains(a, Endpoint::Pod(*i)) && p.ips.is_empty())
                .map(|(_, p)| p.qualified())
        })
        .collect();
    if !unknown_ip.is_empty() {
        let mut named: Vec<String> = unknown_ip.iter().take(5).cloned().collect();
        if unknown_ip.len() > 5 {
            named.push(format!("{} more", unknown_ip.len() - 5));
        }
        notes.push(format!(
            "outside addresses are allowed back by the ipBlocks `0.0.0.0/0` and `::/0`, which cannot `except` {} (no IP in the manifests): on CNIs where an ipBlock also matches pod IPs (Calico does), the flow stays open there; add the pods' IPs, or the cluster's pod CIDR, to `except`",
            named.join(", ")
        ));
    }
    prove(a, options, policies, notes, |after, changes| {
        if after.verdict(from, to, port, protocol).allowed {
            return Err("the flow is still allowed with the policies added".to_string());
        }
        if !changes.opens.is_empty() {
            return Err(format!(
                "the policies would open {} connection(s)",
                changes.opens.len()
            ));
        }
        // What closes is the answer (listed in `closes`), not a failure.
        Ok(Vec::new())
    })
}

/// How one direction of a hop stands, as far as adding a NetworkPolicy can change it.
#[derive(Debug)]
enum Side {
    /// Allowed and nothing to change (the other end outside, a pod to itself).
    Free,
    /// No NetworkPolicy isolates the pod in this direction (and no admin rule decided).
    NotIsolated,
    /// The NetworkPolicy tier allows it by a rule of this policy.
    AllowedByRule(String),
    /// The NetworkPolicy tier denies it: a rule added there allows it.
    DeniedByPolicies,
    /// An Admin-tier rule decides (accept or deny): NetworkPolicies cannot change it.
    Admin(String),
    /// A Baseline-tier rule denies a pod no NetworkPolicy isolates: a NetworkPolicy would
    /// override it only by isolating the pod, closing its other flows.
    BaselineDenies(String),
}

fn side(a: &Analysis, o: &Outcome) -> Side {
    match o {
        Outcome::NotAsked | Outcome::SelfTraffic => Side::Free,
        Outcome::NotIsolated => Side::NotIsolated,
        Outcome::Allowed { by, .. } => Side::AllowedByRule(
            a.cluster
                .policies
                .get(by.policy)
                .map(|p| p.qualified())
                .unwrap_or_default(),
        ),
        Outcome::Denied { .. } => Side::DeniedByPolicies,
        Outcome::Tiered(t) => {
            let admin_name = |r: &crate::admin::AdminRuleRef| {
                a.cluster
                    .admin_policies
                    .get(r.policy)
                    .map(|p| p.label())
                    .unwrap_or_default()
            };
            match &t.decision {
                crate::admin::TierDecision::Admin(r) => Side::Admin(admin_name(r)),
                crate::admin::TierDecision::NetworkPolicy(inner) => side(a, inner),
                crate::admin::TierDecision::Baseline(r) if !t.allowed() => {
                    Side::BaselineDenies(admin_name(r))
                }
                // Baseline accepts, or no tier decided: no NetworkPolicy isolates the pod.
                crate::admin::TierDecision::Baseline(_) | crate::admin::TierDecision::Default => {
                    Side::NotIsolated
                }
            }
        }
    }
}

/// Which side a new policy can isolate to block a hop: the destination's ingress when no
/// NetworkPolicy isolates it, else the source's egress; or why neither can be.
fn side_to_isolate(a: &Analysis, hop: &Hop) -> Result<Direction, Impossible> {
    let (ing, eg) = (side(a, &hop.ingress), side(a, &hop.egress));
    if let (Side::NotIsolated, Endpoint::Pod(_)) = (&ing, hop.dst) {
        return Ok(Direction::Ingress);
    }
    if let (Side::NotIsolated, Endpoint::Pod(_)) = (&eg, hop.src) {
        return Ok(Direction::Egress);
    }
    for (s, direction) in [(ing, Direction::Ingress), (eg, Direction::Egress)] {
        match s {
            Side::Admin(policy) => return Err(Impossible::AdminTier { policy, direction }),
            Side::AllowedByRule(policy) => {
                return Err(Impossible::AllowedByRule { policy, direction })
            }
            Side::Free | Side::NotIsolated | Side::DeniedByPolicies | Side::BaselineDenies(_) => {}
        }
    }
    Err(Impossible::NotProved {
        reason: "no side of the flow can take a policy".to_string(),
    })
}

fn impossible(a: &Analysis, v: &Verdict) -> Option<Impossible> {
    if let Some(p) = &v.problem {
        return Some(match p {
            Problem::ServiceSource => Impossible::ServiceSource,
            Problem::NoBackingPods { service } => Impossible::NoBackingPods {
                service: service.clone(),
            },
            Problem::NoSuchServicePort { service, available } => Impossible::NoSuchServicePort {
                service: service.clone(),
                available: available.clone(),
            },
            Problem::TargetPortUnresolved { service, target } => Impossible::TargetPortUnresolved {
                service: service.clone(),
                target: target.clone(),
            },
            Problem::NoPods { name } => Impossible::NoPods { name: name.clone() },
        });
    }
    if !v.allowed {
        return external_name(a, v);
    }
    None
}

/// An ExternalName Service whose name is not an address.
fn external_name(a: &Analysis, v: &Verdict) -> Option<Impossible> {
    let Target::Service(sid) = v.to else {
        return None;
    };
    let svc = a.cluster.services.get(sid)?;
    let name = svc.external_name.as_ref()?;
    if name.parse::<IpAddr>().is_ok() {
        return None;
    }
    Some(Impossible::ExternalName {
        service: svc.qualified(),
        name: name.clone(),
    })
}

/// Is an opened flow inside the allowed region (a source like A, a destination like B, a port
/// of the flow)?
fn within(
    a: &Analysis,
    region: &BTreeSet<(Group, Group, u16)>,
    protocol: Protocol,
    f: &FlowChange,
) -> bool {
    let mut allowed = PortSet::none();
    for (sg, dg, p) in region {
        if sg.contains(a, f.src) && dg.contains(a, f.dst) {
            allowed.add(protocol, *p, *p);
        }
    }
    f.set.intersect(&allowed) == f.set
}

/// Analyses the input with `policies` added, compares the connectivity and runs `check` (which
/// returns the opened flows beyond what was asked, or why the proof fails).
fn prove(
    a: &Analysis,
    options: &Options,
    policies: Vec<ProposedPolicy>,
    notes: Vec<String>,
    check: impl FnOnce(&Analysis, &Changes) -> Result<Vec<FlowChange>, String>,
) -> SuggestOutcome {
    if policies.is_empty() {
        return SuggestOutcome::Impossible(Impossible::NotProved {
            reason: "no side of the flow can take a policy".to_string(),
        });
    }
    let yaml = policies
        .iter()
        .map(|p| p.yaml.as_str())
        .collect::<Vec<_>>()
        .join("---\n");
    let after = with_added(a, options, &yaml);
    if after.cluster.pods.len() != a.cluster.pods.len()
        || after.cluster.policies.len() != a.cluster.policies.len() + policies.len()
    {
        return SuggestOutcome::Impossible(Impossible::NotProved {
            reason: "the proposed policies did not analyse as expected".to_string(),
        });
    }
    let changes = diff(a, &after);
    match check(&after, &changes) {
        Ok(beyond) => SuggestOutcome::Suggested(Suggestion {
            policies,
            opens: changes.opens,
            closes: changes.closes,
            beyond,
            yaml,
            notes,
        }),
        Err(reason) => SuggestOutcome::Impossible(Impossible::NotProved { reason }),
    }
}

/// The analysis of `a`'s sources plus `yaml` as one more source.
pub fn with_added(a: &Analysis, options: &Options, yaml: &str) -> Analysis {
    let mut sources = a.sources.clone();
    sources.push(Source::new(SUGGESTED_SOURCE, yaml));
    crate::analysis::analyze_with(&sources, options)
}

/// Every connection whose allowed ports differ between two analyses of the same pods: pod to
/// pod, and pod to/from every outside range either analysis' policies mention.
pub fn diff(before: &Analysis, after: &Analysis) -> Changes {
    let cb = compute(before);
    let ca = compute(after);
    let n = before.cluster.pods.len().min(after.cluster.pods.len());
    // Pods alike in both analyses.
    let mut joint: BTreeMap<(usize, usize), Vec<PodId>> = BTreeMap::new();
    for pid in 0..n {
        if let (Some(&x), Some(&y)) = (cb.class_of.get(pid), ca.class_of.get(pid)) {
            joint.entry((x, y)).or_default().push(pid);
        }
    }
    let mut changes = Changes::default();
    let cell = |c: &Connectivity, x: usize, y: usize| {
        c.class_matrix
            .get(x)
            .and_then(|r| r.get(y))
            .cloned()
            .unwrap_or_default()
    };
    for (&(sb, sa), srcs) in &joint {
        for (&(db, da), dsts) in &joint {
            let (b, af) = (cell(&cb, sb, db), cell(&ca, sa, da));
            if b == af {
                continue;
            }
            let (opened, closed) = (minus_set(&af, &b), minus_set(&b, &af));
            for &s in srcs {
                for &d in dsts.iter().filter(|&&d| d != s) {
                    push(
                        before,
                        &mut changes,
                        Endpoint::Pod(s),
                        Endpoint::Pod(d),
                        &opened,
                        &closed,
                    );
                }
            }
        }
    }
    let reps: BTreeSet<IpAddr> = cb
        .outside
        .iter()
        .chain(ca.outside.iter())
        .map(|r| r.representative)
        .filter(|ip| before.address_endpoint(*ip) == Endpoint::External(*ip))
        .collect();
    for pods in joint.values() {
        let Some(&rep) = pods.first() else { continue };
        for &ip in &reps {
            let (p, x) = (Endpoint::Pod(rep), Endpoint::External(ip));
            for (s, d) in [(p, x), (x, p)] {
                let (b, af) = (plain_between(before, s, d), plain_between(after, s, d));
                if b == af {
                    continue;
                }
                let (opened, closed) = (minus_set(&af, &b), minus_set(&b, &af));
                for &pid in pods {
                    let (s2, d2) = if s == p {
                        (Endpoint::Pod(pid), x)
                    } else {
                        (x, Endpoint::Pod(pid))
                    };
                    push(before, &mut changes, s2, d2, &opened, &closed);
                }
            }
        }
    }
    let key = |f: &FlowChange| (f.src, f.dst);
    changes.opens.sort_by_key(key);
    changes.closes.sort_by_key(key);
    changes
}

fn push(
    a: &Analysis,
    changes: &mut Changes,
    src: Endpoint,
    dst: Endpoint,
    opened: &PortSet,
    closed: &PortSet,
) {
    for (set, list) in [(opened, &mut changes.opens), (closed, &mut changes.closes)] {
        if !set.is_empty() {
            list.push(FlowChange {
                from: a.endpoint_name(src),
                to: a.endpoint_name(dst),
                ports: describe(set),
                src,
                dst,
                set: set.clone(),
            });
        }
    }
}

/// `TCP 80; UDP all`.
pub fn describe(set: &PortSet) -> String {
    set.protocols()
        .filter(|(_, iv)| !iv.is_empty())
        .map(|(p, iv)| format!("{p} {iv}"))
        .collect::<Vec<_>>()
        .join("; ")
}

fn minus(a: &Intervals, b: &Intervals) -> Intervals {
    let mut out = Intervals::default();
    for &(lo, hi) in a.ranges() {
        let mut cur = u32::from(lo);
        let hi32 = u32::from(hi);
        for &(blo, bhi) in b.ranges() {
            let (blo, bhi) = (u32::from(blo), u32::from(bhi));
            if bhi < cur || blo > hi32 {
                continue;
            }
            if blo > cur {
                add32(&mut out, cur, blo - 1);
            }
            cur = bhi + 1;
        }
        if cur <= hi32 {
            add32(&mut out, cur, hi32);
        }
    }
    out
}

fn add32(iv: &mut Intervals, lo: u32, hi: u32) {
    if let (Ok(lo), Ok(hi)) = (u16::try_from(lo), u16::try_from(hi)) {
        iv.add(lo.max(MIN_PORT), hi);
    }
}

fn minus_set(a: &PortSet, b: &PortSet) -> PortSet {
    let mut out = PortSet::none();
    for p in Protocol::ALL {
        for &(lo, hi) in minus(a.get(p), b.get(p)).ranges() {
            out.add(p, lo, hi);
        }
    }
    out
}

fn port_list(pairs: &BTreeSet<(Group, u16)>) -> String {
    let ports: BTreeSet<u16> = pairs.iter().map(|p| p.1).collect();
    ports
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join("-")
}

/// Short words for a policy name: the source side (`first`) or the destination side.
fn peers_short(
    subject: &Group,
    peers: &BTreeSet<(Group, u16)>,
    dir: Direction,
    first: bool,
) -> String {
    let peer_words = || {
        let words: BTreeSet<String> = peers.iter().map(|p| p.0.short()).collect();
        words.into_iter().collect::<Vec<_>>().join("-")
    };
    match (dir, first) {
        (Direction::Egress, true) | (Direction::Ingress, false) => subject.short(),
        (Direction::Egress, false) | (Direction::Ingress, true) => peer_words(),
    }
}

/// A valid (DNS subdomain, ≤ 63 characters) policy name, unused in the namespace.
fn unique_name(
    a: &Analysis,
    taken: &mut BTreeSet<(String, String)>,
    namespace: &str,
    wanted: &str,
) -> String {
    let mut base: String = wanted
        .chars()
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    while base.contains("--") {
        base = base.replace("--", "-");
    }
    base.truncate(56);
    let base = base.trim_matches('-').to_string();
    let used = |n: &str, taken: &BTreeSet<(String, String)>| {
        taken.contains(&(namespace.to_string(), n.to_string()))
            || a.cluster
                .policies
                .iter()
                .any(|p| p.namespace == namespace && p.name == n)
    };
    let mut name = base.clone();
    let mut i = 2;
    while used(&name, taken) {
        name = format!("{base}-{i}");
        i += 1;
    }
    taken.insert((namespace.to_string(), name.clone()));
    name
}

fn proposed(
    a: &Analysis,
    namespace: &str,
    name: &str,
    dir: Direction,
    subject: &Group,
    rules: &str,
) -> ProposedPolicy {
    let mut y = String::new();
    y.push_str("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n");
    y.push_str(&format!(
        "  name: {}\n  namespace: {}\n",
        scalar(name),
        scalar(namespace)
    ));
    y.push_str("spec:\n");
    y.push_str(&selector_yaml(a, "podSelector", subject, 2));
    y.push_str(&format!(
        "  policyTypes:\n    - {}\n  {}:\n",
        dir.title(),
        dir.as_str()
    ));
    y.push_str(rules);
    let selects = a
        .cluster
        .pods
        .iter()
        .enumerate()
        .filter(|(i, _)| subject.contains(a, Endpoint::Pod(*i)))
        .map(|(_, p)| p.qualified())
        .collect();
    ProposedPolicy {
        namespace: namespace.to_string(),
        name: name.to_string(),
        direction: dir,
        yaml: y,
        selects,
    }
}

/// Label keys of the pods of `namespace` other than `labels`' keys.
fn other_keys(a: &Analysis, namespace: &str, labels: &Labels) -> BTreeSet<String> {
    a.cluster
        .pods
        .iter()
        .filter(|p| p.namespace == namespace)
        .flat_map(|p| p.labels.keys())
        .filter(|k| !labels.contains_key(*k) && !PER_POD_LABELS.contains(&k.as_str()))
        .cloned()
        .collect()
}

/// `key:` then a selector matching exactly the pods of the group in its namespace (`indent`
/// spaces before `key`).
fn selector_yaml(a: &Analysis, key: &str, g: &Group, indent: usize) -> String {
    let Group::Pods { namespace, labels } = g else {
        return String::new();
    };
    let pad = " ".repeat(indent);
    let others = other_keys(a, namespace, labels);
    if labels.is_empty() && others.is_empty() {
        return format!("{pad}{key}: {{}}\n");
    }
    let mut y = format!("{pad}{key}:\n");
    if !labels.is_empty() {
        y.push_str(&format!("{pad}  matchLabels:\n"));
        for (k, v) in labels {
            y.push_str(&format!("{pad}    {}: {}\n", scalar(k), scalar(v)));
        }
    }
    if !others.is_empty() {
        y.push_str(&format!("{pad}  matchExpressions:\n"));
        for k in &others {
            y.push_str(&format!(
                "{pad}    - key: {}\n{pad}      operator: DoesNotExist\n",
                scalar(k)
            ));
        }
    }
    y
}

/// A peer list item for a group (`indent` spaces before the `-`).
fn peer_yaml(a: &Analysis, g: &Group, indent: usize) -> String {
    let pad = " ".repeat(indent);
    match g {
        Group::Pods { namespace, .. } => {
            let mut y = format!(
                "{pad}- namespaceSelector:\n{pad}    matchLabels:\n{pad}      kubernetes.io/metadata.name: {}\n",
                scalar(namespace)
            );
            y.push_str(&selector_yaml(a, "podSelector", g, indent + 2));
            y
        }
        Group::Address(ip) => format!("{pad}- ipBlock:\n{pad}    cidr: {}\n", host_cidr(*ip)),
    }
}

fn host_cidr(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v) => format!("{v}/32"),
        IpAddr::V6(v) => format!("{v}/128"),
    }
}

/// Peers matching everything that exists but `groups`: other namespaces by a `NotIn` selector,
/// in the groups' namespaces every other label set present, outside addresses by ipBlocks with
/// `except` for the blocked addresses (ipBlocks may match pod IPs, so those are excepted too).
fn complement_peers(a: &Analysis, groups: &BTreeSet<&Group>) -> String {
    let pad = "        ";
    let mut y = String::new();
    let namespaces: BTreeSet<&str> = groups
        .iter()
        .filter_map(|g| match g {
            Group::Pods { namespace, .. } => Some(namespace.as_str()),
            Group::Address(_) => None,
        })
        .collect();
    let any_pods = namespaces.is_empty();
    if any_pods {
        y.push_str(&format!("{pad}- namespaceSelector: {{}}\n"));
    } else {
        y.push_str(&format!(
            "{pad}- namespaceSelector:\n{pad}    matchExpressions:\n{pad}      - key: kubernetes.io/metadata.name\n{pad}        operator: NotIn\n{pad}        values:\n"
        ));
        for ns in &namespaces {
            y.push_str(&format!("{pad}          - {}\n", scalar(ns)));
        }
        // In those namespaces: every label set present but the blocked ones.
        let present: BTreeSet<Group> = a
            .cluster
            .pods
            .iter()
            .filter(|p| namespaces.contains(p.namespace.as_str()))
            .map(|p| Group::Pods {
                namespace: p.namespace.clone(),
                labels: group_labels(&p.labels),
            })
            .collect();
        for g in present.iter().filter(|g| !groups.contains(g)) {
            y.push_str(&peer_yaml(a, g, pad.len()));
        }
    }
    // Outside: every address but the blocked ones (and the blocked pods' own addresses).
    let mut except: BTreeSet<IpAddr> = BTreeSet::new();
    for g in groups {
        match g {
            Group::Address(ip) => {
                except.insert(*ip);
            }
            Group::Pods { .. } => {
                for (i, p) in a.cluster.pods.iter().enumerate() {
                    if g.contains(a, Endpoint::Pod(i)) {
                        except.extend(p.ips.iter().copied());
                    }
                }
            }
        }
    }
    for (cidr, v4) in [("0.0.0.0/0", true), ("::/0", false)] {
        y.push_str(&format!("{pad}- ipBlock:\n{pad}    cidr: {cidr}\n"));
        let ex: Vec<String> = except
            .iter()
            .filter(|ip| ip.is_ipv4() == v4)
            .map(|ip| host_cidr(*ip))
            .collect();
        if !ex.is_empty() {
            y.push_str(&format!("{pad}    except:\n"));
            for e in ex {
                y.push_str(&format!("{pad}      - {e}\n"));
            }
        }
    }
    y
}

/// A YAML scalar that reads back as this string (quoted when YAML 1.1 would read something
/// else: `yes`, `80`, `null`, or when it holds special characters).
pub fn scalar(s: &str) -> String {
    let plain_ok = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && matches!(
            crate::parse::node::Node {
                span: crate::span::Span::default(),
                kind: crate::parse::node::NodeKind::Scalar {
                    text: s.to_string(),
                    plain: true,
                },
            }
            .scalar(),
            Some(crate::parse::node::Scalar::Str(_))
        );
    if plain_ok {
        return s.to_string();
    }
    let mut q = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            c if (c as u32) < 0x20 => q.push_str(&format!("\\x{:02x}", c as u32)),
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_that_yaml_would_retype_are_quoted() {
        assert_eq!(scalar("web"), "web");
        assert_eq!(scalar("yes"), "\"yes\"");
        assert_eq!(scalar("80"), "\"80\"");
        assert_eq!(scalar("a: b"), "\"a: b\"");
        assert_eq!(scalar(""), "\"\"");
        assert_eq!(
            scalar("kubernetes.io/metadata.name"),
            "kubernetes.io/metadata.name"
        );
    }

    #[test]
    fn interval_difference() {
        let all = Intervals::all();
        let d = minus(&all, &Intervals::single(80, 80));
        assert_eq!(d.ranges(), &[(1, 79), (81, 65535)]);
        assert_eq!(minus(&Intervals::single(80, 80), &all).ranges(), &[]);
        assert_eq!(
            minus(&Intervals::single(1, 1), &Intervals::single(2, 3)).ranges(),
            &[(1, 1)]
        );
        assert_eq!(
            minus(&all, &Intervals::single(65535, 65535)).ranges(),
            &[(1, 65534)]
        );
    }
}
