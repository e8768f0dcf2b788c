//! Decoders fed hostile bytes: every truncation, every bit flip (with the checksum left
//! wrong, and recomputed so the corruption reaches the decoder), random garbage, huge length
//! prefixes and deep nesting. Decoding returns a typed error or a value; it never panics, never
//! allocates by an untrusted length, and whatever decodes can be applied without breaking a
//! replica's invariants.

use quickcheck::{Arbitrary, Gen};
use weft::internals::codec::{Decode, Decoder, Encode, Encoder, frame};
use weft::{
    AddWinsSet, DecodeError, Delta, GCounter, LwwRegister, Map, MvRegister, PNCounter,
    RemoveWinsSet, Replica, ReplicaId,
};
use weft_tests::{SplitMix64, Step, Workload, roundtrip, run_script};

/// A realistic delta and snapshot of `S`, from a random script.
fn samples<S: Workload>(seed: u64) -> (Vec<u8>, Vec<u8>, Replica<S>) {
    let mut script_gen = Gen::from_size_and_seed(30, seed);
    let script: Vec<Step<S::Op>> = (0..30).map(|_| Step::arbitrary(&mut script_gen)).collect();
    let (replicas, _) = run_script::<S>(3, &script);
    let delta = replicas[0]
        .delta_since(&weft::VersionVector::new())
        .to_bytes();
    (delta, replicas[1].save(), replicas[2].clone())
}

/// The frame with its checksum recomputed, so corruption inside passes the CRC.
fn reseal(bytes: &mut [u8]) {
    let body = bytes.len() - 4;
    let checksum = crc32fast_hash(&bytes[..body]);
    bytes[body..].copy_from_slice(&checksum.to_le_bytes());
}

/// CRC-32 (IEEE), bit by bit: the tests recompute checksums without trusting the code under
/// test.
fn crc32fast_hash(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Decodes `bytes` as a delta; whatever decodes must round-trip, apply, check, save, load and
/// merge with `receiver` (`weft_tests::roundtrip`).
fn try_delta<S: Workload>(bytes: &[u8], receiver: &Replica<S>) -> bool {
    roundtrip::delta::<S>(bytes, receiver)
}

/// [`try_delta`] for a snapshot.
fn try_snapshot<S: Workload>(bytes: &[u8], receiver: &Replica<S>) -> bool {
    roundtrip::snapshot::<S>(bytes, receiver)
}

fn survives_corruption<S: Workload>() {
    for seed in 0..6 {
        let (delta, snapshot, receiver) = samples::<S>(seed);
        assert!(
            try_delta::<S>(&delta, &receiver),
            "the sample delta decodes"
        );
        assert!(
            try_snapshot::<S>(&snapshot, &receiver),
            "the sample snapshot decodes"
        );
        for cut in 0..delta.len() {
            assert!(
                !try_delta::<S>(&delta[..cut], &receiver),
                "cut at {cut} decoded"
            );
        }
        for cut in 0..snapshot.len() {
            assert!(
                !try_snapshot::<S>(&snapshot[..cut], &receiver),
                "cut at {cut} decoded"
            );
        }
        for position in 0..delta.len() {
            for bit in 0..8 {
                let mut corrupt = delta.clone();
                corrupt[position] ^= 1 << bit;
                assert!(
                    !try_delta::<S>(&corrupt, &receiver),
                    "unchecked flip decoded"
                );
                if position >= 4 && position < corrupt.len() - 4 {
                    reseal(&mut corrupt);
                    try_delta::<S>(&corrupt, &receiver);
                }
            }
        }
        for position in 4..snapshot.len().saturating_sub(4) {
            let mut corrupt = snapshot.clone();
            corrupt[position] ^= 0x55;
            reseal(&mut corrupt);
            try_snapshot::<S>(&corrupt, &receiver);
        }
        let mut random = SplitMix64::new(seed);
        for _ in 0..2_000 {
            let mut garbage = delta.clone();
            let edits = 1 + random.index(4);
            for _ in 0..edits {
                let position = 4 + random.index(garbage.len() - 8);
                garbage[position] = random.next_u64() as u8;
            }
            reseal(&mut garbage);
            try_delta::<S>(&garbage, &receiver);
            let length = random.index(64);
            let mut noise: Vec<u8> = frame::MAGIC.to_vec();
            noise.push(frame::FORMAT_VERSION);
            noise.push(1);
            noise.extend((0..length).map(|_| random.next_u64() as u8));
            noise.extend([0; 4]);
            reseal(&mut noise);
            try_delta::<S>(&noise, &receiver);
        }
    }
}

#[test]
fn counters_survive_corruption() {
    survives_corruption::<GCounter>();
    survives_corruption::<PNCounter>();
}

#[test]
fn registers_survive_corruption() {
    survives_corruption::<LwwRegister<u8>>();
    survives_corruption::<MvRegister<u8>>();
}

#[test]
fn sets_survive_corruption() {
    survives_corruption::<AddWinsSet<u8>>();
    survives_corruption::<RemoveWinsSet<u8>>();
}

#[test]
fn maps_survive_corruption() {
    survives_corruption::<Map<u8, PNCounter>>();
    survives_corruption::<Map<u8, Map<u8, LwwRegister<u8>>>>();
    survives_corruption::<Map<u8, AddWinsSet<u8>>>();
}

/// A delta whose replica table claims 2⁴⁰ entries, and one whose set claims 2⁴⁰ elements:
/// refused before anything is allocated.
#[test]
fn huge_length_prefixes_are_refused() {
    let claim = |prefix: &[u8]| {
        frame::seal(frame::Kind::Delta, |out| {
            out.raw(prefix);
            out.varint(1 << 40);
            out.raw(&[0; 8]);
        })
    };
    let schema = [0x31]; // AddWinsSet
    assert!(matches!(
        Delta::<AddWinsSet<u8>>::from_bytes(&claim(&schema)),
        Err(DecodeError::LengthTooLarge { length, .. }) if length == 1 << 40
    ));
    // A valid empty table and context, then a store claiming 2^40 slots.
    let mut prefix = schema.to_vec();
    prefix.extend([0, 0, 0]);
    assert!(matches!(
        Delta::<AddWinsSet<u8>>::from_bytes(&claim(&prefix)),
        Err(DecodeError::LengthTooLarge { length, .. }) if length == 1 << 40
    ));
    // A string value claiming 2^62 bytes.
    let mut input = Encoder::new();
    input.varint(1 << 62);
    assert!(matches!(
        String::decode_exact(input.as_bytes()),
        Err(DecodeError::LengthTooLarge { .. })
    ));
}

/// A value type that nests: the decoder's depth bound stops hostile nesting long before the
/// stack (1 MiB on wasm32) is at risk.
#[derive(Debug)]
enum Tree {
    Leaf,
    Node(Box<Tree>),
}

impl Tree {
    fn depth(&self) -> usize {
        let mut depth = 0;
        let mut node = self;
        while let Tree::Node(child) = node {
            depth += 1;
            node = child;
        }
        depth
    }
}

// Clone and equality by depth, iteratively: derived ones would recurse as deep as the tree.
impl Clone for Tree {
    fn clone(&self) -> Self {
        deep(self.depth())
    }
}

impl PartialEq for Tree {
    fn eq(&self, other: &Self) -> bool {
        self.depth() == other.depth()
    }
}

impl Encode for Tree {
    fn encode(&self, out: &mut Encoder) {
        let mut node = self;
        while let Tree::Node(child) = node {
            out.u8(1);
            node = child;
        }
        out.u8(0);
    }
}

impl Decode for Tree {
    fn decode(input: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        match input.u8()? {
            0 => Ok(Tree::Leaf),
            1 => Ok(Tree::Node(Box::new(input.nested(Tree::decode)?))),
            other => Err(input.invalid("tree tag", other.into(), input.position() - 1)),
        }
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        // Unlink iteratively so that dropping a deep tree cannot overflow the stack either.
        let mut next = match self {
            Tree::Node(child) => Some(std::mem::replace(child.as_mut(), Tree::Leaf)),
            Tree::Leaf => None,
        };
        while let Some(mut node) = next {
            next = match &mut node {
                Tree::Node(child) => Some(std::mem::replace(child.as_mut(), Tree::Leaf)),
                Tree::Leaf => None,
            };
        }
    }
}

fn deep(depth: usize) -> Tree {
    (0..depth).fold(Tree::Leaf, |tree, _| Tree::Node(Box::new(tree)))
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let mut writer = Replica::<LwwRegister<Tree>>::new(ReplicaId::from_u128(1));
    let shallow = writer.update(|register| register.set(deep(10)));
    assert!(Delta::<LwwRegister<Tree>>::from_bytes(&shallow.to_bytes()).is_ok());
    let hostile = writer.update(|register| register.set(deep(100_000)));
    assert!(matches!(
        Delta::<LwwRegister<Tree>>::from_bytes(&hostile.to_bytes()),
        Err(DecodeError::TooDeep { .. })
    ));
}

/// A counter pushed to the edge of `u64` by a hostile peer is refused: the next local change
/// would otherwise overflow.
#[test]
fn counters_beyond_the_safe_range_are_refused() {
    let mut writer = Replica::<GCounter>::new(ReplicaId::from_u128(1));
    let delta = writer.update(|counter| counter.increment(1));
    let mut bytes = delta.to_bytes();
    // Context entry: [flags, count=1, replica=0, since=0, advance=1] right after the table.
    let table_end = 4 + 1 + 1 + 16;
    assert_eq!(&bytes[table_end..table_end + 5], &[1, 1, 0, 0, 1]);
    let mut patched = bytes[..table_end + 3].to_vec();
    let mut huge = Encoder::new();
    huge.varint(u64::MAX - 1);
    patched.extend(huge.as_bytes());
    patched.extend(&bytes[table_end + 4..]);
    reseal(&mut patched);
    assert!(Delta::<GCounter>::from_bytes(&patched).is_err());
    bytes.clear();
}

/// Hex to bytes, for the reproductions below.
fn unhex(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|at| u8::from_str_radix(&hex[at..at + 2], 16).expect("hex digits"))
        .collect()
}

/// A `List<u64>` delta whose sequence names a replica that its context does not declare: it
/// used to decode, and writing it again (`to_bytes`, or `save` on a replica that had applied
/// it) panicked in the encoder ("replica … was not declared as used").
const UNDECLARED_LIST: &str = "5746010150020000000000000000123456789abcdef80000000080000000369d0369d0369cda0002010b01000000020100001200000000000000010000010c01030000010e00004aa94857";

/// The same class reaching a list of maps inside a document.
const UNDECLARED_DOC: &str = "57460101610200000000000000002468acf13579bde90000000000000000369d0369d0369cda0202011d0200000001010b030104746f646f020908020100001300000000000000010000011e0103000002ae0100000142dd81e1af8d9f8e864d592f695f7bc80201040104646f6e65020100495e8a49";

#[test]
fn a_list_naming_an_undeclared_replica_is_refused() {
    let bytes = unhex(UNDECLARED_LIST);
    assert!(matches!(
        Delta::<weft::List<u64>>::from_bytes(&bytes),
        Err(DecodeError::UndeclaredReplica { .. })
    ));
    // A replica offered the bytes keeps exactly what it had, and still saves.
    let mut list = Replica::<weft::List<u64>>::new(ReplicaId::from_u128(3));
    list.edit(|items| {
        weft::ListEditor::insert_all(items, 0, [1, 2, 3]).expect("in range");
    });
    let before = list.save();
    assert!(weft::Replicated::apply_encoded(&mut list, &bytes).is_err());
    assert_eq!(list.save(), before);
    assert_eq!(list.to_vec(), vec![1, 2, 3]);
}

#[test]
fn a_document_naming_an_undeclared_replica_is_refused() {
    let bytes = unhex(UNDECLARED_DOC);
    assert!(matches!(
        weft::DocDelta::from_bytes(&bytes),
        Err(DecodeError::UndeclaredReplica { .. })
    ));
    let mut doc = weft::Doc::new(ReplicaId::from_u128(4));
    doc.transact(|root| root.list("todo").push("milk"));
    let before = doc.save();
    assert!(weft::Replicated::apply_encoded(&mut doc, &bytes).is_err());
    assert_eq!(doc.save(), before);
    assert_eq!(doc.to_json(), r#"{"todo":["milk"]}"#);
    let loaded = weft::Doc::load(&before).expect("the snapshot loads");
    assert!(loaded.same_state(&doc));
}

/// A replica table out of order is refused: writers sort it and order their stores by it, so
/// such bytes re-encoded to different bytes every time.
#[test]
fn an_unsorted_replica_table_is_refused() {
    let mut a = Replica::<GCounter>::new(ReplicaId::from_u128(1));
    let mut b = Replica::<GCounter>::new(ReplicaId::from_u128(2));
    b.apply(&a.update(|counter| counter.increment(1)));
    b.update(|counter| counter.increment(2));
    let bytes = b.delta_since(&weft::VersionVector::new()).to_bytes();
    // Schema, table length 2, then the two ids.
    let table = 4 + 1 + 1;
    assert_eq!(bytes[table - 1], 2);
    let mut swapped = bytes.clone();
    swapped[table..table + 16].copy_from_slice(&bytes[table + 16..table + 32]);
    swapped[table + 16..table + 32].copy_from_slice(&bytes[table..table + 16]);
    reseal(&mut swapped);
    assert!(matches!(
        Delta::<GCounter>::from_bytes(&swapped),
        Err(DecodeError::Malformed {
            reason: "replica table out of order",
            ..
        })
    ));
    assert!(Delta::<GCounter>::from_bytes(&bytes).is_ok());
}

/// A removal of a key holding a set by a lone replica: a delta whose body ends with its
/// removal record `01 00 <counter>` (one entry: table position 0, the counter).
fn removal_delta() -> Vec<u8> {
    let mut replica = Replica::<Map<u8, AddWinsSet<u8>>>::new(ReplicaId::from_u128(7));
    replica.update(|map| map.update(1, |set| set.insert(2)));
    let bytes = replica.update(|map| {
        map.remove(&1);
    });
    let bytes = bytes.to_bytes();
    let body = bytes.len() - 4;
    assert_eq!(
        &bytes[body - 3..body],
        [1, 0, 1],
        "the record ends the body"
    );
    bytes
}

/// `removal_delta` with its record (the last three body bytes) replaced by `record`.
fn with_record(record: &[u8]) -> Vec<u8> {
    let mut bytes = removal_delta();
    let body = bytes.len() - 4;
    bytes.splice(body - 3..body, record.iter().copied());
    reseal(&mut bytes);
    bytes
}

#[test]
fn hostile_removal_records_are_refused() {
    type Sets = Map<u8, AddWinsSet<u8>>;
    let decoded = Delta::<Sets>::from_bytes(&removal_delta()).expect("the real record decodes");
    assert_eq!(
        decoded.to_bytes(),
        removal_delta(),
        "and re-encodes to the same bytes"
    );
    let refused = |record: &[u8]| Delta::<Sets>::from_bytes(&with_record(record)).unwrap_err();
    assert!(
        matches!(refused(&[0]), DecodeError::Malformed { .. }),
        "an empty record"
    );
    assert!(
        matches!(refused(&[1, 0, 0]), DecodeError::InvalidValue { .. }),
        "a counter of 0"
    );
    assert!(
        matches!(
            refused(&[1, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10]),
            DecodeError::InvalidValue { .. }
        ),
        "a counter past 2^53 - 1"
    );
    assert!(
        matches!(refused(&[2, 0, 1, 0, 1]), DecodeError::Malformed { .. }),
        "one replica twice"
    );
    assert!(
        matches!(refused(&[1, 1, 1]), DecodeError::UnknownReplica { .. }),
        "a replica outside the table"
    );
    // A length of 2^40 entries: refused by the bytes left, before any allocation.
    let huge = refused(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 0, 1]);
    assert!(
        matches!(huge, DecodeError::LengthTooLarge { .. }),
        "{huge:?}"
    );
    // A record cut short: its length asks for more than the bytes left.
    assert!(
        matches!(refused(&[1, 0]), DecodeError::LengthTooLarge { .. }),
        "a truncated record"
    );
}
