#!/usr/bin/env python3
"""Generate the seed-compatibility fixtures of icc-analytics.

An independent implementation of the old system's forecasting pipeline in
pandas + scikit-learn, written from its description (not from the Rust code):

* daily series: sparse (date, units) sales are reindexed to every calendar
  day from the first observation to the end day, a missing day is 0;
* features of day t: lag_1, lag_7, lag_14 (units at t-1, t-7, t-14),
  rolling_mean_7 (mean of t-7..t-1), trend_index = (lag_1 - lag_7) / 7,
  is_weekend (Sat/Sun), is_holiday (from an explicit list of dates);
* training rows: those where every feature exists (pandas dropna, i.e. the
  first 14 days are dropped);
* model: sklearn LinearRegression (defaults) on the seven features;
* recursive forecast of HORIZON days: lags from the history extended by the
  earlier predictions, rolling_mean_7 = mean of the last 7 values, and the
  prediction clipped to [0.2 * base, 2.0 * base], base = rolling_mean_7 or
  1.0 when rolling_mean_7 <= 0.1.

Writes one JSON file per synthetic series into tests/fixtures/seed/ (input
observations, end day, holiday dates, intercept, coefficients, R^2 and the
forecast). Deterministic: fixed seeds. Run from the repository root:

    pip install -r scripts/requirements.txt
    python3 scripts/seed_fixtures.py
"""

import datetime as dt
import json
import pathlib

import numpy as np
import pandas as pd
import sklearn
from sklearn.linear_model import LinearRegression

FEATURES = [
    "lag_1",
    "lag_7",
    "lag_14",
    "rolling_mean_7",
    "trend_index",
    "is_weekend",
    "is_holiday",
]
HORIZON = 28
OUT_DIR = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "seed"


def daily_series(observations, end):
    """Gap-fill sparse (date, units) rows to one value per calendar day."""
    frame = pd.DataFrame(observations, columns=["date", "units"])
    frame["date"] = pd.to_datetime(frame["date"])
    days = pd.date_range(frame["date"].min(), pd.Timestamp(end), freq="D")
    return frame.set_index("date")["units"].astype(float).reindex(days, fill_value=0.0)


def features(units, holidays):
    holiday_index = pd.DatetimeIndex(pd.to_datetime(holidays))
    out = pd.DataFrame(index=units.index)
    out["lag_1"] = units.shift(1)
    out["lag_7"] = units.shift(7)
    out["lag_14"] = units.shift(14)
    out["rolling_mean_7"] = units.shift(1).rolling(7).mean()
    out["trend_index"] = (out["lag_1"] - out["lag_7"]) / 7
    out["is_weekend"] = (units.index.day_of_week >= 5).astype(float)
    out["is_holiday"] = units.index.isin(holiday_index).astype(float)
    return out


def forecast(model, units, holidays, horizon):
    holiday_set = set(pd.to_datetime(holidays))
    history = list(units.values)
    day = units.index[-1]
    points = []
    for _ in range(horizon):
        day = day + pd.Timedelta(days=1)
        lag_1, lag_7, lag_14 = history[-1], history[-7], history[-14]
        rolling = float(np.mean(history[-7:]))
        row = pd.DataFrame(
            [[
                lag_1,
                lag_7,
                lag_14,
                rolling,
                (lag_1 - lag_7) / 7,
                1.0 if day.day_of_week >= 5 else 0.0,
                1.0 if day in holiday_set else 0.0,
            ]],
            columns=FEATURES,
        )
        raw = float(model.predict(row)[0])
        base = rolling if rolling > 0.1 else 1.0
        value = float(np.clip(raw, 0.2 * base, 2.0 * base))
        history.append(value)
        points.append(
            {
                "date": day.strftime("%Y-%m-%d"),
                "value": value,
                "unclamped": raw,
                "clamped": bool(value != raw),
            }
        )
    return points


def synthetic(seed, start, days, level, slope, weekly, holiday_lift, noise, drop_share, holidays,
              silent_tail=0):
    """Integer daily sales with trend, weekly pattern, holiday lift and
    noise; a share of days has no observation at all (zero-sale gaps) and
    the last `silent_tail` days have no sales."""
    rng = np.random.default_rng(seed)
    start = dt.date.fromisoformat(start)
    holiday_set = {dt.date.fromisoformat(h) for h in holidays}
    observations = []
    for i in range(days):
        day = start + dt.timedelta(days=i)
        mean = (level + slope * i) * weekly[day.weekday()]
        if day in holiday_set:
            mean *= holiday_lift
        units = max(0, round(mean + rng.normal(0.0, noise)))
        if i >= days - silent_tail or rng.random() < drop_share or units == 0:
            continue
        observations.append([day.isoformat(), float(units)])
    end = (start + dt.timedelta(days=days - 1)).isoformat()
    return observations, end


CASES = [
    {
        "name": "weekly_trend",
        "description": "180 days, upward trend, weekly pattern, holidays, 10% zero days",
        "holidays": [
            "2024-01-01", "2024-03-29", "2024-03-31", "2024-04-01", "2024-05-01",
            "2024-05-09", "2024-05-20", "2024-07-04", "2024-07-15",
        ],
        "args": dict(seed=11, start="2024-01-01", days=180, level=30.0, slope=0.08,
                     weekly=[0.9, 0.85, 0.95, 1.0, 1.15, 1.5, 1.3], holiday_lift=1.8,
                     noise=3.0, drop_share=0.10),
    },
    {
        "name": "slow_mover",
        "description": "120 days of a slow mover: most days have no sales",
        "holidays": ["2023-10-03", "2023-11-01", "2023-12-24", "2023-12-25", "2023-12-26",
                     "2024-01-01"],
        "args": dict(seed=23, start="2023-09-15", days=120, level=1.2, slope=0.0,
                     weekly=[0.7, 0.7, 0.8, 1.0, 1.2, 1.6, 1.0], holiday_lift=2.0,
                     noise=1.1, drop_share=0.0),
    },
    {
        "name": "dormant_tail",
        "description": "90 days of sales then 12 silent days: clamps on the fallback base",
        "holidays": ["2025-04-18", "2025-04-21", "2025-05-01", "2025-05-29", "2025-06-09",
                     "2025-06-23"],
        "args": dict(seed=5, start="2025-03-03", days=102, level=12.0, slope=-0.05,
                     weekly=[1.0, 1.0, 1.0, 1.1, 1.2, 1.4, 0.6], holiday_lift=1.5,
                     noise=2.0, drop_share=0.05, silent_tail=12),
    },
    {
        "name": "surge",
        "description": "60 days, steep trend and a 3x holiday lift (upper clamp)",
        "holidays": ["2022-12-24", "2022-12-25", "2022-12-26", "2022-12-31", "2023-01-01",
                     "2023-01-06"],
        "args": dict(seed=99, start="2022-11-01", days=60, level=8.0, slope=0.6,
                     weekly=[1.0, 1.0, 1.0, 1.0, 1.0, 1.3, 1.2], holiday_lift=3.0,
                     noise=1.5, drop_share=0.05),
    },
]


def main():
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        observations, end = synthetic(holidays=case["holidays"], **case["args"])
        units = daily_series(observations, end)
        table = features(units, case["holidays"])
        train = table.dropna()
        target = units.loc[train.index]
        model = LinearRegression().fit(train[FEATURES], target)
        r_squared = float(model.score(train[FEATURES], target))
        fixture = {
            "name": case["name"],
            "description": case["description"],
            "generator": f"scripts/seed_fixtures.py (pandas {pd.__version__}, "
                         f"scikit-learn {sklearn.__version__}, numpy {np.__version__})",
            "observations": observations,
            "end": end,
            "holidays": case["holidays"],
            "feature_names": FEATURES,
            "training_rows": int(len(train)),
            "intercept": float(model.intercept_),
            "coefficients": [float(c) for c in model.coef_],
            "r_squared": r_squared,
            "horizon": HORIZON,
            "forecast": forecast(model, units, case["holidays"], HORIZON),
        }
        path = OUT_DIR / f"{case['name']}.json"
        text = json.dumps(fixture, indent=1)
        # One observation or forecast day per line keeps the files reviewable.
        text = text.replace("[\n   ", "[").replace(",\n   ", ", ").replace("\n  ]", "]")
        path.write_text(text + "\n")
        clamped = sum(p["clamped"] for p in fixture["forecast"])
        print(f"{path.name}: {len(units)} days, rank {model.rank_}, R2 {r_squared:.4f}, "
              f"{clamped}/{HORIZON} clamped")


if __name__ == "__main__":
    main()
