// The same contributions as numbers: one row per forecast day.
import type { ForecastPoint } from "../../gen/icc/v1/forecast_pb";
import { dec, isoDay } from "../../lib/format";
import { BACK_TRANSFORM, isLogScale } from "./forecastData";

export function ContributionTable({ points }: { points: ForecastPoint[] }) {
  const names = points[0]?.explanation?.terms.map((t) => t.name) ?? [];
  return (
    <details className="contrib">
      <summary>
        Per-day contributions
        {isLogScale(points) && ` (in log units; ${BACK_TRANSFORM} turns their sum into units)`}
      </summary>
      <div className="table-wrap">
        <table className="table compact" data-testid="contributions">
          <thead>
            <tr>
              <th>Day</th>
              <th className="num">Intercept</th>
              {names.map((n) => (
                <th key={n} className="num mono">
                  {n}
                </th>
              ))}
              <th className="num">Sum</th>
              <th className="num">Forecast</th>
            </tr>
          </thead>
          <tbody>
            {points.map((p) => {
              const e = p.explanation;
              return (
                <tr key={isoDay(p.date)}>
                  <td className="nowrap">{isoDay(p.date)}</td>
                  <td className="num">{dec(e?.intercept ?? 0, 2)}</td>
                  {names.map((n) => {
                    const t = e?.terms.find((x) => x.name === n);
                    return (
                      <td key={n} className="num" title={t ? `${dec(t.value, 2)} × ${dec(t.coefficient, 3)}` : undefined}>
                        {t ? dec(t.contribution, 2) : ""}
                      </td>
                    );
                  })}
                  <td className="num">{dec(e?.unclamped ?? 0, 2)}</td>
                  <td className="num">
                    {dec(p.value, 2)}
                    {e?.clamped && <span className="badge warn">clamped</span>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </details>
  );
}
