import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { ExplanationSchema, ForecastModel, ForecastPointSchema, ReorderAdviceSchema, ReorderUrgency, ProjectedStockSchema, TermSchema } from "../../src/gen/icc/v1/forecast_pb";
import { DailySalesSchema } from "../../src/gen/icc/v1/ingest_pb";
import { BACK_TRANSFORM, byUrgency, chartRows, coverText, groupParts, intermittentParts, tooShort, isLogScale, MODELS, modelParam, parseHorizon, parseModel, termGroup, unitParts } from "../../src/pages/forecast/forecastData";

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

  it("says stock outlasts the projection rather than giving its length as the cover", () => {
    const projection = [1, 2, 3].map((d) => create(ProjectedStockSchema, { date: day(d) }));
    const lasting = create(ReorderAdviceSchema, { daysOfCover: 3, projection });
    assert.equal(coverText(lasting), "more than 3");
    const running = create(ReorderAdviceSchema, { daysOfCover: 2.5, projection, stockoutDate: day(3) });
    assert.equal(coverText(running), "2.5");
  });

  it("reads the intermittent model's size, chance and rate from its terms", () => {
    const tsb = create(ExplanationSchema, {
      terms: [create(TermSchema, { name: "demand_size", value: 4, coefficient: 0.25, contribution: 1 }), create(TermSchema, { name: "weekday_factor", value: 0.2, coefficient: 1, contribution: 0.2 })],
    });
    assert.deepEqual(intermittentParts(tsb), { size: 4, chance: 0.25, rate: 1 });
    const ses = create(ExplanationSchema, { terms: [create(TermSchema, { name: "smoothed_level", value: 2.5, coefficient: 1, contribution: 2.5 })] });
    assert.deepEqual(intermittentParts(ses), { rate: 2.5 });
    assert.equal(intermittentParts(create(ExplanationSchema, { terms: [create(TermSchema, { name: "lag_7" })] })), undefined);
  });

  it("tells a too-short history from other failures", () => {
    const short = new ConnectError('too little history for SKU "N-1": have 0 days, need 15 (no sales history yet)', Code.FailedPrecondition);
    assert.deepEqual(tooShort(short), { have: 0, need: 15 });
    assert.equal(tooShort(new ConnectError("have 0 days, need 15", Code.Internal)), undefined);
    assert.equal(tooShort(new ConnectError("the store is busy", Code.FailedPrecondition)), undefined);
  });

  const term = (name: string, contribution: number) => create(TermSchema, { name, value: 1, coefficient: contribution, contribution });

  it("shows an additive model's contributions as they are", () => {
    const e = create(ExplanationSchema, { intercept: 4, terms: [term("weekday_sat", 3), term("level_7", -1)], unclamped: 6 });
    assert.deepEqual(unitParts(e, 6, false), { intercept: 4, weekday_sat: 3, level_7: -1 });
  });

  it("splits a log-scale day's units in proportion to the log-unit contributions", () => {
    // log sum 2 + 0.5 - 0.5 = 2; the forecast e^2 * 1.1 - 1 = 7.128...
    const value = Math.exp(2) * 1.1 - 1;
    const e = create(ExplanationSchema, { intercept: 2, terms: [term("weekday_sat", 0.5), term("level_7", -0.5), term(BACK_TRANSFORM, value - 2)] });
    const parts = unitParts(e, value, true);
    assert.ok(Math.abs(parts.intercept - value) < 1e-12);
    assert.ok(Math.abs(parts.weekday_sat - value / 4) < 1e-12);
    assert.ok(Math.abs(parts.level_7 + value / 4) < 1e-12);
    assert.equal(parts[BACK_TRANSFORM], 0);
    const total = Object.values(parts).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(total - value) < 1e-12, `parts sum to ${total}, not ${value}`);
  });

  it("puts a log-scale day whose log sum is 0 on the intercept, and a closed day at 0", () => {
    const zero = create(ExplanationSchema, { intercept: 0.5, terms: [term("weekday_sun", -0.5), term(BACK_TRANSFORM, 0.02)] });
    assert.deepEqual(unitParts(zero, 0.02, true), { intercept: 0.02, weekday_sun: 0, [BACK_TRANSFORM]: 0 });
    const closed = create(ExplanationSchema, { intercept: 2, terms: [term("weekday_sat", 0.5), term("closed_day", -2.5)] });
    assert.deepEqual(unitParts(closed, 0, true), { intercept: 0, weekday_sat: 0, closed_day: 0 });
  });

  it("tells a log-scale forecast by its back-transform term", () => {
    const point = (terms: string[]) => create(ForecastPointSchema, { explanation: create(ExplanationSchema, { terms: terms.map((n) => term(n, 1)) }) });
    assert.equal(isLogScale([point(["weekday_sat"]), point(["weekday_sat", BACK_TRANSFORM])]), true);
    assert.equal(isLogScale([point(["weekday_sat"])]), false);
  });

  it("groups every model's terms into families for the contribution chart", () => {
    const families = {
      intercept: "intercept",
      level_28: "recent level",
      lag_7: "recent level",
      rolling_mean_7: "recent level",
      demand_size: "recent level",
      smoothed_level: "recent level",
      mean_last_28: "recent level",
      weekday_sat: "weekday",
      weekday_sat_x_level_28: "weekday",
      recent_weekday_shift: "weekday",
      weekday_factor: "weekday",
      is_weekend: "weekday",
      yearly_sin_1: "yearly season",
      yearly_cos_3: "yearly season",
      trend_years: "trend",
      trend_index: "trend",
      holiday: "holidays and closures",
      is_holiday: "holidays and closures",
      closed_day: "holidays and closures",
    };
    for (const [name, family] of Object.entries(families)) assert.equal(termGroup(name), family, name);
  });

  it("sums a day's parts by family, keeping the day's total", () => {
    const parts = { intercept: 2, level_7: 1, level_28: 0.5, weekday_sat: 1.5, weekday_sat_x_level_28: -0.25, yearly_sin_1: 0.25 };
    assert.deepEqual(groupParts(parts), { intercept: 2, "recent level": 1.5, weekday: 1.25, "yearly season": 0.25 });
  });

  it("reads the model and horizon from the address, falling back to AUTO and 28 days", () => {
    assert.equal(modelParam(ForecastModel.LOG_REGRESSION), "log_regression");
    for (const m of MODELS) assert.equal(parseModel(modelParam(m)), m);
    assert.equal(parseModel("seed"), ForecastModel.SEED);
    for (const bad of [null, "", "SEED", "unspecified", "prophet"]) assert.equal(parseModel(bad), ForecastModel.AUTO, String(bad));
    assert.equal(parseHorizon("56"), 56);
    for (const bad of [null, "", "30", "-14", "abc"]) assert.equal(parseHorizon(bad), 28, String(bad));
  });
});
