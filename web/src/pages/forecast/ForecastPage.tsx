// Demand forecast of one SKU (history, forecast, bands, explanation,
// backtest, burn-down) and the reorder advice of every SKU.
import { useEffect } from "react";
import { useNavigate, useParams, useSearchParams } from "react-router";
import { listAllAdvice, listAllProducts } from "../../api/queries";
import { ForecastModel } from "../../gen/icc/v1/forecast_pb";
import { useAsync } from "../../hooks/useAsync";
import { useEvery } from "../../hooks/useEvery";
import { modelName } from "../../lib/enums";
import { DEFAULT_HORIZON, HORIZONS, MODELS, modelParam, parseHorizon, parseModel } from "./forecastData";
import { ReorderAdviceList } from "./ReorderAdviceList";
import { SkuForecast } from "./SkuForecast";

const ADVICE_REFRESH_MS = 60_000;

export function ForecastPage() {
  const sku = useParams().sku ?? "";
  const navigate = useNavigate();
  // Horizon and model live in the address (?horizon=56&model=seed), so a
  // reload or a shared link shows the same view; defaults are left out.
  const [params, setParams] = useSearchParams();
  const horizon = parseHorizon(params.get("horizon"));
  const model = parseModel(params.get("model"));
  const setParam = (name: string, value: string, fallback: string) => {
    const next = new URLSearchParams(params);
    if (value === fallback) next.delete(name);
    else next.set(name, value);
    setParams(next, { replace: true });
  };
  const products = useAsync((signal) => listAllProducts(signal), []);
  const advice = useAsync((signal) => listAllAdvice(signal), []);
  // Advice follows stock and sales: refresh it now and then, as the dashboard does.
  useEvery(ADVICE_REFRESH_MS, advice.reload);
  const search = params.toString();
  const choose = (s: string) => navigate(`/forecast/${encodeURIComponent(s)}${search ? `?${search}` : ""}`, { replace: !sku });

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
          <select value={horizon} onChange={(e) => setParam("horizon", e.target.value, String(DEFAULT_HORIZON))}>
            {HORIZONS.map((h) => (
              <option key={h} value={h}>
                {h} days
              </option>
            ))}
          </select>
        </label>
        <label>
          Model
          <select
            value={model}
            onChange={(e) => setParam("model", modelParam(Number(e.target.value) as ForecastModel), modelParam(ForecastModel.AUTO))}
            data-testid="forecast-model-choice"
          >
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
