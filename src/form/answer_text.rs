//! What a record says, as words to search: each answer's value and, for a select, its choices'
//! names and their labels in every language of the form. Question names and metadata are left
//! out, so that a search for `age` finds the records whose answers say it, not every record
//! that asks it.

use serde_json::{Map, Value as J};

use super::compile::Compiled;
use super::model::Kind;

impl Compiled {
    /// The words of `answers` (a record's answers as stored), for the search index.
    pub fn answer_text(&self, answers: &Map<String, J>) -> String {
        let mut out = String::new();
        self.words(answers, &mut out);
        out
    }

    fn words(&self, answers: &Map<String, J>, out: &mut String) {
        for (name, value) in answers {
            if let Some(id) = self.id(name) {
                self.value_words(id, value, out);
            }
        }
    }

    /// The words of item `id`'s value: a repeat's instances, a select's choices (a text of
    /// codes, or a list of them), a value.
    fn value_words(&self, id: super::compile::ItemId, value: &J, out: &mut String) {
        let kind = self.items[id].item.kind;
        match value {
            J::Object(inner) => self.words(inner, out),
            J::Array(values) => values.iter().for_each(|v| self.value_words(id, v, out)),
            _ if !kind.is_question() && kind != Kind::Hidden => {}
            J::String(s) if kind.is_select() => {
                for code in s.split_whitespace() {
                    push(out, code);
                    let choice = self.choice_list(id).and_then(|l| l.iter().find(|c| c.name == code));
                    for label in choice.into_iter().flat_map(|c| c.label.values()) {
                        push(out, label);
                    }
                }
            }
            J::String(s) => push(out, s),
            J::Number(n) => push(out, &n.to_string()),
            J::Bool(_) | J::Null => {}
        }
    }
}

fn push(out: &mut String, words: &str) {
    if out.len() + words.len() > crate::limits::TEXT_BYTES * 4 {
        return;
    }
    if !out.is_empty() {
        out.push(' ');
    }
    out.push_str(words);
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn the_words_are_answers_and_choice_labels_in_every_language_never_question_names() {
        let md = "| survey |\n| | type | name | label | label::Français (fr) |\n| | select_one sex | sex | Sex | Sexe |\n| | integer | age | Age | Âge |\n| | begin_repeat | kids | Kids | Enfants |\n| | text | kid | Name | Nom |\n| | end_repeat | | | |\n| choices |\n| | list_name | name | label | label::Français (fr) |\n| | sex | female | Woman | Femme |\n| | sex | male | Man | Homme |\n";
        let loaded = crate::form::from_workbook(&crate::form::read_md(md), "t", None);
        let form = super::Compiled::new(loaded.form);
        let answers = json!({"sex": "female", "age": 34, "kids": [{"kid": "Awa"}], "start": "2026-01-01"});
        let text = form.answer_text(answers.as_object().unwrap());
        for w in ["female", "Woman", "Femme", "34", "Awa"] {
            assert!(text.contains(w), "{w} in {text}");
        }
        for w in ["sex", "age", "kid", "2026"] {
            assert!(!text.contains(w), "{w} in {text}");
        }
    }
}
