//! The documents of the editor's text (split on `---` lines, as the engine splits them), so
//! that the page can name a document the engine skipped: "document 2 (lines 12–30,
//! Deployment `web`)". Only line positions and the `kind:`/`name:` lines are read here; the
//! engine alone interprets the manifests.

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Doc {
    /// 1-based position among the documents.
    pub index: usize,
    /// The lines it spans (1-based, inclusive; from its `---` marker to the next one).
    pub start: u32,
    pub end: u32,
    /// Its first and last lines with content (for display).
    pub first_line: u32,
    pub last_line: u32,
    /// The top-level `kind:` and first `name:` values, when written plainly.
    pub kind: Option<String>,
    pub name: Option<String>,
    /// Holds something besides blank lines, comments and the `---` marker.
    pub has_content: bool,
}

impl Doc {
    /// "document 2 (lines 12–30, Deployment `web`)".
    pub fn label(&self) -> String {
        let what = match (&self.kind, &self.name) {
            (Some(k), Some(n)) => format!(", {k} `{n}`"),
            (Some(k), None) => format!(", a {k}"),
            (None, Some(n)) => format!(", `{n}`"),
            (None, None) => String::new(),
        };
        format!(
            "document {} (lines {}–{}{what})",
            self.index, self.first_line, self.last_line
        )
    }

    pub fn contains(&self, line: u32) -> bool {
        (self.start..=self.end).contains(&line)
    }
}

fn value(line: &str, key: &str) -> Option<String> {
    let v = line.strip_prefix(key)?.trim();
    let v = v.split(" #").next().unwrap_or(v).trim();
    let v = v.trim_matches(|c| c == '"' || c == '\'');
    (!v.is_empty()).then(|| v.to_string())
}

/// The documents of `text`, in order.
pub fn split(text: &str) -> Vec<Doc> {
    let mut docs: Vec<Doc> = Vec::new();
    let mut cur = Doc {
        index: 1,
        start: 1,
        end: 1,
        first_line: 0,
        last_line: 0,
        kind: None,
        name: None,
        has_content: false,
    };
    let mut started = false;
    for (no, line) in (1u32..).zip(text.split('\n')) {
        let marker = line.starts_with("---")
            && matches!(line.as_bytes().get(3), None | Some(b' ' | b'\t' | b'\r'));
        if marker && started {
            let next = Doc {
                index: cur.index + 1,
                start: no,
                end: no,
                first_line: 0,
                last_line: 0,
                kind: None,
                name: None,
                has_content: false,
            };
            docs.push(std::mem::replace(&mut cur, next));
        }
        started = true;
        cur.end = no;
        let t = line.trim();
        if !marker && !t.is_empty() {
            if cur.first_line == 0 {
                cur.first_line = no;
            }
            cur.last_line = no;
            if !t.starts_with('#') {
                cur.has_content = true;
            }
        }
        if cur.kind.is_none() {
            cur.kind = value(line, "kind:");
        }
        if cur.name.is_none() {
            cur.name = value(line.trim_start(), "name:").filter(|_| line.starts_with("  "));
        }
    }
    docs.push(cur);
    for d in &mut docs {
        if d.first_line == 0 {
            (d.first_line, d.last_line) = (d.start, d.end);
        }
    }
    docs
}

/// The documents holding one of `error_lines` (the YAML syntax errors), and whether some
/// other document with content is left to analyse.
pub fn skipped(text: &str, error_lines: &[u32]) -> (Vec<Doc>, bool) {
    let docs = split(text);
    let (bad, good): (Vec<Doc>, Vec<Doc>) = docs
        .into_iter()
        .partition(|d| error_lines.iter().any(|&l| d.contains(l)));
    (bad, good.iter().any(|d| d.has_content))
}

/// A NetworkPolicy written in the text that the engine did not apply (an error in it): it
/// stays in the Policies list, marked "not applied", with the reason and its line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected {
    pub name: String,
    /// The first error's line and message.
    pub line: u32,
    pub reason: String,
}

/// The NetworkPolicy documents whose name is not among the `applied` names and that hold an
/// error (`errors`: line and message, in order).
pub fn rejected_policies(
    text: &str,
    applied: &[String],
    errors: &[(u32, String)],
) -> Vec<Rejected> {
    split(text)
        .into_iter()
        .filter(|d| d.kind.as_deref() == Some("NetworkPolicy"))
        .filter_map(|d| {
            let name = d.name.clone().unwrap_or_else(|| "(no name)".into());
            if applied.contains(&name) {
                return None;
            }
            let (line, reason) = errors.iter().find(|(l, _)| d.contains(*l))?;
            Some(Rejected {
                name,
                line: *line,
                reason: reason.clone(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: \"web\"\n  labels: {x: y}\n";

    #[test]
    fn splits_like_the_engine_and_names_each_document() {
        let d = split(TWO);
        assert_eq!(d.len(), 2);
        assert_eq!(
            d.first().map(Doc::label).as_deref(),
            Some("document 1 (lines 1–4, Pod `a`)")
        );
        assert_eq!(
            d.get(1).map(Doc::label).as_deref(),
            Some("document 2 (lines 6–10, Deployment `web`)")
        );
        // `----` or `---x` is not a marker.
        assert_eq!(split("a: 1\n----\nb: 2").len(), 1);
        assert_eq!(split("---\na: 1\n--- # c\nb: 2").len(), 2);
    }

    #[test]
    fn a_broken_document_is_skipped_while_others_remain() {
        let (bad, rest) = skipped(TWO, &[8]);
        assert_eq!(bad.iter().map(|d| d.index).collect::<Vec<_>>(), [2]);
        assert!(rest);
        let (bad, rest) = skipped("# only a comment\n---\nkind: [\n", &[3]);
        assert_eq!(bad.len(), 1);
        assert!(!rest, "a comment-only document leaves nothing to analyse");
    }

    #[test]
    fn a_policy_with_an_error_is_listed_as_not_applied() {
        let text = "kind: Pod\nmetadata:\n  name: a\n---\nkind: NetworkPolicy\nmetadata:\n  name: bad\nspec:\n  x: 1\n---\nkind: NetworkPolicy\nmetadata:\n  name: good\n";
        let r = rejected_policies(text, &["good".into()], &[(9, "unknown field".into())]);
        assert_eq!(
            r,
            [Rejected {
                name: "bad".into(),
                line: 9,
                reason: "unknown field".into()
            }]
        );
        assert!(rejected_policies(text, &["good".into()], &[]).is_empty());
    }
}
