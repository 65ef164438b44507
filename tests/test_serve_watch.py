"""`mkdocs serve` watches with the system's notifications (generator/adapter/serve_watch.py), or, when
that cannot be done, keeps MkDocs' polling: either way a saved file starts one rebuild, and
reading a file starts none."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from mkdocs.livereload import LiveReloadServer
from watchdog.observers.polling import PollingObserver

from mkdocs_campus.adapter import serve_watch


class Served:
    """MkDocs' live-reload server on a free port, counting the rebuilds it starts."""

    def __init__(self, project: Path):
        self.builds = 0
        self.server = LiveReloadServer(builder=self._build, host="127.0.0.1", port=0, root=str(project / "site"))
        self.server.watch(str(project / "docs"))
        self.server.watch(str(project / "mkdocs.yml"))
        self.thread = threading.Thread(target=self.server.serve, daemon=True)

    def _build(self):
        self.builds += 1

    def settle(self, seconds: float = 1.5) -> int:
        """Rebuilds counted once the watcher had time to see everything (polling: 0.5 s)."""
        time.sleep(seconds)
        return self.builds

    def stop(self):
        self.server.shutdown(wait=True)


@pytest.fixture
def project(tmp_path) -> Path:
    for folder in ("docs", "site", "catalogue/tools"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "mkdocs.yml").write_text("site_name: Essai\n", encoding="utf-8")
    (tmp_path / "catalogue" / "tools" / "outil.yml").write_text("title: Outil\n", encoding="utf-8")
    return tmp_path


def _exercise(project: Path, served: Served) -> None:
    served.thread.start()
    assert served.settle(0.5) == 0
    record = project / "catalogue" / "tools" / "outil.yml"
    record.read_text(encoding="utf-8")  # reading (as a build does) starts nothing
    assert served.settle() == 0
    record.write_text("title: Outil modifié\n", encoding="utf-8")
    assert served.settle() == 1
    (project / "catalogue" / "tools" / "nouvel-outil.yml").write_text("title: Nouvel outil\n", encoding="utf-8")
    assert served.settle() == 2
    for n in range(2):  # mkdocs.yml saved by replacing the file, as many editors do: seen each time
        replacement = project / "mkdocs.yml.tmp"
        replacement.write_text(f"site_name: Essai {n}\n", encoding="utf-8")
        os.replace(replacement, project / "mkdocs.yml")
        assert served.settle() == 3 + n
    (project / "notes.txt").write_text("rien à voir\n", encoding="utf-8")  # beside mkdocs.yml, not watched
    assert served.settle() == 4


def test_native_notifications_start_one_rebuild_per_save(project):
    served = Served(project)
    try:
        assert serve_watch.use_native_observer(served.server, also=[str(project / "catalogue")])
        served.server.watch(str(project / "catalogue"))
        assert isinstance(served.server.observer, serve_watch.NativeObserver)
        _exercise(project, served)
    finally:
        served.stop()


def test_polling_is_kept_when_notifications_are_refused(project, monkeypatch):
    def refused(self):
        raise OSError(28, "inotify watch limit reached")

    monkeypatch.setattr(serve_watch.NativeObserver, "start", refused)
    served = Served(project)
    try:
        polling = served.server.observer
        assert not serve_watch.use_native_observer(served.server, also=[str(project / "catalogue")])
        served.server.watch(str(project / "catalogue"))
        assert served.server.observer is polling and isinstance(polling, PollingObserver)
        _exercise(project, served)
    finally:
        served.stop()


def test_an_unknown_server_is_left_alone():
    class OtherServer:  # another MkDocs: no _watched_paths
        observer = PollingObserver()

        def watch(self, path):
            raise AssertionError("not called")

        unwatch = watch

    server = OtherServer()
    observer = server.observer
    assert not serve_watch.use_native_observer(server, also=[])
    assert server.observer is observer
