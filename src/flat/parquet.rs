//! The flat tables as Parquet files, one per table, with typed columns: whole numbers as
//! `INT64`, decimals as `DOUBLE`, dates as `DATE`, everything else as UTF-8 text, empty cells as
//! nulls (types as [`super::views::column_type`] gives them; a column with a value that is not of
//! its type is written as text, so nothing is lost). R's arrow, pandas, polars, DuckDB and Power BI
//! read them.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use parquet::basic::{Compression, LogicalType, Repetition, Type as Physical};
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int32Type, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;

use super::Table;
use super::views::column_type;
use crate::form::Compiled;
use crate::store::hq::views::ColumnType;

/// Rows per row group (readers take one group at a time).
const GROUP: usize = 100_000;

/// A column's values, typed.
enum Values {
    Text(Vec<ByteArray>),
    Integer(Vec<i64>),
    Decimal(Vec<f64>),
    /// Days since 1970-01-01.
    Date(Vec<i32>),
}

fn days(date: &str) -> Option<i32> {
    let d = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1)?;
    i32::try_from((d - epoch).num_days()).ok()
}

/// Column `col` of `rows` typed as `ty` (as text if a value is not of that type), and each row's
/// definition level (0: null).
fn column(rows: &[Vec<String>], col: usize, ty: ColumnType) -> (Values, Vec<i16>) {
    let cells: Vec<&str> = rows.iter().map(|r| r.get(col).map_or("", String::as_str)).collect();
    let levels: Vec<i16> = cells.iter().map(|c| i16::from(!c.is_empty())).collect();
    let present = || cells.iter().filter(|c| !c.is_empty());
    let typed = match ty {
        ColumnType::Integer => present().map(|c| c.parse().ok()).collect::<Option<Vec<i64>>>().map(Values::Integer),
        ColumnType::Decimal => present().map(|c| c.parse().ok()).collect::<Option<Vec<f64>>>().map(Values::Decimal),
        ColumnType::Date => present().map(|c| days(c)).collect::<Option<Vec<i32>>>().map(Values::Date),
        ColumnType::Text => None,
    };
    let values = typed.unwrap_or_else(|| Values::Text(present().map(|c| ByteArray::from(*c)).collect()));
    (values, levels)
}

fn field(name: &str, values: &Values) -> parquet::errors::Result<Arc<Type>> {
    let (physical, logical) = match values {
        Values::Text(_) => (Physical::BYTE_ARRAY, Some(LogicalType::String)),
        Values::Integer(_) => (Physical::INT64, None),
        Values::Decimal(_) => (Physical::DOUBLE, None),
        Values::Date(_) => (Physical::INT32, Some(LogicalType::Date)),
    };
    Ok(Arc::new(
        Type::primitive_type_builder(name, physical)
            .with_logical_type(logical)
            .with_repetition(Repetition::OPTIONAL)
            .build()?,
    ))
}

fn write_table(form: &Compiled, table: &Table, path: &Path) -> parquet::errors::Result<()> {
    let file = crate::store::create_private(path)?;
    let types: Vec<ColumnType> = table.columns.iter().map(|c| column_type(form, &c.source)).collect();
    // The schema comes from the first group's values (a column that falls back to text does so
    // in every group: it is decided on all the rows).
    let whole: Vec<(Values, Vec<i16>)> = (0..table.columns.len()).map(|i| column(&table.rows, i, types[i])).collect();
    let fields = table
        .columns
        .iter()
        .zip(&whole)
        .map(|(c, (v, _))| field(&c.name, v))
        .collect::<parquet::errors::Result<Vec<_>>>()?;
    let text: Vec<bool> = whole.iter().map(|(v, _)| matches!(v, Values::Text(_))).collect();
    drop(whole);
    let schema = Arc::new(Type::group_type_builder("schema").with_fields(fields).build()?);
    let props = Arc::new(WriterProperties::builder().set_compression(Compression::SNAPPY).build());
    let mut writer = SerializedFileWriter::new(file, schema, props)?;
    for rows in table.rows.chunks(GROUP.max(1)) {
        let mut group = writer.next_row_group()?;
        let mut i = 0;
        while let Some(mut col) = group.next_column()? {
            let ty = if text.get(i).copied().unwrap_or(true) { ColumnType::Text } else { types[i] };
            let (values, levels) = column(rows, i, ty);
            match values {
                Values::Text(v) => col.typed::<ByteArrayType>().write_batch(&v, Some(&levels), None)?,
                Values::Integer(v) => col.typed::<Int64Type>().write_batch(&v, Some(&levels), None)?,
                Values::Decimal(v) => col.typed::<DoubleType>().write_batch(&v, Some(&levels), None)?,
                Values::Date(v) => col.typed::<Int32Type>().write_batch(&v, Some(&levels), None)?,
            };
            col.close()?;
            i += 1;
        }
        group.close()?;
    }
    writer.close()?;
    Ok(())
}

/// Writes `<table name>.parquet` for each table into `dir`; returns the files.
pub fn parquet_files(form: &Compiled, tables: &[Table], dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for t in tables {
        let path = dir.join(format!("{}.parquet", t.name));
        write_table(form, t, &path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        out.push(path);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(cells: &[&str]) -> Vec<Vec<String>> {
        cells.iter().map(|c| vec![c.to_string()]).collect()
    }

    #[test]
    fn dates_become_days_since_1970_and_empty_cells_nulls() {
        let (values, levels) = column(&rows(&["1970-01-02", "", "2026-12-01"]), 0, ColumnType::Date);
        let Values::Date(d) = values else { panic!("a date column") };
        assert_eq!((d, levels), (vec![1, 20_788], vec![1, 0, 1]));
    }

    #[test]
    fn a_column_with_a_value_not_of_its_type_is_kept_whole_as_text() {
        for (ty, cells) in [
            (ColumnType::Integer, ["12", "20-24", ""]),
            (ColumnType::Date, ["2026-11-01", "2026-11", ""]),
            (ColumnType::Decimal, ["1.5", "*", ""]),
        ] {
            let (values, levels) = column(&rows(&cells), 0, ty);
            let Values::Text(t) = values else { panic!("{ty:?} falls back to text") };
            assert_eq!(t.len(), 2);
            assert_eq!(t[1].as_utf8().unwrap(), cells[1]);
            assert_eq!(levels, [1, 1, 0]);
        }
    }
}
