//! Change events: what a transaction or a received delta changed, per container, in the form
//! editor bindings and undo managers need — retain / insert / delete runs for texts and lists,
//! keys with their old and new values for maps — with the transaction's origin and whether it
//! was made here.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use crate::doc::kind::Kind;
use crate::doc::node::Node;
use crate::doc::object::Object;
use crate::doc::path::{ContainerPath, PathSegment, lookup};
use crate::value::Value;

/// Who made a transaction, as the application names it (an editor binding, an undo manager,
/// a sync provider): given to [`Doc::transact_with`](crate::Doc::transact_with) or
/// [`Doc::apply_with`](crate::Doc::apply_with), carried by every event of that transaction.
///
/// ```
/// use weft::Origin;
/// let origin = Origin::new("editor");
/// assert_eq!(origin.name(), "editor");
/// assert_eq!(origin, Origin::from("editor"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Origin(Arc<str>);

impl Serialize for Origin {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl Origin {
    /// An origin named `name`.
    ///
    /// ```
    /// assert_eq!(weft::Origin::new("undo").name(), "undo");
    /// ```
    #[must_use]
    pub fn new(name: &str) -> Self {
        Self(Arc::from(name))
    }

    /// Its name.
    ///
    /// ```
    /// assert_eq!(weft::Origin::from("sync").name(), "sync");
    /// ```
    #[must_use]
    pub fn name(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Origin {
    fn from(name: &str) -> Self {
        Self::new(name)
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One run of a text change, read left to right over the text as it was.
///
/// ```
/// use weft::TextDelta;
/// let typed = [
///     TextDelta::Retain { chars: 5, utf16: 5, attributes: None },
///     TextDelta::Insert("!".into()),
/// ];
/// assert_eq!(typed[1].utf16_len(), 1);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TextDelta {
    /// Characters kept: `chars` Unicode scalar values, `utf16` UTF-16 code units; with
    /// `attributes`, their formatting changed (Quill's retain with attributes): each name's
    /// new value, `None` where the mark no longer applies.
    Retain {
        /// Unicode scalar values.
        chars: usize,
        /// UTF-16 code units (JavaScript string positions).
        utf16: usize,
        /// The formatting set on these characters (`None`: unchanged).
        #[serde(skip_serializing_if = "Option::is_none")]
        attributes: Option<weft_text::Format>,
    },
    /// Characters inserted.
    Insert(String),
    /// Characters deleted (what they were).
    Delete(String),
}

impl TextDelta {
    /// The run's length in UTF-16 code units.
    ///
    /// ```
    /// assert_eq!(weft::TextDelta::Delete("😀".into()).utf16_len(), 2);
    /// ```
    #[must_use]
    pub fn utf16_len(&self) -> usize {
        match self {
            Self::Retain { utf16, .. } => *utf16,
            Self::Insert(text) | Self::Delete(text) => text.encode_utf16().count(),
        }
    }
}

/// One run of a list change, read left to right over the list as it was.
///
/// ```
/// use weft::{ListDelta, Node, Value};
/// let pushed = [ListDelta::Retain(2), ListDelta::Insert(vec![Node::Value(Value::from(3i64))])];
/// assert_eq!(pushed.len(), 2);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ListDelta {
    /// Elements kept.
    Retain(usize),
    /// Elements inserted (containers as they read after the change).
    Insert(Vec<Node>),
    /// Elements deleted.
    Delete(usize),
}

/// A name of a map whose value changed as a whole: written, removed, created, or switched to
/// another kind (changes *inside* a container under the name are events of that container).
///
/// ```
/// use weft::{KeyChange, Node, Value};
/// let written = KeyChange { key: "done".into(), old: None, new: Some(Node::Value(Value::Bool(true))) };
/// assert!(written.old.is_none());
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KeyChange {
    /// The name.
    pub key: String,
    /// What it showed before (`None`: absent).
    pub old: Option<Node>,
    /// What it shows after (`None`: removed).
    pub new: Option<Node>,
}

/// What changed in one container.
///
/// ```
/// use weft::{Change, TextDelta};
/// let change = Change::Text(vec![TextDelta::Insert("hi".into())]);
/// assert!(matches!(change, Change::Text(_)));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", content = "delta", rename_all = "camelCase")]
pub enum Change {
    /// Names of a map written, removed, created or switched.
    Map(Vec<KeyChange>),
    /// A text edited.
    Text(Vec<TextDelta>),
    /// A list edited.
    List(Vec<ListDelta>),
    /// A counter moved from the first value to the second.
    Counter(i64, i64),
    /// Values added to and removed from a set (add-wins or remove-wins).
    Set {
        /// Values that appeared.
        added: Vec<Value>,
        /// Values that disappeared.
        removed: Vec<Value>,
    },
    /// A multi-value register written, or its concurrent writes merged: its values before
    /// and after, each sorted by encoding (as [`Node::MultiValue`]).
    MultiValue {
        /// The values before.
        old: Vec<Value>,
        /// The values after.
        new: Vec<Value>,
    },
    /// The whole document may have changed in ways not described (a state merge, a repair,
    /// or deltas released from waiting for what they depended on): read it again.
    Reload,
}

/// A change of one container, where it is, and who made it.
///
/// ```
/// use std::cell::RefCell;
/// use std::rc::Rc;
/// use weft::{Change, ContainerPath, Doc, Origin, ReplicaId, TextDelta};
/// let mut doc = Doc::new(ReplicaId::random());
/// doc.transact(|root| root.text("title").insert(0, "Hi").unwrap());
/// let heard = Rc::new(RefCell::new(Vec::new()));
/// let sink = Rc::clone(&heard);
/// doc.observe(ContainerPath::root().key("title"), move |events| {
///     sink.borrow_mut().extend_from_slice(events)
/// });
/// doc.transact_with(Origin::new("keyboard"), |root| root.text("title").insert(2, "!").unwrap());
/// let heard = heard.borrow();
/// assert_eq!(
///     heard[0].change,
///     Change::Text(vec![
///         TextDelta::Retain { chars: 2, utf16: 2, attributes: None },
///         TextDelta::Insert("!".into()),
///     ])
/// );
/// assert_eq!(heard[0].origin, Some(Origin::new("keyboard")));
/// assert!(heard[0].local);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Event {
    /// The changed container, by identity (what [`Doc::observe`](crate::Doc::observe) matches).
    #[serde(skip)]
    pub target: ContainerPath,
    /// The changed container by position, from the root: names and list indices.
    pub path: Vec<PathSegment>,
    /// What changed.
    pub change: Change,
    /// The origin of the transaction (`None` if it named none).
    pub origin: Option<Origin>,
    /// `true` for a change made by this replica, `false` for one received.
    pub local: bool,
}

/// The events of one transaction or received delta, before its origin is set.
///
/// A container created by the transaction is described whole by the event that created it
/// (the name's new value, or the list element inserted), as it reads at the end of the
/// transaction; the events of changes inside it are dropped, as they are part of that value.
#[derive(Debug, Default)]
pub(crate) struct EventLog {
    pub(crate) events: Vec<Event>,
    /// Containers the transaction created: the event that did, where its picture is in that
    /// event, and the container's path.
    created: Vec<(usize, Slot, ContainerPath)>,
}

/// Where the picture of a created container is in its event.
#[derive(Debug)]
enum Slot {
    /// The new value of a name of a map event.
    Key,
    /// An element inserted by a list event: the run and the element in it.
    Element(usize, usize),
}

impl EventLog {
    /// Records `change` of the container `target` (at `path` by position).
    pub(crate) fn push(&mut self, target: ContainerPath, path: Vec<PathSegment>, change: Change) {
        self.events.push(Event {
            target,
            path,
            change,
            origin: None,
            local: true,
        });
    }

    /// Records `change` of `target`, which created the container at `created`: a map change
    /// of one name, or a list change whose last run inserts one element.
    pub(crate) fn push_created(
        &mut self,
        target: ContainerPath,
        path: Vec<PathSegment>,
        change: Change,
        created: ContainerPath,
    ) {
        let slot = match &change {
            Change::List(runs) => Slot::Element(runs.len().saturating_sub(1), 0),
            _ => Slot::Key,
        };
        self.created.push((self.events.len(), slot, created));
        self.push(target, path, change);
    }

    /// Takes the events, stamped with `origin` and `local`, each created container pictured
    /// as `root` (the document after the transaction) shows it.
    pub(crate) fn finish(
        &mut self,
        root: &Object,
        origin: Option<&Origin>,
        local: bool,
    ) -> Vec<Event> {
        let created = std::mem::take(&mut self.created);
        for (at, slot, path) in &created {
            let Ok(Some(node)) =
                lookup(root, path.steps()).map(|entry| entry.and_then(Node::of_entry))
            else {
                continue;
            };
            match (&mut self.events[*at].change, slot) {
                (Change::Map(changes), Slot::Key) => {
                    if let Some(change) = changes.last_mut() {
                        change.new = Some(node);
                    }
                }
                (Change::List(runs), Slot::Element(run, element)) => {
                    if let Some(ListDelta::Insert(nodes)) = runs.get_mut(*run)
                        && let Some(slot) = nodes.get_mut(*element)
                    {
                        *slot = node;
                    }
                }
                _ => {}
            }
        }
        let mut events = std::mem::take(&mut self.events);
        let mut at = 0;
        events.retain(|event| {
            let inside = created
                .iter()
                .any(|(made, _, path)| *made < at && event.target.starts_with(path));
            at += 1;
            !inside
        });
        for event in &mut events {
            event.origin = origin.cloned();
            event.local = local;
        }
        events
    }
}

/// What a container of `kind` reads as when nothing is in it.
pub(crate) fn empty_node(kind: Kind) -> Node {
    match kind {
        Kind::Value => Node::Value(Value::Null),
        Kind::Map => Node::Map(std::collections::BTreeMap::new()),
        Kind::List => Node::List(Vec::new()),
        Kind::Text => Node::Text(String::new()),
        Kind::Counter => Node::Counter(0),
        Kind::Set => Node::Set(Vec::new()),
        Kind::MultiValue => Node::MultiValue(Vec::new()),
        Kind::RemoveWinsSet => Node::RemoveWinsSet(Vec::new()),
    }
}
