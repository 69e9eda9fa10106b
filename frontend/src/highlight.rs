//! YAML syntax colouring for the editor: text → HTML (escaped) with `<span class=..>` tokens,
//! built as one string (set as the inner HTML of the layer under the textarea, which is much
//! cheaper than a virtual-DOM node per token on every keystroke).

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str, out: &mut String) {
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

fn span(class: &str, text: &str, out: &mut String) {
    if text.is_empty() {
        return;
    }
    out.push_str("<span class=\"");
    out.push_str(class);
    out.push_str("\">");
    escape(text, out);
    out.push_str("</span>");
}

fn scalar_class(tok: &str) -> &'static str {
    let t = tok.trim();
    if matches!(
        t,
        "true" | "false" | "True" | "False" | "TRUE" | "FALSE" | "null" | "~" | "Null" | "NULL"
    ) {
        "yb"
    } else if !t.is_empty() && t.parse::<f64>().is_ok() {
        "yn"
    } else {
        "yv"
    }
}

/// Highlights one line (without its newline).
pub fn line(l: &str, flow_depth: &mut u32, out: &mut String) {
    let t = l.trim_end_matches('\r');
    if *flow_depth == 0
        && (t.starts_with("---") || t.starts_with("..."))
        && t[3..].trim().is_empty()
    {
        span("yd", t, out);
        return;
    }
    let chars: Vec<(usize, char)> = t.char_indices().collect();
    let n = chars.len();
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let byte = |i: usize| chars.get(i).map_or(t.len(), |&(b, _)| b);
    let slice = |a: usize, b: usize| t.get(byte(a)..byte(b)).unwrap_or("");
    let mut i = 0;
    let mut line_start = true;
    while i < n {
        let Some(c) = at(i) else { break };
        if c == ' ' || c == '\t' {
            let j = (i..n)
                .find(|&j| !matches!(at(j), Some(' ' | '\t')))
                .unwrap_or(n);
            escape(slice(i, j), out);
            i = j;
            continue;
        }
        if c == '#' && (i == 0 || matches!(at(i - 1), Some(' ' | '\t'))) {
            span("yc", slice(i, n), out);
            return;
        }
        if line_start && c == '-' && matches!(at(i + 1), None | Some(' ')) {
            span("yp", "-", out);
            i += 1;
            continue;
        }
        line_start = false;
        if matches!(c, '{' | '[') {
            *flow_depth += 1;
            span("yp", slice(i, i + 1), out);
            i += 1;
            continue;
        }
        if matches!(c, '}' | ']') {
            *flow_depth = flow_depth.saturating_sub(1);
            span("yp", slice(i, i + 1), out);
            i += 1;
            continue;
        }
        if c == ',' && *flow_depth > 0 {
            span("yp", ",", out);
            i += 1;
            continue;
        }
        if c == '"' || c == '\'' {
            let mut j = i + 1;
            while j < n {
                match at(j) {
                    Some('\\') if c == '"' => j += 2,
                    Some(q) if q == c => {
                        j += 1;
                        break;
                    }
                    _ => j += 1,
                }
            }
            let j = j.min(n);
            // A quoted key?
            let is_key = at(j) == Some(':') && matches!(at(j + 1), None | Some(' '));
            span(if is_key { "yk" } else { "ys" }, slice(i, j), out);
            i = j;
            continue;
        }
        if c == '|' || c == '>' {
            span("yp", slice(i, n), out);
            return;
        }
        // A plain scalar: up to `: `, ` #`, or a flow indicator inside flow collections.
        let mut j = i;
        let mut key = false;
        while j < n {
            let Some(cj) = at(j) else { break };
            if cj == ':' && matches!(at(j + 1), None | Some(' ' | '\t')) {
                key = true;
                break;
            }
            if cj == '#' && j > i && matches!(at(j - 1), Some(' ' | '\t')) {
                break;
            }
            if *flow_depth > 0 && matches!(cj, ',' | '{' | '}' | '[' | ']') {
                break;
            }
            j += 1;
        }
        let tok = slice(i, j);
        let trimmed_len = tok.trim_end().len();
        let (tok_core, tok_ws) = tok.split_at(trimmed_len);
        if key {
            span("yk", tok_core, out);
            escape(tok_ws, out);
            span("yp", ":", out);
            i = j + 1;
            line_start = false;
        } else {
            span(scalar_class(tok_core), tok_core, out);
            escape(tok_ws, out);
            i = j;
        }
    }
}

/// Highlights a whole text. One line of HTML per input line, joined by `\n`.
pub fn highlight(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut depth = 0;
    for (i, l) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        line(l, &mut depth, &mut out);
    }
    // A final newline keeps the layer as tall as the textarea when the text ends with one.
    out.push('\n');
    out
}

/// Converts a 1-based column in Unicode scalar values to a UTF-16 offset within the line.
/// The indentation a new line gets after `line` (the text of the caret's line up to the
/// caret): the same as that line's, two more after a key that opens a block (`key:`), and
/// the content column of a list item (`- name: x` → under `name`).
pub fn newline_indent(line: &str) -> String {
    let lead = line.len() - line.trim_start_matches(' ').len();
    let rest = line.get(lead..).unwrap_or_default();
    let mut n = lead;
    if let Some(item) = rest.strip_prefix("- ") {
        // Inside the item: its content starts after "- ".
        n = lead + 2 + (item.len() - item.trim_start_matches(' ').len());
    }
    let code = line.split(" #").next().unwrap_or(line).trim_end();
    if code.ends_with(':') {
        n += 2;
    }
    " ".repeat(n)
}

/// Indents (two spaces) or outdents (up to two spaces) every line of `block`; returns the
/// new block and how many characters the first line moved.
pub fn indent_block(block: &str, outdent: bool) -> (String, isize) {
    let mut first_shift = 0isize;
    let lines: Vec<String> = block
        .split('\n')
        .enumerate()
        .map(|(i, l)| {
            let (out, shift) = if outdent {
                let n = l.len() - l.trim_start_matches(' ').len();
                let n = n.min(2);
                (l.get(n..).unwrap_or(l).to_string(), -(n as isize))
            } else {
                (format!("  {l}"), 2)
            };
            if i == 0 {
                first_shift = shift;
            }
            out
        })
        .collect();
    (lines.join("\n"), first_shift)
}

#[cfg(test)]
pub fn col_to_utf16(line: &str, col: u32) -> usize {
    line.chars()
        .take(col.saturating_sub(1) as usize)
        .map(char::len_utf16)
        .sum()
}

/// UTF-16 offset of the start of a 1-based line (for `setSelectionRange`).
pub fn line_start_utf16(text: &str, line: u32) -> usize {
    let mut off = 0;
    for (i, l) in text.split('\n').enumerate() {
        if i + 1 >= line as usize {
            return off;
        }
        off += l.encode_utf16().count() + 1;
    }
    off
}

/// The UTF-16 offset of 1-based (`line`, `column`), columns counted in characters (as the
/// engine's spans): what a textarea's selection range takes.
pub fn pos_utf16(text: &str, line: u32, column: u32) -> usize {
    let start = line_start_utf16(text, line);
    let in_line: usize = text
        .split('\n')
        .nth(line.saturating_sub(1) as usize)
        .unwrap_or("")
        .chars()
        .take(column.saturating_sub(1) as usize)
        .map(char::len_utf16)
        .sum();
    start + in_line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_and_utf16_units() {
        let t = "a: 1\nb: \"é😀x\"\n";
        assert_eq!(pos_utf16(t, 1, 1), 0);
        assert_eq!(pos_utf16(t, 2, 1), 5);
        // `x` is the 7th character of line 2: é is one unit, 😀 two.
        assert_eq!(pos_utf16(t, 2, 7), 5 + 7);
        // Past the end of a line: the line's end.
        assert_eq!(pos_utf16(t, 1, 99), 4);
    }

    fn strip(html: &str) -> String {
        let mut out = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        out.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }

    #[test]
    fn text_survives_highlighting() {
        let src = "---\napiVersion: v1 # c\nkind: Pod\nmetadata: {name: a, labels: {app: \"x:y\"}}\nspec:\n  - name: <b>&\n    ports: [80, 'http']\n  x: |\n    #not a comment\n";
        assert_eq!(strip(&highlight(src)), format!("{src}\n"));
    }

    #[test]
    fn tokens_are_classified() {
        let h = highlight("  - name: web # hi\n    port: 80\nx: true\n---");
        assert!(h.contains("<span class=\"yk\">name</span>"));
        assert!(h.contains("<span class=\"yv\">web</span>"));
        assert!(h.contains("<span class=\"yc\"># hi</span>"));
        assert!(h.contains("<span class=\"yn\">80</span>"));
        assert!(h.contains("<span class=\"yb\">true</span>"));
        assert!(h.contains("<span class=\"yd\">---</span>"));
    }

    #[test]
    fn flow_mappings_have_keys() {
        let h = highlight("labels: {app: web, tier: db}");
        assert!(h.contains("<span class=\"yk\">app</span>"));
        assert!(h.contains("<span class=\"yk\">tier</span>"));
        assert!(h.contains("<span class=\"yv\">db</span>"));
    }

    #[test]
    fn utf16_offsets() {
        assert_eq!(col_to_utf16("a😀b", 3), 3);
        assert_eq!(line_start_utf16("ab\n😀\nc", 3), 6);
        assert_eq!(line_start_utf16("ab\ncd", 1), 0);
    }

    #[test]
    fn indent_and_outdent_blocks() {
        assert_eq!(indent_block("a\n  b", false).0, "  a\n    b");
        assert_eq!(indent_block("   a\n b\nc", true).0, " a\nb\nc");
    }

    #[test]
    fn new_lines_keep_the_block_structure() {
        assert_eq!(newline_indent("spec:"), "  ");
        assert_eq!(newline_indent("  podSelector:"), "    ");
        assert_eq!(newline_indent("  name: web"), "  ");
        assert_eq!(newline_indent("  - from:"), "      ");
        assert_eq!(newline_indent("  - port: 80"), "    ");
        assert_eq!(newline_indent("metadata: # the name"), "  ");
        assert_eq!(newline_indent(""), "");
    }
}
