//! Netpol Playground, the browser UI. The pure modules (state, layout, scene, share, highlight,
//! explanation view-model) compile natively and are unit-tested with `cargo test -p
//! netpol-frontend`; the Yew components and DOM glue are compiled for wasm32 only.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

mod announce;
mod decision;
mod documents;
mod examples;
mod highlight;
mod layout;
mod matrix_model;
mod quickfix;
// lessons
mod lesson_state;
mod lessons;
// end lessons
mod scene;
mod share;
mod state;
mod templates;
mod versions;

#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod components;
#[cfg(target_arch = "wasm32")]
mod web;

fn main() {
    #[cfg(target_arch = "wasm32")]
    {
        if let Some(root) = web::document().and_then(|d| d.get_element_by_id("app")) {
            yew::Renderer::<app::App>::with_root(root).render();
        } else {
            yew::Renderer::<app::App>::new().render();
        }
    }
}
