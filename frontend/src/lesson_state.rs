//! The lesson part of the page state, with its own pure reducer (unit-tested natively).
//!
//! It never touches the editor itself: when a step's text must be shown (opening a lesson,
//! moving to a step, reset, applying the solution) it sets `load` and bumps `load_nonce`, and
//! the app loads that text into the editor. The learner's text comes back as `Text`, recorded
//! per step, so leaving a step and coming back does not lose it.

use std::rc::Rc;

use engine::lesson::Lesson;

use crate::lessons::{key, LessonProgress, Progress};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct LessonState {
    /// The open lesson.
    pub active: Option<Rc<Lesson>>,
    /// The open lesson's file text when it is not a built-in one (from a file or a link), so
    /// the app keeps it for a reload.
    pub custom_source: Option<String>,
    /// The open lesson came from a link: the page says so.
    pub from_link: bool,
    /// 0-based.
    pub step: usize,
    pub progress: Progress,
    /// The lessons list is shown (the toolbar's Lessons button, or no lesson open).
    pub show_list: bool,
    /// The solution's confirmation is asked.
    pub confirm_solution: bool,
    /// The solution is shown as a diff.
    pub diff_open: bool,
    /// The goal whose explanation is shown (0-based).
    pub selected_goal: Option<usize>,
    /// The learner's text before the solution was applied (restorable).
    pub undo_text: Option<String>,
    /// A text for the app to load into the editor, announced by a new `load_nonce`.
    pub load: Option<String>,
    pub load_nonce: u64,
    /// A plain-words message (why Next is refused, an import problem).
    pub message: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum LessonAction {
    /// Open a lesson at `step` (else where the learner left it). `source`: the file text of a
    /// custom lesson; `None` for a built-in one.
    Open {
        lesson: Lesson,
        step: Option<usize>,
        source: Option<String>,
        from_link: bool,
        current_text: String,
    },
    Close,
    ToggleList,
    /// Move on; `complete`: the current step's goals are all met (reading steps always move).
    Next {
        complete: bool,
        current_text: String,
    },
    Prev {
        current_text: String,
    },
    RevealHint,
    AskSolution,
    CancelSolution,
    ConfirmSolution,
    ApplySolution {
        current_text: String,
    },
    UndoSolution,
    Reset,
    /// The editor's text changed while a lesson is open.
    Text(String),
    /// The current step was seen complete.
    Completed,
    SelectGoal(Option<usize>),
    Import(Progress),
    ResetAll,
    DismissMessage,
}

impl LessonState {
    /// The state at boot: saved progress, nothing open yet.
    pub fn with_progress(progress: Progress) -> LessonState {
        LessonState {
            progress,
            ..LessonState::default()
        }
    }

    pub fn current_step(&self) -> Option<&engine::lesson::Step> {
        self.active.as_ref().and_then(|l| l.steps.get(self.step))
    }

    fn entry(&mut self) -> Option<&mut LessonProgress> {
        let k = key(self.active.as_deref()?);
        Some(self.progress.lessons.entry(k).or_default())
    }

    pub fn lesson_progress(&self) -> Option<&LessonProgress> {
        let l = self.active.as_deref()?;
        self.progress.lessons.get(&key(l))
    }

    pub fn hints_shown(&self) -> usize {
        self.lesson_progress()
            .and_then(|p| p.hints.get(&self.step).copied())
            .unwrap_or(0)
    }

    /// Every step done.
    pub fn lesson_complete(&self) -> bool {
        match (self.active.as_deref(), self.lesson_progress()) {
            (Some(l), Some(p)) => (0..l.steps.len()).all(|i| p.done.contains(&i)),
            _ => false,
        }
    }

    fn load_text(&mut self, text: String) {
        self.load = Some(text);
        self.load_nonce += 1;
    }

    /// Enters step `to`: the learner's own text for it, else its start; moving forward onto a
    /// step without `start` keeps the current text (the previous step's answer).
    fn enter(&mut self, to: usize, current_text: &str, forward: bool) {
        let Some(lesson) = self.active.clone() else {
            return;
        };
        let to = to.min(lesson.steps.len().saturating_sub(1));
        self.step = to;
        self.confirm_solution = false;
        self.diff_open = false;
        self.selected_goal = None;
        self.undo_text = None;
        self.message = None;
        let saved = self
            .lesson_progress()
            .and_then(|p| p.texts.get(&to).cloned());
        let has_start = lesson.steps.get(to).is_some_and(|s| s.start.is_some());
        let text = match saved {
            Some(t) => Some(t),
            None if forward && !has_start => None,
            None => Some(lesson.start_text(to)).filter(|t| !t.is_empty()),
        };
        if let Some(e) = self.entry() {
            e.step = to;
            if let Some(t) = &text {
                e.texts.insert(to, t.clone());
            } else {
                e.texts.insert(to, current_text.to_string());
            }
        }
        if let Some(t) = text {
            if t != current_text {
                self.load_text(t);
            }
        }
    }

    /// The next state, or `None` when the action changes nothing.
    pub fn reduce(&self, action: LessonAction) -> Option<LessonState> {
        let mut s = self.clone();
        match action {
            LessonAction::Open {
                lesson,
                step,
                source,
                from_link,
                current_text,
            } => {
                let k = key(&lesson);
                let resume = s.progress.lessons.get(&k).map_or(0, |p| p.step);
                s.active = Some(Rc::new(lesson));
                s.custom_source = source;
                s.from_link = from_link;
                s.show_list = false;
                s.progress.current = Some(k);
                s.enter(step.unwrap_or(resume), &current_text, false);
            }
            LessonAction::Close => {
                s.active = None;
                s.custom_source = None;
                s.from_link = false;
                s.progress.current = None;
                s.show_list = false;
                s.confirm_solution = false;
                s.diff_open = false;
                s.selected_goal = None;
                s.message = None;
            }
            LessonAction::ToggleList => s.show_list = !s.show_list,
            LessonAction::Next {
                complete,
                current_text,
            } => {
                let (reading, last) = match s.active.as_deref() {
                    Some(l) => (
                        l.steps.get(s.step).is_none_or(|st| st.goals.is_empty()),
                        s.step + 1 >= l.steps.len(),
                    ),
                    None => return None,
                };
                if !reading && !complete {
                    s.message = Some("meet every goal of this step first".into());
                } else {
                    let step = s.step;
                    if let Some(e) = s.entry() {
                        e.done.insert(step);
                    }
                    if last {
                        s.message = Some("lesson complete".into());
                    } else {
                        s.enter(step + 1, &current_text, true);
                    }
                }
            }
            LessonAction::Prev { current_text } => {
                if s.active.is_none() || s.step == 0 {
                    return None;
                }
                let to = s.step - 1;
                s.enter(to, &current_text, false);
            }
            LessonAction::RevealHint => {
                let total = s.current_step().map_or(0, |st| st.hints.len());
                let step = s.step;
                if let Some(e) = s.entry() {
                    let n = e.hints.entry(step).or_default();
                    *n = (*n + 1).min(total);
                }
            }
            LessonAction::AskSolution => {
                s.current_step().and_then(|st| st.solution.as_ref())?;
                s.confirm_solution = true;
            }
            LessonAction::CancelSolution => {
                s.confirm_solution = false;
                s.diff_open = false;
            }
            LessonAction::ConfirmSolution => {
                s.confirm_solution = false;
                s.diff_open = true;
                let step = s.step;
                if let Some(e) = s.entry() {
                    e.solution_shown.insert(step);
                }
            }
            LessonAction::ApplySolution { current_text } => {
                let sol = s.current_step().and_then(|st| st.solution.clone())?;
                s.undo_text = Some(current_text);
                s.diff_open = false;
                s.load_text(sol);
            }
            LessonAction::UndoSolution => {
                let t = s.undo_text.take()?;
                s.load_text(t);
            }
            LessonAction::Reset => {
                let l = s.active.clone()?;
                let start = l.start_text(s.step);
                let step = s.step;
                if let Some(e) = s.entry() {
                    e.texts.insert(step, start.clone());
                }
                s.confirm_solution = false;
                s.diff_open = false;
                s.load_text(start);
            }
            LessonAction::Text(t) => {
                let step = s.step;
                let e = s.entry()?;
                if e.texts.get(&step) == Some(&t) {
                    return None;
                }
                e.texts.insert(step, t);
            }
            LessonAction::Completed => {
                let step = s.step;
                s.entry()?.done.insert(step);
                if s.message.as_deref() == Some("meet every goal of this step first") {
                    s.message = None;
                }
            }
            LessonAction::SelectGoal(g) => s.selected_goal = g,
            LessonAction::Import(p) => {
                s.progress.merge(p);
                s.message = Some("progress imported".into());
            }
            LessonAction::ResetAll => {
                s.progress = Progress::default();
                if let Some(l) = s.active.clone() {
                    s.progress.current = Some(key(&l));
                    s.step = 0;
                    let start = l.start_text(0);
                    if let Some(e) = s.entry() {
                        e.texts.insert(0, start.clone());
                    }
                    s.load_text(start);
                }
                s.confirm_solution = false;
                s.diff_open = false;
                s.undo_text = None;
                s.message = Some("all lesson progress was reset".into());
            }
            LessonAction::DismissMessage => s.message = None,
        }
        (s != *self).then_some(s)
    }
}

/// Whether the lesson open at the last visit is reopened at page load: only when the editor
/// holds that step's text (the learner's text is recorded on every change). Another text means
/// the page was opened for something else — a share link — which must not be overwritten.
pub fn resume_on_boot(progress: &Progress, text: &str) -> bool {
    let Some(p) = progress
        .current
        .as_ref()
        .and_then(|k| progress.lessons.get(k))
    else {
        return false;
    };
    p.texts.get(&p.step).is_none_or(|t| t == text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lessons::builtin_by_id;

    fn demo() -> Lesson {
        builtin_by_id("classic-demo").unwrap_or_else(|| Lesson {
            id: "missing".into(),
            version: 0,
            title: String::new(),
            level: String::new(),
            summary: String::new(),
            steps: Vec::new(),
        })
    }

    fn open(s: &LessonState, step: Option<usize>, current: &str) -> LessonState {
        s.reduce(LessonAction::Open {
            lesson: demo(),
            step,
            source: None,
            from_link: false,
            current_text: current.into(),
        })
        .unwrap_or_default()
    }

    fn first_goal_step(l: &Lesson) -> usize {
        l.steps
            .iter()
            .position(|s| !s.goals.is_empty())
            .unwrap_or(0)
    }

    #[test]
    fn opening_loads_the_first_steps_start_and_records_it() {
        let s = open(&LessonState::default(), None, "kind: Pod\n");
        let l = demo();
        assert!(l.steps.len() >= 3);
        assert_eq!(s.step, 0);
        assert_eq!(s.load.as_deref(), Some(l.start_text(0).as_str()));
        assert_eq!(s.load_nonce, 1);
        assert_eq!(s.progress.current.as_deref(), Some("classic-demo@1"));
        assert_eq!(
            s.lesson_progress().and_then(|p| p.texts.get(&0)).cloned(),
            Some(l.start_text(0))
        );
    }

    #[test]
    fn next_refuses_an_unmet_goal_step_and_moves_once_complete() {
        let l = demo();
        let g = first_goal_step(&l);
        let s = open(&LessonState::default(), Some(g), "");
        assert_eq!(s.step, g);
        let refused = s
            .reduce(LessonAction::Next {
                complete: false,
                current_text: "x".into(),
            })
            .unwrap_or_default();
        assert_eq!(refused.step, g);
        assert!(refused.message.is_some());
        let moved = refused
            .reduce(LessonAction::Next {
                complete: true,
                current_text: "x".into(),
            })
            .unwrap_or_default();
        assert_eq!(moved.step, g + 1);
        assert!(moved.lesson_progress().is_some_and(|p| p.done.contains(&g)));
    }

    #[test]
    fn a_reading_step_moves_on_at_any_time() {
        let l = demo();
        assert!(l.steps.first().is_some_and(|s| s.goals.is_empty()));
        let s = open(&LessonState::default(), None, "");
        let t = s
            .reduce(LessonAction::Next {
                complete: false,
                current_text: "mine".into(),
            })
            .unwrap_or_default();
        assert_eq!(t.step, 1);
        assert!(t.lesson_progress().is_some_and(|p| p.done.contains(&0)));
    }

    #[test]
    fn the_learners_text_is_kept_per_step_across_prev_and_next() {
        let s = open(&LessonState::default(), None, "");
        let s = s
            .reduce(LessonAction::Text("my step-1 text".into()))
            .unwrap_or_default();
        let s = s
            .reduce(LessonAction::Next {
                complete: true,
                current_text: "my step-1 text".into(),
            })
            .unwrap_or_default();
        let s = s
            .reduce(LessonAction::Text("my step-2 text".into()))
            .unwrap_or_default();
        let back = s
            .reduce(LessonAction::Prev {
                current_text: "my step-2 text".into(),
            })
            .unwrap_or_default();
        assert_eq!(back.step, 0);
        assert_eq!(back.load.as_deref(), Some("my step-1 text"));
        let fwd = back
            .reduce(LessonAction::Next {
                complete: true,
                current_text: "my step-1 text".into(),
            })
            .unwrap_or_default();
        assert_eq!(fwd.load.as_deref(), Some("my step-2 text"));
        // The same text again changes nothing.
        assert_eq!(
            fwd.reduce(LessonAction::Text("my step-2 text".into())),
            None
        );
    }

    #[test]
    fn reopening_resumes_where_the_learner_left() {
        let s = open(&LessonState::default(), Some(2), "");
        let s = s
            .reduce(LessonAction::Text("edited".into()))
            .unwrap_or_default();
        let closed = s.reduce(LessonAction::Close).unwrap_or_default();
        assert!(closed.active.is_none());
        let again = open(
            &LessonState::with_progress(closed.progress.clone()),
            None,
            "",
        );
        assert_eq!(again.step, 2);
        assert_eq!(again.load.as_deref(), Some("edited"));
    }

    #[test]
    fn a_share_link_opened_over_a_lesson_in_progress_is_not_overwritten() {
        let s = open(&LessonState::default(), Some(1), "");
        let s = s
            .reduce(LessonAction::Text("mine".into()))
            .unwrap_or_default();
        assert!(resume_on_boot(&s.progress, "mine"));
        assert!(!resume_on_boot(&s.progress, "a shared text"));
        let closed = s.reduce(LessonAction::Close).unwrap_or_default();
        assert!(!resume_on_boot(&closed.progress, "mine"));
    }

    #[test]
    fn hints_are_revealed_one_at_a_time_up_to_the_last() {
        let l = demo();
        let (i, n) = l
            .steps
            .iter()
            .enumerate()
            .find(|(_, s)| !s.hints.is_empty())
            .map(|(i, s)| (i, s.hints.len()))
            .unwrap_or((0, 0));
        assert!(n > 0);
        let mut s = open(&LessonState::default(), Some(i), "");
        for k in 1..=n + 2 {
            s = s.reduce(LessonAction::RevealHint).unwrap_or(s);
            assert_eq!(s.hints_shown(), k.min(n));
        }
        // Hints stay after the step is completed.
        s = s.reduce(LessonAction::Completed).unwrap_or(s);
        assert_eq!(s.hints_shown(), n);
    }

    #[test]
    fn the_solution_is_confirmed_then_applied_and_undoable() {
        let l = demo();
        let g = first_goal_step(&l);
        let s = open(&LessonState::default(), Some(g), "");
        assert_eq!(
            s.reduce(LessonAction::ApplySolution {
                current_text: "x".into()
            })
            .map(|t| t.load),
            Some(l.steps.get(g).and_then(|st| st.solution.clone()))
        );
        let asked = s.reduce(LessonAction::AskSolution).unwrap_or_default();
        assert!(asked.confirm_solution && !asked.diff_open);
        let shown = asked
            .reduce(LessonAction::ConfirmSolution)
            .unwrap_or_default();
        assert!(shown.diff_open);
        assert!(shown
            .lesson_progress()
            .is_some_and(|p| p.solution_shown.contains(&g)));
        let applied = shown
            .reduce(LessonAction::ApplySolution {
                current_text: "mine".into(),
            })
            .unwrap_or_default();
        assert_eq!(applied.undo_text.as_deref(), Some("mine"));
        let undone = applied
            .reduce(LessonAction::UndoSolution)
            .unwrap_or_default();
        assert_eq!(undone.load.as_deref(), Some("mine"));
        assert!(undone.load_nonce > applied.load_nonce);
    }

    #[test]
    fn reset_restores_the_steps_start_and_reset_all_forgets_everything() {
        let l = demo();
        let s = open(&LessonState::default(), Some(1), "");
        let s = s
            .reduce(LessonAction::Text("edited".into()))
            .unwrap_or_default();
        let r = s.reduce(LessonAction::Reset).unwrap_or_default();
        assert_eq!(r.load.as_deref(), Some(l.start_text(1).as_str()));
        let done = r.reduce(LessonAction::Completed).unwrap_or_default();
        let all = done.reduce(LessonAction::ResetAll).unwrap_or_default();
        assert_eq!(all.step, 0);
        assert!(all.lesson_progress().is_some_and(|p| p.done.is_empty()));
        assert_eq!(all.load.as_deref(), Some(l.start_text(0).as_str()));
    }

    #[test]
    fn lesson_complete_needs_every_step_done() {
        let l = demo();
        let mut s = open(&LessonState::default(), None, "");
        for i in 0..l.steps.len() {
            assert!(!s.lesson_complete(), "step {i}");
            s = s
                .reduce(LessonAction::Next {
                    complete: true,
                    current_text: String::new(),
                })
                .unwrap_or(s);
        }
        assert!(s.lesson_complete());
    }
}
