"""Serve the dashboards with Voila: preheated kernels, a landing page, one command.

``partner-analytics dashboards PATH`` calls :func:`serve`, which

1. prepares a run folder (:func:`prepare`): the dashboard notebooks, a ``voila.json``
   (preheated kernels: each page is computed before anyone asks for it), and a Voila
   template ``partner-analytics`` holding the landing page (``/``: every dashboard with what
   it shows) and plotly's widget bundle as a static file (see
   :mod:`partner_analytics.pages.widgets`: the browser then loads plotly.js once per page,
   not once per figure);
2. starts ``voila`` on that folder (:func:`start`) with the data package in the environment
   variable ``PARTNER_ANALYTICS_DATA``, on 127.0.0.1 unless told otherwise;
3. stops it and removes the run folder on Ctrl-C.

Where the notebooks come from: ``dashboards/`` of the source checkout the package runs
from (so an edit there shows on the next start); an installed package, which has no such
folder, writes the same one-cell notebooks from
:func:`partner_analytics.pages.dashboards.notebook_source` (a test keeps the two equal).

Serving on an address other than the local machine needs a token (``?token=...`` in the
first URL; the browser keeps a cookie) or a password (a login page): :func:`check_access`.
"""

from __future__ import annotations

import json
import os
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

__all__ = [
    "LOCAL_ADDRESSES",
    "TEMPLATE_NAME",
    "Runtime",
    "check_access",
    "dashboards_source",
    "landing_page",
    "prepare",
    "serve",
    "start",
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


def landing_page(title: str, data: str = "") -> str:
    """The landing page (a Jinja template Voila renders at ``/``): every dashboard, what it
    shows, and a link to it (with the token query when there is one)."""
    import html

    from partner_analytics.dashboards import PAGES
    from partner_analytics.dashboards.layout import css

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
<p class="pa-note">Numbers resting on fewer than 3 people read “n &lt; 3”.</p>
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

    def cleanup(self) -> None:
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
    from partner_analytics.dashboards import PAGES, data_path, notebook_source, package_title

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
    page = landing_page(package_title(resolved), str(resolved) if resolved else "")
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


def _voila_executable() -> list[str]:
    exe = Path(sys.executable).with_name("voila")
    return [str(exe)] if exe.is_file() else [sys.executable, "-m", "voila"]


def voila_command(
    runtime: Runtime,
    *,
    port: int = 8866,
    ip: str = "127.0.0.1",
    token: str | None = None,
    password: str | None = None,
    open_browser: bool = False,
) -> list[str]:
    """The ``voila`` command line serving the run folder (checked by :func:`check_access`)."""
    check_access(ip, token, password)
    cmd = [
        *_voila_executable(),
        str(runtime.notebooks),
        f"--port={int(port)}",
        f"--Voila.ip={ip}",
        "--Voila.port_retries=0",
    ]
    if not open_browser:
        cmd.append("--no-browser")
    if token:
        cmd.append(f"--Voila.token={token}")
    if password:
        from jupyter_server.auth import passwd

        cmd.append(f"--PasswordIdentityProvider.hashed_password={passwd(password)}")
    return cmd


def voila_env(runtime: Runtime, base: dict | None = None) -> dict[str, str]:
    """The environment of the server (and so of every kernel): the data package, the
    template folder and where plotly's bundle is served."""
    from partner_analytics.dashboards import DATA_ENV
    from partner_analytics.dashboards.widgets import PLOTLY_WIDGET_ENV

    env = dict(os.environ if base is None else base)
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
    echo=print,
) -> int:
    """Serve every dashboard until interrupted; returns Voila's exit code."""
    check_access(ip, token, password)
    runtime = prepare(data)
    host = socket.gethostname() if ip in ("0.0.0.0", "::", "") else ip
    query = f"?token={token}" if token else ""
    echo(f"Dashboards of {runtime.data} at http://{host}:{port}/{query}  (Ctrl-C stops them)")
    proc = start(runtime, port=port, ip=ip, token=token, password=password, open_browser=open_browser)

    def stop(_signum, _frame):  # a SIGTERM stops the server like Ctrl-C does
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        try:
            return proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            return proc.wait()
    finally:
        signal.signal(signal.SIGTERM, previous)
        runtime.cleanup()


def _sample_for_installed_package(root: Path) -> Path:
    """Write the sample partnership next to the run folder (an installed package has none)."""
    from partner_analytics.sample import write_sample

    return Path(write_sample(root / "sample", seed=0)).resolve()
