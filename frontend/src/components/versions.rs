//! The versions panel: "save as…" named snapshots (restore, delete) and the recent states
//! kept across reloads. Restoring is a load, so it is undoable too.

use std::rc::Rc;

use yew::prelude::*;

use crate::state::{Action, Loaded};
use crate::versions::{summary, Entry, Versions};
use crate::web;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub versions: Rc<Versions>,
    pub on_load: Callback<Loaded>,
    pub on_action: Callback<Action>,
    pub on_close: Callback<()>,
}

fn restore_button(e: &Entry, what: String, on_load: &Callback<Loaded>) -> Html {
    let cb = on_load.clone();
    let text = e.text.clone();
    let label = format!("restore {what}");
    html! {
        <button class="restore" aria-label={label}
            onclick={move |_| cb.emit(Loaded { text: text.clone(), what: what.clone(), time_ms: web::now_epoch_ms() })}>
            {"Restore"}
        </button>
    }
}

#[function_component(VersionsPanel)]
pub fn versions_panel(p: &Props) -> Html {
    let name = use_state(String::new);
    let on_name = {
        let name = name.clone();
        Callback::from(move |e: InputEvent| {
            name.set(
                e.target_unchecked_into::<web_sys::HtmlInputElement>()
                    .value(),
            )
        })
    };
    let on_save = {
        let name = name.clone();
        let on_action = p.on_action.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on_action.emit(Action::SaveSnapshot {
                name: (*name).clone(),
                time_ms: web::now_epoch_ms(),
            });
            name.set(String::new());
        })
    };
    let on_keydown = {
        let close = p.on_close.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                close.emit(());
            }
        })
    };
    let close = {
        let close = p.on_close.clone();
        Callback::from(move |_: MouseEvent| close.emit(()))
    };
    html! {
        <section id="versions-panel" class="popover" aria-label="versions" onkeydown={on_keydown}>
            <div class="popover-head">
                <h2>{"Versions"}</h2>
                <button class="close" onclick={close} aria-label="close versions">{"×"}</button>
            </div>
            <form class="save-as" onsubmit={on_save}>
                <label for="snapshot-name">{"Save the text as"}</label>
                <input id="snapshot-name" type="text" placeholder="name" value={(*name).clone()} oninput={on_name} />
                <button id="save-snapshot" type="submit">{"Save"}</button>
            </form>
            <h3>{"Saved"}</h3>
            if p.versions.named.is_empty() {
                <p class="muted">{"No saved version yet."}</p>
            }
            <ul id="snapshots" class="version-list">
                { for p.versions.named.iter().map(|e| {
                    let del = {
                        let cb = p.on_action.clone();
                        let n = e.name.clone();
                        Callback::from(move |_: MouseEvent| cb.emit(Action::DeleteSnapshot(n.clone())))
                    };
                    html! {
                        <li data-snapshot={e.name.clone()}>
                            <span class="v-name" title={e.name.clone()}>{e.name.clone()}</span>
                            <span class="v-meta">{format!("{} · {}", web::clock(e.time_ms), summary(&e.text))}</span>
                            {restore_button(e, format!("“{}”", e.name), &p.on_load)}
                            <button class="delete" aria-label={format!("delete {}", e.name)} onclick={del}>{"Delete"}</button>
                        </li>
                    }
                }) }
            </ul>
            <h3>{"Recent (kept after a reload)"}</h3>
            <ul id="recent" class="version-list">
                { for p.versions.recent.iter().enumerate().map(|(i, e)| html! {
                    <li data-recent={i.to_string()}>
                        <span class="v-name">{web::clock(e.time_ms)}</span>
                        <span class="v-meta">{summary(&e.text)}</span>
                        {restore_button(e, format!("the state of {}", web::clock(e.time_ms)), &p.on_load)}
                    </li>
                }) }
            </ul>
        </section>
    }
}
