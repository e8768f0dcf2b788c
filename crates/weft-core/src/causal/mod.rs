//! Replicas of one replicated type: mutations that return deltas, `delta_since`, and the
//! application of deltas in causal order.

mod delta;
mod replica;
mod transaction;

pub use delta::Delta;
pub use replica::{Outcome, Replica};
pub use transaction::{Scope, Transaction};
