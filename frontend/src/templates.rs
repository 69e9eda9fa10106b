//! Policy templates the editor inserts as a new document after the one holding the caret
//! (never inside it, so the surrounding manifests stay intact). Pure and natively tested; the
//! editor inserts the text as typing would, so Ctrl+Z takes it back.

use crate::documents;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Template {
    pub id: &'static str,
    pub title: &'static str,
    pub text: &'static str,
}

pub const TEMPLATES: &[Template] = &[
    Template {
        id: "deny-ingress",
        title: "Deny all ingress (namespace)",
        text: "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny-all-ingress\n  namespace: default\nspec:\n  podSelector: {}\n  policyTypes:\n  - Ingress\n",
    },
    Template {
        id: "deny-egress",
        title: "Deny all egress (namespace)",
        text: "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny-all-egress\n  namespace: default\nspec:\n  podSelector: {}\n  policyTypes:\n  - Egress\n",
    },
    Template {
        id: "allow-from-label",
        title: "Allow from pods with a label",
        text: "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-from-frontend\n  namespace: default\nspec:\n  podSelector:\n    matchLabels:\n      app: backend\n  policyTypes:\n  - Ingress\n  ingress:\n  - from:\n    - podSelector:\n        matchLabels:\n          app: frontend\n    ports:\n    - protocol: TCP\n      port: 80\n",
    },
    Template {
        id: "allow-from-namespace",
        title: "Allow from a namespace",
        text: "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-from-monitoring\n  namespace: default\nspec:\n  podSelector: {}\n  policyTypes:\n  - Ingress\n  ingress:\n  - from:\n    - namespaceSelector:\n        matchLabels:\n          kubernetes.io/metadata.name: monitoring\n",
    },
    Template {
        id: "allow-dns",
        title: "Allow DNS (egress to kube-dns)",
        text: "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-dns\n  namespace: default\nspec:\n  podSelector: {}\n  policyTypes:\n  - Egress\n  egress:\n  - to:\n    - namespaceSelector:\n        matchLabels:\n          kubernetes.io/metadata.name: kube-system\n      podSelector:\n        matchLabels:\n          k8s-app: kube-dns\n    ports:\n    - protocol: UDP\n      port: 53\n    - protocol: TCP\n      port: 53\n",
    },
];

pub fn by_id(id: &str) -> Option<&'static Template> {
    TEMPLATES.iter().find(|t| t.id == id)
}

/// Where to insert a template for a caret on `caret_line` (1-based), and the text to insert:
/// at the start of the line after the caret's document, as a document of its own.
/// Returns (character offset, text).
pub fn insertion(text: &str, caret_line: u32, template: &str) -> (usize, String) {
    let docs = documents::split(text);
    let end = docs
        .iter()
        .find(|d| d.contains(caret_line))
        .or(docs.last())
        .map_or(0, |d| d.end);
    let lines: Vec<&str> = text.split('\n').collect();
    let total = lines.len() as u32;
    if end >= total || text.trim().is_empty() {
        // After everything.
        let at = text.chars().count();
        let lead = if text.trim().is_empty() {
            ""
        } else if text.ends_with('\n') {
            "---\n"
        } else {
            "\n---\n"
        };
        return (at, format!("{lead}{template}"));
    }
    // Before the next document's `---` line.
    let at: usize = lines
        .iter()
        .take(end as usize)
        .map(|l| l.chars().count() + 1)
        .sum();
    (at, format!("---\n{template}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str, line: u32, t: &str) -> String {
        let (at, ins) = insertion(text, line, t);
        let mut chars: Vec<char> = text.chars().collect();
        let tail = chars.split_off(at);
        chars.into_iter().chain(ins.chars()).chain(tail).collect()
    }

    #[test]
    fn every_template_is_a_valid_policy() {
        for t in TEMPLATES {
            let a = engine::analyze(&[engine::Source::new("t", t.text)]);
            assert!(
                a.diagnostics
                    .iter()
                    .all(|d| d.severity != engine::Severity::Error),
                "{}: {:?}",
                t.id,
                a.diagnostics
            );
            assert_eq!(a.cluster.policies.len(), 1, "{}", t.id);
        }
    }

    #[test]
    fn inserted_between_documents_never_inside_one() {
        let text = "kind: Pod\nmetadata:\n  name: a\n---\nkind: Pod\nmetadata:\n  name: b\n";
        let out = apply(text, 2, "kind: X\n");
        assert_eq!(
            out,
            "kind: Pod\nmetadata:\n  name: a\n---\nkind: X\n---\nkind: Pod\nmetadata:\n  name: b\n"
        );
        let out = apply(text, 6, "kind: X\n");
        assert_eq!(out, format!("{text}---\nkind: X\n"));
        assert_eq!(apply("", 1, "kind: X\n"), "kind: X\n");
        assert_eq!(
            apply("kind: Pod", 1, "kind: X\n"),
            "kind: Pod\n---\nkind: X\n"
        );
    }
}
