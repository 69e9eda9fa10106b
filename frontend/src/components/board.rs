//! `board.html`: the class board. The instructor pastes completion codes into `#codes` and sees
//! learners × lessons in `#board`, one element per code (`data-valid`); a mistyped code is listed
//! with why, never dropped. Export as CSV. Everything stays in the page: nothing is sent.

use yew::prelude::*;

use crate::completion_code::{axes, learner, lesson_key, read_codes, summary, to_csv};
use crate::web;

/// localStorage key of the pasted codes (so a reload keeps the board).
const CODES_KEY: &str = "netpol-playground.board-codes";

#[function_component(Board)]
pub fn board() -> Html {
    let codes = use_state(|| web::load(CODES_KEY).unwrap_or_default());
    use_effect_with((), |_| {
        if let Some(d) = web::document() {
            d.set_title("Netpol Playground: class board");
        }
        let theme = match web::load(web::THEME_KEY).as_deref() {
            Some("dark") => "dark",
            Some("light") => "light",
            _ if web::prefers_dark() => "dark",
            _ => "light",
        };
        web::set_root_theme(theme);
    });
    let on_input = {
        let codes = codes.clone();
        Callback::from(move |e: InputEvent| {
            let ta: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            let v = ta.value();
            let _ = web::save(CODES_KEY, &v);
            codes.set(v);
        })
    };
    let entries = read_codes(&codes);
    let (learners, lessons) = axes(&entries);
    let bad: Vec<_> = entries.iter().filter(|e| e.read.is_err()).collect();
    let good = entries.len() - bad.len();
    let on_csv = {
        let csv = to_csv(&entries);
        Callback::from(move |_: MouseEvent| {
            web::download_text(&csv, "class-board.csv", "text/csv");
        })
    };
    let header: Html = lessons
        .iter()
        .map(|l| html! { <th scope="col">{l.clone()}</th> })
        .collect();
    let rows: Html = learners
        .iter()
        .map(|who| {
            let cells: Html = lessons
                .iter()
                .map(|l| {
                    let here: Html = entries
                        .iter()
                        .filter_map(|e| e.read.as_ref().ok().map(|c| (e, c)))
                        .filter(|(_, c)| &learner(c) == who && &lesson_key(c) == l)
                        .map(|(e, c)| {
                            let full = c.steps_done == c.steps_total;
                            html! {
                                <div class="board-code" data-valid="true" data-line={e.line.to_string()}
                                    data-learner={c.nickname.clone()} data-lesson={c.lesson.clone()}
                                    data-steps-done={c.steps_done.to_string()} data-steps-total={c.steps_total.to_string()}
                                    title={e.text.clone()}>
                                    <span aria-hidden="true">{ if full { "✓ " } else { "◐ " } }</span>
                                    {summary(c)}
                                </div>
                            }
                        })
                        .collect();
                    html! { <td>{here}</td> }
                })
                .collect();
            html! { <tr><th scope="row">{who.clone()}</th>{cells}</tr> }
        })
        .collect();
    html! {
        <main class="board-page">
            <header class="board-head">
                <h1>{"Class board"}</h1>
                <a href="./">{"← the playground"}</a>
            </header>
            <p class="board-help">
                {"Paste the learners' completion codes, one per line. They are read in this page only: nothing is sent anywhere. A code's check catches typos; it is not proof against cheating."}
            </p>
            <label for="codes" class="board-label">{"Completion codes"}</label>
            <textarea id="codes" rows="6" spellcheck="false" placeholder="NP1-…" value={(*codes).clone()} oninput={on_input} />
            <p id="board-summary" class="board-summary" role="status" aria-live="polite">
                {format!("{good} code{} read", if good == 1 { "" } else { "s" })}
                if !bad.is_empty() { {format!(", {} flagged", bad.len())} }
                {format!(" · {} learner{} × {} lesson{}", learners.len(), if learners.len() == 1 { "" } else { "s" }, lessons.len(), if lessons.len() == 1 { "" } else { "s" })}
            </p>
            <p><button id="export-csv" onclick={on_csv} disabled={entries.is_empty()}>{"Export CSV"}</button></p>
            <div id="board" class="board">
                if !lessons.is_empty() {
                    <table class="board-grid">
                        <caption>{"Learners × lessons"}</caption>
                        <thead><tr><th scope="col">{"Learner"}</th>{header}</tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                }
                if !bad.is_empty() {
                    <h2 class="board-bad-head">{"Codes that do not read"}</h2>
                    <ul class="board-bad">
                        { for bad.iter().map(|e| html! {
                            <li class="board-code" data-valid="false" data-line={e.line.to_string()}>
                                <span aria-hidden="true">{"⚠ "}</span>
                                {format!("line {}: ", e.line)}<code>{e.text.clone()}</code>
                                {" — "}{e.read.as_ref().err().cloned().unwrap_or_default()}
                            </li>
                        }) }
                    </ul>
                }
            </div>
        </main>
    }
}
