//! A splitter between the graph and the editor pane or the side pane: drag it or use the arrow
//! keys (a focusable `role="separator"` with `aria-valuenow`, as in the WAI-ARIA "window
//! splitter" pattern: arrows move it, Home/End go to the limits, Enter collapses and restores),
//! and a button that collapses or restores its pane. The pane's width is a CSS variable on the
//! `.panes` grid (`--editor-w`, `--side-w`) and persists in localStorage.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Which pane the splitter sizes (the graph takes what is left).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Pane {
    Editor,
    Side,
}

impl Pane {
    fn key(self) -> &'static str {
        match self {
            Pane::Editor => "editor",
            Pane::Side => "side",
        }
    }
    fn noun(self) -> &'static str {
        match self {
            Pane::Editor => "the editor",
            Pane::Side => "the policies and explanation pane",
        }
    }
    fn storage_key(self) -> String {
        format!("netpol-playground.pane.{}", self.key())
    }
    /// Narrowest usable width, in CSS pixels.
    fn min(self) -> f64 {
        match self {
            Pane::Editor => 220.0,
            Pane::Side => 220.0,
        }
    }
    /// The default: the page's original grid (27 % / 21 % of the window, at least 290 / 270 px).
    fn default_width(self, window_w: f64) -> f64 {
        match self {
            Pane::Editor => (window_w * 0.27).max(290.0),
            Pane::Side => (window_w * 0.21).max(270.0),
        }
    }
    /// Widest: the graph keeps at least 40 % of the window.
    fn max(self, window_w: f64) -> f64 {
        (window_w * 0.6 - self.min()).max(self.min() + 40.0)
    }
}

fn window_width() -> f64 {
    crate::web::window()
        .and_then(|w| w.inner_width().ok())
        .and_then(|v| v.as_f64())
        .unwrap_or(1400.0)
}

/// `"380"`, `"380 collapsed"`, or `"auto collapsed"` (never resized: the page's grid decides,
/// which differs with the lesson column open).
fn parse(stored: &str) -> Option<(Option<f64>, bool)> {
    let mut it = stored.split_whitespace();
    let w = match it.next()? {
        "auto" => None,
        n => Some(n.parse::<f64>().ok().filter(|w| w.is_finite())?),
    };
    Some((w, it.next() == Some("collapsed")))
}

#[derive(Properties, PartialEq)]
pub struct SplitterProps {
    pub pane: Pane,
}

#[function_component(Splitter)]
pub fn splitter(p: &SplitterProps) -> Html {
    let pane = p.pane;
    let state = use_state(|| {
        let ww = window_width();
        let (w, c) = crate::web::load(&pane.storage_key())
            .and_then(|s| parse(&s))
            .unwrap_or((None, false));
        (w.map(|w| w.clamp(pane.min(), pane.max(ww)).round()), c)
    });
    // The pane's width as laid out while the grid decides (`aria-valuenow`, the first step).
    let measured = use_state_eq(|| pane.default_width(window_width()).round());
    let dragging = use_mut_ref(|| Cell::new(false));
    // Where the pointer grabbed the splitter, relative to the pane's edge (so that the pane does
    // not jump by the offset of the grab within the handle).
    let grab = use_mut_ref(|| Cell::new(0.0f64));
    let wrap = use_node_ref();
    let (chosen, collapsed) = *state;
    let width = chosen.unwrap_or(*measured);

    // Apply to the grid (a CSS variable and a class on `.panes`), persist, and let the graph
    // measure itself again (it listens to window resizes).
    {
        let wrap = wrap.clone();
        let dragging = dragging.clone();
        let measured = measured.clone();
        use_effect_with((chosen, collapsed), move |&(w, c)| {
            let el = wrap.cast::<web_sys::Element>();
            if let Some(panes) = el
                .as_ref()
                .and_then(|e| e.parent_element())
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let var = format!("--{}-w", pane.key());
                let _ = match (c, w) {
                    (true, _) => panes.style().set_property(&var, "0px"),
                    (false, Some(w)) => panes.style().set_property(&var, &format!("{w}px")),
                    (false, None) => panes.style().remove_property(&var).map(|_| ()),
                };
                let _ = panes
                    .class_list()
                    .toggle_with_force(&format!("{}-collapsed", pane.key()), c);
            }
            if let (false, None, Some(e)) = (c, w, el.as_ref()) {
                let side = match pane {
                    Pane::Editor => e.previous_element_sibling(),
                    Pane::Side => e.next_element_sibling(),
                };
                if let Some(p) = side {
                    let pw = p.get_bounding_client_rect().width();
                    if pw > 0.0 {
                        measured.set(pw.round());
                    }
                }
            }
            let _ = crate::web::save(
                &pane.storage_key(),
                &format!(
                    "{}{}",
                    w.map_or("auto".to_string(), |w| w.to_string()),
                    if c { " collapsed" } else { "" }
                ),
            );
            if !dragging.borrow().get() {
                if let (Some(win), Ok(ev)) = (crate::web::window(), web_sys::Event::new("resize")) {
                    let _ = win.dispatch_event(&ev);
                }
            }
            || ()
        });
    }

    let set = {
        let state = state.clone();
        Rc::new(move |w: f64, c: bool| {
            state.set((
                Some(w.clamp(pane.min(), pane.max(window_width())).round()),
                c,
            ))
        })
    };
    let toggle = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.set((chosen, !collapsed)))
    };
    let onkeydown = {
        let set = set.clone();
        let state = state.clone();
        Callback::from(move |e: KeyboardEvent| {
            let step = if e.shift_key() { 64.0 } else { 16.0 };
            // The separator moves with the arrow; the side pane grows as it moves left.
            let grow = match pane {
                Pane::Editor => 1.0,
                Pane::Side => -1.0,
            };
            let next = match e.key().as_str() {
                "ArrowRight" => Some((width + grow * step, false)),
                "ArrowLeft" => Some((width - grow * step, false)),
                "Home" => Some((pane.min(), false)),
                "End" => Some((pane.max(window_width()), false)),
                "Enter" => {
                    e.prevent_default();
                    state.set((chosen, !collapsed));
                    None
                }
                _ => None,
            };
            if let Some((w, c)) = next {
                e.prevent_default();
                set(w, c);
            }
        })
    };
    // Drag: the width follows the pointer from the pane's outer edge.
    let edge = {
        let wrap = wrap.clone();
        move || -> Option<f64> {
            let el = wrap.cast::<web_sys::Element>()?;
            match pane {
                Pane::Editor => Some(
                    el.previous_element_sibling()?
                        .get_bounding_client_rect()
                        .left(),
                ),
                Pane::Side => Some(
                    el.next_element_sibling()?
                        .get_bounding_client_rect()
                        .right(),
                ),
            }
        }
    };
    let width_at = move |x: f64| -> Option<f64> {
        let e = edge()?;
        Some(match pane {
            Pane::Editor => x - e,
            Pane::Side => e - x,
        })
    };
    let onpointerdown = {
        let dragging = dragging.clone();
        let grab = grab.clone();
        let width_at = width_at.clone();
        Callback::from(move |e: PointerEvent| {
            let shown = if collapsed { 0.0 } else { width };
            grab.borrow()
                .set(width_at(f64::from(e.client_x())).map_or(0.0, |w| w - shown));
            if let Some(t) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            {
                let _ = t.set_pointer_capture(e.pointer_id());
            }
            e.prevent_default();
            dragging.borrow().set(true);
        })
    };
    let onpointermove = {
        let dragging = dragging.clone();
        let grab = grab.clone();
        let set = set.clone();
        let width_at = width_at.clone();
        Callback::from(move |e: PointerEvent| {
            if dragging.borrow().get() {
                if let Some(w) = width_at(f64::from(e.client_x())) {
                    set(w - grab.borrow().get(), false);
                }
            }
        })
    };
    let onpointerup = {
        let dragging = dragging.clone();
        Callback::from(move |_: PointerEvent| {
            if dragging.borrow().replace(false) {
                if let (Some(win), Ok(ev)) = (crate::web::window(), web_sys::Event::new("resize")) {
                    let _ = win.dispatch_event(&ev);
                }
            }
        })
    };

    let (hide, show) = match pane {
        Pane::Editor => ("‹", "›"),
        Pane::Side => ("›", "‹"),
    };
    let label = format!(
        "{} {}",
        if collapsed { "Show" } else { "Hide" },
        pane.noun()
    );
    html! {
        <div ref={wrap} class={classes!("splitter", collapsed.then_some("collapsed"))} data-pane={pane.key()}>
            <button id={format!("collapse-{}", pane.key())} class="collapse" type="button"
                aria-expanded={(!collapsed).to_string()} aria-label={label.clone()} title={label}
                onclick={toggle}>{ if collapsed { show } else { hide } }</button>
            <div id={format!("split-{}", pane.key())} class="handle" role="separator" tabindex="0"
                aria-orientation="vertical"
                aria-label={format!("width of {} (arrow keys resize, Enter hides or shows)", pane.noun())}
                aria-valuenow={(if collapsed { 0.0 } else { width }).to_string()}
                aria-valuemin="0" aria-valuemax={pane.max(window_width()).round().to_string()}
                {onkeydown} {onpointerdown} {onpointermove} onpointerup={onpointerup.clone()}
                onpointercancel={onpointerup} />
        </div>
    }
}
