"""Scale benchmarks: a large programme's data on one machine.

    python benchmarks/run.py [--sizes 4,5,6,7] [--only load,import,progress,power_interest,factor_scores,report]

Builds sample packages with ``partner-analytics sample --scale`` (observations of about
10^4 .. 10^7 rows), then measures, each in a fresh child process so that its peak memory
(max RSS) is its own, every figure together with its floor measured in the same run:

- load and validate a package        floor: DuckDB reading the same CSV files, no checks
- import into the store              floor: DuckDB creating tables from the same CSV files
- indicator_progress, every indicator and disaggregation
                                     floor: one DuckDB GROUP BY with the first and latest
                                     value per series (on the same in-memory table)
- power_interest, factor_scores at ~10^5 rows
                                     floor: one DuckDB GROUP BY with mean, sd and count
- the report at 10^6 observations    floor: the report on the sample (scale 1)

A figure or floor that takes under 5 s is run three times and its median time kept (a
burst of other work moves a short figure most); the peak is the largest of the runs. It
prints a table (figure, size, rows, time, peak memory, floor time, ratio, target) and
writes it as CSV and Markdown under --out.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCALE_FOR = {4: 1, 5: 10, 6: 100, 7: 1000}  # 10^k observations -> sample scale
SURVEY_SCALE = 40  # ~10^5 assessments (2,432 per unit) and ~5 x 10^4 ratings


# ---------------------------------------------------------------- tasks (child side)

def _csvs(package: Path) -> list[Path]:
    return sorted(package.glob("*.csv"))


def task_duckdb_read(package: Path) -> dict:
    import duckdb

    rows = 0
    for f in _csvs(package):
        rows += len(duckdb.sql(f"select * from read_csv('{f}', all_varchar=false)").df())
    return {"rows": rows}


def task_load(package: Path) -> dict:
    from partner_analytics import load_partnership

    p = load_partnership(package)
    return {"rows": int(sum(len(t) for t in p.tables.values()))}


def task_duckdb_store(package: Path) -> dict:
    import tempfile

    import duckdb

    with tempfile.TemporaryDirectory() as d:
        con = duckdb.connect(str(Path(d) / "floor.duckdb"))
        for f in _csvs(package):
            con.execute(f"create table \"{f.stem}\" as select * from read_csv('{f}')").fetchall()
        con.close()
    return {}


def task_import(package: Path) -> dict:
    import tempfile

    from partner_analytics.data.store import import_package

    with tempfile.TemporaryDirectory() as d:
        r = import_package(package, Path(d) / "store.duckdb")
    return {"rows": r.rows_accepted}


def _loaded(package: Path):
    from partner_analytics import load_partnership

    return load_partnership(package)


def task_progress(package: Path) -> dict:
    from partner_analytics import indicator_progress

    p = _loaded(package)
    dims = [c for c in p.observations.columns if not c.startswith("_") and c not in ("indicator_id", "date", "value")]
    t0 = time.perf_counter()
    n = len(indicator_progress(p))
    for d in dims:
        n += len(indicator_progress(p, by=d))
    return {"rows": n, "time": time.perf_counter() - t0, "dims": dims}


def task_progress_floor(package: Path) -> dict:
    import duckdb

    p = _loaded(package)
    obs = p.observations
    dims = [c for c in obs.columns if not c.startswith("_") and c not in ("indicator_id", "date", "value")]
    keys = ", ".join(["indicator_id", *dims])
    t0 = time.perf_counter()
    res = duckdb.sql(
        f"select {keys}, arg_min(value, date) as first_value, arg_max(value, date) as latest_value "
        f"from obs group by {keys}"
    ).df()
    return {"rows": len(res), "time": time.perf_counter() - t0}


def task_power_interest(package: Path) -> dict:
    from partner_analytics import power_interest

    p = _loaded(package)
    t0 = time.perf_counter()
    n = len(power_interest(p))
    return {"rows": n, "time": time.perf_counter() - t0, "input_rows": len(p.stakeholder_ratings)}


def task_power_interest_floor(package: Path) -> dict:
    import duckdb

    r = _loaded(package).stakeholder_ratings
    t0 = time.perf_counter()
    res = duckdb.sql(
        "select wave, stakeholder_id, avg(power), stddev_samp(power), avg(interest), "
        "stddev_samp(interest), count(distinct rater_id) from r group by all"
    ).df()
    return {"rows": len(res), "time": time.perf_counter() - t0, "input_rows": len(r)}


def task_factor_scores(package: Path) -> dict:
    from partner_analytics import factor_scores

    p = _loaded(package)
    t0 = time.perf_counter()
    n = len(factor_scores(p))
    return {"rows": n, "time": time.perf_counter() - t0, "input_rows": len(p.assessments)}


def task_factor_scores_floor(package: Path) -> dict:
    import duckdb

    a = _loaded(package).assessments
    t0 = time.perf_counter()
    res = duckdb.sql(
        "select wave, factor_code, avg(score), stddev_samp(score), count(distinct respondent_id) "
        "from a group by all"
    ).df()
    return {"rows": len(res), "time": time.perf_counter() - t0, "input_rows": len(a)}


def task_report(package: Path) -> dict:
    import tempfile

    from partner_analytics.report.render import render_report

    with tempfile.TemporaryDirectory() as d:
        render_report(package, as_of="2026-09-30", out=Path(d))
    return {}


TASKS = {name[5:]: fn for name, fn in globals().items() if name.startswith("task_")}


# ---------------------------------------------------------------- runner (parent side)

def measure_with_memory(task: str, package: Path) -> dict:
    pid = os.fork()
    if pid == 0:  # child: run the task in a fresh interpreter
        os.execv(sys.executable, [sys.executable, __file__, "--child", task, str(package),
                                  "--result-file", str(_result_file(task, package))])
    t0 = time.perf_counter()
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{task} on {package} failed (exit {os.waitstatus_to_exitcode(status)})")
    result = json.loads(_result_file(task, package).read_text())
    result["wall"] = wall
    result["peak_mib"] = usage.ru_maxrss / 1024  # KiB on Linux
    return result


def measure_repeated(task: str, package: Path, quick: float = 5.0, times: int = 3) -> dict:
    """A task measured once, or, when it takes under ``quick`` seconds (where a burst of other
    work on the machine moves the figure most), ``times`` times: the median time and the
    largest peak."""
    runs = [measure_with_memory(task, package)]
    if runs[0]["time"] < quick:
        runs += [measure_with_memory(task, package) for _ in range(times - 1)]
    out = dict(runs[0])
    out["time"] = statistics.median(r["time"] for r in runs)
    out["peak_mib"] = max(r["peak_mib"] for r in runs)
    return out


def _result_file(task: str, package: Path) -> Path:
    return Path("/tmp") / f"pa-bench-{task}-{package.name}.json"


def ensure_package(scale: int, cache: Path) -> Path:
    out = cache / f"scale-{scale}"
    if not (out / "partners.csv").exists():
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "partner_analytics.cli", "sample", str(out), "--scale", str(scale)],
            check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
        )
        print(f"  generated scale {scale} in {time.perf_counter() - t0:.1f} s", flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="4,5,6,7", help="powers of ten of observations (default 4,5,6,7)")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results"))
    ap.add_argument("--cache", default="/tmp/partner-analytics-bench", help="where sample packages are kept")
    ap.add_argument("--no-report", action="store_true", help="skip the report figures")
    ap.add_argument("--only", default=None,
                    help="comma-separated figures to run: load, import, progress, power_interest, "
                         "factor_scores, report (default: all)")
    ap.add_argument("--child", nargs=2, metavar=("TASK", "PACKAGE"), help=argparse.SUPPRESS)
    ap.add_argument("--result-file", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        task, package = args.child
        t0 = time.perf_counter()
        result = TASKS[task](Path(package))
        result.setdefault("time", time.perf_counter() - t0)
        Path(args.result_file).write_text(json.dumps(result, default=str))
        return

    import pandas as pd

    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    only = set(args.only.split(",")) if args.only else None
    rows = []

    def wanted(name: str) -> bool:
        return only is None or name in only

    def add(figure, size, task, floor_task, package, target=None, floor_label=None):
        r = measure_repeated(task, package)
        f = measure_repeated(floor_task, package) if floor_task else None
        rec = {
            "figure": figure, "size": size, "rows": r.get("input_rows", r.get("rows")),
            "time_s": r["time"], "peak_mib": r["peak_mib"],
            "floor": floor_label or floor_task, "floor_s": f["time"] if f else None,
            "ratio": r["time"] / f["time"] if f else None, "target": target,
        }
        rows.append(rec)
        print(
            f"  {figure:<22} {size:<6} {rec['time_s']:8.2f} s  {rec['peak_mib']:8.0f} MiB"
            + (f"  floor {rec['floor_s']:.2f} s  ratio {rec['ratio']:.2f}" if f else ""),
            flush=True,
        )
        return rec

    print("Scale benchmarks (each figure in its own process; floors in the same run)")
    progress_times = {}
    for k in sizes:
        pkg = ensure_package(SCALE_FOR[k], cache)
        size = f"10^{k}"
        if wanted("load"):
            add("load + validate", size, "load", "duckdb_read", pkg, target="<= 3x at 10^6" if k == 6 else None,
                floor_label="DuckDB read_csv, no checks")
        if wanted("import"):
            add("import into store", size, "import", "duckdb_store", pkg,
                target="peak < 4 GiB at 10^7" if k == 7 else None, floor_label="DuckDB CREATE TABLE from CSV")
        if wanted("progress"):
            rec = add("indicator_progress", size, "progress", "progress_floor", pkg,
                      target="<= 3x; 10^7 <= 12x 10^6", floor_label="DuckDB GROUP BY first/latest")
            progress_times[k] = rec["time_s"]
    if wanted("power_interest") or wanted("factor_scores"):
        survey = ensure_package(SURVEY_SCALE, cache)
    if wanted("power_interest"):
        add("power_interest", "10^5", "power_interest", "power_interest_floor", survey,
            floor_label="DuckDB GROUP BY mean/sd/n")
    if wanted("factor_scores"):
        add("factor_scores", "10^5", "factor_scores", "factor_scores_floor", survey,
            floor_label="DuckDB GROUP BY mean/sd/n")
    if not args.no_report and wanted("report") and 6 in sizes:
        small = ensure_package(1, cache)
        base = measure_with_memory("report", small)
        big = measure_with_memory("report", ensure_package(SCALE_FOR[6], cache))
        rows.append({"figure": "report", "size": "10^6", "rows": None, "time_s": big["time"],
                     "peak_mib": big["peak_mib"], "floor": "report on the sample (10^4)",
                     "floor_s": base["time"], "ratio": big["time"] / base["time"], "target": "<= 3x"})
        print(f"  report 10^6 {big['time']:.1f} s vs sample {base['time']:.1f} s", flush=True)
    if 6 in progress_times and 7 in progress_times:
        g = progress_times[7] / progress_times[6]
        rows.append({"figure": "indicator_progress growth", "size": "10^7 / 10^6", "rows": None,
                     "time_s": progress_times[7], "peak_mib": None, "floor": "indicator_progress at 10^6",
                     "floor_s": progress_times[6], "ratio": g, "target": "<= 12x"})

    table = pd.DataFrame(rows)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "scale.csv", index=False)
    shown = table.copy()
    for c in ("time_s", "floor_s", "ratio"):
        shown[c] = shown[c].map(lambda v: "" if pd.isna(v) else f"{v:.2f}")
    for c in ("rows", "peak_mib"):
        shown[c] = shown[c].map(lambda v: "" if pd.isna(v) else f"{v:.0f}")
    shown = shown.astype(object).where(shown.notna(), "")
    (out / "scale.md").write_text(shown.to_markdown(index=False) if _has_tabulate() else shown.to_string(index=False))
    print()
    print(shown.to_string(index=False))


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    main()
