//! Lints: manifests the API server accepts but that probably do not mean what was meant.
//! Each corresponds to a pitfall in the semantics notes.

use std::collections::HashMap;

use crate::diagnostic::{Code, Diagnostic};
use crate::evaluate::Index;
use crate::model::{
    Cluster, Direction, NamespaceMatch, PeerKind, Policy, PortRef, Rule, TargetPort,
};
use crate::parse::node::Node;
use crate::parse::yaml::Document;
use crate::pod_index::PodIndex;
use crate::ports::Protocol;
use crate::span::Span;

/// Caches and indexes shared by all policies: linting stays near-linear on clusters of
/// thousands of pods.
#[derive(Debug)]
struct Memo<'c> {
    /// Whether some pod matches a peer, by the peer's canonical text.
    peer_hits_any: HashMap<String, bool>,
    /// (peers, port name, protocol) → (some destination exists, one of them defines the name).
    named: HashMap<(String, String, Protocol), (bool, bool)>,
    /// Pods per namespace, and per (namespace, label key, value).
    by_ns: HashMap<&'c str, Vec<usize>>,
    by_label: HashMap<(&'c str, &'c str, &'c str), Vec<usize>>,
    /// (Service port, protocol) → (Service, index of that port).
    svc_ports: HashMap<(u16, Protocol), Vec<(usize, usize)>>,
    /// Pods by namespace and label set: which pods a peer matches, without asking each pod.
    pods: PodIndex<'c>,
}

impl<'c> Memo<'c> {
    fn new(cluster: &'c Cluster, index: &'c Index) -> Memo<'c> {
        let mut m = Memo {
            peer_hits_any: HashMap::new(),
            named: HashMap::new(),
            by_ns: HashMap::new(),
            by_label: HashMap::new(),
            svc_ports: HashMap::new(),
            pods: PodIndex::new(cluster, index),
        };
        for (i, p) in cluster.pods.iter().enumerate() {
            m.by_ns.entry(p.namespace.as_str()).or_default().push(i);
            for (k, v) in &p.labels {
                m.by_label
                    .entry((p.namespace.as_str(), k.as_str(), v.as_str()))
                    .or_default()
                    .push(i);
            }
        }
        for (si, svc) in cluster.services.iter().enumerate() {
            for (pi, sp) in svc.ports.iter().enumerate() {
                m.svc_ports
                    .entry((sp.port, sp.protocol))
                    .or_default()
                    .push((si, pi));
            }
        }
        m
    }

    /// Whether some pod of the cluster matches the peer (memoised by the peer's text).
    fn peer_hits_any(&mut self, kind: &PeerKind) -> bool {
        let pods = &self.pods;
        *self
            .peer_hits_any
            .entry(peer_key(kind))
            .or_insert_with(|| pods.peer_matches_any(kind))
    }
}

fn peer_key(kind: &PeerKind) -> String {
    match kind {
        PeerKind::Pods { namespaces, pods } => match namespaces {
            NamespaceMatch::Own(ns) => format!("own:{ns}|{pods}"),
            NamespaceMatch::Selector(sel) => format!("sel:{sel}|{pods}"),
        },
        PeerKind::IpBlock { cidr, except } => format!("ip:{cidr}:{except:?}"),
    }
}

/// Every lint; `docs` are the parsed inputs (for spans the model does not keep, such as a
/// Service's `spec.selector`).
pub fn lint(cluster: &Cluster, index: &Index, docs: &[Document], out: &mut Vec<Diagnostic>) {
    let mut memo = Memo::new(cluster, index);
    lint_services(cluster, &memo, docs, out);
    crate::admin::lint(cluster, index, out);
    let by_ns = &memo.by_ns;
    let selected_by: Vec<Vec<usize>> = cluster
        .policies
        .iter()
        .map(|policy| {
            by_ns
                .get(policy.namespace.as_str())
                .map(|ids| {
                    ids.iter()
                        .copied()
                        .filter(|&i| cluster.pods.get(i).is_some_and(|p| policy.selects(p)))
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect();
    // Pods whose egress some policy opens to DNS.
    let mut dns_ok = vec![false; cluster.pods.len()];
    for (policy, selected) in cluster.policies.iter().zip(&selected_by) {
        if policy.affects_egress && allows_dns(&policy.egress) {
            for &p in selected {
                if let Some(flag) = dns_ok.get_mut(p) {
                    *flag = true;
                }
            }
        }
    }
    let mut host_network_noted = std::collections::HashSet::new();
    for pod in cluster.pods.iter().filter(|p| p.host_network) {
        // One note per workload template or Pod object.
        if !host_network_noted.insert(pod.span) {
            continue;
        }
        out.push(
            Diagnostic::info(
                Code::LintHostNetwork,
                pod.span,
                format!("`{}` uses `hostNetwork: true`: verdicts treat it like any pod, but real clusters may treat its traffic as node traffic", pod.qualified()),
            )
            .with_help("such verdicts are marked CNI-dependent"),
        );
    }
    for (policy, selected) in cluster.policies.iter().zip(&selected_by) {
        let q = policy.qualified();

        // Rules for a direction that policyTypes leaves out are ignored.
        for (dir, affects, rules) in [
            (Direction::Ingress, policy.affects_ingress, &policy.ingress),
            (Direction::Egress, policy.affects_egress, &policy.egress),
        ] {
            if !affects && !rules.is_empty() {
                out.push(
                    Diagnostic::warning(
                        Code::LintDirectionNotInPolicyTypes,
                        rules.first().map_or(policy.span, |r| r.span),
                        format!(
                            "`{q}` has {} rules but `policyTypes` does not list `{}`: they are ignored",
                            dir.as_str(),
                            dir.title()
                        ),
                    )
                    .with_help(format!("add `{}` to `policyTypes`", dir.title())),
                );
            }
        }

        if !cluster.pods.is_empty() && selected.is_empty() && !policy.pod_selector.is_empty() {
            out.push(
                Diagnostic::warning(
                    Code::LintSelectsNothing,
                    policy.pod_selector.span,
                    format!(
                        "`{q}` selects no pod: no pod in `{}` has labels `{}`",
                        policy.namespace, policy.pod_selector
                    ),
                )
                .with_help("check the labels for a typo"),
            );
        }

        // Egress isolation without DNS.
        if policy.affects_egress && !selected.is_empty() && !allows_dns(&policy.egress) {
            // Only when no other policy on the same pods allows DNS either.
            let others_allow = selected
                .iter()
                .any(|&p| dns_ok.get(p).copied().unwrap_or(false));
            if !others_allow {
                out.push(
                    Diagnostic::info(
                        Code::LintNoDnsEgress,
                        policy.span,
                        format!("`{q}` isolates egress but no policy allows DNS (UDP and TCP 53): name lookups from its pods will fail"),
                    )
                    .with_help("add an egress rule to namespace `kube-system`, pods `k8s-app: kube-dns`, ports 53/UDP and 53/TCP"),
                );
            }
        }

        // An allow-all rule voids every restriction other policies put on the same pods.
        for (dir, rules) in [
            (Direction::Ingress, &policy.ingress),
            (Direction::Egress, &policy.egress),
        ] {
            if !policy.affects(dir) {
                continue;
            }
            let Some(all) = rules
                .iter()
                .find(|r| r.peers.is_none() && r.ports.is_none())
            else {
                continue;
            };
            // Only the policies of the same namespace (indexed).
            let voided: Vec<String> = index
                .policies_by_ns
                .get(&policy.namespace)
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .filter_map(|&id| cluster.policies.get(id))
                .filter(|o| {
                    o.namespace == policy.namespace
                        && o.name != policy.name
                        && !o
                            .rules(dir)
                            .iter()
                            .any(|r| r.peers.is_none() && r.ports.is_none())
                        && selected.iter().any(|&p| {
                            cluster
                                .pods
                                .get(p)
                                .is_some_and(|pod| o.selects_for(pod, dir))
                        })
                })
                .map(|o| format!("`{}`", o.qualified()))
                .collect();
            if !voided.is_empty() {
                out.push(
                    Diagnostic::warning(
                        Code::LintAllowAllVoidsDeny,
                        all.span,
                        format!(
                            "`{q}` allows all {} traffic to the pods it selects, so the restrictions of {} have no effect on them",
                            dir.as_str(),
                            voided.join(", ")
                        ),
                    )
                    .with_help("policies only add allowances: narrow this rule's peers or ports"),
                );
            }
        }

        for dir in [Direction::Ingress, Direction::Egress] {
            split_peers_and_ports(policy, dir, out);
        }

        for (dir, rules) in [
            (Direction::Ingress, &policy.ingress),
            (Direction::Egress, &policy.egress),
        ] {
            for (ri, rule) in rules.iter().enumerate() {
                lint_rule(
                    cluster,
                    &mut memo,
                    &q,
                    &policy.namespace,
                    dir,
                    ri,
                    rule,
                    selected,
                    out,
                );
            }
        }
    }
}

/// The AND/OR slip: `- from: [...]` then `- ports: [...]` as two list items makes two rules
/// (OR): the second opens its ports to every peer, the first every port to its peers. One rule
/// with both keys (AND) was almost always meant (NetworkPolicy concept page, "Behavior of to
/// and from selectors"; each `ingress`/`egress` item is one NetworkPolicyIngressRule).
fn split_peers_and_ports(policy: &Policy, dir: Direction, out: &mut Vec<Diagnostic>) {
    if !policy.affects(dir) {
        return;
    }
    let rules = policy.rules(dir);
    let peers_only = |i: usize| {
        rules
            .get(i)
            .is_some_and(|r| r.peers.is_some() && r.ports.is_none())
    };
    let (key, everyone) = match dir {
        Direction::Ingress => ("from", "every source"),
        Direction::Egress => ("to", "every destination"),
    };
    for (i, rule) in rules.iter().enumerate() {
        let (None, Some(ports)) = (&rule.peers, &rule.ports) else {
            continue;
        };
        // DNS to anywhere next to a peer rule is a common, deliberate egress pattern.
        let dns_only = ports
            .iter()
            .all(|p| matches!(p.port, PortRef::Range(53, 53)));
        if dir == Direction::Egress && dns_only {
            continue;
        }
        // The neighbouring item that holds the peers (usually the one before).
        let Some(j) = [i.checked_sub(1), Some(i + 1)]
            .into_iter()
            .flatten()
            .find(|&j| peers_only(j))
        else {
            continue;
        };
        let opened: Vec<String> = ports.iter().map(|p| p.to_string()).collect();
        out.push(
            Diagnostic::warning(
                Code::LintPeersPortsSplit,
                rule.span,
                format!(
                    "{d} rule {n} of `{q}` has `ports` but no `{key}`: it opens {ports} to {everyone}, and rule {m} opens every port to its peers (two list items are two rules, OR)",
                    d = dir.as_str(),
                    n = i + 1,
                    q = policy.qualified(),
                    ports = opened.join(", "),
                    m = j + 1,
                ),
            )
            .with_help(format!(
                "to allow only those peers on those ports, make it one rule: delete the `-` before `ports` so it lines up with `{key}`"
            )),
        );
    }
}

/// Services whose selector matches no pod: nothing answers behind them.
fn lint_services(cluster: &Cluster, memo: &Memo<'_>, docs: &[Document], out: &mut Vec<Diagnostic>) {
    // Without any pod the input is partial (policies only): nothing to judge by.
    if cluster.services.is_empty() || cluster.pods.is_empty() {
        return;
    }
    let objects = object_nodes(docs);
    for svc in &cluster.services {
        let Some(sel) = svc.selector.as_ref().filter(|s| !s.is_empty()) else {
            continue;
        };
        // A Service's first label narrows the candidates.
        let backed = sel.iter().next().is_some_and(|(k, v)| {
            memo.by_label
                .get(&(svc.namespace.as_str(), k.as_str(), v.as_str()))
                .is_some_and(|ids| {
                    ids.iter()
                        .any(|&i| cluster.pods.get(i).is_some_and(|p| svc.selects(p)))
                })
        });
        if backed {
            continue;
        }
        let at = objects
            .get(&svc.span)
            .and_then(|n| n.get("spec"))
            .and_then(|s| s.get("selector"))
            .map_or(svc.span, |n| n.span);
        let labels: Vec<String> = sel.iter().map(|(k, v)| format!("{k}={v}")).collect();
        out.push(
            Diagnostic::warning(
                Code::LintServiceNoBackends,
                at,
                format!(
                    "Service `{}` selects no pod: no pod in `{}` has labels `{}`, so nothing answers behind it",
                    svc.qualified(),
                    svc.namespace,
                    labels.join(", ")
                ),
            )
            .with_help("a Service selects pods of its own namespace by their labels (all of them); check for a typo, or add the pods or workloads it fronts"),
        );
    }
}

/// Every object node (document roots and `List` items) by its span.
fn object_nodes(docs: &[Document]) -> HashMap<Span, &Node> {
    fn walk<'a>(n: &'a Node, out: &mut HashMap<Span, &'a Node>, depth: usize) {
        out.insert(n.span, n);
        if depth < 4 {
            for item in n.get("items").and_then(Node::as_seq).unwrap_or(&[]) {
                walk(item, out, depth + 1);
            }
        }
    }
    let mut out = HashMap::new();
    for root in docs.iter().filter_map(|d| d.root.as_ref()) {
        walk(root, &mut out, 0);
    }
    out
}

/// Selectors for cluster add-ons (DNS in `kube-system`) usually point at pods that manifests
/// do not include: no "selects nothing" warning for them.
fn mentions_system(selector: &str) -> bool {
    selector.contains("kube-dns")
        || selector.contains("kube-system")
        || selector.contains("coredns")
}

fn allows_dns(rules: &[Rule]) -> bool {
    // A peer list of pods of the policy's own namespace only (no namespaceSelector, no
    // ipBlock) cannot reach the cluster DNS, which runs in `kube-system`; anything wider may.
    let may_reach_dns = |r: &Rule| {
        r.peers.as_ref().is_none_or(|peers| {
            peers.iter().any(|p| match &p.kind {
                PeerKind::Pods {
                    namespaces: NamespaceMatch::Own(ns),
                    ..
                } => ns == "kube-system",
                PeerKind::Pods { .. } | PeerKind::IpBlock { .. } => true,
            })
        })
    };
    rules
        .iter()
        .filter(|r| may_reach_dns(r))
        .any(|r| match &r.ports {
            None => true,
            Some(ports) => ports.iter().any(|p| {
                p.protocol == Protocol::Udp
                    && match &p.port {
                        PortRef::All => true,
                        PortRef::Range(lo, hi) => *lo <= 53 && 53 <= *hi,
                        PortRef::Named(n) => n.contains("dns"),
                    }
            }),
        })
}

#[allow(clippy::too_many_arguments)]
fn lint_rule(
    cluster: &Cluster,
    memo: &mut Memo<'_>,
    q: &str,
    ns: &str,
    dir: Direction,
    ri: usize,
    rule: &Rule,
    selected: &[usize],
    out: &mut Vec<Diagnostic>,
) {
    let n = ri + 1;
    if let Some(peers) = &rule.peers {
        for peer in peers {
            match &peer.kind {
                PeerKind::Pods { namespaces, pods } => {
                    if let NamespaceMatch::Selector(nsel) = namespaces {
                        // One peer with both selectors means AND. That is often meant (DNS:
                        // kube-system AND k8s-app=kube-dns); it is likely a slip when the AND
                        // matches no pod although each selector alone matches some.
                        if !nsel.is_empty() && !pods.is_empty() && !cluster.pods.is_empty() {
                            let any_pod = memo.peer_hits_any(&peer.kind);
                            let ns_alone = memo.pods.any_namespace_matches(nsel);
                            let pods_alone = memo.pods.any_labels_match(pods);
                            if !any_pod && ns_alone && pods_alone {
                                out.push(
                                    Diagnostic::warning(
                                        Code::LintPeerSelectorsCombined,
                                        peer.span,
                                        format!("{} rule {n} of `{q}`: this peer needs BOTH namespace `{nsel}` AND pod `{pods}` (one peer, two selectors), and no pod has both", dir.as_str()),
                                    )
                                    .with_help("to allow either, make them two list items: put `-` before `podSelector`"),
                                );
                            }
                        }
                        let any_ns = cluster.namespaces.iter().any(|n| nsel.matches(&n.labels));
                        if !any_ns && !mentions_system(&nsel.to_string()) {
                            out.push(Diagnostic::warning(
                                Code::LintSelectsNothing,
                                nsel.span,
                                format!("{} rule {n} of `{q}`: no namespace has labels `{nsel}`", dir.as_str()),
                            ).with_help("namespaces always carry `kubernetes.io/metadata.name`; check for a typo"));
                        }
                    }
                    if !cluster.pods.is_empty() {
                        let any_pod = memo.peer_hits_any(&peer.kind);
                        if !any_pod {
                            let other_ns = matches!(namespaces, NamespaceMatch::Own(_))
                                && cluster
                                    .pods
                                    .iter()
                                    .any(|p| p.namespace != ns && pods.matches(&p.labels));
                            if other_ns {
                                out.push(Diagnostic::warning(
                                    Code::LintPodSelectorOtherNamespace,
                                    pods.span,
                                    format!("{} rule {n} of `{q}`: `podSelector` alone only matches pods in `{ns}`; the pods labelled `{pods}` are in other namespaces", dir.as_str()),
                                ).with_help("add a `namespaceSelector` in the same peer (no `-` before it)"));
                            } else if !pods.is_empty() && !mentions_system(&pods.to_string()) {
                                out.push(
                                    Diagnostic::warning(
                                        Code::LintSelectsNothing,
                                        pods.span,
                                        format!(
                                            "{} rule {n} of `{q}`: no pod matches `{pods}` here",
                                            dir.as_str()
                                        ),
                                    )
                                    .with_help("check the labels for a typo"),
                                );
                            }
                        }
                    }
                }
                PeerKind::IpBlock { cidr, except } => {
                    let hits: Vec<String> = cluster
                        .pods
                        .iter()
                        .filter(|p| {
                            p.ips.iter().any(|ip| {
                                cidr.contains(*ip) && !except.iter().any(|e| e.contains(*ip))
                            })
                        })
                        .map(|p| p.qualified())
                        .take(3)
                        .collect();
                    if !hits.is_empty() {
                        out.push(Diagnostic::info(
                            Code::LintIpBlockOnPodIp,
                            peer.span,
                            format!("{} rule {n} of `{q}`: ipBlock `{cidr}` contains pod IPs ({}); whether it applies to pod traffic depends on the CNI", dir.as_str(), hits.join(", ")),
                        ).with_help("select pods with `podSelector`/`namespaceSelector` instead"));
                    }
                }
            }
        }
    }
    if let Some(ports) = &rule.ports {
        for p in ports {
            if let PortRef::Range(53, 53) = p.port {
                if p.protocol == Protocol::Tcp && !ports.iter().any(|o| o.protocol == Protocol::Udp)
                {
                    out.push(Diagnostic::info(
                        Code::LintDnsPortTcpOnly,
                        p.span,
                        format!("{} rule {n} of `{q}`: port 53 without `protocol` is TCP only; DNS mostly uses UDP", dir.as_str()),
                    ).with_help("add a second entry with `protocol: UDP`"));
                }
            }
            if let PortRef::Named(name) = &p.port {
                // Destinations: the selected pods on ingress; the peer pods on egress.
                let defines = |i: &usize| {
                    cluster
                        .pods
                        .get(*i)
                        .is_some_and(|pod| pod.named_port(name, p.protocol).is_some())
                };
                let (any_dst, defined) = match dir {
                    Direction::Ingress => (!selected.is_empty(), selected.iter().any(defines)),
                    Direction::Egress => {
                        let peers_key = rule.peers.as_ref().map_or_else(
                            || "any".to_string(),
                            |ps| {
                                ps.iter()
                                    .map(|p| peer_key(&p.kind))
                                    .collect::<Vec<_>>()
                                    .join(";")
                            },
                        );
                        let pods = &memo.pods;
                        *memo
                            .named
                            .entry((peers_key, name.clone(), p.protocol))
                            .or_insert_with(|| {
                                let dsts = pods.rule_pods(rule);
                                (!dsts.is_empty(), dsts.iter().any(defines))
                            })
                    }
                };
                if any_dst && !defined {
                    out.push(Diagnostic::warning(
                        Code::LintNamedPortUndefined,
                        p.span,
                        format!("{} rule {n} of `{q}`: no destination pod defines a container port named `{name}` ({}); the entry opens nothing", dir.as_str(), p.protocol),
                    ).with_help("named ports are looked up on the destination pod's containers, by name and protocol"));
                }
            }
            if let (PortRef::Range(lo, hi), Direction::Ingress) = (&p.port, dir) {
                if lo == hi {
                    // Only Services with that port and protocol (indexed once).
                    let ids = memo
                        .svc_ports
                        .get(&(*lo, p.protocol))
                        .map_or(&[][..], Vec::as_slice);
                    for &(si, pi) in ids {
                        let Some(svc) = cluster.services.get(si) else {
                            continue;
                        };
                        let Some(sp) = svc.ports.get(pi) else {
                            continue;
                        };
                        // What the Service's pods among the selected ones listen on: a
                        // number as given; a name as each pod resolves it (by name and
                        // protocol, as the endpoints controller does).
                        let backing = selected
                            .iter()
                            .filter_map(|&i| cluster.pods.get(i).filter(|pod| svc.selects(pod)));
                        let (listen, shown) = match &sp.target {
                            TargetPort::Number(t) => (
                                (*t != *lo && backing.count() > 0).then(|| t.to_string()),
                                t.to_string(),
                            ),
                            TargetPort::Name(name) => {
                                let nums: std::collections::BTreeSet<u16> =
                                    backing.filter_map(|pod| sp.target_on(pod)).collect();
                                let listed: Vec<String> = nums.iter().map(u16::to_string).collect();
                                // A policy's named port resolves on the destination pod exactly
                                // as the Service's named targetPort does: name the name.
                                (
                                    nums.iter()
                                        .any(|t| t != lo)
                                        .then(|| crate::suggest::scalar(name)),
                                    format!("`{name}` ({})", listed.join(", ")),
                                )
                            }
                        };
                        if let Some(use_port) = listen {
                            out.push(Diagnostic::warning(
                                Code::LintServicePortInPolicy,
                                p.span,
                                format!("{} rule {n} of `{q}`: port {lo} is the port of Service `{}`; its pods listen on {shown} (targetPort), which is what policies see", dir.as_str(), svc.qualified()),
                            ).with_help(format!("use port {use_port}")));
                        }
                    }
                }
            }
        }
    }
}
