//! Local editing of `Text` against a plain model (a `Vec<char>`): random sessions of typing,
//! backspacing, deleting forward, jumping elsewhere (a miss of the edit cursor, near it or
//! far) and pasting, over ASCII and non-ASCII text, long enough to split leaves and grow the
//! history past its first blocks. After every edit the text, its lengths in every measure
//! and the position conversions match the model; at the end the invariants hold, and the
//! saved state loads into the same text.

use quickcheck::{QuickCheck, TestResult};
use weft::{Replica, ReplicaId, Text, TextEditor};
use weft_tests::SplitMix64;

/// Characters of every UTF-8 and UTF-16 width.
const ALPHABET: [char; 12] = [
    'a', 'b', ' ', '\n', 'x', 'é', 'ß', '—', '日', '€', '😀', '𝄞',
];

fn random_word(random: &mut SplitMix64, ascii: bool, length: u64) -> String {
    (0..length)
        .map(|_| {
            let choices = if ascii { 5 } else { ALPHABET.len() as u64 };
            ALPHABET[random.below(choices) as usize]
        })
        .collect()
}

/// Checks `text` against `model` in every measure, at a few positions.
fn matches(text: &Text, model: &[char], random: &mut SplitMix64) -> Result<(), String> {
    let expected: String = model.iter().collect();
    if text.to_string() != expected {
        return Err(format!("text {:?}, model {expected:?}", text.to_string()));
    }
    let utf16: usize = model.iter().map(|c| c.len_utf16()).sum();
    if (text.len(), text.len_utf16(), text.len_utf8()) != (model.len(), utf16, expected.len()) {
        return Err("lengths differ from the model".into());
    }
    for _ in 0..3 {
        let chars = random.below(model.len() as u64 + 1) as usize;
        let units: usize = model[..chars].iter().map(|c| c.len_utf16()).sum();
        let bytes: usize = model[..chars].iter().map(|c| c.len_utf8()).sum();
        if text.char_to_utf16(chars) != Ok(units) || text.utf16_to_char(units) != Ok(chars) {
            return Err(format!("UTF-16 conversion at {chars}"));
        }
        if text.char_to_utf8(chars) != Ok(bytes) || text.utf8_to_char(bytes) != Ok(chars) {
            return Err(format!("UTF-8 conversion at {chars}"));
        }
        if chars < model.len() && text.char_at(chars) != Some(model[chars]) {
            return Err(format!("character at {chars}"));
        }
    }
    Ok(())
}

/// One session of `edits` edits from `seed`; `ascii` limits the text to ASCII.
fn session(seed: u64, edits: usize, ascii: bool) -> Result<(), String> {
    let mut random = SplitMix64::new(seed);
    let mut replica = Replica::<Text>::new(ReplicaId::from_u128(1));
    let mut model: Vec<char> = Vec::new();
    let mut caret = 0usize;
    for _ in 0..edits {
        let length = model.len();
        match random.below(20) {
            // Jump: near the caret (the next leaf or the previous one) or anywhere.
            0 => caret = random.below(length as u64 + 1) as usize,
            1 => {
                let distance = random.below(1200) as usize;
                caret = if random.below(2) == 0 {
                    (caret + distance).min(length)
                } else {
                    caret.saturating_sub(distance)
                };
            }
            // Backspace.
            2..=4 if caret > 0 => {
                replica.edit(|text| text.delete(caret - 1..caret).unwrap());
                model.remove(caret - 1);
                caret -= 1;
            }
            // Delete forward, one character or a selection.
            5 | 6 if caret < length => {
                let count = if random.below(3) == 0 {
                    1 + random.below((length - caret) as u64) as usize
                } else {
                    1
                };
                let count = count.min(40);
                replica.edit(|text| text.delete(caret..caret + count).unwrap());
                model.drain(caret..caret + count);
            }
            // Paste a longer piece.
            7 => {
                let length = 1 + random.below(300);
                let word = random_word(&mut random, ascii, length);
                replica.edit(|text| text.insert(caret, &word).unwrap());
                let count = word.chars().count();
                model.splice(caret..caret, word.chars());
                caret += count;
            }
            // Type a character.
            _ => {
                let word = random_word(&mut random, ascii, 1);
                replica.edit(|text| text.insert(caret, &word).unwrap());
                model.splice(caret..caret, word.chars());
                caret += 1;
            }
        }
        matches(replica.store(), &model, &mut random)?;
    }
    replica.check().map_err(|error| format!("{error:?}"))?;
    let loaded = Replica::<Text>::load(&replica.save()).map_err(|error| format!("{error:?}"))?;
    if loaded.store().to_string() != replica.store().to_string() {
        return Err("loaded text differs".into());
    }
    Ok(())
}

#[test]
fn random_local_sessions_match_a_plain_model() {
    fn property(seed: u64, ascii: bool) -> TestResult {
        match session(seed, 600, ascii) {
            Ok(()) => TestResult::passed(),
            Err(error) => TestResult::error(format!("seed {seed}, ascii {ascii}: {error}")),
        }
    }
    QuickCheck::new()
        .tests(200)
        .quickcheck(property as fn(u64, bool) -> TestResult);
}

#[test]
fn long_sessions_over_many_leaves_match_a_plain_model() {
    for seed in 0..4 {
        session(seed, 12_000, seed % 2 == 0).unwrap();
    }
}
