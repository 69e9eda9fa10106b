//! Scenario building shared by the frontend's unit tests: an analysed text with what-if
//! switches, the built-in examples, generated pods, the drawn flows by node name.

use std::collections::BTreeSet;
use std::rc::Rc;

use crate::flows::{evaluate_flows, pairs_to_draw, FlowVerdict, Focus, Side};
use crate::ids::{NodeId, PolicyKey};
use crate::scene::{build_scene, Derived};

/// The analysis of `text` (one source, `editor`) with the policies in `off` switched off.
pub fn derived(text: &str, off: &[&str]) -> Derived {
    let a = Rc::new(engine::analyze(&[engine::Source::new("editor", text)]));
    let off: BTreeSet<PolicyKey> = off.iter().map(|s| policy(s)).collect();
    Derived::new(a, &off)
}

/// The text of a built-in example (`demo`, `demo-deny`, `wordpress`, …); empty if unknown.
pub fn example(id: &str) -> &'static str {
    crate::examples::by_id(id)
        .map(|e| e.text)
        .unwrap_or_default()
}

/// `n` bare pods `p0`…`p{n-1}` in `namespace`, each with its own `app` label.
pub fn pods(n: usize, namespace: &str) -> String {
    (0..n)
        .map(|i| {
            format!("---\napiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}, namespace: {namespace}, labels: {{app: a{i}}}}}\n")
        })
        .collect()
}

/// The flows the graph draws for `text` with nothing selected, by node name:
/// (from, to, verdict, where a blocked flow stops).
pub fn flows_of(text: &str, off: &[&str]) -> Vec<(String, String, FlowVerdict, Option<Side>)> {
    let d = derived(text, off);
    let sc = build_scene(&d, &BTreeSet::new());
    let (pairs, _) = pairs_to_draw(&d, &sc, &Focus::All);
    evaluate_flows(&d, &sc, &pairs, None)
        .into_iter()
        .map(|f| {
            let n = |i: usize| {
                sc.nodes
                    .get(i)
                    .map(|n| n.id.to_string())
                    .unwrap_or_default()
            };
            (n(f.from), n(f.to), f.verdict, f.blocked_at)
        })
        .collect()
}

/// A node id from its `data-node` string.
pub fn node(s: &str) -> NodeId {
    NodeId::parse(s).unwrap_or_else(|| unreachable!("not a node id: {s}"))
}

/// A policy key from its `data-policy-toggle` string.
pub fn policy(s: &str) -> PolicyKey {
    PolicyKey::parse(s).unwrap_or_else(|| unreachable!("not a policy key: {s}"))
}
