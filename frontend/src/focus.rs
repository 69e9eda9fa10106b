//! Flow selection: which flows the graph draws for the current selection and filters, and
//! which flow a selection stands for. Pure (the page memoises the results), unit-tested natively.

use engine::Protocol;

use crate::flows::{self, Flow, FlowVerdict, Focus};
use crate::ids::NodeId;
use crate::scene::{Derived, Scene, FULL_GRAPH_LIMIT, MAX_FLOWS};
use crate::state::{FlowFilter, Selection};

/// A verdict filter draws a large scenario's matching flows up to this many nodes.
pub const MAX_FILTERED_NODES: usize = 150;

/// Whether the scene is too large to draw every flow (only the focus's are drawn).
pub fn is_big(sc: &Scene) -> bool {
    sc.nodes.len() > FULL_GRAPH_LIMIT
}

/// What to draw: everything in a small scene; in a large one the selected policy's, aggregate's
/// or node's flows, or, with a verdict filter and nothing selected, every pair (up to a size).
pub fn focus(
    sc: &Scene,
    selection: &Selection,
    focus_node: Option<&NodeId>,
    flow_filter: FlowFilter,
) -> Focus {
    if !is_big(sc) {
        return Focus::All;
    }
    match (selection, focus_node) {
        (Selection::Policy(p), _) => Focus::Policy(p.clone()),
        (Selection::Namespaces { from, to }, _) => Focus::Namespaces(from.clone(), to.clone()),
        (_, Some(n)) => Focus::Node(n.clone()),
        _ if flow_filter != FlowFilter::All && sc.nodes.len() <= MAX_FILTERED_NODES => {
            Focus::Everything
        }
        _ => Focus::All,
    }
}

/// The flows drawn for a focus, the port filter and the verdict filter, and whether some were
/// left out (at most `MAX_FLOWS`).
pub fn drawn_flows(
    d: &Derived,
    sc: &Scene,
    focus: &Focus,
    port: Option<(u16, Protocol)>,
    verdicts: FlowFilter,
) -> (Vec<Flow>, bool) {
    let (pairs, mut truncated) = flows::pairs_to_draw(d, sc, focus);
    let mut flows = flows::evaluate_flows(d, sc, &pairs, port);
    flows::mark_noise(sc, &mut flows);
    flows.retain(|f| match verdicts {
        FlowFilter::All => true,
        FlowFilter::Allowed => f.verdict == FlowVerdict::Allowed,
        FlowFilter::Blocked => f.verdict == FlowVerdict::Blocked,
        FlowFilter::Partial => f.verdict == FlowVerdict::Partial,
    });
    if flows.len() > MAX_FLOWS {
        flows.truncate(MAX_FLOWS);
        truncated = true;
    }
    (flows, truncated)
}

/// The drawn flow `from` → `to` (node names), if it is drawn.
pub fn drawn_flow<'a>(
    sc: &Scene,
    flows: &'a [Flow],
    from: &NodeId,
    to: &NodeId,
) -> Option<&'a Flow> {
    let (fi, ti) = (sc.node_index(from)?, sc.node_index(to)?);
    flows.iter().find(|f| f.from == fi && f.to == ti)
}

/// The flow a selection `from` → `to` stands for: the drawn one, or else evaluated now (a flow
/// selected before a filter hid it, a lesson's flow).
pub fn selected_flow(
    d: &Derived,
    sc: &Scene,
    flows: &[Flow],
    from: &NodeId,
    to: &NodeId,
    port: Option<(u16, Protocol)>,
) -> Option<Flow> {
    drawn_flow(sc, flows, from, to).cloned().or_else(|| {
        let (fi, ti) = (sc.node_index(from)?, sc.node_index(to)?);
        flows::evaluate_flow(d, sc, fi, ti, port)
    })
}

/// The line over the graph when it draws less than everything: a large scene before a
/// selection, flows left out, or no pods at all (once the analysis is done).
pub fn hint(
    sc: Option<&Scene>,
    (flows, truncated): &(Vec<Flow>, bool),
    nothing_selected: bool,
    aggregated: bool,
    pending: bool,
) -> Option<String> {
    match sc {
        Some(sc) if is_big(sc) && flows.is_empty() && nothing_selected => Some(if aggregated {
            format!(
                "{} nodes: flows summed per namespace pair (✓ allowed · ✕ blocked · ◐ partial); click one to expand it, or select a node",
                sc.nodes.len()
            )
        } else {
            format!(
                "{} nodes: select a node (or a policy) to show its flows",
                sc.nodes.len()
            )
        }),
        Some(_) if *truncated => Some(format!("showing the first {MAX_FLOWS} flows")),
        None if !pending => Some("nothing to show yet: the text has no pods".into()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{derived, example, node, pods, policy};

    #[test]
    fn a_small_scene_draws_everything_whatever_is_selected() {
        let d = derived(example("demo"), &[]);
        let sc = crate::scene::build_scene(&d, &Default::default());
        let sel = Selection::Policy(policy("default/x"));
        assert_eq!(
            focus(
                &sc,
                &sel,
                Some(&node("default/pod-centos")),
                FlowFilter::Blocked
            ),
            Focus::All
        );
    }

    #[test]
    fn a_large_scene_draws_the_selection_or_a_filter() {
        let d = derived(&pods(20, "default"), &[]);
        let sc = crate::scene::build_scene(&d, &Default::default());
        let none = Selection::None;
        assert_eq!(focus(&sc, &none, None, FlowFilter::All), Focus::All);
        assert_eq!(
            focus(&sc, &none, None, FlowFilter::Blocked),
            Focus::Everything
        );
        assert_eq!(
            focus(&sc, &none, Some(&node("default/p3")), FlowFilter::Blocked),
            Focus::Node(node("default/p3"))
        );
        let pol = Selection::Policy(policy("default/x"));
        assert_eq!(
            focus(&sc, &pol, Some(&node("default/p3")), FlowFilter::All),
            Focus::Policy(policy("default/x"))
        );
        let ns = Selection::Namespaces {
            from: "a".into(),
            to: "b".into(),
        };
        assert_eq!(
            focus(&sc, &ns, None, FlowFilter::All),
            Focus::Namespaces("a".into(), "b".into())
        );
    }

    #[test]
    fn the_verdict_filter_keeps_matching_flows_only() {
        let d = derived(example("wordpress"), &[]);
        let sc = crate::scene::build_scene(&d, &Default::default());
        let (all, _) = drawn_flows(&d, &sc, &Focus::All, None, FlowFilter::All);
        let (blocked, truncated) = drawn_flows(&d, &sc, &Focus::All, None, FlowFilter::Blocked);
        assert!(!truncated);
        assert!(!blocked.is_empty() && blocked.len() < all.len());
        assert!(blocked.iter().all(|f| f.verdict == FlowVerdict::Blocked));
        assert_eq!(
            blocked.len(),
            all.iter()
                .filter(|f| f.verdict == FlowVerdict::Blocked)
                .count()
        );
    }

    #[test]
    fn a_selected_flow_not_drawn_is_evaluated() {
        let d = derived(example("demo-deny"), &[]);
        let sc = crate::scene::build_scene(&d, &Default::default());
        let (from, to) = (
            &node("default/pod-centos"),
            &node("service:default/svc-clusterip-httpd"),
        );
        let (drawn, _) = drawn_flows(&d, &sc, &Focus::All, None, FlowFilter::Allowed);
        assert!(drawn_flow(&sc, &drawn, from, to).is_none());
        let f = selected_flow(&d, &sc, &drawn, from, to, None);
        assert_eq!(f.map(|f| f.verdict), Some(FlowVerdict::Blocked));
        assert!(selected_flow(&d, &sc, &drawn, from, &node("default/nobody"), None).is_none());
    }

    #[test]
    fn the_hint_says_why_flows_are_missing() {
        let big = derived(&pods(20, "default"), &[]);
        let sc = crate::scene::build_scene(&big, &Default::default());
        let none = (Vec::new(), false);
        assert_eq!(
            hint(Some(&sc), &none, true, false, false).as_deref(),
            Some("20 nodes: select a node (or a policy) to show its flows")
        );
        assert!(hint(Some(&sc), &none, true, true, false)
            .is_some_and(|h| h.starts_with("20 nodes: flows summed per namespace pair")));
        assert_eq!(
            hint(Some(&sc), &(Vec::new(), true), false, false, false),
            Some(format!("showing the first {MAX_FLOWS} flows"))
        );
        assert_eq!(hint(Some(&sc), &none, false, false, false), None);
        assert_eq!(
            hint(None, &none, true, false, false).as_deref(),
            Some("nothing to show yet: the text has no pods")
        );
        assert_eq!(
            hint(None, &none, true, false, true),
            None,
            "still analysing"
        );
    }
}
