"""The plugin's orchestration, tested without MkDocs: the serve session's background steps give
way to a newer build, the exports orchestration writes the worker's files (or keeps the latest
ones under serve), and the cache folder's choices (generator/speed/serving.py, exporting.py,
incremental.py)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from mkdocs_campus.catalogue.model import Relations
from mkdocs_campus.speed import serving
from mkdocs_campus.speed.cache import ENV_VAR
from mkdocs_campus.speed.exporting import Exports, ExportsError
from mkdocs_campus.speed.incremental import RELATIONS_FILE, CacheFolder


def test_the_orchestration_imports_no_mkdocs():
    code = ("import sys, mkdocs_campus.speed.serving, mkdocs_campus.speed.incremental, "
            "mkdocs_campus.speed.exporting; print(sorted(m for m in sys.modules if m.split('.')[0] in ('mkdocs', 'material')))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "[]\n"


@pytest.fixture
def session(monkeypatch):
    collections = []
    monkeypatch.setattr(serving, "gc", SimpleNamespace(freeze=lambda: None, unfreeze=lambda: None,
                                                       collect=lambda: collections.append(1)))
    one = serving.ServeSession()
    one.collections = collections
    yield one
    one.shutdown()
    assert not Path(one.cache_dir).exists()


def test_background_exports_are_written_then_the_garbage_collected(session, tmp_path, monkeypatch):
    monkeypatch.setattr(serving, "IDLE_BEFORE_COLLECTION", 0.0)
    session.begin_build()
    session.release_site()
    session.frozen_builds = 3
    session.after_serving(tmp_path, session.build_generation, lambda: {"donnees/a.json": "{}", "feed.xml": b"<f/>"})
    assert (tmp_path / "donnees" / "a.json").read_text() == "{}" and (tmp_path / "feed.xml").read_bytes() == b"<f/>"
    assert session.data_files == {"donnees/a.json": "{}", "feed.xml": b"<f/>"}
    assert session.collections == [1] and session.frozen_builds == 0


def test_the_preview_never_serves_a_half_written_export(session, tmp_path):
    """The preview answers requests while the exports of the last build are written in the
    background: a reader sees the whole old file or the whole new one, never a part."""
    versions = [(str(n) * 3_000_000).encode() for n in range(2)]  # 3 MB each
    target = tmp_path / "donnees" / "campus.json"
    session.begin_build()
    session.release_site()
    session.write_exports(tmp_path, session.build_generation, lambda: {"donnees/campus.json": versions[0]})
    seen, done = set(), threading.Event()

    def read():
        while not done.is_set():
            with open(target, "rb") as file:
                seen.add(hash(file.read()))

    reader = threading.Thread(target=read)
    reader.start()
    for n in range(30):
        session.write_exports(tmp_path, session.build_generation, lambda n=n: {"donnees/campus.json": versions[n % 2]})
    done.set()
    reader.join()
    assert seen <= {hash(v) for v in versions}, f"{len(seen - {hash(v) for v in versions})} partial reads"
    assert [p.name for p in target.parent.iterdir()] == ["campus.json"]  # no temporary file left


def test_background_steps_give_way_to_a_newer_build(session, tmp_path, monkeypatch):
    session.begin_build()
    session.release_site()
    generation = session.build_generation

    def exports_while_a_build_starts():
        session.build_generation += 1  # a newer build began while these were computed
        return {"feed.xml": "old"}
    session.write_exports(tmp_path, generation, exports_while_a_build_starts)
    assert not (tmp_path / "feed.xml").exists() and session.data_files is None

    computed = []
    session.after_serving(tmp_path, generation, lambda: computed.append(1) or {})  # an older build's step
    assert computed == [] and session.collections == []

    # A newer build during the idle wait: no collection (the newer build's own step collects).
    monkeypatch.setattr(serving, "IDLE_BEFORE_COLLECTION", 0.5)
    step = threading.Thread(target=session.after_serving, args=(tmp_path, session.build_generation, None))
    step.start()
    time.sleep(0.2)
    session.build_generation += 1
    step.join()
    assert session.collections == []

    # The search index of an older build is not even snapshotted.
    indexed = []
    monkeypatch.setattr(serving, "pagefind_binary", lambda project: indexed.append(project) or "pagefind")
    monkeypatch.setattr(serving.subprocess, "Popen", lambda *a, **k: indexed.append(a) or pytest.fail("indexed"))
    session.search_generation = 2
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_text("<p>a</p>")
    session.index_in_background(site, 1, tmp_path, None)
    assert indexed == [] and list(tmp_path.glob("campus-index-*")) == []


def test_dirty_serve_removes_the_pages_of_deleted_records(session, tmp_path):
    kept, gone = tmp_path / "kept.html", tmp_path / "gone.html"
    kept.write_text("k"), gone.write_text("g")
    session.keep_outputs({str(kept), str(gone)}, dirty=True)
    session.keep_outputs({str(kept)}, dirty=True)
    assert kept.exists() and not gone.exists() and session.outputs == {str(kept)}


class _Worker:
    def __init__(self, contents):
        self.contents = contents

    def exports(self):
        return self.contents


def _never():
    raise AssertionError("computed in the build process")


def test_the_worker_s_exports_are_registered_first_and_written_at_the_end():
    exports = Exports(_never, lambda: ["donnees/campus.json", "feed.xml"], apart=True, session=None)
    assert exports.files == {"donnees/campus.json": "", "feed.xml": ""} and exports.due is None
    written = []
    exports.write_apart(_Worker({"donnees/campus.json": b"{}", "feed.xml": "<feed/>"}),
                        lambda path, content: written.append((path, content)))
    assert written == [("donnees/campus.json", b"{}"), ("feed.xml", "<feed/>")]
    with pytest.raises(ExportsError, match="fichiers inattendus"):
        exports.write_apart(_Worker({"feed.xml": "<feed/>"}), lambda path, content: None)


def test_under_serve_the_latest_exports_stay_until_the_background_writes_new_ones(session):
    first = Exports(lambda: {"feed.xml": "1"}, _never, apart=False, session=session)
    assert first.files == {"feed.xml": "1"} == session.data_files and first.due is None
    compute = lambda: {"feed.xml": "2"}  # noqa: E731
    second = Exports(compute, _never, apart=False, session=session)
    assert second.files == {"feed.xml": "1"} and second.due is compute


def test_the_cache_folder_is_the_variable_then_the_option_then_the_serve_folder(tmp_path, monkeypatch, session):
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert CacheFolder.choose(tmp_path, None, None).path is None
    none = CacheFolder(None)
    assert none.record_memo() is None and none.search is None and none.kept_relations() is None
    assert none.page_cache(config_file=tmp_path / "mkdocs.yml", folders=[], settings={}) is None
    assert CacheFolder.choose(tmp_path, None, session).path == Path(session.cache_dir)
    assert CacheFolder.choose(tmp_path, "option", session).path == tmp_path / "option"
    monkeypatch.setenv(ENV_VAR, "variable")
    chosen = CacheFolder.choose(tmp_path, "option", session)
    assert chosen.path == tmp_path / "variable" and chosen.search == tmp_path / "variable" / "search"
    assert chosen.record_memo() is not None


def test_relations_are_kept_when_they_changed_and_read_back_unless_damaged(tmp_path):
    folder = CacheFolder(tmp_path)
    relations = Relations("shape-1", ["a", "b"], {"a": ["b"]}, {}, {"t": ["a"]})
    folder.keep_relations(None, SimpleNamespace(shape="shape-1", relations=lambda: relations))
    kept = folder.kept_relations()
    assert kept == relations and kept.shape == "shape-1"
    unchanged = SimpleNamespace(shape="shape-1", relations=_never)  # same shape: not written again
    folder.keep_relations(kept, unchanged)
    (tmp_path / RELATIONS_FILE).write_bytes(b"\xff{")
    assert folder.kept_relations() is None


def test_a_serving_process_keeps_its_page_cache_while_the_key_holds(tmp_path):
    (tmp_path / "mkdocs.yml").write_text("site_name: Test\n", encoding="utf-8")
    folder = CacheFolder(tmp_path / "cache")
    first = folder.page_cache(config_file=tmp_path / "mkdocs.yml", folders=[], settings={"a": 1})
    same = folder.page_cache(config_file=tmp_path / "mkdocs.yml", folders=[], settings={"a": 1}, previous=first)
    other = folder.page_cache(config_file=tmp_path / "mkdocs.yml", folders=[], settings={"a": 2}, previous=first)
    assert same is first and other is not first and other.key != first.key
