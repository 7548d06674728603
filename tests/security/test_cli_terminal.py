"""Text from a data file reaches the terminal as plain text: no markup, no links, no escapes.

The consoles are made as the command line makes them, but as for a terminal (FORCE_COLOR),
so that a link or a style would show as the escape sequence a terminal acts on.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from partner_analytics import cli
from partner_analytics.data.text import EXCERPT_CHARS

runner = CliRunner()

ESC = "\x1b"
PAYLOADS = {
    "closing tag": "[/]",
    "link markup": "[link=https://attacker.example/x]click here[/link]",
    "style markup": "[blink magenta]look[/]",
    "colour escape": f"{ESC}[5;35mblinking",
    "title escape": f"{ESC}]0;new window title\x07",
    "terminal link escape": f"{ESC}]8;;https://attacker.example/\x07click{ESC}]8;;\x07",
    "right-to-left override": "abc\u202egnp.exe",
    "line break": "P9\nall good: 0 error(s)",
    "emoji code": ":thumbs_up:",
}
# what each payload must never put on the terminal, and how it must show instead
RAW = {
    "closing tag": None,
    "link markup": f"{ESC}]8;",
    "style markup": f"{ESC}[5",
    "colour escape": f"{ESC}[5;35m",
    "title escape": f"{ESC}]0;",
    "terminal link escape": f"{ESC}]8;",
    "right-to-left override": "\u202e",
    "line break": "\nall good",
    "emoji code": "\U0001f44d",
}
SHOWN = {
    "closing tag": "[/]",
    "link markup": "[link=https://attacker.example/x]click here[/link]",
    "style markup": "[blink magenta]look[/]",
    "colour escape": "\\x1b[5;35mblinking",
    "title escape": "\\x1b]0;new window title\\x07",
    "terminal link escape": "\\x1b]8;;https://attacker.example/\\x07click",
    "right-to-left override": "abc\\u202egnp.exe",
    "line break": "P9\\nall good",
    "emoji code": ":thumbs_up:",
}


@pytest.fixture(autouse=True)
def terminal_consoles(monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setattr(cli, "out", cli._console(stderr=False))
    monkeypatch.setattr(cli, "err", cli._console(stderr=True))


def _package(folder, *, sector="public", name="Safe partnership", partner_name="City of Oslo"):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "partners.csv").write_text(
        f'partner_id,name,sector\nP1,"{partner_name}","{sector}"\nP2,Acme,private\n', encoding="utf-8"
    )
    (folder / "package.yml").write_text(f"name: {name!r}\n".replace("\n'", "'"), encoding="utf-8")
    return folder


def _check(result, payload: str) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception  # no traceback
    if RAW[payload] is not None:
        assert RAW[payload] not in result.output
    # shown whole, or as a problem message quotes a value: a short excerpt, escaped
    # (a line break as \x0a), cut at EXCERPT_CHARS with "…"
    shown = SHOWN[payload]
    quoted = shown.replace("\\n", "\\x0a")
    if len(quoted) > EXCERPT_CHARS:
        quoted = quoted[: EXCERPT_CHARS - 1] + "…"
    assert shown in result.output or quoted in result.output


@pytest.mark.parametrize("payload", PAYLOADS)
def test_validate_prints_a_bad_cell_as_plain_text(tmp_path, payload):
    value = PAYLOADS[payload].replace('"', '""')
    pkg = _package(tmp_path / "pkg", sector=value)
    result = runner.invoke(cli.app, ["validate", str(pkg)], terminal_width=300)
    assert result.exit_code == 1, result.output
    _check(result, payload)
    assert "1 error(s), 0 warning(s)" in result.output


@pytest.mark.parametrize("payload", PAYLOADS)
def test_validate_all_and_summary_of_a_broken_package_print_it_as_plain_text(tmp_path, payload):
    value = PAYLOADS[payload].replace('"', '""')
    pkg = _package(tmp_path / "pkg", sector=value)
    _check(runner.invoke(cli.app, ["validate", str(pkg), "--all"], terminal_width=300), payload)
    result = runner.invoke(cli.app, ["summary", str(pkg)], terminal_width=300)
    assert result.exit_code == 1
    _check(result, payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_summary_prints_the_partnership_name_as_plain_text(tmp_path, payload):
    import yaml

    pkg = _package(tmp_path / "pkg")
    (pkg / "package.yml").write_text(yaml.safe_dump({"name": PAYLOADS[payload]}), encoding="utf-8")
    result = runner.invoke(cli.app, ["summary", str(pkg)], terminal_width=300)
    assert result.exit_code == 0, result.output
    _check(result, payload)


@pytest.mark.parametrize("folder", ["pkg[link=https:attacker.example]x[", "pkg[bold]", f"pkg{ESC}[5m"])
def test_a_package_path_is_printed_as_plain_text(tmp_path, folder):
    pkg = _package(tmp_path / folder)
    result = runner.invoke(cli.app, ["validate", str(pkg)], terminal_width=300)
    assert result.exit_code == 0, result.output
    assert f"{ESC}]8;" not in result.output and f"{ESC}[5m" not in result.output
    assert result.output.startswith(cli.plain(str(pkg)) + ": ")


def test_an_error_message_holding_data_is_printed_as_plain_text(tmp_path, monkeypatch):
    import partner_analytics
    from partner_analytics.errors import StoreError

    def broken(*args, **kwargs):
        raise StoreError(f"x.duckdb: table [/] {ESC}]0;title\x07 is not a table of a store")

    monkeypatch.setattr(partner_analytics, "load_partnership", broken, raising=False)
    result = runner.invoke(cli.app, ["validate", str(tmp_path)], terminal_width=300)
    assert result.exit_code == StoreError.exit_code
    assert f"{ESC}]0;" not in result.output
    assert "table [/] \\x1b]0;title\\x07 is not" in result.output


def test_the_command_s_own_words_keep_their_colour():
    result = runner.invoke(cli.app, ["validate", "--help"])
    assert result.exit_code == 0
    import io

    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, markup=False, width=100)
    cli._say(console, "pkg: ", ("not usable", "red"), ": 1 error(s)")
    assert f"{ESC}[31mnot usable{ESC}[0m" in buffer.getvalue()


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("plain", "plain"),
        ("tab\there", "tab\\there"),
        ("bell\x07", "bell\\x07"),
        ("c1\x9b31m", "c1\\x9b31m"),
        ("zero\u200bwidth", "zero\\u200bwidth"),
        ("é ü 中文", "é ü 中文"),
        (None, ""),
        (float("nan"), ""),
        (12, "12"),
    ],
)
def test_plain_shows_control_characters_as_escapes_and_keeps_every_letter(value, shown):
    assert cli.plain(value) == shown
