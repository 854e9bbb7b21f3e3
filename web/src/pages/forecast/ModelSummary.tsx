import type { Forecast } from "../../gen/icc/v1/forecast_pb";
import { modelName } from "../../lib/enums";
import { apart, dateTime, dec, isoDay } from "../../lib/format";

export function ModelSummary({ forecast, reused }: { forecast: Forecast; reused: boolean }) {
  const [chosen, runnerUp] = forecast.selection;
  const [chosenScore, runnerUpScore] = chosen && runnerUp ? apart(chosen.selectionScore, runnerUp.selectionScore) : ["", ""];
  return (
    <div className="summary small">
      <span>
        Model: <strong data-testid="forecast-model">{modelName[forecast.model]}</strong>
        {forecast.rSquared > 0 && <> (R² {dec(forecast.rSquared, 2)})</>}
      </span>
      {chosen && runnerUp && (
        <span>
          Chosen by backtest: score {chosenScore} vs {modelName[runnerUp.model]} {runnerUpScore} (RMSSE; +10% for a
          fallback model, −5% for log regression)
        </span>
      )}
      <span>
        Data up to {isoDay(forecast.dataWatermark)} · computed {dateTime(forecast.createTime)}
        {reused && " (stored, data unchanged)"}
      </span>
      {forecast.fallbackReason && <span className="warn-text">Fallback: {forecast.fallbackReason}</span>}
    </div>
  );
}
