//! Versions of the text kept in local storage: named snapshots ("save as…") and the last
//! [`MAX_RECENT`] states, so that a learner's text survives a wrong click and a reload.
//!
//! Recent states are taken (a) just before a load replaces the text (sealed: never merged), and
//! (b) while typing, at most one per [`CHECKPOINT_MS`]: a newer checkpoint within that time
//! replaces the previous one, so a typing session does not push out every older state.
//! Pure and natively tested; the page stores [`encode`]'s string.

/// Recent states kept.
pub const MAX_RECENT: usize = 20;
/// Named snapshots kept (the oldest go first).
pub const MAX_NAMED: usize = 50;
/// Typing checkpoints closer than this are merged into one state.
pub const CHECKPOINT_MS: f64 = 60_000.0;

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Entry {
    /// The snapshot's name (named snapshots only).
    pub name: String,
    /// Milliseconds since the epoch; `i64` keeps `Eq` (and the state's cheap comparison).
    pub time_ms: i64,
    /// Taken before a load: a later checkpoint never replaces it.
    pub sealed: bool,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Versions {
    /// Newest first.
    pub named: Vec<Entry>,
    /// Newest first.
    pub recent: Vec<Entry>,
}

fn blank(text: &str) -> bool {
    text.trim().is_empty()
}

impl Versions {
    /// Records `text` as it was just before a load replaced it.
    pub fn before_load(&mut self, text: &str, time_ms: i64) {
        if blank(text) {
            return;
        }
        if let Some(first) = self.recent.first_mut() {
            if first.text == text {
                first.sealed = true;
                return;
            }
        }
        self.push_recent(Entry {
            name: String::new(),
            time_ms,
            sealed: true,
            text: text.to_string(),
        });
    }

    /// Records a typed text (called whenever the text is saved).
    pub fn checkpoint(&mut self, text: &str, time_ms: i64) {
        if blank(text) {
            return;
        }
        if let Some(first) = self.recent.first_mut() {
            if first.text == text {
                return;
            }
            if !first.sealed && ((time_ms - first.time_ms) as f64) < CHECKPOINT_MS {
                first.text = text.to_string();
                return;
            }
        }
        self.push_recent(Entry {
            name: String::new(),
            time_ms,
            sealed: false,
            text: text.to_string(),
        });
    }

    fn push_recent(&mut self, e: Entry) {
        self.recent.insert(0, e);
        self.recent.truncate(MAX_RECENT);
    }

    /// Saves a named snapshot; a snapshot of the same name is replaced.
    pub fn save_named(&mut self, name: &str, text: &str, time_ms: i64) {
        let name = name.trim();
        let name = if name.is_empty() { "untitled" } else { name };
        self.named.retain(|e| e.name != name);
        self.named.insert(
            0,
            Entry {
                name: name.to_string(),
                time_ms,
                sealed: true,
                text: text.to_string(),
            },
        );
        self.named.truncate(MAX_NAMED);
    }

    pub fn delete_named(&mut self, name: &str) -> bool {
        let before = self.named.len();
        self.named.retain(|e| e.name != name);
        self.named.len() != before
    }

    /// Drops the oldest recent state (to fit a storage quota); false when none is left.
    pub fn drop_oldest(&mut self) -> bool {
        self.recent.pop().is_some()
    }
}

/// A one-line summary of a text for the versions list: its objects' kinds and first names.
pub fn summary(text: &str) -> String {
    let mut kinds: Vec<(String, usize)> = Vec::new();
    for line in text.lines() {
        if let Some(k) = line.strip_prefix("kind:") {
            let k = k.trim().to_string();
            match kinds.iter_mut().find(|(x, _)| *x == k) {
                Some((_, n)) => *n += 1,
                None => kinds.push((k, 1)),
            }
        }
    }
    let lines = text.lines().count();
    let objects = kinds
        .iter()
        .map(|(k, n)| {
            if *n == 1 {
                k.clone()
            } else {
                format!("{n} {k}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    let lines = format!("{lines} line{}", if lines == 1 { "" } else { "s" });
    if objects.is_empty() {
        lines
    } else {
        format!("{lines}: {objects}")
    }
}

// Storage format: one record per entry, each field `<byte length>:<bytes>`, fields in the
// order list, name, time, sealed, text. Length-prefixed so any text round-trips unchanged.
const FORMAT: &str = "netpol-versions/1\n";

fn field(out: &mut String, v: &str) {
    out.push_str(&v.len().to_string());
    out.push(':');
    out.push_str(v);
}

pub fn encode(v: &Versions) -> String {
    let mut out = String::from(FORMAT);
    for (list, entries) in [("n", &v.named), ("r", &v.recent)] {
        for e in entries {
            field(&mut out, list);
            field(&mut out, &e.name);
            field(&mut out, &e.time_ms.to_string());
            field(&mut out, if e.sealed { "1" } else { "0" });
            field(&mut out, &e.text);
        }
    }
    out
}

fn take<'a>(rest: &mut &'a str) -> Option<&'a str> {
    let (len, tail) = rest.split_once(':')?;
    let len: usize = len.parse().ok()?;
    let v = tail.get(..len)?;
    *rest = tail.get(len..)?;
    Some(v)
}

/// Decodes what [`encode`] wrote; a damaged or unknown string gives what could be read.
pub fn decode(s: &str) -> Versions {
    let mut v = Versions::default();
    let Some(mut rest) = s.strip_prefix(FORMAT) else {
        return v;
    };
    while !rest.is_empty() {
        let (Some(list), Some(name), Some(time), Some(sealed), Some(text)) = (
            take(&mut rest),
            take(&mut rest),
            take(&mut rest),
            take(&mut rest),
            take(&mut rest),
        ) else {
            break;
        };
        let e = Entry {
            name: name.to_string(),
            time_ms: time.parse().unwrap_or(0),
            sealed: sealed == "1",
            text: text.to_string(),
        };
        match list {
            "n" => v.named.push(e),
            _ => v.recent.push(e),
        }
    }
    v.named.truncate(MAX_NAMED);
    v.recent.truncate(MAX_RECENT);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_checkpoints_merge_within_a_minute_and_stack_after() {
        let mut v = Versions::default();
        v.checkpoint("a", 0);
        v.checkpoint("ab", 10_000);
        assert_eq!(v.recent.len(), 1);
        assert_eq!(v.recent.first().map(|e| e.text.as_str()), Some("ab"));
        v.checkpoint("abc", 70_001);
        assert_eq!(v.recent.len(), 2);
        v.checkpoint("abc", 200_000);
        assert_eq!(v.recent.len(), 2, "same text: no new state");
    }

    #[test]
    fn a_state_taken_before_a_load_is_never_merged_away() {
        let mut v = Versions::default();
        v.checkpoint("mine", 0);
        v.before_load("mine", 1_000);
        v.checkpoint("example edited", 2_000);
        let texts: Vec<&str> = v.recent.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(texts, ["example edited", "mine"]);
    }

    #[test]
    fn keeps_the_last_twenty() {
        let mut v = Versions::default();
        for i in 0..30 {
            v.before_load(&format!("t{i}"), i);
        }
        assert_eq!(v.recent.len(), MAX_RECENT);
        assert_eq!(v.recent.first().map(|e| e.text.as_str()), Some("t29"));
        assert_eq!(v.recent.last().map(|e| e.text.as_str()), Some("t10"));
    }

    #[test]
    fn named_snapshots_replace_by_name_and_delete() {
        let mut v = Versions::default();
        v.save_named("lesson", "one", 1);
        v.save_named("other", "two", 2);
        v.save_named(" lesson ", "three", 3);
        let names: Vec<(&str, &str)> = v
            .named
            .iter()
            .map(|e| (e.name.as_str(), e.text.as_str()))
            .collect();
        assert_eq!(names, [("lesson", "three"), ("other", "two")]);
        assert!(v.delete_named("other"));
        assert!(!v.delete_named("other"));
        assert_eq!(v.named.len(), 1);
    }

    #[test]
    fn storage_round_trip_keeps_any_text() {
        let mut v = Versions::default();
        v.save_named("a:b 3:x", "kind: Pod\n---\n12:odd\u{1e}é", 5);
        v.checkpoint("x", 7);
        v.before_load("y", 9);
        assert_eq!(decode(&encode(&v)), v);
        assert_eq!(decode("garbage"), Versions::default());
        // A truncated string keeps the complete records.
        let s = encode(&v);
        let cut = decode(s.get(..s.len() - 2).unwrap_or_default());
        assert_eq!(cut.named, v.named);
    }

    #[test]
    fn summary_counts_kinds() {
        assert_eq!(
            summary("kind: Pod\n---\nkind: Pod\n---\nkind: NetworkPolicy\n"),
            "5 lines: 2 Pod, NetworkPolicy"
        );
        assert_eq!(summary("a: b"), "1 line");
    }
}
