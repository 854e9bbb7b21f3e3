// Per-day contributions of each term, stacked (negative ones below zero).
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ForecastPoint } from "../../gen/icc/v1/forecast_pb";
import { colors, legendText, termColors } from "../../lib/chartTheme";
import { dec, isoDay, shortDay } from "../../lib/format";

export function ContributionChart({ points }: { points: ForecastPoint[] }) {
  const names = ["intercept", ...(points[0]?.explanation?.terms.map((t) => t.name) ?? [])];
  const rows = points.map((p) => {
    const row: Record<string, number | string> = { day: isoDay(p.date), intercept: p.explanation?.intercept ?? 0 };
    for (const t of p.explanation?.terms ?? []) row[t.name] = t.contribution;
    return row;
  });
  return (
    <div className="chart" data-testid="contribution-chart" aria-label="Per-day contribution of each term">
      <ResponsiveContainer width="100%" height={260}>
        <BarChart data={rows} stackOffset="sign" margin={{ top: 8, right: 12, bottom: 0, left: -12 }}>
          <CartesianGrid stroke={colors.grid} vertical={false} />
          <XAxis dataKey="day" tickFormatter={shortDay} minTickGap={16} tick={{ fontSize: 12 }} />
          <YAxis tick={{ fontSize: 12 }} />
          <Tooltip formatter={(v) => dec(Number(v), 2)} />
          <Legend wrapperStyle={{ fontSize: 12 }} formatter={legendText} />
          {names.map((n, i) => (
            <Bar key={n} dataKey={n} stackId="c" fill={termColors[i % termColors.length]} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
