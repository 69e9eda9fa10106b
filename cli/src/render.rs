//! Diagnostics as compilers print them: the source line, an underline, a help line.

use std::fmt::Write;

use serde_json::{json, Value};

use engine::{Analysis, Diagnostic, Severity};

use crate::Output;

/// `file:line:col`
pub fn location(a: &Analysis, d: &Diagnostic) -> String {
    match d.span {
        Some(s) => {
            let name = a
                .sources
                .get(s.source as usize)
                .map_or("?", |x| x.name.as_str());
            format!("{name}:{}:{}", s.start.line, s.start.col)
        }
        None => "<input>".to_string(),
    }
}

/// One-line form, for stderr during `check`/`matrix`/`explain`.
pub fn short(a: &Analysis, d: &Diagnostic) -> String {
    format!(
        "{}: {}[{}]: {}",
        location(a, d),
        d.severity.as_str(),
        d.code.as_str(),
        d.message
    )
}

/// The lines of every source, indexed once (rendering thousands of diagnostics stays linear).
pub struct Lines<'a>(Vec<Vec<&'a str>>);

impl<'a> Lines<'a> {
    pub fn new(a: &'a Analysis) -> Lines<'a> {
        Lines(a.sources.iter().map(|s| s.text.lines().collect()).collect())
    }

    fn get(&self, source: u32, line: u32) -> Option<&'a str> {
        self.0
            .get(source as usize)?
            .get((line as usize).checked_sub(1)?)
            .copied()
    }
}

/// Full form with the source line and an underline.
pub fn full(a: &Analysis, lines: &Lines<'_>, d: &Diagnostic) -> String {
    let mut out = format!(
        "{}[{}]: {}\n",
        d.severity.as_str(),
        d.code.as_str(),
        d.message
    );
    if let Some(s) = d.span {
        let _ = writeln!(out, "  --> {}", location(a, d));
        if let Some(line) = lines.get(s.source, s.start.line) {
            let num = s.start.line.to_string();
            let pad = " ".repeat(num.len());
            let line_display: String = line.chars().take(200).collect();
            let start = (s.start.col as usize).saturating_sub(1);
            let width = if s.end.line == s.start.line && s.end.col > s.start.col {
                (s.end.col - s.start.col) as usize
            } else {
                line.chars().count().saturating_sub(start).max(1)
            };
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{num} | {line_display}");
            let _ = writeln!(
                out,
                "{pad} | {}{}",
                " ".repeat(start),
                "^".repeat(width.clamp(1, 120))
            );
        }
    }
    if let Some(h) = &d.help {
        let _ = writeln!(out, "  = help: {h}");
    }
    out
}

pub fn diagnostic_json(a: &Analysis, d: &Diagnostic) -> Value {
    let (file, line, col, end_line, end_col) = match d.span {
        Some(s) => (
            a.sources.get(s.source as usize).map(|x| x.name.clone()),
            Some(s.start.line),
            Some(s.start.col),
            Some(s.end.line),
            Some(s.end.col),
        ),
        None => (None, None, None, None, None),
    };
    json!({
        "code": d.code.as_str(),
        "severity": d.severity.as_str(),
        "message": d.message,
        "file": file,
        "line": line,
        "column": col,
        "end_line": end_line,
        "end_column": end_col,
        "help": d.help,
    })
}

/// Prints errors and warnings (not lints) on stderr; the analysis goes on.
pub fn report_problems(a: &Analysis) {
    for d in &a.diagnostics {
        if d.severity != Severity::Info && !d.code.is_lint() {
            eprintln!("{}", short(a, d));
        }
    }
}

pub fn lint(files: &[String], output: Output) -> u8 {
    let sources = crate::inputs::read(files);
    if sources.is_empty() {
        eprintln!("error: no readable manifest");
        return 2;
    }
    // Every diagnostic is printed below, so nothing goes to stderr first.
    let a = crate::inputs::analyze_sources(&sources);
    let errors = a
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = a
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    let infos = a.diagnostics.len() - errors - warnings;
    match output {
        Output::Json => {
            let v = json!({
                "diagnostics": a.diagnostics.iter().map(|d| diagnostic_json(&a, d)).collect::<Vec<_>>(),
                "errors": errors,
                "warnings": warnings,
                "infos": infos,
            });
            outln!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        Output::Text => {
            let lines = Lines::new(&a);
            let mut out = String::new();
            for d in &a.diagnostics {
                out.push_str(&full(&a, &lines, d));
                out.push('\n');
            }
            out!("{out}");
            outln!(
                "{} error{}, {} warning{}, {} note{}",
                errors,
                if errors == 1 { "" } else { "s" },
                warnings,
                if warnings == 1 { "" } else { "s" },
                infos,
                if infos == 1 { "" } else { "s" }
            );
        }
    }
    u8::from(errors > 0)
}
