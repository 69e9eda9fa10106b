//! Lowering: parsed documents → [`Cluster`] plus diagnostics.
//!
//! What the API server would do is done here: defaulting (namespace `default`, protocol TCP,
//! replicas 1, policyTypes), validation (an object the API server rejects drops out with an error
//! at the offending field), and the namespace label `kubernetes.io/metadata.name`. Workloads
//! become pods; pods in a real dump that belong to a workload through ownerReferences are
//! attached to it instead of being generated a second time.

pub mod admin;
pub mod fields;
pub mod policy;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::IpAddr;

use crate::diagnostic::{Code, Diagnostic};
use crate::lower::fields::{is_dns1123_label, is_dns1123_subdomain, is_port_name, Ctx, Fields};
use crate::lower::policy::{lower_policy, port_number};
use crate::model::{
    Cluster, ContainerPort, Namespace, Pod, Policy, Service, ServicePort, TargetPort, Workload,
    WorkloadKind,
};
use crate::parse::node::Node;
use crate::parse::yaml::Document;
use crate::ports::Protocol;
use crate::selector::Labels;
use crate::span::Span;

/// The label the API server puts on every namespace.
pub const NAMESPACE_NAME_LABEL: &str = "kubernetes.io/metadata.name";
/// Generated replicas per workload are capped (all replicas are equivalent anyway).
pub const MAX_GENERATED_REPLICAS: u32 = 100;

const TOP_FIELDS: &[&str] = &["apiVersion", "kind", "metadata", "spec", "status"];
const LIST_FIELDS: &[&str] = &["apiVersion", "kind", "metadata", "items", "Items"];
const META_FIELDS: &[&str] = &[
    "annotations",
    "creationTimestamp",
    "deletionGracePeriodSeconds",
    "deletionTimestamp",
    "finalizers",
    "generateName",
    "generation",
    "labels",
    "managedFields",
    "name",
    "namespace",
    "ownerReferences",
    "resourceVersion",
    "selfLink",
    "uid",
];
const POD_SPEC_FIELDS: &[&str] = &[
    "activeDeadlineSeconds",
    "affinity",
    "automountServiceAccountToken",
    "containers",
    "dnsConfig",
    "dnsPolicy",
    "enableServiceLinks",
    "ephemeralContainers",
    "hostAliases",
    "hostIPC",
    "hostNetwork",
    "hostPID",
    "hostUsers",
    "hostname",
    "hostnameOverride",
    "imagePullSecrets",
    "initContainers",
    "nodeName",
    "nodeSelector",
    "os",
    "overhead",
    "preemptionPolicy",
    "priority",
    "priorityClassName",
    "readinessGates",
    "resourceClaims",
    "resources",
    "restartPolicy",
    "runtimeClassName",
    "schedulerName",
    "schedulingGates",
    "securityContext",
    "serviceAccount",
    "serviceAccountName",
    "setHostnameAsFQDN",
    "shareProcessNamespace",
    "subdomain",
    "terminationGracePeriodSeconds",
    "tolerations",
    "topologySpreadConstraints",
    "volumes",
];
const CONTAINER_FIELDS: &[&str] = &[
    "args",
    "command",
    "env",
    "envFrom",
    "image",
    "imagePullPolicy",
    "lifecycle",
    "livenessProbe",
    "name",
    "ports",
    "readinessProbe",
    "resizePolicy",
    "resources",
    "restartPolicy",
    "restartPolicyRules",
    "securityContext",
    "startupProbe",
    "stdin",
    "stdinOnce",
    "terminationMessagePath",
    "terminationMessagePolicy",
    "tty",
    "volumeDevices",
    "volumeMounts",
    "workingDir",
];
const CONTAINER_PORT_FIELDS: &[&str] = &["containerPort", "hostIP", "hostPort", "name", "protocol"];
const TEMPLATE_FIELDS: &[&str] = &["metadata", "spec"];
const SERVICE_SPEC_FIELDS: &[&str] = &[
    "allocateLoadBalancerNodePorts",
    "clusterIP",
    "clusterIPs",
    "externalIPs",
    "externalName",
    "externalTrafficPolicy",
    "healthCheckNodePort",
    "internalTrafficPolicy",
    "ipFamilies",
    "ipFamilyPolicy",
    "loadBalancerClass",
    "loadBalancerIP",
    "loadBalancerSourceRanges",
    "ports",
    "publishNotReadyAddresses",
    "selector",
    "sessionAffinity",
    "sessionAffinityConfig",
    "trafficDistribution",
    "type",
];
const SERVICE_PORT_FIELDS: &[&str] = &[
    "appProtocol",
    "name",
    "nodePort",
    "port",
    "protocol",
    "targetPort",
];
const OWNER_FIELDS: &[&str] = &[
    "apiVersion",
    "blockOwnerDeletion",
    "controller",
    "kind",
    "name",
    "uid",
];

fn workload_spec_fields(kind: WorkloadKind) -> &'static [&'static str] {
    match kind {
        WorkloadKind::Deployment => &[
            "minReadySeconds",
            "paused",
            "progressDeadlineSeconds",
            "replicas",
            "revisionHistoryLimit",
            "selector",
            "strategy",
            "template",
        ],
        WorkloadKind::StatefulSet => &[
            "minReadySeconds",
            "ordinals",
            "persistentVolumeClaimRetentionPolicy",
            "podManagementPolicy",
            "replicas",
            "revisionHistoryLimit",
            "selector",
            "serviceName",
            "template",
            "updateStrategy",
            "volumeClaimTemplates",
        ],
        WorkloadKind::DaemonSet => &[
            "minReadySeconds",
            "revisionHistoryLimit",
            "selector",
            "template",
            "updateStrategy",
        ],
        WorkloadKind::ReplicaSet | WorkloadKind::ReplicationController => {
            &["minReadySeconds", "replicas", "selector", "template"]
        }
        WorkloadKind::Job => &[
            "activeDeadlineSeconds",
            "backoffLimit",
            "backoffLimitPerIndex",
            "completionMode",
            "completions",
            "managedBy",
            "manualSelector",
            "maxFailedIndexes",
            "parallelism",
            "podFailurePolicy",
            "podReplacementPolicy",
            "selector",
            "successPolicy",
            "suspend",
            "template",
            "ttlSecondsAfterFinished",
        ],
        WorkloadKind::CronJob => &[
            "concurrencyPolicy",
            "failedJobsHistoryLimit",
            "jobTemplate",
            "schedule",
            "startingDeadlineSeconds",
            "successfulJobsHistoryLimit",
            "suspend",
            "timeZone",
        ],
    }
}

/// Kinds that are read but carry nothing the analysis needs: no warning for them.
const QUIET_KINDS: &[&str] = &[
    "ConfigMap",
    "Secret",
    "ServiceAccount",
    "Endpoints",
    "EndpointSlice",
    "Event",
    "ControllerRevision",
    "PersistentVolumeClaim",
];

/// What a pod (or a workload's template) contributes.
#[derive(Clone, Debug)]
struct PodShape {
    labels: Labels,
    ports: Vec<ContainerPort>,
    host_network: bool,
    span: Span,
}

#[derive(Clone, Debug)]
struct Owner {
    kind: String,
    name: String,
}

#[derive(Debug)]
struct RawPod {
    namespace: String,
    name: String,
    shape: PodShape,
    ips: Vec<IpAddr>,
    owner: Option<Owner>,
}

#[derive(Debug)]
struct RawWorkload {
    kind: WorkloadKind,
    namespace: String,
    name: String,
    replicas: u32,
    template: PodShape,
    owner: Option<Owner>,
    span: Span,
}

#[derive(Debug, Default)]
struct Collected {
    namespaces: BTreeMap<String, Namespace>,
    referenced_namespaces: BTreeSet<String>,
    pods: Vec<RawPod>,
    workloads: Vec<RawWorkload>,
    services: Vec<Service>,
    policies: Vec<Policy>,
    admin_policies: Vec<crate::admin::AdminPolicy>,
}

/// Lowers all documents of all sources into one cluster.
pub fn lower(docs: &[Document], diags: &mut Vec<Diagnostic>) -> Cluster {
    let mut ctx = Ctx { diags, errors: 0 };
    let mut out = Collected::default();
    for doc in docs {
        if let Some(root) = &doc.root {
            object(&mut ctx, &mut out, root, 0);
        }
    }
    assemble(&mut ctx, out)
}

fn object(ctx: &mut Ctx<'_>, out: &mut Collected, node: &Node, depth: usize) {
    if node.as_map().is_none() {
        if !node.is_null() {
            ctx.error(
                Code::NotAnObject,
                node.span,
                format!(
                    "expected a Kubernetes object (a mapping), found {}",
                    node.type_name()
                ),
            );
        }
        return;
    }
    let Some(kind_node) = node.get("kind").filter(|k| !k.is_null()) else {
        ctx.error(Code::MissingField, node.span, "missing field `kind`")
            .help = Some("every object needs `apiVersion` and `kind`".into());
        return;
    };
    let Some(kind) = ctx.string(kind_node, "kind") else {
        return;
    };

    let has_items = node.get("items").or_else(|| node.get("Items")).is_some();
    if kind == "List" || (kind.ends_with("List") && has_items) {
        let Some(f) = ctx.fields(node, kind, LIST_FIELDS) else {
            return;
        };
        if depth > 4 {
            return;
        }
        // `Items`: Go's encoding/json matches field names case-insensitively, so tools that
        // decode client-side (policy-assistant's `AdminNetworkPolicyList` examples) accept it.
        let items = f.get("items").or_else(|| {
            let n = f.get("Items")?;
            ctx.warn(
                Code::UnknownField,
                f.key("Items").map_or(n.span, |k| k.span),
                "`Items` is read as `items` (client-side Go decoding ignores case; the API server does not)",
            )
            .help = Some("write `items`".into());
            Some(n)
        });
        if let Some(items) = items.and_then(|n| ctx.seq(n, "items")) {
            for item in items {
                object(ctx, out, item, depth + 1);
            }
        }
        return;
    }
    let kind = kind.to_string();
    let workload_kind = WorkloadKind::parse(&kind);
    let admin_kind = crate::admin::AdminKind::parse(&kind);
    let known = matches!(
        kind.as_str(),
        "Namespace" | "Pod" | "Service" | "NetworkPolicy"
    ) || workload_kind.is_some()
        || admin_kind.is_some();
    if !known {
        if !QUIET_KINDS.contains(&kind.as_str()) {
            let d = Diagnostic::warning(
                Code::UnknownKind,
                kind_node.span,
                format!("kind `{kind}` is not analysed; the object is ignored"),
            )
            .with_help(
                "analysed kinds: Namespace, Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, ReplicationController, Service, NetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy",
            );
            ctx.diags.push(d);
        }
        return;
    }

    let before = ctx.errors;
    let Some(top) = ctx.fields(node, &kind, TOP_FIELDS) else {
        return;
    };
    let meta_node = top.get("metadata");
    let Some(meta_node) = meta_node else {
        ctx.error(Code::MissingField, node.span, "missing field `metadata`")
            .help = Some("every object needs `metadata.name`".into());
        return;
    };
    let Some(meta) = ctx.fields(meta_node, "metadata", META_FIELDS) else {
        return;
    };
    let Some(name_node) = meta.get("name") else {
        ctx.error(
            Code::MissingField,
            meta_node.span,
            "missing field `metadata.name`",
        );
        return;
    };
    let Some(name) = ctx.string(name_node, "metadata.name") else {
        return;
    };
    let name_ok = match kind.as_str() {
        "Namespace" | "Service" => is_dns1123_label(name),
        _ => is_dns1123_subdomain(name),
    };
    if !name_ok {
        ctx.error(
            Code::InvalidName,
            name_node.span,
            format!("invalid name `{name}`: must be lower-case letters, digits and `-` (RFC 1123)"),
        );
        return;
    }
    // Cluster-scoped kinds: a `metadata.namespace` is ignored, as the API server does.
    let namespace = if kind == "Namespace" || admin_kind.is_some() {
        String::new()
    } else {
        match meta.get("namespace") {
            Some(n) => {
                let Some(ns) = ctx.string(n, "metadata.namespace") else {
                    return;
                };
                if !is_dns1123_label(ns) {
                    ctx.error(
                        Code::InvalidName,
                        n.span,
                        format!("invalid namespace `{ns}`: must be an RFC 1123 label"),
                    );
                    return;
                }
                ns.to_string()
            }
            None => {
                if kind == "NetworkPolicy" {
                    let d = Diagnostic::info(
                        Code::LintMissingNamespace,
                        name_node.span,
                        format!("NetworkPolicy `{name}` has no `metadata.namespace`; it applies to `default`"),
                    )
                    .with_help("`kubectl apply -n other` would put it elsewhere: say the namespace explicitly");
                    ctx.diags.push(d);
                }
                "default".to_string()
            }
        }
    };
    let labels = match meta.get("labels") {
        Some(l) => ctx.labels(l, "metadata.labels").unwrap_or_default(),
        None => Labels::new(),
    };
    let name = name.to_string();
    let span = node.span;
    if !namespace.is_empty() {
        out.referenced_namespaces.insert(namespace.clone());
    }
    let spec = top.get("spec");

    match kind.as_str() {
        "Namespace" => {
            let mut labels = labels;
            labels.insert(NAMESPACE_NAME_LABEL.to_string(), name.clone());
            if ctx.errors == before {
                if out.namespaces.contains_key(&name) {
                    duplicate(ctx, "Namespace", &name, span);
                }
                out.namespaces.insert(
                    name.clone(),
                    Namespace {
                        name,
                        labels,
                        span: Some(span),
                    },
                );
            }
        }
        "Pod" => {
            let shape = pod_spec(ctx, spec, labels, span, "spec");
            let ips = pod_ips(ctx, top.get("status"));
            let owner = owner(ctx, &meta);
            if let (Some(shape), true) = (shape, ctx.errors == before) {
                out.pods.push(RawPod {
                    namespace,
                    name,
                    shape,
                    ips,
                    owner,
                });
            }
        }
        "Service" => {
            if let Some(svc) = service(ctx, spec, &namespace, &name, span) {
                if ctx.errors == before {
                    out.services.push(svc);
                }
            }
        }
        "NetworkPolicy" => {
            if let Some(p) = lower_policy(ctx, &namespace, &name, spec, span) {
                if ctx.errors == before {
                    out.policies.push(p);
                }
            }
        }
        _ if admin_kind.is_some() => {
            let (Some(ak), Some(spec)) = (admin_kind, admin::spec_or_error(ctx, node, spec)) else {
                return;
            };
            let p = admin::lower_admin(ctx, ak, node, &name, name_node.span, spec, span);
            if let (Some(p), true) = (p, ctx.errors == before) {
                out.admin_policies.push(p);
            }
        }
        _ => {
            let Some(wk) = workload_kind else { return };
            let owner = owner(ctx, &meta);
            if let Some(w) = workload(ctx, wk, spec, namespace, name, owner, span) {
                if ctx.errors == before {
                    out.workloads.push(w);
                }
            }
        }
    }
}

fn duplicate(ctx: &mut Ctx<'_>, kind: &str, qualified: &str, span: Span) {
    // Duplicate policies are a lint of their own (a classic copy-paste slip).
    let code = if kind == "NetworkPolicy" {
        Code::LintDuplicatePolicy
    } else {
        Code::DuplicateObject
    };
    ctx.warn(
        code,
        span,
        format!("{kind} `{qualified}` is defined more than once; the last definition wins"),
    )
    .help = Some("`kubectl apply` would replace the earlier one: rename one of them".into());
}

fn owner(ctx: &mut Ctx<'_>, meta: &Fields<'_>) -> Option<Owner> {
    let list = meta.get("ownerReferences")?;
    let items = ctx.seq(list, "metadata.ownerReferences")?;
    let mut first = None;
    for item in items {
        let f = ctx.fields(item, "metadata.ownerReferences[]", OWNER_FIELDS)?;
        let kind = f.get("kind").and_then(|k| k.as_str());
        let name = f.get("name").and_then(|k| k.as_str());
        let controller = f.get("controller").and_then(Node::as_bool).unwrap_or(false);
        if let (Some(kind), Some(name)) = (kind, name) {
            let o = Owner {
                kind: kind.to_string(),
                name: name.to_string(),
            };
            if controller {
                return Some(o);
            }
            first.get_or_insert(o);
        }
    }
    first
}

fn pod_ips(ctx: &mut Ctx<'_>, status: Option<&Node>) -> Vec<IpAddr> {
    let mut ips = Vec::new();
    let Some(status) = status else { return ips };
    let Some(f) = ctx.fields(status, "status", &[]) else {
        return ips;
    };
    let mut add = |ctx: &mut Ctx<'_>, n: &Node| {
        if let Some(s) = n.as_str() {
            match s.parse::<IpAddr>() {
                Ok(ip) => {
                    if !ips.contains(&ip) {
                        ips.push(ip);
                    }
                }
                Err(_) => {
                    ctx.warn(
                        Code::InvalidIp,
                        n.span,
                        format!("`{s}` is not an IP address; ignored"),
                    );
                }
            }
        }
    };
    if let Some(ip) = f.get("podIP") {
        add(ctx, ip);
    }
    if let Some(list) = f.get("podIPs").and_then(Node::as_seq) {
        for item in list {
            if let Some(ip) = item.get("ip") {
                add(ctx, ip);
            }
        }
    }
    ips
}

/// A PodSpec's networking-relevant parts. Bad container port entries drop out alone.
fn pod_spec(
    ctx: &mut Ctx<'_>,
    spec: Option<&Node>,
    labels: Labels,
    span: Span,
    path: &str,
) -> Option<PodShape> {
    let mut shape = PodShape {
        labels,
        ports: Vec::new(),
        host_network: false,
        span,
    };
    let Some(spec) = spec else { return Some(shape) };
    let f = ctx.fields(spec, path, POD_SPEC_FIELDS)?;
    if let Some(h) = f.get("hostNetwork") {
        shape.host_network = ctx.bool(h, &format!("{path}.hostNetwork"))?;
    }
    for list_name in ["containers", "initContainers"] {
        let Some(list) = f.get(list_name) else {
            continue;
        };
        let Some(items) = ctx.seq(list, &format!("{path}.{list_name}")) else {
            continue;
        };
        for (i, c) in items.iter().enumerate() {
            let cpath = format!("{path}.{list_name}[{i}]");
            let Some(cf) = ctx.fields(c, &cpath, CONTAINER_FIELDS) else {
                continue;
            };
            let Some(ports) = cf.get("ports") else {
                continue;
            };
            let Some(ports) = ctx.seq(ports, &format!("{cpath}.ports")) else {
                continue;
            };
            for (j, p) in ports.iter().enumerate() {
                let saved = ctx.errors;
                if let Some(cp) = container_port(ctx, p, &format!("{cpath}.ports[{j}]")) {
                    shape.ports.push(cp);
                }
                // A bad port entry is reported but keeps the pod (the rest stays meaningful).
                ctx.errors = saved;
            }
        }
    }
    Some(shape)
}

fn container_port(ctx: &mut Ctx<'_>, node: &Node, path: &str) -> Option<ContainerPort> {
    let f = ctx.fields(node, path, CONTAINER_PORT_FIELDS)?;
    let Some(pn) = f.get("containerPort") else {
        ctx.error(
            Code::MissingField,
            node.span,
            format!("`{path}.containerPort` is required"),
        );
        return None;
    };
    let n = ctx.int(pn, &format!("{path}.containerPort"))?;
    let port = port_number(ctx, pn, n, &format!("{path}.containerPort"))?;
    let protocol = protocol_field(ctx, &f, path)?;
    let name = match f.get("name") {
        Some(nn) => {
            let s = ctx.string(nn, &format!("{path}.name"))?;
            if !is_port_name(s) {
                ctx.error(
                    Code::InvalidPort,
                    nn.span,
                    format!("invalid port name `{s}`: at most 15 lower-case letters, digits and `-`, with a letter"),
                );
                return None;
            }
            Some(s.to_string())
        }
        None => None,
    };
    Some(ContainerPort {
        name,
        port,
        protocol,
    })
}

fn protocol_field(ctx: &mut Ctx<'_>, f: &Fields<'_>, path: &str) -> Option<Protocol> {
    match f.get("protocol") {
        None => Some(Protocol::Tcp),
        Some(p) => {
            let s = ctx.string(p, &format!("{path}.protocol"))?;
            match Protocol::parse(s) {
                Some(p) => Some(p),
                None => {
                    ctx.error(
                        Code::InvalidProtocol,
                        p.span,
                        format!("unsupported protocol `{s}`"),
                    )
                    .help = Some("supported values: `TCP`, `UDP`, `SCTP`".into());
                    None
                }
            }
        }
    }
}

fn service(
    ctx: &mut Ctx<'_>,
    spec: Option<&Node>,
    namespace: &str,
    name: &str,
    span: Span,
) -> Option<Service> {
    let mut svc = Service {
        namespace: namespace.to_string(),
        name: name.to_string(),
        selector: None,
        ports: Vec::new(),
        span,
    };
    let Some(spec) = spec else { return Some(svc) };
    let f = ctx.fields(spec, "spec", SERVICE_SPEC_FIELDS)?;
    let external = f.get("type").and_then(Node::as_str) == Some("ExternalName");
    if !external {
        if let Some(sel) = f.get("selector") {
            svc.selector = Some(ctx.labels(sel, "spec.selector")?);
        }
    }
    if let Some(list) = f.get("ports").and_then(|n| ctx.seq(n, "spec.ports")) {
        for (i, p) in list.iter().enumerate() {
            let path = format!("spec.ports[{i}]");
            let saved = ctx.errors;
            if let Some(sp) = service_port(ctx, p, &path) {
                svc.ports.push(sp);
            }
            ctx.errors = saved;
        }
    }
    Some(svc)
}

fn service_port(ctx: &mut Ctx<'_>, node: &Node, path: &str) -> Option<ServicePort> {
    let f = ctx.fields(node, path, SERVICE_PORT_FIELDS)?;
    let Some(pn) = f.get("port") else {
        ctx.error(
            Code::MissingField,
            node.span,
            format!("`{path}.port` is required"),
        );
        return None;
    };
    let n = ctx.int(pn, &format!("{path}.port"))?;
    let port = port_number(ctx, pn, n, &format!("{path}.port"))?;
    let protocol = protocol_field(ctx, &f, path)?;
    let target = match f.get("targetPort") {
        None => TargetPort::Number(port),
        Some(t) => match t.as_int() {
            Some(n) => TargetPort::Number(port_number(ctx, t, n, &format!("{path}.targetPort"))?),
            None => {
                let s = ctx.string(t, &format!("{path}.targetPort"))?;
                if !is_port_name(s) {
                    ctx.error(
                        Code::InvalidPort,
                        t.span,
                        format!("invalid targetPort `{s}`: must be a number or a port name"),
                    );
                    return None;
                }
                TargetPort::Name(s.to_string())
            }
        },
    };
    let name = f.get("name").and_then(Node::as_str).map(str::to_string);
    Some(ServicePort {
        name,
        port,
        protocol,
        target,
        span: node.span,
    })
}

fn workload(
    ctx: &mut Ctx<'_>,
    kind: WorkloadKind,
    spec: Option<&Node>,
    namespace: String,
    name: String,
    owner: Option<Owner>,
    span: Span,
) -> Option<RawWorkload> {
    let Some(spec) = spec else {
        ctx.error(
            Code::MissingField,
            span,
            format!("{} `{name}` has no `spec`", kind.as_str()),
        );
        return None;
    };
    let f = ctx.fields(spec, "spec", workload_spec_fields(kind))?;
    let replicas = match kind {
        WorkloadKind::Deployment
        | WorkloadKind::StatefulSet
        | WorkloadKind::ReplicaSet
        | WorkloadKind::ReplicationController => match f.get("replicas") {
            None => 1,
            Some(r) => {
                let n = ctx.int(r, "spec.replicas")?;
                match u32::try_from(n) {
                    Ok(n) if n <= i32::MAX as u32 => n,
                    _ => {
                        ctx.error(
                            Code::InvalidPort,
                            r.span,
                            format!("`spec.replicas` {n} is out of range"),
                        );
                        return None;
                    }
                }
            }
        },
        // One representative pod: a DaemonSet's pods, a Job's or CronJob's runs are equivalent.
        WorkloadKind::DaemonSet | WorkloadKind::Job | WorkloadKind::CronJob => 1,
    };
    let (template, tpath) = if kind == WorkloadKind::CronJob {
        let jt = f.get("jobTemplate").and_then(|j| {
            let jf = ctx.fields(j, "spec.jobTemplate", TEMPLATE_FIELDS)?;
            let js = jf.get("spec")?;
            let jsf = ctx.fields(
                js,
                "spec.jobTemplate.spec",
                workload_spec_fields(WorkloadKind::Job),
            )?;
            jsf.get("template")
        });
        (jt, "spec.jobTemplate.spec.template")
    } else {
        (f.get("template"), "spec.template")
    };
    let Some(template) = template else {
        ctx.error(
            Code::MissingField,
            spec.span,
            format!("{} `{name}` has no `{tpath}`", kind.as_str()),
        );
        return None;
    };
    let tf = ctx.fields(template, tpath, TEMPLATE_FIELDS)?;
    let labels = match tf.get("metadata") {
        Some(m) => {
            let mf = ctx.fields(m, &format!("{tpath}.metadata"), META_FIELDS)?;
            match mf.get("labels") {
                Some(l) => ctx.labels(l, &format!("{tpath}.metadata.labels"))?,
                None => Labels::new(),
            }
        }
        None => Labels::new(),
    };
    let shape = pod_spec(
        ctx,
        tf.get("spec"),
        labels,
        template.span,
        &format!("{tpath}.spec"),
    )?;
    Some(RawWorkload {
        kind,
        namespace,
        name,
        replicas,
        template: shape,
        owner,
        span,
    })
}

/// Keeps the last definition of each (kind, namespace, name), warning about the others.
/// Keeps the last definition of each object, warning about the ones it replaces. `key` is
/// (kind, namespace, name).
fn dedupe<T>(
    ctx: &mut Ctx<'_>,
    items: Vec<T>,
    key: impl Fn(&T) -> (&'static str, String, String),
    span: impl Fn(&T) -> Span,
) -> Vec<T> {
    let mut last: HashMap<(&'static str, String, String), usize> = HashMap::new();
    for (i, it) in items.iter().enumerate() {
        let k = key(it);
        if last.insert(k.clone(), i).is_some() {
            let (kind, ns, n) = k;
            duplicate(ctx, kind, &format!("{ns}/{n}"), span(it));
        }
    }
    items
        .into_iter()
        .enumerate()
        .filter(|(i, it)| last.get(&key(it)) == Some(i))
        .map(|(_, it)| it)
        .collect()
}

type OwnerIndex<'a> = HashMap<(&'a str, &'a str, &'a str), usize>;

/// The top-most workload present in the input that owns (transitively) an object.
fn top_owner(
    workloads: &[RawWorkload],
    index: &OwnerIndex<'_>,
    ns: &str,
    owner: Option<&Owner>,
) -> Option<usize> {
    let mut found = None;
    let mut owner = owner;
    // Bounded: ownership cycles in hand-written input must not loop forever.
    for _ in 0..8 {
        let Some(o) = owner else { break };
        let Some(&i) = index.get(&(ns, o.kind.as_str(), o.name.as_str())) else {
            break;
        };
        found = Some(i);
        owner = workloads.get(i).and_then(|w| w.owner.as_ref());
    }
    found
}

fn assemble(ctx: &mut Ctx<'_>, c: Collected) -> Cluster {
    let Collected {
        mut namespaces,
        referenced_namespaces,
        pods,
        workloads,
        services,
        policies,
        admin_policies,
    } = c;
    let pods = dedupe(
        ctx,
        pods,
        |p| ("Pod", p.namespace.clone(), p.name.clone()),
        |p| p.shape.span,
    );
    let workloads = dedupe(
        ctx,
        workloads,
        |w| (w.kind.as_str(), w.namespace.clone(), w.name.clone()),
        |w| w.span,
    );
    let mut services = dedupe(
        ctx,
        services,
        |s| ("Service", s.namespace.clone(), s.name.clone()),
        |s| s.span,
    );
    let mut policies = dedupe(
        ctx,
        policies,
        |p| ("NetworkPolicy", p.namespace.clone(), p.name.clone()),
        |p| p.span,
    );

    // Namespaces that are referenced exist implicitly, with their name label.
    for ns in referenced_namespaces {
        namespaces.entry(ns.clone()).or_insert_with(|| {
            let mut labels = Labels::new();
            labels.insert(NAMESPACE_NAME_LABEL.to_string(), ns.clone());
            Namespace {
                name: ns,
                labels,
                span: None,
            }
        });
    }

    // Pods owned by a controller that is not in the input (a dump of pods only) still belong to
    // a workload named after that controller.
    let mut workloads = workloads;
    let mut synthetic: BTreeSet<(String, WorkloadKind, String)> = BTreeSet::new();
    for p in &pods {
        let Some(o) = &p.owner else { continue };
        let Some(kind) = WorkloadKind::parse(&o.kind) else {
            continue;
        };
        let present = workloads
            .iter()
            .any(|w| w.namespace == p.namespace && w.kind == kind && w.name == o.name);
        if !present && synthetic.insert((p.namespace.clone(), kind, o.name.clone())) {
            workloads.push(RawWorkload {
                kind,
                namespace: p.namespace.clone(),
                name: o.name.clone(),
                replicas: 0,
                template: PodShape {
                    labels: Labels::new(),
                    ports: Vec::new(),
                    host_network: false,
                    span: p.shape.span,
                },
                owner: None,
                span: p.shape.span,
            });
        }
    }
    let workloads = workloads;

    // Ownership: find, for each workload and pod, the top-most owner present in the input.
    let index: OwnerIndex<'_> = workloads
        .iter()
        .enumerate()
        .map(|(i, w)| ((w.namespace.as_str(), w.kind.as_str(), w.name.as_str()), i))
        .collect();
    let workload_top: Vec<Option<usize>> = workloads
        .iter()
        .map(|w| top_owner(&workloads, &index, &w.namespace, w.owner.as_ref()))
        .collect();
    let pod_top: Vec<Option<usize>> = pods
        .iter()
        .map(|p| top_owner(&workloads, &index, &p.namespace, p.owner.as_ref()))
        .collect();

    // Top-level workloads, sorted; absorbed ones (a ReplicaSet under its Deployment) vanish.
    let mut top: Vec<usize> = (0..workloads.len())
        .filter(|&i| workload_top.get(i).copied().flatten().is_none())
        .collect();
    top.sort_by_key(|&i| {
        workloads
            .get(i)
            .map(|w| (w.namespace.clone(), w.name.clone(), w.kind))
    });
    let mut new_id: HashMap<usize, usize> = HashMap::new();
    for (new, &old) in top.iter().enumerate() {
        new_id.insert(old, new);
    }
    let resolve_top = |old: usize| -> Option<usize> {
        let t = workload_top.get(old).copied().flatten().unwrap_or(old);
        new_id.get(&t).copied()
    };

    let mut out_pods: Vec<Pod> = Vec::with_capacity(pods.len());
    let mut has_real_pods: BTreeSet<usize> = BTreeSet::new();
    for (i, p) in pods.into_iter().enumerate() {
        let wid = pod_top.get(i).copied().flatten().and_then(resolve_top);
        if let Some(w) = wid {
            has_real_pods.insert(w);
        }
        out_pods.push(Pod {
            namespace: p.namespace,
            name: p.name,
            labels: p.shape.labels,
            ports: p.shape.ports,
            host_network: p.shape.host_network,
            ips: p.ips,
            workload: wid,
            span: p.shape.span,
        });
    }
    let mut out_workloads: Vec<Workload> = Vec::with_capacity(top.len());
    for (new, &old) in top.iter().enumerate() {
        let Some(w) = workloads.get(old) else {
            continue;
        };
        if !has_real_pods.contains(&new) {
            for r in 0..w.replicas.min(MAX_GENERATED_REPLICAS) {
                out_pods.push(Pod {
                    namespace: w.namespace.clone(),
                    name: format!("{}-{r}", w.name),
                    labels: w.template.labels.clone(),
                    ports: w.template.ports.clone(),
                    host_network: w.template.host_network,
                    ips: Vec::new(),
                    workload: Some(new),
                    span: w.template.span,
                });
            }
        }
        out_workloads.push(Workload {
            kind: w.kind,
            namespace: w.namespace.clone(),
            name: w.name.clone(),
            replicas: w.replicas,
            pods: Vec::new(),
            span: w.span,
        });
    }
    out_pods.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    for (i, p) in out_pods.iter().enumerate() {
        if let Some(w) = p.workload.and_then(|w| out_workloads.get_mut(w)) {
            w.pods.push(i);
        }
    }
    for w in &mut out_workloads {
        if w.replicas == 0 && !w.pods.is_empty() {
            w.replicas = w.pods.len() as u32;
        }
    }
    services.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    policies.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));

    Cluster {
        namespaces: namespaces.into_values().collect(),
        pods: out_pods,
        workloads: out_workloads,
        services,
        policies,
        admin_policies: admin::finish(ctx, admin_policies),
    }
}
