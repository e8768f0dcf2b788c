//! The marks section of a text's encoding: round trips of every kind of mark, canonical
//! re-encoding, and hostile bytes inside the section (truncated, huge lengths, names that
//! are not UTF-8, unknown value tags) refused with typed errors, never a panic.

use weft::internals::codec::frame::{self, Kind};
use weft::{DecodeError, Delta, Replica, ReplicaId, Text, TextEditor, VersionVector};
use weft_tests::{SplitMix64, roundtrip};
use weft_text::{Expand, MarkValue};

/// A short text (its body stays under the compression threshold, so the section is in the
/// clear) with one mark of each kind of value, and one unmark.
fn marked() -> Replica<Text> {
    let mut text = Replica::<Text>::new(ReplicaId::from_u128(1));
    text.update(|t| {
        t.insert(0, "rich text").unwrap();
        t.mark(0..4, "bold", MarkValue::Bool(true), Expand::After)
            .unwrap();
        t.mark(
            5..9,
            "href",
            MarkValue::from("https://é.example"),
            Expand::None,
        )
        .unwrap();
        t.mark(2..6, "size", MarkValue::Number(-1.25), Expand::Both)
            .unwrap();
        t.mark(
            0..9,
            "note",
            MarkValue::Json {
                json: r#"{"id":[1,2]}"#.into(),
            },
            Expand::Before,
        )
        .unwrap();
        t.unmark(3..4, "bold", Expand::After).unwrap();
    });
    text
}

/// A text small enough that its body is stored as it is (not deflated), for corrupting
/// chosen bytes.
fn small() -> Replica<Text> {
    let mut text = Replica::<Text>::new(ReplicaId::from_u128(1));
    text.update(|t| {
        t.insert(0, "ab").unwrap();
        t.mark(0..1, "bold", MarkValue::Bool(true), Expand::After)
            .unwrap();
        t.mark(1..2, "size", MarkValue::Number(-1.25), Expand::None)
            .unwrap();
    });
    text
}

#[test]
fn marks_round_trip_through_snapshots_and_deltas() {
    let text = marked();
    let saved = text.save();
    let loaded = Replica::<Text>::load(&saved).expect("a snapshot with marks loads");
    assert_eq!(loaded.to_delta(), text.to_delta());
    assert_eq!(loaded.marks(), text.marks());
    assert!(loaded.same_state(&text));
    assert_eq!(loaded.save(), saved, "re-encoding is canonical");
    let bytes = text.delta_since(&VersionVector::new()).to_bytes();
    let delta = Delta::<Text>::from_bytes(&bytes).expect("a delta with marks decodes");
    assert_eq!(delta.to_bytes(), bytes);
    let mut other = Replica::<Text>::new(ReplicaId::from_u128(2));
    other.apply(&delta);
    assert_eq!(other.to_delta(), text.to_delta());
    other.check().expect("invariants hold");
}

#[test]
fn a_delta_of_one_mark_carries_only_the_mark() {
    let mut text = Replica::<Text>::new(ReplicaId::from_u128(1));
    text.update(|t| t.insert(0, "some words here").unwrap());
    let mut other = Replica::<Text>::new(ReplicaId::from_u128(2));
    other.apply(&text.delta_since(&other.version()));
    let version = other.version();
    let delta = text.update(|t| {
        t.mark(5..10, "bold", MarkValue::Bool(true), Expand::After)
            .unwrap()
    });
    let bytes = delta.to_bytes();
    let typed = text
        .clone()
        .update(|t| t.insert(5, "x").unwrap())
        .to_bytes()
        .len();
    assert!(
        bytes.len() <= typed + 12,
        "a mark's delta is {} bytes, a keystroke's {typed}",
        bytes.len()
    );
    assert_eq!(text.delta_since(&version).to_bytes().len(), bytes.len());
    other.apply(&Delta::from_bytes(&bytes).unwrap());
    assert_eq!(other.to_delta(), text.to_delta());
}

/// The frame's payload (between the header and the checksum).
fn payload(bytes: &[u8]) -> &[u8] {
    &bytes[4..bytes.len() - 4]
}

fn load_payload(payload: &[u8]) -> Result<Replica<Text>, DecodeError> {
    Replica::<Text>::load(&frame::seal(Kind::Snapshot, |out| out.raw(payload)))
}

fn find(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
        .expect("the bytes are there")
}

#[test]
fn a_name_that_is_not_utf8_is_refused() {
    let saved = small().save();
    let mut corrupt = payload(&saved).to_vec();
    let at = find(&corrupt, b"\x04bold");
    corrupt[at + 1] = 0xff;
    assert!(matches!(
        load_payload(&corrupt),
        Err(DecodeError::InvalidUtf8 { .. })
    ));
}

#[test]
fn a_huge_name_length_is_refused_before_allocating() {
    let saved = small().save();
    let original = payload(&saved).to_vec();
    let at = find(&original, b"\x04bold");
    // Same sizes as what they replace, so the body's own length stays right.
    for (huge, replaced) in [(&[0x7f][..], 1), (&[0xff, 0xff, 0xff, 0xff, 0x0f][..], 5)] {
        let mut corrupt = original.clone();
        corrupt[at..at + replaced].copy_from_slice(huge);
        let error = load_payload(&corrupt).expect_err("a huge length is refused");
        assert!(
            matches!(
                error,
                DecodeError::LengthTooLarge { .. }
                    | DecodeError::Malformed { .. }
                    | DecodeError::VarintOverflow { .. }
            ),
            "{error:?}"
        );
    }
}

#[test]
fn an_unknown_value_tag_is_refused() {
    let saved = small().save();
    let mut corrupt = payload(&saved).to_vec();
    // The value tag follows the name: 2 (true) after "bold".
    let at = find(&corrupt, b"\x04bold\x02") + 5;
    corrupt[at] = 9;
    assert!(matches!(
        load_payload(&corrupt),
        Err(DecodeError::InvalidValue {
            what: "mark value tag",
            ..
        })
    ));
}

#[test]
fn a_number_that_is_not_finite_is_refused() {
    let saved = small().save();
    let mut corrupt = payload(&saved).to_vec();
    let at = find(&corrupt, &(-1.25f64).to_le_bytes());
    corrupt[at..at + 8].copy_from_slice(&f64::NAN.to_le_bytes());
    assert!(matches!(
        load_payload(&corrupt),
        Err(DecodeError::Malformed { .. })
    ));
}

#[test]
fn every_truncation_and_corruption_of_marked_encodings_is_refused_or_sound() {
    let text = marked();
    let target = Replica::<Text>::new(ReplicaId::from_u128(3));
    let samples = [
        (Kind::Snapshot, text.save()),
        (
            Kind::Delta,
            text.delta_since(&VersionVector::new()).to_bytes(),
        ),
    ];
    let mut random = SplitMix64::new(13);
    for (kind, bytes) in &samples {
        let payload = payload(bytes);
        let check = |candidate: &[u8]| {
            let sealed = frame::seal(*kind, |out| out.raw(candidate));
            if *kind == Kind::Snapshot {
                roundtrip::snapshot::<Text>(&sealed, &target);
            } else {
                roundtrip::delta::<Text>(&sealed, &target);
            }
        };
        for cut in 0..payload.len() {
            check(&payload[..cut]);
        }
        for _ in 0..3000 {
            let mut corrupt = payload.to_vec();
            let at = random.index(corrupt.len());
            match random.below(3) {
                0 => corrupt[at] ^= 1 << random.below(8),
                1 => corrupt[at] = [0x00, 0x7f, 0x80, 0xff][random.index(4)],
                _ => corrupt.insert(at, random.below(256) as u8),
            }
            check(&corrupt);
        }
    }
}
