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


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
