//! Change-feed events to sales events: one per sold order line, one
//! reversal per line of a cancelled order, with deterministic ids so that a
//! redelivered change stores nothing new.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use icc_store::{ChangeCause, ChangeEvent, Order, SalesEvent, SalesEventKind};

/// The business day of an instant in the business's time zone.
pub fn business_day(at: DateTime<Utc>, tz: Tz) -> NaiveDate {
    at.with_timezone(&tz).date_naive()
}

/// The sales events a change implies (none for catalog-only changes).
pub fn sales_events(change: &ChangeEvent, tz: Tz) -> Vec<SalesEvent> {
    let Some(order) = &change.order else {
        return Vec::new();
    };
    match change.cause {
        ChangeCause::OrderPlaced => lines(order, change.seq, tz, SalesEventKind::Sale),
        ChangeCause::OrderCancelled => lines(order, change.seq, tz, SalesEventKind::Reversal),
        _ => Vec::new(),
    }
}

fn lines(order: &Order, seq: i64, tz: Tz, kind: SalesEventKind) -> Vec<SalesEvent> {
    let (prefix, sign, occurred_at) = match kind {
        SalesEventKind::Reversal => (
            "reversal",
            -1,
            order.cancel_time.unwrap_or(order.create_time),
        ),
        _ => ("sale", 1, order.create_time),
    };
    // A reversal counts against the day of the sale it reverses, so a
    // cancelled order vanishes from the demand history instead of showing
    // as negative demand on the day it was cancelled.
    let day = business_day(order.create_time, tz);
    order
        .lines
        .iter()
        .map(|line| SalesEvent {
            id: format!("{prefix}:{}:{}", order.id, line.line_number),
            kind,
            order_id: Some(order.id.clone()),
            line_number: line.line_number,
            sku: line.sku.clone(),
            units: sign * line.quantity,
            unit_price_minor: line.unit_price_minor,
            revenue_minor: sign * line.total_minor(),
            order_delta: sign,
            occurred_at,
            business_day: day,
            feed_seq: Some(seq),
        })
        .collect()
}

/// The event of one imported history row.
pub fn imported(
    source: &str,
    sku: &str,
    day: NaiveDate,
    units: i64,
    revenue_minor: i64,
) -> SalesEvent {
    SalesEvent {
        id: format!("import:{source}:{sku}:{day}"),
        kind: SalesEventKind::Imported,
        order_id: None,
        line_number: 0,
        sku: sku.to_owned(),
        units,
        unit_price_minor: 0,
        revenue_minor,
        order_delta: 0,
        occurred_at: day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc(),
        business_day: day,
        feed_seq: None,
    }
}

#[cfg(test)]
mod tests {
    use icc_store::{OrderLine, OrderStatus};

    use super::*;

    fn order(cancelled: bool) -> Order {
        let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        Order {
            id: "o1".into(),
            status: if cancelled {
                OrderStatus::Cancelled
            } else {
                OrderStatus::Placed
            },
            lines: vec![
                OrderLine {
                    line_number: 1,
                    sku: "A".into(),
                    product_name: "a".into(),
                    quantity: 2,
                    unit_price_minor: 150,
                },
                OrderLine {
                    line_number: 2,
                    sku: "B".into(),
                    product_name: "b".into(),
                    quantity: 1,
                    unit_price_minor: 99,
                },
            ],
            idempotency_key: "k".into(),
            note: String::new(),
            // 23:30 UTC on the 1st is already the 2nd in Rome.
            create_time: t("2026-03-01T23:30:00Z"),
            cancel_time: cancelled.then(|| t("2026-03-05T10:00:00Z")),
            cancel_reason: String::new(),
        }
    }

    fn change(cause: ChangeCause, order: Order) -> ChangeEvent {
        ChangeEvent {
            seq: 7,
            commit_time: order.create_time,
            cause,
            order: Some(order),
            levels: Vec::new(),
        }
    }

    #[test]
    fn a_placed_order_is_one_sale_per_line_on_the_local_business_day() {
        let events = sales_events(
            &change(ChangeCause::OrderPlaced, order(false)),
            chrono_tz::Europe::Rome,
        );
        let got: Vec<_> = events
            .iter()
            .map(|e| (e.id.as_str(), e.units, e.revenue_minor, e.order_delta))
            .collect();
        assert_eq!(got, vec![("sale:o1:1", 2, 300, 1), ("sale:o1:2", 1, 99, 1)]);
        assert!(
            events
                .iter()
                .all(|e| e.business_day == NaiveDate::from_ymd_opt(2026, 3, 2).unwrap())
        );
        let utc = sales_events(
            &change(ChangeCause::OrderPlaced, order(false)),
            chrono_tz::UTC,
        );
        assert_eq!(
            utc[0].business_day,
            NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
        );
    }

    #[test]
    fn a_cancelled_order_reverses_each_line_against_the_sale_day() {
        let events = sales_events(
            &change(ChangeCause::OrderCancelled, order(true)),
            chrono_tz::UTC,
        );
        let got: Vec<_> = events
            .iter()
            .map(|e| (e.id.as_str(), e.units, e.revenue_minor, e.order_delta))
            .collect();
        assert_eq!(
            got,
            vec![
                ("reversal:o1:1", -2, -300, -1),
                ("reversal:o1:2", -1, -99, -1)
            ]
        );
        assert!(
            events
                .iter()
                .all(|e| e.business_day == NaiveDate::from_ymd_opt(2026, 3, 1).unwrap())
        );
        assert_eq!(events[0].kind, SalesEventKind::Reversal);
        assert_eq!(
            events[0].occurred_at.date_naive(),
            NaiveDate::from_ymd_opt(2026, 3, 5).unwrap()
        );
    }

    #[test]
    fn catalog_changes_imply_no_sales() {
        let mut c = change(ChangeCause::StockAdjusted, order(false));
        c.order = None;
        assert!(sales_events(&c, chrono_tz::UTC).is_empty());
    }
}
