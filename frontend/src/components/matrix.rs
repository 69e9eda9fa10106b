//! The pods × pods truth table for one port and protocol; a cell opens its explanation.

use std::rc::Rc;

use engine::Protocol;
use yew::prelude::*;

use crate::scene::{self, Derived};
use crate::state::Selection;

/// Larger clusters show the first pods only (the DOM would be too heavy to stay responsive).
const MAX_PODS: usize = 60;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub derived: Option<Rc<Derived>>,
    pub port: (u16, Protocol),
    pub port_is_default: bool,
    pub selection: Selection,
    pub dimmed: bool,
    pub pending: bool,
    pub on_select: Callback<Selection>,
}

#[function_component(Matrix)]
pub fn matrix(p: &Props) -> Html {
    let Some(d) = p.derived.clone() else {
        return html! { <div id="matrix" class="matrix-wrap" data-state="stale"><p class="hint">{"nothing to show yet"}</p></div> };
    };
    let (port, proto) = p.port;
    let pods: Vec<usize> = (0..d.eff.cluster.pods.len()).take(MAX_PODS).collect();
    let names: Vec<String> = pods.iter().map(|&i| scene::pod_name(&d.eff, i)).collect();
    let table = scene::matrix(&d, &pods, port, proto);
    let allowed = table.iter().flatten().filter(|c| **c == Some(true)).count();
    let total = table.iter().flatten().filter(|c| c.is_some()).count();
    let sel = match &p.selection {
        Selection::Cell { from, to } => Some((from.clone(), to.clone())),
        _ => None,
    };
    html! {
        <div class={classes!("matrix-wrap", p.dimmed.then_some("dimmed"))} data-state={if p.pending { "stale" } else { "ready" }}>
            <p class="matrix-caption">
                {format!("Port {port}/{proto}: {allowed} of {total} pod pairs allowed. Rows: source; columns: destination, numbered as the rows.")}
                if p.port_is_default { {" Set a port in the Port box to change it."} }
                if d.eff.cluster.pods.len() > MAX_PODS { {format!(" Showing the first {MAX_PODS} of {} pods.", d.eff.cluster.pods.len())} }
            </p>
            <div class="matrix-scroll">
                <table id="matrix" data-port={format!("{port}/{proto}")}>
                    <thead>
                        <tr>
                            <th class="corner" scope="col">{"from \\ to"}</th>
                            // Numbered columns (a pod's full name is long; replicas differ only at
                            // the end): the number is the row's, and the header names it on hover.
                            { for names.iter().enumerate().map(|(i, n)| html! {
                                <th scope="col" class="col" title={n.clone()} aria-label={n.clone()}>{(i + 1).to_string()}</th>
                            }) }
                        </tr>
                    </thead>
                    <tbody>
                        { for table.iter().zip(names.iter()).enumerate().map(|(i, (row, from))| html! {
                            <tr>
                                <th scope="row" title={from.clone()}><span class="num">{(i + 1).to_string()}</span>{from.clone()}</th>
                                { for row.iter().zip(names.iter()).map(|(cell, to)| {
                                    match cell {
                                        None => html! { <td class="self" data-from={from.clone()} data-to={to.clone()}>{"·"}</td> },
                                        Some(ok) => {
                                            let cb = p.on_select.clone();
                                            let (f, t) = (from.clone(), to.clone());
                                            let selected = sel.as_ref() == Some(&(from.clone(), to.clone()));
                                            let v = if *ok { "allowed" } else { "blocked" };
                                            html! {
                                                <td class={classes!(v, selected.then_some("selected"))} data-from={from.clone()} data-to={to.clone()} data-verdict={v}>
                                                    <button onclick={move |_| cb.emit(Selection::Cell { from: f.clone(), to: t.clone() })}
                                                        aria-label={format!("{from} → {to}: {v}")} title={format!("{from} → {to}: {v}")}>
                                                        { if *ok { "✓" } else { "✕" } }
                                                    </button>
                                                </td>
                                            }
                                        }
                                    }
                                }) }
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        </div>
    }
}
