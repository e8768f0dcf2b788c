//! The fuzz harnesses, shared by the cargo-fuzz targets in `fuzz/` and by the regression
//! tests that replay every input a fuzzer ever found (`tests/fuzz_regressions/`).
//!
//! Every harness must return normally on any input: a panic is a bug. Whatever decodes is held
//! to the promises of [`crate::roundtrip`]; the mutation fuzzer ([`crate::mutation_fuzzer`])
//! reaches the inner decoders far more often than these byte-level harnesses.

use weft::internals::store::DotStore;
use weft::{
    AddWinsSet, Doc, DocDelta, GCounter, List, LwwRegister, Map, MvRegister, Object, PNCounter,
    RemoveWinsSet, Replica, ReplicaId, Text,
};

use crate::doc_workload::DocOp;
use crate::roundtrip;
use crate::workloads::Small;

/// Whatever decodes as a delta or a snapshot of `S` must keep the promises of
/// [`crate::roundtrip`] (round trip, `check()`, save and load, merge with another replica).
fn decode_and_apply<S: DotStore>(data: &[u8]) {
    let partner = Replica::<S>::new(ReplicaId::from_u128(7));
    roundtrip::delta::<S>(data, &partner);
    roundtrip::snapshot::<S>(data, &partner);
}

/// Decodes `data` as a delta and as a snapshot of every type — as it is, and with its checksum
/// recomputed so that mutations reach past the frame check; whatever decodes must round-trip,
/// pass `check()`, save, load and merge (see [`crate::roundtrip`]).
pub fn decode_everything(data: &[u8]) {
    decode_as_is(data);
    if data.len() >= 8 {
        let mut resealed = data.to_vec();
        let body = resealed.len() - 4;
        let checksum = crc32(&resealed[..body]);
        resealed[body..].copy_from_slice(&checksum.to_le_bytes());
        decode_as_is(&resealed);
    }
}

/// CRC-32 (IEEE), bit by bit.
fn crc32(bytes: &[u8]) -> u32 {
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

fn decode_as_is(data: &[u8]) {
    decode_and_apply::<GCounter>(data);
    decode_and_apply::<PNCounter>(data);
    decode_and_apply::<LwwRegister<String>>(data);
    decode_and_apply::<MvRegister<u64>>(data);
    decode_and_apply::<AddWinsSet<String>>(data);
    decode_and_apply::<RemoveWinsSet<u32>>(data);
    decode_and_apply::<Map<String, Map<u8, PNCounter>>>(data);
    decode_and_apply::<Map<String, AddWinsSet<u8>>>(data);
    decode_and_apply::<Text>(data);
    decode_and_apply::<List<u32>>(data);
    decode_and_apply::<Object>(data);
    let partner = partner_doc();
    roundtrip::doc_delta(data, &partner);
    roundtrip::doc_snapshot(data, &partner);
}

/// A document holding a little of every container kind, to merge decoded values with.
fn partner_doc() -> Doc {
    let mut doc = Doc::new(ReplicaId::from_u128(5));
    for op in [
        DocOp::TextInsert(Small(0), 0, 'x'),
        DocOp::ListInsertMap(Small(1), 0, Small(2), 3),
        DocOp::Count(Small(2), 4),
        DocOp::SetAdd(Small(3), 1),
        DocOp::MultiValuePut(Small(0), 2),
        DocOp::RemoveWinsRemove(Small(1), 3),
        DocOp::ListInsertLeaf(Small(2), 0, 1),
    ] {
        doc.transact(|root| crate::doc_workload::perform(root, &op));
    }
    doc
}

/// Feeds sync messages to a session against a document: `data` is a sequence of records
/// `[length: u8][bytes]`; each record is decoded as a message (as it is and with its checksum
/// recomputed) and, if it decodes, received. Nothing may panic, the document must stay
/// consistent, and the session must keep answering.
pub fn sync_messages(data: &[u8]) {
    use weft::sync::{Message, SyncState, generate, receive};
    let mut doc = Doc::new(ReplicaId::from_u128(1));
    doc.transact(|root| crate::doc_workload::perform(root, &DocOp::TextInsert(Small(0), 0, 'x')));
    let mut state = SyncState::new();
    let mut rest = data;
    while let Some((length, tail)) = rest.split_first() {
        let length = usize::from(*length).min(tail.len());
        let (record, next) = tail.split_at(length);
        rest = next;
        let mut candidates = vec![record.to_vec()];
        if record.len() >= 8 {
            let mut resealed = record.to_vec();
            let body = resealed.len() - 4;
            let checksum = crc32(&resealed[..body]);
            resealed[body..].copy_from_slice(&checksum.to_le_bytes());
            candidates.push(resealed);
        }
        for bytes in candidates {
            if let Ok(message) = Message::from_bytes(&bytes) {
                assert_eq!(
                    Message::from_bytes(&message.to_bytes()).as_ref(),
                    Ok(&message),
                    "a message does not survive its round trip"
                );
                let before = doc.save();
                if receive(&mut state, &mut doc, message).is_err() {
                    assert_eq!(doc.save(), before, "a refused message changed the document");
                }
            }
        }
        let mut answers = 0;
        while generate(&mut state, &doc).is_some() {
            answers += 1;
            assert!(answers < 10_000, "the session keeps generating messages");
        }
        assert_eq!(doc.replica().check(), Ok(()));
    }
}

/// Reads operations from bytes, one small record at a time.
struct Script<'a> {
    bytes: &'a [u8],
}

impl Script<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (first, rest) = self.bytes.split_first()?;
        self.bytes = rest;
        Some(*first)
    }

    fn small(&mut self) -> Option<Small> {
        self.byte().map(|byte| Small(byte % 4))
    }

    fn op(&mut self) -> Option<DocOp> {
        let kind = self.byte()? % 17;
        let (a, b, c, d) = (
            self.small()?,
            self.byte()?,
            self.small()?,
            self.byte()? as i8,
        );
        Some(match kind {
            0 => DocOp::SetValue(a, d),
            1 => DocOp::Remove(a),
            2 => DocOp::TextInsert(a, b, ['x', 'é', '😀', '\n'][usize::from(c.0)]),
            3 => DocOp::TextDelete(a, b, c.0),
            4 => DocOp::ListPush(a, d),
            5 => DocOp::ListInsertMap(a, b, c, d),
            6 => DocOp::ListEditMap(a, b, c, d),
            7 => DocOp::ListDelete(a, b, c.0),
            8 => DocOp::Count(a, d),
            9 => DocOp::SetAdd(a, d % 4),
            10 => DocOp::SetRemove(a, d % 4),
            11 => DocOp::Nested(a, c, d),
            12 => DocOp::NestedRemove(a, c),
            13 => DocOp::MultiValuePut(a, d % 4),
            14 => DocOp::RemoveWinsAdd(a, d % 4),
            15 => DocOp::RemoveWinsRemove(a, d % 4),
            _ => DocOp::ListInsertLeaf(a, b, d),
        })
    }
}

/// Three document replicas driven by `data`: local operations, delivery of any earlier delta
/// (through its bytes), `delta_since` exchanges and restarts from snapshots. At the end every
/// replica gets everything and all must hold the same state.
pub fn replicas(data: &[u8]) {
    let mut docs: Vec<Doc> = (1..=3)
        .map(|id| Doc::new(ReplicaId::from_u128(id)))
        .collect();
    let mut deltas: Vec<Vec<u8>> = Vec::new();
    let mut script = Script { bytes: data };
    while let Some(action) = script.byte() {
        let target = usize::from(action >> 6) % 3;
        match action % 4 {
            0 | 1 => {
                let Some(op) = script.op() else { break };
                let delta = docs[target]
                    .transact(|root| crate::doc_workload::perform(root, &op))
                    .delta;
                if !delta.is_empty() {
                    deltas.push(delta.to_bytes());
                }
            }
            2 => {
                let Some(which) = script.byte() else { break };
                if let Some(bytes) = deltas.get(usize::from(which) % deltas.len().max(1)) {
                    let delta = DocDelta::from_bytes(bytes).expect("our deltas decode");
                    docs[target].apply(&delta);
                }
            }
            _ => {
                let Some(source) = script.byte() else { break };
                let source = usize::from(source) % 3;
                if source == target {
                    docs[target] = Doc::load(&docs[target].save()).expect("snapshots load");
                } else {
                    let delta = docs[source].delta_since(&docs[target].version());
                    docs[target].apply(&delta);
                }
            }
        }
    }
    for doc in &docs {
        assert_eq!(doc.replica().check(), Ok(()));
    }
    for round in 0..2 {
        for target in 0..3 {
            for source in (0..3).filter(|source| *source != target) {
                let delta = docs[source].delta_since(&docs[target].version());
                docs[target].apply(&delta);
            }
        }
        if round == 1 {
            for pair in docs.windows(2) {
                assert!(
                    pair[0].same_state(&pair[1]),
                    "replicas differ at quiescence"
                );
                assert_eq!(pair[0].to_json(), pair[1].to_json());
                assert_eq!(pair[0].digest(), pair[1].digest());
            }
        }
    }
}
