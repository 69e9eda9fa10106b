//! Lowering: parsed documents → [`Cluster`] plus diagnostics.
//!
//! What the API server would do is done here: defaulting (namespace `default`, protocol TCP,
//! replicas 1, policyTypes), validation (an object the API server rejects drops out with an error
//! at the offending field), and the namespace label `kubernetes.io/metadata.name`. Workloads
//! become pods; pods in a real dump that belong to a workload through ownerReferences are
//! attached to it instead of being generated a second time.
//!
//! Here: options, and the dispatch of one object by its [`kinds::ObjectKind`] (kind + served
//! apiVersion; other projects' policies go to `foreign`, traffic-irrelevant kinds are counted).
//! Then `schema` (known fields per kind), `pods`, `services` (with Endpoints/EndpointSlices),
//! `workloads` (selector validation, controller labels), [`policy`], and `assemble` (ownership,
//! generated pods, aliases, the sorted [`Cluster`]). Objects the API server would refuse are
//! kept as [`crate::model::Rejected`].

pub mod admin;
mod assemble;
pub mod fields;
mod foreign;
pub mod kinds;
mod pods;
pub mod policy;
mod schema;
mod services;
mod workloads;

use assemble::assemble;
use foreign::foreign_policy;
use pods::{owner, pod_ips, pod_spec, RawPod};
use schema::{ENDPOINTS_FIELDS, ENDPOINT_SLICE_FIELDS, LIST_FIELDS, META_FIELDS, TOP_FIELDS};
pub use services::SERVICE_NAME_LABEL;
use services::{endpoint_slice, endpoints, service};
pub use workloads::POD_TEMPLATE_HASH_LABEL;
pub(crate) use workloads::{note_generated_label, note_generated_labels};
use workloads::{workload, RawWorkload};

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostic::{Code, Diagnostic};
use crate::lower::fields::{is_dns1123_label, is_dns1123_subdomain, Ctx};
use crate::lower::kinds::{classify, KindClass, ObjectKind};
use crate::lower::policy::lower_policy;
use crate::model::{
    Backend, Cluster, ForeignPolicy, Ignored, Namespace, Policy, Rejected, Service,
};
use crate::parse::node::Node;
use crate::parse::yaml::Document;
use crate::selector::Labels;
use crate::span::Span;

/// The label the API server puts on every namespace.
pub const NAMESPACE_NAME_LABEL: &str = "kubernetes.io/metadata.name";
/// Generated replicas per workload are capped (all replicas are equivalent anyway; the last
/// generated pod stands for the rest in counts). Not StatefulSets: see [`MAX_STATEFULSET_PODS`].
pub const MAX_GENERATED_REPLICAS: u32 = 100;
/// StatefulSet pods are told apart by their `statefulset.kubernetes.io/pod-name` label, so
/// each is generated, up to this safety limit (beyond it a warning says which are missing).
pub const MAX_STATEFULSET_PODS: u32 = 5000;

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
    ignored_objects: Vec<Ignored>,
    admin_policies: Vec<crate::admin::AdminPolicy>,
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
        required_namespace: options.default_namespace.clone(),
        generated_label_keys: Vec::new(),
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
                checked_object(ctx, out, item, depth + 1);
            }
        }
        return;
    }
    let kind = kind.to_string();
    if let Some(ak) = crate::admin::AdminKind::parse(&kind) {
        admin_object(ctx, out, node, ak);
        return;
    }
    let api_node = node.get("apiVersion").filter(|n| !n.is_null());
    let api = api_node.and_then(Node::as_str);
    let object_kind = match classify(api, &kind) {
        KindClass::Modelled(k) if api_node.is_none() => {
            // kubectl refuses it ("error validating data: apiVersion not set").
            ctx.error(
                Code::MissingField,
                kind_node.span,
                format!("`apiVersion` is missing: `kubectl apply` requires it; the {kind} is not applied"),
            )
            .help = Some(format!("add `apiVersion: {}`", k.api_version()));
            reject(out, node, &kind, ctx);
            return;
        }
        KindClass::Modelled(k) => k,
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
                match (ObjectKind::parse(&kind), api) {
                    // Another project's resource that shares a modelled kind's name.
                    (Some(_), Some(api)) => format!(
                        "kind `{kind}` of `{api}` is not the Kubernetes {kind}: it is not analysed; the object is ignored"
                    ),
                    _ => format!("kind `{kind}` is not analysed; the object is ignored"),
                },
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
                "{}: `kubectl apply` fails with \"no matches for kind {kind}\"; write `kind: {meant}`",
                if kinds::plural_of(&kind).is_some() {
                    "a kind is singular (the plural is the resource name, as in `kubectl get pods`)"
                } else {
                    "kinds are case-sensitive"
                }
            ));
            reject(out, node, &kind, ctx);
            return;
        }
        KindClass::Ignored => {
            let meta = node.get("metadata");
            let text = |k: &str| {
                meta.and_then(|m| m.get(k))
                    .and_then(Node::text)
                    .filter(|t| !t.is_empty())
                    .map(str::to_string)
            };
            out.ignored_objects.push(Ignored {
                kind: kind.clone(),
                namespace: text("namespace"),
                name: text("name"),
                span: node.span,
            });
            *out.ignored.entry(kind).or_insert(0) += 1;
            return;
        }
    };

    let before = ctx.errors;
    let top_fields = match object_kind {
        ObjectKind::Endpoints => ENDPOINTS_FIELDS,
        ObjectKind::EndpointSlice => ENDPOINT_SLICE_FIELDS,
        _ => TOP_FIELDS,
    };
    // kubectl validates strictly: policies are refused whole on an unknown field; workloads
    // and pods keep a warning (newer releases add fields faster than this schema).
    let strict = object_kind == ObjectKind::NetworkPolicy;
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
    let name_ok = match object_kind {
        ObjectKind::Namespace | ObjectKind::Service => is_dns1123_label(name),
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
    let namespace = if object_kind == ObjectKind::Namespace {
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
                // `kubectl apply -n foo` refuses an object of namespace `bar` and applies the
                // others (k8s.io/cli-runtime pkg/resource/visitor.go `RequireNamespace`: "the
                // namespace from the provided object %q does not match the namespace %q. You
                // must pass '--namespace=%s' to perform this operation.").
                if let Some(required) = ctx.required_namespace.clone().filter(|r| r != ns) {
                    ctx.error(
                        Code::NamespaceMismatch,
                        n.span,
                        format!("the namespace from the provided object `{ns}` does not match the namespace `{required}` given with `-n`: kubectl refuses the object (it asks for `--namespace={ns}`), so it is not applied"),
                    )
                    .help = Some(format!(
                        "drop `-n` to take each object's own namespace, or remove `metadata.namespace` to place it in `{required}`"
                    ));
                    return;
                }
                ns.to_string()
            }
            None => {
                let ns = ctx.default_namespace.clone();
                if object_kind == ObjectKind::NetworkPolicy {
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

    match object_kind {
        ObjectKind::Namespace => {
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
        ObjectKind::Pod => {
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
        ObjectKind::Endpoints => {
            out.backends
                .extend(endpoints(ctx, &top, &namespace, &name, span));
        }
        ObjectKind::EndpointSlice => {
            out.backends.extend(endpoint_slice(
                ctx, &top, &labels, &namespace, name_node, span,
            ));
        }
        ObjectKind::Service => {
            if let Some(svc) = service(ctx, spec, &namespace, &name, span) {
                if ctx.errors == before {
                    out.services.push(svc);
                }
            }
        }
        ObjectKind::NetworkPolicy => {
            if let Some(p) = lower_policy(ctx, &namespace, &name, name_node.span, spec, span) {
                if ctx.errors == before {
                    out.policies.push(p);
                }
            }
        }
        ObjectKind::Workload(wk) => {
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

/// AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy: cluster-scoped (a
/// `metadata.namespace` is ignored, as the API server does), lowered in `lower/admin.rs`.
fn admin_object(ctx: &mut Ctx<'_>, out: &mut Collected, node: &Node, ak: crate::admin::AdminKind) {
    let before = ctx.errors;
    let kind = ak.as_str();
    let Some(top) = ctx.strict_fields(node, kind, TOP_FIELDS, &|_| None) else {
        return;
    };
    let Some(meta_node) = top.get("metadata") else {
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
    if !is_dns1123_subdomain(name) {
        ctx.error(
            Code::InvalidName,
            name_node.span,
            format!("invalid name `{name}`: must be lower-case letters, digits and `-` (RFC 1123)"),
        );
        reject(out, node, kind, ctx);
        return;
    }
    let name = name.to_string();
    let Some(spec) = admin::spec_or_error(ctx, node, top.get("spec")) else {
        reject(out, node, kind, ctx);
        return;
    };
    let p = admin::lower_admin(ctx, ak, node, &name, name_node.span, spec, node.span);
    match p {
        Some(p) if ctx.errors == before => out.admin_policies.push(p),
        _ => reject(out, node, kind, ctx),
    }
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
