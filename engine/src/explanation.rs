//! The typed explanation of a verdict: per hop, per direction, the outcome with the policies that
//! isolate, the rule that allowed the flow, or one miss per (isolating policy, rule) with every
//! reason it missed; CNI caveats as typed flags. Built from the evaluation's provenance
//! ([`crate::evaluate::Outcome`]); prose (`explain.rs`), JSON (serde) and the page render it.
//!
//! A hop serializes as the `explain --output json` hop contract in README.md.

use serde::Serialize;

use crate::analysis::{Analysis, CniFlag, Hop, Problem, Verdict};
pub use crate::evaluate::ReasonKind;
use crate::evaluate::{Endpoint, Miss, Outcome, PolicyRef, Reason, RuleRef};
use crate::model::{Direction, NamespaceMatch, Peer, PeerKind, Policy, PolicyId, PortRef};
use crate::span::{Source, Span};

/// A source range for users: the input's name and 1-based line and column (columns in
/// characters), end exclusive — as the `lint` JSON.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct SpanRef {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// Endpoint names as given (`service:ns/name`, `ns/pod`, an address).
    pub from: String,
    pub to: String,
    pub port: u16,
    pub protocol: &'static str,
    pub allowed: bool,
    /// The verdict in words: `allowed`, `blocked`, or `no pods behind `ns/svc`` (nothing answers).
    pub outcome: String,
    /// How the Service is reached when it is not a plain ClusterIP in front of selected pods
    /// (headless, ExternalName, hand-listed endpoints).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Why nothing could be evaluated (then `hops` is empty).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<ProblemExplanation>,
    /// The Service port used and the pod ports it translates to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<ServiceTranslation>,
    pub hops: Vec<HopExplanation>,
    pub flags: Vec<Flag>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProblemExplanation {
    pub kind: &'static str,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ServiceTranslation {
    pub service: String,
    pub port: u16,
    pub protocol: &'static str,
    /// The `targetPort` as written: a number or a port name.
    pub target: String,
    /// The pod ports it resolved to, with how many backing pods each (ascending port).
    pub resolved: Vec<ResolvedTarget>,
    pub pods: usize,
    pub span: SpanRef,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResolvedTarget {
    pub port: u16,
    pub pods: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HopExplanation {
    pub from: String,
    pub to: String,
    /// The port the destination pod sees.
    pub port: u16,
    pub protocol: &'static str,
    pub allowed: bool,
    pub egress: DirectionExplanation,
    pub ingress: DirectionExplanation,
    /// A pod reaching itself through a Service (hairpin).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub hairpin: bool,
    /// The real pod pairs this hop answers for (pods that policies cannot tell apart are
    /// evaluated once): `from`/`to` are representatives.
    pub pairs: usize,
    /// Through a Service: its port and the pod port it translated to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<ServiceLeg>,
}

/// The Service leg of a hop: `port → target_port` (a named targetPort resolved on this pod).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ServiceLeg {
    pub service: String,
    pub port: u16,
    /// The `targetPort` as written (a number or a name).
    pub target: String,
    pub target_port: u16,
}

/// Admin tiers add, on `allowed`, `denied` and `not-isolated` outcomes (only when the input has
/// admin policies): `tier` — the deciding tier (`Admin`, `NetworkPolicy`, `Baseline`, or
/// `default` when none decided) — and `passed`, the Pass rules the flow went through. An admin
/// decision's rule is `rule` (with `kind`, `tier`, `priority`, `action`, `rule_name`), for a
/// denial too; its `isolating` and `misses` are empty.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "kebab-case")]
pub enum DirectionExplanation {
    Allowed {
        isolating: Vec<String>,
        isolating_spans: Vec<SpanRef>,
        rule: Box<AllowingRule>,
        #[serde(skip_serializing_if = "Option::is_none")]
        tier: Option<&'static str>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        passed: Vec<AllowingRule>,
    },
    Denied {
        isolating: Vec<String>,
        isolating_spans: Vec<SpanRef>,
        misses: Vec<MissExplanation>,
        #[serde(skip_serializing_if = "Option::is_none")]
        tier: Option<&'static str>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        passed: Vec<AllowingRule>,
        /// The admin rule that denied (Admin or Baseline tier).
        #[serde(skip_serializing_if = "Option::is_none")]
        rule: Option<Box<AllowingRule>>,
    },
    NotIsolated {
        /// Policies that select the pod, but for the other direction only.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        other_direction_only: Vec<OtherDirection>,
        #[serde(skip_serializing_if = "Option::is_none")]
        tier: Option<&'static str>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        passed: Vec<AllowingRule>,
    },
    #[serde(rename = "self")]
    SelfTraffic,
    NotAsked,
}

impl DirectionExplanation {
    pub fn allowed(&self) -> bool {
        !matches!(self, DirectionExplanation::Denied { .. })
    }
}

/// The rule (and within it the peer and the port entry) that let the flow through.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AllowingRule {
    pub policy: String,
    #[serde(skip)]
    pub policy_ref: PolicyRef,
    pub direction: &'static str,
    pub rule_index: usize,
    /// `null`: the rule has no peer list (every peer).
    pub peer_index: Option<usize>,
    /// `null`: the rule has no ports list (every port).
    pub port_index: Option<usize>,
    /// The rule's first line.
    pub line: u32,
    pub span: SpanRef,
    pub peer_span: Option<SpanRef>,
    pub port_span: Option<SpanRef>,
    /// The policy's `metadata.name`.
    pub policy_span: SpanRef,
    /// `pods `app=web` in `default``, `ipBlock `10.0.0.0/8``, or `anywhere`.
    pub peer: String,
    /// `80/TCP`, `` `http`/TCP ``, or `any port`.
    pub ports: String,
    /// Admin rules: `AdminNetworkPolicy`, `BaselineAdminNetworkPolicy`, `ClusterNetworkPolicy`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    /// Admin rules: `Admin` or `Baseline`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<u32>,
    /// Admin rules: the action as written (`Allow`, `Accept`, `Deny`, `Pass`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<&'static str>,
    /// Admin rules: the rule's `name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_name: Option<String>,
}

/// One (isolating policy, rule) that did not allow the flow.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MissExplanation {
    pub policy: String,
    #[serde(skip)]
    pub policy_ref: PolicyRef,
    /// `null`: the policy has no rules in this direction.
    pub rule_index: Option<usize>,
    /// The rule, or the policy's `metadata.name` when `rule_index` is null.
    pub span: SpanRef,
    pub policy_span: SpanRef,
    pub reasons: Vec<ReasonExplanation>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReasonExplanation {
    pub kind: ReasonKind,
    pub expected: String,
    pub found: String,
    pub span: SpanRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peer_index: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port_index: Option<usize>,
    /// The pod, namespace or address looked at.
    pub subject: String,
    /// The peer the reason is about, described.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port_name: Option<String>,
    /// The port entry the reason is about, described (`53/UDP`, `` `dns`/TCP ``).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port_entry: Option<String>,
    /// The rule opens a Service's port, while policies see the pod's port (its targetPort).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_port: Option<ServicePortNote>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ServicePortNote {
    pub service: String,
    pub port: u16,
    pub target_port: u16,
}

/// A policy that selects the pod for the other direction only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OtherDirection {
    pub policy: String,
    pub span: SpanRef,
    /// The effective policyTypes (`Ingress`, `Egress`).
    pub types: Vec<&'static str>,
    /// True when policyTypes was absent or empty and the API server defaulted it.
    pub defaulted: bool,
    /// Why the defaulting gave these types, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

/// A verdict the Kubernetes semantics give but real clusters may not follow.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Flag {
    pub kind: &'static str,
    /// The pod, policy or Service concerned.
    pub subject: String,
    pub sentence: String,
}

impl CniFlag {
    pub fn kind(&self) -> &'static str {
        match self {
            CniFlag::HostNetwork { .. } => "host-network",
            CniFlag::IpBlockOnPod { .. } => "ipblock-on-pod",
            CniFlag::EndPort { .. } => "end-port",
            CniFlag::Hairpin { .. } => "hairpin",
            CniFlag::ExternalName { .. } => "external-name",
            CniFlag::ForeignPolicy { .. } => "foreign-policy",
            CniFlag::AdminEqualPriority { .. } => "admin-equal-priority",
            CniFlag::AdminNotSimulated { .. } => "admin-not-simulated",
            CniFlag::AdminNetworksPodIp { .. } => "admin-networks-pod-ip",
        }
    }

    pub fn subject(&self) -> &str {
        match self {
            CniFlag::HostNetwork { pod } => pod,
            CniFlag::IpBlockOnPod { policy } | CniFlag::EndPort { policy } => policy,
            CniFlag::Hairpin { service } | CniFlag::ExternalName { service, .. } => service,
            CniFlag::ForeignPolicy { policy, .. } => policy,
            CniFlag::AdminEqualPriority { policies } => policies,
            CniFlag::AdminNotSimulated { policy } | CniFlag::AdminNetworksPodIp { policy } => {
                policy
            }
        }
    }

    pub fn typed(&self) -> Flag {
        Flag {
            kind: self.kind(),
            subject: self.subject().to_string(),
            sentence: self.sentence(),
        }
    }
}

impl Problem {
    pub fn kind(&self) -> &'static str {
        match self {
            Problem::ServiceSource => "service-source",
            Problem::NoSuchServicePort { .. } => "no-such-service-port",
            Problem::NoBackingPods { .. } => "no-backing-pods",
            Problem::TargetPortUnresolved { .. } => "target-port-unresolved",
            Problem::NoPods { .. } => "no-pods",
        }
    }
}

impl Analysis {
    /// A span as the user sees it: the input's name, 1-based line and column. The end is pulled
    /// back over trailing blank lines, comments and indentation (a block mapping's node ends where
    /// the next token starts), so that a highlight covers the node's text only.
    pub fn span_ref(&self, span: Span) -> SpanRef {
        let source = self.sources.get(span.source as usize);
        let (end_line, end_column) = source.map_or((span.end.line, span.end.col), |s| {
            tight_end(s, span.start, span.end)
        });
        SpanRef {
            file: source.map(|s| s.name.clone()).unwrap_or_default(),
            line: span.start.line,
            column: span.start.col,
            end_line,
            end_column,
        }
    }

    /// The span of a policy's `metadata.name` value, kept by lowering.
    pub fn policy_name_span(&self, id: PolicyId) -> Span {
        self.cluster
            .policies
            .get(id)
            .map_or_else(Span::default, |p| p.name_span)
    }

    /// `pods `app=web` in `default``, `ipBlock `10.0.0.0/8` except ...`.
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

    /// The typed explanation of a verdict.
    pub fn explanation(&self, v: &Verdict) -> Explanation {
        let problem = v.problem.as_ref().map(|p| ProblemExplanation {
            kind: p.kind(),
            message: self.problem_message(p, v),
        });
        let service = self.service_translation(v);
        let hops = v.hops.iter().map(|h| self.hop_explanation(h)).collect();
        Explanation {
            from: self.target_name(v.from),
            to: self.target_name(v.to),
            port: v.port,
            protocol: v.protocol.as_str(),
            allowed: v.allowed,
            outcome: v.outcome_word(),
            note: self.service_note(v),
            problem,
            service,
            hops,
            flags: v.flags.iter().map(CniFlag::typed).collect(),
        }
    }

    fn problem_message(&self, p: &Problem, v: &Verdict) -> String {
        match p {
            Problem::ServiceSource => {
                "a Service is not a traffic source: name its pods or workload".to_string()
            }
            Problem::NoSuchServicePort { service, available } => format!(
                "Service `{service}` has no port {}/{} (it has {}); a connection to it is refused",
                v.port,
                v.protocol,
                if available.is_empty() {
                    "none".to_string()
                } else {
                    available.join(", ")
                }
            ),
            Problem::NoBackingPods { service } => {
                format!("Service `{service}` has no backing pods: nothing can answer, so the connection fails whatever the policies say")
            }
            Problem::TargetPortUnresolved { service, target } => {
                format!("no pod behind Service `{service}` defines the targetPort `{target}`")
            }
            Problem::NoPods { name } => format!("`{name}` has no pods (replicas: 0)"),
        }
    }

    fn service_translation(&self, v: &Verdict) -> Option<ServiceTranslation> {
        let (sid, pi) = v.hops.first().and_then(|h| h.service)?;
        let svc = self.cluster.services.get(sid)?;
        let sp = svc.ports.get(pi)?;
        // Every backing pod a hop stands for, with the pod port it sees.
        let mut by_pod: std::collections::BTreeMap<Endpoint, u16> = Default::default();
        for h in &v.hops {
            for &d in &h.dsts {
                by_pod.insert(d, h.port);
            }
        }
        let mut resolved: std::collections::BTreeMap<u16, usize> = Default::default();
        for (&pod, port) in &by_pod {
            *resolved.entry(*port).or_default() += self.stands_for(pod);
        }
        Some(ServiceTranslation {
            service: svc.qualified(),
            port: sp.port,
            protocol: sp.protocol.as_str(),
            target: match &sp.target {
                crate::model::TargetPort::Number(n) => n.to_string(),
                crate::model::TargetPort::Name(n) => n.clone(),
            },
            resolved: resolved
                .into_iter()
                .map(|(port, pods)| ResolvedTarget { port, pods })
                .collect(),
            pods: self.destination_count(v),
            span: self.span_ref(sp.span),
        })
    }

    /// The typed explanation of one pod-level hop (the `hops[]` JSON contract).
    pub fn hop_explanation(&self, hop: &Hop) -> HopExplanation {
        HopExplanation {
            from: self.endpoint_name(hop.src),
            to: self.endpoint_name(hop.dst),
            port: hop.port,
            protocol: hop.protocol.as_str(),
            allowed: hop.allowed,
            egress: self.direction_explanation(Direction::Egress, hop.src, &hop.egress, hop),
            ingress: self.direction_explanation(Direction::Ingress, hop.dst, &hop.ingress, hop),
            hairpin: hop.src == hop.dst && hop.service.is_some(),
            pairs: hop.pairs,
            service: hop.service.and_then(|(sid, pi)| {
                let svc = self.cluster.services.get(sid)?;
                let sp = svc.ports.get(pi)?;
                Some(ServiceLeg {
                    service: svc.qualified(),
                    port: sp.port,
                    target: match &sp.target {
                        crate::model::TargetPort::Number(n) => n.to_string(),
                        crate::model::TargetPort::Name(n) => n.clone(),
                    },
                    target_port: hop.port,
                })
            }),
        }
    }

    fn direction_explanation(
        &self,
        dir: Direction,
        subject: Endpoint,
        outcome: &Outcome,
        hop: &Hop,
    ) -> DirectionExplanation {
        // With admin policies in the input, every decided direction names its tier.
        let tiers = !self.cluster.admin_policies.is_empty();
        match outcome {
            Outcome::NotAsked => DirectionExplanation::NotAsked,
            Outcome::SelfTraffic => DirectionExplanation::SelfTraffic,
            Outcome::NotIsolated => DirectionExplanation::NotIsolated {
                other_direction_only: self.other_direction_only(dir, subject),
                tier: tiers.then_some("default"),
                passed: Vec::new(),
            },
            Outcome::Allowed { isolating, by } => DirectionExplanation::Allowed {
                isolating: self.policy_names(isolating),
                isolating_spans: self.policy_spans(isolating),
                rule: Box::new(self.allowing_rule(by)),
                tier: tiers.then_some("NetworkPolicy"),
                passed: Vec::new(),
            },
            Outcome::Denied { isolating, misses } => DirectionExplanation::Denied {
                isolating: self.policy_names(isolating),
                isolating_spans: self.policy_spans(isolating),
                misses: misses
                    .iter()
                    .map(|m| self.miss_explanation(m, dir, hop))
                    .collect(),
                tier: tiers.then_some("NetworkPolicy"),
                passed: Vec::new(),
                rule: None,
            },
            Outcome::Tiered(t) => self.tiered_explanation(dir, subject, t, hop),
        }
    }

    /// A direction decided through the admin tiers: the deciding rule or the NetworkPolicy
    /// tier's own explanation, with the Pass rules before it.
    fn tiered_explanation(
        &self,
        dir: Direction,
        subject: Endpoint,
        t: &crate::admin::Tiered,
        hop: &Hop,
    ) -> DirectionExplanation {
        use crate::admin::{Action, TierDecision};
        let passes: Vec<AllowingRule> = t.passes.iter().map(|r| self.admin_rule(r)).collect();
        let tier = Some(t.tier_name());
        match &t.decision {
            TierDecision::Admin(r) | TierDecision::Baseline(r) => {
                let rule = Box::new(self.admin_rule(r));
                if r.action == Action::Accept {
                    DirectionExplanation::Allowed {
                        isolating: Vec::new(),
                        isolating_spans: Vec::new(),
                        rule,
                        tier,
                        passed: passes,
                    }
                } else {
                    DirectionExplanation::Denied {
                        isolating: Vec::new(),
                        isolating_spans: Vec::new(),
                        misses: Vec::new(),
                        tier,
                        passed: passes,
                        rule: Some(rule),
                    }
                }
            }
            TierDecision::NetworkPolicy(o) => {
                let mut d = self.direction_explanation(dir, subject, o, hop);
                match &mut d {
                    DirectionExplanation::Allowed {
                        passed, tier: tr, ..
                    }
                    | DirectionExplanation::Denied {
                        passed, tier: tr, ..
                    }
                    | DirectionExplanation::NotIsolated {
                        passed, tier: tr, ..
                    } => {
                        *passed = passes;
                        *tr = tier;
                    }
                    DirectionExplanation::SelfTraffic | DirectionExplanation::NotAsked => {}
                }
                d
            }
            TierDecision::Default => DirectionExplanation::NotIsolated {
                other_direction_only: self.other_direction_only(dir, subject),
                tier,
                passed: passes,
            },
        }
    }

    /// An admin rule, described as an [`AllowingRule`] with its tier, priority and action.
    pub fn admin_rule(&self, r: &crate::admin::AdminRuleRef) -> AllowingRule {
        use crate::admin::Tier;
        let policy = self.cluster.admin_policies.get(r.policy);
        let rule = policy.and_then(|p| p.rules(r.direction).get(r.rule));
        let peer = rule.and_then(|ru| ru.peers.get(r.peer));
        let port = r
            .port
            .and_then(|i| rule.and_then(|ru| ru.ports.as_ref()).and_then(|p| p.get(i)));
        AllowingRule {
            policy: policy.map(|p| p.name.clone()).unwrap_or_default(),
            policy_ref: match r.tier {
                Tier::Admin => PolicyRef::Admin(r.policy),
                Tier::Baseline => PolicyRef::Baseline(r.policy),
            },
            direction: r.direction.as_str(),
            rule_index: r.rule,
            peer_index: Some(r.peer),
            port_index: r.port,
            line: rule.map_or(0, |ru| ru.span.start.line),
            span: rule.map(|ru| self.span_ref(ru.span)).unwrap_or_default(),
            peer_span: peer.map(|p| self.span_ref(p.span)),
            port_span: port.map(|p| self.span_ref(p.span)),
            policy_span: policy
                .map(|p| self.span_ref(p.name_span))
                .unwrap_or_default(),
            peer: peer.map_or_else(|| "anywhere".to_string(), |p| describe_admin_peer(&p.kind)),
            ports: port.map_or_else(|| "any port".to_string(), ToString::to_string),
            kind: policy.map(|p| p.kind.as_str()),
            tier: Some(r.tier.as_str()),
            priority: policy.and_then(|p| p.priority),
            action: policy.map(|p| r.action.word(p.kind)),
            rule_name: rule.and_then(|ru| ru.name.clone()),
        }
    }

    fn policy_names(&self, ids: &[PolicyId]) -> Vec<String> {
        ids.iter()
            .filter_map(|&i| self.cluster.policies.get(i).map(Policy::qualified))
            .collect()
    }

    fn policy_spans(&self, ids: &[PolicyId]) -> Vec<SpanRef> {
        ids.iter()
            .filter(|&&i| self.cluster.policies.get(i).is_some())
            .map(|&i| self.span_ref(self.policy_name_span(i)))
            .collect()
    }

    /// Policies selecting the pod for the other direction only (e.g. policyTypes defaulted to
    /// [Ingress] because the policy has no egress rules: `SetDefaults_NetworkPolicy`).
    fn other_direction_only(&self, dir: Direction, subject: Endpoint) -> Vec<OtherDirection> {
        let Endpoint::Pod(id) = subject else {
            return Vec::new();
        };
        let Some(pod) = self.cluster.pods.get(id) else {
            return Vec::new();
        };
        let in_namespace = self
            .index
            .policies_by_ns
            .get(&pod.namespace)
            .map_or(&[][..], Vec::as_slice);
        in_namespace
            .iter()
            .filter_map(|&i| self.cluster.policies.get(i).map(|p| (i, p)))
            .filter(|(_, p)| p.selects(pod) && !p.affects(dir))
            .map(|(i, p)| {
                let mut types = Vec::new();
                if p.affects_ingress {
                    types.push(Direction::Ingress.title());
                }
                if p.affects_egress {
                    types.push(Direction::Egress.title());
                }
                let why = p.policy_types_defaulted.then(|| {
                    if p.affects_egress {
                        "it has egress rules".to_string()
                    } else {
                        "it has no egress rules".to_string()
                    }
                });
                OtherDirection {
                    policy: p.qualified(),
                    span: self.span_ref(self.policy_name_span(i)),
                    types,
                    defaulted: p.policy_types_defaulted,
                    why,
                }
            })
            .collect()
    }

    fn allowing_rule(&self, by: &RuleRef) -> AllowingRule {
        let policy = self.cluster.policies.get(by.policy);
        let rule = policy.and_then(|p| p.rules(by.direction).get(by.rule));
        let peer = by
            .peer
            .and_then(|i| rule.and_then(|r| r.peers.as_ref()).and_then(|p| p.get(i)));
        let port = by
            .port
            .and_then(|i| rule.and_then(|r| r.ports.as_ref()).and_then(|p| p.get(i)));
        AllowingRule {
            policy: policy.map(Policy::qualified).unwrap_or_default(),
            policy_ref: by.policy_ref(),
            direction: by.direction.as_str(),
            rule_index: by.rule,
            peer_index: by.peer,
            port_index: by.port,
            line: rule.map_or(0, |r| r.span.start.line),
            span: rule.map(|r| self.span_ref(r.span)).unwrap_or_default(),
            peer_span: peer.map(|p| self.span_ref(p.span)),
            port_span: port.map(|p| self.span_ref(p.span)),
            policy_span: self.span_ref(self.policy_name_span(by.policy)),
            peer: peer.map_or_else(|| "anywhere".to_string(), |p| self.describe_peer(p)),
            ports: port.map_or_else(|| "any port".to_string(), ToString::to_string),
            kind: None,
            tier: None,
            priority: None,
            action: None,
            rule_name: None,
        }
    }

    fn miss_explanation(&self, m: &Miss, dir: Direction, hop: &Hop) -> MissExplanation {
        // Misses come from the NetworkPolicy tier only (admin tiers decide by first match).
        let pid = match m.policy {
            PolicyRef::NetworkPolicy(pid) => pid,
            PolicyRef::Admin(_) | PolicyRef::Baseline(_) => usize::MAX,
        };
        let policy = self.cluster.policies.get(pid);
        let name_span = self.policy_name_span(pid);
        let rule = m
            .rule
            .and_then(|ri| policy.and_then(|p| p.rules(dir).get(ri)));
        MissExplanation {
            policy: policy.map(Policy::qualified).unwrap_or_default(),
            policy_ref: m.policy,
            rule_index: m.rule,
            span: self.span_ref(if m.rule.is_some() { m.span } else { name_span }),
            policy_span: self.span_ref(name_span),
            reasons: m
                .reasons
                .iter()
                .map(|r| self.reason_explanation(r, rule, m, name_span, hop))
                .collect(),
        }
    }

    fn reason_explanation(
        &self,
        r: &Reason,
        rule: Option<&crate::model::Rule>,
        m: &Miss,
        name_span: Span,
        hop: &Hop,
    ) -> ReasonExplanation {
        let peer = r
            .peer
            .and_then(|i| rule.and_then(|r| r.peers.as_ref()).and_then(|p| p.get(i)))
            .map(|p| self.describe_peer(p));
        let port_entry = r
            .port
            .and_then(|i| rule.and_then(|r| r.ports.as_ref()).and_then(|p| p.get(i)))
            .map(ToString::to_string);
        let span = if m.rule.is_none() { name_span } else { r.span };
        ReasonExplanation {
            kind: r.kind,
            expected: r.expected.clone(),
            found: r.found.clone(),
            span: self.span_ref(span),
            peer_index: r.peer,
            port_index: r.port,
            subject: r.subject.clone(),
            peer,
            port_name: r.port_name.clone(),
            port_entry,
            service_port: self.service_port_note(r, rule, hop),
        }
    }

    /// The rule opens a Service's port while the pod behind it listens on another (its
    /// targetPort): policies see the pod's port, so the Service port opens nothing here.
    fn service_port_note(
        &self,
        r: &Reason,
        rule: Option<&crate::model::Rule>,
        hop: &Hop,
    ) -> Option<ServicePortNote> {
        if r.kind != ReasonKind::Port {
            return None;
        }
        let entry = r.port.and_then(|i| {
            rule.and_then(|rule| rule.ports.as_ref())
                .and_then(|p| p.get(i))
        })?;
        let Endpoint::Pod(dst) = hop.dst else {
            return None;
        };
        let pod = self.cluster.pods.get(dst)?;
        self.cluster
            .services
            .iter()
            .filter(|s| s.selects(pod))
            .flat_map(|s| s.ports.iter().map(move |sp| (s, sp)))
            .find_map(|(svc, sp)| {
                let target = sp.target_on(pod)?;
                let opens = entry.protocol == sp.protocol
                    && matches!(entry.port, PortRef::Range(lo, hi) if lo <= sp.port && sp.port <= hi);
                (opens && target == hop.port && sp.port != target).then(|| ServicePortNote {
                    service: svc.qualified(),
                    port: sp.port,
                    target_port: target,
                })
            })
    }
}

/// `namespaces `team=a``, `pods `app=web` in namespaces `...``, `networks `10.0.0.0/8``.
pub fn describe_admin_peer(kind: &crate::admin::AdminPeerKind) -> String {
    use crate::admin::{AdminPeerKind, NamespacePeer};
    let ns = |n: &NamespacePeer| match n {
        NamespacePeer::Selector(sel) if sel.is_empty() => "every namespace".to_string(),
        NamespacePeer::Selector(sel) => format!("namespaces `{sel}`"),
        NamespacePeer::SameLabels(k) => format!("namespaces with the same `{}`", k.join("`, `")),
        NamespacePeer::NotSameLabels(k) => {
            format!("namespaces with another `{}`", k.join("`, `"))
        }
    };
    let list = |items: Vec<String>| {
        items
            .iter()
            .map(|i| format!("`{i}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match kind {
        AdminPeerKind::Namespaces(n) => format!("pods in {}", ns(n)),
        AdminPeerKind::Pods { namespaces, pods } => {
            format!("pods `{pods}` in {}", ns(namespaces))
        }
        AdminPeerKind::Networks(c) => {
            format!(
                "networks {}",
                list(c.iter().map(ToString::to_string).collect())
            )
        }
        AdminPeerKind::Nodes(sel) => format!("nodes `{sel}` (not simulated)"),
        AdminPeerKind::DomainNames(d) => {
            format!("domain names {} (not simulated)", list(d.clone()))
        }
        AdminPeerKind::Unknown => "a peer with no known field (fails closed)".to_string(),
    }
}

/// The exclusive end of a node's text: `end` moved back over whitespace, full-line comments and
/// empty lines, never before `start`.
fn tight_end(source: &Source, start: crate::span::Pos, end: crate::span::Pos) -> (u32, u32) {
    let first = start.line.max(1);
    let mut line = end.line;
    let mut col = end.col;
    while line >= first {
        let Some(l) = source.line(line) else {
            return (end.line, end.col);
        };
        let from = if line == start.line {
            start.col.saturating_sub(1) as usize
        } else {
            0
        };
        let upto = col.saturating_sub(1) as usize;
        let prefix: String = l.chars().take(upto).collect();
        let body: String = prefix.chars().skip(from).collect();
        let trimmed = body.trim_end();
        if !trimmed.is_empty() && !trimmed.trim_start().starts_with('#') {
            let kept = from + trimmed.chars().count();
            return (line, kept as u32 + 1);
        }
        if line == start.line {
            return (start.line, start.col);
        }
        if line <= first {
            break;
        }
        line -= 1;
        col = source
            .line(line)
            .map_or(1, |l| l.chars().count() as u32 + 1);
    }
    (end.line, end.col)
}

#[cfg(test)]
mod tests {
    use crate::span::{Pos, Source};

    fn tight_end(text: &str, start: Pos, end: Pos) -> (u32, u32) {
        super::tight_end(&Source::new("t", text), start, end)
    }

    fn pos(line: u32, col: u32) -> Pos {
        Pos { line, col }
    }

    #[test]
    fn tight_end_skips_blank_lines_comments_and_indentation() {
        let text = "a:\n  - port: 80\n    # note\n\n  - port: 81\n";
        // The first entry's node ends where `- port: 81` starts.
        assert_eq!(tight_end(text, pos(2, 5), pos(5, 3)), (2, 13));
        // Already tight.
        assert_eq!(tight_end(text, pos(2, 5), pos(2, 13)), (2, 13));
        // Nothing but blanks after the start: the span collapses to its start.
        assert_eq!(tight_end(text, pos(4, 1), pos(5, 1)), (4, 1));
        // A default (unknown) span never underflows.
        assert_eq!(tight_end(text, pos(0, 0), pos(0, 0)), (0, 0));
        assert_eq!(tight_end("\n\n", pos(0, 0), pos(2, 1)), (2, 1));
    }
}
