//! Lessons: a file format (`lesson: netpol-playground/v1`) of steps with text, start manifests,
//! goals about *behaviour* (which flows are allowed), hints and a solution; the evaluation of a
//! step's goals against any manifest text ([`goals`]); and the author's check that every step
//! starts unsolved and its solution passes ([`check`]).
//!
//! A lesson is parsed with the engine's own YAML reader, so a malformed lesson gets located
//! diagnostics like a manifest does. Lesson texts are a Markdown subset ([`markdown`]), rendered
//! as elements, never as HTML.

pub mod check;
pub mod goals;
pub mod locked;
pub mod markdown;

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::lower::fields::Ctx;
use crate::parse::node::Node;
use crate::parse::yaml::parse_documents;
use crate::ports::Protocol;
use crate::span::Span;

pub use check::{check_lesson, LessonReport, StepProblem, StepReport};
pub use goals::{evaluate_step, GoalState, GoalStatus, OffendingFlow, StepStatus};
pub use locked::{LockState, LockedStatus};

/// The format marker every lesson starts with.
pub const FORMAT: &str = "netpol-playground/v1";

#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    /// `[a-z0-9-]+`; progress is kept per `id@version`.
    pub id: String,
    pub version: u32,
    pub title: String,
    /// A word shown as a badge (`intro`, `practice`, `cka`, `cks`, ...).
    pub level: String,
    pub summary: String,
    pub steps: Vec<Step>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub title: String,
    /// Markdown subset: see [`markdown::parse`].
    pub text: String,
    /// Speaker notes (presenter view only).
    pub notes: Option<String>,
    /// The manifests the step starts from; `None`: keep the current text.
    pub start: Option<String>,
    /// Objects the learner must leave unchanged.
    pub locked: Vec<ObjectRef>,
    pub goals: Vec<Goal>,
    pub hints: Vec<String>,
    /// Manifests meeting every goal (required when there are goals).
    pub solution: Option<String>,
    /// The line of the lesson file where the solution's text begins (the line after `|` for a
    /// block scalar), so reports about the solution can name lines of the lesson file.
    pub solution_line: u32,
    pub span: Span,
}

impl Step {
    /// The text as blocks for rendering.
    pub fn blocks(&self) -> Vec<markdown::Block> {
        markdown::parse(&self.text)
    }
}

/// `Kind/namespace/name` (cluster-scoped kinds: `Kind/name`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectRef {
    pub kind: String,
    /// Empty for cluster-scoped kinds (Namespace).
    pub namespace: String,
    pub name: String,
}

impl ObjectRef {
    /// Parses `Kind/namespace/name`; `Kind/name` means namespace `default` (or none, for
    /// cluster-scoped kinds).
    pub fn parse(s: &str) -> Option<ObjectRef> {
        let parts: Vec<&str> = s.trim().split('/').collect();
        let (kind, namespace, name) = match parts.as_slice() {
            [k, ns, n] => (*k, *ns, *n),
            [k, n] if locked::cluster_scoped(k) => (*k, "", *n),
            [k, n] => (*k, "default", *n),
            _ => return None,
        };
        if kind.is_empty()
            || name.is_empty()
            || (namespace.is_empty() && !locked::cluster_scoped(kind))
        {
            return None;
        }
        Some(ObjectRef {
            kind: kind.to_string(),
            namespace: if locked::cluster_scoped(kind) {
                String::new()
            } else {
                namespace.to_string()
            },
            name: name.to_string(),
        })
    }
}

impl std::fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.namespace.is_empty() {
            write!(f, "{}/{}", self.kind, self.name)
        } else {
            write!(f, "{}/{}/{}", self.kind, self.namespace, self.name)
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Goal {
    pub kind: GoalKind,
    /// The learner-facing wording; when absent one is generated ([`Goal::label`]).
    pub text: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum GoalKind {
    /// A `netpol check` assertion.
    Flow(FlowGoal),
    /// Every flow into these pods that no `allowed: true` goal of the step names is blocked.
    LeastPrivilege { targets: Vec<(String, Span)> },
}

#[derive(Clone, Debug, PartialEq)]
pub struct FlowGoal {
    pub from: String,
    pub to: String,
    pub port: GoalPort,
    pub protocol: Protocol,
    pub allowed: bool,
    pub from_span: Span,
    pub to_span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GoalPort {
    Number(u16),
    /// A container port name, or a Service port name for a Service destination.
    Name(String),
}

impl std::fmt::Display for GoalPort {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GoalPort::Number(n) => write!(f, "{n}"),
            GoalPort::Name(n) => f.write_str(n),
        }
    }
}

impl Goal {
    /// The goal's text, or a generated one.
    pub fn label(&self) -> String {
        if let Some(t) = &self.text {
            return t.clone();
        }
        match &self.kind {
            GoalKind::Flow(g) => format!(
                "{} → {} port {}/{}: {}",
                g.from,
                g.to,
                g.port,
                g.protocol,
                if g.allowed { "allowed" } else { "blocked" }
            ),
            GoalKind::LeastPrivilege { targets } => format!(
                "nothing else reaches {}",
                targets
                    .iter()
                    .map(|(t, _)| t.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

impl Lesson {
    /// The text step `i` (0-based) starts from: its `start`, else the previous step's solution,
    /// else the previous step's start (recursively); empty before the first step.
    pub fn start_text(&self, i: usize) -> String {
        let mut j = i;
        loop {
            let Some(step) = self.steps.get(j) else {
                return String::new();
            };
            if let Some(s) = &step.start {
                return s.clone();
            }
            if j == 0 {
                return String::new();
            }
            j -= 1;
            if let Some(sol) = self.steps.get(j).and_then(|s| s.solution.as_ref()) {
                return sol.clone();
            }
        }
    }
}

/// Whether a text is a lesson rather than manifests: a document whose first key is `lesson:`.
pub fn is_lesson(text: &str) -> bool {
    text.lines()
        .map(str::trim_start)
        .find(|l| !l.is_empty() && !l.starts_with('#') && *l != "---")
        .is_some_and(|l| l.starts_with("lesson:"))
}

const LESSON_FIELDS: &[&str] = &[
    "lesson", "id", "version", "title", "level", "summary", "steps",
];
const STEP_FIELDS: &[&str] = &[
    "title", "text", "notes", "start", "locked", "goals", "hints", "solution",
];
const GOAL_FIELDS: &[&str] = &["from", "to", "port", "protocol", "allowed", "text"];
const LP_FIELDS: &[&str] = &["least_privilege", "text"];

/// Parses a lesson file. Problems are located diagnostics; the lesson is `None` when it is
/// unusable (a YAML syntax error, not a lesson, a required field missing). Unknown fields are
/// errors here, not warnings: a misspelt `hint:` would otherwise silently lose the hints.
pub fn parse_lesson(source: u32, text: &str) -> (Option<Lesson>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let docs = parse_documents(source, text, &mut diags);
    if diags.iter().any(|d| d.severity == Severity::Error) {
        for d in &mut diags {
            d.help = Some("the lesson cannot be read until this is fixed".into());
        }
        return (None, diags);
    }
    let mut roots = docs.iter().filter_map(|d| d.root.as_ref());
    let Some(root) = roots.next() else {
        diags.push(Diagnostic {
            code: Code::InvalidLesson,
            severity: Severity::Error,
            message: "empty lesson file".into(),
            span: None,
            help: Some(format!("a lesson starts with `lesson: {FORMAT}`")),
        });
        return (None, diags);
    };
    if let Some(extra) = roots.next() {
        diags.push(Diagnostic::error(
            Code::InvalidLesson,
            extra.span,
            "a lesson file holds one lesson: put each lesson in its own file",
        ));
    }
    let lesson = {
        let mut cx = Ctx::new(&mut diags);
        let l = lesson(&mut cx, root, text);
        if cx.errors > 0 {
            None
        } else {
            l
        }
    };
    for d in &mut diags {
        if d.code == Code::UnknownField {
            d.severity = Severity::Error;
        }
    }
    let ok = !diags.iter().any(|d| d.severity == Severity::Error);
    (lesson.filter(|_| ok), diags)
}

fn required<'n>(
    cx: &mut Ctx<'_>,
    f: &crate::lower::fields::Fields<'n>,
    at: &Node,
    key: &str,
    what: &str,
) -> Option<&'n Node> {
    let v = f.get(key);
    if v.is_none() {
        cx.error(
            Code::MissingField,
            at.span,
            format!("missing `{key}` in {what}"),
        );
    }
    v
}

fn lesson(cx: &mut Ctx<'_>, root: &Node, text: &str) -> Option<Lesson> {
    let f = cx.fields(root, "lesson", LESSON_FIELDS)?;
    let marker = required(cx, &f, root, "lesson", "the lesson")?;
    match marker.as_str() {
        Some(FORMAT) => {}
        _ => {
            let d = cx.error(
                Code::InvalidLesson,
                marker.span,
                format!(
                    "unknown lesson format `{}`",
                    marker.text().unwrap_or(marker.type_name())
                ),
            );
            d.help = Some(format!("this version reads `lesson: {FORMAT}`"));
            return None;
        }
    }
    let id = required(cx, &f, root, "id", "the lesson").and_then(|n| {
        let s = cx.string(n, "id")?;
        let ok = !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !ok {
            cx.error(
                Code::InvalidLesson,
                n.span,
                format!("invalid lesson id `{s}`: use lower-case letters, digits and `-`"),
            );
        }
        ok.then(|| s.to_string())
    });
    let version = required(cx, &f, root, "version", "the lesson").and_then(|n| {
        let v = cx.int(n, "version")?;
        let v = u32::try_from(v).ok().filter(|v| *v > 0);
        if v.is_none() {
            cx.error(
                Code::InvalidLesson,
                n.span,
                "`version` must be a positive integer",
            );
        }
        v
    });
    let title = required(cx, &f, root, "title", "the lesson").and_then(|n| cx.string(n, "title"));
    let level = required(cx, &f, root, "level", "the lesson").and_then(|n| cx.string(n, "level"));
    let summary =
        required(cx, &f, root, "summary", "the lesson").and_then(|n| cx.string(n, "summary"));
    let mut steps = Vec::new();
    if let Some(list) =
        required(cx, &f, root, "steps", "the lesson").and_then(|n| cx.seq(n, "steps"))
    {
        if list.is_empty() {
            cx.error(
                Code::InvalidLesson,
                root.span,
                "a lesson needs at least one step",
            );
        }
        for (i, s) in list.iter().enumerate() {
            if let Some(s) = step(cx, s, i + 1, text) {
                steps.push(s);
            }
        }
    }
    Some(Lesson {
        id: id?,
        version: version?,
        title: title?.to_string(),
        level: level?.to_string(),
        summary: summary?.to_string(),
        steps,
    })
}

fn opt_string(
    cx: &mut Ctx<'_>,
    f: &crate::lower::fields::Fields<'_>,
    key: &str,
    what: &str,
) -> Option<String> {
    f.get(key)
        .and_then(|n| cx.string(n, what))
        .map(str::to_string)
}

fn step(cx: &mut Ctx<'_>, node: &Node, number: usize, source: &str) -> Option<Step> {
    let what = format!("step {number}");
    let f = cx.fields(node, &what, STEP_FIELDS)?;
    let title = required(cx, &f, node, "title", &what).and_then(|n| cx.string(n, "title"));
    let text = required(cx, &f, node, "text", &what).and_then(|n| cx.string(n, "text"));
    let notes = opt_string(cx, &f, "notes", "notes");
    let start = opt_string(cx, &f, "start", "start");
    let solution = opt_string(cx, &f, "solution", "solution");
    let solution_line = f.get("solution").map_or(0, |n| content_line(n, source));
    let mut locked = Vec::new();
    if let Some(list) = f.get("locked").and_then(|n| cx.seq(n, "locked")) {
        for item in list {
            let Some(s) = cx.string(item, "locked") else {
                continue;
            };
            match ObjectRef::parse(s) {
                Some(r) => locked.push(r),
                None => {
                    cx.error(
                        Code::InvalidLesson,
                        item.span,
                        format!("`{s}` is not `Kind/namespace/name`"),
                    );
                }
            }
        }
    }
    let mut hints = Vec::new();
    if let Some(list) = f.get("hints").and_then(|n| cx.seq(n, "hints")) {
        for item in list {
            if let Some(s) = cx.string(item, "hints") {
                hints.push(s.to_string());
            }
        }
    }
    let mut goals = Vec::new();
    if let Some(list) = f.get("goals").and_then(|n| cx.seq(n, "goals")) {
        for item in list {
            if let Some(g) = goal(cx, item) {
                goals.push(g);
            }
        }
        if !list.is_empty() && solution.is_none() {
            let d = cx.error(
                Code::MissingField,
                node.span,
                format!("missing `solution` in {what}: a step with goals needs one"),
            );
            d.help = Some("the solution is the manifests that meet every goal".into());
        }
    }
    Some(Step {
        title: title?.to_string(),
        text: text?.to_string(),
        notes,
        start,
        locked,
        goals,
        hints,
        solution,
        solution_line,
        span: node.span,
    })
}

/// The line where a scalar's content begins: the line after the header of a block scalar
/// (`|`, `>`), else the scalar's own line.
fn content_line(n: &Node, source: &str) -> u32 {
    let line = n.span.start.line;
    let header = source
        .lines()
        .nth(line.saturating_sub(1) as usize)
        .and_then(|l| {
            l.chars()
                .skip(n.span.start.col.saturating_sub(1) as usize)
                .find(|c| !c.is_whitespace())
        });
    match header {
        Some('|' | '>') => line + 1,
        _ => line,
    }
}

fn goal(cx: &mut Ctx<'_>, node: &Node) -> Option<Goal> {
    let is_lp = node.get("least_privilege").is_some();
    let f = cx.fields(node, "goal", if is_lp { LP_FIELDS } else { GOAL_FIELDS })?;
    let text = opt_string(cx, &f, "text", "text");
    if let Some(lp) = f.get("least_privilege") {
        let mut targets = Vec::new();
        match lp.as_seq() {
            Some(items) => {
                for i in items {
                    if let Some(s) = cx.string(i, "least_privilege") {
                        targets.push((s.to_string(), i.span));
                    }
                }
            }
            None => {
                if let Some(s) = cx.string(lp, "least_privilege") {
                    targets.push((s.to_string(), lp.span));
                }
            }
        }
        if targets.is_empty() {
            cx.error(
                Code::InvalidLesson,
                lp.span,
                "`least_privilege` names no pod, workload or Service",
            );
            return None;
        }
        return Some(Goal {
            kind: GoalKind::LeastPrivilege { targets },
            text,
            span: node.span,
        });
    }
    let from = required(cx, &f, node, "from", "the goal")
        .and_then(|n| Some((cx.string(n, "from")?, n.span)));
    let to =
        required(cx, &f, node, "to", "the goal").and_then(|n| Some((cx.string(n, "to")?, n.span)));
    let port = required(cx, &f, node, "port", "the goal").and_then(|n| {
        if let Some(name) = n.as_str().filter(|s| crate::lower::fields::is_port_name(s)) {
            return Some(GoalPort::Name(name.to_string()));
        }
        let p = n
            .as_int()
            .and_then(|p| u16::try_from(p).ok())
            .filter(|p| *p > 0);
        if p.is_none() {
            cx.error(
                Code::InvalidPort,
                n.span,
                "`port` must be a number between 1 and 65535, or a port name",
            );
        }
        p.map(GoalPort::Number)
    });
    let protocol = match f.get("protocol") {
        None => Some(Protocol::Tcp),
        Some(n) => {
            let p = n.text().and_then(Protocol::parse_loose);
            if p.is_none() {
                cx.error(
                    Code::InvalidProtocol,
                    n.span,
                    "`protocol` must be TCP, UDP or SCTP",
                );
            }
            p
        }
    };
    let allowed = required(cx, &f, node, "allowed", "the goal").and_then(|n| {
        let b = n.as_bool();
        if b.is_none() {
            cx.error(Code::WrongType, n.span, "`allowed` must be true or false");
        }
        b
    });
    let (from, from_span) = from?;
    let (to, to_span) = to?;
    Some(Goal {
        kind: GoalKind::Flow(FlowGoal {
            from: from.to_string(),
            to: to.to_string(),
            port: port?,
            protocol: protocol?,
            allowed: allowed?,
            from_span,
            to_span,
        }),
        text,
        span: node.span,
    })
}

/// One entry of the built-in track's `static/lessons/index.yaml`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexEntry {
    pub id: String,
    pub level: String,
    /// The lesson file, relative to the index.
    pub file: String,
}

/// Parses a track index (`lessons: [{id, level, file}, ...]`), in order. Entries lacking a
/// field are errors (located).
pub fn parse_index(text: &str) -> Result<Vec<IndexEntry>, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let docs = parse_documents(0, text, &mut diags);
    let mut out = Vec::new();
    {
        let mut cx = Ctx::new(&mut diags);
        let root = docs.iter().find_map(|d| d.root.as_ref());
        let list = root
            .and_then(|r| r.get("lessons"))
            .and_then(|n| cx.seq(n, "lessons"));
        match (root, list) {
            (Some(_), Some(list)) => {
                for item in list {
                    let Some(f) = cx.fields(item, "lessons entry", &["id", "level", "file"]) else {
                        continue;
                    };
                    let mut field = |k: &str| {
                        required(&mut cx, &f, item, k, "the entry")
                            .and_then(|n| cx.string(n, k))
                            .map(str::to_string)
                    };
                    if let (Some(id), Some(level), Some(file)) =
                        (field("id"), field("level"), field("file"))
                    {
                        out.push(IndexEntry { id, level, file });
                    }
                }
            }
            (r, _) => {
                cx.error(
                    Code::InvalidLesson,
                    r.map(|r| r.span).unwrap_or_default(),
                    "a lesson index is a `lessons:` list",
                );
            }
        }
    }
    if diags.iter().any(|d| d.severity != Severity::Info) {
        Err(diags)
    } else {
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINI: &str = "lesson: netpol-playground/v1\nid: mini\nversion: 2\ntitle: Mini\nlevel: intro\nsummary: S.\nsteps:\n  - title: Read\n    text: Hello\n  - title: Do\n    text: Go\n    start: |\n      a: 1\n    locked: [Pod/default/a, Namespace/prod]\n    goals:\n      - {from: default/a, to: default/b, port: 80, allowed: true, text: a reaches b}\n      - {from: default/a, to: service:default/b, port: http, protocol: udp, allowed: false}\n      - least_privilege: [default/b, default/c]\n    hints: [one, two]\n    solution: |\n      b: 2\n";

    #[test]
    fn parses_a_lesson() {
        let (l, d) = parse_lesson(0, MINI);
        assert!(d.is_empty(), "{d:?}");
        let l = l.unwrap();
        assert_eq!((l.id.as_str(), l.version, l.steps.len()), ("mini", 2, 2));
        let s = &l.steps[1];
        assert_eq!(s.locked[1].to_string(), "Namespace/prod");
        assert_eq!(s.goals.len(), 3);
        assert_eq!(s.goals[0].label(), "a reaches b");
        assert!(
            matches!(&s.goals[1].kind, GoalKind::Flow(g) if g.port == GoalPort::Name("http".into()) && g.protocol == Protocol::Udp)
        );
        assert_eq!(
            s.goals[2].label(),
            "nothing else reaches default/b, default/c"
        );
        assert_eq!(s.hints, vec!["one", "two"]);
        assert_eq!(l.start_text(1), "a: 1\n");
        assert_eq!(l.start_text(0), "");
        assert!(is_lesson(MINI));
        assert!(!is_lesson("apiVersion: v1\nkind: Pod\n"));
    }

    #[test]
    fn start_text_falls_back_to_the_previous_solution_then_start() {
        let (l, _) = parse_lesson(0, MINI);
        let mut l = l.unwrap();
        let mut next = l.steps[1].clone();
        next.start = None;
        l.steps.push(next.clone());
        assert_eq!(l.start_text(2), "b: 2\n");
        next.solution = None;
        next.goals.clear();
        l.steps[2] = next.clone();
        l.steps.push(next);
        // Step 3 has no solution: step 4 starts from step 3's start, i.e. step 2's solution.
        assert_eq!(l.start_text(3), "b: 2\n");
    }

    #[test]
    fn unknown_fields_and_missing_ones_are_located_errors() {
        let text = MINI.replace("    hints: [one, two]", "    hint: [one, two]");
        let (l, d) = parse_lesson(0, &text);
        assert!(l.is_none());
        let u = d.iter().find(|d| d.code == Code::UnknownField).unwrap();
        assert_eq!(u.severity, Severity::Error);
        let s = u.span.unwrap();
        assert_eq!((s.start.line, s.start.col), (19, 5));
        assert_eq!(
            u.help.as_deref(),
            Some("did you mean `hints`? the field is ignored")
        );

        let text = MINI.replace("    solution: |\n      b: 2\n", "");
        let (l, d) = parse_lesson(0, &text);
        assert!(l.is_none());
        assert!(d
            .iter()
            .any(|d| d.code == Code::MissingField && d.message.contains("solution")));

        let (_, d) = parse_lesson(
            0,
            &MINI.replace("netpol-playground/v1", "netpol-playground/v9"),
        );
        assert_eq!(d[0].code, Code::InvalidLesson);
        assert_eq!(d[0].span.unwrap().start.line, 1);

        let (_, d) = parse_lesson(0, &MINI.replace("id: mini", "id: Mini_1"));
        assert!(d[0].message.contains("invalid lesson id"));

        let (_, d) = parse_lesson(0, &MINI.replace("port: 80,", "port: 99999,"));
        let s = d[0].span.unwrap();
        assert_eq!((d[0].code, s.start.line), (Code::InvalidPort, 16));

        let (_, d) = parse_lesson(0, "lesson: netpol-playground/v1\nid: [oops\n");
        assert_eq!(d[0].code, Code::YamlSyntax);
    }
}
