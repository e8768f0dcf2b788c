//! Stable cursors under concurrent edits: a cursor made at a random index on one replica,
//! sent as bytes and JSON, resolves on every replica that holds its element to that
//! element's index (± side) while it survives, and keeps every element that was on its left
//! on its left (and every one on its right on its right), also once its element is deleted.
//! Plus reference cases for inserts exactly at the cursor and for deleted anchors.

use std::collections::HashSet;

use quickcheck::{QuickCheck, TestResult};
use weft::{
    Cursor, CursorError, Doc, DocError, Entry, List, ListEditor, Replica, ReplicaId, Side, Text,
    TextEditor,
};
use weft_tests::SplitMix64;

/// Brings `b` level with `a` and `a` with `b`.
fn exchange(replicas: &mut [Replica<List<u64>>], a: usize, b: usize) {
    let for_b = replicas[a].delta_since(&replicas[b].version());
    let for_a = replicas[b].delta_since(&replicas[a].version());
    replicas[b].apply(&for_b);
    replicas[a].apply(&for_a);
}

/// A cursor as it arrives from another replica: through bytes, then through JSON.
fn sent(cursor: Cursor) -> Cursor {
    let bytes = Cursor::from_bytes(&cursor.to_bytes()).expect("cursor bytes round-trip");
    let json = serde_json::to_string(&bytes).expect("cursor to JSON");
    serde_json::from_str(&json).expect("cursor JSON round-trips")
}

/// What a cursor was made from: its index on the replica that made it, the value of its
/// element (`None` for the start or end), and the values on each side of it then.
struct Made {
    cursor: Cursor,
    side: Side,
    anchor: Option<u64>,
    left: HashSet<u64>,
    right: HashSet<u64>,
}

fn make(list: &Replica<List<u64>>, index: usize, side: Side) -> Made {
    let values = list.to_vec();
    let anchor = match side {
        Side::Before => values.get(index).copied(),
        Side::After => index.checked_sub(1).map(|before| values[before]),
    };
    Made {
        cursor: sent(list.cursor_at(index, side).expect("index in range")),
        side,
        anchor,
        left: values[..index].iter().copied().collect(),
        right: values[index..].iter().copied().collect(),
    }
}

/// Checks `made` on `list`; `synced` says the list holds every change (so it must resolve).
fn check(made: &Made, list: &Replica<List<u64>>, synced: bool) -> Result<(), String> {
    let values = list.to_vec();
    let resolved = match list.resolve_cursor(&made.cursor) {
        Ok(index) => index,
        Err(CursorError::UnknownElement { .. }) if !synced => {
            // Not received yet: only possible for an element this list does not show.
            return match made.anchor {
                Some(anchor) if values.contains(&anchor) => {
                    Err(format!("{anchor} is shown but its cursor is unknown"))
                }
                _ => Ok(()),
            };
        }
        Err(error) => return Err(format!("{error} in {values:?}")),
    };
    if resolved > values.len() {
        return Err(format!("{resolved} past the end of {values:?}"));
    }
    if let Some(anchor) = made.anchor
        && let Some(at) = values.iter().position(|value| *value == anchor)
    {
        let expected = at + usize::from(made.side == Side::After);
        if resolved != expected {
            return Err(format!(
                "{:?} of {anchor} resolved to {resolved}, expected {expected} in {values:?}",
                made.side
            ));
        }
    }
    for (at, value) in values.iter().enumerate() {
        if made.left.contains(value) && at >= resolved {
            return Err(format!(
                "{value} was left of the cursor, now at {at} ≥ {resolved}"
            ));
        }
        if made.right.contains(value) && at < resolved {
            return Err(format!(
                "{value} was right of the cursor, now at {at} < {resolved}"
            ));
        }
    }
    Ok(())
}

/// One random edit on `list`, inserting values from `next` on.
fn random_edit(list: &mut Replica<List<u64>>, random: &mut SplitMix64, next: &mut u64) {
    let length = list.len();
    if length > 0 && random.chance(40) {
        let start = random.index(length);
        let end = (start + 1 + random.index(3)).min(length);
        list.update(|l| l.delete(start..end).unwrap());
    } else {
        let at = random.index(length + 1);
        let count = 1 + random.below(3);
        let values: Vec<u64> = (0..count).map(|offset| *next + offset).collect();
        *next += count;
        list.update(|l| l.insert_all(at, values).unwrap());
    }
}

/// A session: a shared start, then random edits on every replica with random partial
/// exchanges; a cursor made at a random moment on a random replica is checked on every
/// replica after every step and after a full exchange.
fn session(seed: u64, writers: usize) -> Result<(), String> {
    let mut random = SplitMix64::new(seed);
    let mut replicas: Vec<Replica<List<u64>>> = (0..writers)
        .map(|id| Replica::new(ReplicaId::from_u128(id as u128 + 1)))
        .collect();
    let mut next = 1;
    for _ in 0..random.below(4) {
        random_edit(&mut replicas[0], &mut random, &mut next);
    }
    for other in 1..writers {
        exchange(&mut replicas, 0, other);
    }
    let steps = 10 + random.index(30);
    let moment = random.index(steps);
    let mut made = None;
    for step in 0..steps {
        if step == moment {
            let on = random.index(writers);
            let index = random.index(replicas[on].len() + 1);
            let side = if random.chance(50) {
                Side::Before
            } else {
                Side::After
            };
            made = Some(make(&replicas[on], index, side));
        }
        let writer = random.index(writers);
        random_edit(&mut replicas[writer], &mut random, &mut next);
        if random.chance(25) {
            let (a, b) = (random.index(writers), random.index(writers));
            if a != b {
                exchange(&mut replicas, a, b);
            }
        }
        if let Some(made) = &made {
            for list in &replicas {
                check(made, list, false)?;
            }
        }
    }
    for _ in 0..2 {
        for other in 1..writers {
            exchange(&mut replicas, 0, other);
        }
    }
    let made = made.ok_or("no cursor made")?;
    let mut resolved = Vec::new();
    for list in &replicas {
        check(&made, list, true)?;
        resolved.push(list.resolve_cursor(&made.cursor));
    }
    if resolved.windows(2).any(|pair| pair[0] != pair[1]) {
        return Err(format!("replicas resolve differently: {resolved:?}"));
    }
    Ok(())
}

#[test]
fn cursors_follow_their_elements_under_random_concurrent_edits() {
    fn property(seed: u64, writers: u8) -> TestResult {
        match session(seed, 2 + usize::from(writers % 2)) {
            Ok(()) => TestResult::passed(),
            Err(message) => TestResult::error(message),
        }
    }
    QuickCheck::new()
        .tests(1000)
        .quickcheck(property as fn(u64, u8) -> TestResult);
}

fn text(id: u128) -> Replica<Text> {
    Replica::new(ReplicaId::from_u128(id))
}

fn exchange_texts(a: &mut Replica<Text>, b: &mut Replica<Text>) {
    let for_b = a.delta_since(&b.version());
    let for_a = b.delta_since(&a.version());
    b.apply(&for_b);
    a.apply(&for_a);
}

/// Inserts exactly at the cursor's place, local and concurrent: an `After` cursor stays
/// right after its character (before what is typed there), a `Before` cursor stays right
/// before its character (after what is typed there), whichever replica typed.
#[test]
fn concurrent_inserts_exactly_at_the_cursor() {
    let mut alice = text(1);
    let mut bob = text(2);
    bob.apply(&alice.update(|t| t.insert(0, "ad").unwrap()));
    let after_a = sent(alice.cursor_at(1, Side::After).unwrap());
    let before_d = sent(alice.cursor_at(1, Side::Before).unwrap());
    alice.update(|t| t.insert(1, "bc").unwrap());
    bob.update(|t| t.insert(1, "XY").unwrap());
    exchange_texts(&mut alice, &mut bob);
    let merged = alice.to_string();
    assert_eq!(merged, bob.to_string());
    assert_eq!(merged.len(), 6);
    for replica in [&alice, &bob] {
        assert_eq!(replica.resolve_cursor(&after_a), Ok(1), "{merged}");
        assert_eq!(replica.resolve_cursor(&before_d), Ok(5), "{merged}");
    }
}

/// The anchor deleted concurrently with typing next to it: the cursor resolves to where the
/// character was, on both replicas.
#[test]
fn a_concurrently_deleted_anchor_resolves_where_it_was() {
    let mut alice = text(1);
    let mut bob = text(2);
    bob.apply(&alice.update(|t| t.insert(0, "abcdef").unwrap()));
    // Alice's caret after "c"; Bob deletes "bcd" while Alice types "X" before "a" and "Y"
    // after "f".
    let caret = sent(alice.cursor_at(3, Side::After).unwrap());
    let mark = sent(bob.cursor_at(2, Side::Before).unwrap()); // before "c"
    bob.update(|t| t.delete(1..4).unwrap());
    alice.update(|t| t.insert(6, "Y").unwrap());
    alice.update(|t| t.insert(0, "X").unwrap());
    assert_eq!(alice.resolve_cursor(&caret), Ok(4));
    assert_eq!(bob.resolve_cursor(&caret), Ok(1));
    exchange_texts(&mut alice, &mut bob);
    assert_eq!(alice.to_string(), "XaefY");
    for replica in [&alice, &bob] {
        assert_eq!(replica.resolve_cursor(&caret), Ok(2));
        assert_eq!(replica.resolve_cursor(&mark), Ok(2));
    }
    // Text typed later at that place goes after an `After` cursor of a deleted anchor
    // (it is typed after "a", which precedes the tombstones).
    alice.update(|t| t.insert(2, "Z").unwrap());
    assert_eq!(alice.resolve_cursor(&caret), Ok(3));
    assert_eq!(alice.resolve_cursor(&mark), Ok(3));
}

/// A cursor made on a replica ahead of this one is unknown here until the change arrives.
#[test]
fn a_cursor_from_ahead_resolves_after_sync() {
    let mut alice = text(1);
    let mut bob = text(2);
    alice.update(|t| t.insert(0, "hi").unwrap());
    let cursor = sent(alice.cursor_at(1, Side::After).unwrap());
    assert!(matches!(
        bob.resolve_cursor(&cursor),
        Err(CursorError::UnknownElement { .. })
    ));
    exchange_texts(&mut alice, &mut bob);
    assert_eq!(bob.resolve_cursor(&cursor), Ok(1));
}

/// Through documents: a cursor made in a text and one made in a list of one document,
/// resolved in another document after concurrent edits on both, from the scopes and from the
/// read side.
#[test]
fn document_cursors_resolve_after_sync() {
    let mut alice = Doc::new(ReplicaId::from_u128(1));
    let mut bob = Doc::new(ReplicaId::from_u128(2));
    let start = alice.transact(|root| -> Result<(), DocError> {
        root.text("note").insert(0, "hello world")?;
        root.list("items")
            .insert_all(0, ["milk", "eggs", "flour"])?;
        Ok(())
    });
    bob.apply(&start.delta);
    let (caret, after_eggs) = bob
        .transact(|root| -> Result<_, DocError> {
            let caret = root.text("note").cursor_at_utf16(5, Side::After)?;
            let after_eggs = root.list("items").cursor_at(2, Side::After)?;
            Ok((caret, after_eggs))
        })
        .result
        .unwrap();
    let (caret, after_eggs) = (sent(caret), sent(after_eggs));
    let from_alice = alice.transact(|root| -> Result<(), DocError> {
        root.text("note").insert(0, "Oh, ")?;
        root.list("items").delete(1..2)?; // eggs
        root.list("items").insert(0, "tea")?;
        Ok(())
    });
    let from_bob = bob.transact(|root| root.text("note").insert(5, "!"));
    alice.apply(&from_bob.delta);
    bob.apply(&from_alice.delta);
    for doc in [&mut alice, &mut bob] {
        assert_eq!(
            doc.to_json(),
            r#"{"items":["tea","milk","flour"],"note":"Oh, hello! world"}"#
        );
        let note = doc.root().get("note").and_then(Entry::as_text).unwrap();
        assert_eq!(note.resolve_cursor(&caret), Ok(9));
        let items = doc.root().get("items").and_then(Entry::as_list).unwrap();
        assert_eq!(items.resolve_cursor(&after_eggs), Ok(2));
        doc.transact(|root| {
            assert_eq!(root.text("note").resolve_cursor_utf16(&caret), Ok(9));
            assert_eq!(root.list("items").resolve_cursor(&after_eggs), Ok(2));
        });
    }
    let stranger = sent(
        Doc::new(ReplicaId::from_u128(3))
            .transact(|root| {
                let mut note = root.text("note");
                note.insert(0, "x").unwrap();
                note.cursor_at(0, Side::Before).unwrap()
            })
            .result,
    );
    alice.transact(|root| {
        assert!(matches!(
            root.text("note").resolve_cursor(&stranger),
            Err(DocError::Cursor(CursorError::UnknownElement { .. }))
        ));
    });
}

/// Random bytes (most of them behind a valid header, so the anchor and its fields are
/// reached) never panic the cursor decoder: they give a typed error or a cursor whose bytes
/// decode to it again.
#[test]
fn random_bytes_give_a_cursor_or_a_typed_error() {
    let mut random = SplitMix64::new(0x5eed);
    let mut decoded = 0;
    for _ in 0..20_000 {
        let length = random.index(32);
        let mut bytes: Vec<u8> = (0..length).map(|_| random.below(256) as u8).collect();
        if random.chance(80) && bytes.len() >= 3 {
            bytes[0] = 0x43;
            bytes[1] = 0x01;
            bytes[2] = random.below(5) as u8;
        }
        match Cursor::from_bytes(&bytes) {
            Ok(cursor) => {
                decoded += 1;
                assert_eq!(Cursor::from_bytes(&cursor.to_bytes()), Ok(cursor));
            }
            Err(error) => assert!(!error.to_string().is_empty()),
        }
    }
    assert!(decoded > 0, "some random inputs are cursors");
}
