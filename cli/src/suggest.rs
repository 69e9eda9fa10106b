//! `netpol suggest`: the smallest NetworkPolicy addition that allows (or, with `--block`,
//! blocks) one flow, proved by the engine before it is printed.
//! Exit status: 0 a suggestion, 1 nothing to do (already allowed / already blocked), 2 no
//! NetworkPolicy addition can do it (or an input error).

use serde::Serialize;

use engine::suggest::{suggest_allow, suggest_block, FlowChange, ProposedPolicy, SuggestOutcome};
use engine::{Options, Protocol};

use crate::port_arg::PortArg;

/// Formats of `suggest`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SuggestOutput {
    Text,
    Json,
    /// The policies only, ready for `kubectl apply -f -`.
    Yaml,
}

/// `suggest --output json` (README "suggest").
#[derive(Debug, Serialize)]
struct SuggestOut<'a> {
    from: String,
    to: String,
    port: u16,
    protocol: &'static str,
    /// `allow` or `block`.
    action: &'static str,
    /// `suggested`, `nothing-to-do` or `impossible`.
    result: &'static str,
    policies: &'a [ProposedPolicy],
    opens: &'a [FlowChange],
    closes: &'a [FlowChange],
    beyond: &'a [FlowChange],
    yaml: &'a str,
    notes: &'a [String],
    /// `impossible`: `{kind, message}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<serde_json::Value>,
}

#[allow(clippy::too_many_arguments)] // the subcommand's flags
pub fn run(
    files: &[String],
    options: &Options,
    from: &str,
    to: &str,
    port: &PortArg,
    protocol: Protocol,
    block: bool,
    output: SuggestOutput,
) -> u8 {
    let Some((a, f, t, number)) = crate::inputs::flow(files, from, to, port, protocol) else {
        return 2;
    };
    let outcome = if block {
        suggest_block(&a, options, f, t, number, protocol)
    } else {
        suggest_allow(&a, options, f, t, number, protocol)
    };
    let flow = format!(
        "{} → {} port {number}/{protocol}",
        a.target_name(f),
        a.target_name(t)
    );
    let (action, done) = if block {
        ("block", "already blocked")
    } else {
        ("allow", "already allowed")
    };
    let empty = (Vec::new(), Vec::new());
    let (result, code, s, reason) = match &outcome {
        SuggestOutcome::Suggested(s) => ("suggested", 0, Some(s), None),
        SuggestOutcome::Nothing => ("nothing-to-do", 1, None, None),
        SuggestOutcome::Impossible(i) => ("impossible", 2, None, Some(i)),
    };
    match output {
        SuggestOutput::Json => {
            let reason = reason.map(|i| {
                let mut v = serde_json::to_value(i).unwrap_or(serde_json::Value::Null);
                if let Some(m) = v.as_object_mut() {
                    m.insert("message".to_string(), i.message().into());
                }
                v
            });
            crate::print_json(&SuggestOut {
                from: a.target_name(f),
                to: a.target_name(t),
                port: number,
                protocol: protocol.as_str(),
                action,
                result,
                policies: s.map_or(&[][..], |s| &s.policies),
                opens: s.map_or(&empty.1[..], |s| &s.opens),
                closes: s.map_or(&empty.1[..], |s| &s.closes),
                beyond: s.map_or(&empty.1[..], |s| &s.beyond),
                yaml: s.map_or("", |s| &s.yaml),
                notes: s.map_or(&empty.0[..], |s| &s.notes),
                reason,
            });
        }
        SuggestOutput::Yaml => match (s, reason) {
            (Some(s), _) => out!("{}", s.yaml),
            (None, Some(i)) => eprintln!("{flow}: {}", i.message()),
            (None, None) => eprintln!("{flow}: {done}; nothing to add"),
        },
        SuggestOutput::Text => match (s, reason) {
            (Some(s), _) => {
                let n = s.policies.len();
                outln!(
                    "{flow}: add {n} NetworkPolic{} to {action} it (proved: analysed again with {}):",
                    if n == 1 { "y" } else { "ies" },
                    if n == 1 { "it" } else { "them" }
                );
                outln!();
                out!("{}", s.yaml);
                outln!();
                list("it opens", &s.opens);
                list("it closes", &s.closes);
                if !s.beyond.is_empty() {
                    list(
                        "beyond the pods indistinguishable from the two ends",
                        &s.beyond,
                    );
                }
                for note in &s.notes {
                    outln!("note: {note}");
                }
            }
            (None, Some(i)) => outln!("{flow}: {}", i.message()),
            (None, None) => outln!("{flow}: {done}; nothing to add"),
        },
    }
    code
}

fn list(title: &str, flows: &[FlowChange]) {
    if flows.is_empty() {
        outln!("{title}: nothing");
        return;
    }
    outln!(
        "{title} {} connection{}:",
        flows.len(),
        if flows.len() == 1 { "" } else { "s" }
    );
    for f in flows {
        outln!("  {} → {}: {}", f.from, f.to, f.ports);
    }
}
