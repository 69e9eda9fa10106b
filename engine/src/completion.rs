//! Completion codes: a lesson's outcome as a short text a learner can paste to an instructor.
//!
//! `NP1-` then groups of five characters of Crockford's base32 (no `I`, `L`, `O`, `U`; decoding
//! reads `I`/`L` as `1`, `O` as `0`, ignores case, spaces and dashes). The payload holds the
//! lesson id and version, the steps done (of how many), the hints used, whether the solution was
//! shown, and a nickname; the last two characters are a check.
//!
//! The check catches typos, not cheating: anyone can compute a valid code. Every character
//! `v_i` (value 0–31) has a weight and the weighted sum is 0 modulo the prime 1021. Payload
//! weights run 33..=932 (then wrap), the two check characters have weights 32 and 1, so:
//! - one wrong character changes the sum by `w·δ` with `0 < w < 1021` and `0 < |δ| < 32`:
//!   never a multiple of the prime, always caught;
//! - two neighbours swapped change it by `(w − w′)(v − v′)`, and neighbouring weights differ
//!   (also across the wrap and at the check characters): caught whenever the two differ.
//!
//! Pure: no I/O, no clock.

use std::fmt;

use serde::Serialize;

/// The prefix, naming the format version.
pub const PREFIX: &str = "NP1-";
/// Longest nickname, in characters.
pub const MAX_NICKNAME: usize = 16;
/// Longest lesson id, in bytes.
pub const MAX_ID: usize = 64;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const MODULUS: u32 = 1021;
const GROUP: usize = 5;

/// What a completion code says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Completion {
    pub lesson: String,
    pub version: u32,
    pub steps_done: u32,
    pub steps_total: u32,
    pub hints_used: u32,
    pub solution_shown: bool,
    /// What the learner typed (may be empty).
    pub nickname: String,
}

/// Why a code could not be made or read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CodeError {
    /// The text does not start with `NP1-`.
    MissingPrefix,
    /// A character outside the code's alphabet, at this 1-based position of the text.
    BadCharacter { ch: char, position: usize },
    /// Too short to hold a lesson.
    TooShort,
    /// The check does not match: a character was mistyped, left out or swapped.
    Checksum,
    /// The check matches but the content does not read (a code from a newer version?).
    Malformed(&'static str),
    /// Encoding: the lesson id is not lower-case letters, digits and `-` (1–64 bytes).
    InvalidLessonId,
    /// Encoding: the nickname is too long or holds control characters.
    InvalidNickname,
    /// Encoding: more steps done than the lesson has.
    InvalidSteps,
}

impl fmt::Display for CodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodeError::MissingPrefix => write!(f, "a completion code starts with `{PREFIX}`"),
            CodeError::BadCharacter { ch, position } => write!(
                f,
                "`{ch}` (character {position}) is not part of a completion code (digits and letters except I, L, O, U)"
            ),
            CodeError::TooShort => f.write_str("the code is too short: part of it is missing"),
            CodeError::Checksum => f.write_str(
                "the code does not check out: a character is mistyped, missing or swapped",
            ),
            CodeError::Malformed(what) => write!(f, "the code checks out but cannot be read: {what}"),
            CodeError::InvalidLessonId => {
                f.write_str("a lesson id is 1–64 lower-case letters, digits and `-`")
            }
            CodeError::InvalidNickname => write!(
                f,
                "a nickname is at most {MAX_NICKNAME} characters, without control characters"
            ),
            CodeError::InvalidSteps => f.write_str("more steps done than the lesson has"),
        }
    }
}

impl std::error::Error for CodeError {}

/// The code for a completion: `NP1-XXXXX-XXXXX-…`.
pub fn encode(c: &Completion) -> Result<String, CodeError> {
    let id_ok = !c.lesson.is_empty()
        && c.lesson.len() <= MAX_ID
        && c.lesson
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !id_ok {
        return Err(CodeError::InvalidLessonId);
    }
    let nick = c.nickname.trim();
    if nick.chars().count() > MAX_NICKNAME || nick.chars().any(char::is_control) {
        return Err(CodeError::InvalidNickname);
    }
    if c.steps_done > c.steps_total {
        return Err(CodeError::InvalidSteps);
    }
    let mut bytes = Vec::new();
    for n in [c.version, c.steps_done, c.steps_total, c.hints_used] {
        varint(&mut bytes, n);
    }
    bytes.push(u8::from(c.solution_shown));
    bytes.push(c.lesson.len() as u8);
    bytes.extend_from_slice(c.lesson.as_bytes());
    bytes.push(nick.len() as u8);
    bytes.extend_from_slice(nick.as_bytes());
    let mut values = to_base32(&bytes);
    let sum = weighted(&values);
    // Check values c1, c2 (weights 32 and 1) with 32·c1 + c2 ≡ −sum (mod 1021).
    let need = (MODULUS - sum % MODULUS) % MODULUS;
    values.push((need / 32) as u8);
    values.push((need % 32) as u8);
    let chars: Vec<char> = values
        .iter()
        .map(|&v| ALPHABET.get(usize::from(v)).map_or('0', |&b| char::from(b)))
        .collect();
    let groups: Vec<String> = chars
        .chunks(GROUP)
        .map(|g| g.iter().collect::<String>())
        .collect();
    Ok(format!("{PREFIX}{}", groups.join("-")))
}

/// Reads a code (case, spaces and dashes do not matter; `I`/`L` read as `1`, `O` as `0`).
pub fn decode(text: &str) -> Result<Completion, CodeError> {
    let t = text.trim();
    let rest = match t.get(..PREFIX.len()) {
        Some(p) if p.eq_ignore_ascii_case(PREFIX) => t.get(PREFIX.len()..).unwrap_or(""),
        _ => return Err(CodeError::MissingPrefix),
    };
    let mut values = Vec::new();
    for (i, ch) in rest.chars().enumerate() {
        if matches!(ch, '-' | ' ') {
            continue;
        }
        let up = match ch.to_ascii_uppercase() {
            'I' | 'L' => '1',
            'O' => '0',
            c => c,
        };
        match ALPHABET.iter().position(|&b| char::from(b) == up) {
            Some(v) => values.push(v as u8),
            None => {
                return Err(CodeError::BadCharacter {
                    ch,
                    position: PREFIX.len() + i + 1,
                })
            }
        }
    }
    if values.len() < 4 {
        return Err(CodeError::TooShort);
    }
    let n = values.len();
    let (payload, check) = values.split_at(n - 2);
    let (c1, c2) = match check {
        [a, b] => (u32::from(*a), u32::from(*b)),
        _ => return Err(CodeError::TooShort),
    };
    if (weighted(payload) + 32 * c1 + c2) % MODULUS != 0 {
        return Err(CodeError::Checksum);
    }
    let bytes = from_base32(payload).ok_or(CodeError::Malformed("stray bits at the end"))?;
    let mut r = Reader {
        bytes: &bytes,
        at: 0,
    };
    let version = r.varint()?;
    let steps_done = r.varint()?;
    let steps_total = r.varint()?;
    let hints_used = r.varint()?;
    let solution_shown = match r.byte()? {
        0 => false,
        1 => true,
        _ => return Err(CodeError::Malformed("unknown flags")),
    };
    let lesson = r.string()?;
    let nickname = r.string()?;
    if r.at != bytes.len() {
        return Err(CodeError::Malformed("bytes after the nickname"));
    }
    let c = Completion {
        lesson,
        version,
        steps_done,
        steps_total,
        hints_used,
        solution_shown,
        nickname,
    };
    // What encode would refuse is not a code it made.
    match encode(&c) {
        Ok(_) => Ok(c),
        Err(_) => Err(CodeError::Malformed("values out of range")),
    }
}

/// Σ weight·value over the payload, weights 33..=932 repeating (never 0 mod 1021, never equal
/// to a neighbour's, never 32 or 1, the check characters' weights).
fn weighted(values: &[u8]) -> u32 {
    values.iter().enumerate().fold(0u32, |sum, (i, &v)| {
        let w = (i % 900) as u32 + 33;
        (sum + w * u32::from(v)) % MODULUS
    })
}

fn varint(out: &mut Vec<u8>, mut n: u32) {
    loop {
        let low = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(low);
            return;
        }
        out.push(low | 0x80);
    }
}

fn to_base32(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(((acc >> bits) & 31) as u8);
        }
        acc &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(((acc << (5 - bits)) & 31) as u8);
    }
    out
}

/// `None` when the leftover bits are not zero (a code `encode` did not make).
fn from_base32(values: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for &v in values {
        acc = (acc << 5) | u32::from(v);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
        acc &= (1 << bits) - 1;
    }
    (bits < 5 && acc == 0).then_some(out)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8, CodeError> {
        let b = self
            .bytes
            .get(self.at)
            .copied()
            .ok_or(CodeError::Malformed("it ends early"))?;
        self.at += 1;
        Ok(b)
    }

    fn varint(&mut self) -> Result<u32, CodeError> {
        let mut n = 0u32;
        for shift in [0, 7, 14, 21, 28] {
            let b = self.byte()?;
            n |= u32::from(b & 0x7f)
                .checked_shl(shift)
                .ok_or(CodeError::Malformed("a number is too large"))?;
            if b & 0x80 == 0 {
                return Ok(n);
            }
        }
        Err(CodeError::Malformed("a number is too large"))
    }

    fn string(&mut self) -> Result<String, CodeError> {
        let len = usize::from(self.byte()?);
        let end = self.at + len;
        let s = self
            .bytes
            .get(self.at..end)
            .ok_or(CodeError::Malformed("it ends early"))?;
        self.at = end;
        String::from_utf8(s.to_vec()).map_err(|_| CodeError::Malformed("text is not UTF-8"))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)] // test code
mod tests {
    use super::*;

    fn sample() -> Completion {
        Completion {
            lesson: "classic-demo".to_string(),
            version: 2,
            steps_done: 3,
            steps_total: 3,
            hints_used: 1,
            solution_shown: false,
            nickname: "Ada L.".to_string(),
        }
    }

    #[test]
    fn round_trip_and_shape() {
        let code = encode(&sample()).unwrap();
        assert!(code.starts_with("NP1-"), "{code}");
        assert!(code[4..].split('-').all(|g| g.len() <= 5 && !g.is_empty()));
        assert_eq!(decode(&code).unwrap(), sample());
        // Case, spaces, and look-alike letters do not matter.
        let loose = code
            .to_lowercase()
            .replace('-', " ")
            .replacen("np1 ", "np1-", 1);
        assert_eq!(decode(&loose).unwrap(), sample());
        let with_o = code.replace('0', "O");
        assert_eq!(decode(&with_o).unwrap(), sample());
    }

    #[test]
    fn clear_errors() {
        assert_eq!(decode("XX1-ABCDE"), Err(CodeError::MissingPrefix));
        assert_eq!(
            decode("NP1-AB!DE"),
            Err(CodeError::BadCharacter {
                ch: '!',
                position: 7
            })
        );
        assert_eq!(decode("NP1-A"), Err(CodeError::TooShort));
        let code = encode(&sample()).unwrap();
        let cut = &code[..code.len() - 3];
        assert_eq!(decode(cut), Err(CodeError::Checksum));
        assert_eq!(
            encode(&Completion {
                lesson: "Bad Id".into(),
                ..sample()
            }),
            Err(CodeError::InvalidLessonId)
        );
        assert_eq!(
            encode(&Completion {
                nickname: "x".repeat(17),
                ..sample()
            }),
            Err(CodeError::InvalidNickname)
        );
        assert_eq!(
            encode(&Completion {
                steps_done: 4,
                ..sample()
            }),
            Err(CodeError::InvalidSteps)
        );
        assert!(CodeError::Checksum.to_string().contains("mistyped"));
    }

    #[test]
    fn every_single_substitution_and_adjacent_swap_is_caught() {
        let code = encode(&sample()).unwrap();
        let chars: Vec<char> = code.chars().collect();
        let body: Vec<usize> = (4..chars.len()).filter(|&i| chars[i] != '-').collect();
        for &i in &body {
            for &b in ALPHABET {
                let c = char::from(b);
                if c == chars[i] {
                    continue;
                }
                let mut t = chars.clone();
                t[i] = c;
                let t: String = t.into_iter().collect();
                assert!(decode(&t).is_err(), "{t} accepted");
            }
        }
        for w in body.windows(2) {
            let (i, j) = (w[0], w[1]);
            if chars[i] == chars[j] {
                continue;
            }
            let mut t = chars.clone();
            t.swap(i, j);
            let t: String = t.into_iter().collect();
            assert!(decode(&t).is_err(), "{t} accepted");
        }
    }
}
