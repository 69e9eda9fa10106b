//! Quick fixes in the page: a fix's text edits become one replacement in the editor's
//! textarea, so the browser's own undo (Ctrl+Z) takes it back and the change reaches the
//! reducer as typing does (`Action::Edit`). Pure, unit-tested natively.

use std::rc::Rc;

use engine::fix::{all_edits, apply, fixes, Fix, TextEdit};
use engine::Analysis;

/// The fixes of one analysed text, for the problems list.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QuickFixes {
    /// The text they apply to.
    pub text: Rc<str>,
    /// Parallel to the analysis's diagnostics (`None`: no clear fix).
    pub fixes: Rc<Vec<Option<Fix>>>,
    /// Every fix at once without overlaps; empty unless there are several fixes.
    pub all: Rc<Vec<TextEdit>>,
}

impl QuickFixes {
    /// The page analyses one source, the editor (source 0).
    pub fn of(a: &Analysis, text: &str) -> QuickFixes {
        let fixes = fixes(a);
        let several = fixes.iter().flatten().count() > 1;
        QuickFixes {
            text: Rc::from(text),
            all: Rc::new(if several { all_edits(a, 0) } else { Vec::new() }),
            fixes: Rc::new(fixes),
        }
    }
}

/// The smallest replacement that turns `old` into `new`: `(start, end, inserted)` with
/// `start..end` in UTF-16 code units of `old` (what a textarea's selection counts).
pub fn splice(old: &str, new: &str) -> (u32, u32, String) {
    let prefix: usize = old
        .chars()
        .zip(new.chars())
        .take_while(|(a, b)| a == b)
        .count();
    let old_rest: Vec<char> = old.chars().skip(prefix).collect();
    let new_rest: Vec<char> = new.chars().skip(prefix).collect();
    let suffix = old_rest
        .iter()
        .rev()
        .zip(new_rest.iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let units = |cs: &[char]| cs.iter().map(|c| c.len_utf16()).sum::<usize>();
    let start: usize = old.chars().take(prefix).map(char::len_utf16).sum();
    let old_mid = old_rest
        .get(..old_rest.len().saturating_sub(suffix))
        .unwrap_or_default();
    let new_mid = new_rest
        .get(..new_rest.len().saturating_sub(suffix))
        .unwrap_or_default();
    let end = start + units(old_mid);
    (start as u32, end as u32, new_mid.iter().collect())
}

/// The text with one fix applied.
pub fn fixed(text: &str, fix: &Fix) -> String {
    apply(text, &fix.edits)
}

/// The text with every fix applied (edits without overlaps, from `engine::fix::all_edits`).
pub fn fixed_all(text: &str, edits: &[TextEdit]) -> String {
    apply(text, edits)
}

/// The problems-list label of a fix.
pub fn label(fix: &Fix) -> String {
    format!("Fix: {}", fix.title)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(old: &str, new: &str) {
        let (s, e, ins) = splice(old, new);
        let units: Vec<u16> = old.encode_utf16().collect();
        let mut out: Vec<u16> = units[..s as usize].to_vec();
        out.extend(ins.encode_utf16());
        out.extend_from_slice(&units[e as usize..]);
        assert_eq!(String::from_utf16(&out).unwrap(), new, "{old:?} -> {new:?}");
    }

    #[test]
    fn splice_is_minimal_and_exact() {
        assert_eq!(
            splice("a: yes\nb: 1\n", "a: \"yes\"\nb: 1\n"),
            (3, 6, "\"yes\"".into())
        );
        assert_eq!(splice("abc", "abc"), (3, 3, String::new()));
        assert_eq!(splice("abc", "axc"), (1, 2, "x".into()));
        check("", "new");
        check("old", "");
        check("aaa", "aaaa");
        check("x: ü\n😀 y\n", "x: ü\n😀 zz y\n");
        check("😀😀", "😀");
    }

    #[test]
    fn a_fix_of_the_engine_applies_and_keeps_other_text() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: b\n  labels:\n    enabled: yes\n# mine\n";
        let a = engine::analyze(&[engine::Source::new("editor", text.to_string())]);
        let fixes = engine::fix::fixes(&a);
        let f = fixes.iter().flatten().next().expect("a quote fix");
        assert!(label(f).starts_with("Fix: quote"), "{}", label(f));
        let out = fixed(text, f);
        assert!(out.contains("enabled: \"yes\"\n# mine\n"), "{out}");
        check(text, &out);
        let q = QuickFixes::of(&a, text);
        assert_eq!(q.fixes.len(), a.diagnostics.len());
        assert!(q.all.is_empty(), "one fix: no fix-all");
    }

    #[test]
    fn several_fixes_make_a_fix_all_that_applies_each() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: b\n  labels:\n    enabled: yes\n    tier: y\n";
        let a = engine::analyze(&[engine::Source::new("editor", text.to_string())]);
        let q = QuickFixes::of(&a, text);
        assert!(q.fixes.iter().flatten().count() > 1, "{:?}", a.diagnostics);
        let out = fixed_all(text, &q.all);
        assert!(out.contains("enabled: \"yes\"\n"), "{out}");
        assert!(out.contains("tier: \"y\"\n"), "{out}");
    }
}
