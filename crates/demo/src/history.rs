//! A demo sales history, imported through ImportSalesHistory so that facts,
//! features and forecasts are populated from the first minute.
//!
//! Each product gets daily Poisson demand around a level that has a weekly
//! rhythm (busier Fridays and Saturdays, quiet Sundays), a gentle trend, a
//! yearly swing and holiday effects from the same calendar the pipeline
//! uses.

use std::f64::consts::TAU;

use chrono::{Datelike, NaiveDate, Weekday};
use icc_analytics::HolidayCalendar;
use icc_proto::date_to_proto;
use icc_proto::v1::catalog_service_client::CatalogServiceClient;
use icc_proto::v1::ingest_service_client::IngestServiceClient;
use icc_proto::v1::{ImportSalesHistoryRequest, ListProductsRequest, Product, SalesHistoryRow};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, Poisson};
use tonic::transport::Channel;

/// Rows per ImportSalesHistory message.
const ROWS_PER_MESSAGE: usize = 5000;
/// The import's source name: importing it again adds nothing.
pub const SOURCE: &str = "demo-history";
/// Days of history per product unless told otherwise.
pub const DEFAULT_DAYS: usize = 540;

/// Expected units of product number `index` on `day`, `age` days after the
/// history starts.
pub fn expected_units(index: usize, day: NaiveDate, age: usize, calendar: &HolidayCalendar) -> f64 {
    let base = 2.0 + (index * 7 % 13) as f64;
    let weekly = match day.weekday() {
        Weekday::Fri => 1.3,
        Weekday::Sat => 1.5,
        Weekday::Sun => 0.6,
        _ => 1.0,
    };
    let trend = 1.0 + 0.0006 * age as f64 * if index.is_multiple_of(3) { -1.0 } else { 1.0 };
    let yearly = 1.0 + 0.15 * (TAU * f64::from(day.ordinal()) / 365.25 + index as f64).sin();
    let holiday = if calendar.is_holiday(day) { 0.4 } else { 1.0 };
    (base * weekly * trend * yearly * holiday).max(0.05)
}

/// Mean expected units a day of product number `index` over the four weeks
/// from `today`, when the history is [`DEFAULT_DAYS`] long.
pub fn mean_daily_units(index: usize, today: NaiveDate, calendar: &HolidayCalendar) -> f64 {
    let days = today.iter_days().take(28).enumerate();
    days.map(|(k, day)| expected_units(index, day, DEFAULT_DAYS + k, calendar))
        .sum::<f64>()
        / 28.0
}

/// `days` days of history ending yesterday for every product.
pub fn rows(
    products: &[Product],
    days: usize,
    yesterday: NaiveDate,
    seed: u64,
) -> Vec<SalesHistoryRow> {
    let calendar = HolidayCalendar::builtin();
    let mut rng = StdRng::seed_from_u64(seed);
    let start = yesterday - chrono::Days::new(days.saturating_sub(1) as u64);
    let mut rows = Vec::with_capacity(products.len() * days);
    for (index, product) in products.iter().enumerate() {
        for (age, day) in start.iter_days().take(days).enumerate() {
            let mean = expected_units(index, day, age, &calendar);
            let units = Poisson::new(mean).map_or(0.0, |p| p.sample(&mut rng)) as i64;
            rows.push(SalesHistoryRow {
                date: Some(date_to_proto(day)),
                sku: product.sku.clone(),
                units,
                revenue_minor: units * product.unit_price_minor,
            });
        }
    }
    rows
}

pub async fn import(
    orders: Channel,
    ingest: Channel,
    days: usize,
    yesterday: NaiveDate,
) -> anyhow::Result<()> {
    let list = ListProductsRequest {
        page_size: 1000,
        ..Default::default()
    };
    let products = CatalogServiceClient::new(orders)
        .list_products(list)
        .await?
        .into_inner()
        .products;
    let messages: Vec<_> = rows(&products, days, yesterday, 7)
        .chunks(ROWS_PER_MESSAGE)
        .map(|c| ImportSalesHistoryRequest {
            source: SOURCE.into(),
            rows: c.to_vec(),
        })
        .collect();
    let report = IngestServiceClient::new(ingest)
        .import_sales_history(tokio_stream::iter(messages))
        .await?
        .into_inner();
    anyhow::ensure!(
        report.rejected.is_empty(),
        "demo history rows rejected: {:?}",
        &report.rejected[..1]
    );
    tracing::info!(
        accepted = report.accepted_count,
        already_there = report.duplicate_count,
        products = products.len(),
        days,
        "imported the demo sales history"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_is_daily_per_product_with_a_weekly_rhythm() {
        let products: Vec<Product> = (0..3)
            .map(|i| Product {
                sku: format!("P-{i}"),
                unit_price_minor: 100,
                ..Default::default()
            })
            .collect();
        let yesterday = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
        let rows = rows(&products, 364, yesterday, 1);
        assert_eq!(rows.len(), 3 * 364);
        assert!(
            rows.iter()
                .all(|r| r.units >= 0 && r.revenue_minor == r.units * 100)
        );
        let sum_on = |weekday: Weekday| -> i64 {
            rows.iter()
                .filter(|r| {
                    let d = r.date.as_ref().unwrap();
                    NaiveDate::from_ymd_opt(d.year, d.month as u32, d.day as u32)
                        .unwrap()
                        .weekday()
                        == weekday
                })
                .map(|r| r.units)
                .sum()
        };
        assert!(
            sum_on(Weekday::Sat) > sum_on(Weekday::Sun) * 2,
            "Saturdays sell well over twice Sundays"
        );
    }
}
