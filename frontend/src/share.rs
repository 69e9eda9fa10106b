//! Share links: the whole state (text, view, filters) in the URL fragment.
//!
//! Format version 1: `#v1=` + base64url (no padding) of the raw-deflate of a UTF-8 payload:
//! header lines `key=value`, an empty line, then the manifest text verbatim. Unknown keys are
//! ignored, so later versions may add keys and still be read here; a v1 link must keep decoding
//! in every later version (see the committed link in the tests).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

pub const PREFIX_V1: &str = "v1=";
/// Refuse to inflate beyond this (a hostile link cannot exhaust memory).
const MAX_INFLATED: usize = 32 * 1024 * 1024;

/// What a link carries. Values are plain strings so that this module knows nothing of the UI.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Shared {
    pub text: String,
    /// `graph` or `matrix`.
    pub view: String,
    /// Port filter as typed, e.g. `80/TCP`; empty = the destinations' declared ports.
    pub port: String,
    /// Flow filter: `all`, `allowed`, `blocked`, `partial`.
    pub flows: String,
    /// Selected node (`data-node` name) or empty.
    pub select: String,
    /// Policies switched off (what-if), by `namespace/name`.
    pub off: Vec<String>,
    /// Expanded workloads, by `namespace/name`.
    pub expand: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    UnknownVersion,
    Base64,
    Inflate,
    Utf8,
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DecodeError::UnknownVersion => {
                "the link was made by a newer or unknown version of the playground"
            }
            DecodeError::Base64 => "the link is damaged (not base64url)",
            DecodeError::Inflate => "the link is damaged (it does not decompress)",
            DecodeError::Utf8 => "the link is damaged (not UTF-8 text)",
        })
    }
}

fn clean(v: &str) -> String {
    v.chars().filter(|c| *c != '\n' && *c != '\r').collect()
}

/// The fragment, without `#`.
pub fn encode(s: &Shared) -> String {
    let mut payload = String::new();
    let mut kv = |k: &str, v: &str| {
        if !v.is_empty() {
            payload.push_str(k);
            payload.push('=');
            payload.push_str(&clean(v));
            payload.push('\n');
        }
    };
    kv("view", &s.view);
    kv("port", &s.port);
    kv("flows", &s.flows);
    kv("select", &s.select);
    for o in &s.off {
        kv("off", o);
    }
    for e in &s.expand {
        kv("expand", e);
    }
    payload.push('\n');
    payload.push_str(&s.text);
    let packed = miniz_oxide::deflate::compress_to_vec(payload.as_bytes(), 9);
    format!("{PREFIX_V1}{}", URL_SAFE_NO_PAD.encode(packed))
}

/// Decodes a fragment (with or without the leading `#`). `Ok(None)`: not a share link at all.
pub fn decode(fragment: &str) -> Result<Option<Shared>, DecodeError> {
    let f = fragment.strip_prefix('#').unwrap_or(fragment);
    if f.is_empty() {
        return Ok(None);
    }
    let Some(data) = f.strip_prefix(PREFIX_V1) else {
        return if f.starts_with('v') && f.contains('=') {
            Err(DecodeError::UnknownVersion)
        } else {
            Ok(None)
        };
    };
    let packed = URL_SAFE_NO_PAD
        .decode(data.trim_end_matches('=').as_bytes())
        .map_err(|_| DecodeError::Base64)?;
    let raw = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_INFLATED)
        .map_err(|_| DecodeError::Inflate)?;
    let payload = String::from_utf8(raw).map_err(|_| DecodeError::Utf8)?;
    let (header, text) = match payload.split_once("\n\n") {
        Some((h, t)) => (h, t),
        None => match payload.strip_prefix('\n') {
            Some(t) => ("", t),
            None => (payload.as_str(), ""),
        },
    };
    let mut s = Shared {
        text: text.to_string(),
        ..Shared::default()
    };
    for line in header.lines() {
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        match k {
            "view" => s.view = v.to_string(),
            "port" => s.port = v.to_string(),
            "flows" => s.flows = v.to_string(),
            "select" => s.select = v.to_string(),
            "off" => s.off.push(v.to_string()),
            "expand" => s.expand.push(v.to_string()),
            _ => {} // a later version's key: ignored
        }
    }
    Ok(Some(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Made by version 1 of the playground: the classic demo with `deny-by-default` switched off,
    /// the matrix view, port 80/TCP, `default/dep-httpd` expanded. Must decode forever.
    const COMMITTED_V1: &str = include_str!("../tests/share-v1.txt");

    #[test]
    fn round_trip() {
        let s = Shared {
            text: "apiVersion: v1\nkind: Pod\n\n\nmetadata: {name: é}\n".into(),
            view: "matrix".into(),
            port: "53/UDP".into(),
            flows: "blocked".into(),
            select: "default/a".into(),
            off: vec!["default/p1".into(), "default/p2".into()],
            expand: vec!["default/web".into()],
        };
        let enc = encode(&s);
        assert!(enc.starts_with("v1="));
        assert!(enc
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'='));
        assert_eq!(decode(&format!("#{enc}")), Ok(Some(s)));
    }

    #[test]
    fn empty_header_and_empty_text() {
        let s = Shared::default();
        assert_eq!(decode(&encode(&s)), Ok(Some(s)));
        let t = Shared {
            text: "x: 1".into(),
            ..Shared::default()
        };
        assert_eq!(decode(&encode(&t)), Ok(Some(t)));
    }

    #[test]
    fn committed_v1_link_still_opens() {
        let link = COMMITTED_V1.trim();
        let frag = link.split_once('#').map_or(link, |(_, f)| f);
        let s = decode(frag).ok().flatten().unwrap_or_default();
        assert_eq!(s.view, "matrix");
        assert_eq!(s.port, "80/TCP");
        assert_eq!(s.off, vec!["default/deny-by-default".to_string()]);
        assert_eq!(s.expand, vec!["default/dep-httpd".to_string()]);
        // The demo with `deny-by-default` as it was when the link was made.
        assert!(s.text.contains("name: svc-clusterip-httpd"));
        assert!(s.text.contains("name: deny-by-default"));
        assert!(s.text.contains("replicas: 3"));
    }

    #[test]
    fn not_a_link_and_damaged_links() {
        assert_eq!(decode(""), Ok(None));
        assert_eq!(decode("#section-2"), Ok(None));
        assert_eq!(decode("#v9=abc"), Err(DecodeError::UnknownVersion));
        assert_eq!(decode("#v1=***"), Err(DecodeError::Base64));
        assert_eq!(decode("#v1=AAAA"), Err(DecodeError::Inflate));
    }
}
