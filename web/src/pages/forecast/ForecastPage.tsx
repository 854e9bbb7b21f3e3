// Demand forecast of one SKU (history, forecast, bands, explanation,
// backtest, burn-down) and the reorder advice of every SKU.
import { useEffect, useState } from "react";
import { useNavigate, useParams } from "react-router";
import { listAllAdvice, listAllProducts } from "../../api/queries";
import { ForecastModel } from "../../gen/icc/v1/forecast_pb";
import { useAsync } from "../../hooks/useAsync";
import { modelName } from "../../lib/enums";
import { ReorderAdviceList } from "./ReorderAdviceList";
import { SkuForecast } from "./SkuForecast";

const HORIZONS = [14, 28, 56];
/** AUTO first (what reorder advice uses), then the models it chooses from, then the rest. */
const MODELS = [
  ForecastModel.AUTO,
  ForecastModel.LOG_REGRESSION,
  ForecastModel.REGRESSION,
  ForecastModel.INTERMITTENT,
  ForecastModel.MOVING_AVERAGE,
  ForecastModel.SEASONAL_NAIVE,
  ForecastModel.NAIVE,
  ForecastModel.SEED,
];

export function ForecastPage() {
  const sku = useParams().sku ?? "";
  const navigate = useNavigate();
  const [horizon, setHorizon] = useState(28);
  const [model, setModel] = useState(ForecastModel.AUTO);
  const products = useAsync((signal) => listAllProducts(signal), []);
  const advice = useAsync((signal) => listAllAdvice(signal), []);
  const choose = (s: string) => navigate(`/forecast/${encodeURIComponent(s)}`, { replace: !sku });

  // Without a SKU in the address, open the most urgent one.
  useEffect(() => {
    if (sku) return;
    const first = advice.data?.advice[0]?.sku ?? (advice.error ? products.data?.[0]?.sku : undefined);
    if (first) choose(first);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [sku, advice.data, advice.error, products.data]);

  return (
    <div className="page">
      <h1>Forecast</h1>
      <div className="filters">
        <label className="grow">
          Product
          <select value={sku} onChange={(e) => choose(e.target.value)} data-testid="forecast-sku">
            {!sku && <option value="">Choose a product…</option>}
            {(products.data ?? []).map((p) => (
              <option key={p.sku} value={p.sku}>
                {p.sku} — {p.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Horizon
          <select value={horizon} onChange={(e) => setHorizon(Number(e.target.value))}>
            {HORIZONS.map((h) => (
              <option key={h} value={h}>
                {h} days
              </option>
            ))}
          </select>
        </label>
        <label>
          Model
          <select value={model} onChange={(e) => setModel(Number(e.target.value) as ForecastModel)} data-testid="forecast-model-choice">
            {MODELS.map((m) => (
              <option key={m} value={m}>
                {modelName[m]}
              </option>
            ))}
          </select>
        </label>
      </div>
      {sku && <SkuForecast key={`${sku}/${horizon}/${model}`} sku={sku} horizon={horizon} model={model} />}
      <ReorderAdviceList state={advice} selected={sku} />
    </div>
  );
}
