"""`mkdocs serve` while an editor works: an edit shows, memory stays flat over many rebuilds, and an
invalid catalogue leaves the preview answering (last valid version) with the located problem in
the terminal."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import BUILD_ENV, FIXTURES, copy_project

RECORD = Path("catalogue") / "communities" / "codeveloppeurs.yml"
PAGE = "communautes/codeveloppeurs/"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, timeout: float = 5) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, OSError):
        return None


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def _h1(html: str) -> str:
    return BeautifulSoup(html, "html5lib").find("h1").get_text(strip=True)


class Server:
    def __init__(self, project: Path, log):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = log
        self.proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-f", str(project / "mkdocs.yml"),
                                      "-a", f"127.0.0.1:{self.port}"], cwd=project, stdout=log, stderr=log,
                                     env={**BUILD_ENV, "PYTHONUNBUFFERED": "1"})

    def wait_for(self, predicate, timeout: float = 60):
        """Poll the record's page until predicate(h1 text) holds; seconds waited."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            assert self.proc.poll() is None, self.output()
            html = _get(self.url + PAGE)
            if html is not None and predicate(_h1(html)):
                return time.monotonic() - start
            time.sleep(0.05)
        raise AssertionError(f"timeout\n{self.output()[-3000:]}")

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def served(tmp_path):
    project = copy_project(FIXTURES / "mini", tmp_path / "project")
    with tempfile.TemporaryFile() as log:
        server = Server(project, log)
        try:
            server.wait_for(lambda h1: True, timeout=120)
            time.sleep(1)  # let the watcher settle after the first build
            yield project, server
        finally:
            server.stop()


def _set_title(project: Path, title: str) -> None:
    path = project / RECORD
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(f"title: {title}\n" if line.startswith("title:") else line for line in lines),
                    encoding="utf-8")


def test_memory_stays_flat_over_many_edits(served):
    project, server = served
    samples = []
    for n in range(32):
        _set_title(project, f"Codéveloppeurs, version {n}")
        server.wait_for(lambda h1, n=n: h1 == f"Codéveloppeurs, version {n}")
        time.sleep(0.3)  # the rebuild's search index runs in the background: let it finish
        samples.append(_rss_kb(server.proc.pid))
    baseline = max(samples[2:6])  # after the first rebuilds
    print("RSS samples (kB):", samples)
    assert max(samples[6:]) - baseline < 20 * 1024, samples


def test_invalid_catalogue_keeps_the_preview_answering(served):
    project, server = served
    path = project / RECORD
    valid = path.read_text(encoding="utf-8")
    _set_title(project, "Version valide")
    server.wait_for(lambda h1: h1 == "Version valide")
    path.write_text(valid.replace("published:", "published: 2024-02-31\nancien:"), encoding="utf-8")
    time.sleep(1.5)  # the watcher sees the change and the rebuild runs
    for _ in range(3):
        start = time.monotonic()
        html = _get(server.url + PAGE, timeout=10)
        assert html is not None and time.monotonic() - start < 2, server.output()[-3000:]
        assert _h1(html) == "Version valide"  # the last valid version
    log = server.output()
    assert "catalogue/communities/codeveloppeurs.yml:" in log and "ancien" in log, log[-3000:]
    # Fixed again: the preview follows.
    path.write_text(valid, encoding="utf-8")
    _set_title(project, "Corrigée")
    server.wait_for(lambda h1: h1 == "Corrigée")
