// One line of the new order: product, quantity, live availability.
import type { Product } from "../../gen/icc/v1/catalog_pb";
import type { LiveLevel } from "../../hooks/useInventoryStream";
import { count, money } from "../../lib/format";
import type { DraftLine } from "./orderDraft";

interface Props {
  index: number;
  line: DraftLine;
  products: Product[];
  level?: LiveLevel;
  onChange: (patch: Partial<DraftLine>) => void;
  onRemove?: () => void;
}

export function OrderLineInput({ index, line, products, level, onChange, onRemove }: Props) {
  const product = products.find((p) => p.sku === line.sku);
  const available = level?.onHand ?? (product ? Number(product.onHand) : undefined);
  const q = Number(line.quantity);
  const short = available !== undefined && Number.isFinite(q) && q > available;
  return (
    <fieldset className="order-line" data-testid={`order-line-${index}`}>
      <legend className="sr-only">Line {index + 1}</legend>
      <label className="grow">
        Product
        <select value={line.sku} onChange={(e) => onChange({ sku: e.target.value })} name={`sku-${index}`}>
          <option value="">Choose a product…</option>
          {products.map((p) => (
            <option key={p.sku} value={p.sku}>
              {p.sku} — {p.name}
            </option>
          ))}
        </select>
      </label>
      <label className="qty">
        Quantity
        <input type="number" min={1} step={1} inputMode="numeric" value={line.quantity} onChange={(e) => onChange({ quantity: e.target.value })} name={`qty-${index}`} />
      </label>
      <div className="line-info small">
        {product && (
          <>
            <span className={short ? "warn-text" : "muted"} data-testid={`available-${index}`}>
              {count(available ?? 0)} in stock
            </span>
            <span className="muted"> · {money(product.unitPriceMinor)} each</span>
            {short && <div className="warn-text">Only {count(available ?? 0)} available.</div>}
          </>
        )}
      </div>
      {onRemove && (
        <button type="button" className="link" onClick={onRemove} aria-label={`Remove line ${index + 1}`}>
          Remove
        </button>
      )}
    </fieldset>
  );
}
