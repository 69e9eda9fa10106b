//! The public entry point: `analyze(sources) -> Analysis`, and verdicts between named endpoints.

use std::net::IpAddr;

use crate::diagnostic::{self, Diagnostic};
use crate::evaluate::{evaluate_direction, Endpoint, Index, Outcome};
use crate::model::{
    Cluster, Direction, PeerKind, PodId, PortRef, ServiceId, TargetPort, WorkloadId,
};
use crate::parse::yaml::parse_documents;
use crate::ports::Protocol;
use crate::span::Source;

/// Inputs larger than this are refused (per source) with a diagnostic.
pub const MAX_SOURCE_BYTES: usize = 64 * 1024 * 1024;
/// Pairs of pods evaluated for one verdict between workloads or Services.
pub const MAX_HOPS: usize = 64;

/// Everything known about the inputs.
#[derive(Clone, Debug)]
pub struct Analysis {
    pub sources: Vec<Source>,
    pub cluster: Cluster,
    pub index: Index,
    /// Sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses, lowers and lints all sources. Never fails: problems are diagnostics.
pub fn analyze(sources: &[Source]) -> Analysis {
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
    let cluster = crate::lower::lower(&docs, &mut diags);
    let index = Index::new(&cluster);
    crate::lint::lint(&cluster, &index, &docs, &mut diags);
    diagnostic::sort(&mut diags);
    Analysis {
        sources: sources.to_vec(),
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
            Target::Service(s) => self
                .service_pods(s)
                .into_iter()
                .map(Endpoint::Pod)
                .collect(),
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
            .filter(|(_, p)| svc.selects(p))
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
                let Some((pi, sp)) = svc
                    .ports
                    .iter()
                    .enumerate()
                    .find(|(_, p)| p.port == port && p.protocol == protocol)
                else {
                    v.problem = Some(Problem::NoSuchServicePort {
                        service: svc.qualified(),
                        available: svc
                            .ports
                            .iter()
                            .map(|p| format!("{}/{}", p.port, p.protocol))
                            .collect(),
                    });
                    return v;
                };
                let pods = self.service_pods(sid);
                if pods.is_empty() {
                    v.problem = Some(Problem::NoBackingPods {
                        service: svc.qualified(),
                    });
                    return v;
                }
                for pid in pods {
                    let target = self.cluster.pods.get(pid).and_then(|p| sp.target_on(p));
                    if let Some(t) = target {
                        dsts.push((Endpoint::Pod(pid), t, Some((sid, pi))));
                    }
                }
                if dsts.is_empty() {
                    v.problem = Some(Problem::TargetPortUnresolved {
                        service: svc.qualified(),
                        target: match &sp.target {
                            TargetPort::Number(n) => n.to_string(),
                            TargetPort::Name(n) => n.clone(),
                        },
                    });
                    return v;
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
        'outer: for &s in &sources {
            for &(d, p, via) in &dsts {
                if v.hops.len() >= MAX_HOPS {
                    break 'outer;
                }
                let mut hop = self.hop(s, d, p, protocol);
                hop.service = via;
                if s == d {
                    if let Some((sid, _)) = via {
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
        v.allowed = !v.hops.is_empty() && v.hops.iter().all(|h| h.allowed);
        self.collect_flags(&mut v);
        v.flags.sort();
        v.flags.dedup();
        v
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
