//! The flows drawn between the scene's nodes: which pairs to draw (the focus), their verdicts
//! (from `Analysis::verdict` or the connectivity matrix), the probes that explain them, and the
//! noise hidden by default. No policy semantics here: every verdict comes from the engine.

use std::collections::BTreeSet;

use engine::evaluate::{Endpoint as EngineEndpoint, Outcome};
use engine::model::PodId;
use engine::{Analysis, PortSet, Protocol, Target};

use crate::ids::{NodeId, PolicyKey};
use crate::scene::{Derived, Node, Scene, SlotKind, FULL_GRAPH_LIMIT, MAX_FLOWS, MAX_PORTS};

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
    /// Policies that decided some hop (allowing rule, or isolating when denied; an admin
    /// policy whose rule decided).
    pub decided_by: BTreeSet<PolicyKey>,
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
    Node(NodeId),
    Policy(PolicyKey),
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
        Focus::Policy(key) => {
            let selected = policy_nodes(d, sc, key);
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
        .map(|(i, n)| (i, n.id.to_string()))
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
pub fn policy_nodes(d: &Derived, sc: &Scene, key: &PolicyKey) -> Vec<usize> {
    // As written (a policy switched off still shows what it would select).
    let c = &d.base.cluster;
    let Some(p) = c.policies.iter().find(|p| PolicyKey::of(p) == *key) else {
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
    decided: &mut BTreeSet<PolicyKey>,
    tier: &mut Option<&'static str>,
) {
    let name = |id: usize| d.eff.cluster.policies.get(id).map(PolicyKey::of);
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
fn admin_decider(d: &Derived, t: &engine::admin::Tiered) -> Option<PolicyKey> {
    use engine::admin::TierDecision;
    match &t.decision {
        TierDecision::Admin(r) | TierDecision::Baseline(r) => d
            .eff
            .cluster
            .admin_policies
            .get(r.policy)
            .map(PolicyKey::of_admin),
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

/// The endpoint name of a pod for the engine (`ns/name`).
pub fn pod_name(a: &Analysis, p: PodId) -> String {
    a.endpoint_name(EngineEndpoint::Pod(p))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::scene::build_scene;
    use crate::testing::{derived, example as text, flows_of, node, pods, policy};

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
            .any(|n| n.id == node("0.0.0.0/0") && n.kind == SlotKind::Outside));
        assert!(sc.nodes.iter().any(|n| n.id == node("203.0.113.0/24")));
        let f = flows_of(text("ipblock"), &[]);
        let web_out = f
            .iter()
            .find(|f| f.0 == "default/web" && f.1 == "0.0.0.0/0");
        assert_eq!(web_out.map(|f| f.2), Some(FlowVerdict::Partial));
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
        assert!(f.is_some_and(|f| f.decided_by.contains(&policy("default/deny-by-default"))));
    }

    #[test]
    fn large_scenarios_draw_only_the_focus() {
        let d = derived(&pods(20, "default"), &[]);
        let sc = build_scene(&d, &BTreeSet::new());
        assert!(pairs_to_draw(&d, &sc, &Focus::All).0.is_empty());
        let (pairs, _) = pairs_to_draw(&d, &sc, &Focus::Node(node("default/p3")));
        assert_eq!(pairs.len(), 2 * 19);
    }

    #[test]
    fn hairpin_and_reverse_no_port_flows_are_noise() {
        let d = derived(text("demo"), &[]);
        let sc = build_scene(&d, &BTreeSet::new());
        let (pairs, _) = pairs_to_draw(&d, &sc, &Focus::All);
        let mut flows = evaluate_flows(&d, &sc, &pairs, None);
        mark_noise(&sc, &mut flows);
        let n = |i: usize| {
            sc.nodes
                .get(i)
                .map(|n| n.id.to_string())
                .unwrap_or_default()
        };
        let noise: BTreeSet<(String, String, &str)> = flows
            .iter()
            .filter_map(|f| f.noise.map(|k| (n(f.from), n(f.to), k.as_str())))
            .collect();
        let has = |a: &str, b: &str, k| noise.contains(&(a.to_string(), b.to_string(), k));
        assert!(has(
            "default/dep-httpd",
            "service:default/svc-clusterip-httpd",
            "hairpin"
        ));
        assert!(has("default/dep-httpd", "default/pod-centos", "reverse"));
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
}
