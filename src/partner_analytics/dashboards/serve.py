"""Serve the dashboards with Voila: preheated kernels, a landing page, one command.

``partner-analytics dashboards PATH`` calls :func:`serve`, which

1. prepares a run folder (:func:`prepare`): the dashboard notebooks, a ``voila.json``
   (preheated kernels: each page is computed before anyone asks for it), and a Voila
   template ``partner-analytics`` holding the landing page (``/``: every dashboard with what
   it shows) and plotly's widget bundle as a static file (see
   :mod:`partner_analytics.dashboards.widgets`: the browser then loads plotly.js once per page,
   not once per figure);
2. starts Voila on that folder (:func:`start`) with the data package in the environment
   variable ``PARTNER_ANALYTICS_DATA``, on 127.0.0.1 unless told otherwise;
3. stops it and removes the run folder on Ctrl-C.

What the server is given, and how (see docs/dashboards.md, "Security"):

- The token and the password's hash never appear on a command line (``ps`` shows every
  command line to every local user): :func:`voila_command` writes them to a settings file
  created with mode 0600 in a private temporary folder, and the command names that file.
  The server process is this module run as a script (:func:`run_server`): it reads the
  file, deletes it, and starts Voila with those settings in memory. The folder is removed
  when the run ends (:meth:`Runtime.cleanup`).
- Secrets are not in the environment of the server, so not in its kernels' (a page could
  show them): :func:`voila_env` leaves out every variable :func:`is_secret_name` names. A
  page opened with ``?token=...`` is answered with a redirect to the same address without
  the token (the login cookie is set first), so the token never reaches the request
  details Voila hands to kernels (``QUERY_STRING``, ``VOILA_REQUEST_URL``).
- DNS rebinding: every request whose ``Host`` is not one of the names the server was
  started for, and every websocket whose ``Origin`` is another site, is refused with 403
  before any page, file or kernel is reached (:class:`HostRule`, :func:`host_rule`).

Where the notebooks come from: ``dashboards/`` of the source checkout the package runs
from (so an edit there shows on the next start); an installed package, which has no such
folder, writes the same one-cell notebooks from
:func:`partner_analytics.dashboards.notebook_source` (a test keeps the two equal).

Serving on an address other than the local machine needs a token (``?token=...`` in the
first URL; the browser keeps a cookie) or a password (a login page): :func:`check_access`.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

__all__ = [
    "LOCAL_ADDRESSES",
    "SECRET_ENV",
    "TEMPLATE_NAME",
    "HostRule",
    "Runtime",
    "check_access",
    "dashboards_source",
    "host_rule",
    "is_secret_name",
    "landing_page",
    "prepare",
    "run_server",
    "serve",
    "start",
    "stop_server",
    "voila_command",
    "voila_config",
    "voila_env",
    "wait_for_server",
]

#: Addresses that only the local machine can reach: no token or password needed.
LOCAL_ADDRESSES = ("127.0.0.1", "localhost", "::1")
#: The Voila template holding the landing page and the plotly bundle.
TEMPLATE_NAME = "partner-analytics"
#: Idle kernels without a browser attached are shut down after this many seconds.
CULL_IDLE_SECONDS = 3600
#: Addresses that mean "every address of this machine".
ANY_ADDRESS = ("0.0.0.0", "::", "")
#: Variables holding secrets that are never passed to the server or its kernels: the
#: dashboards' own, and Jupyter's. Any other variable whose name says it holds a secret
#: (:func:`is_secret_name`) is left out too.
SECRET_ENV = (
    "PARTNER_ANALYTICS_PASSWORD",
    "PARTNER_ANALYTICS_TOKEN",
    "JUPYTER_TOKEN",
    "JPY_API_TOKEN",
    "JUPYTERHUB_API_TOKEN",
)
_SECRET_NAME = re.compile(
    r"PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL", re.IGNORECASE
)
#: A host name the user may list (--allow-host): letters, digits, dots and dashes.
_HOST_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]{0,62})(\.[a-z0-9]([a-z0-9-]{0,62}))*$")


def is_secret_name(name: str) -> bool:
    """Whether an environment variable holds a secret: one of :data:`SECRET_ENV`, or a name
    containing PASSWORD, PASSWD, SECRET, TOKEN, API_KEY, ACCESS_KEY, PRIVATE_KEY or
    CREDENTIAL (any case)."""
    return name in SECRET_ENV or bool(_SECRET_NAME.search(name))


def check_access(ip: str, token: str | None = None, password: str | None = None) -> None:
    """Refuse to serve beyond the local machine without a token or a password.

    Raises
    ------
    ValueError
        When ``ip`` is not a local address and neither ``token`` nor ``password`` is given;
        the message says how to give one.
    """
    if ip in LOCAL_ADDRESSES or token or password:
        return
    raise ValueError(
        f"Serving the dashboards on {ip} makes them reachable from other machines; give a "
        "token (--token SOME-LONG-SECRET: open http://HOST:PORT/?token=SOME-LONG-SECRET) or a "
        "password (--password, asked for at start, or the environment variable "
        "PARTNER_ANALYTICS_PASSWORD), or serve on 127.0.0.1."
    )


def _normal_host(name: str) -> str:
    """A host name or address as compared: lower case, no trailing dot, addresses in their
    short form (``0:0:0:0:0:0:0:1`` is ``::1``)."""
    name = name.strip().lower().rstrip(".")
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    try:
        return str(ipaddress.ip_address(name))
    except ValueError:
        return name


def _host_of(host_header: str) -> str:
    """The host of a ``Host`` header (``name:port``, ``[v6]:port``), normalised."""
    h = host_header.strip()
    if h.startswith("["):
        return _normal_host(h[: h.find("]") + 1] if "]" in h else h)
    name, sep, port = h.rpartition(":")
    if sep and port.isdigit() and ":" not in name:
        h = name
    return _normal_host(h)


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class HostRule:
    """Which ``Host`` and websocket ``Origin`` headers the server answers.

    A page of another site can reach a server on this machine through a name of its own
    that it points at 127.0.0.1 (DNS rebinding); the browser then sends that name as
    ``Host`` and the site as ``Origin``. Only the names the server was started for are
    answered (``names``; on every address, ``any_address``: also any IP address, which a
    browser sends only when a person typed it). A websocket must come from the page's own
    address (``Origin`` equal to ``Host``) or from one of ``proxies``, the names the user
    listed (a reverse proxy forwarding another name).
    """

    names: frozenset[str]
    any_address: bool = False
    proxies: frozenset[str] = frozenset()

    def host_allowed(self, host_header: str | None) -> bool:
        if not host_header:  # no browser sends a request without one
            return True
        host = _host_of(host_header)
        return host in self.names or (self.any_address and _is_address(host))

    def origin_allowed(self, origin: str | None, host_header: str | None) -> bool:
        if origin is None:  # not a browser: scripts send none
            return True
        parts = urlsplit(origin.strip().lower())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return False  # "null" (a file, a sandboxed frame) and anything odd
        if host_header and parts.netloc == host_header.strip().lower():
            return True
        return _normal_host(parts.hostname or "") in self.proxies

    def refusal(self, headers) -> str | None:
        """Why a request with these headers is refused (None: it is answered)."""
        host = headers.get("Host")
        if not self.host_allowed(host):
            return "this server does not answer to that host name"
        if headers.get("Upgrade", "").lower() == "websocket" and not self.origin_allowed(headers.get("Origin"), host):
            return "websocket from another site refused"
        return None


def host_rule(ip: str, allowed_hosts=()) -> HostRule:
    """The :class:`HostRule` of a server on ``ip``, with the extra names ``allowed_hosts``.

    127.0.0.1, localhost, ::1: those three names. Another address or name: that one. Every
    address (0.0.0.0, ::): the three local names, this machine's name, and any IP address.
    The names listed are accepted in ``Host`` and, for a proxy, in a websocket's ``Origin``.

    Raises
    ------
    ValueError
        For a listed name that is not a host name or an address (a port, a path, a pattern).
    """
    extra = set()
    for name in allowed_hosts:
        host = _normal_host(str(name))
        if not (_is_address(host) or _HOST_NAME.match(host)):
            raise ValueError(
                f"{name!r} is not a host name: give a name such as dashboards.example.org or an "
                "address such as 10.1.2.3, without a port or a path"
            )
        extra.add(host)
    names = set(extra)
    any_address = ip in ANY_ADDRESS
    if any_address or ip in LOCAL_ADDRESSES:
        names |= {_normal_host(a) for a in LOCAL_ADDRESSES}
    if any_address:
        names |= {_normal_host(socket.gethostname()), _normal_host(socket.getfqdn())}
    else:
        names.add(_normal_host(ip))
    return HostRule(frozenset(names), any_address, frozenset(extra))


def dashboards_source() -> Path | None:
    """``dashboards/`` of the source checkout this package runs from, if there is one."""
    root = Path(__file__).resolve().parents[3]
    folder = root / "dashboards"
    if (folder / "overview.ipynb").is_file() and (root / "pyproject.toml").is_file():
        return folder
    return None


def _notebook(source: str) -> str:
    """A one-cell notebook (no outputs) as JSON text."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    cell = nbformat.v4.new_code_cell(source)
    cell.pop("id", None)
    nb.cells = [cell]
    nb.nbformat_minor = 4
    return nbformat.writes(nb)


def voila_config(*, pool_size: int = 1, fill_delay: float = 5.0) -> dict:
    """The ``voila.json`` of the run folder.

    Preheated kernels (``preheat_kernel``, ``pool_size`` per page): Voila runs each page
    ahead of the first request, so a page opens in the time the browser needs to draw it.
    A kernel handed to a browser is replaced ``fill_delay`` seconds later (not at once, so
    that preparing the next one does not slow down the page being opened). Tracebacks are
    never sent to the browser; kernels left without a browser for an hour are shut down.
    """
    return {
        "VoilaConfiguration": {
            "preheat_kernel": True,
            "show_tracebacks": False,
            "template": TEMPLATE_NAME,
            "classic_tree": True,
            "theme": "light",
        },
        "VoilaKernelManager": {
            "kernel_pools_config": {"default": {"pool_size": pool_size}},
            "fill_delay": float(fill_delay),
        },
        "MappingKernelManager": {
            "cull_idle_timeout": CULL_IDLE_SECONDS,
            "cull_interval": 300,
            "cull_connected": False,
        },
    }


def landing_page(title: str, data: str = "", min_n: int | None = None) -> str:
    """The landing page (a Jinja template Voila renders at ``/``): every dashboard, what it
    shows, and a link to it (with the token query when there is one)."""
    import html

    from partner_analytics.dashboards import PAGES
    from partner_analytics.dashboards.layout import css
    from partner_analytics.data.validate import DEFAULT_MIN_N

    min_n = DEFAULT_MIN_N if min_n is None else min_n

    items = "".join(
        f'<li><a href="{{{{ base_url }}}}voila/render/{name}.ipynb{{% if query %}}?{{{{ query }}}}{{% endif %}}">'
        f'<span class="pa-landing-title">{html.escape(t)}</span>'
        f'<span class="pa-landing-desc">{html.escape(desc)}</span></a></li>'
        for name, (t, desc) in PAGES.items()
    )
    source = f"<p class='pa-note'>Data: {html.escape(data)}</p>" if data else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}: dashboards</title>
<style>{{% raw %}}{css()}
.pa-landing {{ list-style: none; padding: 0; display: grid;
  grid-template-columns: repeat(auto-fit, minmax(380px, 1fr)); gap: 16px; }}
.pa-landing a {{ display: block; text-decoration: none; color: #222; background: #fff;
  border: 1px solid #d9dee4; border-left: 8px solid #17324d; border-radius: 6px; padding: 16px 20px; }}
.pa-landing a:hover {{ border-left-color: #f1c232; background: #f7f9fb; }}
.pa-landing-title {{ display: block; font-size: 26px; font-weight: 600; color: #17324d; }}
.pa-landing-desc {{ display: block; font-size: 17px; margin-top: 6px; color: #4a4a4a; }}
body {{ background: #f4f6f8; margin: 0; }}
{{% endraw %}}</style></head>
<body><div class="pa-dashboard">
<div class="pa-titlebar"><div><span class="pa-name">{html.escape(title)}</span>
<span class="pa-page"> · Dashboards</span></div></div>
<ul class="pa-landing">{items}</ul>
{source}
<p class="pa-note">Numbers resting on fewer than {min_n} people read “n &lt; {min_n}”.</p>
</div></body></html>
"""


@dataclass
class Runtime:
    """A prepared run folder: where the notebooks, config and template are."""

    root: Path
    notebooks: Path
    data: Path | None
    plotly_bundle: str
    temporary: bool = True
    names: list[str] = field(default_factory=list)
    #: Private folders holding a server's settings file (removed by :meth:`cleanup`).
    private: list[Path] = field(default_factory=list)

    def cleanup(self) -> None:
        for folder in self.private:
            shutil.rmtree(folder, ignore_errors=True)
        self.private.clear()
        if self.temporary:
            shutil.rmtree(self.root, ignore_errors=True)


def _plotly_bundle() -> tuple[Path, str]:
    """plotly's widget bundle and the file name it is served under (versioned)."""
    import plotly

    bundle = Path(plotly.__file__).parent / "package_data" / "widgetbundle.js"
    return bundle, f"plotly-widget-{plotly.__version__}.js"


def prepare(
    data: str | os.PathLike | None,
    *,
    root: str | os.PathLike | None = None,
    extra_notebooks: dict[str, str] | None = None,
    pool_size: int = 1,
    fill_delay: float = 5.0,
) -> Runtime:
    """Write the run folder: notebooks, ``voila.json``, the template with the landing page.

    Parameters
    ----------
    data : path or None
        The data package (None: the sample of the source checkout).
    root : path, optional
        Where to write (default: a new temporary folder, removed by :meth:`Runtime.cleanup`).
    extra_notebooks : dict, optional
        More one-cell notebooks to serve, name -> code (benchmarks add a one-cell page as
        the floor; tests add a page on a broken package). They are not on the landing page.
    pool_size, fill_delay
        Preheated kernels per page, and the seconds before a used one is replaced (see
        :func:`voila_config`).
    """
    from partner_analytics.dashboards import PAGES, data_path, notebook_source, package_settings, package_title

    temporary = root is None
    base = Path(tempfile.mkdtemp(prefix="partner-analytics-dashboards-")) if root is None else Path(root)
    base.mkdir(parents=True, exist_ok=True)
    notebooks = base / "dashboards"
    if notebooks.exists():
        shutil.rmtree(notebooks)
    notebooks.mkdir()
    src = dashboards_source()
    for name in PAGES:
        target = notebooks / f"{name}.ipynb"
        if src is not None and (src / f"{name}.ipynb").is_file():
            shutil.copyfile(src / f"{name}.ipynb", target)
        else:
            target.write_text(_notebook(notebook_source(name)), encoding="utf-8")
    for name, code in (extra_notebooks or {}).items():
        (notebooks / f"{name}.ipynb").write_text(_notebook(code), encoding="utf-8")

    (base / "voila.json").write_text(json.dumps(voila_config(pool_size=pool_size, fill_delay=fill_delay), indent=2), encoding="utf-8")

    resolved = data_path(data)
    resolved = resolved.resolve() if resolved is not None else _sample_for_installed_package(base)
    template = base / "share" / "jupyter" / "voila" / "templates" / TEMPLATE_NAME
    (template / "static").mkdir(parents=True, exist_ok=True)
    (template / "conf.json").write_text(json.dumps({"base_template": "lab"}), encoding="utf-8")
    settings = package_settings(resolved)
    page = landing_page(
        package_title(resolved), str(resolved) if resolved else "", settings.get("min_n")
    )
    for name in ("tree.html", "tree-lab.html"):
        (template / name).write_text(page, encoding="utf-8")
    bundle, served = _plotly_bundle()
    if bundle.is_file():
        shutil.copyfile(bundle, template / "static" / served)
        bundle_path = f"voila/static/{served}"
    else:  # pragma: no cover - plotly without its widget bundle: plain FigureWidgets
        bundle_path = ""
    return Runtime(
        root=base,
        notebooks=notebooks,
        data=resolved,
        plotly_bundle=bundle_path,
        temporary=temporary,
        names=[*PAGES, *(extra_notebooks or {})],
    )


def _write_settings(runtime: Runtime, settings: dict) -> Path:
    """Write the server's settings to a new file only its owner can read (mode 0600) in a
    new private folder (mode 0700) that :meth:`Runtime.cleanup` removes."""
    folder = Path(tempfile.mkdtemp(prefix="partner-analytics-server-"))
    runtime.private.append(folder)
    path = folder / "server.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(settings, fh)
    return path


def voila_command(
    runtime: Runtime,
    *,
    port: int = 8866,
    ip: str = "127.0.0.1",
    token: str | None = None,
    password: str | None = None,
    open_browser: bool = False,
    allowed_hosts=(),
) -> list[str]:
    """The command serving the run folder (checked by :func:`check_access`).

    The command runs this module (:func:`run_server`) with Voila's options. The token, the
    password's hash (argon2; never the password) and the host names to answer
    (:func:`host_rule`) go into a settings file written with mode 0600 in a private folder:
    the command line, which every local user can read, holds neither token nor hash.
    """
    check_access(ip, token, password)
    rule = host_rule(ip, allowed_hosts)
    hashed = ""
    if password:
        from jupyter_server.auth import passwd

        hashed = passwd(password)
    settings = _write_settings(
        runtime,
        {
            "token": token or "",
            "hashed_password": hashed,
            "hosts": sorted(rule.names),
            "any_address": rule.any_address,
            "proxies": sorted(rule.proxies),
        },
    )
    # __name__ is this module's import name here (run as a script it is "__main__")
    cmd = [
        sys.executable,
        "-m",
        __name__,
        str(settings),
        str(runtime.notebooks),
        f"--port={int(port)}",
        f"--Voila.ip={ip}",
        "--Voila.port_retries=0",
    ]
    if not open_browser:
        cmd.append("--no-browser")
    return cmd


def voila_env(runtime: Runtime, base: dict | None = None) -> dict[str, str]:
    """The environment of the server (and so of every kernel): the data package, the
    template folder and where plotly's bundle is served; no secret (:func:`is_secret_name`)."""
    from partner_analytics.dashboards import DATA_ENV
    from partner_analytics.dashboards.widgets import PLOTLY_WIDGET_ENV

    env = {k: v for k, v in (os.environ if base is None else base).items() if not is_secret_name(k)}
    share = str(runtime.root / "share" / "jupyter")
    env["JUPYTER_PATH"] = os.pathsep.join([share, *filter(None, [env.get("JUPYTER_PATH", "")])])
    if runtime.data is not None:
        env[DATA_ENV] = str(runtime.data)
    if runtime.plotly_bundle:
        env[PLOTLY_WIDGET_ENV] = runtime.plotly_bundle
    else:
        env.pop(PLOTLY_WIDGET_ENV, None)
    env.setdefault("PYTHONWARNINGS", "ignore")
    return env


def start(runtime: Runtime, *, stdout=None, stderr=None, **options) -> subprocess.Popen:
    """Start Voila on the run folder (options: see :func:`voila_command`); returns the process."""
    return subprocess.Popen(
        voila_command(runtime, **options),
        cwd=runtime.root,
        env=voila_env(runtime),
        stdout=stdout,
        stderr=stderr,
    )


def stop_server(proc: subprocess.Popen, *, timeout: float = 15.0) -> int:
    """Stop a server started by :func:`start` (killed if it has not ended within
    ``timeout`` seconds); its exit code."""
    proc.terminate()
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


def wait_for_server(url: str, *, timeout: float = 60.0, process: subprocess.Popen | None = None) -> None:
    """Wait until ``url`` answers (raises TimeoutError, or RuntimeError if ``process`` died)."""
    deadline = time.monotonic() + timeout
    while True:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the dashboard server stopped with exit code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status < 500:
                    return
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"the dashboard server did not answer at {url} within {timeout:.0f} s")
        time.sleep(0.25)


def serve(
    data: str | os.PathLike | None = None,
    *,
    port: int = 8866,
    ip: str = "127.0.0.1",
    token: str | None = None,
    password: str | None = None,
    open_browser: bool = True,
    allowed_hosts=(),
    echo=print,
) -> int:
    """Serve every dashboard until interrupted; returns Voila's exit code.

    ``allowed_hosts``: more host names the server answers to (see :func:`host_rule`).
    """
    check_access(ip, token, password)
    host_rule(ip, allowed_hosts)  # a bad name stops here, before anything is written
    runtime = prepare(data)
    previous = signal.getsignal(signal.SIGTERM)
    try:
        host = socket.gethostname() if ip in ANY_ADDRESS else ip
        host = f"[{host}]" if ":" in host else host
        query = f"?token={token}" if token else ""
        echo(f"Dashboards of {runtime.data} at http://{host}:{port}/{query}  (Ctrl-C stops them)")
        proc = start(
            runtime, port=port, ip=ip, token=token, password=password, open_browser=open_browser,
            allowed_hosts=allowed_hosts,
        )  # fmt: skip

        def stop(_signum, _frame):  # a SIGTERM stops the server like Ctrl-C does
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        try:
            return proc.wait()
        except KeyboardInterrupt:
            return stop_server(proc)
    finally:
        signal.signal(signal.SIGTERM, previous)
        runtime.cleanup()


def _sample_for_installed_package(root: Path) -> Path:
    """Write the sample partnership next to the run folder (an installed package has none)."""
    from partner_analytics.sample import write_sample

    return Path(write_sample(root / "sample", seed=0)).resolve()


# --------------------------------------------------------------------------- the server process


def _voila_class(rule: HostRule):
    """Voila, refusing what ``rule`` refuses and taking tokens out of page addresses."""
    from tornado.routing import Matcher, Rule
    from tornado.web import RequestHandler
    from voila.app import Voila
    from voila.handler import BaseVoilaHandler

    class Refused(RequestHandler):
        """403 and one line, before any page, file, kernel or login is reached."""

        def prepare(self):
            self.set_status(403)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish((rule.refusal(self.request.headers) or "refused") + "\n")

    class Unwelcome(Matcher):
        def match(self, request):
            return {} if rule.refusal(request.headers) is not None else None

    class WithoutTokenInAddress:
        """A page asked for with ``?token=...``: once the token has logged the browser in
        (a cookie), redirect to the same address without it, so that the token is not in
        the request details Voila gives the page's kernel."""

        async def prepare(self, *args, **kwargs):
            result = await super().prepare(*args, **kwargs)
            if (
                not self._finished
                and self.request.method in ("GET", "HEAD")
                and "token" in self.request.query_arguments
                and self.current_user is not None
            ):
                rest = [(k, v) for k, v in parse_qsl(self.request.query, keep_blank_values=True) if k != "token"]
                path = "/" + self.request.path.lstrip("/")  # never //other-site
                self.redirect(path + (f"?{urlencode(rest)}" if rest else ""))
            return result

    def without_token(handler):
        name = f"{handler.__name__}WithoutToken"
        return type(name, (WithoutTokenInAddress, handler), {})

    class Server(Voila):
        def init_handlers(self):
            out = []
            for spec in super().init_handlers():
                pattern, handler, *rest = spec
                if isinstance(handler, type) and issubclass(handler, BaseVoilaHandler):
                    handler = without_token(handler)
                out.append((pattern, handler, *rest))
            return out

        def listen(self):
            # first rule of the application: checked before every handler
            self.app.default_router.rules.insert(0, Rule(Unwelcome(), Refused))
            super().listen()

    return Server


def run_server(argv: list[str]) -> int:
    """The server process: ``python -m partner_analytics.dashboards.serve SETTINGS VOILA-OPTIONS``.

    Reads the settings file that :func:`voila_command` wrote (token, password hash, host
    names), deletes it, removes secrets from its own environment (kernels inherit it), and
    runs Voila with the options and the settings, which stay in memory.
    """
    from traitlets.config import Config

    path, voila_args = Path(argv[0]), argv[1:]
    settings = json.loads(path.read_text(encoding="utf-8"))
    path.unlink(missing_ok=True)
    for name in [n for n in os.environ if is_secret_name(n)]:
        del os.environ[name]
    rule = HostRule(frozenset(settings["hosts"]), bool(settings["any_address"]), frozenset(settings["proxies"]))
    app = _voila_class(rule).instance()
    app.initialize(voila_args)
    config = Config()
    if settings["token"]:
        config.Voila.token = settings["token"]
    if settings["hashed_password"]:
        config.PasswordIdentityProvider.hashed_password = settings["hashed_password"]
    app.update_config(config)
    app.start()
    return 0


if __name__ == "__main__":  # the server process started by voila_command
    sys.exit(run_server(sys.argv[1:]))
