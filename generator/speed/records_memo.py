"""Each record file's own validation, kept between builds as data and validated again when read.

`<cache>/records/memo.jsonl` is restored by CI from a cache anyone with write access to it could
have changed: nothing in it is ever executed or unpickled. Its first line is a JSON header (the
memo's format, `records_key()`, the sha256 of the lines after it); each other line is one record
file's entry, `"catalogue/tools/x.yml"<TAB>{…}`, the object giving the record type, the sha256 of
the file's bytes, the problems found in it alone, whether it could be parsed and held a mapping,
and its typed record as JSON (`model_dump(mode="json")`).

An entry is used only when all of this holds, else that file is parsed and validated again:
the header's format, key and digest are this build's (otherwise no entry is used); the path,
type and bytes' digest are those of the file now; the entry validates against a strict model
(pydantic, unknown fields refused) whose record is the record type's own model, so a record is
exactly one validation accepts; every problem is located in this file; and the flags agree
with the record. The references the record makes are derived from it again (from the file's bytes
for an invalid record), never read. A
tampered memo can thus only give a build one of the results validation can give, never run code.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Annotated, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, create_model

from ..catalogue import records as r
from ..catalogue.errors import Problem
from ..catalogue.files import replace_file
from ..catalogue.load import load_file, parse_yaml, read_regular
from ..catalogue.validate import RecordFile, invalid_record_references, references_in
from .fingerprints import GENERATOR, hash_tree, installed_packages

FORMAT = 2  # 1: memo.pickle; bump when an entry's layout or what it covers changes
RECORDS = "records"  # the RecordMemo's folder inside the cache folder
RECORDS_FILE = "memo.jsonl"
_LEGACY_FILES = ("memo.pickle",)  # earlier formats' files: never read, removed when the memo is written


def records_key() -> str:
    """What a record file's validation depends on besides its bytes, path and type: the
    generator's code, the installed packages and Python (not the configuration nor the pages)."""
    hasher = hashlib.sha256(f"campus-records-{FORMAT}\0{sys.version}\0".encode())
    hash_tree(hasher, GENERATOR)
    hasher.update(json.dumps(installed_packages()).encode())
    return hasher.hexdigest()


class _Header(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    format: Literal[FORMAT]
    key: str
    digest: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class _StoredProblem(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    path: str
    line: Annotated[int, Field(ge=1)]
    column: Annotated[int, Field(ge=1)]
    message: str
    hint: str


class _Entry(BaseModel):
    """One record file's entry; `record` is typed by each record type's subclass."""

    model_config = ConfigDict(strict=True, extra="forbid")

    digest: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    load_problems: list[_StoredProblem]
    readable: bool
    mapping: bool
    problems: list[_StoredProblem]


_ENTRIES = {name: TypeAdapter(create_model(f"_{name.title()}Entry", __base__=_Entry, type=(Literal[name], ...),
                                           record=(Optional[t.model], ...)))
            for name, t in r.RECORD_TYPES.items()}


def _problems(stored: list[_StoredProblem], display: str) -> list[Problem] | None:
    problems = [Problem(p.path, p.line, p.column, p.message, p.hint) for p in stored]
    return problems if all(p.path == display for p in problems) else None


def _result(raw: bytes, display: str, type_name: str, digest: str) -> RecordFile | None:
    """The entry as the RecordFile cold validation would give, or None if anything is off."""
    try:
        entry = _ENTRIES[type_name].validate_json(raw)
    except ValidationError:
        return None
    load_problems, problems = _problems(entry.load_problems, display), _problems(entry.problems, display)
    record = entry.record
    if entry.digest != digest or load_problems is None or problems is None:
        return None
    if (not entry.readable and entry.mapping) or (record is not None and not entry.mapping) \
            or (not entry.mapping and problems) or (entry.mapping and record is None and not problems):
        return None  # flags no validation gives together
    return RecordFile(load_problems, entry.readable, entry.mapping, record, problems,
                      list(references_in(record, ())) if record is not None else [])


def _problem_data(problems: list[Problem]) -> list[dict]:
    return [{"path": p.path, "line": p.line, "column": p.column, "message": p.message, "hint": p.hint}
            for p in problems]


def _line(display: str, type_name: str, digest: str, value: RecordFile) -> bytes:
    entry = {"type": type_name, "digest": digest, "load_problems": _problem_data(value.load_problems),
             "readable": value.readable, "mapping": value.mapping, "problems": _problem_data(value.problems),
             "record": value.record.model_dump(mode="json") if value.record is not None else None}
    return (json.dumps(display) + "\t" + json.dumps(entry, ensure_ascii=False, separators=(",", ":"))).encode()


class RecordMemo:
    """Each record file's own result (validate.RecordFile: its typed record, its problems, the
    references it makes) from the previous `mkdocs build` using this cache folder, reused while
    the file's bytes are the same. A CI job restoring the folder into a fresh clone reuses it:
    nothing here depends on inodes or modification times. The file and the checks made before an
    entry is used: see this module's docstring; any doubt means the file is read again. Entries
    hold no document (positions of every node): a problem found across files (an unknown
    reference, a cycle) in an unchanged file is located by parsing it again from the bytes read
    for this build.

    Files are parsed from the bytes hashed (`load`), so an entry always matches its digest."""

    def __init__(self, folder: Path, key: str):
        self.file = Path(folder) / RECORDS / RECORDS_FILE
        self.key = key
        self._stored: dict[str, bytes] = {}  # display -> its line as found
        self._kept: dict[str, bytes] = {}  # the lines of the files asked for by this build
        self._hits: dict[str, RecordFile] = {}  # str(path) -> result found for the file as it is
        self._raw: dict[str, bytes] = {}  # str(path) -> the bytes read, hashed and parsed
        self._digests: dict[str, str] = {}
        self.reused = 0  # record files whose result was reused by this build
        self.computed = 0  # record files parsed and validated

    def _open(self) -> None:
        self._stored = {}
        try:
            data = self.file.read_bytes()
            head, _, body = data.partition(b"\n")
            header = _Header.model_validate_json(head)
        except (OSError, ValueError):  # no memo, or not one (ValidationError is a ValueError)
            return
        if header.key != self.key or hashlib.sha256(body).hexdigest() != header.digest:
            return
        try:
            for line in body.split(b"\n") if body else ():
                name, _, entry = line.partition(b"\t")
                display = json.loads(name)
                if not isinstance(display, str) or not entry or display in self._stored:
                    raise ValueError(name)
                self._stored[display] = line
        except ValueError:  # a line that is not an entry: nothing is reused
            self._stored = {}

    def read(self, files: list[tuple[Path, str, str]]) -> list[tuple[Path, str, str]]:
        """Read and hash the (path, display, type name) record files; those without a usable result."""
        self._open()
        todo = []
        for path, display, type_name in files:
            name = str(path)
            raw, _problems = read_regular(path, display)
            if raw is None:  # not a regular file, or unreadable: load_file says why
                todo.append((path, display, type_name))
                continue
            digest = hashlib.sha256(raw).hexdigest()
            self._raw[name], self._digests[name] = raw, digest
            line = self._stored.get(display)
            found = _result(line.partition(b"\t")[2], display, type_name, digest) if line is not None else None
            if found is not None and found.mapping and found.record is None:
                # An invalid record: the references of its fields that parsed, from its bytes again.
                doc = parse_yaml(raw, display)[0]
                found.references = invalid_record_references(doc, r.RECORD_TYPES[type_name].model, found.problems) \
                    if doc is not None else []
            if found is not None:
                self._hits[name] = found
            else:
                self._stored.pop(display, None)  # a damaged entry is written again
                todo.append((path, display, type_name))
        return todo

    def load(self, path: Path, display: str):
        """`load_file(path, display)`, from the bytes read and hashed when there are some."""
        raw = self._raw.get(str(path))
        return load_file(path, display) if raw is None else parse_yaml(raw, display)

    def __call__(self, path: Path, key: tuple, compute):
        if key[0] != "record":
            return compute()
        name, display, type_name = str(path), key[1], key[2]
        if name in self._hits:
            self.reused += 1
            self._kept[display] = self._stored[display]
            return self._hits.pop(name)
        value = compute()
        self.computed += 1
        if name in self._digests:
            self._kept[display] = _line(display, type_name, self._digests[name], value)
        return value

    def save(self) -> None:
        """Write the entries of the files this build read (the others are forgotten); free memory."""
        changed = self._kept.keys() != self._stored.keys() or any(
            self._stored[display] is not line for display, line in self._kept.items())
        if changed:
            body = b"\n".join(self._kept.values())
            header = {"format": FORMAT, "key": self.key, "digest": hashlib.sha256(body).hexdigest()}
            try:
                replace_file(self.file, json.dumps(header).encode() + b"\n" + body)
                for name in _LEGACY_FILES:
                    (self.file.parent / name).unlink(missing_ok=True)
            except OSError:
                pass  # the next build parses every file again
        self._stored, self._kept, self._hits, self._raw, self._digests = {}, {}, {}, {}, {}
