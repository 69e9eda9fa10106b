//! Thin DOM glue: storage, location, clipboard, downloads, files. Every call tolerates failure
//! (a missing API, a denied permission) and reports it as a value; nothing here panics.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

pub const TEXT_KEY: &str = "netpol-playground.text";
pub const THEME_KEY: &str = "netpol-playground.theme";
/// Named snapshots and recent states (`versions::encode`).
pub const VERSIONS_KEY: &str = "netpol-playground.versions";

/// Milliseconds since the epoch (for versions' times).
pub fn now_epoch_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// "14:05" (local time) of a time in milliseconds since the epoch.
pub fn clock(time_ms: i64) -> String {
    let d = js_sys::Date::new(&JsValue::from_f64(time_ms as f64));
    format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
}

pub fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

pub fn document() -> Option<web_sys::Document> {
    window().and_then(|w| w.document())
}

fn storage() -> Option<web_sys::Storage> {
    window().and_then(|w| w.local_storage().ok().flatten())
}

pub fn load(key: &str) -> Option<String> {
    storage().and_then(|s| s.get_item(key).ok().flatten())
}

/// Saves; on failure returns a plain-words reason (quota exceeded, storage disabled).
pub fn save(key: &str, value: &str) -> Result<(), String> {
    let Some(s) = storage() else {
        return Err("this browser does not let the page use local storage: your text is kept in memory only — download it to keep it".into());
    };
    s.set_item(key, value).map_err(|e| {
        let name = e
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.name()))
            .unwrap_or_default();
        if name.contains("Quota") {
            format!(
                "your text ({} KB) is larger than this browser's storage quota: it is NOT saved and is kept in memory only — use “Download YAML” to keep it",
                value.len() / 1024
            )
        } else {
            "saving to local storage failed: your text is kept in memory only — download it to keep it".into()
        }
    })
}

pub fn location_hash() -> String {
    window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// The page URL without its fragment.
pub fn base_url() -> String {
    let href = window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    href.split('#').next().unwrap_or_default().to_string()
}

/// Replaces the fragment without adding a history entry (`None` removes it).
pub fn replace_hash(fragment: Option<&str>) {
    let Some(w) = window() else { return };
    let url = match fragment {
        Some(f) => format!("{}#{f}", base_url()),
        None => base_url(),
    };
    if let Ok(h) = w.history() {
        let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

pub fn copy_to_clipboard(text: &str) {
    if let Some(w) = window() {
        let clip = w.navigator().clipboard();
        // A rejected promise (no permission) is harmless: the link is also shown in the page.
        let _ = clip.write_text(text);
    }
}

pub fn prefers_dark() -> bool {
    window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}

pub fn set_root_theme(theme: &str) {
    if let Some(el) = document().and_then(|d| d.document_element()) {
        let _ = el.set_attribute("data-theme", theme);
    }
}

/// Starts a download of `data` as `name`.
pub fn download_blob(blob: &web_sys::Blob, name: &str) {
    let Some(doc) = document() else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(blob) else {
        return;
    };
    if let Ok(a) = doc.create_element("a") {
        if let Ok(a) = a.dyn_into::<web_sys::HtmlAnchorElement>() {
            a.set_href(&url);
            a.set_download(name);
            let _ = a.style().set_property("display", "none");
            if let Some(body) = doc.body() {
                let _ = body.append_child(&a);
                a.click();
                let _ = body.remove_child(&a);
            }
        }
    }
    // Revoke later: the download has to start first.
    let u = url.clone();
    gloo_timers::callback::Timeout::new(10_000, move || {
        let _ = web_sys::Url::revoke_object_url(&u);
    })
    .forget();
}

pub fn text_blob(text: &str, mime: &str) -> Option<web_sys::Blob> {
    let parts = js_sys::Array::new();
    parts.push(&JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts).ok()
}

pub fn download_text(text: &str, name: &str, mime: &str) {
    if let Some(b) = text_blob(text, mime) {
        download_blob(&b, name);
    }
}

/// Reads a file as text and calls `done` with it (or with an error message).
pub fn read_file(file: web_sys::File, done: impl FnOnce(Result<String, String>) + 'static) {
    // gloo's reader aborts the read when dropped: it is kept in `slot` until its callback has
    // run, then dropped there (wasm-bindgen defers freeing a closure that drops itself).
    let slot: Rc<RefCell<Option<gloo_file::callbacks::FileReader>>> = Rc::default();
    let keep = Rc::clone(&slot);
    let reader = gloo_file::callbacks::read_as_text(&file.into(), move |text| {
        done(text.map_err(|_| "the file is not text".to_string()));
        keep.borrow_mut().take();
    });
    *slot.borrow_mut() = Some(reader);
}

/// The serialised graph as a standalone SVG document (whole graph, no zoom).
pub fn graph_svg() -> Option<(String, f64, f64)> {
    let doc = document()?;
    let svg = doc.get_element_by_id("graph")?;
    let clone = svg
        .clone_node_with_deep(true)
        .ok()?
        .dyn_into::<web_sys::Element>()
        .ok()?;
    let vb = svg
        .get_attribute("data-full-viewbox")
        .or_else(|| svg.get_attribute("viewBox"))
        .unwrap_or_default();
    let dims: Vec<f64> = vb
        .split_whitespace()
        .filter_map(|v| v.parse().ok())
        .collect();
    let legend_h: f64 = svg
        .get_attribute("data-legend-height")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    let (x, y, w, h) = match dims.as_slice() {
        [x, y, w, h] => (*x, *y, *w, *h + legend_h),
        _ => (0.0, 0.0, 1200.0, 800.0),
    };
    // The legend's three columns need some width.
    let w = w.max(800.0);
    let vb = format!("{x} {y} {w} {h}");
    let _ = clone.set_attribute("viewBox", &vb);
    let _ = clone.set_attribute("width", &format!("{w}"));
    let _ = clone.set_attribute("height", &format!("{h}"));
    let _ = clone.set_attribute("xmlns", "http://www.w3.org/2000/svg");
    let theme = doc
        .document_element()
        .and_then(|e| e.get_attribute("data-theme"))
        .unwrap_or_else(|| "light".into());
    let _ = clone.set_attribute("data-theme", &theme);
    if let Ok(Some(vp)) = clone.query_selector(".viewport") {
        let _ = vp.remove_attribute("transform");
    }
    // The export shows the legend and no selection: every dimmed or highlighted element is
    // drawn plainly, hidden flows stay hidden.
    let _ = clone.class_list().add_1("export");
    for cls in ["dim", "selected", "policy-selected"] {
        if let Ok(list) = clone.query_selector_all(&format!(".{cls}")) {
            for i in 0..list.length() {
                if let Some(el) = list
                    .item(i)
                    .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
                {
                    let _ = el.class_list().remove_1(cls);
                }
            }
        }
    }
    let ser = web_sys::XmlSerializer::new().ok()?;
    let text = ser.serialize_to_string(&clone).ok()?;
    Some((text, w, h))
}

/// Draws the serialised SVG on a canvas and downloads it as PNG.
pub fn export_png(name: &'static str, on_error: impl Fn(String) + 'static) {
    let Some((svg, w, h)) = graph_svg() else {
        on_error("nothing to export".into());
        return;
    };
    let Some(doc) = document() else { return };
    let Ok(img) = web_sys::HtmlImageElement::new() else {
        return;
    };
    let Some(blob) = text_blob(&svg, "image/svg+xml;charset=utf-8") else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let scale = 2.0f64.min(8000.0 / w.max(h).max(1.0)).max(0.25);
    let img2 = img.clone();
    let url2 = url.clone();
    // Exactly one of `load` and `error` fires; both listeners are left on the image.
    gloo_events::EventListener::once(&img, "load", move |_| {
        let _ = web_sys::Url::revoke_object_url(&url2);
        let Ok(canvas) = doc.create_element("canvas") else {
            return;
        };
        let Ok(canvas) = canvas.dyn_into::<web_sys::HtmlCanvasElement>() else {
            return;
        };
        canvas.set_width((w * scale).ceil() as u32);
        canvas.set_height((h * scale).ceil() as u32);
        let Ok(Some(ctx)) = canvas.get_context("2d") else {
            return;
        };
        let Ok(ctx) = ctx.dyn_into::<web_sys::CanvasRenderingContext2d>() else {
            return;
        };
        let bg = if doc
            .document_element()
            .and_then(|e| e.get_attribute("data-theme"))
            .as_deref()
            == Some("dark")
        {
            "#0f172a"
        } else {
            "#ffffff"
        };
        ctx.set_fill_style_str(bg);
        ctx.fill_rect(0.0, 0.0, w * scale, h * scale);
        let _ = ctx.scale(scale, scale);
        let _ = ctx.draw_image_with_html_image_element(&img2, 0.0, 0.0);
        let cb =
            Closure::<dyn FnMut(Option<web_sys::Blob>)>::new(move |b: Option<web_sys::Blob>| {
                if let Some(b) = b {
                    download_blob(&b, name);
                }
            });
        let _ = canvas.to_blob(cb.as_ref().unchecked_ref());
        cb.forget();
    })
    .forget();
    gloo_events::EventListener::once(&img, "error", move |_| {
        on_error("the browser could not draw the graph as an image".into())
    })
    .forget();
    img.set_src(&url);
}

/// Replaces the textarea's selection with `text` the way typing does (the browser's undo
/// history keeps it, and an `input` event follows); false when the browser refuses.
pub fn insert_text(text: &str) -> bool {
    let Some(doc) = document() else { return false };
    let Ok(f) = js_sys::Reflect::get(&doc, &JsValue::from_str("execCommand")) else {
        return false;
    };
    let Ok(f) = f.dyn_into::<js_sys::Function>() else {
        return false;
    };
    f.call3(
        &doc,
        &JsValue::from_str("insertText"),
        &JsValue::FALSE,
        &JsValue::from_str(text),
    )
    .ok()
    .and_then(|v| v.as_bool())
    .unwrap_or(false)
}

/// Tab / Shift+Tab in the editor: indents (or outdents) the selected lines by two spaces, or
/// inserts two spaces at a caret. Undoable (goes through `insert_text`).
pub fn indent(ta: &web_sys::HtmlTextAreaElement, outdent: bool) -> bool {
    let value = ta.value();
    let units: Vec<u16> = value.encode_utf16().collect();
    let (Ok(Some(a)), Ok(Some(b))) = (ta.selection_start(), ta.selection_end()) else {
        return false;
    };
    let (a, b) = (a as usize, b as usize);
    let within = |i: usize| units.get(..i.min(units.len())).unwrap_or_default();
    let before_a = String::from_utf16_lossy(within(a));
    let selected = String::from_utf16_lossy(
        units
            .get(a.min(units.len())..b.min(units.len()))
            .unwrap_or_default(),
    );
    if !outdent && !selected.contains('\n') && a == b {
        return insert_text("  ");
    }
    // Whole lines from the start of the first selected line.
    let line_start = before_a.rfind('\n').map_or(0, |i| i + 1);
    let start16 = before_a
        .get(..line_start)
        .map_or(0, |s| s.encode_utf16().count());
    let block =
        String::from_utf16_lossy(units.get(start16..b.min(units.len())).unwrap_or_default());
    let (new_block, _) = crate::highlight::indent_block(&block, outdent);
    if new_block == block {
        return true;
    }
    let _ = ta.set_selection_range(start16 as u32, b as u32);
    if !insert_text(&new_block) {
        return false;
    }
    let end = start16 + new_block.encode_utf16().count();
    let _ = ta.set_selection_range(start16 as u32, end as u32);
    true
}

/// A `keydown` listener on the document, removed when dropped.
pub struct KeyListener {
    _listener: Option<gloo_events::EventListener>,
}

impl std::fmt::Debug for KeyListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyListener")
    }
}

pub fn on_document_keydown(mut f: impl FnMut(web_sys::KeyboardEvent) + 'static) -> KeyListener {
    // Not passive: the handlers call `prevent_default` (gloo's default listener is passive).
    let options = gloo_events::EventListenerOptions::enable_prevent_default();
    let listener = document().map(|d| {
        gloo_events::EventListener::new_with_options(&d, "keydown", options, move |e| {
            if let Some(k) = e.dyn_ref::<web_sys::KeyboardEvent>() {
                f(k.clone());
            }
        })
    });
    KeyListener {
        _listener: listener,
    }
}

/// On a closed `<select>`, arrows (and type-ahead letters) change the value at once, which
/// would load an example over the text: only an explicit choice in the open menu (opened with
/// Space, Enter or Alt+↓) may act.
pub fn guard_closed_menu(e: web_sys::KeyboardEvent) {
    let k = e.key();
    let moves = matches!(
        k.as_str(),
        "ArrowUp"
            | "ArrowDown"
            | "ArrowLeft"
            | "ArrowRight"
            | "Home"
            | "End"
            | "PageUp"
            | "PageDown"
    );
    let letter = k.chars().count() == 1 && k != " ";
    if (moves && !e.alt_key()) || (letter && !e.ctrl_key() && !e.meta_key()) {
        e.prevent_default();
    }
}
