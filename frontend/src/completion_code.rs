//! Completion codes in the page: the code for a finished lesson, its QR modules, and the class
//! board's reading of pasted codes (a grid of learners × lessons, CSV). Pure: unit-tested natively.
//!
//! The code is made and read by `engine::completion`; its check catches typos, not cheating.

use std::collections::BTreeSet;

use engine::completion::{self, Completion, MAX_NICKNAME};
use engine::lesson::Lesson;

use crate::lessons::LessonProgress;

/// localStorage key of the nickname the learner typed.
pub const NICKNAME_KEY: &str = "netpol-playground.nickname";

/// The nickname as the code can hold it: control characters dropped, trimmed, at most
/// `MAX_NICKNAME` characters.
pub fn clean_nickname(s: &str) -> String {
    let kept: String = s.chars().filter(|c| !c.is_control()).collect();
    kept.trim().chars().take(MAX_NICKNAME).collect()
}

/// What a lesson's progress says, for its code.
pub fn completion_of(lesson: &Lesson, progress: &LessonProgress, nickname: &str) -> Completion {
    let total = lesson.steps.len();
    let done = progress.done.iter().filter(|&&i| i < total).count();
    let hints: usize = progress.hints.values().sum();
    Completion {
        lesson: lesson.id.clone(),
        version: lesson.version,
        steps_done: u32::try_from(done).unwrap_or(u32::MAX),
        steps_total: u32::try_from(total).unwrap_or(u32::MAX),
        hints_used: u32::try_from(hints).unwrap_or(u32::MAX),
        solution_shown: !progress.solution_shown.is_empty(),
        nickname: clean_nickname(nickname),
    }
}

/// The QR code of `text`: its width and the dark modules, row by row. `None` when the text is
/// too long for a QR code.
pub fn qr_modules(text: &str) -> Option<(usize, Vec<bool>)> {
    let code =
        qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).ok()?;
    let dark = code
        .to_colors()
        .into_iter()
        .map(|c| c == qrcode::Color::Dark)
        .collect();
    Some((code.width(), dark))
}

/// One pasted line of the class board.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// 1-based line in the pasted text.
    pub line: usize,
    /// The code as pasted (trimmed).
    pub text: String,
    /// What it says, or why it does not read (one sentence).
    pub read: Result<Completion, String>,
}

/// Every non-empty line of `pasted` is one code: read, or flagged with why (never dropped).
pub fn read_codes(pasted: &str) -> Vec<Entry> {
    pasted
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let text = l.trim().to_string();
            Entry {
                line: i + 1,
                read: completion::decode(&text).map_err(|e| e.to_string()),
                text,
            }
        })
        .collect()
}

/// The learner's name on the board ("(no name)" when the code holds none).
pub fn learner(c: &Completion) -> String {
    if c.nickname.is_empty() {
        "(no name)".to_string()
    } else {
        c.nickname.clone()
    }
}

/// The lesson's column name: `id@version`.
pub fn lesson_key(c: &Completion) -> String {
    format!("{}@{}", c.lesson, c.version)
}

/// The board's rows (learners) and columns (lessons), each sorted, from the codes that read.
pub fn axes(entries: &[Entry]) -> (Vec<String>, Vec<String>) {
    let mut learners = BTreeSet::new();
    let mut lessons = BTreeSet::new();
    for c in entries.iter().filter_map(|e| e.read.as_ref().ok()) {
        learners.insert(learner(c));
        lessons.insert(lesson_key(c));
    }
    (
        learners.into_iter().collect(),
        lessons.into_iter().collect(),
    )
}

/// A short summary of a completion for its cell: "3/3 steps, 1 hint, solution shown".
pub fn summary(c: &Completion) -> String {
    let mut s = format!("{}/{} steps", c.steps_done, c.steps_total);
    s.push_str(&format!(
        ", {} hint{}",
        c.hints_used,
        if c.hints_used == 1 { "" } else { "s" }
    ));
    if c.solution_shown {
        s.push_str(", solution shown");
    }
    s
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(['=', '+', '-', '@']) {
        // Quoted; a leading formula character is neutralised for spreadsheets.
        let body = if s.starts_with(['=', '+', '-', '@']) {
            format!("'{s}")
        } else {
            s.to_string()
        };
        format!("\"{}\"", body.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The board as CSV: one row per pasted code, in paste order, mistyped ones included.
pub fn to_csv(entries: &[Entry]) -> String {
    let mut out = String::from(
        "line,learner,lesson,version,steps_done,steps_total,hints_used,solution_shown,valid,code,problem\n",
    );
    for e in entries {
        let row: Vec<String> = match &e.read {
            Ok(c) => vec![
                e.line.to_string(),
                csv_field(&c.nickname),
                csv_field(&c.lesson),
                c.version.to_string(),
                c.steps_done.to_string(),
                c.steps_total.to_string(),
                c.hints_used.to_string(),
                c.solution_shown.to_string(),
                "true".into(),
                csv_field(&e.text),
                String::new(),
            ],
            Err(why) => vec![
                e.line.to_string(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                "false".into(),
                csv_field(&e.text),
                csv_field(why),
            ],
        };
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lesson() -> Lesson {
        let src = include_str!("../../static/lessons/01-classic-demo.yaml");
        match engine::lesson::parse_lesson(0, src) {
            (Some(l), _) => l,
            (None, d) => panic!("lesson: {d:?}"),
        }
    }

    #[test]
    fn completion_counts_steps_hints_solution() {
        let l = lesson();
        let mut p = LessonProgress::default();
        p.done.extend([0, 1, 2, 99]);
        p.hints.insert(1, 2);
        p.hints.insert(2, 1);
        p.solution_shown.insert(2);
        let c = completion_of(&l, &p, "  ada\u{7}  ");
        assert_eq!(c.lesson, "classic-demo");
        assert_eq!(
            c.steps_done, 3,
            "a done index beyond the lesson is not counted"
        );
        assert_eq!(c.steps_total as usize, l.steps.len());
        assert_eq!(c.hints_used, 3);
        assert!(c.solution_shown);
        assert_eq!(c.nickname, "ada");
        let code = completion::encode(&c).unwrap_or_default();
        assert!(code.starts_with("NP1-"), "{code}");
        assert_eq!(completion::decode(&code), Ok(c));
    }

    #[test]
    fn nickname_is_cut_to_what_a_code_holds() {
        assert_eq!(
            clean_nickname("abcdefghijklmnopqrstuvwxyz").chars().count(),
            MAX_NICKNAME
        );
        assert_eq!(clean_nickname("a\tb\n"), "ab");
    }

    #[test]
    fn qr_has_finder_patterns() {
        let Some((w, dark)) = qr_modules("NP1-ABCDE-FGHJK-MNPQR") else {
            panic!("no qr");
        };
        assert_eq!(dark.len(), w * w);
        assert!(w >= 21 && (w - 17) % 4 == 0, "a QR version's width: {w}");
        // The top-left finder: a dark 7×7 ring with a light ring inside.
        let at = |x: usize, y: usize| dark.get(y * w + x).copied().unwrap_or(false);
        assert!((0..7).all(|i| at(i, 0) && at(0, i) && at(6, i) && at(i, 6)));
        assert!((1..6).all(|i| !at(i, 1) && !at(1, i)));
        assert!(at(3, 3));
    }

    #[test]
    fn board_flags_a_mistyped_code_and_keeps_it() {
        let c = |nick: &str, lesson: &str| Completion {
            lesson: lesson.into(),
            version: 1,
            steps_done: 2,
            steps_total: 3,
            hints_used: 1,
            solution_shown: false,
            nickname: nick.into(),
        };
        let a = completion::encode(&c("ada", "classic-demo")).unwrap_or_default();
        let b = completion::encode(&c("bob", "wordpress-mysql")).unwrap_or_default();
        // One character changed, after the prefix.
        let mut typo: Vec<char> = b.chars().collect();
        if let Some(ch) = typo.get_mut(6) {
            *ch = if *ch == '7' { '8' } else { '7' };
        }
        let typo: String = typo.into_iter().collect();
        let pasted = format!("{a}\n\n  {typo}  \n{}\n", a.to_lowercase());
        let entries = read_codes(&pasted);
        assert_eq!(entries.len(), 3);
        assert_eq!(
            entries.iter().map(|e| e.line).collect::<Vec<_>>(),
            [1, 3, 4]
        );
        assert!(entries[0].read.is_ok() && entries[2].read.is_ok());
        assert!(entries[1].read.is_err());
        let (learners, lessons) = axes(&entries);
        assert_eq!(learners, ["ada"]);
        assert_eq!(lessons, ["classic-demo@1"]);
        let csv = to_csv(&entries);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 4);
        assert!(lines[1].starts_with("1,ada,classic-demo,1,2,3,1,false,true,NP1-"));
        assert!(lines[2].starts_with("3,,,,,,,,false,"), "{}", lines[2]);
        assert!(lines[2].contains("does not check out"));
    }

    #[test]
    fn csv_quotes_and_neutralises_formulas() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("ada"), "ada");
        assert_eq!(csv_field("=1+1"), "\"'=1+1\"");
    }
}
