//! `ExpandRules`: a document's expand rule per mark name (how a mark grows when text is typed
//! at its boundaries). A rule only decides the anchors of marks made here; marks made
//! elsewhere carry their own, so replicas need not share a configuration.

use weft_text::Expand;

use crate::doc::Doc;

/// The expand rule of each mark name. Without a rule of its own, a name expands
/// [`Expand::After`] (bold, italic, …: text typed at a mark's end joins it), except `link`,
/// `href` and `comment`, which expand [`Expand::None`] (text typed at either boundary stays
/// outside).
///
/// ```
/// use weft::{Expand, ExpandRules};
/// let mut rules = ExpandRules::default();
/// assert_eq!(rules.get("bold"), Expand::After);
/// assert_eq!(rules.get("link"), Expand::None);
/// rules.set("highlight", Expand::Both);
/// assert_eq!(rules.get("highlight"), Expand::Both);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExpandRules {
    /// Sorted by name (a few names: a vector, not a B-tree compiled for this one type).
    rules: Vec<(String, Expand)>,
}

impl ExpandRules {
    /// The rule of `name`.
    #[must_use]
    pub fn get(&self, name: &str) -> Expand {
        match self.find(name) {
            Ok(at) => self.rules[at].1,
            Err(_) if matches!(name, "link" | "href" | "comment") => Expand::None,
            Err(_) => Expand::After,
        }
    }

    /// Gives `name` the rule `rule`.
    pub fn set(&mut self, name: &str, rule: Expand) {
        match self.find(name) {
            Ok(at) => self.rules[at].1 = rule,
            Err(at) => self.rules.insert(at, (name.to_owned(), rule)),
        }
    }

    fn find(&self, name: &str) -> Result<usize, usize> {
        self.rules
            .binary_search_by(|(held, _)| held.as_str().cmp(name))
    }
}

impl Doc {
    /// The expand rules this replica makes marks with (see [`ExpandRules`]).
    ///
    /// ```
    /// use weft::{Doc, Expand, ReplicaId};
    /// let doc = Doc::new(ReplicaId::random());
    /// assert_eq!(doc.expand_rules().get("comment"), Expand::None);
    /// ```
    #[must_use]
    pub fn expand_rules(&self) -> &ExpandRules {
        &self.expand
    }

    /// Gives marks named `name` made here from now on the expand rule `rule`.
    ///
    /// ```
    /// use weft::{Doc, Expand, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.set_expand("highlight", Expand::Both);
    /// assert_eq!(doc.expand_rules().get("highlight"), Expand::Both);
    /// ```
    pub fn set_expand(&mut self, name: &str, rule: Expand) {
        self.expand.set(name, rule);
    }
}
