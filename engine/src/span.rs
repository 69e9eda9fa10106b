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
}

impl Source {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Source {
        Source {
            name: name.into(),
            text: text.into(),
        }
    }
}
