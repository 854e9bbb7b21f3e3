// How the forecast was made: the model's coefficients, and each day's
// contributions (intercept + value x coefficient per term).
import { Card } from "../../components/Card";
import { type Forecast, ForecastModel } from "../../gen/icc/v1/forecast_pb";
import { CoefficientTable } from "./CoefficientTable";
import { ContributionChart } from "./ContributionChart";
import { ContributionTable } from "./ContributionTable";
import { intermittentParts, isLogScale } from "./forecastData";
import { dec } from "../../lib/format";

export function ExplanationCard({ forecast }: { forecast: Forecast }) {
  const first = forecast.points.find((p) => p.explanation)?.explanation;
  const clamped = forecast.points.some((p) => p.explanation?.clamped);
  const logScale = isLogScale(forecast.points);
  const slow = forecast.model === ForecastModel.INTERMITTENT ? intermittentParts(first) : undefined;
  return (
    <Card title="Why this forecast" testId="explanation">
      {!first ? (
        <p className="muted">This model gives no per-term explanation.</p>
      ) : (
        <>
          {slow ? (
            <p className="muted small" data-testid="intermittent-words">
              {slow.size !== undefined && slow.chance !== undefined
                ? `A day that sells sells about ${dec(slow.size)} units, and ${dec(slow.chance * 100)}% of days sell: ${dec(slow.rate)} a day on average. `
                : `Demand runs at about ${dec(slow.rate)} a day (smoothed over recent days). `}
              Each day's forecast is that rate times its weekday's factor: weekday_factor's value is the factor minus 1, so its
              contribution is what that weekday adds to (or takes from) the rate.
            </p>
          ) : logScale ? (
            <p className="muted small">
              This model adds its terms in log units: each day's forecast is e to the power of (intercept plus, for each term, its value that
              day times the coefficient), times a correction for the log scale, minus 1. So a term multiplies demand by the factor in the
              table for each unit of its value; the chart splits each day's forecast in proportion to the terms' log-unit contributions
              {clamped && "; days marked clamped were held inside the allowed band"}.
            </p>
          ) : (
            <p className="muted small">
              Each day's forecast is the intercept plus, for each term, its value that day times the model's coefficient
              {clamped && "; days marked clamped were held inside the allowed band"}.
            </p>
          )}
          <div className="explain-grid">
            <CoefficientTable explanation={first} logScale={logScale} />
            <ContributionChart points={forecast.points} />
          </div>
          <ContributionTable points={forecast.points} />
        </>
      )}
    </Card>
  );
}
