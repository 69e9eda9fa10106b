//! The explanation panel's view-model: the engine's typed [`Explanation`] laid out as the two
//! gates a flow passes (the source's egress, the destination's ingress), each part carrying the
//! exact source span it comes from. Pure data → data: no policy semantics here (which policy
//! isolates, which rule allowed, why a rule missed all come from the engine), only wording.

use std::collections::BTreeSet;

use engine::explanation::{
    AllowingRule, DirectionExplanation, Explanation, HopExplanation, MissExplanation,
    OtherDirection, ReasonExplanation, ReasonKind, SpanRef,
};

use crate::flows::Flow;
use crate::scene::{Derived, Scene};

/// A piece of text; `span`: clicking it highlights that range in the editor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    pub text: String,
    pub code: bool,
    pub span: Option<SpanRef>,
}

impl Part {
    fn text(t: impl Into<String>) -> Part {
        Part {
            text: t.into(),
            code: false,
            span: None,
        }
    }
    fn code(t: impl Into<String>) -> Part {
        Part {
            text: t.into(),
            code: true,
            span: None,
        }
    }
    fn at(mut self, span: &SpanRef) -> Part {
        // A span the engine could not locate (line 0) is not clickable.
        if span.line > 0 {
            self.span = Some(span.clone());
        }
        self
    }
}

/// `line:col-line:col`, the `data-span` hook.
pub fn span_attr(s: &SpanRef) -> String {
    format!("{}:{}-{}:{}", s.line, s.column, s.end_line, s.end_column)
}

/// What an item of a gate says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemKind {
    /// The policies that isolate the pod in this direction.
    Isolating,
    /// The rule that let the flow through.
    Allowing,
    /// An admin-tier rule that decided (accepts or denies).
    Tier,
    /// An admin Pass the flow went through.
    Passed,
    /// A rule of an isolating policy that did not match (its reasons follow).
    Miss,
    /// One reason a rule missed.
    Reason(ReasonKind),
    /// Why the direction is open (nothing isolates; a policy for the other direction only).
    Open,
}

impl ItemKind {
    /// The `data-reason-kind` value (reasons only).
    pub fn reason_kind(self) -> Option<&'static str> {
        match self {
            ItemKind::Reason(k) => Some(k.as_str()),
            _ => None,
        }
    }
    pub fn class(self) -> &'static str {
        match self {
            ItemKind::Isolating => "isolating",
            ItemKind::Allowing => "allowing",
            ItemKind::Tier => "tier-rule",
            ItemKind::Passed => "passed",
            ItemKind::Miss => "miss",
            ItemKind::Reason(_) => "reason",
            ItemKind::Open => "open",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub kind: ItemKind,
    pub parts: Vec<Part>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    Egress,
    Ingress,
}

impl Dir {
    pub fn as_str(self) -> &'static str {
        match self {
            Dir::Egress => "egress",
            Dir::Ingress => "ingress",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GateView {
    pub dir: Dir,
    /// The pod whose gate this is.
    pub subject: String,
    pub allowed: bool,
    /// `data-verdict`: `allowed`, `denied`, `not-isolated`, `self`, `not-asked`.
    pub verdict: &'static str,
    /// "✓ open", "✓ allowed", "✕ denied" — icon and word, never colour alone.
    pub headline: String,
    /// The deciding tier when the input has admin policies and an admin tier decided.
    pub tier: Option<&'static str>,
    pub items: Vec<Item>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HopView {
    pub from: String,
    pub to: String,
    pub port: u16,
    pub protocol: &'static str,
    pub allowed: bool,
    /// Through a Service: `svc port 80 → targetPort 8080` (resolved on this pod).
    pub service: Option<Vec<Part>>,
    pub pairs: usize,
    pub hairpin: bool,
    pub egress: GateView,
    pub ingress: GateView,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlowView {
    pub allowed: bool,
    pub outcome: String,
    pub note: Option<String>,
    pub problem: Option<String>,
    /// The Service port and what its targetPort resolved to.
    pub service: Option<Vec<Part>>,
    pub hops: Vec<HopView>,
    /// CNI caveats: (kind, sentence).
    pub flags: Vec<(&'static str, String)>,
}

/// One probed port of a flow: its decision, and the engine's prose of it (for "copy as text").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Probe {
    /// `80/TCP`.
    pub label: String,
    pub view: FlowView,
    pub text: String,
}

pub fn flow_view(e: &Explanation) -> FlowView {
    FlowView {
        allowed: e.allowed,
        outcome: e.outcome.clone(),
        note: e.note.clone(),
        problem: e.problem.as_ref().map(|p| p.message.clone()),
        service: e.service.as_ref().map(|s| {
            let resolved = s
                .resolved
                .iter()
                .map(|r| r.port.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            let mut v = vec![
                Part::text("Service "),
                Part::code(s.service.clone()),
                Part::text(" port "),
                Part::code(format!("{}/{}", s.port, s.protocol)).at(&s.span),
                Part::text(" → targetPort "),
                Part::code(s.target.clone()),
            ];
            if s.target != resolved && !resolved.is_empty() {
                v.push(Part::text(" = "));
                v.push(Part::code(resolved));
            }
            v
        }),
        hops: e.hops.iter().map(hop_view).collect(),
        flags: e
            .flags
            .iter()
            .map(|f| (f.kind, f.sentence.clone()))
            .collect(),
    }
}

pub fn hop_view(h: &HopExplanation) -> HopView {
    HopView {
        from: h.from.clone(),
        to: h.to.clone(),
        port: h.port,
        protocol: h.protocol,
        allowed: h.allowed,
        service: h.service.as_ref().map(|s| {
            let mut v = vec![
                Part::code(s.service.clone()),
                Part::text(format!(" port {} → targetPort ", s.port)),
                Part::code(s.target.clone()),
            ];
            if s.target != s.target_port.to_string() {
                v.push(Part::text(format!(" = {} on this pod", s.target_port)));
            }
            v
        }),
        pairs: h.pairs,
        hairpin: h.hairpin,
        egress: gate_view(Dir::Egress, &h.from, &h.egress, h),
        ingress: gate_view(Dir::Ingress, &h.to, &h.ingress, h),
    }
}

fn gate_view(dir: Dir, subject: &str, d: &DirectionExplanation, h: &HopExplanation) -> GateView {
    let mut items = Vec::new();
    let (verdict, headline, tier) = match d {
        DirectionExplanation::Allowed {
            isolating,
            isolating_spans,
            rule,
            tier,
            passed,
        } => {
            items.extend(passed.iter().map(passed_item));
            if rule.tier.is_some() {
                items.push(tier_item(rule, "accepts"));
            } else {
                items.push(isolating_item(isolating, isolating_spans));
                items.push(allowing_item(rule));
            }
            ("allowed", "✓ allowed", admin_tier(*tier))
        }
        DirectionExplanation::Denied {
            isolating,
            isolating_spans,
            misses,
            tier,
            passed,
            rule,
        } => {
            items.extend(passed.iter().map(passed_item));
            match rule {
                Some(r) => items.push(tier_item(r, "denies")),
                None => {
                    items.push(isolating_item(isolating, isolating_spans));
                    for m in misses {
                        items.push(miss_item(m));
                        items.extend(m.reasons.iter().map(|r| reason_item(r, h)));
                    }
                }
            }
            ("denied", "✕ denied", admin_tier(*tier))
        }
        DirectionExplanation::NotIsolated {
            other_direction_only,
            tier,
            passed,
        } => {
            items.extend(passed.iter().map(passed_item));
            if other_direction_only.is_empty() {
                items.push(Item {
                    kind: ItemKind::Open,
                    parts: vec![Part::text(if passed.is_empty() {
                        format!("no policy isolates it for {}", dir.as_str())
                    } else {
                        format!(
                            "no policy isolates it for {}: allowed by default",
                            dir.as_str()
                        )
                    })],
                });
            }
            items.extend(
                other_direction_only
                    .iter()
                    .map(|o| other_direction_item(o, subject, dir)),
            );
            ("not-isolated", "✓ not isolated", admin_tier(*tier))
        }
        DirectionExplanation::SelfTraffic => {
            items.push(Item {
                kind: ItemKind::Open,
                parts: vec![Part::text("a pod reaching itself: policies do not apply")],
            });
            ("self", "✓ itself", None)
        }
        DirectionExplanation::NotAsked => {
            items.push(Item {
                kind: ItemKind::Open,
                parts: vec![Part::text("outside the cluster: no policy of ours applies")],
            });
            ("not-asked", "✓ outside", None)
        }
    };
    GateView {
        dir,
        subject: subject.to_string(),
        allowed: d.allowed(),
        verdict,
        headline: headline.to_string(),
        tier,
        items,
    }
}

/// A tier worth a badge: an admin tier decided (not "NetworkPolicy" or "default").
fn admin_tier(t: Option<&'static str>) -> Option<&'static str> {
    t.filter(|t| matches!(*t, "Admin" | "Baseline"))
}

fn isolating_item(names: &[String], spans: &[SpanRef]) -> Item {
    let mut parts = vec![Part::text("isolated by ")];
    for (i, n) in names.iter().enumerate() {
        if i > 0 {
            parts.push(Part::text(", "));
        }
        let p = Part::code(n.clone());
        parts.push(match spans.get(i) {
            Some(s) => p.at(s),
            None => p,
        });
    }
    Item {
        kind: ItemKind::Isolating,
        parts,
    }
}

fn allowing_item(r: &AllowingRule) -> Item {
    let mut parts = vec![
        Part::text("allowed by "),
        Part::code(r.policy.clone()).at(&r.policy_span),
        Part::text(" "),
        Part::text(format!("{} rule {}", r.direction, r.rule_index + 1)).at(&r.span),
        Part::text(": "),
    ];
    let peer = Part::text(r.peer.replace('`', ""));
    parts.push(match &r.peer_span {
        Some(s) => peer.at(s),
        None => peer,
    });
    parts.push(Part::text(" · "));
    let ports = Part::text(r.ports.replace('`', ""));
    parts.push(match &r.port_span {
        Some(s) => ports.at(s),
        None => ports,
    });
    Item {
        kind: ItemKind::Allowing,
        parts,
    }
}

/// `ClusterNetworkPolicy `x` (Admin, priority 10), rule `r`, passes → …`.
fn admin_rule_parts(r: &AllowingRule, verb: &str) -> Vec<Part> {
    let mut parts = vec![
        Part::text(format!("{} ", r.kind.unwrap_or("admin policy"))),
        Part::code(r.policy.clone()).at(&r.policy_span),
    ];
    let mut meta: Vec<String> = r.tier.iter().map(ToString::to_string).collect();
    if let Some(p) = r.priority {
        meta.push(format!("priority {p}"));
    }
    if !meta.is_empty() {
        parts.push(Part::text(format!(" ({})", meta.join(", "))));
    }
    parts.push(Part::text(", "));
    parts.push(
        Part::text(match &r.rule_name {
            Some(n) => format!("rule {n}"),
            None => format!("{} rule {}", r.direction, r.rule_index + 1),
        })
        .at(&r.span),
    );
    parts.push(Part::text(format!(", {verb}")));
    parts
}

fn tier_item(r: &AllowingRule, verb: &str) -> Item {
    let mut parts = admin_rule_parts(r, verb);
    parts.push(Part::text(": "));
    let peer = Part::text(r.peer.replace('`', ""));
    parts.push(match &r.peer_span {
        Some(s) => peer.at(s),
        None => peer,
    });
    Item {
        kind: ItemKind::Tier,
        parts,
    }
}

fn passed_item(r: &AllowingRule) -> Item {
    let mut parts = admin_rule_parts(r, "passes");
    parts.push(Part::text(" →"));
    Item {
        kind: ItemKind::Passed,
        parts,
    }
}

fn miss_item(m: &MissExplanation) -> Item {
    let mut parts = vec![Part::code(m.policy.clone()).at(&m.policy_span)];
    match m.rule_index {
        Some(i) => {
            parts.push(Part::text(" "));
            parts.push(Part::text(format!("rule {}", i + 1)).at(&m.span));
            parts.push(Part::text(" does not match:"));
        }
        None => parts.push(Part::text(
            " has no rules for this direction: it allows nothing",
        )),
    }
    Item {
        kind: ItemKind::Miss,
        parts,
    }
}

/// `found` of a label reason is `app=web`, or `no app label` for an absent key.
fn has(found: &str) -> Vec<Part> {
    match found
        .strip_prefix("no ")
        .and_then(|k| k.strip_suffix(" label"))
    {
        Some(key) => vec![
            Part::text("no "),
            Part::code(key.to_string()),
            Part::text(" label"),
        ],
        None => vec![Part::code(found.to_string())],
    }
}

fn reason_item(r: &ReasonExplanation, h: &HopExplanation) -> Item {
    let (exp, found) = (r.expected.clone(), r.found.clone());
    let needs = |what: &str| Part::text(what.to_string()).at(&r.span);
    let mut parts = match r.kind {
        ReasonKind::PodLabel => {
            let mut v = vec![
                needs("needs "),
                Part::code(exp).at(&r.span),
                Part::text(" · has "),
            ];
            v.extend(has(&found));
            v
        }
        ReasonKind::NamespaceLabel => {
            let mut v = vec![
                needs("namespace needs "),
                Part::code(exp).at(&r.span),
                Part::text(" · has "),
            ];
            v.extend(has(&found));
            v
        }
        ReasonKind::OtherNamespace => vec![
            needs("only pods in "),
            Part::code(exp).at(&r.span),
            Part::text(" (no namespaceSelector) · is in "),
            Part::code(found),
        ],
        ReasonKind::NotAPod => vec![
            needs("selects pods"),
            Part::text(" · "),
            Part::code(found),
            Part::text(" is outside the cluster"),
        ],
        ReasonKind::Ipblock => vec![
            needs("allows "),
            Part::code(exp).at(&r.span),
            Part::text(" · "),
            Part::code(found),
            Part::text(" is not in it"),
        ],
        ReasonKind::IpblockExcept => vec![
            needs("allows "),
            Part::code(exp).at(&r.span),
            Part::text(" · except contains "),
            Part::code(found),
        ],
        ReasonKind::PodHasNoIp => vec![
            needs("ipBlock "),
            Part::code(exp).at(&r.span),
            Part::text(" · no IP given for "),
            Part::code(r.subject.clone()),
        ],
        ReasonKind::Port => vec![
            needs(&format!("opens {exp}")),
            Part::text(format!(" · dialled {found}")),
        ],
        ReasonKind::Protocol => vec![
            needs(&format!("is for {exp}")),
            Part::text(format!(" · dialled {found}")),
        ],
        ReasonKind::NamedPortUndefined => vec![
            needs("opens named port "),
            Part::code(r.port_name.clone().unwrap_or(exp)).at(&r.span),
            Part::text(format!(" · not defined for {} on ", h.protocol)),
            Part::code(r.subject.clone()),
        ],
        ReasonKind::NamedPortOther => vec![
            needs("opens named port "),
            Part::code(r.port_name.clone().unwrap_or_default()).at(&r.span),
            Part::text(format!(" = {exp} · dialled {found}")),
        ],
        // The miss line already says the policy allows nothing: only what is missing.
        ReasonKind::NoRules => vec![needs(&found)],
    };
    if let Some(n) = &r.service_port {
        parts.push(Part::text(format!(
            " (port {} is Service {}'s; the pod listens on {}, and policies see the pod's port)",
            n.port, n.service, n.target_port
        )));
    }
    Item {
        kind: ItemKind::Reason(r.kind),
        parts,
    }
}

fn other_direction_item(o: &OtherDirection, subject: &str, dir: Dir) -> Item {
    let only = o.types.join(", ").to_ascii_lowercase();
    let mut parts = vec![
        Part::code(o.policy.clone()).at(&o.span),
        Part::text(" selects "),
        Part::code(subject.to_string()),
        Part::text(format!(" for {only} only")),
    ];
    if o.defaulted {
        parts.push(Part::text(format!(
            ": policyTypes defaulted to [{}]",
            o.types.join(", ")
        )));
        if let Some(why) = &o.why {
            parts.push(Part::text(format!(" because {why}")));
        }
    }
    parts.push(Part::text(format!(" — {} stays open", dir.as_str())));
    Item {
        kind: ItemKind::Open,
        parts,
    }
}

/// Plain text of parts.
/// One of the two gates a flow passes: the source's egress, the destination's ingress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gate {
    pub allowed: bool,
    /// Short, for the graph: "✓ not isolated", "✓ allow-web", "✕ deny-by-default".
    pub short: String,
    /// e.g. "✓ no policy isolates it", "✕ deny-by-default isolates it; no rule allows 80/TCP".
    pub text: String,
}

/// The gates of a traced flow, from the engine's typed explanation of its first probed port
/// (the one the explanation leads with): every hop's outcome, summed per direction.
pub fn gates(d: &Derived, sc: &Scene, f: &Flow) -> Option<(Gate, Gate)> {
    use engine::explanation::{AllowingRule, DirectionExplanation, HopExplanation};
    let (src, dst) = (sc.nodes.get(f.from)?, sc.nodes.get(f.to)?);
    let &(port, proto) = f.probes.first()?;
    let v = d.eff.verdict(src.target, dst.target, port, proto);
    let e = d.eff.explanation(&v);
    // `allow-web` for a NetworkPolicy (`ns/` dropped: the graph is tight), `Kind name` for an
    // admin policy.
    let short = |n: &str| n.rsplit_once('/').map_or(n, |(_, b)| b).to_string();
    let rule_name = |r: &AllowingRule| match r.kind {
        Some(k) => format!("{k} {}", r.policy),
        None => short(&r.policy),
    };
    let gate = |pick: &dyn Fn(&HopExplanation) -> &DirectionExplanation| {
        let mut allowed = true;
        let (mut by, mut isolating, mut open) = (BTreeSet::new(), BTreeSet::new(), false);
        for h in e.hops.iter().filter(|h| !h.hairpin && h.from != h.to) {
            match pick(h) {
                DirectionExplanation::Allowed { rule, .. } => {
                    by.insert(rule_name(rule));
                }
                DirectionExplanation::Denied {
                    isolating: iso,
                    rule,
                    ..
                } => {
                    allowed = false;
                    match rule {
                        Some(r) => {
                            isolating.insert(rule_name(r));
                        }
                        None => isolating.extend(iso.iter().map(|n| short(n))),
                    }
                }
                DirectionExplanation::NotIsolated { .. } => open = true,
                DirectionExplanation::SelfTraffic | DirectionExplanation::NotAsked => {}
            }
        }
        let list = |s: &BTreeSet<String>| s.iter().cloned().collect::<Vec<_>>().join(", ");
        let text = if !allowed {
            format!(
                "✕ {} isolates it; no rule allows {port}/{proto}",
                list(&isolating)
            )
        } else if !by.is_empty() {
            format!("✓ allowed by {}", list(&by))
        } else if open {
            "✓ no policy isolates it".to_string()
        } else {
            "✓ not asked (outside the cluster)".to_string()
        };
        let short = if !allowed {
            format!("✕ {}", list(&isolating))
        } else if !by.is_empty() {
            format!("✓ {}", list(&by))
        } else if open {
            "✓ not isolated".to_string()
        } else {
            "✓ outside".to_string()
        };
        Gate {
            allowed,
            short,
            text,
        }
    };
    Some((gate(&|h| &h.egress), gate(&|h| &h.ingress)))
}

#[cfg(test)]
pub fn plain(parts: &[Part]) -> String {
    parts.iter().map(|p| p.text.as_str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flows::{evaluate_flows, pairs_to_draw, Focus};
    use crate::scene::build_scene;
    use crate::testing::{derived, example as text};
    use engine::{analyze, Protocol, Source, Target};

    fn explain(text: &str, from: &str, to: &str, port: u16) -> FlowView {
        let a = analyze(&[Source::new("editor", text.to_string())]);
        let t = |n: &str| {
            let i = a
                .cluster
                .pods
                .iter()
                .position(|p| format!("{}/{}", p.namespace, p.name) == n)
                .unwrap_or(usize::MAX);
            Target::Pod(i)
        };
        let v = a.verdict(t(from), t(to), port, Protocol::Tcp);
        flow_view(&a.explanation(&v))
    }

    const PODS: &str = "apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: default
  labels:
    app: frontend
spec:
  containers:
  - name: c
    image: x
---
apiVersion: v1
kind: Pod
metadata:
  name: api
  namespace: default
  labels:
    app: api
spec:
  containers:
  - name: c
    image: x
    ports:
    - containerPort: 8080
";

    #[test]
    fn a_near_miss_shows_both_reasons_with_spans() {
        let text = format!(
            "{PODS}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api-in
  namespace: default
spec:
  podSelector:
    matchLabels:
      app: api
  ingress:
  - from:
    - podSelector:
        matchLabels:
          app: api
    ports:
    - port: 9090
"
        );
        let f = explain(&text, "default/web", "default/api", 8080);
        assert!(!f.allowed);
        let hop = f.hops.first().cloned().expect("one hop");
        assert_eq!(hop.egress.verdict, "not-isolated");
        assert!(hop.egress.allowed);
        assert_eq!(hop.ingress.verdict, "denied");
        assert_eq!(hop.ingress.headline, "✕ denied");
        let kinds: Vec<_> = hop
            .ingress
            .items
            .iter()
            .filter_map(|i| i.kind.reason_kind())
            .collect();
        assert!(
            kinds.contains(&"pod-label") && kinds.contains(&"port"),
            "{kinds:?}"
        );
        let texts: Vec<String> = hop.ingress.items.iter().map(|i| plain(&i.parts)).collect();
        assert!(
            texts
                .iter()
                .any(|t| t == "needs app=api · has app=frontend"),
            "{texts:?}"
        );
        assert!(
            texts.iter().any(|t| t == "opens 9090 · dialled 8080"),
            "{texts:?}"
        );
        // The label reason points at the `matchLabels` entry in the rule, not the whole line.
        let label = hop
            .ingress
            .items
            .iter()
            .find(|i| i.kind == ItemKind::Reason(ReasonKind::PodLabel))
            .and_then(|i| i.parts.iter().find_map(|p| p.span.clone()))
            .expect("a span");
        let line = text.lines().nth(label.line as usize - 1).unwrap_or("");
        let picked: String = line
            .chars()
            .skip(label.column as usize - 1)
            .take((label.end_column - label.column) as usize)
            .collect();
        assert_eq!((label.line, picked.as_str()), (label.end_line, "app: api"));
    }

    #[test]
    fn an_ingress_only_policy_says_why_egress_is_open() {
        let text = format!(
            "{PODS}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny-by-default
  namespace: default
spec:
  podSelector: {{}}
"
        );
        let f = explain(&text, "default/web", "default/api", 8080);
        let hop = f.hops.first().cloned().expect("one hop");
        let open: Vec<String> = hop.egress.items.iter().map(|i| plain(&i.parts)).collect();
        assert_eq!(
            open,
            vec!["default/deny-by-default selects default/web for ingress only: policyTypes defaulted to [Ingress] because it has no egress rules — egress stays open"]
        );
        assert_eq!(hop.ingress.verdict, "denied");
        assert!(hop
            .ingress
            .items
            .iter()
            .any(|i| i.kind == ItemKind::Reason(ReasonKind::NoRules)));
        assert_eq!(
            span_attr(&SpanRef {
                file: String::new(),
                line: 3,
                column: 9,
                end_line: 3,
                end_column: 24
            }),
            "3:9-3:24"
        );
    }

    #[test]
    fn a_traced_flow_names_its_two_gates() {
        let d = derived(text("demo"), &[]);
        let deny = derived(&format!("{}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: deny-by-default, namespace: default}}\nspec: {{podSelector: {{}}}}\n", text("demo")), &[]);
        for (d, egress, ingress) in [
            (&d, "✓ no policy isolates it", "✓ no policy isolates it"),
            (
                &deny,
                "✓ no policy isolates it",
                "✕ deny-by-default isolates it; no rule allows 80/TCP",
            ),
        ] {
            let sc = build_scene(d, &BTreeSet::new());
            let (pairs, _) = pairs_to_draw(d, &sc, &Focus::All);
            let flows = evaluate_flows(d, &sc, &pairs, None);
            let n = |i: usize| {
                sc.nodes
                    .get(i)
                    .map(|n| n.id.to_string())
                    .unwrap_or_default()
            };
            let f = flows.iter().find(|f| {
                n(f.from) == "default/pod-centos"
                    && n(f.to) == "service:default/svc-clusterip-httpd"
            });
            let g = f.and_then(|f| gates(d, &sc, f));
            assert_eq!(
                g.map(|(e, i)| (e.text, i.text)),
                Some((egress.to_string(), ingress.to_string()))
            );
        }
    }
}
