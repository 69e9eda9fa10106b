//! Policies of other projects (Calico, Cilium, ...): not simulated, kept with the pods they
//! could select.

use crate::diagnostic::Code;
use crate::lower::fields::Ctx;
use crate::model::ForeignPolicy;
use crate::parse::node::Node;
use crate::selector::Labels;

use super::Collected;

/// A policy of another project: one loud warning, kept with the pods it could select.
pub(super) fn foreign_policy(
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
pub(super) fn calico_selector(expr: &str) -> Option<Labels> {
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
pub(super) fn cilium_selector(sel: &Node) -> Option<Labels> {
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
