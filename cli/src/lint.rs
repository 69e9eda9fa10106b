//! `netpol lint`: every diagnostic, compiler style (or JSON). Exit 1 when there are errors.

use serde::Serialize;

use engine::Severity;

use crate::render::{self, DiagnosticOut, Lines};
use crate::Output;

/// `lint --output json` (README "lint").
#[derive(Debug, Serialize)]
struct LintOut {
    diagnostics: Vec<DiagnosticOut>,
    errors: usize,
    warnings: usize,
    infos: usize,
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

pub fn run(files: &[String], output: Output) -> u8 {
    let sources = crate::inputs::read(files);
    if sources.is_empty() {
        eprintln!("error: no readable manifest");
        return 2;
    }
    // Every diagnostic is printed below, so nothing goes to stderr first.
    let a = crate::inputs::analyze_sources(&sources);
    let count = |s: Severity| a.diagnostics.iter().filter(|d| d.severity == s).count();
    let (errors, warnings, infos) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
    );
    match output {
        Output::Json => crate::print_json(&LintOut {
            diagnostics: a
                .diagnostics
                .iter()
                .map(|d| render::diagnostic_out(&a, d))
                .collect(),
            errors,
            warnings,
            infos,
        }),
        Output::Text => {
            let lines = Lines::new(&a);
            let renderer = render::renderer(render::stdout_colour());
            let mut out = String::new();
            for d in &a.diagnostics {
                out.push_str(&render::full(&a, &lines, d, &renderer));
                out.push('\n');
            }
            out!("{out}");
            outln!(
                "{}, {}, {}",
                plural(errors, "error"),
                plural(warnings, "warning"),
                plural(infos, "note")
            );
        }
    }
    u8::from(errors > 0)
}
