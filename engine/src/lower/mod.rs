//! Lowering: parsed documents → [`Cluster`] plus diagnostics.
//!
//! What the API server would do is done here: defaulting (namespace `default`, protocol TCP,
//! replicas 1, policyTypes), validation (an object the API server rejects drops out with an error
//! at the offending field), and the namespace label `kubernetes.io/metadata.name`. Workloads
//! become pods; pods in a real dump that belong to a workload through ownerReferences are
//! attached to it instead of being generated a second time.

pub mod fields;
pub mod kinds;
pub mod policy;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::net::IpAddr;

use crate::diagnostic::{Code, Diagnostic};
use crate::lower::fields::{
    is_dns1123_label, is_dns1123_subdomain, is_port_name, Ctx, Fields, Hint,
};
use crate::lower::kinds::{classify, KindClass};
use crate::lower::policy::{label_selector, lower_policy, port_number};
use crate::model::{
    Backend, BackendPort, Cluster, ContainerPort, ForeignPolicy, Namespace, Pod, Policy, Rejected,
    Service, ServicePort, TargetPort, Workload, WorkloadAlias, WorkloadKind,
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
const ENDPOINTS_FIELDS: &[&str] = &["apiVersion", "kind", "metadata", "subsets"];
const ENDPOINT_SLICE_FIELDS: &[&str] = &[
    "addressType",
    "apiVersion",
    "endpoints",
    "kind",
    "metadata",
    "ports",
];
/// The label that ties an EndpointSlice to its Service (discovery.k8s.io/v1).
pub const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";
const LIST_FIELDS: &[&str] = &["apiVersion", "kind", "metadata", "items"];
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
    /// `metadata.uid`, when given (a Job's pods carry it as `controller-uid`).
    uid: Option<String>,
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
    /// (namespace, Service name, backend) from Endpoints and EndpointSlices.
    backends: Vec<(String, String, Backend)>,
    foreign: Vec<ForeignPolicy>,
    rejected: Vec<Rejected>,
    ignored: BTreeMap<String, usize>,
}

/// How strictly unknown fields are treated, as `kubectl apply --validate`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Validate {
    /// kubectl's default (`--validate=strict`): an unknown field in a NetworkPolicy, a label
    /// selector, a policy port list or a Service spec rejects the object.
    #[default]
    Strict,
    /// `--validate=warn`: the object is kept, the field dropped, with a warning.
    Warn,
}

impl Validate {
    pub fn parse(s: &str) -> Option<Validate> {
        match s {
            "strict" | "true" => Some(Validate::Strict),
            "warn" => Some(Validate::Warn),
            _ => None,
        }
    }
}

/// Lowering options (what `kubectl apply` takes as flags).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Where objects without `metadata.namespace` land (`kubectl apply -n`); `default` if unset.
    pub default_namespace: Option<String>,
    pub validate: Validate,
}

/// Lowers all documents of all sources into one cluster.
pub fn lower(docs: &[Document], diags: &mut Vec<Diagnostic>) -> Cluster {
    lower_with(docs, diags, &Options::default())
}

/// [`lower`] with options.
pub fn lower_with(docs: &[Document], diags: &mut Vec<Diagnostic>, options: &Options) -> Cluster {
    let mut ctx = Ctx {
        diags,
        errors: 0,
        validate: options.validate,
        default_namespace: options
            .default_namespace
            .clone()
            .unwrap_or_else(|| "default".to_string()),
        template_hash_keys: Vec::new(),
    };
    let mut out = Collected::default();
    for doc in docs {
        if let Some(root) = &doc.root {
            checked_object(&mut ctx, &mut out, root, 0);
        }
    }
    assemble(&mut ctx, out)
}

/// Lowers one object; when the API server would refuse it, it is recorded as rejected.
fn checked_object(ctx: &mut Ctx<'_>, out: &mut Collected, node: &Node, depth: usize) {
    let (errors, rejected) = (ctx.errors, out.rejected.len());
    object(ctx, out, node, depth);
    if ctx.errors > errors && out.rejected.len() == rejected && node.as_map().is_some() {
        let kind = node
            .get("kind")
            .and_then(Node::text)
            .unwrap_or("")
            .to_string();
        reject(out, node, &kind, ctx);
    }
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

    if kind == "List" || (kind.ends_with("List") && node.get("items").is_some()) {
        let Some(f) = ctx.fields(node, kind, LIST_FIELDS) else {
            return;
        };
        if depth > 4 {
            return;
        }
        if let Some(items) = f.get("items").and_then(|n| ctx.seq(n, "items")) {
            for item in items {
                checked_object(ctx, out, item, depth + 1);
            }
        }
        return;
    }
    let kind = kind.to_string();
    let api_node = node.get("apiVersion").filter(|n| !n.is_null());
    let api = api_node.and_then(Node::as_str);
    match classify(api, &kind) {
        KindClass::Modelled => {}
        KindClass::WrongApiVersion { expected } => {
            let at = api_node.map_or(kind_node.span, |n| n.span);
            let written = api.unwrap_or("?");
            let d = ctx.error(
                Code::UnknownApiVersion,
                at,
                format!("`{written}` does not serve kind `{kind}`; the object is not applied"),
            );
            d.help = Some(format!(
                "use `apiVersion: {expected}` (the API server serves {kind} there only)"
            ));
            reject(out, node, &kind, ctx);
            return;
        }
        KindClass::Foreign { vendor } => {
            foreign_policy(ctx, out, node, kind_node, &kind, api.unwrap_or(""), vendor);
            return;
        }
        KindClass::NotModelled => {
            let d = Diagnostic::warning(
                Code::UnknownKind,
                kind_node.span,
                format!("kind `{kind}` is not analysed; the object is ignored"),
            )
            .with_help(
                "analysed kinds: Namespace, Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, ReplicationController, Service, Endpoints, EndpointSlice, NetworkPolicy",
            );
            ctx.diags.push(d);
            return;
        }
        KindClass::Misspelt { meant } => {
            ctx.error(
                Code::UnknownKind,
                kind_node.span,
                format!("there is no kind `{kind}`: did you mean `{meant}`?"),
            )
            .help = Some(format!(
                "kinds are case-sensitive: `kubectl apply` fails with \"no matches for kind {kind}\"; write `kind: {meant}`"
            ));
            reject(out, node, &kind, ctx);
            return;
        }
        KindClass::Ignored => {
            *out.ignored.entry(kind).or_insert(0) += 1;
            return;
        }
    }
    let workload_kind = WorkloadKind::parse(&kind);

    let before = ctx.errors;
    let top_fields = match kind.as_str() {
        "Endpoints" => ENDPOINTS_FIELDS,
        "EndpointSlice" => ENDPOINT_SLICE_FIELDS,
        _ => TOP_FIELDS,
    };
    // kubectl validates strictly: policies are refused whole on an unknown field; workloads
    // and pods keep a warning (newer releases add fields faster than this schema).
    let strict = kind == "NetworkPolicy";
    let top = if strict {
        ctx.strict_fields(node, &kind, top_fields, &|_| None)
    } else {
        ctx.fields(node, &kind, top_fields)
    };
    let Some(top) = top else {
        return;
    };
    let meta_node = top.get("metadata");
    let Some(meta_node) = meta_node else {
        ctx.error(Code::MissingField, node.span, "missing field `metadata`")
            .help = Some("every object needs `metadata.name`".into());
        return;
    };
    let meta = if strict {
        ctx.strict_fields(meta_node, "metadata", META_FIELDS, &|_| None)
    } else {
        ctx.fields(meta_node, "metadata", META_FIELDS)
    };
    let Some(meta) = meta else {
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
    let namespace = if kind == "Namespace" {
        String::new()
    } else {
        // ObjectMeta: an empty namespace is no namespace (the request's, `default` by default).
        match meta.get("namespace").filter(|n| n.as_str() != Some("")) {
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
                let ns = ctx.default_namespace.clone();
                if kind == "NetworkPolicy" {
                    let d = Diagnostic::info(
                        Code::LintMissingNamespace,
                        name_node.span,
                        format!("NetworkPolicy `{name}` has no `metadata.namespace`; it applies to `{ns}`"),
                    )
                    .with_help("`kubectl apply -n other` would put it elsewhere: say the namespace explicitly");
                    ctx.diags.push(d);
                }
                ns
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
        "Endpoints" => {
            // v1 Endpoints: named like its Service; every subset lists addresses and ports.
            for subset in top
                .get("subsets")
                .and_then(|n| ctx.seq(n, "subsets"))
                .unwrap_or_default()
            {
                let Some(f) = ctx.fields(subset, "subsets[]", &[]) else {
                    continue;
                };
                let ports = backend_ports(ctx, f.get("ports"));
                // notReadyAddresses receive no traffic from kube-proxy.
                for a in f
                    .get("addresses")
                    .and_then(Node::as_seq)
                    .unwrap_or_default()
                {
                    if let Some(address) = a.get("ip").and_then(|ip| backend_ip(ctx, ip)) {
                        out.backends.push((
                            namespace.clone(),
                            name.clone(),
                            Backend {
                                address,
                                ports: ports.clone(),
                                span,
                            },
                        ));
                    }
                }
            }
        }
        "EndpointSlice" => {
            let Some(service) = labels.get(SERVICE_NAME_LABEL).cloned() else {
                ctx.warn(
                    Code::MissingField,
                    name_node.span,
                    format!("EndpointSlice `{name}` has no `{SERVICE_NAME_LABEL}` label; it belongs to no Service and is ignored"),
                );
                return;
            };
            let ports = backend_ports(ctx, top.get("ports"));
            for e in top
                .get("endpoints")
                .and_then(|n| ctx.seq(n, "endpoints"))
                .unwrap_or_default()
            {
                // `conditions.ready: false` endpoints receive no traffic (absent means ready).
                let ready = e
                    .get("conditions")
                    .and_then(|c| c.get("ready"))
                    .and_then(Node::as_bool)
                    .unwrap_or(true);
                if !ready {
                    continue;
                }
                for a in e
                    .get("addresses")
                    .and_then(Node::as_seq)
                    .unwrap_or_default()
                {
                    if let Some(address) = backend_ip(ctx, a) {
                        out.backends.push((
                            namespace.clone(),
                            service.clone(),
                            Backend {
                                address,
                                ports: ports.clone(),
                                span,
                            },
                        ));
                    }
                }
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
        _ => {
            let Some(wk) = workload_kind else { return };
            let owner = owner(ctx, &meta);
            if let Some(mut w) = workload(ctx, wk, spec, namespace, name, owner, span) {
                w.uid = meta.get("uid").and_then(Node::as_str).map(str::to_string);
                if ctx.errors == before {
                    out.workloads.push(w);
                }
            }
        }
    }
}

/// Unknown-field errors so far (strict validation).
fn strict_unknown(ctx: &Ctx<'_>) -> usize {
    ctx.diags
        .iter()
        .filter(|d| {
            d.code == Code::UnknownField && d.severity == crate::diagnostic::Severity::Error
        })
        .count()
}

/// Records an object as rejected, with the last error as the reason.
fn reject(out: &mut Collected, node: &Node, kind: &str, ctx: &Ctx<'_>) {
    let meta = node.get("metadata");
    let text = |k: &str| {
        meta.and_then(|m| m.get(k))
            .and_then(Node::text)
            .unwrap_or("")
            .to_string()
    };
    let namespace = match text("namespace") {
        ns if ns.is_empty() && kind != "Namespace" => ctx.default_namespace.clone(),
        ns => ns,
    };
    let reason = ctx
        .diags
        .iter()
        .rev()
        .find(|d| d.severity == crate::diagnostic::Severity::Error)
        .map(|d| d.message.clone())
        .unwrap_or_default();
    out.rejected.push(Rejected {
        kind: kind.to_string(),
        namespace,
        name: text("name"),
        span: node.span,
        reason,
    });
}

/// A policy of another project: one loud warning, kept with the pods it could select.
fn foreign_policy(
    ctx: &mut Ctx<'_>,
    out: &mut Collected,
    node: &Node,
    kind_node: &Node,
    kind: &str,
    api_version: &str,
    vendor: String,
) {
    let meta = node.get("metadata");
    let name = meta
        .and_then(|m| m.get("name"))
        .and_then(Node::text)
        .unwrap_or("")
        .to_string();
    let cluster_wide =
        kind.starts_with("Global") || kind.contains("Clusterwide") || kind.starts_with("Cluster");
    let namespace = (!cluster_wide).then(|| {
        meta.and_then(|m| m.get("namespace"))
            .and_then(Node::as_str)
            .filter(|s| !s.is_empty())
            .map_or_else(|| ctx.default_namespace.clone(), str::to_string)
    });
    let spec = node.get("spec");
    let selects = match vendor.as_str() {
        // Calico: `selector: app == 'web' && tier == 'db'` (or `all()`).
        "Calico" => spec
            .and_then(|s| s.get("selector"))
            .and_then(Node::as_str)
            .map_or(Some(Labels::new()), calico_selector),
        // Cilium: `endpointSelector` is a LabelSelector whose keys may carry a source prefix.
        "Cilium" => match spec.and_then(|s| s.get("endpointSelector")) {
            Some(sel) => cilium_selector(sel),
            None => None,
        },
        _ => None,
    };
    let p = ForeignPolicy {
        kind: kind.to_string(),
        api_version: api_version.to_string(),
        vendor,
        namespace,
        name,
        span: node.span,
        selects,
    };
    let article = if p.vendor.starts_with(['A', 'E', 'I', 'O', 'U']) {
        "an"
    } else {
        "a"
    };
    ctx.warn(
        Code::ForeignPolicy,
        kind_node.span,
        format!(
            "not simulated: {article} {} policy (`{}`) — real traffic may differ",
            p.vendor,
            p.title()
        ),
    )
    .help = Some(format!(
        "only Kubernetes `networking.k8s.io/v1` NetworkPolicies are simulated; verdicts involving {} carry this caveat",
        p.scope()
    ));
    out.foreign.push(p);
}

/// The labels a simple Calico selector requires (`a == 'x' && b == "y"`, `all()`); `None`
/// when it says more than that (then every pod in scope could be selected).
fn calico_selector(expr: &str) -> Option<Labels> {
    let mut labels = Labels::new();
    let expr = expr.trim();
    if expr.is_empty() || expr == "all()" {
        return Some(labels);
    }
    for term in expr.split("&&") {
        let (k, v) = term.split_once("==")?;
        let v = v.trim();
        let v = v
            .strip_prefix('\'')
            .and_then(|v| v.strip_suffix('\''))
            .or_else(|| v.strip_prefix('"').and_then(|v| v.strip_suffix('"')))?;
        let k = k.trim();
        if k.is_empty() || k.contains(['!', '(', ')', '|']) {
            return None;
        }
        labels.insert(k.to_string(), v.to_string());
    }
    Some(labels)
}

/// The labels of a Cilium `endpointSelector` with `matchLabels` only (`k8s:`/`any:` prefixes
/// dropped); `None` when it uses expressions or the pod's namespace labels.
fn cilium_selector(sel: &Node) -> Option<Labels> {
    if sel.get("matchExpressions").is_some() {
        return None;
    }
    let mut labels = Labels::new();
    for (k, v) in sel
        .get("matchLabels")
        .and_then(Node::as_map)
        .unwrap_or_default()
    {
        let key = k.text()?;
        let key = key
            .strip_prefix("k8s:")
            .or_else(|| key.strip_prefix("any:"))
            .unwrap_or(key);
        if key.starts_with("io.kubernetes.pod.namespace") || key.starts_with("io.cilium") {
            return None;
        }
        labels.insert(key.to_string(), v.text().unwrap_or("").to_string());
    }
    Some(labels)
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
            // Port names are unique within a container (ValidateContainerPorts: an error);
            // across containers the API server only warns (`pkg/api/pod/warnings.go`), and a
            // name then resolves to the first container's port.
            let mut own: Vec<String> = Vec::new();
            for (j, p) in ports.iter().enumerate() {
                let saved = ctx.errors;
                let ppath = format!("{cpath}.ports[{j}]");
                if let Some(cp) = container_port(ctx, p, &ppath) {
                    if let Some(n) = &cp.name {
                        let at = p.get("name").map_or(p.span, |n| n.span);
                        if own.contains(n) {
                            ctx.error(
                                Code::DuplicatePortName,
                                at,
                                format!("duplicate port name `{n}` in `{cpath}.ports`: the API server rejects the pod"),
                            )
                            .help = Some("give each container port its own name".into());
                            // Not reset below: the whole pod (or workload) is refused.
                            continue;
                        }
                        if shape.ports.iter().any(|q| q.name.as_ref() == Some(n)) {
                            ctx.warn(
                                Code::DuplicatePortName,
                                at,
                                format!("port name `{n}` is also used by another container: named ports resolve to the first one"),
                            );
                        }
                        own.push(n.clone());
                    }
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

/// The ports of an Endpoints subset or an EndpointSlice (invalid entries drop out, warned).
fn backend_ports(ctx: &mut Ctx<'_>, node: Option<&Node>) -> Vec<BackendPort> {
    let mut out = Vec::new();
    for p in node.and_then(Node::as_seq).unwrap_or_default() {
        let Some(f) = ctx.fields(p, "ports[]", &[]) else {
            continue;
        };
        let Some(port) = f
            .get("port")
            .and_then(Node::as_int)
            .and_then(|n| u16::try_from(n).ok())
            .filter(|&n| n > 0)
        else {
            continue;
        };
        let saved = ctx.errors;
        let protocol = protocol_field(ctx, &f, "ports[]");
        ctx.errors = saved;
        let Some(protocol) = protocol else { continue };
        out.push(BackendPort {
            name: f.get("name").and_then(Node::as_str).map(str::to_string),
            port,
            protocol,
        });
    }
    out
}

fn backend_ip(ctx: &mut Ctx<'_>, n: &Node) -> Option<IpAddr> {
    let s = n.as_str()?;
    match s.parse::<IpAddr>() {
        Ok(ip) => Some(ip),
        Err(_) => {
            ctx.warn(
                Code::InvalidIp,
                n.span,
                format!("`{s}` is not an IP address; ignored"),
            );
            None
        }
    }
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
        headless: false,
        external_name: None,
        backends: Vec::new(),
    };
    let Some(spec) = spec else { return Some(svc) };
    let f = ctx.strict_fields(spec, "spec", SERVICE_SPEC_FIELDS, &|field| {
        (field == "targetPort" || field == "port").then(|| Hint {
            help: "ports go in the list `ports: [{port: 80, targetPort: 8080}]`".into(),
            widens: None,
        })
    })?;
    let external = f.get("type").and_then(Node::as_str) == Some("ExternalName");
    if external {
        // ValidateService: an ExternalName Service needs `externalName`; its selector is ignored.
        match f.get("externalName").and_then(Node::as_str) {
            Some(n) if !n.is_empty() => svc.external_name = Some(n.to_string()),
            _ => {
                ctx.error(
                    Code::MissingField,
                    spec.span,
                    "an `ExternalName` Service needs `spec.externalName`",
                );
                return None;
            }
        }
    }
    svc.headless = f.get("clusterIP").and_then(Node::as_str) == Some("None");
    if !external {
        if let Some(sel) = f.get("selector") {
            note_template_hash(ctx, sel);
            svc.selector = Some(ctx.labels(sel, "spec.selector")?);
        }
    }
    if let Some(list) = f.get("ports").and_then(|n| ctx.seq(n, "spec.ports")) {
        for (i, p) in list.iter().enumerate() {
            let path = format!("spec.ports[{i}]");
            let saved = ctx.errors;
            let unknown_before = strict_unknown(ctx);
            if let Some(sp) = service_port(ctx, p, &path) {
                svc.ports.push(sp);
            }
            // A bad port drops alone, but an unknown field refuses the Service (strict).
            if strict_unknown(ctx) == unknown_before {
                ctx.errors = saved;
            }
        }
    }
    Some(svc)
}

fn service_port(ctx: &mut Ctx<'_>, node: &Node, path: &str) -> Option<ServicePort> {
    let f = ctx.strict_fields(node, path, SERVICE_PORT_FIELDS, &|_| None)?;
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
                if s.trim().parse::<i64>().is_ok() {
                    ctx.error(
                        Code::InvalidPort,
                        t.span,
                        format!("invalid targetPort `\"{s}\"`: a quoted number is a port *name*, and port names need a letter"),
                    )
                    .help = Some(format!("remove the quotes: `targetPort: {}`", s.trim()));
                    return None;
                }
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
                            Code::InvalidReplicas,
                            r.span,
                            format!("`spec.replicas` {n} is out of range: must be between 0 and 2147483647"),
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
    // apps/v1 workloads need a selector that matches the template's labels
    // (ValidateDeploymentSpec, ValidateReplicaSetSpec, ValidateStatefulSetSpec,
    // ValidateDaemonSetSpec: "selector does not match template labels").
    if matches!(
        kind,
        WorkloadKind::Deployment
            | WorkloadKind::ReplicaSet
            | WorkloadKind::StatefulSet
            | WorkloadKind::DaemonSet
    ) {
        match f.get("selector") {
            None => {
                ctx.error(
                    Code::InvalidSelector,
                    f.key("template").map_or(spec.span, |k| k.span),
                    format!(
                        "{} `{name}` has no `spec.selector`: it is required in apps/v1",
                        kind.as_str()
                    ),
                )
                .help =
                    Some("add `selector: {matchLabels: ...}` with the template's labels".into());
                return None;
            }
            Some(sel_node) => {
                let sel = label_selector(ctx, sel_node, "spec.selector")?;
                if sel.is_empty() {
                    ctx.error(
                        Code::InvalidSelector,
                        sel_node.span,
                        "`spec.selector` is empty: the API server refuses a selector that selects everything here",
                    );
                    return None;
                }
                if !sel.matches(&labels) {
                    ctx.error(
                        Code::InvalidSelector,
                        sel_node.span,
                        format!("`spec.selector` does not match the labels of `{tpath}`: the API server rejects the {}", kind.as_str()),
                    )
                    .help = Some("the template's `metadata.labels` must include every `matchLabels` entry".into());
                    return None;
                }
            }
        }
    }
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
        uid: None,
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

/// The label the Deployment controller adds to its ReplicaSets and pods: a hash of the pod
/// template computed by the controller, so unknown unless the pods themselves are given.
pub const POD_TEMPLATE_HASH_LABEL: &str = "pod-template-hash";

/// Remembers where a label map (`matchLabels`, a Service selector) names `pod-template-hash`.
pub(crate) fn note_template_hash(ctx: &mut Ctx<'_>, labels: &Node) {
    for (k, _) in labels.as_map().unwrap_or_default() {
        if k.text() == Some(POD_TEMPLATE_HASH_LABEL) {
            ctx.template_hash_keys.push(k.span);
        }
    }
}

/// Labels a controller puts on the pods it creates, beyond the template's.
fn controller_labels(w: &RawWorkload, ordinal: u32, pod_name: &str, labels: &mut Labels) {
    let mut set = |k: &str, v: String| {
        labels.insert(k.to_string(), v);
    };
    match w.kind {
        // StatefulSet controller (`pkg/controller/statefulset/stateful_set_utils.go`): the pod
        // name, and the ordinal since Kubernetes 1.28 (PodIndexLabel).
        WorkloadKind::StatefulSet => {
            set("statefulset.kubernetes.io/pod-name", pod_name.to_string());
            set("apps.kubernetes.io/pod-index", ordinal.to_string());
        }
        // Job defaulting (`pkg/registry/batch/job/strategy.go`) adds the job name, and the
        // controller uid when the Job's uid is known. A CronJob's Jobs are named after the
        // schedule time (`<cronjob>-<minutes since epoch>`), unknown here: its pods carry the
        // job template's labels only.
        WorkloadKind::Job => {
            set("job-name", w.name.clone());
            set("batch.kubernetes.io/job-name", w.name.clone());
            if let Some(uid) = &w.uid {
                set("controller-uid", uid.clone());
                set("batch.kubernetes.io/controller-uid", uid.clone());
            }
        }
        WorkloadKind::Deployment
        | WorkloadKind::ReplicaSet
        | WorkloadKind::DaemonSet
        | WorkloadKind::CronJob
        | WorkloadKind::ReplicationController => {}
    }
}

fn assemble(ctx: &mut Ctx<'_>, c: Collected) -> Cluster {
    let Collected {
        mut namespaces,
        referenced_namespaces,
        pods,
        workloads,
        services,
        policies,
        backends,
        foreign,
        rejected,
        ignored,
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
    // A ReplicaSet that is not in the input but is named `<deployment>-<pod-template-hash>`
    // belongs to that Deployment (the Deployment controller names its ReplicaSets so): the
    // pod's owner becomes the Deployment, and the ReplicaSet's name stays resolvable.
    let mut derived: Vec<(String, String, String)> = Vec::new();
    let mut pods = pods;
    for p in &mut pods {
        let Some(o) = &mut p.owner else { continue };
        if o.kind != "ReplicaSet"
            || workloads.iter().any(|w| {
                w.namespace == p.namespace && w.kind == WorkloadKind::ReplicaSet && w.name == o.name
            })
        {
            continue;
        }
        let Some(hash) = p.shape.labels.get(POD_TEMPLATE_HASH_LABEL) else {
            continue;
        };
        let Some(deployment) = o
            .name
            .strip_suffix(hash.as_str())
            .and_then(|d| d.strip_suffix('-'))
            .filter(|d| !d.is_empty())
        else {
            continue;
        };
        let deployment = deployment.to_string();
        derived.push((p.namespace.clone(), o.name.clone(), deployment.clone()));
        *o = Owner {
            kind: "Deployment".to_string(),
            name: deployment,
        };
    }
    derived.sort();
    derived.dedup();
    let pods = pods;
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
                uid: None,
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
    let mut taken: HashSet<(String, String)> = out_pods
        .iter()
        .map(|p| (p.namespace.clone(), p.name.clone()))
        .collect();
    let mut generated_deployment = false;
    for (new, &old) in top.iter().enumerate() {
        let Some(w) = workloads.get(old) else {
            continue;
        };
        if !has_real_pods.contains(&new) {
            if w.kind == WorkloadKind::Deployment {
                generated_deployment = true;
            }
            for r in 0..w.replicas.min(MAX_GENERATED_REPLICAS) {
                // Generated names never collide with declared Pods or other generated ones.
                let mut name = format!("{}-{r}", w.name);
                let mut k = 1;
                while taken.contains(&(w.namespace.clone(), name.clone())) {
                    name = format!("{}-{r}-{k}", w.name);
                    k += 1;
                }
                let mut labels = w.template.labels.clone();
                controller_labels(w, r, &name, &mut labels);
                out_pods.push(Pod {
                    namespace: w.namespace.clone(),
                    name,
                    labels,
                    ports: w.template.ports.clone(),
                    host_network: w.template.host_network,
                    ips: Vec::new(),
                    workload: Some(new),
                    span: w.template.span,
                });
                if let Some(p) = out_pods.last() {
                    taken.insert((p.namespace.clone(), p.name.clone()));
                }
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
    // Listed backends belong to Services without selector (for the others the endpoints
    // controller derives them from the selector: the selector is the truth).
    for (ns, name, b) in backends {
        if let Some(svc) = services.iter_mut().find(|s| {
            s.namespace == ns && s.name == name && s.selector.is_none() && s.external_name.is_none()
        }) {
            if !svc.backends.contains(&b) {
                svc.backends.push(b);
            }
        }
    }
    if generated_deployment {
        for span in std::mem::take(&mut ctx.template_hash_keys) {
            ctx.warn(
                Code::GeneratedLabelUnknown,
                span,
                "`pod-template-hash` is computed by the Deployment controller: the pods generated here from Deployments do not carry it",
            )
            .help = Some("give the real pods (`kubectl get pods -o yaml`), or select on the template's own labels".into());
        }
    }
    // Names that stand for a top-level workload: absorbed ones (a ReplicaSet under its
    // Deployment, a Job under its CronJob) and ReplicaSets known only from pods' owners.
    let mut aliases: Vec<WorkloadAlias> = Vec::new();
    for (old, w) in workloads.iter().enumerate() {
        if workload_top.get(old).copied().flatten().is_some() {
            if let Some(top) = resolve_top(old) {
                aliases.push(WorkloadAlias {
                    kind: w.kind,
                    namespace: w.namespace.clone(),
                    name: w.name.clone(),
                    workload: top,
                });
            }
        }
    }
    for (ns, rs, deployment) in derived {
        if let Some(top) = out_workloads.iter().position(|w| {
            w.namespace == ns && w.kind == WorkloadKind::Deployment && w.name == deployment
        }) {
            aliases.push(WorkloadAlias {
                kind: WorkloadKind::ReplicaSet,
                namespace: ns,
                name: rs,
                workload: top,
            });
        }
    }
    aliases.sort_by(|a, b| (&a.namespace, &a.name, a.kind).cmp(&(&b.namespace, &b.name, b.kind)));
    services.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    policies.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));

    Cluster {
        namespaces: namespaces.into_values().collect(),
        pods: out_pods,
        workloads: out_workloads,
        services,
        policies,
        aliases,
        foreign_policies: foreign,
        rejected,
        ignored,
    }
}
