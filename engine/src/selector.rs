//! Label selectors: where a label selector is matched.
//!
//! Semantics follow k8s.io/apimachinery `labels.Requirement.Matches` and
//! `metav1.LabelSelectorAsSelector`: matchLabels and every matchExpressions requirement are ANDed,
//! `{}` matches everything, `NotIn` matches when the key is absent, `DoesNotExist` only then.

use std::collections::BTreeMap;
use std::fmt;

use crate::span::Span;

pub type Labels = BTreeMap<String, String>;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Operator {
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

impl Operator {
    pub fn parse(s: &str) -> Option<Operator> {
        match s {
            "In" => Some(Operator::In),
            "NotIn" => Some(Operator::NotIn),
            "Exists" => Some(Operator::Exists),
            "DoesNotExist" => Some(Operator::DoesNotExist),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Operator::In => "In",
            Operator::NotIn => "NotIn",
            Operator::Exists => "Exists",
            Operator::DoesNotExist => "DoesNotExist",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Requirement {
    pub key: String,
    pub op: Operator,
    /// Sorted and deduplicated.
    pub values: Vec<String>,
    /// The `matchExpressions` item (explanations point at the requirement that missed).
    pub span: Span,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Selector {
    pub match_labels: Vec<(String, String)>,
    /// The `key: value` entry of each `match_labels` item, same order; may be shorter (selectors
    /// built in code), then the selector's span stands in.
    pub label_spans: Vec<Span>,
    pub exprs: Vec<Requirement>,
    pub span: Span,
}

/// Why a selector did not match a label set: the first failing term, for explanations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LabelMiss {
    /// `key=value` required, key absent.
    Missing { key: String, want: String },
    /// `key=value` required, key has another value.
    WrongValue {
        key: String,
        want: String,
        have: String,
    },
    /// `key In (..)` with the key absent or another value.
    NotIn {
        key: String,
        values: Vec<String>,
        have: Option<String>,
    },
    /// `key NotIn (..)` with a listed value.
    InExcluded {
        key: String,
        values: Vec<String>,
        have: String,
    },
    /// `key Exists` with the key absent.
    KeyAbsent { key: String },
    /// `key DoesNotExist` with the key present.
    KeyPresent { key: String, have: String },
}

impl Requirement {
    pub fn matches(&self, labels: &Labels) -> bool {
        let have = labels.get(&self.key);
        match self.op {
            Operator::In => have.is_some_and(|v| self.values.binary_search(v).is_ok()),
            Operator::NotIn => have.is_none_or(|v| self.values.binary_search(v).is_err()),
            Operator::Exists => have.is_some(),
            Operator::DoesNotExist => have.is_none(),
        }
    }

    fn miss(&self, labels: &Labels) -> LabelMiss {
        let have = labels.get(&self.key).cloned();
        match self.op {
            Operator::In => LabelMiss::NotIn {
                key: self.key.clone(),
                values: self.values.clone(),
                have,
            },
            Operator::NotIn => LabelMiss::InExcluded {
                key: self.key.clone(),
                values: self.values.clone(),
                have: have.unwrap_or_default(),
            },
            Operator::Exists => LabelMiss::KeyAbsent {
                key: self.key.clone(),
            },
            Operator::DoesNotExist => LabelMiss::KeyPresent {
                key: self.key.clone(),
                have: have.unwrap_or_default(),
            },
        }
    }
}

impl Selector {
    /// The empty selector `{}`: matches everything.
    pub fn everything(span: Span) -> Selector {
        Selector {
            match_labels: Vec::new(),
            label_spans: Vec::new(),
            exprs: Vec::new(),
            span,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.exprs.is_empty()
    }

    pub fn matches(&self, labels: &Labels) -> bool {
        self.match_labels
            .iter()
            .all(|(k, v)| labels.get(k) == Some(v))
            && self.exprs.iter().all(|r| r.matches(labels))
    }

    /// The first term that fails, or `None` when the selector matches.
    pub fn first_miss(&self, labels: &Labels) -> Option<LabelMiss> {
        for (k, v) in &self.match_labels {
            match labels.get(k) {
                Some(have) if have == v => {}
                Some(have) => {
                    return Some(LabelMiss::WrongValue {
                        key: k.clone(),
                        want: v.clone(),
                        have: have.clone(),
                    })
                }
                None => {
                    return Some(LabelMiss::Missing {
                        key: k.clone(),
                        want: v.clone(),
                    })
                }
            }
        }
        self.exprs
            .iter()
            .find(|r| !r.matches(labels))
            .map(|r| r.miss(labels))
    }

    /// Every failing term with the span of the entry that states it (the `matchLabels` entry or
    /// the `matchExpressions` item); empty when the selector matches.
    pub fn misses(&self, labels: &Labels) -> Vec<(LabelMiss, Span)> {
        let mut out = Vec::new();
        for (i, (k, v)) in self.match_labels.iter().enumerate() {
            let span = self.label_spans.get(i).copied().unwrap_or(self.span);
            match labels.get(k) {
                Some(have) if have == v => {}
                Some(have) => out.push((
                    LabelMiss::WrongValue {
                        key: k.clone(),
                        want: v.clone(),
                        have: have.clone(),
                    },
                    span,
                )),
                None => out.push((
                    LabelMiss::Missing {
                        key: k.clone(),
                        want: v.clone(),
                    },
                    span,
                )),
            }
        }
        for r in self.exprs.iter().filter(|r| !r.matches(labels)) {
            out.push((r.miss(labels), r.span));
        }
        out
    }

    /// Number of failing terms: a measure of how near a miss is.
    pub fn miss_count(&self, labels: &Labels) -> usize {
        self.match_labels
            .iter()
            .filter(|(k, v)| labels.get(k) != Some(v))
            .count()
            + self.exprs.iter().filter(|r| !r.matches(labels)).count()
    }
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.op {
            Operator::Exists => write!(f, "{} exists", self.key),
            Operator::DoesNotExist => write!(f, "!{}", self.key),
            Operator::In => write!(f, "{} in ({})", self.key, self.values.join(", ")),
            Operator::NotIn => write!(f, "{} notin ({})", self.key, self.values.join(", ")),
        }
    }
}

impl fmt::Display for Selector {
    /// kubectl's selector syntax: `app=web,tier in (api, db)`; `{}` prints as `(all)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("(all)");
        }
        let mut first = true;
        for (k, v) in &self.match_labels {
            if !first {
                f.write_str(",")?;
            }
            first = false;
            write!(f, "{k}={v}")?;
        }
        for r in &self.exprs {
            if !first {
                f.write_str(",")?;
            }
            first = false;
            write!(f, "{r}")?;
        }
        Ok(())
    }
}

impl LabelMiss {
    /// What the term asks for, in selector syntax: `app=api`, `env in (dev, prod)`, `!debug`.
    pub fn expected(&self) -> String {
        match self {
            LabelMiss::Missing { key, want } | LabelMiss::WrongValue { key, want, .. } => {
                format!("{key}={want}")
            }
            LabelMiss::NotIn { key, values, .. } => format!("{key} in ({})", values.join(", ")),
            LabelMiss::InExcluded { key, values, .. } => {
                format!("{key} notin ({})", values.join(", "))
            }
            LabelMiss::KeyAbsent { key } => format!("{key} exists"),
            LabelMiss::KeyPresent { key, .. } => format!("!{key}"),
        }
    }

    /// What the labels hold for that key: `app=frontend`, or `no app label`.
    pub fn found(&self) -> String {
        match self {
            LabelMiss::WrongValue { key, have, .. }
            | LabelMiss::InExcluded { key, have, .. }
            | LabelMiss::KeyPresent { key, have } => format!("{key}={have}"),
            LabelMiss::NotIn {
                key,
                have: Some(have),
                ..
            } => format!("{key}={have}"),
            LabelMiss::Missing { key, .. }
            | LabelMiss::NotIn {
                key, have: None, ..
            }
            | LabelMiss::KeyAbsent { key } => format!("no {key} label"),
        }
    }
}

impl fmt::Display for LabelMiss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LabelMiss::Missing { key, want } => {
                write!(f, "needs label `{key}={want}`, which is absent")
            }
            LabelMiss::WrongValue { key, want, have } => {
                write!(f, "needs label `{key}={want}` but has `{key}={have}`")
            }
            LabelMiss::NotIn { key, values, have } => match have {
                Some(h) => write!(
                    f,
                    "needs `{key}` in ({}) but has `{key}={h}`",
                    values.join(", ")
                ),
                None => write!(
                    f,
                    "needs `{key}` in ({}) but has no `{key}` label",
                    values.join(", ")
                ),
            },
            LabelMiss::InExcluded { key, values, have } => write!(
                f,
                "needs `{key}` not in ({}) but has `{key}={have}`",
                values.join(", ")
            ),
            LabelMiss::KeyAbsent { key } => write!(f, "needs a `{key}` label, which is absent"),
            LabelMiss::KeyPresent { key, have } => {
                write!(f, "needs no `{key}` label but has `{key}={have}`")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn req(key: &str, op: Operator, values: &[&str]) -> Selector {
        Selector {
            exprs: vec![Requirement {
                key: key.into(),
                op,
                values: values.iter().map(|s| s.to_string()).collect(),
                span: Span::default(),
            }],
            ..Selector::default()
        }
    }

    #[test]
    fn not_in_matches_absent_key() {
        let s = req("env", Operator::NotIn, &["dev"]);
        assert!(s.matches(&labels(&[])));
        assert!(s.matches(&labels(&[("env", "prod")])));
        assert!(!s.matches(&labels(&[("env", "dev")])));
    }

    #[test]
    fn in_needs_key() {
        let s = req("env", Operator::In, &["dev", "prod"]);
        assert!(!s.matches(&labels(&[])));
        assert!(s.matches(&labels(&[("env", "prod")])));
    }

    #[test]
    fn exists_and_does_not_exist() {
        assert!(req("a", Operator::Exists, &[]).matches(&labels(&[("a", "")])));
        assert!(!req("a", Operator::DoesNotExist, &[]).matches(&labels(&[("a", "x")])));
        assert!(req("a", Operator::DoesNotExist, &[]).matches(&labels(&[("b", "x")])));
    }

    #[test]
    fn empty_matches_all_and_miss_is_reported() {
        assert!(Selector::default().matches(&labels(&[("x", "y")])));
        let s = Selector {
            match_labels: vec![("app".into(), "api".into())],
            ..Selector::default()
        };
        let miss = s.first_miss(&labels(&[("app", "web")])).unwrap();
        assert_eq!(miss.to_string(), "needs label `app=api` but has `app=web`");
        assert_eq!(s.to_string(), "app=api");
    }

    #[test]
    fn misses_lists_every_failing_term_with_its_span() {
        let at = |line| Span {
            start: crate::span::Pos { line, col: 1 },
            ..Span::default()
        };
        let s = Selector {
            match_labels: vec![("app".into(), "api".into()), ("tier".into(), "web".into())],
            label_spans: vec![at(2), at(3)],
            exprs: vec![Requirement {
                key: "env".into(),
                op: Operator::In,
                values: vec!["dev".into(), "prod".into()],
                span: at(5),
            }],
            span: at(1),
        };
        let m = s.misses(&labels(&[("app", "web"), ("tier", "web")]));
        let got: Vec<(String, String, u32)> = m
            .iter()
            .map(|(miss, span)| (miss.expected(), miss.found(), span.start.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("app=api".to_string(), "app=web".to_string(), 2),
                (
                    "env in (dev, prod)".to_string(),
                    "no env label".to_string(),
                    5
                ),
            ]
        );
        assert!(s
            .misses(&labels(&[("app", "api"), ("tier", "web"), ("env", "dev")]))
            .is_empty());
    }
}
