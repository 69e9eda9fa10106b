//! The small pieces every panel uses to point into the editor: a `line N` button, a button over
//! an exact span (`data-span`), and text whose `backticked` values are shown as code.

use engine::explanation::SpanRef;
use yew::prelude::*;

use crate::decision::span_attr;

#[derive(Properties, PartialEq)]
pub struct LineRefProps {
    pub line: u32,
    pub on_line: Callback<u32>,
    #[prop_or(AttrValue::Static("highlight in the editor"))]
    pub title: AttrValue,
    /// Carry `data-line` (the inspector's links do; a rejected policy's does not, so that
    /// `[data-line]` outside the problems list stays the editor's gutter markers).
    #[prop_or(true)]
    pub data_line: bool,
}

/// `line N`: highlights that line (the construct starting there) in the editor.
#[function_component(LineRef)]
pub fn line_ref(p: &LineRefProps) -> Html {
    let n = p.line;
    let onclick = {
        let cb = p.on_line.clone();
        Callback::from(move |_: MouseEvent| cb.emit(n))
    };
    html! {
        <button class="line-ref" data-line={p.data_line.then(|| n.to_string())} {onclick} title={p.title.clone()}>{format!("line {n}")}</button>
    }
}

#[derive(Properties, PartialEq)]
pub struct SpanRefProps {
    pub span: SpanRef,
    pub on_span: Callback<SpanRef>,
    #[prop_or_default]
    pub children: Html,
}

/// The children, clickable: selects exactly `span` in the editor.
#[function_component(SpanButton)]
pub fn span_button(p: &SpanRefProps) -> Html {
    let s = &p.span;
    let onclick = {
        let (cb, span) = (p.on_span.clone(), s.clone());
        Callback::from(move |_: MouseEvent| cb.emit(span.clone()))
    };
    html! {
        <button class="span-ref" data-span={span_attr(s)}
            title={format!("highlight line {}, column {} in the editor", s.line, s.column)}
            {onclick}>{p.children.clone()}</button>
    }
}

#[derive(Properties, PartialEq)]
pub struct TicksProps {
    pub text: AttrValue,
}

/// Text with the values between backticks as `<code>` (the engine's messages, the page's
/// own sentences).
#[function_component(Ticks)]
pub fn ticks(p: &TicksProps) -> Html {
    html! {
        { for p.text.split('`').enumerate().map(|(i, part)| if i % 2 == 1 {
            html! { <code>{part.to_string()}</code> }
        } else {
            html! { {part.to_string()} }
        }) }
    }
}
