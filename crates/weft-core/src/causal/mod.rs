//! Replicas of one replicated type: mutations that return deltas, `delta_since`, and the
//! application of deltas in causal order.

mod context;
mod delta;
mod delta_against;
mod replica;
mod replicated;
mod transaction;

pub use context::CausalContext;
pub use delta::Delta;
pub use replica::{Outcome, Replica};
pub use replicated::Replicated;
pub use transaction::{Scope, Transaction};
