//! Panics of library code, caught at the server's boundaries and turned into values, so that a
//! bug reached by one client's bytes ends that client's connection (or one document's task)
//! instead of silently killing a task that others depend on.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Runs `work`, returning the message of its panic if it panics.
///
/// `AssertUnwindSafe` is sound here because every caller either discards what `work`
/// touched after a panic (a scratch copy, a session about to close) or checks first that
/// nothing it keeps was being mutated (see `GuardedReplica::is_intact`).
pub(crate) fn catch<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(work)).map_err(|payload| message(payload.as_ref()))
}

/// The text of a panic payload (`panic!` carries a `&str` or a `String`).
pub(crate) fn message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic without a message".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_their_messages() {
        assert_eq!(catch(|| 7), Ok(7));
        assert_eq!(catch(|| panic!("plain")), Err::<(), _>("plain".to_string()));
        let index = 3;
        assert_eq!(
            catch(|| panic!("formatted {index}")),
            Err::<(), _>("formatted 3".to_string())
        );
        assert_eq!(
            catch(|| std::panic::panic_any(5_u8)),
            Err::<(), _>("a panic without a message".to_string())
        );
    }
}
