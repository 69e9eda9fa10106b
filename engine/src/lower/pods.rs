//! Pods and pod templates: labels, container ports, hostNetwork, addresses, owners.

use std::net::IpAddr;

use crate::diagnostic::Code;
use crate::lower::fields::{Ctx, Fields};
use crate::model::ContainerPort;
use crate::parse::node::Node;
use crate::selector::Labels;
use crate::span::Span;

use super::schema::{CONTAINER_FIELDS, CONTAINER_PORT_FIELDS, OWNER_FIELDS, POD_SPEC_FIELDS};

/// What a pod (or a workload's template) contributes.
#[derive(Clone, Debug)]
pub(super) struct PodShape {
    pub(super) labels: Labels,
    pub(super) ports: Vec<ContainerPort>,
    pub(super) host_network: bool,
    pub(super) span: Span,
    /// See `model::Pod::call_hints`.
    pub(super) call_hints: Vec<String>,
}

#[derive(Clone, Debug)]
pub(super) struct Owner {
    pub(super) kind: String,
    pub(super) name: String,
}

#[derive(Debug)]
pub(super) struct RawPod {
    pub(super) namespace: String,
    pub(super) name: String,
    pub(super) shape: PodShape,
    pub(super) ips: Vec<IpAddr>,
    pub(super) owner: Option<Owner>,
}

pub(super) fn owner(ctx: &mut Ctx<'_>, meta: &Fields<'_>) -> Option<Owner> {
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

pub(super) fn pod_ips(ctx: &mut Ctx<'_>, status: Option<&Node>) -> Vec<IpAddr> {
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
pub(super) fn pod_spec(
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
        call_hints: Vec::new(),
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
            call_hints(c, &mut shape.call_hints);
            let Some(ports) = cf.get("ports") else {
                continue;
            };
            let Some(ports) = ctx.seq(ports, &format!("{cpath}.ports")) else {
                continue;
            };
            // Port names are unique within a container (`validateContainerPorts` in
            // pkg/apis/core/validation: an error); across containers the API server accepts a
            // repeated name, which then resolves to the first container's port: a warning here.
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

/// The strings of a container that may name a Service it calls: `env[].value`, `command[]`,
/// `args[]` (any scalar, read leniently: these fields do not affect traffic, so a value of
/// another shape is skipped without a diagnostic).
fn call_hints(container: &Node, out: &mut Vec<String>) {
    let values = container
        .get("env")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(|e| e.get("value"));
    let words = ["command", "args"]
        .into_iter()
        .filter_map(|k| container.get(k).and_then(Node::as_seq))
        .flatten();
    out.extend(
        values
            .chain(words)
            .filter_map(Node::text)
            .filter(|t| !t.is_empty())
            .map(str::to_string),
    );
}

pub(super) fn container_port(ctx: &mut Ctx<'_>, node: &Node, path: &str) -> Option<ContainerPort> {
    let f = ctx.fields(node, path, CONTAINER_PORT_FIELDS)?;
    let pn = ctx.required(&f, node, "containerPort", path)?;
    let port = ctx.port(pn, &format!("{path}.containerPort"))?;
    let protocol = ctx.protocol(&f, path)?;
    let name = match f.get("name") {
        Some(nn) => Some(ctx.port_name(nn, &format!("{path}.name"))?.to_string()),
        None => None,
    };
    Some(ContainerPort {
        name,
        port,
        protocol,
    })
}

#[cfg(test)]
mod tests {
    use crate::{analyze, Source};

    #[test]
    fn call_hints_keep_env_values_command_and_args_of_pods_and_templates() {
        let text = r#"
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  containers:
    - name: c
      image: busybox
      command: ["/bin/sh", "-c", "curl http://web"]
      env:
        - {name: DB_HOST, value: mysql.db.svc.cluster.local}
        - {name: FROM_REF, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
        - {name: PORT, value: "3306"}
  initContainers:
    - name: wait
      image: busybox
      args: [api:8080, 42]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - {name: web, image: nginx, env: [{name: UPSTREAM, value: "api.shop:8080"}]}
"#;
        let a = analyze(&[Source::new("t.yaml", text)]);
        let hints = |name: &str| {
            a.cluster
                .pods
                .iter()
                .find(|p| p.name == name)
                .map(|p| p.call_hints.clone())
        };
        assert_eq!(
            hints("client"),
            Some(
                [
                    "mysql.db.svc.cluster.local",
                    "3306",
                    "/bin/sh",
                    "-c",
                    "curl http://web",
                    "api:8080",
                    "42"
                ]
                .map(String::from)
                .to_vec()
            )
        );
        // Every replica of a workload carries its template's strings.
        for p in a.cluster.pods.iter().filter(|p| p.workload.is_some()) {
            assert_eq!(p.call_hints, vec!["api.shop:8080".to_string()]);
        }
        assert_eq!(a.cluster.pods.len(), 3);
    }
}
