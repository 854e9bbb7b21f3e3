#!/usr/bin/env python3
"""Synthetic evaluation panels for `forecast-svc evaluate` (issue 9).

Every panel is a gzip CSV `date,series,units` drawn from known daily rates,
so the noise floor of each measure can be computed: the error of the oracle
that forecasts the true rate. Written next to each panel, `<name>.truth.json`
holds the oracle's scores with the same keys and definitions as the evaluate
command (per-series MAE, RMSE, sMAPE, MASE averaged over series, last
`--holdout` days scored), both as realised on the drawn holdout and, for the
Poisson panels, as expected values (exact sums over the Poisson pmf).

Panels (seeded, so the same files every run):

- smooth: 300 series x 1096 days, Poisson with rate
  level x weekday factor x (1 + A sin(yearly)) x (1 + g t), levels 8..80
  units a day (log-uniform), like a store-by-item panel.
- intermittent: 300 series x 730 days, most days zero: demand occurs with
  probability p (0.03..0.35, weekday-modulated on half of the series) and
  then is 1 + Poisson(mu) units (mu 0..3); some series decay (obsolescence).
- mixed: 300 series of several kinds, Poisson: strong trends, strong weekly
  and yearly seasonality, short histories (60-200 days), launches with
  leading zeros, level shifts.
- seasonal: 200 series x 1,826 days (2013-2017), Poisson, store-by-item
  like: a yearly season of amplitude 20-40% peaking in July, a weekend
  peak, 3-15% growth a year, levels 15-90 units a day.
- store_item: 200 series x 1,826 days (2013-2017), Poisson, built the way
  the public store-by-item demand panels look: 10 stores x 20 items, the
  rate a product of an item level, a store factor, a weekday factor, a
  factor per calendar month (steps, not a smooth curve) and a factor per
  year (steps each January), the month, weekday and year factors shared.
- sparse_retail: 300 series x 1,500 days, item-by-store-like slow movers
  (the M5 kind): 0.05-1.5 units a day drifting as a log random walk, a
  weekend peak, level steps, stock-outs, launches with leading zeros,
  over-dispersed counts (gamma-Poisson, shape 2).
- additive: 200 series x 730 days, Poisson, patterns of a fixed size in
  units (a weekday uplift and a yearly swing) while a trend grows the
  level two- to fivefold: the demand the log-scale regression's
  multiplicative terms get wrong.
- speed (only with --speed): 10,000 series x 730 days, Poisson around a
  log-normal level with weekly and yearly seasonality, a fifth slow movers.

Usage: python3 scripts/synthetic_panels.py [--out DIR] [--holdout 28] [--speed]
Needs numpy (`pip install statsforecast` in a venv brings it; docs/forecasting.md).
"""

import argparse
import gzip
import json
import math
import os

import numpy as np

START = np.datetime64("2022-01-03")  # a Monday
WEEKLY = np.array([0.85, 0.9, 0.95, 1.0, 1.1, 1.35, 1.2])


def dates(n, start=START):
    return start + np.arange(n)


def day_of_year_phase(d):
    days = (d - np.datetime64("2000-01-01")).astype(np.int64)
    return 2 * np.pi * days / 365.25


def write_panel(path, names, dates_list, units_list):
    with gzip.open(path, "wt", compresslevel=6) as f:
        f.write("date,series,units\n")
        for name, ds, us in zip(names, dates_list, units_list):
            lines = [f"{d},{name},{int(u)}\n" for d, u in zip(ds.astype(str), us)]
            f.writelines(lines)


def poisson_expected_abs_and_smape(lam):
    """E|Y - lam| and E[200|Y - lam| / (Y + lam)] for Y ~ Poisson(lam)."""
    lam = float(lam)
    if lam <= 0:
        return 0.0, 0.0
    k_max = int(lam + 12 * math.sqrt(lam) + 30)
    k = np.arange(k_max + 1)
    logp = -lam + k * math.log(lam) - np.array([math.lgamma(x + 1) for x in k])
    p = np.exp(logp)
    err = np.abs(k - lam)
    return float((p * err).sum()), float((p * 200 * err / (k + lam)).sum())


def seasonal_naive_scale(train):
    if len(train) <= 7:
        return None
    s = np.abs(train[7:] - train[:-7]).mean()
    return s if s > 0 else None


def oracle_scores(units_list, rates_list, holdout, poisson):
    realised = {"mae": [], "rmse": [], "smape": [], "mase": []}
    expected = {"mae": [], "rmse": [], "smape": [], "mase": []}
    cache = {}
    for y, lam in zip(units_list, rates_list):
        if len(y) <= holdout:
            continue
        train, test, f = y[:-holdout], y[-holdout:], lam[-holdout:]
        err = test - f
        realised["mae"].append(np.abs(err).mean())
        realised["rmse"].append(math.sqrt((err**2).mean()))
        den = np.abs(test) + np.abs(f)
        sm = np.where(den == 0, 0.0, 200 * np.abs(err) / np.where(den == 0, 1, den))
        realised["smape"].append(sm.mean())
        scale = seasonal_naive_scale(train)
        if scale is not None:
            realised["mase"].append(np.abs(err).mean() / scale)
        if poisson:
            e_abs, e_smape = [], []
            for l in f:
                key = round(float(l), 6)
                if key not in cache:
                    cache[key] = poisson_expected_abs_and_smape(key)
                a, s = cache[key]
                e_abs.append(a)
                e_smape.append(s)
            expected["mae"].append(np.mean(e_abs))
            expected["rmse"].append(math.sqrt(np.mean(f)))
            expected["smape"].append(np.mean(e_smape))
            if scale is not None:
                expected["mase"].append(np.mean(e_abs) / scale)

    def summary(d):
        out = {k: float(np.mean(v)) if v else None for k, v in d.items()}
        out["mase_median"] = float(np.median(d["mase"])) if d["mase"] else None
        out["mase_n_series"] = len(d["mase"])
        return out

    result = {"n_series": len(realised["mae"]), "oracle_realised": summary(realised)}
    if poisson:
        result["oracle_expected"] = summary(expected)
    return result


def smooth(rng, n_series=300, days=1096):
    names, ds, us, rates = [], [], [], []
    d = dates(days)
    dow = (np.arange(days) + 0) % 7  # START is a Monday
    phase = day_of_year_phase(d)
    t = np.arange(days) / 365.25
    for i in range(n_series):
        level = math.exp(rng.uniform(math.log(8), math.log(80)))
        weekly = WEEKLY * rng.uniform(0.9, 1.1, 7)
        weekly /= weekly.mean()
        amp = rng.uniform(0.0, 0.3)
        shift = rng.uniform(0, 2 * np.pi)
        growth = rng.uniform(-0.08, 0.15)
        lam = level * weekly[dow] * (1 + amp * np.sin(phase + shift)) * (1 + growth * t)
        lam = np.maximum(lam, 0.05)
        names.append(f"S{i:04d}")
        ds.append(d)
        us.append(rng.poisson(lam))
        rates.append(lam)
    return names, ds, us, rates, True


def seasonal(rng, n_series=200, days=1826):
    """Store-by-item-like: five years, a strong yearly season peaking in
    July, a weekly rhythm peaking at the weekend, yearly growth, Poisson."""
    names, ds, us, rates = [], [], [], []
    d = dates(days, np.datetime64("2013-01-01"))
    dow = ((d - START).astype(np.int64)) % 7
    doy = day_of_year_phase(d) - day_of_year_phase(np.array([np.datetime64("2013-07-15")]))[0]
    t = np.arange(days) / 365.25
    for i in range(n_series):
        level = math.exp(rng.uniform(math.log(15), math.log(90)))
        weekly = np.array([0.8, 0.93, 0.93, 1.0, 1.07, 1.13, 1.2]) * rng.uniform(0.95, 1.05, 7)
        weekly /= weekly.mean()
        amp = rng.uniform(0.2, 0.4)
        growth = rng.uniform(0.03, 0.15)
        lam = level * weekly[dow] * (1 + amp * np.cos(doy)) * (1 + growth) ** t
        names.append(f"K{i:04d}")
        ds.append(d)
        us.append(rng.poisson(lam))
        rates.append(lam)
    return names, ds, us, rates, True


def store_item(rng, stores=10, items=20, days=1826):
    """Store-by-item with step seasons: rate = item x store x weekday x
    calendar month x year, the last three shared by every series."""
    d = dates(days, np.datetime64("2013-01-01"))
    dow = ((d - START).astype(np.int64)) % 7
    month = d.astype("datetime64[M]").astype(np.int64) % 12
    year = d.astype("datetime64[Y]").astype(np.int64) - 43  # 2013 -> 0
    weekly = np.array([0.8, 0.93, 0.93, 1.0, 1.07, 1.13, 1.2])
    # A season of +-30% peaking in July, constant within each month.
    monthly = 1 + 0.3 * np.cos(2 * np.pi * (np.arange(12) - 6) / 12)
    yearly = np.array([1.0, 1.15, 1.2, 1.28, 1.33])
    names, ds, us, rates = [], [], [], []
    store_factor = rng.uniform(0.6, 1.4, stores)
    item_level = np.exp(rng.uniform(math.log(10), math.log(70), items))
    for s in range(stores):
        for i in range(items):
            lam = item_level[i] * store_factor[s] * weekly[dow] * monthly[month] * yearly[year]
            names.append(f"S{s:02d}_I{i:02d}")
            ds.append(d)
            us.append(rng.poisson(lam))
            rates.append(lam)
    return names, ds, us, rates, True


def intermittent(rng, n_series=300, days=730):
    names, ds, us, rates = [], [], [], []
    d = dates(days)
    dow = np.arange(days) % 7
    for i in range(n_series):
        p = rng.uniform(0.03, 0.35)
        mu = rng.uniform(0.0, 3.0)
        prob = np.full(days, p)
        if i % 2 == 0:
            w = WEEKLY * rng.uniform(0.8, 1.2, 7)
            prob = prob * (w / w.mean())[dow]
        if i % 5 == 0:  # obsolescence: demand fades over the last year
            fade = np.clip(1 - np.maximum(np.arange(days) - (days - 365), 0) / 365 * rng.uniform(0.3, 0.9), 0, 1)
            prob = prob * fade
        prob = np.clip(prob, 0, 1)
        occurs = rng.random(days) < prob
        size = 1 + rng.poisson(mu, days)
        names.append(f"I{i:04d}")
        ds.append(d)
        us.append(np.where(occurs, size, 0))
        rates.append(prob * (1 + mu))
    return names, ds, us, rates, False


def mixed(rng, n_series=300):
    names, ds, us, rates = [], [], [], []
    kinds = ["trend", "seasonal", "short", "launch", "shift", "slow"]
    for i in range(n_series):
        kind = kinds[i % len(kinds)]
        days = int(rng.integers(60, 200)) if kind == "short" else 730
        d = dates(days, START + int(rng.integers(0, 365)))
        dow = ((d - START).astype(np.int64)) % 7
        t = np.arange(days) / 365.25
        phase = day_of_year_phase(d)
        level = math.exp(rng.uniform(math.log(3), math.log(60)))
        weekly = WEEKLY * rng.uniform(0.85, 1.15, 7)
        weekly /= weekly.mean()
        lam = level * weekly[dow]
        if kind == "trend":
            lam = lam * np.maximum(1 + rng.uniform(-0.4, 1.0) * t, 0.1)
        elif kind == "seasonal":
            strong = WEEKLY**3
            lam = level * (strong / strong.mean())[dow] * (1 + rng.uniform(0.3, 0.6) * np.sin(phase + rng.uniform(0, 6.28)))
        elif kind == "launch":
            launch = int(rng.integers(200, 600))
            ramp = np.clip((np.arange(days) - launch) / rng.uniform(7, 60), 0, 1)
            lam = lam * ramp
        elif kind == "shift":
            at = int(rng.integers(300, 680))
            lam = lam * np.where(np.arange(days) >= at, rng.uniform(0.4, 1.8), 1.0)
        elif kind == "slow":
            lam = lam * rng.uniform(0.02, 0.1)
        lam = np.maximum(lam, 0.0)
        names.append(f"M{kind[:2]}{i:04d}")
        ds.append(d)
        us.append(rng.poisson(lam))
        rates.append(lam)
    return names, ds, us, rates, True


def sparse_retail(rng, n_series=300, days=1500):
    """Item-by-store-like slow movers (the M5 kind): a rate of 0.05-1.5
    units a day drifting as a random walk in logs, a weekend peak, level
    steps (price changes), stock-outs (runs of zero sales), launches with
    leading zeros, and over-dispersed counts (gamma-Poisson, shape 2)."""
    names, ds, us, rates = [], [], [], []
    d = dates(days)
    dow = np.arange(days) % 7
    weekly = np.array([0.95, 0.85, 0.85, 0.85, 1.05, 1.3, 1.25])
    for i in range(n_series):
        level = math.exp(rng.uniform(math.log(0.05), math.log(1.5)))
        drift = np.exp(np.cumsum(rng.normal(0, 0.015, days)))
        w = weekly * rng.uniform(0.9, 1.1, 7)
        lam = level * drift * (w / w.mean())[dow]
        for _ in range(int(rng.integers(0, 3))):
            lam[int(rng.integers(0, days)):] *= rng.uniform(0.6, 1.6)
        if i % 4 == 0:
            lam[: int(rng.integers(100, 900))] = 0.0
        for _ in range(int(rng.integers(0, 3))):
            at = int(rng.integers(0, days))
            lam[at : at + int(rng.integers(10, 60))] = 0.0
        units = rng.poisson(rng.gamma(2.0, lam / 2.0))
        names.append(f"R{i:04d}")
        ds.append(d)
        us.append(units)
        rates.append(lam)
    return names, ds, us, rates, False


def additive(rng, n_series=200, days=730):
    names, ds, us, rates = [], [], [], []
    d = dates(days)
    dow = np.arange(days) % 7  # START is a Monday
    phase = day_of_year_phase(d)
    t = np.arange(days)
    for i in range(n_series):
        base = rng.uniform(20, 100)
        growth = rng.uniform(1.0, 4.0)  # the level's rise over the panel, in bases
        weekly = np.array([0, 5, 10, 15, 30, 60, 40]) * base / 100
        swing = rng.uniform(0.2, 0.4) * base * np.sin(phase + rng.uniform(0, 2 * np.pi))
        lam = np.maximum(base * (1 + growth * t / days) + weekly[dow] + swing, 0.05)
        names.append(f"D{i:04d}")
        ds.append(d)
        us.append(rng.poisson(lam))
        rates.append(lam)
    return names, ds, us, rates, True


def speed(rng, n_series=10_000, days=730):
    names, ds, us, rates = [], [], [], []
    d = dates(days)
    dow = np.arange(days) % 7
    phase = day_of_year_phase(d)
    t = np.arange(days) / 365.25
    for i in range(n_series):
        level = math.exp(rng.normal(math.log(8), 1.0))
        if i % 5 == 0:
            level *= 0.05
        lam = level * WEEKLY[dow] / WEEKLY.mean() * (1 + 0.2 * np.sin(phase + rng.uniform(0, 6.28))) * (1 + rng.uniform(-0.1, 0.2) * t)
        lam = np.maximum(lam, 0.0)
        names.append(f"X{i:05d}")
        ds.append(d)
        us.append(rng.poisson(lam))
        rates.append(lam)
    return names, ds, us, rates, True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="target/panels")
    ap.add_argument("--holdout", type=int, default=28)
    ap.add_argument("--seed", type=int, default=20261125)
    ap.add_argument("--speed", action="store_true", help="also write the 10,000 x 730 speed panel")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    # (name, generator, seed offset): each panel keeps its seed when
    # others are added.
    panels = [
        ("smooth", smooth, 0),
        ("intermittent", intermittent, 1),
        ("mixed", mixed, 2),
        ("seasonal", seasonal, 3),
        ("sparse_retail", sparse_retail, 4),
        ("store_item", store_item, 5),
        ("additive", additive, 7),
    ]
    if args.speed:
        panels.append(("speed", speed, 6))
    for name, make, offset in panels:
        rng = np.random.default_rng(args.seed + offset)
        names, ds, us, rates, poisson = make(rng)
        path = os.path.join(args.out, f"{name}.csv.gz")
        write_panel(path, names, ds, us)
        truth = {"panel": name, "holdout": args.holdout}
        if name != "speed":
            truth.update(oracle_scores(us, rates, args.holdout, poisson))
        with open(os.path.join(args.out, f"{name}.truth.json"), "w") as f:
            json.dump(truth, f, indent=2)
        print(f"{path}: {len(names)} series; oracle {json.dumps(truth.get('oracle_expected') or truth.get('oracle_realised'))}")


if __name__ == "__main__":
    main()
