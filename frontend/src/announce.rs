//! What a screen reader hears when who-reaches-whom changes (a fix, an edit, a what-if
//! switch): the workload pairs whose verdict changed, in words. Pure, unit-tested natively;
//! `components/reach_announce.rs` puts it in an `aria-live` region.

use std::collections::BTreeMap;

use crate::flows::FlowVerdict;
use crate::matrix_model::{self, Ports};
use crate::scene::Derived;

/// Larger clusters are not summarised pair by pair (the sentence would be useless).
pub const MAX_GROUPS: usize = 40;
/// Pairs named in one announcement; the rest are counted.
const MAX_NAMED: usize = 6;

/// Verdict of each workload pair on its destination's declared ports (the matrix's default
/// view), by `(from, to)` ids; `None` for a cluster too large to summarise.
pub type Reach = Option<BTreeMap<(String, String), FlowVerdict>>;

pub fn reach(d: &Derived) -> Reach {
    let groups = matrix_model::groups(d, false);
    if groups.len() > MAX_GROUPS {
        return None;
    }
    let mut out = BTreeMap::new();
    for from in &groups {
        for to in &groups {
            let c = matrix_model::cell(d, from, to, Ports::Declared, &[]);
            if let Some(v) = c.verdict {
                out.insert((from.id.to_string(), to.id.to_string()), v);
            }
        }
    }
    Some(out)
}

/// The sentence for a change from `prev` to `next` (`None`: nothing to say).
pub fn changes(prev: &Reach, next: &Reach) -> Option<String> {
    let (Some(prev), Some(next)) = (prev, next) else {
        return None;
    };
    // Grouped by the new verdict, pairs in order.
    let mut by: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut n = 0usize;
    for (k, v) in next {
        if prev.get(k).is_some_and(|p| p != v) {
            n += 1;
            if n <= MAX_NAMED {
                by.entry(v.as_str())
                    .or_default()
                    .push(format!("{} to {}", k.0, k.1));
            }
        }
    }
    if n == 0 {
        return None;
    }
    let mut parts: Vec<String> = by
        .iter()
        .map(|(v, pairs)| format!("now {v}: {}.", pairs.join("; ")))
        .collect();
    if n > MAX_NAMED {
        parts.push(format!("{} more changed.", n - MAX_NAMED));
    }
    let head = if n == 1 {
        "1 pair changed".to_string()
    } else {
        format!("{n} pairs changed")
    };
    Some(format!("Who reaches whom: {head}; {}", parts.join(" ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::derived;

    const PODS: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: default, labels: {app: a}}\nspec: {containers: [{name: c, image: x, ports: [{containerPort: 80}]}]}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b, namespace: default, labels: {app: b}}\nspec: {containers: [{name: c, image: x, ports: [{containerPort: 80}]}]}\n";
    const DENY_B: &str = "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: default}\nspec: {podSelector: {matchLabels: {app: b}}, policyTypes: [Ingress]}\n";

    fn reach_of(text: &str) -> Reach {
        reach(&derived(text, &[]))
    }

    #[test]
    fn a_new_deny_is_announced_in_words() {
        let before = reach_of(PODS);
        let after = reach_of(&format!("{PODS}{DENY_B}"));
        assert_eq!(
            after
                .as_ref()
                .and_then(|m| m.get(&("default/a".into(), "default/b".into()))),
            Some(&FlowVerdict::Blocked)
        );
        assert_eq!(
            changes(&before, &after).as_deref(),
            Some("Who reaches whom: 1 pair changed; now blocked: default/a to default/b.")
        );
        assert_eq!(
            changes(&after, &before).as_deref(),
            Some("Who reaches whom: 1 pair changed; now allowed: default/a to default/b.")
        );
        assert_eq!(changes(&after, &after), None);
        assert_eq!(changes(&None, &after), None);
    }

    #[test]
    fn many_changes_are_counted_not_listed() {
        let mut prev = BTreeMap::new();
        let mut next = BTreeMap::new();
        for i in 0..9 {
            let k = (format!("ns/a{i}"), "ns/b".to_string());
            prev.insert(k.clone(), FlowVerdict::Allowed);
            next.insert(k, FlowVerdict::Blocked);
        }
        let s = changes(&Some(prev), &Some(next)).unwrap_or_default();
        assert!(
            s.starts_with("Who reaches whom: 9 pairs changed; now blocked: ns/a0 to ns/b;"),
            "{s}"
        );
        assert!(s.ends_with("3 more changed."), "{s}");
    }
}
