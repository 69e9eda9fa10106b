//! The graph's pure geometry, natively unit-tested: curves between nodes, the boxes of what a
//! node draws, routing a flow around the nodes it does not connect, and placing labels and
//! marks where they cover nothing already placed. The SVG component (`components/graph.rs`)
//! only draws what this computes.

use crate::flows::{Flow, Side};
use crate::scene::{Node, Scene, SlotKind};

/// An axis-aligned box `(x0, y0, x1, y1)` in graph units.
pub type Rect = (f64, f64, f64, f64);

pub fn hits(a: Rect, b: Rect) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

/// The area two boxes share (0 when apart).
pub fn overlap(a: Rect, b: Rect) -> f64 {
    let w = a.2.min(b.2) - a.0.max(b.0);
    let h = a.3.min(b.3) - a.1.max(b.1);
    if w > 0.0 && h > 0.0 {
        w * h
    } else {
        0.0
    }
}

/// A number as the SVG attributes write it.
pub fn f(v: f64) -> String {
    format!("{:.1}", v)
}

pub fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let head: String = s.chars().take(n.saturating_sub(1)).collect();
        format!("{head}…")
    }
}

/// Width of a label (system sans): an average advance of 0.6 em, a little more for the wide
/// glyphs of bold text and symbols, so that boxes err on the large side.
pub fn text_w(s: &str, font: f64) -> f64 {
    s.chars().count() as f64 * font * 0.6
}

/// Width of a semi-bold label (flow and fan labels).
pub fn bold_w(s: &str, font: f64) -> f64 {
    s.chars().count() as f64 * font * 0.66
}

/// Name and caption baselines below a node's shape: (name y, caption y), relative to its centre.
pub fn label_ys(kind: SlotKind, r: f64) -> (f64, f64) {
    let bottom = match kind {
        SlotKind::Workload => r * 0.7,
        SlotKind::Outside => r * 0.75,
        _ => r,
    };
    (bottom + 12.0, bottom + 25.0)
}

/// The box of a text of `w` units wide, anchored in its middle at baseline `(x, y)`, for a
/// font of `font` units (ascent and descent of system sans).
pub fn text_box(x: f64, y: f64, w: f64, font: f64) -> Rect {
    (x - w / 2.0, y - font * 0.95, x + w / 2.0, y + font * 0.3)
}

/// Quadratic curve from `p0` over the control point `c` to `p2`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Curve {
    pub p0: (f64, f64),
    pub c: (f64, f64),
    pub p2: (f64, f64),
}

/// Half the width assumed for a node's name when a curve leaves or arrives below it.
const LABEL_HALF_W: f64 = 28.0;

/// How far a flow's curve bends by default: a fifth of its length, within 18..60 units.
pub fn default_bend(a: &Node, b: &Node) -> f64 {
    let len = (b.x - a.x).hypot(b.y - a.y).max(1.0);
    (len * 0.2).clamp(18.0, 60.0)
}

impl Curve {
    /// Bent to the right of the direction by the default amount (so the two directions between
    /// a pair of nodes do not overlap), trimmed to the node radii.
    pub fn new(a: &Node, b: &Node) -> Curve {
        Curve::bent(a, b, default_bend(a, b))
    }

    /// Bent by `bend` units to the right of the direction (negative: to the left): the control
    /// point's distance from the chord's middle (the curve passes at half of it).
    pub fn bent(a: &Node, b: &Node, bend: f64) -> Curve {
        Curve::skewed(a, b, bend, 0.0)
    }

    /// [`Curve::bent`] with the control point moved by `skew` (a fraction of the chord) towards
    /// `b` (negative: towards `a`), so that the curve swerves round something near one end.
    pub fn skewed(a: &Node, b: &Node, bend: f64, skew: f64) -> Curve {
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let len = (dx * dx + dy * dy).sqrt().max(1.0);
        let (nx, ny) = (-dy / len, dx / len);
        let c = (
            (a.x + b.x) / 2.0 + nx * bend + dx * skew,
            (a.y + b.y) / 2.0 + ny * bend + dy * skew,
        );
        // Trimmed to the node's circle, or, where the curve leaves or arrives from below, past
        // the node's name and caption (an arrowhead never ends inside them).
        let trim = |n: &Node, gap: f64| {
            let (vx, vy) = (c.0 - n.x, c.1 - n.y);
            let l = (vx * vx + vy * vy).sqrt().max(1.0);
            let (ux, uy) = (vx / l, vy / l);
            let mut d = n.r + gap;
            if uy > 0.0 {
                let (_, caption) = label_ys(n.kind, n.r);
                let bottom = if n.kind == SlotKind::Workload {
                    caption
                } else {
                    caption - 13.0
                } + 3.0;
                let out = (LABEL_HALF_W / ux.abs().max(1e-6)).min(bottom / uy);
                d = d.max(out + gap);
            }
            (n.x + ux * d, n.y + uy * d)
        };
        Curve {
            p0: trim(a, 3.0),
            c,
            p2: trim(b, 6.0),
        }
    }

    /// A straight segment from `a`'s edge to `b`'s edge (the second leg of a call through a
    /// Service, over its fan line).
    pub fn straight(a: &Node, b: &Node) -> Curve {
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let len = (dx * dx + dy * dy).sqrt().max(1.0);
        let (ux, uy) = (dx / len, dy / len);
        let p0 = (a.x + ux * (a.r + 2.0), a.y + uy * (a.r + 2.0));
        let p2 = (b.x - ux * (b.r + 6.0), b.y - uy * (b.r + 6.0));
        Curve {
            p0,
            c: ((p0.0 + p2.0) / 2.0, (p0.1 + p2.1) / 2.0),
            p2,
        }
    }

    pub fn at(&self, t: f64) -> (f64, f64) {
        let u = 1.0 - t;
        (
            u * u * self.p0.0 + 2.0 * u * t * self.c.0 + t * t * self.p2.0,
            u * u * self.p0.1 + 2.0 * u * t * self.c.1 + t * t * self.p2.1,
        )
    }

    pub fn d(&self) -> String {
        format!(
            "M{} {} Q{} {} {} {}",
            f(self.p0.0),
            f(self.p0.1),
            f(self.c.0),
            f(self.c.1),
            f(self.p2.0),
            f(self.p2.1)
        )
    }

    /// The part from the start to `t`.
    pub fn head(&self, t: f64) -> String {
        let q0 = (
            self.p0.0 + t * (self.c.0 - self.p0.0),
            self.p0.1 + t * (self.c.1 - self.p0.1),
        );
        let e = self.at(t);
        format!(
            "M{} {} Q{} {} {} {}",
            f(self.p0.0),
            f(self.p0.1),
            f(q0.0),
            f(q0.1),
            f(e.0),
            f(e.1)
        )
    }

    /// A filled arrowhead drawn as its own shape at the end of the curve (not an SVG marker, so
    /// that it is large enough to read at a glance and has a box the layout and tests can see):
    /// its tip 2 units past the curve's end, still clear of the node circle (the curve ends 6
    /// units off it), pointing along the end tangent.
    pub fn arrowhead(&self, len: f64, width: f64) -> String {
        let (mut ux, mut uy) = (self.p2.0 - self.c.0, self.p2.1 - self.c.1);
        if ux.hypot(uy) < 1e-6 {
            (ux, uy) = (self.p2.0 - self.p0.0, self.p2.1 - self.p0.1);
        }
        let l = ux.hypot(uy).max(1e-6);
        let (ux, uy) = (ux / l, uy / l);
        let tip = (self.p2.0 + ux * 2.0, self.p2.1 + uy * 2.0);
        let base = (tip.0 - ux * len, tip.1 - uy * len);
        let (nx, ny) = (-uy * width / 2.0, ux * width / 2.0);
        format!(
            "M{} {} L{} {} L{} {} Z",
            f(tip.0),
            f(tip.1),
            f(base.0 + nx),
            f(base.1 + ny),
            f(base.0 - nx),
            f(base.1 - ny)
        )
    }

    /// `t` of the point at arc length `len` from the start (clamped to the curve).
    pub fn t_at_len(&self, len: f64) -> f64 {
        const N: usize = 48;
        let mut acc = 0.0;
        let mut prev = self.p0;
        for i in 1..=N {
            let t = i as f64 / N as f64;
            let p = self.at(t);
            let seg = ((p.0 - prev.0).powi(2) + (p.1 - prev.1).powi(2)).sqrt();
            if acc + seg >= len {
                let frac = if seg > 0.0 { (len - acc) / seg } else { 0.0 };
                return (t - (1.0 - frac) / N as f64).clamp(0.0, 1.0);
            }
            acc += seg;
            prev = p;
        }
        1.0
    }

    pub fn length(&self) -> f64 {
        const N: usize = 48;
        let mut acc = 0.0;
        let mut prev = self.p0;
        for i in 1..=N {
            let p = self.at(i as f64 / N as f64);
            acc += ((p.0 - prev.0).powi(2) + (p.1 - prev.1).powi(2)).sqrt();
            prev = p;
        }
        acc
    }

    /// `n + 1` points along the curve, evenly in `t`.
    pub fn polyline(&self, n: usize) -> Vec<(f64, f64)> {
        (0..=n)
            .map(|i| self.at(i as f64 / n.max(1) as f64))
            .collect()
    }

    /// Points along the curve, about every 5 units (at least 16).
    pub fn samples(&self) -> Vec<(f64, f64)> {
        let chord = (self.p2.0 - self.p0.0).hypot(self.p2.1 - self.p0.1);
        let arm = (self.c.0 - self.p0.0).hypot(self.c.1 - self.p0.1)
            + (self.p2.0 - self.c.0).hypot(self.p2.1 - self.c.1);
        let n = (((chord + arm) / 2.0 / 5.0).ceil() as usize).clamp(16, 400);
        (0..=n).map(|i| self.at(i as f64 / n as f64)).collect()
    }
}

/// What a node draws, for keeping flows, labels and marks off it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NodeBox {
    pub node: usize,
    /// The shape (circle, hexagon, card).
    pub shape: Rect,
    /// Its name and kind caption (a replica: its suffix).
    pub label: Rect,
    /// The ×N badge of a collapsed workload.
    pub badge: Option<Rect>,
}

/// The boxes of every node of the scene.
pub fn node_boxes(sc: &Scene) -> Vec<NodeBox> {
    let mut out = Vec::new();
    for (i, n) in sc.nodes.iter().enumerate() {
        let slot = sc.slots.get(n.slot);
        let replica = slot.is_some_and(|s| s.expanded);
        let r = n.r;
        let half_w = if n.kind == SlotKind::Outside {
            r * 1.5
        } else {
            r
        };
        let shape = (
            n.x - half_w - 2.0,
            n.y - r - 2.0,
            n.x + half_w + 2.0,
            n.y + r + 2.0,
        );
        let name = slot.map(|s| truncate(&s.name, 19)).unwrap_or_default();
        if replica {
            let w = text_w(&name, 9.0) / 2.0 + 4.0;
            out.push(NodeBox {
                node: i,
                shape,
                label: (n.x - w, n.y + r, n.x + w, n.y + r + 13.0),
                badge: None,
            });
            continue;
        }
        let (ny, ky) = label_ys(n.kind, r);
        let mut w = text_w(&name, 10.5) * 1.08;
        let mut bottom = ny + 3.0;
        if n.kind == SlotKind::Workload {
            w = w.max(text_w(slot.map_or("", |s| s.detail.as_str()), 9.5) * 1.08);
            bottom = ky + 3.0;
        }
        let badge = (n.kind == SlotKind::Workload).then(|| {
            let (bx, by) = (n.x + r + 4.0, n.y - r * 0.7 - 4.0);
            (bx - 16.0, by - 11.0, bx + 16.0, by + 11.0)
        });
        out.push(NodeBox {
            node: i,
            shape,
            label: (
                n.x - w / 2.0 - 2.0,
                n.y + ny - 10.5,
                n.x + w / 2.0 + 2.0,
                n.y + bottom,
            ),
            badge,
        });
    }
    out
}

/// Every box of the nodes, flat.
pub fn all_boxes(boxes: &[NodeBox]) -> Vec<Rect> {
    boxes
        .iter()
        .flat_map(|b| [Some(b.shape), Some(b.label), b.badge])
        .flatten()
        .collect()
}

/// The boxes a flow between nodes `a` and `b` must keep clear of: everything of the other
/// nodes, and the labels (not the shapes, where the flow starts and ends) of its own two.
pub fn obstacles_for(boxes: &[NodeBox], a: usize, b: usize) -> Vec<Rect> {
    boxes
        .iter()
        .flat_map(|x| {
            let own = x.node == a || x.node == b;
            [(!own).then_some(x.shape), Some(x.label), x.badge]
        })
        .flatten()
        .collect()
}

/// How much of a curve runs over the boxes: the number of its sample points inside a box
/// grown by `margin`.
pub fn intrusion(c: &Curve, obstacles: &[Rect], margin: f64) -> usize {
    c.samples()
        .into_iter()
        .filter(|p| {
            obstacles.iter().any(|o| {
                p.0 > o.0 - margin && p.0 < o.2 + margin && p.1 > o.1 - margin && p.1 < o.3 + margin
            })
        })
        .count()
}

/// How many times two polylines cross (proper crossings of their segments).
pub fn crossings(a: &[(f64, f64)], b: &[(f64, f64)]) -> usize {
    let cross = |o: (f64, f64), p: (f64, f64), q: (f64, f64)| {
        (p.0 - o.0) * (q.1 - o.1) - (p.1 - o.1) * (q.0 - o.0)
    };
    let mut n = 0;
    for s in a.windows(2) {
        let (Some(&p1), Some(&p2)) = (s.first(), s.get(1)) else {
            continue;
        };
        for t in b.windows(2) {
            let (Some(&q1), Some(&q2)) = (t.first(), t.get(1)) else {
                continue;
            };
            let (d1, d2) = (cross(q1, q2, p1), cross(q1, q2, p2));
            let (d3, d4) = (cross(p1, p2, q1), cross(p1, p2, q2));
            if d1 * d2 < 0.0 && d3 * d4 < 0.0 {
                n += 1;
            }
        }
    }
    n
}

/// The curve of a flow from `a` to `b` that runs clear of the obstacles (the boxes of third
/// nodes, see [`obstacles_for`]) and of the curves already routed (`taken`): the default bend
/// when it is clear, else the least bend, right of the direction first, that is; when none is,
/// the one crossing least. Deterministic.
#[cfg(test)]
pub fn route(a: &Node, b: &Node, obstacles: &[Rect], taken: &[Curve]) -> Curve {
    route_within(a, b, obstacles, taken, &[], None)
}

/// [`route`], keeping the curve inside `bounds` where it can (the drawing's frame: a curve
/// swerving out of it would leave the fitted view). `pair`: curves routed before between the
/// same two nodes; crossing one of them costs less than crossing a flow of other nodes (that
/// one mixes two conversations, the reader's "who talks to whom").
pub fn route_within(
    a: &Node,
    b: &Node,
    obstacles: &[Rect],
    taken: &[Curve],
    pair: &[Curve],
    bounds: Option<Rect>,
) -> Curve {
    let base = default_bend(a, b);
    let len = (b.x - a.x).hypot(b.y - a.y).max(1.0);
    // Candidates in order of preference: the default, straight, then growing bends, the
    // right of the direction before the left (where the reverse of a two-way pair runs).
    let bends: Vec<f64> = [
        1.0, 0.0, 1.6, -1.0, 2.3, -1.6, 3.2, -2.3, 4.4, -3.2, 6.0, -4.4, 8.0, -6.0, -8.0,
    ]
    .iter()
    .map(|k| base * k)
    .collect();
    let mut bends = bends;
    bends.retain(|b| b.abs() <= len * 1.6 + 40.0);
    let mut best: Option<(f64, Curve)> = None;
    let candidates = [0.0, 0.3, -0.3, 0.45, -0.45]
        .into_iter()
        .flat_map(|skew| bends.iter().map(move |&bend| (bend, skew)));
    for (i, (bend, skew)) in candidates.enumerate() {
        let c = Curve::skewed(a, b, bend, skew);
        let outside = bounds.map_or(0, |r| {
            c.samples()
                .into_iter()
                .filter(|p| p.0 < r.0 || p.0 > r.2 || p.1 < r.1 || p.1 > r.3)
                .count()
        });
        let crossing = (intrusion(&c, obstacles, 3.0) + outside) as f64;
        let mid = c.at(0.5);
        let probes = [c.at(0.3), c.at(0.7)];
        let crowded = taken
            .iter()
            .chain(pair)
            .filter(|t| {
                let m = t.at(0.5);
                // Mid to mid, or running along it (a skewed straight candidate lies on a
                // straight curve with its mid elsewhere): both probes near its line.
                (m.0 - mid.0).hypot(m.1 - mid.1) < 14.0 || {
                    let line = t.polyline(24);
                    probes
                        .iter()
                        .all(|p| line.iter().any(|q| (q.0 - p.0).hypot(q.1 - p.1) < 10.0))
                }
            })
            .count() as f64;
        // Crossing the curves routed before (a few dozen at most: beyond, not counted).
        let crossed = if taken.len() + pair.len() <= 24 {
            let poly = c.polyline(24);
            let count = |ts: &[Curve]| {
                ts.iter()
                    .map(|t| crossings(&poly, &t.polyline(24)))
                    .sum::<usize>() as f64
            };
            count(taken) + count(pair) * 0.4
        } else {
            0.0
        };
        let cost = crossing * 100.0 + crowded * 60.0 + crossed * 12.0 + i as f64;
        if best.as_ref().is_none_or(|(b, _)| cost < *b) {
            best = Some((cost, c));
        }
        if crossing == 0.0 && crowded == 0.0 && crossed == 0.0 {
            break;
        }
    }
    best.map_or_else(|| Curve::new(a, b), |(_, c)| c)
}

/// The `t` of a mark on the curve: `start` units of arc from the given end, moved along the
/// curve (towards the middle) until its box of half-size `half` is clear of every obstacle.
pub fn mark_t(c: &Curve, from_end: bool, start: f64, half: f64, obstacles: &[Rect]) -> f64 {
    let len = c.length();
    let mut d = start;
    let clear = |t: f64| {
        let p = c.at(t);
        let b = (p.0 - half, p.1 - half, p.0 + half, p.1 + half);
        !obstacles.iter().any(|o| hits(b, *o))
    };
    let t_of = |d: f64| {
        let l = if from_end { len - d } else { d };
        c.t_at_len(l.clamp(0.0, len))
    };
    while d < len * 0.5 {
        if clear(t_of(d)) {
            return t_of(d);
        }
        d += 3.0;
    }
    t_of(start.min(len * 0.5))
}

/// Labels placed one after the other, each where it covers none of the boxes placed before it
/// (node boxes, other labels, marks).
#[derive(Clone, Debug, Default)]
pub struct Placer {
    pub placed: Vec<Rect>,
}

impl Placer {
    pub fn new(obstacles: Vec<Rect>) -> Placer {
        Placer { placed: obstacles }
    }

    pub fn block(&mut self, r: Rect) {
        self.placed.push(r);
    }

    fn cost(&self, r: Rect) -> f64 {
        self.placed.iter().map(|o| overlap(r, *o)).sum()
    }

    /// The first candidate baseline whose text box (`w` wide, `font` units) is clear, else
    /// the one overlapping least; it is then blocked for the labels after it.
    pub fn place(&mut self, candidates: &[(f64, f64)], w: f64, font: f64) -> (f64, f64) {
        let mut best: Option<(f64, (f64, f64))> = None;
        for &(x, y) in candidates {
            let cost = self.cost(text_box(x, y, w, font));
            if best.as_ref().is_none_or(|(b, _)| cost < *b) {
                best = Some((cost, (x, y)));
            }
            if cost == 0.0 {
                break;
            }
        }
        let at = best.map_or((0.0, 0.0), |(_, p)| p);
        self.block(text_box(at.0, at.1, w, font));
        at
    }

    /// The first candidate whose text box is clear, if any (nothing is blocked).
    pub fn clear_spot(&self, candidates: &[(f64, f64)], w: f64, font: f64) -> Option<(f64, f64)> {
        candidates
            .iter()
            .copied()
            .find(|&(x, y)| self.cost(text_box(x, y, w, font)) == 0.0)
    }

    /// A label on a curve: from the middle outwards, just above or below the line, then a
    /// little further off it.
    #[cfg(test)]
    pub fn place_on_curve(&mut self, c: &Curve, w: f64, font: f64) -> (f64, f64) {
        self.place_on_curve_off(c, w, font, &[])
    }

    /// [`Placer::place_on_curve`], at the first spot that is also off `lines` (the boxes of
    /// other flows' lines, see [`line_boxes`]): a label a line runs through reads as that
    /// line's. Where no such spot exists, the spot covering the fewest placed boxes.
    pub fn place_on_curve_off(
        &mut self,
        c: &Curve,
        w: f64,
        font: f64,
        lines: &[Rect],
    ) -> (f64, f64) {
        let ts = [
            0.5, 0.45, 0.55, 0.4, 0.6, 0.35, 0.65, 0.3, 0.7, 0.25, 0.75, 0.2, 0.8, 0.15, 0.85,
        ];
        let dys = [
            -5.0,
            font + 4.0,
            -16.0,
            font + 15.0,
            -27.0,
            font + 26.0,
            -38.0,
            font + 37.0,
        ];
        let mut cands: Vec<(f64, f64)> = Vec::new();
        // Last, beside the line rather than over it.
        for dx in [0.0, -0.6 * w, 0.6 * w, -1.1 * w, 1.1 * w] {
            for dy in dys {
                for t in ts {
                    let q = c.at(t);
                    cands.push((q.0 + dx, q.1 + dy));
                }
            }
        }
        if !lines.is_empty() {
            let off = cands.iter().copied().find(|&(x, y)| {
                let r = text_box(x, y, w, font);
                self.cost(r) == 0.0 && !lines.iter().any(|l| hits(r, *l))
            });
            if let Some(at) = off {
                self.block(text_box(at.0, at.1, w, font));
                return at;
            }
        }
        self.place(&cands, w, font)
    }
}

/// Small boxes along a curve (every ~5 units), for keeping labels off its line.
pub fn line_boxes(c: &Curve) -> Vec<Rect> {
    c.samples()
        .into_iter()
        .map(|p| (p.0 - 2.0, p.1 - 2.0, p.0 + 2.0, p.1 + 2.0))
        .collect()
}

/// The boxes of the region titles ("namespace shop").
pub fn region_titles(sc: &Scene) -> Vec<Rect> {
    sc.layout
        .regions
        .iter()
        .map(|r| {
            let w =
                text_w(&format!("namespace {}", r.name), 12.0).min(text_w(&"x".repeat(40), 12.0));
            (r.x + 10.0, r.y + 8.0, r.x + 18.0 + w, r.y + 28.0)
        })
        .collect()
}

/// The placer of a scene: its nodes' boxes and its region titles are taken.
pub fn scene_placer(sc: &Scene, boxes: &[NodeBox]) -> Placer {
    let mut placer = Placer::new(all_boxes(boxes));
    for r in region_titles(sc) {
        placer.block(r);
    }
    placer
}

/// A Service → backing node line and, once per Service and slot, its `port → targetPort` label.
#[derive(Clone, Debug, PartialEq)]
pub struct FanShape {
    pub p0: (f64, f64),
    pub p1: (f64, f64),
    pub label: Option<(String, (f64, f64))>,
}

/// The fan lines (straight, so that they never run along a curved flow between the same
/// nodes) and their labels, placed beside the line off everything placed before.
pub fn fan_shapes(sc: &Scene, curves: &[Curve], placer: &mut Placer) -> Vec<Option<FanShape>> {
    let mut labelled = std::collections::BTreeSet::new();
    // The labels also keep off the flows' lines where they can (a flow's own label, placed
    // later, sits on its line: these boxes are not kept for it).
    let mut beside = placer.clone();
    for c in curves {
        for r in line_boxes(c) {
            beside.block(r);
        }
    }
    sc.fans
        .iter()
        .map(|fan| {
            let (s, n) = (sc.nodes.get(fan.service)?, sc.nodes.get(fan.node)?);
            let (dx, dy) = (n.x - s.x, n.y - s.y);
            let len = (dx * dx + dy * dy).sqrt().max(1.0);
            let (ux, uy) = (dx / len, dy / len);
            let p0 = (s.x + ux * (s.r + 2.0), s.y + uy * (s.r + 2.0));
            let p1 = (n.x - ux * (n.r + 6.0), n.y - uy * (n.r + 6.0));
            // One label per Service and slot (the replicas of an expanded workload share it).
            let label = labelled.insert((fan.service, n.slot)).then(|| {
                let text = truncate(&fan.label, 30);
                let w = bold_w(&text, 10.0);
                let (nx, ny) = (-uy, ux);
                let reach = nx.abs() * w / 2.0 + ny.abs() * 6.5;
                // Beside the line, then further off (where flows cross the nearer spots).
                let cands: Vec<(f64, f64)> = [8.0, 20.0, 32.0]
                    .into_iter()
                    .flat_map(|dist| [0.5, 0.38, 0.62, 0.26, 0.74].map(move |t| (dist, t)))
                    .flat_map(|(dist, t)| [1.0, -1.0].map(move |side| (dist, t, side)))
                    .map(|(dist, t, side)| {
                        let (x, y) = (p0.0 + (p1.0 - p0.0) * t, p0.1 + (p1.1 - p0.1) * t);
                        let off = side * (dist + reach);
                        (x + nx * off, y + ny * off + 3.5)
                    })
                    .collect();
                let at = match beside.clear_spot(&cands, w, 10.0) {
                    Some(at) => {
                        placer.block(text_box(at.0, at.1, w, 10.0));
                        at
                    }
                    None => placer.place(&cands, w, 10.0),
                };
                beside.block(text_box(at.0, at.1, w, 10.0));
                (text, at)
            });
            Some(FanShape { p0, p1, label })
        })
        .collect()
}

/// Where a flow and its marks are drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct FlowShape {
    pub curve: Curve,
    /// A call to a Service: the Service → backing node legs.
    pub legs2: Vec<Curve>,
    /// The ✕ marks (centres).
    pub crosses: Vec<(f64, f64)>,
    /// The packets' paths: up to the ✕ when blocked.
    pub packets: String,
    pub packets2: Vec<String>,
    /// The ⚠ of a CNI-dependent flow (text baseline).
    pub warn: Option<(f64, f64)>,
    /// The admin-tier badge (centre).
    pub tier_at: Option<(f64, f64)>,
    /// The port label and its baseline (middle anchor).
    pub label: String,
    pub label_at: (f64, f64),
}

/// The flows' curves: shown flows first, each routed clear of the nodes it does not connect
/// and of the region titles, and off the curves routed before it (see [`route`]); beyond 120
/// flows (a large scenario's selected node), the default bends.
pub fn route_flows(
    sc: &Scene,
    boxes: &[NodeBox],
    flows: &[Flow],
    hidden: &[bool],
) -> Vec<Option<Curve>> {
    let is_hidden = |i: usize| hidden.get(i).copied().unwrap_or(false);
    let mut curves: Vec<Option<Curve>> = vec![None; flows.len()];
    let mut taken: Vec<(usize, Curve)> = Vec::new();
    let titles = region_titles(sc);
    let mut order: Vec<usize> = (0..flows.len()).collect();
    order.sort_by_key(|&i| is_hidden(i));
    let frame = (
        -10.0,
        -10.0,
        sc.layout.width + 10.0,
        sc.layout.height + 10.0,
    );
    // The curves routed so far (by flow index), split into those of other node pairs and
    // those between the same two nodes as flow `i`.
    let split = |i: usize, routed: &[(usize, Curve)]| {
        let ends = |k: usize| flows.get(k).map(|f| (f.from.min(f.to), f.from.max(f.to)));
        let (pair, other): (Vec<_>, Vec<_>) = routed
            .iter()
            .filter(|(j, _)| *j != i)
            .partition(|(j, _)| ends(*j) == ends(i));
        let curves = |v: Vec<&(usize, Curve)>| v.into_iter().map(|(_, c)| *c).collect::<Vec<_>>();
        (curves(other), curves(pair))
    };
    let route_one = |i: usize, routed: &[(usize, Curve)]| {
        let fl = flows.get(i)?;
        let (a, b) = (sc.nodes.get(fl.from)?, sc.nodes.get(fl.to)?);
        // Beyond a few dozen flows (a large scenario's selected node): the default bends.
        Some(if flows.len() <= 120 {
            let mut obstacles = obstacles_for(boxes, fl.from, fl.to);
            obstacles.extend(titles.iter().copied());
            let (taken, pair) = split(i, routed);
            route_within(a, b, &obstacles, &taken, &pair, Some(frame))
        } else {
            Curve::new(a, b)
        })
    };
    for &i in &order {
        let Some(c) = route_one(i, &taken) else {
            continue;
        };
        taken.push((i, c));
        if let Some(slot) = curves.get_mut(i) {
            *slot = Some(c);
        }
    }
    // A second pass over the shown flows: each routed again against every other shown curve,
    // so that a flow routed early (before the flows it would cross existed) takes the side
    // with fewer crossings, e.g. a return arc the free side rather than over a third node's
    // flows.
    let shown: Vec<usize> = order.iter().copied().filter(|&i| !is_hidden(i)).collect();
    if shown.len() <= 24 {
        for &i in &shown {
            let others: Vec<(usize, Curve)> = shown
                .iter()
                .filter_map(|&j| Some((j, curves.get(j).copied().flatten()?)))
                .collect();
            if let (Some(c), Some(slot)) = (route_one(i, &others), curves.get_mut(i)) {
                *slot = Some(c);
            }
        }
    }
    curves
}

/// Blocks the arrowheads of the shown flows' curves (and of their legs through a Service), so
/// that the labels placed next (fan labels) keep off them.
pub fn block_arrowheads(
    sc: &Scene,
    curves: &[Option<Curve>],
    flows: &[Flow],
    hidden: &[bool],
    placer: &mut Placer,
) {
    for (i, (fl, c)) in flows.iter().zip(curves).enumerate() {
        let Some(c) = c else { continue };
        if hidden.get(i).copied().unwrap_or(false) {
            continue;
        }
        let mut ends = vec![c.p2];
        if sc
            .nodes
            .get(fl.to)
            .is_some_and(|b| b.kind == SlotKind::Service)
        {
            ends.extend(
                sc.fans
                    .iter()
                    .filter(|fan| fan.service == fl.to && fan.node != fl.from)
                    .filter_map(|fan| {
                        let (s, n) = (sc.nodes.get(fan.service)?, sc.nodes.get(fan.node)?);
                        Some(Curve::straight(s, n).p2)
                    }),
            );
        }
        for p in ends {
            placer.block((p.0 - 8.0, p.1 - 8.0, p.0 + 8.0, p.1 + 8.0));
        }
    }
}

/// Half the size of a ✕ mark.
pub fn stop_half(many: bool) -> f64 {
    if many {
        6.0
    } else {
        9.0
    }
}

/// Places every flow's marks on its curve (from [`route_flows`]): the ✕ marks first, then the
/// ⚠, the tier badges and the port labels, each off everything placed before. Hidden flows (and, with
/// `many`, every flow: labels show on hover only) take no room from the others.
pub fn flow_shapes(
    sc: &Scene,
    curves: &[Option<Curve>],
    flows: &[Flow],
    hidden: &[bool],
    many: bool,
    placer: &mut Placer,
) -> Vec<Option<FlowShape>> {
    let is_hidden = |i: usize| hidden.get(i).copied().unwrap_or(false);
    let half = stop_half(many);
    // The ✕ marks first: they sit at a fixed distance from the side that blocks.
    let mut shape_of = |i: usize, fl: &Flow| -> Option<FlowShape> {
        let b = sc.nodes.get(fl.to)?;
        let c = curves.get(i).copied().flatten()?;
        // A call to a Service is drawn as the two legs it is: client → Service, then
        // Service → each backing node (over the fan line). The ✕ sits on the leg and at
        // the side that blocks: near the client when its egress is denied, near the pods
        // when their ingress is denied; at a fixed distance from that node's edge (further
        // along only where that would cover a label).
        let legs2: Vec<Curve> = if b.kind == SlotKind::Service {
            sc.fans
                .iter()
                .filter(|fan| fan.service == fl.to && fan.node != fl.from)
                .filter_map(|fan| sc.nodes.get(fan.node))
                .map(|n| Curve::straight(b, n))
                .collect()
        } else {
            Vec::new()
        };
        let mut crosses: Vec<(f64, f64)> = Vec::new();
        let mut packets2: Vec<String> = Vec::new();
        let packets = match fl.blocked_at {
            Some(Side::Source) => {
                let t = mark_t(&c, false, 12.0, half, &placer.placed);
                crosses.push(c.at(t));
                c.head(t)
            }
            Some(Side::Destination) if !legs2.is_empty() => {
                for l in &legs2 {
                    let t = mark_t(l, true, 16.0, half, &placer.placed);
                    crosses.push(l.at(t));
                    packets2.push(l.head(t));
                }
                c.d()
            }
            Some(Side::Destination) => {
                let t = mark_t(&c, true, 16.0, half, &placer.placed);
                crosses.push(c.at(t));
                c.head(t)
            }
            None => {
                packets2.extend(legs2.iter().map(Curve::d));
                c.d()
            }
        };
        if !is_hidden(i) {
            for x in &crosses {
                placer.block((x.0 - half, x.1 - half, x.0 + half, x.1 + half));
            }
        }
        Some(FlowShape {
            curve: c,
            legs2,
            crosses,
            packets,
            packets2,
            warn: None,
            tier_at: None,
            label: truncate(&fl.label, 28),
            label_at: c.at(0.5),
        })
    };
    // Calls through a Service first: their ✕ has only the short leg to sit on, a direct flow's
    // the whole curve (placed the other way round, a direct flow's ✕ can push a leg's ✕ to the
    // middle of its leg, where it no longer says which side blocks).
    let mut order: Vec<usize> = (0..flows.len()).collect();
    order.sort_by_key(|&i| {
        let via_service = flows
            .get(i)
            .and_then(|fl| sc.nodes.get(fl.to))
            .is_some_and(|n| n.kind == SlotKind::Service);
        !via_service
    });
    let mut partial: Vec<Option<FlowShape>> = (0..flows.len()).map(|_| None).collect();
    for i in order {
        if let (Some(fl), Some(slot)) = (flows.get(i), partial.get_mut(i)) {
            *slot = shape_of(i, fl);
        }
    }
    // The lines of the shown flows (and their legs through a Service), for keeping each port
    // label off the others' lines (with `many`, labels show on hover only: not needed).
    let lines: Vec<Vec<Rect>> = partial
        .iter()
        .enumerate()
        .map(|(i, shape)| match shape {
            Some(s) if !is_hidden(i) && !many => std::iter::once(&s.curve)
                .chain(&s.legs2)
                .flat_map(line_boxes)
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    for (i, (fl, shape)) in flows.iter().zip(partial.iter_mut()).enumerate() {
        let Some(shape) = shape else { continue };
        let keep = !is_hidden(i) && !many;
        let c = shape.curve;
        let along = |ts: &[f64], dy: f64| -> Vec<(f64, f64)> {
            ts.iter()
                .map(|&t| {
                    let q = c.at(t);
                    (q.0, q.1 + dy)
                })
                .collect()
        };
        let spot = |placer: &mut Placer, cands: &[(f64, f64)], w: f64, font: f64| {
            let at = placer.place(cands, w, font);
            if !keep {
                placer.placed.pop();
            }
            at
        };
        // The ⚠ of CNI-dependent flows: near the middle, just below the line.
        if fl.cni {
            let ts = [0.5, 0.42, 0.58, 0.34, 0.66, 0.27, 0.73];
            shape.warn = Some(spot(placer, &along(&ts, 14.0), 14.0, 13.0));
        }
        // The admin-tier badge: along the curve.
        if fl.tier.is_some() {
            let ts = [0.3, 0.7, 0.22, 0.78, 0.38, 0.62];
            let at = spot(placer, &along(&ts, 4.0), 16.0, 11.0);
            shape.tier_at = Some((at.0, at.1 - 4.0));
        }
        // The port label: from the middle outwards, just above or below the line, then
        // further off it.
        let w = label_w(&shape.label);
        let others: Vec<Rect> = if keep {
            lines
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .flat_map(|(_, l)| l.iter().copied())
                .collect()
        } else {
            Vec::new()
        };
        shape.label_at = placer.place_on_curve_off(&c, w, 10.5, &others);
        if !keep {
            placer.placed.pop();
        }
    }
    partial
}

/// The width kept for a flow's port label.
pub fn label_w(label: &str) -> f64 {
    bold_w(label, 10.5) + 4.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::NodeId;
    use engine::Target;

    fn node(x: f64, y: f64, r: f64) -> Node {
        Node {
            id: NodeId::Outside(format!("n{x}-{y}")),
            slot: 0,
            kind: SlotKind::Pod,
            target: Target::Pod(0),
            pods: Vec::new(),
            outside: None,
            x,
            y,
            r,
        }
    }

    #[test]
    fn a_clear_flow_keeps_its_default_bend() {
        let (a, b) = (node(0.0, 0.0, 15.0), node(200.0, 0.0, 15.0));
        let far = [(80.0, 200.0, 120.0, 240.0)];
        assert_eq!(route(&a, &b, &far, &[]), Curve::new(&a, &b));
    }

    #[test]
    fn a_flow_goes_around_a_node_in_its_way() {
        // Three nodes in a row: the flow from the first to the third must not cross the middle
        // one's circle or its name below it.
        let (a, b) = (node(0.0, 0.0, 15.0), node(340.0, 0.0, 15.0));
        let middle = [(150.0, -19.0, 190.0, 19.0), (140.0, 17.0, 200.0, 33.0)];
        let straightish = Curve::new(&a, &b);
        assert!(
            intrusion(&straightish, &middle, 3.0) > 0,
            "the default crosses"
        );
        let c = route(&a, &b, &middle, &[]);
        assert_eq!(intrusion(&c, &middle, 3.0), 0, "{c:?}");
    }

    #[test]
    fn routing_avoids_boxes_on_both_sides_when_one_side_is_blocked() {
        // A node on the straight line and another where the right-hand bend would go.
        let (a, b) = (node(0.0, 0.0, 15.0), node(300.0, 0.0, 15.0));
        let obstacles = [(130.0, -20.0, 170.0, 20.0), (100.0, 20.0, 200.0, 140.0)];
        let c = route(&a, &b, &obstacles, &[]);
        assert_eq!(intrusion(&c, &obstacles, 3.0), 0, "{c:?}");
        assert!(c.c.1 < 0.0, "around the top: {c:?}");
    }

    #[test]
    fn the_reverse_of_a_routed_flow_takes_another_path() {
        let (a, b) = (node(0.0, 0.0, 15.0), node(300.0, 0.0, 15.0));
        // The space below is blocked, so both directions must go above: not on the same curve.
        let below = [(60.0, 8.0, 240.0, 200.0)];
        let first = route(&a, &b, &below, &[]);
        let second = route(&b, &a, &below, &[first]);
        assert_eq!(intrusion(&first, &below, 3.0), 0);
        assert_eq!(intrusion(&second, &below, 3.0), 0);
        let (m1, m2) = (first.at(0.5), second.at(0.5));
        assert!((m1.0 - m2.0).hypot(m1.1 - m2.1) >= 14.0, "{m1:?} {m2:?}");
    }

    #[test]
    fn labels_placed_on_crossing_curves_never_overlap() {
        // Six curves through one point: their labels all want the middle.
        let centre = node(0.0, 0.0, 0.0);
        let mut placer = Placer::new(vec![(-20.0, -20.0, 20.0, 20.0)]);
        let mut boxes: Vec<Rect> = Vec::new();
        for k in 0..6 {
            let ang = k as f64 * std::f64::consts::PI / 6.0;
            let a = node(-150.0 * ang.cos(), -150.0 * ang.sin(), 15.0);
            let b = node(150.0 * ang.cos(), 150.0 * ang.sin(), 15.0);
            let c = Curve::new(&a, &b);
            let w = bold_w("8080/TCP", 10.5);
            let at = placer.place_on_curve(&c, w, 10.5);
            boxes.push(text_box(at.0, at.1, w, 10.5));
        }
        let _ = centre;
        for (i, x) in boxes.iter().enumerate() {
            assert!(
                !hits(*x, (-20.0, -20.0, 20.0, 20.0)),
                "label {i} on the node"
            );
            for (j, y) in boxes.iter().enumerate().skip(i + 1) {
                assert!(!hits(*x, *y), "labels {i} and {j} overlap: {x:?} {y:?}");
            }
        }
    }

    #[test]
    fn an_arrow_from_below_ends_below_the_caption() {
        // A workload above its caller: the arrowhead must not end in "name / Deployment".
        let mut w = node(0.0, 0.0, 20.0);
        w.kind = SlotKind::Workload;
        let (_, caption) = label_ys(SlotKind::Workload, 20.0);
        let c = Curve::bent(&node(10.0, 200.0, 15.0), &w, 0.0);
        assert!(c.p2.1 > caption + 3.0, "{c:?}");
        // From the side, it ends at the card.
        let side = Curve::bent(&node(-200.0, 0.0, 15.0), &w, 0.0);
        assert!((side.p2.0 + 26.0).abs() < 1e-6, "{side:?}");
    }

    #[test]
    fn crossing_the_reverse_of_the_pair_is_preferred_to_crossing_a_third_flow() {
        // Blocked straight on; a third node's flow runs down from below, the reverse of this
        // pair's flow up from above: every path crosses one of them.
        let (a, b) = (node(0.0, 0.0, 15.0), node(300.0, 0.0, 15.0));
        let middle = [(140.0, -10.0, 160.0, 10.0)];
        let line = |y0: f64, y1: f64| Curve {
            p0: (150.0, y0),
            c: (150.0, (y0 + y1) / 2.0),
            p2: (150.0, y1),
        };
        let third = line(12.0, 400.0);
        let reverse = line(-12.0, -400.0);
        let c = route_within(&a, &b, &middle, &[third], &[reverse], None);
        assert_eq!(intrusion(&c, &middle, 3.0), 0, "{c:?}");
        assert!(
            c.c.1 < 0.0,
            "over the top, across its own pair's line: {c:?}"
        );
    }

    #[test]
    fn a_flow_does_not_run_along_the_straight_reverse_of_its_pair() {
        // The reverse runs straight; above is blocked, below two third flows cross every arc.
        // A straight candidate skewed along the chord has its middle elsewhere but lies on the
        // reverse: crossing the third flows reads better than two arrows on one line.
        let (a, b) = (node(0.0, 0.0, 15.0), node(300.0, 0.0, 15.0));
        let above = [(60.0, -200.0, 240.0, -6.0)];
        let down = |x: f64| Curve {
            p0: (x, 6.0),
            c: (x, 200.0),
            p2: (x, 400.0),
        };
        let reverse = Curve::straight(&b, &a);
        let c = route_within(
            &a,
            &b,
            &above,
            &[down(100.0), down(200.0)],
            &[reverse],
            None,
        );
        assert_eq!(intrusion(&c, &above, 3.0), 0, "{c:?}");
        assert!(c.c.1 > 10.0, "bent below, off the reverse: {c:?}");
    }

    #[test]
    fn a_port_label_keeps_off_another_flows_line() {
        // Two flows crossing at their middles: the label of the first sits off the second.
        let (a, b) = (node(0.0, 0.0, 15.0), node(300.0, 0.0, 15.0));
        let (p, q) = (node(150.0, -150.0, 15.0), node(150.0, 150.0, 15.0));
        let (first, second) = (Curve::straight(&a, &b), Curve::straight(&p, &q));
        let w = label_w("80/TCP");
        let mut placer = Placer::new(Vec::new());
        let at = placer.place_on_curve_off(&first, w, 10.5, &line_boxes(&second));
        let r = text_box(at.0, at.1, w, 10.5);
        assert!(
            !line_boxes(&second).iter().any(|l| hits(r, *l)),
            "{at:?} is on the other line"
        );
        // Still beside its own line.
        assert!(at.1.abs() < 20.0 && at.0 > 20.0 && at.0 < 280.0, "{at:?}");
        // With nothing else on the curve, the middle as before.
        let mut free = Placer::new(Vec::new());
        let mid = free.place_on_curve(&first, w, 10.5);
        assert!(hits(
            text_box(mid.0, mid.1, w, 10.5),
            (148.0, -20.0, 152.0, 20.0)
        ));
    }

    #[test]
    fn polylines_that_cross_count_once() {
        let a = [(0.0, 0.0), (10.0, 10.0)];
        let b = [(0.0, 10.0), (10.0, 0.0)];
        let c = [(20.0, 0.0), (30.0, 10.0)];
        assert_eq!(crossings(&a, &b), 1);
        assert_eq!(crossings(&a, &c), 0);
    }

    #[test]
    fn a_mark_moves_off_a_label() {
        let (a, b) = (node(0.0, 0.0, 15.0), node(200.0, 0.0, 15.0));
        let c = Curve::straight(&a, &b);
        let label = (15.0, -12.0, 45.0, 12.0);
        let t = mark_t(&c, false, 12.0, 9.0, &[label]);
        let p = c.at(t);
        assert!(
            !hits((p.0 - 9.0, p.1 - 9.0, p.0 + 9.0, p.1 + 9.0), label),
            "{p:?}"
        );
    }
}
