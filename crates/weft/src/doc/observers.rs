//! Observers: listeners on one container, or on a container and everything inside it.

use crate::doc::events::{Change, Event};
use crate::doc::path::ContainerPath;

/// A handle returned by [`Doc::observe`](crate::Doc::observe) and its kin, to stop
/// listening with [`Doc::unsubscribe`](crate::Doc::unsubscribe).
///
/// ```
/// use weft::{Doc, ReplicaId};
/// let mut doc = Doc::new(ReplicaId::random());
/// let subscription = doc.subscribe(|_| {});
/// assert!(doc.unsubscribe(subscription));
/// assert!(!doc.unsubscribe(subscription));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Subscription(u64);

type Listener = Box<dyn FnMut(&[Event])>;

struct Observer {
    subscription: Subscription,
    target: ContainerPath,
    deep: bool,
    listener: Listener,
}

/// The observers of a document.
#[derive(Default)]
pub(crate) struct Observers {
    observers: Vec<Observer>,
    next: u64,
}

impl Observers {
    pub(crate) fn is_empty(&self) -> bool {
        self.observers.is_empty()
    }

    pub(crate) fn len(&self) -> usize {
        self.observers.len()
    }

    pub(crate) fn add(
        &mut self,
        target: ContainerPath,
        deep: bool,
        listener: Listener,
    ) -> Subscription {
        let subscription = Subscription(self.next);
        self.next += 1;
        self.observers.push(Observer {
            subscription,
            target,
            deep,
            listener,
        });
        subscription
    }

    pub(crate) fn remove(&mut self, subscription: Subscription) -> bool {
        let before = self.observers.len();
        self.observers
            .retain(|observer| observer.subscription != subscription);
        self.observers.len() < before
    }

    /// Gives each observer the events of `events` it listens to (all of them, in order).
    pub(crate) fn dispatch(&mut self, events: &[Event]) {
        if events.is_empty() {
            return;
        }
        for observer in &mut self.observers {
            let hears = |event: &Event| {
                matches!(event.change, Change::Reload)
                    || if observer.deep {
                        event.target.starts_with(&observer.target)
                    } else {
                        event.target == observer.target
                    }
            };
            if events.iter().all(hears) {
                (observer.listener)(events);
                continue;
            }
            let heard: Vec<Event> = events
                .iter()
                .filter(|event| hears(event))
                .cloned()
                .collect();
            if !heard.is_empty() {
                (observer.listener)(&heard);
            }
        }
    }
}
