// Shaping forecast answers for display (pure, unit-tested).
import { Code, ConnectError } from "@connectrpc/connect";
import { type Explanation, ForecastModel, type ForecastPoint, type ReorderAdvice } from "../../gen/icc/v1/forecast_pb";
import type { DailySales } from "../../gen/icc/v1/ingest_pb";
import { dec, isoDay } from "../../lib/format";

export interface Row {
  day: string;
  actual?: number;
  forecast?: number;
  band80?: [number, number];
  band95?: [number, number];
}

export function chartRows(history: DailySales[], points: ForecastPoint[]): Row[] {
  const rows: Row[] = history.map((d) => ({ day: isoDay(d.date), actual: Number(d.units) }));
  // Start the forecast line at the last actual value, so the two meet.
  const last = rows[rows.length - 1];
  if (last && points.length > 0) last.forecast = last.actual;
  for (const p of points) {
    rows.push({
      day: isoDay(p.date),
      forecast: p.value,
      band80: [p.lower80, p.upper80],
      band95: [p.lower95, p.upper95],
    });
  }
  return rows;
}

/** Most urgent first, then earliest stockout, then SKU (as the server sends it). */
export function byUrgency(a: ReorderAdvice, b: ReorderAdvice): number {
  if (a.urgency !== b.urgency) return b.urgency - a.urgency;
  const sa = isoDay(a.stockoutDate) || "9999";
  const sb = isoDay(b.stockoutDate) || "9999";
  return sa !== sb ? (sa < sb ? -1 : 1) : a.sku.localeCompare(b.sku);
}

/** The term a log-scale model adds to turn its sum of log units into units. */
export const BACK_TRANSFORM = "log1p_back_transform";
/** The term that zeroes a day the series is closed. */
export const CLOSED_DAY = "closed_day";

/** Whether a forecast's explanations add up in log units (log_regression). */
export function isLogScale(points: ForecastPoint[]): boolean {
  return points.some((p) => p.explanation?.terms.some((t) => t.name === BACK_TRANSFORM));
}

/**
 * Each term's part of a day's forecast, in units, keyed by term name
 * ("intercept" included). An additive model's parts are its contributions.
 * A log-scale model's terms add up in log units and the sum is then
 * exponentiated, so there the day's forecast is split in proportion to each
 * term's log-unit contribution (the parts still sum to the forecast).
 */
export function unitParts(e: Explanation, value: number, logScale: boolean): Record<string, number> {
  if (!logScale) return Object.fromEntries([["intercept", e.intercept], ...e.terms.map((t) => [t.name, t.contribution])]);
  // The back-transform and a closed day's term are not log-unit parts: 0.
  const parts: Record<string, number> = Object.fromEntries(e.terms.map((t) => [t.name, 0]));
  const logTerms = e.terms.filter((t) => t.name !== BACK_TRANSFORM && t.name !== CLOSED_DAY);
  const logSum = e.intercept + logTerms.reduce((sum, t) => sum + t.contribution, 0);
  if (Math.abs(logSum) < 1e-9) return { ...parts, intercept: value };
  parts.intercept = (value * e.intercept) / logSum;
  for (const t of logTerms) parts[t.name] = (value * t.contribution) / logSum;
  return parts;
}

/** The families the contribution chart groups a model's terms into, in stacking order. */
export const TERM_GROUPS = ["intercept", "recent level", "weekday", "yearly season", "trend", "holidays and closures"] as const;
export type TermGroup = (typeof TERM_GROUPS)[number];

/**
 * The family of a term, by its name: the regressions' terms (`level_28`,
 * `weekday_sat`, `weekday_sat_x_level_28`, `yearly_sin_1`, `trend_years`,
 * `holiday`), the intermittent model's (`demand_size`, `weekday_factor`),
 * the seed model's (`lag_7`, `is_weekend`, `trend_index`, `is_holiday`) and
 * the baselines' single term (what the recent days sold).
 */
export function termGroup(name: string): TermGroup {
  if (name === "intercept") return "intercept";
  if (name.startsWith("weekday_") || name === "recent_weekday_shift" || name === "is_weekend") return "weekday";
  if (name.startsWith("yearly_")) return "yearly season";
  if (name.startsWith("trend")) return "trend";
  if (name === "holiday" || name === "is_holiday" || name === CLOSED_DAY) return "holidays and closures";
  return "recent level";
}

/** A day's parts (as unitParts gives them) summed by family; a family with no term is absent. */
export function groupParts(parts: Record<string, number>): Partial<Record<TermGroup, number>> {
  const groups: Partial<Record<TermGroup, number>> = {};
  for (const [name, part] of Object.entries(parts)) {
    const g = termGroup(name);
    groups[g] = (groups[g] ?? 0) + part;
  }
  return groups;
}

/** Horizons offered, in days; 28 unless the address says otherwise. */
export const HORIZONS = [14, 28, 56];
export const DEFAULT_HORIZON = 28;

/** Models offered: AUTO first (what reorder advice uses), then the models it chooses from, then the rest. */
export const MODELS = [
  ForecastModel.AUTO,
  ForecastModel.LOG_REGRESSION,
  ForecastModel.REGRESSION,
  ForecastModel.INTERMITTENT,
  ForecastModel.MOVING_AVERAGE,
  ForecastModel.SEASONAL_NAIVE,
  ForecastModel.NAIVE,
  ForecastModel.SEED,
];

/** A model as the address's `model` parameter: its proto name in lower case (`log_regression`). */
export function modelParam(model: ForecastModel): string {
  return ForecastModel[model].toLowerCase();
}

/** The model an address's `model` parameter names; AUTO when absent or unknown. */
export function parseModel(param: string | null): ForecastModel {
  return MODELS.find((m) => modelParam(m) === param) ?? ForecastModel.AUTO;
}

/** The horizon an address's `horizon` parameter names; 28 when absent or not offered. */
export function parseHorizon(param: string | null): number {
  const days = Number(param);
  return HORIZONS.includes(days) ? days : DEFAULT_HORIZON;
}

/** Days of cover as a person reads them: stock that outlasts the projection
 * lasts "more than" its length, not exactly that many days. */
export function coverText(a: ReorderAdvice): string {
  if (a.stockoutDate || a.projection.length === 0) return dec(a.daysOfCover);
  return `more than ${a.projection.length}`;
}

/** "have N days, need M" of a too-short history, if that is the problem. */
export function tooShort(e: unknown): { have: number; need: number } | undefined {
  const err = ConnectError.from(e);
  const m = /have (\d+) days?, need (\d+)/.exec(err.rawMessage);
  if (err.code !== Code.FailedPrecondition || !m) return undefined;
  return { have: Number(m[1]), need: Number(m[2]) };
}

/** The intermittent model's explanation in plain numbers: how much a day
 * that sells sells, how often a day sells, and the daily rate they make
 * (the smoothed level alone for its SES form). Undefined for other models. */
export function intermittentParts(e: Explanation | undefined): { size?: number; chance?: number; rate: number } | undefined {
  const size = e?.terms.find((t) => t.name === "demand_size");
  if (size) return { size: size.value, chance: size.coefficient, rate: size.contribution };
  const level = e?.terms.find((t) => t.name === "smoothed_level");
  return level ? { rate: level.contribution } : undefined;
}
