//! Users of the gateway: unique usernames, lookups, listing in username
//! order, patches that change only the given fields.

use std::sync::Arc;

use super::olap_support::{march, time_on};
use super::support::{collect_pages, page_lengths};
use crate::{PageRequest, Role, Store, StoreError, UserPatch, UserRecord};

/// A user; `n` varies the hash and creation time (whole milliseconds, which
/// every backend stores exactly).
fn user(username: &str, role: Role, n: i64) -> UserRecord {
    UserRecord {
        username: username.to_owned(),
        role,
        password_hash: format!("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA${username}{n}"),
        disabled: false,
        create_time: time_on(march(1), 12, 0, 1_001 * n),
    }
}

/// Creates a user, expecting success; returns what the store returned.
async fn create(store: &dyn Store, record: UserRecord) -> UserRecord {
    let username = record.username.clone();
    store
        .create_user(record)
        .await
        .unwrap_or_else(|err| panic!("create_user {username}: {err:?}"))
}

/// Reads a user, expecting success.
async fn get(store: &dyn Store, username: &str) -> UserRecord {
    store
        .get_user(username)
        .await
        .unwrap_or_else(|err| panic!("get_user {username}: {err:?}"))
}

/// Every user, following the cursors with pages of `size`.
async fn user_pages(store: &dyn Store, size: usize) -> Vec<Vec<UserRecord>> {
    collect_pages(size, "list_users", async |page| {
        store.list_users(&page).await
    })
    .await
}

/// Usernames, in the order given.
fn usernames(users: &[UserRecord]) -> Vec<&str> {
    users.iter().map(|u| u.username.as_str()).collect()
}

/// A created user is returned with every field as given (the creation time
/// as the backend stores it), and reads back as returned; each role and
/// both states round-trip.
pub async fn create_user_then_get_returns_it(store: Arc<dyn Store>) {
    let disabled = UserRecord {
        disabled: true,
        ..user("viewer-1", Role::Viewer, 2)
    };
    for given in [
        user("alice", Role::Admin, 1),
        disabled,
        user("bob", Role::Staff, 3),
    ] {
        let created = create(&*store, given.clone()).await;
        assert_eq!(
            created,
            UserRecord {
                create_time: created.create_time,
                ..given.clone()
            },
            "create_user returns the user as given"
        );
        assert_eq!(
            get(&*store, &given.username).await,
            created,
            "get_user returns what create_user returned"
        );
    }
}

/// A taken username is `AlreadyExists`, and the stored user is unchanged.
pub async fn create_user_with_taken_username_is_already_exists(store: Arc<dyn Store>) {
    let first = create(&*store, user("alice", Role::Staff, 1)).await;
    let err = expect_err!(
        store.create_user(user("alice", Role::Admin, 2)).await,
        StoreError::AlreadyExists(_),
        "create_user alice twice"
    );
    assert!(
        err.to_string().contains("alice"),
        "the error names the username: {err}"
    );
    assert_eq!(
        get(&*store, "alice").await,
        first,
        "a rejected duplicate changed the stored user"
    );
    assert_eq!(store.count_users().await.expect("count_users"), 1);
}

/// An unknown username is `NotFound` for a read and for an update, and the
/// update creates nothing.
pub async fn unknown_user_is_not_found(store: Arc<dyn Store>) {
    expect_err!(
        store.get_user("nobody").await,
        StoreError::NotFound(_),
        "get_user of an unknown user on an empty store"
    );
    create(&*store, user("alice", Role::Admin, 1)).await;
    let err = expect_err!(
        store.get_user("nobody").await,
        StoreError::NotFound(_),
        "get_user of an unknown user"
    );
    assert!(
        err.to_string().contains("nobody"),
        "the error names the username: {err}"
    );
    expect_err!(
        store
            .update_user(
                "nobody",
                UserPatch {
                    role: Some(Role::Admin),
                    ..UserPatch::default()
                }
            )
            .await,
        StoreError::NotFound(_),
        "update_user of an unknown user"
    );
    assert_eq!(
        store.count_users().await.expect("count_users"),
        1,
        "updating an unknown user created one"
    );
}

/// Users are listed in username order; following the cursors visits each
/// once, the page that ends the listing has no cursor, and a listing resumes
/// after the username given as cursor.
pub async fn list_users_pages_in_username_order(store: Arc<dyn Store>) {
    let empty = user_pages(&*store, 3).await;
    assert_eq!(page_lengths(&empty), [0], "an empty store: one empty page");

    let created = ["mallory", "alice", "trent", "bob", "carol"];
    for (i, name) in created.iter().enumerate() {
        create(&*store, user(name, Role::Staff, i as i64)).await;
    }
    let mut expected = created.to_vec();
    expected.sort_unstable();

    let pages = user_pages(&*store, 2).await;
    assert_eq!(page_lengths(&pages), [2, 2, 1], "5 users in pages of 2");
    let listed: Vec<UserRecord> = pages.into_iter().flatten().collect();
    assert_eq!(usernames(&listed), expected, "username order, each once");
    for u in &listed {
        assert_eq!(*u, get(&*store, &u.username).await, "listed as stored");
    }
    assert_eq!(
        page_lengths(&user_pages(&*store, 5).await),
        [5],
        "a full page that ends the listing has no cursor"
    );

    let resumed = store
        .list_users(&PageRequest {
            size: 2,
            after: Some("bob".into()),
        })
        .await
        .expect("list_users after bob");
    assert_eq!(
        usernames(&resumed.items),
        ["carol", "mallory"],
        "the cursor is the last username seen"
    );
}

/// An update changes only the patched fields (never the username or
/// creation time) and returns the user as later reads see it; an empty
/// patch changes nothing.
pub async fn update_user_changes_only_patched_fields(store: Arc<dyn Store>) {
    let original = create(&*store, user("alice", Role::Staff, 1)).await;
    let other = create(&*store, user("bob", Role::Staff, 2)).await;

    let updated = store
        .update_user(
            "alice",
            UserPatch {
                role: Some(Role::Admin),
                ..UserPatch::default()
            },
        )
        .await
        .expect("update_user role");
    let expected = UserRecord {
        role: Role::Admin,
        ..original.clone()
    };
    assert_eq!(updated, expected, "only the role changed");
    assert_eq!(get(&*store, "alice").await, updated);

    let updated = store
        .update_user(
            "alice",
            UserPatch {
                disabled: Some(true),
                ..UserPatch::default()
            },
        )
        .await
        .expect("update_user disabled");
    let expected = UserRecord {
        disabled: true,
        ..expected
    };
    assert_eq!(updated, expected, "only disabled changed");
    assert_eq!(get(&*store, "alice").await, updated);

    let updated = store
        .update_user(
            "alice",
            UserPatch {
                password_hash: Some("$argon2id$new".into()),
                ..UserPatch::default()
            },
        )
        .await
        .expect("update_user password_hash");
    let expected = UserRecord {
        password_hash: "$argon2id$new".into(),
        ..expected
    };
    assert_eq!(updated, expected, "only the password hash changed");
    assert_eq!(get(&*store, "alice").await, updated);

    let unchanged = store
        .update_user("alice", UserPatch::default())
        .await
        .expect("update_user with an empty patch");
    assert_eq!(unchanged, expected, "an empty patch changes nothing");

    let updated = store
        .update_user(
            "alice",
            UserPatch {
                role: Some(Role::Viewer),
                password_hash: Some("$argon2id$newer".into()),
                disabled: Some(false),
            },
        )
        .await
        .expect("update_user every field");
    let expected = UserRecord {
        role: Role::Viewer,
        password_hash: "$argon2id$newer".into(),
        disabled: false,
        ..original
    };
    assert_eq!(updated, expected, "every patched field changed");
    assert_eq!(get(&*store, "alice").await, updated);
    assert_eq!(get(&*store, "bob").await, other, "another user changed");
}

/// `count_users` counts users: none at first, one per created user, not
/// changed by rejected duplicates or updates.
pub async fn count_users_counts_created_users(store: Arc<dyn Store>) {
    assert_eq!(store.count_users().await.expect("count_users"), 0);
    create(&*store, user("alice", Role::Admin, 1)).await;
    assert_eq!(store.count_users().await.expect("count_users"), 1);
    create(&*store, user("bob", Role::Staff, 2)).await;
    create(&*store, user("carol", Role::Viewer, 3)).await;
    expect_err!(
        store.create_user(user("bob", Role::Admin, 4)).await,
        StoreError::AlreadyExists(_),
        "create_user bob twice"
    );
    store
        .update_user(
            "carol",
            UserPatch {
                disabled: Some(true),
                ..UserPatch::default()
            },
        )
        .await
        .expect("update_user");
    assert_eq!(
        store.count_users().await.expect("count_users"),
        3,
        "disabled users count; a duplicate does not"
    );
}
