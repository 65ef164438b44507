"""Validate stage: loaded documents -> typed records, or every located problem at once.

Checks, in order: file layout and ids (discover.py), each record against its model (pydantic,
model_errors.py), then references between records and reference lists (cross_references.py).
Nothing stops at the first problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from . import records as r
from .cross_references import (REFERENCE_FIELDS, collection_cycles, organisation_parents, raw_references,
                               reference_problems, references_in)
from .discover import display_path, load_reference_list, record_files
from .errors import Problem
from .files import loops
from .load import Document, load_file, symlink_loop
from .model_errors import describe, duplicate_items, slugify, validate_mapping

__all__ = ["REFERENCE_FIELDS", "Located", "RecordFile", "ValidCatalogue", "invalid_record_references", "references_in",
           "slugify", "validate_catalogue", "validate_mapping"]

_ID_RE = re.compile(r.ID_PATTERN)


@dataclass(frozen=True)
class Located:
    """A valid record, its id and type, and the file it came from."""

    id: str
    type: str
    record: r.Record
    path: str


@dataclass
class ValidCatalogue:
    """Everything that passed validation, ready for the model stage."""

    records: list[Located] = field(default_factory=list)
    themes: dict[str, r.Theme] = field(default_factory=dict)
    organisations: dict[str, r.Organisation] = field(default_factory=dict)
    sources: dict[str, r.Source] = field(default_factory=dict)


@dataclass
class RecordFile:
    """What one record file yields on its own, given its bytes, its path and its type: kept for an
    unchanged file (by `memo`). `document` (the position of every node) is not kept by a memo that
    persists results: it is parsed again, from the same bytes, only when a problem found across
    files must be located in this file."""

    load_problems: list[Problem]  # reading, parsing, or a file that holds no mapping
    readable: bool  # False: the file could not be parsed (references to its id are not unknown)
    mapping: bool  # the file holds a mapping: its id counts and its record was validated
    record: r.Record | None = None
    problems: list[Problem] = field(default_factory=list)  # the record's own problems
    references: list[tuple[tuple, str, str]] = field(default_factory=list)
    document: Document | None = field(default=None, compare=False)


def _read_record(loaded: tuple[Document | None, list[Problem]], model) -> RecordFile:
    doc, found = loaded
    if doc is None:
        return RecordFile(found, readable=False, mapping=False)
    if not isinstance(doc.data, dict):
        return RecordFile(found + [Problem(doc.path, *doc.position(()),
                                           f"le fichier doit contenir une fiche (des lignes « champ: valeur »), "
                                           f"pas {describe(doc.data)}")], readable=True, mapping=False)
    record, problems, references = _validate_record(doc, model)
    return RecordFile(found, True, True, record, problems, references, doc)


def validate_catalogue(root: Path, base: Path | None = None, memo=None,
                       prefetch=None) -> tuple[ValidCatalogue, list[Problem]]:
    """Load and validate every file under `root` (the catalogue folder).

    Paths in problems are shown relative to `base` (default: the folder holding `root`).
    `memo(path, key, compute)`, when given, may return a previous result for an unchanged file
    (generator/speed/cache.py's FileMemo under `mkdocs serve`, speed/records_memo.py's RecordMemo under
    `mkdocs build` with a cache folder). A memo with a `read(files)` method reads the record files first and answers
    which ones it has no result for; its `load(path, display)` then parses a file from the bytes it
    read. `prefetch(files, load)`, when given, may return a memo answering `load` calls for some
    of the files left to parse, parsed meanwhile by another process (speed/parallel.py's
    `prefetcher`; same results), or None.
    """
    remember = memo or (lambda path, key, compute: compute())
    base = base or root.parent
    problems: list[Problem] = []
    result = ValidCatalogue()
    lists: dict[str, tuple[Document, dict[str, int]]] = {}
    if not root.is_dir():
        return result, [symlink_loop(display_path(root, base)) if loops(root)
                        else Problem(display_path(root, base), 1, 1, "dossier du catalogue introuvable")]
    found: Iterable[tuple[str, Path, str]] = record_files(root, base, problems)
    read = getattr(memo, "read", None)
    parse = memo.load if read is not None else load_file
    prefetched = None
    if read is not None or prefetch is not None:
        found = list(found)
        files = [(path, display, type_name) for type_name, path, display in found]
        todo = read(files) if read is not None else files
        if prefetch is not None and todo:
            prefetched = prefetch([(path, display) for path, display, _ in todo], parse)

    def load(path: Path, display: str) -> tuple[Document | None, list[Problem]]:
        if prefetched is not None:
            return prefetched(path, ("load", display), lambda: parse(path, display))
        return parse(path, display)

    for name in ("themes", "organisations", "sources"):
        setattr(result, name, load_reference_list(root / f"{name}.yml", name, root, base, problems, lists, remember))

    files_of: dict[str, tuple[Path, str, RecordFile]] = {}
    seen: dict[str, str] = {}
    unreadable: set[str] = set()  # records already reported: references to them are not unknown
    invalid: list[tuple[str, str]] = []  # records that failed validation: their references are checked too
    try:
        for type_name, path, display in found:
            record_type = r.RECORD_TYPES[type_name]
            record_id = path.stem
            if not _ID_RE.match(record_id):
                problems.append(Problem(display, 1, 1, f"nom de fichier invalide « {path.name} »",
                                        f"renommez-le en {slugify(record_id) or 'fiche'}.yml : lettres minuscules "
                                        "sans accent, chiffres et tirets"))
                continue
            # Everything that depends on this file alone is kept while the file is unchanged.
            read_file = remember(path, ("record", display, type_name),
                                 lambda: _read_record(load(path, display), record_type.model))
            problems.extend(read_file.load_problems)
            if not read_file.readable:
                unreadable.add(record_id)
            if not read_file.mapping:
                continue
            if record_id in seen:
                problems.append(Problem(display, 1, 1, f"identifiant « {record_id} » déjà utilisé par {seen[record_id]}",
                                        "renommez l'un des deux fichiers"))
                continue
            seen[record_id] = display
            problems.extend(read_file.problems)
            if read_file.record is not None:
                files_of[record_id] = (path, display, read_file)
                result.records.append(Located(record_id, type_name, read_file.record, display))
            else:
                unreadable.add(record_id)
                files_of[record_id] = (path, display, read_file)
                invalid.append((record_id, display))
    finally:
        if prefetched is not None:
            prefetched.close()

    def document(record_id: str) -> Document:
        """The record's document, parsed again from its (unchanged) bytes when the memo kept none."""
        path, display, read_file = files_of[record_id]
        if read_file.document is None:
            read_file.document = parse(path, display)[0]
        return read_file.document

    problems.extend(reference_problems(result, lambda record_id: files_of[record_id][2].references,
                                       unreadable, document, invalid))
    problems.extend(collection_cycles(result, document))
    problems.extend(organisation_parents(result, lists.get("organisations")))
    return result, sorted(set(problems))


def _validate_record(doc: Document, model) -> tuple[r.Record | None, list[Problem], list[tuple[tuple, str, str]]]:
    """A record file's typed record (or None), its own problems, and the references it makes."""
    record, problems = validate_mapping(doc, model)
    problems = problems + duplicate_items(doc)
    if record is None:
        return None, problems, invalid_record_references(doc, model, problems)
    return record, problems + _date_order(record, doc), list(references_in(record))


def invalid_record_references(doc: Document, model, problems: list[Problem]) -> list[tuple[tuple, str, str]]:
    """The references of a record that failed validation, from its fields that parsed, but those
    already reported where they are (an id written wrong): checked like a valid record's."""
    reported = {(p.line, p.column) for p in problems}
    return [ref for ref in raw_references(doc.data, model) if doc.position(ref[0]) not in reported]


def _date_order(record: r.Record, doc: Document) -> list[Problem]:
    """An end that comes before its start: an intervention's end_date, a session's end."""
    pairs = []
    if isinstance(record, r.Intervention):
        pairs.append((("end_date",), "end_date", record.date, record.end_date, "date"))
    if isinstance(record, r.Training):
        for index, session in enumerate(record.sessions):
            pairs.append((("sessions", index, "end"), "end", session.start, session.end, "start"))
    return [Problem(doc.path, *doc.position(loc), f"« {name} » ({end.isoformat()}) précède « {start_name} » "
                                                 f"({start.isoformat()})", "une fin ne peut pas précéder le début")
            for loc, name, start, end, start_name in pairs if start and end and end < start]
