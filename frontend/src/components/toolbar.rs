//! The header: examples, open/download, share, exports, animation and theme switches.

use yew::prelude::*;

use crate::examples::EXAMPLES;
use crate::state::{Action, Loaded, Theme, View};
use crate::web;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state_view: View,
    pub theme: Theme,
    pub paused: bool,
    pub on_load: Callback<Loaded>,
    pub on_action: Callback<Action>,
    pub on_copy_link: Callback<()>,
    pub versions_open: bool,
    // lessons: the Lessons button shows / hides the lessons list.
    #[prop_or_default]
    pub on_lessons: Callback<()>,
}

#[function_component(Toolbar)]
pub fn toolbar(p: &Props) -> Html {
    let on_example = {
        let on_load = p.on_load.clone();
        Callback::from(move |e: Event| {
            let sel = e.target_unchecked_into::<web_sys::HtmlSelectElement>();
            let id = sel.value();
            if let Some(ex) = crate::examples::by_id(&id) {
                on_load.emit(Loaded {
                    text: ex.text.to_string(),
                    what: format!("the example “{}”", ex.title),
                    time_ms: web::now_epoch_ms(),
                });
            }
            // Back to the prompt, so that choosing the same example again reloads it.
            sel.set_value("");
        })
    };
    let on_file = {
        let on_load = p.on_load.clone();
        let on_action = p.on_action.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<web_sys::HtmlInputElement>();
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                let on_load = on_load.clone();
                let on_action = on_action.clone();
                let name = file.name();
                web::read_file(file, move |r| match r {
                    Ok(t) => on_load.emit(Loaded {
                        text: t,
                        what: format!("the file {name}"),
                        time_ms: web::now_epoch_ms(),
                    }),
                    Err(e) => {
                        on_action.emit(Action::Notice(Some(format!("could not open {name}: {e}"))))
                    }
                });
            }
            input.set_value("");
        })
    };
    // The text is read from the editor when asked for, so that typing does not re-render this bar.
    let on_download = Callback::from(move |_: MouseEvent| {
        let text = web::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("editor"))
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlTextAreaElement>(e).ok())
            .map(|t| t.value())
            .unwrap_or_default();
        web::download_text(&text, "netpol-playground.yaml", "application/yaml")
    });
    let on_svg = {
        let on_action = p.on_action.clone();
        Callback::from(move |_: MouseEvent| match web::graph_svg() {
            Some((svg, _, _)) => web::download_text(&svg, "netpol-graph.svg", "image/svg+xml"),
            None => on_action.emit(Action::Notice(Some(
                "switch to the graph view to export it".into(),
            ))),
        })
    };
    let on_png = {
        let on_action = p.on_action.clone();
        Callback::from(move |_: MouseEvent| {
            let on_action = on_action.clone();
            web::export_png("netpol-graph.png", move |e| {
                on_action.emit(Action::Notice(Some(e)))
            });
        })
    };
    let on_theme = {
        let on_action = p.on_action.clone();
        let next = match p.theme {
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::Light,
        };
        Callback::from(move |_: MouseEvent| on_action.emit(Action::SetTheme(next)))
    };
    let on_pause = {
        let on_action = p.on_action.clone();
        Callback::from(move |_: MouseEvent| on_action.emit(Action::TogglePause))
    };
    let on_copy = {
        let cb = p.on_copy_link.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let graph = p.state_view == View::Graph;
    let guard_closed_menu = Callback::from(web::guard_closed_menu);
    html! {
        <header class="toolbar" role="toolbar" aria-label="playground">
            <h1 class="brand"><span class="logo" aria-hidden="true"></span>{"Netpol Playground"}</h1>
            <label class="field">
                <span class="sr-only">{"Examples"}</span>
                <select id="examples" onchange={on_example} onkeydown={guard_closed_menu} aria-label="load an example">
                    <option value="" selected=true>{"Examples…"}</option>
                    { for EXAMPLES.iter().map(|e| html! { <option value={e.id}>{e.title}</option> }) }
                </select>
            </label>
            <label class="button" for="open-file" tabindex="0"
                onkeydown={Callback::from(|e: KeyboardEvent| {
                    if e.key() == "Enter" || e.key() == " " {
                        e.prevent_default();
                        if let Some(i) = web::document().and_then(|d| d.get_element_by_id("open-file")) {
                            if let Ok(i) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(i) { i.click(); }
                        }
                    }
                })}>
                {"Open…"}
            </label>
            <input id="open-file" class="sr-only" type="file" accept=".yaml,.yml,.json,text/yaml,text/plain,application/json" onchange={on_file} tabindex="-1" />
            <button id="versions" aria-expanded={p.versions_open.to_string()} aria-controls="versions-panel"
                onclick={let a = p.on_action.clone(); let open = p.versions_open; move |_| a.emit(Action::SetVersionsOpen(!open))}
                title="save the text under a name, or go back to an earlier state">{"Versions"}</button>
            <button id="download-yaml" onclick={on_download} title="download the manifests as a YAML file">{"Download"}</button>
            <button id="copy-link" onclick={on_copy} title="copy a link holding the text, view and filters">{"Copy link"}</button>
            // lessons
            <button id="lessons-toggle" onclick={let cb = p.on_lessons.clone(); move |_: MouseEvent| cb.emit(())}
                title="lessons with live goals: show or hide the list">{"Lessons"}</button>
            // end lessons
            <button id="present" onclick={Callback::from(|_: MouseEvent| crate::components::presenter::open_presenter())}
                title="open the presenter view (for a projector) in a new window: it follows this page">{"Present"}</button>
            <span class="sep" />
            <button id="export-svg" onclick={on_svg} disabled={!graph} title="download the graph as SVG">{"SVG"}</button>
            <button id="export-png" onclick={on_png} disabled={!graph} title="download the graph as PNG">{"PNG"}</button>
            <button id="pause-animation" onclick={on_pause} aria-pressed={p.paused.to_string()}
                aria-label="moving packets" title="pause or resume the moving packets">{ if p.paused { "Resume" } else { "Pause" } }</button>
            <button id="theme-toggle" onclick={on_theme} aria-pressed={(p.theme == Theme::Dark).to_string()}
                aria-label="dark theme" title="switch light / dark">{ if p.theme == Theme::Dark { "Light" } else { "Dark" } }</button>
        </header>
    }
}
