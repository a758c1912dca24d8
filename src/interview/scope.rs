//! Where answers live: the top level and each repeat instance is a [`Scope`]; an item instance
//! is found by a [`Loc`] (the item and the index of each repeat instance around it).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::form::ItemId;

/// One item instance: the item and, for each repeat around it (outermost first), the index of
/// the instance it is in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Loc {
    /// The item.
    pub item: ItemId,
    /// Instance indexes of the enclosing repeats, outermost first.
    pub at: Vec<usize>,
}

impl Loc {
    /// The item at the top level (outside any repeat).
    pub fn top(item: ItemId) -> Loc {
        Loc { item, at: Vec::new() }
    }
}

/// The answers of one scope: the top level, or one instance of a repeat.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scope {
    /// Stored text of the items whose innermost repeat is this scope's.
    pub values: BTreeMap<ItemId, String>,
    /// Items (of this scope) whose own relevance expression is false.
    pub hidden: BTreeMap<ItemId, ()>,
    /// Instances of the repeats directly inside this scope.
    pub repeats: BTreeMap<ItemId, Vec<Scope>>,
}

impl Scope {
    /// The scope reached by following `chain` (repeat items) with instance indexes `at`.
    pub fn get(&self, chain: &[ItemId], at: &[usize]) -> Option<&Scope> {
        let mut s = self;
        for (r, i) in chain.iter().zip(at) {
            s = s.repeats.get(r)?.get(*i)?;
        }
        Some(s)
    }

    /// Mutable [`Scope::get`].
    pub fn get_mut(&mut self, chain: &[ItemId], at: &[usize]) -> Option<&mut Scope> {
        let mut s = self;
        for (r, i) in chain.iter().zip(at) {
            s = s.repeats.get_mut(r)?.get_mut(*i)?;
        }
        Some(s)
    }
}
