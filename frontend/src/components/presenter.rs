//! The presenter view's parts: the channel to the main window, the `#present` button's window,
//! and the projector's lesson column (the step's title and text, a step counter; never notes).

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::lesson::blocks;
use crate::present::{Message, StepView, CHANNEL};
use crate::web;

/// An open `BroadcastChannel` with its listener; closed when dropped.
pub struct Channel {
    ch: web_sys::BroadcastChannel,
    _listener: Closure<dyn FnMut(web_sys::MessageEvent)>,
}

impl Channel {
    /// `None` where the browser has no BroadcastChannel: the page then simply does not follow.
    pub fn open(mut on: impl FnMut(Message) + 'static) -> Option<Channel> {
        let ch = web_sys::BroadcastChannel::new(CHANNEL).ok()?;
        let listener =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                if let Some(m) = e.data().as_string().and_then(|s| Message::from_json(&s)) {
                    on(m);
                }
            });
        ch.set_onmessage(Some(listener.as_ref().unchecked_ref()));
        Some(Channel {
            ch,
            _listener: listener,
        })
    }

    pub fn post(&self, m: &Message) {
        let _ = self.ch.post_message(&m.to_json().into());
    }
}

impl Drop for Channel {
    fn drop(&mut self) {
        self.ch.set_onmessage(None);
        self.ch.close();
    }
}

/// Whether this page is the presenter (`?present`).
pub fn presenting() -> bool {
    web::window()
        .and_then(|w| w.location().search().ok())
        .is_some_and(|s| crate::present::is_presenter(&s))
}

/// Opens the presenter view in a new window (one: a second click focuses it again).
pub fn open_presenter() {
    let Some(w) = web::window() else { return };
    let base = web::base_url();
    let url = format!("{}?present", base.split('?').next().unwrap_or_default());
    let _ = w.open_with_url_and_target_and_features(
        &url,
        "netpol-presenter",
        "popup,width=1280,height=720",
    );
}

#[derive(Properties, PartialEq)]
pub struct StageProps {
    pub step: Option<StepView>,
    /// A message from the main window arrived (else: waiting for it).
    pub connected: bool,
}

#[function_component(PresenterStage)]
pub fn presenter_stage(p: &StageProps) -> Html {
    let body = match &p.step {
        Some(s) => html! {
            <>
                <p class="presenter-lesson">{s.lesson_title.clone()}</p>
                <p id="presenter-counter" class="presenter-counter" data-step={s.step.to_string()} data-steps={s.steps.to_string()}>
                    {format!("Step {} of {}", s.step, s.steps)}
                </p>
                <h1 id="presenter-title" class="presenter-title">{s.step_title.clone()}</h1>
                <div id="presenter-text" class="presenter-text">{blocks(&engine::lesson::markdown::parse(&s.text))}</div>
            </>
        },
        None => html! {
            <p class="presenter-idle">{ if p.connected {
                "No lesson open: the graph follows the main window."
            } else {
                "Waiting for the main window… Open this view with its Present button."
            } }</p>
        },
    };
    html! {
        <section id="presenter-step" class="pane presenter-stage" aria-label="lesson step" aria-live="polite" tabindex="0"
            data-connected={p.connected.to_string()}>
            {body}
        </section>
    }
}
