//! What an object's `apiVersion` and `kind` make of it: a Kubernetes kind the engine models
//! (with the apiVersion the API server serves it under), a policy of another project that is
//! not simulated, a kind that routes traffic but is not modelled, or one that does not affect
//! traffic at all.

use crate::lower::fields::edit_distance;
use crate::model::WorkloadKind;

/// The kinds the engine models.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectKind {
    Namespace,
    Pod,
    Service,
    Endpoints,
    EndpointSlice,
    NetworkPolicy,
    Workload(WorkloadKind),
}

impl ObjectKind {
    pub const ALL: [ObjectKind; 13] = [
        ObjectKind::Namespace,
        ObjectKind::Pod,
        ObjectKind::Service,
        ObjectKind::Endpoints,
        ObjectKind::EndpointSlice,
        ObjectKind::NetworkPolicy,
        ObjectKind::Workload(WorkloadKind::Deployment),
        ObjectKind::Workload(WorkloadKind::ReplicaSet),
        ObjectKind::Workload(WorkloadKind::StatefulSet),
        ObjectKind::Workload(WorkloadKind::DaemonSet),
        ObjectKind::Workload(WorkloadKind::Job),
        ObjectKind::Workload(WorkloadKind::CronJob),
        ObjectKind::Workload(WorkloadKind::ReplicationController),
    ];

    pub fn parse(kind: &str) -> Option<ObjectKind> {
        ObjectKind::ALL.into_iter().find(|k| k.as_str() == kind)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Namespace => "Namespace",
            ObjectKind::Pod => "Pod",
            ObjectKind::Service => "Service",
            ObjectKind::Endpoints => "Endpoints",
            ObjectKind::EndpointSlice => "EndpointSlice",
            ObjectKind::NetworkPolicy => "NetworkPolicy",
            ObjectKind::Workload(w) => w.as_str(),
        }
    }

    /// The only apiVersion a current API server serves the kind under. Older versions
    /// (`extensions/v1beta1`, `apps/v1beta2`, `batch/v1beta1`, ...) were removed by Kubernetes
    /// 1.16–1.25 (deprecated API migration guide): `kubectl apply` fails on them.
    pub fn api_version(self) -> &'static str {
        match self {
            ObjectKind::Namespace
            | ObjectKind::Pod
            | ObjectKind::Service
            | ObjectKind::Endpoints
            | ObjectKind::Workload(WorkloadKind::ReplicationController) => "v1",
            ObjectKind::Workload(
                WorkloadKind::Deployment
                | WorkloadKind::ReplicaSet
                | WorkloadKind::StatefulSet
                | WorkloadKind::DaemonSet,
            ) => "apps/v1",
            ObjectKind::Workload(WorkloadKind::Job | WorkloadKind::CronJob) => "batch/v1",
            ObjectKind::NetworkPolicy => "networking.k8s.io/v1",
            ObjectKind::EndpointSlice => "discovery.k8s.io/v1",
        }
    }
}

/// Kinds that steer traffic without being modelled (routing, meshes): a warning each.
const ROUTING_KINDS: &[&str] = &[
    "Ingress",
    "Gateway",
    "HTTPRoute",
    "GRPCRoute",
    "TCPRoute",
    "TLSRoute",
    "UDPRoute",
    "VirtualService",
    "DestinationRule",
    "ServiceEntry",
    "Sidecar",
];

/// Kubernetes' own policy API: its admin kinds are lowered before classification (`lower/admin.rs`);
/// any other kind of the group is not modelled.
const ADMIN_POLICY_GROUP: &str = "policy.networking.k8s.io";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KindClass {
    /// Modelled, under the right apiVersion.
    Modelled(ObjectKind),
    /// A modelled kind under an apiVersion the API server does not serve.
    WrongApiVersion { expected: &'static str },
    /// A policy of another project (Calico, Cilium, ...): not simulated, loud.
    Foreign { vendor: String },
    /// Routing or admin policies: not modelled, a warning.
    NotModelled,
    /// Close to a modelled kind (kinds are case-sensitive): probably a typo.
    Misspelt { meant: &'static str },
    /// Does not affect traffic (RBAC, ConfigMaps, CRDs, monitoring, ...): counted, no warning.
    Ignored,
}

/// The API group of an apiVersion (`""` for the core group `v1`).
pub fn group(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(g, _)| g)
}

/// Classifies an object by `apiVersion` (possibly missing) and `kind`.
pub fn classify(api_version: Option<&str>, kind: &str) -> KindClass {
    if let Some(k) = ObjectKind::parse(kind) {
        let g = api_version.map(group).unwrap_or("");
        if let Some(vendor) = vendor(g) {
            // Calico's `projectcalico.org/v3` NetworkPolicy shares the kind's name.
            return KindClass::Foreign { vendor };
        }
        let expected = k.api_version();
        return match api_version {
            Some(v) if v == expected => KindClass::Modelled(k),
            None => KindClass::Modelled(k),
            // The kind's own group (or a Kubernetes group it was once served from, such as
            // `extensions`) under a version no longer served.
            Some(_) if g == group(expected) || g == "extensions" || g.ends_with(".k8s.io") => {
                KindClass::WrongApiVersion { expected }
            }
            // Another project's resource that shares the name (Knative's `Service`, ...).
            Some(_) if is_policy_like(kind) => KindClass::Foreign {
                vendor: format!("`{g}`"),
            },
            Some(_) => KindClass::NotModelled,
        };
    }
    let g = api_version.map(group).unwrap_or("");
    if g == ADMIN_POLICY_GROUP || ROUTING_KINDS.contains(&kind) {
        return KindClass::NotModelled;
    }
    if let Some(vendor) = vendor(g).filter(|_| is_policy_like(kind)) {
        return KindClass::Foreign { vendor };
    }
    if is_policy_like(kind) {
        let vendor = if g.is_empty() {
            "non-Kubernetes".to_string()
        } else {
            format!("`{g}`")
        };
        return KindClass::Foreign { vendor };
    }
    // A plural (the resource name, as in `kubectl get pods`: `Pods`, `NetworkPolicies`) under
    // the kind's own group or no apiVersion: `kubectl apply` fails ("no matches for kind").
    if let Some(meant) = plural_of(kind) {
        let own_group = api_version.is_none_or(|v| group(v) == group(meant.api_version()));
        if own_group {
            return KindClass::Misspelt {
                meant: meant.as_str(),
            };
        }
    }
    // Near misses only: `Networkpolicy`, `Deployments`; never `Node` for `Pod`.
    let lower = kind.to_ascii_lowercase();
    let near = ObjectKind::ALL.iter().map(|k| k.as_str()).find(|k| {
        let d = edit_distance(&lower, &k.to_ascii_lowercase());
        d == 0 || (d == 1 && k.len() >= 6) || (d == 2 && k.len() >= 10)
    });
    match near {
        Some(meant) => KindClass::Misspelt { meant },
        None => KindClass::Ignored,
    }
}

/// The modelled kind `kind` is the plural of (any case): `Pods`, `NetworkPolicies`.
pub fn plural_of(kind: &str) -> Option<ObjectKind> {
    let lower = kind.to_ascii_lowercase();
    ObjectKind::ALL.into_iter().find(|k| {
        let singular = k.as_str().to_ascii_lowercase();
        let plural = match singular.strip_suffix('y') {
            Some(stem) => format!("{stem}ies"),
            // `Endpoints` is already plural.
            None if singular.ends_with('s') => singular.clone(),
            None => format!("{singular}s"),
        };
        lower == plural && lower != singular
    })
}

/// Kinds that filter traffic between workloads (network or L7 authorisation policies).
fn is_policy_like(kind: &str) -> bool {
    kind.ends_with("NetworkPolicy")
        || matches!(
            kind,
            "AuthorizationPolicy"
                | "PeerAuthentication"
                | "Tier"
                | "NetworkSet"
                | "GlobalNetworkSet"
        )
}

/// The project behind a policy API group.
fn vendor(group: &str) -> Option<String> {
    let v = if group == "projectcalico.org" || group == "crd.projectcalico.org" {
        "Calico"
    } else if group == "cilium.io" {
        "Cilium"
    } else if group.ends_with("antrea.io") {
        "Antrea"
    } else if group.ends_with("istio.io") {
        "Istio"
    } else {
        return None;
    };
    Some(v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert_eq!(
            classify(Some("networking.k8s.io/v1"), "NetworkPolicy"),
            KindClass::Modelled(ObjectKind::NetworkPolicy)
        );
        assert_eq!(
            classify(Some("projectcalico.org/v3"), "NetworkPolicy"),
            KindClass::Foreign {
                vendor: "Calico".into()
            }
        );
        assert_eq!(
            classify(Some("cilium.io/v2"), "CiliumClusterwideNetworkPolicy"),
            KindClass::Foreign {
                vendor: "Cilium".into()
            }
        );
        assert_eq!(
            classify(Some("extensions/v1beta1"), "NetworkPolicy"),
            KindClass::WrongApiVersion {
                expected: "networking.k8s.io/v1"
            }
        );
        assert_eq!(
            classify(Some("networking.k8s.io/v1"), "Networkpolicy"),
            KindClass::Misspelt {
                meant: "NetworkPolicy"
            }
        );
        assert_eq!(
            classify(
                Some("policy.networking.k8s.io/v1alpha1"),
                "AdminNetworkPolicy"
            ),
            KindClass::NotModelled
        );
        assert_eq!(
            classify(Some("rbac.authorization.k8s.io/v1"), "ClusterRole"),
            KindClass::Ignored
        );
        assert_eq!(classify(Some("v1"), "ConfigMap"), KindClass::Ignored);
        assert_eq!(classify(None, "Pod"), KindClass::Modelled(ObjectKind::Pod));
        assert_eq!(classify(Some("v1"), "Node"), KindClass::Ignored);
        assert_eq!(
            classify(Some("apps/v1beta2"), "Deployment"),
            KindClass::WrongApiVersion {
                expected: "apps/v1"
            }
        );
        assert_eq!(
            classify(Some("serving.knative.dev/v1"), "Service"),
            KindClass::NotModelled
        );
        assert_eq!(
            classify(Some("crd.antrea.io/v1beta1"), "NetworkPolicy"),
            KindClass::Foreign {
                vendor: "Antrea".into()
            }
        );
        assert_eq!(
            classify(Some("networking.k8s.io/v1"), "NetworkPolicies"),
            KindClass::Misspelt {
                meant: "NetworkPolicy"
            }
        );
        assert_eq!(
            classify(Some("v1"), "Pods"),
            KindClass::Misspelt { meant: "Pod" }
        );
        assert_eq!(classify(None, "pods"), KindClass::Misspelt { meant: "Pod" });
        // Another group's resource may be called so.
        assert_eq!(classify(Some("example.com/v1"), "Pods"), KindClass::Ignored);
        assert_eq!(
            classify(Some("apps/v1"), "Deployments"),
            KindClass::Misspelt {
                meant: "Deployment"
            }
        );
    }
}
