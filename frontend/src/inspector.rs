//! The inspector's view-models: what the side panel says about a selected node or policy (its
//! facts), and the shape of a flow's explanation. Pure data → data, unit-tested natively; the
//! component is `components/explanation.rs`.

use std::collections::BTreeSet;

use engine::{Protocol, Target};

use crate::decision::Probe;
use crate::flows::{self, Flow};
use crate::ids::{NodeId, PolicyKey};
use crate::matrix_model;
use crate::scene::{Derived, Scene};
use crate::state::Selection;

/// A piece of a fact: text, `code`, or a clickable `line N`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    Text(String),
    Code(String),
    /// `line N`: a reference into the editor.
    Line(u32),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Fact {
    pub label: String,
    pub value: Vec<Seg>,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub enum Content {
    #[default]
    Empty,
    Flow {
        title: String,
        verdict: Option<String>,
        /// A sentence before the gates (a destination without declared ports, a matrix cell).
        lead: Option<String>,
        probes: Vec<Probe>,
    },
    Facts {
        title: String,
        subtitle: String,
        facts: Vec<Fact>,
    },
}

pub fn node_facts(d: &Derived, sc: &Scene, id: &NodeId) -> Content {
    let c = &d.eff.cluster;
    let idx = sc.nodes_of(id);
    let slot = sc.slots.iter().find(|s| s.key == *id);
    let node = sc
        .node_index(id)
        .and_then(|i| sc.nodes.get(i))
        .or_else(|| idx.first().and_then(|&i| sc.nodes.get(i)));
    let Some(node) = node else {
        return Content::Empty;
    };
    let code = |s: String| vec![Seg::Code(s)];
    let mut facts: Vec<Fact> = Vec::new();
    let mut line = None;
    let kind = match node.target {
        Target::Workload(w) => c.workloads.get(w).map(|w| {
            line = Some(w.span.start.line);
            format!(
                "{} · {} replica{}",
                w.kind.as_str(),
                w.pods.len(),
                if w.pods.len() == 1 { "" } else { "s" }
            )
        }),
        Target::Pod(p) => c.pods.get(p).map(|p| {
            line = Some(p.span.start.line);
            match p.workload.and_then(|w| c.workloads.get(w)) {
                Some(w) => format!("Pod of {} `{}`", w.kind.as_str(), w.qualified()),
                None => "Pod".to_string(),
            }
        }),
        Target::Service(s) => c.services.get(s).map(|s| {
            line = Some(s.span.start.line);
            "Service".to_string()
        }),
        Target::External(ip) => Some(format!("outside the cluster (stands for e.g. {ip})")),
    }
    .unwrap_or_default();
    let title = slot.map_or_else(|| node.id.to_string(), |s| s.key.to_string());
    if let Some(l) = line {
        facts.push(Fact {
            label: "defined at".into(),
            value: vec![Seg::Line(l)],
        });
    }
    match node.target {
        Target::Service(sid) => {
            if let Some(s) = c.services.get(sid) {
                let sel = match &s.selector {
                    Some(m) if !m.is_empty() => m
                        .iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    _ => "(none: reaches no pod)".into(),
                };
                facts.push(Fact {
                    label: "selector".into(),
                    value: code(sel),
                });
                for sp in &s.ports {
                    let t = match &sp.target {
                        engine::model::TargetPort::Number(n) => n.to_string(),
                        engine::model::TargetPort::Name(n) => n.clone(),
                    };
                    facts.push(Fact {
                        label: "port".into(),
                        value: code(format!("{}/{} → {}", sp.port, sp.protocol, t)),
                    });
                }
                let pods = d.eff.service_pods(sid);
                facts.push(Fact {
                    label: "backing pods".into(),
                    value: if pods.is_empty() {
                        vec![Seg::Text("none".into())]
                    } else {
                        pods.iter()
                            .map(|&p| Seg::Code(flows::pod_name(&d.eff, p)))
                            .collect()
                    },
                });
            }
        }
        Target::External(_) => {
            let users: BTreeSet<String> = c
                .policies
                .iter()
                .filter(|p| {
                    p.ingress.iter().chain(p.egress.iter()).any(|r| {
                        r.peers.iter().flatten().any(|peer| {
                            matches!(&peer.kind, engine::model::PeerKind::IpBlock { cidr, except }
                                if NodeId::Outside(cidr.to_string()) == node.id || except.iter().any(|e| NodeId::Outside(e.to_string()) == node.id))
                        })
                    })
                })
                .map(|p| p.qualified())
                .collect();
            facts.push(Fact {
                label: "mentioned by".into(),
                value: users.into_iter().map(Seg::Code).collect(),
            });
        }
        _ => {
            let first = node.pods.first().and_then(|&p| c.pods.get(p));
            if let Some(p) = first {
                let labels: Vec<Seg> = p
                    .labels
                    .iter()
                    .map(|(k, v)| Seg::Code(format!("{k}={v}")))
                    .collect();
                facts.push(Fact {
                    label: "labels".into(),
                    value: if labels.is_empty() {
                        vec![Seg::Text("none".into())]
                    } else {
                        labels
                    },
                });
                let ports: Vec<Seg> = p
                    .ports
                    .iter()
                    .map(|cp| {
                        Seg::Code(match &cp.name {
                            Some(n) => format!("{}/{} ({n})", cp.port, cp.protocol),
                            None => format!("{}/{}", cp.port, cp.protocol),
                        })
                    })
                    .collect();
                facts.push(Fact {
                    label: "ports".into(),
                    value: if ports.is_empty() {
                        vec![Seg::Text("none declared".into())]
                    } else {
                        ports
                    },
                });
                let ips: Vec<Seg> = node
                    .pods
                    .iter()
                    .filter_map(|&p| c.pods.get(p))
                    .flat_map(|p| p.ips.iter().map(|ip| Seg::Code(ip.to_string())))
                    .collect();
                facts.push(Fact {
                    label: "IPs".into(),
                    value: if ips.is_empty() {
                        vec![Seg::Text("not given in the manifests".into())]
                    } else {
                        ips
                    },
                });
                if p.host_network {
                    facts.push(Fact {
                        label: "network".into(),
                        value: vec![Seg::Text("hostNetwork: true (CNI-dependent)".into())],
                    });
                }
                for (dir, label) in [
                    (engine::Direction::Ingress, "ingress isolated by"),
                    (engine::Direction::Egress, "egress isolated by"),
                ] {
                    let mut segs = Vec::new();
                    // As written (`base`: every policy enabled), so that a policy switched off
                    // is still listed, marked; selection is the engine's `selects_for`.
                    for (i, pol) in d
                        .base
                        .cluster
                        .policies
                        .iter()
                        .enumerate()
                        .filter(|(_, pol)| pol.selects_for(p, dir))
                    {
                        segs.push(Seg::Code(pol.qualified()));
                        if c.policies.get(i).is_some_and(|e| !e.enabled) {
                            segs.push(Seg::Text("(switched off)".into()));
                        }
                        segs.push(Seg::Line(pol.span.start.line));
                    }
                    if segs.is_empty() {
                        segs.push(Seg::Text("no policy: not isolated".into()));
                    }
                    facts.push(Fact {
                        label: label.into(),
                        value: segs,
                    });
                }
                let svcs: Vec<Seg> = c
                    .services
                    .iter()
                    .filter(|s| s.selects(p))
                    .map(|s| Seg::Code(NodeId::service(&s.namespace, &s.name).to_string()))
                    .collect();
                if !svcs.is_empty() {
                    facts.push(Fact {
                        label: "behind".into(),
                        value: svcs,
                    });
                }
            }
        }
    }
    Content::Facts {
        title,
        subtitle: kind,
        facts,
    }
}

pub fn policy_facts(d: &Derived, sc: &Scene, key: &PolicyKey) -> Content {
    let Some(p) = d
        .eff
        .cluster
        .policies
        .iter()
        .find(|p| PolicyKey::of(p) == *key)
    else {
        return Content::Empty;
    };
    let mut types = Vec::new();
    if p.affects_ingress {
        types.push("Ingress");
    }
    if p.affects_egress {
        types.push("Egress");
    }
    let selected: Vec<Seg> = flows::policy_nodes(d, sc, key)
        .into_iter()
        .filter_map(|i| sc.nodes.get(i).map(|n| Seg::Code(n.id.to_string())))
        .collect();
    let mut facts = vec![
        Fact {
            label: "defined at".into(),
            value: vec![Seg::Line(p.span.start.line)],
        },
        Fact {
            label: "selects pods".into(),
            value: vec![
                Seg::Code(format!("{}", p.pod_selector)),
                Seg::Text(format!(" in {}", p.namespace)),
            ],
        },
        Fact {
            label: "policyTypes".into(),
            value: vec![Seg::Text(format!(
                "{}{}",
                types.join(", "),
                if !p.policy_types_defaulted {
                    ""
                } else {
                    " (defaulted: no policyTypes written; Egress only with egress rules)"
                }
            ))],
        },
        Fact {
            label: "selected nodes".into(),
            value: if selected.is_empty() {
                vec![Seg::Text("none".into())]
            } else {
                selected
            },
        },
    ];
    for (dir, rules) in [("ingress", &p.ingress), ("egress", &p.egress)] {
        for (i, r) in rules.iter().enumerate() {
            let peers = match &r.peers {
                None => "anywhere".to_string(),
                Some(ps) => ps
                    .iter()
                    .map(|peer| d.eff.describe_peer(peer))
                    .collect::<Vec<_>>()
                    .join("; "),
            };
            let ports = match &r.ports {
                None => "any port".to_string(),
                Some(ps) => ps
                    .iter()
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            };
            let mut value = vec![
                Seg::Line(r.span.start.line),
                Seg::Text(format!(
                    ": {} {peers} · {ports}",
                    if dir == "ingress" { "from" } else { "to" }
                )),
            ];
            value.retain(|s| !matches!(s, Seg::Text(t) if t.is_empty()));
            facts.push(Fact {
                label: format!("{dir} rule {}", i + 1),
                value,
            });
        }
    }
    Content::Facts {
        title: key.to_string(),
        subtitle: format!(
            "NetworkPolicy{}",
            if p.enabled {
                ""
            } else {
                " · switched off (what-if)"
            }
        ),
        facts,
    }
}

/// What the inspector shows for a selection: a flow's or a matrix cell's decision, a node's or
/// a policy's facts. `flows` are the drawn flows (a selected flow not drawn is evaluated).
#[allow(clippy::too_many_arguments)]
pub fn content(
    selection: &Selection,
    d: &Derived,
    sc: &Scene,
    flows: &[Flow],
    port: Option<(u16, Protocol)>,
    matrix_by_pod: bool,
    matrix_all_ports: bool,
) -> Content {
    match selection {
        Selection::Flow { from, to } => {
            match crate::focus::selected_flow(d, sc, flows, from, to, port) {
                Some(f) => {
                    let (lead, probes) = flows::flow_probes(d, sc, &f);
                    Content::Flow {
                        title: format!("{from} → {to}"),
                        verdict: Some(f.verdict.as_str().to_string()),
                        lead,
                        probes,
                    }
                }
                None => Content::Empty,
            }
        }
        Selection::Cell { from, to } => {
            let groups = matrix_model::groups(d, matrix_by_pod);
            let g = |id: &NodeId| groups.iter().find(|g| g.id == *id);
            let (Some(a), Some(b)) = (g(from), g(to)) else {
                return Content::Empty;
            };
            let all: Vec<(u16, Protocol)> = {
                let pods: Vec<usize> = (0..d.eff.cluster.pods.len()).collect();
                matrix_model::declared(d, &pods)
            };
            let mode = matrix_model::Ports::of_filter(port, matrix_all_ports);
            let cell = matrix_model::cell(d, a, b, mode, &all);
            let (port, proto) = cell.probe;
            Content::Flow {
                title: format!("{from} → {to}"),
                verdict: cell.verdict.map(|v| v.as_str().to_string()),
                lead: Some(format!(
                    "Checked: {}; allowed: {}. Here is why for port {port}/{proto}:",
                    cell.checked, cell.allowed
                )),
                probes: vec![flows::probe(d, a.target, b.target, port, proto)],
            }
        }
        Selection::Node(id) => node_facts(d, sc, id),
        Selection::Policy(p) => policy_facts(d, sc, p),
        Selection::None | Selection::Namespaces { .. } => Content::Empty,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::flows::Focus;
    use crate::focus::drawn_flows;
    use crate::scene::build_scene;
    use crate::state::FlowFilter;
    use crate::testing::{derived, example, node, policy};

    fn facts(c: &Content) -> Vec<(String, String)> {
        let seg = |s: &Seg| match s {
            Seg::Text(t) | Seg::Code(t) => t.clone(),
            Seg::Line(n) => format!("line {n}"),
        };
        match c {
            Content::Facts { facts, .. } => facts
                .iter()
                .map(|f| {
                    let v: Vec<String> = f.value.iter().map(seg).collect();
                    (f.label.clone(), v.join(" "))
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    fn fact(c: &Content, label: &str) -> Option<String> {
        facts(c)
            .into_iter()
            .find(|(l, _)| l == label)
            .map(|(_, v)| v)
    }

    #[test]
    fn a_node_lists_its_labels_ports_and_isolating_policies() {
        let d = derived(example("demo-deny"), &["default/deny-by-default"]);
        let sc = build_scene(&d, &BTreeSet::new());
        let c = node_facts(&d, &sc, &node("default/pod-centos"));
        assert!(matches!(&c, Content::Facts { title, subtitle, .. }
            if title == "default/pod-centos" && subtitle == "Pod"));
        assert_eq!(fact(&c, "labels").as_deref(), Some("app=healthchecker"));
        assert_eq!(fact(&c, "ports").as_deref(), Some("none declared"));
        // Switched off, still listed (as written), marked.
        let iso = fact(&c, "ingress isolated by").unwrap_or_default();
        assert!(
            iso.starts_with("default/deny-by-default (switched off) line "),
            "{iso}"
        );
        let svc = node_facts(&d, &sc, &node("service:default/svc-clusterip-httpd"));
        assert_eq!(
            fact(&svc, "selector").as_deref(),
            Some("component=httpd_webserver")
        );
        assert_eq!(node_facts(&d, &sc, &node("default/nobody")), Content::Empty);
    }

    #[test]
    fn a_policy_lists_what_it_selects_and_its_defaulted_types() {
        let d = derived(example("demo-deny"), &[]);
        let sc = build_scene(&d, &BTreeSet::new());
        let c = policy_facts(&d, &sc, &policy("default/deny-by-default"));
        let types = fact(&c, "policyTypes").unwrap_or_default();
        assert!(types.starts_with("Ingress, Egress"), "{types}");
        let nodes = fact(&c, "selected nodes").unwrap_or_default();
        assert!(
            nodes.contains("default/pod-centos") && nodes.contains("default/dep-httpd"),
            "{nodes}"
        );
        assert!(!nodes.contains("service:"), "Services are not selected");
        assert_eq!(
            policy_facts(&d, &sc, &policy("default/other")),
            Content::Empty
        );
    }

    #[test]
    fn a_selected_flow_or_cell_is_explained() {
        let d = derived(example("demo-deny"), &[]);
        let sc = build_scene(&d, &BTreeSet::new());
        let (flows, _) = drawn_flows(&d, &sc, &Focus::All, None, FlowFilter::All);
        let sel = Selection::Flow {
            from: node("default/pod-centos"),
            to: node("service:default/svc-clusterip-httpd"),
        };
        let c = content(&sel, &d, &sc, &flows, None, false, false);
        assert!(
            matches!(&c, Content::Flow { verdict: Some(v), probes, .. }
                if v == "blocked" && probes.iter().any(|p| p.text.contains("deny-by-default"))),
            "{c:?}"
        );
        let cell = Selection::Cell {
            from: node("default/pod-centos"),
            to: node("default/dep-httpd"),
        };
        let c = content(&cell, &d, &sc, &flows, None, false, false);
        assert!(
            matches!(&c, Content::Flow { verdict: Some(v), lead: Some(l), .. }
                if v == "blocked" && l.starts_with("Checked: 80/TCP; allowed: none.")),
            "{c:?}"
        );
        assert_eq!(
            content(&Selection::None, &d, &sc, &flows, None, false, false),
            Content::Empty
        );
    }
}
