import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { ForecastPointSchema, ReorderAdviceSchema, ReorderUrgency } from "../../src/gen/icc/v1/forecast_pb";
import { DailySalesSchema } from "../../src/gen/icc/v1/ingest_pb";
import { byUrgency, chartRows } from "../../src/pages/forecast/forecastData";

const day = (d: number) => ({ year: 2026, month: 3, day: d });

describe("forecast display data", () => {
  it("puts history, then forecast points with both bands, the line starting at the last actual", () => {
    const history = [1, 2].map((d) => create(DailySalesSchema, { date: day(d), units: BigInt(d * 10) }));
    const points = [create(ForecastPointSchema, { date: day(3), value: 12, lower80: 10, upper80: 14, lower95: 8, upper95: 16 })];
    assert.deepEqual(chartRows(history, points), [
      { day: "2026-03-01", actual: 10 },
      { day: "2026-03-02", actual: 20, forecast: 20 },
      { day: "2026-03-03", forecast: 12, band80: [10, 14], band95: [8, 16] },
    ]);
  });

  it("sorts advice by urgency, then stockout date, then SKU", () => {
    const a = (sku: string, urgency: ReorderUrgency, stockout?: number) => create(ReorderAdviceSchema, { sku, urgency, stockoutDate: stockout ? day(stockout) : undefined });
    const sorted = [a("ok", ReorderUrgency.OK), a("soon-late", ReorderUrgency.SOON, 20), a("crit", ReorderUrgency.CRITICAL, 2), a("soon-early", ReorderUrgency.SOON, 10), a("now", ReorderUrgency.NOW, 5)]
      .sort(byUrgency)
      .map((x) => x.sku);
    assert.deepEqual(sorted, ["crit", "now", "soon-early", "soon-late", "ok"]);
  });
});
