//! InventoryService.WatchInventory: snapshot, every change in order,
//! resuming, filtering, slow watchers and shutdown.

mod common;

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use common::*;
use icc_proto::v1 as pb;
use icc_proto::v1::inventory_service_client::InventoryServiceClient;
use pb::watch_inventory_response::Event;
use pb::{ChangeCause, StockAdjustmentKind as Kind};
use tonic::Code;
use tonic::transport::Channel;

type Watch = tonic::Streaming<pb::WatchInventoryResponse>;

fn watch_request(resume_after_seq: i64, skus: &[&str]) -> pb::WatchInventoryRequest {
    pb::WatchInventoryRequest {
        resume_after_seq,
        skus: skus.iter().map(|s| (*s).to_owned()).collect(),
    }
}

async fn watch(inventory: &mut Inventory, resume_after_seq: i64, skus: &[&str]) -> Watch {
    inventory
        .watch_inventory(watch_request(resume_after_seq, skus))
        .await
        .unwrap_or_else(|e| panic!("watch after {resume_after_seq}: {e:?}"))
        .into_inner()
}

async fn next(w: &mut Watch) -> Event {
    match tokio::time::timeout(PATIENCE, w.message()).await {
        Err(_) => panic!("no watch message within {PATIENCE:?}"),
        Ok(Err(status)) => panic!("the watch failed: {status:?}"),
        Ok(Ok(None)) => panic!("the watch ended"),
        Ok(Ok(Some(message))) => message.event.expect("an event"),
    }
}

async fn snapshot(w: &mut Watch) -> pb::InventorySnapshot {
    match next(w).await {
        Event::Snapshot(s) => s,
        Event::Change(c) => panic!("expected a snapshot, got change {c:?}"),
    }
}

async fn change(w: &mut Watch) -> pb::InventoryChange {
    match next(w).await {
        Event::Change(c) => c,
        Event::Snapshot(s) => panic!("expected a change, got a snapshot at {}", s.seq),
    }
}

async fn changes(w: &mut Watch, n: usize) -> Vec<pb::InventoryChange> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(change(w).await);
    }
    out
}

fn level(sku: &str, on_hand: i64, low_stock_threshold: i64, delta: i64) -> pb::StockLevel {
    pb::StockLevel {
        sku: sku.into(),
        on_hand,
        low_stock_threshold,
        delta,
    }
}

/// What a change says, without seq and commit time.
type Summary = (ChangeCause, String, Vec<pb::StockLevel>);

fn summary(c: &pb::InventoryChange) -> Summary {
    (
        ChangeCause::try_from(c.cause).expect("a known cause"),
        c.order_id.clone(),
        c.levels.clone(),
    )
}

fn expect(cause: ChangeCause, order_id: &str, levels: Vec<pb::StockLevel>) -> Summary {
    (cause, order_id.to_owned(), levels)
}

/// Asserts that seqs run on without a gap from `after + 1`.
fn assert_contiguous(after: i64, changes: &[pb::InventoryChange]) {
    for (i, c) in changes.iter().enumerate() {
        assert_eq!(
            c.seq,
            after + 1 + i as i64,
            "change {i} of {}",
            changes.len()
        );
        assert!(c.commit_time.is_some());
    }
}

async fn set_threshold(catalog: &mut Catalog, sku: &str, threshold: i64) {
    let p = product(sku, "", "", 0, 0, threshold);
    update(catalog, p, &["low_stock_threshold"]).await;
}

/// Reads `w` until it ends, which must happen within 10 s: cleanly or with
/// UNAVAILABLE. `hung` is the failure message when it does not end.
async fn expect_end(w: &mut Watch, hung: &str) {
    let ended = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match w.message().await {
                Ok(Some(_)) => continue,
                Ok(None) => return None,
                Err(status) => return Some(status),
            }
        }
    })
    .await
    .expect(hung);
    if let Some(status) = ended {
        assert_eq!(status.code(), Code::Unavailable, "{status:?}");
    }
}

async fn separate_inventory(server: &TestServer) -> (Inventory, Channel) {
    let channel = server.channel().await;
    (InventoryServiceClient::new(channel.clone()), channel)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_sends_a_snapshot_then_every_change_in_order() {
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    let mut orders = server.orders().await;
    let mut inventory = server.inventory().await;
    create(&mut catalog, product("A-1", "A", "C", 100, 10, 2)).await;
    create(&mut catalog, product("B-1", "B", "C", 100, 5, 1)).await;
    create(&mut catalog, product("Z-1", "Z", "C", 100, 3, 0)).await;
    archive(&mut catalog, "Z-1").await;

    let mut w = watch(&mut inventory, 0, &[]).await;
    let snap = snapshot(&mut w).await;
    assert_eq!(snap.seq, 4, "four changes were committed before the watch");
    // Active products only, in SKU order, delta 0.
    assert_eq!(snap.levels, [level("A-1", 10, 2, 0), level("B-1", 5, 1, 0)]);

    let mut expected = Vec::new();
    let o1 = placed_order(&mut orders, "w-1", &[("B-1", 1), ("A-1", 2)])
        .await
        .id;
    // Levels in SKU order whatever the line order.
    expected.push(expect(
        ChangeCause::OrderPlaced,
        &o1,
        vec![level("A-1", 8, 2, -2), level("B-1", 4, 1, -1)],
    ));
    adjust(&mut catalog, "B-1", Kind::Restock, 7).await;
    expected.push(expect(
        ChangeCause::StockAdjusted,
        "",
        vec![level("B-1", 11, 1, 7)],
    ));
    let o2 = placed_order(&mut orders, "w-2", &[("B-1", 11)]).await.id;
    expected.push(expect(
        ChangeCause::OrderPlaced,
        &o2,
        vec![level("B-1", 0, 1, -11)],
    ));
    cancel(&mut orders, &o1, "").await;
    expected.push(expect(
        ChangeCause::OrderCancelled,
        &o1,
        vec![level("A-1", 10, 2, 2), level("B-1", 1, 1, 1)],
    ));
    // A second cancel and a failed order commit nothing.
    cancel(&mut orders, &o1, "").await;
    let failed = orders
        .place_order(order_request("w-3", &[("B-1", 50)]))
        .await;
    expect_status(failed, Code::FailedPrecondition, &["B-1"]);
    adjust(&mut catalog, "A-1", Kind::Damage, 3).await;
    expected.push(expect(
        ChangeCause::StockAdjusted,
        "",
        vec![level("A-1", 7, 2, -3)],
    ));
    adjust(&mut catalog, "A-1", Kind::CycleCount, 9).await;
    expected.push(expect(
        ChangeCause::StockAdjusted,
        "",
        vec![level("A-1", 9, 2, 2)],
    ));
    set_threshold(&mut catalog, "B-1", 3).await;
    expected.push(expect(
        ChangeCause::ProductUpdated,
        "",
        vec![level("B-1", 1, 3, 0)],
    ));
    create(&mut catalog, product("C-1", "C", "C", 100, 6, 1)).await;
    expected.push(expect(
        ChangeCause::ProductCreated,
        "",
        vec![level("C-1", 6, 1, 6)],
    ));
    archive(&mut catalog, "C-1").await;
    expected.push(expect(
        ChangeCause::ProductArchived,
        "",
        vec![level("C-1", 6, 1, 0)],
    ));
    adjust(&mut catalog, "A-1", Kind::Restock, 1).await;
    expected.push(expect(
        ChangeCause::StockAdjusted,
        "",
        vec![level("A-1", 10, 2, 1)],
    ));

    let got = changes(&mut w, expected.len()).await;
    assert_contiguous(snap.seq, &got);
    assert!(
        got.windows(2)
            .all(|p| p[0].commit_time.unwrap().seconds <= p[1].commit_time.unwrap().seconds)
    );
    let got: Vec<_> = got.iter().map(summary).collect();
    for (i, (g, e)) in got.iter().zip(&expected).enumerate() {
        assert_eq!(g, e, "change {i}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resumed_watcher_gets_exactly_what_it_missed() {
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    let mut orders = server.orders().await;
    create_stocked(&mut catalog, "R-A", 100).await;
    create_stocked(&mut catalog, "R-B", 100).await;
    // A reference watcher that stays connected throughout.
    let mut reference_client = server.inventory().await;
    let mut reference = watch(&mut reference_client, 0, &[]).await;
    let start = snapshot(&mut reference).await.seq;

    // The watcher that will disconnect, on its own connection.
    let (mut client, channel) = separate_inventory(&server).await;
    let mut w = watch(&mut client, 0, &[]).await;
    assert_eq!(snapshot(&mut w).await.seq, start);

    let o1 = placed_order(&mut orders, "r-1", &[("R-A", 5), ("R-B", 1)])
        .await
        .id;
    adjust(&mut catalog, "R-B", Kind::Restock, 4).await;
    let o2 = placed_order(&mut orders, "r-2", &[("R-A", 7)]).await.id;
    let seen = changes(&mut w, 3).await;
    let last_seen = seen[2].seq;
    drop(w);
    drop(client);
    drop(channel);

    // Missed while away: orders, a cancel, adjustments, a new product.
    cancel(&mut orders, &o1, "").await;
    place(&mut orders, "r-3", &[("R-B", 2)]).await;
    adjust(&mut catalog, "R-A", Kind::Damage, 1).await;
    cancel(&mut orders, &o2, "").await;
    create_stocked(&mut catalog, "R-C", 9).await;

    let all = changes(&mut reference, 8).await;
    assert_contiguous(start, &all);
    assert_eq!(
        seen,
        all[..3],
        "the first watcher saw what the reference saw"
    );

    // Resuming after the last seen seq: no snapshot, exactly the five missed
    // changes, identical to what the reference got.
    let (mut client, _channel) = separate_inventory(&server).await;
    let mut resumed = watch(&mut client, last_seen, &[]).await;
    let missed = changes(&mut resumed, 5).await;
    assert_eq!(missed, all[3..]);
    // Nothing duplicated: the next message is the next new change.
    adjust(&mut catalog, "R-C", Kind::Restock, 1).await;
    let sentinel = change(&mut resumed).await;
    assert_eq!(sentinel, change(&mut reference).await);
    assert_eq!(sentinel.seq, all[7].seq + 1);
    assert_eq!(sentinel.levels, [level("R-C", 10, 0, 1)]);

    // Resuming from the snapshot's seq replays everything since.
    let mut from_start = watch(&mut client, start, &[]).await;
    let replayed = changes(&mut from_start, 9).await;
    assert_eq!(replayed[..8], all[..]);
    assert_eq!(replayed[8], sentinel);

    // Resuming at the head waits for the next change.
    let mut at_head = watch(&mut client, sentinel.seq, &[]).await;
    adjust(&mut catalog, "R-A", Kind::Restock, 2).await;
    let next_change = change(&mut at_head).await;
    assert_eq!(next_change.seq, sentinel.seq + 1);
    assert_eq!(next_change.levels[0].sku, "R-A");
}

#[tokio::test]
async fn watch_rejects_bad_requests() {
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    let mut inventory = server.inventory().await;
    create_stocked(&mut catalog, "H-1", 1).await;
    adjust(&mut catalog, "H-1", Kind::Restock, 1).await;
    let head = snapshot(&mut watch(&mut inventory, 0, &[]).await).await.seq;
    assert_eq!(head, 2);
    for ahead in [head + 1, head + 1000, i64::MAX] {
        let r = inventory.watch_inventory(watch_request(ahead, &[])).await;
        expect_status(
            r,
            Code::OutOfRange,
            &["resume_after_seq", &ahead.to_string()],
        );
    }
    let cases: [(i64, &[&str], &[&str]); 2] = [
        (-1, &[], &["resume_after_seq"]),
        (0, &["H-1", "not a sku"], &["skus[1]", "not a sku"]),
    ];
    for (resume_after_seq, skus, needles) in cases {
        let r = inventory
            .watch_inventory(watch_request(resume_after_seq, skus))
            .await;
        expect_status(r, Code::InvalidArgument, needles);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sku_filter_keeps_only_those_skus() {
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    let mut orders = server.orders().await;
    let mut inventory = server.inventory().await;
    for sku in ["F-A", "F-B", "F-C"] {
        create_stocked(&mut catalog, sku, 50).await;
    }
    // F-E does not exist yet.
    let mut w = watch(&mut inventory, 0, &["F-C", "F-E", "F-A"]).await;
    let snap = snapshot(&mut w).await;
    assert_eq!(
        snap.levels,
        [level("F-A", 50, 0, 0), level("F-C", 50, 0, 0)]
    );

    place(&mut orders, "f-1", &[("F-B", 1)]).await; // filtered out
    let o2 = placed_order(&mut orders, "f-2", &[("F-B", 2), ("F-A", 3)])
        .await
        .id;
    adjust(&mut catalog, "F-C", Kind::Damage, 4).await;
    set_threshold(&mut catalog, "F-B", 9).await; // filtered out
    create_stocked(&mut catalog, "F-D", 1).await; // filtered out
    create_stocked(&mut catalog, "F-E", 8).await;
    cancel(&mut orders, &o2, "").await;

    let got = changes(&mut w, 4).await;
    let summaries: Vec<_> = got.iter().map(summary).collect();
    assert_eq!(
        summaries,
        [
            // Only the watched SKU's level of a two-SKU order.
            expect(ChangeCause::OrderPlaced, &o2, vec![level("F-A", 47, 0, -3)]),
            expect(
                ChangeCause::StockAdjusted,
                "",
                vec![level("F-C", 46, 0, -4)]
            ),
            expect(ChangeCause::ProductCreated, "", vec![level("F-E", 8, 0, 8)]),
            expect(
                ChangeCause::OrderCancelled,
                &o2,
                vec![level("F-A", 50, 0, 3)]
            ),
        ]
    );
    // Seqs increase; the filtered changes leave gaps.
    let seqs: Vec<_> = got.iter().map(|c| c.seq).collect();
    assert_eq!(
        seqs,
        [snap.seq + 2, snap.seq + 3, snap.seq + 6, snap.seq + 7]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_levels_add_up_under_concurrent_writers() {
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    let skus = ["CW-A", "CW-B", "CW-C"];
    for sku in skus {
        create_stocked(&mut catalog, sku, 60).await;
    }
    let mut inventory = server.inventory().await;
    let mut w = watch(&mut inventory, 0, &[]).await;
    let snap = snapshot(&mut w).await;
    let mut levels: BTreeMap<String, i64> = snap
        .levels
        .iter()
        .map(|l| (l.sku.clone(), l.on_hand))
        .collect();

    // 8 writers: orders, cancels and restocks at once.
    let mut tasks = Vec::new();
    for c in 0..8u64 {
        let mut orders = server.orders().await;
        let mut catalog = server.catalog().await;
        tasks.push(tokio::spawn(async move {
            let mut rng = Lcg::new(c + 100);
            let mut committed = 0usize;
            for n in 0..12 {
                let a = skus[rng.below(3) as usize];
                let b = skus
                    [(rng.below(2) as usize + 1 + skus.iter().position(|s| *s == a).unwrap()) % 3];
                let r = orders
                    .place_order(order_request(
                        &format!("cw-{c}-{n}"),
                        &[(a, 1 + rng.below(5) as i64), (b, 1 + rng.below(5) as i64)],
                    ))
                    .await;
                match r {
                    Ok(placed) => {
                        committed += 1;
                        if n % 3 == 0 {
                            cancel(&mut orders, &placed.into_inner().order.unwrap().id, "").await;
                            committed += 1;
                        }
                    }
                    Err(status) => assert_eq!(status.code(), Code::FailedPrecondition),
                }
                if n % 4 == 0 {
                    adjust(&mut catalog, a, Kind::Restock, 2).await;
                    committed += 1;
                }
            }
            committed
        }));
    }
    let mut committed = 0;
    for task in tasks {
        committed += task.await.unwrap();
    }
    let got = changes(&mut w, committed).await;
    assert_contiguous(snap.seq, &got);
    for c in &got {
        for l in &c.levels {
            let before = levels.get_mut(&l.sku).expect("a known SKU");
            assert_eq!(
                *before + l.delta,
                l.on_hand,
                "seq {}: {l:?} after {before}",
                c.seq
            );
            assert!(l.on_hand >= 0);
            *before = l.on_hand;
        }
    }
    for sku in skus {
        assert_eq!(levels[sku], on_hand(&mut catalog, sku).await, "{sku}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_watcher_still_gets_every_change_in_order() {
    const IMPORTED: usize = 6_000;
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    create_stocked(&mut catalog, "SLOW-P", 1_000).await;

    // The slow watcher: small flow-control windows, and it stops reading
    // after the snapshot. At most a few hundred changes fit in the windows
    // and buffers between the server's watch task and this client, so the
    // burst leaves the task well over the 4096-event broadcast buffer behind.
    let mut slow_client = InventoryServiceClient::new(server.tight_channel().await);
    let mut slow = watch(&mut slow_client, 0, &[]).await;
    let snap = snapshot(&mut slow).await;

    // The burst: a 6,000-row import (one change per product) while another
    // client places and cancels orders and adjusts stock.
    let mut doc = String::from("sku,name,category,unit_price_minor,on_hand\n");
    for i in 0..IMPORTED {
        doc.push_str(&format!("BURST-{i:05},Burst {i},Bulk,10,{}\n", i % 7));
    }
    let import = {
        let mut catalog = server.catalog().await;
        let parts: Vec<_> = doc
            .as_bytes()
            .chunks(64 * 1024)
            .map(|c| pb::ImportProductsRequest {
                csv_chunk: c.to_vec(),
            })
            .collect();
        tokio::spawn(async move {
            catalog
                .import_products(tokio_stream::iter(parts))
                .await
                .map(tonic::Response::into_inner)
        })
    };
    let writer = {
        let mut orders = server.orders().await;
        let mut catalog = server.catalog().await;
        tokio::spawn(async move {
            let mut committed = 0;
            for n in 0..60 {
                let id = placed_order(&mut orders, &format!("slow-{n}"), &[("SLOW-P", 3)])
                    .await
                    .id;
                committed += 1;
                if n % 3 == 0 {
                    cancel(&mut orders, &id, "").await;
                    committed += 1;
                }
                if n % 5 == 0 {
                    adjust(&mut catalog, "SLOW-P", Kind::Restock, 2).await;
                    committed += 1;
                }
            }
            committed
        })
    };
    let imported = import.await.unwrap().expect("import");
    assert_eq!(
        imported.created_count,
        IMPORTED as i64,
        "{:?}",
        imported.rejected.first()
    );
    let written: usize = writer.await.unwrap();
    adjust(&mut catalog, "SLOW-P", Kind::Damage, 1).await;
    let total = IMPORTED + written + 1;
    assert!(total > 4096 + 1000);

    // Now read everything.
    let got = changes(&mut slow, total).await;
    assert_contiguous(snap.seq, &got);
    let mut created = HashSet::new();
    let mut p = 1_000;
    for c in &got {
        match ChangeCause::try_from(c.cause).unwrap() {
            ChangeCause::ProductCreated => {
                assert_eq!(c.levels.len(), 1);
                assert!(created.insert(c.levels[0].sku.clone()), "{c:?} twice");
            }
            _ => {
                assert_eq!(c.levels.len(), 1);
                let l = &c.levels[0];
                assert_eq!(l.sku, "SLOW-P");
                assert_eq!(p + l.delta, l.on_hand, "seq {}", c.seq);
                p = l.on_hand;
            }
        }
    }
    assert_eq!(created.len(), IMPORTED);
    assert_eq!(p, on_hand(&mut catalog, "SLOW-P").await);
    let last = got.last().unwrap();
    assert_eq!(
        summary(last),
        expect(
            ChangeCause::StockAdjusted,
            "",
            vec![level("SLOW-P", p, 0, -1)]
        )
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_ends_open_watches_and_serve_returns() {
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    create_stocked(&mut catalog, "SD-1", 5).await;
    let mut inventory = server.inventory().await;
    let mut w = watch(&mut inventory, 0, &[]).await;
    snapshot(&mut w).await;
    // A second watcher that is not reading at the moment.
    let mut idle_client = server.inventory().await;
    let mut idle = watch(&mut idle_client, 0, &["SD-1"]).await;

    let stopping = tokio::spawn(server.stop(Duration::from_secs(10)));
    expect_end(&mut w, "the watch did not end within 10 s of shutdown").await;
    let served = stopping.await.unwrap().expect("serve returned in time");
    served.expect("serve returned Ok");

    // The idle watcher ends too (after its snapshot).
    expect_end(&mut idle, "the idle watch did not end").await;
}

/// A watcher that stopped reading (its server-side task blocked on a full
/// stream) must not hold a graceful shutdown up forever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_is_not_held_up_by_a_watcher_that_stopped_reading() {
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    create_stocked(&mut catalog, "STUCK-P", 1).await;
    let mut stuck_client = InventoryServiceClient::new(server.tight_channel().await);
    let mut stuck = watch(&mut stuck_client, 0, &[]).await;
    snapshot(&mut stuck).await;
    // Far more changes than fit between the watch task and the client.
    let mut doc = String::from("sku,name,category,unit_price_minor\n");
    for i in 0..3_000 {
        doc.push_str(&format!("STUCK-{i:05},Stuck {i},Bulk,10\n"));
    }
    let imported = catalog
        .import_products(tokio_stream::iter(vec![pb::ImportProductsRequest {
            csv_chunk: doc.into_bytes(),
        }]))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(imported.created_count, 3_000);

    let outcome = server.stop(Duration::from_secs(10)).await;
    let served = outcome.unwrap_or_else(|e| {
        panic!("graceful shutdown hung behind a watcher that is not reading: {e}")
    });
    served.expect("serve returned Ok");
    drop(stuck);
}
