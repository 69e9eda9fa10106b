//! The lessons list `#lessons`: the built-in track grouped by level with progress marks, and
//! the progress controls (export / import as a JSON file, reset all).

use std::rc::Rc;

use yew::prelude::*;

use engine::lesson::Lesson;

use crate::lessons::{by_level, key, Progress};
use crate::web;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lessons: Rc<Vec<Lesson>>,
    pub progress: Progress,
    /// `id@version` of the open lesson.
    pub active: Option<String>,
    pub on_open: Callback<String>,
    /// An imported progress file's text.
    pub on_import: Callback<Result<String, String>>,
    pub on_reset_all: Callback<()>,
    pub on_close: Callback<()>,
}

#[function_component(LessonsList)]
pub fn lessons_list(p: &Props) -> Html {
    let confirm_reset = use_state_eq(|| false);
    let groups = by_level(&p.lessons);
    let on_export = {
        let json = p.progress.to_json();
        Callback::from(move |_: MouseEvent| {
            web::download_text(&json, "netpol-lesson-progress.json", "application/json")
        })
    };
    let on_import = {
        let cb = p.on_import.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<web_sys::HtmlInputElement>();
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                let cb = cb.clone();
                web::read_file(file, move |r| cb.emit(r));
            }
            input.set_value("");
        })
    };
    let on_reset = {
        let confirm = confirm_reset.clone();
        let cb = p.on_reset_all.clone();
        Callback::from(move |_: MouseEvent| {
            if *confirm {
                confirm.set(false);
                cb.emit(());
            } else {
                confirm.set(true);
            }
        })
    };
    let on_close = {
        let cb = p.on_close.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    html! {
        <nav id="lessons" class="lessons" aria-label="lessons">
            <header class="lesson-head">
                <h2 class="lesson-title">{"Lessons"}</h2>
                <button id="lessons-close" class="close" aria-label="hide the lessons" title="hide the lessons" onclick={on_close}>{"×"}</button>
            </header>
            <p class="lessons-intro">{"Goals are checked on what the traffic does, live, as you edit. Open a lesson file with “Open…” to follow your own."}</p>
            { for groups.into_iter().map(|(level, ls)| html! {
                <section class="level" aria-label={format!("level {level}")}>
                    <h3 class="level-name"><span class="badge">{level.clone()}</span></h3>
                    <ul>
                        { for ls.into_iter().map(|l| {
                            let k = key(l);
                            let pr = p.progress.lessons.get(&k);
                            let done = pr.map_or(0, |pr| pr.done.iter().filter(|&&i| i < l.steps.len()).count());
                            let n = l.steps.len();
                            let (state, mark) = if n > 0 && done >= n {
                                ("done", "✓ done".to_string())
                            } else if pr.is_some() {
                                ("started", format!("{done}/{n} steps"))
                            } else {
                                ("new", format!("{n} steps"))
                            };
                            let id = l.id.clone();
                            let on_open = p.on_open.clone();
                            let current = p.active.as_deref() == Some(k.as_str());
                            html! {
                                <li data-lesson-id={l.id.clone()} data-progress={state}
                                    class={classes!("lesson-item", current.then_some("current"))}>
                                    <button type="button" class="lesson-open" aria-current={current.then_some("true")}
                                        onclick={Callback::from(move |_: MouseEvent| on_open.emit(id.clone()))}>
                                        <span class="lesson-name">{l.title.clone()}</span>
                                        <span class={classes!("progress-mark", state)}>{mark}</span>
                                    </button>
                                    <p class="lesson-summary">{crate::components::lesson::plain_ticks(&l.summary)}</p>
                                </li>
                            }
                        }) }
                    </ul>
                </section>
            }) }
            <footer class="lesson-actions">
                <button id="lessons-export" onclick={on_export} title="download your progress as a JSON file">{"Export progress"}</button>
                <label class="button" for="lessons-import" tabindex="0"
                    onkeydown={Callback::from(|e: KeyboardEvent| {
                        if e.key() == "Enter" || e.key() == " " {
                            e.prevent_default();
                            if let Some(i) = web::document().and_then(|d| d.get_element_by_id("lessons-import")) {
                                if let Ok(i) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(i) { i.click(); }
                            }
                        }
                    })}>{"Import progress…"}</label>
                <input id="lessons-import" class="sr-only" type="file" accept=".json,application/json" onchange={on_import} tabindex="-1" />
                <button id="lessons-reset-all" class={classes!((*confirm_reset).then_some("danger"))} onclick={on_reset}
                    title="forget every lesson's progress">
                    { if *confirm_reset { "Really reset all progress?" } else { "Reset all progress" } }
                </button>
            </footer>
        </nav>
    }
}
