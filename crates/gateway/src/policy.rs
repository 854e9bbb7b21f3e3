//! The role table: every method the gateway serves, who may call it and
//! what kind of call it is. The one place in code that says so; the
//! authorize layer checks every request path against it, and a path that
//! is not here is refused (default deny).
//!
//! Roles nest: ADMIN may do everything STAFF may, STAFF everything VIEWER
//! may. The same table is in docs/architecture.md and the README.

use std::collections::HashMap;
use std::sync::LazyLock;

use icc_store::Role;

/// Who may call a method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, without a token (health, reflection, Login).
    Open,
    /// A valid token of a user with at least this role.
    AtLeast(Role),
}

/// What kind of call a method is: decides retries and the unary timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Unary and idempotent: retried (bounded) when a service is
    /// unavailable.
    Read,
    /// Unary with effects: never retried by the gateway.
    Write,
    /// Server streaming.
    ServerStream,
    /// Client streaming (imports).
    ClientStream,
}

/// One method of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// gRPC path, `/package.Service/Method`.
    pub path: &'static str,
    pub access: Access,
    pub kind: Kind,
}

impl Rule {
    /// Unary calls get the gateway's per-request timeout.
    pub fn is_unary(&self) -> bool {
        matches!(self.kind, Kind::Read | Kind::Write)
    }
}

const fn rule(path: &'static str, access: Access, kind: Kind) -> Rule {
    Rule { path, access, kind }
}

use Access::{AtLeast, Open};
use Kind::{ClientStream, Read, ServerStream, Write};
use Role::{Admin, Staff, Viewer};

/// Every method the gateway serves.
pub static RULES: &[Rule] = &[
    // Operators' tools: always open.
    rule("/grpc.health.v1.Health/Check", Open, Read),
    rule("/grpc.health.v1.Health/Watch", Open, ServerStream),
    rule(
        "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
        Open,
        ServerStream,
    ),
    rule(
        "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
        Open,
        ServerStream,
    ),
    // Auth: Login needs no token; users are the admin's.
    rule("/icc.v1.AuthService/Login", Open, Write),
    rule("/icc.v1.AuthService/GetCurrentUser", AtLeast(Viewer), Read),
    rule("/icc.v1.AuthService/CreateUser", AtLeast(Admin), Write),
    rule("/icc.v1.AuthService/ListUsers", AtLeast(Admin), Read),
    rule("/icc.v1.AuthService/UpdateUser", AtLeast(Admin), Write),
    // Catalog: ADMIN manages it, STAFF adjusts stock, VIEWER reads.
    rule(
        "/icc.v1.CatalogService/CreateProduct",
        AtLeast(Admin),
        Write,
    ),
    rule("/icc.v1.CatalogService/GetProduct", AtLeast(Viewer), Read),
    rule("/icc.v1.CatalogService/ListProducts", AtLeast(Viewer), Read),
    rule(
        "/icc.v1.CatalogService/UpdateProduct",
        AtLeast(Admin),
        Write,
    ),
    rule(
        "/icc.v1.CatalogService/ArchiveProduct",
        AtLeast(Admin),
        Write,
    ),
    rule("/icc.v1.CatalogService/AdjustStock", AtLeast(Staff), Write),
    rule(
        "/icc.v1.CatalogService/ListStockMovements",
        AtLeast(Viewer),
        Read,
    ),
    rule(
        "/icc.v1.CatalogService/ImportProducts",
        AtLeast(Admin),
        ClientStream,
    ),
    // Orders: STAFF places and cancels, VIEWER reads.
    rule("/icc.v1.OrdersService/PlaceOrder", AtLeast(Staff), Write),
    rule("/icc.v1.OrdersService/GetOrder", AtLeast(Viewer), Read),
    rule("/icc.v1.OrdersService/ListOrders", AtLeast(Viewer), Read),
    rule("/icc.v1.OrdersService/CancelOrder", AtLeast(Staff), Write),
    // Live inventory: anyone logged in watches.
    rule(
        "/icc.v1.InventoryService/WatchInventory",
        AtLeast(Viewer),
        ServerStream,
    ),
    // Ingestion: writes are the admin's, reads everyone's.
    rule(
        "/icc.v1.IngestService/ImportSalesHistory",
        AtLeast(Admin),
        ClientStream,
    ),
    rule("/icc.v1.IngestService/GetDailySales", AtLeast(Viewer), Read),
    rule("/icc.v1.IngestService/GetFeatures", AtLeast(Viewer), Read),
    rule(
        "/icc.v1.IngestService/GetPipelineStatus",
        AtLeast(Viewer),
        Read,
    ),
    rule("/icc.v1.IngestService/RebuildFacts", AtLeast(Admin), Write),
    // Forecasts: reads for everyone; ForecastAll is expensive, so STAFF.
    rule("/icc.v1.ForecastService/GetForecast", AtLeast(Viewer), Read),
    rule(
        "/icc.v1.ForecastService/ForecastAll",
        AtLeast(Staff),
        ServerStream,
    ),
    rule("/icc.v1.ForecastService/Backtest", AtLeast(Viewer), Read),
    rule(
        "/icc.v1.ForecastService/GetReorderAdvice",
        AtLeast(Viewer),
        Read,
    ),
    rule(
        "/icc.v1.ForecastService/ListReorderAdvice",
        AtLeast(Viewer),
        Read,
    ),
];

static BY_PATH: LazyLock<HashMap<&'static str, &'static Rule>> =
    LazyLock::new(|| RULES.iter().map(|r| (r.path, r)).collect());

/// The rule of a request path; `None` for a path the gateway does not
/// serve.
pub fn lookup(path: &str) -> Option<&'static Rule> {
    BY_PATH.get(path).copied()
}

/// Whether `have` includes everything `need` may do.
pub fn allows(have: Role, need: Role) -> bool {
    rank(have) >= rank(need)
}

fn rank(role: Role) -> u8 {
    match role {
        Role::Viewer => 1,
        Role::Staff => 2,
        Role::Admin => 3,
    }
}

/// A role's name as the API spells it.
pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::Admin => "ADMIN",
        Role::Staff => "STAFF",
        Role::Viewer => "VIEWER",
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use prost::Message;
    use prost_types::FileDescriptorSet;

    use super::*;

    /// Every RPC of the public icc.v1 services, from the contracts.
    fn contract_paths() -> BTreeSet<(String, bool, bool)> {
        let set = FileDescriptorSet::decode(icc_proto::FILE_DESCRIPTOR_SET).unwrap();
        let mut paths = BTreeSet::new();
        for file in set.file {
            let package = file.package().to_owned();
            for service in &file.service {
                for m in &service.method {
                    paths.insert((
                        format!("/{package}.{}/{}", service.name(), m.name()),
                        m.client_streaming(),
                        m.server_streaming(),
                    ));
                }
            }
        }
        paths
    }

    #[test]
    fn the_table_covers_exactly_the_contracts() {
        let contracts = contract_paths();
        assert_eq!(contracts.len(), 28, "{contracts:?}");
        for (path, client_streaming, server_streaming) in &contracts {
            let rule = lookup(path).unwrap_or_else(|| panic!("no rule for {path}"));
            assert_eq!(rule.kind == Kind::ClientStream, *client_streaming, "{path}");
            assert_eq!(rule.kind == Kind::ServerStream, *server_streaming, "{path}");
        }
        let icc: Vec<_> = RULES
            .iter()
            .filter(|r| r.path.starts_with("/icc."))
            .collect();
        assert_eq!(icc.len(), contracts.len(), "rules for unknown methods");
        assert_eq!(BY_PATH.len(), RULES.len(), "duplicate paths");
    }

    #[test]
    fn roles_nest() {
        assert!(allows(Role::Admin, Role::Staff) && allows(Role::Admin, Role::Viewer));
        assert!(allows(Role::Staff, Role::Viewer) && !allows(Role::Staff, Role::Admin));
        assert!(!allows(Role::Viewer, Role::Staff));
    }

    #[test]
    fn the_rules_of_the_old_system_hold() {
        let need = |p: &str| lookup(p).unwrap().access;
        assert_eq!(need("/icc.v1.OrdersService/PlaceOrder"), AtLeast(Staff));
        assert_eq!(need("/icc.v1.CatalogService/CreateProduct"), AtLeast(Admin));
        assert_eq!(need("/icc.v1.CatalogService/AdjustStock"), AtLeast(Staff));
        assert_eq!(
            need("/icc.v1.InventoryService/WatchInventory"),
            AtLeast(Viewer)
        );
        assert_eq!(need("/icc.v1.AuthService/Login"), Open);
        assert!(lookup("/icc.v1.OrdersService/DropTables").is_none());
    }
}
