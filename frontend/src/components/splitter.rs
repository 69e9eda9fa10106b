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

/// `"380"` or `"380 collapsed"`.
fn parse(stored: &str) -> Option<(f64, bool)> {
    let mut it = stored.split_whitespace();
    let w = it.next()?.parse::<f64>().ok().filter(|w| w.is_finite())?;
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
            .unwrap_or((pane.default_width(ww), false));
        (w.clamp(pane.min(), pane.max(ww)).round(), c)
    });
    let dragging = use_mut_ref(|| Cell::new(false));
    // Where the pointer grabbed the splitter, relative to the pane's edge (so that the pane does
    // not jump by the offset of the grab within the handle).
    let grab = use_mut_ref(|| Cell::new(0.0f64));
    let wrap = use_node_ref();
    let (width, collapsed) = *state;

    // Apply to the grid (a CSS variable and a class on `.panes`), persist, and let the graph
    // measure itself again (it listens to window resizes).
    {
        let wrap = wrap.clone();
        let dragging = dragging.clone();
        use_effect_with((width, collapsed), move |&(w, c)| {
            if let Some(panes) = wrap
                .cast::<web_sys::Element>()
                .and_then(|e| e.parent_element())
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = panes.style().set_property(
                    &format!("--{}-w", pane.key()),
                    &format!("{}px", if c { 0.0 } else { w }),
                );
                let _ = panes
                    .class_list()
                    .toggle_with_force(&format!("{}-collapsed", pane.key()), c);
            }
            let _ = crate::web::save(
                &pane.storage_key(),
                &format!("{w}{}", if c { " collapsed" } else { "" }),
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
            state.set((w.clamp(pane.min(), pane.max(window_width())).round(), c))
        })
    };
    let toggle = {
        let set = set.clone();
        Callback::from(move |_: MouseEvent| set(width, !collapsed))
    };
    let onkeydown = {
        let set = set.clone();
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
                "Enter" => Some((width, !collapsed)),
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
