//! `netpol explain`: one verdict with its explanation. Exit status as `kubectl auth can-i`:
//! 0 allowed, 1 blocked, 2 error.

use serde::Serialize;

use engine::{Analysis, Protocol, Verdict};

use crate::port_arg::PortArg;
use crate::Output;

/// `explain --output json`, and each result's verdict in `check` (README "explain").
#[derive(Debug, Serialize)]
pub struct VerdictOut {
    pub from: String,
    pub to: String,
    pub port: u16,
    /// The name given with `--port`, when a name was given (resolved to `port`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port_name: Option<String>,
    pub protocol: &'static str,
    pub allowed: bool,
    pub explanation: String,
    pub hops: Vec<HopOut>,
    pub cni_dependent: Vec<String>,
    #[serde(flatten)]
    pub typed: TypedOut,
}

/// The typed top-level fields of [`engine::explanation::Explanation`], next to the older ones
/// (README "explain"): `outcome`, `note`, `problem`, `service`, `flags`.
#[derive(Debug, Serialize)]
pub struct TypedOut {
    /// `allowed`, `blocked`, or `no pods behind `ns/svc``.
    pub outcome: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Why nothing could be evaluated: `{"kind","message"}` (e.g. `no-backing-pods`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<engine::explanation::ProblemExplanation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<engine::explanation::ServiceTranslation>,
    /// Typed caveats `{kind, subject, sentence}` (the sentences of `cni_dependent`).
    pub flags: Vec<engine::explanation::Flag>,
}

/// The engine's explanation of `v`, split into the hops and the typed top-level fields.
pub fn typed_out(a: &Analysis, v: &Verdict) -> (Vec<HopOut>, TypedOut) {
    let e = a.explanation(v);
    (
        e.hops,
        TypedOut {
            outcome: e.outcome,
            note: e.note,
            problem: e.problem,
            service: e.service,
            flags: e.flags,
        },
    )
}

/// One evaluated pod pair: the engine's typed explanation, serialized as is (README "explain").
pub type HopOut = engine::explanation::HopExplanation;

pub fn verdict_out(a: &Analysis, v: &Verdict, port_name: Option<String>) -> VerdictOut {
    let (hops, typed) = typed_out(a, v);
    VerdictOut {
        from: a.target_name(v.from),
        to: a.target_name(v.to),
        port: v.port,
        port_name,
        protocol: v.protocol.as_str(),
        allowed: v.allowed,
        explanation: a.explain(v),
        hops,
        cni_dependent: v.flags.iter().map(|f| f.sentence()).collect(),
        typed,
    }
}

pub fn run(
    files: &[String],
    from: &str,
    to: &str,
    port: &PortArg,
    protocol: Protocol,
    output: Output,
) -> u8 {
    let Some((a, f, t, number)) = crate::inputs::flow(files, from, to, port, protocol) else {
        return 2;
    };
    let v = a.verdict(f, t, number, protocol);
    let port_name = match port {
        PortArg::Name(n) => Some(n.clone()),
        PortArg::Number(_) => None,
    };
    match output {
        Output::Json => crate::print_json(&verdict_out(&a, &v, port_name)),
        Output::Text => {
            if let Some(n) = &port_name {
                outln!(
                    "port `{n}` is {number}/{protocol} on `{}`",
                    a.target_name(t)
                );
            }
            out!(
                "{}",
                crate::render::paint_verdicts(&a.explain(&v), crate::render::stdout_colour())
            );
        }
    }
    if v.allowed {
        0
    } else {
        1
    }
}
