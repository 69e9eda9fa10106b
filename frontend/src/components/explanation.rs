//! The inspector: the engine's explanation of a flow (formatted, with clickable line
//! references), or the facts about a node or a policy.

use std::rc::Rc;

use yew::prelude::*;

use crate::explain_fmt::{format, Seg};

#[derive(Clone, Debug, PartialEq)]
pub struct Fact {
    pub label: String,
    pub value: Vec<Seg>,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub enum Content {
    #[default]
    Empty,
    Text {
        title: String,
        verdict: Option<String>,
        text: String,
    },
    Facts {
        title: String,
        subtitle: String,
        facts: Vec<Fact>,
    },
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub content: Rc<Content>,
    pub on_line: Callback<u32>,
    /// A flow is shown: it can be traced in the graph.
    pub traceable: bool,
    pub trace: bool,
    pub on_trace: Callback<bool>,
}

fn segs(v: &[Seg], on_line: &Callback<u32>) -> Html {
    html! {
        { for v.iter().map(|s| match s {
            Seg::Text(t) => html! { <span>{t.clone()}</span> },
            Seg::Code(c) => html! { <code>{c.clone()}</code> },
            Seg::Verdict(w) => html! { <strong class={classes!("verdict", w.to_ascii_lowercase())}>{w.clone()}</strong> },
            Seg::Line(n) => {
                let cb = on_line.clone();
                let n = *n;
                html! { <button class="line-ref" data-line={n.to_string()} onclick={move |_| cb.emit(n)} title="highlight in the editor">{format!("line {n}")}</button> }
            }
        }) }
    }
}

#[function_component(Explanation)]
pub fn explanation(p: &Props) -> Html {
    let body = match &*p.content {
        Content::Empty => html! {
            <p class="muted">{"Click a flow to see why it is allowed or blocked, a node to see its labels and policies, or a policy to see what it selects."}</p>
        },
        Content::Text {
            title,
            verdict,
            text,
        } => html! {
            <>
                <h3>{title.clone()} if let Some(v) = verdict { {" "}<span class={classes!("pill", v.clone())}>{v.clone()}</span> }</h3>
                if p.traceable {
                    <button id="trace" aria-pressed={p.trace.to_string()}
                        title="draw only this route in the graph, with the gate of each side"
                        onclick={let cb = p.on_trace.clone(); let t = p.trace; move |_| cb.emit(!t)}>
                        { if p.trace { "Stop tracing" } else { "Trace this path" } }
                    </button>
                }
                <div class="explain-text">
                    { for format(text).iter().map(|l| html! {
                        <div class="xl" style={format!("padding-left:{}ch", l.indent)}>{segs(&l.segs, &p.on_line)}</div>
                    }) }
                </div>
            </>
        },
        Content::Facts {
            title,
            subtitle,
            facts,
        } => html! {
            <>
                <h3>{title.clone()}</h3>
                <p class="subtitle">{segs(&format(subtitle).first().map(|l| l.segs.clone()).unwrap_or_default(), &p.on_line)}</p>
                <dl class="facts">
                    { for facts.iter().map(|f| html! {
                        <>
                            <dt>{f.label.clone()}</dt>
                            <dd>{segs(&f.value, &p.on_line)}</dd>
                        </>
                    }) }
                </dl>
            </>
        },
    };
    html! {
        <section id="explanation" class="explanation" aria-live="polite" aria-label="explanation">
            <h2>{"Explanation"}</h2>
            {body}
        </section>
    }
}
