"""Shared fixtures: sites built once per test session, and HTML parsing helpers."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MKDOCS = [sys.executable, "-m", "mkdocs"]
BUILD_ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1733788800", "NO_MKDOCS_2_WARNING": "1"}


@pytest.fixture
def catalogue(tmp_path) -> Path:
    """A valid copy of the mini fixture's catalogue that a test may break."""
    root = tmp_path / "catalogue"
    shutil.copytree(FIXTURES / "mini" / "catalogue", root)
    return root


def check(root: Path, capsys, *extra: str) -> tuple[int, list[str]]:
    """`campus check ROOT [extra]` in this process: its exit code and the lines it printed."""
    from mkdocs_campus.commands.cli import main
    code = main(["check", str(root), *extra])
    out = capsys.readouterr().out
    return code, out.strip().splitlines()


def build_site(config: Path, out: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """`mkdocs build --strict` of a config into `out`; returns the finished process."""
    return subprocess.run([*MKDOCS, "build", "--strict", "-f", str(config), "-d", str(out)],
                          capture_output=True, text=True, env=env or BUILD_ENV, cwd=config.parent)


def copy_project(source: Path, target: Path) -> Path:
    """Copy a fixture project (mkdocs.yml, catalogue/, content/) so a test may change it.

    The copy's mkdocs.yml inherits the real configuration by absolute path.
    """
    shutil.copytree(source, target)
    config = target / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("INHERIT: ../../../mkdocs.yml", f"INHERIT: {ROOT / 'mkdocs.yml'}")
    text = text.replace("custom_dir: ../../../theme", f"custom_dir: {ROOT / 'theme'}")
    config.write_text(text, encoding="utf-8")
    return target


def parse(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html5lib")


@pytest.fixture(scope="session")
def mini_site(tmp_path_factory) -> Path:
    """The fixture catalogue tests/fixtures/mini built into a folder."""
    out = tmp_path_factory.mktemp("mini-site")
    result = build_site(FIXTURES / "mini" / "mkdocs.yml", out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Path:
    """The real catalogue and content built with the real mkdocs.yml."""
    out = tmp_path_factory.mktemp("real-site")
    result = build_site(ROOT / "mkdocs.yml", out)
    assert result.returncode == 0, result.stderr
    return out


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def chromium():
    """One headless Debian Chromium for every browser test of the session (`make test` installs it)."""
    if not CHROMIUM.exists():
        pytest.fail("Chromium manque (/usr/bin/chromium) : `make test` l'installe (apt-get install chromium).")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def free_port() -> int:
    """A loopback port free at the time of asking (for a server another process starts)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder without a line per request in pytest's output."""

    def log_message(self, *args):
        pass


class FolderServer(http.server.ThreadingHTTPServer):
    """A folder (or a given handler) served on 127.0.0.1 by a thread; `origin` is its address
    without the final slash. A page closed mid-transfer (its browser context closed) is not an
    error of the site, and prints nothing."""

    def __init__(self, root: Path | None = None, handler=None):
        super().__init__(("127.0.0.1", 0), handler or functools.partial(QuietHandler, directory=str(root)))
        threading.Thread(target=self.serve_forever, daemon=True).start()
        self.origin = f"http://127.0.0.1:{self.server_port}"

    def url(self, path: str = "") -> str:
        return f"{self.origin}/{path}"

    def handle_error(self, request, client_address):
        pass

    def close(self) -> None:
        self.shutdown()
        self.server_close()

    def __exit__(self, *exc):
        self.close()


class LinkHandler(http.server.BaseHTTPRequestHandler):
    """Answers 200 for /existe and 404 for any other path, and records the paths asked."""

    requests: list[str] = []

    def do_HEAD(self):
        LinkHandler.requests.append(self.path)
        self.send_response(200 if self.path == "/existe" else 404)
        self.end_headers()

    do_GET = do_HEAD

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    """A loopback server for external link checks (`campus links --external`, `campus review
    --external`): its address; `LinkHandler.requests` lists what was asked."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), LinkHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    LinkHandler.requests.clear()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
