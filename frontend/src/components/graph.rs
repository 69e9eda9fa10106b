//! The traffic graph (SVG): namespaces as regions, nodes, Service fan-out, and flows whose
//! packets move by CSS animation (no script runs per frame). Zoom (wheel, buttons) and pan
//! (drag) change the viewBox only; positions come from `layout` and never from verdicts.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use yew::prelude::*;

use crate::aggregate::Aggregate;
use crate::decision::Gate;
use crate::flows::{Flow, FlowVerdict, Side};
use crate::geometry::{
    block_arrowheads, f, fan_shapes, flow_shapes, hits, label_ys, node_boxes, route_flows,
    scene_placer, text_w, truncate, Curve, FlowShape, Rect,
};
use crate::ids::{NodeId, PolicyKey};
use crate::scene::{Node, Scene, SlotKind};
use crate::state::Selection;

const GRAPH_CSS: &str = include_str!("../../../static/graph.css");
const MARGIN: f64 = 16.0;
/// Fitting never magnifies more than this (a 3-node demo would otherwise fill the screen).
pub const MAX_FIT_SCALE: f64 = 1.3;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub scene: Option<Rc<Scene>>,
    pub flows: Rc<(Vec<Flow>, bool)>,
    pub selection: Selection,
    pub focus_node: Option<NodeId>,
    pub policy_nodes: Rc<BTreeSet<NodeId>>,
    pub selected_policy: Option<PolicyKey>,
    pub changes: Rc<BTreeMap<(NodeId, NodeId), FlowVerdict>>,
    pub dimmed: bool,
    pub pending: bool,
    pub hint: Option<String>,
    /// Draw the flows hidden by default (`Flow::noise`).
    pub show_all_flows: bool,
    /// Flows summed per namespace pair (large scenarios, nothing selected).
    pub aggregate: Rc<Vec<Aggregate>>,
    /// The traced flow's gates (egress of the source, ingress of the destination): only the
    /// selected flow's route is drawn, with these labels.
    pub gates: Option<(Gate, Gate)>,
    pub on_select: Callback<Selection>,
    pub on_clear: Callback<()>,
    pub on_toggle_expand: Callback<NodeId>,
    /// The usable pane's aspect ratio (width / height), whenever it is measured.
    pub on_aspect: Callback<f64>,
    /// How far "Fit" may magnify a small scene (the presenter view draws larger for a room).
    #[prop_or(MAX_FIT_SCALE)]
    pub max_fit_scale: f64,
}

/// Pixels kept free at the top (hints, notes) and bottom (legend, zoom) of the fitted graph.
pub const TOP_BAND: f64 = 44.0;
pub const BOTTOM_BAND: f64 = 40.0;

/// The aspect ratio the layout should aim at for a pane of `w × h` pixels.
pub fn usable_aspect(w: f64, h: f64) -> f64 {
    let h = (h - TOP_BAND - BOTTOM_BAND).max(50.0);
    // Quantised, so that a pixel of resizing does not rebuild the scene.
    ((w.max(50.0) / h) * 10.0).round() / 10.0
}

/// The expand/collapse action of a workload (badge or frame): for the keyboard, and for a click
/// that must not also select the node underneath.
fn expand_callbacks(
    on_toggle: &Callback<NodeId>,
    key: &NodeId,
) -> (Callback<()>, Callback<MouseEvent>) {
    let toggle = {
        let cb = on_toggle.clone();
        let key = key.clone();
        Callback::from(move |_: ()| cb.emit(key.clone()))
    };
    let click = {
        let t = toggle.clone();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            t.emit(())
        })
    };
    (toggle, click)
}

fn keyboard_activate(cb: Callback<()>) -> Callback<KeyboardEvent> {
    Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" || e.key() == " " {
            e.prevent_default();
            cb.emit(());
        }
    })
}

#[derive(Clone, Copy, Default)]
struct Drag {
    down: bool,
    moved: bool,
    x: f64,
    y: f64,
    view: (f64, f64, f64, f64),
}

/// A mark the legend explains (only the marks drawn are listed).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Mark {
    Allowed,
    Partial,
    Blocked,
    Stop,
    Cni,
    /// An admin tier decided the flow.
    Tier,
    Aggregate,
    Fan,
    Replicas,
    Pod,
    Workload,
    Service,
    Outside,
}

impl Mark {
    fn text(self) -> &'static str {
        match self {
            Mark::Allowed => "allowed",
            Mark::Partial => "partial: some ports only",
            Mark::Blocked => "blocked",
            Mark::Stop => "where the traffic stops (the side that blocks)",
            Mark::Cni => "depends on the CNI plugin (hover the flow)",
            Mark::Tier => "decided by an admin tier (A: Admin, B: Baseline)",
            Mark::Aggregate => {
                "node pairs between namespaces: ✓ allowed ✕ blocked ◐ partial (click to draw)"
            }
            Mark::Fan => "Service to its pods: port → targetPort",
            Mark::Replicas => "replicas (click to show each pod)",
            Mark::Pod => "Pod",
            Mark::Workload => "workload (Deployment, …)",
            Mark::Service => "Service",
            Mark::Outside => "outside the cluster (IP range)",
        }
    }

    /// The swatch, drawn in a 26 × 16 box (same classes as the graph, so same colours).
    fn swatch(self) -> Html {
        match self {
            Mark::Allowed | Mark::Partial | Mark::Blocked => {
                let v = match self {
                    Mark::Allowed => "allowed",
                    Mark::Partial => "partial",
                    _ => "blocked",
                };
                html! { <g class={classes!("flow", v)}><path class="line" d="M1 8 L25 8" /></g> }
            }
            Mark::Stop => html! {
                <g class="flow blocked"><g class="stop" transform="translate(13 8)"><circle r="7" /><path d="M-3.5 -3.5 L3.5 3.5 M3.5 -3.5 L-3.5 3.5" /></g></g>
            },
            Mark::Cni => {
                html! { <g class="flow"><text class="cni-mark" x="13" y="13" text-anchor="middle">{"⚠"}</text></g> }
            }
            Mark::Tier => html! {
                <g class="tier-mark"><rect x="5" y="1" width="16" height="14" rx="3" /><text x="13" y="12" text-anchor="middle">{"A"}</text></g>
            },
            Mark::Fan => html! { <g class="fan"><path d="M1 8 L25 8" /></g> },
            Mark::Aggregate => {
                html! { <g class="aggregate partial"><path class="line" d="M1 8 L25 8" /></g> }
            }
            Mark::Replicas => html! {
                <g class="badge"><rect x="1" y="1" width="24" height="14" rx="7" /><text x="13" y="12" text-anchor="middle" style="font-size:9px">{"×N"}</text></g>
            },
            Mark::Pod => {
                html! { <g class="node pod"><circle class="shape" cx="13" cy="8" r="7" /></g> }
            }
            Mark::Workload => {
                html! { <g class="node workload"><rect class="shape back" x="7" y="1" width="16" height="11" rx="3" /><rect class="shape" x="3" y="4" width="16" height="11" rx="3" /></g> }
            }
            Mark::Service => {
                html! { <g class="node service"><polygon class="shape" points="20,8 16.5,14.1 9.5,14.1 6,8 9.5,1.9 16.5,1.9" /></g> }
            }
            Mark::Outside => {
                html! { <g class="node outside"><rect class="shape" x="2" y="3" width="22" height="10" rx="5" /></g> }
            }
        }
    }
}

/// The marks drawn for these flows and this scene.
fn marks_drawn(sc: &Scene, flows: &[&Flow]) -> Vec<Mark> {
    let mut m = BTreeSet::new();
    for fl in flows {
        m.insert(match fl.verdict {
            FlowVerdict::Allowed => Mark::Allowed,
            FlowVerdict::Partial => Mark::Partial,
            FlowVerdict::Blocked => Mark::Blocked,
        });
        if fl.blocked_at.is_some() {
            m.insert(Mark::Stop);
        }
        if fl.cni {
            m.insert(Mark::Cni);
        }
        if fl.tier.is_some() {
            m.insert(Mark::Tier);
        }
    }
    if !sc.fans.is_empty() {
        m.insert(Mark::Fan);
    }
    for n in &sc.nodes {
        let expanded = sc.slots.get(n.slot).is_some_and(|s| s.expanded);
        m.insert(match n.kind {
            SlotKind::Pod => Mark::Pod,
            SlotKind::Workload => Mark::Workload,
            SlotKind::Service => Mark::Service,
            SlotKind::Outside => Mark::Outside,
        });
        if n.kind == SlotKind::Workload && !expanded {
            m.insert(Mark::Replicas);
        }
    }
    m.into_iter().collect()
}

/// The legend inside the SVG, for exports (hidden on the page, where the HTML legend shows):
/// one row per mark below the layout, starting at `y`.
fn export_legend(marks: &[Mark], x: f64, y: f64) -> Html {
    html! {
        <g class="export-legend" transform={format!("translate({} {})", f(x), f(y))}>
            { for marks.iter().enumerate().map(|(i, m)| {
                let (col, row) = ((i % 3) as f64, (i / 3) as f64);
                html! {
                    <g transform={format!("translate({} {})", f(col * 260.0), f(row * 22.0))}>
                        <svg width="26" height="16" viewBox="0 0 26 16">{m.swatch()}</svg>
                        <text class="legend-text" x="32" y="12">{m.text()}</text>
                    </g>
                }
            }) }
        </g>
    }
}

/// A gate's label on a traced flow, beside the node it belongs to (above, below, left or
/// right: the first place that covers no node or label); the full sentence is its tooltip.
fn gate_label(dir: &'static str, g: &Gate, node: &Node, obstacles: &[Rect]) -> Html {
    let label = format!("{dir} {}", truncate(&g.short, 30));
    let w = text_w(&label, 11.0) + 12.0;
    let (h, r) = (20.0, node.r);
    let candidates = [
        (node.x - w / 2.0, node.y - r - h - 10.0),
        (node.x - w / 2.0, node.y + r + 34.0),
        (node.x - r - w - 8.0, node.y - h / 2.0),
        (node.x + r + 24.0, node.y - h / 2.0),
    ];
    let (x, y) = candidates
        .into_iter()
        .find(|&(x, y)| !obstacles.iter().any(|o| hits((x, y, x + w, y + h), *o)))
        .unwrap_or((node.x - w / 2.0, node.y - r - h - 10.0));
    html! {
        <g class={classes!("gate", if g.allowed { "allowed" } else { "blocked" })} data-gate={dir} data-allowed={g.allowed.to_string()}>
            <title>{format!("{dir}: {}", g.text)}</title>
            <rect x={f(x)} y={f(y)} width={f(w)} height={f(h)} rx="6" />
            <text x={f(x + w / 2.0)} y={f(y + 14.0)} text-anchor="middle">{label}</text>
        </g>
    }
}

/// Height the export legend needs.
pub fn export_legend_height(n: usize) -> f64 {
    n.div_ceil(3) as f64 * 22.0 + 16.0
}

#[function_component(Graph)]
pub fn graph(p: &Props) -> Html {
    let svg_ref = use_node_ref();
    // The viewBox chosen by the user (None: fit the whole layout).
    let view = use_state(|| None::<(f64, f64, f64, f64)>);
    let drag = use_mut_ref(Drag::default);

    // The svg's size in pixels (for the fit), kept up to date on window resizes.
    let size = use_state(|| (0.0f64, 0.0f64));
    {
        let size = size.clone();
        let svg_ref = svg_ref.clone();
        let on_aspect = p.on_aspect.clone();
        // Measured again once a scene is drawn: before that the svg (a placeholder) has no ref,
        // and the fit would keep no room for the legend until the window is resized.
        use_effect_with(p.scene.is_some(), move |_| {
            let measure = {
                let size = size.clone();
                let svg_ref = svg_ref.clone();
                move || {
                    if let Some(el) = svg_ref.cast::<web_sys::Element>() {
                        let r = el.get_bounding_client_rect();
                        if r.width() > 0.0 && r.height() > 0.0 {
                            on_aspect.emit(usable_aspect(r.width(), r.height()));
                        }
                        size.set((r.width(), r.height()));
                    }
                }
            };
            measure();
            let cb = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(measure);
            let win = crate::web::window();
            if let Some(w) = &win {
                let _ = w.add_event_listener_with_callback(
                    "resize",
                    wasm_bindgen::JsCast::unchecked_ref(cb.as_ref()),
                );
            }
            move || {
                if let Some(w) = win {
                    let _ = w.remove_event_listener_with_callback(
                        "resize",
                        wasm_bindgen::JsCast::unchecked_ref(cb.as_ref()),
                    );
                }
                drop(cb);
            }
        });
    }
    // The legend's height (it grows with the marks drawn): the fit keeps the graph above it.
    let legend_ref = use_node_ref();
    let bottom_band = use_state_eq(|| BOTTOM_BAND);
    {
        let legend_ref = legend_ref.clone();
        let bottom_band = bottom_band.clone();
        use_effect(move || {
            if let Some(el) = legend_ref.cast::<web_sys::Element>() {
                let h = el.get_bounding_client_rect().height();
                bottom_band.set((h + 16.0).max(BOTTOM_BAND).round());
            }
        });
    }
    let on_legend_toggle = {
        let legend_ref = legend_ref.clone();
        let bottom_band = bottom_band.clone();
        Callback::from(move |_: Event| {
            if let Some(el) = legend_ref.cast::<web_sys::Element>() {
                bottom_band.set(
                    (el.get_bounding_client_rect().height() + 16.0)
                        .max(BOTTOM_BAND)
                        .round(),
                );
            }
        })
    };
    let Some(sc) = p.scene.clone() else {
        return html! {
            <div class="graph-wrap">
                <svg id="graph" data-state={if p.pending { "stale" } else { "ready" }} role="img" aria-label="traffic graph (empty)" viewBox="0 0 400 200">
                    <style>{GRAPH_CSS}</style>
                </svg>
                if let Some(h) = &p.hint { <div id="graph-hint" class="hint">{h}</div> }
            </div>
        };
    };
    let full = (
        -MARGIN,
        -MARGIN,
        sc.layout.width.max(200.0) + 2.0 * MARGIN,
        sc.layout.height.max(120.0) + 2.0 * MARGIN,
    );
    // "Fit": the whole layout between the top and bottom bands (kept for the overlays), but
    // not magnified beyond MAX_FIT_SCALE.
    let fit = {
        let (pw, ph) = *size;
        let inner_h = ph - TOP_BAND - *bottom_band;
        if pw > 0.0 && inner_h > 40.0 {
            let scale = (pw / full.2).min(inner_h / full.3).min(p.max_fit_scale);
            let (w, h) = (pw / scale, ph / scale);
            (
                full.0 + (full.2 - w) / 2.0,
                full.1 - TOP_BAND / scale - (inner_h / scale - full.3) / 2.0,
                w,
                h,
            )
        } else {
            full
        }
    };
    let vb = (*view).unwrap_or(fit);

    // Zoom around a point given as fractions of the visible area.
    let zoom = {
        let view = view.clone();
        move |factor: f64, fx: f64, fy: f64| {
            let (x, y, w, h) = (*view).unwrap_or(fit);
            let nw = (w * factor).clamp(full.2 * 0.05, full.2 * 4.0);
            let nh = nw * h / w.max(1.0);
            view.set(Some((x + (w - nw) * fx, y + (h - nh) * fy, nw, nh)));
        }
    };
    let onwheel = {
        let zoom = zoom.clone();
        let svg_ref = svg_ref.clone();
        Callback::from(move |e: WheelEvent| {
            e.prevent_default();
            let Some(el) = svg_ref.cast::<web_sys::Element>() else {
                return;
            };
            let r = el.get_bounding_client_rect();
            let fx = ((e.client_x() as f64 - r.left()) / r.width().max(1.0)).clamp(0.0, 1.0);
            let fy = ((e.client_y() as f64 - r.top()) / r.height().max(1.0)).clamp(0.0, 1.0);
            zoom(if e.delta_y() > 0.0 { 1.15 } else { 1.0 / 1.15 }, fx, fy);
        })
    };
    let onpointerdown = {
        let drag = drag.clone();
        Callback::from(move |e: PointerEvent| {
            if e.button() != 0 {
                return;
            }
            *drag.borrow_mut() = Drag {
                down: true,
                moved: false,
                x: e.client_x() as f64,
                y: e.client_y() as f64,
                view: vb,
            };
        })
    };
    let onpointermove = {
        let drag = drag.clone();
        let view = view.clone();
        let svg_ref = svg_ref.clone();
        Callback::from(move |e: PointerEvent| {
            let mut d = drag.borrow_mut();
            if !d.down {
                return;
            }
            let (dx, dy) = (e.client_x() as f64 - d.x, e.client_y() as f64 - d.y);
            if !d.moved && dx.abs() + dy.abs() < 5.0 {
                return;
            }
            d.moved = true;
            let Some(el) = svg_ref.cast::<web_sys::Element>() else {
                return;
            };
            let r = el.get_bounding_client_rect();
            // Units per pixel under preserveAspectRatio="xMidYMid meet".
            let k = (d.view.2 / r.width().max(1.0)).max(d.view.3 / r.height().max(1.0));
            view.set(Some((
                d.view.0 - dx * k,
                d.view.1 - dy * k,
                d.view.2,
                d.view.3,
            )));
        })
    };
    let onpointerup = {
        let drag = drag.clone();
        Callback::from(move |_: PointerEvent| {
            drag.borrow_mut().down = false;
        })
    };
    let on_bg_click = {
        let drag = drag.clone();
        let on_clear = p.on_clear.clone();
        Callback::from(move |_: MouseEvent| {
            if !drag.borrow().moved {
                on_clear.emit(());
            }
        })
    };

    let selected_node = match &p.selection {
        Selection::Node(id) => Some(id.clone()),
        _ => p.focus_node.clone(),
    };
    let selected_flow = match &p.selection {
        Selection::Flow { from, to } => Some((from.clone(), to.clone())),
        _ => None,
    };
    let focus_nodes: BTreeSet<usize> = selected_node
        .as_ref()
        .map(|id| sc.nodes_of(id).into_iter().collect())
        .unwrap_or_default();

    // Regions.
    let regions = sc.layout.regions.iter().map(|r| {
        html! {
            <g class={classes!("region", r.outside.then_some("outside"))} data-namespace={(!r.outside).then(|| r.name.clone())} onclick={on_bg_click.clone()}>
                <title>{if r.outside { "outside the cluster".to_string() } else { format!("namespace {}", r.name) }}</title>
                <rect x={f(r.x)} y={f(r.y)} width={f(r.w)} height={f(r.h)} rx="14" />
            </g>
        }
    });
    // Region titles are drawn above the flows (with a halo), so a flow never hides them.
    let region_labels = sc.layout.regions.iter().map(|r| {
        let label = if r.outside { "outside the cluster".to_string() } else { format!("namespace {}", r.name) };
        html! {
            <text class={classes!("region-label", r.outside.then_some("outside"))} data-namespace={(!r.outside).then(|| r.name.clone())} x={f(r.x + 14.0)} y={f(r.y + 22.0)}>{truncate(&label, 40)}</text>
        }
    });

    // Expanded workload frames.
    let frames = sc.slots.iter().filter(|s| s.expanded).map(|s| {
        let key = s.key.clone();
        let (toggle, click) = expand_callbacks(&p.on_toggle_expand, &key);
        let (w, h) = (116.0, 64.0);
        html! {
            <g class="workload-frame" data-workload={key.clone()}>
                <rect x={f(s.x - w / 2.0)} y={f(s.y - h / 2.0 - 6.0)} width={f(w)} height={f(h)} rx="12" />
                <text class="node-label" x={f(s.x)} y={f(s.y + h / 2.0 + 8.0)} text-anchor="middle">{truncate(&s.name, 19)}</text>
                <text class="node-kind" x={f(s.x)} y={f(s.y + h / 2.0 + 19.0)} text-anchor="middle">
                    {format!("{} ×{}{}", s.detail, s.replicas, if s.replicas > crate::scene::MAX_REPLICAS_SHOWN { format!(" (first {})", crate::scene::MAX_REPLICAS_SHOWN) } else { String::new() })}
                </text>
                <g class="badge" data-expand={key.clone()} role="button" tabindex="0" aria-label={format!("collapse {key}")}
                    transform={format!("translate({} {})", f(s.x + w / 2.0 - 14.0), f(s.y - h / 2.0 + 8.0))}
                    onclick={click} onkeydown={keyboard_activate(toggle)}>
                    <title>{"collapse"}</title>
                    <rect x="-12" y="-10" width="24" height="20" rx="6" />
                    <text text-anchor="middle" y="4">{"−"}</text>
                </g>
            </g>
        }
    });

    // Labels go where they cover no node text and no other label (`geometry::Placer`): the
    // nodes' boxes and the region titles first, then fan labels, aggregates, flow marks and
    // flow labels, each blocking its box for the next.
    let boxes = node_boxes(&sc);
    let mut placer = scene_placer(&sc, &boxes);
    let many = p.flows.0.len() > 24;
    let tracing = p.gates.is_some();
    let hidden: Vec<bool> = p
        .flows
        .0
        .iter()
        .map(|fl| {
            let selected = match (sc.nodes.get(fl.from), sc.nodes.get(fl.to)) {
                (Some(a), Some(b)) => selected_flow
                    .as_ref()
                    .is_some_and(|(x, y)| *x == a.id && *y == b.id),
                _ => false,
            };
            fl.noise.is_some() && !p.show_all_flows && !(tracing && selected)
        })
        .collect();
    let curves = route_flows(&sc, &boxes, &p.flows.0, &hidden);
    block_arrowheads(&sc, &curves, &p.flows.0, &hidden, &mut placer);

    // Service fan-out: each line (drawn under the flows) and its label (above them).
    let shown_curves: Vec<Curve> = curves
        .iter()
        .zip(&hidden)
        .filter(|(_, h)| !**h)
        .filter_map(|(c, _)| *c)
        .collect();
    let fan_parts: Vec<(Html, Option<Html>)> = sc.fans.iter().zip(fan_shapes(&sc, &shown_curves, &mut placer)).filter_map(|(fan, shape)| {
        let (s, n, shape) = (sc.nodes.get(fan.service)?, sc.nodes.get(fan.node)?, shape?);
        let d = format!("M{} {} L{} {}", f(shape.p0.0), f(shape.p0.1), f(shape.p1.0), f(shape.p1.1));
        let dim = !focus_nodes.is_empty() && !focus_nodes.contains(&fan.service) && !focus_nodes.contains(&fan.node);
        let line = html! {
            <g class={classes!("fan", dim.then_some("dim"))} data-service={s.id.clone()} data-fan-to={n.id.clone()}>
                <path d={d} marker-end="url(#arrow-fan)" />
            </g>
        };
        let label = shape.label.map(|(text, at)| html! {
            <g class={classes!("fan-text", dim.then_some("dim"))} data-service={s.id.clone()} data-fan-to={n.id.clone()}>
                <text class="fan-label" x={f(at.0)} y={f(at.1)} text-anchor="middle">{text}</text>
            </g>
        });
        Some((line, label))
    }).collect();
    let fans = fan_parts.iter().map(|(line, _)| line.clone());
    let fan_labels = fan_parts.iter().filter_map(|(_, label)| label.clone());

    let shown: Vec<&Flow> = p
        .flows
        .0
        .iter()
        .filter(|fl| fl.noise.is_none() || p.show_all_flows)
        .collect();
    let mut marks = marks_drawn(&sc, &shown);
    if !p.aggregate.is_empty() {
        marks.insert(0, Mark::Aggregate);
    }
    // Namespace aggregates: an arrow between two regions (or a note inside one) with the
    // counts of node pairs allowed, blocked and partial; a click draws those flows.
    let region_of = |ns: &str| {
        sc.layout
            .regions
            .iter()
            .find(|r| !r.outside && r.name == ns)
    };
    let mut placed: Vec<Rect> = std::mem::take(&mut placer.placed);
    // In-namespace notes first: they have a fixed place (the region's top right corner).
    let mut ordered: Vec<&Aggregate> = p.aggregate.iter().collect();
    ordered.sort_by_key(|ag| ag.from != ag.to);
    let aggregates = ordered.into_iter().filter_map(|ag| {
        let (ra, rb) = (region_of(&ag.from)?, region_of(&ag.to)?);
        let counts = [("✓", ag.allowed), ("✕", ag.blocked), ("◐", ag.partial)]
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(s, n)| format!("{s}{n}"))
            .collect::<Vec<_>>()
            .join(" ");
        // Bold text and symbols: wider than the 0.6 em average of `text_w`.
        let half_w = text_w(&counts, 18.0) / 2.0 + 4.0;
        let desc = format!("namespace {} → namespace {}: {} node pairs allowed, {} blocked, {} partial; click to draw them", ag.from, ag.to, ag.allowed, ag.blocked, ag.partial);
        let select = {
            let cb = p.on_select.clone();
            let (from, to) = (ag.from.clone(), ag.to.clone());
            Callback::from(move |_: ()| cb.emit(Selection::Namespaces { from: from.clone(), to: to.clone() }))
        };
        let click = {
            let s = select.clone();
            Callback::from(move |e: MouseEvent| {
                e.stop_propagation();
                s.emit(())
            })
        };
        let v = if ag.allowed > 0 && ag.blocked == 0 && ag.partial == 0 {
            "allowed"
        } else if ag.allowed == 0 && ag.partial == 0 {
            "blocked"
        } else {
            "partial"
        };
        let (shape, at) = if ag.from == ag.to {
            let at = (ra.x + ra.w - half_w - 10.0, ra.y + 22.0);
            placed.push((at.0 - half_w, at.1 - 17.0, at.0 + half_w, at.1 + 7.0));
            (html! {}, at)
        } else {
            let node = |r: &crate::layout::Region| Node {
                id: NodeId::Outside(String::new()),
                slot: 0,
                kind: SlotKind::Outside,
                target: engine::Target::Pod(0),
                pods: Vec::new(),
                outside: None,
                x: r.x + r.w / 2.0,
                y: r.y + r.h / 2.0,
                r: (r.w.min(r.h) * 0.22).max(20.0),
            };
            let c = Curve::new(&node(ra), &node(rb));
            let boxed = |p: (f64, f64)| (p.0 - half_w, p.1 - 17.0, p.0 + half_w, p.1 + 7.0);
            // From the middle outwards, on the curve, then just above or below it.
            let at = (0..=20)
                .map(|i| {
                    let k = (i as f64 / 2.0).ceil() * if i % 2 == 0 { 1.0 } else { -1.0 };
                    0.5 + k * 0.04
                })
                .flat_map(|t| [0.0, -18.0, 20.0, -36.0, 38.0].map(|dy| (t, dy)))
                .map(|(t, dy)| {
                    let q = c.at(t);
                    (q.0, q.1 + 5.0 + dy)
                })
                .find(|q| !placed.iter().any(|o| hits(boxed(*q), *o)))
                .unwrap_or_else(|| c.at(0.5));
            placed.push(boxed(at));
            (html! { <path class="line" d={c.d()} marker-end={format!("url(#arrow-{v})")} /> }, at)
        };
        Some(html! {
            <g class={classes!("aggregate", v)} data-from-ns={ag.from.clone()} data-to-ns={ag.to.clone()}
                data-allowed={ag.allowed.to_string()} data-blocked={ag.blocked.to_string()} data-partial={ag.partial.to_string()}
                role="button" tabindex="0" aria-label={desc.clone()} onclick={click} onkeydown={keyboard_activate(select)}>
                <title>{desc}</title>
                {shape}
                <text class="aggregate-label" x={f(at.0)} y={f(at.1)} text-anchor="middle">{counts}</text>
            </g>
        })
    }).collect::<Vec<Html>>();

    // Flows: routed, marked and labelled by `geometry::flow_shapes`.
    placer.placed = placed;
    let shapes = flow_shapes(&sc, &curves, &p.flows.0, &hidden, many, &mut placer);
    let gate_obstacles = placer.placed.clone();
    let flows = p.flows.0.iter().enumerate().filter_map(|(i, fl)| {
        let (a, b) = (sc.nodes.get(fl.from)?, sc.nodes.get(fl.to)?);
        let FlowShape { curve: c, legs2, crosses, packets, packets2, warn, tier_at, label: flow_label, label_at } = shapes.get(i)?.clone()?;
        let v = fl.verdict.as_str();
        let key = (a.id.clone(), b.id.clone());
        let selected = selected_flow.as_ref() == Some(&key);
        let involved = focus_nodes.is_empty() || focus_nodes.contains(&fl.from) || focus_nodes.contains(&fl.to);
        let decided = p.selected_policy.as_ref().is_none_or(|pol| fl.decided_by.contains(pol));
        let dim = !selected && (!involved || !decided || (selected_flow.is_some() && focus_nodes.is_empty()));
        let changed = p.changes.get(&key).map(|v| v.as_str());
        let hidden = hidden.get(i).copied().unwrap_or(false);
        let faded = tracing && !selected;
        // The ingress gate belongs to the pods (behind the Service, for a call to a Service).
        let ingress_node = if b.kind == SlotKind::Service {
            sc.fans
                .iter()
                .find(|fan| fan.service == fl.to && fan.node != fl.from)
                .and_then(|fan| sc.nodes.get(fan.node))
        } else {
            None
        };
        let where_ = match fl.blocked_at {
            Some(Side::Source) => " at the source (egress denied)",
            Some(Side::Destination) => " at the destination (ingress denied)",
            None => "",
        };
        let desc = format!(
            "{} → {} · {}: {v}{where_}{}{}{}",
            a.id,
            b.id,
            fl.label,
            fl.tier.map(|t| format!(" · decided by the {t} tier")).unwrap_or_default(),
            if fl.cni { " · CNI-dependent" } else { "" },
            changed.map(|c| format!(" · newly {c}")).unwrap_or_default()
        );
        let select = {
            let cb = p.on_select.clone();
            let (from, to) = key.clone();
            Callback::from(move |_: ()| cb.emit(Selection::Flow { from: from.clone(), to: to.clone() }))
        };
        let click = {
            let s = select.clone();
            let drag = drag.clone();
            // The click that ends a drag (pan) selects nothing.
            Callback::from(move |e: MouseEvent| {
                e.stop_propagation();
                if !drag.borrow().moved {
                    s.emit(())
                }
            })
        };
        let mid = c.at(0.5);
        Some(html! {
            <g class={classes!("flow", v, selected.then_some("selected"), dim.then_some("dim"), changed.map(|_| "changed"), fl.cni.then_some("cni"), hidden.then_some("hidden"), faded.then_some("trace-faded"))}
                data-from={a.id.clone()} data-to={b.id.clone()} data-verdict={v}
                data-noise={fl.noise.map(|n| n.as_str())} data-hidden={hidden.then_some("true")}
                data-blocked-at={fl.blocked_at.map(Side::as_str)}
                data-cni-dependent={fl.cni.then_some("true")}
                data-tier={fl.tier}
                data-changed={changed}
                data-ports={fl.label.clone()}
                role="button" tabindex="0" aria-label={desc.clone()}
                onclick={click} onkeydown={keyboard_activate(select)}>
                <title>{desc}</title>
                // Hit area: the band between the chord and the curve, its stroke, and the chord's
                // midpoint, so that the centre of the flow's bounding box is always clickable.
                <path class="hit" d={format!("{} Z", c.d())} />
                <circle class="hit" cx={f((c.p0.0 + c.p2.0) / 2.0)} cy={f((c.p0.1 + c.p2.1) / 2.0)} r="10" />
                <path class="line" d={c.d()} />
                { for legs2.iter().map(|l| html! { <path class="line leg2" d={l.d()} /> }) }
                // room2: arrowheads of their own (visible on two-way pairs)
                { for std::iter::once(&c).chain(legs2.iter()).map(|l| html! {
                    <path class="head" data-mark="arrowhead" d={if many { l.arrowhead(9.0, 7.0) } else { l.arrowhead(12.0, 10.0) }} />
                }) }
                <path class="packets" d={packets.clone()} />
                { for packets2.iter().map(|d| html! { <path class="packets leg2" d={d.clone()} /> }) }
                { for crosses.iter().map(|&(x, y)| html! {
                    <g class="stop" data-mark="blocked" transform={format!("translate({} {})", f(x), f(y))}>
                        if many {
                            <circle r="5.5" />
                            <path d="M-2.6 -2.6 L2.6 2.6 M2.6 -2.6 L-2.6 2.6" />
                        } else {
                            <circle r="8" />
                            <path d="M-4 -4 L4 4 M4 -4 L-4 4" />
                        }
                    </g>
                }) }
                if let (true, Some((eg, ing))) = (selected, p.gates.as_ref()) {
                    {gate_label("egress", eg, a, &gate_obstacles)}
                    {gate_label("ingress", ing, ingress_node.unwrap_or(b), &gate_obstacles)}
                }
                if let Some(w) = warn {
                    <text class="cni-mark" x={f(w.0)} y={f(w.1)} text-anchor="middle">{"⚠"}</text>
                }
                if let (Some(t), Some(at)) = (fl.tier, tier_at) {
                    <g class="tier-mark" data-tier-badge={t} transform={format!("translate({} {})", f(at.0), f(at.1))}>
                        <rect x="-8" y="-7" width="16" height="14" rx="3" />
                        <text y="4" text-anchor="middle">{ if t == "Admin" { "A" } else { "B" } }</text>
                    </g>
                }
                if changed.is_some() {
                    <circle class="change-dot" cx={f(mid.0)} cy={f(mid.1)} r="5" />
                }
                <text class="flow-label" x={f(label_at.0)} y={f(label_at.1)} text-anchor="middle">{flow_label}</text>
            </g>
        })
    });

    // While tracing: the route's nodes (both ends, and a Service's backing nodes) stay.
    let traced_nodes: Option<BTreeSet<usize>> = p.gates.as_ref().and_then(|_| {
        let (from, to) = selected_flow.as_ref()?;
        let (a, b) = (sc.node_index(from)?, sc.node_index(to)?);
        let mut set: BTreeSet<usize> = [a, b].into_iter().collect();
        set.extend(
            sc.fans
                .iter()
                .filter(|fan| fan.service == b)
                .map(|fan| fan.node),
        );
        Some(set)
    });
    // Nodes.
    let nodes = sc.nodes.iter().enumerate().map(|(i, n)| {
        let slot = sc.slots.get(n.slot);
        let replica = slot.is_some_and(|s| s.expanded);
        let sel = selected_node.as_ref().is_some_and(|id| *id == n.id || slot.is_some_and(|s| s.key == *id));
        let by_policy = p.policy_nodes.contains(&n.id);
        let trace_faded = traced_nodes.as_ref().is_some_and(|t| !t.contains(&i));
        let dim = (!focus_nodes.is_empty() && !focus_nodes.contains(&i)
            && !p.flows.0.iter().any(|fl| (focus_nodes.contains(&fl.from) && fl.to == i) || (focus_nodes.contains(&fl.to) && fl.from == i)))
            || (p.selected_policy.is_some() && !by_policy);
        let select = {
            let cb = p.on_select.clone();
            let id = n.id.clone();
            Callback::from(move |_: ()| cb.emit(Selection::Node(id.clone())))
        };
        let click = {
            let s = select.clone();
            let drag = drag.clone();
            // The click that ends a drag (pan) selects nothing.
            Callback::from(move |e: MouseEvent| {
                e.stop_propagation();
                if !drag.borrow().moved {
                    s.emit(())
                }
            })
        };
        let kind_class = match n.kind {
            SlotKind::Pod => "pod",
            SlotKind::Workload => "workload",
            SlotKind::Service => "service",
            SlotKind::Outside => "outside",
        };
        let name = slot.map(|s| s.name.clone()).unwrap_or_default();
        let detail = slot.map(|s| s.detail.clone()).unwrap_or_default();
        let r = n.r;
        let shape = match n.kind {
            SlotKind::Pod if replica => html! { <circle class="shape" r={f(r)} /> },
            SlotKind::Pod => html! { <circle class="shape" r={f(r)} /> },
            SlotKind::Workload => html! {
                <>
                    <rect class="shape back" x={f(-r + 6.0)} y={f(-r * 0.7 - 6.0)} width={f(2.0 * r)} height={f(1.4 * r)} rx="8" />
                    <rect class="shape" x={f(-r)} y={f(-r * 0.7)} width={f(2.0 * r)} height={f(1.4 * r)} rx="8" />
                </>
            },
            SlotKind::Service => {
                let pts: Vec<String> = (0..6)
                    .map(|k| {
                        let a = std::f64::consts::PI / 3.0 * k as f64;
                        format!("{},{}", f(r * a.cos()), f(r * a.sin()))
                    })
                    .collect();
                html! { <polygon class="shape" points={pts.join(" ")} /> }
            }
            SlotKind::Outside => html! {
                <rect class="shape" x={f(-r * 1.5)} y={f(-r * 0.75)} width={f(3.0 * r)} height={f(1.5 * r)} rx={f(r * 0.75)} />
            },
        };
        let icon = match n.kind {
            SlotKind::Service => "svc",
            SlotKind::Outside => "ext",
            SlotKind::Workload => match detail.as_str() {
                "Deployment" => "deploy",
                "StatefulSet" => "sts",
                "DaemonSet" => "ds",
                "ReplicaSet" => "rs",
                "Job" => "job",
                "CronJob" => "cron",
                _ => "rc",
            },
            SlotKind::Pod => "pod",
        };
        let title = match n.kind {
            SlotKind::Workload => format!("{} {} ({} replicas)", detail, n.id, slot.map_or(0, |s| s.replicas)),
            SlotKind::Pod => format!("Pod {}", n.id),
            SlotKind::Service => format!("Service {}", n.id.display_name()),
            SlotKind::Outside => format!("outside the cluster: {}", n.id),
        };
        let label = if replica {
            // Replicas: the suffix after the workload's name.
            let id = n.id.to_string();
            let short = id.rsplit('-').next().unwrap_or_default();
            html! { <text class="replica-label" y={f(r + 10.0)} text-anchor="middle">{format!("-{short}")}</text> }
        } else {
            let (ny, ky) = label_ys(n.kind, r);
            html! {
                <>
                    <text class="node-label" y={f(ny)} text-anchor="middle">{truncate(&name, 19)}</text>
                    if n.kind == SlotKind::Workload {
                        <text class="node-kind" y={f(ky)} text-anchor="middle">{detail.clone()}</text>
                    }
                </>
            }
        };
        // The ×N badge is a button of its own: drawn beside the node's group, not inside it
        // (a button inside a button is unreachable for assistive technology).
        let badge = (n.kind == SlotKind::Workload && !replica).then(|| {
            let key = n.id.clone();
            let replicas = slot.map_or(0, |s| s.replicas);
            let (toggle, click) = expand_callbacks(&p.on_toggle_expand, &key);
            html! {
                <g class="badge" data-expand={key.clone()} role="button" tabindex="0"
                    aria-label={format!("expand {key} to its {replicas} pods")}
                    transform={format!("translate({} {})", f(n.x + r + 4.0), f(n.y - r * 0.7 - 4.0))}
                    onclick={click} onkeydown={keyboard_activate(toggle)}>
                    <title>{format!("{replicas} replicas: click to show each pod")}</title>
                    <rect x="-15" y="-10" width="30" height="20" rx="10" />
                    <text text-anchor="middle" y="4">{format!("×{replicas}")}</text>
                </g>
            }
        });
        let node = html! {
            <g class={classes!("node", kind_class, replica.then_some("replica"), sel.then_some("selected"), by_policy.then_some("policy-selected"), dim.then_some("dim"), trace_faded.then_some("trace-faded"))}
                data-node={n.id.clone()} data-kind={kind_class}
                transform={format!("translate({} {})", f(n.x), f(n.y))}
                role="button" tabindex="0" aria-label={title.clone()}
                onclick={click} onkeydown={keyboard_activate(select)}>
                <title>{title}</title>
                {shape}
                if !replica { <text class="icon" y="4" text-anchor="middle">{icon}</text> }
                {label}
            </g>
        };
        (node, badge)
    }).collect::<Vec<(Html, Option<Html>)>>();
    let badges = nodes
        .iter()
        .filter_map(|(_, b)| b.clone())
        .collect::<Vec<Html>>();
    let nodes = nodes.into_iter().map(|(n, _)| n);

    let zoom_in = {
        let z = zoom.clone();
        Callback::from(move |_: MouseEvent| z(1.0 / 1.3, 0.5, 0.5))
    };
    let zoom_out = {
        let z = zoom.clone();
        Callback::from(move |_: MouseEvent| z(1.3, 0.5, 0.5))
    };
    let zoom_fit = {
        let view = view.clone();
        Callback::from(move |_: MouseEvent| view.set(None))
    };
    let state = if p.pending { "stale" } else { "ready" };
    let vb_s = format!("{} {} {} {}", f(vb.0), f(vb.1), f(vb.2), f(vb.3));
    let full_s = format!("{} {} {} {}", f(full.0), f(full.1), f(full.2), f(full.3));

    html! {
        <div class={classes!("graph-wrap", p.dimmed.then_some("dimmed"))}>
            <svg id="graph" ref={svg_ref} xmlns="http://www.w3.org/2000/svg" class={classes!(many.then_some("many"))}
                viewBox={vb_s} data-full-viewbox={full_s} data-legend-height={f(export_legend_height(marks.len()))} preserveAspectRatio="xMidYMid meet"
                data-state={state} data-dimmed={p.dimmed.then_some("true")}
                data-nodes={sc.nodes.len().to_string()} data-flows={p.flows.0.len().to_string()}
                role="group" aria-label="traffic graph: nodes and flows"
                {onwheel} {onpointerdown} {onpointermove} onpointerup={onpointerup.clone()} onpointerleave={onpointerup}>
                <style>{GRAPH_CSS}</style>
                <defs>
                    { for ["allowed", "blocked", "partial", "fan"].iter().map(|k| html! {
                        <marker id={format!("arrow-{k}")} class={format!("arrow {k}")} viewBox="0 0 10 10" refX="8" refY="5"
                            markerWidth="7" markerHeight="7" orient="auto-start-reverse" markerUnits="userSpaceOnUse">
                            <path d="M0 0 L10 5 L0 10 z" />
                        </marker>
                    }) }
                </defs>
                <rect class="bg" x={f(full.0 - 5000.0)} y={f(full.1 - 5000.0)} width={f(full.2 + 10000.0)} height={f(full.3 + 10000.0)} onclick={on_bg_click.clone()} />
                <g class="viewport">
                    { for regions }
                    { for frames }
                    <g class="fans">{ for fans }</g>
                    <g class="flows">{ for flows }</g>
                    <g class="aggregates">{ for aggregates }</g>
                    <g class="region-labels">{ for region_labels }</g>
                    <g class="fan-labels">{ for fan_labels }</g>
                    <g class="nodes">{ for nodes }</g>
                    <g class="badges">{ for badges }</g>
                </g>
                {export_legend(&marks, full.0 + 8.0, full.1 + full.3 + 8.0)}
            </svg>
            <div class="graph-overlay">
                <details id="legend" class="legend" open=true ref={legend_ref} ontoggle={on_legend_toggle}>
                    <summary>{"Legend"}</summary>
                    <ul>
                        { for marks.iter().map(|m| html! {
                            <li data-legend={format!("{m:?}").to_ascii_lowercase()}>
                                <svg class="swatch" width="26" height="16" viewBox="0 0 26 16" aria-hidden="true">{m.swatch()}</svg>
                                <span>{m.text()}</span>
                            </li>
                        }) }
                    </ul>
                </details>
                <div class="zoom" role="group" aria-label="zoom">
                    <button id="zoom-in" onclick={zoom_in} aria-label="zoom in">{"+"}</button>
                    <button id="zoom-out" onclick={zoom_out} aria-label="zoom out">{"−"}</button>
                    <button id="zoom-fit" onclick={zoom_fit} aria-label="fit the whole graph">{"Fit"}</button>
                </div>
            </div>
            if let Some(h) = &p.hint { <div id="graph-hint" class="hint" role="status">{h}</div> }
            if p.dimmed { <div class="stale-note" role="status">{"The text does not parse: showing the last good graph"}</div> }
            if !p.changes.is_empty() {
                <div id="whatif-changes" class="whatif-note" role="status">
                    {{
                        let count = |v: FlowVerdict| p.changes.values().filter(|x| **x == v).count();
                        let mut parts = Vec::new();
                        for (v, word) in [(FlowVerdict::Blocked, "newly blocked"), (FlowVerdict::Allowed, "newly allowed"), (FlowVerdict::Partial, "now partial")] {
                            let n = count(v);
                            if n > 0 {
                                parts.push(format!("{n} flow{} {word}", if n == 1 { "" } else { "s" }));
                            }
                        }
                        parts.join(" · ")
                    }}
                </div>
            }
        </div>
    }
}
