//! Source positions. Every object, rule and field the engine reports on carries a [`Span`], so
//! explanations and diagnostics can point at lines in the user's text.

use std::fmt;

/// A position in a source text: 1-based line, 1-based column counted in Unicode scalar values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

/// A range in one input source (a file, or the editor's text), within one YAML document.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// Index of the input in the slice given to [`crate::analyze`].
    pub source: u32,
    /// 0-based index of the YAML document within that input.
    pub doc: u32,
    pub start: Pos,
    /// Exclusive end.
    pub end: Pos,
}

impl Span {
    /// The smallest span covering both (same source assumed).
    pub fn join(self, other: Span) -> Span {
        Span {
            source: self.source,
            doc: self.doc,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// One input given to the engine: a display name (a path, `<stdin>`, `editor`) and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    pub name: String,
    pub text: String,
    /// Byte offset where each line of `text` starts, as [`str::lines`] counts lines: found once
    /// here, so that a span's lines are reached without scanning the text from its start.
    line_starts: Vec<usize>,
    /// The length of the text `line_starts` indexes (a replaced `text` is scanned instead).
    indexed_len: usize,
}

impl Source {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Source {
        let text = text.into();
        Source {
            name: name.into(),
            line_starts: line_starts(&text),
            indexed_len: text.len(),
            text,
        }
    }

    /// Line `line` (1-based), the same as `text.lines().nth(line - 1)`, without the scan.
    pub fn line(&self, line: u32) -> Option<&str> {
        let i = (line as usize).checked_sub(1)?;
        if self.indexed_len != self.text.len() {
            return self.text.lines().nth(i);
        }
        let start = *self.line_starts.get(i)?;
        self.text.get(start..)?.lines().next()
    }
}

/// Where each line starts: 0, and after every `\n` that is not the text's last character.
fn line_starts(text: &str) -> Vec<usize> {
    if text.is_empty() {
        return Vec::new();
    }
    let mut out = vec![0];
    out.extend(
        text.bytes()
            .enumerate()
            .filter(|&(i, b)| b == b'\n' && i + 1 < text.len())
            .map(|(i, _)| i + 1),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::Source;

    /// `Source::line` gives exactly the lines `str::lines` gives, breaks and all.
    #[test]
    fn indexed_lines_are_the_lines_of_str_lines() {
        for text in [
            "",
            "\n",
            "\n\n",
            "a",
            "a\n",
            "a\nb",
            "a\r\nb\r\n",
            "a\rb\n\r",
            "x: 1\n\n  # c\ny: ü\n",
        ] {
            let s = Source::new("t", text);
            let want: Vec<&str> = text.lines().collect();
            let got: Vec<&str> = (1..).map_while(|n| s.line(n)).collect();
            assert_eq!(got, want, "{text:?}");
            assert_eq!(s.line(0), None);
        }
        // A text replaced after indexing is still read right.
        let mut s = Source::new("t", "a\nb\n");
        s.text = "first\nsecond line\nthird".to_string();
        assert_eq!(s.line(2), Some("second line"));
        assert_eq!(s.line(4), None);
    }
}
