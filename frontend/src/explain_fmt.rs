//! The engine's explanation text → structured lines for display: indentation, `code` spans,
//! clickable `line N` references, and verdict words.

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    Text(String),
    Code(String),
    /// `line N`: a reference into the editor.
    Line(u32),
    /// ALLOWED / BLOCKED / DENIED / allowed (as a verdict at the end of a hop line).
    Verdict(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub indent: usize,
    pub segs: Vec<Seg>,
}

fn push_text(s: &str, segs: &mut Vec<Seg>) {
    // Split out `line N` and verdict words.
    let mut rest = s;
    while !rest.is_empty() {
        let next_line = rest.find("line ").filter(|&i| {
            rest.get(i + 5..)
                .and_then(|r| r.chars().next())
                .is_some_and(|c| c.is_ascii_digit())
        });
        let verdicts = ["ALLOWED", "BLOCKED", "DENIED"];
        let next_verdict = verdicts
            .iter()
            .filter_map(|v| rest.find(v).map(|i| (i, *v)))
            .min_by_key(|(i, _)| *i);
        match (next_line, next_verdict) {
            (Some(li), v) if v.is_none_or(|(vi, _)| li < vi) => {
                if li > 0 {
                    segs.push(Seg::Text(rest[..li].to_string()));
                }
                let digits: String = rest[li + 5..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                let n = digits.parse().unwrap_or(0);
                segs.push(Seg::Line(n));
                rest = &rest[li + 5 + digits.len()..];
            }
            (_, Some((vi, v))) => {
                if vi > 0 {
                    segs.push(Seg::Text(rest[..vi].to_string()));
                }
                segs.push(Seg::Verdict(v.to_string()));
                rest = &rest[vi + v.len()..];
            }
            _ => {
                segs.push(Seg::Text(rest.to_string()));
                rest = "";
            }
        }
    }
}

pub fn format(text: &str) -> Vec<Line> {
    text.lines()
        .map(|l| {
            let indent = l.len() - l.trim_start().len();
            let body = l.trim_start();
            let mut segs = Vec::new();
            for (i, part) in body.split('`').enumerate() {
                if i % 2 == 1 {
                    segs.push(Seg::Code(part.to_string()));
                } else if !part.is_empty() {
                    push_text(part, &mut segs);
                }
            }
            // "…: allowed" / "…: BLOCKED" at the end of hop lines.
            if let Some(Seg::Text(t)) = segs.last_mut() {
                if let Some(head) = t.strip_suffix(": allowed") {
                    let head = format!("{head}: ");
                    *t = head;
                    segs.push(Seg::Verdict("allowed".into()));
                }
            }
            Line { indent, segs }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments() {
        let l = format(
            "    egress of `a/b`: DENIED — isolated by `x/y` (line 54), and no rule allows it:",
        );
        let first = l.first().cloned().unwrap_or(Line {
            indent: 0,
            segs: vec![],
        });
        assert_eq!(first.indent, 4);
        assert_eq!(
            first.segs,
            vec![
                Seg::Text("egress of ".into()),
                Seg::Code("a/b".into()),
                Seg::Text(": ".into()),
                Seg::Verdict("DENIED".into()),
                Seg::Text(" — isolated by ".into()),
                Seg::Code("x/y".into()),
                Seg::Text(" (".into()),
                Seg::Line(54),
                Seg::Text("), and no rule allows it:".into()),
            ]
        );
    }

    #[test]
    fn hop_verdicts_and_plain_lines() {
        let l = format("  a → b port 80/TCP: allowed\nline of text");
        assert_eq!(
            l.first().and_then(|l| l.segs.last().cloned()),
            Some(Seg::Verdict("allowed".into()))
        );
        assert_eq!(
            l.get(1).map(|l| l.segs.clone()),
            Some(vec![Seg::Text("line of text".into())])
        );
    }
}
