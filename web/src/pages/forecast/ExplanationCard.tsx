// How the forecast was made: the model's coefficients, and each day's
// contributions (intercept + value x coefficient per term).
import { Card } from "../../components/Card";
import type { Forecast } from "../../gen/icc/v1/forecast_pb";
import { ContributionChart } from "./ContributionChart";
import { ContributionTable } from "./ContributionTable";

export function ExplanationCard({ forecast }: { forecast: Forecast }) {
  const first = forecast.points.find((p) => p.explanation)?.explanation;
  return (
    <Card title="Why this forecast" testId="explanation">
      {!first ? (
        <p className="muted">This model gives no per-term explanation.</p>
      ) : (
        <>
          <p className="muted small">
            Each day's forecast is the intercept plus, for each term, its value that day times the model's coefficient
            {first.terms.length > 0 && forecast.points.some((p) => p.explanation?.clamped) && "; clamped days were held inside the allowed band"}.
          </p>
          <div className="table-wrap">
            <table className="table compact" data-testid="coefficients">
              <thead>
                <tr>
                  <th>Term</th>
                  <th className="num">Coefficient</th>
                </tr>
              </thead>
              <tbody>
                <tr>
                  <td>intercept</td>
                  <td className="num">{first.intercept.toFixed(3)}</td>
                </tr>
                {first.terms.map((t) => (
                  <tr key={t.name}>
                    <td className="mono">{t.name}</td>
                    <td className="num">{t.coefficient.toFixed(3)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <ContributionChart points={forecast.points} />
          <ContributionTable points={forecast.points} />
        </>
      )}
    </Card>
  );
}
