#!/usr/bin/env python3
"""A slow-mover panel made from a real one by binomial thinning (issue 9).

Each unit sold is kept with probability `--keep`, independently: a day that
sold u units sells Binomial(u, keep). A Poisson day of rate r becomes a
Poisson day of rate keep * r, so the thinned panel keeps everything real
about the source (weekday rhythm, seasons, holidays, closures, promotions,
level shifts, launches) at the volumes of an intermittent panel: keep = 0.1
turns the pasta store (2-5 units a day per product) into series that sell
nothing on about three days in four, like an item-by-store retail panel.
The synthetic intermittent panels know their true rates but only the
structure they were built with; this one has real structure but no known
rates. See docs/forecasting.md, "Thinned pasta".

`--end` cuts the panel after that date (the holdout then ends there), so
one source gives several holdouts.

Usage: python3 scripts/thin_panel.py --data SRC.csv.gz --out OUT.csv.gz \
           [--keep 0.1] [--seed 1] [--end YYYY-MM-DD]
Needs numpy (`pip install statsforecast` in a venv brings it; docs/forecasting.md).
"""

import argparse
import csv
import gzip
import os

import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="date,series,units CSV (plain or gzip)")
    ap.add_argument("--out", required=True, help="gzip CSV written here")
    ap.add_argument("--keep", type=float, default=0.1, help="share of units kept, in (0, 1]")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--end", help="last date kept (ISO); the whole panel when unset")
    args = ap.parse_args()
    if not 0 < args.keep <= 1:
        ap.error("--keep must be in (0, 1]")

    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    rng = np.random.default_rng(args.seed)
    opener = gzip.open if args.data.endswith(".gz") else open
    days = zeros = 0
    with opener(args.data, "rt", newline="") as src, gzip.open(args.out, "wt", newline="") as dst:
        rows = csv.reader(src)
        if next(rows, None) != ["date", "series", "units"]:
            raise SystemExit(f"{args.data}: the header must be date,series,units")
        dst.write("date,series,units\n")
        for line, (date, series, units) in enumerate(rows, start=2):
            if args.end and date > args.end:
                continue
            try:
                kept = int(rng.binomial(int(units), args.keep))
            except ValueError as e:
                raise SystemExit(f"{args.data}:{line}: units {units!r}: {e}")
            days += 1
            zeros += kept == 0
            dst.write(f"{date},{series},{kept}\n")
    print(f"{args.out}: {days} series-days, {zeros / max(days, 1):.1%} of them zero")


if __name__ == "__main__":
    main()
