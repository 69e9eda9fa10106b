//! Parse + analyze arbitrary text: must never panic, hang or blow memory.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let a = engine::analyze(&[engine::Source::new("fuzz.yaml", text.into_owned())]);
    let conn = engine::connectivity::compute(&a);
    let _ = conn.allowed_triples();
    // Exercise verdicts and explanations over a few pairs, through Services too.
    let mut targets: Vec<engine::Target> = (0..a.cluster.pods.len().min(4)).map(engine::Target::Pod).collect();
    targets.extend((0..a.cluster.services.len().min(2)).map(engine::Target::Service));
    targets.extend((0..a.cluster.workloads.len().min(2)).map(engine::Target::Workload));
    targets.push(engine::Target::External([10, 0, 0, 1].into()));
    for &f in &targets {
        for &t in &targets {
            for port in [53u16, 80] {
                let v = a.verdict(f, t, port, engine::Protocol::Tcp);
                let _ = a.explain(&v);
            }
        }
    }
    for name in a.known_names().iter().take(3) {
        let _ = a.resolve(name);
    }
});
