//! Quick fixes as data: for diagnostics with one clear remedy, the text edits that apply it.
//!
//! Fixes are a side table ([`fix_for`], [`fixes`]): the diagnostic stays as it is, and the fix
//! is computed from its code, its span and the parsed text. Edits keep the user's style where
//! they can (a flow list gets a flow item, a block list a block item) and insert flow-style
//! YAML (`{to: [...], ports: [...]}`), which reads the same at any indentation. Positions are
//! those of [`Span`]: 1-based lines and columns in characters, end exclusive.

use serde::Serialize;

use crate::analysis::Analysis;
use crate::diagnostic::{Code, Diagnostic};
use crate::parse::node::{Node, NodeKind};
use crate::parse::yaml::parse_documents;
use crate::span::{Pos, Span};

/// Replace the text of `span` (empty: insert at `span.start`) by `replacement`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TextEdit {
    #[serde(skip)]
    pub span: Span,
    pub replacement: String,
}

/// One remedy: a title for the button and the edits (all in the diagnostic's source).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<TextEdit>,
}

/// Applies edits to `text` (edits of one source; positions as in the original text). Edits
/// that overlap an earlier one or point outside the text are skipped.
pub fn apply(text: &str, edits: &[TextEdit]) -> String {
    let mut ranges: Vec<(usize, usize, &str)> = edits
        .iter()
        .filter_map(|e| {
            let s = offset(text, e.span.start)?;
            let t = offset(text, e.span.end)?;
            (s <= t).then_some((s, t, e.replacement.as_str()))
        })
        .collect();
    ranges.sort_by_key(|r| (r.0, r.1));
    let mut out = String::with_capacity(text.len());
    let mut at = 0usize;
    for (s, t, rep) in ranges {
        if s < at {
            continue;
        }
        out.push_str(text.get(at..s).unwrap_or(""));
        out.push_str(rep);
        at = t;
    }
    out.push_str(text.get(at..).unwrap_or(""));
    out
}

/// Byte offset of a position (a column one past the line's end is its end).
fn offset(text: &str, p: Pos) -> Option<usize> {
    let mut line_start = 0usize;
    let mut line = 1u32;
    while line < p.line {
        let nl = text.get(line_start..)?.find('\n')?;
        line_start += nl + 1;
        line += 1;
    }
    let rest = text.get(line_start..)?;
    let line_text = rest.split('\n').next().unwrap_or("");
    let col = p.col.max(1) as usize - 1;
    if col == line_text.chars().count() {
        return Some(line_start + line_text.len());
    }
    line_text
        .char_indices()
        .nth(col)
        .map(|(i, _)| line_start + i)
}

/// The fix of each diagnostic of the analysis, in order (`None`: no clear fix).
pub fn fixes(a: &Analysis) -> Vec<Option<Fix>> {
    let mut parsed: Vec<Option<Vec<crate::parse::yaml::Document>>> = vec![None; a.sources.len()];
    a.diagnostics
        .iter()
        .map(|d| {
            let span = d.span?;
            let src = a.sources.get(span.source as usize)?;
            let slot = parsed.get_mut(span.source as usize)?;
            let docs = slot
                .get_or_insert_with(|| parse_documents(span.source, &src.text, &mut Vec::new()));
            fix_in(&src.text, docs, d)
        })
        .collect()
}

/// The fix of one diagnostic of `a`, if it has a clear one.
pub fn fix_for(a: &Analysis, d: &Diagnostic) -> Option<Fix> {
    let span = d.span?;
    let src = a.sources.get(span.source as usize)?;
    let docs = parse_documents(span.source, &src.text, &mut Vec::new());
    fix_in(&src.text, &docs, d)
}

/// Every fix of one source, without overlaps (first come first served), as edits to apply.
pub fn all_edits(a: &Analysis, source: u32) -> Vec<TextEdit> {
    let mut taken: Vec<(Pos, Pos)> = Vec::new();
    let mut out = Vec::new();
    for f in fixes(a).into_iter().flatten() {
        if f.edits.iter().any(|e| e.span.source != source) {
            continue;
        }
        let overlaps = f.edits.iter().any(|e| {
            taken.iter().any(|&(s, t)| {
                // Touching insertions at one point conflict too.
                e.span.start < t && s < e.span.end
                    || e.span.start == s
                    || (e.span.start == e.span.end && s < e.span.start && e.span.start < t)
            })
        });
        if overlaps {
            continue;
        }
        taken.extend(f.edits.iter().map(|e| (e.span.start, e.span.end)));
        out.extend(f.edits);
    }
    out
}

fn fix_in(text: &str, docs: &[crate::parse::yaml::Document], d: &Diagnostic) -> Option<Fix> {
    let span = d.span?;
    let root = docs
        .iter()
        .filter(|doc| doc.span.doc == span.doc)
        .find_map(|doc| doc.root.as_ref())
        .or_else(|| {
            docs.iter()
                .filter_map(|doc| doc.root.as_ref())
                .find(|r| contains(r.span, span))
        })?;
    let t = Text::new(text, span);
    let help = d.help.as_deref().unwrap_or("");
    match d.code {
        Code::WrongType if help.starts_with("quote it") => quote(&t, root, span),
        Code::UnknownField if help.starts_with("labels go under `matchLabels`") => {
            labels_under_match_labels(&t, root, span)
        }
        Code::UnknownField if help.starts_with("peers go under") => peer_under_key(&t, root, span),
        Code::LintDirectionNotInPolicyTypes => add_policy_type(&t, root, span),
        Code::LintNoDnsEgress => add_dns_rule(&t, root, span),
        Code::LintServicePortInPolicy => target_port(&t, root, span, help),
        Code::LintPeersPortsSplit => join_split_rule(&t, root, span),
        Code::LintDnsPortTcpOnly => add_dns_udp(&t, root, span),
        _ => None,
    }
}

/// The source text, lines at hand, and the source/doc a span of it carries.
struct Text<'a> {
    lines: Vec<&'a str>,
    source: u32,
    doc: u32,
}

impl<'a> Text<'a> {
    fn new(text: &'a str, span: Span) -> Text<'a> {
        Text {
            lines: text.split('\n').collect(),
            source: span.source,
            doc: span.doc,
        }
    }

    fn line(&self, n: u32) -> &str {
        self.lines
            .get((n as usize).saturating_sub(1))
            .copied()
            .unwrap_or("")
    }

    fn char_at(&self, p: Pos) -> Option<char> {
        self.line(p.line)
            .chars()
            .nth((p.col as usize).checked_sub(1)?)
    }

    fn slice(&self, s: Span) -> Option<String> {
        if s.start.line != s.end.line {
            return None;
        }
        let l = self.line(s.start.line);
        let a = (s.start.col as usize).checked_sub(1)?;
        let b = (s.end.col as usize).checked_sub(1)?;
        Some(l.chars().skip(a).take(b.checked_sub(a)?).collect())
    }

    fn indent(&self, line: u32) -> usize {
        self.line(line).chars().take_while(|c| *c == ' ').count()
    }

    fn at(&self, line: u32, col: u32) -> Span {
        let p = Pos { line, col };
        Span {
            source: self.source,
            doc: self.doc,
            start: p,
            end: p,
        }
    }

    fn edit(&self, start: Pos, end: Pos, replacement: impl Into<String>) -> TextEdit {
        TextEdit {
            span: Span {
                source: self.source,
                doc: self.doc,
                start,
                end,
            },
            replacement: replacement.into(),
        }
    }

    fn insert(&self, line: u32, col: u32, text: impl Into<String>) -> TextEdit {
        TextEdit {
            span: self.at(line, col),
            replacement: text.into(),
        }
    }

    /// Flow collections start with their bracket.
    fn is_flow(&self, n: &Node) -> bool {
        matches!(self.char_at(n.span.start), Some('[' | '{'))
    }

    /// Where a node's text really ends: scalars and flow collections know, block collections
    /// end with their last descendant.
    fn end(&self, n: &Node) -> Pos {
        match &n.kind {
            NodeKind::Scalar { .. } => n.span.end,
            _ if self.is_flow(n) => n.span.end,
            NodeKind::Seq(items) => items
                .iter()
                .map(|i| self.end(i))
                .max()
                .unwrap_or(n.span.end),
            NodeKind::Map(entries) => entries
                .iter()
                .map(|(_, v)| self.end(v))
                .max()
                .unwrap_or(n.span.end),
        }
    }

    /// The position of a flow collection's closing bracket.
    fn closing(&self, n: &Node) -> Option<Pos> {
        let p = Pos {
            line: n.span.end.line,
            col: n.span.end.col.checked_sub(1)?,
        };
        matches!(self.char_at(p), Some(']' | '}')).then_some(p)
    }
}

fn contains(outer: Span, inner: Span) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// The Kubernetes object (a mapping with `kind`) around a span, looking into `List` items.
fn object_at(root: &Node, span: Span) -> Option<&Node> {
    if let Some(items) = root.get("items").and_then(Node::as_seq) {
        if let Some(o) = items.iter().find(|i| contains(i.span, span)) {
            return object_at(o, span);
        }
    }
    root.get("kind").map(|_| root)
}

/// The mapping holding the key whose span is `key`.
fn map_with_key(n: &Node, key: Span) -> Option<&Node> {
    match &n.kind {
        NodeKind::Map(entries) => {
            if entries.iter().any(|(k, _)| k.span == key) {
                return Some(n);
            }
            entries.iter().find_map(|(_, v)| map_with_key(v, key))
        }
        NodeKind::Seq(items) => items.iter().find_map(|i| map_with_key(i, key)),
        NodeKind::Scalar { .. } => None,
    }
}

/// The deepest node with exactly this span (a block list and its first item may share one).
fn node_at(n: &Node, span: Span) -> Option<&Node> {
    let inner = match &n.kind {
        NodeKind::Map(entries) => entries
            .iter()
            .find_map(|(k, v)| node_at(k, span).or_else(|| node_at(v, span))),
        NodeKind::Seq(items) => items.iter().find_map(|i| node_at(i, span)),
        NodeKind::Scalar { .. } => None,
    };
    inner.or((n.span == span).then_some(n))
}

/// Inserts `item` (flow YAML) into a list: before the closing bracket of a flow list, as a
/// new first item of a block list.
fn insert_item(t: &Text<'_>, seq: &Node, item: &str) -> Option<TextEdit> {
    let items = seq.as_seq()?;
    if t.is_flow(seq) {
        let close = t.closing(seq)?;
        let sep = if items.is_empty() { "" } else { ", " };
        return Some(t.insert(close.line, close.col, format!("{sep}{item}")));
    }
    let first = items.first()?;
    let line = first.span.start.line;
    // The dash of the first item starts its line (after the indentation).
    let ind = t.indent(line);
    if t.line(line).chars().nth(ind) != Some('-') {
        return None;
    }
    Some(t.insert(line, 1, format!("{}- {item}\n", " ".repeat(ind))))
}

/// Adds `key: value` (flow value) to a mapping: before the closing brace of a flow mapping, as a
/// new first line of a block mapping.
fn insert_entry(t: &Text<'_>, map: &Node, key: &str, value: &str) -> Option<TextEdit> {
    let entries = map.as_map()?;
    if t.is_flow(map) {
        let close = t.closing(map)?;
        let sep = if entries.is_empty() { "" } else { ", " };
        return Some(t.insert(close.line, close.col, format!("{sep}{key}: {value}")));
    }
    let (k, _) = entries.first()?;
    let line = k.span.start.line;
    let col = k.span.start.col;
    // The key may follow a `- ` on its line: insert at its column, then indent the old line.
    let pad = " ".repeat((col as usize).saturating_sub(1));
    Some(t.insert(line, col, format!("{key}: {value}\n{pad}")))
}

fn quote(t: &Text<'_>, root: &Node, span: Span) -> Option<Fix> {
    let n = node_at(root, span)?;
    let raw = match &n.kind {
        NodeKind::Scalar { plain: true, .. } => t.slice(span)?,
        _ => return None,
    };
    let quoted = format!("\"{}\"", raw.replace('\\', "\\\\").replace('"', "\\\""));
    Some(Fix {
        title: format!("quote `{raw}` so it stays a string"),
        edits: vec![t.edit(span.start, span.end, quoted)],
    })
}

fn add_policy_type(t: &Text<'_>, root: &Node, span: Span) -> Option<Fix> {
    let spec = object_at(root, span)?.get("spec")?;
    let types = spec.get("policyTypes")?;
    let listed: Vec<&str> = types.as_seq()?.iter().filter_map(Node::text).collect();
    let missing = ["Ingress", "Egress"].into_iter().find(|d| {
        !listed.contains(d)
            && spec
                .get(&d.to_ascii_lowercase())
                .and_then(Node::as_seq)
                .is_some_and(|r| r.iter().any(|rule| contains(rule.span, span)))
    })?;
    Some(Fix {
        title: format!("add `{missing}` to `policyTypes`"),
        edits: vec![insert_item(t, types, missing)?],
    })
}

/// The usual DNS rule: kube-dns pods in kube-system, 53/UDP and 53/TCP.
pub const DNS_RULE: &str = "{to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}], ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]}";

fn add_dns_rule(t: &Text<'_>, root: &Node, span: Span) -> Option<Fix> {
    let spec = object_at(root, span)?.get("spec")?;
    let edit = match spec.get("egress") {
        Some(e) if e.as_seq().is_some() => insert_item(t, e, DNS_RULE)?,
        Some(e) if e.is_null() => {
            // `egress:` with nothing (or `~`): give it the rule.
            let key = spec
                .as_map()?
                .iter()
                .find(|(k, _)| k.text() == Some("egress"))?
                .0
                .span;
            t.edit(
                key.start,
                t.end(e).max(key.end),
                format!("egress: [{DNS_RULE}]"),
            )
        }
        Some(_) => return None,
        None => insert_entry(t, spec, "egress", &format!("[{DNS_RULE}]"))?,
    };
    Some(Fix {
        title: "allow DNS: egress to kube-dns in kube-system on 53/UDP and 53/TCP".to_string(),
        edits: vec![edit],
    })
}

fn target_port(t: &Text<'_>, root: &Node, span: Span, help: &str) -> Option<Fix> {
    // The lint's help names the port: `use port N`, or a named targetPort as a YAML scalar
    // (`use port http`), which the policy resolves on the pod just as the Service does.
    let n = help.strip_prefix("use port ")?.trim();
    if n.is_empty() {
        return None;
    }
    let entry = node_at(root, span)?;
    let port = entry.get("port")?;
    Some(Fix {
        title: format!("use the target port {n}, which is what policies see"),
        edits: vec![t.edit(port.span.start, port.span.end, n.to_string())],
    })
}

/// The list holding an item with span `item`.
fn seq_with_item(n: &Node, item: Span) -> Option<&Node> {
    match &n.kind {
        NodeKind::Seq(items) => {
            if items.iter().any(|i| i.span == item) {
                return Some(n);
            }
            items.iter().find_map(|i| seq_with_item(i, item))
        }
        NodeKind::Map(entries) => entries.iter().find_map(|(_, v)| seq_with_item(v, item)),
        NodeKind::Scalar { .. } => None,
    }
}

/// Port 53 for TCP only: add the UDP entry next to it.
fn add_dns_udp(t: &Text<'_>, root: &Node, span: Span) -> Option<Fix> {
    let ports = seq_with_item(root, span)?;
    Some(Fix {
        title: "add port 53 for UDP too".to_string(),
        edits: vec![insert_item(t, ports, "{protocol: UDP, port: 53}")?],
    })
}

/// `- from: [...]` then `- ports: [...]`: delete the dash of the later item so both keys are
/// one rule.
fn join_split_rule(t: &Text<'_>, root: &Node, span: Span) -> Option<Fix> {
    let spec = object_at(root, span)?.get("spec")?;
    let (rules, key) = ["ingress", "egress"].into_iter().find_map(|dir| {
        let rules = spec.get(dir)?.as_seq()?;
        rules
            .iter()
            .any(|r| r.span == span)
            .then_some((rules, if dir == "ingress" { "from" } else { "to" }))
    })?;
    let i = rules.iter().position(|r| r.span == span)?;
    let peers_only = |r: &Node| r.get(key).is_some() && r.get("ports").is_none();
    let j = [i.checked_sub(1), Some(i + 1)]
        .into_iter()
        .flatten()
        .find(|&j| rules.get(j).is_some_and(peers_only))?;
    let (first, later) = (rules.get(i.min(j))?, rules.get(i.max(j))?);
    if t.is_flow(later) || t.is_flow(first) {
        return None;
    }
    // Both items' keys must line up once the dash is gone.
    let k1 = first.as_map()?.first()?.0.span.start;
    let k2 = later.as_map()?.first()?.0.span.start;
    if k1.col != k2.col {
        return None;
    }
    let dash = Pos {
        line: k2.line,
        col: k2.col.checked_sub(2)?,
    };
    if t.char_at(dash) != Some('-') {
        return None;
    }
    let after = Pos {
        line: dash.line,
        col: dash.col + 1,
    };
    Some(Fix {
        title: format!("make it one rule: `{key}` AND `ports`"),
        edits: vec![t.edit(dash, after, " ")],
    })
}

const PEER_FIELDS: [&str; 3] = ["podSelector", "namespaceSelector", "ipBlock"];

/// Lines `from..=to` each get `pad` inserted at their start.
fn indent_lines(t: &Text<'_>, from: u32, to: u32, pad: &str, out: &mut Vec<TextEdit>) {
    for l in from..=to {
        if !t.line(l).trim().is_empty() {
            out.push(t.insert(l, 1, pad));
        }
    }
}

fn labels_under_match_labels(t: &Text<'_>, root: &Node, span: Span) -> Option<Fix> {
    let sel = map_with_key(root, span)?;
    let entries = sel.as_map()?;
    if entries
        .iter()
        .any(|(k, _)| matches!(k.text(), Some("matchLabels" | "matchExpressions")))
    {
        return None;
    }
    let mut edits = Vec::new();
    if t.is_flow(sel) {
        let open = sel.span.start;
        let close = t.closing(sel)?;
        edits.push(t.insert(open.line, open.col + 1, "matchLabels: {"));
        edits.push(t.insert(close.line, close.col, "}"));
    } else {
        let (k0, _) = entries.first()?;
        let col = k0.span.start.col;
        let first_line = k0.span.start.line;
        // A key after `- ` cannot take a line above it.
        if t.indent(first_line) + 1 != col as usize {
            return None;
        }
        edits.push(t.insert(
            first_line,
            1,
            format!(
                "{}matchLabels:\n",
                " ".repeat((col as usize).saturating_sub(1))
            ),
        ));
        let last = entries.iter().map(|(_, v)| t.end(v).line).max()?;
        indent_lines(t, first_line, last, "  ", &mut edits);
    }
    Some(Fix {
        title: "move the labels under `matchLabels`".to_string(),
        edits,
    })
}

fn peer_under_key(t: &Text<'_>, root: &Node, span: Span) -> Option<Fix> {
    let rule = map_with_key(root, span)?;
    let entries = rule.as_map()?;
    let peer_key = entries.iter().find(|(k, _)| k.span == span)?.0.text()?;
    if !PEER_FIELDS.contains(&peer_key) {
        return None;
    }
    // Is this an ingress or an egress rule? The list holding it says.
    let key = ["ingress", "egress"].into_iter().find_map(|dir| {
        let mut found = None;
        find_list(root, dir, rule.span, &mut found);
        found.map(|_| if dir == "ingress" { "from" } else { "to" })
    })?;
    if entries.iter().any(|(k, _)| k.text() == Some(key)) {
        return None;
    }
    // The peer fields must be neighbours (one peer).
    let idx: Vec<usize> = entries
        .iter()
        .enumerate()
        .filter(|(_, (k, _))| k.text().is_some_and(|x| PEER_FIELDS.contains(&x)))
        .map(|(i, _)| i)
        .collect();
    let (&lo, &hi) = (idx.first()?, idx.last()?);
    if hi - lo + 1 != idx.len() {
        return None;
    }
    let (first_k, _) = entries.get(lo)?;
    let (_, last_v) = entries.get(hi)?;
    let mut edits = Vec::new();
    if t.is_flow(rule) {
        let end = t.end(last_v);
        edits.push(t.insert(
            first_k.span.start.line,
            first_k.span.start.col,
            format!("{key}: [{{"),
        ));
        edits.push(t.insert(end.line, end.col, "}]"));
    } else {
        let col = first_k.span.start.col;
        let pad = " ".repeat((col as usize).saturating_sub(1));
        edits.push(t.insert(first_k.span.start.line, col, format!("{key}:\n{pad}- ")));
        let end = t.end(last_v).line;
        indent_lines(t, first_k.span.start.line + 1, end, "  ", &mut edits);
    }
    Some(Fix {
        title: format!("move the peer under `{key}:`"),
        edits,
    })
}

/// Finds the list under key `dir` that holds an item with span `item`.
fn find_list<'n>(n: &'n Node, dir: &str, item: Span, found: &mut Option<&'n Node>) {
    match &n.kind {
        NodeKind::Map(entries) => {
            for (k, v) in entries {
                if k.text() == Some(dir)
                    && v.as_seq().is_some_and(|s| s.iter().any(|i| i.span == item))
                {
                    *found = Some(v);
                    return;
                }
                find_list(v, dir, item, found);
            }
        }
        NodeKind::Seq(items) => {
            for i in items {
                find_list(i, dir, item, found);
            }
        }
        NodeKind::Scalar { .. } => {}
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // test code
mod tests {
    use super::*;

    fn edit(l1: u32, c1: u32, l2: u32, c2: u32, r: &str) -> TextEdit {
        TextEdit {
            span: Span {
                source: 0,
                doc: 0,
                start: Pos { line: l1, col: c1 },
                end: Pos { line: l2, col: c2 },
            },
            replacement: r.to_string(),
        }
    }

    #[test]
    fn apply_replaces_and_inserts_by_position() {
        let text = "a: yes\nb: [x]\nçé: 1\n";
        let out = apply(
            text,
            &[
                edit(1, 4, 1, 7, "\"yes\""),
                edit(2, 6, 2, 6, ", y"),
                edit(3, 3, 3, 3, "!"),
            ],
        );
        assert_eq!(out, "a: \"yes\"\nb: [x, y]\nçé!: 1\n");
        // Out of range and overlapping edits are skipped.
        assert_eq!(apply("a\n", &[edit(9, 1, 9, 1, "x")]), "a\n");
        assert_eq!(
            apply("abc", &[edit(1, 1, 1, 3, "X"), edit(1, 2, 1, 3, "Y")]),
            "Xc"
        );
    }
}
