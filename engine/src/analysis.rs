//! The public entry point: `analyze(sources) -> Analysis`, and verdicts between named endpoints.

use std::collections::HashMap;
use std::net::IpAddr;

use crate::diagnostic::{self, Diagnostic};
use crate::evaluate::{evaluate_direction, Endpoint, Index, Outcome};
use crate::lower::Options;
use crate::model::{
    Cluster, ContainerPort, Direction, PeerKind, PodId, PortRef, ServiceId, TargetPort, WorkloadId,
};
use crate::parse::yaml::parse_documents;
use crate::ports::Protocol;
use crate::selector::Labels;
use crate::span::Source;

/// Inputs larger than this are refused (per source) with a diagnostic.
pub const MAX_SOURCE_BYTES: usize = 64 * 1024 * 1024;

/// Everything known about the inputs.
#[derive(Clone, Debug)]
pub struct Analysis {
    pub sources: Vec<Source>,
    pub cluster: Cluster,
    pub index: Index,
    /// Sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    /// Objects of kinds that do not affect traffic (RBAC, ConfigMaps, CRDs, ...), per kind.
    pub ignored: std::collections::BTreeMap<String, usize>,
    /// The namespace of objects without one, and of bare names given to [`Analysis::resolve`].
    pub default_namespace: String,
}

/// Parses, lowers and lints all sources. Never fails: problems are diagnostics.
pub fn analyze(sources: &[Source]) -> Analysis {
    analyze_with(sources, &Options::default())
}

/// [`analyze`] with lowering options (`kubectl apply -n NS --validate=...`).
pub fn analyze_with(sources: &[Source], options: &Options) -> Analysis {
    let mut diags = Vec::new();
    let mut docs = Vec::new();
    for (i, s) in sources.iter().enumerate() {
        if s.text.len() > MAX_SOURCE_BYTES {
            diags.push(Diagnostic {
                code: crate::diagnostic::Code::InputTooLarge,
                severity: crate::diagnostic::Severity::Error,
                message: format!(
                    "`{}` is larger than {} MB; it is skipped",
                    s.name,
                    MAX_SOURCE_BYTES >> 20
                ),
                span: None,
                help: None,
            });
            continue;
        }
        docs.extend(parse_documents(i as u32, &s.text, &mut diags));
    }
    let cluster = crate::lower::lower_with(&docs, &mut diags, options);
    let index = Index::new(&cluster);
    crate::lint::lint(&cluster, &index, &docs, &mut diags);
    diagnostic::sort(&mut diags);
    Analysis {
        sources: sources.to_vec(),
        ignored: cluster.ignored.clone(),
        default_namespace: options
            .default_namespace
            .clone()
            .unwrap_or_else(|| "default".to_string()),
        cluster,
        index,
        diagnostics: diags,
    }
}

/// What a name given by the user designates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    Pod(PodId),
    Workload(WorkloadId),
    Service(ServiceId),
    External(IpAddr),
}

/// Verdicts that hold by the Kubernetes semantics but that real clusters may not follow.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CniFlag {
    HostNetwork {
        pod: String,
    },
    IpBlockOnPod {
        policy: String,
    },
    EndPort {
        policy: String,
    },
    Hairpin {
        service: String,
    },
    /// An `ExternalName` Service: the verdict depends on what the name resolves to.
    ExternalName {
        service: String,
        name: String,
    },
    /// A policy of another project (Calico, Cilium, ...) could select a pod of the verdict.
    ForeignPolicy {
        vendor: String,
        policy: String,
        pod: String,
    },
    /// Equal-priority admin policies with matching rules of different actions (`policies`:
    /// their names): the upstream outcome is implementation-defined.
    AdminEqualPriority {
        policies: String,
    },
    /// An admin policy with `nodes` / `domainNames` peers, which are not simulated.
    AdminNotSimulated {
        policy: String,
    },
    /// An admin `networks` peer met a pod the manifests give no IP for.
    AdminNetworksPodIp {
        policy: String,
    },
}

impl CniFlag {
    pub fn sentence(&self) -> String {
        match self {
            CniFlag::HostNetwork { pod } => format!(
                "`{pod}` uses the host network: policies are applied to it like to any pod here, but many CNIs treat its traffic as node traffic, which policies do not govern"
            ),
            CniFlag::IpBlockOnPod { policy } => format!(
                "`{policy}` matches a pod IP with an ipBlock: whether ipBlock applies to in-cluster traffic depends on the CNI"
            ),
            CniFlag::EndPort { policy } => format!(
                "`{policy}` uses a port range (`endPort`): some CNIs ignore `endPort` and open only the first port"
            ),
            CniFlag::ExternalName { service, name } => format!(
                "Service `{service}` is an alias (ExternalName) for `{name}`, outside the cluster: only the client's egress policies apply, and whether they allow it depends on the address `{name}` resolves to"
            ),
            CniFlag::ForeignPolicy { vendor, policy, pod } => format!(
                "not simulated: a {vendor} policy (`{policy}`) could select `{pod}` — real traffic may differ"
            ),
            CniFlag::Hairpin { service } => format!(
                "the pod reaches itself through Service `{service}` (hairpin): allowed by the semantics, but it depends on the CNI and kube-proxy"
            ),
            CniFlag::AdminEqualPriority { policies } => format!(
                "admin policies {policies} have the same priority and both match this flow with different actions: upstream, which one applies is up to the implementation"
            ),
            CniFlag::AdminNetworksPodIp { policy } => format!(
                "`{policy}` has `networks` peers, which match pod IPs too, and the manifests give no IP for a pod of this flow (no `status.podIP`): in a cluster its IP may fall inside them"
            ),
            CniFlag::AdminNotSimulated { policy } => format!(
                "`{policy}` has `nodes` or `domainNames` peers, which are not simulated here (they match nothing): the verdict may differ in a cluster"
            ),
        }
    }
}

/// One evaluated pod-to-pod (or pod-to-address) connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hop {
    pub src: Endpoint,
    pub dst: Endpoint,
    /// The port the destination pod sees (the Service's targetPort when through a Service).
    pub port: u16,
    pub protocol: Protocol,
    /// Through a Service: its id and the index of the Service port used.
    pub service: Option<(ServiceId, usize)>,
    pub egress: Outcome,
    pub ingress: Outcome,
    pub allowed: bool,
    /// The real pod pairs this hop stands for: `src`/`dst` are representatives of pods that are
    /// indistinguishable to policies (same namespace, labels, ports, IPs, hostNetwork), so one
    /// evaluation answers for all of them. `srcs`/`dsts` list every pod on each side (the
    /// representative included); `pairs` counts the pairs, self pairs and others apart.
    pub srcs: Vec<Endpoint>,
    pub dsts: Vec<Endpoint>,
    pub pairs: usize,
}

/// Why there was nothing to evaluate between two targets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    ServiceSource,
    NoSuchServicePort {
        service: String,
        available: Vec<String>,
    },
    NoBackingPods {
        service: String,
    },
    TargetPortUnresolved {
        service: String,
        target: String,
    },
    NoPods {
        name: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub from: Target,
    pub to: Target,
    pub port: u16,
    pub protocol: Protocol,
    pub allowed: bool,
    pub hops: Vec<Hop>,
    pub problem: Option<Problem>,
    pub flags: Vec<CniFlag>,
}

/// A destination pod, the port it sees, and the Service (and Service port) it was reached by.
type DestinationPod = (Endpoint, u16, Option<(ServiceId, usize)>);

/// Endpoints that evaluate alike, with the port they see and the Service they are reached by.
#[derive(Debug)]
struct Group {
    members: Vec<Endpoint>,
    port: u16,
    via: Option<(ServiceId, usize)>,
}

/// What evaluation depends on, for one end of a connection (never the pod's name).
#[derive(Debug, PartialEq, Eq, Hash)]
enum GroupKey<'c> {
    Pod {
        namespace: &'c str,
        labels: &'c Labels,
        ports: &'c [ContainerPort],
        /// How the pod's addresses fare against every ipBlock (`None`: no address known);
        /// pods whose addresses no policy tells apart group together.
        ips: Option<Vec<u32>>,
        host_network: bool,
        port: u16,
        via: Option<(ServiceId, usize)>,
    },
    External(IpAddr, u16, Option<(ServiceId, usize)>),
}

impl Verdict {
    /// The outcome in words: `allowed`, `blocked`, or — when nothing answers — `no pods behind
    /// `ns/svc``, which is not a policy decision (a connection to it fails all the same).
    pub fn outcome_word(&self) -> String {
        match &self.problem {
            _ if self.allowed => "allowed".to_string(),
            Some(Problem::NoBackingPods { service }) => format!("no pods behind `{service}`"),
            _ => "blocked".to_string(),
        }
    }

    /// Every destination pod (or address) the verdict covers.
    pub fn destinations(&self) -> std::collections::BTreeSet<Endpoint> {
        self.hops
            .iter()
            .flat_map(|h| h.dsts.iter().copied())
            .collect()
    }

    /// Real pod pairs the verdict covers.
    pub fn pairs(&self) -> usize {
        self.hops
            .iter()
            .fold(0usize, |n, h| n.saturating_add(h.pairs))
    }
}

impl Analysis {
    /// Endpoints a target stands for (all replicas of a workload).
    pub fn endpoints(&self, t: Target) -> Vec<Endpoint> {
        match t {
            Target::Pod(id) => vec![Endpoint::Pod(id)],
            Target::Workload(w) => self
                .cluster
                .workloads
                .get(w)
                .map(|w| w.pods.iter().map(|&p| Endpoint::Pod(p)).collect())
                .unwrap_or_default(),
            Target::Service(s) => match self.cluster.services.get(s) {
                Some(svc) if svc.selector.is_none() && svc.external_name.is_none() => {
                    let mut v: Vec<Endpoint> = svc
                        .backends
                        .iter()
                        .map(|b| self.address_endpoint(b.address))
                        .collect();
                    v.sort();
                    v.dedup();
                    v
                }
                _ => self
                    .service_pods(s)
                    .into_iter()
                    .map(Endpoint::Pod)
                    .collect(),
            },
            Target::External(ip) => vec![Endpoint::External(ip)],
        }
    }

    pub fn service_pods(&self, s: ServiceId) -> Vec<PodId> {
        let Some(svc) = self.cluster.services.get(s) else {
            return Vec::new();
        };
        self.cluster
            .pods
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                svc.selects(p)
                    || (svc.selector.is_none()
                        && svc.external_name.is_none()
                        && svc.backends.iter().any(|b| p.ips.contains(&b.address)))
            })
            .map(|(i, _)| i)
            .collect()
    }

    pub fn target_name(&self, t: Target) -> String {
        match t {
            Target::Pod(id) => self
                .cluster
                .pods
                .get(id)
                .map(|p| p.qualified())
                .unwrap_or_default(),
            Target::Workload(w) => self
                .cluster
                .workloads
                .get(w)
                .map(|w| w.qualified())
                .unwrap_or_default(),
            Target::Service(s) => self
                .cluster
                .services
                .get(s)
                .map(|s| format!("service:{}", s.qualified()))
                .unwrap_or_default(),
            Target::External(ip) => ip.to_string(),
        }
    }

    pub fn endpoint_name(&self, e: Endpoint) -> String {
        match e {
            Endpoint::Pod(id) => self
                .cluster
                .pods
                .get(id)
                .map(|p| p.qualified())
                .unwrap_or_default(),
            Endpoint::External(ip) => ip.to_string(),
        }
    }

    /// Evaluates one pod-level connection, both directions.
    pub fn hop(&self, src: Endpoint, dst: Endpoint, port: u16, protocol: Protocol) -> Hop {
        let (c, i) = (&self.cluster, &self.index);
        if src == dst {
            return Hop {
                src,
                dst,
                port,
                protocol,
                service: None,
                egress: Outcome::SelfTraffic,
                ingress: Outcome::SelfTraffic,
                allowed: true,
                srcs: vec![src],
                dsts: vec![dst],
                pairs: 1,
            };
        }
        let egress = match src {
            Endpoint::Pod(s) => evaluate_direction(c, i, s, Direction::Egress, dst, port, protocol),
            Endpoint::External(_) => Outcome::NotAsked,
        };
        let ingress = match dst {
            Endpoint::Pod(d) => {
                evaluate_direction(c, i, d, Direction::Ingress, src, port, protocol)
            }
            Endpoint::External(_) => Outcome::NotAsked,
        };
        let allowed = egress.allowed() && ingress.allowed();
        Hop {
            src,
            dst,
            port,
            protocol,
            service: None,
            egress,
            ingress,
            allowed,
            srcs: vec![src],
            dsts: vec![dst],
            pairs: 1,
        }
    }

    /// The verdict between two named targets for one port and protocol.
    pub fn verdict(&self, from: Target, to: Target, port: u16, protocol: Protocol) -> Verdict {
        let mut v = Verdict {
            from,
            to,
            port,
            protocol,
            allowed: false,
            hops: Vec::new(),
            problem: None,
            flags: Vec::new(),
        };
        if let Target::Service(_) = from {
            v.problem = Some(Problem::ServiceSource);
            return v;
        }
        let sources = self.endpoints(from);
        if sources.is_empty() {
            v.problem = Some(Problem::NoPods {
                name: self.target_name(from),
            });
            return v;
        }
        // Destination pods with the port they see.
        let mut dsts: Vec<DestinationPod> = Vec::new();
        match to {
            Target::Service(sid) => {
                let Some(svc) = self.cluster.services.get(sid) else {
                    return v;
                };
                if let Some(name) = &svc.external_name {
                    // A DNS alias: the client dials whatever the name resolves to, outside the
                    // cluster, on the port it chose. Only its egress decides. An unknown address
                    // is matched by ipBlocks that cover every address (0.0.0.0 is in no other).
                    let ip = name
                        .parse::<IpAddr>()
                        .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
                    v.flags.push(CniFlag::ExternalName {
                        service: svc.qualified(),
                        name: name.clone(),
                    });
                    dsts.push((Endpoint::External(ip), port, None));
                } else {
                    match self.service_destinations(sid, port, protocol) {
                        Ok(d) => dsts = d,
                        Err(p) => {
                            v.problem = Some(p);
                            return v;
                        }
                    }
                }
            }
            other => {
                for e in self.endpoints(other) {
                    dsts.push((e, port, None));
                }
                if dsts.is_empty() {
                    v.problem = Some(Problem::NoPods {
                        name: self.target_name(other),
                    });
                    return v;
                }
            }
        }
        // Every pair is answered, but pods that policies cannot tell apart are evaluated once.
        let src_groups = self.group(sources.iter().map(|&e| (e, 0, None)));
        let dst_groups = self.group(dsts.iter().copied());
        for sg in &src_groups {
            for dg in &dst_groups {
                for hop in self.group_hops(sg, dg, protocol) {
                    if hop.src == hop.dst {
                        if let Some((sid, _)) = hop.service {
                            if let Some(svc) = self.cluster.services.get(sid) {
                                v.flags.push(CniFlag::Hairpin {
                                    service: svc.qualified(),
                                });
                            }
                        }
                    }
                    v.hops.push(hop);
                }
            }
        }
        v.allowed = !v.hops.is_empty() && v.hops.iter().all(|h| h.allowed);
        self.collect_flags(&mut v);
        v.flags.sort();
        v.flags.dedup();
        v
    }

    /// Groups endpoints (with the port they see and the Service they are reached by) into classes
    /// that evaluate alike, in first-seen order.
    fn group(&self, eps: impl Iterator<Item = DestinationPod>) -> Vec<Group> {
        let mut groups: Vec<Group> = Vec::new();
        let mut by_key: HashMap<GroupKey<'_>, usize> = HashMap::new();
        for (e, port, via) in eps {
            let key = match e {
                Endpoint::Pod(id) => match self.cluster.pods.get(id) {
                    Some(p) => GroupKey::Pod {
                        namespace: &p.namespace,
                        labels: &p.labels,
                        ports: &p.ports,
                        ips: self.ip_signature(&p.ips),
                        host_network: p.host_network,
                        port,
                        via,
                    },
                    None => continue,
                },
                Endpoint::External(ip) => GroupKey::External(ip, port, via),
            };
            match by_key.get(&key) {
                Some(&gi) => {
                    if let Some(g) = groups.get_mut(gi) {
                        g.members.push(e);
                    }
                }
                None => {
                    by_key.insert(key, groups.len());
                    groups.push(Group {
                        members: vec![e],
                        port,
                        via,
                    });
                }
            }
        }
        groups
    }

    /// For every ipBlock peer of every policy, per address: 0 outside the CIDR, 1 inside, 2 + k
    /// inside but in the k-th `except`. Equal signatures give equal evaluations.
    fn ip_signature(&self, ips: &[IpAddr]) -> Option<Vec<u32>> {
        if ips.is_empty() {
            return None;
        }
        let mut sig = Vec::new();
        for policy in &self.cluster.policies {
            for rule in policy.ingress.iter().chain(&policy.egress) {
                for peer in rule.peers.iter().flatten() {
                    let PeerKind::IpBlock { cidr, except } = &peer.kind else {
                        continue;
                    };
                    for &ip in ips {
                        sig.push(if !cidr.contains(ip) {
                            0
                        } else {
                            except
                                .iter()
                                .position(|e| e.contains(ip))
                                .map_or(1, |k| 2 + k as u32)
                        });
                    }
                }
            }
        }
        Some(sig)
    }

    /// The hops answering every pair of `src` × `dst`: at most one for the self pairs and one for
    /// the pairs of distinct pods.
    fn group_hops(&self, src: &Group, dst: &Group, protocol: Protocol) -> Vec<Hop> {
        let mut out = Vec::new();
        let dst_set: std::collections::HashSet<Endpoint> = dst.members.iter().copied().collect();
        let both: Vec<Endpoint> = src
            .members
            .iter()
            .filter(|e| dst_set.contains(e))
            .copied()
            .collect();
        // Saturating: usize is 32 bits in the browser.
        let weight = |eps: &[Endpoint]| {
            eps.iter()
                .fold(0usize, |n, &e| n.saturating_add(self.stands_for(e)))
        };
        let total = weight(&src.members).saturating_mul(weight(&dst.members));
        if let Some(&me) = both.first() {
            let mut hop = self.hop(me, me, dst.port, protocol);
            hop.service = dst.via;
            hop.srcs.clone_from(&both);
            hop.dsts = both.clone();
            hop.pairs = weight(&both);
            out.push(hop);
        }
        let others = total.saturating_sub(weight(&both));
        // A pair of distinct pods: the first source with a destination other than itself.
        let pair = src
            .members
            .iter()
            .find_map(|&s| dst.members.iter().find(|&&d| d != s).map(|&d| (s, d)));
        if let (true, Some((s, d))) = (others > 0, pair) {
            let mut hop = self.hop(s, d, dst.port, protocol);
            hop.service = dst.via;
            hop.srcs.clone_from(&src.members);
            hop.dsts.clone_from(&dst.members);
            hop.pairs = others;
            out.push(hop);
        }
        out
    }

    /// The pods (or listed addresses) behind a Service, with the port each one sees.
    fn service_destinations(
        &self,
        sid: ServiceId,
        port: u16,
        protocol: Protocol,
    ) -> Result<Vec<DestinationPod>, Problem> {
        let Some(svc) = self.cluster.services.get(sid) else {
            return Ok(Vec::new());
        };
        let backends = self.endpoints(Target::Service(sid));
        let service_port = svc
            .ports
            .iter()
            .enumerate()
            .find(|(_, p)| p.port == port && p.protocol == protocol);
        if svc.headless {
            // clusterIP: None — DNS gives the pods' addresses and the client dials them
            // directly: no proxying, no port translation (Service concept page, "Headless").
            if backends.is_empty() {
                return Err(Problem::NoBackingPods {
                    service: svc.qualified(),
                });
            }
            let via = service_port.map(|(pi, _)| (sid, pi));
            return Ok(backends.into_iter().map(|e| (e, port, via)).collect());
        }
        let Some((pi, sp)) = service_port else {
            return Err(Problem::NoSuchServicePort {
                service: svc.qualified(),
                available: svc
                    .ports
                    .iter()
                    .map(|p| format!("{}/{}", p.port, p.protocol))
                    .collect(),
            });
        };
        if backends.is_empty() {
            return Err(Problem::NoBackingPods {
                service: svc.qualified(),
            });
        }
        let mut dsts = Vec::new();
        if svc.selector.is_none() {
            // Listed backends: the Service port leads to the backend port of the same name.
            for b in &svc.backends {
                if let Some(t) = b.port_for(sp) {
                    dsts.push((self.address_endpoint(b.address), t, Some((sid, pi))));
                }
            }
        } else {
            for e in backends {
                let Endpoint::Pod(pid) = e else { continue };
                let target = self.cluster.pods.get(pid).and_then(|p| sp.target_on(p));
                if let Some(t) = target {
                    dsts.push((e, t, Some((sid, pi))));
                }
            }
        }
        if dsts.is_empty() {
            return Err(Problem::TargetPortUnresolved {
                service: svc.qualified(),
                target: match &sp.target {
                    TargetPort::Number(n) => n.to_string(),
                    TargetPort::Name(n) => n.clone(),
                },
            });
        }
        dsts.sort();
        dsts.dedup();
        Ok(dsts)
    }

    /// How a Service that does not translate ports the usual way was reached (headless,
    /// ExternalName, listed backends), for explanations; `None` for a selector Service.
    pub fn service_note(&self, v: &Verdict) -> Option<String> {
        let Target::Service(sid) = v.to else {
            return None;
        };
        let svc = self.cluster.services.get(sid)?;
        let n = self.destination_count(v);
        let s = if n == 1 { "" } else { "s" };
        if let Some(name) = &svc.external_name {
            return Some(format!(
                "Service `{}` is an ExternalName alias for `{name}`: the client dials that name directly on port {}/{}, outside the cluster",
                svc.qualified(),
                v.port,
                v.protocol
            ));
        }
        if svc.headless {
            return Some(format!(
                "Service `{}` is headless (clusterIP: None): clients dial the {n} backing pod{s} directly on port {}/{}, with no port translation",
                svc.qualified(),
                v.port,
                v.protocol
            ));
        }
        if svc.selector.is_none() {
            let outside = v
                .destinations()
                .iter()
                .filter(|e| matches!(e, Endpoint::External(_)))
                .count();
            let verb = if n == 1 { "comes" } else { "come" };
            return Some(format!(
                "Service `{}` has no selector: its {n} backend{s} ({outside} outside the cluster) {verb} from Endpoints/EndpointSlices, on the ports listed there",
                svc.qualified()
            ));
        }
        None
    }

    /// How many real pods an endpoint stands for (see [`crate::model::Pod::stands_for`]).
    pub fn stands_for(&self, e: Endpoint) -> usize {
        match e {
            Endpoint::Pod(id) => self
                .cluster
                .pods
                .get(id)
                .map_or(1, |p| p.stands_for.max(1) as usize),
            Endpoint::External(_) => 1,
        }
    }

    /// How many real pods (or addresses) a verdict reaches.
    pub fn destination_count(&self, v: &Verdict) -> usize {
        v.destinations()
            .into_iter()
            .fold(0usize, |n, e| n.saturating_add(self.stands_for(e)))
    }

    /// A known pod's address designates that pod; any other address is outside the cluster.
    pub fn address_endpoint(&self, ip: IpAddr) -> Endpoint {
        match self.cluster.pods.iter().position(|p| p.ips.contains(&ip)) {
            Some(id) => Endpoint::Pod(id),
            None => Endpoint::External(ip),
        }
    }

    fn collect_flags(&self, v: &mut Verdict) {
        let c = &self.cluster;
        for hop in &v.hops {
            for o in [&hop.egress, &hop.ingress] {
                crate::admin::flags(c, o, &mut v.flags);
            }
            for e in [hop.src, hop.dst] {
                if let Endpoint::Pod(id) = e {
                    if let Some(p) = c.pods.get(id).filter(|p| p.host_network) {
                        v.flags.push(CniFlag::HostNetwork { pod: p.qualified() });
                    }
                    // The representative stands for pods with the same namespace and labels,
                    // so what could select it could select them all.
                    if let Some(p) = c.pods.get(id) {
                        for f in c.foreign_policies.iter().filter(|f| f.could_select(p)) {
                            v.flags.push(CniFlag::ForeignPolicy {
                                vendor: f.vendor.clone(),
                                policy: f.title(),
                                pod: p.qualified(),
                            });
                        }
                    }
                }
            }
            for (outcome, other) in [(&hop.egress, hop.dst), (&hop.ingress, hop.src)] {
                let Outcome::Allowed { by, .. } = crate::admin::np_outcome(outcome) else {
                    continue;
                };
                let Some(policy) = c.policies.get(by.policy) else {
                    continue;
                };
                let Some(rule) = policy.rules(by.direction).get(by.rule) else {
                    continue;
                };
                if let (Some(pi), Endpoint::Pod(_)) = (by.peer, other) {
                    if let Some(PeerKind::IpBlock { .. }) =
                        rule.peers.as_ref().and_then(|p| p.get(pi)).map(|p| &p.kind)
                    {
                        v.flags.push(CniFlag::IpBlockOnPod {
                            policy: policy.qualified(),
                        });
                    }
                }
                if let Some(ei) = by.port {
                    if let Some(PortRef::Range(lo, hi)) =
                        rule.ports.as_ref().and_then(|p| p.get(ei)).map(|p| &p.port)
                    {
                        if lo != hi {
                            v.flags.push(CniFlag::EndPort {
                                policy: policy.qualified(),
                            });
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // test code
mod tests {
    use super::*;

    /// `n` pods of one ReplicaSet with distinct IPs, a client, and `policy`.
    fn cluster(n: usize, policy: &str) -> Analysis {
        let mut text = String::new();
        for i in 0..n {
            text.push_str(&format!(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-{i}\n  namespace: default\n  labels: {{app: web}}\n  ownerReferences: [{{apiVersion: apps/v1, kind: ReplicaSet, name: web, controller: true}}]\nstatus: {{podIP: 10.0.{}.{}}}\n---\n",
                i / 200,
                i % 200 + 1
            ));
        }
        text.push_str("apiVersion: v1\nkind: Pod\nmetadata: {name: client, namespace: default, labels: {app: client}}\n---\n");
        text.push_str(policy);
        analyze(&[Source::new("t.yaml", text)])
    }

    fn verdict(a: &Analysis) -> Verdict {
        let from = a.resolve("default/client").unwrap();
        let to = a.resolve("rs:default/web").unwrap();
        a.verdict(from, to, 80, Protocol::Tcp)
    }

    #[test]
    fn addresses_no_ipblock_tells_apart_are_evaluated_once() {
        let a = cluster(300, "");
        let v = verdict(&a);
        assert!(v.allowed);
        assert_eq!(v.hops.len(), 1);
        assert_eq!(v.pairs(), 300);
        assert_eq!(v.destinations().len(), 300);
    }

    #[test]
    fn addresses_an_ipblock_tells_apart_are_evaluated_apart() {
        // Egress to 10.0.0.0/24 only: the 100 pods in 10.0.1.0/24 are blocked.
        let policy = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: egress, namespace: default}\nspec:\n  podSelector: {matchLabels: {app: client}}\n  policyTypes: [Egress]\n  egress: [{to: [{ipBlock: {cidr: 10.0.0.0/24}}]}]\n";
        let a = cluster(300, policy);
        let v = verdict(&a);
        assert!(!v.allowed);
        assert_eq!(v.hops.len(), 2);
        let blocked: usize = v.hops.iter().filter(|h| !h.allowed).map(|h| h.pairs).sum();
        assert_eq!(blocked, 100);
        assert_eq!(v.pairs(), 300);
    }
}
