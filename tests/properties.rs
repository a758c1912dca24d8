//! Property tests: the expression parser, the form readers and the checks never panic, and the
//! parser reads back what the printer writes.

use fourmi::expr::{Expr, Expression, MapContext, Op, parse};
use fourmi::form;
use proptest::prelude::*;

/// Expression trees made of the constructs forms use.
fn expr_tree() -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![
        (0u32..1000).prop_map(|n| Expr::Num(f64::from(n))),
        (0u32..1000).prop_map(|n| Expr::Num(f64::from(n) / 8.0)),
        "[a-z ]{0,6}".prop_map(Expr::Str),
        "[a-z][a-z0-9_]{0,5}".prop_map(|n| Expr::Ref(n, 0..0)),
    ];
    leaf.prop_recursive(5, 48, 3, |inner| {
        let ops = prop_oneof![
            Just(Op::Or),
            Just(Op::And),
            Just(Op::Eq),
            Just(Op::Ne),
            Just(Op::Lt),
            Just(Op::Ge),
            Just(Op::Add),
            Just(Op::Sub),
            Just(Op::Mul),
            Just(Op::Div),
            Just(Op::Mod),
        ];
        let names = prop_oneof![Just("concat"), Just("if"), Just("selected"), Just("coalesce"), Just("string-length")];
        prop_oneof![
            (ops, inner.clone(), inner.clone()).prop_map(|(op, a, b)| Expr::Binary(op, Box::new(a), Box::new(b))),
            inner.clone().prop_map(|e| Expr::Neg(Box::new(e))),
            (names, prop::collection::vec(inner, 0..4)).prop_map(|(n, args)| Expr::Call {
                name: n.to_string(),
                args,
                span: 0..0
            }),
        ]
    })
}

/// Spans differ between a built tree and a parsed one; compare shapes by their printed form.
fn same(a: &Expr, b: &Expr) -> bool {
    a.to_string() == b.to_string()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parsing_never_panics_on_any_text(text in "\\PC{0,80}") {
        let _ = parse(&text);
    }

    #[test]
    fn parsing_never_panics_on_expression_like_text(text in "[-+*()$/{}\\[\\]@.,:='\"a-z0-9 <>!|]{0,60}") {
        if let Ok(e) = Expression::parse(&text) {
            let _ = e.check();
            let _ = e.eval(&MapContext::default());
        }
    }

    #[test]
    fn printed_expressions_parse_back_to_the_same_tree(tree in expr_tree()) {
        let text = tree.to_string();
        let parsed = parse(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert!(same(&tree, &parsed), "{} reparsed as {}", text, parsed);
    }

    #[test]
    fn evaluating_any_well_formed_tree_never_panics(tree in expr_tree()) {
        let _ = fourmi::expr::eval(&tree, &MapContext::default());
    }

    #[test]
    fn markdown_and_toml_readers_never_panic(text in "\\PC{0,200}") {
        let _ = form::read_md(&text);
        let _ = form::read_toml(&text);
    }

    #[test]
    fn any_table_of_xlsform_words_loads_without_panic(rows in prop::collection::vec(row(), 0..25)) {
        let mut md = String::from("| survey |\n| | type | name | label | relevant | calculation | choice_filter | repeat_count | parameters |\n");
        for r in &rows {
            md.push_str(&format!("| | {} |\n", r.join(" | ")));
        }
        md.push_str("| choices |\n| | list_name | name | label |\n| | yn | yes | Yes |\n| | yn | no | No |\n");
        let loaded = form::from_workbook(&form::read_md(&md), "prop", None);
        if loaded.is_valid() {
            let compiled = form::Compiled::new(loaded.form);
            for id in 0..compiled.items.len() {
                let _ = compiled.affected(id);
            }
        }
    }
}

fn row() -> impl Strategy<Value = Vec<String>> {
    let types = prop_oneof![
        Just("text"),
        Just("integer"),
        Just("select_one yn"),
        Just("select_multiple yn or_other"),
        Just("begin_group"),
        Just("end_group"),
        Just("begin_repeat"),
        Just("end_repeat"),
        Just("calculate"),
        Just("note"),
        Just("range"),
        Just("select_one missing"),
        Just("geoshape"),
        Just("bogus"),
        Just(""),
    ];
    let names = prop_oneof![Just("a"), Just("b"), Just("c"), Just("g"), Just("r"), Just("1bad"), Just("")];
    let exprs = prop_oneof![
        Just(""),
        Just("${a} > 1"),
        Just("${b} + ${c}"),
        Just("${zz}"),
        Just("selected(${a}, 'yes')"),
        Just("(("),
        Just("${c} * 2"),
        Just("if(${a}, 1)"),
        Just("name = ${a}"),
    ];
    (
        types,
        names.clone(),
        names,
        exprs.clone(),
        exprs.clone(),
        exprs.clone(),
        exprs,
        prop_oneof![Just(""), Just("start=1 end=5"), Just("step=0"), Just("x")],
    )
        .prop_map(|(t, n, l, rel, calc, filter, count, params)| {
            vec![
                t.to_string(),
                n.to_string(),
                l.to_string(),
                rel.to_string(),
                calc.to_string(),
                filter.to_string(),
                count.to_string(),
                params.to_string(),
            ]
        })
}

/// Bytes shaped like a batch's first lines, then anything.
fn batch_like() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::sample::select(vec!["fourmi-batch 1\n", "fourmi-batch 2\n", "", "fourmi-batch 1"]),
        "[{}\":,a-z0-9\\[\\] ]{0,80}",
        prop::collection::vec(any::<u8>(), 0..300),
    )
        .prop_map(|(magic, header, rest)| {
            let mut v = magic.as_bytes().to_vec();
            v.extend_from_slice(header.as_bytes());
            v.extend_from_slice(b"\nsignature AAAA\nage\n");
            v.extend(rest);
            v
        })
}

proptest! {
    #[test]
    fn batch_envelopes_of_any_bytes_are_refused_without_panicking(bytes in prop_oneof![batch_like(), prop::collection::vec(any::<u8>(), 0..400)]) {
        let _ = fourmi::batch::envelope::open(&bytes);
    }

    #[test]
    fn batch_payloads_of_any_lines_are_refused_without_panicking(lines in prop::collection::vec(prop_oneof![
        Just(r#"{"kind":"batch","format":1,"device_id":"d","seq":1,"created_at":"t","coarsen":"none"}"#.to_string()),
        Just(r#"{"kind":"end","records":0,"tombstones":0}"#.to_string()),
        Just(r#"{"kind":"tombstone","uuid":"x","form_id":"f","withdrawn_at":"t"}"#.to_string()),
        "[{}\":,a-z0-9]{0,40}",
    ], 0..6)) {
        let _ = fourmi::batch::payload::read(lines.join("\n").as_bytes());
    }
}
