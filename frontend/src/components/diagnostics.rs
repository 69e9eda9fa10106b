//! The diagnostics list: each entry jumps to its line in the editor; a diagnostic with a clear
//! remedy (`engine::fix`) gets a "Fix: …" button, and several fixes a "Fix all" button.

use std::rc::Rc;

use engine::Diagnostic;
use yew::prelude::*;

use crate::components::source_ref::Ticks;

use crate::quickfix;
use crate::web;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub diagnostics: Rc<Vec<Diagnostic>>,
    /// Documents skipped for a YAML error: their syntax errors name them.
    pub skipped: Rc<Vec<crate::documents::Doc>>,
    /// Lines to highlight (first, last).
    pub on_jump: Callback<(u32, u32)>,
    /// The fixes of the diagnostics, and the text they apply to.
    #[prop_or_default]
    pub quick: Rc<quickfix::QuickFixes>,
    /// A fix went in: its title (for the notice).
    #[prop_or_default]
    pub on_fixed: Callback<String>,
}

/// Puts `new` into the editor as one replacement of what changed, like typing: the browser's
/// undo (Ctrl+Z) takes it back and the input event reaches the reducer. Only when the editor
/// still holds `base` (the text the fix was computed from): nothing typed since is lost.
fn put_in_editor(base: &str, new: &str) -> bool {
    use wasm_bindgen::JsCast;
    let Some(ta) = web::document()
        .and_then(|d| d.get_element_by_id("editor"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
    else {
        return false;
    };
    let current = ta.value();
    if current != base {
        return false;
    }
    let (start, end, ins) = quickfix::splice(&current, new);
    let _ = ta.focus();
    let _ = ta.set_selection_range(start, end);
    if web::insert_text(&ins) && ta.value() == new {
        return true;
    }
    // No `execCommand`: write the value and report it as typing (no browser undo then).
    if ta.value() == current {
        ta.set_value(new);
        // Bubbling, so that the page's delegated listener sees it.
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        if let Ok(ev) = web_sys::Event::new_with_event_init_dict("input", &init) {
            let _ = ta.dispatch_event(&ev);
        }
    }
    ta.value() == new
}

#[function_component(Diagnostics)]
pub fn diagnostics(p: &Props) -> Html {
    let n = p.diagnostics.len();
    let q = &p.quick;
    let count_fixes = q.fixes.iter().flatten().count();
    let apply = {
        let base = q.text.clone();
        let on_fixed = p.on_fixed.clone();
        move |new: String, title: String| {
            let base = base.clone();
            let on_fixed = on_fixed.clone();
            Callback::from(move |_: MouseEvent| {
                if put_in_editor(&base, &new) {
                    on_fixed.emit(title.clone());
                }
            })
        }
    };
    let fix_all = (count_fixes > 1 && !q.all.is_empty()).then(|| {
        let new = quickfix::fixed_all(&q.text, &q.all);
        let on_click = apply(new, format!("{count_fixes} fixes"));
        html! {
            <button id="fix-all" class="fix-all" onclick={on_click}
                title="apply every quick fix below (Ctrl+Z in the editor takes it back)">
                {format!("Fix all ({count_fixes})")}
            </button>
        }
    });
    html! {
        <details class="diagnostics" open=true>
            <summary>{ if n == 0 { "No problems".to_string() } else { format!("{n} problem{}", if n == 1 { "" } else { "s" }) } }</summary>
            // Not inside the summary: a button there is nested interactive content.
            if let Some(b) = fix_all { <div class="fix-all-bar">{b}</div> }
            <ul id="diagnostics">
                { for p.diagnostics.iter().enumerate().map(|(i, d)| {
                    let line = d.span.map_or(0, |s| s.start.line);
                    let end = d.span.map_or(0, |s| s.end.line.max(s.start.line));
                    let on_jump = p.on_jump.clone();
                    let sev = d.severity.as_str();
                    let skips = (d.code == engine::Code::YamlSyntax)
                        .then(|| p.skipped.iter().find(|doc| doc.contains(line)))
                        .flatten()
                        .map(|doc| format!("skips {}", doc.label()));
                    let fix = q.fixes.get(i).and_then(Option::as_ref).map(|f| {
                        let on_click = apply(quickfix::fixed(&q.text, f), f.title.clone());
                        let where_ = if line > 0 { format!(" (line {line})") } else { String::new() };
                        html! {
                            <button class="fix" data-fix={f.title.clone()} data-code={d.code.as_str()}
                                onclick={on_click}
                                aria-label={format!("{}{where_}", quickfix::label(f))}
                                title="applies this change in the editor (Ctrl+Z takes it back)">
                                {"Fix: "}<Ticks text={AttrValue::from(f.title.clone())} />
                            </button>
                        }
                    });
                    html! {
                        <li data-line={line.to_string()} data-severity={sev} data-code={d.code.as_str()} class={classes!("diag", sev)}>
                            <button onclick={move |_| if line > 0 { on_jump.emit((line, line.max(end.min(line + 40)))) }}
                                title={d.help.clone().unwrap_or_default()}>
                                <span class="sev">{sev}</span>
                                <span class="where">{ if line > 0 { format!("line {line}") } else { String::new() } }</span>
                                <span class="msg"><Ticks text={AttrValue::from(d.message.clone())} />
                                    if let Some(sk) = skips { <span class="skips">{format!(" — {sk}")}</span> }
                                </span>
                                <span class="code">{d.code.as_str()}</span>
                            </button>
                            if let Some(h) = &d.help { <div class="help"><Ticks text={AttrValue::from(h.clone())} /></div> }
                            { for fix }
                        </li>
                    }
                }) }
            </ul>
        </details>
    }
}
