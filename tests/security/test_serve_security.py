"""The dashboards' server, attacked as a local user and as a web page would attack it.

One real server for the module (the run folder of ``partner-analytics dashboards``, with a
token, a password and one extra host name), started with secrets in its environment. Two
probe pages print their kernel's whole environment (base64, so that nothing in it is read
as HTML): ``probe`` from a preheated kernel (as every dashboard page is served), and
``probe_cold`` from a kernel started for the request. Requests are raw HTTP, so that the
``Host`` and ``Origin`` headers are the ones a hostile page would make a browser send.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import re
import secrets
import socket
import subprocess
import time
from pathlib import Path

import pytest

from partner_analytics.dashboards import serve as S

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
STARTUP_SECONDS = 120

TOKEN = "tok" + secrets.token_hex(12)
PASSWORD = "pw" + secrets.token_hex(12)
OTHER_SECRET = "key" + secrets.token_hex(12)
PROXY_NAME = "dashboards.example.org"
PROBE = (
    "import base64, json, os\n"
    'print("ENV-BLOB " + base64.b64encode(json.dumps(dict(os.environ)).encode()).decode())'
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    work = tmp_path_factory.mktemp("served")
    # no kernel for the real pages (they are not asked for here), one preheated for `probe`
    runtime = S.prepare(
        SAMPLE, root=work / "run", extra_notebooks={"probe": PROBE, "probe_cold": PROBE}, pool_size=0, fill_delay=0
    )
    config_file = runtime.root / "voila.json"
    config = json.loads(config_file.read_text())
    config["VoilaKernelManager"]["kernel_pools_config"]["probe.ipynb"] = {"pool_size": 1}
    config_file.write_text(json.dumps(config))
    port = _free_port()
    log = (work / "voila.log").open("w")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PARTNER_ANALYTICS_TOKEN", TOKEN)
        mp.setenv("PARTNER_ANALYTICS_PASSWORD", PASSWORD)
        mp.setenv("SOME_SERVICE_API_KEY", OTHER_SECRET)
        proc = S.start(
            runtime, port=port, ip="127.0.0.1", token=TOKEN, password=PASSWORD, allowed_hosts=[PROXY_NAME],
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    settings = [p for folder in runtime.private for p in folder.iterdir()]
    try:
        S.wait_for_server(f"http://127.0.0.1:{port}/login", timeout=STARTUP_SECONDS, process=proc)
        _wait_for_log(work / "voila.log", "Kernel pool of probe.ipynb is filled", proc)
        preheated, _ = _kernel_env(port, "probe")  # the kernel prepared before any request
        _, kernel = _kernel_env(port, "probe_cold")  # a kernel to open websockets to
        yield {
            "port": port, "proc": proc, "runtime": runtime, "settings": settings, "preheated": preheated,
            "kernel": kernel,
        }  # fmt: skip
    except (TimeoutError, RuntimeError) as exc:
        log.flush()
        pytest.fail(f"{exc}\n--- voila log ---\n{(work / 'voila.log').read_text()[-4000:]}")
    finally:
        S.stop_server(proc, timeout=20)
        log.close()
        runtime.cleanup()


def _wait_for_log(log: Path, line: str, proc) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while line not in log.read_text():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"no {line!r} in the server's log")
        time.sleep(0.2)


def _get(port: int, path: str, *, host: str | None = None, headers: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", path, headers={"Host": host or f"127.0.0.1:{port}", **(headers or {})})
        r = conn.getresponse()
        return r.status, dict(r.getheaders()), r.read().decode("utf-8", "replace")
    finally:
        conn.close()


AUTH = {"Authorization": f"token {TOKEN}"}


def _kernel_env(port: int, page: str) -> tuple[dict, str]:
    status, _, html = _get(port, f"/voila/render/{page}.ipynb?from=test", headers=AUTH)
    assert status == 200, html[:500]
    blob = re.search(r"ENV-BLOB ([A-Za-z0-9+/=]+)", html)
    assert blob, html[:2000]
    kernel_id = re.search(r'"kernelId": "([0-9a-f-]+)"', html).group(1)
    return json.loads(base64.b64decode(blob.group(1))), kernel_id


def _websocket_status(port: int, path: str, *, host: str, origin: str | None) -> int:
    lines = [
        f"GET {path} HTTP/1.1",
        f"Host: {host}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}",
        "Sec-WebSocket-Version: 13",
        f"Authorization: token {TOKEN}",
    ]
    if origin is not None:
        lines.append(f"Origin: {origin}")
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        first = s.recv(200).split(b"\r\n", 1)[0].decode()
    return int(first.split()[1])


def _family(pid: int) -> list[int]:
    """``pid`` and every process descending from it."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


# --------------------------------------------------------------------------- secrets (issue item 4)


@pytest.mark.parametrize("page", ["probe", "probe_cold"])
def test_a_page_s_kernel_has_no_secret_in_its_environment(server, page):
    if page == "probe":  # prepared before the request, as every dashboard page is
        env = server["preheated"]
        assert env["VOILA_PREHEAT"] == "True"
    else:  # started for the request
        env, _ = _kernel_env(server["port"], page)
        assert env["VOILA_PREHEAT"] == "False"
    for name in ("PARTNER_ANALYTICS_TOKEN", "PARTNER_ANALYTICS_PASSWORD", "SOME_SERVICE_API_KEY"):
        assert name not in env
    text = json.dumps(env)
    for secret in (TOKEN, PASSWORD, OTHER_SECRET, "argon2:"):
        assert secret not in text


def test_a_token_in_a_page_address_logs_in_and_is_removed_before_any_kernel_sees_it(server):
    port = server["port"]
    status, headers, _ = _get(port, f"/voila/render/probe_cold.ipynb?token={TOKEN}&wave=2026-Q1")
    assert status == 302
    assert headers["Location"].endswith("/voila/render/probe_cold.ipynb?wave=2026-Q1")
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    # the browser follows with its login cookie: the page opens; the kernel's request
    # details (QUERY_STRING, VOILA_REQUEST_URL) hold the address without the token
    status, _, html = _get(port, "/voila/render/probe_cold.ipynb?wave=2026-Q1", headers={"Cookie": cookie})
    assert status == 200
    env = json.loads(base64.b64decode(re.search(r"ENV-BLOB ([A-Za-z0-9+/=]+)", html).group(1)))
    assert env["QUERY_STRING"] == "wave=2026-Q1"
    assert TOKEN not in json.dumps(env)
    # the preheated page: its replacement kernel is given the address of the request
    status, _, _ = _get(port, f"/voila/render/probe.ipynb?token={TOKEN}")
    assert status == 302
    env, _ = _kernel_env(port, "probe")
    assert TOKEN not in json.dumps(env)


@pytest.mark.skipif(not Path("/proc/self/cmdline").is_file(), reason="needs /proc (Linux)")
def test_no_command_line_of_the_server_or_its_kernels_holds_the_token_or_the_password_hash(server):
    family = _family(server["proc"].pid)
    assert len(family) >= 2  # the server and its kernels
    for pid in family:
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            environ = Path(f"/proc/{pid}/environ").read_bytes().decode("utf-8", "replace")
        except OSError:  # a process that ended meanwhile
            continue
        for secret in (TOKEN, PASSWORD, "argon2", "hashed_password"):
            assert secret not in cmdline, (pid, cmdline)
        for secret in (TOKEN, PASSWORD, OTHER_SECRET):
            assert secret not in environ, pid


def test_the_settings_file_is_private_and_gone_once_the_server_has_read_it(server):
    (settings,) = server["settings"]
    assert not settings.exists()  # the server deleted it after reading
    folder = settings.parent
    assert folder.is_dir() and (folder.stat().st_mode & 0o777) == 0o700


# --------------------------------------------------------------------------- DNS rebinding (item 12)


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", PROXY_NAME])
def test_the_pages_answer_to_the_names_the_server_was_started_for(server, host):
    port = server["port"]
    status, _, html = _get(port, "/", host=host.format(port=port), headers=AUTH)
    assert status == 200, html[:300]
    assert "voila/render/overview.ipynb" in html


@pytest.mark.parametrize(
    "path", ["/", "/voila/render/probe_cold.ipynb", "/login", "/voila/static/anything.js", "/api/kernels/x"]
)
@pytest.mark.parametrize("host", ["attacker.example:{port}", "attacker.example", "localhost.attacker.example:{port}"])
def test_a_foreign_host_name_is_refused_everywhere(server, path, host):
    port = server["port"]
    status, _, body = _get(port, path, host=host.format(port=port), headers=AUTH)
    assert status == 403
    assert "host name" in body


def test_a_kernel_websocket_opens_from_the_page_s_own_origin(server):
    port, kernel = server["port"], server["kernel"]
    own = f"127.0.0.1:{port}"
    assert _websocket_status(port, f"/api/kernels/{kernel}/channels", host=own, origin=f"http://{own}") == 101


@pytest.mark.parametrize(
    ("host", "origin"),
    [
        ("127.0.0.1:{port}", "http://attacker.example"),  # another site's page
        ("127.0.0.1:{port}", "http://127.0.0.1:1"),  # another port of this machine
        ("127.0.0.1:{port}", "null"),  # a file or a sandboxed frame
        ("attacker.example:{port}", "http://attacker.example:{port}"),  # rebinding: same-origin to the browser
    ],
)
@pytest.mark.parametrize("channel", ["/api/kernels/{kernel}/channels", "/voila/query/{kernel}"])
def test_a_websocket_from_another_origin_is_refused(server, host, origin, channel):
    port = server["port"]
    path = channel.format(kernel=server["kernel"])
    assert _websocket_status(port, path, host=host.format(port=port), origin=origin.format(port=port)) == 403
