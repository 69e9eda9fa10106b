//! The admin tiers: AdminNetworkPolicy and BaselineAdminNetworkPolicy
//! (`policy.networking.k8s.io/v1alpha1`) and ClusterNetworkPolicy (`v1alpha2`), modelled once.
//!
//! Per direction the chain is (kubernetes-sigs/network-policy-api `apis/v1alpha2/
//! clusternetworkpolicy_types.go`, `ClusterNetworkPolicySpec.Tier`): the Admin tier (lower
//! `priority` first, then rules in written order; the first matching rule decides), then the
//! NetworkPolicy tier, then the Baseline tier, then the default (allow). Accept/Allow and Deny are
//! final for that direction; Pass leaves the current tier (Admin → NetworkPolicies, or Baseline
//! when no NetworkPolicy isolates the pod; Baseline → the default).
//!
//! Lowering lives in `lower/admin.rs`; [`evaluate`] (one port, with provenance) and
//! [`direction_ports`] (port sets, for matrices) are the same walk.

use crate::analysis::CniFlag;
use std::ops::ControlFlow;

use crate::evaluate::{
    destination_pod, entries_ports, entry_at, Endpoint, Index, Outcome, PortEntry,
};
use crate::model::{Cluster, Direction, Pod, PodId};
use crate::net::Cidr;
use crate::ports::{PortSet, Protocol, MAX_PORT, MIN_PORT};
use crate::selector::{Labels, Selector};
use crate::span::Span;

/// Index into [`Cluster::admin_policies`].
pub type AdminPolicyId = usize;

/// Which API object a policy came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AdminKind {
    /// `policy.networking.k8s.io/v1alpha1` AdminNetworkPolicy (the Admin tier).
    AdminNetworkPolicy,
    /// `policy.networking.k8s.io/v1alpha1` BaselineAdminNetworkPolicy (the Baseline tier; a
    /// singleton named `default`).
    BaselineAdminNetworkPolicy,
    /// `policy.networking.k8s.io/v1alpha2` ClusterNetworkPolicy (either tier).
    ClusterNetworkPolicy,
}

impl AdminKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AdminKind::AdminNetworkPolicy => "AdminNetworkPolicy",
            AdminKind::BaselineAdminNetworkPolicy => "BaselineAdminNetworkPolicy",
            AdminKind::ClusterNetworkPolicy => "ClusterNetworkPolicy",
        }
    }

    pub fn parse(kind: &str) -> Option<AdminKind> {
        match kind {
            "AdminNetworkPolicy" => Some(AdminKind::AdminNetworkPolicy),
            "BaselineAdminNetworkPolicy" => Some(AdminKind::BaselineAdminNetworkPolicy),
            "ClusterNetworkPolicy" => Some(AdminKind::ClusterNetworkPolicy),
            _ => None,
        }
    }

    /// The served version of the kind.
    pub fn api_version(self) -> &'static str {
        match self {
            AdminKind::AdminNetworkPolicy | AdminKind::BaselineAdminNetworkPolicy => {
                "policy.networking.k8s.io/v1alpha1"
            }
            AdminKind::ClusterNetworkPolicy => "policy.networking.k8s.io/v1alpha2",
        }
    }
}

/// The two cluster-wide tiers (the NetworkPolicy tier sits between them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tier {
    Admin,
    Baseline,
}

impl Tier {
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Admin => "Admin",
            Tier::Baseline => "Baseline",
        }
    }
}

/// A rule's action. v1alpha1's `Allow` is v1alpha2's `Accept`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    Accept,
    Deny,
    Pass,
}

impl Action {
    /// The word the API uses for this action in `kind`.
    pub fn word(self, kind: AdminKind) -> &'static str {
        match (self, kind) {
            (Action::Accept, AdminKind::ClusterNetworkPolicy) => "Accept",
            (Action::Accept, _) => "Allow",
            (Action::Deny, _) => "Deny",
            (Action::Pass, _) => "Pass",
        }
    }

    /// `accepts`, `allows`, `denies`, `passes`.
    pub fn verb(self, kind: AdminKind) -> &'static str {
        match (self, kind) {
            (Action::Accept, AdminKind::ClusterNetworkPolicy) => "accepts",
            (Action::Accept, _) => "allows",
            (Action::Deny, _) => "denies",
            (Action::Pass, _) => "passes",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct AdminPolicy {
    pub kind: AdminKind,
    pub name: String,
    pub tier: Tier,
    /// `None` for a BaselineAdminNetworkPolicy (no priority field; evaluated after Baseline
    /// ClusterNetworkPolicies).
    pub priority: Option<u32>,
    pub subject: Subject,
    pub ingress: Vec<AdminRule>,
    pub egress: Vec<AdminRule>,
    /// The object.
    pub span: Span,
    /// Its `metadata.name` value.
    pub name_span: Span,
    /// What-if switch, as `Policy::enabled`.
    pub enabled: bool,
}

impl AdminPolicy {
    pub fn rules(&self, dir: Direction) -> &[AdminRule] {
        match dir {
            Direction::Ingress => &self.ingress,
            Direction::Egress => &self.egress,
        }
    }

    /// Evaluation order within a tier: priority, then (equal priorities are ambiguous upstream,
    /// reported as such) kind and name so the order is at least deterministic.
    pub fn order_key(&self) -> (Tier, u32, AdminKind, &str) {
        (
            self.tier,
            self.priority.unwrap_or(u32::MAX),
            self.kind,
            &self.name,
        )
    }

    /// `ClusterNetworkPolicy `deny-all` (Admin, priority 10)`.
    pub fn label(&self) -> String {
        match (self.kind, self.priority) {
            (AdminKind::ClusterNetworkPolicy, Some(p)) => {
                format!(
                    "{} `{}` ({}, priority {p})",
                    self.kind.as_str(),
                    self.name,
                    self.tier.as_str()
                )
            }
            (_, Some(p)) => format!("{} `{}` (priority {p})", self.kind.as_str(), self.name),
            (_, None) => format!("{} `{}`", self.kind.as_str(), self.name),
        }
    }

    /// Does the subject select `pod`? Host-network pods are never subjects
    /// (`ClusterNetworkPolicySubject`: "host-networked pods are not included").
    pub fn selects(&self, index: &Index, pod: &Pod) -> bool {
        if !self.enabled || pod.host_network {
            return false;
        }
        let empty = Labels::new();
        let ns_labels = index.ns_labels(&pod.namespace).unwrap_or(&empty);
        match &self.subject {
            Subject::Namespaces(sel) => sel.matches(ns_labels),
            Subject::Pods { namespaces, pods } => {
                namespaces.matches(ns_labels) && pods.matches(&pod.labels)
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Subject {
    /// Every pod of the namespaces matching the selector.
    Namespaces(Selector),
    /// Pods matching `pods` in namespaces matching `namespaces`.
    Pods {
        namespaces: Selector,
        pods: Selector,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct AdminRule {
    pub name: Option<String>,
    pub action: Action,
    /// `from` / `to`: at least one peer.
    pub peers: Vec<AdminPeer>,
    /// `ports` (v1alpha1) / `protocols` (v1alpha2); `None`: every port.
    pub ports: Option<Vec<AdminPort>>,
    pub span: Span,
}

impl AdminRule {
    /// `rule `name``, or `rule 2` when unnamed.
    pub fn label(&self, index: usize) -> String {
        match &self.name {
            Some(n) => format!("rule `{n}`"),
            None => format!("rule {}", index + 1),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct AdminPeer {
    pub kind: AdminPeerKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum AdminPeerKind {
    /// Every (non-host-network) pod of the matching namespaces.
    Namespaces(NamespacePeer),
    /// Matching pods in matching namespaces.
    Pods {
        namespaces: NamespacePeer,
        pods: Selector,
    },
    /// CIDRs; they match pod IPs too ("cluster-internal traffic will be checked against the rule
    /// as well", `ClusterNetworkPolicyEgressPeer.Networks`).
    Networks(Vec<Cidr>),
    /// Node IPs: not simulated (the manifests carry no nodes); matches nothing here, flagged.
    Nodes(Selector),
    /// FQDNs: not simulated; matches nothing here, flagged.
    DomainNames(Vec<String>),
    /// No known field set: the API says to fail closed (an Accept rule matches nothing; a Deny
    /// or Pass rule denies everything).
    Unknown,
}

/// How a peer designates namespaces. `SameLabels` / `NotSameLabels` exist in v1alpha1 v0.1.x
/// only (removed upstream in 4d5dd78, "Remove sameLabels and notSameLabels from experimental").
#[derive(Clone, Debug, PartialEq)]
pub enum NamespacePeer {
    Selector(Selector),
    /// Namespaces whose values for all these keys equal the subject namespace's.
    SameLabels(Vec<String>),
    /// Namespaces that have all these keys (as the subject's namespace) with some value
    /// different (policy-assistant `NotSameLabelsNamespaceMatcher`).
    NotSameLabels(Vec<String>),
}

impl NamespacePeer {
    fn matches(&self, ns: &Labels, subject_ns: &Labels) -> bool {
        match self {
            NamespacePeer::Selector(sel) => sel.matches(ns),
            NamespacePeer::SameLabels(keys) => {
                !keys.is_empty()
                    && keys.iter().all(|k| match (ns.get(k), subject_ns.get(k)) {
                        (Some(a), Some(b)) => a == b,
                        _ => false,
                    })
            }
            NamespacePeer::NotSameLabels(keys) => {
                let mut different = false;
                for k in keys {
                    match (ns.get(k), subject_ns.get(k)) {
                        (Some(a), Some(b)) => different |= a != b,
                        _ => return false,
                    }
                }
                different
            }
        }
    }
}

/// A port match of an admin rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdminPort {
    pub kind: AdminPortKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AdminPortKind {
    /// `portNumber` / `portRange` (v1alpha1), `tcp|udp|sctp.destinationPort` (v1alpha2).
    Range(Protocol, u16, u16),
    /// `namedPort` / `destinationNamedPort`: a container port name of the destination pod, with
    /// that container port's protocol.
    Named(String),
}

impl std::fmt::Display for AdminPort {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.kind {
            AdminPortKind::Range(p, lo, hi) if lo == hi => write!(f, "{lo}/{p}"),
            AdminPortKind::Range(p, lo, hi) => write!(f, "{lo}-{hi}/{p}"),
            AdminPortKind::Named(n) => write!(f, "named port `{n}`"),
        }
    }
}

impl PortEntry for AdminPort {
    fn ports(&self, dst: Option<&Pod>) -> PortSet {
        AdminPort::ports(self, dst)
    }
}

impl AdminPort {
    /// The ports this entry opens toward `dst` (named ports resolve on the destination pod, on
    /// a container port of any protocol: the admin API names no protocol with a named port).
    pub fn ports(&self, dst: Option<&Pod>) -> PortSet {
        let mut set = PortSet::none();
        match &self.kind {
            AdminPortKind::Range(p, lo, hi) => set.add(*p, *lo, *hi),
            AdminPortKind::Named(name) => {
                for cp in dst.into_iter().flat_map(|d| d.ports.iter()) {
                    if cp.name.as_deref() == Some(name.as_str()) {
                        set.add(cp.protocol, cp.port, cp.port);
                    }
                }
            }
        }
        set
    }
}

/// One admin rule that matched a connection: who, which rule, which peer and port entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AdminRuleRef {
    pub policy: AdminPolicyId,
    pub tier: Tier,
    pub direction: Direction,
    pub rule: usize,
    pub peer: usize,
    /// `None`: the rule has no port list (or failed closed).
    pub port: Option<usize>,
    /// The effective action (a Deny/Pass rule with an unknown peer acts as Deny).
    pub action: Action,
}

/// Who decided a direction once admin tiers took part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TierDecision {
    /// An Admin-tier rule accepted or denied.
    Admin(AdminRuleRef),
    /// The NetworkPolicy tier: `Outcome::Allowed` or `Outcome::Denied`.
    NetworkPolicy(Outcome),
    /// A Baseline-tier rule accepted or denied.
    Baseline(AdminRuleRef),
    /// No tier decided: allowed.
    Default,
}

/// A direction where admin tiers took part (a rule matched, or a caveat applies).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tiered {
    /// The Pass rules the flow went through, in order (Admin, then Baseline).
    pub passes: Vec<AdminRuleRef>,
    pub decision: TierDecision,
    /// Equal-priority policies with a matching rule of another action: the outcome is
    /// implementation-defined upstream. (deciding policy, other policy).
    pub ambiguous: Vec<(AdminPolicyId, AdminPolicyId)>,
    /// Policies with `nodes` / `domainNames` peers consulted before the decision.
    pub not_simulated: Vec<AdminPolicyId>,
    /// Policies whose `networks` peers met a pod the manifests give no IP for (before the
    /// decision): in a cluster its IP may fall inside them.
    pub pod_ip_unknown: Vec<AdminPolicyId>,
}

impl Tiered {
    pub fn allowed(&self) -> bool {
        match &self.decision {
            TierDecision::Admin(r) | TierDecision::Baseline(r) => r.action == Action::Accept,
            TierDecision::NetworkPolicy(o) => o.allowed(),
            TierDecision::Default => true,
        }
    }

    /// `Admin`, `NetworkPolicy`, `Baseline` or `default`.
    pub fn tier_name(&self) -> &'static str {
        match &self.decision {
            TierDecision::Admin(_) => "Admin",
            TierDecision::NetworkPolicy(_) => "NetworkPolicy",
            TierDecision::Baseline(_) => "Baseline",
            TierDecision::Default => "default",
        }
    }
}

/// Do any admin policies take part in evaluation (enabled ones)?
pub fn active(cluster: &Cluster) -> bool {
    cluster.admin_policies.iter().any(|p| p.enabled)
}

/// The policies of `tier` selecting `pod` with rules for `dir`, in evaluation order (the
/// cluster keeps them sorted by [`AdminPolicy::order_key`]).
pub fn applicable(
    cluster: &Cluster,
    index: &Index,
    pod: &Pod,
    tier: Tier,
    dir: Direction,
) -> Vec<AdminPolicyId> {
    cluster
        .admin_policies
        .iter()
        .enumerate()
        .filter(|(_, p)| p.tier == tier && !p.rules(dir).is_empty() && p.selects(index, pod))
        .map(|(i, _)| i)
        .collect()
}

/// Whether an admin peer matches the other end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PeerHit {
    Yes,
    No,
    /// `nodes` / `domainNames`: not simulated (treated as no match, flagged).
    NotSimulated,
    /// `networks` against a pod without a known IP (treated as no match, flagged).
    NoIp,
    /// No known field: fail closed.
    Unknown,
}

fn peer_hit(
    cluster: &Cluster,
    index: &Index,
    subject: &Pod,
    kind: &AdminPeerKind,
    other: Endpoint,
) -> PeerHit {
    let empty = Labels::new();
    let pod_of = |e: Endpoint| match e {
        // Host-network pods are not included in namespaces/pods peers (API docs).
        Endpoint::Pod(id) => cluster.pods.get(id).filter(|p| !p.host_network),
        Endpoint::External(_) => None,
    };
    let yes = |b: bool| if b { PeerHit::Yes } else { PeerHit::No };
    match kind {
        AdminPeerKind::Namespaces(ns) => match pod_of(other) {
            Some(pod) => yes(ns.matches(
                index.ns_labels(&pod.namespace).unwrap_or(&empty),
                index.ns_labels(&subject.namespace).unwrap_or(&empty),
            )),
            None => PeerHit::No,
        },
        AdminPeerKind::Pods { namespaces, pods } => match pod_of(other) {
            Some(pod) => yes(namespaces.matches(
                index.ns_labels(&pod.namespace).unwrap_or(&empty),
                index.ns_labels(&subject.namespace).unwrap_or(&empty),
            ) && pods.matches(&pod.labels)),
            None => PeerHit::No,
        },
        AdminPeerKind::Networks(cidrs) => {
            let ips = crate::evaluate::endpoint_ips(cluster, other);
            if ips.is_empty() {
                return PeerHit::NoIp;
            }
            yes(ips.iter().any(|ip| cidrs.iter().any(|c| c.contains(*ip))))
        }
        AdminPeerKind::Nodes(_) | AdminPeerKind::DomainNames(_) => PeerHit::NotSimulated,
        AdminPeerKind::Unknown => PeerHit::Unknown,
    }
}

/// Peers skipped on the way to a decision, for the verdict's caveats.
#[derive(Clone, Copy, Debug, Default)]
struct Notes {
    not_simulated: bool,
    no_ip: bool,
}

/// A rule's match against the other end, ignoring ports: the matching peer, the effective
/// action, and whether the rule failed closed (then it matches every port); or `None`.
fn rule_peer(
    cluster: &Cluster,
    index: &Index,
    subject: &Pod,
    rule: &AdminRule,
    other: Endpoint,
    notes: &mut Notes,
) -> Option<(usize, Action, bool)> {
    // "For Deny and Pass rules, fail closed means: treat the rule as a 'Deny all' rule"
    // (`ClusterNetworkPolicyEgressPeer`); for Accept rules the peer matches nothing.
    if rule.action != Action::Accept {
        if let Some(pi) = rule
            .peers
            .iter()
            .position(|p| matches!(p.kind, AdminPeerKind::Unknown))
        {
            return Some((pi, Action::Deny, true));
        }
    }
    for (pi, peer) in rule.peers.iter().enumerate() {
        match peer_hit(cluster, index, subject, &peer.kind, other) {
            PeerHit::Yes => return Some((pi, rule.action, false)),
            PeerHit::No | PeerHit::Unknown => {}
            PeerHit::NotSimulated => notes.not_simulated = true,
            PeerHit::NoIp => notes.no_ip = true,
        }
    }
    None
}

/// The rule walk of one admin policy, the shape of `evaluate::matching_rules`: visits, in
/// written order, each rule of `policy` in `dir` whose peers match `other` ([`rule_peer`]), with
/// the matching peer, the effective action and whether it failed closed (then it covers every
/// port). The visitor stops the walk with `ControlFlow::Break`.
#[allow(clippy::too_many_arguments)]
fn matching_rules<'c>(
    cluster: &Cluster,
    index: &Index,
    subject: &Pod,
    policy: &'c AdminPolicy,
    dir: Direction,
    other: Endpoint,
    notes: &mut Notes,
    mut visit: impl FnMut(usize, &'c AdminRule, usize, Action, bool) -> ControlFlow<()>,
) {
    for (ri, rule) in policy.rules(dir).iter().enumerate() {
        let Some((pi, action, failed)) = rule_peer(cluster, index, subject, rule, other, notes)
        else {
            continue;
        };
        if visit(ri, rule, pi, action, failed).is_break() {
            return;
        }
    }
}

/// The first matching rule of one policy at one port: (rule, peer, port entry, action).
#[allow(clippy::too_many_arguments)]
fn first_match(
    cluster: &Cluster,
    index: &Index,
    subject: &Pod,
    policy: &AdminPolicy,
    dir: Direction,
    other: Endpoint,
    port: u16,
    protocol: Protocol,
    notes: &mut Notes,
) -> Option<(usize, usize, Option<usize>, Action)> {
    let dst = destination_pod(cluster, subject, dir, other);
    let mut hit = None;
    matching_rules(
        cluster,
        index,
        subject,
        policy,
        dir,
        other,
        notes,
        |ri, rule, pi, action, failed| {
            let entry = if failed {
                Some(None)
            } else {
                entry_at(rule.ports.as_deref(), dst, protocol, port)
            };
            match entry {
                Some(entry) => {
                    hit = Some((ri, pi, entry, action));
                    ControlFlow::Break(())
                }
                None => ControlFlow::Continue(()),
            }
        },
    );
    hit
}

/// Walks one tier at one port: the first matching rule (by priority, then rule order).
#[allow(clippy::too_many_arguments)]
fn walk_tier(
    cluster: &Cluster,
    index: &Index,
    pod: &Pod,
    tier: Tier,
    dir: Direction,
    other: Endpoint,
    port: u16,
    protocol: Protocol,
    t: &mut Tiered,
) -> Option<AdminRuleRef> {
    let ids = applicable(cluster, index, pod, tier, dir);
    for (k, &id) in ids.iter().enumerate() {
        let Some(policy) = cluster.admin_policies.get(id) else {
            continue;
        };
        let mut notes = Notes::default();
        let hit = first_match(
            cluster, index, pod, policy, dir, other, port, protocol, &mut notes,
        );
        if notes.not_simulated {
            t.not_simulated.push(id);
        }
        if notes.no_ip {
            t.pod_ip_unknown.push(id);
        }
        let Some((rule, peer, entry, action)) = hit else {
            continue;
        };
        // Equal priority, another matching rule with another action: implementation-defined.
        if policy.priority.is_some() {
            for &other_id in ids.iter().skip(k + 1) {
                let Some(o) = cluster.admin_policies.get(other_id) else {
                    continue;
                };
                if o.priority != policy.priority {
                    break;
                }
                let mut ignore = Notes::default();
                if let Some((_, _, _, a)) = first_match(
                    cluster,
                    index,
                    pod,
                    o,
                    dir,
                    other,
                    port,
                    protocol,
                    &mut ignore,
                ) {
                    if a != action {
                        t.ambiguous.push((id, other_id));
                    }
                }
            }
        }
        return Some(AdminRuleRef {
            policy: id,
            tier,
            direction: dir,
            rule,
            peer,
            port: entry,
            action,
        });
    }
    None
}

/// One direction through the whole chain, at one port. `np` is the NetworkPolicy tier's own
/// outcome for that direction. Returns a plain outcome when no admin rule took part.
#[allow(clippy::too_many_arguments)]
pub fn evaluate(
    cluster: &Cluster,
    index: &Index,
    subject: PodId,
    dir: Direction,
    other: Endpoint,
    port: u16,
    protocol: Protocol,
    np: impl FnOnce() -> Outcome,
) -> Outcome {
    let Some(pod) = cluster.pods.get(subject) else {
        return np();
    };
    let mut t = Tiered {
        passes: Vec::new(),
        decision: TierDecision::Default,
        ambiguous: Vec::new(),
        not_simulated: Vec::new(),
        pod_ip_unknown: Vec::new(),
    };
    let walk =
        |tier, t: &mut Tiered| walk_tier(cluster, index, pod, tier, dir, other, port, protocol, t);
    let mut decision = None;
    match walk(Tier::Admin, &mut t) {
        Some(r) if r.action == Action::Pass => t.passes.push(r),
        Some(r) => decision = Some(TierDecision::Admin(r)),
        None => {}
    }
    if decision.is_none() {
        let o = np();
        if !matches!(o, Outcome::NotIsolated) {
            decision = Some(TierDecision::NetworkPolicy(o));
        }
    }
    if decision.is_none() {
        match walk(Tier::Baseline, &mut t) {
            Some(r) if r.action == Action::Pass => t.passes.push(r),
            Some(r) => decision = Some(TierDecision::Baseline(r)),
            None => {}
        }
    }
    t.decision = decision.unwrap_or(TierDecision::Default);
    for list in [&mut t.not_simulated, &mut t.pod_ip_unknown] {
        list.sort_unstable();
        list.dedup();
    }
    let plain = t.passes.is_empty()
        && t.ambiguous.is_empty()
        && t.not_simulated.is_empty()
        && t.pod_ip_unknown.is_empty();
    match t.decision {
        TierDecision::NetworkPolicy(o) if plain => o,
        TierDecision::Default if plain => Outcome::NotIsolated,
        _ => Outcome::Tiered(Box::new(t)),
    }
}

/// The complement of a port set.
fn complement(set: &PortSet) -> PortSet {
    let mut out = PortSet::none();
    for p in Protocol::ALL {
        let mut next = MIN_PORT;
        let mut done = false;
        for &(lo, hi) in set.get(p).ranges() {
            if lo > next {
                out.add(p, next, lo - 1);
            }
            if hi == MAX_PORT {
                done = true;
                break;
            }
            next = next.max(hi + 1);
        }
        if !done {
            out.add(p, next, MAX_PORT);
        }
    }
    out
}

/// Walks one tier as port sets: `undecided` ports meet each matching rule in order; returns
/// (accepted, passed), leaving in `undecided` what no rule of the tier matched.
fn tier_ports(
    cluster: &Cluster,
    index: &Index,
    pod: &Pod,
    tier: Tier,
    dir: Direction,
    other: Endpoint,
    undecided: &mut PortSet,
) -> (PortSet, PortSet) {
    let dst = destination_pod(cluster, pod, dir, other);
    let (mut accepted, mut passed) = (PortSet::none(), PortSet::none());
    for id in applicable(cluster, index, pod, tier, dir) {
        let Some(policy) = cluster.admin_policies.get(id) else {
            continue;
        };
        if undecided.is_empty() {
            break;
        }
        let mut ignore = Notes::default();
        matching_rules(
            cluster,
            index,
            pod,
            policy,
            dir,
            other,
            &mut ignore,
            |_, rule, _, action, failed| {
                let covered = if failed {
                    PortSet::all()
                } else {
                    entries_ports(rule.ports.as_deref(), dst)
                };
                let hit = undecided.intersect(&covered);
                match action {
                    Action::Accept => accepted.union(&hit),
                    Action::Pass => passed.union(&hit),
                    Action::Deny => {}
                }
                *undecided = undecided.intersect(&complement(&covered));
                if undecided.is_empty() {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            },
        );
    }
    (accepted, passed)
}

/// One direction through the whole chain as a port set; `np` is the NetworkPolicy tier's
/// (isolated, ports). The same walk as [`evaluate`], over all ports at once.
pub fn direction_ports(
    cluster: &Cluster,
    index: &Index,
    subject: PodId,
    dir: Direction,
    other: Endpoint,
    np: impl FnOnce() -> (bool, PortSet),
) -> PortSet {
    let Some(pod) = cluster.pods.get(subject) else {
        return np().1;
    };
    let mut undecided = PortSet::all();
    let (mut allowed, passed) =
        tier_ports(cluster, index, pod, Tier::Admin, dir, other, &mut undecided);
    let mut to_np = undecided;
    to_np.union(&passed);
    let (isolated, np_ports) = np();
    if isolated {
        allowed.union(&to_np.intersect(&np_ports));
        return allowed;
    }
    let mut undecided = to_np;
    let (accepted, passed) = tier_ports(
        cluster,
        index,
        pod,
        Tier::Baseline,
        dir,
        other,
        &mut undecided,
    );
    allowed.union(&accepted);
    allowed.union(&passed);
    allowed.union(&undecided);
    allowed
}

/// The NetworkPolicy tier's outcome inside a tiered one (after a Pass), else `outcome` itself.
pub fn np_outcome(outcome: &Outcome) -> &Outcome {
    match outcome {
        Outcome::Tiered(t) => match &t.decision {
            TierDecision::NetworkPolicy(o) => o,
            _ => outcome,
        },
        _ => outcome,
    }
}

/// Verdict caveats of a direction: equal-priority ambiguity, not-simulated peers.
pub fn flags(cluster: &Cluster, outcome: &Outcome, out: &mut Vec<CniFlag>) {
    let Outcome::Tiered(t) = outcome else {
        return;
    };
    let name = |id: AdminPolicyId| {
        cluster
            .admin_policies
            .get(id)
            .map(|p| p.name.clone())
            .unwrap_or_default()
    };
    for &(a, b) in &t.ambiguous {
        out.push(CniFlag::AdminEqualPriority {
            policies: format!("{}, {}", name(a), name(b)),
        });
    }
    for &id in &t.pod_ip_unknown {
        out.push(CniFlag::AdminNetworksPodIp { policy: name(id) });
    }
    for &id in &t.not_simulated {
        out.push(CniFlag::AdminNotSimulated { policy: name(id) });
    }
}

/// Every CIDR of enabled admin `networks` peers (outside ranges of the matrix).
pub fn cidrs(cluster: &Cluster) -> Vec<Cidr> {
    let mut out = Vec::new();
    for p in cluster.admin_policies.iter().filter(|p| p.enabled) {
        for rule in p.ingress.iter().chain(&p.egress) {
            for peer in &rule.peers {
                if let AdminPeerKind::Networks(c) = &peer.kind {
                    out.extend(c.iter().copied());
                }
            }
        }
    }
    out
}

/// The connectivity matrix when admin policies take part. Pods that no policy can tell apart
/// form one class: the same NetworkPolicies isolate them, the same NetworkPolicy and admin peers
/// match them (`networks` on their IPs included), the same admin subjects select them, their
/// namespaces agree on the `sameLabels`/`notSameLabels` keys, and the port names rules use
/// resolve alike. Each pair of classes is evaluated through the whole chain on representatives
/// with the direction port sets of [`crate::connectivity::plain_between`].
pub fn connectivity(a: &crate::analysis::Analysis) -> crate::connectivity::Connectivity {
    use std::collections::{BTreeSet, HashMap};
    let c = &a.cluster;
    let index = &a.index;
    let np_peers: Vec<&crate::model::PeerKind> = c
        .policies
        .iter()
        .flat_map(|p| p.ingress.iter().chain(&p.egress))
        .flat_map(|r| r.peers.iter().flatten())
        .map(|p| &p.kind)
        .collect();
    let admin_peers: Vec<&AdminPeerKind> = c
        .admin_policies
        .iter()
        .flat_map(|p| p.ingress.iter().chain(&p.egress))
        .flat_map(|r| r.peers.iter())
        .map(|p| &p.kind)
        .collect();
    // Namespace label keys `sameLabels` / `notSameLabels` compare.
    let mut same_keys: BTreeSet<&str> = BTreeSet::new();
    for kind in &admin_peers {
        if let AdminPeerKind::Namespaces(n) | AdminPeerKind::Pods { namespaces: n, .. } = kind {
            if let NamespacePeer::SameLabels(k) | NamespacePeer::NotSameLabels(k) = n {
                same_keys.extend(k.iter().map(String::as_str));
            }
        }
    }
    // Port names any rule uses (NetworkPolicy names are per protocol, admin names any).
    let mut names: BTreeSet<&str> = BTreeSet::new();
    for p in &c.policies {
        for r in p.ingress.iter().chain(&p.egress) {
            for e in r.ports.iter().flatten() {
                if let crate::model::PortRef::Named(n) = &e.port {
                    names.insert(n);
                }
            }
        }
    }
    for p in &c.admin_policies {
        for r in p.ingress.iter().chain(&p.egress) {
            for e in r.ports.iter().flatten() {
                if let AdminPortKind::Named(n) = &e.kind {
                    names.insert(n);
                }
            }
        }
    }
    // Any pod stands in as the subject for peers that do not depend on it (all but the
    // `sameLabels` ones, whose inputs are in the signature).
    type Sig = (
        Vec<crate::model::PolicyId>,
        Vec<crate::model::PolicyId>,
        Vec<usize>,
        Vec<(usize, u8)>,
        Vec<AdminPolicyId>,
        Vec<Option<String>>,
        Vec<(String, u16, Protocol)>,
    );
    let empty = Labels::new();
    let mut class_index: HashMap<Sig, usize> = HashMap::new();
    let mut classes: Vec<Vec<PodId>> = Vec::new();
    let mut class_of = Vec::with_capacity(c.pods.len());
    for (pid, pod) in c.pods.iter().enumerate() {
        let me = Endpoint::Pod(pid);
        let np_hits = np_peers
            .iter()
            .enumerate()
            .filter(|(_, k)| crate::evaluate::peer_match(c, index, k, me).is_ok())
            .map(|(i, _)| i)
            .collect();
        let admin_hits = admin_peers
            .iter()
            .enumerate()
            .filter_map(|(i, k)| match peer_hit(c, index, pod, k, me) {
                PeerHit::Yes => Some((i, 1)),
                PeerHit::NoIp => Some((i, 2)),
                PeerHit::No | PeerHit::NotSimulated | PeerHit::Unknown => None,
            })
            .collect();
        let subjects = c
            .admin_policies
            .iter()
            .enumerate()
            .filter(|(_, p)| p.selects(index, pod))
            .map(|(i, _)| i)
            .collect();
        let ns_labels = index.ns_labels(&pod.namespace).unwrap_or(&empty);
        let same = same_keys
            .iter()
            .map(|k| ns_labels.get(*k).cloned())
            .collect();
        let mut named: Vec<(String, u16, Protocol)> = pod
            .ports
            .iter()
            .filter_map(|cp| {
                let n = cp.name.as_deref().filter(|n| names.contains(n))?;
                Some((n.to_string(), cp.port, cp.protocol))
            })
            .collect();
        named.sort_unstable();
        let sig: Sig = (
            crate::evaluate::isolating(c, index, pod, Direction::Ingress),
            crate::evaluate::isolating(c, index, pod, Direction::Egress),
            np_hits,
            admin_hits,
            subjects,
            same,
            named,
        );
        let next = classes.len();
        let ci = *class_index.entry(sig).or_insert(next);
        if ci == next {
            classes.push(Vec::new());
        }
        if let Some(cl) = classes.get_mut(ci) {
            cl.push(pid);
        }
        class_of.push(ci);
    }
    let between = |s: Endpoint, d: Endpoint| -> PortSet {
        let eg = match s {
            Endpoint::Pod(p) => {
                crate::evaluate::direction_ports(c, &a.index, p, Direction::Egress, d).ports
            }
            Endpoint::External(_) => PortSet::all(),
        };
        let ing = match d {
            Endpoint::Pod(p) => {
                crate::evaluate::direction_ports(c, &a.index, p, Direction::Ingress, s).ports
            }
            Endpoint::External(_) => PortSet::all(),
        };
        eg.intersect(&ing)
    };
    let k = classes.len();
    let mut class_matrix = vec![vec![PortSet::none(); k]; k];
    for (ca, row) in class_matrix.iter_mut().enumerate() {
        let Some(&pa) = classes.get(ca).and_then(|v| v.first()) else {
            continue;
        };
        for (cb, cell) in row.iter_mut().enumerate() {
            let Some(members) = classes.get(cb) else {
                continue;
            };
            // Within a class: two distinct members when there are two; a single member stands
            // for an identical other pod (evaluated as if distinct).
            let pb = if ca == cb {
                members.get(1).or(members.first())
            } else {
                members.first()
            };
            let Some(&pb) = pb else { continue };
            *cell = between(Endpoint::Pod(pa), Endpoint::Pod(pb));
        }
    }
    let outside = crate::connectivity::outside_ranges(a);
    let reps: Vec<Option<PodId>> = classes.iter().map(|v| v.first().copied()).collect();
    let to_outside: Vec<Vec<PortSet>> = reps
        .iter()
        .map(|p| {
            outside
                .iter()
                .map(|r| match p {
                    Some(p) => between(Endpoint::Pod(*p), Endpoint::External(r.representative)),
                    None => PortSet::none(),
                })
                .collect()
        })
        .collect();
    let from_outside: Vec<Vec<PortSet>> = outside
        .iter()
        .map(|r| {
            reps.iter()
                .map(|p| match p {
                    Some(p) => between(Endpoint::External(r.representative), Endpoint::Pod(*p)),
                    None => PortSet::none(),
                })
                .collect()
        })
        .collect();
    crate::connectivity::Connectivity {
        class_of,
        classes,
        outside,
        class_matrix: crate::connectivity::SetMatrix::from_rows(class_matrix),
        to_outside: crate::connectivity::SetMatrix::from_rows(to_outside),
        from_outside: crate::connectivity::SetMatrix::from_rows(from_outside),
    }
}

/// Same selector, spans aside.
fn same_selector(a: &Selector, b: &Selector) -> bool {
    a.match_labels == b.match_labels
        && a.exprs.len() == b.exprs.len()
        && a.exprs
            .iter()
            .zip(&b.exprs)
            .all(|(x, y)| x.key == y.key && x.op == y.op && x.values == y.values)
}

fn ns_covers(a: &NamespacePeer, b: &NamespacePeer) -> bool {
    match (a, b) {
        (NamespacePeer::Selector(x), _) if x.is_empty() => true,
        (NamespacePeer::Selector(x), NamespacePeer::Selector(y)) => same_selector(x, y),
        (NamespacePeer::SameLabels(x), NamespacePeer::SameLabels(y))
        | (NamespacePeer::NotSameLabels(x), NamespacePeer::NotSameLabels(y)) => x == y,
        _ => false,
    }
}

/// Does peer `a` match everything peer `b` matches (decidable cases only)?
fn peer_covers(a: &AdminPeerKind, b: &AdminPeerKind) -> bool {
    match (a, b) {
        (AdminPeerKind::Namespaces(x), AdminPeerKind::Namespaces(y)) => ns_covers(x, y),
        (AdminPeerKind::Namespaces(x), AdminPeerKind::Pods { namespaces: y, .. }) => {
            ns_covers(x, y)
        }
        (
            AdminPeerKind::Pods {
                namespaces: x,
                pods: px,
            },
            AdminPeerKind::Pods {
                namespaces: y,
                pods: py,
            },
        ) => ns_covers(x, y) && (px.is_empty() || same_selector(px, py)),
        (AdminPeerKind::Networks(x), AdminPeerKind::Networks(y)) => {
            y.iter().all(|c| x.iter().any(|o| o.contains_cidr(c)))
        }
        _ => false,
    }
}

fn port_covers(a: &AdminPort, b: &AdminPort) -> bool {
    match (&a.kind, &b.kind) {
        (AdminPortKind::Range(p, lo, hi), AdminPortKind::Range(q, lo2, hi2)) => {
            p == q && lo <= lo2 && hi2 <= hi
        }
        (AdminPortKind::Named(x), AdminPortKind::Named(y)) => x == y,
        _ => false,
    }
}

/// Does rule `a` match every flow rule `b` matches?
fn rule_covers(a: &AdminRule, b: &AdminRule) -> bool {
    let peers = b
        .peers
        .iter()
        .all(|pb| a.peers.iter().any(|pa| peer_covers(&pa.kind, &pb.kind)));
    let ports = match (&a.ports, &b.ports) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(pa), Some(pb)) => pb.iter().all(|y| pa.iter().any(|x| port_covers(x, y))),
    };
    peers && ports
}

/// Admin-tier lints and the equal-priority diagnostic.
pub fn lint(cluster: &Cluster, index: &Index, out: &mut Vec<crate::diagnostic::Diagnostic>) {
    use crate::diagnostic::{Code, Diagnostic};
    for p in &cluster.admin_policies {
        for dir in [Direction::Ingress, Direction::Egress] {
            let rules = p.rules(dir);
            for (j, later) in rules.iter().enumerate() {
                if later.action == Action::Accept
                    && later
                        .peers
                        .iter()
                        .all(|x| matches!(x.kind, AdminPeerKind::Unknown))
                {
                    out.push(
                        Diagnostic::warning(
                            Code::LintAdminRuleNeverMatches,
                            later.span,
                            format!(
                                "{} {} {} can never match: its peers set no known field, so it fails closed",
                                p.label(),
                                dir.as_str(),
                                later.label(j)
                            ),
                        )
                        .with_help("check the field names against the policy's apiVersion"),
                    );
                    continue;
                }
                let Some((i, earlier)) = rules
                    .iter()
                    .enumerate()
                    .take(j)
                    .find(|(_, e)| rule_covers(e, later))
                else {
                    continue;
                };
                let (code, what) =
                    if earlier.action == Action::Accept && later.action == Action::Deny {
                        (
                            Code::LintAdminDenyShadowed,
                            "this Deny is shadowed by an earlier Accept",
                        )
                    } else {
                        (Code::LintAdminRuleNeverMatches, "this rule can never match")
                    };
                out.push(
                    Diagnostic::warning(
                        code,
                        later.span,
                        format!(
                            "{what}: {} {} {} (line {}) already matches every flow of {} ({}), and the first matching rule decides",
                            p.label(),
                            dir.as_str(),
                            earlier.label(i),
                            earlier.span.start.line,
                            later.label(j),
                            later.action.word(p.kind)
                        ),
                    )
                    .with_help("move the narrower rule first, or remove it"),
                );
            }
        }
    }
    // A subject that selects no pod of the manifests (a typo in a label, usually).
    if !cluster.pods.is_empty() {
        for p in &cluster.admin_policies {
            let (sel_span, text) = match &p.subject {
                Subject::Namespaces(s) => (s.span, format!("namespaces `{s}`")),
                Subject::Pods { namespaces, pods } => (
                    pods.span,
                    format!("pods `{pods}` in namespaces `{namespaces}`"),
                ),
            };
            if !cluster.pods.iter().any(|pod| p.selects(index, pod)) && p.enabled {
                out.push(
                    Diagnostic::warning(
                        Code::LintSelectsNothing,
                        sel_span,
                        format!(
                            "{} selects no pod: its subject is {text}, and no (non-host-network) pod here matches",
                            p.label()
                        ),
                    )
                    .with_help("check the labels for a typo"),
                );
            }
        }
    }
    // Equal priorities in one tier over a common pod: implementation-defined upstream.
    let ps = &cluster.admin_policies;
    for (i, a) in ps.iter().enumerate() {
        for b in ps.iter().skip(i + 1) {
            if a.tier != b.tier || a.priority.is_none() || a.priority != b.priority {
                continue;
            }
            let common_dir = [Direction::Ingress, Direction::Egress]
                .into_iter()
                .any(|d| !a.rules(d).is_empty() && !b.rules(d).is_empty());
            let common_pod = cluster
                .pods
                .iter()
                .find(|pod| a.selects(index, pod) && b.selects(index, pod));
            if let (true, Some(pod)) = (common_dir, common_pod) {
                out.push(
                    Diagnostic::warning(
                        Code::EqualPriority,
                        b.name_span,
                        format!(
                            "{} and {} share priority {} in the {} tier and both select `{}`: when their rules match the same flow, which one applies is up to the implementation",
                            a.label(),
                            b.label(),
                            a.priority.unwrap_or_default(),
                            a.tier.as_str(),
                            pod.qualified()
                        ),
                    )
                    .with_help("give each policy its own priority"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complement_of_ranges() {
        let mut s = PortSet::none();
        s.add(Protocol::Tcp, 1, 79);
        s.add(Protocol::Tcp, 81, 65535);
        let c = complement(&s);
        assert!(c.contains(Protocol::Tcp, 80));
        assert!(!c.contains(Protocol::Tcp, 81));
        assert!(c.get(Protocol::Udp).is_all());
        assert!(complement(&PortSet::all()).is_empty());
        assert!(complement(&PortSet::none()).is_all());
    }
}
