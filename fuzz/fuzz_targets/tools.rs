//! The classroom tools on arbitrary text: quick fixes applied and the result analysed again,
//! typed explanations, the lesson checker and its Markdown. Must never panic, hang or blow
//! memory.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let a = engine::analyze(&[engine::Source::new("fuzz.yaml", text.as_str())]);
    // Every quick fix, applied, then analysed again (as `netpol lint --fix`).
    let edits = engine::fix::all_edits(&a, 0);
    let fixed = engine::fix::apply(&text, &edits);
    let b = engine::analyze(&[engine::Source::new("fuzz.yaml", fixed)]);
    let _ = engine::fix::fixes(&b);
    // Typed explanations with spans over a few pod pairs.
    let n = a.cluster.pods.len().min(3);
    for s in 0..n {
        for d in 0..n {
            let v = a.verdict(engine::Target::Pod(s), engine::Target::Pod(d), 80, engine::Protocol::Tcp);
            let _ = a.explanation(&v);
        }
    }
    // The same text as a lesson file.
    let report = engine::lesson::check::check_lesson(0, &text);
    let _ = report.ok();
    let _ = engine::lesson::markdown::parse(&text);
});
