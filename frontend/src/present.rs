//! The presenter view (`?present`): the projector window follows the page it was opened from
//! over a `BroadcastChannel` (same origin, no server). This module is the message format and
//! what the follower must change to match; pure, unit-tested natively.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::ids::{NodeId, PolicyKey};
use crate::state::{Action, Selection, State};

/// The channel's name (one per origin: every tab of the site hears it).
pub const CHANNEL: &str = "netpol-playground.present";

/// The lesson step the main window shows, as the presenter renders it (never its notes).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepView {
    pub lesson_title: String,
    pub step_title: String,
    /// The step's Markdown text.
    pub text: String,
    /// 1-based.
    pub step: usize,
    pub steps: usize,
}

/// What the main window says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
// One message per state change: its size does not matter, boxing would only add noise.
#[allow(clippy::large_enum_variant)]
pub enum Message {
    /// The main window's state; sent on every change and in answer to `Hello`.
    State {
        text: String,
        /// Policies switched off (what-if); as their strings on the wire.
        off: BTreeSet<PolicyKey>,
        /// The selected flow (from, to); as `data-node` strings on the wire.
        flow: Option<(NodeId, NodeId)>,
        paused: bool,
        lesson: Option<StepView>,
    },
    /// A presenter opened: the main window answers with its state.
    Hello,
    /// An arrow key in the presenter: the main window moves the lesson.
    Step { forward: bool },
}

impl Message {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(s: &str) -> Option<Message> {
        serde_json::from_str(s).ok()
    }
}

/// The policies whose what-if switch must flip so that `have` becomes `want`.
pub fn toggles(have: &BTreeSet<PolicyKey>, want: &BTreeSet<PolicyKey>) -> Vec<PolicyKey> {
    have.symmetric_difference(want).cloned().collect()
}

/// What the presenter dispatches so that its state `st` matches the main window's (text,
/// what-if switches, selected flow, pause).
pub fn follow(
    st: &State,
    text: String,
    off: &BTreeSet<PolicyKey>,
    flow: Option<(NodeId, NodeId)>,
    paused: bool,
) -> Vec<Action> {
    let mut out = Vec::new();
    if text != st.text {
        out.push(Action::Edit(text));
    }
    out.extend(toggles(&st.off, off).into_iter().map(Action::TogglePolicy));
    let now = match &st.selection {
        Selection::Flow { from, to } => Some((from.clone(), to.clone())),
        _ => None,
    };
    match (flow, now) {
        (Some(f), n) if Some(&f) != n.as_ref() => {
            out.push(Action::Select(Selection::Flow { from: f.0, to: f.1 }))
        }
        (None, Some(_)) => out.push(Action::ClearSelection),
        _ => {}
    }
    if paused != st.paused {
        out.push(Action::TogglePause);
    }
    out
}

/// `?present` (alone or among other parameters) in a location's search part.
pub fn is_presenter(search: &str) -> bool {
    search
        .trim_start_matches('?')
        .split('&')
        .any(|p| p == "present" || p.starts_with("present="))
}

/// The arrow keys that step through a lesson: `Some(true)` forward, `Some(false)` back. A key
/// with a modifier (Alt+← is the browser's Back) or one a control already took is not a step.
pub fn arrow(key: &str, modified: bool) -> Option<bool> {
    if modified {
        return None;
    }
    match key {
        "ArrowRight" | "PageDown" => Some(true),
        "ArrowLeft" | "PageUp" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{node, policy};

    #[test]
    fn messages_round_trip_with_a_kind_tag() {
        let m = Message::State {
            text: "kind: Pod\n".into(),
            off: [policy("default/deny")].into_iter().collect(),
            flow: Some((node("default/a"), node("service:default/b"))),
            paused: true,
            lesson: Some(StepView {
                lesson_title: "L".into(),
                step_title: "S".into(),
                text: "**hi**".into(),
                step: 2,
                steps: 3,
            }),
        };
        let j = m.to_json();
        assert!(j.contains("\"kind\":\"state\""), "{j}");
        // Ids travel as their strings, as before they were typed.
        assert!(
            j.contains(r#""off":["default/deny"],"flow":["default/a","service:default/b"]"#),
            "{j}"
        );
        assert_eq!(Message::from_json(&j), Some(m));
        assert_eq!(
            Message::from_json(r#"{"kind":"step","forward":false}"#),
            Some(Message::Step { forward: false })
        );
        assert_eq!(
            Message::from_json(r#"{"kind":"hello"}"#),
            Some(Message::Hello)
        );
        assert_eq!(Message::from_json("{\"kind\":\"other\"}"), None);
    }

    #[test]
    fn toggles_flip_exactly_the_differences() {
        let s = |v: &[&str]| v.iter().map(|x| policy(x)).collect::<BTreeSet<_>>();
        assert_eq!(
            toggles(&s(&["n/a", "n/b"]), &s(&["n/b", "AdminNetworkPolicy:c"])),
            [policy("n/a"), policy("AdminNetworkPolicy:c")]
        );
        assert!(toggles(&s(&["n/a"]), &s(&["n/a"])).is_empty());
    }

    #[test]
    fn the_presenter_follows_text_switches_flow_and_pause() {
        let st = State {
            text: "a".into(),
            off: [policy("n/x")].into_iter().collect(),
            ..State::default()
        };
        let flow = (node("n/a"), node("service:n/b"));
        let want: BTreeSet<PolicyKey> = [policy("n/y")].into_iter().collect();
        assert_eq!(
            follow(&st, "b".into(), &want, Some(flow.clone()), true),
            vec![
                Action::Edit("b".into()),
                Action::TogglePolicy(policy("n/x")),
                Action::TogglePolicy(policy("n/y")),
                Action::Select(Selection::Flow {
                    from: flow.0.clone(),
                    to: flow.1.clone()
                }),
                Action::TogglePause,
            ]
        );
        // Already there: nothing to do; the main window's selection cleared: cleared too.
        let there = State {
            selection: Selection::Flow {
                from: flow.0.clone(),
                to: flow.1.clone(),
            },
            ..st.clone()
        };
        assert!(follow(&there, "a".into(), &st.off, Some(flow), false).is_empty());
        assert_eq!(
            follow(&there, "a".into(), &st.off, None, false),
            vec![Action::ClearSelection]
        );
    }

    #[test]
    fn presenter_query() {
        assert!(is_presenter("?present"));
        assert!(is_presenter("?x=1&present"));
        assert!(is_presenter("?present=1"));
        assert!(!is_presenter("?presenter"));
        assert!(!is_presenter(""));
        assert_eq!(arrow("ArrowRight", false), Some(true));
        assert_eq!(
            arrow("ArrowLeft", true),
            None,
            "Alt+← is the browser's Back"
        );
        assert_eq!(arrow("ArrowLeft", false), Some(false));
        assert_eq!(arrow("a", false), None);
    }
}
