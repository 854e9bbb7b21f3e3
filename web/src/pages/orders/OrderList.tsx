// Orders, newest first, filtered by status and day range, a page at a
// time; refreshes itself after live order changes while on the first page,
// but not while the pointer or focus is on the list or a cancel awaits its
// confirmation: rows must not move under a click.
import { useState } from "react";
import { listOrdersPage } from "../../api/queries";
import { describeError } from "../../api/errors";
import { Card } from "../../components/Card";
import { ErrorBox, Loading } from "../../components/Status";
import { ChangeCause } from "../../gen/icc/v1/inventory_pb";
import { OrderStatus, type Order } from "../../gen/icc/v1/orders_pb";
import { useLiveInventory } from "../../hooks/InventoryContext";
import { useAsync } from "../../hooks/useAsync";
import { useDebouncedTrigger } from "../../hooks/useDebouncedTrigger";
import { OrderFilters, toOrderFilter, type OrderFilterInput } from "./OrderFilters";
import { OrderRow } from "./OrderRow";

export function OrderList({ refreshKey, canCancel }: { refreshKey: number; canCancel: boolean }) {
  const [input, setInput] = useState<OrderFilterInput>({ status: OrderStatus.UNSPECIFIED, from: "", to: "" });
  const [extra, setExtra] = useState<{ orders: Order[]; next: string } | null>(null);
  const [moreError, setMoreError] = useState<string>();
  // Orders changed here (cancelled), shown as they now are without a reload.
  const [changed, setChanged] = useState<Record<string, Order>>({});
  const [pointerIn, setPointerIn] = useState(false);
  const [confirming, setConfirming] = useState(0);
  const holding = pointerIn || confirming > 0;
  const { lastChange } = useLiveInventory();
  const orderSeq =
    !extra && !holding && lastChange && (lastChange.cause === ChangeCause.ORDER_PLACED || lastChange.cause === ChangeCause.ORDER_CANCELLED)
      ? lastChange.seq
      : undefined;
  const live = useDebouncedTrigger(orderSeq, 600);
  const filter = toOrderFilter(input);
  // Dates the wrong way round are said so here, not sent.
  const reversed = Boolean(input.from && input.to && input.from > input.to);
  const first = useAsync(
    async (signal) => {
      setExtra(null);
      return reversed ? undefined : listOrdersPage(filter, "", signal);
    },
    [input.status, input.from, input.to, refreshKey, live],
  );
  const orders = [...(first.data?.orders ?? []), ...(extra?.orders ?? [])].map((o) => changed[o.id] ?? o);
  const next = extra ? extra.next : (first.data?.nextPageToken ?? "");

  async function loadMore() {
    try {
      const r = await listOrdersPage(filter, next, new AbortController().signal);
      setExtra({ orders: [...(extra?.orders ?? []), ...r.orders], next: r.nextPageToken });
      setMoreError(undefined);
    } catch (e) {
      setMoreError(describeError(e));
    }
  }

  const replace = (o: Order) => setChanged((c) => ({ ...c, [o.id]: o }));
  const confirm = (on: boolean) => setConfirming((n) => Math.max(0, n + (on ? 1 : -1)));

  return (
    <Card title="Orders" testId="order-list">
      <OrderFilters value={input} onChange={setInput} />
      {first.loading && !first.data && <Loading what="orders" />}
      <ErrorBox message={first.error} onRetry={first.reload} />
      {reversed && (
        <p className="error small" role="alert">
          The From day is after the To day: pick a From day on or before the To day.
        </p>
      )}
      {first.data && orders.length === 0 && <p className="muted">No orders match these filters.</p>}
      {orders.length > 0 && (
        <div
          className="table-wrap"
          onPointerEnter={() => setPointerIn(true)}
          onPointerLeave={() => setPointerIn(false)}
        >
          <table className="table stack">
            <thead>
              <tr>
                <th>Placed</th>
                <th className="hide-narrow">Order</th>
                <th>Lines</th>
                <th className="num">Total</th>
                <th>Status</th>
                {canCancel && <th aria-label="Actions" />}
              </tr>
            </thead>
            <tbody>
              {orders.map((o) => (
                <OrderRow key={o.id} order={o} canCancel={canCancel} onChanged={replace} onConfirming={confirm} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ErrorBox message={moreError} />
      {next && (
        <button type="button" className="secondary" onClick={loadMore}>
          Load more orders
        </button>
      )}
    </Card>
  );
}
