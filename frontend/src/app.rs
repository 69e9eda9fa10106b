//! The page: owns the state (reducer), runs the debounced analysis, derives the scene and the
//! flows, and wires the components together.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use yew::prelude::*;

use crate::analysis::Analyzed;
use crate::components::diagnostics::Diagnostics;
use crate::components::editor::Editor;
use crate::components::explanation::Explanation;
use crate::components::graph::Graph;
use crate::ids::{NodeId, PolicyKey};
use crate::inspector::Content;
use crate::line_jump::span_at_line;
use crate::whatif;

/// The presenter magnifies a small scene further than the page does: labels ≥ 18 px at 1280×720.
const PRESENTER_MAX_FIT_SCALE: f64 = 3.0;
use crate::components::lesson_dock::{AnalysisRef, LessonDock}; // lessons
use crate::components::matrix::Matrix;
use crate::components::policies::Policies;
use crate::components::toolbar::Toolbar;
use crate::flows::{self, Flow, Focus};
use crate::scene::{self, Derived, Scene};
use crate::share;
use crate::state::{Action, FlowFilter, Selection, State, Theme, View};
use crate::web;

/// Debounce between the last keystroke and the analysis.
const DEBOUNCE_MS: u32 = 150;
/// Typing records a recent state at most this often.
const CHECKPOINT_EVERY_MS: i64 = 5_000;
/// How long flows changed by a what-if switch stay marked.
const CHANGE_MARK_MS: u32 = 4000;

#[derive(Debug, PartialEq)]
pub struct Store(pub State);

impl Reducible for Store {
    type Action = Action;
    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match self.0.reduce(action) {
            Some(s) => Rc::new(Store(s)),
            None => self,
        }
    }
}

fn initial_state() -> (State, Option<String>) {
    let mut s = State {
        theme: match web::load(web::THEME_KEY).as_deref() {
            Some("dark") => Theme::Dark,
            Some("light") => Theme::Light,
            _ if web::prefers_dark() => Theme::Dark,
            _ => Theme::Light,
        },
        versions: Rc::new(crate::versions::decode(
            &web::load(web::VERSIONS_KEY).unwrap_or_default(),
        )),
        ..State::default()
    };
    let mut notice = None;
    // The saved text first, so that a link opened over it can be undone.
    s.text = web::load(web::TEXT_KEY).unwrap_or_default();
    match share::decode(&web::location_hash()) {
        Ok(Some(shared)) => {
            if let Some(next) = s.reduce(Action::Restore(shared, web::now_epoch_ms())) {
                s = next;
            }
            // The link has been read; from now on the text lives in local storage, so a reload
            // keeps later edits instead of going back to the link.
            web::replace_hash(None);
            return (s, Some("opened the shared link".into()));
        }
        Ok(None) => {}
        Err(e) => notice = Some(format!("could not open the link: {e}")),
    }
    if s.text.is_empty() {
        s.text = crate::examples::EXAMPLES
            .first()
            .map(|e| e.text.to_string())
            .unwrap_or_default();
    }
    (s, notice)
}

fn now_ms() -> f64 {
    web::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

#[function_component(App)]
pub fn app() -> Html {
    let boot = use_mut_ref(|| None::<String>);
    let store = use_reducer(|| {
        let (s, notice) = initial_state();
        *boot.borrow_mut() = notice;
        Store(s)
    });
    let st = &store.0;
    let analyzed = use_state(Analyzed::default);
    let pending = use_state_eq(|| true);
    // The graph pane's usable aspect ratio (the layout fills it); estimated from the window
    // until the graph measures itself.
    let aspect = use_state_eq(|| {
        let (w, h) = web::window()
            .map(|w| {
                let n = |v: Result<wasm_bindgen::JsValue, _>| {
                    v.ok().and_then(|v| v.as_f64()).unwrap_or(0.0)
                };
                (n(w.inner_width()), n(w.inner_height()))
            })
            .unwrap_or((1400.0, 900.0));
        let pane_w = if w > 1000.0 {
            w - (w * 0.27).max(290.0) - (w * 0.21).max(270.0)
        } else {
            w
        };
        crate::components::graph::usable_aspect(pane_w, h - 88.0)
    });
    // presenter view: `?present` follows the main window (crate::present).
    let presenting = use_memo((), |_| crate::components::presenter::presenting());
    let presenting_now = *presenting;
    let timer: Rc<RefCell<Option<Timeout>>> = use_mut_ref(|| None);
    // When the last recent state was taken, and the one pending (typing within the interval).
    let last_checkpoint: Rc<RefCell<(i64, Option<Timeout>)>> = use_mut_ref(|| (0, None));

    // Boot notice (link opened / link damaged).
    {
        let store = store.clone();
        let boot = boot.clone();
        use_effect_with((), move |_| {
            if let Some(n) = boot.borrow_mut().take() {
                store.dispatch(Action::Notice(Some(n)));
            }
        });
    }

    // Theme on <html>, remembered.
    use_effect_with(st.theme, |t| {
        web::set_root_theme(t.as_str());
        let _ = web::save(web::THEME_KEY, t.as_str());
    });

    // Versions (snapshots, recent states) persisted; the oldest recent states give way when
    // the storage quota is reached.
    use_effect_with(st.versions.clone(), move |v| {
        if presenting_now {
            return;
        }
        let mut v = (**v).clone();
        loop {
            if web::save(web::VERSIONS_KEY, &crate::versions::encode(&v)).is_ok()
                || !v.drop_oldest()
            {
                break;
            }
        }
    });

    // Debounced analysis: typing only updates the text; the engine runs 150 ms after the last
    // keystroke (at once for the first text, a loaded example or file, or a link).
    {
        let analyzed = analyzed.clone();
        let pending = pending.clone();
        let timer = timer.clone();
        let store = store.clone();
        let first = analyzed.is_first();
        let unsaved_load = st.unsaved_load;
        let presenting = *presenting;
        let last_checkpoint = last_checkpoint.clone();
        use_effect_with((st.text.clone(), st.text_generation), move |(text, _)| {
            pending.set(true);
            let text = text.clone();
            let run = move || {
                let t0 = now_ms();
                let mut next = crate::analysis::analyze(&text, &analyzed);
                next.millis = now_ms() - t0;
                analyzed.set(next);
                pending.set(false);
                // A loaded text that was not edited yet does not replace the user's saved copy;
                // the presenter only follows (it saves nothing).
                if !unsaved_load && !presenting {
                    match web::save(web::TEXT_KEY, &text) {
                        Ok(()) => store.dispatch(Action::StorageOk),
                        Err(e) => store.dispatch(Action::StorageFailed(e)),
                    }
                    // A recent state at most every few seconds (each one rewrites the versions
                    // in storage); a save within that time is recorded at its end.
                    let now = web::now_epoch_ms();
                    let wait = CHECKPOINT_EVERY_MS - (now - last_checkpoint.borrow().0);
                    if wait <= 0 {
                        *last_checkpoint.borrow_mut() = (now, None);
                        store.dispatch(Action::Checkpoint(now));
                    } else {
                        let store = store.clone();
                        let last = last_checkpoint.clone();
                        let later = Timeout::new(wait as u32, move || {
                            let now = web::now_epoch_ms();
                            *last.borrow_mut() = (now, None);
                            store.dispatch(Action::Checkpoint(now));
                        });
                        // Replacing the pending one cancels it.
                        last_checkpoint.borrow_mut().1 = Some(later);
                    }
                }
            };
            let delay = if first { 0 } else { DEBOUNCE_MS };
            // Dropping the previous Timeout cancels it.
            *timer.borrow_mut() = Some(Timeout::new(delay, run));
        });
    }

    let derived: Option<Rc<Derived>> = {
        let good = analyzed.good.clone();
        let off = st.off.clone();
        (*use_memo((good, off), |(good, off)| {
            good.as_ref()
                .map(|a| Rc::new(Derived::new(a.0.clone(), off)))
        }))
        .clone()
    };
    let scene: Option<Rc<Scene>> = {
        let expanded = st.expanded.clone();
        let aspect_key = (*aspect * 10.0).round() as i64;
        (*use_memo((derived.clone(), expanded, aspect_key), |(d, ex, a)| {
            d.as_ref()
                .map(|d| Rc::new(scene::build_scene_for(d, ex, *a as f64 / 10.0)))
        }))
        .clone()
    };
    let port_filter = crate::state::parse_port_filter(&st.port_filter);
    let filter = port_filter.clone().ok().flatten();
    let big = scene.as_ref().is_some_and(|s| crate::focus::is_big(s));
    let focus = scene.as_ref().map_or(Focus::All, |sc| {
        crate::focus::focus(sc, &st.selection, st.focus_node.as_ref(), st.flow_filter)
    });
    let show_aggregate = big && focus == Focus::All;
    let flows: Rc<(Vec<Flow>, bool)> = {
        (*use_memo(
            (
                derived.clone(),
                scene.clone(),
                focus,
                filter,
                st.flow_filter,
            ),
            |(d, sc, focus, filter, ff)| {
                let (Some(d), Some(sc)) = (d, sc) else {
                    return Rc::new((Vec::new(), false));
                };
                Rc::new(crate::focus::drawn_flows(d, sc, focus, *filter, *ff))
            },
        ))
        .clone()
    };

    // Above a dozen nodes and before anything is selected: flows summed per namespace pair.
    let aggregate: Rc<Vec<crate::aggregate::Aggregate>> = (*use_memo(
        (derived.clone(), scene.clone(), show_aggregate),
        |(d, sc, show)| match (d, sc, show) {
            (Some(d), Some(sc), true) => Rc::new(crate::aggregate::namespace_aggregate(d, sc)),
            _ => Rc::new(Vec::new()),
        },
    ))
    .clone();

    // What-if: mark flows whose verdict changed with the last switch, for a few seconds.
    let changes = use_state(|| Rc::new(whatif::Verdicts::new()));
    let prev_flows = use_mut_ref(|| (0u64, whatif::Verdicts::new()));
    let change_timer: Rc<RefCell<Option<Timeout>>> = use_mut_ref(|| None);
    {
        let changes = changes.clone();
        let prev_flows = prev_flows.clone();
        let change_timer = change_timer.clone();
        let generation = st.whatif_generation;
        let scene = scene.clone();
        use_effect_with(flows.clone(), move |flows| {
            let Some(sc) = scene else { return };
            let now = whatif::verdicts(&sc, &flows.0);
            let mut prev = prev_flows.borrow_mut();
            if prev.0 != generation {
                let changed = whatif::changed(&prev.1, &now);
                if !changed.is_empty() {
                    changes.set(Rc::new(changed));
                    let changes = changes.clone();
                    *change_timer.borrow_mut() = Some(Timeout::new(CHANGE_MARK_MS, move || {
                        changes.set(Rc::new(whatif::Verdicts::new()))
                    }));
                }
            }
            *prev = (generation, now);
        });
    }

    // Callbacks: stable across renders (they only dispatch), so that a keystroke does not
    // re-render the graph, the policy list or the inspector.
    let dispatcher = store.dispatcher();
    // The latest state, for callbacks that read it when called (copy link).
    let latest = use_mut_ref(State::default);
    *latest.borrow_mut() = st.clone();
    let on_input = use_callback(dispatcher.clone(), |t: String, d| {
        d.dispatch(Action::Edit(t))
    });
    // lessons: a lesson file opened or dropped goes to the lesson column, not the editor.
    let lesson_file = use_state(|| None::<(u64, Rc<String>)>);
    let lesson_toggle = use_state(|| 0u64);
    let lesson_nonce = use_mut_ref(|| 0u64);
    let on_load = {
        let (lesson_file, nonce) = (lesson_file.setter(), lesson_nonce.clone());
        use_callback(dispatcher.clone(), move |l: crate::state::Loaded, d| {
            if engine::lesson::is_lesson(&l.text) {
                *nonce.borrow_mut() += 1;
                lesson_file.set(Some((*nonce.borrow(), Rc::new(l.text))));
            } else {
                d.dispatch(Action::Load(l))
            }
        })
    };
    let on_lessons = {
        let (lesson_toggle, nonce) = (lesson_toggle.setter(), lesson_nonce.clone());
        use_callback((), move |_: (), _| {
            *nonce.borrow_mut() += 1;
            lesson_toggle.set(*nonce.borrow());
        })
    };
    // end lessons
    let on_undo = use_callback(dispatcher.clone(), |_: (), d| d.dispatch(Action::Undo));
    let on_trace = use_callback(dispatcher.clone(), |t: bool, d| {
        d.dispatch(Action::SetTrace(t))
    });
    let on_versions_close = use_callback(dispatcher.clone(), |_: (), d| {
        d.dispatch(Action::SetVersionsOpen(false))
    });
    let on_select = use_callback(dispatcher.clone(), |s: Selection, d| {
        d.dispatch(Action::Select(s))
    });
    let on_clear = use_callback(dispatcher.clone(), |_: (), d| {
        d.dispatch(Action::ClearSelection)
    });
    let on_toggle_expand = use_callback(dispatcher.clone(), |k: NodeId, d| {
        d.dispatch(Action::ToggleExpand(k))
    });
    let on_toggle_policy = use_callback(dispatcher.clone(), |k: PolicyKey, d| {
        d.dispatch(Action::TogglePolicy(k))
    });
    let on_aspect = {
        let aspect = aspect.clone();
        use_callback((), move |a: f64, _| aspect.set(a))
    };
    let on_line = use_callback(
        (dispatcher.clone(), analyzed.good.clone()),
        |line: u32, (d, good)| {
            let (a, b) = good
                .as_ref()
                .map_or((line, line), |a| span_at_line(&a.0, line));
            d.dispatch(Action::Highlight(a, b));
        },
    );
    let on_span = use_callback(dispatcher.clone(), |s: engine::explanation::SpanRef, d| {
        d.dispatch(Action::HighlightSpan(
            s.line,
            s.column,
            s.end_line,
            s.end_column,
        ))
    });
    let on_jump = use_callback(dispatcher.clone(), |(a, b): (u32, u32), d| {
        d.dispatch(Action::Highlight(a, b))
    });
    let on_action = use_callback(dispatcher.clone(), |a: Action, d| d.dispatch(a));
    let on_copy_link = {
        let latest = latest.clone();
        use_callback(dispatcher.clone(), move |_: (), d| {
            let frag = share::encode(&latest.borrow().to_shared());
            let url = format!("{}#{}", web::base_url(), frag);
            web::copy_to_clipboard(&url);
            d.dispatch(Action::Notice(Some(format!(
                "link copied ({} KB):|{url}",
                url.len().div_ceil(1024)
            ))));
        })
    };
    let on_notice_close = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| store.dispatch(Action::Notice(None)))
    };
    // quick fixes: the fix is typing-like (the editor's undo takes it back); say so.
    let on_fixed = use_callback(dispatcher.clone(), |title: String, d| {
        d.dispatch(Action::Notice(Some(format!(
            "fixed: {} (Ctrl+Z in the editor undoes it)",
            title.replace('`', "")
        ))))
    });
    // end quick fixes
    let on_undo_click = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| store.dispatch(Action::Undo))
    };
    // presenter view: the main window sends its state on every change (and to a presenter
    // that says hello); the presenter applies it and sends its arrow keys back.
    let present_step = use_state(|| None::<crate::present::StepView>);
    let remote_step = use_state(|| (0u64, false));
    let connected = use_state_eq(|| false);
    let channel = use_mut_ref(|| None::<crate::components::presenter::Channel>);
    let last_sent = use_mut_ref(|| None::<crate::present::Message>);
    {
        let (channel, last_sent, latest) = (channel.clone(), last_sent.clone(), latest.clone());
        let (dispatcher, present_step, remote_step, connected) = (
            dispatcher.clone(),
            present_step.setter(),
            remote_step.clone(),
            connected.setter(),
        );
        use_effect_with((), move |_| {
            use crate::present::Message;
            let reply = channel.clone();
            let ch = crate::components::presenter::Channel::open(move |m| match m {
                Message::State {
                    text,
                    off,
                    flow,
                    paused,
                    lesson,
                } if presenting_now => {
                    let st = latest.borrow().clone();
                    for a in crate::present::follow(&st, text, &off, flow, paused) {
                        dispatcher.dispatch(a);
                    }
                    present_step.set(lesson);
                    connected.set(true);
                }
                Message::Hello if !presenting_now => {
                    if let (Some(c), Some(m)) =
                        (reply.borrow().as_ref(), last_sent.borrow().as_ref())
                    {
                        c.post(m);
                    }
                }
                Message::Step { forward } if !presenting_now => {
                    remote_step.set((remote_step.0 + 1, forward));
                }
                _ => {}
            });
            if presenting_now {
                if let Some(c) = &ch {
                    c.post(&Message::Hello);
                }
            }
            *channel.borrow_mut() = ch;
            let closing = channel.clone();
            move || drop(closing.borrow_mut().take())
        });
    }
    {
        let (channel, last_sent) = (channel.clone(), last_sent.clone());
        let flow = match &st.selection {
            Selection::Flow { from, to } => Some((from.clone(), to.clone())),
            _ => None,
        };
        use_effect_with(
            (
                st.text.clone(),
                st.off.clone(),
                flow,
                st.paused,
                (*present_step).clone(),
            ),
            move |(text, off, flow, paused, lesson)| {
                if presenting_now {
                    return;
                }
                let m = crate::present::Message::State {
                    text: text.clone(),
                    off: off.clone(),
                    flow: flow.clone(),
                    paused: *paused,
                    lesson: lesson.clone(),
                };
                if let Some(c) = channel.borrow().as_ref() {
                    c.post(&m);
                }
                *last_sent.borrow_mut() = Some(m);
            },
        );
    }
    // The presenter's arrow keys step the main window's lesson.
    {
        let channel = channel.clone();
        use_effect_with((), move |_| {
            let listener = presenting_now.then(|| {
                web::on_document_keydown(move |e: web_sys::KeyboardEvent| {
                    let modified = e.alt_key()
                        || e.ctrl_key()
                        || e.meta_key()
                        || e.shift_key()
                        || e.default_prevented();
                    if let Some(forward) = crate::present::arrow(&e.key(), modified) {
                        e.prevent_default();
                        if let Some(c) = channel.borrow().as_ref() {
                            c.post(&crate::present::Message::Step { forward });
                        }
                    }
                })
            });
            move || drop(listener)
        });
    }
    let on_present = {
        let setter = present_step.setter();
        use_callback((), move |v: Option<crate::present::StepView>, _| {
            setter.set(v)
        })
    };
    // end presenter view
    // Escape anywhere outside a text field clears the selection.
    {
        let store = store.clone();
        use_effect_with((), move |_| {
            let listener = web::on_document_keydown(move |e: web_sys::KeyboardEvent| {
                if e.key() != "Escape" {
                    return;
                }
                let in_field = e
                    .target()
                    .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
                    .is_some_and(|el| {
                        matches!(el.tag_name().as_str(), "TEXTAREA" | "INPUT" | "SELECT")
                    });
                if !in_field {
                    store.dispatch(Action::ClearSelection);
                }
            });
            move || drop(listener)
        });
    }

    // Inspector content: recomputed only when what it shows changes (not per keystroke).
    let content: Rc<Content> = (*use_memo(
        (
            st.selection.clone(),
            derived.clone(),
            scene.clone(),
            flows.clone(),
            filter,
            st.matrix_pods,
            st.matrix_all_ports,
        ),
        |(selection, derived, scene, flows, filter, by_pod, all_ports)| {
            Rc::new(match (derived.as_ref(), scene.as_ref()) {
                (Some(d), Some(sc)) => crate::inspector::content(
                    selection, d, sc, &flows.0, *filter, *by_pod, *all_ports,
                ),
                _ => Content::Empty,
            })
        },
    ))
    .clone();

    // The traced flow's two gates.
    let gates: Option<(crate::decision::Gate, crate::decision::Gate)> =
        match (&st.selection, st.trace, derived.as_ref(), scene.as_ref()) {
            (Selection::Flow { from, to }, true, Some(d), Some(sc)) => {
                crate::focus::drawn_flow(sc, &flows.0, from, to)
                    .and_then(|f| crate::decision::gates(d, sc, f))
            }
            _ => None,
        };
    // allow / block this flow: the suggestion goes in as a load (Undo and Ctrl+Z bring back the text).
    let on_suggest_apply = use_callback(dispatcher.clone(), |text: String, d| {
        d.dispatch(Action::Load(crate::state::Loaded {
            text,
            what: "the suggested policy (Undo or Ctrl+Z brings back your text)".into(),
            time_ms: web::now_epoch_ms(),
        }))
    });
    let suggest = match (&st.selection, derived.as_ref(), scene.as_ref()) {
        (Selection::Flow { from, to }, Some(d), Some(sc)) => {
            let text = Rc::new(st.text.clone());
            let on_apply = on_suggest_apply.clone();
            crate::components::suggest_flow::for_flow(
                d, sc, &flows.0, from, to, filter, text, on_apply,
            )
        }
        _ => Html::default(),
    };
    let selected_policy = match &st.selection {
        Selection::Policy(p) => Some(p.clone()),
        _ => None,
    };
    let policy_nodes: Rc<BTreeSet<NodeId>> =
        match (&selected_policy, derived.as_ref(), scene.as_ref()) {
            (Some(p), Some(d), Some(sc)) => Rc::new(
                flows::policy_nodes(d, sc, p)
                    .into_iter()
                    .filter_map(|i| sc.nodes.get(i).map(|n| n.id.clone()))
                    .collect(),
            ),
            _ => Rc::new(BTreeSet::new()),
        };
    let hint = crate::focus::hint(
        scene.as_deref(),
        &flows,
        st.focus_node.is_none() && selected_policy.is_none(),
        !aggregate.is_empty(),
        *pending,
    );
    let status = crate::analysis::status(
        derived
            .as_ref()
            .map(|d| (d.eff.cluster.pods.len(), d.eff.cluster.policies.len())),
        &analyzed.diagnostics,
        analyzed.millis,
    );

    let notice = st.notice.clone();
    let (notice_text, notice_link) = match notice.as_deref().and_then(|n| n.split_once(":|")) {
        Some((t, l)) => (Some(t.to_string()), Some(l.to_string())),
        None => (notice.clone(), None),
    };

    html! {
        <div class={classes!("app", st.paused.then_some("paused"), presenting_now.then_some("presenting"))}>
            if !presenting_now {
            <Toolbar
                state_view={st.view}
                theme={st.theme}
                paused={st.paused}
                on_load={on_load.clone()}
                on_action={on_action.clone()}
                on_copy_link={on_copy_link}
                versions_open={st.versions_open}
                on_lessons={on_lessons}
            />
            }
            if let Some(w) = st.storage_warning.clone() {
                <div id="storage-warning" class="banner warn" role="alert">{w}</div>
            }
            if let Some(n) = notice_text {
                <div id="notice" class="banner" role="status">
                    <span>{n}</span>
                    if st.undo.is_some() && st.unsaved_load {
                        <button id="undo" onclick={on_undo_click} title="bring back the text this replaced (Ctrl+Z in the editor does it too)">{"Undo"}</button>
                    }
                    if let Some(l) = notice_link {
                        <input id="share-url" type="text" readonly=true value={l} aria-label="share link" />
                    }
                    <button class="close" onclick={on_notice_close} aria-label="close">{"×"}</button>
                </div>
            }
            if st.versions_open {
                <crate::components::versions::VersionsPanel versions={st.versions.clone()}
                    on_load={on_load.clone()} on_action={on_action.clone()} on_close={on_versions_close} />
            }
            if !analyzed.skipped.is_empty() {
                <div id="skipped" class="banner warn" role="alert">
                    {format!("{} {}: {}. {}",
                        if analyzed.skipped.len() == 1 { "A YAML error skips" } else { "YAML errors skip" },
                        if analyzed.skipped.len() == 1 { "one document" } else { "these documents" },
                        analyzed.skipped.iter().map(|d| d.label()).collect::<Vec<_>>().join("; "),
                        if analyzed.dimmed { "Nothing else parses: the graph is the last good one, dimmed." } else { "The other documents are analysed and drawn." })}
                </div>
            }
            <main class="panes">
                // lessons
                if presenting_now {
                    <crate::components::presenter::PresenterStage step={(*present_step).clone()} connected={*connected} />
                } else {
                <LessonDock
                    text={AttrValue::from(st.text.clone())}
                    analysis={analyzed.good.as_ref().map(|g| AnalysisRef(g.0.clone()))}
                    pending={*pending}
                    scene={scene.clone()}
                    toggle={*lesson_toggle}
                    file={(*lesson_file).clone()}
                    on_main={on_action.clone()}
                    on_present={on_present}
                    remote_step={*remote_step}
                />
                }
                // end lessons
                if !presenting_now {
                <section class="pane editor-pane" aria-label="manifests">
                    <Editor
                        text={AttrValue::from(st.text.clone())}
                        generation={st.text_generation}
                        diagnostics={analyzed.diagnostics.clone()}
                        highlight={st.highlight}
                        highlight_span={st.highlight_span}
                        jump_nonce={st.jump_nonce}
                        on_input={on_input}
                        on_load={on_load.clone()}
                        undo_load={st.undo.is_some() && st.unsaved_load}
                        on_undo={on_undo}
                    />
                    <Diagnostics diagnostics={analyzed.diagnostics.clone()} skipped={analyzed.skipped.clone()} on_jump={on_jump}
                        quick={analyzed.quick.clone()} on_fixed={on_fixed} />
                </section>
                <crate::components::splitter::Splitter pane={crate::components::splitter::Pane::Editor} /> // room2: splitter
                }
                <section class="pane graph-pane" aria-label="traffic">
                    if !presenting_now {
                    <div class="view-controls" role="toolbar" aria-label="view">
                        <div class="tabs" role="tablist">
                            <button id="view-graph" role="tab" aria-selected={(st.view == View::Graph).to_string()}
                                onclick={let s = store.clone(); move |_| s.dispatch(Action::SetView(View::Graph))}>{"Graph"}</button>
                            <button id="view-matrix" role="tab" aria-selected={(st.view == View::Matrix).to_string()}
                                onclick={let s = store.clone(); move |_| s.dispatch(Action::SetView(View::Matrix))}>{"Matrix"}</button>
                        </div>
                        <label class="field">{"Port "}
                            <input id="port-filter" type="text" placeholder="declared" size="7"
                                class={classes!(port_filter.is_err().then_some("invalid"))}
                                title={port_filter.clone().err().unwrap_or_else(|| "port and protocol, e.g. 80 or 53/UDP; empty: each destination's declared ports".into())}
                                value={st.port_filter.clone()}
                                oninput={let s = store.clone(); move |e: InputEvent| s.dispatch(Action::SetPortFilter(e.target_unchecked_into::<web_sys::HtmlInputElement>().value()))} />
                        </label>
                        <label class="field">{"Flows "}
                            <select id="flow-filter"
                                onchange={let s = store.clone(); move |e: Event| s.dispatch(Action::SetFlowFilter(FlowFilter::parse(&e.target_unchecked_into::<web_sys::HtmlSelectElement>().value())))}>
                                { for FlowFilter::ALL.iter().map(|f| html! {
                                    <option value={f.as_str()} selected={*f == st.flow_filter}>{f.as_str()}</option>
                                }) }
                            </select>
                        </label>
                        <label class="field check" title="also draw each workload's calls to its own Service (hairpin, CNI-dependent) and the reverse of calls (to pods that declare no port)">
                            <input id="show-all-flows" type="checkbox" checked={st.show_all_flows}
                                onchange={let s = store.clone(); move |_| s.dispatch(Action::ToggleAllFlows)} />
                            {"all flows"}
                        </label>
                        <span id="status" class="status" aria-live="polite" title={status.clone()}>{status.clone()}</span>
                        <crate::components::reach_announce::ReachAnnounce derived={derived.clone()} /> // accessibility
                    </div>
                    }
                    if st.view == View::Graph {
                        <Graph
                            scene={scene.clone()}
                            flows={flows.clone()}
                            selection={st.selection.clone()}
                            focus_node={st.focus_node.clone()}
                            policy_nodes={policy_nodes}
                            selected_policy={selected_policy.clone()}
                            changes={(*changes).clone()}
                            dimmed={analyzed.dimmed}
                            pending={*pending}
                            hint={hint}
                            show_all_flows={st.show_all_flows}
                            aggregate={aggregate.clone()}
                            gates={gates}
                            on_select={on_select.clone()}
                            on_clear={on_clear}
                            on_toggle_expand={on_toggle_expand}
                            on_aspect={on_aspect}
                            max_fit_scale={if presenting_now { PRESENTER_MAX_FIT_SCALE } else { crate::components::graph::MAX_FIT_SCALE }}
                        />
                    } else {
                        <Matrix
                            derived={derived.clone()}
                            port={filter}
                            all_declared={st.matrix_all_ports}
                            by_pod={st.matrix_pods}
                            selection={st.selection.clone()}
                            dimmed={analyzed.dimmed}
                            pending={*pending}
                            on_select={on_select.clone()}
                            on_action={on_action.clone()}
                        />
                    }
                </section>
                if !presenting_now {
                <crate::components::splitter::Splitter pane={crate::components::splitter::Pane::Side} /> // room2: splitter
                <aside class="pane side-pane">
                    <Policies
                        rejected={analyzed.rejected.clone()}
                        on_jump={on_line.clone()}
                        derived={derived.clone()}
                        off={Rc::new(st.off.clone())}
                        selected={selected_policy}
                        on_select={on_select}
                        on_toggle={on_toggle_policy}
                    />
                    <Explanation content={content} on_line={on_line} on_span={on_span}
                        traceable={matches!(st.selection, Selection::Flow { .. }) && st.view == View::Graph}
                        trace={st.trace} on_trace={on_trace} {suggest} />
                </aside>
                }
            </main>
        </div>
    }
}
