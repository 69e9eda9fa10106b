//! The assertion file format shared by `netpol check` and the scenario corpus:
//!
//! ```yaml
//! expect:
//!   - {from: x/a, to: y/b, port: 80, protocol: TCP, allowed: true}
//!   - {from: default/c, to: service:default/web, port: 80, allowed: false, explain_contains: [deny-all]}
//! ```
//! `protocol` defaults to TCP; unknown keys (top level and entries) are ignored.

use crate::parse::node::Node;
use crate::parse::yaml::parse_documents;
use crate::ports::Protocol;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expectation {
    pub from: String,
    pub to: String,
    pub port: u16,
    pub protocol: Protocol,
    pub allowed: bool,
    /// Substrings the explanation must contain (used by the corpus).
    pub explain_contains: Vec<String>,
    /// Line and column of the entry in the assertion file.
    pub line: u32,
    pub col: u32,
}

/// An error in the assertion file, with `line:column`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpectError {
    pub line: u32,
    pub col: u32,
    pub message: String,
}

impl std::fmt::Display for ExpectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.col, self.message)
    }
}

fn err(n: &Node, message: impl Into<String>) -> ExpectError {
    ExpectError {
        line: n.span.start.line,
        col: n.span.start.col,
        message: message.into(),
    }
}

pub fn parse_expectations(text: &str) -> Result<Vec<Expectation>, ExpectError> {
    let mut diags = Vec::new();
    let docs = parse_documents(0, text, &mut diags);
    if let Some(d) = diags.first() {
        let s = d.span.unwrap_or_default();
        return Err(ExpectError {
            line: s.start.line,
            col: s.start.col,
            message: d.message.clone(),
        });
    }
    let Some(root) = docs.iter().find_map(|d| d.root.as_ref()) else {
        return Err(ExpectError {
            line: 1,
            col: 1,
            message: "empty assertion file".into(),
        });
    };
    let list = root
        .get("expect")
        .and_then(Node::as_seq)
        .ok_or_else(|| err(root, "expected a top-level `expect:` list"))?;
    let mut out = Vec::with_capacity(list.len());
    for item in list {
        if item.as_map().is_none() {
            return Err(err(item, "each entry must be a mapping"));
        }
        let text_of = |key: &str| -> Result<String, ExpectError> {
            let n = item
                .get(key)
                .ok_or_else(|| err(item, format!("missing `{key}`")))?;
            n.text()
                .map(str::to_string)
                .ok_or_else(|| err(n, format!("`{key}` must be a string")))
        };
        let port_node = item
            .get("port")
            .ok_or_else(|| err(item, "missing `port`"))?;
        let port = port_node
            .as_int()
            .and_then(|p| u16::try_from(p).ok())
            .filter(|p| *p > 0)
            .ok_or_else(|| err(port_node, "`port` must be a number between 1 and 65535"))?;
        let protocol = match item.get("protocol").filter(|n| !n.is_null()) {
            None => Protocol::Tcp,
            Some(n) => n
                .text()
                .and_then(Protocol::parse_loose)
                .ok_or_else(|| err(n, "`protocol` must be TCP, UDP or SCTP"))?,
        };
        let allowed_node = item
            .get("allowed")
            .ok_or_else(|| err(item, "missing `allowed`"))?;
        let allowed = allowed_node
            .as_bool()
            .ok_or_else(|| err(allowed_node, "`allowed` must be true or false"))?;
        let explain_contains = match item.get("explain_contains") {
            None => Vec::new(),
            Some(n) => n
                .as_seq()
                .ok_or_else(|| err(n, "`explain_contains` must be a list of strings"))?
                .iter()
                .filter_map(|s| s.text().map(str::to_string))
                .collect(),
        };
        out.push(Expectation {
            from: text_of("from")?,
            to: text_of("to")?,
            port,
            protocol,
            allowed,
            explain_contains,
            line: item.span.start.line,
            col: item.span.start.col,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_entries_and_defaults() {
        let e = parse_expectations(
            "source: x\nexpect:\n  - {from: a/b, to: 1.2.3.4, port: 53, protocol: udp, allowed: true, note: hi}\n  - {from: a/b, to: c/d, port: 80, allowed: false, explain_contains: [x]}\n",
        )
        .unwrap();
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].protocol, Protocol::Udp);
        assert_eq!(e[1].protocol, Protocol::Tcp);
        assert_eq!(e[1].explain_contains, vec!["x".to_string()]);
        assert_eq!(e[1].line, 4);
    }

    #[test]
    fn errors_name_the_position() {
        let e =
            parse_expectations("expect:\n  - {from: a/b, to: c/d, port: 99999, allowed: true}\n")
                .unwrap_err();
        assert_eq!((e.line, e.col), (2, 32));
    }
}
