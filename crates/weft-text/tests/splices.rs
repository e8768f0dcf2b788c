//! `Text::splices` / `List::splices`: the runs computed from a received delta, applied to the
//! receiver's old content, give its new content — for mutation deltas and `delta_since`
//! deltas, with concurrent edits on the receiver, in any text (multi-unit characters too).

use quickcheck::{QuickCheck, TestResult};
use weft_core::{Delta, Replica, ReplicaId};
use weft_text::{List, ListEditor, Splice, Text, TextEditor};

/// One edit: insert `text` at a position, or delete a range (positions taken modulo length).
#[derive(Clone, Debug)]
enum Edit {
    Insert(u8, u16, String),
    Delete(u8, u16, u8),
}

impl quickcheck::Arbitrary for Edit {
    fn arbitrary(g: &mut quickcheck::Gen) -> Self {
        let replica = u8::arbitrary(g) % 3;
        let position = u16::arbitrary(g);
        if bool::arbitrary(g) {
            let pieces = ["a", "bc", "é", "😀", "xyz", "\u{10ffff}q"];
            let text: String = (0..(u8::arbitrary(g) % 3 + 1))
                .map(|_| *g.choose(&pieces).unwrap())
                .collect();
            Self::Insert(replica, position, text)
        } else {
            Self::Delete(replica, position, u8::arbitrary(g) % 4 + 1)
        }
    }
}

/// Applies `runs` to `old` and returns the result; checks the UTF-16 widths on the way.
fn replay(old: &str, runs: &[(Splice<String>, usize)]) -> Option<String> {
    let old: Vec<char> = old.chars().collect();
    let mut at = 0;
    let mut out = String::new();
    for (run, utf16) in runs {
        match run {
            Splice::Retain(count) => {
                let kept: String = old.get(at..at + count)?.iter().collect();
                if kept.encode_utf16().count() != *utf16 {
                    return None;
                }
                out.push_str(&kept);
                at += count;
            }
            Splice::Insert(text) => {
                if text.encode_utf16().count() != *utf16 {
                    return None;
                }
                out.push_str(text);
            }
            Splice::Delete(text) => {
                let gone: String = old.get(at..at + text.chars().count())?.iter().collect();
                if gone != *text || gone.encode_utf16().count() != *utf16 {
                    return None;
                }
                at += text.chars().count();
            }
        }
    }
    out.extend(old.get(at..)?);
    Some(out)
}

fn edit(replica: &mut Replica<Text>, edit: &Edit) -> Delta<Text> {
    let length = replica.len();
    match edit {
        Edit::Insert(_, position, text) => {
            let at = usize::from(*position) % (length + 1);
            replica.update(|t| t.insert(at, text).expect("in range"))
        }
        Edit::Delete(_, position, count) => {
            if length == 0 {
                return Delta::empty();
            }
            let start = usize::from(*position) % length;
            let end = (start + usize::from(*count)).min(length);
            replica.update(|t| t.delete(start..end).expect("in range"))
        }
    }
}

/// Receives `delta` on `replica` and checks the splices against the contents.
fn receive(replica: &mut Replica<Text>, delta: &Delta<Text>) -> bool {
    let old = replica.to_string();
    let incoming = replica.incoming(delta.store(), delta.replicas(), replica.table());
    let pending = replica.pending_len();
    let outcome = replica.apply(delta);
    if outcome != weft_core::Outcome::Applied || replica.pending_len() != pending {
        return true;
    }
    let runs = replica.splices(&incoming, replica.table());
    replay(&old, &runs).as_deref() == Some(replica.to_string().as_str())
}

#[test]
fn text_splices_replay_to_the_new_text() {
    fn property(edits: Vec<Edit>, delivery: Vec<bool>) -> TestResult {
        let mut replicas: Vec<Replica<Text>> = (1..=3)
            .map(|id| Replica::new(ReplicaId::from_u128(id)))
            .collect();
        for (step, one) in edits.iter().enumerate() {
            let (Edit::Insert(author, ..) | Edit::Delete(author, ..)) = one;
            let author = usize::from(*author);
            let delta = edit(&mut replicas[author], one);
            // Deliver the mutation delta to the next replica at once, or let it catch up
            // later through `delta_since`.
            let target = (author + 1) % 3;
            if delivery.get(step).copied().unwrap_or(true) {
                let (source, receiver) = pair(&mut replicas, author, target);
                let _ = source;
                if !receive(receiver, &delta) {
                    return TestResult::failed();
                }
            }
        }
        for target in 0..3 {
            for source in 0..3 {
                if source != target {
                    let since = replicas[target].version();
                    let delta = replicas[source].delta_since(&since);
                    if !receive(&mut replicas[target], &delta) {
                        return TestResult::failed();
                    }
                }
            }
        }
        TestResult::passed()
    }
    QuickCheck::new()
        .tests(500)
        .quickcheck(property as fn(Vec<Edit>, Vec<bool>) -> TestResult);
}

fn pair<T>(items: &mut [T], first: usize, second: usize) -> (&mut T, &mut T) {
    assert_ne!(first, second);
    if first < second {
        let (left, right) = items.split_at_mut(second);
        (&mut left[first], &mut right[0])
    } else {
        let (left, right) = items.split_at_mut(first);
        (&mut right[0], &mut left[second])
    }
}

#[test]
fn list_splices_carry_inserted_and_deleted_elements() {
    let mut a = Replica::<List<u32>>::new(ReplicaId::from_u128(1));
    let mut b = Replica::<List<u32>>::new(ReplicaId::from_u128(2));
    b.apply(&a.update(|l| l.insert_all(0, [1, 2, 3, 4]).expect("in range")));
    // b deletes 4 concurrently; a deletes 2 and inserts 9 at the front.
    b.update(|l| l.delete(3..4).expect("in range"));
    let delta = a.update(|l| {
        l.delete(1..2).expect("in range");
        l.insert(0, 9).expect("in range");
    });
    let incoming = b.incoming(delta.store(), delta.replicas(), b.table());
    b.apply(&delta);
    assert_eq!(
        b.splices(&incoming, b.table()),
        [
            Splice::Insert(vec![9]),
            Splice::Retain(1),
            Splice::Delete(vec![2]),
        ]
    );
    assert_eq!(b.to_vec(), vec![9, 1, 3]);
}
