// One order in the list, with a two-step cancel for staff.
import { useEffect, useState } from "react";
import { ordersClient } from "../../api/clients";
import { describeError } from "../../api/errors";
import { OrderStatus, type Order } from "../../gen/icc/v1/orders_pb";
import { statusName } from "../../lib/enums";
import { count, dateTime, money } from "../../lib/format";

type Props = {
  order: Order;
  canCancel: boolean;
  onChanged: (o: Order) => void;
  /** Told when a cancel starts and stops awaiting its confirmation. */
  onConfirming: (on: boolean) => void;
};

export function OrderRow({ order, canCancel, onChanged, onConfirming }: Props) {
  const [confirming, setConfirming] = useState(false);
  // Held while confirming, and let go when done or when the row goes away.
  useEffect(() => {
    if (!confirming) return;
    onConfirming(true);
    return () => onConfirming(false);
  }, [confirming]); // onConfirming only counts; a new one each render does the same
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const placed = order.status === OrderStatus.PLACED;

  async function cancel() {
    setBusy(true);
    setError(undefined);
    try {
      const r = await ordersClient.cancelOrder({ id: order.id, reason: "cancelled in the web UI" });
      if (r.order) onChanged(r.order);
      setConfirming(false);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <tr className={placed ? undefined : "dim"} data-testid={`order-${order.id}`}>
      <td className="when">{dateTime(order.createTime)}</td>
      <td className="hide-narrow mono small">{order.id}</td>
      <td className="lines">
        {order.lines.map((l) => (
          <div key={l.lineNumber}>
            {count(l.quantity)} × {l.productName} <span className="muted small">{l.sku}</span>
          </div>
        ))}
        {order.note && <div className="muted small">{order.note}</div>}
      </td>
      <td className="num total">{money(order.totalMinor)}</td>
      <td className="status">
        <span className={`badge ${placed ? "ok" : ""}`}>{statusName[order.status]}</span>
      </td>
      {canCancel && (
        <td className="actions">
          {placed && !confirming && (
            <button type="button" className="secondary" onClick={() => setConfirming(true)}>
              Cancel
            </button>
          )}
          {placed && confirming && (
            <span className="confirm">
              Return the stock?{" "}
              <button type="button" className="danger" onClick={cancel} disabled={busy}>
                {busy ? "Cancelling…" : "Yes, cancel order"}
              </button>{" "}
              <button type="button" className="link" onClick={() => setConfirming(false)}>
                Keep
              </button>
            </span>
          )}
          {error && (
            <div className="error small" role="alert">
              {error}
            </div>
          )}
        </td>
      )}
    </tr>
  );
}
