// Today's orders (UTC business day), kept up to date without reloading the
// whole day on every order: one full load (again at midnight and after a
// fresh stream snapshot, when changes may have been missed), then each
// order the live stream reports placed or cancelled is fetched alone.
import { useEffect, useMemo, useRef, useState } from "react";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { ordersClient } from "../api/clients";
import { listOrdersSince } from "../api/queries";
import { ChangeCause } from "../gen/icc/v1/inventory_pb";
import type { Order } from "../gen/icc/v1/orders_pb";
import { utcDay } from "../lib/format";
import { useLiveInventory } from "./InventoryContext";
import { useAsync } from "./useAsync";

export function useOrdersToday(): { orders: Order[] | undefined; error: string | undefined } {
  const { lastChange, snapshots } = useLiveInventory();
  const [day, setDay] = useState(() => utcDay().getTime());
  useEffect(() => {
    const t = setInterval(() => setDay(utcDay().getTime()), 60_000);
    return () => clearInterval(t);
  }, []);

  const full = useAsync((signal) => listOrdersSince(new Date(day), signal), [day, snapshots]);
  const [recent, setRecent] = useState<ReadonlyMap<string, Order>>(new Map());
  useEffect(() => setRecent(new Map()), [day, snapshots]);

  const alive = useRef(true);
  useEffect(() => () => void (alive.current = false), []);
  useEffect(() => {
    const c = lastChange;
    if (!c?.orderId || (c.cause !== ChangeCause.ORDER_PLACED && c.cause !== ChangeCause.ORDER_CANCELLED)) return;
    ordersClient.getOrder({ id: c.orderId }).then(
      ({ order }) => {
        if (!alive.current || !order?.createTime || timestampDate(order.createTime).getTime() < day) return;
        setRecent((m) => new Map(m).set(order.id, order));
      },
      () => {}, // a missed update is repaired by the next full load
    );
  }, [lastChange, day]);

  const orders = useMemo(() => {
    if (!full.data) return undefined;
    const all = new Map(full.data.map((o) => [o.id, o]));
    for (const [id, o] of recent) all.set(id, o);
    return [...all.values()];
  }, [full.data, recent]);
  return { orders, error: full.error };
}
