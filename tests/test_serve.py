"""`mkdocs serve` while an editor works: an edit shows, memory stays flat over many rebuilds, and an
invalid catalogue leaves the preview answering (last valid version) with the located problem in
the terminal."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urljoin
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup

from conftest import BUILD_ENV, FIXTURES, copy_project, free_port

RECORD = Path("catalogue") / "communities" / "codeveloppeurs.yml"
PAGE = "communautes/codeveloppeurs/"


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
    def __init__(self, project: Path, log, dirty: bool = False):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = log
        self.proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", *(["--dirty"] if dirty else []),
                                      "-f", str(project / "mkdocs.yml"),
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
def served(tmp_path, request):
    project = copy_project(FIXTURES / "mini", tmp_path / "project")
    with tempfile.TemporaryFile() as log:
        server = Server(project, log, dirty=getattr(request, "param", False))
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


def _links(server: Server, page: str) -> set[str] | None:
    """Pages a served page links to (site paths), or None when it is not found."""
    html = _get(server.url + page)
    if html is None:
        return None
    base = server.url + page
    return {urljoin(base, a["href"])[len(server.url):] for a in BeautifulSoup(html, "html5lib").find_all("a", href=True)}


def _until(check, server: Server, timeout: float = 60) -> None:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        assert server.proc.poll() is None, server.output()[-3000:]
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(server.output()[-3000:])


@pytest.mark.parametrize("served", [False, True], ids=["serve", "serve --dirty"], indirect=True)
def test_preview_follows_added_renamed_deleted_records_and_themes(served):
    project, server = served
    catalogue = project / "catalogue"
    (catalogue / "tools" / "nouvel-outil.yml").write_text(
        "title: Un nouvel outil\nsummary: Ajouté pendant l'aperçu.\nkind: guide\ncommunities: [codeveloppeurs]\n"
        "themes: [facilitation]\npublished: 2025-01-02\nsources: [article-campus]\n", encoding="utf-8")
    # Both ways: the community lists the tool that names it; the listing and the theme show it.
    _until(lambda: "outils/nouvel-outil/" in (_links(server, "communautes/codeveloppeurs/") or set())
           and "outils/nouvel-outil/" in (_links(server, "outils/") or set())
           and "outils/nouvel-outil/" in (_links(server, "thematiques/facilitation/") or set()), server)
    assert _h1(_get(server.url + "outils/nouvel-outil/")) == "Un nouvel outil"

    trainings = catalogue / "trainings"
    (trainings / "hostile.yml").rename(trainings / "hostile-renommee.yml")
    _until(lambda: _get(server.url + "formations/hostile/") is None
           and "formations/hostile-renommee/" in (_links(server, "formations/") or set())
           and "formations/hostile/" not in _links(server, "formations/"), server)

    (catalogue / "tools" / "nouvel-outil.yml").unlink()
    _until(lambda: _get(server.url + "outils/nouvel-outil/") is None
           and "outils/nouvel-outil/" not in (_links(server, "communautes/codeveloppeurs/") or {"outils/nouvel-outil/"})
           and "outils/nouvel-outil/" not in (_links(server, "outils/") or {"outils/nouvel-outil/"}), server)

    themes = catalogue / "themes.yml"
    themes.write_text(themes.read_text(encoding="utf-8").replace("title: Facilitation", "title: Facilitation et animation"),
                      encoding="utf-8")
    _until(lambda: (html := _get(server.url + "thematiques/facilitation/")) is not None
           and _h1(html).startswith("Facilitation et animation")
           and "Facilitation et animation" in BeautifulSoup(_get(server.url + "communautes/facilitateurs-publics/") or "",
                                                            "html5lib").get_text(), server)
    # The search index, rebuilt in the background after each build, is served too.
    _until(lambda: _get(server.url + "pagefind/pagefind-entry.json") is not None, server)


def _exported_titles(server: Server) -> tuple[set[str], set[str]]:
    """Record titles in the served open data (campus.json) and in the Atom feed."""
    data, feed = _get(server.url + "donnees/campus.json"), _get(server.url + "feed.xml")
    if data is None or feed is None:
        return set(), set()
    atom = "{http://www.w3.org/2005/Atom}"
    return ({record["fields"]["title"] for record in json.loads(data)["records"]},
            {entry.findtext(f"{atom}title") for entry in ElementTree.fromstring(feed).iter(f"{atom}entry")})


@pytest.mark.parametrize("served", [False, True], ids=["serve", "serve --dirty"], indirect=True)
def test_open_data_and_feed_follow_an_edit(served):
    """The edited page is served first; the open data and the feed, computed after it, follow."""
    project, server = served
    for n in range(2):  # twice: the second rebuild starts from exports written in the background
        title = f"Codéveloppeurs exportés {n}"
        _set_title(project, title)
        server.wait_for(lambda h1, title=title: h1 == title)
        _until(lambda title=title: all(title in titles for titles in _exported_titles(server)), server)
        data, feed = _exported_titles(server)
        assert f"Codéveloppeurs exportés {1 - n}" not in data | feed


def _alive(pid: int) -> bool:
    """Whether a process runs (a zombie waiting for its parent does not)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def test_stopping_the_preview_stops_its_search_indexer(tmp_path):
    """Ctrl-C on `mkdocs serve` while the background search index is being built must not leave
    Pagefind running (it used to go on for about 20 s at 10,000 records)."""
    project = copy_project(FIXTURES / "mini", tmp_path / "project")
    pid_file = tmp_path / "pagefind.pid"
    slow = tmp_path / "slow-pagefind"
    slow.write_text(f"#!/bin/sh\necho $$ > {pid_file}\nexec sleep 120\n")
    slow.chmod(0o755)
    port = free_port()
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-f", str(project / "mkdocs.yml"),
                                 "-a", f"127.0.0.1:{port}"], cwd=project, stdout=log, stderr=log,
                                env={**BUILD_ENV, "PYTHONUNBUFFERED": "1", "PAGEFIND_BINARY_PATH": str(slow)})
        try:
            deadline = time.monotonic() + 120
            while not (pid_file.exists() and pid_file.read_text().strip()):
                assert proc.poll() is None and time.monotonic() < deadline, "the indexer never started"
                time.sleep(0.1)
            indexer = int(pid_file.read_text())
            assert _alive(indexer)
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=30)
            deadline = time.monotonic() + 10
            while _alive(indexer) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert not _alive(indexer), "Pagefind still runs after the preview stopped"
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            if pid_file.exists() and pid_file.read_text().strip() and _alive(int(pid_file.read_text())):
                os.kill(int(pid_file.read_text()), signal.SIGKILL)


@pytest.mark.parametrize("served", [True], ids=["serve --dirty"], indirect=True)
def test_preview_survives_a_change_of_mkdocs_yml(served, tmp_path):
    """Adding `networks:` to mkdocs.yml while `make serve` runs: every page keeps answering after
    the rebuild (it once left the home page, listings and records at 404 until the next edit)."""
    project, server = served
    other = tmp_path / "autre"
    from mkdocs_campus.commands.cli import main
    assert main(["export", str(other), "--catalogue", str(project / "catalogue"),
                 "--site-url", "https://autre.example.org/"]) == 0
    config = project / "mkdocs.yml"
    # MkDocs logs « Reloading browsers » after every rebuild; « Documentation built in 0.52 seconds »
    # is dropped by MkDocs' DuplicateFilter when a rebuild takes as long as the one before.
    reloads = server.output().count("Reloading browsers")
    config.write_text(config.read_text(encoding="utf-8") + "plugins:\n  - campus:\n      networks:\n"
                      f"        - name: Autre réseau\n          url: {other / 'campus.json'}\n", encoding="utf-8")
    _until(lambda: server.output().count("Reloading browsers") > reloads, server)
    time.sleep(1)  # what the build's last step did is done
    pages = ["", "formations/", "communautes/codeveloppeurs/", "champs-des-fiches/", "thematiques/facilitation/"]
    assert {page: _get(server.url + page) is not None for page in pages} == dict.fromkeys(pages, True), \
        server.output()[-3000:]
    assert "réseau « Autre réseau »" in server.output()
