// Every SKU's reorder advice, most urgent first.
import { useState } from "react";
import { Link, useLocation } from "react-router";
import { Card } from "../../components/Card";
import { ErrorBox, Loading } from "../../components/Status";
import { UrgencyBadge } from "../../components/UrgencyBadge";
import { ReorderUrgency, type ForecastFailure, type ReorderAdvice } from "../../gen/icc/v1/forecast_pb";
import { byUrgency, coverText } from "./forecastData";
import type { AsyncState } from "../../hooks/useAsync";
import { count, isoDay } from "../../lib/format";

type State = AsyncState<{ advice: ReorderAdvice[]; skipped: ForecastFailure[] }>;

export function ReorderAdviceList({ state, selected }: { state: State; selected: string }) {
  const [actionOnly, setActionOnly] = useState(false);
  // Another SKU keeps the horizon and model chosen (the address's query).
  const { search } = useLocation();
  const rows = [...(state.data?.advice ?? [])].filter((a) => !actionOnly || a.urgency !== ReorderUrgency.OK).sort(byUrgency);
  const toggle = (
    <label className="check small">
      <input type="checkbox" checked={actionOnly} onChange={(e) => setActionOnly(e.target.checked)} /> Needs action only
    </label>
  );
  return (
    <Card title="Reorder advice" actions={toggle} testId="reorder-advice">
      {state.loading && !state.data && <Loading what="reorder advice (forecasting every SKU)" />}
      <ErrorBox message={state.error} onRetry={state.reload} />
      {state.data && (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>Urgency</th>
                <th>SKU</th>
                <th className="num">On hand</th>
                <th>Stockout</th>
                <th className="num hide-narrow">Days of cover</th>
                <th className="num hide-narrow">Reorder point</th>
                <th className="num">Order</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <tr key={a.sku} className={a.sku === selected ? "selected" : undefined}>
                  <td>
                    <UrgencyBadge urgency={a.urgency} />
                  </td>
                  <td>
                    <Link to={`/forecast/${encodeURIComponent(a.sku)}${search}`}>{a.sku}</Link>
                  </td>
                  <td className="num">{count(a.onHand)}</td>
                  <td>{isoDay(a.stockoutDate) || <span className="muted">—</span>}</td>
                  <td className="num hide-narrow">{coverText(a)}</td>
                  <td className="num hide-narrow">{count(a.reorderPoint)}</td>
                  <td className="num">{Number(a.suggestedOrderQuantity) > 0 ? count(a.suggestedOrderQuantity) : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {state.data && state.data.skipped.length > 0 && (
        <details className="small">
          <summary>
            {count(state.data.skipped.length)} {state.data.skipped.length === 1 ? "SKU" : "SKUs"} could not be forecast
          </summary>
          <ul>
            {state.data.skipped.map((s) => (
              <li key={s.sku}>
                {s.sku}: {s.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </Card>
  );
}
