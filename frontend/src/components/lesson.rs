//! The lesson panel `#lesson`: the step's text (the engine's Markdown blocks rendered as
//! elements — never as HTML), the goals as a live checklist re-checked on every analysis, hints,
//! the solution behind a confirmation and shown as a diff, reset, previous / next.

use std::rc::Rc;

use yew::prelude::*;

use engine::lesson::markdown::{Block, Inline};
use engine::lesson::{GoalState, StepStatus};

use crate::components::completion::CompletionBox;
use crate::lesson_state::{LessonAction, LessonState};
pub use crate::lessons::goal_selection;
use crate::lessons::{diff_lines, fold_unchanged, DiffLine, DiffRow};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: Rc<LessonState>,
    /// The goals on the last good analysis; `None` before the first one.
    pub status: Option<Rc<StepStatus>>,
    /// An analysis is pending (the checklist shows the previous text's state).
    pub pending: bool,
    /// The editor's text (for the solution's diff and to remember it on moving).
    pub text: AttrValue,
    pub on_action: Callback<LessonAction>,
    /// Clicking a goal: its index (0-based).
    pub on_goal: Callback<usize>,
    /// Copy a link to this lesson (and step).
    pub on_share: Callback<()>,
}

pub fn inlines(items: &[Inline]) -> Html {
    items
        .iter()
        .map(|i| match i {
            Inline::Text(t) => html! { {t.clone()} },
            Inline::Strong(v) => html! { <strong>{inlines(v)}</strong> },
            Inline::Emphasis(v) => html! { <em>{inlines(v)}</em> },
            Inline::Code(c) => html! { <code>{c.clone()}</code> },
            Inline::Link { href, text } => {
                if href.starts_with('#') {
                    html! { <a href={href.clone()}>{inlines(text)}</a> }
                } else {
                    html! { <a href={href.clone()} target="_blank" rel="noopener noreferrer">{inlines(text)}</a> }
                }
            }
        })
        .collect()
}

pub fn blocks(items: &[Block]) -> Html {
    items
        .iter()
        .map(|b| match b {
            Block::Paragraph(v) => html! { <p>{inlines(v)}</p> },
            Block::List { ordered, items } => {
                let lis: Html = items
                    .iter()
                    .map(|it| html! { <li>{inlines(it)}</li> })
                    .collect();
                if *ordered {
                    html! { <ol>{lis}</ol> }
                } else {
                    html! { <ul>{lis}</ul> }
                }
            }
            Block::Code { info, text } => {
                html! { <pre class="lesson-code" data-info={info.clone()}><code>{text.clone()}</code></pre> }
            }
        })
        .collect()
}

fn state_words(s: &GoalState) -> (&'static str, &'static str) {
    match s {
        GoalState::Met => ("✓", "met"),
        GoalState::Unmet => ("✗", "not met"),
        GoalState::Unresolved => ("?", "name not found"),
    }
}

#[function_component(LessonPanel)]
pub fn lesson_panel(p: &Props) -> Html {
    let st = &p.state;
    let Some(lesson) = st.active.clone() else {
        return Html::default();
    };
    let Some(step) = lesson.steps.get(st.step) else {
        return Html::default();
    };
    let n_steps = lesson.steps.len();
    let reading = step.goals.is_empty();
    let complete = reading || (!p.pending && p.status.as_ref().is_some_and(|s| s.complete));
    let done = st
        .lesson_progress()
        .is_some_and(|pr| pr.done.contains(&st.step));
    let act = |a: LessonAction| {
        let cb = p.on_action.clone();
        Callback::from(move |_: MouseEvent| cb.emit(a.clone()))
    };
    let text = p.text.to_string();
    let hints_shown = st.hints_shown();
    let last = st.step + 1 >= n_steps;
    let met = p
        .status
        .as_ref()
        .map_or(0, |s| s.goals.iter().filter(|g| g.met()).count());
    let met_list = p.status.as_ref().map(|s| {
        let met: Vec<String> = s
            .goals
            .iter()
            .filter(|g| g.met())
            .map(|g| (g.index + 1).to_string())
            .collect();
        if met.is_empty() {
            " (none met yet)".to_string()
        } else {
            format!(" (met: goal {})", met.join(", "))
        }
    });
    let summary = if reading {
        "a reading step: move on when ready".to_string()
    } else if p.status.is_none() {
        "checking the goals…".to_string()
    } else {
        format!(
            "{met} of {} goal{} met{}",
            step.goals.len(),
            if step.goals.len() == 1 { "" } else { "s" },
            if complete { ": step complete" } else { "" }
        )
    };

    let goals: Html = match &p.status {
        Some(status) if !reading => status
            .goals
            .iter()
            .map(|g| {
                let (mark, words) = state_words(&g.state);
                let i = g.index;
                let selected = st.selected_goal == Some(i);
                let on_goal = p.on_goal.clone();
                html! {
                    <li data-goal={(i + 1).to_string()} data-met={g.met().to_string()}
                        class={classes!("goal", g.met().then_some("met"), selected.then_some("selected"))}>
                        // The name is the visible text (axe: label-content-name-mismatch), the
                        // goal's number for screen readers only.
                        <button type="button" aria-pressed={selected.to_string()}
                            title="show why, and select the flow in the graph"
                            onclick={Callback::from(move |_: MouseEvent| on_goal.emit(i))}>
                            // The name is the visible text (axe: label-content-name-mismatch).
                            <span class="sr-only">{format!("goal {}: ", i + 1)}</span>
                            <span class="mark" aria-hidden="true">{mark}</span>
                            <span class="sr-only">{format!("goal {}: ", i + 1)}</span>
                            <span class="goal-label">{g.label.clone()}</span>
                            <span class="sr-only">{": "}</span>
                            <span class="goal-state">{words}</span>
                        </button>
                    </li>
                }
            })
            .collect(),
        _ => step
            .goals
            .iter()
            .enumerate()
            .map(|(i, g)| {
                html! {
                    <li data-goal={(i + 1).to_string()} data-met="false" class="goal">
                        <button type="button" disabled=true>
                            <span class="mark" aria-hidden="true">{"…"}</span>
                            <span class="goal-label">{g.label()}</span>
                            <span class="goal-state">{"checking"}</span>
                        </button>
                    </li>
                }
            })
            .collect(),
    };
    // Locked objects: one line while all are kept; each one named when one is not.
    let locked: Html = match &p.status {
        Some(status) if !status.locked.is_empty() => {
            let broken: Vec<_> = status.locked.iter().filter(|l| !l.kept()).collect();
            let names = status
                .locked
                .iter()
                .map(|l| l.object.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            html! {
                <ul id="locked" class="goals locked" aria-label="locked objects">
                    if broken.is_empty() {
                        <li class="goal met" data-locked="all" data-met="true" title={names}>
                            <span class="mark" aria-hidden="true">{"✓"}</span>
                            <span class="goal-label">{format!("{} locked object{} unchanged", status.locked.len(), if status.locked.len() == 1 { "" } else { "s" })}</span>
                        </li>
                    } else {
                        { for broken.into_iter().map(|l| html! {
                            <li class="goal" data-locked={l.object.to_string()} data-met="false">
                                <span class="mark" aria-hidden="true">{"✗"}</span>
                                <span class="goal-label">{plain_ticks(&l.message())}</span>
                            </li>
                        }) }
                    }
                </ul>
            }
        }
        _ => Html::default(),
    };
    let why: Html = match (st.selected_goal, &p.status) {
        (Some(i), Some(status)) => match status.goals.get(i) {
            Some(g) => {
                let (_, words) = state_words(&g.state);
                let mut extra: Vec<String> =
                    g.unresolved.iter().map(|u| u.message.clone()).collect();
                if g.offending_total > g.offending.len() {
                    extra.push(format!(
                        "{} more flows no goal asks for are allowed",
                        g.offending_total - g.offending.len()
                    ));
                }
                html! {
                    <div id="goal-why" class="goal-why" aria-live="polite">
                        <p class="why-head"><strong>{format!("Goal {} {words}: ", i + 1)}</strong>{plain_ticks(&g.reason)}</p>
                        if !g.explanation.is_empty() {
                            <details class="why-details">
                                <summary>{"The engine's full explanation"}</summary>
                                <pre class="why-text">{g.explanation.clone()}</pre>
                            </details>
                        }
                        { for g.offending.iter().skip(1).take(4).map(|o| html! {
                            <p class="why-more">{format!("also allowed: {} → {} port {}/{}", o.from, o.to, o.port, o.protocol)}</p>
                        }) }
                        { for extra.into_iter().map(|e| html! { <p class="why-more">{plain_ticks(&e)}</p> }) }
                    </div>
                }
            }
            None => Html::default(),
        },
        _ => Html::default(),
    };

    let diff: Html = if st.diff_open {
        let sol = step.solution.clone().unwrap_or_default();
        let lines = diff_lines(&text, &sol);
        let changed = lines
            .iter()
            .filter(|l| !matches!(l, DiffLine::Same(_)))
            .count();
        html! {
            <div id="lesson-solution-box" class="solution-box">
                <p>{ if changed == 0 { "Your text is already the solution.".to_string() } else { format!("The solution against your text ({changed} line{} differ; − yours, + the solution's):", if changed == 1 { "" } else { "s" }) } }</p>
                <pre id="lesson-diff" class="diff" tabindex="0" aria-label="the solution as a diff against your text">
                    { for fold_unchanged(lines, 3).into_iter().map(|r| match r {
                        DiffRow::Line(DiffLine::Same(t)) => html! { <span class="same">{format!("  {t}\n")}</span> },
                        DiffRow::Line(DiffLine::Removed(t)) => html! { <del class="removed">{format!("− {t}\n")}</del> },
                        DiffRow::Line(DiffLine::Added(t)) => html! { <ins class="added">{format!("+ {t}\n")}</ins> },
                        DiffRow::Folded(n) => html! { <span class="folded">{format!("  … {n} unchanged line{}\n", if n == 1 { "" } else { "s" })}</span> },
                    }) }
                </pre>
                <div class="row">
                    <button id="lesson-apply-solution" onclick={act(LessonAction::ApplySolution { current_text: text.clone() })}>{"Apply the solution"}</button>
                    <button id="lesson-solution-close" onclick={act(LessonAction::CancelSolution)}>{"Hide"}</button>
                </div>
            </div>
        }
    } else {
        Html::default()
    };

    html! {
        <section id="lesson" class="lesson" aria-label="lesson"
            data-lesson-id={lesson.id.clone()} data-version={lesson.version.to_string()}
            data-complete={complete.to_string()} data-lesson-complete={st.lesson_complete().to_string()}
            data-state={if p.pending { "stale" } else { "ready" }}>
            if st.from_link {
                <div id="lesson-from-link" class="lesson-banner" role="note">
                    <strong>{"Lesson from a link. "}</strong>
                    {"Whoever made the link wrote its text and manifests; it runs nothing and shows no HTML, but read the manifests before using them elsewhere."}
                </div>
            }
            <header class="lesson-head">
                <span class="badge" title="level">{lesson.level.clone()}</span>
                <h2 class="lesson-title">{lesson.title.clone()}</h2>
                <button id="lesson-close" class="close" aria-label="close the lesson" title="close the lesson"
                    onclick={act(LessonAction::Close)}>{"×"}</button>
            </header>
            <nav class="lesson-nav" aria-label="steps">
                <button id="lesson-prev" disabled={st.step == 0}
                    onclick={act(LessonAction::Prev { current_text: text.clone() })}>{"← Previous"}</button>
                <span id="lesson-step" data-step={(st.step + 1).to_string()} data-steps={n_steps.to_string()}
                    data-done={done.to_string()}>
                    {format!("Step {} of {n_steps}", st.step + 1)}
                    if done { <span class="done-mark">{" ✓ done"}</span> }
                </span>
                <button id="lesson-next" class={classes!(complete.then_some("primary"))} disabled={!complete}
                    title={if complete { "go on" } else { "meet every goal of this step first" }}
                    onclick={act(LessonAction::Next { complete, current_text: text.clone() })}>
                    { if last { "Finish ✓" } else { "Next →" } }
                </button>
            </nav>
            <div class="lesson-body">
                <h3 class="step-title">{step.title.clone()}</h3>
                <div id="lesson-text" class="lesson-text">{blocks(&step.blocks())}</div>
                if let Some(notes) = &step.notes {
                    <aside id="lesson-notes" class="lesson-notes" aria-label="speaker notes">
                        <h4 class="goals-head">{"Speaker notes (not in the presenter view)"}</h4>
                        {blocks(&engine::lesson::markdown::parse(notes))}
                    </aside>
                }
                if !reading {
                    <h4 class="goals-head">{"Goals"}</h4>
                    <p id="goals-summary" class="goals-summary" aria-live="polite" role="status">{summary.clone()}
                        // Which goals are met, for screen readers: one goal met while another
                        // comes undone keeps the count, and must still be announced.
                        if let Some(list) = &met_list { <span class="sr-only">{list.clone()}</span> }
                    </p>
                    <ul id="goals" class="goals">{goals}</ul>
                    {locked}
                    {why}
                } else {
                    <p id="goals-summary" class="goals-summary" role="status">{summary}</p>
                }
                if let (true, Some(progress)) = (st.lesson_complete(), st.lesson_progress()) {
                    <CompletionBox lesson={lesson.clone()} progress={progress.clone()} />
                }
                if hints_shown > 0 {
                    <ol id="lesson-hints" class="lesson-hints" aria-label="hints">
                        { for step.hints.iter().take(hints_shown).map(|h| html! {
                            <li class="lesson-hint">{inlines(&engine::lesson::markdown::inlines(h))}</li>
                        }) }
                    </ol>
                }
                if st.confirm_solution {
                    <div id="lesson-solution-confirm-box" class="solution-box" role="alertdialog" aria-label="show the solution?">
                        <p>{"Show the solution? You will see it as a diff against your text first; nothing changes until you apply it."}</p>
                        <div class="row">
                            <button id="lesson-solution-confirm" class="primary" onclick={act(LessonAction::ConfirmSolution)}>{"Show the solution"}</button>
                            <button id="lesson-solution-cancel" onclick={act(LessonAction::CancelSolution)}>{"Keep trying"}</button>
                        </div>
                    </div>
                }
                {diff}
                if st.undo_text.is_some() {
                    <p class="row">
                        <button id="lesson-undo-solution" onclick={act(LessonAction::UndoSolution)}>{"Restore my text"}</button>
                    </p>
                }
                if let Some(m) = st.message.clone() {
                    <p id="lesson-message" class="lesson-message" role="status">
                        {m}
                        <button class="close" aria-label="dismiss" onclick={act(LessonAction::DismissMessage)}>{"×"}</button>
                    </p>
                }
            </div>
            <footer class="lesson-actions">
                <button id="lesson-hint" disabled={reading && step.hints.is_empty() || hints_shown >= step.hints.len()}
                    onclick={act(LessonAction::RevealHint)}>
                    { if step.hints.is_empty() { "No hints".to_string() } else { format!("Hint {hints_shown}/{}", step.hints.len()) } }
                </button>
                <button id="lesson-solution" disabled={step.solution.is_none()}
                    onclick={act(LessonAction::AskSolution)}>{"Solution…"}</button>
                <button id="lesson-reset" title="restore this step's starting manifests" aria-label="reset the step"
                    onclick={act(LessonAction::Reset)}>{"Reset"}</button>
                <button id="lesson-share" title="copy a link to this lesson and step" aria-label="copy a link to this lesson"
                    onclick={let cb = p.on_share.clone(); move |_: MouseEvent| cb.emit(())}>{"Link"}</button>
            </footer>
        </section>
    }
}

/// Reasons quote names in backticks: shown as text with the backticks kept readable.
pub fn plain_ticks(s: &str) -> Html {
    inlines(&engine::lesson::markdown::inlines(s))
}
