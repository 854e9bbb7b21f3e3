// A product's stock ledger, newest first; reloads when the live stream
// reports a change to this product, unless older pages are loaded (a reload
// would drop them, as the orders list also keeps still then).
import { useState } from "react";
import { catalogClient } from "../../api/clients";
import { Card } from "../../components/Card";
import { ErrorBox, Loading } from "../../components/Status";
import type { StockMovement } from "../../gen/icc/v1/catalog_pb";
import { useLiveInventory } from "../../hooks/InventoryContext";
import { useAsync } from "../../hooks/useAsync";
import { useDebouncedTrigger } from "../../hooks/useDebouncedTrigger";
import { reasonName } from "../../lib/enums";
import { count, dateTime } from "../../lib/format";
import { describeError } from "../../api/errors";

const PAGE = 25;

export function MovementHistory({ sku }: { sku: string }) {
  const { lastChange } = useLiveInventory();
  const [more, setMore] = useState<{ items: StockMovement[]; next: string } | null>(null);
  const mine = !more && lastChange?.skus.includes(sku) ? lastChange.seq : undefined;
  const refresh = useDebouncedTrigger(mine, 300);
  const [moreError, setMoreError] = useState<string>();
  const first = useAsync(async (signal) => {
    setMore(null);
    return catalogClient.listStockMovements({ sku, pageSize: PAGE }, { signal });
  }, [sku, refresh]);

  const movements = [...(first.data?.movements ?? []), ...(more?.items ?? [])];
  const next = more ? more.next : (first.data?.nextPageToken ?? "");

  async function loadMore() {
    try {
      const r = await catalogClient.listStockMovements({ sku, pageSize: PAGE, pageToken: next });
      setMore({ items: [...(more?.items ?? []), ...r.movements], next: r.nextPageToken });
      setMoreError(undefined);
    } catch (e) {
      setMoreError(describeError(e));
    }
  }

  return (
    <Card title="Movement history">
      {first.loading && !first.data && <Loading what="movements" />}
      <ErrorBox message={first.error} onRetry={first.reload} />
      {first.data && (
        <div className="table-wrap">
          <table className="table" data-testid="movements">
            <thead>
              <tr>
                <th>When</th>
                <th>Reason</th>
                <th className="num">Change</th>
                <th className="num">After</th>
                <th className="hide-narrow">Order / note</th>
              </tr>
            </thead>
            <tbody>
              {movements.map((m) => (
                <tr key={String(m.id)}>
                  <td>{dateTime(m.createTime)}</td>
                  <td>{reasonName[m.reason]}</td>
                  <td className={`num ${m.delta < 0n ? "down" : "up"}`}>{m.delta > 0n ? `+${count(m.delta)}` : count(m.delta)}</td>
                  <td className="num">{count(m.onHandAfter)}</td>
                  <td className="hide-narrow muted">{m.orderId || m.note}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ErrorBox message={moreError} />
      {next && (
        <button type="button" className="secondary" onClick={loadMore}>
          Load older movements
        </button>
      )}
    </Card>
  );
}
