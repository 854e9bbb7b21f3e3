// Display helpers: money in minor units, counts, dates and times.
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { Date as PbDate } from "../gen/google/type/date_pb";

const moneyFmt = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const intFmt = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const dec1Fmt = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

/** Minor units (cents) as an amount with two decimals. */
export function money(minor: bigint | number): string {
  return moneyFmt.format(Number(minor) / 100);
}

export function count(n: bigint | number): string {
  return intFmt.format(Number(n));
}

export function dec(n: number, digits = 1): string {
  return digits === 1 ? dec1Fmt.format(n) : n.toFixed(digits);
}

/** Two numbers with the fewest decimals, from `min` up to `max`, that tell
 * them apart (both at `max` when even that cannot), so a comparison never
 * reads "0.59 vs 0.59". */
export function apart(a: number, b: number, min = 2, max = 4): [string, string] {
  for (let digits = min; digits < max; digits++) {
    if (a.toFixed(digits) !== b.toFixed(digits)) return [a.toFixed(digits), b.toFixed(digits)];
  }
  return [a.toFixed(max), b.toFixed(max)];
}

export function dateTime(ts: Timestamp | undefined): string {
  if (!ts) return "";
  return timestampDate(ts).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** A google.type.Date as YYYY-MM-DD. */
export function isoDay(d: PbDate | undefined): string {
  if (!d) return "";
  return `${d.year}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}`;
}

/** A JS Date's UTC calendar day as google.type.Date fields. */
export function pbDay(d: Date): { year: number; month: number; day: number } {
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Today's date at UTC midnight, `offset` days away. */
export function utcDay(offset = 0): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + offset));
}

/** Whole days from today (UTC) to `iso` (YYYY-MM-DD). */
export function daysFromToday(iso: string): number {
  return Math.round((Date.parse(`${iso}T00:00:00Z`) - utcDay().getTime()) / 86_400_000);
}

/** A short label for a YYYY-MM-DD axis tick: "Nov 25". */
export function shortDay(iso: string): string {
  return new Date(`${iso}T00:00:00Z`).toLocaleDateString(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
}

/** A random idempotency key (works outside secure contexts too). */
export function newKey(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `${prefix}-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}
