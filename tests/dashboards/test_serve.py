"""Serving the dashboards: run folder, Voila config, landing page, access rules, the command.

No server is started here (tests/browser and tests/security/test_serve_security.py do);
the pieces are checked one by one.
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


def test_voila_command_hands_the_token_and_the_password_hash_over_in_a_private_file(runtime):
    # the token and the hash used to be on the command line, which every local user can read
    cmd = S.voila_command(runtime, ip="0.0.0.0", token="s3cret", password="pw", open_browser=True)
    assert "--no-browser" not in cmd
    assert not any("s3cret" in c or "argon2" in c or "password" in c.lower() for c in cmd)
    settings = Path(cmd[3])
    assert cmd[1:3] == ["-m", "partner_analytics.dashboards.serve"] and settings.name == "server.json"
    assert settings.stat().st_mode & 0o777 == 0o600
    assert settings.parent.stat().st_mode & 0o777 == 0o700
    assert settings.parent in runtime.private
    written = json.loads(settings.read_text())
    assert written["token"] == "s3cret"
    assert written["hashed_password"].startswith("argon2:") and "pw" not in written["hashed_password"][:8]
    runtime.cleanup()
    assert not settings.parent.exists()


def test_voila_command_refuses_an_open_address_without_a_secret(runtime):
    with pytest.raises(ValueError, match="0.0.0.0"):
        S.voila_command(runtime, ip="0.0.0.0")


def test_voila_env_names_the_package_the_template_path_and_the_bundle(runtime):
    env = S.voila_env(runtime, base={"JUPYTER_PATH": "/elsewhere"})
    assert env[D.DATA_ENV] == str(SAMPLE.resolve())
    assert env["JUPYTER_PATH"].split(":")[0] == str(runtime.root / "share" / "jupyter")
    assert env["JUPYTER_PATH"].endswith("/elsewhere")
    assert env[PLOTLY_WIDGET_ENV] == runtime.plotly_bundle


def test_voila_env_leaves_out_every_secret(runtime):
    base = {
        "PATH": "/usr/bin",
        "PARTNER_ANALYTICS_TOKEN": "t",
        "PARTNER_ANALYTICS_PASSWORD": "p",
        "JUPYTER_TOKEN": "j",
        "AWS_SECRET_ACCESS_KEY": "a",
        "PGPASSWORD": "g",
        "MY_SERVICE_API_KEY": "k",
    }
    env = S.voila_env(runtime, base=base)
    assert env["PATH"] == "/usr/bin"
    assert not set(base) - {"PATH"} & set(env)


@pytest.mark.parametrize("name", ["HOME", "PATH", "LANG", "PYTHONPATH", "JUPYTER_PATH", "PARTNER_ANALYTICS_DATA"])
def test_ordinary_variables_are_not_taken_for_secrets(name):
    assert not S.is_secret_name(name)


# --------------------------------------------------------------------------- host names


@pytest.mark.parametrize("host", ["127.0.0.1:8866", "localhost:8866", "LOCALHOST", "[::1]:8866", "localhost.", None, ""])
def test_a_local_server_answers_to_its_local_names(host):
    assert S.host_rule("127.0.0.1").host_allowed(host)


@pytest.mark.parametrize(
    "host", ["attacker.example:8866", "localhost.attacker.example", "127.0.0.1.attacker.example", "10.0.0.5:8866"]
)
def test_a_local_server_refuses_other_names(host):
    assert not S.host_rule("127.0.0.1").host_allowed(host)


def test_a_server_on_one_address_answers_to_it_and_to_the_names_listed():
    rule = S.host_rule("10.1.2.3", ["Dashboards.Example.org"])
    assert rule.host_allowed("10.1.2.3:8866") and rule.host_allowed("dashboards.example.org")
    assert not rule.host_allowed("localhost:8866") and not rule.host_allowed("10.1.2.4:8866")


def test_a_server_on_every_address_answers_to_addresses_and_this_machine_s_names():
    import socket

    rule = S.host_rule("0.0.0.0")
    assert rule.host_allowed("192.168.1.20:8866") and rule.host_allowed("[fe80::1]:8866")
    assert rule.host_allowed(f"{socket.gethostname()}:8866") and rule.host_allowed("localhost")
    assert not rule.host_allowed("attacker.example:8866")


@pytest.mark.parametrize("name", ["dash.example.org:8866", "http://dash.example.org", "*.example.org", "a b", ""])
def test_a_listed_name_that_is_not_a_host_name_is_refused_with_an_example(name):
    with pytest.raises(ValueError, match="not a host name"):
        S.host_rule("127.0.0.1", [name])


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        (None, True),  # a script
        ("http://127.0.0.1:8866", True),  # the page itself
        ("https://dash.example.org", True),  # a proxy the user listed
        ("http://127.0.0.1:9999", False),  # another port
        ("http://attacker.example", False),
        ("null", False),
        ("file://", False),
    ],
)
def test_a_websocket_origin_must_be_the_page_s_own_or_a_listed_proxy(origin, allowed):
    rule = S.host_rule("127.0.0.1", ["dash.example.org"])
    headers = {"Host": "127.0.0.1:8866", "Upgrade": "websocket"}
    if origin is not None:
        headers["Origin"] = origin
    assert (rule.refusal(headers) is None) is allowed


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
        app,
        ["dashboards", str(SAMPLE), "--port", "8999", "--ip", "0.0.0.0", "--token", "tok", "--no-browser",
         "--allow-host", "dash.example.org", "--allow-host", "meeting-laptop"],
        env={"PARTNER_ANALYTICS_PASSWORD": ""},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert seen["path"] == SAMPLE and seen["port"] == 8999 and seen["ip"] == "0.0.0.0"
    assert seen["token"] == "tok" and seen["password"] is None and seen["open_browser"] is False
    assert list(seen["allowed_hosts"]) == ["dash.example.org", "meeting-laptop"]


def test_dashboards_command_refuses_a_listed_name_that_is_not_a_host_name():
    result = CliRunner().invoke(app, ["dashboards", str(SAMPLE), "--allow-host", "http://x.org:80/"])
    assert result.exit_code == 2
    assert "not a host name" in result.output


def test_dashboards_command_reads_the_password_from_the_environment(monkeypatch):
    seen = {}
    monkeypatch.setattr(S, "serve", lambda path, **options: seen.update(options) or 0)
    result = CliRunner().invoke(
        app, ["dashboards", "--ip", "0.0.0.0", "--no-browser"], env={"PARTNER_ANALYTICS_PASSWORD": "pw"}
    )
    assert result.exit_code == 0, result.output
    assert seen["password"] == "pw"
