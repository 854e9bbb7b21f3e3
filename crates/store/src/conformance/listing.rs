//! Product listings: SKU order, paging and filters.

use std::sync::Arc;

use super::support::{all_products, create, new_product, page_lengths, place, product_pages, skus};
use crate::{NewProduct, PageRequest, Product, ProductFilter, ProductPatch, ProductStatus, Store};

/// Listing is in SKU order; following the cursors visits every product once,
/// the page that ends the listing has no cursor, and a listing resumes after
/// the SKU given as cursor.
pub async fn list_products_pages_in_sku_order_without_gaps(store: Arc<dyn Store>) {
    let created = [
        "SKU-05", "SKU-02", "SKU-07", "SKU-01", "SKU-06", "SKU-03", "SKU-04",
    ];
    for sku in created {
        create(&*store, sku, 1).await;
    }
    let mut expected = created.to_vec();
    expected.sort_unstable();
    let all = ProductFilter::default();

    let pages = product_pages(&*store, &all, 3).await;
    assert_eq!(page_lengths(&pages), [3, 3, 1], "7 products in pages of 3");
    let listed: Vec<Product> = pages.into_iter().flatten().collect();
    assert_eq!(
        skus(&listed),
        expected,
        "pages in SKU order, no duplicates, no gaps"
    );

    let pages = product_pages(&*store, &all, 7).await;
    assert_eq!(
        page_lengths(&pages),
        [7],
        "a page that ends the listing has no next cursor"
    );
    let pages = product_pages(&*store, &all, 100).await;
    assert_eq!(page_lengths(&pages), [7]);

    let resumed = store
        .list_products(
            &all,
            &PageRequest {
                size: 2,
                after: Some("SKU-03".into()),
            },
        )
        .await
        .expect("list_products after SKU-03");
    assert_eq!(
        skus(&resumed.items),
        ["SKU-04", "SKU-05"],
        "the cursor is the last SKU seen"
    );
}

/// Filters and paging combine: pages of a filtered listing hold only matching
/// products, in SKU order, each once.
pub async fn list_products_pages_filtered_results(store: Arc<dyn Store>) {
    for i in 0..10 {
        let category = if i % 2 == 0 { "even" } else { "odd" };
        let product = NewProduct {
            category: category.into(),
            ..new_product(&format!("PG-{i:02}"), 1)
        };
        store.create_product(product).await.expect("create_product");
    }
    store
        .archive_product("PG-04")
        .await
        .expect("archive_product");
    let filter = ProductFilter {
        category: Some("even".into()),
        ..Default::default()
    };
    let pages = product_pages(&*store, &filter, 2).await;
    assert_eq!(
        page_lengths(&pages),
        [2, 2],
        "4 active even products in pages of 2"
    );
    let listed: Vec<Product> = pages.into_iter().flatten().collect();
    assert_eq!(skus(&listed), ["PG-00", "PG-02", "PG-06", "PG-08"]);

    let filter = ProductFilter {
        category: Some("even".into()),
        include_archived: true,
        ..Default::default()
    };
    let listed: Vec<Product> = product_pages(&*store, &filter, 2)
        .await
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(skus(&listed), ["PG-00", "PG-02", "PG-04", "PG-06", "PG-08"]);
}

/// The query is a case-insensitive substring of the SKU or the name (not of
/// the category).
pub async fn list_products_query_matches_sku_or_name_case_insensitively(store: Arc<dyn Store>) {
    let products = [
        ("ABC-001", "Red Widget", "parts"),
        ("XYZ-002", "blue gadget", "parts"),
        ("QRS-003", "Widget Pro", "parts"),
        ("LMN-004", "Thing", "widgets"),
    ];
    for (sku, name, category) in products {
        let product = NewProduct {
            name: name.into(),
            category: category.into(),
            ..new_product(sku, 1)
        };
        store.create_product(product).await.expect("create_product");
    }
    let cases: [(&str, &[&str]); 6] = [
        ("widget", &["ABC-001", "QRS-003"]),
        ("WIDGET", &["ABC-001", "QRS-003"]),
        ("GaDgEt", &["XYZ-002"]),
        ("abc", &["ABC-001"]),
        ("z-00", &["XYZ-002"]),
        ("nothing-matches", &[]),
    ];
    for (query, expected) in cases {
        let filter = ProductFilter {
            query: Some(query.into()),
            ..Default::default()
        };
        let listed = all_products(&*store, &filter).await;
        assert_eq!(skus(&listed), expected, "query {query:?}");
    }
}

/// The query is plain text: `%` and `_` match only themselves.
pub async fn list_products_query_is_literal_text(store: Arc<dyn Store>) {
    let products = [
        ("LIT-1", "50% Cotton Shirt"),
        ("LIT-2", "under_score"),
        ("LIT-3", "plain"),
    ];
    for (sku, name) in products {
        let product = NewProduct {
            name: name.into(),
            ..new_product(sku, 1)
        };
        store.create_product(product).await.expect("create_product");
    }
    for (query, expected) in [("%", ["LIT-1"]), ("_", ["LIT-2"]), ("0%", ["LIT-1"])] {
        let filter = ProductFilter {
            query: Some(query.into()),
            ..Default::default()
        };
        let listed = all_products(&*store, &filter).await;
        assert_eq!(skus(&listed), expected, "query {query:?} is literal text");
    }
}

/// The category filter selects the products of that category.
pub async fn list_products_filters_by_category(store: Arc<dyn Store>) {
    for (sku, category) in [
        ("CAT-1", "tools"),
        ("CAT-2", "toys"),
        ("CAT-3", "tools"),
        ("CAT-4", "tool"),
    ] {
        let product = NewProduct {
            category: category.into(),
            ..new_product(sku, 1)
        };
        store.create_product(product).await.expect("create_product");
    }
    for (category, expected) in [
        ("tools", &["CAT-1", "CAT-3"][..]),
        ("toys", &["CAT-2"]),
        ("garden", &[]),
    ] {
        let filter = ProductFilter {
            category: Some(category.into()),
            ..Default::default()
        };
        let listed = all_products(&*store, &filter).await;
        assert_eq!(skus(&listed), expected, "category {category:?}");
    }
}

/// `low_stock_only` selects products at or below their threshold, following
/// stock as it moves.
pub async fn list_products_low_stock_only(store: Arc<dyn Store>) {
    // The fixture threshold is 5.
    for (sku, stock) in [
        ("LOW-1", 2),
        ("LOW-2", 5),
        ("LOW-3", 6),
        ("LOW-4", 50),
        ("LOW-5", 0),
    ] {
        create(&*store, sku, stock).await;
    }
    let filter = ProductFilter {
        low_stock_only: true,
        ..Default::default()
    };
    assert_eq!(
        skus(&all_products(&*store, &filter).await),
        ["LOW-1", "LOW-2", "LOW-5"]
    );

    place(&*store, "low-stock-order", &[("LOW-3", 1)]).await;
    store
        .update_product(
            "LOW-4",
            ProductPatch {
                low_stock_threshold: Some(60),
                ..Default::default()
            },
        )
        .await
        .expect("update_product");
    assert_eq!(
        skus(&all_products(&*store, &filter).await),
        ["LOW-1", "LOW-2", "LOW-3", "LOW-4", "LOW-5"],
        "a sale and a raised threshold make products low"
    );
}

/// Archived products are listed only with `include_archived`, and then with
/// their archived status.
pub async fn list_products_excludes_archived_unless_asked(store: Arc<dyn Store>) {
    for sku in ["ARCH-1", "ARCH-2", "ARCH-3"] {
        create(&*store, sku, 1).await;
    }
    store
        .archive_product("ARCH-2")
        .await
        .expect("archive_product");
    assert_eq!(
        skus(&all_products(&*store, &ProductFilter::default()).await),
        ["ARCH-1", "ARCH-3"]
    );
    let filter = ProductFilter {
        include_archived: true,
        ..Default::default()
    };
    let listed = all_products(&*store, &filter).await;
    assert_eq!(skus(&listed), ["ARCH-1", "ARCH-2", "ARCH-3"]);
    assert_eq!(listed[1].status, ProductStatus::Archived);
    let low = ProductFilter {
        low_stock_only: true,
        query: Some("arch".into()),
        ..Default::default()
    };
    assert_eq!(
        skus(&all_products(&*store, &low).await),
        ["ARCH-1", "ARCH-3"],
        "other filters exclude archived too"
    );
}
