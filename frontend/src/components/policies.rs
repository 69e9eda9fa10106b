//! The policy list: select a policy to highlight what it selects and decides; switch it off
//! (what-if) to see the flows change.

use std::collections::BTreeSet;
use std::rc::Rc;

use yew::prelude::*;

use crate::scene::Derived;
use crate::state::Selection;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub derived: Option<Rc<Derived>>,
    pub off: Rc<BTreeSet<String>>,
    pub selected: Option<String>,
    pub on_select: Callback<Selection>,
    pub on_toggle: Callback<String>,
    /// Policies written but not applied (an error in them).
    pub rejected: Rc<Vec<crate::documents::Rejected>>,
    /// Jump to a line in the editor.
    pub on_jump: Callback<u32>,
}

#[function_component(Policies)]
pub fn policies(p: &Props) -> Html {
    let list: Vec<(String, String)> = p
        .derived
        .as_ref()
        .map(|d| {
            d.base
                .cluster
                .policies
                .iter()
                .map(|pol| {
                    let mut t = Vec::new();
                    if pol.affects_ingress {
                        t.push("ingress");
                    }
                    if pol.affects_egress {
                        t.push("egress");
                    }
                    (pol.qualified(), t.join(" + "))
                })
                .collect()
        })
        .unwrap_or_default();
    html! {
        <section class="policies" aria-label="network policies">
            <h2>{ if p.rejected.is_empty() {
                format!("Policies ({})", list.len())
            } else {
                format!("Policies ({} applied, {} not)", list.len(), p.rejected.len())
            } }</h2>
            if list.is_empty() && p.rejected.is_empty() {
                <p class="muted">{"No NetworkPolicy: every pod is open (not isolated)."}</p>
            }
            <ul id="policies">
                { for list.into_iter().map(|(name, types)| {
                    let on = !p.off.contains(&name);
                    let selected = p.selected.as_deref() == Some(name.as_str());
                    let sel = {
                        let cb = p.on_select.clone();
                        let n = name.clone();
                        let already = selected;
                        Callback::from(move |_: MouseEvent| cb.emit(if already { Selection::None } else { Selection::Policy(n.clone()) }))
                    };
                    let toggle = {
                        let cb = p.on_toggle.clone();
                        let n = name.clone();
                        Callback::from(move |_: Event| cb.emit(n.clone()))
                    };
                    html! {
                        <li data-policy={name.clone()} data-enabled={on.to_string()} class={classes!(selected.then_some("selected"), (!on).then_some("off"))}>
                            <button class="policy-name" onclick={sel} aria-pressed={selected.to_string()} title="highlight the pods it selects and the flows it decides">
                                <span class="name" title={name.clone()}>{name.clone()}</span>
                                <span class="types">{types}</span>
                            </button>
                            <label class="switch" title="what-if: switch this policy off and on">
                                <input type="checkbox" role="switch" data-policy-toggle={name.clone()} checked={on}
                                    aria-label={format!("{name} enabled")} onchange={toggle} />
                                <span class="slider" aria-hidden="true"></span>
                            </label>
                        </li>
                    }
                }) }
                { for p.rejected.iter().map(|r| {
                    let jump = {
                        let cb = p.on_jump.clone();
                        let line = r.line;
                        Callback::from(move |_: MouseEvent| cb.emit(line))
                    };
                    html! {
                        <li class="rejected" data-policy-rejected={r.name.clone()}>
                            <div class="policy-name">
                                <span class="name" title={r.name.clone()}>{r.name.clone()}</span>
                                <span class="reason">{"not applied: "}
                                    { for r.reason.split('`').enumerate().map(|(i, part)| if i % 2 == 1 {
                                        html! { <code>{part.to_string()}</code> }
                                    } else {
                                        html! { {part.to_string()} }
                                    }) }
                                </span>
                            </div>
                            <button class="line-ref" onclick={jump} title="show the error in the editor">{format!("line {}", r.line)}</button>
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}
