//! Netpol Playground, the browser UI. The pure modules (state, ids, analysis, layout, scene,
//! flows, focus, what-if, inspector and explanation view-models, share, ...) compile natively
//! and are unit-tested with `cargo test -p netpol-frontend`; the Yew components, the page
//! wiring (`app.rs`) and DOM glue are compiled for wasm32 only.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

mod aggregate;
mod analysis;
mod announce;
mod calls;
mod completion_code;
mod decision;
mod documents;
mod examples;
mod flows;
mod focus;
mod geometry;
mod highlight;
mod ids;
mod inspector;
mod layout;
mod lesson_state;
mod lessons;
mod line_jump;
mod matrix_model;
mod present;
mod quickfix;
mod scene;
#[cfg(test)]
mod scene_layout_tests;
mod share;
mod state;
mod templates;
mod versions;
mod whatif;

#[cfg(test)]
mod testing;

#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod components;
#[cfg(target_arch = "wasm32")]
mod web;

fn main() {
    #[cfg(target_arch = "wasm32")]
    {
        // board.html is the same build under another name (a trunk post-build hook copies
        // index.html): it renders the class board instead of the playground.
        let on_board = web::window()
            .and_then(|w| w.location().pathname().ok())
            .is_some_and(|p| p.ends_with("/board.html"));
        if on_board {
            yew::Renderer::<components::board::Board>::new().render();
            return;
        }
        if let Some(root) = web::document().and_then(|d| d.get_element_by_id("app")) {
            yew::Renderer::<app::App>::with_root(root).render();
        } else {
            yew::Renderer::<app::App>::new().render();
        }
    }
}
