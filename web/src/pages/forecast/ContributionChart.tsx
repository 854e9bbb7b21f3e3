// Per-day parts of the forecast, in units, one stacked bar per day
// (negative parts below zero), the terms summed by family (termGroup) so
// the legend stays short; the contribution table lists every term. See
// unitParts for log-scale models.
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ForecastPoint } from "../../gen/icc/v1/forecast_pb";
import { colors, legendText, termColor } from "../../lib/chartTheme";
import { dec, isoDay, shortDay } from "../../lib/format";
import { BACK_TRANSFORM, groupParts, isLogScale, TERM_GROUPS, termGroup, unitParts } from "./forecastData";

export function ContributionChart({ points }: { points: ForecastPoint[] }) {
  const logScale = isLogScale(points);
  const terms = points[0]?.explanation?.terms.map((t) => t.name) ?? [];
  // A log-scale model's back-transform is spread over the other parts.
  const shown = new Set(["intercept", ...terms.filter((n) => !(logScale && n === BACK_TRANSFORM))].map(termGroup));
  const names = TERM_GROUPS.filter((g) => shown.has(g));
  const rows = points.map((p) => {
    const parts = p.explanation ? groupParts(unitParts(p.explanation, p.value, logScale)) : {};
    const row: Record<string, number | string> = { day: isoDay(p.date) };
    for (const n of names) row[n] = parts[n] ?? 0;
    return row;
  });
  return (
    <div className="chart" data-testid="contribution-chart" aria-label="Per-day contribution of each family of terms, in units">
      <ResponsiveContainer width="100%" height={260}>
        <BarChart data={rows} stackOffset="sign" margin={{ top: 8, right: 12, bottom: 0, left: -12 }}>
          <CartesianGrid stroke={colors.grid} vertical={false} />
          <XAxis dataKey="day" tickFormatter={shortDay} minTickGap={16} tick={{ fontSize: 12 }} />
          <YAxis tick={{ fontSize: 12 }} />
          <Tooltip formatter={(v) => dec(Number(v), 2)} />
          <Legend wrapperStyle={{ fontSize: 12 }} formatter={legendText} />
          {/* A family keeps its colour from model to model. */}
          {names.map((n) => (
            <Bar key={n} dataKey={n} stackId="c" fill={termColor(TERM_GROUPS.indexOf(n))} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
