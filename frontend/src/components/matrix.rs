//! The matrix: workloads (or pods) × workloads, each cell listing the allowed ports among the
//! checked ones (each destination's declared ports by default, every declared port, or the
//! Port box's port). A cell opens its explanation.

use std::rc::Rc;

use engine::Protocol;
use yew::prelude::*;

use crate::flows::FlowVerdict;
use crate::matrix_model::{self, Ports};
use crate::scene::Derived;
use crate::state::{Action, Selection};

/// Larger clusters show the first rows only (the DOM would be too heavy to stay responsive).
const MAX_ROWS: usize = 60;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub derived: Option<Rc<Derived>>,
    /// The Port box's port, when set.
    pub port: Option<(u16, Protocol)>,
    pub all_declared: bool,
    pub by_pod: bool,
    pub selection: Selection,
    pub dimmed: bool,
    pub pending: bool,
    pub on_select: Callback<Selection>,
    pub on_action: Callback<Action>,
}

#[function_component(Matrix)]
pub fn matrix(p: &Props) -> Html {
    let Some(d) = p.derived.clone() else {
        return html! { <div id="matrix" class="matrix-wrap" data-state="stale"><p class="hint">{"nothing to show yet"}</p></div> };
    };
    let mode = Ports::of_filter(p.port, p.all_declared);
    let all_groups = matrix_model::groups(&d, p.by_pod);
    let groups: Vec<_> = all_groups.iter().take(MAX_ROWS).collect();
    let all_ports = {
        let pods: Vec<usize> = (0..d.eff.cluster.pods.len()).collect();
        matrix_model::declared(&d, &pods)
    };
    let sel = match &p.selection {
        Selection::Cell { from, to } => Some((from.clone(), to.clone())),
        _ => None,
    };
    let mut counts = (0usize, 0usize);
    let rows: Vec<Html> = groups.iter().enumerate().map(|(i, from)| {
        let cells = groups.iter().map(|to| {
            let c = matrix_model::cell(&d, from, to, mode, &all_ports);
            let Some(v) = c.verdict else {
                return html! { <td class="self" data-from={from.id.clone()} data-to={to.id.clone()}>{"·"}</td> };
            };
            counts.1 += 1;
            if v == FlowVerdict::Allowed { counts.0 += 1; }
            let cb = p.on_select.clone();
            let (f, t) = (from.id.clone(), to.id.clone());
            let selected = sel.as_ref() == Some(&(f.clone(), t.clone()));
            let desc = format!("{} → {}: {} (allowed: {}; checked: {})", from.id, to.id, v.as_str(), c.allowed, c.checked);
            let symbol = match v { FlowVerdict::Allowed => "✓", FlowVerdict::Blocked => "✕", FlowVerdict::Partial => "◐" };
            let show_ports = matches!(mode, Ports::AllDeclared) || v == FlowVerdict::Partial;
            html! {
                <td class={classes!(v.as_str(), selected.then_some("selected"))} data-from={from.id.clone()} data-to={to.id.clone()}
                    data-verdict={v.as_str()} data-allowed-ports={c.allowed.clone()}>
                    <button onclick={move |_| cb.emit(Selection::Cell { from: f.clone(), to: t.clone() })}
                        aria-label={desc.clone()} title={desc}>
                        {symbol}
                        if show_ports && v != FlowVerdict::Blocked { <span class="ports">{c.allowed.clone()}</span> }
                    </button>
                </td>
            }
        }).collect::<Html>();
        html! {
            <tr>
                <th scope="row" title={format!("{} ({})", from.id, from.detail)}><span class="num">{(i + 1).to_string()}</span>{from.id.to_string()}</th>
                {cells}
            </tr>
        }
    }).collect();
    let what = match mode {
        Ports::Declared => "each destination's declared ports".to_string(),
        Ports::AllDeclared => format!("every declared port ({})", all_ports.len()),
        Ports::One(port, proto) => format!("port {port}/{proto}"),
    };
    let on_all = {
        let a = p.on_action.clone();
        Callback::from(move |_: Event| a.emit(Action::ToggleMatrixAllPorts))
    };
    let on_pods = {
        let a = p.on_action.clone();
        Callback::from(move |_: Event| a.emit(Action::ToggleMatrixPods))
    };
    html! {
        <div class={classes!("matrix-wrap", p.dimmed.then_some("dimmed"))} data-state={if p.pending { "stale" } else { "ready" }}>
            <div class="matrix-caption">
                <span>{format!("Checked: {what}. {} of {} pairs fully allowed. Rows: source; columns: destination, numbered as the rows.", counts.0, counts.1)}
                    if all_groups.len() > MAX_ROWS { {format!(" Showing the first {MAX_ROWS} of {}.", all_groups.len())} }
                </span>
                <label class="field check" title="check every port some pod declares, and list the allowed ones in each cell">
                    <input id="matrix-all-ports" type="checkbox" checked={p.all_declared} disabled={p.port.is_some()} onchange={on_all} />
                    {"all declared ports"}
                </label>
                <label class="field check" title="one row per pod instead of one per workload">
                    <input id="matrix-pods" type="checkbox" checked={p.by_pod} onchange={on_pods} />
                    {"pods"}
                </label>
            </div>
            <div class="matrix-scroll">
                <table id="matrix" data-port={mode.as_attr()} data-rows={if p.by_pod { "pod" } else { "workload" }}>
                    // For screen readers: what the table is and how to read a cell.
                    <caption class="sr-only">{format!("Who reaches whom on {what}: rows are sources, columns destinations; each cell says allowed, blocked or partial.")}</caption>
                    <thead>
                        <tr>
                            <th class="corner" scope="col">{"from \\ to"}</th>
                            { for groups.iter().enumerate().map(|(i, g)| html! {
                                <th scope="col" class="col" title={g.id.clone()} aria-label={g.id.clone()}>{(i + 1).to_string()}</th>
                            }) }
                        </tr>
                    </thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
        </div>
    }
}
