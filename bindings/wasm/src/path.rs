//! Paths from the document root to a container: what a JS handle holds instead of a
//! reference, so that no lifetime crosses the boundary.
//!
//! A path starts with a root name; then each step is a name in a map or the identity of a
//! container element in a list (its [`ChildKey`], which stays the same when elements are
//! inserted or deleted before it).

use weft::prelude::*;
use weft::{ChildKey, Element, Entry, Kind, ListContainer, Object, Scope};

use crate::error::WeftError;

/// One step of a path below the root name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Step {
    /// A name in a map.
    Key(String),
    /// A container element of a list.
    Child(ChildKey),
}

/// Where a handle points: a root name and the steps below it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Path {
    pub(crate) root: String,
    pub(crate) steps: Vec<Step>,
}

impl Path {
    /// The root entry `name`.
    pub(crate) fn root(name: &str) -> Self {
        Self {
            root: name.to_owned(),
            steps: Vec::new(),
        }
    }

    /// This path extended by one step.
    pub(crate) fn child(&self, step: Step) -> Self {
        let mut path = self.clone();
        path.steps.push(step);
        path
    }
}

/// The entry at `path`, read-only: `Ok(None)` while it (or a map above it) was never written.
///
/// # Errors
/// [`WeftError::WrongKind`] if a step crosses an entry of another kind than the step needs,
/// [`WeftError::Deleted`] if a list element on the way is gone.
pub(crate) fn resolve<'a>(root: &'a Object, path: &Path) -> Result<Option<&'a Entry>, WeftError> {
    let mut entry = root.entry(&path.root);
    for step in &path.steps {
        entry = match step {
            Step::Key(name) => match expect(entry, Kind::Map)? {
                Some(parent) => parent.map().and_then(|map| map.entry(name)),
                None => None,
            },
            Step::Child(key) => {
                let list = expect(entry, Kind::List)?.and_then(Entry::list);
                match list.and_then(|list| find_child(list, *key)) {
                    Some((_, child)) => child,
                    None => return Err(WeftError::Deleted),
                }
            }
        };
    }
    Ok(entry)
}

/// `entry` if it shows `kind` or nothing yet.
///
/// # Errors
/// [`WeftError::WrongKind`] if it shows another kind.
pub(crate) fn expect(entry: Option<&Entry>, kind: Kind) -> Result<Option<&Entry>, WeftError> {
    match entry.and_then(Entry::kind) {
        Some(found) if found != kind => Err(WeftError::WrongKind {
            expected: kind.name(),
            found: found.name(),
        }),
        _ => Ok(entry),
    }
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

/// Runs `change` on the entry at the end of `steps` below `entry`, creating maps on the way.
/// Call it only after [`resolve`] accepted the path: a step that no longer fits returns
/// `None` and changes nothing.
pub(crate) fn descend<R>(
    entry: &mut Scope<'_, Entry>,
    steps: &[Step],
    change: &mut dyn FnMut(&mut Scope<'_, Entry>) -> R,
) -> Option<R> {
    let Some((step, rest)) = steps.split_first() else {
        return Some(change(entry));
    };
    match step {
        Step::Key(name) => entry.map(|map| map.entry(name, |child| descend(child, rest, change))),
        Step::Child(key) => entry.list(|list| {
            let (index, _) = find_child(list.current(), *key)?;
            list.entry_at(index, |child| descend(child, rest, change))
                .ok()
                .flatten()
        }),
    }
}

#[cfg(test)]
mod tests {
    use weft::prelude::*;
    use weft::{Doc, Element, Entry, Kind, ReplicaId};

    use super::*;

    fn doc() -> Doc {
        let mut doc = Doc::new(ReplicaId::from_u128(1));
        doc.edit_entry("todo", |todo| {
            todo.list(|list| {
                list.push("milk");
                list.insert_entry(1, |item| item.map(|item| item.set("done", false)))
            })
        })
        .unwrap();
        doc.edit_entry("title", |title| title.text(|t| t.insert(0, "hi")))
            .unwrap();
        doc
    }

    fn child_key(doc: &Doc, index: usize) -> ChildKey {
        match doc.root().list("todo").and_then(|list| list.get(index)) {
            Some(Element::Container(key, _)) => key,
            _ => panic!("no container at {index}"),
        }
    }

    #[test]
    fn resolves_names_and_list_children() {
        let doc = doc();
        let item = Path::root("todo").child(Step::Child(child_key(&doc, 1)));
        let done = item.child(Step::Key("done".into()));
        let entry = resolve(doc.root(), &done).unwrap().unwrap();
        assert_eq!(entry.value(), Some(&weft::Value::Bool(false)));
        // Never written: nothing yet, and no error.
        let fresh = Path::root("fresh").child(Step::Key("deep".into()));
        assert!(resolve(doc.root(), &fresh).unwrap().is_none());
    }

    #[test]
    fn refuses_wrong_kinds_and_deleted_children() {
        let mut doc = doc();
        let through_text = Path::root("title").child(Step::Key("x".into()));
        assert!(matches!(
            resolve(doc.root(), &through_text),
            Err(WeftError::WrongKind {
                expected: "map",
                found: "text"
            })
        ));
        let entry = resolve(doc.root(), &Path::root("title")).unwrap();
        assert!(expect(entry, Kind::Text).is_ok());
        assert!(expect(entry, Kind::List).is_err());
        let item = Path::root("todo").child(Step::Child(child_key(&doc, 1)));
        doc.edit_entry("todo", |todo| todo.list(|list| list.delete(1..2)))
            .unwrap();
        assert!(matches!(
            resolve(doc.root(), &item),
            Err(WeftError::Deleted)
        ));
    }

    #[test]
    fn descends_creating_maps_and_following_moved_children() {
        let mut doc = doc();
        let key = child_key(&doc, 1);
        doc.edit_entry("todo", |todo| todo.list(|list| list.insert(0, "first")))
            .unwrap();
        let steps = [Step::Child(key), Step::Key("note".into())];
        let done = doc.edit_entry("todo", |todo| {
            descend(todo, &steps, &mut |note: &mut weft::Scope<'_, Entry>| {
                note.text(|t| t.insert(0, "organic"))
            })
        });
        assert_eq!(done, Some(Ok(())));
        assert_eq!(
            doc.to_json(),
            r#"{"title":"hi","todo":["first","milk",{"done":false,"note":"organic"}]}"#
        );
        let created = doc.edit_entry("new", |new| {
            descend(new, &[Step::Key("a".into())], &mut |a: &mut weft::Scope<
                '_,
                Entry,
            >| {
                a.set_value(1.into());
            })
        });
        assert_eq!(created, Some(()));
        assert_eq!(
            resolve(doc.root(), &Path::root("new").child(Step::Key("a".into())))
                .unwrap()
                .and_then(Entry::value),
            Some(&weft::Value::Int(1))
        );
    }
}
