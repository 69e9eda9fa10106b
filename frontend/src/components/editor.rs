//! The manifest editor: a transparent `<textarea id="editor">` over a syntax-coloured `<pre>`,
//! in one scrolling box with a line-number gutter that carries the diagnostic markers.
//! The layers are plain HTML strings (cheap to rebuild on every keystroke); the textarea is the
//! only thing that holds input, so nothing typed is ever lost.

use std::collections::BTreeMap;
use std::rc::Rc;

use engine::{Diagnostic, Severity};
use yew::prelude::*;

use crate::highlight::{escape, highlight, line_start_utf16, pos_utf16};
use crate::web;

/// Must match `--line` in style.css.
const LINE_PX: f64 = 20.0;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub text: AttrValue,
    pub generation: u64,
    pub diagnostics: Rc<Vec<Diagnostic>>,
    pub highlight: Option<(u32, u32)>,
    /// An exact range within the highlighted lines (line, column, end line, end column).
    #[prop_or_default]
    pub highlight_span: Option<(u32, u32, u32, u32)>,
    pub jump_nonce: u64,
    pub on_input: Callback<String>,
    /// A dropped file's text.
    pub on_load: Callback<crate::state::Loaded>,
    /// Ctrl+Z on a loaded, unedited text brings back the text it replaced.
    pub undo_load: bool,
    pub on_undo: Callback<()>,
}

/// Gutter HTML for lines `first..last` (0-based, exclusive end).
fn gutter_html(first: usize, last: usize, diags: &[Diagnostic]) -> String {
    let mut marks: BTreeMap<u32, (Severity, Vec<String>)> = BTreeMap::new();
    for d in diags {
        let Some(s) = d.span else { continue };
        let e = marks
            .entry(s.start.line)
            .or_insert((d.severity, Vec::new()));
        e.0 = e.0.min(d.severity);
        e.1.push(format!("{}: {}", d.severity.as_str(), d.message));
    }
    let mut out = String::with_capacity((last - first) * 24);
    for i in first + 1..=last {
        match marks.get(&(i as u32)) {
            Some((sev, msgs)) => {
                out.push_str("<div class=\"ln mark ");
                out.push_str(sev.as_str());
                out.push_str("\" data-line=\"");
                out.push_str(&i.to_string());
                out.push_str("\" title=\"");
                escape(&msgs.join("\n"), &mut out);
                out.push_str("\">");
                out.push_str(&i.to_string());
                out.push_str("</div>");
            }
            None => {
                out.push_str("<div class=\"ln\">");
                out.push_str(&i.to_string());
                out.push_str("</div>");
            }
        }
    }
    out
}

/// Lines rendered beyond the visible ones, on each side.
const MARGIN_LINES: usize = 60;

/// The window of lines to render for a scroll position.
fn window_for(scroll_top: f64, height: f64) -> (usize, usize) {
    let first = (scroll_top / LINE_PX).floor().max(0.0) as usize;
    let last = ((scroll_top + height.max(400.0)) / LINE_PX).ceil() as usize;
    (first.saturating_sub(MARGIN_LINES), last + MARGIN_LINES)
}

#[function_component(Editor)]
pub fn editor(p: &Props) -> Html {
    let scroll = use_node_ref();
    let area = use_node_ref();
    let dragging = use_state(|| false);
    let text = p.text.as_str();
    let lines = text.split('\n').count();
    let cols = text
        .split('\n')
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0);

    // Only the lines near the viewport are coloured and numbered, so a keystroke costs the same
    // for a 20-line and a 5000-line text (the textarea itself always holds everything).
    let win = use_state(|| window_for(0.0, 1200.0));
    let hl_ref = use_node_ref();
    let gut_ref = use_node_ref();
    let (first, last) = (win.0.min(lines), win.1.min(lines));
    {
        let hl_ref = hl_ref.clone();
        use_effect_with((p.text.clone(), first, last), move |(text, first, last)| {
            if let Some(el) = hl_ref.cast::<web_sys::Element>() {
                let slice: Vec<&str> = text.split('\n').skip(*first).take(last - first).collect();
                el.set_inner_html(&highlight(&slice.join("\n")));
            }
        });
    }
    {
        let gut_ref = gut_ref.clone();
        use_effect_with(
            (first, last, p.diagnostics.clone()),
            move |(first, last, diags)| {
                if let Some(el) = gut_ref.cast::<web_sys::Element>() {
                    el.set_inner_html(&gutter_html(*first, *last, diags));
                }
            },
        );
    }
    let onscroll = {
        let win = win.clone();
        Callback::from(move |e: Event| {
            let el = e.target_unchecked_into::<web_sys::Element>();
            let top = el.scroll_top() as f64;
            let h = el.client_height() as f64;
            let (vis_first, vis_last) =
                ((top / LINE_PX) as usize, ((top + h) / LINE_PX) as usize + 1);
            let (a, b) = *win;
            if (a > 0 && vis_first < a + 10) || vis_last + 10 > b {
                win.set(window_for(top, h));
            }
        })
    };

    // Scroll to highlighted lines on request.
    {
        let scroll = scroll.clone();
        let area = area.clone();
        let target = p.highlight;
        let span = p.highlight_span;
        let text = p.text.clone();
        use_effect_with(p.jump_nonce, move |nonce| {
            if *nonce == 0 {
                return;
            }
            if let (Some((a, _)), Some(el)) = (target, scroll.cast::<web_sys::HtmlElement>()) {
                let top = ((a as f64 - 1.0) * LINE_PX - 3.0 * LINE_PX).max(0.0);
                el.set_scroll_top(top as i32);
                if let Some(ta) = area.cast::<web_sys::HtmlTextAreaElement>() {
                    // A span selects exactly its text (so that typing or copying acts on it);
                    // a line jump puts the caret at the line's start.
                    let (from, to) = match span {
                        Some((l, c, el, ec)) => (pos_utf16(&text, l, c), pos_utf16(&text, el, ec)),
                        None => {
                            let off = line_start_utf16(&text, a);
                            (off, off)
                        }
                    };
                    let _ = ta.set_selection_range(from as u32, to as u32);
                }
            }
        });
    }
    // The textarea's value is written only for a text that does not come from typing (first
    // render, example, file, link): writing a long text back on every keystroke would make the
    // browser rebuild and lay out the whole textarea each time.
    {
        let area = area.clone();
        let text = p.text.clone();
        use_effect_with(p.generation, move |_| {
            if let Some(ta) = area.cast::<web_sys::HtmlTextAreaElement>() {
                if ta.value() != text.as_str() {
                    ta.set_value(&text);
                }
            }
        });
    }
    // A new text (example, file, link) starts at the top.
    {
        let scroll = scroll.clone();
        use_effect_with(p.generation, move |_| {
            if let Some(el) = scroll.cast::<web_sys::HtmlElement>() {
                el.set_scroll_top(0);
                el.set_scroll_left(0);
            }
        });
    }

    // Keys: Tab / Shift+Tab indent and outdent (Escape first lets Tab leave the editor, as in
    // code editors); Ctrl+Z on an unedited loaded text brings back what it replaced.
    let escaped = use_mut_ref(|| false);
    let onkeydown = {
        let undo_load = p.undo_load;
        let on_undo = p.on_undo.clone();
        let escaped = escaped.clone();
        Callback::from(move |e: KeyboardEvent| {
            let key = e.key();
            let was_escaped = std::mem::replace(&mut *escaped.borrow_mut(), key == "Escape");
            if undo_load
                && (e.ctrl_key() || e.meta_key())
                && !e.shift_key()
                && key.eq_ignore_ascii_case("z")
            {
                e.prevent_default();
                on_undo.emit(());
                return;
            }
            // Enter keeps the block structure (`key:` opens a block, list items continue).
            if key == "Enter" && !e.ctrl_key() && !e.alt_key() && !e.meta_key() && !e.shift_key() {
                let ta = e.target_unchecked_into::<web_sys::HtmlTextAreaElement>();
                let caret = ta.selection_start().ok().flatten().unwrap_or(0) as usize;
                let before: String = char::decode_utf16(ta.value().encode_utf16().take(caret))
                    .filter_map(Result::ok)
                    .collect();
                let line = before.rsplit('\n').next().unwrap_or_default();
                let indent = crate::highlight::newline_indent(line);
                if !indent.is_empty() && web::insert_text(&format!("\n{indent}")) {
                    e.prevent_default();
                }
                return;
            }
            if key == "Tab" && !was_escaped && !e.ctrl_key() && !e.alt_key() && !e.meta_key() {
                let ta = e.target_unchecked_into::<web_sys::HtmlTextAreaElement>();
                if crate::web::indent(&ta, e.shift_key()) {
                    e.prevent_default();
                }
            }
        })
    };
    let oninput = {
        let cb = p.on_input.clone();
        Callback::from(move |e: InputEvent| {
            let ta = e.target_unchecked_into::<web_sys::HtmlTextAreaElement>();
            cb.emit(ta.value());
        })
    };
    let ondragover = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if !*dragging {
                dragging.set(true);
            }
        })
    };
    let ondragleave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let ondrop = {
        let on_load = p.on_load.clone();
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            dragging.set(false);
            let file = e
                .data_transfer()
                .and_then(|dt| dt.files())
                .and_then(|f| f.get(0));
            if let Some(file) = file {
                e.prevent_default();
                let on_load = on_load.clone();
                let name = file.name();
                web::read_file(file, move |r| {
                    if let Ok(t) = r {
                        on_load.emit(crate::state::Loaded {
                            text: t,
                            what: format!("the file {name}"),
                            time_ms: web::now_epoch_ms(),
                        });
                    }
                });
            }
        })
    };
    let bands = p.highlight.map(|(a, b)| {
        let top = (a as f64 - 1.0) * LINE_PX;
        let h = (b.saturating_sub(a) + 1) as f64 * LINE_PX;
        html! { <div class="hl-band" style={format!("top:calc({top}px + var(--pad));height:{h}px")} /> }
    });
    // The exact range: one mark per line it covers, in character columns (`ch`, the editor
    // is monospaced).
    let span_bands = p.highlight_span.map(|(l, c, el, ec)| {
        let lines: Vec<&str> = p.text.split('\n').collect();
        (l..=el)
            .map(|n| {
                let len = lines.get(n.saturating_sub(1) as usize).map_or(0, |t| t.chars().count() as u32);
                let from = if n == l { c.saturating_sub(1) } else { 0 };
                let to = if n == el { ec.saturating_sub(1) } else { len };
                let top = (n as f64 - 1.0) * LINE_PX;
                html! { <div class="span-band" data-span-band={format!("{n}:{}-{}", from + 1, to + 1)}
                    style={format!("top:calc({top}px + var(--pad));left:calc(var(--pad) + {from}ch);width:{}ch", to.saturating_sub(from).max(1))} /> }
            })
            .collect::<Html>()
    });
    let diag_bands = p.diagnostics.iter().filter_map(|d| {
        let s = d.span?;
        let top = (s.start.line as f64 - 1.0) * LINE_PX;
        Some(html! { <div class={classes!("diag-band", d.severity.as_str())} style={format!("top:calc({top}px + var(--pad))")} /> })
    });
    let height = format!(
        "height:calc({}px + 2 * var(--pad))",
        (lines as f64 + 1.0) * LINE_PX
    );
    let width = format!("min-width:calc({}ch + 2 * var(--pad) + 2ch)", cols);

    // Templates: inserted as a document of its own after the caret's document, as typing
    // would (Ctrl+Z takes it back).
    let on_template = {
        let area = area.clone();
        Callback::from(move |e: Event| {
            let sel = e.target_unchecked_into::<web_sys::HtmlSelectElement>();
            let id = sel.value();
            sel.set_value("");
            let (Some(t), Some(ta)) = (
                crate::templates::by_id(&id),
                area.cast::<web_sys::HtmlTextAreaElement>(),
            ) else {
                return;
            };
            let text = ta.value();
            let caret16 = ta.selection_start().ok().flatten().unwrap_or(0) as usize;
            let before: String = char::decode_utf16(text.encode_utf16().take(caret16))
                .filter_map(Result::ok)
                .collect();
            let line = before.split('\n').count() as u32;
            let (at, ins) = crate::templates::insertion(&text, line, t.text);
            let at16: usize = text.chars().take(at).map(char::len_utf16).sum();
            let _ = ta.focus();
            let _ = ta.set_selection_range(at16 as u32, at16 as u32);
            web::insert_text(&ins);
        })
    };
    html! {
        <div class={classes!("editor", (*dragging).then_some("dragging"))} {ondragover} {ondragleave} {ondrop}>
            <div class="editor-bar">
                <select id="templates" aria-label="insert a policy template after the caret's document" onchange={on_template} onkeydown={Callback::from(web::guard_closed_menu)}>
                    <option value="" selected=true>{"Insert a policy…"}</option>
                    { for crate::templates::TEMPLATES.iter().map(|t| html! { <option value={t.id}>{t.title}</option> }) }
                </select>
            </div>
            <div class="editor-scroll" ref={scroll} {onscroll}>
                <div class="editor-inner" style={height.clone()}>
                    <div class="gutter" aria-hidden="true">
                        <div class="gutter-lines" ref={gut_ref} style={format!("margin-top:{}px", first as f64 * LINE_PX)} />
                    </div>
                    <div class="code" style={width}>
                        <div class="bands" aria-hidden="true">
                            { for diag_bands }
                            { for bands }
                            { for span_bands }
                        </div>
                        <pre class="hl" ref={hl_ref} aria-hidden="true" style={format!("top:{}px", first as f64 * LINE_PX)} />
                        <textarea id="editor" ref={area}
                            spellcheck="false" autocomplete="off" autocapitalize="off" wrap="off"
                            aria-label="Kubernetes manifests (YAML)"
                            {oninput} {onkeydown} />
                    </div>
                </div>
            </div>
        </div>
    }
}
