use chrono::{Datelike, Weekday};

use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
}

#[test]
fn computus_matches_published_easter_dates() {
    // Published Gregorian Easter Sundays, including the earliest (22 March)
    // and latest (25 April) possible dates.
    let known = [
        d(1818, 3, 22),
        d(1900, 4, 15),
        d(1961, 4, 2),
        d(2000, 4, 23),
        d(2008, 3, 23),
        d(2011, 4, 24),
        d(2024, 3, 31),
        d(2025, 4, 20),
        d(2038, 4, 25),
        d(2200, 4, 6),
        d(2285, 3, 22),
    ];
    for date in known {
        assert_eq!(easter_sunday(date.year()), Some(date), "{date}");
    }
    assert_eq!(easter_sunday(1582), None);
}

#[test]
fn easter_is_always_a_sunday_in_its_window() {
    for year in 1583..=4000 {
        let e = easter_sunday(year).expect("gregorian year");
        assert_eq!(e.weekday(), Weekday::Sun, "{year}");
        assert!(e >= d(year, 3, 22) && e <= d(year, 4, 25), "{e}");
    }
}

#[test]
fn default_calendar_covers_common_holidays_in_any_year() {
    let cal = HolidayCalendar::builtin();
    assert!(!cal.rules().is_empty(), "embedded default rules must parse");
    for date in [
        d(2025, 1, 1),
        d(2025, 4, 18), // Good Friday
        d(2025, 4, 20), // Easter Sunday
        d(2025, 4, 21), // Easter Monday
        d(2025, 5, 1),
        d(2025, 5, 29), // Ascension
        d(2025, 6, 9),  // Whit Monday
        d(2025, 12, 25),
        d(2025, 12, 26),
        d(1900, 4, 16),  // Easter Monday 1900
        d(2200, 4, 7),   // Easter Monday 2200
        d(2500, 12, 25), // outside the precomputed table
    ] {
        assert!(cal.is_holiday(date), "{date} should be a holiday");
    }
    for date in [
        d(2025, 1, 2),
        d(2025, 4, 19),
        d(2025, 4, 22),
        d(2500, 12, 27),
    ] {
        assert!(!cal.is_holiday(date), "{date} should not be a holiday");
    }
    let names: Vec<String> = cal
        .holidays_in_year(2025)
        .into_iter()
        .map(|h| h.name)
        .collect();
    assert_eq!(names.first().map(String::as_str), Some("New Year's Day"));
    assert!(names.iter().any(|n| n == "Good Friday"));
}

#[test]
fn table_agrees_with_rule_evaluation_every_day() {
    let cal = HolidayCalendar::parse(
        "fixed 02-29 = leap\nnth 5 mon jan\nlast fri feb\neaster -2\ndate 2024-07-03",
    )
    .unwrap();
    // 1899 and 2201 lie outside the precomputed table, on either side.
    for year in [1899, 1900, 1901, 2000, 2023, 2024, 2199, 2200, 2201] {
        let mut day = d(year, 1, 1);
        while day.year() == year {
            let slow = cal.rules().iter().any(|r| r.date_in(year) == Some(day));
            assert_eq!(cal.is_holiday(day), slow, "{day}");
            day = day.succ_opt().expect("next day");
        }
    }
    assert!(cal.is_holiday(d(2024, 2, 29)));
    assert!(!cal.is_holiday(d(2023, 3, 1)));
}

#[test]
fn weekday_rules() {
    let cal = HolidayCalendar::parse(
        "nth 4 thu nov = Thanksgiving\nlast mon may = Memorial Day\nnth 1 monday 5 = Early May\nnth 5 mon feb = rare",
    )
    .unwrap();
    assert!(cal.is_holiday(d(2024, 11, 28)));
    assert!(cal.is_holiday(d(2024, 5, 27)));
    assert!(cal.is_holiday(d(2024, 5, 6)));
    assert!(!cal.is_holiday(d(2021, 12, 31)));
    // A fifth Monday of February exists only when 1 February is a Monday in
    // a leap year (2016, 2044).
    let rare: Vec<_> = (2000..2050)
        .filter_map(|y| cal.rules()[3].date_in(y))
        .collect();
    assert_eq!(rare, vec![d(2016, 2, 29), d(2044, 2, 29)]);
}

#[test]
fn year_limits_and_one_off_dates() {
    let cal = HolidayCalendar::parse(
        "fixed 06-19 from 2021 = Juneteenth\nfixed 01-02 from 2000 until 2001\ndate 2022-06-03 = Jubilee",
    )
    .unwrap();
    assert!(!cal.is_holiday(d(2020, 6, 19)));
    assert!(cal.is_holiday(d(2021, 6, 19)));
    assert!(cal.is_holiday(d(2001, 1, 2)));
    assert!(!cal.is_holiday(d(2002, 1, 2)));
    assert!(cal.is_holiday(d(2022, 6, 3)));
    assert!(!cal.is_holiday(d(2023, 6, 3)));
    assert_eq!(cal.rules()[0].name, "Juneteenth");
    assert_eq!(cal.rules()[1].name, "");
}

#[test]
fn explicit_dates_and_empty_calendar() {
    let cal = HolidayCalendar::from_dates([d(2024, 3, 5), d(1800, 1, 1), d(3000, 1, 1)]);
    assert!(cal.is_holiday(d(2024, 3, 5)));
    assert!(cal.is_holiday(d(1800, 1, 1)));
    assert!(cal.is_holiday(d(3000, 1, 1)));
    assert!(!cal.is_holiday(d(2024, 3, 6)));
    assert!(!HolidayCalendar::empty().is_holiday(d(2024, 12, 25)));
}

#[test]
fn comments_blank_lines_and_case() {
    let cal = HolidayCalendar::parse(
        "# header\n\n  FIXED 12-25   # trailing comment\nEaster +1 = Easter Monday\n",
    )
    .unwrap();
    assert_eq!(cal.rules().len(), 2);
    assert!(cal.is_holiday(d(2024, 4, 1)));
}

#[test]
fn parse_errors_name_the_line() {
    let cases = [
        ("fixed 01-01\nfixed 13-01", 2, "month"),
        ("fixed 02-30", 1, "month-day"),
        ("\n\nfixd 01-01", 3, "unknown rule kind"),
        ("easter", 1, "expected 'easter OFFSET'"),
        ("easter 300", 1, "outside"),
        ("easter two", 1, "not an integer"),
        ("nth 6 mon may", 1, "1..=5"),
        ("nth 1 funday may", 1, "weekday"),
        ("last mon", 1, "expected 'last WEEKDAY MONTH'"),
        ("date 2024-02-30", 1, "not a date"),
        ("fixed 01-01 from 2020 until 2010", 1, "before"),
        ("fixed 01-01 from 20x0", 1, "not a year"),
        ("fixed 01-01 from 2000 from 2001", 1, "twice"),
        ("= just a name", 1, "missing rule kind"),
    ];
    for (text, line, needle) in cases {
        match HolidayCalendar::parse(text) {
            Err(CalendarError::Parse { line: got, message }) => {
                assert_eq!(got, line, "{text}: {message}");
                assert!(message.contains(needle), "{text}: {message}");
            }
            Ok(_) => panic!("{text} should not parse"),
        }
    }
    let err = HolidayCalendar::parse("bogus").unwrap_err();
    assert!(err.to_string().starts_with("holiday rules line 1:"));
}
