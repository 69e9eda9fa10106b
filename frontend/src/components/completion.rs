//! `#completion`: the code of a finished lesson (`#completion-code`), the learner's nickname
//! (kept in localStorage), a copy button and the code as a QR code drawn in the page.

use std::rc::Rc;

use yew::prelude::*;

use engine::completion::{encode, MAX_NICKNAME};
use engine::lesson::Lesson;

use crate::completion_code::{clean_nickname, completion_of, qr_modules, NICKNAME_KEY};
use crate::lessons::LessonProgress;
use crate::web;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lesson: Rc<Lesson>,
    pub progress: LessonProgress,
}

/// The QR code as SVG rects (one per run of dark modules in a row), with a quiet zone of 4.
fn qr_svg(text: &str) -> Html {
    let Some((w, dark)) = qr_modules(text) else {
        return Html::default();
    };
    let size = w + 8;
    let mut rects = Vec::new();
    for (y, row) in dark.chunks(w.max(1)).enumerate() {
        let mut x = 0;
        while x < row.len() {
            if row.get(x).copied().unwrap_or(false) {
                let start = x;
                while row.get(x).copied().unwrap_or(false) {
                    x += 1;
                }
                rects.push(html! {
                    <rect x={(start + 4).to_string()} y={(y + 4).to_string()}
                        width={(x - start).to_string()} height="1" />
                });
            } else {
                x += 1;
            }
        }
    }
    html! {
        <svg id="completion-qr" class="completion-qr" role="img" aria-label="the completion code as a QR code"
            viewBox={format!("0 0 {size} {size}")} width="148" height="148" shape-rendering="crispEdges"
            data-modules={w.to_string()}>
            <rect width={size.to_string()} height={size.to_string()} fill="#fff" />
            <g fill="#000">{ for rects }</g>
        </svg>
    }
}

#[function_component(CompletionBox)]
pub fn completion_box(p: &Props) -> Html {
    let nickname = use_state(|| clean_nickname(&web::load(NICKNAME_KEY).unwrap_or_default()));
    let copied = use_state(|| false);
    let c = completion_of(&p.lesson, &p.progress, &nickname);
    let code = encode(&c);
    let on_nick = {
        let nickname = nickname.clone();
        let copied = copied.clone();
        Callback::from(move |e: InputEvent| {
            let v: web_sys::HtmlInputElement = e.target_unchecked_into();
            let n = clean_nickname(&v.value());
            // Not saved: the nickname just stays in memory; the code still shows.
            let _ = web::save(NICKNAME_KEY, &n);
            copied.set(false);
            nickname.set(n);
        })
    };
    let body = match &code {
        Ok(code) => {
            let on_copy = {
                let code = code.clone();
                let copied = copied.clone();
                Callback::from(move |_: MouseEvent| {
                    web::copy_to_clipboard(&code);
                    copied.set(true);
                })
            };
            html! {
                <div class="completion-row">
                    <div class="completion-text">
                        <output id="completion-code" class="completion-code" aria-label="completion code">{code.clone()}</output>
                        <p class="row">
                            <button id="copy-completion-code" onclick={on_copy}>{"Copy the code"}</button>
                            if *copied { <span class="copied" role="status">{" copied"}</span> }
                        </p>
                    </div>
                    {qr_svg(code)}
                </div>
            }
        }
        Err(e) => html! { <p id="completion-error" class="lesson-message">{e.to_string()}</p> },
    };
    html! {
        <div id="completion" class="completion" aria-label="completion code">
            <h4 class="goals-head">{"Lesson complete: your code"}</h4>
            <p class="completion-help">
                {format!("{} of {} steps, {} hint{}{}. Paste the code to your instructor's class board.",
                    c.steps_done, c.steps_total, c.hints_used, if c.hints_used == 1 { "" } else { "s" },
                    if c.solution_shown { ", solution shown" } else { "" })}
            </p>
            <label class="completion-nick">
                {"Your nickname (optional, in the code): "}
                <input id="completion-nickname" type="text" maxlength={MAX_NICKNAME.to_string()}
                    autocomplete="nickname" value={(*nickname).clone()} oninput={on_nick} />
            </label>
            {body}
            <p class="completion-note">{"The code catches typos; it is not proof against cheating: anyone can make a valid code."}</p>
        </div>
    }
}
