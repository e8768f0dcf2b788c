//! The container handles: owned JS objects that hold the shared document and a path, never a
//! reference into it. One class per file.

mod counter;
mod list;
mod map;
mod register;
mod set;
mod text;

pub use counter::CounterRef;
pub use list::ListRef;
pub use map::MapRef;
pub use register::RegisterRef;
pub use set::SetRef;
pub use text::TextRef;

use wasm_bindgen::JsValue;
use weft::{Entry, Kind, Node, Scope};

use crate::convert::from_node;
use crate::error::{JsResult, WeftError};
use crate::path::{Path, descend, expect, resolve};
use crate::shared::SharedDoc;

/// What every handle holds: the document and where the container is.
#[derive(Clone)]
pub(crate) struct Handle {
    pub(crate) shared: SharedDoc,
    pub(crate) path: Path,
    /// The kind of container the handle stands for.
    pub(crate) kind: Kind,
}

impl Handle {
    /// Reads the handle's entry (`None` while it was never written).
    pub(crate) fn read<R>(
        &self,
        read: impl FnOnce(Option<&Entry>) -> Result<R, WeftError>,
    ) -> JsResult<R> {
        self.shared
            .read(|doc| read(expect(resolve(doc.root(), &self.path)?, self.kind)?))
    }

    /// The entry as plain data (the kind's empty value while it was never written).
    pub(crate) fn to_plain(&self) -> JsResult<JsValue> {
        self.read(|entry| {
            Ok(match entry.and_then(Node::of_entry) {
                Some(node) => from_node(&node),
                None => from_node(&empty(self.kind)),
            })
        })
    }

    /// Changes the handle's entry as one local change: `plan` checks the call against the
    /// entry as it is and returns what `apply` needs (or `None`: nothing to change); `apply`
    /// then makes the change. `plan` refuses whatever `apply` could not refuse without a trace
    /// (e.g. on an entry that does not exist yet, where `apply` would first create it); an
    /// edit of an existing text checks its own positions and changes nothing when it refuses.
    /// A refused call changes nothing.
    pub(crate) fn edit<P, R>(
        &self,
        plan: impl FnOnce(Option<&Entry>) -> Result<Option<P>, WeftError>,
        apply: impl FnOnce(&mut Scope<'_, Entry>, P) -> R,
    ) -> JsResult<Option<R>> {
        let (path, kind) = (&self.path, self.kind);
        self.shared.change(true, |doc| {
            let Some(planned) = plan(expect(resolve(doc.root(), path)?, kind)?)? else {
                return Ok(None);
            };
            let mut pending = Some((apply, planned));
            let result = doc.edit_entry(&path.root, |entry| {
                descend(entry, &path.steps, &mut |target| {
                    pending
                        .take()
                        .map(|(apply, planned)| apply(target, planned))
                })
            });
            Ok(result.flatten())
        })
    }

    /// A handle on the entry `path` of kind `kind`, after checking it holds that kind or
    /// nothing yet.
    pub(crate) fn at(&self, path: Path, kind: Kind) -> JsResult<Handle> {
        self.shared
            .read(|doc| expect(resolve(doc.root(), &path)?, kind).map(|_| ()))?;
        Ok(Handle {
            shared: self.shared.clone(),
            path,
            kind,
        })
    }
}

/// The plain value of a container that was never written.
fn empty(kind: Kind) -> Node {
    match kind {
        Kind::Map => Node::Map(Default::default()),
        Kind::List => Node::List(Vec::new()),
        Kind::Text => Node::Text(String::new()),
        Kind::Counter => Node::Counter(0),
        Kind::Set => Node::Set(Vec::new()),
        Kind::Value => Node::Value(weft::Value::Null),
    }
}

/// Makes a typed handle from a [`Handle`].
pub(crate) trait FromHandle {
    /// The kind of container.
    const KIND: Kind;
    /// Wraps `handle`.
    fn from_handle(handle: Handle) -> Self;
}
