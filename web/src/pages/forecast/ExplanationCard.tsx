// How the forecast was made: the model's coefficients, and each day's
// contributions (intercept + value x coefficient per term).
import { Card } from "../../components/Card";
import type { Forecast } from "../../gen/icc/v1/forecast_pb";
import { CoefficientTable } from "./CoefficientTable";
import { ContributionChart } from "./ContributionChart";
import { ContributionTable } from "./ContributionTable";

export function ExplanationCard({ forecast }: { forecast: Forecast }) {
  const first = forecast.points.find((p) => p.explanation)?.explanation;
  const clamped = forecast.points.some((p) => p.explanation?.clamped);
  return (
    <Card title="Why this forecast" testId="explanation">
      {!first ? (
        <p className="muted">This model gives no per-term explanation.</p>
      ) : (
        <>
          <p className="muted small">
            Each day's forecast is the intercept plus, for each term, its value that day times the model's coefficient
            {clamped && "; days marked clamped were held inside the allowed band"}.
          </p>
          <div className="explain-grid">
            <CoefficientTable explanation={first} />
            <ContributionChart points={forecast.points} />
          </div>
          <ContributionTable points={forecast.points} />
        </>
      )}
    </Card>
  );
}
