//! Three replicas of a shopping list (tags in an add-wins set, quantities in a map of
//! counters) go offline, change things concurrently — including a removal that races an
//! update — and converge when they reconnect, each sending the others only what they lack.
//!
//! Run with `cargo run -p weft --example offline_replicas`.

#![allow(clippy::print_stdout)]

use weft::{AddWinsSet, Map, PNCounter, Replica, ReplicaId};

type Quantities = Map<String, PNCounter>;

struct Device {
    name: &'static str,
    tags: Replica<AddWinsSet<String>>,
    quantities: Replica<Quantities>,
}

impl Device {
    fn new(name: &'static str) -> Self {
        let id = ReplicaId::random();
        Self {
            name,
            tags: Replica::new(id),
            quantities: Replica::new(id),
        }
    }

    fn show(&self) {
        let mut tags: Vec<&str> = self.tags.iter().map(String::as_str).collect();
        tags.sort_unstable();
        let mut items: Vec<String> = self
            .quantities
            .iter()
            .map(|(item, count)| format!("{item}×{}", count.value()))
            .collect();
        items.sort_unstable();
        println!(
            "  {:<7} tags {:?}  items [{}]  version {} changes",
            self.name,
            tags,
            items.join(", "),
            self.tags.version().total() + self.quantities.version().total()
        );
    }
}

/// `to` asks `from` for what it lacks; returns the bytes that crossed the wire.
fn pull(from: &Device, to: &mut Device) -> usize {
    let tags = from.tags.delta_since(&to.tags.version()).to_bytes();
    let quantities = from
        .quantities
        .delta_since(&to.quantities.version())
        .to_bytes();
    to.tags
        .apply(&weft::Delta::from_bytes(&tags).expect("valid delta"));
    to.quantities
        .apply(&weft::Delta::from_bytes(&quantities).expect("valid delta"));
    tags.len() + quantities.len()
}

fn main() {
    let mut phone = Device::new("phone");
    let mut laptop = Device::new("laptop");
    let mut tablet = Device::new("tablet");

    println!("Online: the phone starts a list and everyone syncs.");
    phone.tags.update(|tags| tags.insert("groceries".into()));
    phone.quantities.update(|items| {
        items.update("milk".into(), |count| count.increment(1));
        items.update("eggs".into(), |count| count.increment(12));
    });
    pull(&phone, &mut laptop);
    pull(&phone, &mut tablet);
    for device in [&phone, &laptop, &tablet] {
        device.show();
    }

    println!("\nOffline: each device changes the list on its own.");
    phone
        .quantities
        .update(|items| items.remove(&"eggs".to_string()));
    phone.tags.update(|tags| tags.insert("urgent".into()));
    laptop
        .quantities
        .update(|items| items.update("eggs".into(), |count| count.increment(6)));
    laptop
        .tags
        .update(|tags| tags.remove(&"groceries".to_string()));
    tablet
        .quantities
        .update(|items| items.update("milk".into(), |count| count.increment(2)));
    tablet.tags.update(|tags| tags.insert("groceries".into()));
    for device in [&phone, &laptop, &tablet] {
        device.show();
    }

    println!("\nReconnected: each device pulls what it lacks from the others.");
    let mut bytes = 0;
    for _ in 0..2 {
        bytes += pull(&laptop, &mut phone) + pull(&tablet, &mut phone);
        bytes += pull(&phone, &mut laptop) + pull(&phone, &mut tablet);
    }
    for device in [&phone, &laptop, &tablet] {
        device.show();
    }
    assert!(phone.tags.same_state(&laptop.tags) && phone.tags.same_state(&tablet.tags));
    assert!(
        phone.quantities.same_state(&laptop.quantities)
            && phone.quantities.same_state(&tablet.quantities)
    );
    println!(
        "\nConverged with {bytes} bytes of deltas. The eggs the phone removed come back with only\n\
         the laptop's concurrent +6; the tablet's concurrent re-add of \"groceries\" wins over the\n\
         laptop's removal (add-wins)."
    );
}
