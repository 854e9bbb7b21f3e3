//! AuthService: Login, the current user and user management.

use icc_proto::timestamp_to_proto;
use icc_proto::v1 as pb;
use icc_proto::v1::auth_service_server::AuthService;
use icc_server::paging::{next_page_token, page_request};
use icc_server::{invalid_argument, store_status};
use icc_store::{Role, StoreError, UserPatch, UserRecord};
use tonic::{Request, Response, Status};

use super::directory::{MAX_USERNAME_CHARS, check_username};
use super::password::{self, MAX_PASSWORD_CHARS, check_new};
use super::{AuthState, Caller};
use crate::policy::role_name;

/// The one answer to every failed login: it does not say which part was
/// wrong.
const BAD_LOGIN: &str = "wrong username or password, or the user is disabled";
/// Filters fingerprint of user page tokens (there are no filters).
const USERS: &str = "users";

/// The AuthService.
pub struct Auth {
    state: AuthState,
}

impl Auth {
    pub fn new(state: AuthState) -> Self {
        Auth { state }
    }
}

fn user(u: &UserRecord) -> pb::User {
    pb::User {
        username: u.username.clone(),
        role: role_to_proto(u.role) as i32,
        disabled: u.disabled,
        create_time: Some(timestamp_to_proto(u.create_time)),
    }
}

fn role_to_proto(role: Role) -> pb::Role {
    match role {
        Role::Admin => pb::Role::Admin,
        Role::Staff => pb::Role::Staff,
        Role::Viewer => pb::Role::Viewer,
    }
}

fn role_from_proto(field: &str, value: i32) -> Result<Role, Status> {
    match pb::Role::try_from(value) {
        Ok(pb::Role::Admin) => Ok(Role::Admin),
        Ok(pb::Role::Staff) => Ok(Role::Staff),
        Ok(pb::Role::Viewer) => Ok(Role::Viewer),
        _ => Err(invalid_argument(
            field,
            "must be ROLE_ADMIN, ROLE_STAFF or ROLE_VIEWER",
        )),
    }
}

fn caller<T>(request: &Request<T>) -> Result<Caller, Status> {
    request
        .extensions()
        .get::<Caller>()
        .cloned()
        // The authorize layer puts it there for every method that needs it.
        .ok_or_else(|| Status::unauthenticated("no caller: log in first"))
}

#[tonic::async_trait]
impl AuthService for Auth {
    async fn login(
        &self,
        request: Request<pb::LoginRequest>,
    ) -> Result<Response<pb::LoginResponse>, Status> {
        let address = request.remote_addr().map(|a| a.ip());
        let r = request.into_inner();
        if r.username.is_empty() {
            return Err(invalid_argument("username", "must not be empty"));
        }
        if r.password.is_empty() {
            return Err(invalid_argument("password", "must not be empty"));
        }
        // No user or password is longer; refused before they are hashed or
        // kept in the throttle's buckets.
        if r.username.chars().count() > MAX_USERNAME_CHARS {
            return Err(invalid_argument(
                "username",
                format!("longer than {MAX_USERNAME_CHARS} characters"),
            ));
        }
        if r.password.chars().count() > MAX_PASSWORD_CHARS {
            return Err(invalid_argument(
                "password",
                format!("longer than {MAX_PASSWORD_CHARS} characters"),
            ));
        }
        let throttle = &self.state.throttle;
        if let Err(wait) = throttle.check(address, &r.username) {
            tracing::warn!(username = %r.username, ?address, "login refused: too many failures");
            return Err(Status::resource_exhausted(format!(
                "too many failed sign-ins; try again in {} s",
                wait.as_secs_f64().ceil()
            )));
        }
        let stored = match self.state.directory.store().get_user(&r.username).await {
            Ok(u) => Some(u),
            Err(StoreError::NotFound(_)) => None,
            Err(e) => return Err(store_status(e)),
        };
        let ok = self
            .state
            .passwords
            .verify(r.password, stored.as_ref().map(|u| u.password_hash.clone()))
            .await?;
        let Some(u) = stored.filter(|u| ok && !u.disabled) else {
            throttle.failed(address, &r.username);
            tracing::info!(username = %r.username, "login refused");
            return Err(Status::unauthenticated(BAD_LOGIN));
        };
        let stamp = password::stamp(&u.password_hash);
        let (token, expire) = self
            .state
            .tokens
            .issue(&u.username, role_name(u.role), stamp);
        tracing::info!(username = %u.username, role = role_name(u.role), "logged in");
        Ok(Response::new(pb::LoginResponse {
            access_token: token,
            expire_time: Some(timestamp_to_proto(expire)),
            user: Some(user(&u)),
        }))
    }

    async fn get_current_user(
        &self,
        request: Request<pb::GetCurrentUserRequest>,
    ) -> Result<Response<pb::GetCurrentUserResponse>, Status> {
        let me = caller(&request)?;
        let u = self
            .state
            .directory
            .store()
            .get_user(&me.username)
            .await
            .map_err(store_status)?;
        Ok(Response::new(pb::GetCurrentUserResponse {
            user: Some(user(&u)),
        }))
    }

    async fn create_user(
        &self,
        request: Request<pb::CreateUserRequest>,
    ) -> Result<Response<pb::CreateUserResponse>, Status> {
        let me = caller(&request)?;
        let r = request.into_inner();
        let new = r.user.ok_or_else(|| invalid_argument("user", "required"))?;
        check_username("user.username", &new.username)?;
        let role = role_from_proto("user.role", new.role)?;
        check_new("password", &r.password)?;
        let hash = self.state.passwords.hash(r.password).await?;
        let created = self
            .state
            .directory
            .store()
            .create_user(UserRecord {
                username: new.username,
                role,
                password_hash: hash,
                disabled: new.disabled,
                create_time: chrono::Utc::now(),
            })
            .await
            .map_err(store_status)?;
        tracing::info!(by = %me.username, username = %created.username, role = role_name(role), "user created");
        Ok(Response::new(pb::CreateUserResponse {
            user: Some(user(&created)),
        }))
    }

    async fn list_users(
        &self,
        request: Request<pb::ListUsersRequest>,
    ) -> Result<Response<pb::ListUsersResponse>, Status> {
        let r = request.into_inner();
        let page = page_request(r.page_size, &r.page_token, USERS)?;
        let found = self
            .state
            .directory
            .store()
            .list_users(&page)
            .await
            .map_err(store_status)?;
        Ok(Response::new(pb::ListUsersResponse {
            users: found.items.iter().map(user).collect(),
            next_page_token: next_page_token(found.next, USERS),
        }))
    }

    async fn update_user(
        &self,
        request: Request<pb::UpdateUserRequest>,
    ) -> Result<Response<pb::UpdateUserResponse>, Status> {
        let me = caller(&request)?;
        let r = request.into_inner();
        let target = r.user.ok_or_else(|| invalid_argument("user", "required"))?;
        check_username("user.username", &target.username)?;
        let paths = r.update_mask.map(|m| m.paths).unwrap_or_default();
        if paths.is_empty() {
            return Err(invalid_argument(
                "update_mask",
                "required: name the fields to change (role, disabled, password)",
            ));
        }
        let mut patch = UserPatch::default();
        for path in &paths {
            match path.as_str() {
                "role" => patch.role = Some(role_from_proto("user.role", target.role)?),
                "disabled" => patch.disabled = Some(target.disabled),
                "password" => {
                    check_new("password", &r.password)?;
                    patch.password_hash =
                        Some(self.state.passwords.hash(r.password.clone()).await?);
                }
                other => {
                    return Err(invalid_argument(
                        "update_mask",
                        format!("unknown field {other:?} (allowed: role, disabled, password)"),
                    ));
                }
            }
        }
        // An admin cannot lock themselves out (and with them, perhaps, everyone).
        let demotes = patch.role.is_some_and(|role| role != Role::Admin);
        if target.username == me.username && (demotes || patch.disabled == Some(true)) {
            return Err(Status::failed_precondition(
                "you cannot demote or disable yourself; ask another admin",
            ));
        }
        let updated = self
            .state
            .directory
            .store()
            .update_user(&target.username, patch)
            .await
            .map_err(store_status)?;
        self.state.directory.invalidate(&updated.username);
        tracing::info!(by = %me.username, username = %updated.username, fields = ?paths, "user updated");
        Ok(Response::new(pb::UpdateUserResponse {
            user: Some(user(&updated)),
        }))
    }
}
