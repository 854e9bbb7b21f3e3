//! The full role matrix: every RPC of the contracts, called through the
//! gateway with no token, a malformed token, a tampered one, one signed
//! with another secret, an expired one, and each role's token.

mod common;

use std::time::Duration;

use common::*;
use futures::StreamExt;
use gateway::policy::{Access, Kind, RULES, Rule};
use icc_proto::v1 as pb;
use icc_proto::v1::auth_service_client::AuthServiceClient;
use icc_store::Role;
use tonic::codegen::http::uri::PathAndQuery;
use tonic::metadata::MetadataValue;
use tonic::transport::Channel;
use tonic::{Code, Request};

/// The credentials a call is made with.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Cred {
    None,
    Garbage,
    Tampered,
    OtherSecret,
    Expired,
    Role(Role),
}

fn with_token<T>(mut r: Request<T>, token: Option<&str>) -> Request<T> {
    if let Some(t) = token {
        r.metadata_mut().insert(
            "authorization",
            MetadataValue::try_from(format!("Bearer {t}")).unwrap(),
        );
    }
    r
}

/// Calls `rule`'s method with an empty message (every field at its
/// default), whatever its kind, and returns the code it ended with.
async fn call(channel: Channel, rule: &Rule, token: Option<&str>) -> (Code, String) {
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready().await.expect("ready");
    let path = PathAndQuery::from_static(rule.path);
    let codec = tonic_prost::ProstCodec::<(), ()>::default();
    let result = match rule.kind {
        Kind::Read | Kind::Write => grpc
            .unary(with_token(Request::new(()), token), path, codec)
            .await
            .map(|_| ()),
        Kind::ClientStream => grpc
            .client_streaming(
                with_token(Request::new(futures::stream::empty::<()>()), token),
                path,
                codec,
            )
            .await
            .map(|_| ()),
        Kind::ServerStream => match grpc
            .server_streaming(with_token(Request::new(()), token), path, codec)
            .await
        {
            Ok(response) => {
                let mut stream = response.into_inner();
                match tokio::time::timeout(PATIENCE, stream.next()).await {
                    Ok(Some(Err(s))) => Err(s),
                    Ok(_) => Ok(()),
                    Err(_) => panic!("{}: no first message or status", rule.path),
                }
            }
            Err(s) => Err(s),
        },
    };
    match result {
        Ok(()) => (Code::Ok, String::new()),
        Err(s) => (s.code(), s.message().to_owned()),
    }
}

/// Asks, as `admin`, for a user `username` with `role` and `password`.
async fn create_user(
    auth: &mut AuthServiceClient<Channel>,
    admin: &str,
    username: &str,
    role: pb::Role,
    password: &str,
) -> Result<tonic::Response<pb::CreateUserResponse>, tonic::Status> {
    let request = pb::CreateUserRequest {
        user: Some(pb::User {
            username: username.into(),
            role: role as i32,
            ..Default::default()
        }),
        password: password.into(),
    };
    auth.create_user(authed(request, admin)).await
}

fn rank(role: Role) -> u8 {
    match role {
        Role::Viewer => 1,
        Role::Staff => 2,
        Role::Admin => 3,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_rpc_with_every_credential() {
    let mesh = Mesh::start(&[]).await;
    mesh.inventory_ready().await;
    let tokens = [
        (Role::Admin, mesh.login(ADMIN).await),
        (Role::Staff, mesh.login(STAFF).await),
        (Role::Viewer, mesh.login(VIEWER).await),
    ];
    let admin_token = &tokens[0].1;
    let mut tampered = admin_token.clone().into_bytes();
    // Change a character in the middle of the payload.
    let mid = admin_token.find('.').unwrap() + 10;
    tampered[mid] = if tampered[mid] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    let signer = gateway::auth::Tokens::new(SECRET.as_bytes(), Duration::from_secs(3600));
    let expired = signer.issue_expired(ADMIN.0, "ADMIN", Duration::from_secs(120));
    let other = gateway::auth::Tokens::new(
        b"another-secret-another-secret-another",
        Duration::from_secs(3600),
    )
    .issue(ADMIN.0, "ADMIN", 0)
    .0;

    let creds = [
        (Cred::None, None),
        (Cred::Garbage, Some("not-a-jwt".to_owned())),
        (Cred::Tampered, Some(tampered)),
        (Cred::OtherSecret, Some(other)),
        (Cred::Expired, Some(expired)),
        (Cred::Role(Role::Viewer), Some(tokens[2].1.clone())),
        (Cred::Role(Role::Staff), Some(tokens[1].1.clone())),
        (Cred::Role(Role::Admin), Some(tokens[0].1.clone())),
    ];
    let channel = mesh.channel().await;
    let mut checked = 0;
    let mut failures = Vec::new();
    for rule in RULES.iter().filter(|r| r.path.starts_with("/icc.")) {
        for (cred, token) in &creds {
            let (code, message) = call(channel.clone(), rule, token.as_deref()).await;
            let expected_refusal = match (rule.access, cred) {
                (Access::Open, _) => None,
                (Access::AtLeast(_), Cred::Role(have)) => {
                    let Access::AtLeast(need) = rule.access else {
                        unreachable!()
                    };
                    (rank(*have) < rank(need)).then_some(Code::PermissionDenied)
                }
                (Access::AtLeast(_), _) => Some(Code::Unauthenticated),
            };
            let ok = match expected_refusal {
                Some(refusal) => code == refusal,
                // Allowed: the call got past the gateway's checks to the
                // handler (whatever the handler then said about an empty
                // message, or a service that is not running).
                None => !matches!(
                    code,
                    Code::Unauthenticated | Code::PermissionDenied | Code::Unimplemented
                ),
            };
            if !ok {
                failures.push(format!(
                    "{} with {cred:?}: got {code:?} {message:?}, expected {}",
                    rule.path,
                    expected_refusal.map_or("to pass".into(), |c| format!("{c:?}"))
                ));
            }
            if *cred == Cred::Expired && expected_refusal.is_some() {
                assert!(message.contains("expired"), "{}: {message}", rule.path);
            }
            checked += 1;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(checked, 28 * creds.len());
}

#[tokio::test(flavor = "multi_thread")]
async fn allowed_calls_really_work_for_each_role() {
    let mesh = Mesh::start(&[]).await;
    seed_products(&mesh, "ROLE", 1, 100).await;
    let staff = mesh.login(STAFF).await;
    let viewer = mesh.login(VIEWER).await;
    let channel = mesh.channel().await;
    let place = |token: &str, key: &str| {
        authed(
            pb::PlaceOrderRequest {
                idempotency_key: key.into(),
                lines: vec![pb::OrderLineInput {
                    sku: "ROLE-000".into(),
                    quantity: 1,
                }],
                note: String::new(),
            },
            token,
        )
    };
    let placed = orders(channel.clone())
        .place_order(place(&staff, "role-1"))
        .await
        .unwrap();
    let order = placed.into_inner().order.unwrap();
    let denied = orders(channel.clone())
        .place_order(place(&viewer, "role-2"))
        .await
        .unwrap_err();
    assert_eq!(denied.code(), Code::PermissionDenied);
    assert!(
        denied.message().contains("VIEWER") && denied.message().contains("STAFF"),
        "{denied:?}"
    );
    let got = orders(channel.clone())
        .get_order(authed(
            pb::GetOrderRequest {
                id: order.id.clone(),
            },
            &viewer,
        ))
        .await
        .unwrap();
    assert_eq!(got.into_inner().order.unwrap().id, order.id);
    let me = AuthServiceClient::new(channel.clone())
        .get_current_user(authed(pb::GetCurrentUserRequest {}, &viewer))
        .await
        .unwrap()
        .into_inner()
        .user
        .unwrap();
    assert_eq!(
        (me.username.as_str(), me.role),
        (VIEWER.0, pb::Role::Viewer as i32)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn user_management_and_disabled_users() {
    let mesh = Mesh::start(&[]).await;
    let admin = mesh.login(ADMIN).await;
    let mut auth = AuthServiceClient::new(mesh.channel().await);

    // Wrong password and unknown user get the same answer.
    let wrong = auth
        .login(pb::LoginRequest {
            username: ADMIN.0.into(),
            password: "not-the-password".into(),
        })
        .await
        .unwrap_err();
    let unknown = auth
        .login(pb::LoginRequest {
            username: "nobody".into(),
            password: "not-the-password".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(
        (wrong.code(), unknown.code()),
        (Code::Unauthenticated, Code::Unauthenticated)
    );
    assert_eq!(wrong.message(), unknown.message());

    // Create a user, then log in as them.
    let created = create_user(
        &mut auth,
        &admin,
        "carol",
        pb::Role::Staff,
        "carol-password-1",
    )
    .await
    .unwrap()
    .into_inner()
    .user
    .unwrap();
    assert_eq!(created.role, pb::Role::Staff as i32);
    let again = create_user(
        &mut auth,
        &admin,
        "carol",
        pb::Role::Viewer,
        "carol-password-2",
    )
    .await
    .unwrap_err();
    assert_eq!(again.code(), Code::AlreadyExists);
    let short = create_user(&mut auth, &admin, "dave", pb::Role::Viewer, "short")
        .await
        .unwrap_err();
    assert_eq!(short.code(), Code::InvalidArgument);
    assert!(short.message().starts_with("password"), "{short:?}");
    let carol = mesh.login(("carol", "carol-password-1")).await;

    // Listing pages in username order.
    let page = auth
        .list_users(authed(
            pb::ListUsersRequest {
                page_size: 2,
                page_token: String::new(),
            },
            &admin,
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        page.users
            .iter()
            .map(|u| u.username.as_str())
            .collect::<Vec<_>>(),
        ["admin", "carol"]
    );
    let rest = auth
        .list_users(authed(
            pb::ListUsersRequest {
                page_size: 2,
                page_token: page.next_page_token,
            },
            &admin,
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        rest.users
            .iter()
            .map(|u| u.username.as_str())
            .collect::<Vec<_>>(),
        ["staff", "viewer"]
    );

    // Disabling carol stops her token at once, and her logins.
    let mask = |p: &str| {
        Some(prost_types::FieldMask {
            paths: vec![p.into()],
        })
    };
    auth.update_user(authed(
        pb::UpdateUserRequest {
            user: Some(pb::User {
                username: "carol".into(),
                disabled: true,
                ..Default::default()
            }),
            update_mask: mask("disabled"),
            password: String::new(),
        },
        &admin,
    ))
    .await
    .unwrap();
    let refused = auth
        .get_current_user(authed(pb::GetCurrentUserRequest {}, &carol))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::Unauthenticated);
    assert!(refused.message().contains("disabled"), "{refused:?}");
    let no_login = auth
        .login(pb::LoginRequest {
            username: "carol".into(),
            password: "carol-password-1".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(no_login.code(), Code::Unauthenticated);

    // A role change applies to existing tokens at once.
    let staff = mesh.login(STAFF).await;
    auth.update_user(authed(
        pb::UpdateUserRequest {
            user: Some(pb::User {
                username: STAFF.0.into(),
                role: pb::Role::Viewer as i32,
                ..Default::default()
            }),
            update_mask: mask("role"),
            password: String::new(),
        },
        &admin,
    ))
    .await
    .unwrap();
    let demoted = orders(mesh.channel().await)
        .cancel_order(authed(
            pb::CancelOrderRequest {
                id: "x".into(),
                reason: String::new(),
            },
            &staff,
        ))
        .await
        .unwrap_err();
    assert_eq!(demoted.code(), Code::PermissionDenied);

    // A password change: the old one stops working, the new one works,
    // and tokens issued before it are signed out.
    let before = mesh.login(VIEWER).await;
    auth.get_current_user(authed(pb::GetCurrentUserRequest {}, &before))
        .await
        .unwrap();
    auth.update_user(authed(
        pb::UpdateUserRequest {
            user: Some(pb::User {
                username: VIEWER.0.into(),
                ..Default::default()
            }),
            update_mask: mask("password"),
            password: "a-brand-new-password".into(),
        },
        &admin,
    ))
    .await
    .unwrap();
    assert!(
        auth.login(pb::LoginRequest {
            username: VIEWER.0.into(),
            password: VIEWER.1.into()
        })
        .await
        .is_err()
    );
    let after = mesh.login((VIEWER.0, "a-brand-new-password")).await;
    let signed_out = auth
        .get_current_user(authed(pb::GetCurrentUserRequest {}, &before))
        .await
        .unwrap_err();
    assert_eq!(signed_out.code(), Code::Unauthenticated);
    assert!(
        signed_out.message().contains("password has changed"),
        "{signed_out:?}"
    );
    auth.get_current_user(authed(pb::GetCurrentUserRequest {}, &after))
        .await
        .unwrap();

    // An admin cannot lock themselves out.
    let myself = auth
        .update_user(authed(
            pb::UpdateUserRequest {
                user: Some(pb::User {
                    username: ADMIN.0.into(),
                    disabled: true,
                    ..Default::default()
                }),
                update_mask: mask("disabled"),
                password: String::new(),
            },
            &admin,
        ))
        .await
        .unwrap_err();
    assert_eq!(myself.code(), Code::FailedPrecondition);
    let bad_mask = auth
        .update_user(authed(
            pb::UpdateUserRequest {
                user: Some(pb::User {
                    username: VIEWER.0.into(),
                    ..Default::default()
                }),
                update_mask: mask("username"),
                password: String::new(),
            },
            &admin,
        ))
        .await
        .unwrap_err();
    assert_eq!(bad_mask.code(), Code::InvalidArgument);
}

#[tokio::test(flavor = "multi_thread")]
async fn health_and_reflection_need_no_token() {
    use tonic_reflection::pb::v1::ServerReflectionRequest;
    use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
    use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
    use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;

    let mesh = Mesh::start(&[]).await;
    let channel = mesh.channel().await;
    let health = tonic_health::pb::health_client::HealthClient::new(channel.clone())
        .check(tonic_health::pb::HealthCheckRequest {
            service: String::new(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        health.status,
        tonic_health::pb::health_check_response::ServingStatus::Serving as i32
    );

    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut responses = ServerReflectionClient::new(channel)
        .server_reflection_info(futures::stream::iter([request]))
        .await
        .unwrap()
        .into_inner();
    let Some(MessageResponse::ListServicesResponse(list)) =
        responses.next().await.unwrap().unwrap().message_response
    else {
        panic!("not a service list");
    };
    let mut names: Vec<_> = list.service.into_iter().map(|s| s.name).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "grpc.health.v1.Health",
            "grpc.reflection.v1.ServerReflection",
            "grpc.reflection.v1alpha.ServerReflection",
            "icc.v1.AuthService",
            "icc.v1.CatalogService",
            "icc.v1.ForecastService",
            "icc.v1.IngestService",
            "icc.v1.InventoryService",
            "icc.v1.OrdersService",
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn failed_sign_ins_are_rationed_per_username_and_address() {
    let mesh = Mesh::start(&[]).await;
    let mut auth = AuthServiceClient::new(mesh.channel().await);
    let login = |username: &str, password: &str| pb::LoginRequest {
        username: username.into(),
        password: password.into(),
    };
    // Usernames and passwords longer than any are refused before hashing.
    let long = auth.login(login(&"x".repeat(65), "whatever-it-is")).await;
    assert_eq!(code(&long), Code::InvalidArgument);
    let long = auth.login(login(VIEWER.0, &"x".repeat(129))).await;
    assert_eq!(code(&long), Code::InvalidArgument);
    // Five wrong passwords for the viewer are told as such...
    for _ in 0..5 {
        let wrong = auth.login(login(VIEWER.0, "not-the-password")).await;
        assert_eq!(code(&wrong), Code::Unauthenticated);
    }
    // ...then even the right one is refused, saying when to retry (one
    // failure drains in 12 s).
    let held = auth.login(login(VIEWER.0, VIEWER.1)).await.unwrap_err();
    assert_eq!(held.code(), Code::ResourceExhausted, "{held:?}");
    assert!((1..=12).contains(&retry_after(&held)), "{held:?}");
    // Other users from the same address still sign in.
    mesh.login(ADMIN).await;
    // Unknown usernames count against the address: 20 failures in all,
    // a few more as one drains every 3 s while the hashing takes its time.
    let mut failures = 5;
    let held = loop {
        let name = format!("nobody-{failures}");
        match auth.login(login(&name, "whatever-it-is")).await {
            Err(e) if e.code() == Code::Unauthenticated && failures < 40 => failures += 1,
            other => break other.unwrap_err(),
        }
    };
    assert_eq!(held.code(), Code::ResourceExhausted, "{held:?}");
    assert!(
        (20..40).contains(&failures),
        "held after {failures} failures"
    );
    assert!((1..=3).contains(&retry_after(&held)), "{held:?}");
    let admin = auth.login(login(ADMIN.0, ADMIN.1)).await.unwrap_err();
    assert_eq!(admin.code(), Code::ResourceExhausted, "{admin:?}");
}

/// The seconds in "try again in N s".
fn retry_after(status: &tonic::Status) -> u64 {
    let message = status.message();
    let n = message.strip_prefix("too many failed sign-ins; try again in ");
    let n = n.and_then(|rest| rest.strip_suffix(" s"));
    n.and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no retry time in {message:?}"))
}
