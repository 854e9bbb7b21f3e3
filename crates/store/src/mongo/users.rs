//! Users of the gateway: one document per username (`_id`).

use mongodb::bson::{Document, doc};
use mongodb::options::ReturnDocument;

use super::docs::UserDoc;
use super::errors::{is_duplicate_key, store_error};
use super::filters;
use super::read::{all, limit_plus_one, paginate};
use super::schema::Db;
use crate::model::{Page, PageRequest};
use crate::users::*;
use crate::{StoreError, StoreResult};

pub async fn create_user(db: &Db, u: &UserRecord) -> StoreResult<UserRecord> {
    let stored = UserDoc::from(u);
    match db.users.insert_one(&stored).await {
        Ok(_) => Ok(stored.into()),
        Err(e) if is_duplicate_key(&e) => Err(StoreError::AlreadyExists(format!(
            "user {:?} already exists",
            u.username
        ))),
        Err(e) => Err(store_error(e)),
    }
}

pub async fn get_user(db: &Db, username: &str) -> StoreResult<UserRecord> {
    db.users
        .find_one(filters::by_id(username))
        .await
        .map_err(store_error)?
        .map(UserRecord::from)
        .ok_or_else(|| StoreError::NotFound(format!("user {username:?}")))
}

pub async fn list_users(db: &Db, page: &PageRequest) -> StoreResult<Page<UserRecord>> {
    let after = page.after.clone().unwrap_or_default();
    let cursor = db
        .users
        .find(doc! { "_id": { "$gt": after } })
        .sort(doc! { "_id": 1 })
        .limit(limit_plus_one(page.size))
        .await
        .map_err(store_error)?;
    let users = all(cursor).await.map_err(store_error)?;
    let users = users.into_iter().map(UserRecord::from).collect();
    Ok(paginate(users, page.size, |u: &UserRecord| {
        u.username.clone()
    }))
}

/// The `$set` of a patch; empty when the patch changes nothing.
pub fn user_update(patch: &UserPatch) -> Document {
    let mut set = Document::new();
    if let Some(role) = patch.role {
        set.insert("role", role_str(role));
    }
    if let Some(hash) = &patch.password_hash {
        set.insert("password_hash", hash);
    }
    if let Some(disabled) = patch.disabled {
        set.insert("disabled", disabled);
    }
    set
}

pub fn role_str(r: Role) -> &'static str {
    match r {
        Role::Admin => "admin",
        Role::Staff => "staff",
        Role::Viewer => "viewer",
    }
}

pub async fn update_user(db: &Db, username: &str, patch: &UserPatch) -> StoreResult<UserRecord> {
    let set = user_update(patch);
    if set.is_empty() {
        // The server refuses an empty $set.
        return get_user(db, username).await;
    }
    db.users
        .find_one_and_update(filters::by_id(username), doc! { "$set": set })
        .return_document(ReturnDocument::After)
        .await
        .map_err(store_error)?
        .map(UserRecord::from)
        .ok_or_else(|| StoreError::NotFound(format!("user {username:?}")))
}

pub async fn count_users(db: &Db) -> StoreResult<i64> {
    let n = db
        .users
        .count_documents(doc! {})
        .await
        .map_err(store_error)?;
    Ok(i64::try_from(n).unwrap_or(i64::MAX))
}
