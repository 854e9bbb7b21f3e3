// A multi-line order: pick products, see live availability, place it.
import { useRef, useState, type FormEvent } from "react";
import { Code, ConnectError } from "@connectrpc/connect";
import { ordersClient } from "../../api/clients";
import { describeError } from "../../api/errors";
import { listAllProducts } from "../../api/queries";
import { Card } from "../../components/Card";
import { ErrorBox, Notice } from "../../components/Status";
import { useLiveInventory } from "../../hooks/InventoryContext";
import { useAsync } from "../../hooks/useAsync";
import { money, newKey } from "../../lib/format";
import { OrderLineInput } from "./OrderLineInput";
import { draftLines, draftProblem, draftSignature, emptyLine, type DraftLine } from "./orderDraft";

const RETRYABLE = new Set([Code.Unavailable, Code.DeadlineExceeded, Code.Unknown, Code.Internal]);

export function NewOrderForm({ onPlaced }: { onPlaced: () => void }) {
  const products = useAsync((signal) => listAllProducts(signal), []);
  const { levels } = useLiveInventory();
  const [lines, setLines] = useState<DraftLine[]>(() => [emptyLine()]);
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  // The key of an attempt whose outcome is unknown (network error): resent
  // with the same draft, so a retry cannot place the order twice.
  const pending = useRef<{ key: string; signature: string } | null>(null);

  const update = (id: number, patch: Partial<DraftLine>) => setLines((ls) => ls.map((l) => (l.id === id ? { ...l, ...patch } : l)));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setDone(undefined);
    const problem = draftProblem(lines);
    if (problem) return setError(problem);
    const signature = draftSignature(lines, note);
    const key = pending.current?.signature === signature ? pending.current.key : newKey("web-order");
    pending.current = { key, signature };
    setBusy(true);
    setError(undefined);
    try {
      const r = await ordersClient.placeOrder({
        idempotencyKey: key,
        note: note.trim(),
        lines: draftLines(lines),
      });
      pending.current = null;
      const o = r.order;
      setDone(`Order ${o?.id} placed: ${o?.lines.length} line(s), total ${money(o?.totalMinor ?? 0n)}.`);
      setLines([emptyLine()]);
      setNote("");
      onPlaced();
    } catch (err) {
      if (!RETRYABLE.has(ConnectError.from(err).code)) pending.current = null;
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title="New order" testId="new-order">
      <ErrorBox message={products.error} onRetry={products.reload} />
      <form className="form" onSubmit={submit}>
        {lines.map((line, i) => (
          <OrderLineInput
            key={line.id}
            index={i}
            line={line}
            products={products.data ?? []}
            level={levels.get(line.sku)}
            onChange={(patch) => update(line.id, patch)}
            onRemove={lines.length > 1 ? () => setLines((ls) => ls.filter((l) => l.id !== line.id)) : undefined}
          />
        ))}
        <div className="row">
          <button type="button" className="secondary" onClick={() => setLines((ls) => [...ls, emptyLine()])} disabled={lines.length >= 100}>
            Add line
          </button>
        </div>
        <label>
          Note
          <input maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} placeholder="optional" />
        </label>
        <ErrorBox message={error} />
        <Notice message={done} />
        <button type="submit" disabled={busy} data-testid="place-order">
          {busy ? "Placing…" : "Place order"}
        </button>
      </form>
    </Card>
  );
}
