// The model's intercept and coefficient of each term.
import type { Explanation } from "../../gen/icc/v1/forecast_pb";

export function CoefficientTable({ explanation }: { explanation: Explanation }) {
  return (
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
            <td className="num">{explanation.intercept.toFixed(3)}</td>
          </tr>
          {explanation.terms.map((t) => (
            <tr key={t.name}>
              <td className="mono">{t.name}</td>
              <td className="num">{t.coefficient.toFixed(3)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
