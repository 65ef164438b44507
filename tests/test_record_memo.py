"""A build given the previous build's cache folder reuses each unchanged record file's validation
(generator/speed/records_memo.py RecordMemo), in a fresh clone too, and reports exactly the problems and
records a build without it reports: problems located in unchanged files included; a damaged or crafted
entry, or one written by other code, is not used, and nothing in the memo is ever run."""

from __future__ import annotations

import hashlib
import json
import pickle
import re
import shutil
from pathlib import Path

import pytest

from conftest import BUILD_ENV, FIXTURES, build_site, copy_project
from mkdocs_campus.speed.records_memo import RECORDS, RECORDS_FILE, RecordMemo, records_key
from mkdocs_campus.speed.parallel import prefetcher
from mkdocs_campus.catalogue.errors import format_problems
from mkdocs_campus.catalogue.validate import validate_catalogue

REUSED = re.compile(r"Campus : (\d+) fiches? reprises? du cache, (\d+) fiches? lues?")


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


def _memo(cache: Path) -> tuple[dict, dict]:
    """The memo's header and its entries by file, as JSON."""
    head, *lines = (cache / RECORDS / RECORDS_FILE).read_bytes().split(b"\n")
    entries = {}
    for line in lines:
        name, entry = line.split(b"\t", 1)
        entries[json.loads(name)] = json.loads(entry)
    return json.loads(head), entries


def _rewrite(cache: Path, entries: dict, *, digest: bool = True) -> None:
    """Write entries back as a memo, its header's digest that of the new lines (or left as it was)."""
    header, _ = _memo(cache)
    body = b"\n".join(json.dumps(name).encode() + b"\t" + json.dumps(entry, ensure_ascii=False).encode()
                      for name, entry in entries.items())
    if digest:
        header["digest"] = hashlib.sha256(body).hexdigest()
    (cache / RECORDS / RECORDS_FILE).write_bytes(json.dumps(header).encode() + b"\n" + body)


def _first_build(catalogue: Path, cache: Path) -> int:
    memo = RecordMemo(cache, records_key())
    _outcome(catalogue, memo)
    memo.save()
    return memo.computed


class _Payload:
    """A pickle that creates `marker` when unpickled: what a memo read with pickle would run."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return open, (str(self.marker), "w")


MICRO, MALLETTE = "catalogue/tools/micro-defis.yml", "catalogue/tools/mallette.yml"


def _damage(entries: dict, damage: str) -> None:
    """Entries that still form a memo, one of them (micro-defis's or mallette's) no result validation gives.
    (A result validation could give, under the file's digest, cannot be told from the real one: the
    memo only promises that it runs nothing and holds results validation accepts.)"""
    entry = entries[MICRO]
    if damage == "wrong type":
        entry["readable"] = "oui"
    elif damage == "extra field":
        entry["ajout"] = 1
    elif damage == "extra record field":
        entries[MALLETTE]["record"]["couleur"] = "rouge"
    elif damage == "record validation refuses":  # values the model refuses, under the file's own digest
        entries[MALLETTE]["record"]["title"] = "Deux\nlignes"
    elif damage == "record of an unknown kind":
        entries[MALLETTE]["record"]["kind"] = "défi"

    elif damage == "problem at line 0":
        entry["problems"][0]["line"] = 0
    elif damage == "problem of another file":  # micro-defis's entry (it has a problem) as mallette's
        entries[MALLETTE] = {**entry, "digest": entries[MALLETTE]["digest"]}
    elif damage == "entry of another file":  # mallette's entry, its digest and all, as micro-defis's
        entries[MICRO] = entries[MALLETTE]
    elif damage == "other type":
        entry["type"] = "training"
    elif damage == "flags":
        entry["mapping"] = False
    else:
        raise AssertionError(damage)


ENTRY_DAMAGES = ["wrong type", "extra field", "extra record field", "record validation refuses",
                 "record of an unknown kind", "problem at line 0",
                 "problem of another file", "entry of another file", "other type", "flags"]


@pytest.mark.parametrize("damage", ENTRY_DAMAGES + ["digest", "not json", "pickle", "pickle in an entry",
                                                    "legacy pickle"])
def test_a_damaged_or_crafted_memo_gives_the_cold_result_and_runs_nothing(catalogue, tmp_path, damage):
    _edit(catalogue / "tools" / "micro-defis.yml", "kind: challenge", "kind: défi")  # one file with a problem
    cache, marker = tmp_path / "cache", tmp_path / "executed"
    files = _first_build(catalogue, cache)
    memo_file = cache / RECORDS / RECORDS_FILE
    _header, entries = _memo(cache)
    payload = pickle.dumps(_Payload(marker), protocol=5)
    pickle.loads(pickle.dumps(_Payload(tmp_path / "live")))  # the payload does run when unpickled
    assert (tmp_path / "live").exists()
    whole = True  # no entry is used
    if damage in ENTRY_DAMAGES:
        _damage(entries, damage)
        _rewrite(cache, entries)
        whole = False
    elif damage == "digest":  # a well-formed result, but not the bytes the header's digest covers
        entries[MICRO]["problems"][0]["message"] = entries[MICRO]["problems"][0]["message"].replace("défi", "dèfi")
        _rewrite(cache, entries, digest=False)
    elif damage == "not json":
        memo_file.write_bytes(b"\x80\x05pas un memo")
    elif damage == "pickle":
        memo_file.write_bytes(payload)
    elif damage == "pickle in an entry":
        lines = memo_file.read_bytes().split(b"\n")
        lines[1] = lines[1].split(b"\t")[0] + b"\t" + payload
        body = b"\n".join(lines[1:])
        header = {**_header, "digest": hashlib.sha256(body).hexdigest()}
        memo_file.write_bytes(json.dumps(header).encode() + b"\n" + body)
        whole = False
    else:  # the previous format's file, where it was read
        (cache / RECORDS / "memo.pickle").write_bytes(payload)
        memo_file.unlink()
    memo = RecordMemo(cache, records_key())
    assert _outcome(catalogue, memo) == _outcome(catalogue)
    assert not marker.exists()
    assert (memo.reused, memo.computed) == ((0, files) if whole else (files - 1, 1))
    memo.save()  # the damaged entry is replaced
    assert not (cache / RECORDS / "memo.pickle").exists()
    memo = RecordMemo(cache, records_key())
    assert _outcome(catalogue, memo) == _outcome(catalogue) and memo.computed == 0 and not marker.exists()


def test_the_memo_is_json_lines_under_a_header(catalogue, tmp_path):
    cache = tmp_path / "cache"
    files = _first_build(catalogue, cache)
    header, entries = _memo(cache)
    assert set(header) == {"format", "key", "digest"} and header["key"] == records_key()
    assert len(entries) == files and entries[MALLETTE]["type"] == "tool"
    assert entries[MALLETTE]["record"]["title"] and "references" not in entries[MALLETTE]  # derived again


def test_a_memo_written_by_other_code_is_not_used(catalogue, tmp_path):
    cache = tmp_path / "cache"
    files = _first_build(catalogue, cache)
    memo = RecordMemo(cache, "autre-version-du-generateur")
    assert _outcome(catalogue, memo) == _outcome(catalogue)
    assert (memo.reused, memo.computed) == (0, files)
    _, entries = _memo(cache)  # entries of files the build no longer reads are forgotten
    (catalogue / "tools" / "micro-defis.yml").unlink()
    memo = RecordMemo(cache, records_key())
    _outcome(catalogue, memo)
    memo.save()
    assert set(_memo(cache)[1]) == set(entries) - {MICRO}


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
