//! What-if detection: after a policy is switched on or off, which drawn flows changed their
//! verdict (the graph marks them for a few seconds). Pure, unit-tested natively.

use std::collections::BTreeMap;

use crate::flows::{Flow, FlowVerdict};
use crate::ids::NodeId;
use crate::scene::Scene;

/// The drawn flows' verdicts by (source, destination) node.
pub type Verdicts = BTreeMap<(NodeId, NodeId), FlowVerdict>;

pub fn verdicts(sc: &Scene, flows: &[Flow]) -> Verdicts {
    flows
        .iter()
        .filter_map(|f| {
            let (a, b) = (sc.nodes.get(f.from)?, sc.nodes.get(f.to)?);
            Some(((a.id.clone(), b.id.clone()), f.verdict))
        })
        .collect()
}

/// The flows drawn before and after whose verdict differs, with the new verdict. A flow drawn
/// only on one side (a filter, a new focus) is no change.
pub fn changed(before: &Verdicts, after: &Verdicts) -> Verdicts {
    after
        .iter()
        .filter(|(k, v)| before.get(*k).is_some_and(|old| old != *v))
        .map(|(k, v)| (k.clone(), *v))
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::flows::Focus;
    use crate::focus::drawn_flows;
    use crate::scene::build_scene;
    use crate::state::FlowFilter;
    use crate::testing::{derived, example, node};

    fn drawn(off: &[&str]) -> Verdicts {
        let d = derived(example("demo-deny"), off);
        let sc = build_scene(&d, &BTreeSet::new());
        let (flows, _) = drawn_flows(&d, &sc, &Focus::All, None, FlowFilter::All);
        verdicts(&sc, &flows)
    }

    #[test]
    fn switching_a_policy_off_marks_the_flows_it_decided() {
        let (on, off) = (drawn(&[]), drawn(&["default/deny-by-default"]));
        let c = changed(&on, &off);
        assert!(!c.is_empty());
        assert_eq!(c.len(), on.len(), "deny-by-default decides every flow");
        assert!(c.values().all(|v| *v == FlowVerdict::Allowed));
        assert_eq!(
            c.get(&(
                node("default/pod-centos"),
                node("service:default/svc-clusterip-httpd")
            )),
            Some(&FlowVerdict::Allowed)
        );
        assert!(changed(&on, &on).is_empty());
    }

    #[test]
    fn a_flow_drawn_on_one_side_only_is_no_change() {
        let before: Verdicts = [((node("n/a"), node("n/b")), FlowVerdict::Blocked)]
            .into_iter()
            .collect();
        let after: Verdicts = [((node("n/a"), node("n/c")), FlowVerdict::Allowed)]
            .into_iter()
            .collect();
        assert!(changed(&before, &after).is_empty());
    }
}
