"""Serving the dashboards: run folder, Voila config, landing page, access rules, the command.

No server is started here (tests/browser does that); the pieces are checked one by one.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from typer.testing import CliRunner

import partner_analytics.dashboards as D
from partner_analytics.cli import app
from partner_analytics.dashboards import serve as S
from partner_analytics.dashboards.widgets import PLOTLY_WIDGET_ENV

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"


@pytest.fixture
def runtime(tmp_path):
    rt = S.prepare(SAMPLE, root=tmp_path / "run", extra_notebooks={"floor": 'print("ready")'})
    yield rt
    rt.cleanup()


@pytest.mark.parametrize("ip", ["127.0.0.1", "localhost", "::1"])
def test_local_addresses_need_no_token(ip):
    S.check_access(ip)


def test_another_address_without_token_or_password_is_refused_with_how_to():
    with pytest.raises(ValueError, match="give a token") as info:
        S.check_access("0.0.0.0")
    assert "--token" in str(info.value) and "--password" in str(info.value)


@pytest.mark.parametrize(("token", "password"), [("s3cret", None), (None, "pw")])
def test_another_address_with_token_or_password_is_allowed(token, password):
    S.check_access("0.0.0.0", token, password)


def test_the_source_checkout_dashboards_folder_is_found():
    assert S.dashboards_source() == ROOT / "dashboards"


def test_prepare_writes_the_notebooks_config_template_and_bundle(runtime):
    names = sorted(p.stem for p in runtime.notebooks.glob("*.ipynb"))
    assert names == sorted([*D.PAGES, "floor"])
    # the pages are the committed notebooks
    for name in D.PAGES:
        assert (runtime.notebooks / f"{name}.ipynb").read_text() == (ROOT / "dashboards" / f"{name}.ipynb").read_text()
    floor = nbformat.read(runtime.notebooks / "floor.ipynb", as_version=4)
    assert [c.source for c in floor.cells] == ['print("ready")']
    config = json.loads((runtime.root / "voila.json").read_text())
    assert config["VoilaConfiguration"]["preheat_kernel"] is True
    assert config["VoilaConfiguration"]["show_tracebacks"] is False
    assert config["VoilaKernelManager"]["kernel_pools_config"]["default"]["pool_size"] == 1
    template = runtime.root / "share" / "jupyter" / "voila" / "templates" / S.TEMPLATE_NAME
    assert json.loads((template / "conf.json").read_text()) == {"base_template": "lab"}
    bundle = template / "static" / Path(runtime.plotly_bundle).name
    assert bundle.stat().st_size > 1_000_000
    assert runtime.data == SAMPLE.resolve()


def test_an_installed_package_writes_the_same_notebooks(tmp_path, monkeypatch):
    monkeypatch.setattr(S, "dashboards_source", lambda: None)
    rt = S.prepare(SAMPLE, root=tmp_path / "run")
    for name in D.PAGES:
        written = nbformat.read(rt.notebooks / f"{name}.ipynb", as_version=4)
        committed = nbformat.read(ROOT / "dashboards" / f"{name}.ipynb", as_version=4)
        assert [c.source for c in written.cells] == [c.source for c in committed.cells]


def test_the_landing_page_lists_every_dashboard_with_what_it_shows(runtime):
    html = (runtime.root / "share" / "jupyter" / "voila" / "templates" / S.TEMPLATE_NAME / "tree.html").read_text()
    assert "Circular Region Partnership" in html
    for name, (title, desc) in D.PAGES.items():
        assert f"voila/render/{name}.ipynb" in html
        assert title in html and desc.replace("'", "&#x27;") in html
    assert "floor" not in html
    # a valid Jinja template: the CSS is raw text, links carry the token query
    import jinja2

    out = jinja2.Template(html).render(base_url="/base/", query="token=abc")
    assert 'href="/base/voila/render/overview.ipynb?token=abc"' in out


def test_voila_command_serves_the_run_folder_on_the_address_asked(runtime):
    cmd = S.voila_command(runtime, port=9999, ip="127.0.0.1")
    assert str(runtime.notebooks) in cmd
    assert "--port=9999" in cmd and "--Voila.ip=127.0.0.1" in cmd and "--no-browser" in cmd
    assert not any("token" in c or "password" in c for c in cmd)


def test_voila_command_passes_a_token_or_a_hashed_password(runtime):
    cmd = S.voila_command(runtime, ip="0.0.0.0", token="s3cret", open_browser=True)
    assert "--Voila.token=s3cret" in cmd and "--no-browser" not in cmd
    cmd = S.voila_command(runtime, ip="0.0.0.0", password="pw")
    hashed = next(c for c in cmd if c.startswith("--PasswordIdentityProvider.hashed_password="))
    assert "pw" not in hashed.split("=", 1)[1][:3] and hashed.split("=", 1)[1].startswith("argon2:")


def test_voila_command_refuses_an_open_address_without_a_secret(runtime):
    with pytest.raises(ValueError, match="0.0.0.0"):
        S.voila_command(runtime, ip="0.0.0.0")


def test_voila_env_names_the_package_the_template_path_and_the_bundle(runtime):
    env = S.voila_env(runtime, base={"JUPYTER_PATH": "/elsewhere"})
    assert env[D.DATA_ENV] == str(SAMPLE.resolve())
    assert env["JUPYTER_PATH"].split(":")[0] == str(runtime.root / "share" / "jupyter")
    assert env["JUPYTER_PATH"].endswith("/elsewhere")
    assert env[PLOTLY_WIDGET_ENV] == runtime.plotly_bundle


def test_cleanup_removes_a_temporary_run_folder():
    rt = S.prepare(SAMPLE)
    assert rt.root.is_dir()
    rt.cleanup()
    assert not rt.root.exists()


# --------------------------------------------------------------------------- the command


def test_dashboards_command_refuses_an_open_address_without_a_secret():
    result = CliRunner().invoke(app, ["dashboards", str(SAMPLE), "--ip", "0.0.0.0"], env={"PARTNER_ANALYTICS_PASSWORD": ""})
    assert result.exit_code == 2
    assert "give a token" in result.output


def test_dashboards_command_refuses_a_missing_package(tmp_path):
    result = CliRunner().invoke(app, ["dashboards", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "no such package" in result.output


def test_dashboards_command_serves_with_the_options_given(monkeypatch):
    seen = {}

    def fake_serve(path, **options):
        seen.update(options, path=path)
        return 0

    monkeypatch.setattr(S, "serve", fake_serve)
    result = CliRunner().invoke(
        app, ["dashboards", str(SAMPLE), "--port", "8999", "--ip", "0.0.0.0", "--token", "tok", "--no-browser"],
        env={"PARTNER_ANALYTICS_PASSWORD": ""},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert seen["path"] == SAMPLE and seen["port"] == 8999 and seen["ip"] == "0.0.0.0"
    assert seen["token"] == "tok" and seen["password"] is None and seen["open_browser"] is False


def test_dashboards_command_reads_the_password_from_the_environment(monkeypatch):
    seen = {}
    monkeypatch.setattr(S, "serve", lambda path, **options: seen.update(options) or 0)
    result = CliRunner().invoke(
        app, ["dashboards", "--ip", "0.0.0.0", "--no-browser"], env={"PARTNER_ANALYTICS_PASSWORD": "pw"}
    )
    assert result.exit_code == 0, result.output
    assert seen["password"] == "pw"
