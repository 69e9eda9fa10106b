//! `netpol check` and `netpol explain`.

use serde_json::{json, Value};

use engine::evaluate::{Endpoint, Outcome, RuleRef};
use engine::expect::{parse_expectations, Expectation};
use engine::{Analysis, Protocol, Verdict};

use crate::Output;

fn load_assertions(path: &str) -> Result<Vec<Expectation>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    parse_expectations(&text).map_err(|e| format!("{path}:{e}"))
}

pub fn run(files: &[String], expect: &str, output: Output) -> u8 {
    let assertions = match load_assertions(expect) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let Some(a) = crate::inputs::analyse(files) else {
        return 2;
    };

    let mut results = Vec::new();
    let mut errors = Vec::new();
    let (mut passed, mut failed) = (0usize, 0usize);
    let mut text = String::new();
    for asr in &assertions {
        let (from, to) = match (a.resolve(&asr.from), a.resolve(&asr.to)) {
            (Ok(f), Ok(t)) => (f, t),
            (f, t) => {
                for e in [f.err(), t.err()].into_iter().flatten() {
                    let msg = format!("{expect}:{}:{}: {e}", asr.line, asr.col);
                    eprintln!("error: {msg}");
                    errors.push(msg);
                }
                continue;
            }
        };
        let v = a.verdict(from, to, asr.port, asr.protocol);
        let explanation = a.explain(&v);
        let pass = v.allowed == asr.allowed;
        if pass {
            passed += 1;
        } else {
            failed += 1;
            text.push_str(&format!(
                "FAIL {expect}:{}: {} → {} port {}/{}: expected {}, got {}\n{}\n",
                asr.line,
                asr.from,
                asr.to,
                asr.port,
                asr.protocol,
                word(asr.allowed),
                v.outcome_word(),
                indent(&explanation)
            ));
        }
        results.push(json!({
            "from": asr.from,
            "to": asr.to,
            "port": asr.port,
            "protocol": asr.protocol.as_str(),
            "expected": asr.allowed,
            "actual": v.allowed,
            "pass": pass,
            "explanation": explanation,
            "line": asr.line,
            "cni_dependent": !v.flags.is_empty(),
        }));
    }
    match output {
        Output::Json => {
            let v =
                json!({"results": results, "passed": passed, "failed": failed, "errors": errors});
            outln!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        Output::Text => {
            out!("{text}");
            outln!("{passed} passed, {failed} failed");
        }
    }
    if !errors.is_empty() {
        2
    } else {
        u8::from(failed > 0)
    }
}

fn word(allowed: bool) -> &'static str {
    if allowed {
        "allowed"
    } else {
        "blocked"
    }
}

fn indent(s: &str) -> String {
    s.lines().map(|l| format!("    {l}\n")).collect()
}

fn rule_json(a: &Analysis, r: &RuleRef) -> Value {
    let policy = a.cluster.policies.get(r.policy);
    let line = policy
        .and_then(|p| p.rules(r.direction).get(r.rule))
        .map(|rule| rule.span.start.line);
    json!({
        "policy": policy.map(|p| p.qualified()),
        "direction": r.direction.as_str(),
        "rule_index": r.rule,
        "peer_index": r.peer,
        "port_index": r.port,
        "line": line,
    })
}

fn outcome_json(a: &Analysis, o: &Outcome) -> Value {
    let names = |ids: &[usize]| -> Vec<String> {
        ids.iter()
            .filter_map(|&i| a.cluster.policies.get(i).map(|p| p.qualified()))
            .collect()
    };
    match o {
        Outcome::NotAsked => json!({"result": "not-asked"}),
        Outcome::SelfTraffic => json!({"result": "self"}),
        Outcome::NotIsolated => json!({"result": "not-isolated"}),
        Outcome::Allowed { isolating, by } => {
            json!({"result": "allowed", "isolating": names(isolating), "rule": rule_json(a, by)})
        }
        Outcome::Denied { isolating, .. } => {
            json!({"result": "denied", "isolating": names(isolating)})
        }
    }
}

pub fn verdict_json(a: &Analysis, v: &Verdict) -> Value {
    let ep = |e: Endpoint| a.endpoint_name(e);
    json!({
        "from": a.target_name(v.from),
        "to": a.target_name(v.to),
        "port": v.port,
        "protocol": v.protocol.as_str(),
        "allowed": v.allowed,
        "explanation": a.explain(v),
        "hops": v.hops.iter().map(|h| json!({
            "from": ep(h.src),
            "to": ep(h.dst),
            "port": h.port,
            "allowed": h.allowed,
            "egress": outcome_json(a, &h.egress),
            "ingress": outcome_json(a, &h.ingress),
        })).collect::<Vec<_>>(),
        "cni_dependent": v.flags.iter().map(|f| f.sentence()).collect::<Vec<_>>(),
    })
}

pub fn explain(
    files: &[String],
    from: &str,
    to: &str,
    port: u16,
    protocol: Protocol,
    output: Output,
) -> u8 {
    let Some(a) = crate::inputs::analyse(files) else {
        return 2;
    };
    let (f, t) = match (a.resolve(from), a.resolve(to)) {
        (Ok(f), Ok(t)) => (f, t),
        (f, t) => {
            for e in [f.err(), t.err()].into_iter().flatten() {
                eprintln!("error: {e}");
            }
            return 2;
        }
    };
    let v = a.verdict(f, t, port, protocol);
    match output {
        Output::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&verdict_json(&a, &v)).unwrap_or_default()
        ),
        Output::Text => out!("{}", a.explain(&v)),
    }
    0
}
