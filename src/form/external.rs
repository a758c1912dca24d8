//! External secondary instances: the files an `xml-external` or `csv-external` row declares
//! (`instance('name')` reads `name.xml` or `name.csv` beside the form), as documents that
//! expressions walk. An XML file is its own document; a CSV file is `root/item/<column>`, each
//! row an `item`, as ODK builds it.

#![deny(clippy::indexing_slicing)]

use std::collections::BTreeMap;

use super::workbook::Pos;

/// The key that carries an XML file's text among a stored definition's attachment rows.
pub const XML_TEXT: &str = "#xml";

/// An `xml-external` / `csv-external` row.
#[derive(Debug, Clone, PartialEq)]
pub struct External {
    /// Its name: the instance's id.
    pub name: String,
    /// The file it reads (`name.xml` or `name.csv`).
    pub file: String,
    /// Its row on the survey sheet.
    pub row: u32,
    /// Where its type cell is.
    pub pos: Pos,
}

/// An element of a [`Tree`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Element {
    /// Its name (empty for the document node).
    pub name: String,
    /// Its parent (none for the document node).
    pub parent: Option<u32>,
    /// Its child elements, in document order.
    pub children: Vec<u32>,
    /// Its own text (not its descendants').
    pub text: String,
    /// Its attributes.
    pub attributes: Vec<(String, String)>,
}

/// A document: element 0 is the document node, its one child the root element.
#[derive(Debug, Clone, PartialEq)]
pub struct Tree {
    /// Every element, in document order.
    pub elements: Vec<Element>,
}

/// No document has more elements than this (a 16 MB file has fewer).
const ELEMENTS: usize = 1 << 24;

impl Tree {
    fn new() -> Tree {
        Tree { elements: vec![Element::default()] }
    }

    fn push(&mut self, parent: u32, name: &str, text: String, attributes: Vec<(String, String)>) -> Option<u32> {
        if self.elements.len() >= ELEMENTS {
            return None;
        }
        let id = u32::try_from(self.elements.len()).ok()?;
        self.elements.push(Element {
            name: name.to_string(),
            parent: Some(parent),
            children: Vec::new(),
            text,
            attributes,
        });
        self.elements.get_mut(parent as usize)?.children.push(id);
        Some(id)
    }

    /// An XML file as it is.
    pub fn from_xml(text: &str) -> Result<Tree, String> {
        let doc = roxmltree::Document::parse(text).map_err(|e| format!("it is not readable XML: {e}"))?;
        let mut tree = Tree::new();
        // Depth first without recursion: (node, parent element in the tree).
        let mut stack = vec![(doc.root_element(), 0u32)];
        while let Some((node, parent)) = stack.pop() {
            let own: String = node.children().filter(|c| c.is_text()).filter_map(|c| c.text()).collect();
            let attributes =
                node.attributes().map(|a| (a.name().to_string(), a.value().to_string())).collect::<Vec<_>>();
            let id = tree.push(parent, node.tag_name().name(), own, attributes).ok_or("it has too many elements")?;
            let kids: Vec<_> = node.children().filter(roxmltree::Node::is_element).collect();
            stack.extend(kids.into_iter().rev().map(|k| (k, id)));
        }
        Ok(tree)
    }

    /// A CSV file's rows as `root/item/<column>`.
    pub fn from_rows(rows: &[BTreeMap<String, String>]) -> Tree {
        let mut tree = Tree::new();
        let Some(root) = tree.push(0, "root", String::new(), Vec::new()) else { return tree };
        for row in rows {
            let Some(item) = tree.push(root, "item", String::new(), Vec::new()) else { break };
            for (k, v) in row {
                if tree.push(item, k, v.clone(), Vec::new()).is_none() {
                    return tree;
                }
            }
        }
        tree
    }

    /// The string value of element `id`: its text and its descendants', in document order.
    pub fn string_value(&self, id: u32) -> String {
        let mut out = String::new();
        let mut stack = vec![id];
        while let Some(n) = stack.pop() {
            let Some(e) = self.elements.get(n as usize) else { continue };
            if out.len() + e.text.len() > crate::limits::TEXT_BYTES {
                break;
            }
            out.push_str(&e.text);
            stack.extend(e.children.iter().rev());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_xml_file_keeps_its_elements_their_text_and_attributes_in_document_order() {
        let t = Tree::from_xml("<root><data id='7'><a>1</a><b>x<c>y</c></b></data><data/></root>").unwrap();
        let names: Vec<&str> = t.elements.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["", "root", "data", "a", "b", "c", "data"]);
        assert_eq!(t.elements[2].attributes, [("id".to_string(), "7".to_string())]);
        assert_eq!(t.string_value(2), "1xy");
        assert_eq!(t.elements[1].children, [2, 6]);
    }

    #[test]
    fn a_csv_file_is_root_item_and_a_child_per_column() {
        let rows = vec![BTreeMap::from([("name".to_string(), "a".to_string()), ("n".to_string(), "1".to_string())])];
        let t = Tree::from_rows(&rows);
        let names: Vec<&str> = t.elements.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["", "root", "item", "n", "name"]);
        assert_eq!(t.string_value(3), "1");
    }

    #[test]
    fn text_that_is_not_xml_is_refused_saying_so() {
        assert!(Tree::from_xml("<root><a></root>").unwrap_err().contains("not readable XML"));
    }
}
