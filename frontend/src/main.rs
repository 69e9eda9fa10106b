fn main() {
    #[cfg(target_arch = "wasm32")]
    yew::Renderer::<App>::new().render();
}
#[cfg(target_arch = "wasm32")]
#[yew::function_component]
fn App() -> yew::Html { yew::html! { <p>{"hello"}</p> } }
