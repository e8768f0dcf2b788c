//! Shrinking a failing run to a few actions.

use super::{Action, Failure, Options, SimReplica, run};

/// Shrinks a failing run of `R`: see [`shrink_with`].
#[must_use]
pub fn shrink<R: SimReplica>(
    nodes: usize,
    actions: &[Action],
    failure: Failure,
    options: Options,
) -> (Vec<Action>, Failure) {
    shrink_with(actions, failure, |candidate| {
        run::<R>(nodes, candidate, options).err()
    })
}

/// Shrinks a failing list of actions: removes chunks (halves, quarters, … single actions) as
/// long as `failing` still finds a failure. Returns the smallest failing list found and its
/// failure.
pub fn shrink_with(
    actions: &[Action],
    failure: Failure,
    mut failing: impl FnMut(&[Action]) -> Option<Failure>,
) -> (Vec<Action>, Failure) {
    let mut current = actions.to_vec();
    let mut failure = failure;
    let mut chunk = current.len().div_ceil(2).max(1);
    loop {
        let mut start = 0;
        while start < current.len() {
            let mut candidate = current.clone();
            candidate.drain(start..(start + chunk).min(current.len()));
            match failing(&candidate) {
                Some(found) => {
                    current = candidate;
                    failure = found;
                }
                None => start += chunk,
            }
        }
        if chunk == 1 {
            return (current, failure);
        }
        chunk = chunk.div_ceil(2);
    }
}
