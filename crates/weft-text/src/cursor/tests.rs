use weft_core::{DecodeError, MAX_COUNTER, Replica, ReplicaId};

use super::{Cursor, CursorError, ElementId, Side};
use crate::{List, ListEditor, Text, TextEditor};

fn text(content: &str) -> Replica<Text> {
    let mut text = Replica::<Text>::new(ReplicaId::from_u128(1));
    text.edit(|t| t.insert(0, content)).unwrap();
    text
}

fn element_cursor(counter: u64, side: Side) -> Cursor {
    Cursor::Element {
        element: ElementId {
            replica: ReplicaId::from_u128(0x0102_0304),
            counter,
        },
        side,
    }
}

#[test]
fn every_index_and_side_resolves_to_itself() {
    let text = text("héllo 😀 wörld");
    for index in 0..=text.len() {
        for side in [Side::Before, Side::After] {
            let cursor = text.cursor_at(index, side).unwrap();
            assert_eq!(text.resolve_cursor(&cursor), Ok(index), "{index} {side:?}");
        }
    }
    for units in [0, 1, 6, 8, 9, text.len_utf16()] {
        let cursor = text.cursor_at_utf16(units, Side::After).unwrap();
        assert_eq!(text.resolve_cursor_utf16(&cursor), Ok(units));
    }
}

#[test]
fn inserts_exactly_at_the_cursor_go_after_an_after_cursor_and_before_a_before_cursor() {
    let mut text = text("ad");
    let after = text.cursor_at(1, Side::After).unwrap();
    let before = text.cursor_at(1, Side::Before).unwrap();
    text.edit(|t| t.insert(1, "bc")).unwrap();
    assert_eq!(text.to_string(), "abcd");
    assert_eq!(text.resolve_cursor(&after), Ok(1));
    assert_eq!(text.resolve_cursor(&before), Ok(3));
    // The start stays before text inserted at 0, the end after text appended.
    let (start, end) = (Cursor::Start, Cursor::End);
    text.edit(|t| t.insert(0, ">")).unwrap();
    text.edit(|t| t.insert(5, "<")).unwrap();
    assert_eq!(text.resolve_cursor(&start), Ok(0));
    assert_eq!(text.resolve_cursor(&end), Ok(6));
}

#[test]
fn a_deleted_anchor_resolves_to_where_it_was() {
    let mut text = text("abcdef");
    let after_c = text.cursor_at(3, Side::After).unwrap();
    let before_c = text.cursor_at(2, Side::Before).unwrap();
    text.edit(|t| t.delete(1..4)).unwrap(); // "aef": b, c, d gone
    assert_eq!(text.resolve_cursor(&after_c), Ok(1));
    assert_eq!(text.resolve_cursor(&before_c), Ok(1));
    text.edit(|t| t.delete(0..3)).unwrap(); // everything gone
    assert_eq!(text.resolve_cursor(&after_c), Ok(0));
    text.edit(|t| t.insert(0, "xy")).unwrap(); // typed where "a" was: before c's place
    assert_eq!(text.resolve_cursor(&after_c), Ok(2));
}

#[test]
fn lists_resolve_like_texts() {
    let mut list = Replica::<List<u32>>::new(ReplicaId::from_u128(1));
    list.edit(|l| l.insert_all(0, [10, 20, 30]).unwrap());
    let after_ten = list.cursor_at(1, Side::After).unwrap();
    list.edit(|l| l.insert(0, 5).unwrap());
    list.edit(|l| l.delete(1..2).unwrap());
    assert_eq!(list.to_vec(), [5, 20, 30]);
    assert_eq!(list.resolve_cursor(&after_ten), Ok(1));
    assert_eq!(
        list.cursor_at(4, Side::Before),
        Err(CursorError::Position(crate::PositionError::OutOfRange {
            position: 4,
            length: 3
        }))
    );
}

#[test]
fn unknown_elements_are_refused() {
    let text = text("abc");
    let Cursor::Element { element, side } = text.cursor_at(1, Side::Before).unwrap() else {
        panic!("an element cursor")
    };
    for element in [
        ElementId {
            counter: 99,
            ..element
        },
        ElementId {
            counter: 0,
            ..element
        },
        ElementId {
            replica: ReplicaId::from_u128(2),
            ..element
        },
    ] {
        let cursor = Cursor::Element { element, side };
        assert_eq!(
            text.resolve_cursor(&cursor),
            Err(CursorError::UnknownElement { element })
        );
    }
}

#[test]
fn bytes_and_json_round_trip() {
    let cursors = [
        Cursor::Start,
        Cursor::End,
        element_cursor(1, Side::Before),
        element_cursor(MAX_COUNTER, Side::After),
    ];
    for cursor in cursors {
        assert_eq!(Cursor::from_bytes(&cursor.to_bytes()), Ok(cursor));
        let json = serde_json::to_string(&cursor).unwrap();
        assert_eq!(serde_json::from_str::<Cursor>(&json).unwrap(), cursor);
    }
    assert_eq!(
        serde_json::to_string(&element_cursor(5, Side::After)).unwrap(),
        r#"{"anchor":"element","replica":"00000000-0000-0000-0000-000001020304","counter":5,"side":"after"}"#
    );
    assert_eq!(
        serde_json::to_string(&Cursor::End).unwrap(),
        r#"{"anchor":"end"}"#
    );
    assert_eq!(
        element_cursor(MAX_COUNTER, Side::After).to_bytes().len(),
        27
    );
}

#[test]
fn hostile_json_is_refused() {
    for json in [
        r#"{"anchor":"middle"}"#,
        r#"{"anchor":"element","replica":"00000000-0000-0000-0000-000001020304","counter":0,"side":"after"}"#,
        r#"{"anchor":"element","replica":"00000000-0000-0000-0000-000001020304","counter":9007199254740992,"side":"after"}"#,
        r#"{"anchor":"element","replica":"nope","counter":1,"side":"after"}"#,
        r#"{"anchor":"element","replica":"00000000-0000-0000-0000-000001020304","counter":1,"side":"up"}"#,
        r#"{"anchor":"element","counter":1,"side":"after"}"#,
        r#"[]"#,
    ] {
        assert!(serde_json::from_str::<Cursor>(json).is_err(), "{json}");
    }
}

#[test]
fn hostile_bytes_give_typed_errors() {
    let good = element_cursor(300, Side::Before).to_bytes();
    for cut in 0..good.len() {
        let error = Cursor::from_bytes(&good[..cut]).unwrap_err();
        assert!(error.is_truncation(), "cut at {cut}: {error:?}");
    }
    let mut trailing = good.clone();
    trailing.push(0);
    assert_eq!(
        Cursor::from_bytes(&trailing),
        Err(DecodeError::TrailingBytes { count: 1 })
    );
    assert_eq!(
        Cursor::from_bytes(&[0x44, 1, 0]),
        Err(DecodeError::BadMagic)
    );
    assert_eq!(
        Cursor::from_bytes(&[0x43, 2, 0]),
        Err(DecodeError::UnsupportedVersion {
            found: 2,
            supported: 1
        })
    );
    assert!(matches!(
        Cursor::from_bytes(&[0x43, 1, 4]),
        Err(DecodeError::InvalidValue { offset: 2, .. })
    ));
    let mut zero = good[..19].to_vec();
    zero.push(0);
    assert!(matches!(
        Cursor::from_bytes(&zero),
        Err(DecodeError::Malformed { .. })
    ));
    let mut huge = good[..19].to_vec();
    huge.extend([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10]); // 2^53
    assert!(matches!(
        Cursor::from_bytes(&huge),
        Err(DecodeError::Malformed { .. })
    ));
    let mut overflow = good[..19].to_vec();
    overflow.extend([0xff; 11]);
    assert!(matches!(
        Cursor::from_bytes(&overflow),
        Err(DecodeError::VarintOverflow { .. })
    ));
    // Every single-byte corruption decodes to a cursor that round-trips (a non-minimal
    // varint is accepted, as everywhere in the format) or fails with a typed error.
    let mut decoded = 0;
    for at in 0..good.len() {
        for value in [0x00, 0x01, 0x7f, 0x80, 0xff] {
            let mut bytes = good.clone();
            bytes[at] = value;
            if let Ok(cursor) = Cursor::from_bytes(&bytes) {
                assert_eq!(Cursor::from_bytes(&cursor.to_bytes()), Ok(cursor));
                decoded += 1;
            }
        }
    }
    assert!(decoded > 0);
}
