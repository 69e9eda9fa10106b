//! Lessons in the page: the built-in track (compiled in, no request after load), the learner's
//! progress (kept in localStorage per `id@version`, exported and imported as JSON), custom
//! lessons shared in a link, and the line diff the solution is shown as. Pure: unit-tested
//! natively.

use std::collections::{BTreeMap, BTreeSet};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use engine::lesson::{parse_index, parse_lesson, Lesson, StepStatus};
use engine::Target;

use crate::ids::NodeId;
use crate::scene::Scene;
use crate::state::Selection;
use serde::{Deserialize, Serialize};

/// The track's index and files, in `static/lessons/`. A file added there must be listed in the
/// index and here (the test below checks that every index entry has its text).
const INDEX: &str = include_str!("../../static/lessons/index.yaml");
const FILES: &[(&str, &str)] = &[
    (
        "01-classic-demo.yaml",
        include_str!("../../static/lessons/01-classic-demo.yaml"),
    ),
    (
        "02-wordpress-mysql.yaml",
        include_str!("../../static/lessons/02-wordpress-mysql.yaml"),
    ),
    (
        "03-namespaces-and-or.yaml",
        include_str!("../../static/lessons/03-namespaces-and-or.yaml"),
    ),
    (
        "04-egress-dns.yaml",
        include_str!("../../static/lessons/04-egress-dns.yaml"),
    ),
    (
        "05-ports.yaml",
        include_str!("../../static/lessons/05-ports.yaml"),
    ),
    (
        "06-ipblock-metadata.yaml",
        include_str!("../../static/lessons/06-ipblock-metadata.yaml"),
    ),
    (
        "07-policies-add-up.yaml",
        include_str!("../../static/lessons/07-policies-add-up.yaml"),
    ),
    (
        "08-service-target-port.yaml",
        include_str!("../../static/lessons/08-service-target-port.yaml"),
    ),
    (
        "09-cks-default-deny-dns.yaml",
        include_str!("../../static/lessons/09-cks-default-deny-dns.yaml"),
    ),
    (
        "10-cka-port-from-namespace.yaml",
        include_str!("../../static/lessons/10-cka-port-from-namespace.yaml"),
    ),
    (
        "11-ckad-fix-labels.yaml",
        include_str!("../../static/lessons/11-ckad-fix-labels.yaml"),
    ),
    (
        "12-cka-least-permissive.yaml",
        include_str!("../../static/lessons/12-cka-least-permissive.yaml"),
    ),
    (
        "13-peers-ports-split.yaml",
        include_str!("../../static/lessons/13-peers-ports-split.yaml"),
    ),
    (
        "14-admin-tiers.yaml",
        include_str!("../../static/lessons/14-admin-tiers.yaml"),
    ),
];

/// localStorage keys.
pub const PROGRESS_KEY: &str = "netpol-playground.lessons";
/// The text of a custom lesson in progress (from a file or a link), so a reload finds it.
pub const CUSTOM_KEY: &str = "netpol-playground.lesson-custom";

/// The built-in lessons, in track order (entries whose file is missing or does not parse are
/// left out; the native tests make sure none is).
pub fn builtin() -> Vec<Lesson> {
    let Ok(entries) = parse_index(INDEX) else {
        return Vec::new();
    };
    entries
        .iter()
        .filter_map(|e| {
            let (_, text) = FILES.iter().find(|(f, _)| *f == e.file)?;
            parse_lesson(0, text).0
        })
        .collect()
}

/// The built-in lesson with this id.
#[cfg(test)]
pub fn builtin_by_id(id: &str) -> Option<Lesson> {
    builtin().into_iter().find(|l| l.id == id)
}

/// Where progress is kept: `id@version`, so a revised lesson starts afresh.
pub fn key(l: &Lesson) -> String {
    format!("{}@{}", l.id, l.version)
}

/// The lessons grouped by level, levels in order of first appearance.
pub fn by_level(lessons: &[Lesson]) -> Vec<(String, Vec<&Lesson>)> {
    let mut out: Vec<(String, Vec<&Lesson>)> = Vec::new();
    for l in lessons {
        match out.iter_mut().find(|(lv, _)| *lv == l.level) {
            Some((_, v)) => v.push(l),
            None => out.push((l.level.clone(), vec![l])),
        }
    }
    out
}

/// One lesson's progress. Steps are 0-based here (the page shows them 1-based).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LessonProgress {
    /// The step the learner is on.
    pub step: usize,
    /// Steps completed (goals met, or reading steps moved past).
    pub done: BTreeSet<usize>,
    /// Hints revealed, per step.
    pub hints: BTreeMap<usize, usize>,
    /// Steps whose solution was shown.
    pub solution_shown: BTreeSet<usize>,
    /// The learner's own text, per step.
    pub texts: BTreeMap<usize, String>,
}

/// All progress, by `id@version`, and the lesson open at the last save.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Progress {
    /// A format marker, so an exported file is recognised on import.
    pub format: String,
    pub lessons: BTreeMap<String, LessonProgress>,
    /// `id@version` of the open lesson.
    pub current: Option<String>,
}

pub const PROGRESS_FORMAT: &str = "netpol-playground-progress/v1";

impl Progress {
    pub fn to_json(&self) -> String {
        let mut p = self.clone();
        p.format = PROGRESS_FORMAT.to_string();
        serde_json::to_string_pretty(&p).unwrap_or_default()
    }

    /// Reads saved or exported progress; an error in plain words otherwise.
    pub fn from_json(text: &str) -> Result<Progress, String> {
        let p: Progress = serde_json::from_str(text)
            .map_err(|e| format!("not a progress file of the playground: {e}"))?;
        if p.format != PROGRESS_FORMAT {
            return Err(format!(
                "not a progress file of the playground (expected \"format\": \"{PROGRESS_FORMAT}\")"
            ));
        }
        Ok(p)
    }

    /// Merges imported progress: per lesson, the union of what was done and the larger counts;
    /// the imported step and texts win.
    pub fn merge(&mut self, other: Progress) {
        for (k, o) in other.lessons {
            let e = self.lessons.entry(k).or_default();
            e.step = o.step;
            e.done.extend(o.done);
            for (s, n) in o.hints {
                let h = e.hints.entry(s).or_default();
                *h = (*h).max(n);
            }
            e.solution_shown.extend(o.solution_shown);
            e.texts.extend(o.texts);
        }
    }
}

/// Link fragment of a shared custom lesson, format version 1: `lesson-v1=` + base64url (no
/// padding) of the raw-deflate of the lesson file. Later versions get a new prefix; this one
/// keeps decoding.
pub const LESSON_LINK_V1: &str = "lesson-v1=";
const MAX_INFLATED: usize = 4 * 1024 * 1024;

pub fn encode_lesson_link(text: &str) -> String {
    let packed = miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 9);
    format!("{LESSON_LINK_V1}{}", URL_SAFE_NO_PAD.encode(packed))
}

/// What a fragment asks for, as far as lessons are concerned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LessonLink {
    /// `#lesson=<id>[&step=N]` (N 1-based in the link, 0-based here).
    Builtin { id: String, step: Option<usize> },
    /// `#lesson-v1=…`: the lesson file's text.
    Custom(String),
}

/// `Ok(None)`: the fragment is not about lessons.
pub fn decode_lesson_link(fragment: &str) -> Result<Option<LessonLink>, String> {
    let f = fragment.strip_prefix('#').unwrap_or(fragment);
    if let Some(data) = f.strip_prefix(LESSON_LINK_V1) {
        let packed = URL_SAFE_NO_PAD
            .decode(data.trim_end_matches('=').as_bytes())
            .map_err(|_| "the lesson link is damaged (not base64url)".to_string())?;
        let raw = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_INFLATED)
            .map_err(|_| "the lesson link is damaged (it does not decompress)".to_string())?;
        let text = String::from_utf8(raw)
            .map_err(|_| "the lesson link is damaged (not UTF-8 text)".to_string())?;
        return Ok(Some(LessonLink::Custom(text)));
    }
    if f.starts_with("lesson-v") {
        return Err(
            "the lesson link was made by a newer or unknown version of the playground".into(),
        );
    }
    let Some(rest) = f.strip_prefix("lesson=") else {
        return Ok(None);
    };
    let mut parts = rest.split('&');
    let id = parts.next().unwrap_or_default().to_string();
    let step = parts
        .filter_map(|p| p.strip_prefix("step="))
        .find_map(|n| n.parse::<usize>().ok())
        .and_then(|n| n.checked_sub(1));
    Ok(Some(LessonLink::Builtin { id, step }))
}

/// The node id (`data-node`) of a target in the scene: the pod's own node, else the collapsed
/// workload node holding it; Services and outside ranges by their target.
fn node_id(sc: &Scene, t: Target) -> Option<NodeId> {
    sc.nodes
        .iter()
        .find(|n| n.target == t)
        .or_else(|| match t {
            Target::Pod(p) => sc.nodes.iter().find(|n| n.pods.contains(&p)),
            _ => None,
        })
        .map(|n| n.id.clone())
}

/// The graph selection a goal stands for: a flow goal's flow, or the first flow a
/// least-privilege goal finds too open.
pub fn goal_selection(status: &StepStatus, goal: usize, sc: &Scene) -> Option<Selection> {
    let g = status.goals.get(goal)?;
    let (from, to) = match (&g.verdict, g.offending.first()) {
        (Some(v), _) => (v.from, v.to),
        (None, Some(o)) => (
            match o.src {
                engine::evaluate::Endpoint::Pod(p) => Target::Pod(p),
                engine::evaluate::Endpoint::External(ip) => Target::External(ip),
            },
            Target::Pod(o.dst),
        ),
        (None, None) => return None,
    };
    Some(Selection::Flow {
        from: node_id(sc, from)?,
        to: node_id(sc, to)?,
    })
}

/// A line of a diff.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiffLine {
    Same(String),
    /// In the learner's text only.
    Removed(String),
    /// In the solution only.
    Added(String),
}

/// Above this many lines on both sides the diff falls back to "all removed, all added"
/// instead of an O(n·m) table.
const MAX_DIFF_CELLS: usize = 4_000_000;

/// A line diff from `old` to `new` (longest common subsequence; common prefix and suffix first).
pub fn diff_lines(old: &str, new: &str) -> Vec<DiffLine> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let pre = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let a_rest = a.get(pre..).unwrap_or_default();
    let b_rest = b.get(pre..).unwrap_or_default();
    let suf = a_rest
        .iter()
        .rev()
        .zip(b_rest.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let am = a_rest.get(..a_rest.len() - suf).unwrap_or_default();
    let bm = b_rest.get(..b_rest.len() - suf).unwrap_or_default();
    let mut out: Vec<DiffLine> = a
        .iter()
        .take(pre)
        .map(|l| DiffLine::Same((*l).to_string()))
        .collect();
    let (n, m) = (am.len(), bm.len());
    if n.saturating_mul(m) > MAX_DIFF_CELLS {
        out.extend(am.iter().map(|l| DiffLine::Removed((*l).to_string())));
        out.extend(bm.iter().map(|l| DiffLine::Added((*l).to_string())));
    } else {
        // lcs[i][j]: the LCS length of am[i..] and bm[j..], in one flat table.
        let w = m + 1;
        let mut lcs = vec![0u32; (n + 1) * w];
        let at = |t: &Vec<u32>, i: usize, j: usize| t.get(i * w + j).copied().unwrap_or(0);
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                let v = if am.get(i) == bm.get(j) {
                    at(&lcs, i + 1, j + 1) + 1
                } else {
                    at(&lcs, i + 1, j).max(at(&lcs, i, j + 1))
                };
                if let Some(c) = lcs.get_mut(i * w + j) {
                    *c = v;
                }
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            match (am.get(i), bm.get(j)) {
                (Some(x), Some(y)) if x == y => {
                    out.push(DiffLine::Same((*x).to_string()));
                    i += 1;
                    j += 1;
                }
                (Some(x), Some(_)) if at(&lcs, i + 1, j) >= at(&lcs, i, j + 1) => {
                    out.push(DiffLine::Removed((*x).to_string()));
                    i += 1;
                }
                (_, Some(y)) => {
                    out.push(DiffLine::Added((*y).to_string()));
                    j += 1;
                }
                (Some(x), None) => {
                    out.push(DiffLine::Removed((*x).to_string()));
                    i += 1;
                }
                (None, None) => break,
            }
        }
    }
    out.extend(
        a_rest
            .iter()
            .skip(a_rest.len() - suf)
            .map(|l| DiffLine::Same((*l).to_string())),
    );
    out
}

/// A row of a diff as shown: a line, or a run of unchanged lines folded away.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiffRow {
    Line(DiffLine),
    /// This many unchanged lines.
    Folded(usize),
}

/// Folds runs of unchanged lines farther than `context` lines from any change.
pub fn fold_unchanged(lines: Vec<DiffLine>, context: usize) -> Vec<DiffRow> {
    let changed: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !matches!(l, DiffLine::Same(_)))
        .map(|(i, _)| i)
        .collect();
    let near = |i: usize| changed.iter().any(|&c| i.abs_diff(c) <= context);
    let mut out = Vec::new();
    let mut folded = 0;
    for (i, l) in lines.into_iter().enumerate() {
        if near(i) {
            if folded > 0 {
                out.push(DiffRow::Folded(folded));
                folded = 0;
            }
            out.push(DiffRow::Line(l));
        } else {
            folded += 1;
        }
    }
    if folded > 0 {
        out.push(DiffRow::Folded(folded));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_index_entry_is_compiled_in_and_parses() {
        let entries = parse_index(INDEX).unwrap_or_default();
        assert!(entries.len() >= 12);
        let lessons = builtin();
        assert_eq!(lessons.len(), entries.len());
        for (e, l) in entries.iter().zip(&lessons) {
            assert_eq!(e.id, l.id);
            assert_eq!(e.level, l.level);
        }
        assert_eq!(lessons.first().map(|l| l.id.as_str()), Some("classic-demo"));
    }

    #[test]
    fn levels_group_in_track_order() {
        let lessons = builtin();
        let groups = by_level(&lessons);
        let names: Vec<&str> = groups.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(names.first(), Some(&"intro"));
        let mut seen = BTreeSet::new();
        assert!(names.iter().all(|n| seen.insert(*n)), "{names:?}");
        assert_eq!(
            groups.iter().map(|(_, v)| v.len()).sum::<usize>(),
            lessons.len()
        );
    }

    #[test]
    fn progress_round_trips_through_json_and_rejects_other_files() {
        let mut p = Progress::default();
        let lp = p.lessons.entry("classic-demo@1".into()).or_default();
        lp.step = 2;
        lp.done.insert(0);
        lp.hints.insert(1, 2);
        lp.texts.insert(1, "kind: Pod\n".into());
        p.current = Some("classic-demo@1".into());
        let back = Progress::from_json(&p.to_json());
        let mut want = p.clone();
        want.format = PROGRESS_FORMAT.into();
        assert_eq!(back, Ok(want));
        assert!(Progress::from_json("{\"lessons\":{}}").is_err());
        assert!(Progress::from_json("not json").is_err());
    }

    #[test]
    fn importing_merges_done_steps_and_keeps_the_larger_hint_count() {
        let mut a = Progress::default();
        let la = a.lessons.entry("x@1".into()).or_default();
        la.done.insert(0);
        la.hints.insert(1, 2);
        let mut b = Progress::default();
        let lb = b.lessons.entry("x@1".into()).or_default();
        lb.done.insert(1);
        lb.hints.insert(1, 1);
        lb.step = 1;
        b.lessons.entry("y@2".into()).or_default();
        a.merge(b);
        let x = a.lessons.get("x@1").cloned().unwrap_or_default();
        assert_eq!(x.done, BTreeSet::from([0, 1]));
        assert_eq!(x.hints.get(&1), Some(&2));
        assert_eq!(x.step, 1);
        assert!(a.lessons.contains_key("y@2"));
    }

    #[test]
    fn lesson_links_decode() {
        assert_eq!(
            decode_lesson_link("#lesson=classic-demo&step=3"),
            Ok(Some(LessonLink::Builtin {
                id: "classic-demo".into(),
                step: Some(2)
            }))
        );
        assert_eq!(
            decode_lesson_link("#lesson=ports"),
            Ok(Some(LessonLink::Builtin {
                id: "ports".into(),
                step: None
            }))
        );
        assert_eq!(decode_lesson_link("#v1=abc"), Ok(None));
        assert_eq!(decode_lesson_link(""), Ok(None));
        let text = "lesson: netpol-playground/v1\nid: mine\n";
        let link = encode_lesson_link(text);
        assert!(link.starts_with(LESSON_LINK_V1));
        assert_eq!(
            decode_lesson_link(&format!("#{link}")),
            Ok(Some(LessonLink::Custom(text.into())))
        );
        assert!(decode_lesson_link("#lesson-v1=@@@").is_err());
        assert!(decode_lesson_link("#lesson-v9=abc").is_err());
    }

    #[test]
    fn the_share_decoder_leaves_lesson_links_alone() {
        let link = encode_lesson_link("lesson: netpol-playground/v1\n");
        assert_eq!(crate::share::decode(&format!("#{link}")), Ok(None));
        assert_eq!(
            crate::share::decode("#lesson=classic-demo&step=2"),
            Ok(None)
        );
    }

    #[test]
    fn a_goal_selects_its_flow_in_the_graph() {
        let l = builtin().into_iter().next().unwrap_or_else(|| Lesson {
            id: String::new(),
            version: 0,
            title: String::new(),
            level: String::new(),
            summary: String::new(),
            steps: Vec::new(),
        });
        // Step 3 (let only the health checker in) on its start, and on a too-open answer.
        let start = l.start_text(2);
        let open = format!(
            "{start}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: all, namespace: default}}\nspec:\n  podSelector: {{}}\n  ingress: [{{}}]\n"
        );
        for (text, want_from) in [(start.as_str(), None), (open.as_str(), Some(()))] {
            let a = std::rc::Rc::new(engine::analyze(&[engine::Source::new("editor", text)]));
            let d = crate::scene::Derived::new(a.clone(), &BTreeSet::new());
            let sc = crate::scene::build_scene_for(&d, &BTreeSet::new(), 1.5);
            let st = engine::lesson::evaluate_step(&l, 2, &a);
            let st = st.as_ref();
            // Goal 1 is a flow goal: its flow, from the pod to the Service node.
            assert_eq!(
                st.and_then(|s| goal_selection(s, 0, &sc)),
                Some(Selection::Flow {
                    from: crate::testing::node("default/pod-centos"),
                    to: crate::testing::node("service:default/svc-clusterip-httpd")
                })
            );
            // Goal 2 (least privilege) selects the first flow it finds too open, if any.
            let lp = st.and_then(|s| goal_selection(s, 1, &sc));
            match want_from {
                None => assert_eq!(lp, None),
                Some(()) => assert!(
                    matches!(&lp, Some(Selection::Flow { to, .. }) if *to == crate::testing::node("default/dep-httpd")),
                    "{lp:?}"
                ),
            }
        }
    }

    #[test]
    fn unchanged_runs_fold_away_from_changes() {
        let old = "1\n2\n3\n4\n5\n6\n7\n8\n";
        let new = "1\n2\n3\n4\nX\n6\n7\n8\n";
        let rows = fold_unchanged(diff_lines(old, new), 1);
        assert_eq!(
            rows,
            vec![
                DiffRow::Folded(3),
                DiffRow::Line(DiffLine::Same("4".into())),
                DiffRow::Line(DiffLine::Removed("5".into())),
                DiffRow::Line(DiffLine::Added("X".into())),
                DiffRow::Line(DiffLine::Same("6".into())),
                DiffRow::Folded(2),
            ]
        );
        assert_eq!(
            fold_unchanged(diff_lines("a\n", "a\n"), 2),
            vec![DiffRow::Folded(1)]
        );
    }

    #[test]
    fn diff_marks_removed_and_added_lines_in_order() {
        let d = diff_lines("a\nb\nc\nd\n", "a\nx\nc\nd\ne\n");
        assert_eq!(
            d,
            vec![
                DiffLine::Same("a".into()),
                DiffLine::Removed("b".into()),
                DiffLine::Added("x".into()),
                DiffLine::Same("c".into()),
                DiffLine::Same("d".into()),
                DiffLine::Added("e".into()),
            ]
        );
        assert!(diff_lines("same\n", "same\n")
            .iter()
            .all(|l| matches!(l, DiffLine::Same(_))));
        assert_eq!(diff_lines("", "x"), vec![DiffLine::Added("x".into())]);
    }
}
