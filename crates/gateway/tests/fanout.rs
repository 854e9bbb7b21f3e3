//! Live inventory through the gateway: 1,000 watchers on one upstream
//! watch, a stalled watcher that delays nobody, a watcher too slow for the
//! buffer that gets a fresh snapshot, and resuming from a seq.

mod common;

use std::collections::BTreeMap;
use std::time::Instant;

use common::*;
use futures::StreamExt;
use icc_proto::v1 as pb;
use icc_proto::v1::watch_inventory_response::Event;
use tonic::Streaming;
use tonic::transport::{Channel, Endpoint};

type Watch = Streaming<pb::WatchInventoryResponse>;

async fn open(channel: Channel, token: &str, request: pb::WatchInventoryRequest) -> Watch {
    inventory(channel)
        .watch_inventory(authed(request, token))
        .await
        .expect("watch")
        .into_inner()
}

async fn next_event(watch: &mut Watch) -> Event {
    tokio::time::timeout(PATIENCE, watch.next())
        .await
        .expect("an event in time")
        .expect("stream open")
        .expect("no error")
        .event
        .expect("an event")
}

async fn snapshot(watch: &mut Watch) -> pb::InventorySnapshot {
    match next_event(watch).await {
        Event::Snapshot(s) => s,
        other => panic!("expected a snapshot, got {other:?}"),
    }
}

fn order(key: String, lines: &[(&str, i64)]) -> pb::PlaceOrderRequest {
    pb::PlaceOrderRequest {
        idempotency_key: key,
        lines: lines
            .iter()
            .map(|(sku, quantity)| pb::OrderLineInput {
                sku: (*sku).into(),
                quantity: *quantity,
            })
            .collect(),
        note: String::new(),
    }
}

/// Levels after applying changes to a snapshot.
fn apply(levels: &mut BTreeMap<String, i64>, change: &pb::InventoryChange) {
    for l in &change.levels {
        levels.insert(l.sku.clone(), l.on_hand);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_thousand_watchers_get_every_change_in_order_and_a_stalled_one_delays_nobody() {
    const WATCHERS: usize = 1000;
    const CONNECTIONS: usize = 10;
    const ORDERS: usize = 40;
    let mesh = Mesh::start(&[]).await;
    let skus = seed_products(&mesh, "FAN", 4, 10_000).await;
    mesh.inventory_ready().await;
    let viewer = mesh.login(VIEWER).await;
    let staff = mesh.login(STAFF).await;

    let mut channels = Vec::new();
    for _ in 0..CONNECTIONS {
        channels.push(mesh.channel().await);
    }
    // Open the watchers 100 at a time; each starts with a snapshot.
    let mut watches = Vec::new();
    for batch in 0..WATCHERS / 100 {
        let opened = futures::future::join_all((0..100).map(|i| {
            let channel = channels[(batch * 100 + i) % CONNECTIONS].clone();
            let token = viewer.clone();
            async move {
                let mut w = open(channel, &token, pb::WatchInventoryRequest::default()).await;
                let s = snapshot(&mut w).await;
                (w, s)
            }
        }))
        .await;
        watches.extend(opened);
    }
    // One more on its own connection that reads its snapshot, then nothing.
    let mut stalled = open(
        mesh.channel().await,
        &viewer,
        pb::WatchInventoryRequest::default(),
    )
    .await;
    let stalled_snapshot = snapshot(&mut stalled).await;

    // Every watcher reads until it has seen every order, noting when.
    let readers: Vec<_> = watches
        .into_iter()
        .map(|(mut w, s)| {
            tokio::spawn(async move {
                let mut seen = Vec::new();
                let mut arrivals = Vec::new();
                let mut orders = 0;
                while orders < ORDERS {
                    match next_event(&mut w).await {
                        Event::Change(c) => {
                            if !c.order_id.is_empty() {
                                orders += 1;
                                arrivals.push((c.order_id.clone(), Instant::now()));
                            }
                            seen.push(c);
                        }
                        Event::Snapshot(_) => panic!("an unexpected snapshot"),
                    }
                }
                (s, seen, arrivals)
            })
        })
        .collect();

    // Four staff clients place the orders concurrently.
    let placers: Vec<_> = (0..4)
        .map(|p| {
            let channel = mesh.channel();
            let staff = staff.clone();
            let skus = skus.clone();
            async move {
                let mut client = orders(channel.await);
                let mut acks = Vec::new();
                for i in 0..ORDERS / 4 {
                    let lines = [
                        (skus[i % 4].as_str(), 1 + p as i64),
                        (skus[(i + p) % 4].as_str(), 1),
                    ];
                    let lines = if lines[0].0 == lines[1].0 {
                        &lines[..1]
                    } else {
                        &lines[..]
                    };
                    let placed = client
                        .place_order(authed(order(format!("fan-{p}-{i}"), lines), &staff))
                        .await
                        .expect("place order")
                        .into_inner();
                    acks.push((placed.order.unwrap().id, Instant::now()));
                }
                acks
            }
        })
        .collect();
    let acks: BTreeMap<String, Instant> = futures::future::join_all(placers)
        .await
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(acks.len(), ORDERS);

    let mut results = Vec::new();
    for r in readers {
        results.push(
            tokio::time::timeout(PATIENCE, r)
                .await
                .expect("every watcher done in time")
                .unwrap(),
        );
    }
    // All of them finished while the stalled one was not read at all.

    let (first_snapshot, reference, _) = &results[0];
    let reference_seqs: Vec<i64> = reference.iter().map(|c| c.seq).collect();
    assert!(
        reference_seqs.windows(2).all(|w| w[0] < w[1]),
        "in feed order: {reference_seqs:?}"
    );
    let ordered: std::collections::BTreeSet<_> = reference
        .iter()
        .map(|c| c.order_id.clone())
        .filter(|id| !id.is_empty())
        .collect();
    assert_eq!(ordered, acks.keys().cloned().collect(), "every order, once");
    let mut latencies = Vec::new();
    for (s, seen, arrivals) in &results {
        assert_eq!(s.seq, first_snapshot.seq, "one consistent snapshot");
        assert_eq!(s.levels, first_snapshot.levels);
        assert_eq!(seen, reference, "the same changes in the same order");
        for (id, at) in arrivals {
            latencies.push(at.saturating_duration_since(acks[id]));
        }
    }
    latencies.sort();
    println!(
        "ack -> event over {} deliveries: p50 {:?}, p99 {:?}, max {:?}",
        latencies.len(),
        latencies[latencies.len() / 2],
        latencies[latencies.len() * 99 / 100],
        latencies[latencies.len() - 1]
    );

    // The snapshot plus the changes is the truth.
    let mut levels: BTreeMap<String, i64> = first_snapshot
        .levels
        .iter()
        .map(|l| (l.sku.clone(), l.on_hand))
        .collect();
    for c in reference {
        apply(&mut levels, c);
    }
    let mut client = catalog(mesh.channel().await);
    for sku in &skus {
        let p = client
            .get_product(authed(pb::GetProductRequest { sku: sku.clone() }, &viewer))
            .await
            .unwrap()
            .into_inner()
            .product
            .unwrap();
        assert_eq!(levels[sku], p.on_hand, "{sku}");
    }

    // The stalled watcher, read at last, has missed nothing.
    assert_eq!(stalled_snapshot.seq, first_snapshot.seq);
    for expected in reference {
        match next_event(&mut stalled).await {
            Event::Change(c) => assert_eq!(&c, expected),
            other => panic!("{other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_watcher_too_slow_for_the_buffer_gets_a_fresh_snapshot() {
    const ORDERS: usize = 80;
    let mesh = Mesh::start(&["--watch-buffer", "8"]).await;
    // Long SKUs and 100-line orders make each change ~4 KiB, so the slow
    // client's flow-control window fills after a few changes.
    let skus = seed_products(&mesh, "SLOW-WATCHER-PRODUCT-WITH-A-LONG-SKU", 100, 1000).await;
    mesh.inventory_ready().await;
    let viewer = mesh.login(VIEWER).await;
    let staff = mesh.login(STAFF).await;

    let small_window = Endpoint::from_shared(format!("http://{}", mesh.gateway.addr))
        .unwrap()
        .initial_stream_window_size(65_535)
        .initial_connection_window_size(65_535)
        .connect()
        .await
        .unwrap();
    let mut slow = open(small_window, &viewer, pb::WatchInventoryRequest::default()).await;
    let start = snapshot(&mut slow).await;
    let mut fast = open(
        mesh.channel().await,
        &viewer,
        pb::WatchInventoryRequest::default(),
    )
    .await;
    assert_eq!(snapshot(&mut fast).await.seq, start.seq);
    let fast_reader = tokio::spawn(async move {
        let mut seen = Vec::new();
        while seen.len() < ORDERS {
            match next_event(&mut fast).await {
                Event::Change(c) => seen.push(c),
                Event::Snapshot(_) => panic!("the fast watcher was resent a snapshot"),
            }
        }
        seen
    });

    let mut client = orders(mesh.channel().await);
    let lines: Vec<(&str, i64)> = skus.iter().map(|s| (s.as_str(), 1)).collect();
    for i in 0..ORDERS {
        client
            .place_order(authed(order(format!("slow-{i}"), &lines), &staff))
            .await
            .expect("place order");
    }
    let changes = tokio::time::timeout(PATIENCE, fast_reader)
        .await
        .unwrap()
        .unwrap();
    let head = changes.last().unwrap().seq;

    // The slow watcher is read now: somewhere it was resent a snapshot,
    // and it ends at the head with the right levels.
    let mut levels: BTreeMap<String, i64> = start
        .levels
        .iter()
        .map(|l| (l.sku.clone(), l.on_hand))
        .collect();
    let mut resent = 0;
    let mut at = start.seq;
    while at < head {
        match next_event(&mut slow).await {
            Event::Snapshot(s) => {
                resent += 1;
                assert!(s.seq > at, "a fresh snapshot moves forward");
                levels = s
                    .levels
                    .iter()
                    .map(|l| (l.sku.clone(), l.on_hand))
                    .collect();
                at = s.seq;
            }
            Event::Change(c) => {
                assert!(c.seq > at, "in order");
                apply(&mut levels, &c);
                at = c.seq;
            }
        }
    }
    assert!(resent >= 1, "the slow watcher never fell behind the buffer");
    assert_eq!(at, head);
    assert!(
        levels.values().all(|&v| v == 1000 - ORDERS as i64),
        "{levels:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn resuming_from_a_seq_inside_and_beyond_the_window() {
    let mesh = Mesh::start(&["--resume-window", "2"]).await;
    let skus = seed_products(&mesh, "RES", 2, 100).await;
    mesh.inventory_ready().await;
    let viewer = mesh.login(VIEWER).await;
    let staff = mesh.login(STAFF).await;
    let channel = mesh.channel().await;
    let mut all = open(
        channel.clone(),
        &viewer,
        pb::WatchInventoryRequest::default(),
    )
    .await;
    let mut only_b = open(
        channel.clone(),
        &viewer,
        pb::WatchInventoryRequest {
            resume_after_seq: 0,
            skus: vec![skus[1].clone()],
        },
    )
    .await;
    snapshot(&mut all).await;
    let b_snapshot = snapshot(&mut only_b).await;
    assert_eq!(b_snapshot.levels.len(), 1);

    let mut client = orders(channel.clone());
    for i in 0..5 {
        let sku = &skus[i % 2];
        client
            .place_order(authed(order(format!("res-{i}"), &[(sku, 1)]), &staff))
            .await
            .unwrap();
    }
    let mut seqs = Vec::new();
    let mut changes = Vec::new();
    for _ in 0..5 {
        match next_event(&mut all).await {
            Event::Change(c) => {
                seqs.push(c.seq);
                changes.push(c);
            }
            other => panic!("{other:?}"),
        }
    }
    // The SKU filter: only orders 1 and 3 touched B, and only B is sent.
    for expected in [&changes[1], &changes[3]] {
        match next_event(&mut only_b).await {
            Event::Change(c) => {
                assert_eq!(c.seq, expected.seq);
                assert_eq!(c.levels.len(), 1);
                assert_eq!(c.levels[0].sku, skus[1]);
            }
            other => panic!("{other:?}"),
        }
    }

    // Resume inside the window (the hub replays) and further back (the
    // service serves it): the same changes, no snapshot.
    for after in [seqs[2], seqs[0], seqs[1]] {
        let mut resumed = open(
            channel.clone(),
            &viewer,
            pb::WatchInventoryRequest {
                resume_after_seq: after,
                skus: Vec::new(),
            },
        )
        .await;
        for expected in changes.iter().filter(|c| c.seq > after) {
            match next_event(&mut resumed).await {
                Event::Change(c) => {
                    assert_eq!(c.seq, expected.seq, "after {after}");
                    assert_eq!(c.levels, expected.levels);
                }
                other => panic!("resume after {after}: {other:?}"),
            }
        }
    }

    // Bad requests get precise codes.
    let ahead = inventory(channel.clone())
        .watch_inventory(authed(
            pb::WatchInventoryRequest {
                resume_after_seq: seqs[4] + 1000,
                skus: Vec::new(),
            },
            &viewer,
        ))
        .await;
    let ahead = match ahead {
        Err(s) => s,
        Ok(r) => r.into_inner().next().await.unwrap().unwrap_err(),
    };
    assert_eq!(ahead.code(), tonic::Code::OutOfRange, "{ahead:?}");
    for (request, field) in [
        (
            pb::WatchInventoryRequest {
                resume_after_seq: -1,
                skus: Vec::new(),
            },
            "resume_after_seq",
        ),
        (
            pb::WatchInventoryRequest {
                resume_after_seq: 0,
                skus: vec!["not a sku!".into()],
            },
            "skus[0]",
        ),
    ] {
        let e = inventory(channel.clone())
            .watch_inventory(authed(request, &viewer))
            .await
            .unwrap_err();
        assert_eq!(e.code(), tonic::Code::InvalidArgument);
        assert!(e.message().starts_with(field), "{e:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn watchers_ride_through_an_upstream_restart() {
    let mesh = Mesh::start(&[]).await;
    let skus = seed_products(&mesh, "RIDE", 1, 100).await;
    mesh.inventory_ready().await;
    let viewer = mesh.login(VIEWER).await;
    let staff = mesh.login(STAFF).await;
    let mut watch = open(
        mesh.channel().await,
        &viewer,
        pb::WatchInventoryRequest::default(),
    )
    .await;
    let start = snapshot(&mut watch).await;

    // orders-svc stops and comes back on the same port.
    let Mesh {
        orders: old,
        gateway,
        store_url,
        dir: _dir,
    } = mesh;
    let port = old.addr;
    old.stop(PATIENCE).await.unwrap().unwrap();
    let down = catalog(connect(gateway.addr).await)
        .list_products(authed(pb::ListProductsRequest::default(), &viewer))
        .await
        .unwrap_err();
    assert_eq!(down.code(), tonic::Code::Unavailable);
    let _orders = start_orders_on(&port.to_string(), &store_url).await;

    // The first write after the restart works (a failed connection
    // attempt left over from the outage is retried: it was never sent).
    let placed = orders(connect(gateway.addr).await)
        .place_order(authed(order("ride-1".into(), &[(&skus[0], 3)]), &staff))
        .await
        .expect("the first order after the restart")
        .into_inner()
        .order
        .unwrap();
    // The open watch carries on from where it was: no new snapshot.
    match next_event(&mut watch).await {
        Event::Change(c) => {
            assert!(c.seq > start.seq);
            assert_eq!(c.order_id, placed.id);
            assert_eq!(c.levels[0].on_hand, 97);
        }
        other => panic!("{other:?}"),
    }
}

/// The next item of a watch that must end with an error: the error.
async fn ended_with(watch: &mut Watch) -> tonic::Status {
    loop {
        let item = tokio::time::timeout(PATIENCE, watch.next())
            .await
            .expect("the watch ends in time")
            .expect("an error before the end");
        if let Err(status) = item {
            return status;
        }
    }
}

/// A watch of everything, past its snapshot.
async fn watch_all(mesh: &Mesh, token: &str) -> Watch {
    let request = pb::WatchInventoryRequest::default();
    let mut watch = open(mesh.channel().await, token, request).await;
    snapshot(&mut watch).await;
    watch
}

/// UpdateUser of `username`'s `field` (disabled: true, or the password).
async fn update_user(mesh: &Mesh, admin: &str, username: &str, field: &str, password: &str) {
    let request = pb::UpdateUserRequest {
        user: Some(pb::User {
            username: username.into(),
            disabled: field == "disabled",
            ..Default::default()
        }),
        update_mask: Some(prost_types::FieldMask {
            paths: vec![field.into()],
        }),
        password: password.into(),
    };
    icc_proto::v1::auth_service_client::AuthServiceClient::new(mesh.channel().await)
        .update_user(authed(request, admin))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_watch_ends_when_its_user_is_disabled_its_password_changes_or_its_token_expires() {
    let mesh = Mesh::start(&[]).await;
    let skus = seed_products(&mesh, "OUT", 1, 100).await;
    mesh.inventory_ready().await;
    let admin = mesh.login(ADMIN).await;
    let staff = mesh.login(STAFF).await;
    let mut watch = watch_all(&mesh, &staff).await;
    // Past a recheck, the watch still delivers.
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    orders(mesh.channel().await)
        .place_order(authed(order("out-1".into(), &[(&skus[0], 1)]), &staff))
        .await
        .unwrap();
    assert!(matches!(next_event(&mut watch).await, Event::Change(_)));

    update_user(&mesh, &admin, STAFF.0, "disabled", "").await;
    let end = ended_with(&mut watch).await;
    assert_eq!(end.code(), tonic::Code::Unauthenticated, "{end:?}");
    assert!(end.message().contains("disabled"), "{end:?}");
    assert!(watch.next().await.is_none(), "nothing after the error");

    // So does a password change.
    let viewer = mesh.login(VIEWER).await;
    let mut watch = watch_all(&mesh, &viewer).await;
    update_user(
        &mesh,
        &admin,
        VIEWER.0,
        "password",
        "another-viewer-password",
    )
    .await;
    let end = ended_with(&mut watch).await;
    assert_eq!(end.code(), tonic::Code::Unauthenticated, "{end:?}");
    assert!(end.message().contains("password has changed"), "{end:?}");

    // A token that expires ends its watch too.
    let short = Mesh::start(&["--token-ttl-s", "3"]).await;
    short.inventory_ready().await;
    let viewer = short.login(VIEWER).await;
    let mut watch = watch_all(&short, &viewer).await;
    let end = ended_with(&mut watch).await;
    assert_eq!(end.code(), tonic::Code::Unauthenticated, "{end:?}");
    assert!(end.message().contains("expired"), "{end:?}");
}
