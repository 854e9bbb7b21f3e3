// Sales history, the forecast line and its 80% and 95% prediction bands.
import { Area, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ForecastPoint } from "../../gen/icc/v1/forecast_pb";
import type { DailySales } from "../../gen/icc/v1/ingest_pb";
import { colors, legendText } from "../../lib/chartTheme";
import { dec, shortDay } from "../../lib/format";
import { chartRows } from "./forecastData";

const fmt = (v: unknown) => (Array.isArray(v) ? `${dec(Number(v[0]))} – ${dec(Number(v[1]))}` : dec(Number(v)));

export function ForecastChart({ history, points }: { history: DailySales[]; points: ForecastPoint[] }) {
  const rows = chartRows(history, points);
  return (
    <div className="chart" data-testid="forecast-chart" aria-label="Daily units sold and forecast with 80% and 95% intervals">
      <ResponsiveContainer width="100%" height={320}>
        <ComposedChart data={rows} margin={{ top: 8, right: 12, bottom: 0, left: -12 }}>
          <CartesianGrid stroke={colors.grid} vertical={false} />
          <XAxis dataKey="day" tickFormatter={shortDay} minTickGap={24} tick={{ fontSize: 12 }} />
          <YAxis allowDecimals={false} tick={{ fontSize: 12 }} />
          <Tooltip formatter={fmt} labelFormatter={(l) => String(l)} />
          <Legend formatter={legendText} />
          <Area dataKey="band95" name="95% interval" stroke="none" fill={colors.band95} fillOpacity={1} isAnimationActive={false} className="band-95" />
          <Area dataKey="band80" name="80% interval" stroke="none" fill={colors.band80} fillOpacity={0.9} isAnimationActive={false} className="band-80" />
          <Line dataKey="actual" name="Units sold" stroke={colors.actual} dot={false} strokeWidth={1.5} isAnimationActive={false} />
          <Line dataKey="forecast" name="Forecast" stroke={colors.forecast} dot={false} strokeWidth={2} isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
