//! Prose: one renderer of the typed [`Explanation`] (the CLI text, the snapshots, the page until
//! it renders the structure). Nothing here evaluates: every fact comes from the explanation.
//!
//! The page parses `line N` references and the verdict words `allowed`, `DENIED`, `BLOCKED`
//! out of this text (`frontend/src/explain_fmt.rs`): keep those tokens.

use std::fmt::Write;

use crate::analysis::{Analysis, Verdict};
use crate::explanation::{
    AllowingRule, DirectionExplanation, Explanation, HopExplanation, MissExplanation,
    OtherDirection, ReasonExplanation, ReasonKind, SpanRef,
};
use crate::model::PolicyId;

impl Analysis {
    /// `default/allow-api` (line 12)
    pub fn policy_label(&self, id: PolicyId) -> String {
        match self.cluster.policies.get(id) {
            Some(p) => format!("`{}` ({})", p.qualified(), self.location(p.span)),
            None => "?".into(),
        }
    }

    /// `line 12`, or `file.yaml:12` when there are several sources.
    pub fn location(&self, span: crate::span::Span) -> String {
        self.location_ref(&self.span_ref(span))
    }

    fn location_ref(&self, span: &SpanRef) -> String {
        if self.sources.len() > 1 {
            format!("{}:{}", span.file, span.line)
        } else {
            format!("line {}", span.line)
        }
    }

    /// The full, human-readable explanation of a verdict (rendered from [`Analysis::explanation`]).
    pub fn explain(&self, v: &Verdict) -> String {
        self.render(&self.explanation(v))
    }

    /// Renders a typed explanation as prose.
    pub fn render(&self, e: &Explanation) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} → {} port {}/{}: {}",
            e.from,
            e.to,
            e.port,
            e.protocol,
            // "no pods behind `ns/svc`" keeps its case (it quotes a name); verdicts are loud.
            match &e.problem {
                Some(p) if !e.allowed && p.kind == "no-backing-pods" => e.outcome.clone(),
                _ => e.outcome.to_uppercase(),
            }
        );
        if let Some(p) = &e.problem {
            let _ = writeln!(out, "  {}", p.message);
            return out;
        }
        if let Some(note) = &e.note {
            let _ = writeln!(out, "  {note}");
        }
        if let (None, Some(s)) = (&e.note, &e.service) {
            let target = if s.target.parse::<u16>().is_ok() {
                s.target.clone()
            } else {
                // A named targetPort: show the numbers it resolved to.
                let numbers = match s.resolved.as_slice() {
                    [one] => one.port.to_string(),
                    many => many
                        .iter()
                        .map(|r| format!("{} on {} pod{}", r.port, r.pods, plural(r.pods)))
                        .collect::<Vec<_>>()
                        .join(", "),
                };
                format!("`{}` ({numbers})", s.target)
            };
            let _ = writeln!(
                out,
                "  Service port {}/{} → targetPort {} on {} backing pod{}; policies see the pod port",
                s.port,
                s.protocol,
                target,
                s.pods,
                plural(s.pods)
            );
        }
        // A verdict between two pods is one hop: its header would repeat the first line.
        let single = e.hops.len() == 1
            && e.service.is_none()
            && e.hops
                .first()
                .is_some_and(|h| h.from == e.from && h.to == e.to);
        // Hops with really the same outcome (names aside) are shown once, with a count.
        let mut groups: Vec<(&HopExplanation, usize)> = Vec::new();
        let mut selfs = Vec::new();
        for hop in &e.hops {
            if hop.from == hop.to {
                selfs.push(hop);
                continue;
            }
            // A hop answers for `pairs` real pod pairs: all but the one shown are alike.
            let more = hop.pairs.saturating_sub(1);
            match groups.iter_mut().find(|(h, _)| same_outcome(h, hop)) {
                Some((_, n)) => *n = n.saturating_add(hop.pairs.max(1)),
                None => groups.push((hop, more)),
            }
        }
        for (hop, alike) in &groups {
            if single {
                self.directions(hop, 2, &mut out);
            } else {
                let _ = writeln!(
                    out,
                    "  {} → {} port {}/{}: {}",
                    hop.from,
                    hop.to,
                    hop.port,
                    hop.protocol,
                    if hop.allowed { "allowed" } else { "BLOCKED" }
                );
                self.directions(hop, 4, &mut out);
            }
            if *alike > 0 {
                let _ = writeln!(
                    out,
                    "  ({alike} more pod pair{} evaluated alike)",
                    plural(*alike)
                );
            }
        }
        for hop in selfs {
            let more = hop.pairs.saturating_sub(1);
            let _ = writeln!(
                out,
                "  {} → {}: allowed — a pod can always reach itself{}{}",
                hop.from,
                hop.to,
                if hop.hairpin {
                    " (through the Service: hairpin)"
                } else {
                    ""
                },
                if more > 0 {
                    format!(
                        " ({more} more pod{} alike)",
                        if more == 1 { "" } else { "s" }
                    )
                } else {
                    String::new()
                }
            );
        }
        for f in &e.flags {
            // Admin-tier caveats are about the simulation, not the CNI.
            let what = if f.kind.starts_with("admin-") {
                "Caveat"
            } else {
                "CNI-dependent"
            };
            let _ = writeln!(out, "  {what}: {}", f.sentence);
        }
        out
    }

    fn directions(&self, hop: &HopExplanation, indent: usize, out: &mut String) {
        let pad = " ".repeat(indent);
        if matches!(hop.egress, DirectionExplanation::SelfTraffic) {
            let _ = writeln!(out, "{pad}allowed — a pod can always reach itself");
            return;
        }
        for (dir, who, d) in [
            ("egress", &hop.from, &hop.egress),
            ("ingress", &hop.to, &hop.ingress),
        ] {
            let label = format!("{dir} of `{who}`");
            match d {
                DirectionExplanation::NotAsked => {
                    let _ = writeln!(
                        out,
                        "{pad}{label}: not governed by the cluster (an outside address)"
                    );
                }
                DirectionExplanation::SelfTraffic => {
                    let _ = writeln!(out, "{pad}{label}: allowed — a pod can always reach itself");
                }
                DirectionExplanation::NotIsolated {
                    passed,
                    tier: Some(_),
                    ..
                } if !passed.is_empty() => {
                    let _ = writeln!(
                        out,
                        "{pad}{label}: allowed — {}{}",
                        self.chain(passed, who),
                        if passed.last().is_some_and(|p| p.tier == Some("Baseline")) {
                            "the default allows".to_string()
                        } else {
                            format!("no NetworkPolicy isolates `{who}` and no Baseline rule matches → allowed (the default)")
                        }
                    );
                }
                DirectionExplanation::NotIsolated {
                    other_direction_only,
                    ..
                } => {
                    if other_direction_only.is_empty() {
                        let _ = writeln!(
                            out,
                            "{pad}{label}: allowed — no NetworkPolicy selects `{who}` for {dir}, so it is not isolated"
                        );
                    } else {
                        let _ = writeln!(
                            out,
                            "{pad}{label}: allowed — not isolated for {dir}: {}",
                            other_direction_only
                                .iter()
                                .map(|o| self.other_direction(o, who))
                                .collect::<Vec<_>>()
                                .join("; ")
                        );
                    }
                }
                DirectionExplanation::Allowed { rule, passed, .. } if rule.tier.is_some() => {
                    let _ = writeln!(
                        out,
                        "{pad}{label}: allowed — {}{}",
                        self.chain(passed, who),
                        self.admin_step(rule, who)
                    );
                }
                DirectionExplanation::Denied {
                    rule: Some(rule),
                    passed,
                    ..
                } => {
                    let _ = writeln!(
                        out,
                        "{pad}{label}: DENIED — {}{}",
                        self.chain(passed, who),
                        self.admin_step(rule, who)
                    );
                }
                DirectionExplanation::Allowed {
                    isolating,
                    isolating_spans,
                    rule,
                    passed,
                    ..
                } if !passed.is_empty() => {
                    let _ = writeln!(
                        out,
                        "{pad}{label}: allowed — {}NetworkPolicy tier: allowed by {}",
                        self.chain(passed, who),
                        self.rule_text(rule)
                    );
                    let _ = writeln!(
                        out,
                        "{pad}  (isolated by {})",
                        self.policies_text(isolating, isolating_spans)
                    );
                }
                DirectionExplanation::Denied {
                    isolating,
                    isolating_spans,
                    misses,
                    passed,
                    ..
                } if !passed.is_empty() => {
                    let _ = writeln!(
                        out,
                        "{pad}{label}: DENIED — {}NetworkPolicy {} isolate{} `{who}`; no rule matches → denied:",
                        self.chain(passed, who),
                        self.policies_text(isolating, isolating_spans),
                        if isolating.len() == 1 { "s" } else { "" }
                    );
                    for m in misses {
                        self.miss_text(m, dir, hop, &pad, out);
                    }
                }
                DirectionExplanation::Allowed {
                    isolating,
                    isolating_spans,
                    rule,
                    ..
                } => {
                    let _ = writeln!(out, "{pad}{label}: allowed by {}", self.rule_text(rule));
                    let _ = writeln!(
                        out,
                        "{pad}  (isolated by {})",
                        self.policies_text(isolating, isolating_spans)
                    );
                }
                DirectionExplanation::Denied {
                    isolating,
                    isolating_spans,
                    misses,
                    ..
                } => {
                    let _ = writeln!(
                        out,
                        "{pad}{label}: DENIED — isolated by {}, and no rule allows it:",
                        self.policies_text(isolating, isolating_spans)
                    );
                    for m in misses {
                        self.miss_text(m, dir, hop, &pad, out);
                    }
                }
            }
        }
    }

    /// The Pass steps before a decision, each followed by ` → `.
    fn chain(&self, passed: &[AllowingRule], who: &str) -> String {
        passed
            .iter()
            .map(|p| format!("{} → ", self.admin_step(p, who)))
            .collect()
    }

    /// "ClusterNetworkPolicy `deny-all` (Admin, priority 10), rule `deny` (line 12: from pods in
    /// every namespace, any port), denies". A Baseline rule is reached only when no
    /// NetworkPolicy isolates the pod, which is said first.
    fn admin_step(&self, r: &AllowingRule, who: &str) -> String {
        let kind = r.kind.unwrap_or("?");
        let label = match (kind, r.priority) {
            ("ClusterNetworkPolicy", Some(p)) => {
                format!(
                    "{kind} `{}` ({}, priority {p})",
                    r.policy,
                    r.tier.unwrap_or("?")
                )
            }
            (_, Some(p)) => format!("{kind} `{}` (priority {p})", r.policy),
            (_, None) => format!("{kind} `{}`", r.policy),
        };
        let rule = match &r.rule_name {
            Some(n) => format!("rule `{n}`"),
            None => format!("rule {}", r.rule_index + 1),
        };
        let side = if r.direction == "ingress" {
            "from"
        } else {
            "to"
        };
        let ports = if r.port_index.is_some() {
            format!("port {}", r.ports)
        } else {
            r.ports.clone()
        };
        let verb = match r.action {
            Some("Accept") => "accepts",
            Some("Allow") => "allows",
            Some("Deny") => "denies",
            Some("Pass") => "passes",
            _ => "decides",
        };
        let before = if r.tier == Some("Baseline") {
            format!("no NetworkPolicy isolates `{who}` → ")
        } else {
            String::new()
        };
        format!(
            "{before}{label}, {rule} ({}: {side} {}, {ports}), {verb}",
            self.location_ref(&r.span),
            r.peer
        )
    }

    fn policies_text(&self, names: &[String], spans: &[SpanRef]) -> String {
        names
            .iter()
            .zip(spans)
            .map(|(n, s)| format!("`{n}` ({})", self.location_ref(s)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// "`default/deny-by-default` (line 60) selects `default/pod-centos` for ingress only: its
    /// policyTypes defaulted to [Ingress] because it has no egress rules".
    fn other_direction(&self, o: &OtherDirection, who: &str) -> String {
        let only = o
            .types
            .iter()
            .map(|t| t.to_ascii_lowercase())
            .collect::<Vec<_>>()
            .join(" and ");
        let types = o.types.join(", ");
        let how = match (&o.why, o.defaulted) {
            (Some(why), true) => format!("its policyTypes defaulted to [{types}] because {why}"),
            _ => format!("its policyTypes are [{types}]"),
        };
        format!(
            "`{}` ({}) selects `{who}` for {only} only: {how}",
            o.policy,
            self.location_ref(&o.span)
        )
    }

    fn rule_text(&self, r: &AllowingRule) -> String {
        let side = if r.direction == "ingress" {
            "from"
        } else {
            "to"
        };
        let ports = if r.port_index.is_some() {
            format!("port {}", r.ports)
        } else {
            r.ports.clone()
        };
        format!(
            "{} rule {} of `{}` ({}): {side} {}, {ports}",
            r.direction,
            r.rule_index + 1,
            r.policy,
            self.location_ref(&r.span),
            r.peer
        )
    }

    fn miss_text(
        &self,
        m: &MissExplanation,
        dir: &str,
        hop: &HopExplanation,
        pad: &str,
        out: &mut String,
    ) {
        let Some(ri) = m.rule_index else {
            let _ = writeln!(
                out,
                "{pad}  - `{}` ({}) has no {dir} rules: it allows no {dir} traffic",
                m.policy,
                self.location_ref(&m.span)
            );
            return;
        };
        let head = format!(
            "{dir} rule {} of `{}` ({})",
            ri + 1,
            m.policy,
            self.location_ref(&m.span)
        );
        match m.reasons.as_slice() {
            [one] => {
                let _ = writeln!(out, "{pad}  - {head}: {}", self.reason_text(one, hop, true));
            }
            many => {
                let _ = writeln!(out, "{pad}  - {head} misses for {} reasons:", many.len());
                let mut last_peer = None;
                for r in many {
                    // A peer's description once; its further reasons follow under it.
                    let first_of_peer = r.peer_index.is_none() || r.peer_index != last_peer;
                    last_peer = r.peer_index;
                    let text = self.reason_text(r, hop, first_of_peer);
                    if first_of_peer {
                        let _ = writeln!(out, "{pad}      {text}");
                    } else {
                        let _ = writeln!(out, "{pad}        and {text}");
                    }
                }
            }
        }
        for r in &m.reasons {
            if let Some(n) = &r.service_port {
                let _ = writeln!(
                    out,
                    "{pad}      note: port {} is the port of Service `{}`; the pod listens on {} (targetPort), and policies see the pod's port",
                    n.port, n.service, n.target_port
                );
            }
        }
    }

    /// One reason; `with_peer`: prefix the peer it is about.
    fn reason_text(&self, r: &ReasonExplanation, hop: &HopExplanation, with_peer: bool) -> String {
        let who = &r.subject;
        let peer = match (r.peer_index, &r.peer) {
            (Some(i), Some(d)) if with_peer => format!("peer {} ({d}): ", i + 1),
            (Some(i), None) if with_peer => format!("peer {}: ", i + 1),
            _ => String::new(),
        };
        let entry = match (r.port_index, &r.port_entry) {
            (Some(i), Some(d)) if r.kind == ReasonKind::Protocol => {
                format!("port entry {} ({d}) ", i + 1)
            }
            (Some(i), _) => format!("port entry {} ", i + 1),
            _ => String::new(),
        };
        // `found` of a label reason: `app=web`, or `no app label` for an absent key.
        let has = |found: &str| match found
            .strip_prefix("no ")
            .and_then(|k| k.strip_suffix(" label"))
        {
            Some(key) => format!("no `{key}` label"),
            None => format!("`{found}`"),
        };
        let (exp, found) = (&r.expected, &r.found);
        match r.kind {
            ReasonKind::PodLabel => format!("{peer}needs `{exp}`; `{who}` has {}", has(found)),
            ReasonKind::NamespaceLabel => format!(
                "{peer}namespace selector needs `{exp}`; {who} has {}",
                has(found)
            ),
            ReasonKind::OtherNamespace => format!(
                "{peer}a `podSelector` without `namespaceSelector` only matches pods in `{exp}`; `{who}` is in `{found}`"
            ),
            ReasonKind::NotAPod => {
                format!("{peer}selects pods, and `{found}` is outside the cluster")
            }
            ReasonKind::Ipblock => {
                format!("{peer}allows `{exp}`, which does not contain `{found}`")
            }
            ReasonKind::IpblockExcept => {
                format!("{peer}allows `{exp}`, and the exception contains `{found}`")
            }
            ReasonKind::PodHasNoIp => format!(
                "{peer}matches addresses in `{exp}`, and the manifests give no IP for `{who}` (pods are matched by selectors only)"
            ),
            ReasonKind::Port => format!(
                "{entry}opens {exp}/{}, not {found}/{}",
                hop.protocol, hop.protocol
            ),
            ReasonKind::Protocol => format!("{entry}is for {exp}, not {found}"),
            ReasonKind::NamedPortUndefined => format!(
                "{entry}opens named port `{}`, which `{who}` does not define for {}",
                r.port_name.as_deref().unwrap_or(exp),
                hop.protocol
            ),
            ReasonKind::NamedPortOther => format!(
                "{entry}opens named port `{}`, which is {exp} on `{who}`, not {found}",
                r.port_name.as_deref().unwrap_or("?")
            ),
            ReasonKind::NoRules => format!("has no rules: {found}"),
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Same outcome but for the endpoint names: same ports, directions, rules and reasons.
fn same_outcome(a: &HopExplanation, b: &HopExplanation) -> bool {
    a.port == b.port
        && a.allowed == b.allowed
        && a.hairpin == b.hairpin
        && same_direction(&a.egress, &b.egress)
        && same_direction(&a.ingress, &b.ingress)
}

fn same_direction(a: &DirectionExplanation, b: &DirectionExplanation) -> bool {
    match (a, b) {
        (
            DirectionExplanation::Denied {
                isolating: ia,
                misses: ma,
                passed: pa,
                rule: ra,
                ..
            },
            DirectionExplanation::Denied {
                isolating: ib,
                misses: mb,
                passed: pb,
                rule: rb,
                ..
            },
        ) => {
            ia == ib
                && same_rules(pa, pb)
                && match (ra, rb) {
                    (Some(x), Some(y)) => {
                        same_rules(std::slice::from_ref(x), std::slice::from_ref(y))
                    }
                    (None, None) => true,
                    _ => false,
                }
                && ma.len() == mb.len()
                && ma.iter().zip(mb).all(|(x, y)| {
                    x.policy == y.policy
                        && x.rule_index == y.rule_index
                        && x.reasons.len() == y.reasons.len()
                        && x.reasons.iter().zip(&y.reasons).all(|(r, s)| {
                            r.kind == s.kind
                                && r.expected == s.expected
                                && r.found == s.found
                                && r.peer_index == s.peer_index
                                && r.port_index == s.port_index
                                && r.service_port == s.service_port
                        })
                })
        }
        (
            DirectionExplanation::NotIsolated {
                other_direction_only: a,
                passed: pa,
                ..
            },
            DirectionExplanation::NotIsolated {
                other_direction_only: b,
                passed: pb,
                ..
            },
        ) => a == b && same_rules(pa, pb),
        _ => a == b,
    }
}

/// The same rules (policy, direction, rule, peer, port entry), whatever the endpoints.
fn same_rules(
    a: &[impl std::borrow::Borrow<AllowingRule>],
    b: &[impl std::borrow::Borrow<AllowingRule>],
) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            let (x, y) = (x.borrow(), y.borrow());
            x.policy_ref == y.policy_ref
                && x.direction == y.direction
                && x.rule_index == y.rule_index
                && x.peer_index == y.peer_index
                && x.port_index == y.port_index
        })
}
