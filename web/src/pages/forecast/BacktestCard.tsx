// Backtest accuracy of the forecasting model next to the naive baselines
// on the same windows; the best value of each measure is marked.
import { forecastClient } from "../../api/clients";
import { Card } from "../../components/Card";
import { ErrorBox, Loading } from "../../components/Status";
import type { Accuracy, ForecastModel, ModelScore } from "../../gen/icc/v1/forecast_pb";
import { useAsync } from "../../hooks/useAsync";
import { modelName } from "../../lib/enums";
import { count, dec } from "../../lib/format";

const MEASURES: { key: keyof Omit<Accuracy, "$typeName" | "$unknown">; label: string; unit?: string }[] = [
  { key: "mae", label: "MAE" },
  { key: "rmse", label: "RMSE" },
  { key: "smape", label: "sMAPE", unit: "%" },
  { key: "mase", label: "MASE" },
];

export function BacktestCard({ sku, horizon, model }: { sku: string; horizon: number; model: ForecastModel }) {
  const { data, error, loading, reload } = useAsync(
    (signal) => forecastClient.backtest({ sku, horizonDays: horizon, model }, { signal }),
    [sku, horizon, model],
  );
  const rows: (ModelScore & { tested: boolean })[] = data
    ? [
        ...(data.model ? [{ ...data.model, tested: true }] : []),
        // A baseline that is the tested model itself is listed once.
        ...data.baselines.filter((b) => b.model !== data.model?.model).map((b) => ({ ...b, tested: false })),
      ]
    : [];
  const best = (k: (typeof MEASURES)[number]["key"]) => Math.min(...rows.map((r) => r.accuracy?.[k] ?? Infinity));
  return (
    <Card title={`Backtest, ${horizon}-day horizon`} testId="backtest">
      {loading && !data && <Loading what="the backtest" />}
      <ErrorBox message={error} onRetry={reload} />
      {data && (
        <>
          <div className="table-wrap">
            <table className="table compact">
              <thead>
                <tr>
                  <th>Model</th>
                  {MEASURES.map((m) => (
                    <th key={m.key} className="num">
                      {m.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={`${r.model}-${r.tested}`} className={r.tested ? "highlight" : undefined}>
                    <td>
                      {modelName[r.model]}
                      {r.tested ? "" : <span className="muted small"> baseline</span>}
                    </td>
                    {MEASURES.map((m) => {
                      const v = r.accuracy?.[m.key] ?? 0;
                      return (
                        <td key={m.key} className={`num ${v === best(m.key) ? "best" : ""}`}>
                          {dec(v, 2)}
                          {m.unit}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="muted small">
            Lower is better. {count(data.windows)} windows, {count(data.points)} days scored.
            {data.windows > 1 && ` Actual values inside the 80% band: ${dec(data.coverage80 * 100)}%, inside the 95% band: ${dec(data.coverage95 * 100)}%.`}
          </p>
        </>
      )}
    </Card>
  );
}
