//! Services, and the Endpoints / EndpointSlices that list backends of selectorless ones.

use std::net::IpAddr;

use crate::diagnostic::Code;
use crate::lower::fields::{Ctx, Fields, Hint, NumberOrName};
use crate::model::{Backend, BackendPort, Service, ServicePort, TargetPort};
use crate::parse::node::Node;
use crate::selector::Labels;
use crate::span::Span;

use super::schema::{SERVICE_PORT_FIELDS, SERVICE_SPEC_FIELDS};
use super::workloads::note_generated_labels;

/// The label that ties an EndpointSlice to its Service (discovery.k8s.io/v1).
pub const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";

/// The ports of an Endpoints subset or an EndpointSlice (invalid entries drop out, warned).
pub(super) fn backend_ports(ctx: &mut Ctx<'_>, node: Option<&Node>) -> Vec<BackendPort> {
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
        let protocol = ctx.protocol(&f, "ports[]");
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

pub(super) fn backend_ip(ctx: &mut Ctx<'_>, n: &Node) -> Option<IpAddr> {
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

pub(super) fn service(
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
            // ServiceSpec.selector is a map[string]string, not a LabelSelector.
            let selector_key = sel
                .as_map()
                .unwrap_or_default()
                .iter()
                .find(|(k, _)| matches!(k.text(), Some("matchLabels" | "matchExpressions")));
            if let Some((k, _)) = selector_key {
                ctx.error(
                    Code::WrongType,
                    k.span,
                    format!(
                        "`{}` in a Service's `spec.selector`: a Service selector is a plain map of labels, not a label selector",
                        k.text().unwrap_or_default()
                    ),
                )
                .help = Some(
                    "write the labels directly: `selector: {app: web}` (matchExpressions have no Service equivalent)".into(),
                );
                return None;
            }
            note_generated_labels(ctx, sel);
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

pub(super) fn service_port(ctx: &mut Ctx<'_>, node: &Node, path: &str) -> Option<ServicePort> {
    let f = ctx.strict_fields(node, path, SERVICE_PORT_FIELDS, &|_| None)?;
    let pn = ctx.required(&f, node, "port", path)?;
    let port = ctx.port(pn, &format!("{path}.port"))?;
    let protocol = ctx.protocol(&f, path)?;
    let target = match f.get("targetPort") {
        None => TargetPort::Number(port),
        Some(t) => match ctx.number_or_name(t, "targetPort", &format!("{path}.targetPort"))? {
            NumberOrName::Number(n) => TargetPort::Number(n),
            NumberOrName::Name(s) => TargetPort::Name(s.to_string()),
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

/// Unknown-field errors so far (strict validation).
fn strict_unknown(ctx: &Ctx<'_>) -> usize {
    ctx.diags
        .iter()
        .filter(|d| {
            d.code == Code::UnknownField && d.severity == crate::diagnostic::Severity::Error
        })
        .count()
}

/// v1 Endpoints: named like its Service; every subset lists ready addresses and ports
/// (`notReadyAddresses` receive no traffic from kube-proxy). Yields (namespace, Service, backend).
pub(super) fn endpoints(
    ctx: &mut Ctx<'_>,
    top: &Fields<'_>,
    namespace: &str,
    name: &str,
    span: Span,
) -> Vec<(String, String, Backend)> {
    let mut out = Vec::new();
    for subset in top
        .get("subsets")
        .and_then(|n| ctx.seq(n, "subsets"))
        .unwrap_or_default()
    {
        let Some(f) = ctx.fields(subset, "subsets[]", &[]) else {
            continue;
        };
        let ports = backend_ports(ctx, f.get("ports"));
        for a in f
            .get("addresses")
            .and_then(Node::as_seq)
            .unwrap_or_default()
        {
            if let Some(address) = a.get("ip").and_then(|ip| backend_ip(ctx, ip)) {
                out.push((
                    namespace.to_string(),
                    name.to_string(),
                    Backend {
                        address,
                        ports: ports.clone(),
                        span,
                    },
                ));
            }
        }
    }
    out
}

/// discovery.k8s.io/v1 EndpointSlice: tied to its Service by the `kubernetes.io/service-name`
/// label; endpoints with `conditions.ready: false` receive no traffic (absent means ready).
pub(super) fn endpoint_slice(
    ctx: &mut Ctx<'_>,
    top: &Fields<'_>,
    labels: &Labels,
    namespace: &str,
    name_node: &Node,
    span: Span,
) -> Vec<(String, String, Backend)> {
    let mut out = Vec::new();
    let Some(service) = labels.get(SERVICE_NAME_LABEL) else {
        let name = name_node.text().unwrap_or("");
        ctx.warn(
            Code::MissingField,
            name_node.span,
            format!("EndpointSlice `{name}` has no `{SERVICE_NAME_LABEL}` label; it belongs to no Service and is ignored"),
        );
        return out;
    };
    let ports = backend_ports(ctx, top.get("ports"));
    for e in top
        .get("endpoints")
        .and_then(|n| ctx.seq(n, "endpoints"))
        .unwrap_or_default()
    {
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
                out.push((
                    namespace.to_string(),
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
    out
}
