// Projected stock, day by day, against the reorder point, with the
// stockout date and what to order.
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { forecastClient } from "../../api/clients";
import { Card } from "../../components/Card";
import { ErrorBox, Loading } from "../../components/Status";
import { UrgencyBadge } from "../../components/UrgencyBadge";
import type { ReorderAdvice } from "../../gen/icc/v1/forecast_pb";
import { useAsync } from "../../hooks/useAsync";
import { colors } from "../../lib/chartTheme";
import { count, dec, isoDay, shortDay } from "../../lib/format";
import { coverText } from "./forecastData";

export function BurnDownCard({ sku, horizon }: { sku: string; horizon: number }) {
  const { data, error, loading, reload } = useAsync((signal) => forecastClient.getReorderAdvice({ sku, horizonDays: horizon }, { signal }), [sku, horizon]);
  const a = data?.advice;
  return (
    <Card title="Stock burn-down" testId="burn-down">
      {loading && !data && <Loading what="the projection" />}
      <ErrorBox message={error} onRetry={reload} />
      {a && <BurnDown advice={a} />}
      {a && <p className="muted small">Projected from the Auto forecast, as all reorder advice is.</p>}
    </Card>
  );
}

function BurnDown({ advice: a }: { advice: ReorderAdvice }) {
  const rows = [
    { day: "now", onHand: Number(a.onHand) },
    ...a.projection.map((p) => ({ day: isoDay(p.date), onHand: p.onHand, demand: p.demand })),
  ];
  const stockout = isoDay(a.stockoutDate);
  const rop = Number(a.reorderPoint);
  return (
    <>
      <div className="chart" data-testid="burn-down-chart" aria-label="Projected stock with reorder point">
        <ResponsiveContainer width="100%" height={240}>
          <LineChart data={rows} margin={{ top: 16, right: 12, bottom: 0, left: -12 }}>
            <CartesianGrid stroke={colors.grid} vertical={false} />
            <XAxis dataKey="day" tickFormatter={(d: string) => (d === "now" ? "now" : shortDay(d))} minTickGap={16} tick={{ fontSize: 12 }} />
            <YAxis allowDecimals={false} tick={{ fontSize: 12 }} domain={[0, (max: number) => Math.max(max, rop) * 1.1]} />
            <Tooltip formatter={(v) => dec(Number(v))} />
            <ReferenceLine y={rop} stroke={colors.reorder} strokeDasharray="6 4" label={{ value: `Reorder point ${count(rop)}`, position: "insideTopRight", fontSize: 12 }} />
            {stockout && <ReferenceLine x={stockout} stroke={colors.stockout} label={{ value: "Stockout", position: "insideTopLeft", fontSize: 12 }} />}
            <Line dataKey="onHand" name="Projected stock" stroke={colors.stock} strokeWidth={2} dot={false} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </div>
      <dl className="facts small">
        <dt>Urgency</dt>
        <dd>
          <UrgencyBadge urgency={a.urgency} /> <span className="muted">over the next {a.projection.length} days</span>
        </dd>
        <dt>Stockout</dt>
        <dd data-testid="stockout-date">{stockout || "not within the horizon"}</dd>
        <dt>Days of cover</dt>
        <dd>{coverText(a)}</dd>
        <dt>Reorder point</dt>
        <dd>
          {count(rop)}{" "}
          <span className="muted" title={`Safety stock: how far backtest forecasts of ${a.leadTimeDays}-day totals missed, at the service level`}>
            = lead-time demand {dec(a.leadTimeDemand)} + safety stock {dec(a.safetyStock)}
          </span>
        </dd>
        <dt>Lead time</dt>
        <dd>
          {a.leadTimeDays} days at {dec(a.serviceLevel * 100)}% service level
        </dd>
        <dt>Order now</dt>
        <dd>{Number(a.suggestedOrderQuantity) > 0 ? `${count(a.suggestedOrderQuantity)} units` : "nothing yet"}</dd>
      </dl>
    </>
  );
}
