//! Helpers shared by the integration tests: where the corpus is, and an XML document context.

#![allow(dead_code)]

use std::path::PathBuf;

pub mod cli;
pub mod pg;

use fourmi::expr::{Context, ErrorKind, EvalError, EvalResult, Value};

/// `../shared/corpus/<sub>` beside the project, or `None` (and a note on stderr) when absent.
pub fn corpus(sub: &str) -> Option<PathBuf> {
    let base = std::env::var_os("FOURMI_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    let p = base.join(sub);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("SKIPPED: conformance corpus {} is absent", p.display());
        None
    }
}

/// Reads a JSON-lines file.
pub fn jsonl(path: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .expect("corpus file readable")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("corpus line is JSON"))
        .collect()
}

/// A parsed XML document as an evaluation context. Node 0 is the document node.
pub struct XmlDoc {
    names: Vec<String>,
    parents: Vec<Option<usize>>,
    children: Vec<Vec<usize>>,
    texts: Vec<String>,
    attrs: Vec<Vec<(String, String)>>,
    pub context: usize,
}

impl XmlDoc {
    pub fn parse(xml: &str) -> Option<XmlDoc> {
        let doc = roxmltree::Document::parse(xml).ok()?;
        let mut d =
            XmlDoc { names: vec![], parents: vec![], children: vec![], texts: vec![], attrs: vec![], context: 0 };
        fn add(d: &mut XmlDoc, n: roxmltree::Node, parent: Option<usize>) -> usize {
            let id = d.names.len();
            d.names.push(if n.is_root() { String::new() } else { n.tag_name().name().to_string() });
            d.parents.push(parent);
            d.children.push(vec![]);
            let text: String = n.descendants().filter(|c| c.is_text()).filter_map(|c| c.text()).collect();
            d.texts.push(text);
            d.attrs.push(n.attributes().map(|a| (a.name().to_string(), a.value().to_string())).collect());
            for c in n.children().filter(|c| c.is_element()) {
                let cid = add(d, c, Some(id));
                d.children[id].push(cid);
            }
            id
        }
        add(&mut d, doc.root(), None);
        Some(d)
    }
}

impl Context for XmlDoc {
    fn reference(&self, name: &str) -> EvalResult {
        Err(EvalError::new(ErrorKind::UnknownReference, format!("no ${{{name}}} in a document")))
    }
    fn root(&self) -> Option<usize> {
        Some(0)
    }
    fn context_node(&self) -> Option<usize> {
        Some(self.context)
    }
    fn current_value(&self) -> Option<Value> {
        Some(Value::Str(self.texts[self.context].clone()))
    }
    fn children(&self, node: usize) -> Vec<usize> {
        self.children[node].clone()
    }
    fn parent(&self, node: usize) -> Option<usize> {
        self.parents[node]
    }
    fn name(&self, node: usize) -> String {
        self.names[node].clone()
    }
    fn text(&self, node: usize) -> String {
        self.texts[node].clone()
    }
    fn attribute(&self, node: usize, name: &str) -> Option<String> {
        self.attrs[node].iter().find(|a| a.0 == name).map(|a| a.1.clone())
    }
    fn now(&self) -> chrono::DateTime<chrono::FixedOffset> {
        chrono::Utc::now().fixed_offset()
    }
}

/// No document, no answers.
pub struct Empty;

impl Context for Empty {
    fn reference(&self, name: &str) -> EvalResult {
        Err(EvalError::new(ErrorKind::UnknownReference, format!("no ${{{name}}}")))
    }
}
