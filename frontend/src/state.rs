//! The page state, the actions that change it, and a pure reducer (unit-tested natively).
//!
//! Derived data (the analysis, the scene, the flows) is not here: it is recomputed from this
//! state by the app. A no-op action returns `None`, so nothing re-renders.

use std::collections::BTreeSet;
use std::rc::Rc;

use engine::Protocol;

use crate::ids::{NodeId, PolicyKey};
use crate::share::Shared;
use crate::versions::Versions;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum View {
    #[default]
    Graph,
    Matrix,
}

impl View {
    pub fn as_str(self) -> &'static str {
        match self {
            View::Graph => "graph",
            View::Matrix => "matrix",
        }
    }

    pub fn parse(s: &str) -> View {
        if s == "matrix" {
            View::Matrix
        } else {
            View::Graph
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum FlowFilter {
    #[default]
    All,
    Allowed,
    Blocked,
    Partial,
}

impl FlowFilter {
    pub const ALL: [FlowFilter; 4] = [
        FlowFilter::All,
        FlowFilter::Allowed,
        FlowFilter::Blocked,
        FlowFilter::Partial,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FlowFilter::All => "all",
            FlowFilter::Allowed => "allowed",
            FlowFilter::Blocked => "blocked",
            FlowFilter::Partial => "partial",
        }
    }

    pub fn parse(s: &str) -> FlowFilter {
        FlowFilter::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .unwrap_or_default()
    }
}

/// Parses a port filter: `80`, `80/TCP`, `53/udp`, `TCP/80`. Empty → `Ok(None)`.
pub fn parse_port_filter(s: &str) -> Result<Option<(u16, Protocol)>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let (a, b) = match s.split_once(['/', ' ', ':']) {
        Some((a, b)) => (a.trim(), b.trim()),
        None => (s, "TCP"),
    };
    let (port, proto) = match (a.parse::<u16>(), b.parse::<u16>()) {
        (Ok(p), _) => (p, b),
        (_, Ok(p)) => (p, a),
        _ => return Err(format!("`{s}` is not a port: write e.g. 80 or 53/UDP")),
    };
    if port == 0 {
        return Err("port 0 is not a valid port".into());
    }
    let proto = Protocol::parse_loose(proto)
        .ok_or_else(|| format!("unknown protocol `{proto}`: TCP, UDP or SCTP"))?;
    Ok(Some((port, proto)))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Theme {
    #[default]
    Light,
    Dark,
}

impl Theme {
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// What the inspector panel shows.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Selection {
    #[default]
    None,
    Node(NodeId),
    Flow {
        from: NodeId,
        to: NodeId,
    },
    Policy(PolicyKey),
    /// A matrix cell (workloads or pods).
    Cell {
        from: NodeId,
        to: NodeId,
    },
    /// An aggregate of a large scenario: the flows from one namespace to another.
    Namespaces {
        from: String,
        to: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct State {
    pub text: String,
    /// Bumped on every text change that does not come from typing (example, file, link), so
    /// the editor can reset its scroll position.
    pub text_generation: u64,
    pub view: View,
    /// As typed in the port filter box; parsed by `parse_port_filter`.
    pub port_filter: String,
    pub flow_filter: FlowFilter,
    pub selection: Selection,
    /// The node whose flows are drawn in large scenarios (kept while a flow is inspected).
    pub focus_node: Option<NodeId>,
    /// Policies switched off (what-if).
    pub off: BTreeSet<PolicyKey>,
    /// Bumped by every what-if switch, so the graph can mark the flows that changed.
    pub whatif_generation: u64,
    /// Workloads drawn as their pods.
    pub expanded: BTreeSet<NodeId>,
    pub theme: Theme,
    pub paused: bool,
    /// Editor lines to highlight (1-based, inclusive) and a nonce to scroll there again.
    pub highlight: Option<(u32, u32)>,
    /// An exact range to mark within the highlighted lines: (line, column, end line, end
    /// column), 1-based, end exclusive (a span of the typed explanation).
    pub highlight_span: Option<(u32, u32, u32, u32)>,
    pub jump_nonce: u64,
    /// A plain-words problem with saving (quota exceeded, storage disabled).
    pub storage_warning: Option<String>,
    /// A transient message (link copied, file loaded, ...).
    pub notice: Option<String>,
    /// The text a load (example, file, link, version) replaced: `Undo` brings it back.
    pub undo: Option<String>,
    /// The text comes from a load and has not been edited since: it must not overwrite the
    /// user's saved copy (a wrong click in the Examples menu loses nothing).
    pub unsaved_load: bool,
    /// Named snapshots and recent states (persisted by the page).
    pub versions: Rc<Versions>,
    /// Draw the flows hidden by default (a workload to its own Service, reverse "no port" flows).
    pub show_all_flows: bool,
    /// The matrix shows one row per pod instead of one per workload.
    pub matrix_pods: bool,
    /// The matrix checks every declared port instead of each destination's.
    pub matrix_all_ports: bool,
    /// The versions panel is open.
    pub versions_open: bool,
    /// The selected flow is traced: only its route is drawn, with its two gates.
    pub trace: bool,
}

/// What a load brings, and what to call it in the notice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loaded {
    pub text: String,
    /// e.g. "the example “Egress with DNS”", "file a.yaml".
    pub what: String,
    pub time_ms: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Typing in the editor.
    Edit(String),
    /// Replace the whole text (example, opened file, version); undoable.
    Load(Loaded),
    /// Bring back the text the last load replaced.
    Undo,
    /// The text was saved at this time: record a recent state.
    Checkpoint(i64),
    SaveSnapshot {
        name: String,
        time_ms: i64,
    },
    DeleteSnapshot(String),
    ToggleAllFlows,
    ToggleMatrixPods,
    ToggleMatrixAllPorts,
    SetVersionsOpen(bool),
    SetTrace(bool),
    SetView(View),
    SetPortFilter(String),
    SetFlowFilter(FlowFilter),
    Select(Selection),
    /// Clicking the background: clear selection and focus.
    ClearSelection,
    TogglePolicy(PolicyKey),
    ToggleExpand(NodeId),
    SetTheme(Theme),
    TogglePause,
    /// Highlight these lines and scroll the editor to the first.
    Highlight(u32, u32),
    /// Highlight this exact range (line, column, end line, end column) and scroll to it.
    HighlightSpan(u32, u32, u32, u32),
    StorageFailed(String),
    StorageOk,
    Notice(Option<String>),
    /// A share link (at start-up): loaded like a file, so undoable too.
    Restore(Shared, i64),
}

impl State {
    /// The next state, or `None` when the action changes nothing.
    pub fn reduce(&self, action: Action) -> Option<State> {
        let mut s = self.clone();
        match action {
            Action::Edit(text) => {
                if text == s.text {
                    return None;
                }
                s.text = text;
                s.unsaved_load = false;
            }
            Action::Load(l) => {
                s.replace_text(l.text, l.time_ms);
                s.notice = Some(format!("loaded {}", l.what));
            }
            Action::Undo => {
                let prev = s.undo.take()?;
                s.text = prev;
                s.text_generation += 1;
                s.reset_for_new_text();
                // The restored text is the user's own: saving it again is right.
                s.unsaved_load = false;
                s.notice = Some("restored your previous text".into());
            }
            Action::Checkpoint(t) => {
                // A loaded text becomes a state of its own only once edited.
                if s.unsaved_load {
                    return None;
                }
                let mut v = (*s.versions).clone();
                v.checkpoint(&s.text, t);
                s.versions = Rc::new(v);
            }
            Action::SaveSnapshot { name, time_ms } => {
                let mut v = (*s.versions).clone();
                v.save_named(&name, &s.text, time_ms);
                s.versions = Rc::new(v);
                s.notice = Some(format!("saved “{}”", name.trim()));
            }
            Action::DeleteSnapshot(name) => {
                let mut v = (*s.versions).clone();
                if !v.delete_named(&name) {
                    return None;
                }
                s.versions = Rc::new(v);
            }
            Action::ToggleAllFlows => s.show_all_flows = !s.show_all_flows,
            Action::ToggleMatrixPods => s.matrix_pods = !s.matrix_pods,
            Action::ToggleMatrixAllPorts => s.matrix_all_ports = !s.matrix_all_ports,
            Action::SetVersionsOpen(o) => s.versions_open = o,
            Action::SetTrace(t) => s.trace = t && matches!(s.selection, Selection::Flow { .. }),
            Action::SetView(v) => s.view = v,
            Action::SetPortFilter(p) => s.port_filter = p,
            Action::SetFlowFilter(f) => s.flow_filter = f,
            Action::Select(sel) => {
                match &sel {
                    Selection::Node(id) => s.focus_node = Some(id.clone()),
                    Selection::Policy(_) => s.focus_node = None,
                    _ => {}
                }
                if sel != s.selection {
                    s.trace = false;
                }
                s.selection = sel;
            }
            Action::ClearSelection => {
                s.trace = false;
                s.selection = Selection::None;
                s.focus_node = None;
                s.highlight = None;
            }
            Action::TogglePolicy(name) => {
                if !s.off.remove(&name) {
                    s.off.insert(name);
                }
                s.whatif_generation += 1;
            }
            Action::ToggleExpand(key) => {
                if !s.expanded.remove(&key) {
                    s.expanded.insert(key);
                }
            }
            Action::SetTheme(t) => s.theme = t,
            Action::TogglePause => s.paused = !s.paused,
            Action::Highlight(a, b) => {
                s.highlight = Some((a.min(b), a.max(b)));
                s.highlight_span = None;
                s.jump_nonce += 1;
            }
            Action::HighlightSpan(l, c, el, ec) => {
                let (start, end) = ((l, c).min((el, ec)), (l, c).max((el, ec)));
                s.highlight = Some((start.0, end.0));
                s.highlight_span = Some((start.0, start.1, end.0, end.1));
                s.jump_nonce += 1;
            }
            Action::StorageFailed(msg) => s.storage_warning = Some(msg),
            Action::StorageOk => s.storage_warning = None,
            Action::Notice(n) => s.notice = n,
            Action::Restore(sh, time_ms) => {
                s.replace_text(sh.text, time_ms);
                s.view = View::parse(&sh.view);
                s.port_filter = sh.port;
                s.flow_filter = FlowFilter::parse(&sh.flows);
                // Strings from the link are read back as ids; what names nothing is dropped
                // (it matched nothing before either).
                s.off = sh.off.iter().filter_map(|k| PolicyKey::parse(k)).collect();
                s.expanded = sh.expand.iter().filter_map(|k| NodeId::parse(k)).collect();
                s.highlight = None;
                match NodeId::parse(&sh.select) {
                    Some(id) => {
                        s.focus_node = Some(id.clone());
                        s.selection = Selection::Node(id);
                    }
                    None => {
                        s.selection = Selection::None;
                        s.focus_node = None;
                    }
                }
            }
        }
        (s != *self).then_some(s)
    }

    fn reset_for_new_text(&mut self) {
        self.selection = Selection::None;
        self.focus_node = None;
        self.off.clear();
        self.expanded.clear();
        self.highlight = None;
        self.highlight_span = None;
    }

    /// A load: the old text goes to `undo` and to the recent states; the new one is not saved
    /// until it is edited.
    fn replace_text(&mut self, text: String, time_ms: i64) {
        if text == self.text {
            return;
        }
        let old = std::mem::replace(&mut self.text, text);
        let had_text = !old.trim().is_empty();
        if had_text {
            let mut v = (*self.versions).clone();
            v.before_load(&old, time_ms);
            self.versions = Rc::new(v);
            // Undo goes back to what the user had, not to an unedited earlier load.
            if !(self.unsaved_load && self.undo.is_some()) {
                self.undo = Some(old);
            }
        }
        // Over an empty text there is nothing of the user's to protect: save the new one.
        self.unsaved_load = had_text;
        self.text_generation += 1;
        self.reset_for_new_text();
    }

    /// The state a share link carries.
    pub fn to_shared(&self) -> Shared {
        Shared {
            text: self.text.clone(),
            view: self.view.as_str().to_string(),
            port: self.port_filter.trim().to_string(),
            flows: match self.flow_filter {
                FlowFilter::All => String::new(),
                f => f.as_str().to_string(),
            },
            select: self
                .focus_node
                .as_ref()
                .map(NodeId::to_string)
                .unwrap_or_default(),
            off: self.off.iter().map(PolicyKey::to_string).collect(),
            expand: self.expanded.iter().map(NodeId::to_string).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{node, policy};

    fn load(t: &str) -> Action {
        Action::Load(Loaded {
            text: t.into(),
            what: "x".into(),
            time_ms: 1,
        })
    }

    fn with_text(t: &str) -> State {
        State {
            text: t.into(),
            ..State::default()
        }
    }

    #[test]
    fn typing_the_same_text_is_a_no_op() {
        let s = with_text("a");
        assert_eq!(s.reduce(Action::Edit("a".into())), None);
        assert_eq!(
            s.reduce(Action::Edit("ab".into())).map(|s| s.text),
            Some("ab".into())
        );
    }

    #[test]
    fn typing_keeps_selection_and_switches() {
        let mut s = with_text("a");
        s = s
            .reduce(Action::TogglePolicy(policy("default/p")))
            .unwrap_or_default();
        s = s
            .reduce(Action::Select(Selection::Node(node("default/x"))))
            .unwrap_or_default();
        let t = s.reduce(Action::Edit("ab".into())).unwrap_or_default();
        assert!(t.off.contains(&policy("default/p")));
        assert_eq!(t.selection, Selection::Node(node("default/x")));
        assert_eq!(t.text_generation, s.text_generation);
    }

    #[test]
    fn loading_resets_what_belongs_to_the_old_text() {
        let mut s = with_text("a");
        s.off.insert(policy("default/p"));
        s.expanded.insert(node("default/w"));
        s.selection = Selection::Policy(policy("default/p"));
        let t = s.reduce(load("b")).unwrap_or_default();
        assert!(t.off.is_empty() && t.expanded.is_empty());
        assert_eq!(t.selection, Selection::None);
        assert_eq!(t.text_generation, 1);
    }

    #[test]
    fn toggles_toggle_and_count() {
        let s = State::default();
        let on = s
            .reduce(Action::TogglePolicy(policy("ns/p")))
            .unwrap_or_default();
        assert!(on.off.contains(&policy("ns/p")));
        let off = on
            .reduce(Action::TogglePolicy(policy("ns/p")))
            .unwrap_or_default();
        assert!(off.off.is_empty());
        assert_eq!(off.whatif_generation, 2);
        let ex = s
            .reduce(Action::ToggleExpand(node("ns/w")))
            .unwrap_or_default();
        assert!(ex.expanded.contains(&node("ns/w")));
        assert!(ex
            .reduce(Action::ToggleExpand(node("ns/w")))
            .is_some_and(|s| s.expanded.is_empty()));
    }

    #[test]
    fn selecting_a_flow_keeps_the_focus_node() {
        let s = State::default()
            .reduce(Action::Select(Selection::Node(node("default/a"))))
            .unwrap_or_default();
        let t = s
            .reduce(Action::Select(Selection::Flow {
                from: node("default/a"),
                to: node("default/b"),
            }))
            .unwrap_or_default();
        assert_eq!(t.focus_node, Some(node("default/a")));
        let u = t.reduce(Action::ClearSelection).unwrap_or_default();
        assert_eq!((u.focus_node, u.selection), (None, Selection::None));
    }

    #[test]
    fn a_span_highlight_marks_its_lines_and_range() {
        let s = State::default()
            .reduce(Action::HighlightSpan(12, 7, 12, 15))
            .unwrap_or_default();
        assert_eq!(s.highlight, Some((12, 12)));
        assert_eq!(s.highlight_span, Some((12, 7, 12, 15)));
        assert_eq!(s.jump_nonce, 1);
        // A plain line jump drops the range.
        let t = s.reduce(Action::Highlight(3, 3)).unwrap_or_default();
        assert_eq!((t.highlight, t.highlight_span), (Some((3, 3)), None));
    }

    #[test]
    fn highlight_orders_lines_and_bumps_the_nonce() {
        let s = State::default()
            .reduce(Action::Highlight(9, 4))
            .unwrap_or_default();
        assert_eq!(s.highlight, Some((4, 9)));
        let t = s.reduce(Action::Highlight(9, 4)).unwrap_or_default();
        assert_eq!(t.jump_nonce, 2);
    }

    #[test]
    fn share_round_trip_through_the_state() {
        let mut s = with_text("kind: Pod");
        s.view = View::Matrix;
        s.port_filter = "53/UDP".into();
        s.flow_filter = FlowFilter::Blocked;
        s.focus_node = Some(node("default/a"));
        s.off.insert(policy("default/p"));
        s.expanded.insert(node("default/w"));
        let restored = State::default()
            .reduce(Action::Restore(s.to_shared(), 0))
            .unwrap_or_default();
        assert_eq!(restored.text, s.text);
        assert_eq!(restored.view, s.view);
        assert_eq!(restored.port_filter, s.port_filter);
        assert_eq!(restored.flow_filter, s.flow_filter);
        assert_eq!(restored.focus_node, s.focus_node);
        assert_eq!(restored.off, s.off);
        assert_eq!(restored.expanded, s.expanded);
    }

    #[test]
    fn the_frozen_v1_link_restores_typed_switches_and_expansions() {
        let link = include_str!("../tests/share-v1.txt").trim();
        let frag = link.split_once('#').map_or(link, |(_, f)| f);
        let sh = crate::share::decode(frag)
            .ok()
            .flatten()
            .unwrap_or_default();
        let s = State::default()
            .reduce(Action::Restore(sh, 0))
            .unwrap_or_default();
        assert_eq!(
            s.off,
            [policy("default/deny-by-default")].into_iter().collect()
        );
        assert_eq!(
            s.expanded,
            [node("default/dep-httpd")].into_iter().collect()
        );
        assert_eq!(s.view, View::Matrix);
    }

    #[test]
    fn link_strings_are_read_back_as_ids_and_unknown_ones_dropped() {
        let sh = Shared {
            text: "x".into(),
            select: "service:shop/api".into(),
            off: vec![
                "AdminNetworkPolicy:tenants".into(),
                "shop/deny".into(),
                "nonsense".into(),
            ],
            expand: vec!["shop/web".into(), "shop/web#pod".into()],
            ..Shared::default()
        };
        let s = State::default()
            .reduce(Action::Restore(sh.clone(), 0))
            .unwrap_or_default();
        assert_eq!(s.selection, Selection::Node(node("service:shop/api")));
        assert_eq!(
            s.off,
            [policy("AdminNetworkPolicy:tenants"), policy("shop/deny")]
                .into_iter()
                .collect()
        );
        assert_eq!(s.expanded.len(), 2);
        // And written back as the same strings.
        let back = s.to_shared();
        assert_eq!(back.select, sh.select);
        let mut off = back.off.clone();
        off.sort();
        assert_eq!(off, ["AdminNetworkPolicy:tenants", "shop/deny"]);
    }

    #[test]
    fn storage_problems_are_kept_until_a_save_works() {
        let s = State::default()
            .reduce(Action::StorageFailed("quota".into()))
            .unwrap_or_default();
        assert_eq!(s.storage_warning.as_deref(), Some("quota"));
        assert_eq!(s.reduce(Action::StorageFailed("quota".into())), None);
        assert!(s
            .reduce(Action::StorageOk)
            .is_some_and(|s| s.storage_warning.is_none()));
    }

    #[test]
    fn a_load_is_undoable_and_not_saved_until_edited() {
        let s = with_text("mine");
        let t = s.reduce(load("example")).unwrap_or_default();
        assert_eq!(t.undo.as_deref(), Some("mine"));
        assert!(
            t.unsaved_load,
            "the loaded text must not replace the saved copy"
        );
        assert_eq!(
            t.versions.recent.first().map(|e| e.text.as_str()),
            Some("mine")
        );
        // A second load without editing still undoes to the user's text.
        let u = t.reduce(load("other")).unwrap_or_default();
        assert_eq!(u.undo.as_deref(), Some("mine"));
        let back = u.reduce(Action::Undo).unwrap_or_default();
        assert_eq!(back.text, "mine");
        assert!(!back.unsaved_load && back.undo.is_none());
        assert!(back.text_generation > u.text_generation);
        assert_eq!(back.reduce(Action::Undo), None, "nothing left to undo");
        // Editing the loaded text makes it the user's: saved from then on.
        let e = t
            .reduce(Action::Edit("example!".into()))
            .unwrap_or_default();
        assert!(!e.unsaved_load);
        assert_eq!(e.undo.as_deref(), Some("mine"), "still undoable");
    }

    #[test]
    fn loading_over_an_empty_text_offers_no_undo() {
        let t = with_text("  \n")
            .reduce(load("example"))
            .unwrap_or_default();
        assert_eq!(t.undo, None);
        assert!(t.versions.recent.is_empty());
    }

    #[test]
    fn a_shared_link_is_a_load() {
        let s = with_text("saved");
        let sh = Shared {
            text: "linked".into(),
            ..Shared::default()
        };
        let t = s.reduce(Action::Restore(sh, 0)).unwrap_or_default();
        assert_eq!(
            (t.text.as_str(), t.undo.as_deref()),
            ("linked", Some("saved"))
        );
        assert!(t.unsaved_load);
    }

    #[test]
    fn snapshots_and_checkpoints() {
        let s = with_text("v1")
            .reduce(Action::SaveSnapshot {
                name: "lesson".into(),
                time_ms: 5,
            })
            .unwrap_or_default();
        assert_eq!(
            s.versions.named.first().map(|e| e.text.as_str()),
            Some("v1")
        );
        let t = s
            .reduce(Action::Checkpoint(6))
            .unwrap_or_default()
            .reduce(Action::DeleteSnapshot("lesson".into()))
            .unwrap_or_default();
        assert!(t.versions.named.is_empty());
        assert_eq!(t.versions.recent.len(), 1);
        assert_eq!(t.reduce(Action::DeleteSnapshot("lesson".into())), None);
    }

    #[test]
    fn a_trace_belongs_to_the_selected_flow() {
        let none = State::default();
        assert_eq!(
            none.reduce(Action::SetTrace(true)),
            None,
            "no flow, no trace"
        );
        let flow = Selection::Flow {
            from: node("default/a"),
            to: node("default/b"),
        };
        let t = none
            .reduce(Action::Select(flow.clone()))
            .and_then(|s| s.reduce(Action::SetTrace(true)))
            .unwrap_or_default();
        assert!(t.trace);
        assert_eq!(
            t.reduce(Action::Select(flow)),
            None,
            "same flow: still traced"
        );
        assert!(!t.reduce(Action::ClearSelection).unwrap_or_default().trace);
        let other = t
            .reduce(Action::Select(Selection::Node(node("default/a"))))
            .unwrap_or_default();
        assert!(!other.trace);
    }

    #[test]
    fn port_filter_parses() {
        assert_eq!(parse_port_filter(""), Ok(None));
        assert_eq!(parse_port_filter("80"), Ok(Some((80, Protocol::Tcp))));
        assert_eq!(parse_port_filter("53/udp"), Ok(Some((53, Protocol::Udp))));
        assert_eq!(parse_port_filter("TCP/443"), Ok(Some((443, Protocol::Tcp))));
        assert!(parse_port_filter("http").is_err());
        assert!(parse_port_filter("80/ICMP").is_err());
    }
}
