//! Copy-on-write parts of a sequence: the order tree's leaves and, per replica, the identity
//! index's entries are each behind an `Arc`, so cloning a sequence (a replica's fork) copies
//! pointers for them; the first write to a part still shared copies that part.

use std::sync::Arc;

/// The value behind `shared`, to change: copied first if another owner shares it. The check
/// reads the count (a plain load) and the copy is out of line, so a write to a part this
/// sequence owns alone (every write of a replica that never forked) costs a few instructions.
/// No `Weak` is ever made of these parts, so one strong owner is the only owner.
#[inline]
pub(crate) fn unique<T: Clone>(shared: &mut Arc<T>) -> &mut T {
    if Arc::strong_count(shared) != 1 {
        unshare(shared);
    }
    Arc::get_mut(shared).expect("a part with one owner and no `Weak` is unique")
}

/// Replaces `shared` by a copy of its value that nothing else holds.
#[cold]
#[inline(never)]
fn unshare<T: Clone>(shared: &mut Arc<T>) {
    *shared = Arc::new(T::clone(shared));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_to_a_shared_value_leaves_the_other_owner_unchanged() {
        let mut mine = Arc::new(vec![1, 2, 3]);
        let theirs = Arc::clone(&mine);
        unique(&mut mine).push(4);
        assert_eq!(*mine, vec![1, 2, 3, 4]);
        assert_eq!(*theirs, vec![1, 2, 3]);
        let before = Arc::as_ptr(&mine);
        unique(&mut mine).push(5);
        assert_eq!(
            Arc::as_ptr(&mine),
            before,
            "a value owned alone is not copied"
        );
        assert_eq!(*mine, vec![1, 2, 3, 4, 5]);
    }
}
