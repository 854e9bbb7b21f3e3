//! Reads the evaluation panel: a CSV with header `date,series,units`,
//! plain or gzip (recognised by its magic bytes, not its name), one row
//! per series per day.
//!
//! The whole file is checked before anything is evaluated. The first bad
//! row stops the read with its line number and the reason: a malformed
//! date, an empty series name, units that are negative, not a whole
//! number or over 1e9, a series' dates out of order, or a second row for
//! the same series and day. Series may be interleaved (sorted by date, then series,
//! is as good as by series, then date). A day missing inside a series is
//! a day without sales (0 units), as everywhere in the project; the read
//! counts such days so the caller can say so.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use chrono::NaiveDate;
use flate2::read::MultiGzDecoder;
use icc_analytics::{DailySeries, Duplicates};

/// The first bytes of every gzip stream.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Why the panel could not be read: where (file, line) and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{source_name}{}: {reason}", line.map(|l| format!(" line {l}")).unwrap_or_default())]
pub struct PanelError {
    /// The file, as named on the command line.
    pub source_name: String,
    /// 1-based line of the offending row, when there is one.
    pub line: Option<u64>,
    /// What is wrong, naming the series where there is one.
    pub reason: String,
}

/// The series of a panel, in order of first appearance.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    /// `(name, series)`, each series gap-filled from its first row to its
    /// last.
    pub series: Vec<(String, DailySeries)>,
    /// Rows read.
    pub rows: usize,
    /// Days missing inside series, filled with 0 units.
    pub filled_days: usize,
    /// Series that had missing days.
    pub series_with_gaps: usize,
}

/// Reads the panel at `path`.
pub fn read_panel(path: &Path) -> Result<Panel, PanelError> {
    let name = path.display().to_string();
    let file = File::open(path).map_err(|e| PanelError {
        source_name: name.clone(),
        line: None,
        reason: format!("cannot open: {e}"),
    })?;
    let mut reader = BufReader::new(file);
    let gzip = reader
        .fill_buf()
        .map(|head| head.starts_with(&GZIP_MAGIC))
        .map_err(|e| PanelError {
            source_name: name.clone(),
            line: None,
            reason: format!("cannot read: {e}"),
        })?;
    if gzip {
        parse_panel(BufReader::new(MultiGzDecoder::new(reader)), &name)
    } else {
        parse_panel(reader, &name)
    }
}

/// One series as read so far.
struct Building {
    name: String,
    rows: Vec<(NaiveDate, f64)>,
    last_line: u64,
}

/// The series read so far, in order of first appearance.
#[derive(Default)]
struct Builder {
    index: HashMap<String, usize>,
    series: Vec<Building>,
    rows: usize,
}

impl Builder {
    /// Adds the row on `line`; the error says what is wrong with it.
    fn push(&mut self, series: &str, date: NaiveDate, units: f64, line: u64) -> Result<(), String> {
        let slot = match self.index.get(series) {
            Some(&i) => i,
            None => {
                self.index.insert(series.to_owned(), self.series.len());
                self.series.push(Building {
                    name: series.to_owned(),
                    rows: Vec::new(),
                    last_line: line,
                });
                self.series.len() - 1
            }
        };
        let b = &mut self.series[slot];
        if let Some(&(previous, _)) = b.rows.last() {
            if date == previous {
                return Err(format!(
                    "series {series}: a second row for {date} (the first is on line {})",
                    b.last_line
                ));
            }
            if date < previous {
                return Err(format!(
                    "series {series}: rows are not in date order: {date} comes after {previous} \
                     (line {})",
                    b.last_line
                ));
            }
        }
        b.rows.push((date, units));
        b.last_line = line;
        self.rows += 1;
        Ok(())
    }

    /// The panel, every series filled to whole days (a missing day is 0).
    fn finish(self) -> Result<Panel, String> {
        if self.series.is_empty() {
            return Err("no data rows after the header".into());
        }
        let mut series = Vec::with_capacity(self.series.len());
        let (mut filled_days, mut series_with_gaps) = (0usize, 0usize);
        for b in self.series {
            let end = b.rows.last().map(|r| r.0).unwrap_or(NaiveDate::MIN);
            let s = DailySeries::from_observations(&b.rows, end, Duplicates::Reject)
                .map_err(|e| format!("series {}: {e}", b.name))?;
            let gaps = s.len() - b.rows.len();
            filled_days += gaps;
            series_with_gaps += usize::from(gaps > 0);
            series.push((b.name, s));
        }
        Ok(Panel {
            series,
            rows: self.rows,
            filled_days,
            series_with_gaps,
        })
    }
}

/// Reads a panel from any reader; `source_name` names it in errors.
pub fn parse_panel(reader: impl Read, source_name: &str) -> Result<Panel, PanelError> {
    let fail = |line: Option<u64>, reason: String| PanelError {
        source_name: source_name.to_owned(),
        line,
        reason,
    };
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(reader);
    let header = csv.headers().map_err(|e| fail(Some(1), csv_reason(&e)))?;
    check_header(header).map_err(|reason| fail(Some(1), reason))?;

    let mut builder = Builder::default();
    let mut record = csv::StringRecord::new();
    loop {
        match csv.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map(|p| p.line());
                return Err(fail(line, csv_reason(&e)));
            }
        }
        let line = record
            .position()
            .map_or(builder.rows as u64 + 2, |p| p.line());
        let (series, date, units) = parse_row(&record).map_err(|r| fail(Some(line), r))?;
        builder
            .push(series, date, units, line)
            .map_err(|r| fail(Some(line), r))?;
    }
    builder.finish().map_err(|reason| fail(None, reason))
}

fn check_header(header: &csv::StringRecord) -> Result<(), String> {
    let names: Vec<&str> = header.iter().map(str::trim).collect();
    if names == ["date", "series", "units"] {
        return Ok(());
    }
    Err(format!(
        "the header must be date,series,units, found {}",
        header.iter().collect::<Vec<_>>().join(",")
    ))
}

/// A data row's series, date and units.
fn parse_row(record: &csv::StringRecord) -> Result<(&str, NaiveDate, f64), String> {
    let series = record[1].trim();
    if series.is_empty() {
        return Err("the series name is empty".into());
    }
    let date_text = record[0].trim();
    let date = date_text
        .parse::<NaiveDate>()
        .map_err(|_| format!("series {series}: date '{date_text}' is not YYYY-MM-DD"))?;
    let units = parse_units(record[2].trim()).map_err(|why| format!("series {series}: {why}"))?;
    Ok((series, date, units))
}

/// The most units a series may sell in a day, as in ImportSalesHistory: far
/// beyond any shop, and far inside what f64 sums exactly.
const MAX_UNITS: f64 = 1e9;

/// Units must be a whole, non-negative number (`3` or `3.0`) of at most
/// [`MAX_UNITS`].
fn parse_units(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if !v.is_finite() => Err(format!("units '{text}' are not a number")),
        Ok(v) if v < 0.0 => Err(format!("units {text} are negative")),
        Ok(v) if v.fract() != 0.0 => Err(format!("units {text} are not a whole number")),
        Ok(v) if v > MAX_UNITS => Err(format!("units {text} are more than 1e9 in a day")),
        Ok(v) => Ok(v),
        Err(_) => Err(format!("units '{text}' are not a number")),
    }
}

fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields where the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".into(),
        csv::ErrorKind::Io(io) => format!("cannot read: {io}"),
        _ => e.to_string(),
    }
}
