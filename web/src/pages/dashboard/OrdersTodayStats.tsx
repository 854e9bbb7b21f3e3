// Orders placed today (UTC business day) and their revenue, live.
import { StatCard } from "../../components/Card";
import { OrderStatus } from "../../gen/icc/v1/orders_pb";
import { useOrdersToday } from "../../hooks/useOrdersToday";
import { count, money } from "../../lib/format";

export function OrdersTodayStats() {
  const { orders, error } = useOrdersToday();
  const placed = orders?.filter((o) => o.status === OrderStatus.PLACED) ?? [];
  const revenue = placed.reduce((sum, o) => sum + o.totalMinor, 0n);
  const cancelled = (orders?.length ?? 0) - placed.length;
  const value = (v: string) => (error ? "—" : orders ? v : "…");
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
