// The model's intercept and coefficient of each term; for a log-scale
// model also the factor each unit of a term's value multiplies demand by.
import type { Explanation } from "../../gen/icc/v1/forecast_pb";
import { BACK_TRANSFORM, CLOSED_DAY } from "./forecastData";

export function CoefficientTable({ explanation, logScale }: { explanation: Explanation; logScale: boolean }) {
  const factor = (name: string, coefficient: number) => (logScale && name !== BACK_TRANSFORM && name !== CLOSED_DAY ? `×${Math.exp(coefficient).toFixed(2)}` : "");
  return (
    <div className="table-wrap">
      <table className="table compact" data-testid="coefficients">
        <thead>
          <tr>
            <th>Term</th>
            <th className="num">Coefficient</th>
            {logScale && <th className="num">Factor</th>}
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>intercept</td>
            <td className="num">{explanation.intercept.toFixed(3)}</td>
            {logScale && <td className="num" />}
          </tr>
          {explanation.terms.map((t) => (
            <tr key={t.name}>
              <td className="mono">{t.name}</td>
              <td className="num">{t.coefficient.toFixed(3)}</td>
              {logScale && <td className="num">{factor(t.name, t.coefficient)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
