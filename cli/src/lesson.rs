//! `netpol lesson check LESSON.yaml...`: the author's check of lesson files (README "Lessons").
//! Exit 0 all lessons pass, 1 some lesson fails (malformed included: its diagnostics are
//! located), 2 some input could not be read.

use std::path::{Path, PathBuf};

use serde::Serialize;

use engine::lesson::{check_lesson, is_lesson, LessonReport, StepProblem};
use engine::{Analysis, Severity, Source};

use crate::render::{self, DiagnosticOut};
use crate::Output;

/// `lesson check --output json` (README "Lessons").
#[derive(Debug, Serialize)]
struct CheckOut {
    lessons: Vec<LessonOut>,
    passed: usize,
    failed: usize,
    /// Inputs that could not be read (`path: reason`).
    unreadable: Vec<String>,
}

#[derive(Debug, Serialize)]
struct LessonOut {
    file: String,
    id: Option<String>,
    version: Option<u32>,
    title: Option<String>,
    ok: bool,
    diagnostics: Vec<DiagnosticOut>,
    steps: Vec<StepOut>,
}

#[derive(Debug, Serialize)]
struct StepOut {
    step: usize,
    title: String,
    goals: usize,
    ok: bool,
    problems: Vec<ProblemOut>,
}

#[derive(Debug, Serialize)]
struct ProblemOut {
    kind: &'static str,
    message: String,
    /// 1-based goal number, for problems about one goal.
    #[serde(skip_serializing_if = "Option::is_none")]
    goal: Option<usize>,
    /// Position in the lesson file (unknown names).
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<u32>,
}

fn problem_out(p: &StepProblem) -> ProblemOut {
    let (kind, goal, at) = match p {
        StepProblem::AlreadySolved => ("already-solved", None, None),
        StepProblem::SolutionFailsGoal { goal, .. } => {
            ("solution-fails-goal", Some(goal + 1), None)
        }
        StepProblem::SolutionBreaksLock { .. } => ("solution-breaks-lock", None, None),
        StepProblem::LockedNotInStart { .. } => ("locked-not-in-start", None, None),
        StepProblem::UnknownName { goal, error } => (
            "unknown-name",
            Some(goal + 1),
            Some((error.span.start.line, error.span.start.col)),
        ),
        StepProblem::InvalidSolution { .. } => ("invalid-solution", None, None),
    };
    ProblemOut {
        kind,
        message: p.message(),
        goal,
        line: at.map(|a| a.0),
        column: at.map(|a| a.1),
    }
}

/// Lesson files named by the arguments: files as given; in directories, `*.yaml`/`*.yml`
/// files that are lessons (so an index file next to them is skipped), sorted.
fn lesson_files(args: &[String], unreadable: &mut Vec<String>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for arg in args {
        let path = Path::new(arg);
        if path.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut found);
            found.sort();
            for f in found {
                if let Ok(text) = std::fs::read_to_string(&f) {
                    if is_lesson(&text) {
                        out.push((f.display().to_string(), text));
                    }
                }
            }
            continue;
        }
        match std::fs::read_to_string(path) {
            Ok(text) => out.push((arg.clone(), text)),
            Err(e) => unreadable.push(format!("{arg}: {e}")),
        }
    }
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if matches!(p.extension().and_then(|x| x.to_str()), Some("yaml" | "yml")) {
            out.push(p);
        }
    }
}

pub fn run(files: &[String], output: Output) -> u8 {
    let mut unreadable = Vec::new();
    let inputs = lesson_files(files, &mut unreadable);
    for u in &unreadable {
        eprintln!("error: {u}");
    }
    if inputs.is_empty() && unreadable.is_empty() {
        eprintln!("error: no lesson file found");
        return 2;
    }
    let mut lessons = Vec::new();
    let mut text = String::new();
    let colour = render::stdout_colour();
    let renderer = render::renderer(colour);
    for (file, src) in &inputs {
        let report = check_lesson(0, src);
        // The lesson file as the only source, so diagnostics render against its lines.
        let mut a = engine::analyze(&[]);
        a.sources = vec![Source::new(file.clone(), src.clone())];
        text.push_str(&lesson_text(file, &report, &a, &renderer));
        lessons.push(lesson_out(file, &report, &a));
    }
    let passed = lessons.iter().filter(|l| l.ok).count();
    let failed = lessons.len() - passed;
    match output {
        Output::Json => crate::print_json(&CheckOut {
            lessons,
            passed,
            failed,
            unreadable: unreadable.clone(),
        }),
        Output::Text => {
            out!("{text}");
            outln!(
                "{passed} lesson{} passed, {failed} failed",
                if passed == 1 { "" } else { "s" }
            );
        }
    }
    if !unreadable.is_empty() {
        2
    } else {
        u8::from(failed > 0)
    }
}

fn lesson_out(file: &str, r: &LessonReport, a: &Analysis) -> LessonOut {
    LessonOut {
        file: file.to_string(),
        id: r.lesson.as_ref().map(|l| l.id.clone()),
        version: r.lesson.as_ref().map(|l| l.version),
        title: r.lesson.as_ref().map(|l| l.title.clone()),
        ok: r.ok(),
        diagnostics: r
            .diagnostics
            .iter()
            .map(|d| render::diagnostic_out(a, d))
            .collect(),
        steps: r
            .steps
            .iter()
            .map(|s| StepOut {
                step: s.number,
                title: s.title.clone(),
                goals: s.goals,
                ok: s.problems.is_empty(),
                problems: s.problems.iter().map(problem_out).collect(),
            })
            .collect(),
    }
}

fn lesson_text(
    file: &str,
    r: &LessonReport,
    a: &Analysis,
    renderer: &annotate_snippets::Renderer,
) -> String {
    let name = match &r.lesson {
        Some(l) => format!("{}@{} ({file})", l.id, l.version),
        None => file.to_string(),
    };
    let mut s = String::new();
    if r.ok() {
        let with_goals = r.steps.iter().filter(|s| s.goals > 0).count();
        s.push_str(&format!(
            "ok   {name}: {} step{}, {with_goals} with goals\n",
            r.steps.len(),
            if r.steps.len() == 1 { "" } else { "s" }
        ));
        return s;
    }
    s.push_str(&format!("FAIL {name}\n"));
    let lines = render::Lines::new(a);
    for d in r
        .diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Info)
    {
        for l in render::full(a, &lines, d, renderer).lines() {
            s.push_str(&format!("  {l}\n"));
        }
    }
    for st in &r.steps {
        for p in &st.problems {
            s.push_str(&format!(
                "  step {} ({}): {}\n",
                st.number,
                st.title,
                p.message()
            ));
        }
    }
    s
}
