//! `Doc` against the reference model of its intended semantics (`weft_tests::doc_model`):
//! removals remove what the remover saw, at every depth and for every container kind, and a
//! concurrent change keeps the name with only that change's effect — including kind changes,
//! out-of-order and duplicated delivery, and restarts.
//!
//! Convergence tests cannot see two replicas agreeing on a wrong answer; these compare every
//! replica, before each of its transactions and at the end, with what the model computes.

use std::time::{Duration, Instant};

use weft::{Doc, ReplicaId};
use weft_tests::doc_simulation::{DocSimulation, run_doc_simulation};

/// Seeds of the bounded run in CI.
const SEEDS: u64 = 2_000;

fn shape(seed: u64) -> DocSimulation {
    DocSimulation {
        replicas: 3 + (seed % 3) as usize,
        transactions: 20 + (seed % 41) as usize,
    }
}

#[test]
fn random_concurrent_histories_show_what_the_model_computes() {
    for seed in 0..SEEDS {
        run_doc_simulation(seed, shape(seed));
    }
}

/// The same simulation on fresh seeds until `WEFT_SIM_SECONDS` (default: an hour) pass:
/// `cargo test -p weft-tests --test doc_semantics -- --ignored`.
#[test]
#[ignore = "runs until WEFT_SIM_SECONDS pass"]
fn random_concurrent_histories_show_what_the_model_computes_forever() {
    let seconds = std::env::var("WEFT_SIM_SECONDS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(3_600);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let start = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos() as u64);
    let mut seed = start;
    while Instant::now() < deadline {
        run_doc_simulation(seed, shape(seed));
        seed = seed.wrapping_add(1);
    }
}

/// Two replicas that share `setup`, then make `removal` and `update` concurrently and
/// exchange them; returns both documents.
fn concurrently(
    setup: impl FnOnce(&mut Doc),
    removal: impl FnOnce(&mut Doc),
    update: impl FnOnce(&mut Doc),
) -> (Doc, Doc) {
    let mut a = Doc::new(ReplicaId::from_u128(1));
    let mut b = Doc::new(ReplicaId::from_u128(2));
    setup(&mut a);
    b.apply(&a.delta_since(&b.version()));
    removal(&mut a);
    update(&mut b);
    let (version_a, version_b) = (a.version(), b.version());
    let (from_a, from_b) = (a.delta_since(&version_b), b.delta_since(&version_a));
    b.apply(&from_a);
    a.apply(&from_b);
    assert!(a.same_state(&b));
    (a, b)
}

#[test]
fn a_removed_map_keeps_a_concurrent_nested_update_and_later_writes_keep_it() {
    let (mut a, mut b) = concurrently(
        |doc| {
            doc.transact(|root| root.map("m").put("a", 1i64));
        },
        |doc| {
            doc.transact(|root| root.delete("m"));
        },
        |doc| {
            doc.transact(|root| root.map("m").put("c", 3i64));
        },
    );
    assert_eq!(a.to_json(), r#"{"m":{"c":3}}"#);
    assert_eq!(b.to_json(), r#"{"m":{"c":3}}"#);
    let next = b.transact(|root| root.map("m").put("d", 4i64)).delta;
    a.apply(&next);
    assert_eq!(b.to_json(), r#"{"m":{"c":3,"d":4}}"#);
    assert_eq!(a.to_json(), b.to_json());
}

#[test]
fn a_removed_name_keeps_a_concurrent_change_of_every_container_kind() {
    type Change = fn(&mut Doc);
    let cases: [(&str, Change, Change, &str); 6] = [
        (
            "counter",
            |doc| {
                doc.transact(|root| root.counter("k").increment(5));
            },
            |doc| {
                doc.transact(|root| root.counter("k").increment(2));
            },
            r#"{"k":2}"#,
        ),
        (
            "text",
            |doc| {
                doc.transact(|root| root.text("k").insert(0, "old"))
                    .result
                    .unwrap();
            },
            |doc| {
                doc.transact(|root| root.text("k").insert(3, "!"))
                    .result
                    .unwrap();
            },
            r#"{"k":"!"}"#,
        ),
        (
            "set",
            |doc| {
                doc.transact(|root| root.add_wins_set("k").insert(1i64));
            },
            |doc| {
                doc.transact(|root| root.add_wins_set("k").insert(2i64));
            },
            r#"{"k":[2]}"#,
        ),
        (
            "list",
            |doc| {
                doc.transact(|root| root.list("k").push(1i64));
            },
            |doc| {
                doc.transact(|root| root.list("k").push(2i64));
            },
            r#"{"k":[2]}"#,
        ),
        (
            "nested map",
            |doc| {
                doc.transact(|root| root.map("k").map("n").put("x", 1i64));
            },
            |doc| {
                doc.transact(|root| root.map("k").map("n").put("y", 2i64));
            },
            r#"{"k":{"n":{"y":2}}}"#,
        ),
        (
            "value",
            |doc| {
                doc.transact(|root| root.put("k", 1i64));
            },
            |doc| {
                doc.transact(|root| root.put("k", 2i64));
            },
            r#"{"k":2}"#,
        ),
    ];
    for (kind, setup, update, expected) in cases {
        let (mut a, mut b) = concurrently(
            setup,
            |doc| {
                doc.transact(|root| root.delete("k"));
            },
            update,
        );
        assert_eq!(a.to_json(), expected, "{kind}");
        assert_eq!(b.to_json(), expected, "{kind}");
        // The next write through the same kind keeps what survived.
        let next = b.transact(|root| root.put("other", 0i64)).delta;
        a.apply(&next);
        assert_eq!(a.to_json(), b.to_json(), "{kind}");
    }
}

#[test]
fn a_removal_under_a_list_element_keeps_a_concurrent_update_of_its_map() {
    let (a, b) = concurrently(
        |doc| {
            doc.transact(|root| {
                root.list("todos")
                    .insert_map(0)
                    .unwrap()
                    .map("tags")
                    .put("x", 1i64);
            });
        },
        |doc| {
            doc.transact(|root| {
                root.list("todos").map_at(0).unwrap().delete("tags");
            });
        },
        |doc| {
            doc.transact(|root| {
                root.list("todos")
                    .map_at(0)
                    .unwrap()
                    .map("tags")
                    .put("y", 2i64);
            });
        },
    );
    assert_eq!(a.to_json(), r#"{"todos":[{"tags":{"y":2}}]}"#);
    assert_eq!(b.to_json(), a.to_json());
}

#[test]
fn a_concurrent_kind_change_and_a_nested_update_keep_the_kind_written() {
    // A kind change is a write of the name; a change inside the old container is not: the
    // written kind shows, and the update inside the old map stays hidden.
    let (a, b) = concurrently(
        |doc| {
            doc.transact(|root| root.map("m").put("a", 1i64));
        },
        |doc| {
            doc.transact(|root| root.text("m").insert(0, "t"))
                .result
                .unwrap();
        },
        |doc| {
            doc.transact(|root| root.map("m").put("c", 3i64));
        },
    );
    assert_eq!(a.to_json(), r#"{"m":"t"}"#);
    assert_eq!(b.to_json(), a.to_json());
}

#[test]
fn a_removed_name_stays_removed_and_removing_it_again_changes_nothing() {
    let mut doc = Doc::new(ReplicaId::from_u128(1));
    doc.transact(|root| root.text("t").insert(0, "abc"))
        .result
        .unwrap();
    assert!(doc.transact(|root| root.delete("t")).result);
    assert_eq!(doc.to_json(), "{}");
    assert!(doc.root().is_empty());
    let version = doc.version();
    assert!(!doc.transact(|root| root.delete("t")).result);
    assert_eq!(doc.version(), version);
}

/// Removing a name holding a nested map (a removal record): a replica that receives the
/// removal before the entries it removed waits for them and then drops exactly them; a
/// concurrent write inside the nested map survives everywhere; writing the name again after
/// the removal brings it back.
#[test]
fn a_removal_record_arriving_before_the_removed_entries_removes_exactly_them() {
    let mut a = Doc::new(ReplicaId::from_u128(1));
    let mut b = Doc::new(ReplicaId::from_u128(2));
    let mut c = Doc::new(ReplicaId::from_u128(3));
    let entries = a
        .transact(|root| {
            let mut nested = root.map("m");
            nested.put("x", 1i64);
            nested.map("deeper").put("y", 2i64);
            nested.add_wins_set("tags").insert("t");
        })
        .delta;
    b.apply(&entries);
    let from_b = b.transact(|root| root.map("m").put("z", 3i64)).delta;
    a.apply(&from_b);
    let removal = a.transact(|root| root.delete("m")).delta;
    let concurrent = b
        .transact(|root| root.map("m").map("deeper").put("w", 4i64))
        .delta;
    for delta in [
        &removal,
        &concurrent,
        &from_b,
        &removal,
        &entries,
        &concurrent,
    ] {
        c.apply(delta);
    }
    a.apply(&concurrent);
    b.apply(&removal);
    for doc in [&a, &b, &c] {
        assert_eq!(doc.to_json(), r#"{"m":{"deeper":{"w":4}}}"#);
    }
    assert!(a.same_state(&b) && b.same_state(&c));
    let again = c.transact(|root| root.map("m").put("x", 5i64)).delta;
    a.apply(&again);
    b.apply(&again);
    for doc in [&a, &b, &c] {
        assert_eq!(doc.to_json(), r#"{"m":{"deeper":{"w":4},"x":5}}"#);
    }
}
