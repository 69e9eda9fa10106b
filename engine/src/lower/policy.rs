//! NetworkPolicy lowering: API-server defaulting and validation, then the internal form.
//!
//! Authority: k8s.io/kubernetes `pkg/apis/networking/v1/defaults.go` (policyTypes) and
//! `pkg/apis/networking/validation/validation.go` (`ValidateNetworkPolicySpec`,
//! `ValidateNetworkPolicyPort`, `ValidateNetworkPolicyPeer`, `ValidateIPBlock`), and
//! apimachinery `ValidateLabelSelector`.

use crate::diagnostic::Code;
use crate::lower::fields::{
    selector_hint, suggest, validate_label_key, Ctx, Fields, Hint, NumberOrName,
};
use crate::model::{NamespaceMatch, Peer, PeerKind, Policy, PolicyPort, PortRef, Rule};
use crate::net::{Cidr, CidrError};
use crate::parse::node::Node;
use crate::ports::Protocol;
use crate::selector::{Operator, Requirement, Selector};
use crate::span::Span;

const SPEC_FIELDS: &[&str] = &["podSelector", "policyTypes", "ingress", "egress"];
const INGRESS_FIELDS: &[&str] = &["from", "ports"];
const EGRESS_FIELDS: &[&str] = &["to", "ports"];
const PEER_FIELDS: &[&str] = &["podSelector", "namespaceSelector", "ipBlock"];
const PORT_FIELDS: &[&str] = &["protocol", "port", "endPort"];
const IPBLOCK_FIELDS: &[&str] = &["cidr", "except"];
const SELECTOR_FIELDS: &[&str] = &["matchLabels", "matchExpressions"];
const REQUIREMENT_FIELDS: &[&str] = &["key", "operator", "values"];

/// Lowers `spec` of a NetworkPolicy named `namespace/name` (`name_span`: its `metadata.name`
/// value; `span`: the object). `None` when the API server would reject the object (the
/// diagnostics say where).
pub fn lower_policy(
    ctx: &mut Ctx<'_>,
    namespace: &str,
    name: &str,
    name_span: Span,
    spec: Option<&Node>,
    span: Span,
) -> Option<Policy> {
    let before = ctx.errors;
    let empty_spec;
    let spec = match spec {
        Some(s) => s,
        None => {
            empty_spec = Node {
                span,
                kind: crate::parse::node::NodeKind::Map(Vec::new()),
            };
            &empty_spec
        }
    };
    let f = ctx.strict_fields(spec, "spec", SPEC_FIELDS, &|field| {
        matches!(field, "from" | "to" | "ports").then(|| Hint {
            help: "rules go in lists under `ingress:` or `egress:`: `ingress: [{from: [...], ports: [...]}]`".into(),
            widens: None,
        })
    })?;
    let pod_selector = match f.get("podSelector") {
        Some(n) => label_selector(ctx, n, "spec.podSelector"),
        None => Some(Selector::everything(spec.span)),
    };

    let mut types: Option<(bool, bool)> = None;
    if let Some(list) = f
        .get("policyTypes")
        .and_then(|n| ctx.seq(n, "spec.policyTypes"))
    {
        if list.len() > 2 {
            ctx.error(
                Code::InvalidPolicyType,
                spec_field_span(&f, "policyTypes", spec.span),
                "may not specify more than two policyTypes",
            );
        }
        let (mut ing, mut eg) = (false, false);
        for item in list {
            match ctx.string(item, "spec.policyTypes[]") {
                Some("Ingress") => ing = true,
                Some("Egress") => eg = true,
                Some(other) => {
                    let d = ctx.error(
                        Code::InvalidPolicyType,
                        item.span,
                        format!("unsupported policy type `{other}`"),
                    );
                    d.help = Some("supported values: `Ingress`, `Egress`".into());
                }
                None => {}
            }
        }
        if !list.is_empty() {
            types = Some((ing, eg));
        }
    }

    let ingress = rules(ctx, &f, "ingress", "from", INGRESS_FIELDS, namespace);
    let egress = rules(ctx, &f, "egress", "to", EGRESS_FIELDS, namespace);

    // Defaulting: no policyTypes means Ingress, plus Egress only when the egress list is
    // non-empty (`len(spec.Egress) != 0` in SetDefaults_NetworkPolicy).
    let (affects_ingress, affects_egress) =
        types.unwrap_or_else(|| (true, egress.as_ref().is_some_and(|e| !e.is_empty())));

    if ctx.errors > before {
        return None;
    }
    Some(Policy {
        namespace: namespace.to_string(),
        name: name.to_string(),
        pod_selector: pod_selector?,
        affects_ingress,
        affects_egress,
        policy_types_defaulted: types.is_none(),
        ingress: ingress?,
        egress: egress?,
        span,
        name_span,
        enabled: true,
    })
}

fn spec_field_span(f: &Fields<'_>, key: &str, fallback: Span) -> Span {
    f.key(key).map_or(fallback, |k| k.span)
}

fn rules(
    ctx: &mut Ctx<'_>,
    f: &Fields<'_>,
    dir: &str,
    peers_key: &str,
    known: &[&str],
    namespace: &str,
) -> Option<Vec<Rule>> {
    let Some(list_node) = f.get(dir) else {
        return Some(Vec::new());
    };
    let list = ctx.seq(list_node, &format!("spec.{dir}"))?;
    let mut out = Vec::with_capacity(list.len());
    let mut ok = true;
    for (i, rule_node) in list.iter().enumerate() {
        let path = format!("spec.{dir}[{i}]");
        let has = |key: &str| rule_node.get(key).is_some_and(|p| !p.is_null());
        let (has_peers, has_ports) = (has(peers_key), has("ports"));
        // In warn mode the field is dropped: say when that leaves the rule wider than written.
        let hint = |field: &str| {
            let meant = suggest(field, known);
            let help = if PEER_FIELDS.contains(&field) {
                format!("peers go under `{peers_key}:`: `- {peers_key}: [{{{field}: ...}}]`")
            } else if let Some(m) = meant {
                format!("did you mean `{m}`?")
            } else {
                format!("a rule has `{peers_key}` and `ports`")
            };
            let widens = if !has_peers && (PEER_FIELDS.contains(&field) || meant == Some(peers_key))
            {
                Some(format!("this rule now admits every pod (and every address), as it has no `{peers_key}`"))
            } else if !has_ports && meant == Some("ports") {
                Some("this rule now opens every port, as it has no `ports`".to_string())
            } else {
                None
            };
            Some(Hint { help, widens })
        };
        let Some(rf) = ctx.strict_fields(rule_node, &path, known, &hint) else {
            ok = false;
            continue;
        };
        let peers = optional_list(ctx, &rf, peers_key, &path, &mut ok, |ctx, p, item_path| {
            peer(ctx, p, item_path, namespace)
        });
        let ports = optional_list(ctx, &rf, "ports", &path, &mut ok, policy_port);
        out.push(Rule {
            peers,
            ports,
            span: rule_node.span,
        });
    }
    ok.then_some(out)
}

/// A list field where absent and empty both mean "everything" (`None`); each item is lowered
/// by `item`, and a bad item clears `ok` (the API server rejects the whole object).
fn optional_list<T>(
    ctx: &mut Ctx<'_>,
    fields: &Fields<'_>,
    key: &str,
    path: &str,
    ok: &mut bool,
    mut item: impl FnMut(&mut Ctx<'_>, &Node, &str) -> Option<T>,
) -> Option<Vec<T>> {
    let node = fields.get(key)?;
    match ctx.seq(node, &format!("{path}.{key}")) {
        Some([]) => None,
        Some(items) => {
            let mut v = Vec::with_capacity(items.len());
            for (j, n) in items.iter().enumerate() {
                match item(ctx, n, &format!("{path}.{key}[{j}]")) {
                    Some(x) => v.push(x),
                    None => *ok = false,
                }
            }
            Some(v)
        }
        None => {
            *ok = false;
            None
        }
    }
}

fn peer(ctx: &mut Ctx<'_>, node: &Node, path: &str, namespace: &str) -> Option<Peer> {
    let f = ctx.strict_fields(node, path, PEER_FIELDS, &|_| None)?;
    let pod = f.get("podSelector");
    let ns = f.get("namespaceSelector");
    let ip = f.get("ipBlock");
    if let Some(ip) = ip {
        if pod.is_some() || ns.is_some() {
            ctx.error(
                Code::InvalidPeer,
                f.key("ipBlock").map_or(ip.span, |k| k.span),
                "may not specify both `ipBlock` and another peer",
            )
            .help =
                Some("use a separate list item (`- ipBlock: ...`) for the address range".into());
            return None;
        }
        return ip_block(ctx, ip, &format!("{path}.ipBlock")).map(|kind| Peer {
            kind,
            span: node.span,
        });
    }
    if pod.is_none() && ns.is_none() {
        ctx.error(Code::InvalidPeer, node.span, "must specify a peer")
            .help = Some(
            "give `podSelector`, `namespaceSelector` or `ipBlock`; to allow every peer, omit the peer list"
                .into(),
        );
        return None;
    }
    let pods = match pod {
        Some(p) => label_selector(ctx, p, &format!("{path}.podSelector"))?,
        None => Selector::everything(node.span),
    };
    let namespaces = match ns {
        Some(n) => NamespaceMatch::Selector(label_selector(
            ctx,
            n,
            &format!("{path}.namespaceSelector"),
        )?),
        None => NamespaceMatch::Own(namespace.to_string()),
    };
    Some(Peer {
        kind: PeerKind::Pods { namespaces, pods },
        span: node.span,
    })
}

fn cidr(ctx: &mut Ctx<'_>, node: &Node, what: &str) -> Option<Cidr> {
    let s = ctx.string(node, what)?;
    match Cidr::parse(s) {
        Ok(c) => Some(c),
        Err(e) => {
            let why = match e {
                CidrError::Syntax => "expected an address and a prefix length, like `10.0.0.0/16`",
                CidrError::Prefix => "the prefix length is too large for the address family",
            };
            ctx.error(
                Code::InvalidCidr,
                node.span,
                format!("invalid CIDR `{s}` in `{what}`"),
            )
            .help = Some(why.into());
            None
        }
    }
}

fn ip_block(ctx: &mut Ctx<'_>, node: &Node, path: &str) -> Option<PeerKind> {
    let f = ctx.strict_fields(node, path, IPBLOCK_FIELDS, &|field| {
        // A misspelt `except` is dropped with its exclusions: the block then admits them.
        (suggest(field, IPBLOCK_FIELDS) == Some("except")).then(|| Hint {
            help: "did you mean `except`?".into(),
            widens: Some(format!(
                "`{path}` now admits the addresses `except` would have excluded (all of `cidr`)"
            )),
        })
    })?;
    let cidr_node = ctx.required(&f, node, "cidr", path)?;
    let block = cidr(ctx, cidr_node, &format!("{path}.cidr"))?;
    let mut except = Vec::new();
    let mut ok = true;
    if let Some(list) = f
        .get("except")
        .and_then(|n| ctx.seq(n, &format!("{path}.except")))
    {
        for (i, item) in list.iter().enumerate() {
            let Some(e) = cidr(ctx, item, &format!("{path}.except[{i}]")) else {
                ok = false;
                continue;
            };
            // ValidateIPBlock: each except must be a strict subset of cidr.
            if !block.contains_cidr(&e) || e == block {
                ctx.error(
                    Code::InvalidExcept,
                    item.span,
                    format!("`{e}` must be a strict subset of `cidr` `{block}`"),
                );
                ok = false;
                continue;
            }
            except.push(e);
        }
    }
    ok.then_some(PeerKind::IpBlock {
        cidr: block,
        except,
    })
}

fn policy_port(ctx: &mut Ctx<'_>, node: &Node, path: &str) -> Option<PolicyPort> {
    let has_port = node.get("port").is_some_and(|p| !p.is_null());
    let f = ctx.strict_fields(node, path, PORT_FIELDS, &|field| {
        let help = match (field, suggest(field, PORT_FIELDS)) {
            ("targetPort" | "containerPort", _) => "a policy port is `port` (a number or a container port name), with `protocol` and `endPort`; policies see the pod's port".to_string(),
            (_, Some(m)) => format!("did you mean `{m}`?"),
            (_, None) => "a policy port has `protocol`, `port` and `endPort`".to_string(),
        };
        // Without `port`, the entry opens every port of its protocol.
        let widens = (!has_port).then(|| "this entry now opens every port of its protocol".to_string());
        Some(Hint { help, widens })
    })?;
    let protocol = match f.get("protocol") {
        None => Protocol::Tcp,
        Some(p) => {
            let s = ctx.string(p, &format!("{path}.protocol"))?;
            match Protocol::parse(s) {
                Some(p) => p,
                None => {
                    let d = ctx.error(
                        Code::InvalidProtocol,
                        p.span,
                        format!("unsupported protocol `{s}`"),
                    );
                    d.help = Some(match Protocol::parse_loose(s) {
                        Some(p) => format!("protocols are upper case: `{p}`"),
                        None => "supported values: `TCP`, `UDP`, `SCTP`".into(),
                    });
                    return None;
                }
            }
        }
    };
    let end = f.get("endPort");
    let port = match f.get("port") {
        None => {
            if let Some(e) = end {
                ctx.error(
                    Code::InvalidEndPort,
                    e.span,
                    "`endPort` needs a numeric `port`",
                );
                return None;
            }
            PortRef::All
        }
        Some(p) => match ctx.number_or_name(p, "port", &format!("{path}.port"))? {
            NumberOrName::Number(lo) => {
                let hi = match end {
                    None => lo,
                    Some(e) => {
                        let hi = ctx.port(e, &format!("{path}.endPort"))?;
                        if hi < lo {
                            ctx.error(
                                Code::InvalidEndPort,
                                e.span,
                                format!(
                                    "`endPort` {hi} must be greater than or equal to `port` {lo}"
                                ),
                            );
                            return None;
                        }
                        hi
                    }
                };
                PortRef::Range(lo, hi)
            }
            NumberOrName::Name(name) => {
                if let Some(e) = end {
                    ctx.error(
                        Code::InvalidEndPort,
                        e.span,
                        format!("`endPort` cannot be used with the named port `{name}`"),
                    );
                    return None;
                }
                PortRef::Named(name.to_string())
            }
        },
    };
    Some(PolicyPort {
        protocol,
        port,
        span: node.span,
    })
}

pub use crate::lower::fields::port_number;

/// A metav1.LabelSelector, validated (ValidateLabelSelector) and normalised.
pub fn label_selector(ctx: &mut Ctx<'_>, node: &Node, path: &str) -> Option<Selector> {
    let before = ctx.errors;
    let left_empty = !node.as_map().is_some_and(|m| {
        m.iter()
            .any(|(k, _)| k.text().is_some_and(|k| SELECTOR_FIELDS.contains(&k)))
    });
    let f = ctx.strict_fields(
        node,
        path,
        SELECTOR_FIELDS,
        &selector_hint(path, left_empty),
    )?;
    let mut sel = Selector::everything(node.span);
    if let Some(ml) = f.get("matchLabels") {
        crate::lower::note_generated_labels(ctx, ml);
        if let Some(labels) = ctx.labels(ml, &format!("{path}.matchLabels")) {
            sel.match_labels = labels.into_iter().collect();
            sel.label_spans = entry_spans(ml, &sel.match_labels);
        }
    }
    if let Some(list) = f
        .get("matchExpressions")
        .and_then(|n| ctx.seq(n, &format!("{path}.matchExpressions")))
    {
        for (i, item) in list.iter().enumerate() {
            let rpath = format!("{path}.matchExpressions[{i}]");
            if let Some(r) = requirement(ctx, item, &rpath) {
                sel.exprs.push(r);
            }
        }
    }
    (ctx.errors == before).then_some(sel)
}

/// The span of each `key: value` entry of a `matchLabels` map, in the order of `labels`.
fn entry_spans(map: &Node, labels: &[(String, String)]) -> Vec<Span> {
    let crate::parse::node::NodeKind::Map(entries) = &map.kind else {
        return Vec::new();
    };
    labels
        .iter()
        .map(|(key, _)| {
            entries
                .iter()
                .find(|(k, _)| k.text() == Some(key.as_str()))
                .map_or(map.span, |(k, v)| k.span.join(v.span))
        })
        .collect()
}

fn requirement(ctx: &mut Ctx<'_>, node: &Node, path: &str) -> Option<Requirement> {
    let f = ctx.strict_fields(node, path, REQUIREMENT_FIELDS, &|_| None)?;
    let key_node = ctx.required(&f, node, "key", path)?;
    let key = ctx.string(key_node, &format!("{path}.key"))?;
    crate::lower::note_generated_label(ctx, key, None, key_node.span);
    if let Err(why) = validate_label_key(key) {
        ctx.error(
            Code::InvalidLabel,
            key_node.span,
            format!("invalid label key `{key}`: {why}"),
        );
        return None;
    }
    let op_node = ctx.required(&f, node, "operator", path)?;
    let op_text = ctx.string(op_node, &format!("{path}.operator"))?;
    let Some(op) = Operator::parse(op_text) else {
        let d = ctx.error(
            Code::InvalidSelector,
            op_node.span,
            format!("unknown operator `{op_text}`"),
        );
        d.help = Some(
            match crate::lower::fields::suggest(op_text, &["In", "NotIn", "Exists", "DoesNotExist"])
            {
                Some(s) => format!("did you mean `{s}`?"),
                None => "valid operators: `In`, `NotIn`, `Exists`, `DoesNotExist`".into(),
            },
        );
        return None;
    };
    let mut values = Vec::new();
    let values_node = f.get("values");
    if let Some(vn) = values_node {
        for item in ctx.seq(vn, &format!("{path}.values"))? {
            let v = ctx.string(item, &format!("{path}.values[]"))?;
            if let Err(why) = crate::lower::fields::validate_label_value(v) {
                ctx.error(
                    Code::InvalidLabel,
                    item.span,
                    format!("invalid label value `{v}`: {why}"),
                );
                return None;
            }
            values.push(v.to_string());
        }
    }
    match op {
        Operator::In | Operator::NotIn if values.is_empty() => {
            ctx.error(
                Code::InvalidSelector,
                values_node.map_or(op_node.span, |n| n.span),
                format!("`values` must be non-empty when `operator` is `{op_text}`"),
            );
            return None;
        }
        Operator::Exists | Operator::DoesNotExist if !values.is_empty() => {
            ctx.error(
                Code::InvalidSelector,
                values_node.map_or(op_node.span, |n| n.span),
                format!("`values` must be empty when `operator` is `{op_text}`"),
            );
            return None;
        }
        _ => {}
    }
    values.sort();
    values.dedup();
    Some(Requirement {
        key: key.to_string(),
        op,
        values,
        span: node.span,
    })
}
