#!/usr/bin/env python3
"""A smooth panel made from a real one by summing groups of its series (issue 9).

Each output series is the daily sum of `--size` series of the source drawn
at random (seeded; a series may be in several groups), over the days all of
them have rows. Summing keeps everything real that the group shares (the
shop's weekday rhythm, seasons, holidays, closures, its changes) and
averages out much of each product's own noise and promotions: groups of 8
pasta products sell 20-40 units a day, the volumes of a smooth store-by-item
panel. The counterpart of thin_panel.py, which goes the other way. See
docs/forecasting.md, "Summed pasta".

`--end` cuts the panel after that date (the holdout then ends there).

Usage: python3 scripts/sum_panel.py --data SRC.csv.gz --out OUT.csv.gz \
           [--size 8] [--groups 100] [--seed 1] [--end YYYY-MM-DD]
"""

import argparse
import csv
import gzip
import os
import random
from collections import defaultdict


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="date,series,units CSV (plain or gzip)")
    ap.add_argument("--out", required=True, help="gzip CSV written here")
    ap.add_argument("--size", type=int, default=8, help="series summed per group")
    ap.add_argument("--groups", type=int, default=100, help="series written")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--end", help="last date kept (ISO); the whole panel when unset")
    args = ap.parse_args()

    units = defaultdict(dict)
    opener = gzip.open if args.data.endswith(".gz") else open
    with opener(args.data, "rt", newline="") as src:
        rows = csv.reader(src)
        if next(rows, None) != ["date", "series", "units"]:
            raise SystemExit(f"{args.data}: the header must be date,series,units")
        for line, (date, series, value) in enumerate(rows, start=2):
            try:
                units[series][date] = int(value)
            except ValueError as e:
                raise SystemExit(f"{args.data}:{line}: units {value!r}: {e}")
    names = sorted(units)
    if not 1 <= args.size <= len(names):
        ap.error(f"--size must be between 1 and the {len(names)} series of the source")
    dates = sorted({d for days in units.values() for d in days})
    if args.end:
        dates = [d for d in dates if d <= args.end]

    rng = random.Random(args.seed)
    groups = [rng.sample(names, args.size) for _ in range(args.groups)]
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    written = 0
    with gzip.open(args.out, "wt", newline="") as dst:
        dst.write("date,series,units\n")
        for g, members in enumerate(groups):
            for date in dates:
                if all(date in units[m] for m in members):
                    dst.write(f"{date},G{g:03d},{sum(units[m][date] for m in members)}\n")
                    written += 1
    print(f"{args.out}: {args.groups} series of {args.size}, {written} series-days")


if __name__ == "__main__":
    main()
