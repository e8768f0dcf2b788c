//! Failures on demand, for the server's own tests: compiled only with the `fault-injection`
//! feature, which only the crate's dev-dependency on itself enables. A normal build (the
//! binary, or a dependent crate) has none of this, so nothing from the network can reach it.
//!
//! Why a feature rather than a hook in [`Config`](crate::Config): a field of the public
//! configuration would ship in every build, settable by any embedder and documented as if it
//! were part of the server; a feature keeps the code out of every build but the tests'.

/// A failure to make a document's task suffer (see [`Server::inject_fault`](crate::Server::inject_fault)).
///
/// ```
/// use weft_server::Fault;
/// assert_ne!(Fault::PanicNow, Fault::PanicInNextChange);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// The task panics as soon as it handles the fault, between two batches.
    PanicNow,
    /// The next change to the document's replica panics midway, after the change passed the
    /// checks on the shadow copy: the replica is then not intact.
    PanicInNextChange,
}
