//! What the graph shows, computed from the engine's public API: nodes (slots and the endpoints
//! drawn in them), Service fan-out edges, and flows with their verdicts. No policy semantics
//! here: every verdict comes from `Analysis::verdict` or `connectivity::compute`.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use engine::connectivity::{compute, Connectivity};
use engine::evaluate::{Endpoint as EngineEndpoint, Outcome};
use engine::model::{PodId, TargetPort};
use engine::{Analysis, PortSet, Protocol, Target};

use crate::layout::{self, Group, Layout};

/// Above this many endpoints, only the flows of the focused node (or policy) are drawn.
pub const FULL_GRAPH_LIMIT: usize = 12;
/// Flows drawn at most (a policy selecting everything in a large scenario).
pub const MAX_FLOWS: usize = 160;
/// Declared ports probed per destination.
pub const MAX_PORTS: usize = 6;

/// The analysis with the what-if switches applied, and its connectivity.
#[derive(Debug)]
pub struct Derived {
    /// As parsed (all policies enabled).
    pub base: Rc<Analysis>,
    /// With the switched-off policies disabled.
    pub eff: Analysis,
    pub conn: Connectivity,
}

impl PartialEq for Derived {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Derived {
    pub fn new(base: Rc<Analysis>, off: &BTreeSet<String>) -> Derived {
        let mut eff = (*base).clone();
        for p in &mut eff.cluster.policies {
            if off.contains(&p.qualified()) {
                p.enabled = false;
            }
        }
        for p in &mut eff.cluster.admin_policies {
            if off.contains(&admin_key(p)) {
                p.enabled = false;
            }
        }
        let conn = compute(&eff);
        Derived { base, eff, conn }
    }
}

/// The what-if key of an admin policy (cluster-scoped: no namespace, so a `:` keeps it apart
/// from NetworkPolicies' `namespace/name`).
pub fn admin_key(p: &engine::admin::AdminPolicy) -> String {
    format!("{}:{}", p.kind.as_str(), p.name)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlotKind {
    Pod,
    Workload,
    Service,
    Outside,
}

/// One place in the layout: a workload (collapsed or expanded), a bare pod, a Service, an outside range.
#[derive(Clone, Debug, PartialEq)]
pub struct Slot {
    /// The node name (`data-node` of the collapsed node).
    pub key: String,
    pub namespace: Option<String>,
    pub name: String,
    pub kind: SlotKind,
    /// `Deployment`, `StatefulSet`, ... for workloads.
    pub detail: String,
    pub replicas: usize,
    pub expanded: bool,
    pub x: f64,
    pub y: f64,
}

/// A flow end drawn in the graph.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// `data-node`: `ns/name`, `service:ns/name`, or a CIDR.
    pub id: String,
    pub slot: usize,
    pub kind: SlotKind,
    pub target: Target,
    pub pods: Vec<PodId>,
    /// Index into `Connectivity::outside` for outside nodes.
    pub outside: Option<usize>,
    pub x: f64,
    pub y: f64,
    /// Radius used to trim edges.
    pub r: f64,
}

/// A Service → backing node edge, labelled `port → targetPort`.
#[derive(Clone, Debug, PartialEq)]
pub struct Fan {
    pub service: usize,
    pub node: usize,
    pub label: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Scene {
    pub layout: Layout,
    pub slots: Vec<Slot>,
    pub nodes: Vec<Node>,
    pub fans: Vec<Fan>,
}

impl Scene {
    pub fn node_index(&self, id: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.id == id)
    }

    /// Nodes a selection name stands for: the node itself, or the pods of an expanded workload.
    pub fn nodes_of(&self, id: &str) -> Vec<usize> {
        let slot = self.slots.iter().position(|s| s.key == id);
        self.nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.id == id || (slot == Some(n.slot)))
            .map(|(i, _)| i)
            .collect()
    }
}

/// Offsets of the replica pods of an expanded workload around its slot centre.
pub fn replica_offsets(n: usize) -> Vec<(f64, f64)> {
    let cols = n.clamp(1, 4);
    let rows = n.div_ceil(cols);
    let (dx, dy) = (26.0, 22.0);
    (0..n)
        .map(|i| {
            let (c, r) = ((i % cols) as f64, (i / cols) as f64);
            (
                (c - (cols as f64 - 1.0) / 2.0) * dx,
                (r - (rows as f64 - 1.0) / 2.0) * dy - 8.0,
            )
        })
        .collect()
}

/// Expanded workloads show at most this many replicas (the rest are summarised).
pub const MAX_REPLICAS_SHOWN: usize = 8;

/// Pods drawn in slots of their own (not part of a workload).
fn bare_count(c: &engine::model::Cluster) -> usize {
    c.pods.iter().filter(|p| p.workload.is_none()).count()
}

#[cfg(test)]
pub fn build_scene(d: &Derived, expanded: &BTreeSet<String>) -> Scene {
    build_scene_for(d, expanded, 1.0)
}

/// The scene for a graph pane of the given aspect ratio (width / height): the namespaces are
/// arranged to fill it. Policies never change the layout.
pub fn build_scene_for(d: &Derived, expanded: &BTreeSet<String>, aspect: f64) -> Scene {
    let c = &d.eff.cluster;
    let mut slots: Vec<Slot> = Vec::new();
    let mut seen = BTreeSet::new();
    let mut unique = |key: String, suffix: &str| {
        if seen.insert(key.clone()) {
            key
        } else {
            let k = format!("{key}#{suffix}");
            seen.insert(k.clone());
            k
        }
    };
    for w in &c.workloads {
        slots.push(Slot {
            key: unique(w.qualified(), "workload"),
            namespace: Some(w.namespace.clone()),
            name: w.name.clone(),
            kind: SlotKind::Workload,
            detail: w.kind.as_str().to_string(),
            replicas: w.pods.len(),
            expanded: expanded.contains(&w.qualified()) && !w.pods.is_empty(),
            x: 0.0,
            y: 0.0,
        });
    }
    for p in c.pods.iter().filter(|p| p.workload.is_none()) {
        slots.push(Slot {
            key: unique(p.qualified(), "pod"),
            namespace: Some(p.namespace.clone()),
            name: p.name.clone(),
            kind: SlotKind::Pod,
            detail: "Pod".into(),
            replicas: 1,
            expanded: false,
            x: 0.0,
            y: 0.0,
        });
    }
    for s in &c.services {
        slots.push(Slot {
            key: unique(format!("service:{}", s.qualified()), "service"),
            namespace: Some(s.namespace.clone()),
            name: s.name.clone(),
            kind: SlotKind::Service,
            detail: "Service".into(),
            replicas: 0,
            expanded: false,
            x: 0.0,
            y: 0.0,
        });
    }
    for r in &d.conn.outside {
        slots.push(Slot {
            key: unique(r.cidr.to_string(), "outside"),
            namespace: None,
            name: r.cidr.to_string(),
            kind: SlotKind::Outside,
            detail: "outside the cluster".into(),
            replicas: 0,
            expanded: false,
            x: 0.0,
            y: 0.0,
        });
    }

    let mut groups: BTreeMap<(bool, String), (bool, Vec<String>)> = BTreeMap::new();
    for s in &slots {
        let g = match &s.namespace {
            Some(ns) => (false, ns.clone()),
            None => (true, "outside the cluster".to_string()),
        };
        let e = groups.entry(g).or_default();
        e.0 |= s.kind == SlotKind::Workload;
        e.1.push(s.key.clone());
    }
    let groups: Vec<Group> = groups
        .into_iter()
        .map(|((outside, name), (tall, keys))| Group {
            name,
            outside,
            tall,
            keys,
        })
        .collect();
    // The pods behind each Service (the engine's selection), once for the order and the nodes.
    let service_pods: Vec<Vec<PodId>> = (0..c.services.len())
        .map(|si| d.eff.service_pods(si))
        .collect();
    // Who calls whom (objects only): the layout's left-to-right order.
    let order = {
        let (n_w, n_b) = (c.workloads.len(), bare_count(c));
        let workload_keys: Vec<&str> = slots.iter().take(n_w).map(|s| s.key.as_str()).collect();
        let bare_keys: BTreeMap<PodId, &str> = c
            .pods
            .iter()
            .enumerate()
            .filter(|(_, p)| p.workload.is_none())
            .map(|(i, _)| i)
            .zip(slots.iter().skip(n_w).take(n_b).map(|s| s.key.as_str()))
            .collect();
        let service_keys: Vec<String> = slots
            .iter()
            .skip(n_w + n_b)
            .take(c.services.len())
            .map(|s| s.key.clone())
            .collect();
        let pod_key = |pid: PodId| -> Option<String> {
            let p = c.pods.get(pid)?;
            match p.workload {
                Some(w) => workload_keys.get(w).map(|k| k.to_string()),
                None => bare_keys.get(&pid).map(|k| k.to_string()),
            }
        };
        crate::calls::call_order(&d.eff, &pod_key, &service_keys, &service_pods)
    };
    let lay = layout::layout_ordered(&groups, &order, aspect);
    for s in &mut slots {
        if let Some(&(x, y)) = lay.slots.get(&s.key) {
            s.x = x;
            s.y = y;
        }
    }

    // Nodes: one per slot, or one per shown replica of an expanded workload.
    let mut nodes = Vec::new();
    let (mut wi, mut pi, mut si, mut oi) = (0usize, 0usize, 0usize, 0usize);
    let bare: Vec<PodId> = c
        .pods
        .iter()
        .enumerate()
        .filter(|(_, p)| p.workload.is_none())
        .map(|(i, _)| i)
        .collect();
    for (idx, s) in slots.iter().enumerate() {
        match s.kind {
            SlotKind::Workload => {
                let Some(w) = c.workloads.get(wi) else {
                    continue;
                };
                if s.expanded {
                    let shown: Vec<PodId> =
                        w.pods.iter().copied().take(MAX_REPLICAS_SHOWN).collect();
                    for (&pid, (dx, dy)) in shown.iter().zip(replica_offsets(shown.len())) {
                        let id = c.pods.get(pid).map(|p| p.qualified()).unwrap_or_default();
                        nodes.push(Node {
                            id,
                            slot: idx,
                            kind: SlotKind::Pod,
                            target: Target::Pod(pid),
                            pods: vec![pid],
                            outside: None,
                            x: s.x + dx,
                            y: s.y + dy,
                            r: 9.0,
                        });
                    }
                } else {
                    nodes.push(Node {
                        id: s.key.clone(),
                        slot: idx,
                        kind: SlotKind::Workload,
                        target: Target::Workload(wi),
                        pods: w.pods.clone(),
                        outside: None,
                        x: s.x,
                        y: s.y,
                        r: 20.0,
                    });
                }
                wi += 1;
            }
            SlotKind::Pod => {
                let Some(&pid) = bare.get(pi) else { continue };
                nodes.push(Node {
                    id: s.key.clone(),
                    slot: idx,
                    kind: SlotKind::Pod,
                    target: Target::Pod(pid),
                    pods: vec![pid],
                    outside: None,
                    x: s.x,
                    y: s.y,
                    r: 15.0,
                });
                pi += 1;
            }
            SlotKind::Service => {
                nodes.push(Node {
                    id: s.key.clone(),
                    slot: idx,
                    kind: SlotKind::Service,
                    target: Target::Service(si),
                    pods: service_pods.get(si).cloned().unwrap_or_default(),
                    outside: None,
                    x: s.x,
                    y: s.y,
                    r: 17.0,
                });
                si += 1;
            }
            SlotKind::Outside => {
                let Some(r) = d.conn.outside.get(oi) else {
                    continue;
                };
                nodes.push(Node {
                    id: s.key.clone(),
                    slot: idx,
                    kind: SlotKind::Outside,
                    target: Target::External(r.representative),
                    pods: Vec::new(),
                    outside: Some(oi),
                    x: s.x,
                    y: s.y,
                    r: 20.0,
                });
                oi += 1;
            }
        }
    }

    // Service fan-out: to every node holding a backing pod.
    let mut fans = Vec::new();
    for (si_node, n) in nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.kind == SlotKind::Service)
    {
        let Target::Service(sid) = n.target else {
            continue;
        };
        let Some(svc) = c.services.get(sid) else {
            continue;
        };
        for (ni, m) in nodes.iter().enumerate() {
            if m.kind == SlotKind::Service || m.kind == SlotKind::Outside {
                continue;
            }
            let Some(&pod_id) = m.pods.iter().find(|p| n.pods.contains(p)) else {
                continue;
            };
            let pod = c.pods.get(pod_id);
            let label = svc
                .ports
                .iter()
                .map(|sp| {
                    // The resolution is the engine's (`ServicePort::target_on`); the page
                    // only words it.
                    let resolved = pod.and_then(|p| sp.target_on(p));
                    let target = match (&sp.target, resolved) {
                        (TargetPort::Name(name), Some(t)) => format!("{name} ({t})"),
                        (TargetPort::Name(name), None) => format!("{name} (undefined)"),
                        (TargetPort::Number(_), Some(t)) => t.to_string(),
                        (TargetPort::Number(t), None) => t.to_string(),
                    };
                    format!("{} → {}", sp.port, target)
                })
                .take(2)
                .collect::<Vec<_>>()
                .join(", ")
                + if svc.ports.len() > 2 { ", …" } else { "" };
            fans.push(Fan {
                service: si_node,
                node: ni,
                label,
            });
        }
    }

    Scene {
        layout: lay,
        slots,
        nodes,
        fans,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FlowVerdict {
    Allowed,
    Blocked,
    Partial,
}

impl FlowVerdict {
    pub fn as_str(self) -> &'static str {
        match self {
            FlowVerdict::Allowed => "allowed",
            FlowVerdict::Blocked => "blocked",
            FlowVerdict::Partial => "partial",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Source,
    Destination,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Source => "source",
            Side::Destination => "destination",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Flow {
    pub from: usize,
    pub to: usize,
    pub verdict: FlowVerdict,
    pub blocked_at: Option<Side>,
    pub cni: bool,
    /// Ports shown, e.g. `80/TCP` or `any port`.
    pub label: String,
    /// Port/protocol pairs whose verdicts make the explanation.
    pub probes: Vec<(u16, Protocol)>,
    /// True when the destination declares no port: verdict over every port.
    pub any_port: bool,
    /// Policies (`ns/name`) that decided some hop (allowing rule, or isolating when denied).
    pub decided_by: BTreeSet<String>,
    /// An admin tier (`Admin`, `Baseline`) decided some direction of it: the flow's tier badge.
    pub tier: Option<&'static str>,
    /// Hidden unless "show all flows" is on: noise a beginner cannot place.
    pub noise: Option<Noise>,
}

/// Flows hidden by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Noise {
    /// A workload calling its own Service (hairpin): CNI-dependent, says nothing of policies.
    Hairpin,
    /// The reverse of a call (to a node that declares no port, checked on every port).
    Reverse,
}

impl Noise {
    pub fn as_str(self) -> &'static str {
        match self {
            Noise::Hairpin => "hairpin",
            Noise::Reverse => "reverse",
        }
    }
}

/// Marks the flows hidden by default: a node to a Service it backs, and a flow checked on
/// every port (its destination declares none) whose reverse goes to declared ports.
pub fn mark_noise(sc: &Scene, flows: &mut [Flow]) {
    let calls: BTreeSet<(usize, usize)> = flows
        .iter()
        .filter(|f| !f.any_port)
        .map(|f| (f.from, f.to))
        .collect();
    for f in flows.iter_mut() {
        let (Some(a), Some(b)) = (sc.nodes.get(f.from), sc.nodes.get(f.to)) else {
            continue;
        };
        f.noise = if b.kind == SlotKind::Service && a.pods.iter().any(|p| b.pods.contains(p)) {
            Some(Noise::Hairpin)
        } else if f.any_port && calls.contains(&(f.to, f.from)) {
            Some(Noise::Reverse)
        } else {
            None
        };
    }
}

/// Which flows to draw.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Focus {
    #[default]
    All,
    Node(String),
    Policy(String),
    /// The flows from one namespace to another (an expanded aggregate).
    Namespaces(String, String),
    /// Every pair, not truncated (a large scenario filtered by verdict: the caller keeps the
    /// first `MAX_FLOWS` that match).
    Everything,
}

/// Pairs (source node, destination node) to evaluate and draw, and whether some were left out.
pub fn pairs_to_draw(d: &Derived, sc: &Scene, focus: &Focus) -> (Vec<(usize, usize)>, bool) {
    let n = sc.nodes.len();
    let is_source = |i: usize| sc.nodes.get(i).is_some_and(|x| x.kind != SlotKind::Service);
    let same_slot = |a: usize, b: usize| match (sc.nodes.get(a), sc.nodes.get(b)) {
        (Some(x), Some(y)) => x.slot == y.slot,
        _ => false,
    };
    let mentions = outside_mentions(d, sc);
    // Replicas of one expanded workload to each other: left to the matrix (too short to read).
    // Pods and outside ranges: only where a policy selecting the pod names the range, in the
    // direction of that policy's rule.
    let ok = |a: usize, b: usize| {
        let (Some(x), Some(y)) = (sc.nodes.get(a), sc.nodes.get(b)) else {
            return false;
        };
        let outside_ok = match (x.kind == SlotKind::Outside, y.kind == SlotKind::Outside) {
            (true, true) => false,
            (false, true) => mentions.contains(&(a, b, true)),
            (true, false) => mentions.contains(&(b, a, false)),
            (false, false) => true,
        };
        a != b && !same_slot(a, b) && is_source(a) && outside_ok
    };
    let all_pairs = |set: &dyn Fn(usize) -> bool| -> Vec<(usize, usize)> {
        let mut v = Vec::new();
        for a in 0..n {
            for b in 0..n {
                if ok(a, b) && (set(a) || set(b)) {
                    v.push((a, b));
                }
            }
        }
        v
    };
    let mut pairs = match focus {
        Focus::Node(id) => {
            let mine = sc.nodes_of(id);
            all_pairs(&|i| mine.contains(&i))
        }
        Focus::Policy(name) => {
            let selected = policy_nodes(d, sc, name);
            all_pairs(&|i| selected.contains(&i))
        }
        Focus::Namespaces(from, to) => {
            let ns = |i: usize| {
                sc.nodes
                    .get(i)
                    .and_then(|n| sc.slots.get(n.slot))
                    .and_then(|s| s.namespace.clone())
            };
            all_pairs(&|_| true)
                .into_iter()
                .filter(|&(a, b)| ns(a).as_ref() == Some(from) && ns(b).as_ref() == Some(to))
                .collect()
        }
        Focus::Everything => return (all_pairs(&|_| true), false),
        Focus::All if n <= FULL_GRAPH_LIMIT => all_pairs(&|_| true),
        Focus::All => Vec::new(),
    };
    let truncated = pairs.len() > MAX_FLOWS;
    pairs.truncate(MAX_FLOWS);
    (pairs, truncated)
}

/// `(node, outside node, egress)` where a policy selecting a pod of the node names the range
/// (as `cidr` or in `except`) in one of its egress (true) or ingress (false) rules.
fn outside_mentions(d: &Derived, sc: &Scene) -> BTreeSet<(usize, usize, bool)> {
    let c = &d.eff.cluster;
    let ranges: Vec<(usize, String)> = sc
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.kind == SlotKind::Outside)
        .map(|(i, n)| (i, n.id.clone()))
        .collect();
    let mut out = BTreeSet::new();
    if ranges.is_empty() {
        return out;
    }
    for p in &c.policies {
        for (egress, rules) in [(true, &p.egress), (false, &p.ingress)] {
            let mut named: BTreeSet<String> = BTreeSet::new();
            for r in rules.iter() {
                for peer in r.peers.iter().flatten() {
                    if let engine::model::PeerKind::IpBlock { cidr, except } = &peer.kind {
                        named.insert(cidr.to_string());
                        named.extend(except.iter().map(|e| e.to_string()));
                    }
                }
            }
            if named.is_empty() {
                continue;
            }
            for (ni, n) in sc.nodes.iter().enumerate() {
                if matches!(n.kind, SlotKind::Outside | SlotKind::Service) {
                    continue;
                }
                let selected = n
                    .pods
                    .iter()
                    .any(|&pid| c.pods.get(pid).is_some_and(|pod| p.selects(pod)));
                if selected {
                    for (ri, id) in &ranges {
                        if named.contains(id) {
                            out.insert((ni, *ri, egress));
                        }
                    }
                }
            }
        }
    }
    out
}

/// Nodes holding a pod that the policy selects.
pub fn policy_nodes(d: &Derived, sc: &Scene, name: &str) -> Vec<usize> {
    // As written (a policy switched off still shows what it would select).
    let c = &d.base.cluster;
    let Some(p) = c.policies.iter().find(|p| p.qualified() == name) else {
        return Vec::new();
    };
    sc.nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| {
            n.pods
                .iter()
                .any(|&pid| c.pods.get(pid).is_some_and(|pod| p.selects(pod)))
                && n.kind != SlotKind::Service
        })
        .map(|(i, _)| i)
        .collect()
}

/// The ports a flow to `node` is probed on: the filter, the Service's ports, or the pods' declared ports.
pub fn probe_ports(
    d: &Derived,
    node: &Node,
    filter: Option<(u16, Protocol)>,
) -> Vec<(u16, Protocol)> {
    if let Some(f) = filter {
        return vec![f];
    }
    let c = &d.eff.cluster;
    let mut v: Vec<(u16, Protocol)> = match node.target {
        Target::Service(sid) => c
            .services
            .get(sid)
            .map(|s| s.ports.iter().map(|p| (p.port, p.protocol)).collect())
            .unwrap_or_default(),
        Target::External(_) => Vec::new(),
        _ => node
            .pods
            .iter()
            .filter_map(|&p| c.pods.get(p))
            .flat_map(|p| p.ports.iter().map(|cp| (cp.port, cp.protocol)))
            .collect(),
    };
    v.sort_by_key(|&(port, proto)| (proto, port));
    v.dedup();
    v.truncate(MAX_PORTS);
    v
}

/// The policies that decided the verdict's directions, and the admin tier when one decided,
/// read from the engine's provenance (no selection or defaulting is re-done here).
fn record(
    v: &engine::Verdict,
    d: &Derived,
    decided: &mut BTreeSet<String>,
    tier: &mut Option<&'static str>,
) {
    let name = |id: usize| d.eff.cluster.policies.get(id).map(|p| p.qualified());
    for h in &v.hops {
        for o in [&h.egress, &h.ingress] {
            match engine::admin::np_outcome(o) {
                Outcome::Allowed { by, .. } => decided.extend(name(by.policy)),
                Outcome::Denied { isolating, .. } => {
                    decided.extend(isolating.iter().filter_map(|&i| name(i)))
                }
                Outcome::Tiered(t) => {
                    if let Some(n) = admin_decider(d, t) {
                        decided.insert(n);
                        tier.get_or_insert(t.tier_name());
                    }
                }
                _ => {}
            }
        }
    }
}

/// The admin policy (AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy) whose
/// rule decided a direction; `None` when no tier decided (the default: allowed).
fn admin_decider(d: &Derived, t: &engine::admin::Tiered) -> Option<String> {
    use engine::admin::TierDecision;
    match &t.decision {
        TierDecision::Admin(r) | TierDecision::Baseline(r) => d
            .eff
            .cluster
            .admin_policies
            .get(r.policy)
            .map(|p| format!("{} {}", p.kind.as_str(), p.name)),
        TierDecision::NetworkPolicy(_) | TierDecision::Default => None,
    }
}

/// Evaluates one drawn flow. `None` when there is nothing to evaluate (a Service without pods,
/// a filter port the Service does not expose, a single pod to itself).
pub fn evaluate_flow(
    d: &Derived,
    sc: &Scene,
    from: usize,
    to: usize,
    filter: Option<(u16, Protocol)>,
) -> Option<Flow> {
    let (src, dst) = (sc.nodes.get(from)?, sc.nodes.get(to)?);
    let ports = probe_ports(d, dst, filter);
    let mut decided = BTreeSet::new();
    let mut tier = None;
    if !ports.is_empty() {
        let mut verdicts = Vec::new();
        for &(port, proto) in &ports {
            let v = d.eff.verdict(src.target, dst.target, port, proto);
            if v.problem.is_none() && !v.hops.is_empty() {
                verdicts.push(v);
            }
        }
        if verdicts.is_empty() {
            return None;
        }
        // A replica reaching itself through a Service (hairpin) is always allowed: it says
        // nothing about the policies, so only pairs of distinct pods decide the colour.
        let real = |v: &engine::Verdict| {
            v.hops
                .iter()
                .filter(|h| h.src != h.dst)
                .cloned()
                .collect::<Vec<_>>()
        };
        verdicts.retain(|v| !real(v).is_empty());
        if verdicts.is_empty() {
            return None;
        }
        let all = verdicts.iter().all(|v| real(v).iter().all(|h| h.allowed));
        let any = verdicts.iter().any(|v| real(v).iter().any(|h| h.allowed));
        let verdict = if all {
            FlowVerdict::Allowed
        } else if any {
            FlowVerdict::Partial
        } else {
            FlowVerdict::Blocked
        };
        let hops = || {
            verdicts
                .iter()
                .flat_map(|v| v.hops.iter())
                .filter(|h| h.src != h.dst)
        };
        let blocked_at = (verdict == FlowVerdict::Blocked).then(|| {
            if hops().all(|h| !h.egress.allowed()) {
                Side::Source
            } else {
                Side::Destination
            }
        });
        for v in &verdicts {
            record(v, d, &mut decided, &mut tier);
        }
        // Blocked probes first: the explanation leads with what is wrong.
        let mut probes: Vec<(bool, u16, Protocol)> = verdicts
            .iter()
            .map(|v| (real(v).iter().all(|h| h.allowed), v.port, v.protocol))
            .collect();
        probes.sort_by_key(|&(allowed, port, proto)| (allowed, proto, port));
        let label = verdicts
            .iter()
            .map(|v| format!("{}/{}", v.port, v.protocol))
            .collect::<Vec<_>>()
            .join(", ");
        return Some(Flow {
            from,
            to,
            verdict,
            blocked_at,
            cni: verdicts.iter().any(|v| !v.flags.is_empty()),
            label,
            probes: probes.into_iter().map(|(_, p, q)| (p, q)).collect(),
            any_port: false,
            decided_by: decided,
            tier,
            noise: None,
        });
    }

    // Every port: from the connectivity matrix.
    let conn = &d.conn;
    let mut sets: Vec<PortSet> = Vec::new();
    match (src.outside, dst.outside) {
        (None, None) => {
            for &a in &src.pods {
                for &b in &dst.pods {
                    if a != b {
                        sets.push(conn.between(a, b));
                    }
                }
            }
        }
        (None, Some(r)) => {
            for &a in &src.pods {
                let cl = conn.class_of.get(a).copied();
                if let Some(s) = cl
                    .and_then(|cl| conn.to_outside.get(cl))
                    .and_then(|row| row.get(r))
                {
                    sets.push(s.clone());
                }
            }
        }
        (Some(r), None) => {
            for &b in &dst.pods {
                let cl = conn.class_of.get(b).copied();
                if let Some(s) =
                    cl.and_then(|cl| conn.from_outside.get(r).and_then(|row| row.get(cl)))
                {
                    sets.push(s.clone());
                }
            }
        }
        (Some(_), Some(_)) => return None,
    }
    if sets.is_empty() {
        return None;
    }
    let verdict = if sets.iter().all(PortSet::is_all) {
        FlowVerdict::Allowed
    } else if sets.iter().all(PortSet::is_empty) {
        FlowVerdict::Blocked
    } else {
        FlowVerdict::Partial
    };
    let mut common = PortSet::all();
    let mut union = PortSet::none();
    for s in &sets {
        common = common.intersect(s);
        union.union(s);
    }
    // Probe: a blocked port for partial flows (explains the block), else 80/TCP.
    let probe = if verdict == FlowVerdict::Partial {
        [80u16, 443, 8080, 22, 53, 1]
            .into_iter()
            .find(|&p| !common.contains(Protocol::Tcp, p))
            .map(|p| (p, Protocol::Tcp))
            .or_else(|| {
                [53u16, 1]
                    .into_iter()
                    .find(|&p| !common.contains(Protocol::Udp, p))
                    .map(|p| (p, Protocol::Udp))
            })
            .unwrap_or((80, Protocol::Tcp))
    } else {
        (80, Protocol::Tcp)
    };
    let v = d.eff.verdict(src.target, dst.target, probe.0, probe.1);
    record(&v, d, &mut decided, &mut tier);
    let blocked_at = (verdict == FlowVerdict::Blocked).then(|| {
        if !v.hops.is_empty() && v.hops.iter().all(|h| !h.egress.allowed()) {
            Side::Source
        } else {
            Side::Destination
        }
    });
    let label = match verdict {
        FlowVerdict::Allowed => "any port".to_string(),
        FlowVerdict::Blocked => "no port".to_string(),
        FlowVerdict::Partial => union.to_string(),
    };
    Some(Flow {
        from,
        to,
        verdict,
        blocked_at,
        cni: !v.flags.is_empty(),
        label,
        probes: vec![probe],
        any_port: true,
        decided_by: decided,
        tier,
        noise: None,
    })
}

pub fn evaluate_flows(
    d: &Derived,
    sc: &Scene,
    pairs: &[(usize, usize)],
    filter: Option<(u16, Protocol)>,
) -> Vec<Flow> {
    pairs
        .iter()
        .filter_map(|&(a, b)| evaluate_flow(d, sc, a, b, filter))
        .collect()
}

/// A flow's explanation: a lead sentence when every port was checked (the destination
/// declares none), then the engine's typed explanation of each probed port.
pub fn flow_probes(
    d: &Derived,
    sc: &Scene,
    f: &Flow,
) -> (Option<String>, Vec<crate::decision::Probe>) {
    let (Some(src), Some(dst)) = (sc.nodes.get(f.from), sc.nodes.get(f.to)) else {
        return (None, Vec::new());
    };
    let lead = f.any_port.then(|| {
        let (port, proto) = f.probes.first().copied().unwrap_or((80, Protocol::Tcp));
        let verdict = match f.verdict {
            FlowVerdict::Allowed => "every port is allowed".to_string(),
            FlowVerdict::Blocked => "no port is allowed".to_string(),
            FlowVerdict::Partial => format!("only {} is allowed", f.label),
        };
        format!(
            "`{}` declares no port, so every port was checked: {verdict}. Here is why for port {port}/{proto}:",
            dst.id,
        )
    });
    let probes = f
        .probes
        .iter()
        .map(|&(port, proto)| probe(d, src.target, dst.target, port, proto))
        .collect();
    (lead, probes)
}

/// The typed explanation of one verdict, its view-model and its prose (for "copy as text").
pub fn probe(
    d: &Derived,
    from: Target,
    to: Target,
    port: u16,
    proto: Protocol,
) -> crate::decision::Probe {
    let v = d.eff.verdict(from, to, port, proto);
    let e = d.eff.explanation(&v);
    crate::decision::Probe {
        label: format!("{port}/{proto}"),
        view: crate::decision::flow_view(&e),
        text: d.eff.render(&e),
    }
}

/// One of the two gates a flow passes: the source's egress, the destination's ingress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gate {
    pub allowed: bool,
    /// Short, for the graph: "✓ not isolated", "✓ allow-web", "✕ deny-by-default".
    pub short: String,
    /// e.g. "✓ no policy isolates it", "✕ deny-by-default isolates it; no rule allows 80/TCP".
    pub text: String,
}

/// The gates of a traced flow, from the engine's typed explanation of its first probed port
/// (the one the explanation leads with): every hop's outcome, summed per direction.
pub fn gates(d: &Derived, sc: &Scene, f: &Flow) -> Option<(Gate, Gate)> {
    use engine::explanation::{AllowingRule, DirectionExplanation, HopExplanation};
    let (src, dst) = (sc.nodes.get(f.from)?, sc.nodes.get(f.to)?);
    let &(port, proto) = f.probes.first()?;
    let v = d.eff.verdict(src.target, dst.target, port, proto);
    let e = d.eff.explanation(&v);
    // `allow-web` for a NetworkPolicy (`ns/` dropped: the graph is tight), `Kind name` for an
    // admin policy.
    let short = |n: &str| n.rsplit_once('/').map_or(n, |(_, b)| b).to_string();
    let rule_name = |r: &AllowingRule| match r.kind {
        Some(k) => format!("{k} {}", r.policy),
        None => short(&r.policy),
    };
    let gate = |pick: &dyn Fn(&HopExplanation) -> &DirectionExplanation| {
        let mut allowed = true;
        let (mut by, mut isolating, mut open) = (BTreeSet::new(), BTreeSet::new(), false);
        for h in e.hops.iter().filter(|h| !h.hairpin && h.from != h.to) {
            match pick(h) {
                DirectionExplanation::Allowed { rule, .. } => {
                    by.insert(rule_name(rule));
                }
                DirectionExplanation::Denied {
                    isolating: iso,
                    rule,
                    ..
                } => {
                    allowed = false;
                    match rule {
                        Some(r) => {
                            isolating.insert(rule_name(r));
                        }
                        None => isolating.extend(iso.iter().map(|n| short(n))),
                    }
                }
                DirectionExplanation::NotIsolated { .. } => open = true,
                DirectionExplanation::SelfTraffic | DirectionExplanation::NotAsked => {}
            }
        }
        let list = |s: &BTreeSet<String>| s.iter().cloned().collect::<Vec<_>>().join(", ");
        let text = if !allowed {
            format!(
                "✕ {} isolates it; no rule allows {port}/{proto}",
                list(&isolating)
            )
        } else if !by.is_empty() {
            format!("✓ allowed by {}", list(&by))
        } else if open {
            "✓ no policy isolates it".to_string()
        } else {
            "✓ not asked (outside the cluster)".to_string()
        };
        let short = if !allowed {
            format!("✕ {}", list(&isolating))
        } else if !by.is_empty() {
            format!("✓ {}", list(&by))
        } else if open {
            "✓ not isolated".to_string()
        } else {
            "✓ outside".to_string()
        };
        Gate {
            allowed,
            short,
            text,
        }
    };
    Some((gate(&|h| &h.egress), gate(&|h| &h.ingress)))
}

/// Flows of a large scenario summed per (source namespace, destination namespace), before
/// anything is selected: how many node pairs are allowed, blocked or partial on the
/// destinations' declared ports (every port where none is declared).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Aggregate {
    pub from: String,
    pub to: String,
    pub allowed: usize,
    pub blocked: usize,
    pub partial: usize,
}

/// Above this many nodes the aggregate is not computed (its cost grows with the pairs).
pub const MAX_AGGREGATE_NODES: usize = 400;

pub fn namespace_aggregate(d: &Derived, sc: &Scene) -> Vec<Aggregate> {
    let mut out: BTreeMap<(String, String), Aggregate> = BTreeMap::new();
    let ends: Vec<(String, crate::matrix_model::Group)> = sc
        .nodes
        .iter()
        .filter(|n| matches!(n.kind, SlotKind::Pod | SlotKind::Workload))
        .filter_map(|n| {
            let ns = sc.slots.get(n.slot)?.namespace.clone()?;
            Some((
                ns,
                crate::matrix_model::Group {
                    id: n.id.clone(),
                    target: n.target,
                    pods: n.pods.clone(),
                    detail: String::new(),
                },
            ))
        })
        .collect();
    if ends.len() > MAX_AGGREGATE_NODES {
        return Vec::new();
    }
    for (na, a) in &ends {
        for (nb, b) in &ends {
            if a.id == b.id {
                continue;
            }
            let c = crate::matrix_model::cell(d, a, b, crate::matrix_model::Ports::Declared, &[]);
            let Some(v) = c.verdict else { continue };
            let e = out
                .entry((na.clone(), nb.clone()))
                .or_insert_with(|| Aggregate {
                    from: na.clone(),
                    to: nb.clone(),
                    allowed: 0,
                    blocked: 0,
                    partial: 0,
                });
            match v {
                FlowVerdict::Allowed => e.allowed += 1,
                FlowVerdict::Blocked => e.blocked += 1,
                FlowVerdict::Partial => e.partial += 1,
            }
        }
    }
    out.into_values().collect()
}

/// Parses a port filter: `80`, `80/TCP`, `53/udp`, `TCP/80`. Empty → `Ok(None)`.
pub fn parse_port_filter(s: &str) -> Result<Option<(u16, Protocol)>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let (a, b) = match s.split_once(['/', ' ', ':']) {
        Some((a, b)) => (a.trim(), b.trim()),
        None => (s, "TCP"),
    };
    let (port, proto) = match (a.parse::<u16>(), b.parse::<u16>()) {
        (Ok(p), _) => (p, b),
        (_, Ok(p)) => (p, a),
        _ => return Err(format!("`{s}` is not a port: write e.g. 80 or 53/UDP")),
    };
    if port == 0 {
        return Err("port 0 is not a valid port".into());
    }
    let proto = Protocol::parse_loose(proto)
        .ok_or_else(|| format!("unknown protocol `{proto}`: TCP, UDP or SCTP"))?;
    Ok(Some((port, proto)))
}

/// The endpoint name of a pod for the engine (`ns/name`).
pub fn pod_name(a: &Analysis, p: PodId) -> String {
    a.endpoint_name(EngineEndpoint::Pod(p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::examples::by_id;

    fn derived(text: &str, off: &[&str]) -> Derived {
        let a = Rc::new(engine::analyze(&[engine::Source::new("editor", text)]));
        let off: BTreeSet<String> = off.iter().map(|s| s.to_string()).collect();
        Derived::new(a, &off)
    }

    fn flows_of(text: &str, off: &[&str]) -> Vec<(String, String, FlowVerdict, Option<Side>)> {
        let d = derived(text, off);
        let sc = build_scene(&d, &BTreeSet::new());
        let (pairs, _) = pairs_to_draw(&d, &sc, &Focus::All);
        evaluate_flows(&d, &sc, &pairs, None)
            .into_iter()
            .map(|f| {
                let n = |i: usize| sc.nodes.get(i).map(|n| n.id.clone()).unwrap_or_default();
                (n(f.from), n(f.to), f.verdict, f.blocked_at)
            })
            .collect()
    }

    fn text(id: &str) -> &'static str {
        by_id(id).map(|e| e.text).unwrap_or_default()
    }

    #[test]
    fn demo_nodes_are_named_like_the_cli() {
        let d = derived(text("demo"), &[]);
        let sc = build_scene(&d, &BTreeSet::new());
        let ids: BTreeSet<&str> = sc.nodes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "default/dep-httpd",
                "default/pod-centos",
                "service:default/svc-clusterip-httpd"
            ]
            .into_iter()
            .collect()
        );
        assert_eq!(sc.fans.len(), 1);
        assert_eq!(
            sc.fans.first().map(|f| f.label.as_str()),
            Some("80 → http (80)")
        );
    }

    #[test]
    fn demo_flows_open_then_blocked_at_the_source() {
        let open = flows_of(text("demo"), &[]);
        assert!(!open.is_empty());
        assert!(open.iter().all(|f| f.2 == FlowVerdict::Allowed), "{open:?}");
        assert!(open
            .iter()
            .any(|f| f.0 == "default/pod-centos" && f.1 == "service:default/svc-clusterip-httpd"));
        let denied = flows_of(text("demo-deny"), &[]);
        assert_eq!(denied.len(), open.len());
        assert!(
            denied
                .iter()
                .all(|f| f.2 == FlowVerdict::Blocked && f.3 == Some(Side::Source)),
            "{denied:?}"
        );
        // What-if: switching the policy off reopens everything.
        let off = flows_of(text("demo-deny"), &["default/deny-by-default"]);
        assert!(off.iter().all(|f| f.2 == FlowVerdict::Allowed));
    }

    #[test]
    fn ingress_only_deny_blocks_at_the_destination() {
        let f = flows_of(text("wordpress"), &[]);
        let client_to_mysql = f
            .iter()
            .find(|f| f.0 == "default/debug-client" && f.1 == "default/mysql");
        assert_eq!(
            client_to_mysql.map(|f| (f.2, f.3)),
            Some((FlowVerdict::Blocked, Some(Side::Destination)))
        );
        let wp_to_mysql = f
            .iter()
            .find(|f| f.0 == "default/wordpress" && f.1 == "service:default/mysql");
        assert_eq!(wp_to_mysql.map(|f| f.2), Some(FlowVerdict::Allowed));
    }

    #[test]
    fn outside_ranges_become_nodes() {
        let d = derived(text("ipblock"), &[]);
        let sc = build_scene(&d, &BTreeSet::new());
        assert!(sc
            .nodes
            .iter()
            .any(|n| n.id == "0.0.0.0/0" && n.kind == SlotKind::Outside));
        assert!(sc.nodes.iter().any(|n| n.id == "203.0.113.0/24"));
        let f = flows_of(text("ipblock"), &[]);
        let web_out = f
            .iter()
            .find(|f| f.0 == "default/web" && f.1 == "0.0.0.0/0");
        assert_eq!(web_out.map(|f| f.2), Some(FlowVerdict::Partial));
    }

    #[test]
    fn expanding_a_workload_draws_its_pods_in_its_slot() {
        let d = derived(text("demo"), &[]);
        let ex: BTreeSet<String> = ["default/dep-httpd".to_string()].into_iter().collect();
        let sc = build_scene(&d, &ex);
        let collapsed = build_scene(&d, &BTreeSet::new());
        for i in 0..3 {
            assert!(sc.node_index(&format!("default/dep-httpd-{i}")).is_some());
        }
        assert_eq!(
            sc.layout, collapsed.layout,
            "expanding never moves other nodes"
        );
        assert_eq!(sc.nodes_of("default/dep-httpd").len(), 3);
    }

    #[test]
    fn policies_never_move_nodes() {
        let a = build_scene(&derived(text("demo"), &[]), &BTreeSet::new());
        let b = build_scene(&derived(text("demo-deny"), &[]), &BTreeSet::new());
        assert_eq!(a.layout, b.layout);
    }

    #[test]
    fn explanation_names_the_policy() {
        let d = derived(text("demo-deny"), &[]);
        let sc = build_scene(&d, &BTreeSet::new());
        let (pairs, _) = pairs_to_draw(&d, &sc, &Focus::All);
        let flows = evaluate_flows(&d, &sc, &pairs, None);
        let f = flows.first();
        let text: String = f
            .map(|f| flow_probes(&d, &sc, f).1)
            .unwrap_or_default()
            .iter()
            .map(|p| p.text.clone())
            .collect();
        assert!(text.contains("deny-by-default"), "{text}");
        assert!(f.is_some_and(|f| f.decided_by.contains("default/deny-by-default")));
    }

    #[test]
    fn port_filter_parses() {
        assert_eq!(parse_port_filter(""), Ok(None));
        assert_eq!(parse_port_filter("80"), Ok(Some((80, Protocol::Tcp))));
        assert_eq!(parse_port_filter("53/udp"), Ok(Some((53, Protocol::Udp))));
        assert_eq!(parse_port_filter("TCP/443"), Ok(Some((443, Protocol::Tcp))));
        assert!(parse_port_filter("http").is_err());
        assert!(parse_port_filter("80/ICMP").is_err());
    }

    #[test]
    fn large_scenarios_draw_only_the_focus() {
        let mut text = String::new();
        for i in 0..20 {
            text.push_str(&format!("---\napiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}, namespace: default, labels: {{app: a{i}}}}}\n"));
        }
        let d = derived(&text, &[]);
        let sc = build_scene(&d, &BTreeSet::new());
        assert!(pairs_to_draw(&d, &sc, &Focus::All).0.is_empty());
        let (pairs, _) = pairs_to_draw(&d, &sc, &Focus::Node("default/p3".into()));
        assert_eq!(pairs.len(), 2 * 19);
    }

    #[test]
    fn hairpin_and_reverse_no_port_flows_are_noise() {
        let d = derived(text("demo"), &[]);
        let sc = build_scene(&d, &BTreeSet::new());
        let (pairs, _) = pairs_to_draw(&d, &sc, &Focus::All);
        let mut flows = evaluate_flows(&d, &sc, &pairs, None);
        mark_noise(&sc, &mut flows);
        let n = |i: usize| sc.nodes.get(i).map(|n| n.id.as_str()).unwrap_or_default();
        let noise: BTreeSet<(&str, &str, &str)> = flows
            .iter()
            .filter_map(|f| f.noise.map(|k| (n(f.from), n(f.to), k.as_str())))
            .collect();
        assert!(noise.contains(&(
            "default/dep-httpd",
            "service:default/svc-clusterip-httpd",
            "hairpin"
        )));
        assert!(noise.contains(&("default/dep-httpd", "default/pod-centos", "reverse")));
        // The calls themselves stay.
        assert!(flows
            .iter()
            .any(|f| n(f.from) == "default/pod-centos" && f.noise.is_none()));
    }

    #[test]
    fn a_no_port_flow_is_explained_in_plain_words() {
        let d = derived(text("demo-deny"), &[]);
        let sc = build_scene(&d, &BTreeSet::new());
        let (pairs, _) = pairs_to_draw(&d, &sc, &Focus::All);
        let flows = evaluate_flows(&d, &sc, &pairs, None);
        let f = flows.iter().find(|f| f.any_port);
        let (lead, probes) = f.map(|f| flow_probes(&d, &sc, f)).unwrap_or_default();
        let lead = lead.unwrap_or_default();
        assert!(
            lead.contains("declares no port, so every port was checked: no port is allowed. Here is why for port 80/TCP"),
            "{lead}"
        );
        assert_eq!(probes.len(), 1);
    }

    #[test]
    fn large_scenarios_sum_flows_per_namespace_pair() {
        let mut text = String::new();
        for i in 0..14 {
            let ns = if i % 2 == 0 { "a" } else { "b" };
            text.push_str(&format!("---\napiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}, namespace: {ns}, labels: {{app: a{i}}}}}\nspec: {{containers: [{{name: c, ports: [{{containerPort: 80}}]}}]}}\n"));
        }
        // Namespace b denies all ingress.
        text.push_str("---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: b}\nspec: {podSelector: {}}\n");
        let d = derived(&text, &[]);
        let sc = build_scene(&d, &BTreeSet::new());
        let agg = namespace_aggregate(&d, &sc);
        let get = |f: &str, t: &str| {
            agg.iter()
                .find(|a| a.from == f && a.to == t)
                .map(|a| (a.allowed, a.blocked, a.partial))
        };
        assert_eq!(get("a", "b"), Some((0, 49, 0)));
        assert_eq!(get("b", "a"), Some((49, 0, 0)));
        assert_eq!(get("a", "a"), Some((42, 0, 0)));
        let (pairs, _) = pairs_to_draw(&d, &sc, &Focus::Namespaces("a".into(), "b".into()));
        assert_eq!(pairs.len(), 49);
    }

    #[test]
    fn a_traced_flow_names_its_two_gates() {
        let d = derived(text("demo"), &[]);
        let deny = derived(&format!("{}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: deny-by-default, namespace: default}}\nspec: {{podSelector: {{}}}}\n", text("demo")), &[]);
        for (d, egress, ingress) in [
            (&d, "✓ no policy isolates it", "✓ no policy isolates it"),
            (
                &deny,
                "✓ no policy isolates it",
                "✕ deny-by-default isolates it; no rule allows 80/TCP",
            ),
        ] {
            let sc = build_scene(d, &BTreeSet::new());
            let (pairs, _) = pairs_to_draw(d, &sc, &Focus::All);
            let flows = evaluate_flows(d, &sc, &pairs, None);
            let n = |i: usize| sc.nodes.get(i).map(|n| n.id.as_str()).unwrap_or_default();
            let f = flows.iter().find(|f| {
                n(f.from) == "default/pod-centos"
                    && n(f.to) == "service:default/svc-clusterip-httpd"
            });
            let g = f.and_then(|f| gates(d, &sc, f));
            assert_eq!(
                g.map(|(e, i)| (e.text, i.text)),
                Some((egress.to_string(), ingress.to_string()))
            );
        }
    }
}
