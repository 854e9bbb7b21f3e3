// Reads that several pages share, each following every page of its list.
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import type { Product } from "../gen/icc/v1/catalog_pb";
import type { ForecastFailure, ReorderAdvice } from "../gen/icc/v1/forecast_pb";
import { OrderStatus, type Order } from "../gen/icc/v1/orders_pb";
import { catalogClient, forecastClient, ordersClient } from "./clients";

/** Longest list the UI loads in one go (pages of 1,000). */
const MAX_PAGES = 20;

async function allPages<T>(fetch: (token: string) => Promise<{ items: T[]; next: string }>): Promise<T[]> {
  const out: T[] = [];
  let token = "";
  for (let i = 0; i < MAX_PAGES; i++) {
    const { items, next } = await fetch(token);
    out.push(...items);
    if (!next) break;
    token = next;
  }
  return out;
}

export function listAllProducts(signal: AbortSignal): Promise<Product[]> {
  return allPages(async (pageToken) => {
    const r = await catalogClient.listProducts({ pageSize: 1000, pageToken }, { signal });
    return { items: r.products, next: r.nextPageToken };
  });
}

/** Runs an idempotent read again (up to `tries` times) when it timed out
 * or found a service unavailable: the first reorder-advice call after new
 * data computes every SKU's forecast, which can outlast the gateway's
 * deadline, while the work it finished is kept for the next call. */
async function retried<T>(read: () => Promise<T>, signal: AbortSignal, tries = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await read();
    } catch (e) {
      const code = ConnectError.from(e).code;
      if (i >= tries || signal.aborted || (code !== Code.DeadlineExceeded && code !== Code.Unavailable)) throw e;
      await new Promise((r) => setTimeout(r, 500 * i));
    }
  }
}

export async function listAllAdvice(signal: AbortSignal): Promise<{ advice: ReorderAdvice[]; skipped: ForecastFailure[] }> {
  let skipped: ForecastFailure[] = [];
  const advice = await allPages(async (pageToken) => {
    const r = await retried(() => forecastClient.listReorderAdvice({ pageSize: 1000, pageToken }, { signal }), signal);
    if (!pageToken) skipped = r.skipped;
    return { items: r.advice, next: r.nextPageToken };
  });
  return { advice, skipped };
}

export interface OrderFilter {
  status: OrderStatus;
  from?: Date;
  to?: Date;
}

export function listOrdersSince(from: Date, signal: AbortSignal): Promise<Order[]> {
  return allPages(async (pageToken) => {
    const r = await ordersClient.listOrders({ pageSize: 1000, pageToken, createTimeFrom: timestampFromDate(from) }, { signal });
    return { items: r.orders, next: r.nextPageToken };
  });
}

export async function listOrdersPage(filter: OrderFilter, pageToken: string, signal: AbortSignal) {
  return ordersClient.listOrders(
    {
      pageSize: 25,
      pageToken,
      status: filter.status,
      createTimeFrom: filter.from ? timestampFromDate(filter.from) : undefined,
      createTimeTo: filter.to ? timestampFromDate(filter.to) : undefined,
    },
    { signal },
  );
}
