//! "Allow this flow" / "Block this flow" in the explanation panel: the engine's proved
//! suggestion (`engine::suggest`), shown as a diff against the editor's text with what opens
//! and closes in the graph, applied on confirmation as an undoable load.

use std::rc::Rc;

use engine::suggest::{suggest_allow, suggest_block, FlowChange, SuggestOutcome};
use engine::{Options, Protocol, Target};
use yew::prelude::*;

use crate::components::source_ref::Ticks;
use crate::flows::Flow;
use crate::ids::NodeId;
use crate::lessons::{diff_lines, fold_unchanged, DiffLine, DiffRow};
use crate::scene::{Derived, Scene};

/// Which way the flow should change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Want {
    /// The flow is blocked: allow it.
    Allow,
    /// The flow is allowed: block it.
    Block,
}

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The page's analysis; the suggestion is made on `base` (all policies on).
    pub derived: Rc<Derived>,
    /// The editor's text the suggestion is appended to.
    pub text: Rc<String>,
    pub from: Target,
    pub to: Target,
    pub port: u16,
    pub protocol: Protocol,
    pub want: Want,
    /// The new text (the policies appended).
    pub on_apply: Callback<String>,
}

/// The text with the suggestion's YAML appended as new documents.
pub fn applied(text: &str, yaml: &str) -> String {
    let mut out = text.trim_end().to_string();
    if !out.is_empty() {
        out.push_str("\n---\n");
    }
    out.push_str(yaml.trim_end());
    out.push('\n');
    out
}

fn changes(id: &str, title: &str, v: &[FlowChange]) -> Html {
    html! {
        <div class="suggest-changes" id={id.to_string()}>
            <p>{format!("{title} ({}):", v.len())}</p>
            if v.is_empty() {
                <p class="muted" data-none="">{"nothing"}</p>
            } else {
                <ul>
                    { for v.iter().map(|c| html! {
                        <li data-from={c.from.clone()} data-to={c.to.clone()}>
                            <code>{c.from.clone()}</code>{" → "}<code>{c.to.clone()}</code>{format!(": {}", c.ports)}
                        </li>
                    }) }
                </ul>
            }
        </div>
    }
}

#[function_component(SuggestFlow)]
pub fn suggest_flow(p: &Props) -> Html {
    let open = use_state_eq(|| false);
    let (label, verb) = match p.want {
        Want::Allow => ("Allow this flow", "allow"),
        Want::Block => ("Block this flow", "block"),
    };
    let button_id = match p.want {
        Want::Allow => "allow-flow",
        Want::Block => "block-flow",
    };
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let panel = if *open {
        let a = &*p.derived.base;
        let options = Options::default();
        let outcome = match p.want {
            Want::Allow => suggest_allow(a, &options, p.from, p.to, p.port, p.protocol),
            Want::Block => suggest_block(a, &options, p.from, p.to, p.port, p.protocol),
        };
        let close = {
            let open = open.clone();
            Callback::from(move |_: MouseEvent| open.set(false))
        };
        match outcome {
            SuggestOutcome::Suggested(s) => {
                let new = applied(&p.text, &s.yaml);
                let lines = diff_lines(&p.text, &new);
                let apply = {
                    let (cb, open) = (p.on_apply.clone(), open.clone());
                    Callback::from(move |_: MouseEvent| {
                        open.set(false);
                        cb.emit(new.clone());
                    })
                };
                let n = s.policies.len();
                html! {
                    <div id="suggest-panel" class="suggest-panel" data-result="suggested" role="group" aria-label={format!("{label}: the proposed change")}>
                        <p>{format!("Add {n} {} to {verb} it on {}/{} (proved: the page analysed the text again with {}):",
                            if n == 1 { "NetworkPolicy" } else { "NetworkPolicies" }, p.port, p.protocol, if n == 1 { "it" } else { "them" })}</p>
                        <pre id="suggest-diff" class="diff" tabindex="0" aria-label="the proposed policies as a diff against your text">
                            { for fold_unchanged(lines, 2).into_iter().map(|r| match r {
                                DiffRow::Line(DiffLine::Same(t)) => html! { <span class="same">{format!("  {t}\n")}</span> },
                                DiffRow::Line(DiffLine::Removed(t)) => html! { <del class="removed">{format!("− {t}\n")}</del> },
                                DiffRow::Line(DiffLine::Added(t)) => html! { <ins class="added">{format!("+ {t}\n")}</ins> },
                                DiffRow::Folded(k) => html! { <span class="folded">{format!("  … {k} unchanged line{}\n", if k == 1 { "" } else { "s" })}</span> },
                            }) }
                        </pre>
                        {changes("suggest-opens", "In the graph, it opens", &s.opens)}
                        {changes("suggest-closes", "It closes", &s.closes)}
                        if !s.beyond.is_empty() {
                            {changes("suggest-beyond", "Opened beyond the two groups of indistinguishable pods", &s.beyond)}
                        }
                        { for s.notes.iter().map(|t| html! { <p class="xl note"><Ticks text={AttrValue::from(t.clone())} /></p> }) }
                        <div class="row">
                            <button id="allow-flow-apply" onclick={apply}
                                title="append the policies to the editor's text (Ctrl+Z in the editor, or Undo, brings back your text)">
                                {"Apply to the editor"}
                            </button>
                            <button id="suggest-cancel" onclick={close}>{"Cancel"}</button>
                        </div>
                    </div>
                }
            }
            SuggestOutcome::Nothing => html! {
                <div id="suggest-panel" class="suggest-panel" data-result="nothing-to-do" role="group" aria-label={label}>
                    <p>{ match p.want {
                        Want::Allow => format!("Nothing to do: with every policy on, the flow is already allowed on {}/{}.", p.port, p.protocol),
                        Want::Block => format!("Nothing to do: with every policy on, the flow is already blocked on {}/{}.", p.port, p.protocol),
                    } }</p>
                </div>
            },
            SuggestOutcome::Impossible(i) => html! {
                <div id="suggest-panel" class="suggest-panel" data-result="impossible" role="group" aria-label={label}>
                    <p id="suggest-impossible">{format!("No NetworkPolicy addition can {verb} it: {}.", i.message())}</p>
                </div>
            },
        }
    } else {
        Html::default()
    };
    html! {
        <div class="suggest-flow">
            <button id={button_id} aria-expanded={open.to_string()} onclick={toggle}
                title={format!("propose the smallest NetworkPolicy addition that would {verb} this flow on {}/{}", p.port, p.protocol)}>
                {label}
            </button>
            {panel}
        </div>
    }
}

/// The button (and its panel) for the selected flow `from` → `to`: "Allow" on its first probed
/// port that is blocked, else "Block" on its first probed port.
#[allow(clippy::too_many_arguments)]
pub fn for_flow(
    d: &Rc<Derived>,
    sc: &Scene,
    flows: &[Flow],
    from: &NodeId,
    to: &NodeId,
    filter: Option<(u16, Protocol)>,
    text: Rc<String>,
    on_apply: Callback<String>,
) -> Html {
    let flow = crate::focus::selected_flow(d, sc, flows, from, to, filter);
    let (Some(f), Some(src), Some(dst)) = (
        flow.as_ref(),
        flow.as_ref().and_then(|f| sc.nodes.get(f.from)),
        flow.as_ref().and_then(|f| sc.nodes.get(f.to)),
    ) else {
        return Html::default();
    };
    let blocked = f
        .probes
        .iter()
        .find(|&&(port, proto)| !d.eff.verdict(src.target, dst.target, port, proto).allowed);
    let (want, (port, protocol)) = match (blocked, f.probes.first()) {
        (Some(&pp), _) => (Want::Allow, pp),
        (None, Some(&pp)) => (Want::Block, pp),
        (None, None) => return Html::default(),
    };
    html! {
        <SuggestFlow key={format!("{from}>{to}>{port}>{protocol}>{want:?}")}
            derived={d.clone()} {text} from={src.target} to={dst.target}
            {port} {protocol} {want} {on_apply} />
    }
}
