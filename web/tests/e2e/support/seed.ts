// Test data, put in through the gateway's public API as the admin: a few
// products and 120 days of daily sales ending yesterday (UTC), with a
// weekly rhythm so that the forecast has something to learn.
import { CatalogService } from "../../../src/gen/icc/v1/catalog_pb";
import { ForecastService } from "../../../src/gen/icc/v1/forecast_pb";
import { IngestService } from "../../../src/gen/icc/v1/ingest_pb";
import { client, eventually, grpc } from "./api";

export const PRODUCTS = [
  { sku: "E2E-TEA", name: "Sencha 100 g", category: "Beverages", unitPriceMinor: 650n, onHand: 500n, lowStockThreshold: 20n, base: 9 },
  { sku: "E2E-JAM", name: "Apricot Jam 340 g", category: "Pantry", unitPriceMinor: 349n, onHand: 200n, lowStockThreshold: 10n, base: 4 },
  { sku: "E2E-COF", name: "Espresso Beans 1 kg", category: "Beverages", unitPriceMinor: 1699n, onHand: 12n, lowStockThreshold: 20n, base: 3 },
] as const;

const HISTORY_DAYS = 120;
const WEEKLY = [0.6, 1, 1, 1, 1, 1.3, 1.5]; // Sunday first

function historyRows() {
  const rows = [];
  const today = new Date();
  const yesterday = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - 1);
  let noise = 7;
  for (const p of PRODUCTS) {
    for (let age = HISTORY_DAYS - 1; age >= 0; age--) {
      const d = new Date(yesterday - age * 86_400_000);
      noise = (noise * 1103515245 + 12345) % 2 ** 31; // fixed LCG: the same data every run
      const units = BigInt(Math.max(0, Math.round(p.base * WEEKLY[d.getUTCDay()] + ((noise % 5) - 2))));
      rows.push({
        date: { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() },
        sku: p.sku,
        units,
        revenueMinor: units * p.unitPriceMinor,
      });
    }
  }
  return rows;
}

export async function seed(url: string, adminToken: string): Promise<void> {
  const t = grpc(url, adminToken);
  const catalog = client(CatalogService, t);
  // The gateway needs a moment to see its upstreams healthy.
  await eventually(() => catalog.listProducts({}), 30_000);
  for (const { base: _, ...product } of PRODUCTS) await catalog.createProduct({ product });
  const ingest = client(IngestService, t);
  const report = await eventually(() =>
    ingest.importSalesHistory(
      (async function* () {
        yield { source: "e2e-history", rows: historyRows() };
      })(),
    ),
  );
  if (report.rejectedCount > 0n) throw new Error(`history rows rejected: ${JSON.stringify(report.rejected.slice(0, 3))}`);
  // Ready when the forecast service can forecast the first product.
  await eventually(() => client(ForecastService, t).getForecast({ sku: PRODUCTS[0].sku, horizonDays: 14 }), 60_000, 500);
}
