//! `ContainerPath`: where a container is in a document, by identity — names in maps and the
//! identity of elements in lists — so that it keeps naming the same container while elements
//! are inserted or deleted before it.

use std::fmt;

use weft_core::Scope;

use crate::doc::entry::Entry;
use crate::doc::error::DocError;
use crate::doc::kind::Kind;
use crate::doc::list::{ChildKey, Element, ListContainer, child};
use crate::doc::object::{Object, list_part, map_part, with_entry};

/// One step from a container to a container inside it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Step {
    /// The entry under a name of a map.
    Key(String),
    /// The container element of a list with this identity.
    Child(ChildKey),
}

/// Where a container is, from the document's root map: the steps down to it. The root map
/// itself is the empty path.
///
/// ```
/// use weft::{ContainerPath, Step};
/// let title = ContainerPath::root().key("todo").key("title");
/// assert_eq!(title.steps(), [Step::Key("todo".into()), Step::Key("title".into())]);
/// assert!(title.starts_with(&ContainerPath::root().key("todo")));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContainerPath {
    steps: Vec<Step>,
}

impl ContainerPath {
    /// The root map.
    ///
    /// ```
    /// assert!(weft::ContainerPath::root().steps().is_empty());
    /// ```
    #[must_use]
    pub fn root() -> Self {
        Self::default()
    }

    /// The entry `name` of the map at this path.
    ///
    /// ```
    /// let notes = weft::ContainerPath::root().key("notes");
    /// assert_eq!(notes.steps().len(), 1);
    /// ```
    #[must_use]
    pub fn key(&self, name: &str) -> Self {
        self.then(Step::Key(name.to_owned()))
    }

    /// The container element `key` of the list at this path.
    ///
    /// ```
    /// use weft::{ContainerPath, Doc, Element, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.list("todos").push_map().put("done", false));
    /// let Some(Element::Container(key, _)) = doc.root().get_list("todos").and_then(|l| l.get(0))
    /// else { panic!("a map element") };
    /// let todo = ContainerPath::root().key("todos").child(key);
    /// assert_eq!(todo.steps().len(), 2);
    /// ```
    #[must_use]
    pub fn child(&self, key: ChildKey) -> Self {
        self.then(Step::Child(key))
    }

    /// This path extended by `step`.
    ///
    /// ```
    /// use weft::{ContainerPath, Step};
    /// let path = ContainerPath::root().then(Step::Key("a".into()));
    /// assert_eq!(path, ContainerPath::root().key("a"));
    /// ```
    #[must_use]
    pub fn then(&self, step: Step) -> Self {
        let mut steps = self.steps.clone();
        steps.push(step);
        Self { steps }
    }

    /// The steps from the root.
    ///
    /// ```
    /// assert_eq!(weft::ContainerPath::root().key("a").steps().len(), 1);
    /// ```
    #[must_use]
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// Whether this path is `prefix` or inside it.
    ///
    /// ```
    /// use weft::ContainerPath;
    /// let list = ContainerPath::root().key("list");
    /// assert!(list.key("x").starts_with(&list));
    /// assert!(!list.starts_with(&list.key("x")));
    /// ```
    #[must_use]
    pub fn starts_with(&self, prefix: &ContainerPath) -> bool {
        self.steps.starts_with(&prefix.steps)
    }

    /// The path of the container holding this one (`None` for the root).
    ///
    /// ```
    /// use weft::ContainerPath;
    /// assert_eq!(ContainerPath::root().key("a").parent(), Some(ContainerPath::root()));
    /// assert_eq!(ContainerPath::root().parent(), None);
    /// ```
    #[must_use]
    pub fn parent(&self) -> Option<ContainerPath> {
        let (_, rest) = self.steps.split_last()?;
        Some(Self {
            steps: rest.to_vec(),
        })
    }

    /// The last step (`None` for the root).
    ///
    /// ```
    /// use weft::{ContainerPath, Step};
    /// assert_eq!(ContainerPath::root().key("a").last(), Some(&Step::Key("a".into())));
    /// ```
    #[must_use]
    pub fn last(&self) -> Option<&Step> {
        self.steps.last()
    }
}

impl fmt::Display for ContainerPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("/")?;
        for (position, step) in self.steps.iter().enumerate() {
            if position > 0 {
                f.write_str("/")?;
            }
            match step {
                Step::Key(name) => f.write_str(name)?,
                Step::Child(key) => write!(f, "{key}")?,
            }
        }
        Ok(())
    }
}

/// A step of an event's path by position: a name in a map or an index in a list.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(untagged)]
pub enum PathSegment {
    /// A name in a map.
    Key(String),
    /// An index in a list.
    Index(usize),
}

/// The entry at `steps` below the root map: `Ok(None)` while it (or a map above it) does not
/// show what the steps need yet (a change through the path creates or switches it).
///
/// # Errors
/// [`DocError::Deleted`] if a list element a step names is gone, or the entry above it is
/// not a list.
pub(crate) fn lookup<'a>(root: &'a Object, steps: &[Step]) -> Result<Option<&'a Entry>, DocError> {
    let Some((first, rest)) = steps.split_first() else {
        return Ok(None);
    };
    let Step::Key(name) = first else {
        return Err(DocError::Deleted);
    };
    let mut entry = root.get(name);
    for step in rest {
        entry = match step {
            Step::Key(name) => entry.and_then(Entry::as_map).and_then(|map| map.get(name)),
            Step::Child(key) => {
                let list = entry.and_then(Entry::as_list).ok_or(DocError::Deleted)?;
                match find_child(list, *key) {
                    Some((_, child)) => child,
                    None => return Err(DocError::Deleted),
                }
            }
        };
    }
    Ok(entry)
}

/// The index and entry of the container element `key` of `list`.
pub(crate) fn find_child(list: &ListContainer, key: ChildKey) -> Option<(usize, Option<&Entry>)> {
    list.iter()
        .enumerate()
        .find_map(|(index, element)| match element {
            Element::Container(found, entry) if found == key => Some((index, entry)),
            _ => None,
        })
}

/// `path` by position in `root` as it is now (`None` if a list element on the way is gone).
pub(crate) fn positional(root: &Object, path: &ContainerPath) -> Option<Vec<PathSegment>> {
    let mut segments = Vec::with_capacity(path.steps.len());
    let mut entry: Option<&Entry> = None;
    for step in &path.steps {
        match step {
            Step::Key(name) => {
                segments.push(PathSegment::Key(name.clone()));
                entry = match entry {
                    None if segments.len() == 1 => root.get(name),
                    other => other.and_then(Entry::as_map).and_then(|map| map.get(name)),
                };
            }
            Step::Child(key) => {
                let list = entry.and_then(Entry::as_list)?;
                let (index, child) = find_child(list, *key)?;
                segments.push(PathSegment::Index(index));
                entry = child;
            }
        }
    }
    Some(segments)
}

/// Runs `change` on the entry at the end of `steps` (at least one) below the root map,
/// creating or switching maps and lists on the way. Returns `None` (changing nothing) if a
/// list element a step names is gone: call it after [`lookup`] accepted the path. Not generic
/// over a result (`change` keeps its own): one copy serves every caller.
pub(crate) fn descend(
    root: &mut Scope<'_, Object>,
    steps: &[Step],
    change: &mut dyn FnMut(&mut Scope<'_, Entry>),
) -> Option<()> {
    let (first, rest) = steps.split_first()?;
    let Step::Key(name) = first else {
        return None;
    };
    with_entry(root, name, |entry| descend_entry(entry, rest, change))
}

fn descend_entry(
    entry: &mut Scope<'_, Entry>,
    steps: &[Step],
    change: &mut dyn FnMut(&mut Scope<'_, Entry>),
) -> Option<()> {
    let Some((step, rest)) = steps.split_first() else {
        change(entry);
        return Some(());
    };
    match step {
        Step::Key(name) => map_part(entry, |map| {
            with_entry(map, name, |child| descend_entry(child, rest, change))
        }),
        Step::Child(key) => {
            if entry.current().kind() != Some(Kind::List) {
                return None;
            }
            list_part(entry, |list| {
                child(list, *key, |child| descend_entry(child, rest, change)).flatten()
            })
        }
    }
}

impl ContainerPath {
    /// The path of `steps`.
    pub(crate) fn from_steps(steps: Vec<Step>) -> Self {
        Self { steps }
    }
}
