//! The author's check (`netpol lesson check`), after Rustlings': every step with goals starts
//! unsolved, its solution meets every goal and keeps every locked object, and every name in a
//! goal designates something in the solution.

use crate::analysis::analyze;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lesson::goals::{evaluate_step_text, GoalState, NameError};
use crate::lesson::locked::LockState;
use crate::lesson::{parse_lesson, Lesson};
use crate::span::Source;

/// Why a step fails the check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepProblem {
    /// The text the step starts from already meets every goal: the step teaches nothing.
    AlreadySolved,
    /// The solution does not meet a goal (index 0-based).
    SolutionFailsGoal {
        goal: usize,
        label: String,
        reason: String,
    },
    /// The solution changes or deletes a locked object.
    SolutionBreaksLock { object: String, message: String },
    /// A locked object is not in the step's start.
    LockedNotInStart { object: String },
    /// A name in a goal designates nothing in the solution.
    UnknownName { goal: usize, error: NameError },
    /// The solution has manifest errors (objects the API server would reject).
    InvalidSolution { diagnostics: Vec<Diagnostic> },
}

impl StepProblem {
    pub fn message(&self) -> String {
        match self {
            StepProblem::AlreadySolved => {
                "this step teaches nothing: the text it starts from already meets every goal".into()
            }
            StepProblem::SolutionFailsGoal {
                goal,
                label,
                reason,
            } => {
                format!(
                    "the solution does not meet goal {} ({label}): {reason}",
                    goal + 1
                )
            }
            StepProblem::SolutionBreaksLock { message, .. } => {
                format!("the solution breaks a lock: {message}")
            }
            StepProblem::LockedNotInStart { object } => {
                format!("locked `{object}` is not in the text the step starts from")
            }
            StepProblem::UnknownName { goal, error } => format!(
                "goal {} (line {}:{}): {}",
                goal + 1,
                error.span.start.line,
                error.span.start.col,
                error.message
            ),
            StepProblem::InvalidSolution { diagnostics } => format!(
                "the solution has manifest errors: {}",
                diagnostics
                    .iter()
                    .map(|d| match d.span {
                        Some(s) => format!("line {}: {}", s.start.line, d.message),
                        None => d.message.clone(),
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepReport {
    /// 1-based.
    pub number: usize,
    pub title: String,
    pub goals: usize,
    pub problems: Vec<StepProblem>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LessonReport {
    pub lesson: Option<Lesson>,
    /// Problems of the file itself (located; errors fail the lesson).
    pub diagnostics: Vec<Diagnostic>,
    pub steps: Vec<StepReport>,
}

impl LessonReport {
    pub fn ok(&self) -> bool {
        self.lesson.is_some()
            && !self
                .diagnostics
                .iter()
                .any(|d| d.severity == Severity::Error)
            && self.steps.iter().all(|s| s.problems.is_empty())
    }
}

/// Parses and checks one lesson file.
pub fn check_lesson(source: u32, text: &str) -> LessonReport {
    let (lesson, diagnostics) = parse_lesson(source, text);
    let steps = lesson.as_ref().map(check_steps).unwrap_or_default();
    LessonReport {
        lesson,
        diagnostics,
        steps,
    }
}

/// Checks every step of a parsed lesson.
pub fn check_steps(lesson: &Lesson) -> Vec<StepReport> {
    lesson
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let mut problems = Vec::new();
            if !step.goals.is_empty() {
                let start = lesson.start_text(i);
                if let Some(st) = evaluate_step_text(lesson, i, &start) {
                    if st.goals.iter().all(|g| g.met()) {
                        problems.push(StepProblem::AlreadySolved);
                    }
                    for l in st
                        .locked
                        .iter()
                        .filter(|l| l.state == LockState::NotInStart)
                    {
                        problems.push(StepProblem::LockedNotInStart {
                            object: l.object.to_string(),
                        });
                    }
                }
                // Padded so that lines in explanations and diagnostics are lines of the lesson
                // file (the text itself starts at `solution_line`).
                let solution = format!(
                    "{}{}",
                    "\n".repeat(step.solution_line.saturating_sub(1) as usize),
                    step.solution.as_deref().unwrap_or_default()
                );
                let a = analyze(&[Source::new("solution", solution.as_str())]);
                let errors: Vec<Diagnostic> = a
                    .diagnostics
                    .iter()
                    .filter(|d| d.severity == Severity::Error)
                    .cloned()
                    .collect();
                if !errors.is_empty() {
                    problems.push(StepProblem::InvalidSolution {
                        diagnostics: errors,
                    });
                }
                if let Some(st) = evaluate_step_text(lesson, i, &solution) {
                    for g in &st.goals {
                        match g.state {
                            GoalState::Met => {}
                            GoalState::Unmet => problems.push(StepProblem::SolutionFailsGoal {
                                goal: g.index,
                                label: g.label.clone(),
                                reason: g.reason.clone(),
                            }),
                            GoalState::Unresolved => {
                                for e in &g.unresolved {
                                    problems.push(StepProblem::UnknownName {
                                        goal: g.index,
                                        error: e.clone(),
                                    });
                                }
                            }
                        }
                    }
                    for l in &st.locked {
                        if matches!(l.state, LockState::Changed | LockState::Deleted) {
                            problems.push(StepProblem::SolutionBreaksLock {
                                object: l.object.to_string(),
                                message: l.message(),
                            });
                        }
                    }
                }
            }
            StepReport {
                number: i + 1,
                title: step.title.clone(),
                goals: step.goals.len(),
                problems,
            }
        })
        .collect()
}
