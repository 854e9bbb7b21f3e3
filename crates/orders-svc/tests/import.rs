//! ImportProducts: a client-streamed CSV document, split anywhere.

mod common;

use common::*;
use icc_proto::v1 as pb;
use pb::MovementReason;
use tonic::Code;

/// The document as chunks of `size` bytes (the last may be shorter).
fn chunks(doc: &[u8], size: usize) -> Vec<pb::ImportProductsRequest> {
    doc.chunks(size)
        .map(|c| pb::ImportProductsRequest {
            csv_chunk: c.to_vec(),
        })
        .collect()
}

async fn import(
    catalog: &mut Catalog,
    parts: Vec<pb::ImportProductsRequest>,
) -> Result<pb::ImportProductsResponse, tonic::Status> {
    catalog
        .import_products(tokio_stream::iter(parts))
        .await
        .map(tonic::Response::into_inner)
}

async fn all_skus(catalog: &mut Catalog) -> Vec<String> {
    catalog
        .list_products(pb::ListProductsRequest {
            page_size: 1000,
            include_archived: true,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .products
        .into_iter()
        .map(|p| p.sku)
        .collect()
}

const DOC: &str = "sku,name,category,unit_price_minor,on_hand,low_stock_threshold\n\
IMP-1,Crème brûlée,Desserts,450,12,3\n\
,Nameless,Desserts,100,1,0\n\
IMP-2,Bad price,Desserts,abc,1,0\n\
IMP-3,Negative stock,Desserts,100,-4,0\n\
DUP-1,Already here,Desserts,100,1,0\n\
IMP-1,Repeat of line two,Desserts,100,1,0\n\
IMP-4,,Desserts,100,1,0\n\
bad sku!,Bad SKU,Desserts,1,1,1\n\
IMP-5,\"Quoted, with a comma\",Snacks,250,,\n\
IMP-6,Too,many,fields,1,2,3\n\
IMP-8,Bad threshold,Snacks,1,1,-2\n\
IMP-7,Good Seven,Snacks,99,7,2\n";

/// (line, sku, words the reason must contain)
const REJECTED: [(i64, &str, &[&str]); 9] = [
    (3, "", &["sku"]),
    (4, "IMP-2", &["unit_price_minor", "abc"]),
    (5, "IMP-3", &["on_hand", "-4"]),
    (6, "DUP-1", &["DUP-1", "exists"]),
    (7, "IMP-1", &["IMP-1", "line 2"]),
    (8, "IMP-4", &["name"]),
    (9, "bad sku!", &["sku", "bad sku!"]),
    (11, "IMP-6", &["fields"]),
    (12, "IMP-8", &["low_stock_threshold", "-2"]),
];

async fn check_import(chunk_size: usize) {
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    create(&mut catalog, product("DUP-1", "Original", "Old", 5, 9, 0)).await;

    let parts = chunks(DOC.as_bytes(), chunk_size);
    assert!(parts.len() > 1);
    let response = import(&mut catalog, parts)
        .await
        .unwrap_or_else(|e| panic!("import in {chunk_size}-byte chunks: {e:?}"));
    assert_eq!(response.created_count, 3, "{response:?}");
    assert_eq!(
        response.rejected.len(),
        REJECTED.len(),
        "{:#?}",
        response.rejected
    );
    for (got, (line, sku, words)) in response.rejected.iter().zip(REJECTED) {
        assert_eq!(got.line, line, "{got:?}");
        assert_eq!(got.sku, sku, "{got:?}");
        for word in words {
            assert!(
                got.reason.contains(word),
                "line {line}: reason {:?} does not mention {word:?}",
                got.reason
            );
        }
    }

    // The good rows are there, with their values and an INITIAL movement.
    let p1 = get(&mut catalog, "IMP-1").await;
    assert_eq!(
        (
            p1.name.as_str(),
            p1.category.as_str(),
            p1.unit_price_minor,
            p1.on_hand,
            p1.low_stock_threshold
        ),
        ("Crème brûlée", "Desserts", 450, 12, 3)
    );
    let m = all_movements(&mut catalog, "IMP-1", 10).await;
    assert_eq!(m.len(), 1);
    assert_eq!(
        (m[0].reason, m[0].delta),
        (MovementReason::Initial as i32, 12)
    );
    let p5 = get(&mut catalog, "IMP-5").await;
    assert_eq!(
        (p5.name.as_str(), p5.on_hand, p5.low_stock_threshold),
        ("Quoted, with a comma", 0, 0)
    );
    assert!(
        all_movements(&mut catalog, "IMP-5", 10)
            .await
            .iter()
            .all(|m| m.delta == 0)
    );
    let p7 = get(&mut catalog, "IMP-7").await;
    assert_eq!(
        (p7.unit_price_minor, p7.on_hand, p7.low_stock_threshold),
        (99, 7, 2)
    );
    // The catalog's DUP-1 is untouched; nothing else was created.
    let dup = get(&mut catalog, "DUP-1").await;
    assert_eq!((dup.name.as_str(), dup.on_hand), ("Original", 9));
    assert_eq!(
        all_skus(&mut catalog).await,
        ["DUP-1", "IMP-1", "IMP-5", "IMP-7"]
    );
}

#[tokio::test]
async fn import_keeps_good_rows_and_reports_bad_ones_in_7_byte_chunks() {
    // 7 bytes split rows mid-field, and "è"/"û" (two bytes each) mid-character.
    check_import(7).await;
}

#[tokio::test]
async fn import_keeps_good_rows_and_reports_bad_ones_in_1_byte_chunks() {
    check_import(1).await;
}

#[tokio::test]
async fn import_reports_physical_line_numbers_in_crlf_documents() {
    // Spreadsheet exports end lines with CRLF; line numbers must still be
    // the physical lines a person sees in an editor.
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    let doc = "sku,name,category,unit_price_minor\r\n\
               OK-1,Fine,Cat,1\r\n\
               BAD-3,Bad price,Cat,zzz\r\n\
               OK-4,Fine,Cat,1\r\n\
               BAD-5,,Cat,1\r\n";
    let response = import(&mut catalog, chunks(doc.as_bytes(), 9))
        .await
        .unwrap();
    assert_eq!(response.created_count, 2, "{response:?}");
    let lines: Vec<_> = response
        .rejected
        .iter()
        .map(|r| (r.line, r.sku.as_str()))
        .collect();
    assert_eq!(
        lines,
        [(3, "BAD-3"), (5, "BAD-5")],
        "{:?}",
        response.rejected
    );
}

#[tokio::test]
async fn import_handles_reordered_and_optional_columns_and_multiline_fields() {
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    // Columns in another order, optional ones left out, and a quoted field
    // holding a line break (refused, as a name is one line; line numbers
    // count physical lines).
    let doc = "name,unit_price_minor,sku,category\n\
               Tea,300,TEA-1,Drinks\n\
               \"Two\nlines\",10,TWO-1,Drinks\n\
               Coffee,x,COF-1,Drinks\n\
               Cocoa,120,COC-1,Drinks\n";
    let response = import(&mut catalog, chunks(doc.as_bytes(), 5))
        .await
        .unwrap();
    assert_eq!(response.created_count, 2, "{response:?}");
    assert_eq!(response.rejected.len(), 2, "{response:?}");
    let r = &response.rejected[0];
    assert_eq!((r.line, r.sku.as_str()), (3, "TWO-1"), "{r:?}");
    assert!(r.reason.starts_with("name: "), "{r:?}");
    let r = &response.rejected[1];
    assert_eq!((r.line, r.sku.as_str()), (5, "COF-1"), "{r:?}");
    assert!(r.reason.contains("unit_price_minor"), "{r:?}");
    let tea = get(&mut catalog, "TEA-1").await;
    assert_eq!((tea.unit_price_minor, tea.on_hand), (300, 0));
    get(&mut catalog, "COC-1").await;
}

#[tokio::test]
async fn import_rejects_an_unusable_header_and_imports_nothing() {
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    let cases: [(&str, &[&str]); 4] = [
        // "category" is missing.
        (
            "sku,name,unit_price_minor,on_hand\nA-1,Apple,100,5\nB-1,Banana,50,5\n",
            &["csv", "category"],
        ),
        (
            "sku,name,category\nA-1,Apple,Fruit\n",
            &["csv", "unit_price_minor"],
        ),
        (
            "sku,name,category,unit_price_minor,colour\nA-1,Apple,Fruit,100,red\n",
            &["csv", "colour"],
        ),
        ("", &["csv"]),
    ];
    for (doc, needles) in cases {
        let parts = if doc.is_empty() {
            vec![pb::ImportProductsRequest::default()]
        } else {
            chunks(doc.as_bytes(), 10)
        };
        let r = import(&mut catalog, parts).await;
        expect_status(r, Code::InvalidArgument, needles);
    }
    // No chunks at all is an empty document too.
    expect_status(
        import(&mut catalog, Vec::new()).await,
        Code::InvalidArgument,
        &["csv"],
    );
    assert!(all_skus(&mut catalog).await.is_empty());
}

#[tokio::test]
async fn import_over_16_mib_is_resource_exhausted() {
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    // 5 chunks of at most 3.6 MB each (every one under the 4 MiB message limit),
    // 17.5 MB in all: over the 16 MiB document limit. Valid rows, so that an
    // import which ignored the limit would visibly create products.
    let mut rows = String::from("sku,name,category,unit_price_minor\n");
    let mut i = 0;
    while rows.len() < 17_500_000 {
        rows.push_str(&format!("BIG-{i:08},Big import row {i},Bulk,100\n"));
        i += 1;
    }
    let parts = chunks(rows.as_bytes(), 3_600_000);
    assert_eq!(parts.len(), 5);
    let r = import(&mut catalog, parts).await;
    expect_status(r, Code::ResourceExhausted, &["16777216"]);
    assert!(all_skus(&mut catalog).await.is_empty());
    // The server is still fine.
    create_stocked(&mut catalog, "AFTER-1", 1).await;
}

#[tokio::test]
async fn import_reports_a_non_utf8_row_and_keeps_the_rest() {
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    let mut doc = b"sku,name,category,unit_price_minor\nOK-1,Fine,Cat,1\nBAD-3,Caf".to_vec();
    doc.extend_from_slice(&[0xE9, 0xFF]);
    doc.extend_from_slice(b",Cat,1\nOK-4,Fine,Cat,1\n");
    let response = import(&mut catalog, chunks(&doc, 4)).await.unwrap();
    assert_eq!(response.created_count, 2, "{response:?}");
    assert_eq!(response.rejected.len(), 1, "{response:?}");
    assert_eq!(response.rejected[0].line, 3, "{response:?}");
    assert_eq!(all_skus(&mut catalog).await, ["OK-1", "OK-4"]);
}

#[tokio::test]
async fn import_accepts_a_utf8_byte_order_mark() {
    // Spreadsheets often save "CSV UTF-8" with a byte order mark.
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    let doc = "\u{feff}sku,name,category,unit_price_minor\nBOM-1,Fine,Cat,1\n";
    let response = import(&mut catalog, chunks(doc.as_bytes(), 2)).await;
    let response = response.expect("a document with a BOM was refused");
    assert_eq!(response.created_count, 1, "{response:?}");
    assert_eq!(all_skus(&mut catalog).await, ["BOM-1"]);
}

/// A 1.2 MB document, far inside the 16 MiB limit, whose rows are all bad
/// but one: the response reports every rejected row, and those reports
/// add up to more than the 4 MiB response limit. The client must still learn
/// the outcome (at least how many rows were created), never get an error for
/// an import that was in fact applied.
#[tokio::test]
async fn import_with_many_rejected_rows_still_answers() {
    const BAD_ROWS: usize = 170_000;
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    let mut doc = String::from("sku,name,category,unit_price_minor\nGOOD-1,Good,Cat,1\n");
    for _ in 0..BAD_ROWS {
        doc.push_str("X,,C,1\n");
    }
    assert!(doc.len() < 1_300_000);
    let r = import(&mut catalog, chunks(doc.as_bytes(), 1024 * 1024)).await;
    let created = catalog
        .get_product(pb::GetProductRequest {
            sku: "GOOD-1".into(),
        })
        .await
        .is_ok();
    let response = r.unwrap_or_else(|status| {
        panic!("the import failed with {status:?}, yet GOOD-1 was created: {created}")
    });
    assert_eq!(response.created_count, 1);
    assert!(created);
}
