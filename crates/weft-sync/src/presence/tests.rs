use quickcheck::{Arbitrary, Gen, quickcheck};
use weft_core::ReplicaId;
use weft_core::codec::frame::{self, Kind};

use super::*;

fn id(n: u128) -> ReplicaId {
    ReplicaId::from_u128(n)
}

fn with_state(client: u128, state: &str) -> Presence {
    let mut presence = Presence::new(id(client));
    presence.set_local(Some(state)).expect("a small state");
    presence
}

#[test]
fn join_update_leave() {
    let mut alice = with_state(1, r#"{"name":"Alice"}"#);
    let mut bob = Presence::new(id(2));
    let joined = bob.apply(&alice.encode_local(), 0).expect("valid");
    assert_eq!(joined.added, vec![id(1)]);
    alice
        .set_local(Some(r#"{"name":"Alicia"}"#))
        .expect("small");
    let updated = bob.apply(&alice.encode_local(), 1).expect("valid");
    assert_eq!(updated.updated, vec![id(1)]);
    assert_eq!(bob.states()[&id(1)], r#"{"name":"Alicia"}"#);
    alice.set_local(None).expect("leave");
    let left = bob.apply(&alice.encode_local(), 2).expect("valid");
    assert_eq!(left.removed, vec![id(1)]);
    assert!(!bob.states().contains_key(&id(1)));
}

#[test]
fn an_older_clock_is_ignored() {
    let mut alice = with_state(1, "1");
    let old = alice.encode_local();
    alice.set_local(Some("2")).expect("small");
    let mut bob = Presence::new(id(2));
    bob.apply(&alice.encode_local(), 0).expect("valid");
    assert!(bob.apply(&old, 1).expect("valid").is_empty());
    assert_eq!(bob.states()[&id(1)], "2");
}

#[test]
fn a_higher_clock_about_ourselves_is_reasserted() {
    let mut alice = with_state(1, "mine");
    let forged = encode(&[Entry {
        client: id(1),
        clock: 50,
        state: None,
    }])
    .expect("within limits");
    assert!(alice.apply(&forged, 0).expect("valid").is_empty());
    assert_eq!(alice.local(), Some("mine"));
    let mut bob = Presence::new(id(2));
    bob.apply(&forged, 0).expect("valid");
    assert_eq!(
        bob.apply(&alice.encode_local(), 1).expect("valid").added,
        vec![id(1)]
    );
}

#[test]
fn silent_clients_expire_and_old_messages_do_not_revive_them() {
    let alice = with_state(1, "{}");
    let bytes = alice.encode_local();
    let mut bob = Presence::new(id(2));
    bob.apply(&bytes, 0).expect("valid");
    assert!(
        bob.expire(DEFAULT_TIMEOUT_MS, DEFAULT_TIMEOUT_MS)
            .is_empty()
    );
    assert_eq!(
        bob.expire(DEFAULT_TIMEOUT_MS + 1, DEFAULT_TIMEOUT_MS),
        vec![id(1)]
    );
    assert!(bob.apply(&bytes, 40_000).expect("valid").is_empty());
    assert!(bob.states().is_empty());
}

#[test]
fn departed_clients_are_forgotten_after_twice_the_timeout() {
    let mut bob = Presence::new(id(2));
    bob.apply(&with_state(1, "{}").encode_local(), 0)
        .expect("valid");
    bob.apply(&with_state(3, "{}").encode_local(), 0)
        .expect("valid");
    assert_eq!(bob.remove_clients(&[id(3)]).removed, vec![id(3)]);
    // Within twice the timeout, both are remembered (by their clocks), neither is present.
    assert_eq!(
        bob.expire(DEFAULT_TIMEOUT_MS + 1, DEFAULT_TIMEOUT_MS),
        vec![id(1)]
    );
    assert_eq!(bob.others.len(), 2);
    assert!(bob.states().is_empty());
    // After it, they are forgotten; one still sending comes back as a newcomer.
    assert!(
        bob.expire(2 * DEFAULT_TIMEOUT_MS + 1, DEFAULT_TIMEOUT_MS)
            .is_empty()
    );
    assert!(bob.others.is_empty());
    let later = 2 * DEFAULT_TIMEOUT_MS + 2;
    let back = bob
        .apply(&with_state(1, "{}").encode_local(), later)
        .expect("valid");
    assert_eq!(back.added, vec![id(1)]);
}

#[test]
fn removed_clients_leave_at_once() {
    let mut bob = Presence::new(id(2));
    bob.apply(&with_state(1, "{}").encode_local(), 0)
        .expect("valid");
    assert_eq!(bob.remove_clients(&[id(1), id(9)]).removed, vec![id(1)]);
    assert!(bob.remove_clients(&[id(1)]).is_empty());
}

#[test]
fn encode_all_splits_at_the_client_limit() {
    let mut hub = with_state(0, "{}");
    for n in 1..=100 {
        hub.apply(&with_state(n, "{}").encode_local(), 0)
            .expect("valid");
    }
    let messages = hub.encode_all();
    assert_eq!(messages.len(), 2);
    let mut fresh = Presence::new(id(500));
    for message in &messages {
        fresh.apply(message, 0).expect("valid");
    }
    assert_eq!(fresh.states().len(), 101);
}

#[test]
fn limits_are_typed_errors() {
    let big = "x".repeat(MAX_STATE_LEN + 1);
    assert!(matches!(
        Presence::new(id(1)).set_local(Some(&big)),
        Err(PresenceError::StateTooLarge { .. })
    ));
    let many: Vec<Entry> = (0..65)
        .map(|n| Entry {
            client: id(n),
            clock: 1,
            state: None,
        })
        .collect();
    assert!(matches!(
        encode(&many),
        Err(PresenceError::TooManyClients { count: 65, .. })
    ));
    // A hand-made frame claiming a huge count is refused before anything is allocated.
    let huge = frame::seal(Kind::SyncMessage, |out| {
        out.u8(PRESENCE_TAG);
        out.varint(u64::MAX);
    });
    assert!(matches!(
        decode(&huge),
        Err(PresenceError::TooManyClients { .. })
    ));
    // An oversized state inside a frame is refused too.
    let oversized = frame::seal(Kind::SyncMessage, |out| {
        out.u8(PRESENCE_TAG);
        out.varint(1);
        id(1).encode(out);
        out.varint(1);
        out.u8(1);
        out.str(&big);
    });
    assert!(matches!(
        decode(&oversized),
        Err(PresenceError::StateTooLarge { .. })
    ));
}

#[test]
fn hostile_bytes_are_refused() {
    let bytes = with_state(1, r#"{"a":1}"#).encode_local();
    for end in 0..bytes.len() {
        assert!(decode(&bytes[..end]).is_err(), "truncated at {end}");
    }
    let invalid_utf8 = frame::seal(Kind::SyncMessage, |out| {
        out.u8(PRESENCE_TAG);
        out.varint(1);
        id(1).encode(out);
        out.varint(1);
        out.u8(1);
        out.bytes(&[0xff, 0xfe]);
    });
    assert!(matches!(
        decode(&invalid_utf8),
        Err(PresenceError::Decode(_))
    ));
    let bad_flag = frame::seal(Kind::SyncMessage, |out| {
        out.u8(PRESENCE_TAG);
        out.varint(1);
        id(1).encode(out);
        out.varint(1);
        out.u8(2);
    });
    assert!(matches!(decode(&bad_flag), Err(PresenceError::Decode(_))));
    let huge_length = frame::seal(Kind::SyncMessage, |out| {
        out.u8(PRESENCE_TAG);
        out.varint(1);
        id(1).encode(out);
        out.varint(1);
        out.u8(1);
        out.varint(u64::MAX >> 1);
    });
    assert!(matches!(
        decode(&huge_length),
        Err(PresenceError::Decode(_))
    ));
    let overlong_clock = frame::seal(Kind::SyncMessage, |out| {
        out.u8(PRESENCE_TAG);
        out.varint(1);
        id(1).encode(out);
        out.raw(&[0x8a, 0x00]);
        out.u8(0);
    });
    assert!(matches!(
        decode(&overlong_clock),
        Err(PresenceError::Decode(_))
    ));
    let mut presence = Presence::new(id(2));
    assert!(presence.apply(&[0; 64], 0).is_err());
    assert!(presence.states().is_empty());
}

#[test]
fn a_sync_message_decoder_refuses_the_presence_tag_without_panicking() {
    let bytes = with_state(1, "{}").encode_local();
    assert!(matches!(
        crate::Message::from_bytes(&bytes),
        Err(DecodeError::InvalidValue { .. })
    ));
}

#[derive(Clone, Debug)]
struct Entries(Vec<Entry>);

impl Arbitrary for Entries {
    fn arbitrary(g: &mut Gen) -> Self {
        let count = usize::arbitrary(g) % 8;
        Self(
            (0..count)
                .map(|_| Entry {
                    client: id(u128::from(u8::arbitrary(g))),
                    clock: u64::arbitrary(g),
                    state: Option::<String>::arbitrary(g),
                })
                .collect(),
        )
    }
}

quickcheck! {
    fn round_trip(entries: Entries) -> bool {
        let bytes = encode(&entries.0).expect("within limits");
        decode(&bytes).expect("what the encoder writes decodes") == entries.0
    }

    fn whatever_decodes_encodes_back_identically(bytes: Vec<u8>) -> bool {
        let sealed = frame::seal(Kind::SyncMessage, |out| out.raw(&bytes));
        match decode(&sealed) {
            Ok(entries) => encode(&entries).expect("decoded entries are within limits") == sealed,
            Err(_) => true,
        }
    }
}

#[test]
fn is_presence_looks_at_the_kind_and_the_tag_only() {
    let presence = encode(&[]).expect("an empty message");
    assert!(is_presence(&presence));
    let mut damaged = presence.clone();
    let last = damaged.len() - 1;
    damaged[last] ^= 0xff;
    assert!(is_presence(&damaged), "the checksum is decode's to check");
    assert!(decode(&damaged).is_err());
    let sync = frame::seal(Kind::SyncMessage, |out| out.u8(1));
    assert!(!is_presence(&sync));
    let delta = frame::seal(Kind::Delta, |out| out.u8(PRESENCE_TAG));
    assert!(!is_presence(&delta));
    assert!(!is_presence(&presence[..4]));
    assert!(!is_presence(b""));
    assert!(!is_presence(b"XF\x01\x04\x09"));
}
