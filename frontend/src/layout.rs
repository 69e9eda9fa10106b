//! Deterministic, stable graph layout.
//!
//! Positions derive from names only — never from policies or verdicts — so editing a policy
//! never moves a node. Each namespace is a square grid of slots; a node's home slot is a hash of
//! its name (FNV-1a, the same on every platform), taken in name order with linear probing. Adding
//! a node therefore leaves the others where they were, unless it lands on a slot another node
//! only reached by probing, or the namespace outgrows its grid (4, 9, 16, ... slots).
//! Namespaces are regions placed in name order on shelves; the outside ranges come last.

use std::collections::BTreeMap;

pub const SLOT_W: f64 = 122.0;
pub const SLOT_H: f64 = 74.0;
pub const PAD: f64 = 10.0;
pub const HEADER: f64 = 22.0;
pub const GAP: f64 = 22.0;
/// Width / height the shelves aim at (the graph pane is roughly square on a laptop screen).
pub const ASPECT: f64 = 1.0;

/// One region to lay out: a namespace, or the outside of the cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    pub name: String,
    pub outside: bool,
    /// Slot keys (node names); order does not matter.
    pub keys: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Region {
    pub name: String,
    pub outside: bool,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    pub regions: Vec<Region>,
    /// Centre of each slot, by key.
    pub slots: BTreeMap<String, (f64, f64)>,
}

/// FNV-1a, 64 bits: stable across platforms and releases (unlike `DefaultHasher`).
pub fn fnv1a(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Side of the square grid for `n` nodes (1, 2, 3, ...).
pub fn grid_side(n: usize) -> usize {
    let mut side = 1;
    while side * side < n {
        side += 1;
    }
    side
}

/// Slot index (row-major) per key, in a `side × side` grid.
pub fn assign_slots(keys: &[String], side: usize) -> BTreeMap<String, usize> {
    let cap = (side * side).max(1);
    let mut sorted: Vec<&String> = keys.iter().collect();
    sorted.sort();
    sorted.dedup();
    let mut taken = vec![false; cap];
    let mut out = BTreeMap::new();
    for k in sorted {
        let home = (fnv1a(k) % cap as u64) as usize;
        for step in 0..cap {
            let s = (home + step) % cap;
            if let Some(t) = taken.get_mut(s) {
                if !*t {
                    *t = true;
                    out.insert(k.clone(), s);
                    break;
                }
            }
        }
    }
    out
}

/// Lays out the groups (namespaces first, in name order; then the outside).
pub fn layout(groups: &[Group]) -> Layout {
    let mut sorted: Vec<&Group> = groups.iter().filter(|g| !g.keys.is_empty()).collect();
    sorted.sort_by(|a, b| (a.outside, &a.name).cmp(&(b.outside, &b.name)));

    // Region sizes first, then shelves at a width that keeps the whole near `ASPECT`.
    struct Sized<'a> {
        g: &'a Group,
        cols: usize,
        k: f64,
        w: f64,
        h: f64,
    }
    let sized: Vec<Sized<'_>> = sorted
        .iter()
        .map(|g| {
            let n = {
                let mut k: Vec<&String> = g.keys.iter().collect();
                k.sort();
                k.dedup();
                k.len()
            };
            let (cols, rows) = if g.outside {
                (1, n)
            } else {
                (grid_side(n), grid_side(n))
            };
            // Small namespaces get roomier slots (their few labels and flows need the space).
            let k = if !g.outside && cols <= 2 { 1.45 } else { 1.0 };
            let w =
                (cols as f64 * SLOT_W * k + 2.0 * PAD).max(if g.outside { 170.0 } else { 150.0 });
            let h = rows as f64 * SLOT_H * k + 2.0 * PAD + HEADER;
            Sized { g, cols, k, w, h }
        })
        .collect();
    // Shelf width: among the widths where a shelf break can happen, the one whose bounding box
    // needs the least shrinking to fit a box of aspect ASPECT (ties: the narrower).
    let widths: Vec<f64> = sized.iter().map(|s| s.w).collect();
    let widest = widths.iter().copied().fold(0.0, f64::max);
    let mut candidates: Vec<f64> = Vec::new();
    for i in 0..widths.len() {
        let mut acc = 0.0;
        for w in widths.iter().skip(i) {
            acc += w + if acc > 0.0 { GAP } else { 0.0 };
            if acc >= widest {
                candidates.push(acc);
            }
        }
    }
    candidates.push(widest);
    let extent = |shelf_w: f64| {
        let (mut x, mut y, mut shelf_h, mut width) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
        for s in &sized {
            if x > 0.0 && x + s.w > shelf_w + 1e-6 {
                x = 0.0;
                y += shelf_h + GAP;
                shelf_h = 0.0;
            }
            x += s.w + GAP;
            shelf_h = shelf_h.max(s.h);
            width = width.max(x - GAP);
        }
        (width, y + shelf_h)
    };
    let shelf_w = candidates
        .iter()
        .copied()
        .map(|c| {
            let (w, h) = extent(c);
            ((w / ASPECT).max(h), c)
        })
        .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)))
        .map_or(widest, |(_, c)| c);

    let mut out = Layout::default();
    let (mut x, mut y, mut shelf_h) = (0.0f64, 0.0f64, 0.0f64);
    for s in &sized {
        if x > 0.0 && x + s.w > shelf_w + 1e-6 {
            x = 0.0;
            y += shelf_h + GAP;
            shelf_h = 0.0;
        }
        out.regions.push(Region {
            name: s.g.name.clone(),
            outside: s.g.outside,
            x,
            y,
            w: s.w,
            h: s.h,
        });
        let slots = if s.g.outside {
            let mut k: Vec<&String> = s.g.keys.iter().collect();
            k.sort();
            k.dedup();
            k.into_iter()
                .enumerate()
                .map(|(i, k)| (k.clone(), i))
                .collect()
        } else {
            assign_slots(&s.g.keys, s.cols)
        };
        for (k, i) in slots {
            let (c, r) = (i % s.cols.max(1), i / s.cols.max(1));
            let cx = x + PAD + (c as f64 + 0.5) * SLOT_W * s.k;
            let cy = y + HEADER + PAD + (r as f64 + 0.5) * SLOT_H * s.k;
            out.slots.insert(k, (cx, cy));
        }
        x += s.w + GAP;
        shelf_h = shelf_h.max(s.h);
        out.width = out.width.max(x - GAP);
    }
    out.height = y + shelf_h;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(name: &str, keys: &[&str]) -> Group {
        Group {
            name: name.into(),
            outside: false,
            keys: keys.iter().map(|k| k.to_string()).collect(),
        }
    }

    #[test]
    fn fnv_is_stable() {
        // Fixed values: a change here would move every node of every saved scenario.
        assert_eq!(fnv1a(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a("a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn same_input_same_layout_whatever_the_order() {
        let a = layout(&[
            group("default", &["default/a", "default/b", "default/c"]),
            group("kube-system", &["kube-system/dns"]),
        ]);
        let b = layout(&[
            group("kube-system", &["kube-system/dns"]),
            group("default", &["default/c", "default/a", "default/b"]),
        ]);
        assert_eq!(a, b);
    }

    #[test]
    fn slots_do_not_overlap() {
        let keys: Vec<String> = (0..50).map(|i| format!("ns/pod-{i}")).collect();
        let l = layout(&[Group {
            name: "ns".into(),
            outside: false,
            keys,
        }]);
        let mut seen: Vec<(i64, i64)> = l
            .slots
            .values()
            .map(|&(x, y)| (x as i64, y as i64))
            .collect();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 50);
    }

    #[test]
    fn adding_a_pod_keeps_the_others_in_place_within_a_grid() {
        // 5 nodes and 6 nodes both fit a 3×3 grid.
        let before = layout(&[group(
            "default",
            &[
                "default/a",
                "default/b",
                "default/c",
                "default/d",
                "default/e",
            ],
        )]);
        let after = layout(&[group(
            "default",
            &[
                "default/a",
                "default/b",
                "default/c",
                "default/d",
                "default/e",
                "default/aa",
            ],
        )]);
        let moved: Vec<&String> = before
            .slots
            .iter()
            .filter(|(k, v)| after.slots.get(*k) != Some(v))
            .map(|(k, _)| k)
            .collect();
        assert!(moved.len() <= 1, "moved: {moved:?}");
    }

    #[test]
    fn other_namespaces_do_not_move_when_one_grows_within_its_grid() {
        let g1 = group("a", &["a/x", "a/y", "a/z"]);
        let g2 = group("b", &["b/x"]);
        let before = layout(&[g1.clone(), g2.clone()]);
        let after = layout(&[group("a", &["a/x", "a/y", "a/z", "a/w"]), g2]);
        assert_eq!(before.slots.get("b/x"), after.slots.get("b/x"));
    }

    #[test]
    fn outside_comes_last_in_one_column() {
        let l = layout(&[
            Group {
                name: "outside".into(),
                outside: true,
                keys: vec!["0.0.0.0/0".into(), "10.0.0.0/8".into()],
            },
            group("default", &["default/a"]),
        ]);
        assert_eq!(l.regions.last().map(|r| r.outside), Some(true));
        let a = l.slots.get("0.0.0.0/0").copied().unwrap_or_default();
        let b = l.slots.get("10.0.0.0/8").copied().unwrap_or_default();
        assert!((a.0 - b.0).abs() < 1e-9 && b.1 > a.1);
    }

    #[test]
    fn grid_side_grows_in_squares() {
        assert_eq!([1, 2, 4, 5, 9, 10].map(grid_side), [1, 2, 2, 3, 3, 4]);
    }
}
