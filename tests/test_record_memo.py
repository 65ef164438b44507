"""A build given the previous build's cache folder reuses each unchanged record file's validation
(generator/speed/cache.py RecordMemo), in a fresh clone too, and reports exactly the problems and records
a build without it reports: problems located in unchanged files included; a damaged entry or one
written by other code is not used."""

from __future__ import annotations

import hashlib
import pickle
import re
import shutil
from pathlib import Path

import pytest

from conftest import BUILD_ENV, FIXTURES, build_site, copy_project
from mkdocs_campus.speed.cache import RECORDS, RECORDS_FILE, RecordMemo, records_key
from mkdocs_campus.speed.parallel import prefetcher
from mkdocs_campus.catalogue.errors import format_problems
from mkdocs_campus.catalogue.validate import validate_catalogue

REUSED = re.compile(r"Campus : (\d+) fiches reprises du cache, (\d+) fiches lues")


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# Each step changes the catalogue left by the previous ones: problems accumulate.
STEPS = [
    ("nothing", lambda root: None),
    ("edit", lambda root: _edit(root / "tools" / "micro-defis.yml", "summary: ", "summary: Modifié. ")),
    ("add", lambda root: _write(root / "tools" / "nouvel-outil.yml",
                                "title: Nouvel outil\nsummary: Ajouté.\nkind: guide\ncollection: mallette\n"
                                "themes: [facilitation]\npublished: 2025-01-02\nsources: [article-campus]\n")),
    ("rename", lambda root: (root / "trainings" / "hostile.yml").rename(root / "trainings" / "hostile-renommee.yml")),
    # micro-defis.yml (unchanged) now refers to an unknown community: located in an unchanged file.
    ("delete a target", lambda root: (root / "communities" / "codeveloppeurs.yml").unlink()),
    # mallette -> nouvel-outil -> mallette: the cycle is reported at both unchanged... and changed files.
    ("cycle", lambda root: _edit(root / "tools" / "mallette.yml", "kind: toolbox\n",
                                 "kind: toolbox\ncollection: nouvel-outil\n")),
    ("duplicate id", lambda root: shutil.copy(root / "trainings" / "devenez-facilitateur.yml",
                                              root / "trainings" / "micro-defis.yml")),
    ("own errors", lambda root: (_write(root / "tools" / "liste.yml", "- une\n- liste\n"),
                                 _write(root / "tools" / "syntaxe.yml", "title: [non fermé\n"),
                                 _edit(root / "trainings" / "devenez-facilitateur.yml", "title:", "titre: x\ntitle:"))),
    ("nothing again", lambda root: None),
]


def _outcome(root: Path, memo=None, parallel: bool = False) -> tuple[str, list]:
    valid, problems = validate_catalogue(root, root.parent, memo, prefetcher if parallel else None)
    return format_problems(problems), [(x.id, x.type, x.path, x.record.model_dump()) for x in valid.records]


def _record_files(root: Path) -> int:
    return sum(1 for p in root.glob("*/*.yml"))


@pytest.mark.parametrize("parallel", [False, True], ids=["sequential", "parallel"])
def test_problems_and_records_with_the_memo_equal_those_without(catalogue, tmp_path, monkeypatch, parallel):
    if parallel:
        monkeypatch.setenv("CAMPUS_PARALLEL", "1")  # a second process parses half the files left to parse
    cache = tmp_path / "cache"
    unchanged_located = False
    for step, (what, change) in enumerate(STEPS):
        change(catalogue)
        clone = shutil.copytree(catalogue, tmp_path / f"clone-{step}" / "catalogue")  # other inodes and times
        memo = RecordMemo(cache, records_key())
        with_memo = _outcome(clone, memo, parallel)
        memo.save()
        assert with_memo == _outcome(clone), what
        if step == 0:
            assert memo.reused == 0
        else:
            assert memo.reused > 0 and memo.reused + memo.computed <= _record_files(clone), what
        if what == "delete a target":  # every file reused, yet the problem is located in one of them
            assert memo.computed == 0 and "catalogue/tools/micro-defis.yml:5:15:" in with_memo[0], with_memo[0]
            unchanged_located = True
    assert unchanged_located
    assert "collections en boucle" in with_memo[0] and "déjà utilisé" in with_memo[0]


def _entries(cache: Path) -> dict:
    with open(cache / RECORDS / RECORDS_FILE, "rb") as handle:
        return pickle.load(handle)


def _rewrite(cache: Path, data: dict) -> None:
    with open(cache / RECORDS / RECORDS_FILE, "wb") as handle:
        pickle.dump(data, handle, protocol=5)


def _first_build(catalogue: Path, cache: Path) -> int:
    memo = RecordMemo(cache, records_key())
    _outcome(catalogue, memo)
    memo.save()
    return memo.computed


@pytest.mark.parametrize("damage", ["digest", "content", "whole file"])
def test_a_damaged_memo_is_not_used(catalogue, tmp_path, damage):
    _edit(catalogue / "tools" / "micro-defis.yml", "kind: challenge", "kind: défi")  # one file with a problem
    cache = tmp_path / "cache"
    files = _first_build(catalogue, cache)
    data = _entries(cache)
    type_name, digest, entry_digest, entry = data["entries"]["catalogue/tools/micro-defis.yml"]
    if damage == "digest":  # the entry no longer matches its digest
        damaged = entry.replace("défi".encode(), "dèfi".encode())  # still a well-formed result
        assert damaged != entry
        data["entries"]["catalogue/tools/micro-defis.yml"] = (type_name, digest, entry_digest, damaged)
        _rewrite(cache, data)
    elif damage == "content":  # a consistent digest of bytes that are no longer a result
        damaged = entry[: len(entry) // 2]
        data["entries"]["catalogue/tools/micro-defis.yml"] = (type_name, digest, hashlib.sha256(damaged).hexdigest(),
                                                              damaged)
        _rewrite(cache, data)
    else:
        (cache / RECORDS / RECORDS_FILE).write_bytes(b"\x80\x05pas un memo")
    memo = RecordMemo(cache, records_key())
    assert _outcome(catalogue, memo) == _outcome(catalogue)
    assert (memo.reused, memo.computed) == ((files - 1, 1) if damage != "whole file" else (0, files))
    memo.save()  # the damaged entry is replaced
    memo = RecordMemo(cache, records_key())
    assert _outcome(catalogue, memo) == _outcome(catalogue) and memo.computed == 0


def test_a_memo_written_by_other_code_is_not_used(catalogue, tmp_path):
    cache = tmp_path / "cache"
    files = _first_build(catalogue, cache)
    memo = RecordMemo(cache, "autre-version-du-generateur")
    assert _outcome(catalogue, memo) == _outcome(catalogue)
    assert (memo.reused, memo.computed) == (0, files)
    data = _entries(cache)  # entries of files the build no longer reads are forgotten
    (catalogue / "tools" / "micro-defis.yml").unlink()
    memo = RecordMemo(cache, records_key())
    _outcome(catalogue, memo)
    memo.save()
    assert set(_entries(cache)["entries"]) == set(data["entries"]) - {"catalogue/tools/micro-defis.yml"}


def test_a_failing_build_with_the_memo_prints_the_same_problems_and_writes_no_site(tmp_path):
    project = copy_project(FIXTURES / "mini", tmp_path / "project")
    config, cache = project / "mkdocs.yml", tmp_path / "cache"
    (project / "catalogue" / "communities" / "codeveloppeurs.yml").unlink()  # unknown in unchanged files
    _write(project / "catalogue" / "tools" / "liste.yml", "- une\n- liste\n")
    env = {**BUILD_ENV, "CAMPUS_CACHE_DIR": str(cache)}

    def problems(result) -> list[str]:
        assert result.returncode != 0
        return [line for line in result.stderr.splitlines() if re.match(r"\s*catalogue/\S+:\d+:\d+: ", line)]

    first = build_site(config, tmp_path / "first", env)
    again = build_site(config, tmp_path / "again", env)
    without = build_site(config, tmp_path / "without")
    assert problems(again) == problems(without) == problems(first) and len(problems(without)) >= 3, again.stderr
    assert REUSED.search(again.stderr).group(2) == "0", again.stderr  # every file reused
    assert not (tmp_path / "again" / "index.html").exists()
