//! Lowering of the admin tiers with the CRDs' validation, each error at its field.
//!
//! Authority: kubernetes-sigs/network-policy-api `apis/v1alpha1/{adminnetworkpolicy,
//! baselineadminnetworkpolicy,shared}_types.go` and `apis/v1alpha2/clusternetworkpolicy_types.go`
//! (kubebuilder markers: `priority` 0–1000, MinProperties/MaxProperties=1 "exactly one field",
//! rule and peer MaxItems, `start < end`, BANP `metadata.name == 'default'`, no named ports
//! toward networks/nodes/domainNames). v1alpha1 also accepts the v0.1.x peer shapes
//! (`namespaces: {namespaceSelector | sameLabels | notSameLabels}`, `pods: {namespaces, podSelector}`)
//! that policy-assistant still reads.

use crate::admin::{
    Action, AdminKind, AdminPeer, AdminPeerKind, AdminPolicy, AdminPort, AdminPortKind, AdminRule,
    NamespacePeer, Subject, Tier,
};
use crate::diagnostic::{Code, Diagnostic};
use crate::lower::fields::{Ctx, Fields};
use crate::lower::policy::label_selector;
use crate::net::Cidr;
use crate::parse::node::Node;
use crate::ports::Protocol;
use crate::selector::Selector;
use crate::span::Span;

const ANP_SPEC: &[&str] = &["priority", "subject", "ingress", "egress"];
const BANP_SPEC: &[&str] = &["subject", "ingress", "egress"];
const CNP_SPEC: &[&str] = &["tier", "priority", "subject", "ingress", "egress"];
const SUBJECT: &[&str] = &["namespaces", "pods"];
const SUBJECT_PODS: &[&str] = &["namespaceSelector", "podSelector"];
const V1_INGRESS: &[&str] = &["name", "action", "from", "ports"];
const V1_EGRESS: &[&str] = &["name", "action", "to", "ports"];
const V2_INGRESS: &[&str] = &["name", "action", "from", "protocols"];
const V2_EGRESS: &[&str] = &["name", "action", "to", "protocols"];
const INGRESS_PEER: &[&str] = &["namespaces", "pods"];
const V1_EGRESS_PEER: &[&str] = &["namespaces", "pods", "networks", "nodes", "domainNames"];
const BANP_EGRESS_PEER: &[&str] = &["namespaces", "pods", "networks", "nodes"];
const V2_EGRESS_PEER: &[&str] = &["namespaces", "pods", "networks", "nodes", "domainNames"];
const OLD_NAMESPACES: &[&str] = &["namespaceSelector", "sameLabels", "notSameLabels"];
const OLD_PODS: &[&str] = &["namespaces", "podSelector"];
const V1_PORT: &[&str] = &["portNumber", "namedPort", "portRange"];
const V1_PORT_NUMBER: &[&str] = &["protocol", "port"];
const V1_PORT_RANGE: &[&str] = &["protocol", "start", "end"];
const V2_PROTOCOL: &[&str] = &["tcp", "udp", "sctp", "destinationNamedPort"];
const V2_PROTO_FIELDS: &[&str] = &["destinationPort"];
const V2_PORT: &[&str] = &["number", "range"];
const V2_RANGE: &[&str] = &["start", "end"];

/// `spec` is required for every admin kind.
pub fn spec_or_error<'n>(
    ctx: &mut Ctx<'_>,
    node: &Node,
    spec: Option<&'n Node>,
) -> Option<&'n Node> {
    if spec.is_none() {
        ctx.error(Code::MissingField, node.span, "missing field `spec`");
    }
    spec
}

/// Limits of one API version.
struct Limits {
    rules: usize,
    peers: usize,
    ports: usize,
}

/// Lowers one admin policy. `None` when the API server would reject it.
pub fn lower_admin(
    ctx: &mut Ctx<'_>,
    kind: AdminKind,
    object: &Node,
    name: &str,
    name_span: Span,
    spec: &Node,
    span: Span,
) -> Option<AdminPolicy> {
    let before = ctx.errors;
    if let Some(v) = object.get("apiVersion") {
        if let Some(text) = v.text() {
            if text != kind.api_version() {
                ctx.error(
                    Code::InvalidApiVersion,
                    v.span,
                    format!(
                        "{} is served as `{}`, not `{text}`",
                        kind.as_str(),
                        kind.api_version()
                    ),
                );
            }
        }
    }
    let (known, limits) = match kind {
        AdminKind::AdminNetworkPolicy => (
            ANP_SPEC,
            Limits {
                rules: 100,
                peers: 100,
                ports: 100,
            },
        ),
        AdminKind::BaselineAdminNetworkPolicy => (
            BANP_SPEC,
            Limits {
                rules: 100,
                peers: 100,
                ports: 100,
            },
        ),
        AdminKind::ClusterNetworkPolicy => (
            CNP_SPEC,
            Limits {
                rules: 25,
                peers: 25,
                ports: 25,
            },
        ),
    };
    let f = ctx.fields(spec, "spec", known)?;
    if kind == AdminKind::BaselineAdminNetworkPolicy && name != "default" {
        // XValidation on BaselineAdminNetworkPolicy: self.metadata.name == 'default'.
        ctx.error(
            Code::InvalidName,
            name_span,
            format!("a BaselineAdminNetworkPolicy must be named `default`, not `{name}`"),
        )
        .help = Some("there is one per cluster: `metadata.name: default`".into());
    }
    let tier = match kind {
        AdminKind::AdminNetworkPolicy => Tier::Admin,
        AdminKind::BaselineAdminNetworkPolicy => Tier::Baseline,
        AdminKind::ClusterNetworkPolicy => match f.get("tier") {
            None => {
                ctx.error(Code::MissingField, spec.span, "missing field `spec.tier`")
                    .help = Some("`tier: Admin` or `tier: Baseline`".into());
                Tier::Admin
            }
            Some(t) => match ctx.string(t, "spec.tier") {
                Some("Admin") => Tier::Admin,
                Some("Baseline") => Tier::Baseline,
                Some(other) => {
                    ctx.error(
                        Code::InvalidAction,
                        t.span,
                        format!("unsupported tier `{other}`"),
                    )
                    .help = Some("supported values: `Admin`, `Baseline`".into());
                    Tier::Admin
                }
                None => Tier::Admin,
            },
        },
    };
    let priority = match kind {
        AdminKind::BaselineAdminNetworkPolicy => None,
        _ => {
            match f.get("priority") {
                None => {
                    ctx.error(
                        Code::MissingField,
                        spec.span,
                        "missing field `spec.priority`",
                    )
                    .help = Some("a number from 0 (evaluated first) to 1000".into());
                    None
                }
                Some(p) => {
                    let n = ctx.int(p, "spec.priority")?;
                    match u32::try_from(n) {
                        Ok(v) if v <= 1000 => Some(v),
                        _ => {
                            ctx.error(
                            Code::InvalidPriority,
                            p.span,
                            format!("`spec.priority` {n} is out of range: must be between 0 and 1000"),
                        );
                            None
                        }
                    }
                }
            }
        }
    };
    let subject = match f.get("subject") {
        None => {
            ctx.error(
                Code::MissingField,
                spec.span,
                "missing field `spec.subject`",
            );
            None
        }
        Some(s) => subject(ctx, s),
    };
    let v2 = kind == AdminKind::ClusterNetworkPolicy;
    let ingress = rules(ctx, &f, kind, "ingress", &limits, v2);
    let egress = rules(ctx, &f, kind, "egress", &limits, v2);
    if ctx.errors > before {
        return None;
    }
    Some(AdminPolicy {
        kind,
        name: name.to_string(),
        tier,
        priority,
        subject: subject?,
        ingress: ingress?,
        egress: egress?,
        span,
        name_span,
        enabled: true,
    })
}

/// Exactly one of the listed fields is set (MinProperties=1, MaxProperties=1); returns it.
fn exactly_one<'n>(
    ctx: &mut Ctx<'_>,
    node: &Node,
    f: &Fields<'n>,
    known: &[&str],
    path: &str,
    code: Code,
) -> Option<(&'n str, &'n Node)> {
    let set: Vec<(&str, &Node)> = f
        .entries
        .iter()
        .filter(|(k, v)| !v.is_null() && k.text().is_some_and(|k| known.contains(&k)))
        .filter_map(|(k, v)| k.text().map(|t| (t, v)))
        .collect();
    match set.as_slice() {
        [one] => Some(*one),
        [] => {
            ctx.error(
                code,
                node.span,
                format!(
                    "`{path}` must set exactly one of {}",
                    known
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
            None
        }
        [_, second, ..] => {
            let span = f.key(second.0).map_or(node.span, |k| k.span);
            ctx.error(
                code,
                span,
                format!(
                    "`{path}` must set exactly one field, found {}",
                    set.iter()
                        .map(|(k, _)| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(" and ")
                ),
            );
            None
        }
    }
}

fn subject(ctx: &mut Ctx<'_>, node: &Node) -> Option<Subject> {
    let f = ctx.fields(node, "spec.subject", SUBJECT)?;
    let (key, value) = exactly_one(ctx, node, &f, SUBJECT, "spec.subject", Code::InvalidSubject)?;
    match key {
        "namespaces" => {
            label_selector(ctx, value, "spec.subject.namespaces").map(Subject::Namespaces)
        }
        _ => {
            let pf = ctx.fields(value, "spec.subject.pods", SUBJECT_PODS)?;
            let namespaces = match pf.get("namespaceSelector") {
                Some(n) => label_selector(ctx, n, "spec.subject.pods.namespaceSelector")?,
                None => Selector::everything(value.span),
            };
            let pods = match pf.get("podSelector") {
                Some(n) => label_selector(ctx, n, "spec.subject.pods.podSelector")?,
                None => missing_pod_selector(ctx, value, "spec.subject.pods"),
            };
            Some(Subject::Pods { namespaces, pods })
        }
    }
}

/// `podSelector` is required by the CRDs (`NamespacedPod.PodSelector`, no omitempty); analysers
/// (np-guard) read its absence as `{}`: warn, and select every pod.
fn missing_pod_selector(ctx: &mut Ctx<'_>, node: &Node, path: &str) -> Selector {
    ctx.warn(
        Code::MissingField,
        node.span,
        format!(
            "missing field `{path}.podSelector` (required by the CRD); read as `{{}}`, every pod"
        ),
    )
    .help = Some("write `podSelector: {}` to select every pod".into());
    Selector::everything(node.span)
}

fn too_many(ctx: &mut Ctx<'_>, node: &Node, path: &str, n: usize, max: usize) -> bool {
    if n > max {
        ctx.error(
            Code::TooManyItems,
            node.span,
            format!("`{path}` has {n} items: at most {max} are allowed"),
        );
        return true;
    }
    false
}

fn rules(
    ctx: &mut Ctx<'_>,
    f: &Fields<'_>,
    kind: AdminKind,
    dir: &str,
    limits: &Limits,
    v2: bool,
) -> Option<Vec<AdminRule>> {
    let Some(list_node) = f.get(dir) else {
        return Some(Vec::new());
    };
    let list = ctx.seq(list_node, &format!("spec.{dir}"))?;
    // The count error points at the `ingress`/`egress` key.
    let key = f.key(dir).unwrap_or(list_node);
    let mut ok = !too_many(ctx, key, &format!("spec.{dir}"), list.len(), limits.rules);
    let egress = dir == "egress";
    let (known, peers_key, ports_key) = match (v2, egress) {
        (false, false) => (V1_INGRESS, "from", "ports"),
        (false, true) => (V1_EGRESS, "to", "ports"),
        (true, false) => (V2_INGRESS, "from", "protocols"),
        (true, true) => (V2_EGRESS, "to", "protocols"),
    };
    let peer_fields = match (kind, egress) {
        (_, false) => INGRESS_PEER,
        (AdminKind::AdminNetworkPolicy, true) => V1_EGRESS_PEER,
        (AdminKind::BaselineAdminNetworkPolicy, true) => BANP_EGRESS_PEER,
        (AdminKind::ClusterNetworkPolicy, true) => V2_EGRESS_PEER,
    };
    let mut out = Vec::with_capacity(list.len());
    for (i, rule_node) in list.iter().enumerate() {
        let path = format!("spec.{dir}[{i}]");
        let Some(rf) = ctx.fields(rule_node, &path, known) else {
            ok = false;
            continue;
        };
        let name = match rf.get("name") {
            Some(n) => match ctx.string(n, &format!("{path}.name")) {
                Some(s) if s.chars().count() > 100 => {
                    ctx.error(
                        Code::InvalidName,
                        n.span,
                        "a rule name has at most 100 characters",
                    );
                    None
                }
                Some(s) => Some(s.to_string()),
                None => None,
            },
            None => None,
        };
        let action = match rf.get("action") {
            None => {
                ctx.error(
                    Code::MissingField,
                    rule_node.span,
                    format!("missing field `{path}.action`"),
                );
                None
            }
            Some(a) => action(ctx, kind, a, &format!("{path}.action")),
        };
        let peers = match rf.get(peers_key) {
            None => {
                ctx.error(
                    Code::MissingField,
                    rule_node.span,
                    format!("missing field `{path}.{peers_key}`: a rule needs at least one peer"),
                );
                None
            }
            Some(n) => peers(
                ctx,
                n,
                &format!("{path}.{peers_key}"),
                peer_fields,
                kind,
                limits,
            ),
        };
        let ports = match rf.get(ports_key) {
            None => Some(None),
            Some(n) => ports(ctx, n, &format!("{path}.{ports_key}"), v2, limits).map(Some),
        };
        let (Some(action), Some(peers), Some(ports)) = (action, peers, ports) else {
            ok = false;
            continue;
        };
        // The experimental CRDs reject named ports next to networks/nodes/domainNames peers
        // (`<network-policy-api:experimental:validation>` on the egress rule); the standard
        // ones accept them. A named port resolves on a destination pod, so it opens nothing
        // toward a node or a domain name, nor toward an address that is no pod; `networks`
        // also match pod IPs, and there the name resolves on that pod as usual (the
        // evaluation in `admin.rs` does exactly this).
        let named = ports
            .iter()
            .flatten()
            .find(|p| matches!(p.kind, AdminPortKind::Named(_)));
        let networks = peers
            .iter()
            .any(|p| matches!(p.kind, AdminPeerKind::Networks(_)));
        let non_pod = peers.iter().any(|p| {
            matches!(
                p.kind,
                AdminPeerKind::Nodes(_) | AdminPeerKind::DomainNames(_)
            )
        });
        if let Some(np) = named.filter(|_| networks || non_pod) {
            let which = match (networks, non_pod) {
                (true, true) => "networks and nodes/domainNames peers",
                (true, false) => "networks peers",
                _ => "nodes/domainNames peers",
            };
            let toward = if networks {
                "it resolves only on destination pods whose IP the networks match, and opens nothing toward other addresses"
            } else {
                "those have no named ports, so it opens nothing toward them"
            };
            ctx.warn(
                Code::InvalidPort,
                np.span,
                format!("a named port next to {which}: {toward} (the experimental CRD rejects this rule)"),
            );
        }
        out.push(AdminRule {
            name,
            action,
            peers,
            ports,
            span: rule_node.span,
        });
    }
    ok.then_some(out)
}

fn action(ctx: &mut Ctx<'_>, kind: AdminKind, node: &Node, path: &str) -> Option<Action> {
    let s = ctx.string(node, path)?;
    let allowed: &[&str] = match kind {
        AdminKind::AdminNetworkPolicy => &["Allow", "Deny", "Pass"],
        AdminKind::BaselineAdminNetworkPolicy => &["Allow", "Deny"],
        AdminKind::ClusterNetworkPolicy => &["Accept", "Deny", "Pass"],
    };
    let a = match s {
        "Allow" if kind != AdminKind::ClusterNetworkPolicy => Some(Action::Accept),
        "Accept" if kind == AdminKind::ClusterNetworkPolicy => Some(Action::Accept),
        "Deny" => Some(Action::Deny),
        "Pass" if kind != AdminKind::BaselineAdminNetworkPolicy => Some(Action::Pass),
        _ => None,
    };
    if a.is_none() {
        let list = allowed
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        ctx.error(
            Code::InvalidAction,
            node.span,
            format!("unsupported action `{s}` in a {}", kind.as_str()),
        )
        .help = Some(match crate::lower::fields::suggest(s, allowed) {
            Some(k) => format!("did you mean `{k}`? supported values: {list}"),
            None => format!("supported values: {list}"),
        });
    }
    a
}

fn peers(
    ctx: &mut Ctx<'_>,
    node: &Node,
    path: &str,
    known: &[&str],
    kind: AdminKind,
    limits: &Limits,
) -> Option<Vec<AdminPeer>> {
    let list = ctx.seq(node, path)?;
    if list.is_empty() {
        ctx.error(
            Code::InvalidPeer,
            node.span,
            format!("`{path}` must have at least one peer"),
        );
        return None;
    }
    let mut ok = !too_many(ctx, node, path, list.len(), limits.peers);
    let mut out = Vec::with_capacity(list.len());
    for (j, item) in list.iter().enumerate() {
        match peer(ctx, item, &format!("{path}[{j}]"), known, kind) {
            Some(p) => out.push(p),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

fn peer(
    ctx: &mut Ctx<'_>,
    node: &Node,
    path: &str,
    known: &[&str],
    kind: AdminKind,
) -> Option<AdminPeer> {
    let f = ctx.fields(node, path, known)?;
    let any_field = f.entries.iter().any(|(_, v)| !v.is_null());
    let has_known = f
        .entries
        .iter()
        .any(|(k, v)| !v.is_null() && k.text().is_some_and(|k| known.contains(&k)));
    if any_field && !has_known {
        // Only fields of another API version: fail closed (the type's own doc comment).
        let d = Diagnostic::warning(
            Code::NotSimulated,
            node.span,
            format!("`{path}` sets no field this version knows: it fails closed (an Accept/Allow rule matches nothing through it, a Deny or Pass rule denies all)"),
        );
        ctx.diags.push(d);
        return Some(AdminPeer {
            kind: AdminPeerKind::Unknown,
            span: node.span,
        });
    }
    let (key, value) = exactly_one(ctx, node, &f, known, path, Code::InvalidPeer)?;
    let v1 = kind != AdminKind::ClusterNetworkPolicy;
    let peer_kind = match key {
        "namespaces" => {
            AdminPeerKind::Namespaces(namespaces(ctx, value, &format!("{path}.namespaces"), v1)?)
        }
        "pods" => {
            let p = format!("{path}.pods");
            let old = v1 && value.get("namespaces").is_some();
            let pf = ctx.fields(value, &p, if old { OLD_PODS } else { SUBJECT_PODS })?;
            let namespaces = if old {
                match pf.get("namespaces") {
                    Some(n) => namespaces(ctx, n, &format!("{p}.namespaces"), true)?,
                    None => NamespacePeer::Selector(Selector::everything(value.span)),
                }
            } else {
                match pf.get("namespaceSelector") {
                    Some(n) => NamespacePeer::Selector(label_selector(
                        ctx,
                        n,
                        &format!("{p}.namespaceSelector"),
                    )?),
                    None => NamespacePeer::Selector(Selector::everything(value.span)),
                }
            };
            let pods = match pf.get("podSelector") {
                Some(ps) => label_selector(ctx, ps, &format!("{p}.podSelector"))?,
                None => missing_pod_selector(ctx, value, &p),
            };
            AdminPeerKind::Pods { namespaces, pods }
        }
        "networks" => {
            let p = format!("{path}.networks");
            let items = ctx.seq(value, &p)?;
            if items.is_empty() {
                ctx.error(
                    Code::InvalidPeer,
                    value.span,
                    format!("`{p}` must list at least one CIDR"),
                );
                return None;
            }
            if too_many(ctx, value, &p, items.len(), 25) {
                return None;
            }
            let mut cidrs = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                cidrs.push(cidr(ctx, item, &format!("{p}[{i}]"))?);
            }
            AdminPeerKind::Networks(cidrs)
        }
        "nodes" => {
            let sel = label_selector(ctx, value, &format!("{path}.nodes"))?;
            ctx.diags.push(Diagnostic::warning(
                Code::NotSimulated,
                f.key("nodes").map_or(value.span, |k| k.span),
                "`nodes` peers are not simulated (the manifests describe no nodes): this peer matches nothing here, and verdicts it could change are flagged",
            ));
            AdminPeerKind::Nodes(sel)
        }
        _ => {
            let p = format!("{path}.domainNames");
            let items = ctx.seq(value, &p)?;
            if items.is_empty() || too_many(ctx, value, &p, items.len(), 25) {
                if items.is_empty() {
                    ctx.error(
                        Code::InvalidPeer,
                        value.span,
                        format!("`{p}` must list at least one domain name"),
                    );
                }
                return None;
            }
            let mut names = Vec::new();
            for item in items {
                names.push(ctx.string(item, &format!("{p}[]"))?.to_string());
            }
            ctx.diags.push(Diagnostic::warning(
                Code::NotSimulated,
                f.key("domainNames").map_or(value.span, |k| k.span),
                "`domainNames` peers are not simulated (no DNS here): this peer matches nothing here, and verdicts it could change are flagged",
            ));
            AdminPeerKind::DomainNames(names)
        }
    };
    Some(AdminPeer {
        kind: peer_kind,
        span: node.span,
    })
}

/// A `namespaces` peer: a label selector, or (v1alpha1 v0.1.x) exactly one of
/// `namespaceSelector`, `sameLabels`, `notSameLabels`.
fn namespaces(ctx: &mut Ctx<'_>, node: &Node, path: &str, v1: bool) -> Option<NamespacePeer> {
    let old = v1
        && node.as_map().is_some_and(|m| {
            m.iter()
                .any(|(k, _)| k.text().is_some_and(|k| OLD_NAMESPACES.contains(&k)))
        });
    if !old {
        return label_selector(ctx, node, path).map(NamespacePeer::Selector);
    }
    let f = ctx.fields(node, path, OLD_NAMESPACES)?;
    let (key, value) = exactly_one(ctx, node, &f, OLD_NAMESPACES, path, Code::InvalidPeer)?;
    match key {
        "namespaceSelector" => label_selector(ctx, value, &format!("{path}.namespaceSelector"))
            .map(NamespacePeer::Selector),
        _ => {
            let mut keys = Vec::new();
            for item in ctx.seq(value, &format!("{path}.{key}"))? {
                keys.push(ctx.string(item, &format!("{path}.{key}[]"))?.to_string());
            }
            ctx.diags.push(Diagnostic::info(
                Code::NotSimulated,
                f.key(key).map_or(value.span, |k| k.span),
                format!("`{key}` exists in v1alpha1 v0.1.x only (removed upstream); it is evaluated as policy-assistant does"),
            ));
            Some(if key == "sameLabels" {
                NamespacePeer::SameLabels(keys)
            } else {
                NamespacePeer::NotSameLabels(keys)
            })
        }
    }
}

fn cidr(ctx: &mut Ctx<'_>, node: &Node, what: &str) -> Option<Cidr> {
    let s = ctx.string(node, what)?;
    match Cidr::parse(s) {
        Ok(c) => Some(c),
        Err(_) => {
            ctx.error(
                Code::InvalidCidr,
                node.span,
                format!("invalid CIDR `{s}` in `{what}`"),
            )
            .help = Some("expected an address and a prefix length, like `10.0.0.0/16`".into());
            None
        }
    }
}

fn ports(
    ctx: &mut Ctx<'_>,
    node: &Node,
    path: &str,
    v2: bool,
    limits: &Limits,
) -> Option<Vec<AdminPort>> {
    let list = ctx.seq(node, path)?;
    if list.is_empty() {
        ctx.error(
            Code::InvalidPort,
            node.span,
            format!("`{path}` must have at least one item (omit it for every port)"),
        );
        return None;
    }
    let mut ok = !too_many(ctx, node, path, list.len(), limits.ports);
    let mut out = Vec::with_capacity(list.len());
    for (i, item) in list.iter().enumerate() {
        let p = format!("{path}[{i}]");
        let port = if v2 {
            v2_protocol(ctx, item, &p)
        } else {
            v1_port(ctx, item, &p)
        };
        match port {
            Some(kind) => out.push(AdminPort {
                kind,
                span: item.span,
            }),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

fn number(ctx: &mut Ctx<'_>, f: &Fields<'_>, node: &Node, key: &str, path: &str) -> Option<u16> {
    let n = ctx.required(f, node, key, path)?;
    ctx.port(n, &format!("{path}.{key}"))
}

/// `start < end` (XValidation on PortRange).
fn start_end(ctx: &mut Ctx<'_>, f: &Fields<'_>, node: &Node, path: &str) -> Option<(u16, u16)> {
    let start = number(ctx, f, node, "start", path);
    let end = number(ctx, f, node, "end", path);
    let (start, end) = (start?, end?);
    if start >= end {
        ctx.error(
            Code::InvalidPort,
            f.get("end").map_or(node.span, |n| n.span),
            format!("`{path}.start` ({start}) must be less than `end` ({end})"),
        );
        return None;
    }
    Some((start, end))
}

fn named(ctx: &mut Ctx<'_>, node: &Node, path: &str) -> Option<AdminPortKind> {
    let name = ctx.port_name(node, path)?;
    Some(AdminPortKind::Named(name.to_string()))
}

fn v1_port(ctx: &mut Ctx<'_>, node: &Node, path: &str) -> Option<AdminPortKind> {
    let f = ctx.fields(node, path, V1_PORT)?;
    let (key, value) = exactly_one(ctx, node, &f, V1_PORT, path, Code::InvalidPort)?;
    let p = format!("{path}.{key}");
    match key {
        "portNumber" => {
            let pf = ctx.fields(value, &p, V1_PORT_NUMBER)?;
            let proto = ctx.protocol(&pf, &p);
            let n = number(ctx, &pf, value, "port", &p)?;
            Some(AdminPortKind::Range(proto?, n, n))
        }
        "portRange" => {
            let pf = ctx.fields(value, &p, V1_PORT_RANGE)?;
            let proto = ctx.protocol(&pf, &p);
            let (lo, hi) = start_end(ctx, &pf, value, &p)?;
            Some(AdminPortKind::Range(proto?, lo, hi))
        }
        _ => named(ctx, value, &p),
    }
}

fn v2_protocol(ctx: &mut Ctx<'_>, node: &Node, path: &str) -> Option<AdminPortKind> {
    let f = ctx.fields(node, path, V2_PROTOCOL)?;
    let (key, value) = exactly_one(ctx, node, &f, V2_PROTOCOL, path, Code::InvalidPort)?;
    let p = format!("{path}.{key}");
    let proto = match key {
        "tcp" => Protocol::Tcp,
        "udp" => Protocol::Udp,
        "sctp" => Protocol::Sctp,
        _ => return named(ctx, value, &p),
    };
    let pf = ctx.fields(value, &p, V2_PROTO_FIELDS)?;
    let Some(dp) = pf.get("destinationPort") else {
        // MinProperties=1 on the protocol's attributes.
        ctx.error(
            Code::MissingField,
            value.span,
            format!("missing field `{p}.destinationPort`"),
        )
        .help = Some("give `destinationPort: {number: N}` or `{range: {start, end}}`".into());
        return None;
    };
    let dpp = format!("{p}.destinationPort");
    let df = ctx.fields(dp, &dpp, V2_PORT)?;
    let (k, v) = exactly_one(ctx, dp, &df, V2_PORT, &dpp, Code::InvalidPort)?;
    if k == "number" {
        let n = number(ctx, &df, dp, "number", &dpp)?;
        return Some(AdminPortKind::Range(proto, n, n));
    }
    let rp = format!("{dpp}.range");
    let rf = ctx.fields(v, &rp, V2_RANGE)?;
    let (lo, hi) = start_end(ctx, &rf, v, &rp)?;
    Some(AdminPortKind::Range(proto, lo, hi))
}

/// After all documents: duplicates dropped (first kept), evaluation order.
pub fn finish(ctx: &mut Ctx<'_>, mut policies: Vec<AdminPolicy>) -> Vec<AdminPolicy> {
    let mut seen = std::collections::BTreeSet::new();
    policies.retain(|p| {
        if seen.insert((p.kind, p.name.clone())) {
            return true;
        }
        ctx.warn(
            Code::DuplicateObject,
            p.name_span,
            format!(
                "{} `{}` is defined twice; the first definition is used",
                p.kind.as_str(),
                p.name
            ),
        );
        false
    });
    policies.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    policies
}
