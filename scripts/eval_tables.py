#!/usr/bin/env python3
"""Markdown table from `forecast-svc evaluate --out` and
`scripts/statsforecast_eval.py --out` JSON files of one panel (same keys),
plus the oracle row of `scripts/synthetic_panels.py`'s truth file.

Usage: python3 scripts/eval_tables.py rust.json [sf.json] [panel.truth.json]
"""

import json
import sys


def fmt(v, digits=4):
    return "-" if v is None else f"{v:.{digits}f}"


def main():
    rows = []
    n = None
    for path in sys.argv[1:]:
        with open(path) as f:
            data = json.load(f)
        if "models" in data:
            n = n or data["n_series"]
            for name, m in data["models"].items():
                rows.append((name, m))
        else:
            for key in ("oracle_expected", "oracle_realised"):
                if key in data:
                    m = dict(data[key])
                    m.setdefault("coverage_80", None)
                    m.setdefault("coverage_95", None)
                    m["seconds"] = None
                    rows.append((key.replace("_", " "), m))
    print(f"{n} series\n")
    print("| model | MAE | RMSE | sMAPE % | MASE | MASE median | cov 80 | cov 95 | seconds |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, m in rows:
        print(
            f"| {name} | {fmt(m['mae'])} | {fmt(m['rmse'])} | {fmt(m['smape'], 2)} | "
            f"{fmt(m['mase'])} | {fmt(m.get('mase_median'))} | {fmt(m['coverage_80'], 3)} | "
            f"{fmt(m['coverage_95'], 3)} | {fmt(m['seconds'], 2)} |"
        )


if __name__ == "__main__":
    main()
