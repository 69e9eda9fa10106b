//! The diagnostics list: each entry jumps to its line in the editor.

use std::rc::Rc;

use engine::Diagnostic;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub diagnostics: Rc<Vec<Diagnostic>>,
    /// Documents skipped for a YAML error: their syntax errors name them.
    pub skipped: Rc<Vec<crate::documents::Doc>>,
    /// Lines to highlight (first, last).
    pub on_jump: Callback<(u32, u32)>,
}

/// `user values` in backticks → `<code>`.
fn ticks(s: &str) -> Html {
    html! {
        { for s.split('`').enumerate().map(|(i, part)| if i % 2 == 1 {
            html! { <code>{part.to_string()}</code> }
        } else {
            html! { {part.to_string()} }
        }) }
    }
}

#[function_component(Diagnostics)]
pub fn diagnostics(p: &Props) -> Html {
    let n = p.diagnostics.len();
    html! {
        <details class="diagnostics" open=true>
            <summary>{ if n == 0 { "No problems".to_string() } else { format!("{n} problem{}", if n == 1 { "" } else { "s" }) } }</summary>
            <ul id="diagnostics">
                { for p.diagnostics.iter().map(|d| {
                    let line = d.span.map_or(0, |s| s.start.line);
                    let end = d.span.map_or(0, |s| s.end.line.max(s.start.line));
                    let on_jump = p.on_jump.clone();
                    let sev = d.severity.as_str();
                    let skips = (d.code == engine::Code::YamlSyntax)
                        .then(|| p.skipped.iter().find(|doc| doc.contains(line)))
                        .flatten()
                        .map(|doc| format!("skips {}", doc.label()));
                    html! {
                        <li data-line={line.to_string()} data-severity={sev} data-code={d.code.as_str()} class={classes!("diag", sev)}>
                            <button onclick={move |_| if line > 0 { on_jump.emit((line, line.max(end.min(line + 40)))) }}
                                title={d.help.clone().unwrap_or_default()}>
                                <span class="sev">{sev}</span>
                                <span class="where">{ if line > 0 { format!("line {line}") } else { String::new() } }</span>
                                <span class="msg">{ticks(&d.message)}
                                    if let Some(sk) = skips { <span class="skips">{format!(" — {sk}")}</span> }
                                </span>
                                <span class="code">{d.code.as_str()}</span>
                            </button>
                            if let Some(h) = &d.help { <div class="help">{ticks(h)}</div> }
                        </li>
                    }
                }) }
            </ul>
        </details>
    }
}
