//! The lesson column of the page: owns the lesson state (its own reducer), boots it from the
//! link and localStorage, keeps progress saved, re-checks the step's goals on every analysis,
//! and talks to the rest of the page only through `Action`s (loading a step's text, selecting
//! a goal's flow, notices). The app renders it as the first pane and passes it the text, the
//! last good analysis, lesson files opened through Open…/drop, and the toolbar's toggle.

use std::rc::Rc;

use yew::prelude::*;

use engine::lesson::{evaluate_step, parse_lesson, Lesson, StepStatus};
use engine::Analysis;

use crate::components::lesson::{goal_selection, LessonPanel};
use crate::components::lessons_list::LessonsList;
use crate::lesson_state::{resume_on_boot, LessonAction, LessonState};
use crate::lessons::{
    builtin, decode_lesson_link, encode_lesson_link, key, LessonLink, Progress, CUSTOM_KEY,
    PROGRESS_KEY,
};
use crate::scene::Scene;
use crate::state::Action;
use crate::web;

/// An analysis compared by identity.
#[derive(Clone, Debug)]
pub struct AnalysisRef(pub Rc<Analysis>);

impl PartialEq for AnalysisRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub text: AttrValue,
    /// The last analysis whose text parsed.
    pub analysis: Option<AnalysisRef>,
    pub pending: bool,
    pub scene: Option<Rc<Scene>>,
    /// Bumped by the toolbar's Lessons button.
    pub toggle: u64,
    /// A lesson file opened through Open… or dropped: (nonce, text).
    pub file: Option<(u64, Rc<String>)>,
    pub on_main: Callback<Action>,
    // presenter view: the step shown, for the presenter window; a step asked by its arrow keys
    // (nonce, forward).
    #[prop_or_default]
    pub on_present: Callback<Option<crate::present::StepView>>,
    #[prop_or_default]
    pub remote_step: (u64, bool),
}

#[derive(Debug, PartialEq)]
struct Store(LessonState);

impl Reducible for Store {
    type Action = LessonAction;
    fn reduce(self: Rc<Self>, action: LessonAction) -> Rc<Self> {
        match self.0.reduce(action) {
            Some(s) => Rc::new(Store(s)),
            None => self,
        }
    }
}

/// Parses a custom lesson, or says in one line what is wrong with it.
fn parse_custom(text: &str) -> Result<Lesson, String> {
    let (lesson, diags) = parse_lesson(0, text);
    match lesson {
        Some(l) if !diags.iter().any(|d| d.severity == engine::Severity::Error) => Ok(l),
        _ => Err(diags
            .iter()
            .find(|d| d.severity == engine::Severity::Error)
            .map(|d| match d.span {
                Some(sp) => format!("line {}:{}: {}", sp.start.line, sp.start.col, d.message),
                None => d.message.clone(),
            })
            .unwrap_or_else(|| "it is not a lesson".into())),
    }
}

/// The state at page load: saved progress, then the lesson a link asks for, else the lesson
/// open at the last visit. Returns a notice for the page too.
fn boot(lessons: &[Lesson], text: &str) -> (LessonState, Option<String>) {
    let progress = web::load(PROGRESS_KEY)
        .and_then(|j| Progress::from_json(&j).ok())
        .unwrap_or_default();
    let s = LessonState::with_progress(progress.clone());
    let open = |s: &LessonState, lesson: Lesson, step, source, from_link| {
        s.reduce(LessonAction::Open {
            lesson,
            step,
            source,
            from_link,
            current_text: text.to_string(),
        })
    };
    match decode_lesson_link(&web::location_hash()) {
        Ok(Some(link)) => {
            // Read once: from now on the lesson lives in local storage, so a reload keeps the
            // learner's step and text instead of going back to the link.
            web::replace_hash(None);
            match link {
                LessonLink::Builtin { id, step } => {
                    match lessons.iter().find(|l| l.id == id).cloned() {
                        Some(l) => {
                            let next = open(&s, l, step, None, false);
                            return (next.unwrap_or(s), None);
                        }
                        None => return (s, Some(format!("no built-in lesson `{id}`"))),
                    }
                }
                LessonLink::Custom(t) => match parse_custom(&t) {
                    Ok(l) => {
                        let next = open(&s, l, None, Some(t), true);
                        return (
                            next.unwrap_or(s),
                            Some("opened a lesson from a link".into()),
                        );
                    }
                    Err(e) => return (s, Some(format!("the lesson in the link is broken: {e}"))),
                },
            }
        }
        Ok(None) => {}
        Err(e) => return (s, Some(format!("could not open the lesson link: {e}"))),
    }
    let Some(current) = progress.current.clone() else {
        return (s, None);
    };
    if !resume_on_boot(&progress, text) {
        return (s, None);
    }
    let builtin = lessons.iter().find(|l| key(l) == current).cloned();
    let found = match builtin {
        Some(l) => Some((l, None)),
        None => web::load(CUSTOM_KEY).and_then(|t| {
            parse_custom(&t)
                .ok()
                .filter(|l| key(l) == current)
                .map(|l| (l, Some(t)))
        }),
    };
    match found {
        Some((l, source)) => (open(&s, l, None, source, false).unwrap_or(s), None),
        None => (s, None),
    }
}

#[function_component(LessonDock)]
pub fn lesson_dock(p: &Props) -> Html {
    let lessons: Rc<Vec<Lesson>> = use_memo((), |_| builtin());
    let boot_notice = use_mut_ref(|| None::<String>);
    let store = {
        let lessons = lessons.clone();
        let text = p.text.to_string();
        let boot_notice = boot_notice.clone();
        use_reducer(move || {
            let (s, n) = boot(&lessons, &text);
            *boot_notice.borrow_mut() = n;
            Store(s)
        })
    };
    let ls = &store.0;

    {
        let on_main = p.on_main.clone();
        use_effect_with((), move |_| {
            if let Some(n) = boot_notice.borrow_mut().take() {
                on_main.emit(Action::Notice(Some(n)));
            }
        });
    }
    // A step's text goes into the editor (as a load: the editor resets its scroll).
    {
        let on_main = p.on_main.clone();
        let load = ls.load.clone();
        use_effect_with(ls.load_nonce, move |_| {
            if let Some(t) = load {
                // Undoable like every load over the learner's text (Undo, Ctrl+Z).
                on_main.emit(Action::Load(crate::state::Loaded {
                    text: t.to_string(),
                    what: "the lesson step".to_string(),
                    time_ms: crate::web::now_epoch_ms(),
                }));
            }
        });
    }
    // The learner's text, per step.
    {
        let store = store.clone();
        let active = ls.active.is_some();
        use_effect_with(p.text.clone(), move |t| {
            if active {
                store.dispatch(LessonAction::Text(t.to_string()));
            }
        });
    }
    // Progress and the custom lesson survive a reload.
    use_effect_with(ls.progress.clone(), |p| {
        let _ = web::save(PROGRESS_KEY, &p.to_json());
    });
    use_effect_with(ls.custom_source.clone(), |s| {
        if let Some(s) = s {
            let _ = web::save(CUSTOM_KEY, s);
        }
    });
    // The toolbar's Lessons button.
    {
        let store = store.clone();
        use_effect_with(p.toggle, move |t| {
            if *t > 0 {
                store.dispatch(LessonAction::ToggleList);
            }
        });
    }
    // A lesson file opened or dropped.
    {
        let store = store.clone();
        let on_main = p.on_main.clone();
        let text = p.text.to_string();
        use_effect_with(p.file.clone(), move |f| {
            if let Some((_, t)) = f {
                match parse_custom(t) {
                    Ok(l) => store.dispatch(LessonAction::Open {
                        lesson: l,
                        step: None,
                        source: Some(t.to_string()),
                        from_link: false,
                        current_text: text,
                    }),
                    Err(e) => on_main.emit(Action::Notice(Some(format!(
                        "this lesson file has a problem: {e}"
                    )))),
                }
            }
        });
    }

    // The goals, re-checked on every analysis. They count only when the analysis is of the
    // current text (right after a step's text is loaded, the previous one is still shown).
    let fresh = p.analysis.as_ref().is_some_and(|a| {
        a.0.sources
            .first()
            .is_some_and(|s| s.text == p.text.as_str())
    });
    let status: Option<Rc<StepStatus>> = (*use_memo(
        (ls.active.clone(), ls.step, p.analysis.clone()),
        |(lesson, step, a)| match (lesson, a) {
            (Some(l), Some(a)) => evaluate_step(l, *step, &a.0).map(Rc::new),
            _ => None,
        },
    ))
    .clone();
    {
        let store = store.clone();
        let complete = fresh && status.as_ref().is_some_and(|s| s.complete);
        let done = ls
            .lesson_progress()
            .is_some_and(|pr| pr.done.contains(&ls.step));
        use_effect_with((complete, done, ls.step), move |(complete, done, _)| {
            if *complete && !*done {
                store.dispatch(LessonAction::Completed);
            }
        });
    }

    // presenter view: what the presenter shows, and arrow keys (here or there) step through.
    {
        let on_present = p.on_present.clone();
        let view = ls.active.as_ref().and_then(|l| {
            l.steps.get(ls.step).map(|s| crate::present::StepView {
                lesson_title: l.title.clone(),
                step_title: s.title.clone(),
                text: s.text.clone(),
                step: ls.step + 1,
                steps: l.steps.len(),
            })
        });
        use_effect_with(view, move |v| on_present.emit(v.clone()));
    }
    let reading = ls.current_step().is_some_and(|s| s.goals.is_empty());
    let step_now = use_mut_ref(|| (false, String::new()));
    *step_now.borrow_mut() = (
        reading || (fresh && !p.pending && status.as_ref().is_some_and(|s| s.complete)),
        p.text.to_string(),
    );
    let move_step = {
        let store = store.clone();
        let step_now = step_now.clone();
        move |forward: bool| {
            let (complete, current_text) = step_now.borrow().clone();
            store.dispatch(if forward {
                LessonAction::Next {
                    complete,
                    current_text,
                }
            } else {
                LessonAction::Prev { current_text }
            });
        }
    };
    {
        let move_step = move_step.clone();
        use_effect_with(p.remote_step, move |(n, forward)| {
            if *n > 0 {
                move_step(*forward);
            }
        });
    }
    {
        let open = ls.active.is_some() && !ls.show_list;
        use_effect_with(open, move |open| {
            let listener = open.then(|| {
                web::on_document_keydown(move |e: web_sys::KeyboardEvent| {
                    let in_field = e
                        .target()
                        .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
                        .is_some_and(|el| {
                            matches!(el.tag_name().as_str(), "TEXTAREA" | "INPUT" | "SELECT")
                        });
                    // A control that took the key already (a splitter resizing with the
                    // arrows) keeps it: the page's handlers run before this document one.
                    let modified = e.alt_key()
                        || e.ctrl_key()
                        || e.meta_key()
                        || e.shift_key()
                        || e.default_prevented();
                    if let (false, Some(f)) = (in_field, crate::present::arrow(&e.key(), modified))
                    {
                        e.prevent_default();
                        move_step(f);
                    }
                })
            });
            move || drop(listener)
        });
    }
    // end presenter view

    let on_action = {
        let store = store.clone();
        Callback::from(move |a: LessonAction| store.dispatch(a))
    };
    let on_goal = {
        let store = store.clone();
        let on_main = p.on_main.clone();
        let status = status.clone();
        let scene = p.scene.clone();
        let selected = ls.selected_goal;
        Callback::from(move |i: usize| {
            if selected == Some(i) {
                store.dispatch(LessonAction::SelectGoal(None));
                return;
            }
            store.dispatch(LessonAction::SelectGoal(Some(i)));
            // Bring the explanation into view once rendered (at the bottom, so the goal stays).
            gloo_timers::callback::Timeout::new(0, || {
                if let Some(e) = web::document().and_then(|d| d.get_element_by_id("goal-why")) {
                    e.scroll_into_view_with_bool(false);
                }
            })
            .forget();
            if let (Some(st), Some(sc)) = (&status, &scene) {
                if let Some(sel) = goal_selection(st, i, sc) {
                    on_main.emit(Action::Select(sel));
                }
            }
        })
    };
    let on_share = {
        let on_main = p.on_main.clone();
        let frag = match (&ls.active, &ls.custom_source) {
            (Some(_), Some(src)) => encode_lesson_link(src),
            (Some(l), None) => format!("lesson={}&step={}", l.id, ls.step + 1),
            _ => String::new(),
        };
        Callback::from(move |_: ()| {
            let url = format!("{}#{frag}", web::base_url());
            web::copy_to_clipboard(&url);
            on_main.emit(Action::Notice(Some(format!(
                "lesson link copied ({} KB):|{url}",
                url.len().div_ceil(1024)
            ))));
        })
    };
    let on_open = {
        let store = store.clone();
        let lessons = lessons.clone();
        let text = p.text.to_string();
        Callback::from(move |id: String| {
            if let Some(l) = lessons.iter().find(|l| l.id == id).cloned() {
                store.dispatch(LessonAction::Open {
                    lesson: l,
                    step: None,
                    source: None,
                    from_link: false,
                    current_text: text.clone(),
                });
            }
        })
    };
    let on_import = {
        let store = store.clone();
        let on_main = p.on_main.clone();
        Callback::from(move |r: Result<String, String>| {
            match r.and_then(|t| Progress::from_json(&t)) {
                Ok(p) => store.dispatch(LessonAction::Import(p)),
                Err(e) => on_main.emit(Action::Notice(Some(format!(
                    "could not import the progress: {e}"
                )))),
            }
        })
    };
    let on_reset_all = {
        let store = store.clone();
        Callback::from(move |_: ()| store.dispatch(LessonAction::ResetAll))
    };
    let on_close_list = {
        let store = store.clone();
        Callback::from(move |_: ()| store.dispatch(LessonAction::ToggleList))
    };

    let active_key = ls.active.as_deref().map(key);
    let body = if ls.show_list {
        html! {
            <LessonsList lessons={lessons.clone()} progress={ls.progress.clone()} active={active_key}
                on_open={on_open} on_import={on_import} on_reset_all={on_reset_all} on_close={on_close_list} />
        }
    } else if ls.active.is_some() {
        html! {
            <LessonPanel state={Rc::new(ls.clone())} status={status} pending={p.pending || !fresh}
                text={p.text.clone()} on_action={on_action} on_goal={on_goal} on_share={on_share} />
        }
    } else {
        return Html::default();
    };
    html! {
        <section class="pane lesson-pane" aria-label="lessons">{body}</section>
    }
}
