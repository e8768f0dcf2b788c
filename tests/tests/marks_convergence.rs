//! Marks under random concurrent editing: three replicas type, delete, mark and unmark and
//! sync at random; they must converge to the same runs, and those runs must equal what a
//! naive reference computes from the element order and the mark operations alone.

use std::collections::{BTreeMap, HashMap};

use quickcheck::QuickCheck;
use weft::{Delta, Replica, ReplicaId};
use weft_tests::SplitMix64;
use weft_text::{Cursor, ElementId, Expand, Mark, MarkValue, Side, Text, TextEditor};

const NAMES: [&str; 3] = ["bold", "italic", "link"];

/// A run as `(text, sorted (name, value))`.
type Run = (String, Vec<(String, MarkValue)>);

/// A mark made locally and the elements it covered when it was made.
struct Made {
    id: ElementId,
    covered: Vec<ElementId>,
}

fn sync(from: &Replica<Text>, to: &mut Replica<Text>) {
    let bytes = from.delta_since(&to.version()).to_bytes();
    to.apply(&Delta::from_bytes(&bytes).expect("a delta decodes"));
}

fn value(random: &mut SplitMix64) -> MarkValue {
    match random.below(3) {
        0 => MarkValue::Bool(true),
        1 => MarkValue::from(["a", "b"][random.index(2)]),
        _ => MarkValue::Number(random.below(3) as f64),
    }
}

fn expand(random: &mut SplitMix64) -> Expand {
    [Expand::After, Expand::Before, Expand::Both, Expand::None][random.index(4)]
}

/// A random non-empty range of a text of `length > 0` characters.
fn range(random: &mut SplitMix64, length: usize) -> std::ops::Range<usize> {
    let start = random.index(length);
    let end = start + 1 + random.index((length - start).min(6));
    start..end
}

/// One random step of replica `who`.
fn step(random: &mut SplitMix64, text: &mut Replica<Text>, made: &mut Vec<Made>) {
    let length = text.len();
    let action = if length == 0 { 0 } else { random.below(10) };
    match action {
        0..=3 => {
            let at = random.index(length + 1);
            let word: String = (0..1 + random.below(4))
                .map(|_| char::from(b'a' + random.below(26) as u8))
                .collect();
            text.update(|t| t.insert(at, &word).unwrap());
        }
        4 | 5 => {
            let range = range(random, length);
            text.update(|t| t.delete(range).unwrap());
        }
        _ => {
            let range = range(random, length);
            let name = NAMES[random.index(NAMES.len())];
            let rule = expand(random);
            let before: Vec<ElementId> = text.marks().iter().map(|mark| mark.id).collect();
            let covered: Vec<ElementId> = text
                .element_runs(range.clone())
                .unwrap()
                .iter()
                .flat_map(|run| {
                    (0..run.length).map(move |offset| ElementId {
                        replica: run.first.replica,
                        counter: run.first.counter + offset,
                    })
                })
                .collect();
            if action < 9 {
                let value = value(random);
                text.update(|t| t.mark(range, name, value, rule).unwrap());
            } else {
                text.update(|t| t.unmark(range, name, rule).unwrap());
            }
            let id = text
                .marks()
                .iter()
                .map(|mark| mark.id)
                .find(|id| !before.contains(id))
                .expect("the new mark is listed");
            made.push(Made { id, covered });
        }
    }
}

/// The reference: positions in the full order (element `p` at `2p + 1`, "before" it at
/// `2p`, "after" it at `2p + 2`), an element covered by a mark strictly between its
/// anchors, per name the covering mark with the highest (Lamport, replica, counter).
struct Reference {
    order: Vec<(ElementId, bool)>,
    position: HashMap<ElementId, i64>,
    marks: Vec<Mark>,
}

impl Reference {
    fn of(text: &Text) -> Self {
        let order = text.element_order();
        let position = order
            .iter()
            .enumerate()
            .map(|(index, (element, _))| (*element, index as i64))
            .collect();
        Self {
            order,
            position,
            marks: text.marks(),
        }
    }

    fn gap(&self, cursor: &Cursor) -> i64 {
        match cursor {
            Cursor::Start => -1,
            Cursor::End => 2 * self.order.len() as i64 + 1,
            Cursor::Element { element, side } => {
                let at = 2 * self.position[element];
                if *side == Side::After { at + 2 } else { at }
            }
        }
    }

    fn covers(&self, mark: &Mark, element: ElementId) -> bool {
        let at = 2 * self.position[&element] + 1;
        self.gap(&mark.start) < at && at < self.gap(&mark.end)
    }

    fn attributes(&self, element: ElementId) -> Vec<(String, MarkValue)> {
        let mut winners: BTreeMap<&str, &Mark> = BTreeMap::new();
        for mark in self.marks.iter().filter(|mark| self.covers(mark, element)) {
            let rank = |mark: &Mark| (mark.lamport, mark.id.replica, mark.id.counter);
            let best = winners.entry(&mark.name).or_insert(mark);
            if rank(mark) > rank(best) {
                *best = mark;
            }
        }
        winners
            .into_iter()
            .filter_map(|(name, mark)| Some((name.to_owned(), mark.value.clone()?)))
            .collect()
    }

    fn runs(&self, text: &Text) -> Vec<Run> {
        let mut runs: Vec<Run> = Vec::new();
        let visible = self.order.iter().filter(|(_, shown)| *shown);
        for ((element, _), character) in visible.zip(text.chars()) {
            let attributes = self.attributes(*element);
            match runs.last_mut() {
                Some((run, last)) if *last == attributes => run.push(character),
                _ => runs.push((character.to_string(), attributes)),
            }
        }
        runs
    }
}

fn runs(text: &Text) -> Vec<Run> {
    text.to_delta()
        .into_iter()
        .map(|run| (run.text, run.attributes.into_iter().collect()))
        .collect()
}

fn simulate(seed: u64) -> bool {
    let mut random = SplitMix64::new(seed);
    let mut replicas: Vec<Replica<Text>> = (1..=3)
        .map(|id| Replica::new(ReplicaId::from_u128(id)))
        .collect();
    let mut made = Vec::new();
    for _ in 0..40 {
        let who = random.index(3);
        if random.below(4) == 0 {
            let other = (who + 1 + random.index(2)) % 3;
            let source = replicas[other].clone();
            sync(&source, &mut replicas[who]);
        } else {
            step(&mut random, &mut replicas[who], &mut made);
        }
    }
    for _ in 0..2 {
        for from in 0..3 {
            for to in 0..3 {
                if from != to {
                    let source = replicas[from].clone();
                    sync(&source, &mut replicas[to]);
                }
            }
        }
    }
    let expected = runs(&replicas[0]);
    for text in &replicas {
        text.check().expect("invariants hold");
        assert_eq!(runs(text), expected, "seed {seed}: replicas diverge");
        let reference = Reference::of(text);
        assert_eq!(
            reference.runs(text),
            expected,
            "seed {seed}: not the reference"
        );
        let visible: Vec<ElementId> = reference
            .order
            .iter()
            .filter(|(_, shown)| *shown)
            .map(|(element, _)| *element)
            .collect();
        for mark in &made {
            let listed = reference.marks.iter().find(|listed| listed.id == mark.id);
            let listed = listed.expect("every mark reaches every replica");
            for element in mark
                .covered
                .iter()
                .filter(|element| visible.contains(element))
            {
                assert!(
                    reference.covers(listed, *element),
                    "seed {seed}: a mark no longer covers a surviving character"
                );
            }
        }
        let restored = Replica::<Text>::load(&text.save()).expect("a snapshot loads");
        assert_eq!(runs(&restored), expected, "seed {seed}: lost in a snapshot");
    }
    true
}

#[test]
fn three_replicas_converge_to_the_reference_runs() {
    QuickCheck::new()
        .tests(300)
        .quickcheck(simulate as fn(u64) -> bool);
}
