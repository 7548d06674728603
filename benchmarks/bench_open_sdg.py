"""Reading a whole Open SDG data repository and scoring it, against reading its CSV files alone.

Builds a repository of ``--indicators`` (default 250) indicators: copies of the Statistics
Canada indicators in ../shared/realdata/canada-sdg under new ids when they are there (their
real files, configs with series, units, disaggregation filters and groups), else synthetic
ones of the same shapes; or reads ``--repo DIR``. Then measures, alternately, ``--repeat``
times in this process (imports and a first warm-up run excluded):

- project:  ``partner_analytics.read_open_sdg(DIR)`` and ``indicator_scores`` (read + compute)
- floor:    the same CSV files read with ``pandas.read_csv`` one by one, and with one DuckDB
            ``read_csv`` over all of them (``union_by_name``, every column as text)

and prints the medians per indicator and the project's ratio to each floor. With
``--baseline-src SRC`` it also times another checkout's code (e.g. ``/work/main/src``: read
the files one by one with its ``read_open_sdg(csvs, configs)`` and score them) in a child
process, and prints the speed-up. Target: at least 2x faster per indicator than
the code it replaces.

    .venv/bin/python benchmarks/bench_open_sdg.py [--indicators 250] [--repeat 5]
        [--repo DIR | --synthetic] [--baseline-src /work/main/src]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CANADA = ROOT.parent / "shared" / "realdata" / "canada-sdg"

# The child that times another checkout: files one by one (the form every version has).
BASELINE = r"""
import json, sys, time
from pathlib import Path
from partner_analytics.importers.open_sdg import read_open_sdg
from partner_analytics.analysis.indicators import indicator_scores
root, repeat = Path(sys.argv[1]), int(sys.argv[2])
ids = sorted(p.name[len("indicator_"):-len(".csv")] for p in (root / "data").glob("indicator_*.csv"))
csvs = [root / "data" / f"indicator_{i}.csv" for i in ids]
configs = [root / "indicator-config" / f"{i}.yml" for i in ids]
indicator_scores(read_open_sdg(csvs, configs))
times = []
for _ in range(repeat):
    t0 = time.perf_counter()
    indicator_scores(read_open_sdg(csvs, configs))
    times.append(time.perf_counter() - t0)
print(json.dumps({"times": times, "n": len(ids)}))
"""


# --------------------------------------------------------------------------- the repository


def build_repository(out: Path, n: int, synthetic: bool = False) -> Path:
    """``n`` indicators in ``out`` (data/ and indicator-config/)."""
    (out / "data").mkdir(parents=True, exist_ok=True)
    (out / "indicator-config").mkdir(parents=True, exist_ok=True)
    if CANADA.is_dir() and not synthetic:
        templates = sorted(p.stem for p in (CANADA / "indicator-config").glob("*.yml"))
        for k in range(n):
            goal, target, number = templates[k % len(templates)].split("-")
            new = f"{goal}-{target}-{int(number) + k // len(templates)}"
            source = templates[k % len(templates)]
            data = (CANADA / "data" / f"indicator_{source}.csv").read_bytes()
            config = (CANADA / "indicator-config" / f"{source}.yml").read_bytes()
            (out / "data" / f"indicator_{new}.csv").write_bytes(data)
            (out / "indicator-config" / f"{new}.yml").write_bytes(config)
        return out
    for k in range(n):  # synthetic: a headline, a geography and two series
        inid = f"{1 + k % 17}-{1 + k // 17 % 9}-{1 + k // 153}"
        rows = ["Year,Series,Geography,Value"]
        for series, start in (("Rate", 50.0), ("Count", 1000.0)):
            for year in range(2010, 2025):
                rows.append(
                    f"{year},{series},,{start * (1 + 0.01 * (k % 7 - 3)) ** (year - 2010):.4f}"
                )
                for geo in ("North", "South", "East"):
                    rows.append(f"{year},{series},{geo},{start * 0.9:.2f}")
        (out / "data" / f"indicator_{inid}.csv").write_text(
            "\n".join(rows) + "\n", encoding="utf-8"
        )
        config = (
            "auto_progress_calculation: true\nindicator_number: " + inid.replace("-", ".") + "\n"
            "progress_calculation_options:\n"
            "- series: Rate\n  direction: positive\n  target: 80\n"
            "- group:\n  - series: Count\n    direction: negative\n"
            "  - series: Count\n    direction: negative\n    disaggregation:\n"
            "    - field: Geography\n      value: North\n"
        )
        (out / "indicator-config" / f"{inid}.yml").write_text(config, encoding="utf-8")
    return out


# --------------------------------------------------------------------------- the measures


def project(root: Path) -> tuple[int, int]:
    from partner_analytics import indicator_scores, read_open_sdg

    p = read_open_sdg(root)
    scores = indicator_scores(p)
    return len(scores), len(p.indicators)


def floor_pandas(csvs: list[Path]) -> int:
    import pandas as pd

    return sum(len(pd.read_csv(f, dtype=str, keep_default_na=False)) for f in csvs)


def floor_duckdb(csvs: list[Path]) -> int:
    import duckdb

    files = ", ".join("'" + str(f).replace("'", "''") + "'" for f in csvs)
    sql = f"select * from read_csv([{files}], union_by_name = true, all_varchar = true)"
    return len(duckdb.sql(sql).fetchall())


def timed(fn, *args) -> float:
    t0 = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0


def baseline(src: str, root: Path, repeat: int) -> dict | None:
    env = {**os.environ, "PYTHONPATH": src}
    proc = subprocess.run(
        [sys.executable, "-c", BASELINE, str(root), str(repeat)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    if proc.returncode != 0:
        print(f"baseline at {src} could not run:\n{proc.stderr.strip()[-2000:]}")
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--indicators", type=int, default=250)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--repo", type=Path, help="an existing Open SDG data repository")
    ap.add_argument("--synthetic", action="store_true", help="synthetic indicators, not copies")
    ap.add_argument("--baseline-src", help="another checkout's src/ to time (child process)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = args.repo or build_repository(Path(tmp) / "repo", args.indicators, args.synthetic)
        csvs = sorted((root / "data").glob("indicator_*.csv"))
        n_ind = len(csvs)
        n_rows = floor_pandas(csvs)
        n_scored, n_series = project(root)  # warm-up (caches, first imports)
        floor_duckdb(csvs)
        runs = {"project": [], "pandas": [], "duckdb": []}
        for _ in range(args.repeat):
            runs["pandas"].append(timed(floor_pandas, csvs))
            runs["duckdb"].append(timed(floor_duckdb, csvs))
            runs["project"].append(timed(project, root))
        base = baseline(args.baseline_src, root, args.repeat) if args.baseline_src else None

    copies = CANADA.is_dir() and not args.synthetic
    source = "copies of Statistics Canada's indicators" if copies else "synthetic"
    print(
        f"repository: {args.repo or source}: {n_ind} indicators, {n_rows} data rows, "
        f"{n_series} series, {n_scored} indicators scored; {args.repeat} runs, medians"
    )
    med = {k: statistics.median(v) for k, v in runs.items()}
    per = {k: 1000 * v / n_ind for k, v in med.items()}
    print(f"{'measure':<46}{'total s':>9}{'ms / indicator':>16}")
    for key, label in (
        ("project", "project: read_open_sdg(DIR) + indicator_scores"),
        ("pandas", "floor: pandas.read_csv, file by file"),
        ("duckdb", "floor: DuckDB read_csv over all files"),
    ):
        print(f"{label:<46}{med[key]:>9.3f}{per[key]:>16.2f}")
    print(f"ratio project / pandas floor: {med['project'] / med['pandas']:.2f}")
    print(f"ratio project / DuckDB floor: {med['project'] / med['duckdb']:.2f}")
    if base is not None:
        b = statistics.median(base["times"])
        print(
            f"baseline {args.baseline_src}: {b:.3f} s, {1000 * b / base['n']:.2f} ms / indicator; "
            f"project is {b / med['project']:.1f}x faster per indicator (target >= 2x)"
        )


if __name__ == "__main__":
    main()
