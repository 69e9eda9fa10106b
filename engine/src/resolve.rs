//! Names → targets: `ns/name` of a Pod, else a workload, else a Service; a kind prefix
//! (`pod:`, `deployment:`, `service:`, ...) makes it explicit; an IP address is outside.

use std::net::IpAddr;

use crate::analysis::{Analysis, Target};
use crate::evaluate::Endpoint;
use crate::lower::fields::edit_distance;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolveError {
    pub name: String,
    pub message: String,
    /// Close names that do exist, best first.
    pub candidates: Vec<String>,
}

impl std::fmt::Display for ResolveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)?;
        if !self.candidates.is_empty() {
            write!(
                f,
                "; did you mean {}?",
                self.candidates
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )?;
        }
        Ok(())
    }
}

impl Analysis {
    pub fn resolve(&self, name: &str) -> Result<Target, ResolveError> {
        let name = name.trim();
        if let Ok(ip) = name.parse::<IpAddr>() {
            // An address that is a known pod's IP designates that pod.
            if let Some(id) = self.cluster.pods.iter().position(|p| p.ips.contains(&ip)) {
                return Ok(Target::Pod(id));
            }
            return Ok(Target::External(ip));
        }
        let (prefix, rest) = match name.split_once(':') {
            Some((p, r)) if !p.contains('/') => (Some(p.to_ascii_lowercase()), r),
            _ => (None, name),
        };
        let (ns, n) = match rest.split_once('/') {
            Some((ns, n)) => (ns, n),
            None => (self.default_namespace.as_str(), rest),
        };
        let c = &self.cluster;
        let pod = || {
            c.pods
                .iter()
                .position(|p| p.namespace == ns && p.name == n)
                .map(Target::Pod)
        };
        let workload = |kind: Option<&str>| {
            c.workloads
                .iter()
                .position(|w| {
                    w.namespace == ns && w.name == n && kind.is_none_or(|k| w.kind.prefix() == k)
                })
                .or_else(|| {
                    // An absorbed ReplicaSet (or Job) stands for its top-level workload's pods.
                    c.aliases
                        .iter()
                        .find(|a| {
                            a.namespace == ns
                                && a.name == n
                                && kind.is_none_or(|k| a.kind.prefix() == k)
                        })
                        .map(|a| a.workload)
                })
                .map(Target::Workload)
        };
        let service = || {
            c.services
                .iter()
                .position(|s| s.namespace == ns && s.name == n)
                .map(Target::Service)
        };
        let found = match prefix.as_deref() {
            None => pod().or_else(|| workload(None)).or_else(service),
            Some("pod" | "po") => pod(),
            Some("service" | "svc") => service(),
            Some("workload") => workload(None),
            Some("deploy") => workload(Some("deployment")),
            Some("sts") => workload(Some("statefulset")),
            Some("ds") => workload(Some("daemonset")),
            Some("rs") => workload(Some("replicaset")),
            Some("rc") => workload(Some("replicationcontroller")),
            Some(k) => {
                if [
                    "deployment",
                    "replicaset",
                    "statefulset",
                    "daemonset",
                    "job",
                    "cronjob",
                    "replicationcontroller",
                ]
                .contains(&k)
                {
                    workload(Some(k))
                } else {
                    return Err(ResolveError {
                        name: name.to_string(),
                        message: format!("unknown kind prefix `{k}:` in `{name}`"),
                        candidates: vec![
                            format!("pod:{rest}"),
                            format!("deployment:{rest}"),
                            format!("service:{rest}"),
                        ],
                    });
                }
            }
        };
        found.ok_or_else(|| ResolveError {
            name: name.to_string(),
            message: format!("no pod, workload or Service named `{ns}/{n}`"),
            candidates: self.candidates(&format!("{ns}/{n}")),
        })
    }

    /// Names of all endpoints a user can give, for suggestions and completion.
    pub fn known_names(&self) -> Vec<String> {
        let c = &self.cluster;
        let mut names: Vec<String> = c.pods.iter().map(|p| p.qualified()).collect();
        names.extend(c.workloads.iter().map(|w| w.qualified()));
        names.extend(
            c.aliases
                .iter()
                .map(|a| format!("{}:{}/{}", a.kind.prefix(), a.namespace, a.name)),
        );
        names.extend(
            c.services
                .iter()
                .map(|s| format!("service:{}", s.qualified())),
        );
        names.sort();
        names.dedup();
        names
    }

    fn candidates(&self, wanted: &str) -> Vec<String> {
        let mut scored: Vec<(usize, String)> = self
            .known_names()
            .into_iter()
            .map(|n| {
                let bare = n.strip_prefix("service:").unwrap_or(&n);
                let d = if bare.len().abs_diff(wanted.len()) > 8 {
                    usize::MAX
                } else {
                    edit_distance(bare, wanted)
                };
                let same_name = bare.rsplit('/').next() == wanted.rsplit('/').next();
                (if same_name { 0 } else { d }, n)
            })
            .filter(|(d, _)| *d <= 4)
            .collect();
        scored.sort();
        scored.into_iter().take(3).map(|(_, n)| n).collect()
    }

    /// The endpoint for a single pod or address (workloads map to their first replica).
    pub fn representative(&self, t: Target) -> Option<Endpoint> {
        self.endpoints(t).into_iter().next()
    }
}
