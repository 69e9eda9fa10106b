#![allow(clippy::unwrap_used, clippy::indexing_slicing)] // test code

//! Completion codes on random inputs: they round-trip, and every single-character typo and
//! every swap of two different neighbours is refused.

use engine::completion::{decode, encode, Completion};
use proptest::prelude::*;

fn completion() -> impl Strategy<Value = Completion> {
    (
        "[a-z0-9][a-z0-9-]{0,30}",
        1u32..5000,
        0u32..40,
        0u32..40,
        0u32..100,
        any::<bool>(),
        "[A-Za-zÀ-ÿ0-9 ._-]{0,16}",
    )
        .prop_map(|(lesson, version, a, b, hints, shown, nick)| Completion {
            lesson,
            version,
            steps_done: a.min(b),
            steps_total: a.max(b),
            hints_used: hints,
            solution_shown: shown,
            nickname: nick.trim().to_string(),
        })
}

const ALPHABET: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

proptest! {
    #[test]
    fn codes_round_trip(c in completion()) {
        let code = encode(&c).unwrap();
        prop_assert!(code.starts_with("NP1-"));
        prop_assert_eq!(decode(&code).unwrap(), c);
    }

    #[test]
    fn a_substituted_character_is_caught(c in completion(), at in any::<prop::sample::Index>(), by in 0usize..32) {
        let code = encode(&c).unwrap();
        let mut chars: Vec<char> = code.chars().collect();
        let body: Vec<usize> = (4..chars.len()).filter(|&i| chars[i] != '-').collect();
        let i = body[at.index(body.len())];
        let new = ALPHABET.chars().nth(by).unwrap();
        prop_assume!(new != chars[i]);
        chars[i] = new;
        let typo: String = chars.into_iter().collect();
        prop_assert!(decode(&typo).is_err(), "{} accepted for {}", typo, code);
    }

    #[test]
    fn swapped_neighbours_are_caught(c in completion(), at in any::<prop::sample::Index>()) {
        let code = encode(&c).unwrap();
        let mut chars: Vec<char> = code.chars().collect();
        let body: Vec<usize> = (4..chars.len()).filter(|&i| chars[i] != '-').collect();
        let k = at.index(body.len() - 1);
        let (i, j) = (body[k], body[k + 1]);
        prop_assume!(chars[i] != chars[j]);
        chars.swap(i, j);
        let typo: String = chars.into_iter().collect();
        prop_assert!(decode(&typo).is_err(), "{} accepted for {}", typo, code);
    }
}
