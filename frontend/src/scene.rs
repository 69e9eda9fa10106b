//! What the graph shows, computed from the engine's public API: nodes (slots and the endpoints
//! drawn in them) and Service fan-out edges; the flows between them are `flows.rs`. No policy
//! semantics here: every verdict comes from `Analysis::verdict` or `connectivity::compute`.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use engine::connectivity::{compute, Connectivity};
use engine::model::{PodId, TargetPort};
use engine::{Analysis, Target};

use crate::ids::{NodeId, PolicyKey};
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
    pub fn new(base: Rc<Analysis>, off: &BTreeSet<PolicyKey>) -> Derived {
        let mut eff = (*base).clone();
        for p in &mut eff.cluster.policies {
            if off.contains(&PolicyKey::of(p)) {
                p.enabled = false;
            }
        }
        for p in &mut eff.cluster.admin_policies {
            if off.contains(&PolicyKey::of_admin(p)) {
                p.enabled = false;
            }
        }
        let conn = compute(&eff);
        Derived { base, eff, conn }
    }
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
    pub key: NodeId,
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
    pub id: NodeId,
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
    pub fn node_index(&self, id: &NodeId) -> Option<usize> {
        self.nodes.iter().position(|n| n.id == *id)
    }

    /// Nodes a selection name stands for: the node itself, or the pods of an expanded workload.
    pub fn nodes_of(&self, id: &NodeId) -> Vec<usize> {
        let slot = self.slots.iter().position(|s| s.key == *id);
        self.nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.id == *id || (slot == Some(n.slot)))
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
pub fn build_scene(d: &Derived, expanded: &BTreeSet<NodeId>) -> Scene {
    build_scene_for(d, expanded, 1.0)
}

/// The scene for a graph pane of the given aspect ratio (width / height): the namespaces are
/// arranged to fill it. Policies never change the layout.
pub fn build_scene_for(d: &Derived, expanded: &BTreeSet<NodeId>, aspect: f64) -> Scene {
    let c = &d.eff.cluster;
    let mut slots: Vec<Slot> = Vec::new();
    let mut seen = BTreeSet::new();
    let mut unique = |key: NodeId, suffix: &'static str| {
        if seen.insert(key.clone()) {
            key
        } else {
            let k = key.twin(suffix);
            seen.insert(k.clone());
            k
        }
    };
    for w in &c.workloads {
        slots.push(Slot {
            key: unique(NodeId::object(&w.namespace, &w.name), "workload"),
            namespace: Some(w.namespace.clone()),
            name: w.name.clone(),
            kind: SlotKind::Workload,
            detail: w.kind.as_str().to_string(),
            replicas: w.pods.len(),
            expanded: expanded.contains(&NodeId::object(&w.namespace, &w.name))
                && !w.pods.is_empty(),
            x: 0.0,
            y: 0.0,
        });
    }
    for p in c.pods.iter().filter(|p| p.workload.is_none()) {
        slots.push(Slot {
            key: unique(NodeId::object(&p.namespace, &p.name), "pod"),
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
            key: unique(NodeId::service(&s.namespace, &s.name), "service"),
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
            key: unique(NodeId::Outside(r.cidr.to_string()), "outside"),
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
        e.1.push(s.key.to_string());
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
        let workload_keys: Vec<String> =
            slots.iter().take(n_w).map(|s| s.key.to_string()).collect();
        let bare_keys: BTreeMap<PodId, String> = c
            .pods
            .iter()
            .enumerate()
            .filter(|(_, p)| p.workload.is_none())
            .map(|(i, _)| i)
            .zip(slots.iter().skip(n_w).take(n_b).map(|s| s.key.to_string()))
            .collect();
        let service_keys: Vec<String> = slots
            .iter()
            .skip(n_w + n_b)
            .take(c.services.len())
            .map(|s| s.key.to_string())
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
        if let Some(&(x, y)) = lay.slots.get(&s.key.to_string()) {
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
                        let Some(pod) = c.pods.get(pid) else { continue };
                        nodes.push(Node {
                            id: NodeId::object(&pod.namespace, &pod.name),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{derived, example as text, node};

    #[test]
    fn demo_nodes_are_named_like_the_cli() {
        let d = derived(text("demo"), &[]);
        let sc = build_scene(&d, &BTreeSet::new());
        let ids: BTreeSet<String> = sc.nodes.iter().map(|n| n.id.to_string()).collect();
        assert_eq!(
            ids,
            [
                "default/dep-httpd",
                "default/pod-centos",
                "service:default/svc-clusterip-httpd"
            ]
            .into_iter()
            .map(str::to_string)
            .collect()
        );
        assert_eq!(sc.fans.len(), 1);
        assert_eq!(
            sc.fans.first().map(|f| f.label.as_str()),
            Some("80 → http (80)")
        );
    }

    #[test]
    fn expanding_a_workload_draws_its_pods_in_its_slot() {
        let d = derived(text("demo"), &[]);
        let ex: BTreeSet<NodeId> = [node("default/dep-httpd")].into_iter().collect();
        let sc = build_scene(&d, &ex);
        let collapsed = build_scene(&d, &BTreeSet::new());
        for i in 0..3 {
            assert!(sc
                .node_index(&node(&format!("default/dep-httpd-{i}")))
                .is_some());
        }
        assert_eq!(
            sc.layout, collapsed.layout,
            "expanding never moves other nodes"
        );
        assert_eq!(sc.nodes_of(&node("default/dep-httpd")).len(), 3);
    }

    #[test]
    fn policies_never_move_nodes() {
        let a = build_scene(&derived(text("demo"), &[]), &BTreeSet::new());
        let b = build_scene(&derived(text("demo-deny"), &[]), &BTreeSet::new());
        assert_eq!(a.layout, b.layout);
    }
}
