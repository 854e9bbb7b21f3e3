#!/usr/bin/env python3
"""Benchmark of the seed forecasting pipeline: forecast-svc (Rust) next to
the same pipeline in pandas + scikit-learn, on the same data, in one run.

Per series (the work forecast-svc does for one SKU and the seed model):

1. features: lag_1, lag_7, lag_14, rolling_mean_7 (past only),
   trend_index = (lag_1 - lag_7) / 7, is_weekend, is_holiday;
2. fit: OLS on every row with 14 days of history (sklearn LinearRegression);
3. forecast: 28 days, recursive, clamped to [0.2, 2.0] x base;
4. backtest: 8 rolling origins a week apart, each refitting and forecasting
   28 days; MAE, RMSE, sMAPE, MASE and RMSSE of the model and of the naive
   and seasonal-naive baselines; per-step 80%/95% intervals from the errors
   (Hyndman-Fan type 6 quantiles, neighbouring steps pooled to 40 errors)
   applied to the forecast; leave-one-window-out interval coverage.

The data: N series x D days of synthetic daily demand (Poisson around a
level with weekly and yearly seasonality and a trend; a fifth of the series
are slow movers), generated deterministically from a seed and written once
as `date,series,units` CSV; both sides read that file and the same holiday
file. Loading the file is not timed. Rust runs `forecast-svc bench`
(release build) on 1 thread and on all cores; Python runs the pipeline in 1
process and in one process per core (multiprocessing, fork). Their 28-day
forecasts are compared value by value.

    pip install -r scripts/requirements.txt
    cargo build --release -p forecast-svc
    python3 scripts/bench_forecast.py            # 10,000 x 730, as in docs/benchmarks.md
    python3 scripts/bench_forecast.py --series 200 --days 400   # a quick check
"""

import argparse
import datetime as dt
import json
import multiprocessing as mp
import os
import pathlib
import platform
import subprocess
import sys
import threading
import time

# One BLAS thread per process: "1 worker" means one core on both sides,
# and the multi-process run must not oversubscribe the cores.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import sklearn  # noqa: E402
from sklearn.linear_model import LinearRegression  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
HORIZON = 28
WINDOWS = 8
STEP = 7
SEASON = 7
MIN_POOLED = 40
FEATURES = ["lag_1", "lag_7", "lag_14", "rolling_mean_7", "trend_index", "is_weekend",
            "is_holiday"]


# ---------------------------------------------------------------- data ----

def generate(n_series, days, seed, end):
    """Deterministic synthetic panel: (start date, units matrix [n, days])."""
    rng = np.random.default_rng(seed)
    start = end - dt.timedelta(days=days - 1)
    t = np.arange(days)
    weekday = np.array([(start + dt.timedelta(days=int(i))).weekday() for i in t])
    doy = np.array([(start + dt.timedelta(days=int(i))).timetuple().tm_yday for i in t])
    units = np.empty((n_series, days))
    for s in range(n_series):
        slow = rng.random() < 0.2
        level = rng.lognormal(mean=0.0 if slow else 3.0, sigma=0.6)
        weekly = 1.0 + rng.uniform(0.0, 0.5) * np.sin(2 * np.pi * (weekday + rng.integers(7)) / 7)
        yearly = 1.0 + rng.uniform(0.0, 0.3) * np.sin(2 * np.pi * doy / 365.25 + rng.uniform(0, 6.3))
        trend = 1.0 + rng.uniform(-0.3, 0.5) * t / days
        units[s] = rng.poisson(np.maximum(level * weekly * yearly * trend, 0.0))
    return start, units


def holidays_between(start, end):
    """Fixed-date holidays of every year in range (written as explicit
    dates, so both sides read exactly the same calendar)."""
    out = []
    for year in range(start.year, end.year + 2):
        for month, day in [(1, 1), (5, 1), (12, 24), (12, 25), (12, 26), (12, 31)]:
            out.append(dt.date(year, month, day))
    return out


def write_inputs(workdir, n_series, days, seed):
    workdir.mkdir(parents=True, exist_ok=True)
    data = workdir / f"demand_{n_series}x{days}_seed{seed}.csv"
    holidays = workdir / "holidays.txt"
    end = dt.date(2025, 6, 30)
    start, units = generate(n_series, days, seed, end)
    hol = holidays_between(start, end)
    holidays.write_text("".join(f"date {d.isoformat()}\n" for d in hol))
    if not data.exists():
        dates = pd.date_range(start, periods=days, freq="D").strftime("%Y-%m-%d")
        names = [f"S{s:05d}" for s in range(n_series)]
        frame = pd.DataFrame({
            "date": np.tile(dates, n_series),
            "series": np.repeat(names, days),
            "units": units.reshape(-1).astype(np.int64),
        })
        tmp = data.with_suffix(".tmp")
        frame.to_csv(tmp, index=False)
        tmp.rename(data)
    return data, holidays, hol


# ------------------------------------------------------ pandas pipeline ----

def features(units, holiday_index):
    out = pd.DataFrame(index=units.index)
    out["lag_1"] = units.shift(1)
    out["lag_7"] = units.shift(7)
    out["lag_14"] = units.shift(14)
    out["rolling_mean_7"] = units.shift(1).rolling(7).mean()
    out["trend_index"] = (out["lag_1"] - out["lag_7"]) / 7
    out["is_weekend"] = (units.index.day_of_week >= 5).astype(float)
    out["is_holiday"] = units.index.isin(holiday_index).astype(float)
    return out


def recursive_forecast(model, history, first_day, horizon, holiday_set):
    coef = [float(c) for c in model.coef_]
    intercept = float(model.intercept_)
    history = list(history)
    values = []
    for step in range(horizon):
        day = first_day + dt.timedelta(days=step)
        lag_1, lag_7, lag_14 = history[-1], history[-7], history[-14]
        rolling = sum(history[-7:]) / 7
        x = (lag_1, lag_7, lag_14, rolling, (lag_1 - lag_7) / 7,
             1.0 if day.weekday() >= 5 else 0.0, 1.0 if day in holiday_set else 0.0)
        raw = intercept + sum(c * v for c, v in zip(coef, x))
        base = rolling if rolling > 0.1 else 1.0
        value = min(max(raw, 0.2 * base), 2.0 * base)
        history.append(value)
        values.append(value)
    return values


def fit(table, target, upto):
    rows = table.iloc[14:upto]
    return LinearRegression().fit(rows.to_numpy(), target[14:upto])


def quantile6(sorted_errors, p):
    return float(np.quantile(sorted_errors, p, method="weibull"))


def interval_steps(errors_by_step):
    horizon = len(errors_by_step)
    total = sum(len(e) for e in errors_by_step)
    need = min(MIN_POOLED, total)
    steps = []
    for h in range(horizon):
        radius = 0
        while True:
            pool = np.concatenate(errors_by_step[max(0, h - radius):min(horizon, h + radius + 1)])
            if len(pool) >= need:
                break
            radius += 1
        pool = np.sort(pool)
        steps.append((quantile6(pool, 0.10), quantile6(pool, 0.90), quantile6(pool, 0.025),
                      quantile6(pool, 0.975), float(np.sqrt(np.mean(pool ** 2)))))
    return steps


def apply_intervals(steps, forecast):
    out = []
    for h, f in enumerate(forecast):
        q10, q90, q025, q975, _ = steps[min(h, len(steps) - 1)]
        u80, u95 = f + q90, f + q975
        out.append((min(max(f + q10, 0), max(u80, 0)), max(u80, 0),
                    min(max(f + q025, 0), max(u95, 0)), max(u95, 0)))
    return out


def pooled_accuracy(y, windows):
    actual = np.concatenate([w[1] for w in windows])
    forecast = np.concatenate([w[0] for w in windows])
    err = actual - forecast
    denom = np.abs(actual) + np.abs(forecast)
    smape = np.where(denom == 0, 0.0, 200 * np.abs(err) / np.where(denom == 0, 1, denom))
    abs_scaled, sq_scaled, n = 0.0, 0.0, 0
    for f, a, training in windows:
        d = y[SEASON:training] - y[:training - SEASON]
        if training <= SEASON:
            continue
        s1, s2 = np.mean(np.abs(d)), np.mean(d ** 2)
        if s1 <= 0 or s2 <= 0:
            continue
        e = a - f
        abs_scaled += float(np.sum(np.abs(e)) / s1)
        sq_scaled += float(np.sum(e ** 2) / s2)
        n += len(e)
    return {"mae": float(np.mean(np.abs(err))), "rmse": float(np.sqrt(np.mean(err ** 2))),
            "smape": float(np.mean(smape)), "mase": abs_scaled / n if n else None,
            "rmsse": float(np.sqrt(sq_scaled / n)) if n else None}


def pipeline_one(y, start, holiday_index, holiday_set):
    n = len(y)
    units = pd.Series(y, index=pd.date_range(start, periods=n, freq="D"))
    table = features(units, holiday_index)[FEATURES]
    origins = [n - HORIZON - back * STEP for back in reversed(range(WINDOWS))]
    origins = [o for o in origins if o >= 28]
    model_w, naive_w, snaive_w = [], [], []
    for o in origins:
        m = fit(table, y, o)
        first = start + dt.timedelta(days=o)
        f = np.array(recursive_forecast(m, y[:o], first, HORIZON, holiday_set))
        actual = y[o:o + HORIZON]
        model_w.append((f, actual, o))
        naive_w.append((np.full(HORIZON, y[o - 1]), actual, o))
        snaive_w.append((np.array([y[o - (SEASON - h % SEASON)] for h in range(HORIZON)]), actual, o))
    accuracy = [pooled_accuracy(y, w) for w in (model_w, naive_w, snaive_w)]
    errors = [np.array([w[1][h] - w[0][h] for w in model_w]) for h in range(HORIZON)]
    steps = interval_steps(errors)
    hits80 = hits95 = points = 0
    for i, (f, a, _) in enumerate(model_w):
        others = [np.array([w[1][h] - w[0][h] for j, w in enumerate(model_w) if j != i])
                  for h in range(HORIZON)]
        for (l80, u80, l95, u95), actual in zip(apply_intervals(interval_steps(others), f), a):
            hits80 += l80 <= actual <= u80
            hits95 += l95 <= actual <= u95
            points += 1
    final = fit(table, y, n)
    first = start + dt.timedelta(days=n)
    forecast = recursive_forecast(final, y, first, HORIZON, holiday_set)
    intervals = apply_intervals(steps, forecast)
    return forecast, intervals, accuracy, (hits80 / points, hits95 / points), final.score(
        table.iloc[14:].to_numpy(), y[14:])


_PANEL = {}


def _run_range(bounds):
    lo, hi = bounds
    p = _PANEL
    return [pipeline_one(p["units"][i], p["start"], p["holiday_index"], p["holiday_set"])[0]
            for i in range(lo, hi)]


def python_pipeline(units, start, holidays, processes):
    _PANEL.update(units=units, start=start, holiday_index=pd.DatetimeIndex(holidays),
                  holiday_set=set(holidays))
    n = len(units)
    began = time.perf_counter()
    if processes == 1:
        forecasts = _run_range((0, n))
    else:
        chunk = max(1, n // (processes * 8))
        bounds = [(lo, min(n, lo + chunk)) for lo in range(0, n, chunk)]
        with mp.get_context("fork").Pool(processes) as pool:
            forecasts = [f for part in pool.map(_run_range, bounds) for f in part]
    return time.perf_counter() - began, np.array(forecasts)


def load_python(path):
    frame = pd.read_csv(path)
    names = frame["series"].unique()
    days = len(frame) // len(names)
    units = frame["units"].to_numpy(dtype=float).reshape(len(names), days)
    start = dt.date.fromisoformat(frame["date"].iloc[0])
    return names, start, units


# ---------------------------------------------------------------- main ----

class LoadSampler:
    """Samples the 1-minute load average every 2 s while a phase runs."""

    def __init__(self):
        self.samples = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.samples.append(os.getloadavg()[0])
            self._stop.wait(2.0)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def summary(self):
        s = self.samples or [os.getloadavg()[0]]
        return f"{min(s):.1f}-{max(s):.1f} (mean {sum(s) / len(s):.1f})"


def rust_pipeline(binary, data, holidays, threads, out):
    cmd = [str(binary), "bench", "--data", str(data), "--holidays", str(holidays),
           "--threads", str(threads), "--horizon", str(HORIZON), "--forecasts-out", str(out)]
    result = subprocess.run(cmd, check=True, capture_output=True, text=True)
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    table = pd.read_csv(out)
    values = table.pivot(index="series", columns="step", values="value").sort_index().to_numpy()
    return summary, values


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--series", type=int, default=10_000)
    ap.add_argument("--days", type=int, default=730)
    ap.add_argument("--seed", type=int, default=20250630)
    ap.add_argument("--workdir", default="/tmp/icc-bench-forecast")
    ap.add_argument("--binary", default=str(ROOT / "target" / "release" / "forecast-svc"))
    ap.add_argument("--cores", type=int, default=os.cpu_count())
    args = ap.parse_args()

    workdir = pathlib.Path(args.workdir)
    data, holidays_file, holidays = write_inputs(workdir, args.series, args.days, args.seed)
    load_before = os.getloadavg()
    names, start, units = load_python(data)

    rows = []
    rust_values = None
    for threads in sorted({1, args.cores}):
        with LoadSampler() as load:
            summary, values = rust_pipeline(args.binary, data, holidays_file, threads,
                                            workdir / f"rust_forecasts_{threads}.csv")
        if summary["failed"]:
            sys.exit(f"forecast-svc bench: {summary['failed']} series failed")
        rust_values = values
        rows.append(("forecast-svc (Rust)", threads, summary["seconds"], load.summary()))
        print(f"rust   threads={threads}: {summary['seconds']:.2f} s", file=sys.stderr)
    python_values = None
    for processes in sorted({1, args.cores}):
        with LoadSampler() as load:
            seconds, values = python_pipeline(units, start, holidays, processes)
        python_values = values
        rows.append(("pandas + scikit-learn", processes, seconds, load.summary()))
        print(f"python processes={processes}: {seconds:.2f} s", file=sys.stderr)
    load_after = os.getloadavg()

    diff = np.abs(rust_values - python_values)
    scale = np.maximum(1.0, np.abs(python_values))
    cpu = platform.processor() or "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    n = len(names)
    print(f"\n{n:,} series x {units.shape[1]} days, horizon {HORIZON}, backtest {WINDOWS} "
          f"windows every {STEP} days; {args.cores} cores ({cpu}); "
          f"pandas {pd.__version__}, scikit-learn {sklearn.__version__}, numpy {np.__version__}, "
          f"Python {platform.python_version()}; load average before {load_before[0]:.2f}, "
          f"after {load_after[0]:.2f}")
    print("\n| pipeline | workers | wall time (s) | series/s | load average during |")
    print("| --- | ---: | ---: | ---: | --- |")
    by = {}
    for name, workers, seconds, load in rows:
        by[(name, workers)] = seconds
        print(f"| {name} | {workers} | {seconds:.2f} | {n / seconds:,.0f} | {load} |")
    for workers in sorted({1, args.cores}):
        ratio = by[("pandas + scikit-learn", workers)] / by[("forecast-svc (Rust)", workers)]
        print(f"\nspeed-up of forecast-svc over pandas + scikit-learn with {workers} "
              f"worker(s): {ratio:.1f}x")
    print(f"\nforecasts agree: max |rust - python| = {diff.max():.3g} units, max relative "
          f"{(diff / scale).max():.3g}, over {diff.size:,} values")


if __name__ == "__main__":
    main()
