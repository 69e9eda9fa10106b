//! A step's goals against manifests: which are met, and why (from the engine's explanation of
//! the verdict). Pure, so the page re-checks them on every analysis and `lesson check` uses the
//! same code.

use std::collections::{BTreeMap, BTreeSet};

use crate::analysis::{analyze, Analysis, Target, Verdict};
use crate::connectivity::outside_ranges;
use crate::evaluate::Endpoint;
use crate::lesson::locked::{compare, LockedStatus};
use crate::lesson::{FlowGoal, GoalKind, GoalPort, Lesson, Step};
use crate::model::{PodId, TargetPort};
use crate::ports::Protocol;
use crate::span::{Source, Span};

/// Offending flows kept (with their explanation) per least-privilege goal; the rest are counted.
pub const MAX_OFFENDING: usize = 20;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GoalState {
    Met,
    Unmet,
    /// A name (or port name) of the goal designates nothing in the manifests.
    Unresolved,
}

/// A name in a goal that designates nothing, with where it is in the lesson file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameError {
    pub name: String,
    pub message: String,
    pub span: Span,
}

/// A flow a least-privilege goal forbids but the manifests allow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OffendingFlow {
    /// The source: a pod, or an outside range's representative address.
    pub src: Endpoint,
    /// The protected pod reached.
    pub dst: PodId,
    /// A pod (`ns/name`) or an outside range (its CIDR).
    pub from: String,
    pub to: String,
    pub port: u16,
    pub protocol: Protocol,
    /// Why it is allowed (the engine's explanation).
    pub explanation: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoalStatus {
    /// 0-based, in file order.
    pub index: usize,
    pub label: String,
    pub state: GoalState,
    /// One line: why the goal is met or not.
    pub reason: String,
    /// The engine's full explanation (flow goals; the first offending flow's for least privilege).
    pub explanation: String,
    /// Flow goals: the verdict (its hops select the flow in the graph).
    pub verdict: Option<Verdict>,
    pub unresolved: Vec<NameError>,
    pub offending: Vec<OffendingFlow>,
    /// All offending flows (only [`MAX_OFFENDING`] are kept in `offending`).
    pub offending_total: usize,
}

impl GoalStatus {
    pub fn met(&self) -> bool {
        self.state == GoalState::Met
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepStatus {
    pub goals: Vec<GoalStatus>,
    pub locked: Vec<LockedStatus>,
    /// Every goal met and every locked object kept (a reading step is always complete).
    pub complete: bool,
}

/// Evaluates step `step` (0-based) of `lesson` on the manifests of `a` (the learner's text).
/// `None` when there is no such step.
pub fn evaluate_step(lesson: &Lesson, step: usize, a: &Analysis) -> Option<StepStatus> {
    let s = lesson.steps.get(step)?;
    let text: Vec<&str> = a.sources.iter().map(|s| s.text.as_str()).collect();
    let locked = compare(&s.locked, &lesson.start_text(step), &text.join("\n---\n"));
    Some(status(s, a, locked))
}

/// [`evaluate_step`] on a manifest text.
pub fn evaluate_step_text(lesson: &Lesson, step: usize, text: &str) -> Option<StepStatus> {
    evaluate_step(lesson, step, &analyze(&[Source::new("manifests", text)]))
}

fn status(step: &Step, a: &Analysis, locked: Vec<LockedStatus>) -> StepStatus {
    let goals: Vec<GoalStatus> = step
        .goals
        .iter()
        .enumerate()
        .map(|(index, g)| {
            let mut st = match &g.kind {
                GoalKind::Flow(f) => flow_goal(a, f),
                GoalKind::LeastPrivilege { targets } => least_privilege(a, step, targets),
            };
            st.index = index;
            st.label = g.label();
            st
        })
        .collect();
    let complete = goals.iter().all(GoalStatus::met) && locked.iter().all(LockedStatus::kept);
    StepStatus {
        goals,
        locked,
        complete,
    }
}

fn blank(state: GoalState, reason: String) -> GoalStatus {
    GoalStatus {
        index: 0,
        label: String::new(),
        state,
        reason,
        explanation: String::new(),
        verdict: None,
        unresolved: Vec::new(),
        offending: Vec::new(),
        offending_total: 0,
    }
}

fn unresolved(errors: Vec<NameError>) -> GoalStatus {
    let reason = errors
        .iter()
        .map(|e| e.message.clone())
        .collect::<Vec<_>>()
        .join("; ");
    let mut st = blank(GoalState::Unresolved, reason);
    st.unresolved = errors;
    st
}

/// The number a goal's port stands for on the way to `to` (a name is resolved where
/// Kubernetes resolves it: the Service's port names, or the destination pods' container ports).
fn port_number(
    a: &Analysis,
    to: Target,
    port: &GoalPort,
    protocol: Protocol,
) -> Result<u16, String> {
    let name = match port {
        GoalPort::Number(n) => return Ok(*n),
        GoalPort::Name(n) => n,
    };
    let to_name = a.target_name(to);
    match to {
        Target::External(_) => Err(format!(
            "port name `{name}` needs a pod or Service destination, not `{to_name}`"
        )),
        Target::Service(sid) => a
            .cluster
            .services
            .get(sid)
            .and_then(|s| {
                s.ports
                    .iter()
                    .find(|p| p.name.as_deref() == Some(name.as_str()) && p.protocol == protocol)
            })
            .map(|p| p.port)
            .ok_or_else(|| format!("`{to_name}` has no {protocol} port named `{name}`")),
        Target::Pod(_) | Target::Workload(_) => {
            let numbers: BTreeSet<Option<u16>> = a
                .endpoints(to)
                .into_iter()
                .map(|e| match e {
                    Endpoint::Pod(p) => a
                        .cluster
                        .pods
                        .get(p)
                        .and_then(|p| p.named_port(name, protocol)),
                    Endpoint::External(_) => None,
                })
                .collect();
            match numbers.into_iter().collect::<Vec<_>>().as_slice() {
                [Some(n)] => Ok(*n),
                [] | [None] => Err(format!("`{to_name}` has no {protocol} port named `{name}`")),
                _ => Err(format!(
                    "port `{name}` is not the same number on every pod of `{to_name}`"
                )),
            }
        }
    }
}

/// Resolves a goal's endpoints and port, or the name errors.
fn resolve_flow(a: &Analysis, g: &FlowGoal) -> Result<(Target, Target, u16), Vec<NameError>> {
    let mut errors = Vec::new();
    let from = a.resolve(&g.from).map_err(|e| {
        errors.push(NameError {
            name: g.from.clone(),
            message: e.to_string(),
            span: g.from_span,
        })
    });
    let to = a.resolve(&g.to).map_err(|e| {
        errors.push(NameError {
            name: g.to.clone(),
            message: e.to_string(),
            span: g.to_span,
        })
    });
    let (Ok(from), Ok(to)) = (from, to) else {
        return Err(errors);
    };
    match port_number(a, to, &g.port, g.protocol) {
        Ok(p) => Ok((from, to, p)),
        Err(message) => Err(vec![NameError {
            name: g.port.to_string(),
            message,
            span: g.to_span,
        }]),
    }
}

fn flow_goal(a: &Analysis, g: &FlowGoal) -> GoalStatus {
    let (from, to, port) = match resolve_flow(a, g) {
        Ok(x) => x,
        Err(e) => return unresolved(e),
    };
    let v = a.verdict(from, to, port, g.protocol);
    let explanation = a.explain(&v);
    let met = v.allowed == g.allowed;
    let want = if g.allowed { "allowed" } else { "blocked" };
    let reason = match (met, v.allowed) {
        (true, _) => format!("{want}, as wanted: {}", key_line(&explanation, v.allowed)),
        (false, true) => format!(
            "should be blocked, but it is allowed: {}",
            key_line(&explanation, true)
        ),
        (false, false) => format!(
            "should be allowed, but it is blocked: {}",
            key_line(&explanation, false)
        ),
    };
    let mut st = blank(
        if met {
            GoalState::Met
        } else {
            GoalState::Unmet
        },
        reason,
    );
    st.explanation = explanation;
    st.verdict = Some(v);
    st
}

/// The decisive line of an explanation: the first denial (with the reason under it) when
/// blocked; when allowed, what let the destination (or the source) accept it.
fn key_line(explanation: &str, allowed: bool) -> String {
    let lines: Vec<&str> = explanation.lines().skip(1).map(str::trim).collect();
    if !allowed {
        if let Some(i) = lines.iter().position(|l| l.contains(": DENIED")) {
            let mut s = lines
                .get(i)
                .copied()
                .unwrap_or("")
                .trim_end_matches(':')
                .to_string();
            if let Some(next) = lines.get(i + 1).filter(|l| l.starts_with("- ")) {
                s.push_str(": ");
                s.push_str(next.trim_start_matches("- "));
            }
            return s;
        }
        return lines.first().copied().unwrap_or("").to_string();
    }
    lines
        .iter()
        .find(|l| l.starts_with("ingress of") && !l.contains("not governed"))
        .or_else(|| lines.iter().find(|l| l.starts_with("egress of")))
        .or(lines.first())
        .copied()
        .unwrap_or("")
        .to_string()
}

/// The destination pods of a target, with the port each one sees (a Service's targetPort).
fn destination_ports(a: &Analysis, to: Target, port: u16, protocol: Protocol) -> Vec<(PodId, u16)> {
    match to {
        Target::Service(sid) => {
            let Some(sp) = a.cluster.services.get(sid).and_then(|s| {
                s.ports
                    .iter()
                    .find(|p| p.port == port && p.protocol == protocol)
            }) else {
                return Vec::new();
            };
            a.service_pods(sid)
                .into_iter()
                .filter_map(|pid| {
                    let t = match &sp.target {
                        TargetPort::Number(n) => Some(*n),
                        TargetPort::Name(n) => a.cluster.pods.get(pid)?.named_port(n, protocol),
                    };
                    t.map(|t| (pid, t))
                })
                .collect()
        }
        other => a
            .endpoints(other)
            .into_iter()
            .filter_map(|e| match e {
                Endpoint::Pod(p) => Some((p, port)),
                Endpoint::External(_) => None,
            })
            .collect(),
    }
}

type Flow = (Endpoint, PodId, u16, Protocol);

fn least_privilege(a: &Analysis, step: &Step, targets: &[(String, Span)]) -> GoalStatus {
    // The protected pods.
    let mut errors = Vec::new();
    let mut protected: BTreeSet<PodId> = BTreeSet::new();
    for (name, span) in targets {
        match a.resolve(name) {
            Ok(t) => protected.extend(a.endpoints(t).into_iter().filter_map(|e| match e {
                Endpoint::Pod(p) => Some(p),
                Endpoint::External(_) => None,
            })),
            Err(e) => errors.push(NameError {
                name: name.clone(),
                message: e.to_string(),
                span: *span,
            }),
        }
    }
    if !errors.is_empty() {
        return unresolved(errors);
    }
    // Outside sources: the address ranges the policies name, each by its representative.
    let ranges = outside_ranges(a);
    let region_of = |ip: std::net::IpAddr| {
        ranges
            .iter()
            .filter(|r| r.cidr.contains(ip))
            .max_by_key(|r| r.cidr.prefix)
            .map(|r| r.representative)
    };
    // Flows the step's `allowed: true` goals name (whether or not they are allowed yet).
    let mut covered: BTreeSet<Flow> = BTreeSet::new();
    for g in &step.goals {
        let GoalKind::Flow(f) = &g.kind else { continue };
        if !f.allowed {
            continue;
        }
        let Ok((from, to, port)) = resolve_flow(a, f) else {
            continue;
        };
        let mut sources = a.endpoints(from);
        if let Target::External(ip) = from {
            sources.extend(region_of(ip).map(Endpoint::External));
        }
        for (dst, p) in destination_ports(a, to, port, f.protocol) {
            for &s in &sources {
                covered.insert((s, dst, p, f.protocol));
            }
        }
    }
    // The ports each protected pod declares: container ports, the targetPorts of Services in
    // front of it, and the ports the goals name.
    let mut ports: BTreeMap<PodId, BTreeSet<(u16, Protocol)>> = BTreeMap::new();
    for &pid in &protected {
        let Some(pod) = a.cluster.pods.get(pid) else {
            continue;
        };
        let set = ports.entry(pid).or_default();
        set.extend(pod.ports.iter().map(|p| (p.port, p.protocol)));
        for svc in a.cluster.services.iter().filter(|s| s.selects(pod)) {
            for sp in &svc.ports {
                let t = match &sp.target {
                    TargetPort::Number(n) => Some(*n),
                    TargetPort::Name(n) => pod.named_port(n, sp.protocol),
                };
                set.extend(t.map(|t| (t, sp.protocol)));
            }
        }
    }
    for &(_, dst, p, proto) in &covered {
        if let Some(set) = ports.get_mut(&dst) {
            set.insert((p, proto));
        }
    }
    let sources: Vec<(Endpoint, String)> = (0..a.cluster.pods.len())
        .map(|p| (Endpoint::Pod(p), a.endpoint_name(Endpoint::Pod(p))))
        .chain(
            ranges
                .iter()
                .map(|r| (Endpoint::External(r.representative), r.cidr.to_string())),
        )
        .collect();
    let mut offending = Vec::new();
    let mut total = 0usize;
    for (&dst, set) in &ports {
        for &(port, proto) in set {
            for (src, src_name) in &sources {
                if *src == Endpoint::Pod(dst) || covered.contains(&(*src, dst, port, proto)) {
                    continue;
                }
                if !a.hop(*src, Endpoint::Pod(dst), port, proto).allowed {
                    continue;
                }
                total += 1;
                if offending.len() < MAX_OFFENDING {
                    let from = match src {
                        Endpoint::Pod(p) => Target::Pod(*p),
                        Endpoint::External(ip) => Target::External(*ip),
                    };
                    let v = a.verdict(from, Target::Pod(dst), port, proto);
                    offending.push(OffendingFlow {
                        src: *src,
                        dst,
                        from: src_name.clone(),
                        to: a.endpoint_name(Endpoint::Pod(dst)),
                        port,
                        protocol: proto,
                        explanation: a.explain(&v),
                    });
                }
            }
        }
    }
    let checked: usize = ports.values().map(BTreeSet::len).sum();
    if protected.is_empty() {
        return blank(
            GoalState::Unmet,
            "it names no pod: there is nothing to protect".into(),
        );
    }
    match offending.first() {
        None => blank(
            GoalState::Met,
            format!(
                "only the flows the goals name reach {} pod{} ({} port{} checked from {} source{})",
                protected.len(),
                plural(protected.len()),
                checked,
                plural(checked),
                sources.len(),
                plural(sources.len())
            ),
        ),
        Some(first) => {
            let mut st = blank(
                GoalState::Unmet,
                format!(
                    "{total} flow{} no goal asks for {} allowed, e.g. {} → {} port {}/{}: {}",
                    plural(total),
                    if total == 1 { "is" } else { "are" },
                    first.from,
                    first.to,
                    first.port,
                    first.protocol,
                    key_line(&first.explanation, true)
                ),
            );
            st.explanation = first.explanation.clone();
            st.offending = offending;
            st.offending_total = total;
            st
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
