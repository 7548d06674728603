"""The command line: ``partner-analytics``. It calls the package and holds no logic of its own.

Three rules hold for every command:

- **Data is printed as plain text.** Everything goes through :func:`_say` or a table of
  :func:`_cell` values: no markup is read from it (a cell ``[/]`` or ``[link=...]`` is
  shown as typed), and control characters (terminal escape sequences, line breaks,
  direction overrides) are shown as escapes such as ``\\x1b``. The consoles read no markup
  at all; the command's own styling is given as styles, never inside text.
- **Exit codes come from the exceptions** (``exit_code`` of :mod:`partner_analytics.errors`),
  mapped in one place, :func:`_fail`: one clear message, no traceback, for every error the
  package raises on purpose, for files that cannot be opened and for bad values.
- **Repeated problems are grouped** (:func:`partner_analytics.data.grouping.group_problems`):
  ``validate --all`` lists each one, ``validate --csv FILE`` writes them all.
- **Problems are redacted** by the one rule of :mod:`partner_analytics.present.redaction`
  wherever they are printed or written: no respondent or rater ids, no comments, no extra
  columns of survey tables; file, row and column stay, so that the cell can be found.
"""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, NoReturn

import pandas as pd
import typer
import typer.core
from rich.console import Console
from rich.table import Table
from rich.text import Text

from partner_analytics import __version__
from partner_analytics.data.writers import PROBLEMS_FILE, write_csv
from partner_analytics.errors import (
    InputFileError,
    PartnerAnalyticsError,
    StoreBusyError,
    StoreError,
    ValidationError,
)
from partner_analytics.report.context import SECTIONS

#: Groups of problems ``validate`` prints before saying how many more there are.
SHOWN_GROUPS = 50

# --------------------------------------------------------------------------- printing

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def plain(value: object) -> str:
    """``value`` as text safe to print: missing is empty; every control character (escape
    sequences, line breaks, tabs, bidirectional overrides, zero-width characters) is shown
    as an escape (``\\x1b``, ``\\n``, ``\\u202e``), never sent to the terminal."""
    if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""
    return _UNSAFE.sub(lambda m: repr(m.group())[1:-1], str(value))


def _console(stderr: bool) -> Console:
    # markup, emoji codes and highlighting off: text from data is printed as it is
    return Console(stderr=stderr, width=160, markup=False, emoji=False, highlight=False)


out = _console(stderr=False)
err = _console(stderr=True)


def _say(console: Console, *parts: str | tuple[str, str], style: str | None = None) -> None:
    """Print one line: ``parts`` are text, or (text, style) for the command's own emphasis."""
    pieces = [(plain(p[0]), p[1]) if isinstance(p, tuple) else plain(p) for p in parts]
    console.print(Text.assemble(*pieces, style=style or ""), soft_wrap=True)


def _cell(value: object, style: str | None = None) -> Text:
    return Text(plain(value), style=style or "")


def _table(columns, rows, title: str | None = None) -> Table:
    """A table of plain cells: ``columns`` are (name, style) pairs."""
    t = Table(title=_cell(title) if title else None, show_lines=False, title_justify="left")
    for name, style in columns:
        t.add_column(_cell(name), style=style, overflow="fold")
    for row in rows:
        t.add_row(*[v if isinstance(v, Text) else _cell(v) for v in row])
    return t


def _frame_table(frame: pd.DataFrame, title: str | None = None) -> Table:
    return _table([(str(c), None) for c in frame.columns], frame.itertuples(index=False), title)


def _severity(value: object) -> Text:
    return _cell(value, "red" if value == "error" else "yellow")


def _problems_table(problems: pd.DataFrame) -> Table:
    """Every problem on its own line."""
    columns = [("severity", None), ("file", None), ("row", "cyan"), ("column", None), ("value", "magenta"), ("message", None)]
    rows = (
        (
            _severity(rec.severity),
            plain(rec.file) or plain(rec.table),
            "" if pd.isna(rec.row) else str(int(rec.row)),
            "" if plain(rec.column) == "nan" else rec.column,
            "" if plain(rec.value) == "nan" else rec.value,
            rec.message,
        )
        for rec in problems.itertuples(index=False)
    )
    return _table(columns, rows)


def _groups_table(groups: pd.DataFrame) -> Table:
    """One line per group of repeated problems (see group_problems)."""
    from partner_analytics.data.grouping import where_text as where

    columns = [("severity", None), ("file", None), ("rows", "cyan"), ("column", None), ("message", None)]
    rows = (
        (
            _severity(rec.severity),
            plain(rec.file) or plain(rec.table),
            where(int(rec.count), rec.rows),
            "" if plain(rec.column) == "nan" else rec.column,
            rec.message,
        )
        for rec in groups.itertuples(index=False)
    )
    return _table(columns, rows)


def _redacted(problems: pd.DataFrame) -> pd.DataFrame:
    """Problems of a package that did not load, as a user may see them (the ids of its
    tables are unknown: values of hidden columns, and where messages quote them, are
    hidden)."""
    from partner_analytics.present.redaction import redact_problems

    return redact_problems(problems)


def _show_problems(console: Console, problems: pd.DataFrame, *, every: bool = False) -> None:
    """The problems, repeated ones grouped (``every``: each on its own line); ``problems``
    redacted already (:mod:`partner_analytics.present.redaction`)."""
    from partner_analytics.data.grouping import group_problems

    if not len(problems):
        return
    if every:
        console.print(_problems_table(problems))
        return
    groups = group_problems(problems)
    console.print(_groups_table(groups.head(SHOWN_GROUPS)))
    if len(groups) > SHOWN_GROUPS:
        _say(console, f"... and {len(groups) - SHOWN_GROUPS} more line(s) like these", style="yellow")
    if len(groups) < len(problems):
        _say(console, f"{len(problems)} problem(s) in {len(groups)} line(s): --all lists each one, --csv FILE writes them all")


# --------------------------------------------------------------------------- exit codes


class _Failed(PartnerAnalyticsError):
    """A command that ran and failed (a report): exit 1, like a package with errors."""

    exit_code = ValidationError.exit_code


def _exit_code(exc: BaseException) -> int | None:
    """The exit code of an error the command line reports in one message; None for a bug."""
    if isinstance(exc, PartnerAnalyticsError):
        return exc.exit_code
    if isinstance(exc, (OSError, ValueError)):  # a file that cannot be opened, a bad value
        return PartnerAnalyticsError.exit_code
    return None


def _fail(exc: BaseException, heading: str | None = None) -> NoReturn:
    """Say what went wrong, then exit with the exception's exit code (or re-raise a bug)."""
    code = _exit_code(exc)
    if code is None:
        raise exc
    if isinstance(exc, ValidationError):
        _say(err, heading or "the package has errors and was not loaded:", style="red")
        _show_problems(err, _redacted(exc.problems))
        n_err = int((exc.problems["severity"] == "error").sum())
        _say(err, f"{n_err} error(s): run partner-analytics validate on the package to see every problem", style="red")
    else:
        if heading:
            _say(err, heading, style="red")
        text = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
        if isinstance(exc, OSError) and exc.filename is not None and exc.strerror:
            text = f"{exc.filename}: {exc.strerror}"
        for line in (text or type(exc).__name__).splitlines():
            _say(err, line, style="red")
    raise typer.Exit(code)


EXIT_CODES = (
    (0, "done"),
    (ValidationError.exit_code, "the package has errors, or a report failed"),
    (PartnerAnalyticsError.exit_code, "a wrong option or value, a file or folder that is not there, or an analysis that cannot run"),
    (StoreError.exit_code, "a store that cannot be used (damaged, not made by partner-analytics, or newer)"),
    (StoreBusyError.exit_code, "a store another import is writing to: try again when it has finished"),
    (InputFileError.exit_code, "a file that cannot be read at all"),
    (130, "interrupted (Ctrl-C)"),
)


# --------------------------------------------------------------------------- plain help


class _Option(typer.core.TyperOption):
    def display_type_rich(self, ctx):  # the option's own word for its value, never <str>
        return self.metavar


class _Argument(typer.core.TyperArgument):
    def display_type_rich(self, ctx):
        return None

    def _usage_display_name(self) -> str:
        return self.display_name_raw if self.required else f"[{self.display_name_raw}]"


def _plain(param):
    if isinstance(param, typer.core.TyperArgument):
        param.__class__ = _Argument
    elif isinstance(param, typer.core.TyperOption):
        param.__class__ = _Option
    return param


class _Command(typer.core.TyperCommand):
    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        return _plain(option) if option is not None else None


class _Group(typer.core.TyperGroup):
    """The commands, with help in plain words and errors reported by :func:`_fail`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for command in [self, *self.commands.values()]:
            if isinstance(command, typer.core.TyperCommand):
                command.__class__ = _Command
            for param in command.params:
                _plain(param)

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        return _plain(option) if option is not None else None

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (PartnerAnalyticsError, OSError, ValueError) as exc:  # not typer's own exits
            _fail(exc)


app = typer.Typer(
    cls=_Group,
    help="Evaluation analytics for multi-stakeholder partnerships.",
    epilog="Exit codes:\n\n" + "\n\n".join(f"{code}  {what}" for code, what in EXIT_CODES),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        _say(out, f"partner-analytics {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", help="Show the version and stop.", is_eager=True, callback=_version),
    ] = False,
) -> None:
    """Evaluation analytics for multi-stakeholder partnerships."""


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"'{plain(value)}' is not a day: give one as YYYY-MM-DD, e.g. 2026-03-31") from None


PathArg = Annotated[
    Path, typer.Argument(help="A package folder, an .xlsx workbook or a .duckdb store.", metavar="PACKAGE")
]


def _load(path: Path):
    from partner_analytics import load_partnership

    try:
        return load_partnership(path)
    except ValidationError as exc:
        _fail(exc, f"{path}: the package has errors and was not loaded:")


# --------------------------------------------------------------------------- commands


@app.command()
def validate(
    path: PathArg,
    today: Annotated[
        date | None,
        typer.Option(
            help="The day to check future dates against, as YYYY-MM-DD (default: today).",
            metavar="DAY",
            parser=_day,
        ),
    ] = None,
    every: Annotated[
        bool,
        typer.Option("--all", help="List every problem on its own line, instead of grouping repeated ones."),
    ] = False,
    csv: Annotated[
        Path | None,
        typer.Option(
            "--csv",
            help="Also write every problem to this CSV file (safe to open in a spreadsheet).",
            metavar="FILE",
        ),
    ] = None,
) -> None:
    """Check a package and print its problems, repeated ones grouped. Exit 1 when there are errors, else 0."""
    from partner_analytics import load_partnership
    from partner_analytics.present.redaction import redacted_problems

    try:
        # the bad rows set aside, not refused: the same problems, and the ids of the
        # package's tables and rejected rows known, so that messages never name them
        problems = redacted_problems(load_partnership(path, drop_invalid=True, today=today))
    except ValidationError as exc:
        problems = _redacted(exc.problems)
    n_err = int((problems["severity"] == "error").sum())
    n_warn = int((problems["severity"] == "warning").sum())
    _show_problems(out, problems, every=every)
    if csv is not None:
        write_csv(problems, csv)
        _say(out, f"{len(problems)} problem(s) written to {csv}")
    verdict = ("not usable", "red") if n_err else ("valid", "green")
    _say(out, f"{path}: ", verdict, f": {n_err} error(s), {n_warn} warning(s)")
    raise typer.Exit(ValidationError.exit_code if n_err else 0)


@app.command("import")
def import_(
    package: Annotated[Path, typer.Argument(help="The package folder or workbook to import.", metavar="PACKAGE")],
    store: Annotated[
        Path, typer.Option("--store", help="The DuckDB store file to add it to (created if absent).", metavar="FILE")
    ],
) -> None:
    """Validate a package and add it to a DuckDB store, all or nothing."""
    from partner_analytics.data.store import import_package

    try:
        result = import_package(package, store)
    except ValidationError as exc:
        _fail(exc, f"{package}: nothing was imported; the package cannot be used:")
    if len(result.ledger):
        out.print(_frame_table(result.ledger.drop(columns=["import_id"]), f"Import {result.import_id} into {store}"))
    for f in result.skipped_files:
        _say(out, f"already imported, unchanged: {f}")
    _say(
        out,
        f"{result.rows_accepted} row(s) accepted, {result.rows_rejected} rejected"
        + (" (kept with their reasons in the store)" if result.rows_rejected else ""),
    )


@app.command()
def summary(path: PathArg) -> None:
    """What a package holds: tables and row counts, partners per sector, waves, date range."""
    from partner_analytics.data.summary import package_summary

    p = _load(path)
    s = package_summary(p)
    _say(out, (s["name"], "bold"), f"  ({path})")
    tables = s["tables"]
    out.print(_frame_table(tables[tables["rows"] > 0][["table", "rows"]], "Tables"))
    out.print(_frame_table(s["sectors"], "Partners per sector"))
    if len(s["waves"]):
        waves = s["waves"].pivot_table(index="wave", columns="table", values="rows", aggfunc="sum", sort=False)
        out.print(_frame_table(waves.reset_index().fillna(0).astype({c: "int64" for c in waves.columns}), "Waves"))
    if len(s["dates"]):
        out.print(_frame_table(s["dates"], "Date range"))
    if len(p.problems):
        _say(out, f"{len(p.problems)} warning(s): run partner-analytics validate {path} to see them")


@app.command()
def sample(
    out_dir: Annotated[Path, typer.Argument(help="The folder to write the sample package to.", metavar="FOLDER")],
    scale: Annotated[
        int, typer.Option(help="Make it this many times bigger, with the same shape (for speed tests).", metavar="TIMES")
    ] = 1,
    seed: Annotated[
        int, typer.Option(help="Seed of the random numbers: the same seed writes the same files.", metavar="NUMBER")
    ] = 0,
) -> None:
    """Write the sample partnership (a smart circular region) as a package folder."""
    from partner_analytics.sample import write_sample

    path = write_sample(out_dir, scale=scale, seed=seed)
    _say(out, f"sample partnership written to {path}")


@app.command("import-iati")
def import_iati_cmd(
    xml: Annotated[Path, typer.Argument(help="An IATI activity file (XML, standard 2.0x).", metavar="FILE")],
    out_dir: Annotated[Path, typer.Argument(help="The folder to write the package to.", metavar="FOLDER")],
) -> None:
    """Read IATI results (indicators, baselines, targets, actuals) into a package folder."""
    from partner_analytics.importers.iati import import_iati

    path = import_iati(xml, out_dir)
    _say(out, f"package written to {path}")


@app.command("import-open-sdg")
def import_open_sdg_cmd(
    source: Annotated[
        Path,
        typer.Argument(
            help="An Open SDG data repository folder (data/, indicator-config/ or meta/), "
            "or one indicator's data file (indicator_<id>.csv).",
            metavar="FOLDER|FILE",
        ),
    ],
    second: Annotated[
        Path,
        typer.Argument(
            help="With a repository: the folder to write the package to. "
            "With a data file: the indicator's settings file (.yml or .md).",
            metavar="FOLDER|SETTINGS",
        ),
    ],
    third: Annotated[
        Path | None,
        typer.Argument(help="With a data file and its settings: the folder to write the package to.", metavar="FOLDER"),
    ] = None,
) -> None:
    """Read Open SDG indicators (data and progress options) into a package folder.

    import-open-sdg DIR OUT (every indicator with automatic progress calculation) or
    import-open-sdg CSV CONFIG OUT (one indicator). An indicator that cannot be read is
    reported and the others are written; exit 5 when none can be read.
    """
    from partner_analytics.importers.open_sdg import import_open_sdg

    config, out_dir = (None, second) if third is None else (second, third)
    path = import_open_sdg(source, config, out_dir)
    _say(out, f"package written to {path}")
    listed = path / PROBLEMS_FILE
    problems = pd.read_csv(listed, dtype=str, keep_default_na=False) if listed.is_file() else None
    if problems is not None and len(problems):
        errors = problems[problems["severity"] == "error"]
        for rec in errors.itertuples(index=False):
            _say(err, f"error: {rec.file}: {rec.message}")
        _say(out, f"{len(errors)} error(s), {len(problems) - len(errors)} warning(s): see {listed}")


def _sections(text: str | None) -> list[str] | None:
    """The section names given, checked against the report's sections."""
    if not text:
        return None
    names = [s.strip() for s in text.split(",") if s.strip()]
    unknown = [s for s in names if s not in SECTIONS]
    if unknown:
        raise PartnerAnalyticsError(
            f"unknown section(s) {', '.join(map(repr, unknown))}; the sections are: {', '.join(SECTIONS)}"
        )
    return names


@app.command()
def report(
    path: PathArg,
    out_dir: Annotated[
        Path, typer.Option("--out", help="The folder to write the reports to (created if absent).", metavar="FOLDER")
    ],
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="The day the report is for: YYYY-MM-DD, or a period such as 2026-Q3.", metavar="DATE"),
    ] = None,
    previous: Annotated[
        str | None,
        typer.Option(help="The day to compare with (default: the end of the quarter before).", metavar="DATE"),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option("--format", help="html, pdf, or both as html,pdf (a PDF needs chromium).", metavar="FORMATS"),
    ] = "html",
    periods: Annotated[
        str | None,
        typer.Option(
            help="One report for each period from FIRST to LAST, e.g. 2025-Q1:2026-Q3 (instead of --as-of).",
            metavar="FIRST:LAST",
        ),
    ] = None,
    title: Annotated[
        str | None, typer.Option(help="The report's title (default: the partnership and the period).", metavar="TITLE")
    ] = None,
    min_n: Annotated[
        int | None,
        typer.Option(
            "--min-n",
            min=1,
            help="Hide any number resting on fewer people than this (it reads 'n < PEOPLE' "
            "instead); default: the package's min_n setting (3 unless package.yml says otherwise).",
            metavar="PEOPLE",
        ),
    ] = None,
    sections: Annotated[
        str | None,
        typer.Option(
            help=f"The sections to include, separated by commas (default: all): {', '.join(SECTIONS)}.",
            metavar="NAMES",
        ),
    ] = None,
    drop_invalid: Annotated[
        bool,
        typer.Option(
            "--drop-invalid",
            help="Make the report of a package with errors without the rows that have them "
            "(the report opens saying what was left out); without it such a package stops the report.",
        ),
    ] = False,
    paper: Annotated[
        str,
        typer.Option(help="The page size of the printed report and the PDF: a4 or letter.", metavar="SIZE"),
    ] = "a4",
) -> None:
    """Write the periodic evaluation report (executed notebook, offline HTML, workbook of its
    tables, PDF).

    Exit 1 when the package has errors (unless --drop-invalid) or a report (or any period
    of --periods) failed, 2 on a wrong option.
    """
    import warnings

    from partner_analytics.report import render as reports

    reports.skip_slow_optional_imports()  # this process only writes reports
    if (as_of is None) == (periods is None):
        raise PartnerAnalyticsError("give either --as-of DATE or --periods FIRST:LAST")
    section_list = _sections(sections)
    formats = reports.parse_formats(fmt)
    reports.page_css(paper)  # a4 or letter, checked before anything runs
    if "pdf" in formats and not reports.pdf_available():
        _say(err, f"no PDF: chromium is not installed at {reports.CHROMIUM}; writing HTML only", style="yellow")
    options = {
        "out": out_dir, "formats": formats, "title": title, "min_n": min_n,
        "sections": section_list, "drop_invalid": drop_invalid, "paper": paper,
    }  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", reports.ReportWarning)  # said above
        if periods is None:
            try:
                written = reports.render_report(path, as_of=as_of, previous=previous, **options)
            except ValidationError as exc:
                _fail(exc, f"{path}: the package has errors; no report was written "
                           "(--drop-invalid makes one without the rows that have them):")  # fmt: skip
            except (PartnerAnalyticsError, OSError):
                raise
            except Exception as exc:  # noqa: BLE001 - say what failed, exit 1
                raise _Failed(f"the report failed: {reports.error_text(exc)}") from None
            for kind, what in (("notebook", "notebook"), ("xlsx", "tables (workbook)"), ("pdf", "pdf")):
                if kind in written:
                    _say(out, f"{what}: {written[kind]}")
            _say(out, f"HTML report: {written['html']}")
            return
        if previous is not None:
            _say(err, "--previous is ignored with --periods: each period is compared with the one before", style="yellow")
        results = reports.render_periods(path, periods, **options)
    failed = [r for r in results if not r.ok]
    for r in results:
        if r.ok:
            _say(out, f"{r.period}: {r.paths['html']}")
        else:
            _say(err, f"{r.period}: FAILED: {r.error}", style="red")
    _say(out, f"{len(results) - len(failed)} of {len(results)} report(s) written to {out_dir}")
    if failed:
        raise _Failed(f"{len(failed)} period(s) failed: {', '.join(r.period for r in failed)}")


@app.command()
def dashboards(
    path: Annotated[
        Path | None,
        typer.Argument(help="The package to show (default: the sample partnership).", metavar="PACKAGE"),
    ] = None,
    port: Annotated[int, typer.Option(help="The port to serve on.", metavar="PORT")] = 8866,
    ip: Annotated[
        str,
        typer.Option(
            help="The address to serve on; any but 127.0.0.1 needs --token or --password.", metavar="ADDRESS"
        ),
    ] = "127.0.0.1",
    token: Annotated[
        str | None,
        typer.Option(
            help="A secret to put in the first address (http://HOST:PORT/?token=SECRET).",
            envvar="PARTNER_ANALYTICS_TOKEN",
            metavar="SECRET",
        ),
    ] = None,
    password: Annotated[
        bool,
        typer.Option(
            "--password",
            help="Ask for a password at start (or read PARTNER_ANALYTICS_PASSWORD); browsers get a login page.",
        ),
    ] = False,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Do not open a browser.")] = False,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            help="Another name the dashboards answer to, such as this machine's name on the network "
            "or a proxy's (repeat for several). Requests for any other name are refused.",
            metavar="NAME",
        ),
    ] = None,
) -> None:
    """Serve the steering-group dashboards with Voila (landing page at /; Ctrl-C stops them)."""
    import os

    from partner_analytics.dashboards.serve import check_access, host_rule, serve

    secret = os.environ.get("PARTNER_ANALYTICS_PASSWORD") or None
    if password and not secret:
        secret = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    check_access(ip, token, secret)
    host_rule(ip, allow_host or ())
    if path is not None and not path.exists():
        raise PartnerAnalyticsError(f"{path}: no such package (a folder, an .xlsx workbook or a .duckdb store)")
    code = serve(
        path, port=port, ip=ip, token=token, password=secret, open_browser=not no_browser,
        allowed_hosts=tuple(allow_host or ()), echo=lambda text: _say(out, text),
    )  # fmt: skip
    raise typer.Exit(code)


# --- actions: what the steering group decides (partner_analytics.present.actions) --------

actions_app = typer.Typer(
    cls=_Group,
    help="Actions the steering group decides on the alerts: draft them for a package.",
    no_args_is_help=True,
)
app.add_typer(actions_app, name="actions")


@actions_app.command("draft")
def actions_draft(
    path: PathArg,
    as_of: Annotated[
        str,
        typer.Option("--as-of", help="The day of the alerts: YYYY-MM-DD, or a period such as 2026-Q3.", metavar="DATE"),
    ],
    out_file: Annotated[
        Path, typer.Option("--out", help="The CSV file to write the draft actions to.", metavar="FILE")
    ],
) -> None:
    """Write one draft action per current alert that no open or done action answers yet.

    Each row has its source filled in, an action_id and (where the alert names a partner) an owner proposed, raised = the day and status open: check the title, complete the owner and due date, then add the rows to the package's actions table.
    """
    from partner_analytics.present.actions import action_drafts

    drafts = action_drafts(_load(path), as_of=as_of)
    write_csv(drafts, out_file)
    _say(
        out,
        f"{len(drafts)} draft action(s) written to {out_file}"
        + (": complete the owner and due date, then add them to the actions table" if len(drafts) else ""),
    )


# --- survey: exports in, forms out (partner_analytics.importers.survey) -------------------

survey_app = typer.Typer(
    cls=_Group,  # help in plain words, like the other commands
    help="Survey exports in, survey forms out: detect an export, import it into a package, write a form.",
    no_args_is_help=True,
)
app.add_typer(survey_app, name="survey")


def _survey_fail(exc: Exception) -> None:
    """Print why a survey command failed and exit with the error's code."""
    from partner_analytics import ValidationError
    from partner_analytics.errors import PartnerAnalyticsError

    if isinstance(exc, ValidationError):
        err.print("[red]the package has errors; nothing was imported (the files were put back):[/red]")
        err.print(_problems_table(_redacted(exc.problems)))
        raise typer.Exit(1) from None
    err.print(str(exc), style="red", markup=False)
    raise typer.Exit(exc.exit_code if isinstance(exc, PartnerAnalyticsError) else 2) from None


def _survey_say(text: str) -> None:
    out.print(text, markup=False, highlight=False, soft_wrap=True)


@survey_app.command("detect")
def survey_detect(
    export: Annotated[
        Path, typer.Argument(help="The survey export (.xlsx, .csv, .zip of CSV files, .sav).", metavar="EXPORT")
    ],
    form: Annotated[
        Path | None, typer.Option("--form", help="The XLSForm the export came from.", metavar="FILE")
    ] = None,
    package: Annotated[
        Path | None,
        typer.Option("--package", help="The package, to match partners and questions.", metavar="PACKAGE"),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the draft mapping (YAML) here.", metavar="FILE")
    ] = None,
) -> None:
    """Say which tool wrote an export and what it holds (first line: tool: NAME); draft a mapping."""
    from partner_analytics.importers.survey import detect_export

    try:
        result = detect_export(export, form=form, package=package, out=out)
    except (FileNotFoundError, ValueError) as exc:
        _survey_fail(exc)
    for line in result.lines:
        _survey_say(line)
    if result.mapping_path is not None:
        _survey_say(
            f"draft mapping written to {result.mapping_path}: check every line marked '# review', "
            "then delete the line 'draft: true'"
        )


@survey_app.command("import")
def survey_import(
    export: Annotated[Path, typer.Argument(help="The survey export to import.", metavar="EXPORT")],
    mapping: Annotated[Path, typer.Option("--mapping", help="The mapping file (YAML).", metavar="FILE")],
    into: Annotated[
        Path, typer.Option("--into", help="The package folder to write the tables into.", metavar="FOLDER")
    ],
    store: Annotated[
        Path | None,
        typer.Option("--store", help="Also append the package to this DuckDB store.", metavar="FILE"),
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace files of the same source even if edited since.")
    ] = False,
) -> None:
    """Import an export into a package: new files in its table folders, then validation and a report."""
    from partner_analytics.importers.survey import import_survey

    try:
        outcome = import_survey(export, mapping, into, store=store, replace=replace)
    except (FileNotFoundError, ValueError) as exc:
        _survey_fail(exc)
    c = outcome.result.counts()
    n = outcome.result.export.n_submissions
    _survey_say(f"{n} submission(s) in = {c['accepted']} accepted + {c['excluded']} excluded + {c['rejected']} rejected")
    for file, what, rows in outcome.written.files:
        _survey_say(f"{what}: {file} ({rows} rows)")
    if not outcome.written.changed:
        _survey_say("already imported: nothing changed")
    _survey_say(f"report: {outcome.written.report}")
    if outcome.written.store is not None:
        s = outcome.written.store
        _survey_say(f"store {store}: {s.rows_accepted} row(s) accepted, {s.rows_rejected} rejected")


@survey_app.command("form")
def survey_form(
    package: PathArg,
    form_out: Annotated[
        Path,
        typer.Option(
            "--out", help="The XLSForm to write (.xlsx); FORM.mapping.yml goes beside it.", metavar="FILE"
        ),
    ],
    lang: Annotated[
        str, typer.Option("--lang", help="Label languages, e.g. en,fr,es,pt,de,nb.", metavar="LANGUAGES")
    ] = "en",
    respondent: Annotated[
        str,
        typer.Option(
            "--respondent",
            help="submission (each submission is a respondent) or email (asked, pseudonymised).",
            metavar="WHO",
        ),
    ] = "submission",
    wave: Annotated[
        str | None,
        typer.Option(
            "--wave", help="The wave of every submission (default: each submission's quarter).", metavar="WAVE"
        ),
    ] = None,
) -> None:
    """Write the package's instrument as an XLSForm (KoboToolbox, ODK) and the mapping that imports it."""
    from partner_analytics.importers.survey import write_form

    if respondent not in ("submission", "email"):
        err.print("--respondent: expected submission or email", style="red", markup=False)
        raise typer.Exit(2)
    try:
        form_path, mapping_path = write_form(
            package, form_out, languages=lang.split(","), respondent=respondent, wave=wave
        )
    except (FileNotFoundError, ValueError) as exc:
        _survey_fail(exc)
    _survey_say(f"form: {form_path}")
    _survey_say(f"mapping: {mapping_path}")


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
