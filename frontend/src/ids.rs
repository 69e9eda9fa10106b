//! Typed identities of what the page selects and switches: graph nodes and policies. Their
//! `Display` is exactly the string the page's contracts carry (`data-node`, `data-from` /
//! `data-to`, `data-policy-toggle`, share links, presenter messages); `parse` reads such a
//! string back, at the boundary. Inside the page, identities are compared as values, never
//! by string prefix.

use std::fmt;

use engine::admin::AdminKind;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A node of the graph (or the slot holding it).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NodeId {
    /// A pod or a workload: `namespace/name`, as the CLI names them.
    Object { namespace: String, name: String },
    /// A Service: `service:namespace/name`.
    Service { namespace: String, name: String },
    /// A range outside the cluster: its CIDR, as written by the engine.
    Outside(String),
    /// A slot whose name an earlier one took (a bare pod named like a workload): `id#what`,
    /// `what` one of [`NodeId::TWINS`].
    Twin(Box<NodeId>, &'static str),
}

impl NodeId {
    /// What a twin's suffix can say.
    pub const TWINS: [&'static str; 4] = ["workload", "pod", "service", "outside"];

    pub fn object(namespace: &str, name: &str) -> NodeId {
        NodeId::Object {
            namespace: namespace.to_string(),
            name: name.to_string(),
        }
    }

    pub fn service(namespace: &str, name: &str) -> NodeId {
        NodeId::Service {
            namespace: namespace.to_string(),
            name: name.to_string(),
        }
    }

    /// The object's own name as people write it: `namespace/name` for pods, workloads and
    /// Services alike (no `service:` tag), the CIDR for an outside range.
    pub fn display_name(&self) -> String {
        match self {
            NodeId::Object { namespace, name } | NodeId::Service { namespace, name } => {
                format!("{namespace}/{name}")
            }
            NodeId::Outside(cidr) => cidr.clone(),
            NodeId::Twin(base, _) => base.display_name(),
        }
    }

    /// This id for a second slot of the same name (`what`: one of [`NodeId::TWINS`]).
    pub fn twin(self, what: &'static str) -> NodeId {
        NodeId::Twin(Box::new(self), what)
    }

    /// Reads a `data-node` string back. `None` for what no node could be named.
    pub fn parse(s: &str) -> Option<NodeId> {
        if let Some((base, what)) = s.rsplit_once('#') {
            let what = NodeId::TWINS.into_iter().find(|t| *t == what)?;
            return Some(NodeId::parse(base)?.twin(what));
        }
        if let Some(rest) = s.strip_prefix("service:") {
            let (namespace, name) = split_name(rest)?;
            return Some(NodeId::service(namespace, name));
        }
        // A CIDR's address part is an IP address; a namespace (a DNS label) never is.
        let (head, _) = s.split_once('/')?;
        if head.parse::<std::net::IpAddr>().is_ok() {
            return Some(NodeId::Outside(s.to_string()));
        }
        let (namespace, name) = split_name(s)?;
        Some(NodeId::object(namespace, name))
    }
}

fn split_name(s: &str) -> Option<(&str, &str)> {
    let (namespace, name) = s.split_once('/')?;
    (!namespace.is_empty() && !name.is_empty() && !name.contains('/')).then_some((namespace, name))
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NodeId::Object { namespace, name } => write!(f, "{namespace}/{name}"),
            NodeId::Service { namespace, name } => write!(f, "service:{namespace}/{name}"),
            NodeId::Outside(cidr) => f.write_str(cidr),
            NodeId::Twin(id, what) => write!(f, "{id}#{what}"),
        }
    }
}

/// A policy the page can select or switch off (what-if).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PolicyKey {
    /// A NetworkPolicy: `namespace/name`.
    NetworkPolicy { namespace: String, name: String },
    /// An admin policy (cluster-scoped, no namespace): `Kind:name`.
    Admin { kind: AdminKind, name: String },
}

impl PolicyKey {
    pub fn of(p: &engine::model::Policy) -> PolicyKey {
        PolicyKey::NetworkPolicy {
            namespace: p.namespace.clone(),
            name: p.name.clone(),
        }
    }

    pub fn of_admin(p: &engine::admin::AdminPolicy) -> PolicyKey {
        PolicyKey::Admin {
            kind: p.kind,
            name: p.name.clone(),
        }
    }

    /// Reads a `data-policy-toggle` string back (`Kind:name` or `namespace/name`).
    pub fn parse(s: &str) -> Option<PolicyKey> {
        // A namespace cannot hold a `:`, so a known kind before one is an admin policy.
        if let Some((kind, name)) = s.split_once(':') {
            if let Some(kind) = AdminKind::parse(kind) {
                return (!name.is_empty()).then(|| PolicyKey::Admin {
                    kind,
                    name: name.to_string(),
                });
            }
        }
        let (namespace, name) = split_name(s)?;
        Some(PolicyKey::NetworkPolicy {
            namespace: namespace.to_string(),
            name: name.to_string(),
        })
    }
}

impl fmt::Display for PolicyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyKey::NetworkPolicy { namespace, name } => write!(f, "{namespace}/{name}"),
            PolicyKey::Admin { kind, name } => write!(f, "{}:{name}", kind.as_str()),
        }
    }
}

/// Serialized as their strings (the presenter's messages keep their JSON shape).
macro_rules! as_string {
    ($t:ty, $what:literal) => {
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                <$t>::parse(&s)
                    .ok_or_else(|| serde::de::Error::custom(format!("not {}: `{s}`", $what)))
            }
        }
    };
}

as_string!(NodeId, "a node");
as_string!(PolicyKey, "a policy");

/// In `html!` attributes (`data-node={n.id.clone()}`), an id is its string.
#[cfg(target_arch = "wasm32")]
macro_rules! as_attr {
    ($t:ty) => {
        impl yew::html::IntoPropValue<Option<yew::AttrValue>> for $t {
            fn into_prop_value(self) -> Option<yew::AttrValue> {
                Some(yew::AttrValue::from(self.to_string()))
            }
        }

        impl yew::html::IntoPropValue<yew::AttrValue> for $t {
            fn into_prop_value(self) -> yew::AttrValue {
                yew::AttrValue::from(self.to_string())
            }
        }
    };
}

#[cfg(target_arch = "wasm32")]
as_attr!(NodeId);
#[cfg(target_arch = "wasm32")]
as_attr!(PolicyKey);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_drop_the_service_tag_only() {
        assert_eq!(NodeId::service("shop", "api").display_name(), "shop/api");
        assert_eq!(NodeId::object("shop", "api").display_name(), "shop/api");
        assert_eq!(
            NodeId::Outside("10.0.0.0/8".into()).display_name(),
            "10.0.0.0/8"
        );
        assert_eq!(
            NodeId::service("a", "b").twin("service").display_name(),
            "a/b"
        );
    }

    #[test]
    fn node_ids_print_as_data_node_and_parse_back() {
        for (s, id) in [
            (
                "default/pod-centos",
                NodeId::object("default", "pod-centos"),
            ),
            (
                "service:default/svc-clusterip-httpd",
                NodeId::service("default", "svc-clusterip-httpd"),
            ),
            ("0.0.0.0/0", NodeId::Outside("0.0.0.0/0".into())),
            ("2001:db8::/32", NodeId::Outside("2001:db8::/32".into())),
            // A namespace may start with a digit; it is still no address.
            ("10/web", NodeId::object("10", "web")),
            (
                "default/web#pod",
                NodeId::object("default", "web").twin("pod"),
            ),
        ] {
            assert_eq!(id.to_string(), s);
            assert_eq!(NodeId::parse(s), Some(id), "{s}");
        }
        for bad in [
            "",
            "web",
            "default/",
            "/web",
            "a/b/c",
            "default/web#nope",
            "service:x",
        ] {
            assert_eq!(NodeId::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn policy_keys_print_as_the_toggle_and_parse_back() {
        for (s, key) in [
            (
                "default/deny-by-default",
                PolicyKey::NetworkPolicy {
                    namespace: "default".into(),
                    name: "deny-by-default".into(),
                },
            ),
            (
                "ClusterNetworkPolicy:no-sandbox-to-shop",
                PolicyKey::Admin {
                    kind: AdminKind::ClusterNetworkPolicy,
                    name: "no-sandbox-to-shop".into(),
                },
            ),
            (
                "AdminNetworkPolicy:a",
                PolicyKey::Admin {
                    kind: AdminKind::AdminNetworkPolicy,
                    name: "a".into(),
                },
            ),
        ] {
            assert_eq!(key.to_string(), s);
            assert_eq!(PolicyKey::parse(s), Some(key), "{s}");
        }
        for bad in ["", "p", "Unknown:x", "AdminNetworkPolicy:"] {
            assert_eq!(PolicyKey::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn serialized_as_their_strings() {
        let v = (
            NodeId::service("default", "s"),
            PolicyKey::parse("default/p"),
        );
        let json = serde_json::to_string(&v).unwrap_or_default();
        assert_eq!(json, r#"["service:default/s","default/p"]"#);
        assert_eq!(
            serde_json::from_str::<(NodeId, Option<PolicyKey>)>(&json).ok(),
            Some(v)
        );
        assert!(serde_json::from_str::<NodeId>(r#""nope""#).is_err());
    }
}
