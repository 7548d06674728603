"""The report command on the sample against its floor, measured in the same run.

Floor: papermill running a two-cell notebook that imports pandas and plotly (kernel start,
the two imports, papermill's own overhead). Report: ``partner-analytics report data/sample
--as-of 2026-09-30 --out DIR`` (papermill on the template, then nbconvert to HTML and the
workbook of its tables). With ``--pdf`` also the same command with ``--format html,pdf``.
The commands run alternately, ``--repeat`` times; the table shows each run and the medians.
Targets: the HTML report within 1.25x the floor; the PDF report within 2x the HTML report.

    .venv/bin/python benchmarks/bench_report.py [--repeat 3] [--pdf]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TARGET = 1.25  # HTML report / floor
PDF_TARGET = 2.0  # report with its PDF / HTML report


def _floor_notebook(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import pandas as pd", id="pandas"),
        nbformat.v4.new_code_cell("import plotly.graph_objects as go", id="plotly"),
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = folder / "floor.ipynb"
    nbformat.write(nb, path)
    return path


def _timed(cmd: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system, the command and its kernel) of a command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    dt = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stdout}\n{proc.stderr}")
    return dt, cpu


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--data", default=str(ROOT / "data" / "sample"))
    ap.add_argument("--as-of", default="2026-09-30")
    ap.add_argument("--pdf", action="store_true", help="also time --format html,pdf (chromium)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        floor_nb = _floor_notebook(tmp)
        floor_cmd = [
            str(BIN / "papermill"),
            "--no-progress-bar",
            str(floor_nb),
            str(tmp / "floor-out.ipynb"),
            "-k",
            "python3",
        ]
        report_cmd = [
            str(BIN / "partner-analytics"),
            "report",
            args.data,
            "--as-of",
            args.as_of,
            "--out",
            str(tmp / "report"),
        ]
        names = ["floor (papermill, 2 cells: pandas, plotly)", "report (html)"]
        cmds = [floor_cmd, report_cmd]
        if args.pdf:
            names.append("report (html,pdf)")
            cmds.append([*report_cmd, "--format", "html,pdf"])
        runs: dict[str, list[tuple[float, float]]] = {n: [] for n in names}
        _timed(floor_cmd)  # warm the disk cache and the kernel spec lookup, untimed
        for i in range(args.repeat):
            for name, cmd in zip(names, cmds, strict=True):
                wall, cpu = _timed(cmd)
                runs[name].append((wall, cpu))
                print(f"run {i + 1}: {name}: {wall:.2f} s wall, {cpu:.2f} s cpu", file=sys.stderr)
        html = tmp / "report" / "report-2026-Q3.html"
        size = html.stat().st_size / 1e6 if html.is_file() else float("nan")
    load = os.getloadavg()[0]
    floor_runs = runs[names[0]]
    floor_wall = statistics.median(w for w, _ in floor_runs)
    floor_cpu = statistics.median(c for _, c in floor_runs)
    print(
        f"\n{'what':44} {'wall runs (s)':>34} {'median':>7} {'x floor':>7} {'cpu (s)':>8} {'x floor':>7}"
    )
    for name in names:
        walls = [w for w, _ in runs[name]]
        cpu = statistics.median(c for _, c in runs[name])
        med = statistics.median(walls)
        print(
            f"{name:44} {', '.join(f'{t:.1f}' for t in walls):>34} {med:7.2f} {med / floor_wall:7.2f} "
            f"{cpu:8.2f} {cpu / floor_cpu:7.2f}"
        )
    # each report against the floor run just before it: robust to a load that drifts
    paired = [r[0] / f[0] for r, f in zip(runs[names[1]], floor_runs, strict=True)]
    ratio = statistics.median(w for w, _ in runs[names[1]]) / floor_wall
    verdict = "within" if ratio <= TARGET else "OVER"
    print(
        f"\nreport / floor = {ratio:.2f} ({verdict} the {TARGET}x target); paired ratios "
        f"{', '.join(f'{x:.2f}' for x in paired)} (median {statistics.median(paired):.2f}); "
        f"HTML {size:.1f} MB; load average {load:.1f} on {os.cpu_count()} cores"
    )
    if args.pdf:
        html_wall = statistics.median(w for w, _ in runs[names[1]])
        pdf_runs = runs[names[2]]
        pdf_ratio = statistics.median(w for w, _ in pdf_runs) / html_wall
        pdf_paired = [p[0] / h[0] for p, h in zip(pdf_runs, runs[names[1]], strict=True)]
        verdict = "within" if pdf_ratio <= PDF_TARGET else "OVER"
        print(
            f"report with PDF / HTML report = {pdf_ratio:.2f} ({verdict} the {PDF_TARGET}x "
            f"target); paired ratios {', '.join(f'{x:.2f}' for x in pdf_paired)} "
            f"(median {statistics.median(pdf_paired):.2f})"
        )


if __name__ == "__main__":
    main()
