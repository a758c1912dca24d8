//! The expression parser and evaluator on any text, with a few answers and a fixed clock.
#![no_main]

use fourmi::expr::{Expression, MapContext, Value};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(e) = Expression::parse(text) else { return };
    let mut ctx = MapContext::default();
    ctx.answers.insert("a".into(), Value::Num(3.0));
    ctx.answers.insert("b".into(), Value::Str("x y".into()));
    ctx.now = fourmi::expr::parse_datetime("2026-01-02T03:04:05.000+01:00");
    let _ = e.eval(&ctx);
});
