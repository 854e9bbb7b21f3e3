//! Users of the gateway.

use rusqlite::{Connection, OptionalExtension, params, types::Value};

use super::catalog::{limit_plus_one, paginate, query_all};
use super::{micros_to_time, sql_error};
use crate::model::{Page, PageRequest};
use crate::users::*;
use crate::{StoreError, StoreResult};

fn role_str(r: Role) -> &'static str {
    match r {
        Role::Admin => "admin",
        Role::Staff => "staff",
        Role::Viewer => "viewer",
    }
}

fn role(s: &str) -> Role {
    match s {
        "admin" => Role::Admin,
        "staff" => Role::Staff,
        _ => Role::Viewer,
    }
}

const COLUMNS: &str = "username, role, password_hash, disabled, create_time";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<UserRecord> {
    Ok(UserRecord {
        username: r.get(0)?,
        role: role(&r.get::<_, String>(1)?),
        password_hash: r.get(2)?,
        disabled: r.get(3)?,
        create_time: micros_to_time(r.get(4)?),
    })
}

fn find(c: &Connection, username: &str) -> StoreResult<Option<UserRecord>> {
    c.prepare_cached(&format!("SELECT {COLUMNS} FROM users WHERE username = ?1"))
        .and_then(|mut s| s.query_row([username], row).optional())
        .map_err(sql_error)
}

pub(super) fn create_user(c: &Connection, u: &UserRecord) -> StoreResult<UserRecord> {
    if find(c, &u.username)?.is_some() {
        return Err(StoreError::AlreadyExists(format!(
            "user {:?} already exists",
            u.username
        )));
    }
    c.execute(
        "INSERT INTO users (username, role, password_hash, disabled, create_time) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![u.username, role_str(u.role), u.password_hash, u.disabled, u.create_time.timestamp_micros()],
    )
    .map_err(sql_error)?;
    get_user(c, &u.username)
}

pub(super) fn get_user(c: &Connection, username: &str) -> StoreResult<UserRecord> {
    find(c, username)?.ok_or_else(|| StoreError::NotFound(format!("user {username:?}")))
}

pub(super) fn list_users(c: &Connection, page: &PageRequest) -> StoreResult<Page<UserRecord>> {
    let after = page.after.clone().unwrap_or_default();
    let args: Vec<Value> = vec![after.into(), limit_plus_one(page.size).into()];
    let users = query_all(
        c,
        &format!("SELECT {COLUMNS} FROM users WHERE username > ? ORDER BY username LIMIT ?"),
        args,
        row,
    )?;
    Ok(paginate(users, page.size, |u| u.username.clone()))
}

pub(super) fn update_user(
    c: &Connection,
    username: &str,
    patch: &UserPatch,
) -> StoreResult<UserRecord> {
    let mut u = get_user(c, username)?;
    if let Some(r) = patch.role {
        u.role = r;
    }
    if let Some(h) = &patch.password_hash {
        u.password_hash = h.clone();
    }
    if let Some(d) = patch.disabled {
        u.disabled = d;
    }
    c.execute(
        "UPDATE users SET role = ?2, password_hash = ?3, disabled = ?4 WHERE username = ?1",
        params![username, role_str(u.role), u.password_hash, u.disabled],
    )
    .map_err(sql_error)?;
    Ok(u)
}

pub(super) fn count_users(c: &Connection) -> StoreResult<i64> {
    c.query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))
        .map_err(sql_error)
}
