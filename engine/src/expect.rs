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
    /// The port number; 0 when `port_name` is given (the CLI resolves it on the destination).
    pub port: u16,
    /// `port: http`: a port name (a container port, or a Service port's name).
    pub port_name: Option<String>,
    pub protocol: Protocol,
    pub allowed: bool,
    /// Substrings the explanation must contain (used by the corpus).
    pub explain_contains: Vec<String>,
    /// Line and column of the entry in the assertion file.
    pub line: u32,
    pub col: u32,
    /// Line and column of the `from` and `to` values (where a name error points).
    pub from_pos: (u32, u32),
    pub to_pos: (u32, u32),
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

/// Parses the assertion file; the first problem is an error (the corpus wants all-or-nothing,
/// and port numbers: port names are resolved by the CLI).
pub fn parse_expectations(text: &str) -> Result<Vec<Expectation>, ExpectError> {
    let (entries, errors) = parse_expectations_all(text)?;
    if let Some(e) = errors.into_iter().flatten().next() {
        return Err(e);
    }
    match entries.iter().find(|e| e.port_name.is_some()) {
        Some(e) => Err(ExpectError {
            line: e.line,
            col: e.col,
            message: "`port` must be a number between 1 and 65535".into(),
        }),
        None => Ok(entries),
    }
}

/// Parses every entry it can: the good entries, and for each bad entry its errors, one per bad
/// field (an entry with an error is left out). `Err` only when the file as a whole is unusable
/// (a YAML syntax error, no `expect:` list).
pub fn parse_expectations_all(
    text: &str,
) -> Result<(Vec<Expectation>, Vec<Vec<ExpectError>>), ExpectError> {
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
    let mut errors = Vec::new();
    for item in list {
        match entry(item) {
            Ok(e) => out.push(e),
            Err(es) => errors.push(es),
        }
    }
    Ok((out, errors))
}

/// One entry, or every problem it has.
fn entry(item: &Node) -> Result<Expectation, Vec<ExpectError>> {
    if item.as_map().is_none() {
        return Err(vec![err(item, "each entry must be a mapping")]);
    }
    let mut errors = Vec::new();
    let mut text_of = |key: &str| -> Option<(String, u32, u32)> {
        let Some(n) = item.get(key) else {
            errors.push(err(item, format!("missing `{key}`")));
            return None;
        };
        match n.text() {
            Some(t) => Some((t.to_string(), n.span.start.line, n.span.start.col)),
            None => {
                errors.push(err(n, format!("`{key}` must be a string")));
                None
            }
        }
    };
    let from = text_of("from");
    let to = text_of("to");
    let mut port_name = None;
    let port = match item.get("port") {
        None => {
            errors.push(err(item, "missing `port`"));
            None
        }
        // A port name (IANA_SVC_NAME, as container port names are).
        Some(n) if n.as_str().is_some_and(crate::lower::fields::is_port_name) => {
            port_name = n.as_str().map(str::to_string);
            Some(0)
        }
        Some(n) => {
            let p = n
                .as_int()
                .and_then(|p| u16::try_from(p).ok())
                .filter(|p| *p > 0);
            if p.is_none() {
                errors.push(err(
                    n,
                    "`port` must be a number between 1 and 65535, or a port name",
                ));
            }
            p
        }
    };
    let protocol = match item.get("protocol").filter(|n| !n.is_null()) {
        None => Some(Protocol::Tcp),
        Some(n) => {
            let p = n.text().and_then(Protocol::parse_loose);
            if p.is_none() {
                errors.push(err(n, "`protocol` must be TCP, UDP or SCTP"));
            }
            p
        }
    };
    let allowed = match item.get("allowed") {
        None => {
            errors.push(err(item, "missing `allowed`"));
            None
        }
        Some(n) => {
            let b = n.as_bool();
            if b.is_none() {
                errors.push(err(n, "`allowed` must be true or false"));
            }
            b
        }
    };
    let explain_contains = match item.get("explain_contains") {
        None => Some(Vec::new()),
        Some(n) => match n.as_seq() {
            Some(seq) => Some(
                seq.iter()
                    .filter_map(|s| s.text().map(str::to_string))
                    .collect(),
            ),
            None => {
                errors.push(err(n, "`explain_contains` must be a list of strings"));
                None
            }
        },
    };
    match (from, to, port, protocol, allowed, explain_contains) {
        (
            Some(from),
            Some(to),
            Some(port),
            Some(protocol),
            Some(allowed),
            Some(explain_contains),
        ) if errors.is_empty() => Ok(Expectation {
            from: from.0,
            to: to.0,
            port,
            port_name,
            protocol,
            allowed,
            explain_contains,
            line: item.span.start.line,
            col: item.span.start.col,
            from_pos: (from.1, from.2),
            to_pos: (to.1, to.2),
        }),
        _ => Err(errors),
    }
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

    #[test]
    fn every_bad_entry_and_field_is_reported() {
        let (ok, errors) = parse_expectations_all(
            "expect:\n  - {from: a/b, to: c/d, port: 99999, allowed: maybe}\n  - {from: a/b, to: c/d, port: 80, allowed: true}\n  - {to: c/d, port: 80, allowed: true}\n",
        )
        .unwrap();
        assert_eq!(ok.len(), 1);
        assert_eq!(ok[0].line, 3);
        assert_eq!(ok[0].to_pos, (3, 21));
        assert_eq!(errors.len(), 2);
        let at: Vec<(u32, u32)> = errors.iter().flatten().map(|e| (e.line, e.col)).collect();
        assert_eq!(at, vec![(2, 32), (2, 48), (4, 5)]);
        assert!(errors[1][0].message.contains("missing `from`"));
    }

    #[test]
    fn port_names_are_kept_for_the_cli_and_refused_by_the_strict_parser() {
        let text = "expect:\n  - {from: a/b, to: c/d, port: http, allowed: true}\n";
        let (ok, errors) = parse_expectations_all(text).unwrap();
        assert!(errors.is_empty());
        assert_eq!((ok[0].port, ok[0].port_name.as_deref()), (0, Some("http")));
        assert_eq!(parse_expectations(text).unwrap_err().line, 2);
        // A quoted number is neither a number nor a name.
        let (_, errors) = parse_expectations_all(
            "expect:\n  - {from: a/b, to: c/d, port: \"80\", allowed: true}\n",
        )
        .unwrap();
        assert_eq!(errors.len(), 1);
    }
}
