//! Thin DOM glue: storage, location, clipboard, downloads, files. Every call tolerates failure
//! (a missing API, a denied permission) and reports it as a value; nothing here panics.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

pub const TEXT_KEY: &str = "netpol-playground.text";
pub const THEME_KEY: &str = "netpol-playground.theme";

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
    let Ok(reader) = web_sys::FileReader::new() else {
        done(Err("this browser cannot read files".into()));
        return;
    };
    let r2 = reader.clone();
    let mut done = Some(done);
    let onload = Closure::<dyn FnMut()>::new(move || {
        let text = r2.result().ok().and_then(|v| v.as_string());
        if let Some(d) = done.take() {
            d(text.ok_or_else(|| "the file is not text".to_string()));
        }
    });
    reader.set_onloadend(Some(onload.as_ref().unchecked_ref()));
    onload.forget();
    if reader.read_as_text(&file).is_err() {
        // onloadend still fires with an error result in most browsers; nothing else to do.
    }
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
    let (w, h) = match dims.as_slice() {
        [_, _, w, h] => (*w, *h),
        _ => (1200.0, 800.0),
    };
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
    let onload = Closure::<dyn FnMut()>::new(move || {
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
    });
    let onerror = Closure::<dyn FnMut()>::new(move || {
        on_error("the browser could not draw the graph as an image".into())
    });
    img.set_onload(Some(onload.as_ref().unchecked_ref()));
    img.set_onerror(Some(onerror.as_ref().unchecked_ref()));
    onload.forget();
    onerror.forget();
    img.set_src(&url);
}
