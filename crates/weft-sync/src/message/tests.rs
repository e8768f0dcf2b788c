//! Tests of the message codec: round trips, and damaged or hostile bytes refused.

use quickcheck::{Arbitrary, Gen, QuickCheck};
use weft_core::codec::frame::{self, Kind};
use weft_core::{DecodeError, Digest, ReplicaId, VersionVector};

use super::*;

fn version(g: &mut Gen) -> VersionVector {
    let count = usize::arbitrary(g) % 4;
    (0..count)
        .map(|_| {
            (
                ReplicaId::from_u128(u128::from(u8::arbitrary(g))),
                u64::arbitrary(g) % weft_core::MAX_COUNTER + 1,
            )
        })
        .collect()
}

/// A version in any form: whole, against a base (counters 0 included), or a sketch.
fn any_version(g: &mut Gen) -> Version {
    match u8::arbitrary(g) % 3 {
        0 => Version::Full(version(g)),
        1 => Version::Against {
            base: u64::arbitrary(g),
            differences: {
                let mut differences: Vec<(ReplicaId, u64)> = version(g)
                    .iter()
                    .map(|(replica, counter)| (replica, counter * u64::from(bool::arbitrary(g))))
                    .collect();
                differences.dedup_by_key(|(replica, _)| *replica);
                differences
            },
        },
        _ => Version::Sketch {
            fingerprint: u64::arbitrary(g),
            sketch: crate::sketch::VersionSketch::of(&version(g), usize::arbitrary(g) % 12),
        },
    }
}

#[derive(Clone, Debug)]
struct Arbitrary_(Message);

impl Arbitrary for Arbitrary_ {
    fn arbitrary(g: &mut Gen) -> Self {
        let session = u32::arbitrary(g);
        let digest = Digest(u128::arbitrary(g));
        Self(match u8::arbitrary(g) % 5 {
            0 => {
                let protocol = u8::arbitrary(g);
                let relative = protocol >= crate::message::RELATIVE_PROTOCOL;
                Message::Hello(Hello {
                    protocol,
                    session,
                    version: if relative {
                        any_version(g)
                    } else {
                        Version::Full(version(g))
                    },
                    full_hello_wanted: relative && bool::arbitrary(g),
                    digest,
                    pending: if protocol >= 2 {
                        version(g)
                    } else {
                        VersionVector::new()
                    },
                    extension: if protocol > PROTOCOL_VERSION {
                        Vec::<u8>::arbitrary(g)
                    } else {
                        Vec::new()
                    },
                })
            }
            1 => Message::Changes(Changes::new(
                session,
                u64::arbitrary(g),
                Option::<u32>::arbitrary(g),
                any_version(g),
                Vec::<u8>::arbitrary(g),
            )),
            2 => Message::Ack(Ack::new(
                session,
                u32::arbitrary(g),
                u64::arbitrary(g),
                any_version(g),
                bool::arbitrary(g).then_some(digest),
            )),
            3 => Message::Repair(Repair::new(
                session,
                bool::arbitrary(g),
                any_version(g),
                Vec::<u8>::arbitrary(g),
            )),
            _ => Message::Chunk(Chunk::new(
                session,
                u64::arbitrary(g),
                u64::arbitrary(g),
                u64::arbitrary(g),
                Vec::<u8>::arbitrary(g),
            )),
        })
    }
}

#[test]
fn every_message_round_trips() {
    fn property(message: Arbitrary_) -> bool {
        Message::from_bytes(&message.0.to_bytes()) == Ok(message.0)
    }
    QuickCheck::new()
        .tests(2_000)
        .quickcheck(property as fn(Arbitrary_) -> bool);
}

#[test]
fn every_truncation_and_bit_flip_is_refused() {
    let mut g = Gen::new(20);
    for _ in 0..50 {
        let bytes = Arbitrary_::arbitrary(&mut g).0.to_bytes();
        for cut in 0..bytes.len() {
            assert!(Message::from_bytes(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        for position in 0..bytes.len() {
            for bit in 0..8 {
                let mut damaged = bytes.clone();
                damaged[position] ^= 1 << bit;
                assert!(
                    Message::from_bytes(&damaged).is_err(),
                    "flip {position}:{bit}"
                );
            }
        }
    }
}

#[test]
fn unknown_tags_and_flags_are_typed_errors() {
    let unknown = frame::seal(Kind::SyncMessage, |out| out.u8(99));
    assert!(matches!(
        Message::from_bytes(&unknown),
        Err(DecodeError::InvalidValue {
            what: "sync message tag",
            value: 99,
            ..
        })
    ));
    let saved_state = frame::seal(Kind::SyncMessage, |out| {
        out.u8(tag::SAVED_STATE);
        out.u8(0);
    });
    assert!(Message::from_bytes(&saved_state).is_err());
    let bad_flag = frame::seal(Kind::SyncMessage, |out| {
        out.u8(tag::CHANGES);
        out.raw(&[0; 4]);
        out.varint(1);
        out.u8(7);
    });
    assert!(matches!(
        Message::from_bytes(&bad_flag),
        Err(DecodeError::InvalidValue {
            what: "session flag",
            ..
        })
    ));
    let delta_frame = frame::seal(Kind::Delta, |_| {});
    assert!(matches!(
        Message::from_bytes(&delta_frame),
        Err(DecodeError::WrongKind { .. })
    ));
}

#[test]
fn a_huge_length_is_refused_before_allocation() {
    // A `Changes` whose delta claims 2^60 bytes.
    let bytes = frame::seal(Kind::SyncMessage, |out| {
        out.u8(tag::CHANGES);
        out.raw(&[0; 4]);
        out.varint(1);
        out.u8(0);
        out.varint(0);
        out.varint(1 << 60);
    });
    assert!(matches!(
        Message::from_bytes(&bytes),
        Err(DecodeError::LengthTooLarge { .. })
    ));
}

#[test]
fn hellos_and_acks_of_two_replicas_are_small() {
    let version: VersionVector = [
        (ReplicaId::from_u128(1), 1000),
        (ReplicaId::from_u128(2), 5),
    ]
    .into_iter()
    .collect();
    let bytes = Message::Hello(Hello::new(1, version.clone(), Digest(0))).to_bytes();
    // frame 8 + tag 1 + protocol 1 + session 4 + vector (1 + 32 + 3) + digest 16
    // + pending tops (1, empty) + flags 1
    assert_eq!(bytes.len(), 68);
    let ack = |digest| Message::Ack(Ack::new(1, 2, 3, version.clone(), digest)).to_bytes();
    // frame 8 + tag 1 + sessions 8 + seq 1 + vector 36 + digest flag 1 (+ digest 16)
    assert_eq!(ack(None).len(), 55);
    assert_eq!(ack(Some(Digest(0))).len(), 71);
}

#[test]
fn hellos_of_other_protocol_versions_decode_and_encode_back() {
    let id = ReplicaId::from_u128(7);
    let pending: VersionVector = [(id, 9)].into_iter().collect();
    let ours = Hello::new(1, VersionVector::new(), Digest(3)).with_pending(pending.clone());
    let decoded = Message::from_bytes(&Message::Hello(ours.clone()).to_bytes()).unwrap();
    assert_eq!(decoded, Message::Hello(ours.clone()));

    // Protocol 1 had no pending tops: its bytes decode with none, and trailing bytes are refused.
    let older = |extra: &[u8]| {
        frame::seal(Kind::SyncMessage, |out| {
            out.u8(tag::HELLO);
            out.u8(1);
            out.raw(&5u32.to_le_bytes());
            VersionVector::new().encode(out);
            out.raw(&[0; 16]);
            out.raw(extra);
        })
    };
    let Message::Hello(old) = Message::from_bytes(&older(&[])).unwrap() else {
        panic!("a hello")
    };
    assert_eq!((old.protocol, old.pending.len()), (1, 0));
    assert_eq!(Message::Hello(old).to_bytes(), older(&[]));
    assert!(Message::from_bytes(&older(&[0])).is_err());

    // A newer protocol's extra fields are kept as they came, and written back.
    let mut newer = ours;
    newer.protocol = PROTOCOL_VERSION + 1;
    newer.extension = vec![1, 2, 3];
    let bytes = Message::Hello(newer.clone()).to_bytes();
    assert_eq!(Message::from_bytes(&bytes).unwrap(), Message::Hello(newer));
    assert_eq!(
        Message::from_bytes(&bytes).unwrap().to_bytes(),
        bytes,
        "encodes back byte for byte"
    );
    // The pending tops of protocol 2 are checked like any version vector.
    let Message::Hello(with_pending) = Message::from_bytes(&bytes).unwrap() else {
        panic!("a hello")
    };
    assert_eq!(with_pending.pending.get(id), 9);
}
