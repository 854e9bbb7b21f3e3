#!/usr/bin/env python3
"""statsforecast on the same holdout as `forecast-svc evaluate` (issue 9).

Reads a `date,series,units` CSV (plain or gzip), holds out the last
`--holdout` days of every series, fits each model on the rest, forecasts
`--horizon` days and scores the first min(horizon, holdout) with the same
definitions as the evaluate command: per-series MAE, RMSE, sMAPE (percent,
0 when actual and forecast are both 0), MASE (scale: in-sample mean absolute
7-day seasonal-naive error of the training part; series with scale 0 left
out and counted in mase_n_series), coverage of the 80% and 95% intervals,
each averaged over series. Writes the same JSON keys.

Models: AutoETS (season length 7), AutoTheta (season length 7),
CrostonOptimized and SeasonalNaive (7). Intervals are each model's own
(statsforecast `level=[80, 95]`); CrostonOptimized has none, so its
intervals are conformal (statsforecast ConformalIntervals over 2 windows
of the horizon), as statsforecast documents for models without their own;
a series too short for that (fewer than 2·horizon + 1 training days) gets
Croston's point forecast as its interval.
Missing days inside a series count as 0, as in the evaluate command.
Series with `holdout` or fewer days, or too short for a model, are left
out (printed on stderr).

Usage (in a virtualenv; statsforecast pins pandas 2):
  python3 -m venv /tmp/sf && /tmp/sf/bin/pip install statsforecast
  /tmp/sf/bin/python scripts/statsforecast_eval.py --data PANEL.csv.gz \
      --horizon 28 --holdout 28 --out sf.json [--models AutoETS,...] [--limit N]
"""

import argparse
import json
import math
import os
import sys
import time

import numpy as np
import pandas as pd


def load(path, limit):
    df = pd.read_csv(path, dtype={"series": str, "units": float}, parse_dates=["date"])
    if limit:
        keep = df["series"].drop_duplicates().iloc[:limit]
        df = df[df["series"].isin(set(keep))]
    out = {}
    for name, g in df.groupby("series", sort=False):
        g = g.sort_values("date")
        idx = pd.date_range(g["date"].iloc[0], g["date"].iloc[-1], freq="D")
        y = g.set_index("date")["units"].reindex(idx, fill_value=0.0).to_numpy(float)
        out[name] = (idx[0], y)
    return out


def scores(y_train, actual, forecast, lo80, hi80, lo95, hi95):
    err = actual - forecast
    den = np.abs(actual) + np.abs(forecast)
    smape = np.where(den == 0, 0.0, 200 * np.abs(err) / np.where(den == 0, 1, den))
    scale = np.abs(y_train[7:] - y_train[:-7]).mean() if len(y_train) > 7 else 0.0
    return {
        "mae": float(np.abs(err).mean()),
        "rmse": float(math.sqrt((err**2).mean())),
        "smape": float(smape.mean()),
        "mase": float(np.abs(err).mean() / scale) if scale > 0 else None,
        "coverage_80": float(((actual >= lo80) & (actual <= hi80)).mean()),
        "coverage_95": float(((actual >= lo95) & (actual <= hi95)).mean()),
    }


def summarise(per_series, seconds):
    def mean(k):
        return float(np.mean([s[k] for s in per_series])) if per_series else 0.0

    mase = sorted(s["mase"] for s in per_series if s["mase"] is not None)
    return {
        "mae": mean("mae"),
        "rmse": mean("rmse"),
        "smape": mean("smape"),
        "mase": float(np.mean(mase)) if mase else None,
        "mase_median": float(np.median(mase)) if mase else None,
        "mase_n_series": len(mase),
        "coverage_80": mean("coverage_80"),
        "coverage_95": mean("coverage_95"),
        "seconds": seconds,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--horizon", type=int, default=28)
    ap.add_argument("--holdout", type=int, default=28)
    ap.add_argument("--models", default="AutoETS,AutoTheta,CrostonOptimized,SeasonalNaive")
    ap.add_argument("--out")
    ap.add_argument("--limit", type=int, default=0, help="first N series only")
    ap.add_argument("--n-jobs", type=int, default=1)
    args = ap.parse_args()
    os.environ.setdefault("NIXTLA_ID_AS_COL", "1")

    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS, AutoTheta, CrostonOptimized, SeasonalNaive
    from statsforecast.utils import ConformalIntervals

    h, k = args.horizon, min(args.horizon, args.holdout)
    series = load(args.data, args.limit)
    train_rows, truth = [], {}
    for name, (start, y) in series.items():
        if len(y) <= args.holdout + 14:
            print(f"skipped series {name}: {len(y)} days", file=sys.stderr)
            continue
        train = y[: len(y) - args.holdout]
        truth[name] = (train, y[len(y) - args.holdout : len(y) - args.holdout + k])
        dates = pd.date_range(start, periods=len(train), freq="D")
        train_rows.append(pd.DataFrame({"unique_id": name, "ds": dates, "y": train}))
    frame = pd.concat(train_rows, ignore_index=True)

    makers = {
        "AutoETS": lambda: AutoETS(season_length=7),
        "AutoTheta": lambda: AutoTheta(season_length=7),
        "CrostonOptimized": lambda: CrostonOptimized(
            prediction_intervals=ConformalIntervals(h=h, n_windows=2)
        ),
        "SeasonalNaive": lambda: SeasonalNaive(season_length=7),
    }
    report = {"n_series": len(truth), "horizon": h, "holdout": args.holdout, "models": {}}
    first = frame[frame["unique_id"] == frame["unique_id"].iloc[0]]
    for name in args.models.split(","):
        model = makers[name]()
        sf = StatsForecast(models=[model], freq="D", n_jobs=args.n_jobs)
        # Warm-up on one series, so numba's compilation is not timed.
        sf.forecast(df=first, h=h, level=[80, 95])
        start = time.perf_counter()
        if name == "CrostonOptimized":
            sizes = frame.groupby("unique_id")["y"].transform("size")
            long_enough = frame[sizes > 2 * h]
            short = frame[sizes <= 2 * h]
            parts = [sf.forecast(df=long_enough, h=h, level=[80, 95])] if len(long_enough) else []
            if len(short):
                plain = StatsForecast(models=[CrostonOptimized()], freq="D", n_jobs=args.n_jobs)
                parts.append(plain.forecast(df=short, h=h))
            fc = pd.concat(parts, ignore_index=True)
        else:
            fc = sf.forecast(df=frame, h=h, level=[80, 95])
        seconds = time.perf_counter() - start
        alias = str(model)
        per_series = []
        for sid, g in fc.groupby("unique_id", sort=False):
            train, actual = truth[sid]
            g = g.iloc[:k]
            f = np.nan_to_num(g[alias].to_numpy(float))

            def col(c):
                if c not in g:
                    return f
                v = g[c].to_numpy(float)
                return np.where(np.isnan(v), f, v)

            per_series.append(
                scores(train, actual, f, col(f"{alias}-lo-80"), col(f"{alias}-hi-80"),
                       col(f"{alias}-lo-95"), col(f"{alias}-hi-95"))
            )
        report["models"][name] = summarise(per_series, seconds)
        m = report["models"][name]
        print(f"{name:<18} MAE {m['mae']:.4f} RMSE {m['rmse']:.4f} sMAPE {m['smape']:.3f} "
              f"MASE {m['mase']} cov80 {m['coverage_80']:.3f} cov95 {m['coverage_95']:.3f} "
              f"{seconds:.1f} s ({seconds / max(len(per_series), 1) * 1000:.1f} ms/series)",
              flush=True)
        if args.out:
            with open(args.out, "w") as f:
                json.dump(report, f, indent=2)


if __name__ == "__main__":
    main()
