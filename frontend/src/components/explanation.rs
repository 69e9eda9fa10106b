//! The inspector: a flow's decision drawn from the engine's typed explanation (two gates per
//! hop, each part linked to its exact span in the editor), or the facts about a node or a policy.

use std::rc::Rc;

use engine::explanation::SpanRef;
use yew::prelude::*;

use crate::components::source_ref::{LineRef, SpanButton, Ticks};
use crate::decision::{GateView, HopView, Part, Probe};
use crate::inspector::{Content, Seg};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub content: Rc<Content>,
    pub on_line: Callback<u32>,
    /// Highlight an exact range in the editor.
    pub on_span: Callback<SpanRef>,
    /// A flow is shown: it can be traced in the graph.
    pub traceable: bool,
    pub trace: bool,
    pub on_trace: Callback<bool>,
    /// "Allow / Block this flow" for a flow (`components::suggest_flow`).
    #[prop_or_default]
    pub suggest: Html,
}

fn segs(v: &[Seg], on_line: &Callback<u32>) -> Html {
    html! {
        { for v.iter().map(|s| match s {
            Seg::Text(t) => html! { <span>{t.clone()}</span> },
            Seg::Code(c) => html! { <code>{c.clone()}</code> },
            Seg::Line(n) => html! { <LineRef line={*n} on_line={on_line.clone()} /> },
        }) }
    }
}

fn parts(v: &[Part], on_span: &Callback<SpanRef>) -> Html {
    html! {
        { for v.iter().map(|p| {
            let inner = if p.code { html! { <code>{p.text.clone()}</code> } } else { html! { {p.text.clone()} } };
            match &p.span {
                Some(s) => html! { <SpanButton span={s.clone()} on_span={on_span.clone()}>{inner}</SpanButton> },
                None => inner,
            }
        }) }
    }
}

fn gate(g: &GateView, on_span: &Callback<SpanRef>) -> Html {
    let (icon, word) = g
        .headline
        .split_once(' ')
        .unwrap_or(("", g.headline.as_str()));
    html! {
        <section class={classes!("gate", if g.allowed { "ok" } else { "ko" })}
            data-gate={g.dir.as_str()} data-verdict={g.verdict} data-tier={g.tier}
            aria-label={format!("{} of {}: {}", g.dir.as_str(), g.subject, word)}>
            <div class="gate-head">
                <span class="gate-icon" aria-hidden="true">{icon.to_string()}</span>
                <span class="gate-name">{format!("{} of ", g.dir.as_str())}<code>{g.subject.clone()}</code></span>
                <strong class="gate-word">{word.to_string()}</strong>
                if let Some(t) = g.tier {
                    <span class="tier-badge" data-tier-badge={t}>{format!("{t} tier")}</span>
                }
            </div>
            <ul class="gate-items">
                { for g.items.iter().map(|i| html! {
                    <li class={classes!("xl", i.kind.class())} data-reason-kind={i.kind.reason_kind()}>{parts(&i.parts, on_span)}</li>
                }) }
            </ul>
        </section>
    }
}

fn hop(h: &HopView, on_span: &Callback<SpanRef>) -> Html {
    html! {
        <div class="hop" data-hop="" data-from={h.from.clone()} data-to={h.to.clone()}
            data-verdict={if h.allowed { "allowed" } else { "blocked" }}>
            <p class="xl hop-head">
                <code>{h.from.clone()}</code>{" → "}<code>{h.to.clone()}</code>
                {format!(" · {}/{}", h.port, h.protocol)}
                if h.pairs > 1 { {format!(" · stands for {} pod pairs", h.pairs)} }
                if h.hairpin { {" · a pod reaching itself through its Service"} }
            </p>
            if let Some(s) = &h.service {
                <p class="xl service-leg" data-service-leg="">{"via "}{parts(s, on_span)}</p>
            }
            <div class="gates">
                {gate(&h.egress, on_span)}
                <span class="gate-arrow" aria-hidden="true">{"→"}</span>
                {gate(&h.ingress, on_span)}
            </div>
        </div>
    }
}

fn probe(pr: &Probe, show_label: bool, on_span: &Callback<SpanRef>) -> Html {
    let v = &pr.view;
    html! {
        <div class="probe" data-probe={pr.label.clone()}>
            <p class={classes!("xl", "outcome", if v.allowed { "ok" } else { "ko" })} data-verdict={if v.allowed { "allowed" } else { "blocked" }}>
                <span aria-hidden="true">{ if v.allowed { "✓ " } else { "✕ " } }</span>
                if show_label { {format!("{}: ", pr.label)} }
                <strong>{v.outcome.clone()}</strong>
            </p>
            if let Some(p) = &v.problem { <p class="xl problem"><Ticks text={AttrValue::from(p.clone())} /></p> }
            if let Some(n) = &v.note { <p class="xl note"><Ticks text={AttrValue::from(n.clone())} /></p> }
            if let Some(s) = &v.service {
                <p class="xl service" data-service="">{parts(s, on_span)}</p>
            }
            { for v.hops.iter().map(|h| hop(h, on_span)) }
            if !v.flags.is_empty() {
                <ul class="flags">
                    { for v.flags.iter().map(|(k, s)| html! {
                        <li class="xl" data-flag={*k}><span aria-hidden="true">{"⚠ "}</span><Ticks text={AttrValue::from(s.clone())} /></li>
                    }) }
                </ul>
            }
        </div>
    }
}

#[function_component(Explanation)]
pub fn explanation(p: &Props) -> Html {
    // A flow's explanation starting in the lower half of the side pane (a long policy list)
    // would show no gate: scroll the pane so the explanation starts at its top.
    let section = use_node_ref();
    {
        let section = section.clone();
        use_effect_with(p.content.clone(), move |c| {
            if !matches!(**c, Content::Flow { .. }) {
                return;
            }
            let Some(el) = section.cast::<web_sys::Element>() else {
                return;
            };
            let Some(pane) = el.parent_element() else {
                return;
            };
            let (top, pane_box) = (
                el.get_bounding_client_rect().top(),
                pane.get_bounding_client_rect(),
            );
            if top > pane_box.top() + pane_box.height() / 2.0 {
                pane.set_scroll_top(pane.scroll_top() + (top - pane_box.top()) as i32);
            }
        });
    }
    let body = match &*p.content {
        Content::Empty => html! {
            <p class="muted">{"Click a flow to see why it is allowed or blocked, a node to see its labels and policies, or a policy to see what it selects."}</p>
        },
        Content::Flow {
            title,
            verdict,
            lead,
            probes,
        } => {
            let text: String = probes.iter().map(|pr| pr.text.as_str()).collect();
            let copy = Callback::from(move |_: MouseEvent| crate::web::copy_to_clipboard(&text));
            html! {
                <>
                    <h3>{title.clone()} if let Some(v) = verdict { {" "}<span class={classes!("pill", v.clone())}>{v.clone()}</span> }</h3>
                    <div class="explain-actions">
                        if p.traceable {
                            <button id="trace" aria-pressed={p.trace.to_string()}
                                title="draw only this route in the graph, with the gate of each side"
                                onclick={let cb = p.on_trace.clone(); let t = p.trace; move |_| cb.emit(!t)}>
                                { if p.trace { "Stop tracing" } else { "Trace this path" } }
                            </button>
                        }
                        <button id="copy-explanation" onclick={copy} title="copy the explanation as plain text">{"Copy as text"}</button>
                    </div>
                    {p.suggest.clone()}
                    <div class="explain-text">
                        if let Some(l) = lead { <p class="xl lead"><Ticks text={AttrValue::from(l.clone())} /></p> }
                        { for probes.iter().map(|pr| probe(pr, probes.len() > 1, &p.on_span)) }
                    </div>
                </>
            }
        }
        Content::Facts {
            title,
            subtitle,
            facts,
        } => html! {
            <>
                <h3>{title.clone()}</h3>
                <p class="subtitle"><Ticks text={AttrValue::from(subtitle.clone())} /></p>
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
        <section id="explanation" ref={section} class="explanation" aria-live="polite" aria-label="explanation">
            <h2>{"Explanation"}</h2>
            {body}
        </section>
    }
}
