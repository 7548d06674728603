"""The command line: ``partner-analytics``. It calls the package and holds no logic of its own."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(
    help="Evaluation analytics for multi-stakeholder partnerships.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(width=160)
err = Console(stderr=True, width=160)

PathArg = Annotated[Path, typer.Argument(help="A package folder, an .xlsx workbook or a .duckdb store.")]


def _frame_table(frame: pd.DataFrame, title: str | None = None) -> Table:
    t = Table(title=title, show_lines=False, title_justify="left")
    for c in frame.columns:
        t.add_column(str(c), overflow="fold")
    for rec in frame.itertuples(index=False):
        t.add_row(*["" if (not isinstance(v, str) and pd.isna(v)) else str(v) for v in rec])
    return t


def _problems_table(problems: pd.DataFrame) -> Table:
    t = Table(show_lines=False)
    for c, style in (("severity", None), ("file", None), ("row", "cyan"), ("column", None),
                     ("value", "magenta"), ("message", None)):
        t.add_column(c, style=style, overflow="fold")
    for rec in problems.itertuples(index=False):
        sev = "[red]error[/red]" if rec.severity == "error" else "[yellow]warning[/yellow]"
        t.add_row(
            sev,
            str(rec.file or rec.table or ""),
            "" if pd.isna(rec.row) else str(int(rec.row)),
            "" if rec.column in (None, "nan") or pd.isna(rec.column) else str(rec.column),
            "" if rec.value in (None, "nan") or pd.isna(rec.value) else str(rec.value),
            str(rec.message),
        )
    return t


def _load(path: Path, drop_invalid: bool = False):
    from partner_analytics import ValidationError, load_partnership

    try:
        return load_partnership(path, drop_invalid=drop_invalid)
    except ValidationError as exc:
        err.print(f"[red]{path}: the package has errors and was not loaded[/red]")
        err.print(_problems_table(exc.problems))
        raise typer.Exit(1) from None
    except (FileNotFoundError, ValueError) as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None


@app.command()
def validate(
    path: PathArg,
    today: Annotated[
        str | None, typer.Option(help="Day to check future dates against (YYYY-MM-DD; default today).")
    ] = None,
) -> None:
    """Check a package and print every problem. Exit 1 when there are errors, else 0."""
    from partner_analytics import ValidationError, load_partnership

    day = date.fromisoformat(today) if today else None
    try:
        p = load_partnership(path, today=day)
        problems = p.problems
    except ValidationError as exc:
        problems = exc.problems
    except (FileNotFoundError, ValueError) as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    n_err = int((problems["severity"] == "error").sum())
    n_warn = int((problems["severity"] == "warning").sum())
    if len(problems):
        out.print(_problems_table(problems))
    verdict = "[red]not usable[/red]" if n_err else "[green]valid[/green]"
    out.print(f"{path}: {verdict}: {n_err} error(s), {n_warn} warning(s)")
    raise typer.Exit(1 if n_err else 0)


@app.command("import")
def import_(
    package: Annotated[Path, typer.Argument(help="The package folder or workbook to import.")],
    store: Annotated[Path, typer.Option("--store", help="The DuckDB store file (created if absent).")],
) -> None:
    """Validate a package and append it to a DuckDB store in one transaction."""
    from partner_analytics import ValidationError
    from partner_analytics.data.store import import_package

    try:
        result = import_package(package, store)
    except ValidationError as exc:
        err.print(f"[red]{package}: nothing was imported; the package cannot be used:[/red]")
        err.print(_problems_table(exc.problems))
        raise typer.Exit(1) from None
    except (FileNotFoundError, ValueError) as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    if len(result.ledger):
        out.print(_frame_table(result.ledger.drop(columns=["import_id"]), f"Import {result.import_id} into {store}"))
    for f in result.skipped_files:
        out.print(f"already imported, unchanged: {f}")
    out.print(
        f"{result.rows_accepted} row(s) accepted, {result.rows_rejected} rejected"
        + (" (kept with their reasons in the store)" if result.rows_rejected else "")
    )


@app.command()
def summary(path: PathArg) -> None:
    """Partners per sector, tables and row counts, waves, date range."""
    from partner_analytics.data.summary import package_summary

    p = _load(path, drop_invalid=False)
    s = package_summary(p)
    out.print(f"[bold]{s['name']}[/bold]  ({path})")
    tables = s["tables"]
    out.print(_frame_table(tables[tables["rows"] > 0][["table", "rows"]], "Tables"))
    out.print(_frame_table(s["sectors"], "Partners per sector"))
    if len(s["waves"]):
        waves = s["waves"].pivot_table(index="wave", columns="table", values="rows", aggfunc="sum", sort=False)
        out.print(_frame_table(waves.reset_index().fillna(0).astype({c: "int64" for c in waves.columns}), "Waves"))
    if len(s["dates"]):
        out.print(_frame_table(s["dates"], "Date range"))
    if len(p.problems):
        out.print(f"{len(p.problems)} warning(s): run `partner-analytics validate {path}` to see them")


@app.command()
def sample(
    out_dir: Annotated[Path, typer.Argument(help="Folder to write the sample package to.")],
    scale: Annotated[int, typer.Option(help="Multiply the volume (benchmarks), same shape.")] = 1,
    seed: Annotated[int, typer.Option(help="Random seed; same seed, same files.")] = 0,
) -> None:
    """Write the sample partnership (a smart circular region) as a package folder."""
    from partner_analytics.sample import write_sample

    path = write_sample(out_dir, scale=scale, seed=seed)
    out.print(f"sample partnership written to {path}")


@app.command("import-iati")
def import_iati_cmd(
    xml: Annotated[Path, typer.Argument(help="An IATI activity file (2.0x XML).")],
    out_dir: Annotated[Path, typer.Argument(help="Folder to write the package to.")],
) -> None:
    """Read IATI results (indicators, baselines, targets, actuals) into a package folder."""
    from partner_analytics.importers.iati import import_iati

    path = import_iati(xml, out_dir)
    out.print(f"package written to {path}")


@app.command("import-open-sdg")
def import_open_sdg_cmd(
    csv: Annotated[Path, typer.Argument(help="An Open SDG data CSV (indicator_<id>.csv).")],
    config: Annotated[Path, typer.Argument(help="The indicator's Open SDG config (.yml).")],
    out_dir: Annotated[Path, typer.Argument(help="Folder to write the package to.")],
) -> None:
    """Read an Open SDG indicator (data and progress options) into a package folder."""
    from partner_analytics.importers.open_sdg import import_open_sdg

    path = import_open_sdg(csv, config, out_dir)
    out.print(f"package written to {path}")


@app.command()
def report(
    path: PathArg,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the reports to (created).")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The report day: YYYY-MM-DD or a period such as 2026-Q3.")
    ] = None,
    previous: Annotated[
        str | None, typer.Option(help="The day to compare with (default: the end of the quarter before).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="html, pdf or html,pdf (PDF needs chromium).")] = "html",
    periods: Annotated[
        str | None,
        typer.Option(help="One report per period, e.g. 2025-Q1:2026-Q3 (instead of --as-of)."),
    ] = None,
    title: Annotated[str | None, typer.Option(help="Report title (default: partnership and period).")] = None,
    min_n: Annotated[int, typer.Option("--min-n", help="Small cells: fewer raters/respondents show 'n < 3'.")] = 3,
    sections: Annotated[
        str | None, typer.Option(help="Comma-separated sections to include (default: all).")
    ] = None,
) -> None:
    """Write the periodic evaluation report (executed notebook, offline HTML, PDF).

    Exit 1 when a report (or any period of --periods) failed, 2 on bad arguments.
    """
    import warnings

    from rich.markup import escape

    from partner_analytics.report import render as reports

    reports.skip_slow_optional_imports()  # this process only writes reports
    if (as_of is None) == (periods is None):
        err.print("[red]give either --as-of DATE or --periods FIRST:LAST[/red]")
        raise typer.Exit(2)
    section_list = [s.strip() for s in sections.split(",") if s.strip()] if sections else None
    try:
        formats = reports.parse_formats(fmt)
    except ValueError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    if "pdf" in formats and not reports.pdf_available():
        err.print(f"[yellow]no PDF: chromium is not installed at {reports.CHROMIUM}; writing HTML only[/yellow]")
    options = {"out": out_dir, "formats": formats, "title": title, "min_n": min_n, "sections": section_list}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", reports.ReportWarning)  # said above
        if periods is None:
            try:
                written = reports.render_report(path, as_of=as_of, previous=previous, **options)
            except Exception as exc:  # noqa: BLE001 - say what failed, exit 1
                err.print(f"[red]the report failed: {escape(reports.error_text(exc))}[/red]", soft_wrap=True)
                raise typer.Exit(1) from None
            for kind in ("notebook", "pdf"):
                if kind in written:
                    out.print(f"{kind}: {written[kind]}", soft_wrap=True)
            out.print(f"HTML report: {written['html']}", soft_wrap=True)
            return
        if previous is not None:
            err.print("[yellow]--previous is ignored with --periods: each period is compared with the one before[/yellow]")
        try:
            results = reports.render_periods(path, periods, **options)
        except Exception as exc:  # noqa: BLE001 - a bad range
            err.print(f"[red]{escape(str(exc))}[/red]")
            raise typer.Exit(2) from None
    failed = [r for r in results if not r.ok]
    for r in results:
        if r.ok:
            out.print(f"{r.period}: {r.paths['html']}", soft_wrap=True)
        else:
            err.print(f"[red]{r.period}: FAILED: {escape(r.error)}[/red]", soft_wrap=True)
    out.print(f"{len(results) - len(failed)} of {len(results)} report(s) written to {out_dir}")
    if failed:
        err.print(f"[red]{len(failed)} period(s) failed: {', '.join(r.period for r in failed)}[/red]")
        raise typer.Exit(1)


@app.command()
def dashboards(
    path: Annotated[
        Path | None, typer.Argument(help="The package to show (default: the sample partnership).")
    ] = None,
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8866,
    ip: Annotated[
        str, typer.Option(help="Address to serve on; any but 127.0.0.1 needs --token or --password.")
    ] = "127.0.0.1",
    token: Annotated[
        str | None,
        typer.Option(help="Secret for the first URL (http://HOST:PORT/?token=SECRET).", envvar="PARTNER_ANALYTICS_TOKEN"),
    ] = None,
    password: Annotated[
        bool,
        typer.Option("--password", help="Ask for a password (or read PARTNER_ANALYTICS_PASSWORD); browsers get a login page."),
    ] = False,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Do not open a browser.")] = False,
) -> None:
    """Serve the steering-group dashboards with Voila (landing page at /; Ctrl-C stops them)."""
    import os

    from partner_analytics.dashboards.serve import check_access, serve

    secret = os.environ.get("PARTNER_ANALYTICS_PASSWORD") or None
    if password and not secret:
        secret = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        check_access(ip, token, secret)
    except ValueError as exc:
        err.print(str(exc), style="red", markup=False)
        raise typer.Exit(2) from None
    if path is not None and not path.exists():
        err.print(f"{path}: no such package (a folder, an .xlsx workbook or a .duckdb store)", style="red", markup=False)
        raise typer.Exit(2)
    code = serve(
        path, port=port, ip=ip, token=token, password=secret, open_browser=not no_browser,
        echo=lambda text: out.print(text, markup=False),
    )  # fmt: skip
    raise typer.Exit(code)


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
