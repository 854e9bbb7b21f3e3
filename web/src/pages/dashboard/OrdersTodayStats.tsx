// Orders placed today (UTC business day) and their revenue; reloads shortly
// after any order is placed or cancelled.
import { StatCard } from "../../components/Card";
import { listOrdersSince } from "../../api/queries";
import { ChangeCause } from "../../gen/icc/v1/inventory_pb";
import { OrderStatus } from "../../gen/icc/v1/orders_pb";
import { useAsync } from "../../hooks/useAsync";
import { useDebouncedTrigger } from "../../hooks/useDebouncedTrigger";
import { useLiveInventory } from "../../hooks/InventoryContext";
import { count, money, utcDay } from "../../lib/format";

export function OrdersTodayStats() {
  const { lastChange } = useLiveInventory();
  const orderSeq =
    lastChange && (lastChange.cause === ChangeCause.ORDER_PLACED || lastChange.cause === ChangeCause.ORDER_CANCELLED) ? lastChange.seq : undefined;
  const refresh = useDebouncedTrigger(orderSeq, 500);
  const { data, error } = useAsync((signal) => listOrdersSince(utcDay(), signal), [refresh]);
  const placed = data?.filter((o) => o.status === OrderStatus.PLACED) ?? [];
  const revenue = placed.reduce((sum, o) => sum + o.totalMinor, 0n);
  const cancelled = (data?.length ?? 0) - placed.length;
  const value = (v: string) => (error ? "—" : data ? v : "…");
  return (
    <>
      <StatCard
        label="Orders today"
        value={value(count(placed.length))}
        hint={error ?? (cancelled > 0 ? `${cancelled} cancelled` : "UTC day")}
        tone={error ? "bad" : undefined}
        testId="stat-orders-today"
      />
      <StatCard label="Revenue today" value={value(money(revenue))} hint={error ? undefined : "placed orders, UTC day"} testId="stat-revenue-today" />
    </>
  );
}
