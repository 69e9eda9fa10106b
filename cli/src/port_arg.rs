//! `--port`: a number (1–65535) or a port name. A name is resolved where Kubernetes resolves it:
//! on the destination pod's container ports (by name and protocol), or, for a Service
//! destination, among the Service's own port names (`spec.ports[].name`).

use std::collections::BTreeMap;

use engine::evaluate::Endpoint;
use engine::{Analysis, Protocol, Target};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortArg {
    Number(u16),
    Name(String),
}

impl PortArg {
    /// clap value parser. Names follow IANA_SVC_NAME, as container port names do
    /// (k8s.io/apimachinery validation `IsValidPortName`).
    pub fn parse(s: &str) -> Result<PortArg, String> {
        let s = s.trim();
        if s.bytes().all(|b| b.is_ascii_digit()) && !s.is_empty() {
            return match s.parse::<u32>() {
                Ok(n @ 1..=65535) => Ok(PortArg::Number(n as u16)),
                _ => Err(format!("port `{s}` is out of range: a port is 1-65535")),
            };
        }
        if engine::lower::fields::is_port_name(s) {
            Ok(PortArg::Name(s.to_string()))
        } else {
            Err(format!(
                "`{s}` is neither a port number (1-65535) nor a port name (up to 15 lower-case letters, digits and `-`)"
            ))
        }
    }
}

impl std::fmt::Display for PortArg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PortArg::Number(n) => write!(f, "{n}"),
            PortArg::Name(n) => f.write_str(n),
        }
    }
}

/// The number a port argument stands for on the way to `to`, or why there is none.
pub fn resolve_for(
    a: &Analysis,
    to: Target,
    port: &PortArg,
    protocol: Protocol,
) -> Result<u16, String> {
    let name = match port {
        PortArg::Number(n) => return Ok(*n),
        PortArg::Name(name) => name,
    };
    let to_name = a.target_name(to);
    match to {
        Target::External(_) => Err(format!(
            "port name `{name}` needs a pod or Service destination: `{to_name}` is outside the cluster; give a number"
        )),
        Target::Service(sid) => {
            let Some(svc) = a.cluster.services.get(sid) else {
                return Err(format!("unknown Service `{to_name}`"));
            };
            // A Service is dialled on its own port; its port names are what clients use.
            svc.ports
                .iter()
                .find(|p| p.name.as_deref() == Some(name.as_str()) && p.protocol == protocol)
                .map(|p| p.port)
                .ok_or_else(|| {
                    let known: Vec<String> = svc
                        .ports
                        .iter()
                        .map(|p| match &p.name {
                            Some(n) => format!("`{n}` ({}/{})", p.port, p.protocol),
                            None => format!("{}/{} (unnamed)", p.port, p.protocol),
                        })
                        .collect();
                    format!(
                        "Service `{}` has no {protocol} port named `{name}`; its ports: {}",
                        svc.qualified(),
                        if known.is_empty() { "none".to_string() } else { known.join(", ") }
                    )
                })
        }
        Target::Pod(_) | Target::Workload(_) => {
            // Per destination pod: every replica must give the same number.
            let mut numbers: BTreeMap<u16, Vec<String>> = BTreeMap::new();
            let mut missing = Vec::new();
            for e in a.endpoints(to) {
                let Endpoint::Pod(id) = e else { continue };
                let Some(pod) = a.cluster.pods.get(id) else {
                    continue;
                };
                match pod.named_port(name, protocol) {
                    Some(n) => numbers.entry(n).or_default().push(pod.qualified()),
                    None => missing.push(pod),
                }
            }
            if let Some(pod) = missing.first() {
                let known: Vec<String> = pod
                    .ports
                    .iter()
                    .filter_map(|p| {
                        p.name
                            .as_ref()
                            .map(|n| format!("`{n}` ({}/{})", p.port, p.protocol))
                    })
                    .collect();
                return Err(format!(
                    "`{}` has no {protocol} container port named `{name}`; its named ports: {}",
                    pod.qualified(),
                    if known.is_empty() { "none".to_string() } else { known.join(", ") }
                ));
            }
            match numbers.len() {
                0 => Err(format!("`{to_name}` has no pods")),
                1 => Ok(numbers.keys().next().copied().unwrap_or_default()),
                _ => Err(format!(
                    "port name `{name}` means different numbers on the pods of `{to_name}` ({}); give a number or one pod",
                    numbers
                        .iter()
                        .map(|(n, pods)| format!("{n} on `{}`", pods.join("`, `")))
                        .collect::<Vec<_>>()
                        .join("; ")
                )),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_names() {
        assert_eq!(PortArg::parse("80"), Ok(PortArg::Number(80)));
        assert_eq!(PortArg::parse("65535"), Ok(PortArg::Number(65535)));
        assert!(PortArg::parse("0").is_err());
        assert!(PortArg::parse("65536").is_err());
        assert!(PortArg::parse("99999999999").is_err());
        assert_eq!(PortArg::parse("http"), Ok(PortArg::Name("http".into())));
        assert!(PortArg::parse("HTTP").is_err());
        assert!(PortArg::parse("-x").is_err());
    }
}
