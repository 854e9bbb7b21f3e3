// Typed clients of every public service, all over the one transport.
import { createClient } from "@connectrpc/connect";
import { AuthService } from "../gen/icc/v1/auth_pb";
import { CatalogService } from "../gen/icc/v1/catalog_pb";
import { ForecastService } from "../gen/icc/v1/forecast_pb";
import { IngestService } from "../gen/icc/v1/ingest_pb";
import { InventoryService } from "../gen/icc/v1/inventory_pb";
import { OrdersService } from "../gen/icc/v1/orders_pb";
import { transport } from "./transport";

export const authClient = createClient(AuthService, transport);
export const catalogClient = createClient(CatalogService, transport);
export const ordersClient = createClient(OrdersService, transport);
export const inventoryClient = createClient(InventoryService, transport);
export const ingestClient = createClient(IngestService, transport);
export const forecastClient = createClient(ForecastService, transport);
