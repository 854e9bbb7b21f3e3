use chrono::NaiveDate;

use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Three years of 5 units a day from 2021-01-01, with `zero` days set to 0.
fn series_with_zeros(zero: impl Fn(NaiveDate) -> bool) -> DailySeries {
    let start = day(2021, 1, 1);
    let units = (0..3 * 365)
        .map(|i| {
            let d = start + chrono::Days::new(i);
            if zero(d) { 0.0 } else { 5.0 }
        })
        .collect();
    DailySeries::new(start, units).unwrap()
}

#[test]
fn a_holiday_with_no_sales_every_year_is_a_closure() {
    let calendar =
        HolidayCalendar::parse("fixed 12-25 = Christmas\nfixed 12-26 = Boxing Day").unwrap();
    let s = series_with_zeros(|d| d.month() == 12 && d.day() == 25);
    let closed = ClosedDays::learn(&s, &calendar);
    assert_eq!(closed.rules(), &[0]);
    assert!(closed.is_closed(day(2024, 12, 25), &calendar));
    assert!(
        !closed.is_closed(day(2024, 12, 26), &calendar),
        "Boxing Day sold"
    );
    let table = DayTable::new(s.start(), s.len() + 400, &calendar);
    let i = (day(2024, 12, 25) - s.start()).num_days() as usize;
    assert!(closed.is_closed_at(&table, i));
    assert!(!closed.is_closed_at(&table, i + 1));
}

#[test]
fn a_fixed_day_outside_the_calendar_needs_two_years_of_zeros() {
    let calendar = HolidayCalendar::empty();
    let s = series_with_zeros(|d| d.month() == 8 && d.day() == 15);
    let closed = ClosedDays::learn(&s, &calendar);
    assert_eq!(closed.fixed_days(), &[(8, 15)]);
    // Only the first year seen: one zero is not enough.
    let table = DayTable::new(s.start(), s.len(), &calendar);
    let one_year = ClosedDays::learn_prefix(s.units(), 400, &table, 0);
    assert!(one_year.is_empty());
}

#[test]
fn a_slow_mover_earns_no_closure_from_ordinary_zeros() {
    let calendar = HolidayCalendar::parse("fixed 12-25 = Christmas").unwrap();
    // Zero on 3 of every 4 days: a zero Christmas three years running is
    // likely by chance (0.75³ > 0.05).
    let s = series_with_zeros(|d| d.ordinal() % 4 != 0 || (d.month() == 12 && d.day() == 25));
    assert!(ClosedDays::learn(&s, &calendar).is_empty());
    // All zero: nothing is learnt, no division by zero.
    let zeros = DailySeries::new(day(2021, 1, 1), vec![0.0; 800]).unwrap();
    assert!(ClosedDays::learn(&zeros, &calendar).is_empty());
}

#[test]
fn only_the_prefix_is_read() {
    let calendar = HolidayCalendar::parse("fixed 12-25 = Christmas").unwrap();
    let s = series_with_zeros(|d| d.month() == 12 && d.day() == 25);
    let table = DayTable::new(s.start(), s.len(), &calendar);
    // Before the first Christmas nothing is known.
    let early = ClosedDays::learn_prefix(s.units(), 300, &table, 1);
    assert!(early.is_empty());
    let mut changed = s.units().to_vec();
    changed[300..].iter_mut().for_each(|u| *u = 9.0);
    assert_eq!(early, ClosedDays::learn_prefix(&changed, 300, &table, 1));
}

#[test]
fn day_table_matches_chrono() {
    let calendar = HolidayCalendar::builtin();
    let start = day(2023, 12, 30);
    let table = DayTable::new(start, 10, &calendar);
    for i in 0..10 {
        let d = start + chrono::Days::new(i as u64);
        assert_eq!(
            table.weekday(i),
            d.weekday().num_days_from_monday() as usize
        );
        assert_eq!(table.month_day(i), (d.month(), d.day()));
        assert_eq!(table.is_holiday(i), calendar.is_holiday(d));
        assert_eq!(table.day_number(i), d.num_days_from_ce());
    }
    assert!(DayTable::new(start, 0, &calendar).is_empty());
}

#[test]
fn the_yearly_phase_is_that_of_the_day_number() {
    let calendar = HolidayCalendar::builtin();
    // Ten years from 2019 and a few days around 0001-01-01 (day number 1),
    // where the table's index wraps below zero. The table reads day
    // numbers modulo four years; the direct formula rounds its argument of
    // some 12,700 radians to about 2e-12.
    for (start, days) in [(day(2019, 1, 1), 3653), (day(0, 12, 25), 14)] {
        let table = DayTable::new(start, days, &calendar);
        for i in 0..days {
            let phase = std::f64::consts::TAU * f64::from(table.day_number(i)) / 365.25;
            let (sin, cos) = table.yearly_phase(i);
            assert!((sin - phase.sin()).abs() < 1e-11, "day {i}");
            assert!((cos - phase.cos()).abs() < 1e-11, "day {i}");
        }
    }
}

#[test]
fn learning_at_many_origins_in_one_pass_equals_learning_each_alone() {
    let calendar = HolidayCalendar::parse("fixed 12-25 = Christmas\neaster 0 = Easter").unwrap();
    let s = series_with_zeros(|d| {
        (d.month() == 12 && d.day() == 25) || (d.month() == 8 && d.day() == 15)
    });
    let table = DayTable::new(s.start(), s.len(), &calendar);
    let rules = calendar.rules().len();
    // Unordered, repeated and past the end, as a caller might pass them.
    let origins = [900, 30, 400, 760, 400, s.len() + 50, 0];
    let together = ClosedDays::learn_origins(s.units(), &origins, &table, rules);
    for (&o, learnt) in origins.iter().zip(&together) {
        let alone = ClosedDays::learn_origins(s.units(), &[o], &table, rules);
        assert_eq!(learnt, &alone[0], "origin {o}");
    }
    // And the pass does learn something, at the later origins.
    assert!(together[0].rules().contains(&0), "{:?}", together[0]);
    assert!(together[0].fixed_days().contains(&(8, 15)));
    assert!(together[1].is_empty());
}
