//! Flows of a large scenario summed per namespace pair, drawn before anything is selected.

use std::collections::BTreeMap;

use crate::flows::FlowVerdict;
use crate::scene::{Derived, Scene, SlotKind};

/// Flows of a large scenario summed per (source namespace, destination namespace), before
/// anything is selected: how many node pairs are allowed, blocked or partial on the
/// destinations' declared ports (every port where none is declared).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Aggregate {
    pub from: String,
    pub to: String,
    pub allowed: usize,
    pub blocked: usize,
    pub partial: usize,
}

/// Above this many nodes the aggregate is not computed (its cost grows with the pairs).
pub const MAX_AGGREGATE_NODES: usize = 400;

pub fn namespace_aggregate(d: &Derived, sc: &Scene) -> Vec<Aggregate> {
    let mut out: BTreeMap<(String, String), Aggregate> = BTreeMap::new();
    let ends: Vec<(String, crate::matrix_model::Group)> = sc
        .nodes
        .iter()
        .filter(|n| matches!(n.kind, SlotKind::Pod | SlotKind::Workload))
        .filter_map(|n| {
            let ns = sc.slots.get(n.slot)?.namespace.clone()?;
            Some((
                ns,
                crate::matrix_model::Group {
                    id: n.id.clone(),
                    target: n.target,
                    pods: n.pods.clone(),
                    detail: String::new(),
                },
            ))
        })
        .collect();
    if ends.len() > MAX_AGGREGATE_NODES {
        return Vec::new();
    }
    for (na, a) in &ends {
        for (nb, b) in &ends {
            if a.id == b.id {
                continue;
            }
            let c = crate::matrix_model::cell(d, a, b, crate::matrix_model::Ports::Declared, &[]);
            let Some(v) = c.verdict else { continue };
            let e = out
                .entry((na.clone(), nb.clone()))
                .or_insert_with(|| Aggregate {
                    from: na.clone(),
                    to: nb.clone(),
                    allowed: 0,
                    blocked: 0,
                    partial: 0,
                });
            match v {
                FlowVerdict::Allowed => e.allowed += 1,
                FlowVerdict::Blocked => e.blocked += 1,
                FlowVerdict::Partial => e.partial += 1,
            }
        }
    }
    out.into_values().collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::flows::{pairs_to_draw, Focus};
    use crate::scene::build_scene;
    use crate::testing::derived;

    #[test]
    fn large_scenarios_sum_flows_per_namespace_pair() {
        let mut text = String::new();
        for i in 0..14 {
            let ns = if i % 2 == 0 { "a" } else { "b" };
            text.push_str(&format!("---\napiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}, namespace: {ns}, labels: {{app: a{i}}}}}\nspec: {{containers: [{{name: c, ports: [{{containerPort: 80}}]}}]}}\n"));
        }
        // Namespace b denies all ingress.
        text.push_str("---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: b}\nspec: {podSelector: {}}\n");
        let d = derived(&text, &[]);
        let sc = build_scene(&d, &BTreeSet::new());
        let agg = namespace_aggregate(&d, &sc);
        let get = |f: &str, t: &str| {
            agg.iter()
                .find(|a| a.from == f && a.to == t)
                .map(|a| (a.allowed, a.blocked, a.partial))
        };
        assert_eq!(get("a", "b"), Some((0, 49, 0)));
        assert_eq!(get("b", "a"), Some((49, 0, 0)));
        assert_eq!(get("a", "a"), Some((42, 0, 0)));
        let (pairs, _) = pairs_to_draw(&d, &sc, &Focus::Namespaces("a".into(), "b".into()));
        assert_eq!(pairs.len(), 49);
    }
}
