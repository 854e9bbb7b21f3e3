//! The demo catalog: a few dozen products in several categories, as the CSV
//! that ImportProducts takes (so the demo exercises the import path).

use chrono::NaiveDate;
use icc_analytics::HolidayCalendar;

use crate::history;

/// (category, name, unit price in cents) of every demo product.
const PRODUCTS: &[(&str, &str, i64)] = &[
    ("Pasta", "Spaghetti 500 g", 189),
    ("Pasta", "Penne Rigate 500 g", 179),
    ("Pasta", "Fusilli 500 g", 179),
    ("Pasta", "Tagliatelle 250 g", 299),
    ("Pasta", "Lasagne Sheets 500 g", 249),
    ("Pasta", "Orzo 500 g", 219),
    ("Sauces", "Tomato Passata 700 g", 149),
    ("Sauces", "Basil Pesto 190 g", 329),
    ("Sauces", "Arrabbiata 400 g", 279),
    ("Sauces", "Bolognese 400 g", 349),
    ("Sauces", "Olive Oil 1 l", 899),
    ("Sauces", "Balsamic Vinegar 250 ml", 459),
    ("Dairy", "Parmesan 200 g", 549),
    ("Dairy", "Mozzarella 125 g", 129),
    ("Dairy", "Ricotta 250 g", 219),
    ("Dairy", "Butter 250 g", 289),
    ("Dairy", "Whole Milk 1 l", 119),
    ("Dairy", "Greek Yoghurt 500 g", 249),
    ("Beverages", "Sparkling Water 1.5 l", 79),
    ("Beverages", "Espresso Beans 1 kg", 1699),
    ("Beverages", "Orange Juice 1 l", 239),
    ("Beverages", "Chianti 750 ml", 1299),
    ("Beverages", "Lemonade 330 ml", 99),
    ("Beverages", "Green Tea 20 bags", 319),
    ("Bakery", "Ciabatta", 199),
    ("Bakery", "Focaccia", 349),
    ("Bakery", "Grissini 125 g", 229),
    ("Bakery", "Biscotti 200 g", 389),
    ("Produce", "Tomatoes 1 kg", 299),
    ("Produce", "Basil Pot", 249),
    ("Produce", "Garlic 3 pack", 99),
    ("Produce", "Lemons 4 pack", 179),
    ("Produce", "Rocket 100 g", 149),
    ("Snacks", "Taralli 250 g", 259),
    ("Snacks", "Olives 200 g", 299),
    ("Snacks", "Dark Chocolate 100 g", 219),
];

/// Days of cover each product starts with, in turn: a few products need
/// ordering at once (under a week, the lead time reorder advice assumes),
/// some within the forecast horizon, most not, as in a store that orders
/// regularly.
const COVER_DAYS: &[f64] = &[
    4.0, 45.0, 60.0, 20.0, 50.0, 8.0, 70.0, 30.0, 55.0, 40.0, 65.0, 14.0,
];

/// Days of demand the low-stock threshold covers: the reorder lead time.
const THRESHOLD_DAYS: f64 = 7.0;

/// The catalog as CSV. Stock and low-stock thresholds follow the demand the
/// demo history gives each product from `today` on, so the dashboard's low
/// stock, the reorder advice and the forecasts tell one story.
pub fn csv(today: NaiveDate) -> String {
    let calendar = HolidayCalendar::builtin();
    let skus: Vec<String> = PRODUCTS
        .iter()
        .enumerate()
        .map(|(i, (category, ..))| {
            let prefix = category.chars().take(3).collect::<String>().to_uppercase();
            format!("{prefix}-{:03}", i + 1)
        })
        .collect();
    let mut out = String::from("sku,name,category,unit_price_minor,on_hand,low_stock_threshold\n");
    for (i, (sku, (category, name, price))) in skus.iter().zip(PRODUCTS).enumerate() {
        // The history gives demand by position in the catalog's SKU order.
        let position = skus.iter().filter(|other| *other < sku).count();
        let daily = history::mean_daily_units(position, today, &calendar);
        let on_hand = (daily * COVER_DAYS[i % COVER_DAYS.len()]).ceil();
        let threshold = (daily * THRESHOLD_DAYS).ceil();
        out += &format!("{sku},{name},{category},{price},{on_hand},{threshold}\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<Vec<String>> {
        let today = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        let csv = csv(today);
        let rows = csv.lines().skip(1);
        rows.map(|l| l.split(',').map(str::to_owned).collect())
            .collect()
    }

    #[test]
    fn csv_has_a_row_per_product_with_unique_skus() {
        let rows = rows();
        let skus: std::collections::HashSet<_> = rows.iter().map(|r| &r[0]).collect();
        assert_eq!(skus.len(), PRODUCTS.len());
        assert!(rows.iter().all(|r| r.len() == 6));
    }

    #[test]
    fn a_few_products_start_low_and_most_have_weeks_of_stock() {
        let rows = rows();
        let number = |r: &Vec<String>, i: usize| r[i].parse::<f64>().unwrap();
        let low = rows.iter().filter(|r| number(r, 4) <= number(r, 5)).count();
        let weeks = rows
            .iter()
            .filter(|r| number(r, 4) >= 3.0 * number(r, 5))
            .count();
        assert!(
            (2..=6).contains(&low),
            "{low} of 36 start at or below their threshold"
        );
        assert!(weeks >= 18, "only {weeks} of 36 have three weeks of stock");
        assert!(
            rows.iter().all(|r| number(r, 5) >= 1.0),
            "every threshold is at least 1"
        );
    }
}
