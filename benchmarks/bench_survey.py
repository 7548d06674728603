"""Survey import against the workbook reader alone, on the same Kobo XLSX, in the same run.

The export: 10^4 submissions x 60 questions (the organisation and 59 items on the agreement
scale, about one in ten "Don't know" or blank) with two repeats (3 stakeholders and 3 partner
organisations rated per submission: 3 x 10^4 rows each), in Kobo's "XML values and headers"
shape, made from the form ``survey form`` writes for a package of 60 items.

Floor: python-calamine reading every sheet to Python values (the reader the import uses); for
reference openpyxl in read-only mode on the same file. Import: ``import_survey`` into a fresh
copy of the package (read, map, write the long tables, validate the package, write the report);
its stages are timed too. Target: the import within 2x the floor. Runs alternate, ``--repeat``
times; medians. The CPU time of the floor and the import is printed too: on a machine shared
with other work it moves less than the elapsed time.

    .venv/bin/python benchmarks/bench_survey.py [--repeat 3] [--submissions 10000]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
TARGET = 2.0


def _package(folder: Path) -> Path:
    from partner_analytics import frameworks
    from partner_analytics.data.writers import write_package
    from partner_analytics.sample import sample_tables

    t = sample_tables()
    factors = frameworks.mutuality_factors()
    codes = factors["factor_code"].astype(str).tolist()
    items = pd.DataFrame({
        "item_code": [f"W{i:02d}" for i in range(1, 60)],
        "factor_code": [codes[i % len(codes)] for i in range(59)],
        "text": [f"Statement {i} about how the partnership works" for i in range(1, 60)],
        "reverse": ["no"] * 59,
    })
    pkg = folder / "pkg"
    write_package({"partners": t["partners"], "stakeholders": t["stakeholders"], "factors": factors, "items": items},
                  pkg, name="Bench partnership")
    return pkg


def _export(form: Path, n: int, out: Path) -> Path:
    import openpyxl

    from partner_analytics.importers.survey.draft import read_xlsform

    info = read_xlsform(form)
    items = [q for q in info.labels if q.startswith("W")]
    partners = list(info.choices["partners"])
    stakeholders = list(info.choices["stakeholders"])
    rng = np.random.default_rng(0)
    wb = openpyxl.Workbook(write_only=True)
    main = wb.create_sheet("Bench partnership survey")
    meta = ["_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by",
            "__version__", "_tags", "_index"]
    main.append(["start", "end", "about/organisation", *[f"factors/{q}" for q in items], *meta])
    child = ["_index", "_parent_table_name", "_parent_index", "_submission__id", "_submission__uuid",
             "_submission__submission_time", "_submission__validation_status", "_submission__notes",
             "_submission__status", "_submission__submitted_by", "_submission___version__", "_submission__tags"]
    sf = ["stakeholder", "power", "interest", "legitimacy", "urgency", "support"]
    pf = ["partner", "level", "trust_openness", "trust_reliability", "trust_mission", "value_power",
          "value_resources", "value_involvement"]
    st = wb.create_sheet("stakeholders")
    st.append([f"stakeholders/{f}" for f in sf] + child)
    pt = wb.create_sheet("partners")
    pt.append([f"partners/{f}" for f in pf] + child)
    answers = rng.choice(["1", "2", "3", "4", "5", "dk", None], p=[.1, .15, .2, .3, .15, .05, .05], size=(n, len(items)))
    orgs = rng.choice(partners, size=n)
    t0 = datetime(2024, 1, 1)
    si = pi = 0
    for k in range(n):
        t = t0 + timedelta(minutes=int(k * 100 * 10_000 / n))  # two years, all in the past
        uid = f"00000000-0000-0000-0000-{k:012d}"
        main.append([t, t, orgs[k], *answers[k].tolist(), k + 1, uid, t, None, None, "submitted_via_web", None, "v1", None, k + 1])
        for s in rng.choice(stakeholders, size=3, replace=False):
            si += 1
            st.append([s, *[str(x) for x in rng.integers(1, 6, size=5)], si, "Bench partnership survey", k + 1, k + 1,
                       uid, t, None, None, "submitted_via_web", None, "v1", None])
        for p in rng.choice([x for x in partners if x != orgs[k]], size=3, replace=False):
            pi += 1
            pt.append([p, str(rng.integers(0, 6)), *[str(x) for x in rng.integers(1, 5, size=6)], pi,
                       "Bench partnership survey", k + 1, k + 1, uid, t, None, None, "submitted_via_web", None, "v1", None])
    wb.save(out)
    return out


def _calamine(path: Path) -> tuple[float, float]:
    import python_calamine as pc

    t0, c0 = time.perf_counter(), time.process_time()
    wb = pc.CalamineWorkbook.from_path(str(path))
    cells = sum(len(wb.get_sheet_by_name(s).to_python()) for s in wb.sheet_names)
    assert cells
    return time.perf_counter() - t0, time.process_time() - c0


def _openpyxl(path: Path) -> float:
    import openpyxl

    t0 = time.perf_counter()
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    for ws in wb.worksheets:
        for _ in ws.iter_rows(values_only=True):
            pass
    wb.close()
    return time.perf_counter() - t0


def _import(export: Path, mapping: Path, pkg: Path, work: Path) -> tuple[float, float, dict[str, float], str]:
    from partner_analytics import load_partnership
    from partner_analytics.importers.survey.detect import read_export
    from partner_analytics.importers.survey.mapping import load_mapping
    from partner_analytics.importers.survey.package import write_import
    from partner_analytics.importers.survey.pseudonym import package_salt
    from partner_analytics.importers.survey.transform import Instrument, build_tables

    target = work / "target"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(pkg, target)
    c0 = time.process_time()
    t0 = time.perf_counter()
    m = load_mapping(mapping)
    p = load_partnership(target)
    t1 = time.perf_counter()
    e = read_export(export, options=m.export)
    t2 = time.perf_counter()
    result = build_tables(e, m, Instrument.from_partnership(p), package_salt(target))
    t3 = time.perf_counter()
    write_import(result, target)
    t4 = time.perf_counter()
    cpu = time.process_time() - c0
    stages = {"load package": t1 - t0, "read export": t2 - t1, "map": t3 - t2, "write+validate+report": t4 - t3}
    c = result.counts()
    rows = ", ".join(f"{k} {len(v):,}" for k, v in result.tables.items())
    return t4 - t0, cpu, stages, f"{e.n_submissions:,} in = {c['accepted']:,} accepted + {c['excluded']} excluded + {c['rejected']} rejected; {rows}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--submissions", type=int, default=10_000)
    args = ap.parse_args()
    from partner_analytics.importers.survey import write_form

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pkg = _package(work)
        form, mapping = write_form(pkg, work / "form.xlsx")
        t = time.perf_counter()
        export = _export(form, args.submissions, work / "export.xlsx")
        print(f"export: {export.stat().st_size / 1024**2:.1f} MiB, made in {time.perf_counter() - t:.0f} s")
        floor, floor_cpu, ref, imp, imp_cpu, stage_runs = [], [], [], [], [], []
        summary = ""
        for _ in range(args.repeat):
            wall, cpu = _calamine(export)
            floor.append(wall)
            floor_cpu.append(cpu)
            total, cpu, stages, summary = _import(export, mapping, pkg, work)
            imp.append(total)
            imp_cpu.append(cpu)
            stage_runs.append(stages)
            ref.append(_openpyxl(export))
        print(summary)
        print(f"{'run':>4} {'calamine':>9} {'import':>8} {'openpyxl':>9}   (CPU: calamine, import)")
        for i, (a, b, c, d, e) in enumerate(zip(floor, imp, ref, floor_cpu, imp_cpu, strict=True), 1):
            print(f"{i:>4} {a:>9.2f} {b:>8.2f} {c:>9.2f}   ({d:.2f}, {e:.2f})")
        f, m_ = statistics.median(floor), statistics.median(imp)
        print("stages (median s): " + ", ".join(
            f"{k} {statistics.median(s[k] for s in stage_runs):.2f}" for k in stage_runs[0]))
        ratio = m_ / f
        cpu_ratio = statistics.median(imp_cpu) / statistics.median(floor_cpu)
        print(f"median: calamine {f:.2f} s, import {m_:.2f} s, openpyxl read-only {statistics.median(ref):.2f} s")
        print(f"import / calamine = {ratio:.2f}x (target <= {TARGET:g}x): {'OK' if ratio <= TARGET else 'OVER'}")
        print(f"CPU time: calamine {statistics.median(floor_cpu):.2f} s, import {statistics.median(imp_cpu):.2f} s: "
              f"{cpu_ratio:.2f}x (less moved by other work on a shared machine)")
        print(f"import / openpyxl read-only = {m_ / statistics.median(ref):.2f}x")


if __name__ == "__main__":
    main()
