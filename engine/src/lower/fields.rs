//! Typed access to spanned nodes with diagnostics: the hand-written equivalent of serde
//! deserialisation, which stops at the first error and forgets where values were.

use crate::diagnostic::{Code, Diagnostic};
use crate::parse::node::{Node, Scalar};
use crate::ports::Protocol;
use crate::selector::Labels;
use crate::span::Span;

/// Collects diagnostics while lowering; `errors` counts errors so a caller can tell whether the
/// object it is lowering stays valid.
#[derive(Debug)]
pub struct Ctx<'d> {
    pub diags: &'d mut Vec<Diagnostic>,
    pub errors: usize,
    pub validate: crate::lower::Validate,
    /// Where objects without a namespace land.
    pub default_namespace: String,
    /// `-n NS` given explicitly (`kubectl apply -n`): a namespaced object that declares another
    /// namespace is refused.
    pub required_namespace: Option<String>,
    /// Selector keys naming a label controllers compute (`pod-template-hash`, `job-name`, ...),
    /// with the value a `matchLabels` entry asks for (`None` for an expression).
    pub generated_label_keys: Vec<(String, Option<String>, Span)>,
}

impl<'d> Ctx<'d> {
    /// A context with the defaults of `kubectl apply` (strict validation, namespace `default`).
    pub fn new(diags: &'d mut Vec<Diagnostic>) -> Ctx<'d> {
        Ctx {
            diags,
            errors: 0,
            validate: crate::lower::Validate::Strict,
            default_namespace: "default".to_string(),
            required_namespace: None,
            generated_label_keys: Vec::new(),
        }
    }
}

impl Ctx<'_> {
    pub fn error(&mut self, code: Code, span: Span, msg: impl Into<String>) -> &mut Diagnostic {
        self.errors += 1;
        self.push(Diagnostic::error(code, span, msg))
    }

    pub fn warn(&mut self, code: Code, span: Span, msg: impl Into<String>) -> &mut Diagnostic {
        self.push(Diagnostic::warning(code, span, msg))
    }

    #[allow(clippy::indexing_slicing)] // in bounds: the index of the element just pushed
    fn push(&mut self, d: Diagnostic) -> &mut Diagnostic {
        let i = self.diags.len();
        self.diags.push(d);
        &mut self.diags[i]
    }

    /// A mapping's fields; warns about unknown ones (kubectl's non-strict mode keeps the object).
    pub fn fields<'n>(&mut self, node: &'n Node, what: &str, known: &[&str]) -> Option<Fields<'n>> {
        if node.is_null() {
            return Some(Fields { entries: &[] });
        }
        let Some(entries) = node.as_map() else {
            self.error(
                Code::WrongType,
                node.span,
                format!("`{what}` must be a mapping, found {}", node.type_name()),
            );
            return None;
        };
        if !known.is_empty() {
            for (k, _) in entries {
                let name = k.text().unwrap_or("");
                if !known.contains(&name) {
                    let d = self.warn(
                        Code::UnknownField,
                        k.span,
                        format!("unknown field `{name}` in `{what}`"),
                    );
                    d.help = Some(match suggest(name, known) {
                        Some(s) => format!("did you mean `{s}`? the field is ignored"),
                        None => "the field is ignored".to_string(),
                    });
                }
            }
        }
        Some(Fields { entries })
    }

    /// A mapping's fields where `kubectl apply --validate=strict` (the default) refuses unknown
    /// ones: an error (the object is not applied), or with `--validate=warn` a warning and the
    /// field dropped. `hint` explains a likely mistake for a field name.
    pub fn strict_fields<'n>(
        &mut self,
        node: &'n Node,
        what: &str,
        known: &[&str],
        hint: &dyn Fn(&str) -> Option<Hint>,
    ) -> Option<Fields<'n>> {
        if node.is_null() {
            return Some(Fields { entries: &[] });
        }
        let Some(entries) = node.as_map() else {
            self.error(
                Code::WrongType,
                node.span,
                format!("`{what}` must be a mapping, found {}", node.type_name()),
            );
            return None;
        };
        for (k, _) in entries {
            let name = k.text().unwrap_or("");
            if known.contains(&name) {
                continue;
            }
            let h = hint(name).unwrap_or_else(|| Hint {
                help: match suggest(name, known) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!(
                        "known fields: {}",
                        known
                            .iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                },
                widens: None,
            });
            match self.validate {
                crate::lower::Validate::Strict => {
                    self.error(
                        Code::UnknownField,
                        k.span,
                        format!("unknown field `{name}` in `{what}`: the API server rejects the object (kubectl validates strictly by default), so it is not applied"),
                    )
                    .help = Some(h.help);
                }
                crate::lower::Validate::Warn => {
                    let mut msg =
                        format!("unknown field `{name}` in `{what}` is dropped (--validate=warn)");
                    if let Some(w) = &h.widens {
                        msg.push_str(&format!(": {w}"));
                    }
                    self.warn(Code::UnknownField, k.span, msg).help = Some(h.help);
                }
            }
        }
        Some(Fields { entries })
    }

    pub fn string<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n str> {
        match node.scalar() {
            Some(Scalar::Str(s)) => Some(s),
            Some(Scalar::Bool(b)) if node.text().is_some_and(|t| t != "true" && t != "false") => {
                let t = node.text().unwrap_or_default();
                self.error(
                    Code::WrongType,
                    node.span,
                    format!("`{what}` must be a string, but YAML 1.1 (which Kubernetes' YAML parser follows) reads the unquoted `{t}` as the boolean {b}"),
                )
                .help = Some(format!("quote it: `\"{t}\"`"));
                None
            }
            _ => {
                let d = self.error(
                    Code::WrongType,
                    node.span,
                    format!("`{what}` must be a string, found {}", node.type_name()),
                );
                if let Some(t) = node.text() {
                    d.help = Some(format!("quote it: `\"{t}\"`"));
                }
                None
            }
        }
    }

    /// A required field's value; `missing-field` at the object (`node`) when it is absent.
    pub fn required<'n>(
        &mut self,
        f: &Fields<'n>,
        node: &Node,
        key: &str,
        path: &str,
    ) -> Option<&'n Node> {
        let value = f.get(key);
        if value.is_none() {
            self.error(
                Code::MissingField,
                node.span,
                format!("`{path}.{key}` is required"),
            );
        }
        value
    }

    /// A port number (an integer 1-65535, apimachinery `IsValidPortNum`).
    pub fn port(&mut self, node: &Node, what: &str) -> Option<u16> {
        let n = self.int(node, what)?;
        port_number(self, node, n, what)
    }

    /// The `protocol` field of a port: TCP when absent (the API server's default for container,
    /// Service and NetworkPolicy ports, `+kubebuilder:default=TCP` for admin `portNumber`), else
    /// one of `TCP`, `UDP`, `SCTP`.
    pub fn protocol(&mut self, f: &Fields<'_>, path: &str) -> Option<Protocol> {
        let Some(p) = f.get("protocol") else {
            return Some(Protocol::Tcp);
        };
        let s = self.string(p, &format!("{path}.protocol"))?;
        let parsed = Protocol::parse(s);
        if parsed.is_none() {
            self.error(
                Code::InvalidProtocol,
                p.span,
                format!("unsupported protocol `{s}`"),
            )
            .help = Some("supported values: `TCP`, `UDP`, `SCTP`".into());
        }
        parsed
    }

    /// An IntOrString port (a NetworkPolicy port's `port`, a Service's `targetPort`): a number
    /// 1-65535, or a port name. A quoted number is a *name* to the API server, and names need a
    /// letter: refused with the remedy. `key` is the field's name, `what` its path.
    pub fn number_or_name<'n>(
        &mut self,
        node: &'n Node,
        key: &str,
        what: &str,
    ) -> Option<NumberOrName<'n>> {
        if let Some(n) = node.as_int() {
            return port_number(self, node, n, what).map(NumberOrName::Number);
        }
        let name = self.string(node, what)?;
        if name.trim().parse::<i64>().is_ok() {
            self.error(
                Code::InvalidPort,
                node.span,
                format!("invalid {key} `\"{name}\"`: a quoted number is a port *name*, and port names need a letter"),
            )
            .help = Some(format!("remove the quotes: `{key}: {}`", name.trim()));
            return None;
        }
        if !is_port_name(name) {
            self.error(
                Code::InvalidPort,
                node.span,
                format!("invalid {key} `{name}`: must be a number 1-65535 or a port name"),
            )
            .help = Some(PORT_NAME_RULE.into());
            return None;
        }
        Some(NumberOrName::Name(name))
    }

    /// A port name (a container port's `name`, an admin `namedPort`): `invalid-port` unless
    /// [`is_port_name`].
    pub fn port_name<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n str> {
        let name = self.string(node, what)?;
        if !is_port_name(name) {
            self.error(
                Code::InvalidPort,
                node.span,
                format!("invalid port name `{name}`: {PORT_NAME_RULE}"),
            );
            return None;
        }
        Some(name)
    }

    pub fn int(&mut self, node: &Node, what: &str) -> Option<i64> {
        match node.scalar() {
            Some(Scalar::Int(i)) => Some(i),
            Some(Scalar::Str(s)) if s.trim().parse::<i64>().is_ok() => {
                self.error(
                    Code::WrongType,
                    node.span,
                    format!("`{what}` must be an integer, found the string `\"{s}\"`"),
                )
                .help = Some(format!("remove the quotes: `{}`", s.trim()));
                None
            }
            _ => {
                self.error(
                    Code::WrongType,
                    node.span,
                    format!("`{what}` must be an integer, found {}", node.type_name()),
                );
                None
            }
        }
    }

    pub fn bool(&mut self, node: &Node, what: &str) -> Option<bool> {
        match node.scalar() {
            Some(Scalar::Bool(b)) => Some(b),
            Some(Scalar::Null) => Some(false),
            _ => {
                self.error(
                    Code::WrongType,
                    node.span,
                    format!("`{what}` must be true or false, found {}", node.type_name()),
                );
                None
            }
        }
    }

    /// A list; `null` counts as empty.
    pub fn seq<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n [Node]> {
        if node.is_null() {
            return Some(&[]);
        }
        match node.as_seq() {
            Some(s) => Some(s),
            None => {
                self.error(
                    Code::WrongType,
                    node.span,
                    format!("`{what}` must be a list, found {}", node.type_name()),
                );
                None
            }
        }
    }

    /// A `map[string]string` of labels, validated like the API server does.
    pub fn labels(&mut self, node: &Node, what: &str) -> Option<Labels> {
        let fields = self.fields(node, what, &[])?;
        let mut out = Labels::new();
        let before = self.errors;
        for (k, v) in fields.entries {
            let Some(key) = self.string(k, &format!("{what} key")) else {
                continue;
            };
            if let Err(why) = validate_label_key(key) {
                self.error(
                    Code::InvalidLabel,
                    k.span,
                    format!("invalid label key `{key}`: {why}"),
                );
            }
            let value = if v.is_null() {
                ""
            } else {
                match self.string(v, &format!("{what}.{key}")) {
                    Some(s) => s,
                    None => continue,
                }
            };
            if let Err(why) = validate_label_value(value) {
                self.error(
                    Code::InvalidLabel,
                    v.span,
                    format!("invalid label value `{value}`: {why}"),
                );
            }
            out.insert(key.to_string(), value.to_string());
        }
        (self.errors == before).then_some(out)
    }
}

/// Why an unknown field is probably there, and whether dropping it widens what the object allows.
#[derive(Clone, Debug)]
pub struct Hint {
    pub help: String,
    pub widens: Option<String>,
}

/// For any place a LabelSelector goes: unknown fields are most often labels written directly,
/// or a misspelt `matchLabels`. Dropping one always widens the selector; `left_empty` says the
/// selector has no `matchLabels`/`matchExpressions` left, so it now selects everything.
pub fn selector_hint(what: &str, left_empty: bool) -> impl Fn(&str) -> Option<Hint> + '_ {
    move |field: &str| {
        let meant = suggest(field, &["matchLabels", "matchExpressions"]);
        let help = match meant {
            Some(s) => format!("did you mean `{s}`?"),
            None if validate_label_key(field).is_ok() => format!(
                "labels go under `matchLabels`: `{}: {{matchLabels: {{{field}: ...}}}}`",
                what.rsplit('.').next().unwrap_or(what)
            ),
            None => return None,
        };
        let in_peer = what.contains(".from[") || what.contains(".to[");
        let widens = if !left_empty {
            format!("`{what}` is left without it, so it selects more")
        } else if in_peer && what.ends_with("namespaceSelector") {
            format!("`{what}` is left empty, so this peer now admits every namespace")
        } else if in_peer && what.ends_with("podSelector") {
            format!("`{what}` is left empty, so this peer now admits every pod of its namespace(s)")
        } else {
            format!("`{what}` is left without this label, so it selects more (an empty selector selects everything)")
        };
        Some(Hint {
            help,
            widens: Some(widens),
        })
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Fields<'n> {
    pub entries: &'n [(Node, Node)],
}

impl<'n> Fields<'n> {
    /// A field's value; explicit `null` counts as absent, as in Go's JSON decoding.
    pub fn get(&self, key: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(k, _)| k.text() == Some(key))
            .map(|(_, v)| v)
            .filter(|v| !v.is_null())
    }

    /// The key node (for spans that should underline the field name).
    pub fn key(&self, key: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(k, _)| k.text() == Some(key))
            .map(|(k, _)| k)
    }
}

/// Closest known name: same letters ignoring case, or within edit distance 2.
pub fn suggest<'k>(name: &str, known: &[&'k str]) -> Option<&'k str> {
    let lower = name.to_ascii_lowercase();
    if let Some(k) = known.iter().find(|k| k.to_ascii_lowercase() == lower) {
        return Some(k);
    }
    known
        .iter()
        .map(|k| (edit_distance(&lower, &k.to_ascii_lowercase()), *k))
        .filter(|(d, k)| *d <= 2.min(k.len() / 3 + 1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Levenshtein distance (small strings only).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        if let Some(first) = cur.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            if let Some(c) = cur.get_mut(j + 1) {
                *c = sub.min(del).min(ins);
            }
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.last().copied().unwrap_or(0)
}

fn is_alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// A qualified name: `[prefix/]name`, name ≤ 63 chars of `[A-Za-z0-9_.-]` starting and ending
/// alphanumeric (apimachinery `IsQualifiedName`).
pub fn validate_label_key(key: &str) -> Result<(), String> {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    if let Some(p) = prefix {
        if p.is_empty() || !is_dns1123_subdomain(p) {
            return Err("the prefix must be a DNS subdomain".into());
        }
    }
    validate_label_value(name).and_then(|()| {
        if name.is_empty() {
            Err("the name part must not be empty".into())
        } else {
            Ok(())
        }
    })
}

/// Empty, or ≤ 63 chars of `[A-Za-z0-9_.-]` starting and ending alphanumeric.
pub fn validate_label_value(v: &str) -> Result<(), String> {
    if v.is_empty() {
        return Ok(());
    }
    if v.len() > 63 {
        return Err("must be at most 63 characters".into());
    }
    let b = v.as_bytes();
    let ends_ok =
        b.first().copied().is_some_and(is_alnum) && b.last().copied().is_some_and(is_alnum);
    if !ends_ok
        || !b
            .iter()
            .all(|&c| is_alnum(c) || matches!(c, b'-' | b'_' | b'.'))
    {
        return Err(
            "must consist of alphanumerics, `-`, `_` or `.`, and start and end with an alphanumeric"
                .into(),
        );
    }
    Ok(())
}

/// RFC 1123 label: ≤ 63 chars of lower-case alphanumerics and `-`, alphanumeric at both ends.
pub fn is_dns1123_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter()
            .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
        && b.first().is_some_and(|c| *c != b'-')
        && b.last().is_some_and(|c| *c != b'-')
}

/// RFC 1123 subdomain: dot-separated labels, ≤ 253 chars.
pub fn is_dns1123_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(is_dns1123_label)
}

/// A port given by number or by name ([`Ctx::number_or_name`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumberOrName<'n> {
    Number(u16),
    Name(&'n str),
}

/// What [`is_port_name`] asks, for messages.
pub const PORT_NAME_RULE: &str =
    "port names have at most 15 lower-case letters, digits and `-`, with at least one letter";

/// `what` as a port number: 1-65535 (`invalid-port` otherwise).
pub fn port_number(ctx: &mut Ctx<'_>, node: &Node, n: i64, what: &str) -> Option<u16> {
    match u16::try_from(n) {
        Ok(p) if p >= 1 => Some(p),
        _ => {
            ctx.error(
                Code::InvalidPort,
                node.span,
                format!("`{what}` {n} is out of range: must be between 1 and 65535"),
            );
            None
        }
    }
}

/// IANA service name (named ports): ≤ 15 chars, lower-case alphanumerics and `-`, at least one
/// letter, no leading, trailing or double `-` (apimachinery `IsValidPortName`).
pub fn is_port_name(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 15
        && b.iter()
            .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
        && b.iter().any(u8::is_ascii_lowercase)
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(
            suggest("podselector", &["podSelector", "policyTypes"]),
            Some("podSelector")
        );
        assert_eq!(suggest("ingres", &["ingress", "egress"]), Some("ingress"));
        assert_eq!(suggest("zzz", &["ingress", "egress"]), None);
    }

    #[test]
    fn names() {
        assert!(is_dns1123_label("my-ns"));
        assert!(!is_dns1123_label("My-ns"));
        assert!(is_port_name("http"));
        assert!(!is_port_name("80"));
        assert!(!is_port_name("a--b"));
        assert!(validate_label_key("app.kubernetes.io/name").is_ok());
        assert!(validate_label_value("-x").is_err());
    }
}
