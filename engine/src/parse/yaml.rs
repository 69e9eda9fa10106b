//! Text → documents of spanned [`Node`]s.
//!
//! Built on `saphyr-parser`'s event stream, which carries a start/end span per event (serde-based
//! YAML crates drop value positions). The text is first cut at document markers (`---` at column
//! 0, which YAML forbids inside content), and each piece is parsed on its own: a syntax error then
//! loses one document, never the rest of the input.
//!
//! Limits keep hostile input bounded: nesting depth, and the number of nodes aliases may expand to
//! (an "alias bomb" otherwise grows exponentially).

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span as YSpan};

use crate::diagnostic::{Code, Diagnostic};
use crate::parse::node::{Node, NodeKind};
use crate::span::{Pos, Span};

/// Deeper nesting than this is refused (real manifests stay below 20).
pub const MAX_DEPTH: usize = 128;
/// Node budget for alias expansion, per source.
pub const MAX_ALIAS_NODES: usize = 100_000;

/// One YAML document of an input.
#[derive(Clone, Debug)]
pub struct Document {
    pub span: Span,
    /// `None` for an empty document or one that failed to parse (a diagnostic says why).
    pub root: Option<Node>,
}

/// Parses every document of one input. Problems become diagnostics; nothing panics.
pub fn parse_documents(source: u32, text: &str, diags: &mut Vec<Diagnostic>) -> Vec<Document> {
    let mut docs = Vec::new();
    let mut budget = MAX_ALIAS_NODES;
    for chunk in split_documents(text) {
        let base_doc = docs.len() as u32;
        parse_chunk(source, base_doc, chunk, &mut budget, &mut docs, diags);
    }
    docs
}

#[derive(Clone, Copy, Debug)]
struct Chunk<'a> {
    text: &'a str,
    /// 1-based line of the chunk's first line in the whole input.
    first_line: u32,
}

fn split_documents(text: &str) -> Vec<Chunk<'_>> {
    let mut chunks = Vec::new();
    let mut start = 0usize;
    let mut start_line = 1u32;
    let mut offset = 0usize;
    for (line_no, line) in (1u32..).zip(text.split_inclusive('\n')) {
        let is_marker = line.starts_with("---")
            && matches!(
                line.as_bytes().get(3),
                None | Some(b' ' | b'\t' | b'\n' | b'\r')
            );
        if is_marker && offset > start {
            chunks.push(Chunk {
                text: &text[start..offset],
                first_line: start_line,
            });
            start = offset;
            start_line = line_no;
        }
        offset += line.len();
    }
    if offset > start || chunks.is_empty() {
        chunks.push(Chunk {
            text: &text[start..],
            first_line: start_line,
        });
    }
    chunks
}

struct Builder<'b> {
    source: u32,
    first_line: u32,
    doc: u32,
    /// Open collections: (node under construction, pending map key).
    stack: Vec<(Node, Option<Node>, usize)>,
    anchors: HashMap<usize, Node>,
    budget: &'b mut usize,
}

enum Step {
    Continue,
    Done(Option<Node>),
}

impl Builder<'_> {
    fn pos(&self, m: &saphyr_parser::Marker) -> Pos {
        Pos {
            line: self.first_line + (m.line() as u32).saturating_sub(1),
            col: m.col() as u32 + 1,
        }
    }

    fn span(&self, s: &YSpan) -> Span {
        Span {
            source: self.source,
            doc: self.doc,
            start: self.pos(&s.start),
            end: self.pos(&s.end),
        }
    }

    /// Attaches a finished node to its parent, or returns it when it is the document root.
    fn push_value(&mut self, node: Node, anchor: usize) -> Option<Node> {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        let Some((parent, pending_key, _)) = self.stack.last_mut() else {
            return Some(node);
        };
        match &mut parent.kind {
            NodeKind::Seq(items) => items.push(node),
            NodeKind::Map(entries) => match pending_key.take() {
                None => *pending_key = Some(node),
                Some(key) => entries.push((key, node)),
            },
            NodeKind::Scalar { .. } => {}
        }
        None
    }

    fn on_event(&mut self, ev: Event<'_>, sp: &YSpan) -> Result<Step, Diagnostic> {
        let span = self.span(sp);
        match ev {
            Event::Scalar(text, style, anchor, _tag) => {
                let plain = matches!(style, ScalarStyle::Plain);
                let node = Node {
                    span,
                    kind: NodeKind::Scalar {
                        text: text.into_owned(),
                        plain,
                    },
                };
                self.finish(node, anchor)
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if self.stack.len() >= MAX_DEPTH {
                    return Err(Diagnostic::error(
                        Code::InputTooLarge,
                        span,
                        format!("document nests deeper than {MAX_DEPTH} levels"),
                    ));
                }
                let kind = if matches!(ev, Event::SequenceStart(..)) {
                    NodeKind::Seq(Vec::new())
                } else {
                    NodeKind::Map(Vec::new())
                };
                self.stack.push((Node { span, kind }, None, anchor));
                Ok(Step::Continue)
            }
            Event::SequenceEnd | Event::MappingEnd => match self.stack.pop() {
                Some((mut node, _, anchor)) => {
                    node.span.end = span.end.max(node.span.end);
                    if let NodeKind::Map(entries) = &mut node.kind {
                        normalize_map(entries)?;
                    }
                    self.finish(node, anchor)
                }
                None => Ok(Step::Continue),
            },
            Event::Alias(id) => {
                let Some(target) = self.anchors.get(&id).cloned() else {
                    return Err(Diagnostic::error(
                        Code::YamlSyntax,
                        span,
                        "alias refers to an unknown anchor",
                    ));
                };
                let size = target.size();
                if size > *self.budget {
                    return Err(Diagnostic::error(
                        Code::InputTooLarge,
                        span,
                        format!("aliases expand to more than {MAX_ALIAS_NODES} nodes"),
                    )
                    .with_help("this looks like an alias bomb; write the values out instead"));
                }
                *self.budget -= size;
                self.finish(target, 0)
            }
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(_)
            | Event::DocumentEnd => Ok(Step::Continue),
        }
    }

    fn finish(&mut self, node: Node, anchor: usize) -> Result<Step, Diagnostic> {
        Ok(match self.push_value(node, anchor) {
            Some(root) => Step::Done(Some(root)),
            None => Step::Continue,
        })
    }
}

/// Applies merge keys and rejects duplicate keys, in O(n log n) even for huge mappings.
fn normalize_map(entries: &mut Vec<(Node, Node)>) -> Result<(), Diagnostic> {
    let is_merge =
        |k: &Node| matches!(&k.kind, NodeKind::Scalar { text, plain: true } if text == "<<");
    if entries.iter().any(|(k, _)| is_merge(k)) {
        let (merges, mut rest): (Vec<_>, Vec<_>) = std::mem::take(entries)
            .into_iter()
            .partition(|(k, _)| is_merge(k));
        for (_, value) in merges {
            merge_into(&mut rest, value);
        }
        *entries = rest;
    }
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by(|&a, &b| {
        let ka = entries.get(a).and_then(|(k, _)| k.text());
        let kb = entries.get(b).and_then(|(k, _)| k.text());
        ka.cmp(&kb).then(a.cmp(&b))
    });
    for pair in order.windows(2) {
        let [a, b] = pair else { continue };
        let (Some((ka, _)), Some((kb, _))) = (entries.get(*a), entries.get(*b)) else {
            continue;
        };
        if let (Some(a), Some(b)) = (ka.text(), kb.text()) {
            if a == b && ka.as_map().is_none() && ka.as_seq().is_none() {
                return Err(Diagnostic::error(
                    Code::DuplicateKey,
                    kb.span,
                    format!("mapping key `{b}` is defined twice"),
                )
                .with_help("the API server rejects duplicate keys; keep one"));
            }
        }
    }
    Ok(())
}

/// YAML merge keys (`<<: *base`), which go-yaml honours: earlier explicit keys win.
fn merge_into(entries: &mut Vec<(Node, Node)>, value: Node) {
    let sources: Vec<Node> = match value.kind {
        NodeKind::Map(_) => vec![value],
        NodeKind::Seq(items) => items,
        NodeKind::Scalar { .. } => Vec::new(),
    };
    for src in sources {
        if let NodeKind::Map(src_entries) = src.kind {
            for (k, v) in src_entries {
                if !entries.iter().any(|(e, _)| e.text() == k.text()) {
                    entries.push((k, v));
                }
            }
        }
    }
}

fn parse_chunk(
    source: u32,
    base_doc: u32,
    chunk: Chunk<'_>,
    budget: &mut usize,
    docs: &mut Vec<Document>,
    diags: &mut Vec<Diagnostic>,
) {
    let mut parser = Parser::new_from_str(chunk.text);
    let mut doc = base_doc;
    let mut builder = Builder {
        source,
        first_line: chunk.first_line,
        doc,
        stack: Vec::new(),
        anchors: HashMap::new(),
        budget,
    };
    let mut doc_start: Option<Span> = None;
    let mut root: Option<Node> = None;
    let mut failed = false;
    while let Some(item) = parser.next_event() {
        match item {
            Err(err) => {
                diags.push(scan_error(source, doc, chunk.first_line, &err));
                docs.push(Document {
                    span: doc_start.unwrap_or_else(|| point(source, doc, chunk.first_line, 1)),
                    root: None,
                });
                return;
            }
            Ok((ev, sp)) => match ev {
                Event::DocumentStart(_) => {
                    builder.doc = doc;
                    builder.stack.clear();
                    builder.anchors.clear();
                    doc_start = Some(builder.span(&sp));
                    root = None;
                    failed = false;
                }
                Event::DocumentEnd => {
                    let mut span = doc_start.unwrap_or_else(|| builder.span(&sp));
                    span.end = builder.span(&sp).end.max(span.end);
                    if let Some(r) = &root {
                        span.end = span.end.max(r.span.end);
                    }
                    docs.push(Document {
                        span,
                        root: if failed { None } else { root.take() },
                    });
                    doc += 1;
                }
                other => {
                    if failed {
                        continue;
                    }
                    match builder.on_event(other, &sp) {
                        Ok(Step::Continue) => {}
                        Ok(Step::Done(node)) => root = node,
                        Err(d) => {
                            diags.push(d);
                            failed = true;
                            builder.stack.clear();
                        }
                    }
                }
            },
        }
    }
}

fn point(source: u32, doc: u32, line: u32, col: u32) -> Span {
    let p = Pos { line, col };
    Span {
        source,
        doc,
        start: p,
        end: p,
    }
}

fn scan_error(source: u32, doc: u32, first_line: u32, err: &ScanError) -> Diagnostic {
    let m = err.marker();
    let line = first_line + (m.line() as u32).saturating_sub(1);
    let col = m.col() as u32 + 1;
    let mut span = point(source, doc, line, col);
    span.end.col += 1;
    Diagnostic::error(
        Code::YamlSyntax,
        span,
        format!("invalid YAML: {}", err.info()),
    )
    .with_help("this document is skipped; the others are still analysed")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Vec<Document>, Vec<Diagnostic>) {
        let mut d = Vec::new();
        let docs = parse_documents(0, text, &mut d);
        (docs, d)
    }

    #[test]
    fn spans_are_one_based() {
        let (docs, d) = parse("a: 1\nb:\n  c: hello\n");
        assert!(d.is_empty(), "{d:?}");
        let root = docs[0].root.as_ref().unwrap();
        let c = root.get("b").unwrap().get("c").unwrap();
        assert_eq!(c.span.start, Pos { line: 3, col: 6 });
        assert_eq!(c.span.end, Pos { line: 3, col: 11 });
    }

    #[test]
    fn syntax_error_loses_only_its_document() {
        let (docs, d) = parse("a: 1\n---\nb: [1, 2\n---\nc: 3\n");
        assert_eq!(docs.len(), 3);
        assert!(docs[0].root.is_some());
        assert!(docs[1].root.is_none());
        assert!(docs[2].root.is_some());
        assert_eq!(docs[2].span.doc, 2);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, Code::YamlSyntax);
        assert!(d[0].span.unwrap().start.line >= 3);
    }

    #[test]
    fn alias_bomb_is_bounded() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let (docs, d) = parse(&text);
        assert!(docs[0].root.is_none());
        assert!(d.iter().any(|d| d.code == Code::InputTooLarge));
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = "[".repeat(10_000);
        let (_, d) = parse(&text);
        assert!(!d.is_empty());
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let (docs, d) = parse("a: 1\na: 2\n");
        assert!(docs[0].root.is_none());
        assert_eq!(d[0].code, Code::DuplicateKey);
        assert_eq!(d[0].span.unwrap().start, Pos { line: 2, col: 1 });
    }

    #[test]
    fn merge_keys() {
        let (docs, d) = parse("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n");
        assert!(d.is_empty(), "{d:?}");
        let m = docs[0].root.as_ref().unwrap().get("m").unwrap();
        assert_eq!(m.get("x").unwrap().as_int(), Some(1));
        assert_eq!(m.get("y").unwrap().as_int(), Some(3));
    }

    #[test]
    fn json_documents() {
        let (docs, d) = parse("{\"kind\": \"Pod\", \"metadata\": {\"name\": \"a\"}}");
        assert!(d.is_empty());
        assert_eq!(
            docs[0].root.as_ref().unwrap().get("kind").unwrap().as_str(),
            Some("Pod")
        );
    }
}
