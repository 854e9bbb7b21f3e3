//! Parsing of the product CSV that ImportProducts receives.
//!
//! Header (any column order, any letter case, each column once):
//! `sku,name,category,unit_price_minor` required, `on_hand,low_stock_threshold`
//! optional (0 when absent or empty). Each bad
//! row is reported with its line number and the reason; good rows are kept.

use std::collections::HashMap;

use icc_proto::v1 as pb;
use icc_server::invalid_argument;
use icc_store::NewProduct;
use tonic::Status;

use crate::catalog::new_product;

const REQUIRED: [&str; 4] = ["sku", "name", "category", "unit_price_minor"];
const OPTIONAL: [&str; 2] = ["on_hand", "low_stock_threshold"];

/// Rows to create (with their line numbers) and rows rejected.
#[derive(Debug, Default)]
pub struct Parsed {
    pub rows: Vec<(i64, NewProduct)>,
    pub rejected: Vec<pb::RowRejection>,
}

/// Parses a whole document. Errors only when the document as a whole is
/// unusable (empty, or a header without the required columns).
pub fn parse(csv_bytes: &[u8]) -> Result<Parsed, Status> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(csv_bytes);
    let header = reader
        .headers()
        .map_err(|e| invalid_argument("csv", format!("unreadable header: {e}")))?
        .clone();
    if header.iter().all(str::is_empty) {
        return Err(invalid_argument(
            "csv",
            "the document is empty; expected a header line",
        ));
    }
    let names: Vec<String> = header.iter().map(str::to_ascii_lowercase).collect();
    let mut columns: HashMap<&str, usize> = HashMap::new();
    for (i, name) in names.iter().enumerate() {
        if columns.insert(name, i).is_some() {
            return Err(invalid_argument(
                "csv",
                format!("the column {name:?} appears twice in the header"),
            ));
        }
    }
    if let Some(missing) = REQUIRED.iter().find(|c| !columns.contains_key(*c)) {
        return Err(invalid_argument(
            "csv",
            format!("the header lacks the required column {missing:?}"),
        ));
    }
    if let Some(unknown) = names
        .iter()
        .find(|c| !REQUIRED.contains(&c.as_str()) && !OPTIONAL.contains(&c.as_str()))
    {
        return Err(invalid_argument(
            "csv",
            format!("unknown column {unknown:?} in the header"),
        ));
    }

    let mut parsed = Parsed::default();
    let mut first_line_of: HashMap<String, i64> = HashMap::new();
    let mut lines = LineCounter::new(csv_bytes);
    for record in reader.records() {
        let (line, outcome) = match record {
            Ok(r) => {
                let line = r.position().map_or(0, |p| lines.line_at(p.byte()));
                (line, row(&r, &columns, header.len()))
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.line_at(p.byte()));
                (line, Err((String::new(), format!("unreadable row: {e}"))))
            }
        };
        match outcome {
            Ok(product) => match first_line_of.get(&product.sku) {
                Some(first) => parsed.rejected.push(pb::RowRejection {
                    line,
                    sku: product.sku.clone(),
                    reason: format!("sku {:?} repeats line {first}", product.sku),
                }),
                None => {
                    first_line_of.insert(product.sku.clone(), line);
                    parsed.rows.push((line, product));
                }
            },
            Err((sku, reason)) => parsed.rejected.push(pb::RowRejection { line, sku, reason }),
        }
    }
    Ok(parsed)
}

/// The physical line of a byte offset, counted by '\n' (the csv crate's own
/// line numbers lag by one in CRLF documents). Offsets must not decrease.
struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: i64,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter {
            bytes,
            offset: 0,
            line: 1,
        }
    }

    fn line_at(&mut self, byte: u64) -> i64 {
        let mut end = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len())
            .max(self.offset);
        // With CRLF the csv crate puts a record's start on the previous
        // line's '\n'; the record itself begins after the line break.
        while matches!(self.bytes.get(end), Some(b'\r' | b'\n')) {
            end += 1;
        }
        self.line += self.bytes[self.offset..end]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as i64;
        self.offset = end;
        self.line
    }
}

/// One row to a product, or the SKU (if readable) and the reason.
fn row(
    r: &csv::StringRecord,
    columns: &HashMap<&str, usize>,
    width: usize,
) -> Result<NewProduct, (String, String)> {
    let get = |name: &str| columns.get(name).and_then(|i| r.get(*i)).unwrap_or("");
    let sku = get("sku").to_owned();
    if r.len() != width {
        return Err((sku, format!("expected {width} fields, found {}", r.len())));
    }
    let int = |name: &str| -> Result<i64, (String, String)> {
        let raw = get(name);
        if raw.is_empty() && OPTIONAL.contains(&name) {
            return Ok(0);
        }
        raw.parse().map_err(|_| {
            (
                sku.clone(),
                format!("{name}: {raw:?} is not a whole number"),
            )
        })
    };
    let product = pb::Product {
        sku: sku.clone(),
        name: get("name").to_owned(),
        category: get("category").to_owned(),
        unit_price_minor: int("unit_price_minor")?,
        on_hand: int("on_hand")?,
        low_stock_threshold: int("low_stock_threshold")?,
        ..Default::default()
    };
    new_product("row", &product)
        .map_err(|s| (sku, s.message().trim_start_matches("row.").to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_good_rows_and_reports_bad_ones_with_lines() {
        let csv = "sku,name,category,unit_price_minor,on_hand\n\
                   A-1,Apple,Fruit,120,5\n\
                   ,Nameless,Fruit,1,1\n\
                   B-2,Banana,Fruit,abc,1\n\
                   C-3,Cherry,Fruit,-5,1\n\
                   A-1,Apple again,Fruit,1,1\n\
                   D-4,Date,Fruit,300,\n\
                   E-5,Too,many,fields,1,2\n";
        let parsed = parse(csv.as_bytes()).unwrap();
        let good: Vec<_> = parsed
            .rows
            .iter()
            .map(|(line, p)| (*line, p.sku.as_str(), p.initial_stock))
            .collect();
        assert_eq!(good, vec![(2, "A-1", 5), (7, "D-4", 0)]);
        let bad: Vec<_> = parsed
            .rejected
            .iter()
            .map(|r| (r.line, r.reason.split(':').next().unwrap()))
            .collect();
        assert_eq!(
            bad,
            vec![
                (3, "sku"),
                (4, "unit_price_minor"),
                (5, "unit_price_minor"),
                (6, "sku \"A-1\" repeats line 2"),
                (8, "expected 5 fields, found 6")
            ]
        );
    }

    #[test]
    fn line_numbers_are_physical_lines_in_crlf_documents() {
        let csv = "sku,name,category,unit_price_minor\r\nA,Apple,Fruit,1\r\nB,Banana,Fruit,x\r\n\"C\",\"Cherry\nred\",Fruit,2\r\nD,Date,Fruit,y\r\n";
        let parsed = parse(csv.as_bytes()).unwrap();
        let lines: Vec<_> = parsed.rejected.iter().map(|r| r.line).collect();
        // Row C's name holds a line break (refused: names are one line),
        // and that line break counts as a line: row D is on line 6.
        assert_eq!(lines, vec![3, 4, 6]);
        assert!(parsed.rejected[1].reason.starts_with("name: "));
        let good: Vec<_> = parsed.rows.iter().map(|(l, _)| *l).collect();
        assert_eq!(good, vec![2]);
    }

    #[test]
    fn rejects_unusable_documents() {
        for doc in [
            "",
            "sku,name\nA,B\n",
            "sku,name,category,unit_price_minor,colour\n",
            "sku,name,category,unit_price_minor,SKU\nA,B,C,1,D\n",
        ] {
            assert_eq!(
                parse(doc.as_bytes()).unwrap_err().code(),
                tonic::Code::InvalidArgument,
                "{doc:?}"
            );
        }
        let twice = parse(b"sku,sku,name,category,unit_price_minor\n").unwrap_err();
        assert!(
            twice.message().contains("\"sku\" appears twice"),
            "{twice:?}"
        );
    }

    #[test]
    fn header_names_are_read_in_any_letter_case() {
        let parsed =
            parse(b"SKU,Name,Category,Unit_Price_Minor,On_Hand\nA-1,Apple,Fruit,120,5\n").unwrap();
        assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
        let (line, apple) = &parsed.rows[0];
        assert_eq!(
            (*line, apple.sku.as_str(), apple.initial_stock),
            (2, "A-1", 5)
        );
    }
}
