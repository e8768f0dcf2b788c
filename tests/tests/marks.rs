//! Rich-text marks with Peritext's semantics: every example of the figures of Litt, Lim,
//! Kleppmann and van Hardenberg, *Peritext: A CRDT for Collaborative Rich Text Editing*
//! (2022), as named tests with the exact runs expected on every replica.

use weft::{Delta, Replica, ReplicaId};
use weft_text::{Expand, MarkValue, Text, TextEditor};

fn replica(id: u128) -> Replica<Text> {
    Replica::new(ReplicaId::from_u128(id))
}

/// Sends each replica what the other lacks, through bytes.
fn sync(one: &mut Replica<Text>, other: &mut Replica<Text>) {
    let to_other = one.delta_since(&other.version()).to_bytes();
    let to_one = other.delta_since(&one.version()).to_bytes();
    other.apply(&Delta::from_bytes(&to_other).expect("a delta decodes"));
    one.apply(&Delta::from_bytes(&to_one).expect("a delta decodes"));
    assert!(one.same_state(other));
    one.check().expect("invariants hold");
    other.check().expect("invariants hold");
}

/// A copy of `source` under another replica id.
fn fork(source: &Replica<Text>, id: u128) -> Replica<Text> {
    let mut copy = replica(id);
    copy.apply(&source.delta_since(&copy.version()));
    copy
}

/// The runs as `(text, "name" for true, "name=value" for strings, joined by commas)`.
fn runs(text: &Text) -> Vec<(String, String)> {
    text.to_delta()
        .into_iter()
        .map(|run| {
            let attributes: Vec<String> = run
                .attributes
                .iter()
                .map(|(name, value)| match value {
                    MarkValue::Bool(true) => name.clone(),
                    MarkValue::String(text) => format!("{name}={text}"),
                    other => format!("{name}={other:?}"),
                })
                .collect();
            (run.text, attributes.join(","))
        })
        .collect()
}

fn expect(text: &Text, expected: &[(&str, &str)]) {
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(text, attributes)| ((*text).to_owned(), (*attributes).to_owned()))
        .collect();
    assert_eq!(runs(text), expected);
}

fn bold() -> MarkValue {
    MarkValue::Bool(true)
}

fn typed(id: u128, content: &str) -> Replica<Text> {
    let mut text = replica(id);
    text.update(|t| t.insert(0, content).unwrap());
    text
}

#[test]
fn concurrent_bold_and_italic_over_overlapping_ranges() {
    let mut alice = typed(1, "The fox jumped.");
    let mut bob = fork(&alice, 2);
    alice.update(|t| t.mark(0..7, "bold", bold(), Expand::After).unwrap());
    bob.update(|t| t.mark(4..14, "italic", bold(), Expand::After).unwrap());
    sync(&mut alice, &mut bob);
    for text in [&alice, &bob] {
        expect(
            text,
            &[
                ("The ", "bold"),
                ("fox", "bold,italic"),
                (" jumped", "italic"),
                (".", ""),
            ],
        );
    }
}

#[test]
fn typing_at_the_end_of_bold_extends_it_but_not_at_its_start() {
    let mut text = typed(1, "The fox jumped.");
    text.update(|t| t.mark(4..7, "bold", bold(), Expand::After).unwrap());
    text.update(|t| t.insert(7, "es").unwrap());
    text.update(|t| t.insert(4, "red ").unwrap());
    expect(
        &text,
        &[("The red ", ""), ("foxes", "bold"), (" jumped.", "")],
    );
}

#[test]
fn typing_at_the_end_of_a_link_does_not_extend_it() {
    let mut text = typed(1, "see weft now");
    let url = MarkValue::from("https://weft.example");
    text.update(|t| t.mark(4..8, "link", url, Expand::None).unwrap());
    text.update(|t| t.insert(8, "!").unwrap());
    text.update(|t| t.insert(4, "the ").unwrap());
    expect(
        &text,
        &[
            ("see the ", ""),
            ("weft", "link=https://weft.example"),
            ("! now", ""),
        ],
    );
}

#[test]
fn typing_where_the_end_of_a_link_was_deleted_stays_outside_it() {
    // The link's end is anchored after its last character; that character is deleted, then
    // the writer types at the link's new end: the text goes after the tombstone that ends
    // the link, so the link does not grow (Peritext's rule for inserting at a boundary).
    let mut text = typed(1, "see weft now");
    let url = MarkValue::from("https://weft.example");
    text.update(|t| t.mark(4..8, "link", url, Expand::None).unwrap());
    text.update(|t| t.delete(6..8).unwrap());
    text.update(|t| t.insert(6, "b!").unwrap());
    let mut reader = fork(&text, 2);
    sync(&mut text, &mut reader);
    for text in [&text, &reader] {
        expect(
            text,
            &[
                ("see ", ""),
                ("we", "link=https://weft.example"),
                ("b! now", ""),
            ],
        );
    }
}

#[test]
fn typing_where_the_end_of_bold_was_deleted_still_grows_it() {
    let mut text = typed(1, "bold text");
    text.update(|t| t.mark(0..4, "bold", bold(), Expand::After).unwrap());
    text.update(|t| t.delete(2..4).unwrap());
    text.update(|t| t.insert(2, "ld").unwrap());
    expect(&text, &[("bold", "bold"), (" text", "")]);
}

#[test]
fn typing_where_the_start_of_a_link_was_deleted_stays_outside_it() {
    let mut text = typed(1, "see weft now");
    let url = MarkValue::from("https://weft.example");
    text.update(|t| t.mark(4..8, "link", url, Expand::None).unwrap());
    text.update(|t| t.delete(4..6).unwrap());
    text.update(|t| t.insert(4, "the ").unwrap());
    expect(
        &text,
        &[
            ("see the ", ""),
            ("ft", "link=https://weft.example"),
            (" now", ""),
        ],
    );
}

#[test]
fn typing_at_the_start_grows_a_before_mark_and_both_grows_at_both_ends() {
    let mut text = typed(1, "abcdef");
    text.update(|t| t.mark(2..4, "before", bold(), Expand::Before).unwrap());
    text.update(|t| t.mark(2..4, "both", bold(), Expand::Both).unwrap());
    text.update(|t| t.insert(4, "E").unwrap());
    text.update(|t| t.insert(2, "S").unwrap());
    expect(
        &text,
        &[
            ("ab", ""),
            ("Scd", "before,both"),
            ("E", "both"),
            ("ef", ""),
        ],
    );
}

#[test]
fn concurrent_bold_and_delete_of_part_of_the_marked_text() {
    let mut alice = typed(1, "The quick brown fox");
    let mut bob = fork(&alice, 2);
    alice.update(|t| t.mark(4..15, "bold", bold(), Expand::After).unwrap());
    // Bob deletes "quick " (the first characters of the bold, its start anchor among them).
    bob.update(|t| t.delete(4..10).unwrap());
    sync(&mut alice, &mut bob);
    for text in [&alice, &bob] {
        expect(text, &[("The ", ""), ("brown", "bold"), (" fox", "")]);
    }
}

#[test]
fn bold_against_unbold_is_decided_by_lamport_order_on_every_replica() {
    // Concurrent, equal Lamport times: the higher replica id (Bob) wins.
    let mut alice = typed(1, "The fox jumped");
    let mut bob = fork(&alice, 2);
    alice.update(|t| t.mark(0..14, "bold", bold(), Expand::After).unwrap());
    bob.update(|t| t.unmark(4..7, "bold", Expand::After).unwrap());
    sync(&mut alice, &mut bob);
    for text in [&alice, &bob] {
        expect(text, &[("The ", "bold"), ("fox", ""), (" jumped", "bold")]);
    }
}

#[test]
fn an_unbold_made_after_seeing_the_bold_wins() {
    let mut alice = typed(1, "The fox jumped");
    let mut carol = fork(&alice, 3);
    alice.update(|t| t.mark(0..14, "bold", bold(), Expand::After).unwrap());
    // Bob (id 2, below Carol's) sees Alice's bold, then un-bolds "fox".
    let mut bob = fork(&alice, 2);
    bob.update(|t| t.unmark(4..7, "bold", Expand::After).unwrap());
    // Carol, who saw neither, bolds "fox ju" with a lower Lamport time than Bob's unbold.
    carol.update(|t| t.mark(4..10, "bold", bold(), Expand::After).unwrap());
    sync(&mut alice, &mut bob);
    sync(&mut bob, &mut carol);
    sync(&mut alice, &mut carol);
    for text in [&alice, &bob, &carol] {
        expect(text, &[("The ", "bold"), ("fox", ""), (" jumped", "bold")]);
    }
}

#[test]
fn an_insert_inside_a_concurrent_bold_is_bold_one_just_before_it_is_not() {
    let mut alice = typed(1, "The fox jumped");
    let mut bob = fork(&alice, 2);
    alice.update(|t| t.mark(4..7, "bold", bold(), Expand::After).unwrap());
    bob.update(|t| {
        t.insert(5, "i").unwrap(); // "fiox": inside
        t.insert(4, "a ").unwrap(); // before the start: outside
    });
    sync(&mut alice, &mut bob);
    for text in [&alice, &bob] {
        expect(text, &[("The a ", ""), ("fiox", "bold"), (" jumped", "")]);
    }
}

#[test]
fn a_concurrent_insert_at_the_end_of_bold_joins_it() {
    let mut alice = typed(1, "The fox jumped");
    let mut bob = fork(&alice, 2);
    alice.update(|t| t.mark(4..7, "bold", bold(), Expand::After).unwrap());
    bob.update(|t| t.insert(7, "es").unwrap());
    sync(&mut alice, &mut bob);
    for text in [&alice, &bob] {
        expect(text, &[("The ", ""), ("foxes", "bold"), (" jumped", "")]);
    }
}

#[test]
fn concurrent_typing_after_a_link_stays_outside_it() {
    let mut alice = typed(1, "Go to weft");
    let mut bob = fork(&alice, 2);
    let url = MarkValue::from("https://weft.example");
    alice.update(|t| t.mark(6..10, "link", url, Expand::None).unwrap());
    bob.update(|t| t.insert(10, " today").unwrap());
    sync(&mut alice, &mut bob);
    for text in [&alice, &bob] {
        expect(
            text,
            &[
                ("Go to ", ""),
                ("weft", "link=https://weft.example"),
                (" today", ""),
            ],
        );
    }
}

#[test]
fn marks_survive_the_deletion_of_their_anchor_characters() {
    let mut alice = typed(1, "abcdef");
    let mut bob = fork(&alice, 2);
    // Bold "bcd": anchored before "b" and before "e".
    alice.update(|t| t.mark(1..4, "bold", bold(), Expand::After).unwrap());
    bob.update(|t| {
        t.delete(4..5).unwrap(); // "e"
        t.delete(1..2).unwrap(); // "b"
    });
    sync(&mut alice, &mut bob);
    expect(&alice, &[("a", ""), ("cd", "bold"), ("f", "")]);
    // Typing where "e" was (after "d") is still at the bold's end.
    alice.update(|t| t.insert(3, "E").unwrap());
    // Typing where "b" was (after "a") is before the start.
    alice.update(|t| t.insert(1, "B").unwrap());
    sync(&mut alice, &mut bob);
    for text in [&alice, &bob] {
        expect(text, &[("aB", ""), ("cdE", "bold"), ("f", "")]);
    }
}

#[test]
fn a_mark_made_after_its_text_was_deleted_elsewhere_covers_what_survives() {
    let mut alice = typed(1, "abcdef");
    let mut bob = fork(&alice, 2);
    alice.update(|t| t.mark(0..6, "italic", bold(), Expand::None).unwrap());
    bob.update(|t| t.delete(0..6).unwrap());
    bob.update(|t| t.insert(0, "xyz").unwrap());
    sync(&mut alice, &mut bob);
    for text in [&alice, &bob] {
        expect(text, &[("xyz", "")]);
    }
}

#[test]
fn overlapping_links_with_different_urls_resolve_by_lamport_per_character() {
    let mut alice = typed(1, "one two three");
    let mut bob = fork(&alice, 2);
    alice.update(|t| {
        t.mark(0..7, "link", MarkValue::from("a"), Expand::None)
            .unwrap()
    });
    bob.update(|t| {
        t.mark(4..13, "link", MarkValue::from("b"), Expand::None)
            .unwrap()
    });
    sync(&mut alice, &mut bob);
    // Equal Lamport times: Bob's id is higher, his link wins where they overlap.
    for text in [&alice, &bob] {
        expect(text, &[("one ", "link=a"), ("two three", "link=b")]);
    }
    // Alice, having seen Bob's link, links "two" again: now hers is the latest.
    alice.update(|t| {
        t.mark(4..7, "link", MarkValue::from("a"), Expand::None)
            .unwrap()
    });
    sync(&mut alice, &mut bob);
    for text in [&alice, &bob] {
        expect(text, &[("one two", "link=a"), (" three", "link=b")]);
    }
}

#[test]
fn marks_of_different_names_do_not_compete() {
    let mut text = typed(1, "abc");
    text.update(|t| t.mark(0..3, "bold", bold(), Expand::After).unwrap());
    text.update(|t| t.unmark(0..3, "italic", Expand::After).unwrap());
    expect(&text, &[("abc", "bold")]);
    assert_eq!(text.marks_at(1).get("bold"), Some(&bold()));
}

#[test]
fn invalid_marks_change_nothing() {
    let mut text = typed(1, "abc");
    let before = text.save();
    let long = "x".repeat(weft_text::MAX_MARK_NAME + 1);
    assert!(
        text.edit(|t| t.mark(0..4, "bold", bold(), Expand::After))
            .is_err()
    );
    assert!(
        text.edit(|t| t.mark(0..1, &long, bold(), Expand::After))
            .is_err()
    );
    let nan = MarkValue::Number(f64::NAN);
    assert!(
        text.edit(|t| t.mark(0..1, "size", nan, Expand::After))
            .is_err()
    );
    #[allow(clippy::reversed_empty_ranges)]
    let reversed = text.edit(|t| t.mark(2..1, "bold", bold(), Expand::After));
    assert!(reversed.is_err());
    assert_eq!(text.save(), before);
}
