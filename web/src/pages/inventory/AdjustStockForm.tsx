// Restock, cycle count or damage for one product (STAFF and ADMIN).
import { useState, type FormEvent } from "react";
import { catalogClient } from "../../api/clients";
import { describeError } from "../../api/errors";
import { Card } from "../../components/Card";
import { ErrorBox, Notice } from "../../components/Status";
import { StockAdjustmentKind } from "../../gen/icc/v1/catalog_pb";
import { adjustmentKinds } from "../../lib/enums";
import { count, newKey } from "../../lib/format";

export function AdjustStockForm({ sku }: { sku: string }) {
  const [kind, setKind] = useState(StockAdjustmentKind.RESTOCK);
  const [quantity, setQuantity] = useState("");
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  // One key per intended adjustment: a retry after a network error is safe.
  const [key, setKey] = useState(() => newKey("adjust"));

  async function submit(e: FormEvent) {
    e.preventDefault();
    const q = Number(quantity);
    if (!Number.isInteger(q) || q < 0 || (kind !== StockAdjustmentKind.CYCLE_COUNT && q === 0)) {
      setError(kind === StockAdjustmentKind.CYCLE_COUNT ? "Enter the counted units (0 or more)." : "Enter a whole number of units, at least 1.");
      return;
    }
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      const r = await catalogClient.adjustStock({ sku, kind, quantity: BigInt(q), note: note.trim(), idempotencyKey: key });
      setDone(`Recorded. Stock is now ${count(r.product?.onHand ?? 0n)}.`);
      setQuantity("");
      setNote("");
      setKey(newKey("adjust"));
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  const help = adjustmentKinds.find((k) => k.kind === kind)?.help;
  return (
    <Card title="Adjust stock" testId="adjust-stock">
      <form className="form" onSubmit={submit}>
        <div className="field">
          <label>
            Kind
            <select value={kind} onChange={(e) => setKind(Number(e.target.value) as StockAdjustmentKind)} aria-describedby="adjust-kind-help">
              {adjustmentKinds.map((k) => (
                <option key={k.kind} value={k.kind}>
                  {k.label}
                </option>
              ))}
            </select>
          </label>
          <span id="adjust-kind-help" className="muted small">
            {help}
          </span>
        </div>
        <label>
          {kind === StockAdjustmentKind.CYCLE_COUNT ? "Units counted" : "Units"}
          <input type="number" min={0} step={1} inputMode="numeric" value={quantity} onChange={(e) => setQuantity(e.target.value)} required />
        </label>
        <label>
          Note
          <input maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} placeholder="e.g. delivery 4711" />
        </label>
        <ErrorBox message={error} />
        <Notice message={done} />
        <button type="submit" disabled={busy}>
          {busy ? "Saving…" : "Record adjustment"}
        </button>
      </form>
    </Card>
  );
}
