// Everything about one SKU's forecast; each part loads on its own so a slow
// or failing part does not hide the others. A SKU with too little history
// gets one plain sentence instead of a failure in every part.
import { forecastClient, ingestClient } from "../../api/clients";
import { Card } from "../../components/Card";
import type { ForecastModel } from "../../gen/icc/v1/forecast_pb";
import { ErrorBox, Loading } from "../../components/Status";
import { useAsync } from "../../hooks/useAsync";
import { pbDay } from "../../lib/format";
import { BacktestCard } from "./BacktestCard";
import { BurnDownCard } from "./BurnDownCard";
import { ExplanationCard } from "./ExplanationCard";
import { ForecastChart } from "./ForecastChart";
import { ModelSummary } from "./ModelSummary";
import { tooShort } from "./forecastData";

const HISTORY_DAYS = 90;

export function SkuForecast({ sku, horizon, model }: { sku: string; horizon: number; model: ForecastModel }) {
  const fc = useAsync(async (signal) => {
    const asked = await forecastClient.getForecast({ sku, horizonDays: horizon, model }, { signal }).catch((e) => {
      const short = tooShort(e);
      if (short) return { short };
      throw e;
    });
    if ("short" in asked) return { short: asked.short };
    const { forecast, reused } = asked;
    if (!forecast) throw new Error("empty forecast");
    // History up to the forecast's data watermark, so the lines meet.
    const w = forecast.dataWatermark;
    const end = w ? new Date(Date.UTC(w.year, w.month - 1, w.day)) : new Date();
    const start = new Date(end.getTime() - (HISTORY_DAYS - 1) * 86_400_000);
    const sales = await ingestClient.getDailySales({ sku, startDate: pbDay(start), endDate: pbDay(end) }, { signal });
    return { forecast, reused, history: sales.days };
  }, [sku, horizon, model]);

  return (
    <>
      <Card title={`Demand: ${sku}`} testId="forecast-card">
        {fc.loading && !fc.data && <Loading what="the forecast" />}
        <ErrorBox message={fc.error} onRetry={fc.reload} />
        {fc.data && "short" in fc.data && (
          <p className="muted" data-testid="too-short">
            No forecast yet: {sku} has {fc.data.short?.have} days of sales history, and forecasts start at {fc.data.short?.need}.
          </p>
        )}
        {fc.data?.forecast && (
          <>
            <ModelSummary forecast={fc.data.forecast} reused={fc.data.reused} />
            <ForecastChart history={fc.data.history} points={fc.data.forecast.points} />
          </>
        )}
      </Card>
      {fc.data?.forecast && <ExplanationCard forecast={fc.data.forecast} />}
      {!(fc.data && "short" in fc.data) && (
        <div className="grid-2">
          <BacktestCard sku={sku} horizon={Math.min(horizon, 28)} model={model} />
          <BurnDownCard sku={sku} horizon={horizon} />
        </div>
      )}
    </>
  );
}
