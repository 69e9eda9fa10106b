//! Locked objects: the objects a step's learner must leave alone. An object is compared by
//! content, not text: key order, quoting, flow vs block style and comments do not count, a
//! changed value does (`"80"` and `80` differ, as they do for the API server).

use std::collections::BTreeMap;

use crate::admin::AdminKind;
use crate::lesson::ObjectRef;
use crate::parse::node::{Node, NodeKind, Scalar};
use crate::parse::yaml::parse_documents;

/// What happened to a locked object between the step's start and the learner's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LockState {
    Kept,
    Changed,
    Deleted,
    /// The step's start does not have the object (a lesson error, reported by `lesson check`).
    NotInStart,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockedStatus {
    pub object: ObjectRef,
    pub state: LockState,
}

impl LockedStatus {
    pub fn kept(&self) -> bool {
        self.state == LockState::Kept
    }

    /// A sentence for the learner (or the author, for `NotInStart`).
    pub fn message(&self) -> String {
        let o = &self.object;
        match self.state {
            LockState::Kept => format!("`{o}` is unchanged"),
            LockState::Changed => {
                format!("`{o}` is locked in this step but was changed: restore it")
            }
            LockState::Deleted => {
                format!("`{o}` is locked in this step but was deleted or renamed: restore it")
            }
            LockState::NotInStart => format!("locked `{o}` is not in the step's start"),
        }
    }
}

/// Kinds without a namespace that lessons may lock: the core ones, and the admin-tier policies
/// (AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy are cluster-scoped CRDs,
/// `scope: Cluster` in kubernetes-sigs/network-policy-api `config/crd`).
pub fn cluster_scoped(kind: &str) -> bool {
    matches!(
        kind.to_ascii_lowercase().as_str(),
        "namespace" | "node" | "clusterrole" | "clusterrolebinding" | "persistentvolume"
    ) || [
        AdminKind::AdminNetworkPolicy,
        AdminKind::BaselineAdminNetworkPolicy,
        AdminKind::ClusterNetworkPolicy,
    ]
    .iter()
    .any(|k| k.as_str().eq_ignore_ascii_case(kind))
}

/// An object's content, independent of formatting.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Value {
    Null,
    Bool(bool),
    Int(i64),
    /// Normalised through `f64` (`1.50` and `1.5` are the same number).
    Float(String),
    Str(String),
    Seq(Vec<Value>),
    Map(BTreeMap<String, Value>),
}

fn value(n: &Node) -> Value {
    match &n.kind {
        NodeKind::Scalar { text, .. } => match n.scalar() {
            Some(Scalar::Null) | None => Value::Null,
            Some(Scalar::Bool(b)) => Value::Bool(b),
            Some(Scalar::Int(i)) => Value::Int(i),
            Some(Scalar::Float) => Value::Float(
                text.replace('_', "")
                    .parse::<f64>()
                    .map_or_else(|_| text.clone(), |f| f.to_string()),
            ),
            Some(Scalar::Str(s)) => Value::Str(s.to_string()),
        },
        NodeKind::Seq(items) => Value::Seq(items.iter().map(value).collect()),
        NodeKind::Map(entries) => Value::Map(
            entries
                .iter()
                .map(|(k, v)| (k.text().unwrap_or("").to_string(), value(v)))
                .collect(),
        ),
    }
}

/// The objects of a manifest text (`List` items included) by identity, namespace dropped from
/// the content (it is part of the identity).
fn objects(text: &str) -> BTreeMap<ObjectRef, Value> {
    let mut diags = Vec::new();
    let mut out = BTreeMap::new();
    for doc in parse_documents(0, text, &mut diags) {
        let Some(root) = doc.root else { continue };
        let items: Vec<&Node> = match (root.get("kind").and_then(Node::as_str), root.get("items")) {
            (Some(k), Some(items)) if k.ends_with("List") => items
                .as_seq()
                .map(|s| s.iter().collect())
                .unwrap_or_default(),
            _ => vec![&root],
        };
        for obj in items {
            let Some(kind) = obj.get("kind").and_then(Node::as_str) else {
                continue;
            };
            let meta = obj.get("metadata");
            let Some(name) = meta.and_then(|m| m.get("name")).and_then(Node::as_str) else {
                continue;
            };
            let namespace = if cluster_scoped(kind) {
                String::new()
            } else {
                meta.and_then(|m| m.get("namespace"))
                    .and_then(Node::as_str)
                    .unwrap_or("default")
                    .to_string()
            };
            let mut v = value(obj);
            if let Value::Map(m) = &mut v {
                if let Some(Value::Map(meta)) = m.get_mut("metadata") {
                    meta.remove("namespace");
                }
            }
            let key = ObjectRef {
                kind: kind.to_ascii_lowercase(),
                namespace,
                name: name.to_string(),
            };
            out.insert(key, v);
        }
    }
    out
}

/// Each locked object's state in `text`, compared with `start`.
pub fn compare(locked: &[ObjectRef], start: &str, text: &str) -> Vec<LockedStatus> {
    if locked.is_empty() {
        return Vec::new();
    }
    let before = objects(start);
    let after = objects(text);
    locked
        .iter()
        .map(|o| {
            let key = ObjectRef {
                kind: o.kind.to_ascii_lowercase(),
                ..o.clone()
            };
            let state = match (before.get(&key), after.get(&key)) {
                (None, _) => LockState::NotInStart,
                (Some(_), None) => LockState::Deleted,
                (Some(a), Some(b)) if a == b => LockState::Kept,
                (Some(_), Some(_)) => LockState::Changed,
            };
            LockedStatus {
                object: o.clone(),
                state,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> ObjectRef {
        ObjectRef::parse(s).unwrap()
    }

    const START: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  labels: {app: web, tier: \"1\"}\nspec:\n  containers: [{name: c, image: x, ports: [{containerPort: 80}]}]\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: prod}\n";

    #[test]
    fn formatting_does_not_count() {
        let reformatted = "# a comment\nkind: Pod\napiVersion: v1\nmetadata:\n  namespace: default\n  labels:\n    tier: '1'\n    app: \"web\"\n  name: a\nspec:\n  containers:\n    - name: c\n      image: x\n      ports:\n        - containerPort: 80\n---\nkind: Namespace\napiVersion: v1\nmetadata:\n  name: prod\n";
        let s = compare(
            &[r("Pod/default/a"), r("Namespace/prod")],
            START,
            reformatted,
        );
        assert!(s.iter().all(LockedStatus::kept), "{s:?}");
        // Inside a List wrapper too.
        let list = "apiVersion: v1\nkind: List\nitems:\n  - {apiVersion: v1, kind: Pod, metadata: {name: a, labels: {app: web, tier: \"1\"}}, spec: {containers: [{name: c, image: x, ports: [{containerPort: 80}]}]}}\n";
        assert!(compare(&[r("pod/a")], START, list)[0].kept());
    }

    #[test]
    fn changes_and_deletions_are_named() {
        let changed = START.replace("tier: \"1\"", "tier: 1");
        let s = compare(&[r("Pod/default/a")], START, &changed);
        assert_eq!(s[0].state, LockState::Changed);
        assert!(s[0].message().contains("`Pod/default/a`"));
        let moved = START.replace("  name: a\n", "  name: a\n  namespace: other\n");
        assert_eq!(
            compare(&[r("Pod/default/a")], START, &moved)[0].state,
            LockState::Deleted
        );
        assert_eq!(
            compare(&[r("Pod/default/zz")], START, START)[0].state,
            LockState::NotInStart
        );
    }

    #[test]
    fn admin_policies_are_cluster_scoped() {
        const CNP: &str = "apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\nmetadata: {name: deny-x}\nspec:\n  tier: Admin\n  priority: 10\n  subject: {namespaces: {}}\n  ingress: [{action: Deny, from: [{namespaces: {}}]}]\n---\napiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\nmetadata: {name: default}\nspec:\n  subject: {namespaces: {}}\n  ingress: [{action: Deny, from: [{namespaces: {}}]}]\n";
        for (s, kind) in [
            ("ClusterNetworkPolicy/deny-x", "ClusterNetworkPolicy"),
            ("adminnetworkpolicy/a", "adminnetworkpolicy"),
            (
                "BaselineAdminNetworkPolicy/default",
                "BaselineAdminNetworkPolicy",
            ),
        ] {
            let o = r(s);
            assert_eq!((o.kind.as_str(), o.namespace.as_str()), (kind, ""), "{s}");
            assert_eq!(o.to_string(), s);
        }
        let locks = [
            r("ClusterNetworkPolicy/deny-x"),
            r("BaselineAdminNetworkPolicy/default"),
        ];
        // The API server drops a namespace written on a cluster-scoped object
        // (apiserver `rest.BeforeCreate`): not a move.
        let with_ns = CNP.replace("{name: deny-x}", "{name: deny-x, namespace: team}");
        assert!(compare(&locks, CNP, &with_ns)
            .iter()
            .all(LockedStatus::kept));
        let changed = CNP.replace("priority: 10", "priority: 60");
        let s = compare(&locks, CNP, &changed);
        assert_eq!(s[0].state, LockState::Changed);
        assert!(s[1].kept());
        assert_eq!(
            s[0].message(),
            "`ClusterNetworkPolicy/deny-x` is locked in this step but was changed: restore it"
        );
    }
}
