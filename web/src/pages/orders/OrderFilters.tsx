import type { OrderFilter } from "../../api/queries";
import { OrderStatus } from "../../gen/icc/v1/orders_pb";
import { statusName } from "../../lib/enums";

export interface OrderFilterInput {
  status: OrderStatus;
  /** YYYY-MM-DD, the first day shown (local time), or "". */
  from: string;
  /** YYYY-MM-DD, the last day shown (local time), or "". */
  to: string;
}

/** Days as local calendar days; `to` includes the whole day. */
export function toOrderFilter(i: OrderFilterInput): OrderFilter {
  const day = (s: string, plus = 0) => {
    const [y, m, d] = s.split("-").map(Number);
    return new Date(y, m - 1, d + plus);
  };
  return { status: i.status, from: i.from ? day(i.from) : undefined, to: i.to ? day(i.to, 1) : undefined };
}

export function OrderFilters({ value, onChange }: { value: OrderFilterInput; onChange: (v: OrderFilterInput) => void }) {
  const statuses = [OrderStatus.UNSPECIFIED, OrderStatus.PLACED, OrderStatus.CANCELLED];
  return (
    <div className="filters">
      <label>
        Status
        <select value={value.status} onChange={(e) => onChange({ ...value, status: Number(e.target.value) as OrderStatus })} data-testid="order-status-filter">
          {statuses.map((s) => (
            <option key={s} value={s}>
              {statusName[s]}
            </option>
          ))}
        </select>
      </label>
      <label>
        From
        <input type="date" value={value.from} onChange={(e) => onChange({ ...value, from: e.target.value })} />
      </label>
      <label>
        To
        <input type="date" value={value.to} onChange={(e) => onChange({ ...value, to: e.target.value })} />
      </label>
      {(value.status !== OrderStatus.UNSPECIFIED || value.from || value.to) && (
        <button type="button" className="link" onClick={() => onChange({ status: OrderStatus.UNSPECIFIED, from: "", to: "" })}>
          Clear filters
        </button>
      )}
    </div>
  );
}
