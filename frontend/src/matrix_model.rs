//! The matrix as data: rows and columns are workloads (and bare pods), or every pod; each
//! cell says which of the checked ports are allowed, from the connectivity the engine computed
//! (`Connectivity::between`). Pure, natively tested; `components/matrix.rs` draws it.

use engine::model::PodId;
use engine::{PortSet, Protocol, Target};

use crate::flows::FlowVerdict;
use crate::ids::NodeId;
use crate::scene::Derived;

/// A row / column: a workload (its replicas together) or one pod.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// `data-from` / `data-to`: `ns/name` as the CLI names it.
    pub id: NodeId,
    pub target: Target,
    pub pods: Vec<PodId>,
    /// `Deployment ×3`, `Pod`.
    pub detail: String,
}

/// Which ports each cell checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ports {
    /// Each destination's declared container ports (every port where it declares none).
    Declared,
    /// Every port declared by some pod of the cluster.
    AllDeclared,
    One(u16, Protocol),
}

impl Ports {
    /// The ports a cell checks: the Port box's port, else every declared port (the "all
    /// declared ports" switch), else each destination's.
    pub fn of_filter(port: Option<(u16, Protocol)>, all_declared: bool) -> Ports {
        match (port, all_declared) {
            (Some((p, proto)), _) => Ports::One(p, proto),
            (None, true) => Ports::AllDeclared,
            (None, false) => Ports::Declared,
        }
    }

    /// `#matrix[data-port]`.
    pub fn as_attr(self) -> String {
        match self {
            Ports::Declared => "declared".into(),
            Ports::AllDeclared => "all-declared".into(),
            Ports::One(p, proto) => format!("{p}/{proto}"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    /// `None`: a single pod to itself.
    pub verdict: Option<FlowVerdict>,
    /// The allowed ports among those checked, e.g. `80/TCP`, `any port`, `none`.
    pub allowed: String,
    /// The ports checked (for the tooltip).
    pub checked: String,
    /// A port whose verdict explains the cell (the first blocked one, else the first).
    pub probe: (u16, Protocol),
}

pub fn groups(d: &Derived, by_pod: bool) -> Vec<Group> {
    let c = &d.eff.cluster;
    let mut out = Vec::new();
    if by_pod {
        for (i, p) in c.pods.iter().enumerate() {
            out.push(Group {
                id: NodeId::object(&p.namespace, &p.name),
                target: Target::Pod(i),
                pods: vec![i],
                detail: "Pod".into(),
            });
        }
        return out;
    }
    for (i, w) in c.workloads.iter().enumerate() {
        if w.pods.is_empty() {
            continue;
        }
        out.push(Group {
            id: NodeId::object(&w.namespace, &w.name),
            target: Target::Workload(i),
            pods: w.pods.clone(),
            detail: format!("{} ×{}", w.kind.as_str(), w.pods.len()),
        });
    }
    for (i, p) in c
        .pods
        .iter()
        .enumerate()
        .filter(|(_, p)| p.workload.is_none())
    {
        out.push(Group {
            id: NodeId::object(&p.namespace, &p.name),
            target: Target::Pod(i),
            pods: vec![i],
            detail: "Pod".into(),
        });
    }
    // By name as written (`a-b/x` before `a/x`), as the rows always were.
    out.sort_by_cached_key(|g| g.id.to_string());
    out
}

/// Declared container ports of these pods, sorted.
pub fn declared(d: &Derived, pods: &[PodId]) -> Vec<(u16, Protocol)> {
    let mut v: Vec<(u16, Protocol)> = pods
        .iter()
        .filter_map(|&p| d.eff.cluster.pods.get(p))
        .flat_map(|p| p.ports.iter().map(|cp| (cp.port, cp.protocol)))
        .collect();
    v.sort_by_key(|&(port, proto)| (proto, port));
    v.dedup();
    v
}

fn label(ports: &[(u16, Protocol)]) -> String {
    if ports.is_empty() {
        return "none".into();
    }
    ports
        .iter()
        .map(|(p, proto)| format!("{p}/{proto}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn cell(d: &Derived, from: &Group, to: &Group, ports: Ports, all: &[(u16, Protocol)]) -> Cell {
    // Distinct pod pairs (a workload to itself: its replicas to each other).
    let pairs: Vec<PortSet> = from
        .pods
        .iter()
        .flat_map(|&a| to.pods.iter().map(move |&b| (a, b)))
        .filter(|(a, b)| a != b)
        .map(|(a, b)| d.conn.between(a, b))
        .collect();
    let checked: Vec<(u16, Protocol)> = match ports {
        Ports::One(p, proto) => vec![(p, proto)],
        Ports::AllDeclared => all.to_vec(),
        Ports::Declared => declared(d, &to.pods),
    };
    if pairs.is_empty() {
        return Cell {
            verdict: None,
            allowed: String::new(),
            checked: String::new(),
            probe: checked.first().copied().unwrap_or((80, Protocol::Tcp)),
        };
    }
    if checked.is_empty() {
        // Nothing declared: every port, from the port sets themselves.
        let mut common = PortSet::all();
        let mut union = PortSet::none();
        for s in &pairs {
            common = common.intersect(s);
            union.union(s);
        }
        let verdict = if pairs.iter().all(PortSet::is_all) {
            FlowVerdict::Allowed
        } else if pairs.iter().all(PortSet::is_empty) {
            FlowVerdict::Blocked
        } else {
            FlowVerdict::Partial
        };
        let probe = [80u16, 443, 8080, 53]
            .into_iter()
            .find(|&p| !common.contains(Protocol::Tcp, p))
            .unwrap_or(80);
        return Cell {
            verdict: Some(verdict),
            allowed: match verdict {
                FlowVerdict::Allowed => "any port".into(),
                FlowVerdict::Blocked => "none".into(),
                FlowVerdict::Partial => union.to_string(),
            },
            checked: "every port (no port declared)".into(),
            probe: (probe, Protocol::Tcp),
        };
    }
    let open: Vec<(u16, Protocol)> = checked
        .iter()
        .copied()
        .filter(|&(p, proto)| pairs.iter().all(|s| s.contains(proto, p)))
        .collect();
    let some: bool = checked
        .iter()
        .any(|&(p, proto)| pairs.iter().any(|s| s.contains(proto, p)));
    let verdict = if open.len() == checked.len() {
        FlowVerdict::Allowed
    } else if some {
        FlowVerdict::Partial
    } else {
        FlowVerdict::Blocked
    };
    let probe = checked
        .iter()
        .copied()
        .find(|x| !open.contains(x))
        .or_else(|| checked.first().copied())
        .unwrap_or((80, Protocol::Tcp));
    Cell {
        verdict: Some(verdict),
        allowed: label(&open),
        checked: label(&checked),
        probe,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn derived(id: &str) -> Derived {
        crate::testing::derived(crate::testing::example(id), &[])
    }

    fn find<'a>(g: &'a [Group], id: &str) -> &'a Group {
        g.iter()
            .find(|g| g.id.to_string() == id)
            .unwrap_or_else(|| unreachable!("{id} in {g:?}"))
    }

    #[test]
    fn groups_by_workload_or_pod() {
        let d = derived("demo");
        let g = groups(&d, false);
        let ids: Vec<String> = g.iter().map(|g| g.id.to_string()).collect();
        assert_eq!(ids, ["default/dep-httpd", "default/pod-centos"]);
        assert_eq!(find(&g, "default/dep-httpd").pods.len(), 3);
        assert_eq!(groups(&d, true).len(), 4);
    }

    #[test]
    fn cells_check_the_declared_ports_not_80() {
        let d = derived("demo-deny");
        let g = groups(&d, false);
        let (centos, httpd) = (
            find(&g, "default/pod-centos"),
            find(&g, "default/dep-httpd"),
        );
        let c = cell(&d, centos, httpd, Ports::Declared, &[]);
        assert_eq!(c.verdict, Some(FlowVerdict::Blocked));
        assert_eq!(c.checked, "80/TCP");
        assert_eq!(c.allowed, "none");
        // pod-centos declares no port: every port is checked.
        let back = cell(&d, httpd, centos, Ports::Declared, &[]);
        assert_eq!(back.checked, "every port (no port declared)");
        let open = derived("demo");
        let g = groups(&open, false);
        let c = cell(
            &open,
            find(&g, "default/pod-centos"),
            find(&g, "default/dep-httpd"),
            Ports::AllDeclared,
            &[(80, Protocol::Tcp), (443, Protocol::Tcp)],
        );
        assert_eq!(
            (c.verdict, c.allowed.as_str()),
            (Some(FlowVerdict::Allowed), "80/TCP, 443/TCP")
        );
        // A single pod to itself is not a cell; a workload's replicas to each other are.
        let centos = find(&g, "default/pod-centos");
        assert_eq!(
            cell(&open, centos, centos, Ports::Declared, &[]).verdict,
            None
        );
        let httpd = find(&g, "default/dep-httpd");
        assert!(cell(&open, httpd, httpd, Ports::Declared, &[])
            .verdict
            .is_some());
    }
}
