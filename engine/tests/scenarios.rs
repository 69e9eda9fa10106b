#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code

//! Scenario corpora: our own (`tests/corpus/<case>/{manifests,expect}.yaml`, written from the
//! Kubernetes docs and well-known recipes) and the peer corpus in `../shared/conformance/np-guard`
//! when it is present. One test binary, one runner, every failure listed.

use std::path::{Path, PathBuf};

use std::collections::HashMap;

use engine::expect::parse_expectations;
use engine::explanation::DirectionExplanation;
use engine::Source;

/// `reasons_contain: [pod-label, port]` per expectation line: typed reason kinds the explanation of
/// that (denied) entry must contain. Read here, beside `explain_contains`, from the same file.
fn reasons_contain(expect_text: &str) -> HashMap<u32, Vec<String>> {
    let mut diags = Vec::new();
    let docs = engine::parse::yaml::parse_documents(0, expect_text, &mut diags);
    let mut out = HashMap::new();
    let items = docs
        .iter()
        .filter_map(|d| d.root.as_ref())
        .filter_map(|r| r.get("expect"))
        .filter_map(|e| e.as_seq())
        .flatten();
    for item in items {
        if let Some(kinds) = item.get("reasons_contain").and_then(|n| n.as_seq()) {
            out.insert(
                item.span.start.line,
                kinds
                    .iter()
                    .filter_map(|k| k.text().map(str::to_string))
                    .collect(),
            );
        }
    }
    out
}

/// Every reason kind in the typed explanation of a verdict.
fn reason_kinds(e: &engine::explanation::Explanation) -> Vec<&'static str> {
    let mut kinds = Vec::new();
    for hop in &e.hops {
        for d in [&hop.egress, &hop.ingress] {
            if let DirectionExplanation::Denied { misses, .. } = d {
                for m in misses {
                    kinds.extend(m.reasons.iter().map(|r| r.kind.as_str()));
                }
            }
        }
    }
    kinds
}

struct Outcome {
    cases: usize,
    verdicts: usize,
    failures: Vec<String>,
}

fn case_dirs(root: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.join("expect.yaml").is_file() && p.join("manifests.yaml").is_file())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    dirs
}

/// `own`: our corpus, whose manifests must be valid and whose explanations are checked.
fn run_corpus(root: &Path, own: bool, validate: engine::Validate) -> Outcome {
    let mut out = Outcome {
        cases: 0,
        verdicts: 0,
        failures: Vec::new(),
    };
    for dir in case_dirs(root) {
        let case = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let manifests = std::fs::read_to_string(dir.join("manifests.yaml")).unwrap();
        let expect_text = std::fs::read_to_string(dir.join("expect.yaml")).unwrap();
        let expectations = match parse_expectations(&expect_text) {
            Ok(e) => e,
            Err(e) => {
                out.failures.push(format!("{case}: expect.yaml:{e}"));
                continue;
            }
        };
        let typed = reasons_contain(&expect_text);
        out.cases += 1;
        let options = engine::Options {
            validate,
            ..Default::default()
        };
        let a = engine::analyze_with(&[Source::new("manifests.yaml", manifests)], &options);
        let errors: Vec<_> = a
            .diagnostics
            .iter()
            .filter(|d| d.severity == engine::Severity::Error)
            .collect();
        // The peer corpus keeps one deliberate typo (`containerport`) that the API server rejects.
        if own && !errors.is_empty() {
            out.failures
                .push(format!("{case}: manifests have errors: {errors:?}"));
        }
        for e in &expectations {
            out.verdicts += 1;
            let (from, to) = match (a.resolve(&e.from), a.resolve(&e.to)) {
                (Ok(f), Ok(t)) => (f, t),
                (f, t) => {
                    out.failures.push(format!(
                        "{case}:{}: cannot resolve: {:?} {:?}",
                        e.line,
                        f.err(),
                        t.err()
                    ));
                    continue;
                }
            };
            let v = a.verdict(from, to, e.port, e.protocol);
            let text = a.explain(&v);
            if v.allowed != e.allowed {
                out.failures.push(format!(
                    "{case}:{}: {} -> {} {}/{}: expected allowed={}, got {}\n{}",
                    e.line, e.from, e.to, e.port, e.protocol, e.allowed, v.allowed, text
                ));
                continue;
            }
            if own {
                let kinds = reason_kinds(&a.explanation(&v));
                for kind in typed.get(&e.line).into_iter().flatten() {
                    if !kinds.contains(&kind.as_str()) {
                        out.failures.push(format!(
                            "{case}:{}: no reason of kind `{kind}` (has {kinds:?}):\n{text}",
                            e.line
                        ));
                    }
                }
                for needle in &e.explain_contains {
                    if !text.contains(needle.as_str()) {
                        out.failures.push(format!(
                            "{case}:{}: explanation lacks `{needle}`:\n{text}",
                            e.line
                        ));
                    }
                }
            }
        }
    }
    out
}

/// Every verdict held, over at least `min_cases` cases (a corpus that silently shrank fails too).
fn assert_corpus(label: &str, out: &Outcome, min_cases: usize) {
    println!("{label}: {} cases, {} verdicts", out.cases, out.verdicts);
    assert!(
        out.cases >= min_cases,
        "{label}: expected at least {min_cases} cases, found {}",
        out.cases
    );
    assert!(
        out.failures.is_empty(),
        "{label}: {} failures:\n{}",
        out.failures.len(),
        out.failures.join("\n\n")
    );
}

#[test]
fn own_corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    assert_corpus(
        "own corpus",
        &run_corpus(&root, true, engine::Validate::Strict),
        60,
    );
}

#[test]
fn every_semantics_point_has_a_case() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let names: Vec<String> = case_dirs(&root)
        .iter()
        .filter_map(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    for point in 1..=12 {
        let prefix = format!("p{point:02}-");
        assert!(
            names.iter().any(|n| n.starts_with(&prefix)),
            "no corpus case for semantics point {point} (a folder named {prefix}...)"
        );
    }
}

#[test]
fn peer_corpus_np_guard() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance/np-guard");
    if !root.is_dir() {
        println!("notice: {} not found: peer corpus skipped (it ships with the project's shared folder, not with the repository)", root.display());
        return;
    }
    assert_corpus(
        "np-guard corpus",
        &run_corpus(&root, false, engine::Validate::Strict),
        21,
    );
}

#[test]
fn peer_corpus_np_guard_anp() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance/np-guard/anp");
    if !root.is_dir() {
        println!(
            "notice: {} not found: admin-tier peer corpus skipped",
            root.display()
        );
        return;
    }
    // Two cases (anp_test_1, anp_test_2) declare a Deployment whose `spec.selector` does not match
    // its template's labels, which the API server rejects; np-guard reads it anyway. The corpus
    // runs as `--validate=warn`, under which such a workload is kept (with a warning).
    assert_corpus(
        "np-guard anp corpus",
        &run_corpus(&root, false, engine::Validate::Warn),
        19,
    );
}
