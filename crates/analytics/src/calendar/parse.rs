//! The text format of holiday rules (see `holidays/default.txt`).

use chrono::{NaiveDate, Weekday};

use super::CalendarError;
use super::rule::{EASTER_OFFSET_RANGE, HolidayRule, RuleKind};

/// Parses every rule of `text`; the first bad line is reported by number.
pub(super) fn parse_rules(text: &str) -> Result<Vec<HolidayRule>, CalendarError> {
    let mut rules = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let rule = parse_line(line).map_err(|message| CalendarError::Parse {
            line: i + 1,
            message,
        })?;
        rules.push(rule);
    }
    Ok(rules)
}

fn parse_line(line: &str) -> Result<HolidayRule, String> {
    let (spec, name) = match line.split_once('=') {
        Some((spec, name)) => (spec, name.trim()),
        None => (line, ""),
    };
    let mut tokens: Vec<&str> = spec.split_whitespace().collect();
    let (from_year, until_year) = take_year_limits(&mut tokens)?;
    let (&kind, args) = tokens.split_first().ok_or("missing rule kind")?;
    let kind = match kind.to_ascii_lowercase().as_str() {
        "fixed" => {
            let [md] = expect_args::<1>(args, "fixed MM-DD")?;
            let (month, day) = parse_month_day(md)?;
            RuleKind::Fixed { month, day }
        }
        "easter" => {
            let [offset] = expect_args::<1>(args, "easter OFFSET")?;
            let offset: i32 = offset
                .trim_start_matches('+')
                .parse()
                .map_err(|_| format!("easter offset '{offset}' is not an integer"))?;
            if !EASTER_OFFSET_RANGE.contains(&offset) {
                return Err(format!(
                    "easter offset {offset} is outside {}..={}",
                    EASTER_OFFSET_RANGE.start(),
                    EASTER_OFFSET_RANGE.end()
                ));
            }
            RuleKind::Easter { offset }
        }
        "nth" => {
            let [n, weekday, month] = expect_args::<3>(args, "nth N WEEKDAY MONTH")?;
            let n: u8 = n
                .parse()
                .ok()
                .filter(|n| (1..=5).contains(n))
                .ok_or_else(|| format!("'{n}' is not an occurrence 1..=5"))?;
            RuleKind::NthWeekday {
                n,
                weekday: parse_weekday(weekday)?,
                month: parse_month(month)?,
            }
        }
        "last" => {
            let [weekday, month] = expect_args::<2>(args, "last WEEKDAY MONTH")?;
            RuleKind::LastWeekday {
                weekday: parse_weekday(weekday)?,
                month: parse_month(month)?,
            }
        }
        "date" => {
            let [date] = expect_args::<1>(args, "date YYYY-MM-DD")?;
            let date = NaiveDate::parse_from_str(date, "%Y-%m-%d")
                .map_err(|_| format!("'{date}' is not a date YYYY-MM-DD"))?;
            RuleKind::Date(date)
        }
        other => {
            return Err(format!(
                "unknown rule kind '{other}' (expected fixed, easter, nth, last or date)"
            ));
        }
    };
    if let (Some(from), Some(until)) = (from_year, until_year)
        && until < from
    {
        return Err(format!("until {until} is before from {from}"));
    }
    Ok(HolidayRule {
        kind,
        from_year,
        until_year,
        name: name.to_string(),
    })
}

/// Removes trailing `from YYYY` / `until YYYY` pairs.
fn take_year_limits(tokens: &mut Vec<&str>) -> Result<(Option<i32>, Option<i32>), String> {
    let (mut from, mut until) = (None, None);
    while tokens.len() >= 2 {
        let keyword = tokens[tokens.len() - 2].to_ascii_lowercase();
        let slot = match keyword.as_str() {
            "from" => &mut from,
            "until" => &mut until,
            _ => break,
        };
        if slot.is_some() {
            return Err(format!("'{keyword}' given twice"));
        }
        let year = tokens[tokens.len() - 1];
        *slot = Some(
            year.parse::<i32>()
                .ok()
                .filter(|y| (1583..=9999).contains(y))
                .ok_or_else(|| format!("'{year}' is not a year 1583..=9999"))?,
        );
        tokens.truncate(tokens.len() - 2);
    }
    Ok((from, until))
}

fn expect_args<'a, const N: usize>(args: &[&'a str], usage: &str) -> Result<[&'a str; N], String> {
    <[&str; N]>::try_from(args)
        .map_err(|_| format!("expected '{usage}', got {} argument(s)", args.len()))
}

fn parse_month_day(text: &str) -> Result<(u32, u32), String> {
    let bad = || format!("'{text}' is not a month-day MM-DD");
    let (m, d) = text.split_once('-').ok_or_else(bad)?;
    let month = parse_month(m)?;
    let day: u32 = d.parse().map_err(|_| bad())?;
    // 2000 is a leap year, so 02-29 is accepted and only applies in leap years.
    NaiveDate::from_ymd_opt(2000, month, day).ok_or_else(bad)?;
    Ok((month, day))
}

fn parse_month(text: &str) -> Result<u32, String> {
    const NAMES: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    if let Ok(m) = text.parse::<u32>()
        && (1..=12).contains(&m)
    {
        return Ok(m);
    }
    let lower = text.to_ascii_lowercase();
    NAMES
        .iter()
        .position(|name| lower == *name || lower == name[..3])
        .map(|i| i as u32 + 1)
        .ok_or_else(|| format!("'{text}' is not a month (1..12 or jan..dec)"))
}

fn parse_weekday(text: &str) -> Result<Weekday, String> {
    text.parse::<Weekday>()
        .map_err(|_| format!("'{text}' is not a weekday (mon..sun)"))
}
