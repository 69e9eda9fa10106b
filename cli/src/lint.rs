//! `netpol lint`: every diagnostic, compiler style (or JSON). Exit 1 when there are errors.

use serde::Serialize;

use engine::Severity;

use crate::render::{self, DiagnosticOut, Lines};
use crate::Output;

/// `lint --output json` (README "lint").
#[derive(Debug, Serialize)]
struct LintOut {
    diagnostics: Vec<WithFix>,
    errors: usize,
    warnings: usize,
    infos: usize,
}

/// A diagnostic and its quick fix (`null` when it has no clear one).
#[derive(Debug, Serialize)]
struct WithFix {
    #[serde(flatten)]
    diagnostic: DiagnosticOut,
    fix: Option<FixOut>,
}

#[derive(Debug, Serialize)]
struct FixOut {
    title: String,
    edits: Vec<EditOut>,
}

/// A text edit: replace `line:column`..`end_line:end_column` (1-based, end exclusive, columns
/// in characters; equal for an insertion) by `replacement`.
#[derive(Debug, Serialize)]
struct EditOut {
    file: Option<String>,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    replacement: String,
}

fn fix_out(a: &engine::Analysis, f: engine::fix::Fix) -> FixOut {
    FixOut {
        title: f.title,
        edits: f
            .edits
            .into_iter()
            .map(|e| EditOut {
                file: a
                    .sources
                    .get(e.span.source as usize)
                    .map(|s| s.name.clone()),
                line: e.span.start.line,
                column: e.span.start.col,
                end_line: e.span.end.line,
                end_column: e.span.end.col,
                replacement: e.replacement,
            })
            .collect(),
    }
}

/// `lint --fix FILE`: the text with every quick fix applied, on stdout (never in place). Exit
/// status as `lint`, for the fixed text.
pub fn run_fix(files: &[String]) -> u8 {
    let sources = crate::inputs::read(files);
    let [source] = sources.as_slice() else {
        eprintln!(
            "error: --fix takes exactly one file (it writes the fixed text to stdout), got {}",
            sources.len()
        );
        return 2;
    };
    // A fix can reveal the next problem (the API server reports one error per field, and a
    // policy that is applied at last can be linted): fix again until nothing changes.
    let mut text = source.text.clone();
    let mut applied = 0usize;
    let mut b = crate::inputs::analyze_sources(std::slice::from_ref(source));
    for _ in 0..8 {
        let edits = engine::fix::all_edits(&b, 0);
        if edits.is_empty() {
            break;
        }
        // Say what each applied fix does, where (lines of the text of this round).
        for (d, f) in b.diagnostics.iter().zip(engine::fix::fixes(&b)) {
            let Some(f) = f.filter(|f| f.edits.iter().all(|e| edits.contains(e))) else {
                continue;
            };
            applied += 1;
            let line = d.span.map_or(0, |s| s.start.line);
            eprintln!(
                "{}:{line}: fixed [{}]: {}",
                source.name,
                d.code.as_str(),
                f.title
            );
        }
        let next = engine::fix::apply(&text, &edits);
        if next == text {
            break;
        }
        text = next;
        b = engine::analyze_with(
            &[engine::Source::new(source.name.clone(), text.clone())],
            &crate::inputs::options(),
        );
    }
    out!("{text}");
    let errors = b
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    eprintln!(
        "{}: applied {}; {} left ({})",
        source.name,
        plural(applied, "fix"),
        plural(b.diagnostics.len(), "diagnostic"),
        plural(errors, "error")
    );
    u8::from(errors > 0)
}

fn plural(n: usize, word: &str) -> String {
    let s = match (n, word.ends_with('x')) {
        (1, _) => "",
        (_, true) => "es",
        _ => "s",
    };
    format!("{n} {word}{s}")
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
                .zip(engine::fix::fixes(&a))
                .map(|(d, f)| WithFix {
                    diagnostic: render::diagnostic_out(&a, d),
                    fix: f.map(|f| fix_out(&a, f)),
                })
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
