//! Diagnostics as compilers print them (rendered by `annotate-snippets`: multi-line spans, tabs,
//! wide characters), in colour on a terminal unless `NO_COLOR` is set, plain when piped.
//! Very long lines (minified JSON) are cut to a window around the span.

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::IsTerminal;
use std::rc::Rc;

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use serde::Serialize;

use engine::{Analysis, Diagnostic, Severity, Span};

/// Lines longer than this (in characters) are shown as a window around the span.
const MAX_LINE_CHARS: usize = 2000;
/// Characters of context kept on each side of the span in such a window (the renderer then
/// narrows it to the terminal width around the column).
const WINDOW_CONTEXT: usize = 200;
/// Characters of a long span kept in such a window.
const WINDOW_SPAN: usize = 200;

/// Whether to colour a stream: `NO_COLOR` (any non-empty value) wins, then `CLICOLOR_FORCE`,
/// then whether the stream is a terminal (<https://no-color.org>, <https://bixense.com/clicolors/>).
pub fn colour(is_terminal: bool) -> bool {
    let set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty() && v != "0");
    if set("NO_COLOR") {
        return false;
    }
    set("CLICOLOR_FORCE") || is_terminal
}

pub fn stdout_colour() -> bool {
    colour(std::io::stdout().is_terminal())
}

pub fn stderr_colour() -> bool {
    colour(std::io::stderr().is_terminal())
}

const GREEN: &str = "\x1b[1;32m";
const RED: &str = "\x1b[1;31m";
const RESET: &str = "\x1b[0m";

/// Colours the verdict words of `explain`/`check` text (`ALLOWED`, `BLOCKED`, `DENIED`, a
/// direction's `allowed`, a `FAIL` line's head) when `colour` (see [`stdout_colour`]); the
/// text is unchanged otherwise.
pub fn paint_verdicts(text: &str, colour: bool) -> String {
    if !colour {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.split_inclusive('\n') {
        let (body, nl) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        let mut l = body.to_string();
        if let Some(rest) = l.strip_prefix("FAIL ") {
            l = format!("{RED}FAIL{RESET} {rest}");
        }
        for (word, c) in [
            (": ALLOWED", GREEN),
            (": BLOCKED", RED),
            (": DENIED", RED),
            (": allowed", GREEN),
        ] {
            l = l.replace(word, &format!(": {c}{}{RESET}", &word[2..]));
        }
        out.push_str(&l);
        out.push_str(nl);
    }
    out
}

fn source_name(a: &Analysis, s: &Span) -> String {
    a.sources
        .get(s.source as usize)
        .map_or_else(|| "?".to_string(), |x| x.name.clone())
}

/// `file:line:col`
pub fn location(a: &Analysis, d: &Diagnostic) -> String {
    match d.span {
        Some(s) => format!("{}:{}:{}", source_name(a, &s), s.start.line, s.start.col),
        None => "<input>".to_string(),
    }
}

/// One-line form, for stderr during `check`/`matrix`/`explain`.
pub fn short(a: &Analysis, d: &Diagnostic, colour: bool) -> String {
    let (on, off) = if colour {
        match d.severity {
            Severity::Error => ("\x1b[1;91m", "\x1b[0m"),
            Severity::Warning => ("\x1b[1;33m", "\x1b[0m"),
            Severity::Info => ("\x1b[1;94m", "\x1b[0m"),
        }
    } else {
        ("", "")
    };
    format!(
        "{}: {on}{}[{}]{off}: {}",
        location(a, d),
        d.severity.as_str(),
        d.code.as_str(),
        d.message
    )
}

/// Byte offsets of line starts, per source, computed once (rendering stays linear), and a
/// character index of each long line, built once when a diagnostic first needs it (a minified
/// JSON line with thousands of diagnostics is not rescanned for each).
#[derive(Debug)]
pub struct Lines<'a> {
    texts: Vec<&'a str>,
    starts: Vec<Vec<usize>>,
    long: RefCell<HashMap<(u32, u32), Rc<LineIndex>>>,
}

impl<'a> Lines<'a> {
    pub fn new(a: &'a Analysis) -> Lines<'a> {
        let texts: Vec<&str> = a.sources.iter().map(|s| s.text.as_str()).collect();
        let starts = texts
            .iter()
            .map(|t| {
                std::iter::once(0)
                    .chain(t.match_indices('\n').map(|(i, _)| i + 1))
                    .collect()
            })
            .collect();
        Lines {
            texts,
            starts,
            long: RefCell::new(HashMap::new()),
        }
    }

    /// Line `line` (1-based) of a source, without its line break.
    fn get(&self, source: u32, line: u32) -> Option<&'a str> {
        let text = *self.texts.get(source as usize)?;
        let starts = self.starts.get(source as usize)?;
        let i = (line as usize).checked_sub(1)?;
        let start = *starts.get(i)?;
        let end = starts.get(i + 1).map_or(text.len(), |e| e - 1);
        let l = text.get(start..end)?;
        Some(l.strip_suffix('\r').unwrap_or(l))
    }

    /// The character index of a line (cached when the line is long).
    fn index(&self, source: u32, n: u32, line: &str) -> Rc<LineIndex> {
        if line.len() <= MAX_LINE_CHARS {
            return Rc::new(LineIndex::new(line));
        }
        self.long
            .borrow_mut()
            .entry((source, n))
            .or_insert_with(|| Rc::new(LineIndex::new(line)))
            .clone()
    }
}

/// Characters → bytes in one line: the byte offset of every `STEP`-th character.
#[derive(Debug)]
struct LineIndex {
    chars: usize,
    marks: Vec<usize>,
}

impl LineIndex {
    const STEP: usize = 256;

    fn new(line: &str) -> LineIndex {
        let mut marks = Vec::with_capacity(line.len() / Self::STEP + 1);
        let mut chars = 0;
        for (i, (b, _)) in line.char_indices().enumerate() {
            if i % Self::STEP == 0 {
                marks.push(b);
            }
            chars = i + 1;
        }
        LineIndex { chars, marks }
    }

    /// Byte offset of 0-based character `c` (the line's end when past it).
    fn byte_of(&self, line: &str, c: usize) -> usize {
        if c >= self.chars {
            return line.len();
        }
        let k = c / Self::STEP;
        let base = self.marks.get(k).copied().unwrap_or(0);
        line.get(base..)
            .and_then(|rest| rest.char_indices().nth(c - k * Self::STEP))
            .map_or(line.len(), |(b, _)| base + b)
    }
}

/// A line as shown, and where its original byte `b` lands in what is shown.
struct Shown {
    text: String,
    /// Original byte range kept, and the bytes added before it (an ellipsis).
    kept: (usize, usize),
    prefix: usize,
}

impl Shown {
    /// The whole line, or a window of it around the characters `[from, to)` (0-based).
    fn window(line: &str, idx: &LineIndex, from: usize, to: usize) -> Shown {
        if idx.chars <= MAX_LINE_CHARS {
            return Shown {
                text: line.to_string(),
                kept: (0, line.len()),
                prefix: 0,
            };
        }
        let first = from.saturating_sub(WINDOW_CONTEXT);
        let last = from + to.saturating_sub(from).min(WINDOW_SPAN) + WINDOW_CONTEXT;
        let (lo, hi) = (idx.byte_of(line, first), idx.byte_of(line, last));
        let mut text = String::new();
        if lo > 0 {
            text.push('…');
        }
        let prefix = text.len();
        text.push_str(line.get(lo..hi).unwrap_or(""));
        if hi < line.len() {
            text.push('…');
        }
        Shown {
            text,
            kept: (lo, hi),
            prefix,
        }
    }

    /// Where original byte `b` of the line is in `text`.
    fn map(&self, b: usize) -> usize {
        b.clamp(self.kept.0, self.kept.1) - self.kept.0 + self.prefix
    }
}

/// The excerpt shown for a span.
struct Excerpt {
    text: String,
    /// The span's byte range in `text`.
    range: std::ops::Range<usize>,
    /// The 1-based column of the span's start in `text` (differs from the real one when the
    /// first line was cut to a window).
    shown_col: usize,
}

/// The excerpt (lines `span.start.line..=span.end.line`) and the span's byte range in it.
fn excerpt(lines: &Lines<'_>, s: &Span) -> Option<Excerpt> {
    let first = lines.get(s.source, s.start.line)?;
    // An exclusive end at column 1 ends on the line before.
    let last_line = if s.end.line > s.start.line && s.end.col <= 1 {
        s.end.line - 1
    } else {
        s.end.line.max(s.start.line)
    };
    let mut text = String::new();
    let (mut start, mut end, mut shown_col) = (0, 0, 1);
    for n in s.start.line..=last_line {
        let line = if n == s.start.line {
            first
        } else {
            lines.get(s.source, n).unwrap_or("")
        };
        let idx = lines.index(s.source, n, line);
        // Characters (0-based) of the span on this line.
        let from_c = if n == s.start.line {
            (s.start.col as usize).saturating_sub(1)
        } else {
            0
        };
        let to_c = if n == last_line && n == s.end.line {
            (s.end.col as usize).saturating_sub(1)
        } else {
            idx.chars
        }
        .max(from_c);
        let shown = Shown::window(line, &idx, from_c, to_c);
        let (from, to) = (idx.byte_of(line, from_c), idx.byte_of(line, to_c));
        if n == s.start.line {
            let at = shown.map(from);
            shown_col = shown.text.get(..at).map_or(0, |t| t.chars().count()) + 1;
            start = text.len() + at;
        }
        if n == last_line {
            end = text.len() + shown.map(to);
        }
        text.push_str(&shown.text);
        text.push('\n');
    }
    Some(Excerpt {
        text,
        range: start..end.max(start),
        shown_col,
    })
}

/// Full form: title, location, the source lines with the span underlined, the help line.
pub fn full(a: &Analysis, lines: &Lines<'_>, d: &Diagnostic, renderer: &Renderer) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    };
    let title = level.primary_title(d.message.as_str()).id(d.code.as_str());
    let mut group = Group::with_title(title);
    // When a long line was cut, the renderer's `file:line:col` counts from the cut.
    let mut fix_col = None;
    if let Some(s) = d.span {
        let name = source_name(a, &s);
        match excerpt(lines, &s) {
            Some(e) => {
                if e.shown_col != s.start.col as usize {
                    fix_col = Some((
                        format!("{name}:{}:{}", s.start.line, e.shown_col),
                        format!("{name}:{}:{}", s.start.line, s.start.col),
                    ));
                }
                group = group.element(
                    Snippet::source(e.text)
                        .path(name)
                        .line_start(s.start.line as usize)
                        .annotation(AnnotationKind::Primary.span(e.range)),
                );
            }
            None => {
                group = group.element(
                    Origin::path(name)
                        .line(s.start.line as usize)
                        .char_column(s.start.col as usize),
                );
            }
        }
    }
    if let Some(h) = &d.help {
        group = group.element(Level::HELP.message(h.as_str()));
    }
    let report = [group];
    let mut out = renderer.render(&report);
    if let Some((shown, real)) = fix_col {
        out = out.replacen(&shown, &real, 1);
    }
    out.push('\n');
    out
}

/// A renderer for stdout: coloured on a terminal.
pub fn renderer(colour: bool) -> Renderer {
    if colour {
        Renderer::styled()
    } else {
        Renderer::plain()
    }
}

/// `lint --output json` entries (README "lint").
#[derive(Debug, Serialize)]
pub struct DiagnosticOut {
    pub code: &'static str,
    pub severity: &'static str,
    pub message: String,
    pub file: Option<String>,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub end_line: Option<u32>,
    pub end_column: Option<u32>,
    pub help: Option<String>,
}

pub fn diagnostic_out(a: &Analysis, d: &Diagnostic) -> DiagnosticOut {
    DiagnosticOut {
        code: d.code.as_str(),
        severity: d.severity.as_str(),
        message: d.message.clone(),
        file: d
            .span
            .and_then(|s| a.sources.get(s.source as usize).map(|x| x.name.clone())),
        line: d.span.map(|s| s.start.line),
        column: d.span.map(|s| s.start.col),
        end_line: d.span.map(|s| s.end.line),
        end_column: d.span.map(|s| s.end.col),
        help: d.help.clone(),
    }
}

/// Prints errors and warnings (not lints) on stderr; the analysis goes on.
pub fn report_problems(a: &Analysis) {
    let colour = stderr_colour();
    for d in &a.diagnostics {
        if d.severity != Severity::Info && !d.code.is_lint() {
            eprintln!("{}", short(a, d, colour));
        }
    }
}
