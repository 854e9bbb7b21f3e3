// Shaping forecast answers for display (pure, unit-tested).
import type { ForecastPoint, ReorderAdvice } from "../../gen/icc/v1/forecast_pb";
import type { DailySales } from "../../gen/icc/v1/ingest_pb";
import { isoDay } from "../../lib/format";

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
