//! The cluster as the engine sees it after lowering: API-server defaults applied, invalid objects
//! dropped, every element remembering where it came from. Indices (`PodId`, `PolicyId`, ...) are
//! positions in the [`Cluster`] vectors, which are sorted by namespace and name (deterministic).

use std::collections::BTreeMap;
use std::net::IpAddr;

use crate::net::Cidr;
use crate::ports::Protocol;
use crate::selector::{Labels, Selector};
use crate::span::Span;

pub type PodId = usize;
pub type WorkloadId = usize;
pub type ServiceId = usize;
pub type PolicyId = usize;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cluster {
    pub namespaces: Vec<Namespace>,
    pub pods: Vec<Pod>,
    pub workloads: Vec<Workload>,
    pub services: Vec<Service>,
    pub policies: Vec<Policy>,
    /// Other names of top-level workloads (sorted): a ReplicaSet absorbed by its Deployment, a
    /// Job by its CronJob, a ReplicaSet known only as the owner of pods in a dump.
    pub aliases: Vec<WorkloadAlias>,
    /// Policies of other projects (Calico, Cilium, ...): kept for display and caveats, not
    /// simulated.
    pub foreign_policies: Vec<ForeignPolicy>,
    /// Objects the API server would refuse (`kubectl apply` fails on them): not applied.
    pub rejected: Vec<Rejected>,
    /// Objects of kinds that do not affect traffic, counted per kind.
    pub ignored: BTreeMap<String, usize>,
    /// The same objects one by one, in input order.
    pub ignored_objects: Vec<Ignored>,
    /// AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy (cluster-scoped),
    /// sorted by tier, priority, kind and name (their evaluation order).
    pub admin_policies: Vec<crate::admin::AdminPolicy>,
}

/// A policy object of another project, which real clusters with that CNI enforce.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForeignPolicy {
    pub kind: String,
    pub api_version: String,
    /// `Calico`, `Cilium`, ...
    pub vendor: String,
    /// `None`: cluster-wide (GlobalNetworkPolicy, CiliumClusterwideNetworkPolicy).
    pub namespace: Option<String>,
    pub name: String,
    pub span: Span,
    /// The labels of the pods it could select, when its selector says so simply; `None`:
    /// every pod in its namespace (or the cluster).
    pub selects: Option<Labels>,
}

impl ForeignPolicy {
    pub fn could_select(&self, pod: &Pod) -> bool {
        self.namespace
            .as_ref()
            .is_none_or(|ns| *ns == pod.namespace)
            && self
                .selects
                .as_ref()
                .is_none_or(|l| l.iter().all(|(k, v)| pod.labels.get(k) == Some(v)))
    }

    /// `projectcalico.org/v3 NetworkPolicy default/allow-web`
    pub fn title(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{} {} {ns}/{}", self.api_version, self.kind, self.name),
            None => format!("{} {} {}", self.api_version, self.kind, self.name),
        }
    }

    /// "pods `app=web` in `default`", "every pod in the cluster", ...
    pub fn scope(&self) -> String {
        let pods = match &self.selects {
            Some(l) if !l.is_empty() => format!(
                "pods `{}`",
                l.iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            _ => "every pod".to_string(),
        };
        match &self.namespace {
            Some(ns) => format!("{pods} in `{ns}`"),
            None => format!("{pods} in the cluster"),
        }
    }
}

/// An object the API server rejects, and why (the first error).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected {
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub span: Span,
    pub reason: String,
}

/// An object of a kind that does not affect traffic (a ConfigMap, a ClusterRole, ...), as
/// written: its namespace and name are not checked (the engine does not know the kind's scope).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ignored {
    pub kind: String,
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub span: Span,
}

/// A workload name that stands for (all the pods of) a top-level workload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkloadAlias {
    pub kind: WorkloadKind,
    pub namespace: String,
    pub name: String,
    pub workload: WorkloadId,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Namespace {
    pub name: String,
    /// Always holds `kubernetes.io/metadata.name`.
    pub labels: Labels,
    /// `None` when only referenced, not declared.
    pub span: Option<Span>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ContainerPort {
    pub name: Option<String>,
    pub port: u16,
    pub protocol: Protocol,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Pod {
    pub namespace: String,
    pub name: String,
    pub labels: Labels,
    pub ports: Vec<ContainerPort>,
    pub host_network: bool,
    pub ips: Vec<IpAddr>,
    /// The workload this pod belongs to (generated from it, or owned through ownerReferences).
    pub workload: Option<WorkloadId>,
    /// The Pod object, or the workload's pod template.
    pub span: Span,
    /// How many real pods this one stands for in counts: 1, except the last pod generated for a
    /// workload whose replicas exceed `lower::MAX_GENERATED_REPLICAS` (identical replicas, so
    /// one evaluation answers for all of them).
    pub stands_for: u32,
    /// The containers' `env[].value`, `command` and `args` strings, in document order: where a
    /// pod names the Services it calls (`mysql`, `http://api.shop:8080`). Evaluation ignores
    /// them; the page's layout reads them to place callers before what they call.
    pub call_hints: Vec<String>,
}

impl Pod {
    /// Resolves a named port on this pod's containers, by name and protocol
    /// (NetworkPolicyPort docs: "a named port on a pod").
    pub fn named_port(&self, name: &str, protocol: Protocol) -> Option<u16> {
        self.ports
            .iter()
            .find(|p| p.name.as_deref() == Some(name) && p.protocol == protocol)
            .map(|p| p.port)
    }

    pub fn qualified(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WorkloadKind {
    Deployment,
    ReplicaSet,
    StatefulSet,
    DaemonSet,
    Job,
    CronJob,
    ReplicationController,
}

impl WorkloadKind {
    pub fn parse(kind: &str) -> Option<WorkloadKind> {
        Some(match kind {
            "Deployment" => WorkloadKind::Deployment,
            "ReplicaSet" => WorkloadKind::ReplicaSet,
            "StatefulSet" => WorkloadKind::StatefulSet,
            "DaemonSet" => WorkloadKind::DaemonSet,
            "Job" => WorkloadKind::Job,
            "CronJob" => WorkloadKind::CronJob,
            "ReplicationController" => WorkloadKind::ReplicationController,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::ReplicaSet => "ReplicaSet",
            WorkloadKind::StatefulSet => "StatefulSet",
            WorkloadKind::DaemonSet => "DaemonSet",
            WorkloadKind::Job => "Job",
            WorkloadKind::CronJob => "CronJob",
            WorkloadKind::ReplicationController => "ReplicationController",
        }
    }

    /// The lower-case prefix accepted in names (`deployment:ns/name`).
    pub fn prefix(self) -> &'static str {
        match self {
            WorkloadKind::Deployment => "deployment",
            WorkloadKind::ReplicaSet => "replicaset",
            WorkloadKind::StatefulSet => "statefulset",
            WorkloadKind::DaemonSet => "daemonset",
            WorkloadKind::Job => "job",
            WorkloadKind::CronJob => "cronjob",
            WorkloadKind::ReplicationController => "replicationcontroller",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Workload {
    pub kind: WorkloadKind,
    pub namespace: String,
    pub name: String,
    /// Declared replicas (absent = 1; a DaemonSet counts as 1 representative pod).
    pub replicas: u32,
    pub pods: Vec<PodId>,
    pub span: Span,
}

impl Workload {
    pub fn qualified(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TargetPort {
    Number(u16),
    Name(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct ServicePort {
    pub name: Option<String>,
    pub port: u16,
    pub protocol: Protocol,
    pub target: TargetPort,
    pub span: Span,
}

impl ServicePort {
    /// The pod port this Service port reaches on `pod`: a number as given, a name resolved on the
    /// pod's container ports by name and protocol (`None` when the pod does not define it).
    pub fn target_on(&self, pod: &Pod) -> Option<u16> {
        match &self.target {
            TargetPort::Number(n) => Some(*n),
            TargetPort::Name(name) => pod.named_port(name, self.protocol),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Service {
    pub namespace: String,
    pub name: String,
    /// `None`: a Service without selector; its backends are listed by `v1 Endpoints` or
    /// `discovery.k8s.io/v1 EndpointSlice` objects (`backends`).
    pub selector: Option<Labels>,
    pub ports: Vec<ServicePort>,
    pub span: Span,
    /// `clusterIP: None`: DNS answers with the pods' addresses and clients dial them directly,
    /// so there is no port translation.
    pub headless: bool,
    /// `type: ExternalName`: a DNS alias (CNAME) for a name outside the cluster.
    pub external_name: Option<String>,
    /// Addresses listed by Endpoints/EndpointSlices for a Service without selector.
    pub backends: Vec<Backend>,
}

/// One address behind a selectorless Service, with the ports listed with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backend {
    pub address: IpAddr,
    pub ports: Vec<BackendPort>,
    /// The Endpoints or EndpointSlice object.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackendPort {
    pub name: Option<String>,
    pub port: u16,
    pub protocol: Protocol,
}

impl Backend {
    /// The backend port a Service port leads to: the one with the same name and protocol
    /// (kube-proxy pairs them by name; an unnamed Service port pairs with an unnamed one).
    pub fn port_for(&self, sp: &ServicePort) -> Option<u16> {
        let name = |n: &Option<String>| n.clone().filter(|n| !n.is_empty());
        self.ports
            .iter()
            .find(|p| p.protocol == sp.protocol && name(&p.name) == name(&sp.name))
            .map(|p| p.port)
    }
}

impl Service {
    pub fn qualified(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }

    pub fn selects(&self, pod: &Pod) -> bool {
        match &self.selector {
            Some(sel) if !sel.is_empty() => {
                pod.namespace == self.namespace
                    && sel.iter().all(|(k, v)| pod.labels.get(k) == Some(v))
            }
            _ => false,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Direction {
    Ingress,
    Egress,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Direction::Ingress => "Ingress",
            Direction::Egress => "Egress",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    pub namespace: String,
    pub name: String,
    pub pod_selector: Selector,
    /// Effective policyTypes after defaulting (see `lower::policy`).
    pub affects_ingress: bool,
    pub affects_egress: bool,
    /// `policyTypes` absent or empty: the effective types were defaulted by the API server.
    pub policy_types_defaulted: bool,
    pub ingress: Vec<Rule>,
    pub egress: Vec<Rule>,
    pub span: Span,
    /// Its `metadata.name` value (explanations point there).
    pub name_span: Span,
    /// What-if switch: a disabled policy is kept (for display) but ignored by evaluation.
    pub enabled: bool,
}

impl Policy {
    pub fn qualified(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }

    pub fn affects(&self, dir: Direction) -> bool {
        self.enabled
            && match dir {
                Direction::Ingress => self.affects_ingress,
                Direction::Egress => self.affects_egress,
            }
    }

    /// Does the policy select `pod` (its namespace and `podSelector`), whatever the direction?
    /// A disabled policy selects nothing.
    pub fn selects(&self, pod: &Pod) -> bool {
        self.enabled && self.namespace == pod.namespace && self.pod_selector.matches(&pod.labels)
    }

    /// Does the policy isolate `pod` for `dir` (selects it with `dir` among its effective types)?
    pub fn selects_for(&self, pod: &Pod, dir: Direction) -> bool {
        self.affects(dir) && self.selects(pod)
    }

    pub fn rules(&self, dir: Direction) -> &[Rule] {
        match dir {
            Direction::Ingress => &self.ingress,
            Direction::Egress => &self.egress,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    /// `None`: `from`/`to` absent or empty — every peer, inside and outside the cluster.
    pub peers: Option<Vec<Peer>>,
    /// `None`: `ports` absent or empty — every port and protocol.
    pub ports: Option<Vec<PolicyPort>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Peer {
    pub kind: PeerKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum PeerKind {
    /// Pods matching `pods` in the namespaces `namespaces` designates.
    Pods {
        namespaces: NamespaceMatch,
        pods: Selector,
    },
    IpBlock {
        cidr: Cidr,
        except: Vec<Cidr>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub enum NamespaceMatch {
    /// No namespaceSelector: the policy's own namespace.
    Own(String),
    Selector(Selector),
}

#[derive(Clone, Debug, PartialEq)]
pub struct PolicyPort {
    pub protocol: Protocol,
    pub port: PortRef,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortRef {
    /// Protocol given, port absent: every port of that protocol.
    All,
    /// `port`, or `port`..=`endPort`.
    Range(u16, u16),
    /// A named container port, resolved on the destination pod.
    Named(String),
}

impl std::fmt::Display for PolicyPort {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.port {
            PortRef::All => write!(f, "all {} ports", self.protocol),
            PortRef::Range(lo, hi) if lo == hi => write!(f, "{}/{}", lo, self.protocol),
            PortRef::Range(lo, hi) => write!(f, "{}-{}/{}", lo, hi, self.protocol),
            PortRef::Named(n) => write!(f, "`{}`/{}", n, self.protocol),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service_port(name: Option<&str>) -> ServicePort {
        ServicePort {
            name: name.map(str::to_string),
            port: 80,
            protocol: Protocol::Tcp,
            target: TargetPort::Number(80),
            span: Span::default(),
        }
    }

    #[test]
    fn backend_ports_pair_with_service_ports_by_name() {
        let backend = |name: Option<&str>| Backend {
            address: IpAddr::from([10, 0, 0, 1]),
            ports: vec![BackendPort {
                name: name.map(str::to_string),
                port: 8080,
                protocol: Protocol::Tcp,
            }],
            span: Span::default(),
        };
        assert_eq!(
            backend(Some("web")).port_for(&service_port(Some("web"))),
            Some(8080)
        );
        assert_eq!(backend(Some("")).port_for(&service_port(None)), Some(8080));
        assert_eq!(backend(None).port_for(&service_port(Some(""))), Some(8080));
        // kube-proxy does not pair different names, nor a named port with an unnamed one.
        assert_eq!(
            backend(Some("web")).port_for(&service_port(Some("api"))),
            None
        );
        assert_eq!(backend(Some("web")).port_for(&service_port(None)), None);
    }
}
