//! Criterion-free timings of engine phases on one manifest file (no statistics crate: the median
//! of N runs, on a shared machine read it beside the CPU load).
//!
//! `cargo bench -p netpol-engine --bench timing -- FILE [RUNS [PHASE]]` prints, for FILE (PHASE
//! `compute` or `explanation`: that one only, e.g. under `perf stat`, whose instruction counts
//! a loaded machine does not skew):
//! - `compute`: `connectivity::compute` (the matrix fast path), median of RUNS (default 5);
//! - `explanation`: `Analysis::explanation` of one denied verdict (the first source pod to the
//!   first destination it cannot reach on its first declared port): per run the mean of up to
//!   200 calls (as many as fit in 50 ms), median of RUNS.

use std::time::{Duration, Instant};

use engine::explanation::DirectionExplanation;
use engine::{analyze, Protocol, Source, Target};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort_unstable();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

fn misses_of(d: &DirectionExplanation) -> usize {
    match d {
        DirectionExplanation::Denied { misses, .. } => misses.len(),
        _ => 0,
    }
}

fn main() {
    // `cargo bench` passes `--bench`; the file and run count are the other arguments.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let Some(file) = args.first() else {
        eprintln!("usage: cargo bench -p netpol-engine --bench timing -- FILE [RUNS [compute|explanation]]");
        return;
    };
    let runs: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(5);
    let phase = args.get(2).map_or("", String::as_str);
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{file}: {e}");
            return;
        }
    };
    let t = Instant::now();
    let a = analyze(&[Source::new(file.as_str(), text)]);
    println!(
        "analyze: {:?} ({} pods, {} policies)",
        t.elapsed(),
        a.cluster.pods.len(),
        a.cluster.policies.len()
    );

    let mut times = Vec::new();
    let mut classes = 0;
    for _ in 0..if phase == "explanation" { 0 } else { runs } {
        let t = Instant::now();
        let c = engine::connectivity::compute(&a);
        times.push(t.elapsed());
        classes = c.classes.len();
        drop(c);
    }
    if !times.is_empty() {
        println!(
            "compute: {:?} median of {runs} ({classes} classes)",
            median(times)
        );
    }

    if phase == "compute" {
        return;
    }
    // One denied verdict with misses to explain.
    let n = a.cluster.pods.len().min(200);
    let denied = (0..n).find_map(|s| {
        let port = a.cluster.pods.get(s)?.ports.first()?.port;
        (0..n).filter(|&d| d != s).find_map(|d| {
            let dport = a
                .cluster
                .pods
                .get(d)?
                .ports
                .first()
                .map_or(port, |p| p.port);
            let v = a.verdict(Target::Pod(s), Target::Pod(d), dport, Protocol::Tcp);
            (!v.allowed).then_some(v)
        })
    });
    let Some(v) = denied else {
        println!("explanation: no denied verdict among the first {n} pods");
        return;
    };
    let mut times = Vec::new();
    let mut misses = 0;
    for _ in 0..runs {
        // Up to 200 calls, or as many as fit in 50 ms: the mean call of this run.
        let t = Instant::now();
        let mut calls = 0u32;
        while calls < 200 && (calls == 0 || t.elapsed() < Duration::from_millis(50)) {
            let e = a.explanation(&v);
            misses = e
                .hops
                .iter()
                .map(|h| misses_of(&h.egress) + misses_of(&h.ingress))
                .sum();
            calls += 1;
        }
        times.push(t.elapsed() / calls);
    }
    println!(
        "explanation: {:?} per call, median of {runs} ({} → {}, {misses} misses)",
        median(times),
        a.target_name(v.from),
        a.target_name(v.to)
    );
}
