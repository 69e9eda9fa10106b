//! The policy list: select a policy to highlight what it selects and decides; switch it off
//! (what-if) to see the flows change. With admin policies in the input, the list is grouped in
//! evaluation order: the Admin tier (by priority), the NetworkPolicies, the Baseline tier.

use std::collections::BTreeSet;
use std::rc::Rc;

use yew::prelude::*;

use crate::components::source_ref::{LineRef, Ticks};
use crate::ids::PolicyKey;
use crate::scene::Derived;
use crate::state::Selection;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub derived: Option<Rc<Derived>>,
    pub off: Rc<BTreeSet<PolicyKey>>,
    pub selected: Option<PolicyKey>,
    pub on_select: Callback<Selection>,
    pub on_toggle: Callback<PolicyKey>,
    /// Policies written but not applied (an error in them).
    pub rejected: Rc<Vec<crate::documents::Rejected>>,
    /// Jump to a line in the editor.
    pub on_jump: Callback<u32>,
}

/// An admin policy's row: name, kind, priority, and its what-if switch.
#[derive(Clone, Debug, PartialEq)]
struct AdminRow {
    key: PolicyKey,
    name: String,
    kind: &'static str,
    priority: Option<u32>,
}

/// Admin policies of one tier, in the engine's evaluation order.
fn admin_rows(d: &Derived, tier: engine::admin::Tier) -> Vec<AdminRow> {
    let mut v: Vec<&engine::admin::AdminPolicy> = d
        .base
        .cluster
        .admin_policies
        .iter()
        .filter(|a| a.tier == tier)
        .collect();
    v.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    v.into_iter()
        .map(|a| AdminRow {
            key: PolicyKey::of_admin(a),
            name: a.name.clone(),
            kind: a.kind.as_str(),
            priority: a.priority,
        })
        .collect()
}

fn admin_item(
    r: &AdminRow,
    tier: &'static str,
    off: &BTreeSet<PolicyKey>,
    on_toggle: &Callback<PolicyKey>,
) -> Html {
    let on = !off.contains(&r.key);
    let toggle = {
        let cb = on_toggle.clone();
        let k = r.key.clone();
        Callback::from(move |_: Event| cb.emit(k.clone()))
    };
    let prio = r
        .priority
        .map_or_else(|| "last".to_string(), |p| format!("priority {p}"));
    html! {
        <li data-admin-policy={r.name.clone()} data-tier={tier} data-priority={r.priority.map(|p| p.to_string())}
            data-enabled={on.to_string()} class={classes!((!on).then_some("off"))}>
            <div class="policy-name" title={format!("{} `{}` ({tier} tier, {prio})", r.kind, r.name)}>
                <span class="name">{r.name.clone()}</span>
                <span class="priority">{prio}</span>
            </div>
            <label class="switch" title="what-if: switch this policy off and on">
                <input type="checkbox" role="switch" data-policy-toggle={r.key.clone()} checked={on}
                    aria-label={format!("{} {} enabled", r.kind, r.name)} onchange={toggle} />
                <span class="slider" aria-hidden="true"></span>
            </label>
        </li>
    }
}

/// A tier's heading: its name and when it is consulted (the details in the tooltip).
fn tier_head(tier: &'static str, when: &str, details: &str) -> Html {
    html! {
        <li class="policy-tier" data-tier-group={tier} title={details.to_string()}>
            <span class="tier-pill">{tier}</span><span>{when.to_string()}</span>
        </li>
    }
}

#[function_component(Policies)]
pub fn policies(p: &Props) -> Html {
    let (admin, baseline) = p.derived.as_ref().map_or((Vec::new(), Vec::new()), |d| {
        (
            admin_rows(d, engine::admin::Tier::Admin),
            admin_rows(d, engine::admin::Tier::Baseline),
        )
    });
    let tiers = !admin.is_empty() || !baseline.is_empty();
    let list: Vec<(PolicyKey, String, String)> = p
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
                    (PolicyKey::of(pol), pol.qualified(), t.join(" + "))
                })
                .collect()
        })
        .unwrap_or_default();
    html! {
        <section class="policies" aria-label="network policies">
            <h2>{ match (p.rejected.is_empty(), tiers) {
                (true, false) => format!("Policies ({})", list.len()),
                (true, true) => format!("Policies ({} + {} admin)", list.len(), admin.len() + baseline.len()),
                (false, _) => format!("Policies ({} applied, {} not)", list.len(), p.rejected.len()),
            } }</h2>
            if list.is_empty() && p.rejected.is_empty() && !tiers {
                <p class="muted">{"No NetworkPolicy: every pod is open (not isolated)."}</p>
            }
            <ul id="policies">
                if tiers {
                    {tier_head("Admin", "first", "Admin tier, consulted first (lower priority first): Accept and Deny are final, Pass hands the flow on")}
                    { for admin.iter().map(|r| admin_item(r, "Admin", &p.off, &p.on_toggle)) }
                    {tier_head("NetworkPolicy", "then", "the namespaces' own NetworkPolicies, after the Admin tier")}
                }
                { for list.into_iter().map(|(key, name, types)| {
                    let on = !p.off.contains(&key);
                    let selected = p.selected.as_ref() == Some(&key);
                    let sel = {
                        let cb = p.on_select.clone();
                        let n = key.clone();
                        let already = selected;
                        Callback::from(move |_: MouseEvent| cb.emit(if already { Selection::None } else { Selection::Policy(n.clone()) }))
                    };
                    let toggle = {
                        let cb = p.on_toggle.clone();
                        let n = key.clone();
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
                    html! {
                        <li class="rejected" data-policy-rejected={r.name.clone()}>
                            <div class="policy-name">
                                <span class="name" title={r.name.clone()}>{r.name.clone()}</span>
                                <span class="reason">{"not applied: "}<Ticks text={AttrValue::from(r.reason.clone())} /></span>
                            </div>
                            <LineRef line={r.line} on_line={p.on_jump.clone()} title="show the error in the editor" data_line={false} />
                        </li>
                    }
                }) }
                if tiers {
                    {tier_head("Baseline", "last", "Baseline tier, consulted last: only where no NetworkPolicy isolates the pod")}
                    { for baseline.iter().map(|r| admin_item(r, "Baseline", &p.off, &p.on_toggle)) }
                }
            </ul>
        </section>
    }
}
