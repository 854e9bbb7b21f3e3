//! The demo catalog: a few dozen products in several categories, as the CSV
//! that ImportProducts takes (so the demo exercises the import path).

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

/// The catalog as CSV, with stock and thresholds varied so that some
/// products start low.
pub fn csv() -> String {
    let mut out = String::from("sku,name,category,unit_price_minor,on_hand,low_stock_threshold\n");
    for (i, (category, name, price)) in PRODUCTS.iter().enumerate() {
        let prefix: String = category.chars().take(3).collect::<String>().to_uppercase();
        let on_hand = 20 + (i * 37 % 180);
        let threshold = 10 + (i * 7 % 20);
        out += &format!(
            "{prefix}-{:03},{name},{category},{price},{on_hand},{threshold}\n",
            i + 1
        );
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn csv_has_a_row_per_product_with_unique_skus() {
        let csv = super::csv();
        let skus: std::collections::HashSet<_> = csv
            .lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap())
            .collect();
        assert_eq!(skus.len(), super::PRODUCTS.len());
        assert!(csv.lines().skip(1).all(|l| l.split(',').count() == 6));
    }
}
