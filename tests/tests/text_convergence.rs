//! Convergence and order of `Text` and `List`: Fugue's non-interleaving examples, random
//! concurrent typing sessions, merge laws, delivery in any order, `delta_since`.

use quickcheck::{QuickCheck, TestResult};
use weft::{
    Delta, List, ListEditor, Map, Outcome, Replica, ReplicaId, Text, TextEditor, VersionVector,
};
use weft_tests::SplitMix64;

fn replica(id: u128) -> Replica<Text> {
    Replica::new(ReplicaId::from_u128(id))
}

/// Types `word` at `position`: forward (each character after the previous one) or backward
/// (each character at the same position, so it lands before the previous one).
fn type_word(
    text: &mut Replica<Text>,
    position: usize,
    word: &str,
    forward: bool,
) -> Vec<Delta<Text>> {
    let characters: Vec<char> = word.chars().collect();
    let mut deltas = Vec::new();
    if forward {
        for (offset, character) in characters.iter().enumerate() {
            deltas.push(
                text.update(|t| t.insert(position + offset, &character.to_string()).unwrap()),
            );
        }
    } else {
        for character in characters.iter().rev() {
            deltas.push(text.update(|t| t.insert(position, &character.to_string()).unwrap()));
        }
    }
    deltas
}

fn exchange(a: &mut Replica<Text>, b: &mut Replica<Text>) {
    let for_b = a.delta_since(&b.version());
    let for_a = b.delta_since(&a.version());
    b.apply(&for_b);
    a.apply(&for_a);
    assert!(a.same_state(b), "replicas differ after an exchange");
}

/// Fugue paper, the motivating example: two users type "milk" and "eggs" concurrently at the
/// same place in a list; the words must not interleave, typed forward or backward, nor when
/// one user types forward and the other backward.
#[test]
fn concurrent_words_never_interleave() {
    for (alice_forward, bob_forward) in [(true, true), (false, false), (true, false), (false, true)]
    {
        let mut alice = replica(1);
        let mut bob = replica(2);
        let base = alice.update(|t| t.insert(0, "Shopping:\n").unwrap());
        bob.apply(&base);
        for delta in type_word(&mut alice, 10, "milk\n", alice_forward) {
            assert_eq!(bob.apply(&delta), Outcome::Applied);
            bob.apply(&delta);
        }
        let mut bob2 = replica(2);
        bob2.apply(&base);
        type_word(&mut bob2, 10, "eggs\n", bob_forward);
        let mut alice2 = replica(1);
        alice2.apply(&base);
        type_word(&mut alice2, 10, "milk\n", alice_forward);
        exchange(&mut alice2, &mut bob2);
        let text = alice2.to_string();
        assert!(
            text == "Shopping:\nmilk\neggs\n" || text == "Shopping:\neggs\nmilk\n",
            "interleaved ({alice_forward}, {bob_forward}): {text:?}"
        );
    }
}

/// Fugue paper, backward interleaving: a user who types a word by inserting each character
/// before the previous one (right-to-left) while another user types at the same place.
#[test]
fn backward_typing_does_not_interleave_with_a_concurrent_insert() {
    let mut alice = replica(1);
    let mut bob = replica(2);
    let base = alice.update(|t| t.insert(0, "ab").unwrap());
    bob.apply(&base);
    type_word(&mut alice, 1, "XYZ", false);
    type_word(&mut bob, 1, "123", false);
    exchange(&mut alice, &mut bob);
    let text = alice.to_string();
    assert!(text == "aXYZ123b" || text == "a123XYZb", "{text}");
}

/// Fugue paper: an insertion between two characters that were typed as one run stays
/// between them, and a concurrent insertion after the run's end stays after it, however the
/// replicas order concurrent siblings.
#[test]
fn inserts_inside_and_after_a_run_keep_their_places() {
    for (first, second) in [(1, 2), (2, 1)] {
        let mut alice = replica(first);
        let mut bob = replica(second);
        bob.apply(&alice.update(|t| t.insert(0, "abc").unwrap()));
        alice.update(|t| t.insert(2, "X").unwrap());
        bob.update(|t| t.insert(3, "Y").unwrap());
        exchange(&mut alice, &mut bob);
        assert_eq!(alice.to_string(), "abXcY");
    }
}

/// Three writers type a word each at one position; each word stays whole.
#[test]
fn three_concurrent_words_stay_whole() {
    let mut replicas: Vec<Replica<Text>> = (1..=3).map(replica).collect();
    let base = replicas[0].update(|t| t.insert(0, "[]").unwrap());
    for other in &mut replicas[1..] {
        other.apply(&base);
    }
    let words = ["one", "two", "six"];
    for (index, word) in words.iter().enumerate() {
        type_word(&mut replicas[index], 1, word, index % 2 == 0);
    }
    let states: Vec<Delta<Text>> = replicas
        .iter()
        .map(|r| r.delta_since(&VersionVector::new()))
        .collect();
    for target in &mut replicas {
        for state in &states {
            target.apply(state);
        }
    }
    let text = replicas[0].to_string();
    for word in words {
        assert!(text.contains(word), "{word} split in {text}");
    }
    assert!(replicas[1].same_state(&replicas[0]) && replicas[2].same_state(&replicas[0]));
}

/// A random concurrent typing session: from a common text, each replica types words
/// (forward or backward) at random places; once merged, every word is contiguous.
fn typing_session(seed: u64, writers: usize) -> Result<(), String> {
    let mut random = SplitMix64::new(seed);
    let mut replicas: Vec<Replica<Text>> = (0..writers).map(|i| replica(i as u128 + 1)).collect();
    let base = replicas[0].update(|t| t.insert(0, "..........").unwrap());
    for other in &mut replicas[1..] {
        other.apply(&base);
    }
    let mut words: Vec<String> = Vec::new();
    for (writer, text) in replicas.iter_mut().enumerate() {
        // One word per writer: words typed one after the other by one writer may nest.
        for word_index in 0..1 {
            // Characters unique to this word, so its positions can be found afterwards.
            let start = 0x4e00 + (writer * 64 + word_index * 8) as u32;
            let word: String = (0..1 + random.below(6) as u32)
                .map(|offset| char::from_u32(start + offset).unwrap())
                .collect();
            let position = random.index(text.len() + 1);
            type_word(text, position, &word, random.chance(50));
            words.push(word);
        }
    }
    let mut order: Vec<usize> = (0..writers).collect();
    for target in 0..writers {
        for index in (1..order.len()).rev() {
            order.swap(index, random.index(index + 1));
        }
        for source in &order {
            if *source != target {
                let delta = replicas[*source].delta_since(&replicas[target].version());
                replicas[target].apply(&delta);
            }
        }
    }
    let text: Vec<char> = replicas[0].chars().collect();
    for other in &replicas[1..] {
        if !other.same_state(&replicas[0]) {
            return Err(format!("diverged: {} vs {}", **other, *replicas[0]));
        }
    }
    for word in &words {
        let positions: Vec<usize> = word
            .chars()
            .map(|c| text.iter().position(|t| *t == c).unwrap())
            .collect();
        let contiguous = positions.windows(2).all(|pair| pair[1] == pair[0] + 1);
        if !contiguous {
            return Err(format!(
                "{word} interleaved in {}",
                text.iter().collect::<String>()
            ));
        }
    }
    Ok(())
}

#[test]
fn random_concurrent_typing_sessions_never_interleave() {
    fn property(seed: u64, writers: u8) -> TestResult {
        match typing_session(seed, 2 + usize::from(writers % 4)) {
            Ok(()) => TestResult::passed(),
            Err(message) => TestResult::error(message),
        }
    }
    QuickCheck::new()
        .tests(1000)
        .quickcheck(property as fn(u64, u8) -> TestResult);
}

/// One random edit on `text`.
fn random_edit(random: &mut SplitMix64, text: &mut Replica<Text>) -> Delta<Text> {
    let length = text.len();
    if length > 0 && random.chance(35) {
        let start = random.index(length);
        let end = (start + 1 + random.index(4)).min(length);
        text.update(|t| t.delete(start..end).unwrap())
    } else {
        let position = random.index(length + 1);
        let word: String = (0..1 + random.below(4))
            .map(|_| char::from(b'a' + random.below(26) as u8))
            .collect();
        let word = if random.chance(10) {
            format!("{word}é😀")
        } else {
            word
        };
        text.update(|t| t.insert(position, &word).unwrap())
    }
}

/// Seeded simulation: 3 to 5 replicas edit concurrently; deltas go through the wire and
/// are delivered in a random order (so many wait as pending); everything converges.
fn simulate(seed: u64) {
    let mut random = SplitMix64::new(seed);
    let count = 3 + random.index(3);
    let mut replicas: Vec<Replica<Text>> = (0..count).map(|i| replica(i as u128 + 10)).collect();
    let mut in_flight: Vec<(usize, Vec<u8>)> = Vec::new();
    for _ in 0..60 {
        let writer = random.index(count);
        let delta = random_edit(&mut random, &mut replicas[writer]);
        for target in 0..count {
            if target != writer {
                in_flight.push((target, delta.to_bytes()));
            }
        }
        // Deliver some messages, in random order.
        for _ in 0..random.index(in_flight.len() + 1) {
            let (target, bytes) = in_flight.swap_remove(random.index(in_flight.len()));
            let delta = Delta::<Text>::from_bytes(&bytes).expect("a delta decodes");
            replicas[target].apply(&delta);
        }
    }
    while !in_flight.is_empty() {
        let (target, bytes) = in_flight.swap_remove(random.index(in_flight.len()));
        replicas[target].apply(&Delta::<Text>::from_bytes(&bytes).unwrap());
    }
    for replica in &replicas {
        assert_eq!(replica.pending_len(), 0, "seed {seed}: deltas left pending");
        assert_eq!(replica.check(), Ok(()));
        assert!(replica.same_state(&replicas[0]), "seed {seed}: diverged");
        assert_eq!(replica.to_string(), replicas[0].to_string());
    }
}

#[test]
fn seeded_simulations_converge_in_any_delivery_order() {
    for seed in 0..200 {
        simulate(seed);
    }
}

#[test]
#[ignore = "runs until it fails; prints the seed"]
fn seeded_simulations_forever() {
    for seed in 0.. {
        eprintln!("seed {seed}");
        simulate(seed);
    }
}

/// Merge laws on whole states: idempotent, commutative, associative.
#[test]
fn merge_is_idempotent_commutative_and_associative() {
    fn property(seed: u64) -> bool {
        let mut random = SplitMix64::new(seed);
        let mut replicas: Vec<Replica<Text>> = (0..3).map(|i| replica(i + 20)).collect();
        for _ in 0..12 {
            let writer = random.index(3);
            random_edit(&mut random, &mut replicas[writer]);
            if random.chance(30) {
                let source = random.index(3);
                let delta = replicas[source].delta_since(&replicas[writer].version());
                replicas[writer].apply(&delta);
            }
        }
        let (a, b, c) = (&replicas[0], &replicas[1], &replicas[2]);
        let mut twice = a.clone();
        twice.merge(a);
        let mut ab = a.clone();
        ab.merge(b);
        let mut ba = b.clone();
        ba.merge(a);
        let mut ab_c = ab.clone();
        ab_c.merge(c);
        let mut bc = b.clone();
        bc.merge(c);
        let mut a_bc = a.clone();
        a_bc.merge(&bc);
        twice.same_state(a) && ab.same_state(&ba) && ab_c.same_state(&a_bc)
    }
    QuickCheck::new()
        .tests(1000)
        .quickcheck(property as fn(u64) -> bool);
}

#[test]
fn a_delta_waits_for_the_changes_it_depends_on() {
    let mut alice = replica(1);
    let mut bob = replica(2);
    let first = alice.update(|t| t.insert(0, "hello").unwrap());
    let second = alice.update(|t| t.delete(0..1).unwrap());
    let third = alice.update(|t| t.insert(4, "!").unwrap());
    assert_eq!(bob.apply(&third), Outcome::Pending);
    assert_eq!(bob.apply(&second), Outcome::Pending);
    assert_eq!(bob.to_string(), "");
    assert_eq!(bob.apply(&first), Outcome::Applied);
    assert_eq!(bob.to_string(), "ello!");
    assert_eq!(bob.pending_len(), 0);
    assert_eq!(bob.apply(&first), Outcome::Redundant);
}

/// `delta_since` ships the changes since a version, deletions included, and its size does
/// not grow with the history before that version.
#[test]
fn delta_since_is_proportional_to_the_changes_since() {
    let sizes: Vec<usize> = [1_000usize, 20_000]
        .into_iter()
        .map(|history| {
            let mut writer = replica(1);
            let mut random = SplitMix64::new(history as u64);
            for _ in 0..history {
                let length = writer.len();
                writer.edit(|t| {
                    if length > 10 && random.chance(30) {
                        let at = random.index(length - 1);
                        t.delete(at..at + 1).unwrap();
                    } else {
                        t.insert(random.index(length + 1), "x").unwrap();
                    }
                });
            }
            let mut reader = replica(2);
            reader.apply(&writer.delta_since(&VersionVector::new()));
            let version = reader.version();
            writer.edit(|t| t.insert(3, "new").unwrap());
            writer.edit(|t| t.delete(0..2).unwrap());
            writer.edit(|t| t.delete(5..9).unwrap());
            let delta = writer.delta_since(&version);
            reader.apply(&delta);
            assert!(reader.same_state(&writer));
            delta.to_bytes().len()
        })
        .collect();
    assert!(
        sizes[0] < 120 && sizes[1] <= sizes[0] + 24,
        "delta sizes {sizes:?}"
    );
}

#[test]
fn text_nests_in_a_map() {
    let mut a = Replica::<Map<String, Text>>::new(ReplicaId::from_u128(1));
    let mut b = Replica::<Map<String, Text>>::new(ReplicaId::from_u128(2));
    b.apply(&a.update(|m| m.update("title".to_string(), |t| t.insert(0, "Draft").unwrap())));
    let from_b = b.update(|m| m.update("title".to_string(), |t| t.insert(5, " two").unwrap()));
    let from_a = a.update(|m| m.update("title".to_string(), |t| t.delete(0..1).unwrap()));
    a.apply(&Delta::from_bytes(&from_b.to_bytes()).unwrap());
    b.apply(&from_a);
    assert!(a.same_state(&b));
    assert_eq!(a.get(&"title".to_string()).unwrap().to_string(), "raft two");
    // Removing the key deletes what the remover saw (the deleted elements remain as the
    // text's history, so the key holds an empty text).
    let removal = a.update(|m| {
        m.remove(&"title".to_string());
    });
    b.apply(&removal);
    assert_eq!(
        b.get(&"title".to_string())
            .map(ToString::to_string)
            .unwrap_or_default(),
        ""
    );
    assert!(a.same_state(&b));
}

#[test]
fn lists_merge_like_text() {
    let mut a = Replica::<List<u64>>::new(ReplicaId::from_u128(1));
    let mut b = Replica::<List<u64>>::new(ReplicaId::from_u128(2));
    b.apply(&a.update(|l| l.insert_all(0, [1, 2, 3]).unwrap()));
    let from_a = a.update(|l| l.insert_all(1, [10, 11]).unwrap());
    let from_b = b.update(|l| {
        l.insert_all(1, [20, 21]).unwrap();
        l.delete(3..4).unwrap();
    });
    a.apply(&Delta::from_bytes(&from_b.to_bytes()).unwrap());
    b.apply(&from_a);
    assert!(a.same_state(&b));
    let values = a.to_vec();
    assert!(
        values == vec![1, 10, 11, 20, 21, 3] || values == vec![1, 20, 21, 10, 11, 3],
        "{values:?}"
    );
    let restored = Replica::<List<u64>>::load(&a.save()).unwrap();
    assert_eq!(restored.to_vec(), values);
}

/// Replicas with the same changes have the same digest; a replica that lost part of its
/// state is repaired from a complete state (twice: repairing is idempotent) and then agrees,
/// without duplicating anything.
#[test]
fn digests_agree_and_repair_restores_lost_changes() {
    let mut alice = replica(1);
    let mut bob = replica(2);
    let first = alice.update(|t| t.insert(0, "shared text").unwrap());
    bob.apply(&first);
    alice.update(|t| t.delete(0..7).unwrap());
    alice.update(|t| t.insert(4, " more").unwrap());
    bob.apply(&alice.delta_since(&bob.version()));
    assert!(bob.same_state(&alice));
    assert_eq!(bob.digest(), alice.digest());
    // A copy that lost the later changes.
    let mut damaged = replica(2);
    damaged.apply(&first);
    assert_ne!(damaged.digest(), alice.digest());
    let complete = alice.delta_since(&VersionVector::new());
    damaged.repair(&complete);
    damaged.repair(&complete);
    assert_eq!(damaged.to_string(), alice.to_string());
    assert_eq!(damaged.digest(), alice.digest());
    assert!(damaged.same_state(&alice));
    assert_eq!(damaged.check(), Ok(()));
}
