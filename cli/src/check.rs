//! `netpol check`: expected verdicts (an assertion file) against the manifests. Every bad
//! assertion is reported and counted (`N not evaluated`); the others are still evaluated.

use serde::Serialize;

use engine::expect::{parse_expectations_all, ExpectError, Expectation};
use engine::Analysis;

use crate::explain::{typed_out, HopOut, TypedOut};
use crate::port_arg::{resolve_for, PortArg};
use crate::Output;

/// `check --output json` (README "check").
#[derive(Debug, Serialize)]
struct CheckOut {
    results: Vec<ResultOut>,
    passed: usize,
    failed: usize,
    /// `file:line:col: message`, one per bad assertion field (strings, as before).
    errors: Vec<String>,
    /// The same, structured.
    error_details: Vec<ErrorOut>,
    not_evaluated: usize,
}

#[derive(Debug, Serialize)]
struct ResultOut {
    from: String,
    to: String,
    port: u16,
    /// `port: http` in the assertion: the name, resolved to `port`.
    #[serde(skip_serializing_if = "Option::is_none")]
    port_name: Option<String>,
    protocol: &'static str,
    expected: bool,
    actual: bool,
    pass: bool,
    explanation: String,
    line: u32,
    cni_dependent: bool,
    /// The evaluated pod pairs, as in `explain --output json`.
    hops: Vec<HopOut>,
    /// `outcome` (the text report's word: "blocked", "no pods behind `ns/svc`"), `problem`,
    /// `service`, `flags`, as in `explain --output json`.
    #[serde(flatten)]
    typed: TypedOut,
}

/// An assertion that could not be evaluated: where (in the assertion file) and why.
#[derive(Debug, Serialize)]
struct ErrorOut {
    file: String,
    line: u32,
    column: u32,
    message: String,
}

impl ErrorOut {
    fn new(file: &str, (line, column): (u32, u32), message: String) -> ErrorOut {
        ErrorOut {
            file: file.to_string(),
            line,
            column,
            message,
        }
    }

    fn from_expect(file: &str, e: ExpectError) -> ErrorOut {
        ErrorOut::new(file, (e.line, e.col), e.message)
    }
}

/// The assertions, the problems of the bad ones and how many entries were bad; `Err` when the
/// file is unusable.
fn load(path: &str) -> Result<(Vec<Expectation>, Vec<ErrorOut>, usize), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let (ok, bad) = parse_expectations_all(&text).map_err(|e| format!("{path}:{e}"))?;
    let bad_entries = bad.len();
    let errors = bad
        .into_iter()
        .flatten()
        .map(|e| ErrorOut::from_expect(path, e))
        .collect();
    Ok((ok, errors, bad_entries))
}

/// Each assertion's outcome, or the reasons it could not be evaluated.
fn evaluate(a: &Analysis, path: &str, asr: &Expectation) -> Result<ResultOut, Vec<ErrorOut>> {
    let (from, to) = match (a.resolve(&asr.from), a.resolve(&asr.to)) {
        (Ok(f), Ok(t)) => (f, t),
        (f, t) => {
            let mut errors = Vec::new();
            if let Err(e) = f {
                errors.push(ErrorOut::new(path, asr.from_pos, e.to_string()));
            }
            if let Err(e) = t {
                errors.push(ErrorOut::new(path, asr.to_pos, e.to_string()));
            }
            return Err(errors);
        }
    };
    let port = match &asr.port_name {
        None => asr.port,
        Some(name) => resolve_for(a, to, &PortArg::Name(name.clone()), asr.protocol)
            .map_err(|e| vec![ErrorOut::new(path, (asr.line, asr.col), e)])?,
    };
    let v = a.verdict(from, to, port, asr.protocol);
    let (hops, typed) = typed_out(a, &v);
    Ok(ResultOut {
        from: asr.from.clone(),
        to: asr.to.clone(),
        port,
        port_name: asr.port_name.clone(),
        protocol: asr.protocol.as_str(),
        expected: asr.allowed,
        actual: v.allowed,
        pass: v.allowed == asr.allowed,
        explanation: a.explain(&v),
        line: asr.line,
        cni_dependent: !v.flags.is_empty(),
        hops,
        typed,
    })
}

pub fn run(files: &[String], expect: &str, output: Output) -> u8 {
    let (assertions, mut errors, mut not_evaluated) = match load(expect) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let Some(a) = crate::inputs::analyse(files) else {
        return 2;
    };
    let mut results = Vec::new();
    for asr in &assertions {
        match evaluate(&a, expect, asr) {
            Ok(r) => results.push(r),
            Err(mut es) => {
                not_evaluated += 1;
                errors.append(&mut es);
            }
        }
    }
    errors.sort_by_key(|e| (e.line, e.column));
    for e in &errors {
        eprintln!("error: {}:{}:{}: {}", e.file, e.line, e.column, e.message);
    }
    let passed = results.iter().filter(|r| r.pass).count();
    let failed = results.len() - passed;
    let report = CheckOut {
        passed,
        failed,
        not_evaluated,
        errors: errors
            .iter()
            .map(|e| format!("{}:{}:{}: {}", e.file, e.line, e.column, e.message))
            .collect(),
        error_details: errors,
        results,
    };
    match output {
        Output::Json => crate::print_json(&report),
        Output::Text => {
            let mut text = String::new();
            for r in report.results.iter().filter(|r| !r.pass) {
                text.push_str(&format!(
                    "FAIL {expect}:{}: {} → {} port {}/{}: expected {}, got {}\n{}\n",
                    r.line,
                    r.from,
                    r.to,
                    r.port,
                    r.protocol,
                    word(r.expected),
                    r.typed.outcome,
                    indent(&r.explanation)
                ));
            }
            out!(
                "{}",
                crate::render::paint_verdicts(&text, crate::render::stdout_colour())
            );
            if report.not_evaluated > 0 {
                outln!(
                    "{passed} passed, {failed} failed, {} not evaluated",
                    report.not_evaluated
                );
            } else {
                outln!("{passed} passed, {failed} failed");
            }
        }
    }
    if report.not_evaluated > 0 {
        // An assertion that names nothing (or is malformed) is an error of the input, as
        // documented: exit 2, after every other assertion has still been evaluated and reported.
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
