//! The analysis of the editor's text as the page holds it: the engine's answer, the documents a
//! YAML error skipped, the policies not applied, the quick fixes, and which graph to show
//! (the last one that parsed, dimmed when nothing of the current text parses). Pure.

use std::rc::Rc;

use engine::{Analysis, Diagnostic, Severity, Source};

use crate::documents::{Doc, Rejected};
use crate::quickfix::QuickFixes;

/// An analysis compared by identity (the engine's types are not `PartialEq`, and comparing
/// them would be slow anyway).
#[derive(Clone, Debug)]
pub struct Good(pub Rc<Analysis>);

impl PartialEq for Good {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The analysis of the current text, and whether the graph shows an older one.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Analyzed {
    /// The last analysis whose text parsed (what the graph shows).
    pub good: Option<Good>,
    /// Diagnostics of the current text.
    pub diagnostics: Rc<Vec<Diagnostic>>,
    /// Nothing of the current text parses: the graph is the last good one, dimmed.
    pub dimmed: bool,
    /// Documents skipped for a YAML syntax error (the others are analysed).
    pub skipped: Rc<Vec<Doc>>,
    /// NetworkPolicies written but not applied (an error in them).
    pub rejected: Rc<Vec<Rejected>>,
    /// Milliseconds the last analysis took (engine + connectivity), for the status line.
    pub millis: f64,
    /// The quick fixes of the current text's diagnostics.
    pub quick: Rc<QuickFixes>,
}

impl Analyzed {
    /// Nothing analysed yet (the first text is analysed at once, later ones debounced).
    pub fn is_first(&self) -> bool {
        self.good.is_none() && self.diagnostics.is_empty()
    }
}

/// Analyses `text`. A YAML error skips its document only: the engine analyses the others, and
/// the page shows that analysis; only when nothing is left does `prev`'s graph stay, dimmed.
/// `millis` is left at 0 for the caller to time.
pub fn analyze(text: &str, prev: &Analyzed) -> Analyzed {
    let a = engine::analyze(&[Source::new("editor", text.to_string())]);
    let error_lines: Vec<u32> = a
        .diagnostics
        .iter()
        .filter(|d| d.code == engine::Code::YamlSyntax && d.severity == Severity::Error)
        .filter_map(|d| d.span.map(|s| s.start.line))
        .collect();
    let (skipped, rest) = crate::documents::skipped(text, &error_lines);
    let applied: Vec<String> = a.cluster.policies.iter().map(|p| p.name.clone()).collect();
    let errors: Vec<(u32, String)> = a
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .filter_map(|d| d.span.map(|s| (s.start.line, d.message.clone())))
        .collect();
    let rejected = Rc::new(crate::documents::rejected_policies(text, &applied, &errors));
    let diagnostics = Rc::new(a.diagnostics.clone());
    let quick = Rc::new(QuickFixes::of(&a, text));
    let nothing_parses = !skipped.is_empty() && !rest;
    let (good, dimmed) = if nothing_parses {
        (prev.good.clone(), prev.good.is_some())
    } else {
        (Some(Good(Rc::new(a))), false)
    };
    Analyzed {
        good,
        diagnostics,
        dimmed,
        skipped: Rc::new(skipped),
        rejected,
        millis: 0.0,
        quick,
    }
}

/// The status line: pods, policies, errors and the analysis time.
pub fn status(
    pods_policies: Option<(usize, usize)>,
    diagnostics: &[Diagnostic],
    millis: f64,
) -> String {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    format!(
        "{}{} · {:.0} ms",
        pods_policies
            .map(|(pods, policies)| format!(
                "{}, {}",
                plural(pods, "pod", "pods"),
                plural(policies, "policy", "policies")
            ))
            .unwrap_or_else(|| "no analysis".into()),
        if errors == 0 {
            String::new()
        } else {
            format!(" · {}", plural(errors, "error", "errors"))
        },
        millis
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::example;

    #[test]
    fn a_yaml_error_skips_its_document_only() {
        let text = format!("{}---\nkind: Pod\nmetadata:\n\tname: x\n", example("demo"));
        let a = analyze(&text, &Analyzed::default());
        assert_eq!(a.skipped.len(), 1);
        assert!(!a.dimmed);
        let good = a.good.as_ref().map(|g| g.0.cluster.pods.len());
        assert_eq!(good, Some(4), "the demo's pods are analysed");
    }

    #[test]
    fn nothing_parsing_keeps_the_last_graph_dimmed() {
        let first = analyze(example("demo"), &Analyzed::default());
        assert!(first.good.is_some() && !first.is_first());
        let broken = analyze("kind: Pod\nmetadata:\n\tname: x\n", &first);
        assert!(broken.dimmed);
        assert_eq!(broken.good, first.good, "the same analysis, not a new one");
        assert!(!broken.diagnostics.is_empty());
        // Nothing parsed before either: nothing to dim.
        let none = analyze("kind: Pod\nmetadata:\n\tname: x\n", &Analyzed::default());
        assert!(none.good.is_none() && !none.dimmed);
    }

    #[test]
    fn the_status_line_counts_in_words() {
        let a = analyze(example("demo-deny"), &Analyzed::default());
        assert_eq!(
            status(Some((4, 1)), &a.diagnostics, 12.4),
            "4 pods, 1 policy · 12 ms"
        );
        let broken = analyze("kind: Pod\nmetadata:\n\tname: x\n", &Analyzed::default());
        assert_eq!(
            status(None, &broken.diagnostics, 3.0),
            "no analysis · 1 error · 3 ms"
        );
    }
}
