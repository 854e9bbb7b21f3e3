use crate::StoreError;
use crate::mongo::config::{MongoConfig, check_database_name, take_option};

fn parse(url: &str) -> MongoConfig {
    MongoConfig::parse(url).unwrap_or_else(|e| panic!("parse {url}: {e:?}"))
}

#[test]
fn databases_default_to_icc_and_icc_olap() {
    for url in [
        "mongodb://localhost:27017",
        "mongodb://localhost:27017/",
        "mongodb://h1,h2,h3/?replicaSet=rs0",
    ] {
        let c = parse(url);
        assert_eq!(
            (c.oltp_database.as_str(), c.olap_database.as_str()),
            ("icc", "icc_olap"),
            "{url}"
        );
        assert_eq!(c.connection_string, url, "{url}: passed on unchanged");
    }
}

#[test]
fn the_path_names_the_oltp_database_and_the_olap_one_follows() {
    let c = parse("mongodb://h/shop?replicaSet=rs0&w=majority");
    assert_eq!(c.oltp_database, "shop");
    assert_eq!(c.olap_database, "shop_olap");
    assert_eq!(
        c.connection_string,
        "mongodb://h/shop?replicaSet=rs0&w=majority"
    );
}

#[test]
fn olap_database_option_is_ours_and_removed_before_the_driver() {
    let c = parse("mongodb://h/shop?replicaSet=rs0&olapDatabase=analytics&retryWrites=true");
    assert_eq!(c.oltp_database, "shop");
    assert_eq!(c.olap_database, "analytics");
    assert_eq!(
        c.connection_string,
        "mongodb://h/shop?replicaSet=rs0&retryWrites=true"
    );

    let c = parse("mongodb+srv://u:p@cluster0.example.net/?OLAPDATABASE=icc");
    assert_eq!(
        (c.oltp_database.as_str(), c.olap_database.as_str()),
        ("icc", "icc"),
        "naming the OLTP database keeps everything in one database"
    );
    assert_eq!(
        c.connection_string,
        "mongodb+srv://u:p@cluster0.example.net/"
    );
}

#[test]
fn take_option_keeps_every_other_option_in_order() {
    let cases = [
        ("mongodb://h", ("mongodb://h", None)),
        ("mongodb://h/?a=1", ("mongodb://h/?a=1", None)),
        ("mongodb://h/?olapDatabase=x", ("mongodb://h/", Some("x"))),
        (
            "mongodb://h/?a=1&olapdatabase=x&b=2",
            ("mongodb://h/?a=1&b=2", Some("x")),
        ),
        (
            "mongodb://h/?olapDatabase=x&olapDatabase=y",
            ("mongodb://h/", Some("y")),
        ),
        ("mongodb://h/?a=1&&b=2", ("mongodb://h/?a=1&b=2", None)),
    ];
    for (url, (rest, value)) in cases {
        let (got_rest, got_value) = take_option(url, "olapDatabase");
        assert_eq!(
            (got_rest.as_str(), got_value.as_deref()),
            (rest, value),
            "{url}"
        );
    }
}

#[test]
fn bad_urls_are_invalid_argument() {
    for url in [
        "sqlite://data/icc.db",
        "mongodb:/h",
        "mongodb://h/?notAnOption=1",
        "mongodb://h/?w=notanumber&journal=perhaps",
        "mongodb://h/bad.name",
        "mongodb://h/?olapDatabase=a.b",
        "mongodb://h/?olapDatabase=",
        "mongodb+srv://h1,h2/",
    ] {
        match MongoConfig::parse(url) {
            Err(StoreError::InvalidArgument(_)) => {}
            other => panic!("{url}: expected InvalidArgument, got {other:?}"),
        }
    }
}

#[test]
fn database_names_follow_mongodb_rules() {
    for ok in ["icc", "icc_olap", "ICC-2", &"x".repeat(63)] {
        assert!(check_database_name(ok).is_ok(), "{ok}");
    }
    for bad in [
        "",
        "a.b",
        "a/b",
        "a\\b",
        "a b",
        "a\"b",
        "a$b",
        "a*b",
        "a<b",
        "a>b",
        "a:b",
        "a|b",
        "a?b",
        "a\0b",
        &"x".repeat(64),
    ] {
        assert!(
            matches!(
                check_database_name(bad),
                Err(StoreError::InvalidArgument(_))
            ),
            "{bad:?}"
        );
    }
}

#[test]
fn debug_never_prints_the_connection_string() {
    let c = parse("mongodb://user:s3cret@h/shop");
    let shown = format!("{c:?}");
    assert!(!shown.contains("s3cret"), "{shown}");
    assert!(shown.contains("shop"), "{shown}");
}
