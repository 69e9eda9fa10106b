//! Verdicts → sentences. The only place where provenance becomes prose.

use std::fmt::Write;

use crate::analysis::{Analysis, Hop, Problem, Verdict};
use crate::evaluate::{Endpoint, Outcome, PeerMiss, PolicyMiss, PortMiss, RuleMiss, RuleRef};
use crate::model::{Direction, NamespaceMatch, Peer, PeerKind, PolicyId, PortRef, TargetPort};
use crate::selector::LabelMiss;

impl Analysis {
    /// `default/allow-api` (line 12)
    pub fn policy_label(&self, id: PolicyId) -> String {
        match self.cluster.policies.get(id) {
            Some(p) => format!("`{}` ({})", p.qualified(), self.location(p.span)),
            None => "?".into(),
        }
    }

    /// `line 12`, or `file.yaml line 12` when there are several sources.
    pub fn location(&self, span: crate::span::Span) -> String {
        if self.sources.len() > 1 {
            let name = self
                .sources
                .get(span.source as usize)
                .map_or("?", |s| s.name.as_str());
            format!("{name}:{}", span.start.line)
        } else {
            format!("line {}", span.start.line)
        }
    }

    pub fn describe_peer(&self, peer: &Peer) -> String {
        match &peer.kind {
            PeerKind::Pods { namespaces, pods } => match namespaces {
                NamespaceMatch::Own(ns) => format!("pods `{pods}` in `{ns}`"),
                NamespaceMatch::Selector(sel) if sel.is_empty() => {
                    format!("pods `{pods}` in every namespace")
                }
                NamespaceMatch::Selector(sel) => format!("pods `{pods}` in namespaces `{sel}`"),
            },
            PeerKind::IpBlock { cidr, except } if except.is_empty() => format!("ipBlock `{cidr}`"),
            PeerKind::IpBlock { cidr, except } => format!(
                "ipBlock `{cidr}` except {}",
                except
                    .iter()
                    .map(|e| format!("`{e}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    fn describe_rule_ref(&self, r: &RuleRef) -> String {
        let Some(policy) = self.cluster.policies.get(r.policy) else {
            return "?".into();
        };
        let Some(rule) = policy.rules(r.direction).get(r.rule) else {
            return "?".into();
        };
        let mut s = format!(
            "{} rule {} of `{}` ({})",
            r.direction.as_str(),
            r.rule + 1,
            policy.qualified(),
            self.location(rule.span)
        );
        let side = match r.direction {
            Direction::Ingress => "from",
            Direction::Egress => "to",
        };
        match r
            .peer
            .and_then(|i| rule.peers.as_ref().and_then(|p| p.get(i)))
        {
            Some(peer) => {
                let _ = write!(s, ": {side} {}", self.describe_peer(peer));
            }
            None => {
                let _ = write!(s, ": {side} anywhere");
            }
        }
        match r
            .port
            .and_then(|i| rule.ports.as_ref().and_then(|p| p.get(i)))
        {
            Some(port) => {
                let _ = write!(s, ", port {port}");
            }
            None => s.push_str(", any port"),
        }
        s
    }

    fn label_miss(miss: &LabelMiss, who: &str) -> String {
        match miss {
            LabelMiss::Missing { key, want } => {
                format!("needs label `{key}={want}`; `{who}` has no `{key}` label")
            }
            LabelMiss::WrongValue { key, want, have } => {
                format!("needs label `{key}={want}`; `{who}` has `{key}={have}`")
            }
            LabelMiss::NotIn { key, values, have } => match have {
                Some(h) => format!(
                    "needs `{key}` in ({}); `{who}` has `{key}={h}`",
                    values.join(", ")
                ),
                None => format!(
                    "needs `{key}` in ({}); `{who}` has no `{key}` label",
                    values.join(", ")
                ),
            },
            LabelMiss::InExcluded { key, values, have } => format!(
                "needs `{key}` not in ({}); `{who}` has `{key}={have}`",
                values.join(", ")
            ),
            LabelMiss::KeyAbsent { key } => format!("needs a `{key}` label; `{who}` has none"),
            LabelMiss::KeyPresent { key, have } => {
                format!("needs no `{key}` label; `{who}` has `{key}={have}`")
            }
        }
    }

    fn peer_miss(&self, m: &PeerMiss, other: &str) -> String {
        match m {
            PeerMiss::NotAPod => format!("selects pods, and `{other}` is outside the cluster"),
            PeerMiss::OtherNamespace { policy_ns, pod_ns } => format!(
                "has a `podSelector` without `namespaceSelector`, so it only matches pods in `{policy_ns}`; `{other}` is in `{pod_ns}`"
            ),
            PeerMiss::NamespaceLabels { namespace, miss } => {
                format!("namespace selector {}", Self::label_miss(miss, &format!("namespace {namespace}")))
            }
            PeerMiss::PodLabels { pod, miss } => Self::label_miss(miss, pod),
            PeerMiss::NotInCidr { cidr } => format!("allows `{cidr}`, which does not contain `{other}`"),
            PeerMiss::Excepted { cidr, except } => {
                format!("allows `{cidr}` but excepts `{except}`, which contains `{other}`")
            }
            PeerMiss::PodHasNoIp { cidr } => format!(
                "is ipBlock `{cidr}`; the manifests give no IP for `{other}` (pods are matched by selectors only)"
            ),
        }
    }

    fn policy_miss(&self, pm: &PolicyMiss, dir: Direction, hop: &Hop, out: &mut String) {
        let Some(policy) = self.cluster.policies.get(pm.policy) else {
            return;
        };
        let q = policy.qualified();
        let other = match dir {
            Direction::Ingress => self.endpoint_name(hop.src),
            Direction::Egress => self.endpoint_name(hop.dst),
        };
        if pm.rules.is_empty() {
            let _ = writeln!(
                out,
                "      - `{q}` ({}) has no {} rules: it allows no {} traffic",
                self.location(policy.span),
                dir.as_str(),
                dir.as_str()
            );
            return;
        }
        for (ri, miss) in &pm.rules {
            let Some(rule) = policy.rules(dir).get(*ri) else {
                continue;
            };
            let head = format!(
                "{} rule {} of `{q}` ({})",
                dir.as_str(),
                ri + 1,
                self.location(rule.span)
            );
            match miss {
                RuleMiss::Peers(reasons) => {
                    for (pi, m) in reasons {
                        let peer = rule.peers.as_ref().and_then(|p| p.get(*pi));
                        let desc = peer.map(|p| self.describe_peer(p)).unwrap_or_default();
                        let _ = writeln!(
                            out,
                            "      - {head}, peer {} ({desc}): {}",
                            pi + 1,
                            self.peer_miss(m, &other)
                        );
                    }
                }
                RuleMiss::Ports { misses, .. } => {
                    let dst_name = self.endpoint_name(hop.dst);
                    let mut parts = Vec::new();
                    for pmiss in misses {
                        match pmiss {
                            PortMiss::Other { entry } => {
                                if let Some(e) = rule.ports.as_ref().and_then(|p| p.get(*entry)) {
                                    parts.push(format!("{e}"));
                                }
                            }
                            PortMiss::NamedUndefined { name, protocol, .. } => parts.push(format!(
                                "named port `{name}`/{protocol}, which `{dst_name}` does not define"
                            )),
                            PortMiss::NamedOther { name, resolved, .. } => parts.push(format!(
                                "named port `{name}`, which is {resolved} on `{dst_name}`"
                            )),
                        }
                    }
                    let _ = writeln!(
                        out,
                        "      - {head}: the peer matches, but it only opens {}; not {}/{}",
                        parts.join(", "),
                        hop.port,
                        hop.protocol
                    );
                    self.service_port_hint(rule, hop, out);
                }
            }
        }
    }

    /// "port 80 is the Service port; the pod listens on 8080".
    fn service_port_hint(&self, rule: &crate::model::Rule, hop: &Hop, out: &mut String) {
        let Endpoint::Pod(dst) = hop.dst else { return };
        let Some(pod) = self.cluster.pods.get(dst) else {
            return;
        };
        let Some(entries) = &rule.ports else { return };
        for svc in self.cluster.services.iter().filter(|s| s.selects(pod)) {
            for sp in &svc.ports {
                let target = match &sp.target {
                    TargetPort::Number(n) => Some(*n),
                    TargetPort::Name(n) => pod.named_port(n, sp.protocol),
                };
                let Some(target) = target else { continue };
                let opens_service_port = entries.iter().any(|e| {
                    e.protocol == sp.protocol && matches!(e.port, PortRef::Range(lo, hi) if lo <= sp.port && sp.port <= hi)
                });
                if opens_service_port && target == hop.port && sp.port != target {
                    let _ = writeln!(
                        out,
                        "        note: port {} is the port of Service `{}`; the pod listens on {} (targetPort), and policies see the pod's port",
                        sp.port,
                        svc.qualified(),
                        target
                    );
                }
            }
        }
    }

    fn outcome_text(
        &self,
        dir: Direction,
        who: Endpoint,
        outcome: &Outcome,
        hop: &Hop,
        out: &mut String,
    ) {
        let name = self.endpoint_name(who);
        let label = format!("{} of `{name}`", dir.as_str());
        match outcome {
            Outcome::NotAsked => {
                let _ = writeln!(
                    out,
                    "    {label}: not governed by the cluster (an outside address)"
                );
            }
            Outcome::SelfTraffic => {
                let _ = writeln!(out, "    {label}: allowed — a pod can always reach itself");
            }
            Outcome::NotIsolated => {
                let _ = writeln!(
                    out,
                    "    {label}: allowed — no NetworkPolicy selects `{name}` for {}, so it is not isolated",
                    dir.as_str()
                );
            }
            Outcome::Allowed { isolating, by } => {
                let _ = writeln!(
                    out,
                    "    {label}: allowed by {}",
                    self.describe_rule_ref(by)
                );
                let _ = writeln!(
                    out,
                    "      (isolated by {})",
                    isolating
                        .iter()
                        .map(|&i| self.policy_label(i))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            Outcome::Denied { isolating, misses } => {
                let _ = writeln!(
                    out,
                    "    {label}: DENIED — isolated by {}, and no rule allows it:",
                    isolating
                        .iter()
                        .map(|&i| self.policy_label(i))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                for pm in misses {
                    self.policy_miss(pm, dir, hop, out);
                }
            }
        }
    }

    fn hop_text(&self, hop: &Hop, out: &mut String) {
        let _ = writeln!(
            out,
            "  {} → {} port {}/{}: {}",
            self.endpoint_name(hop.src),
            self.endpoint_name(hop.dst),
            hop.port,
            hop.protocol,
            if hop.allowed { "allowed" } else { "BLOCKED" }
        );
        if let Outcome::SelfTraffic = hop.egress {
            let _ = writeln!(out, "    allowed — a pod can always reach itself");
            return;
        }
        self.outcome_text(Direction::Egress, hop.src, &hop.egress, hop, out);
        self.outcome_text(Direction::Ingress, hop.dst, &hop.ingress, hop, out);
    }

    /// The full, human-readable explanation of a verdict.
    pub fn explain(&self, v: &Verdict) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} → {} port {}/{}: {}",
            self.target_name(v.from),
            self.target_name(v.to),
            v.port,
            v.protocol,
            match (v.allowed, &v.problem) {
                (true, _) => "ALLOWED".to_string(),
                (false, Some(Problem::NoBackingPods { .. })) => v.outcome_word(),
                (false, _) => "BLOCKED".to_string(),
            }
        );
        if let Some(p) = &v.problem {
            let line = match p {
                Problem::ServiceSource => "a Service is not a traffic source: name its pods or workload".to_string(),
                Problem::NoSuchServicePort { service, available } => format!(
                    "Service `{service}` has no port {}/{} (it has {}); a connection to it is refused",
                    v.port,
                    v.protocol,
                    if available.is_empty() { "none".to_string() } else { available.join(", ") }
                ),
                Problem::NoBackingPods { service } => {
                    format!("Service `{service}` has no backing pods: nothing can answer, so the connection fails whatever the policies say")
                }
                Problem::TargetPortUnresolved { service, target } => format!(
                    "no pod behind Service `{service}` defines the targetPort `{target}`"
                ),
                Problem::NoPods { name } => format!("`{name}` has no pods (replicas: 0)"),
            };
            let _ = writeln!(out, "  {line}");
            return out;
        }
        let note = self.service_note(v);
        if let Some(line) = &note {
            let _ = writeln!(out, "  {line}");
        }
        if let (None, Some((sid, pi))) = (&note, v.hops.first().and_then(|h| h.service)) {
            if let Some(sp) = self.cluster.services.get(sid).and_then(|s| s.ports.get(pi)) {
                let target = match &sp.target {
                    TargetPort::Number(n) => n.to_string(),
                    TargetPort::Name(n) => format!("`{n}`"),
                };
                let pods = self.destination_count(v);
                let _ = writeln!(
                    out,
                    "  Service port {}/{} → targetPort {} on {} backing pod{}; policies see the pod port",
                    sp.port,
                    sp.protocol,
                    target,
                    pods,
                    if pods == 1 { "" } else { "s" }
                );
            }
        }
        // Hops with the same outcome shapes are summarised: show the first of each verdict.
        let mut shown_allowed = false;
        let mut shown_blocked = false;
        // Pairs each shown hop stands for beyond itself, and every pair of the others.
        let mut alike = 0;
        for hop in &v.hops {
            let shown = if hop.allowed {
                &mut shown_allowed
            } else {
                &mut shown_blocked
            };
            alike = hop
                .pairs
                .saturating_sub(usize::from(!*shown))
                .saturating_add(alike);
            if *shown {
                continue;
            }
            *shown = true;
            self.hop_text(hop, &mut out);
        }
        if alike > 0 {
            let _ = writeln!(
                out,
                "  ({} more pod pair{} evaluated alike)",
                alike,
                if alike == 1 { "" } else { "s" }
            );
        }
        for f in &v.flags {
            let _ = writeln!(out, "  CNI-dependent: {}", f.sentence());
        }
        out
    }
}
