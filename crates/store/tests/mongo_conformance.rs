//! The conformance suite on MongoDB, when `MONGODB_URI` names a replica set
//! (change streams and transactions need one). Each test uses its own
//! databases, `icc_conformance_<uuid>` and `icc_conformance_<uuid>_olap`,
//! which it leaves behind for inspection. The multi-handle cases open a
//! second client on the same databases, as a second process would.
//! Without `MONGODB_URI` each test prints why it is skipped and passes.

use icc_store::conformance::ConformanceStore;

const SKIPPED: &str = "skipped: MONGODB_URI is not set (needs a MongoDB replica set)";

/// A store on a fresh database of the server `MONGODB_URI` names.
async fn fresh_mongo_store() -> Option<ConformanceStore> {
    let Ok(uri) = std::env::var("MONGODB_URI") else {
        eprintln!("{SKIPPED}");
        return None;
    };
    let database = format!("icc_conformance_{}", uuid::Uuid::now_v7().simple());
    let uri = icc_store::mongo::with_database(&uri, &database);
    let store = icc_store::open(&uri)
        .await
        .unwrap_or_else(|err| panic!("open the MongoDB store {database}: {err}"));
    let reopen = move || {
        let uri = uri.clone();
        async move { icc_store::open(&uri).await }
    };
    Some(ConformanceStore::new(store).with_reopen(reopen))
}

icc_store::conformance_suite!(fresh_mongo_store);

#[test]
fn with_database_sets_the_default_database() {
    let cases = [
        ("mongodb://localhost:27017", "mongodb://localhost:27017/t"),
        ("mongodb://localhost:27017/", "mongodb://localhost:27017/t"),
        (
            "mongodb://h1,h2/?replicaSet=rs0",
            "mongodb://h1,h2/t?replicaSet=rs0",
        ),
        (
            "mongodb://h/old?replicaSet=rs0",
            "mongodb://h/t?replicaSet=rs0",
        ),
        ("mongodb://u:p@h/old", "mongodb://u:p@h/t?authSource=old"),
        (
            "mongodb+srv://u:p@cluster.example.net/?w=majority",
            "mongodb+srv://u:p@cluster.example.net/t?w=majority&authSource=admin",
        ),
        (
            "mongodb://u:p@h/old?authSource=other",
            "mongodb://u:p@h/t?authSource=other",
        ),
    ];
    for (uri, expected) in cases {
        assert_eq!(icc_store::mongo::with_database(uri, "t"), expected, "{uri}");
    }
}
