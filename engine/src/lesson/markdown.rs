//! The Markdown subset lesson texts use, parsed into blocks and inlines the page renders as
//! elements — never as HTML. A lesson may come from a link, so its text must not be able to
//! inject markup: `<b>` stays the four characters `<b>`, and links keep only safe targets.
//!
//! Supported: paragraphs (blank-line separated), `-`/`*` and `1.` lists, fenced code blocks
//! (```` ``` ````), `**strong**`, `*emphasis*` (also `_emphasis_`), `` `code` ``, `[text](url)` with
//! `http:`, `https:`, `mailto:` or in-page `#…` targets. Anything else is plain text.

/// A block of lesson text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    Paragraph(Vec<Inline>),
    List {
        ordered: bool,
        items: Vec<Vec<Inline>>,
    },
    /// A fenced code block: its text verbatim, and the info word after the fence (`yaml`).
    Code {
        info: String,
        text: String,
    },
}

/// A run of text inside a block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    Strong(Vec<Inline>),
    Emphasis(Vec<Inline>),
    Code(String),
    /// A link with a safe target (see [`safe_href`]); unsafe ones are left as text.
    Link {
        href: String,
        text: Vec<Inline>,
    },
}

/// Parses lesson text into blocks.
pub fn parse(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut para: Vec<&str> = Vec::new();
    let mut list: Option<(bool, Vec<String>)> = None;
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let trimmed = line.trim();
        if let Some(info) = trimmed.strip_prefix("```") {
            flush(&mut blocks, &mut para, &mut list);
            let mut code = Vec::new();
            for l in lines.by_ref() {
                if l.trim().starts_with("```") {
                    break;
                }
                code.push(l);
            }
            blocks.push(Block::Code {
                info: info.trim().to_string(),
                text: dedent(&code),
            });
            continue;
        }
        if trimmed.is_empty() {
            flush(&mut blocks, &mut para, &mut list);
            continue;
        }
        if let Some((ordered, item)) = list_item(trimmed) {
            if !para.is_empty() {
                flush(&mut blocks, &mut para, &mut None);
            }
            match &mut list {
                Some((o, items)) if *o == ordered => items.push(item.to_string()),
                _ => {
                    flush(&mut blocks, &mut para, &mut list);
                    list = Some((ordered, vec![item.to_string()]));
                }
            }
            continue;
        }
        match &mut list {
            // An indented line continues the list item above it.
            Some((_, items)) if line.starts_with([' ', '\t']) => {
                if let Some(last) = items.last_mut() {
                    last.push(' ');
                    last.push_str(trimmed);
                }
            }
            _ => {
                if list.is_some() {
                    flush(&mut blocks, &mut para, &mut list);
                }
                para.push(trimmed);
            }
        }
    }
    flush(&mut blocks, &mut para, &mut list);
    blocks
}

fn flush(blocks: &mut Vec<Block>, para: &mut Vec<&str>, list: &mut Option<(bool, Vec<String>)>) {
    if !para.is_empty() {
        blocks.push(Block::Paragraph(inlines(&para.join(" "))));
        para.clear();
    }
    if let Some((ordered, items)) = list.take() {
        blocks.push(Block::List {
            ordered,
            items: items.iter().map(|i| inlines(i)).collect(),
        });
    }
}

fn dedent(lines: &[&str]) -> String {
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    lines
        .iter()
        .map(|l| l.get(indent..).unwrap_or("").trim_end())
        .collect::<Vec<_>>()
        .join("\n")
}

/// `- item`, `* item`, `1. item` → (ordered, item text).
fn list_item(line: &str) -> Option<(bool, &str)> {
    if let Some(rest) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) {
        return Some((false, rest.trim()));
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && digits <= 3 {
        let rest = line.get(digits..)?;
        if let Some(item) = rest.strip_prefix(". ") {
            return Some((true, item.trim()));
        }
    }
    None
}

/// Link targets a shared lesson may use: web pages, mail, and anchors within the page.
/// `javascript:`, `data:` and the like are refused (the link is shown as text).
pub fn safe_href(href: &str) -> bool {
    let h = href.trim();
    let lower = h.to_ascii_lowercase();
    !h.is_empty()
        && !h.chars().any(|c| c.is_whitespace() || c.is_control())
        && (lower.starts_with("https://")
            || lower.starts_with("http://")
            || lower.starts_with("mailto:")
            || lower.starts_with('#'))
}

/// Parses the inline markup of one paragraph or list item.
pub fn inlines(text: &str) -> Vec<Inline> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    parse_inlines(&chars, &mut out);
    out
}

fn push_text(out: &mut Vec<Inline>, s: &str) {
    if s.is_empty() {
        return;
    }
    if let Some(Inline::Text(t)) = out.last_mut() {
        t.push_str(s);
    } else {
        out.push(Inline::Text(s.to_string()));
    }
}

fn find(chars: &[char], from: usize, pat: &[char]) -> Option<usize> {
    (from..chars.len()).find(|&i| chars.get(i..i + pat.len()) == Some(pat))
}

fn collect(chars: &[char], from: usize, to: usize) -> String {
    chars.get(from..to).unwrap_or(&[]).iter().collect()
}

fn parse_inlines(chars: &[char], out: &mut Vec<Inline>) {
    let mut i = 0;
    let mut text = String::new();
    while let Some(&c) = chars.get(i) {
        let next = chars.get(i + 1).copied();
        // `code`: verbatim up to the closing backtick.
        if c == '`' {
            if let Some(end) = find(chars, i + 1, &['`']) {
                push_text(out, &std::mem::take(&mut text));
                out.push(Inline::Code(collect(chars, i + 1, end)));
                i = end + 1;
                continue;
            }
        }
        // **strong**
        if c == '*' && next == Some('*') {
            if let Some(end) = find(chars, i + 2, &['*', '*']).filter(|&e| e > i + 2) {
                push_text(out, &std::mem::take(&mut text));
                let mut inner = Vec::new();
                parse_inlines(chars.get(i + 2..end).unwrap_or(&[]), &mut inner);
                out.push(Inline::Strong(inner));
                i = end + 2;
                continue;
            }
        }
        // *em* or _em_ (not inside a word for `_`, so snake_case stays text)
        if (c == '*' || (c == '_' && !prev_alnum(chars, i)))
            && next.is_some_and(|n| !n.is_whitespace())
        {
            if let Some(end) = find(chars, i + 1, &[c]).filter(|&e| {
                e > i + 1 && (c == '*' || !chars.get(e + 1).is_some_and(|n| n.is_alphanumeric()))
            }) {
                push_text(out, &std::mem::take(&mut text));
                let mut inner = Vec::new();
                parse_inlines(chars.get(i + 1..end).unwrap_or(&[]), &mut inner);
                out.push(Inline::Emphasis(inner));
                i = end + 1;
                continue;
            }
        }
        // [text](href)
        if c == '[' {
            if let Some(close) = find(chars, i + 1, &[']']) {
                if chars.get(close + 1) == Some(&'(') {
                    if let Some(end) = find(chars, close + 2, &[')']) {
                        let href = collect(chars, close + 2, end);
                        let mut inner = Vec::new();
                        parse_inlines(chars.get(i + 1..close).unwrap_or(&[]), &mut inner);
                        push_text(out, &std::mem::take(&mut text));
                        if safe_href(&href) {
                            out.push(Inline::Link {
                                href: href.trim().to_string(),
                                text: inner,
                            });
                        } else {
                            // Unsafe target: keep the words, drop the link.
                            for x in inner {
                                match x {
                                    Inline::Text(t) => push_text(out, &t),
                                    other => out.push(other),
                                }
                            }
                        }
                        i = end + 1;
                        continue;
                    }
                }
            }
        }
        text.push(c);
        i += 1;
    }
    push_text(out, &text);
}

fn prev_alnum(chars: &[char], i: usize) -> bool {
    i > 0 && chars.get(i - 1).is_some_and(|c| c.is_alphanumeric())
}

/// The text without markup (for previews, titles, screen-reader labels).
pub fn plain(inlines: &[Inline]) -> String {
    let mut s = String::new();
    for i in inlines {
        match i {
            Inline::Text(t) | Inline::Code(t) => s.push_str(t),
            Inline::Strong(x) | Inline::Emphasis(x) | Inline::Link { text: x, .. } => {
                s.push_str(&plain(x))
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Inline {
        Inline::Text(s.to_string())
    }

    #[test]
    fn paragraphs_and_inlines() {
        let b =
            parse("Hello **bold** and *em*\nsame `code` para.\n\nSecond [docs](https://k8s.io/x).");
        assert_eq!(
            b,
            vec![
                Block::Paragraph(vec![
                    t("Hello "),
                    Inline::Strong(vec![t("bold")]),
                    t(" and "),
                    Inline::Emphasis(vec![t("em")]),
                    t(" same "),
                    Inline::Code("code".into()),
                    t(" para."),
                ]),
                Block::Paragraph(vec![
                    t("Second "),
                    Inline::Link {
                        href: "https://k8s.io/x".into(),
                        text: vec![t("docs")]
                    },
                    t("."),
                ]),
            ]
        );
    }

    #[test]
    fn lists_and_code_blocks() {
        let b = parse("Steps:\n- one\n- two\n  continued\n\n1. first\n2. second\n\n```yaml\n  a: 1\n  b: 2\n```\n");
        assert_eq!(b.len(), 4);
        assert_eq!(b[0], Block::Paragraph(vec![t("Steps:")]));
        assert_eq!(
            b[1],
            Block::List {
                ordered: false,
                items: vec![vec![t("one")], vec![t("two continued")]]
            }
        );
        assert!(matches!(&b[2], Block::List { ordered: true, items } if items.len() == 2));
        assert_eq!(
            b[3],
            Block::Code {
                info: "yaml".into(),
                text: "a: 1\nb: 2".into()
            }
        );
    }

    #[test]
    fn html_is_text_and_unsafe_links_are_dropped() {
        let b =
            parse("<script>alert(1)</script> [click](javascript:alert(1)) [x](data:text/html,hi)");
        let Block::Paragraph(i) = &b[0] else {
            panic!("a paragraph")
        };
        assert!(i.iter().all(|x| matches!(x, Inline::Text(_))));
        assert!(plain(i).contains("<script>alert(1)</script> click"));
        assert!(!safe_href("javascript:alert(1)"));
        assert!(!safe_href("JAVASCRIPT:x"));
        assert!(safe_href("#lesson=intro"));
    }

    #[test]
    fn snake_case_and_lone_markers_stay_text() {
        assert_eq!(
            inlines("component: httpd_webserver and 2 * 3"),
            vec![t("component: httpd_webserver and 2 * 3")]
        );
        assert_eq!(inlines("**unclosed"), vec![t("**unclosed")]);
        assert_eq!(inlines("`a*b*`"), vec![Inline::Code("a*b*".into())]);
    }
}
