"""Which files the catalogue folder holds: each record file with its type, in order; the reference
lists (themes, organisations, sources) read and validated; a located problem for every other entry
(hidden, a link that loops or leaves the catalogue, an unexpected file or folder)."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, Iterator

from . import records as r
from .errors import Problem
from .files import loops, resolved
from .load import Document, load_file, symlink_loop
from .model_errors import duplicate_items, suggest, validate_mapping


def display_path(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


def _hidden(path: Path) -> bool:
    return path.name.startswith(".")


def _entry_problem(entry: Path, root: Path, base: Path) -> Problem | None:
    """A problem for an entry that is never read: hidden, or a symbolic link leaving the catalogue."""
    if entry.is_symlink() and loops(entry):
        return symlink_loop(display_path(entry, base))
    if entry.is_symlink() and not resolved(entry).is_relative_to(resolved(root)):
        return Problem(display_path(entry, base), 1, 1, "lien symbolique qui sort du catalogue : il n'est pas lu",
                       "placez le fichier lui-même dans le catalogue")
    if _hidden(entry):
        return Problem(display_path(entry, base), 1, 1,
                       f"{'dossier' if entry.is_dir() else 'fichier'} caché : il n'est pas lu",
                       f"renommez-le sans le point initial ({entry.name.lstrip('.') or 'fiche.yml'}) "
                       "ou retirez-le du catalogue")
    return None


def load_reference_list(path: Path, name: str, root: Path, base: Path, problems: list[Problem],
                         documents: dict[str, tuple[Document, dict[str, int]]], remember) -> dict:
    label = r.REFERENCE_LISTS[name][1]
    display = display_path(path, base)
    if not path.exists() and not path.is_symlink():
        problems.append(Problem(display, 1, 1, f"fichier manquant : la liste des {label}s"))
        return {}
    refused = _entry_problem(path, root, base)
    if refused:
        problems.append(refused)
        return {}
    entries, found, located = remember(path, ("list", display, name), lambda: _read_reference_list(path, name, display))
    problems.extend(found)
    if located is not None:
        documents[name] = located
    return dict(entries)


def _read_reference_list(path: Path, name: str, display: str) -> tuple[dict, list[Problem], tuple | None]:
    """A reference list's entries by id, its problems, and its document with each id's index."""
    model, label = r.REFERENCE_LISTS[name]
    doc, problems = load_file(path, display)
    if doc is None:
        return {}, problems, None
    if not isinstance(doc.data, list):
        return {}, problems + [Problem(display, *doc.position(()),
                                       f"le fichier doit contenir une liste de {label}s (lignes « - id: … »)")], None
    problems = problems + duplicate_items(doc)
    entries: dict[str, Any] = {}
    indexes: dict[str, int] = {}
    for index, item in enumerate(doc.data):
        line, column = doc.position((index,))
        if not isinstance(item, dict):
            problems.append(Problem(display, line, column, f"chaque {label} doit être un ensemble de champs"))
            continue
        value, found = validate_mapping(doc, model, (index,))
        problems.extend(found)
        if value is None:
            continue
        if value.id in entries:
            problems.append(Problem(display, line, column, f"{label} « {value.id} » en double"))
            continue
        entries[value.id] = value
        indexes[value.id] = index
    return entries, problems, (doc, indexes)


def record_files(root: Path, base: Path, problems: list[Problem]) -> Iterator[tuple[str, Path, str]]:
    """(type name, path, path as shown) of each record file, in order; problems for other entries."""
    folders = {t.folder: t.name for t in r.RECORD_TYPES.values()}
    lists = {f"{name}.yml" for name in r.REFERENCE_LISTS}
    for entry in sorted(root.iterdir()):
        refused = _entry_problem(entry, root, base)
        if refused:
            problems.append(refused)
        elif entry.is_dir() and entry.name in folders:
            folder = display_path(entry, base)  # the same as each file's own, computed once
            for file in sorted(entry.iterdir(), key=lambda p: p.name):  # Path order, faster
                refused = _entry_problem(file, root, base)
                if refused:
                    problems.append(refused)
                elif file.is_dir():
                    problems.append(Problem(display_path(file, base), 1, 1, "sous-dossier inattendu",
                                            "placez les fiches directement dans le dossier du type"))
                elif file.suffix == ".yml":
                    yield folders[entry.name], file, f"{folder}/{file.name}"  # load_file reads regular files only
                else:
                    problems.append(Problem(display_path(file, base), 1, 1, "fichier ignoré : extension inattendue",
                                            f"renommez-le en {file.stem}.yml"))
        elif entry.name in lists and not entry.is_dir():
            continue
        else:
            french = {t.section: t.folder for t in r.RECORD_TYPES.values()}  # communautes -> communities
            match = difflib.get_close_matches(entry.name, sorted(set(folders) | set(french)), n=1, cutoff=0.6)
            hint = f"vouliez-vous dire « {french.get(match[0], match[0])} » ?" if match and entry.is_dir() \
                else suggest(entry.name, sorted(lists))
            problems.append(Problem(display_path(entry, base), 1, 1,
                                    "dossier inattendu" if entry.is_dir() else "fichier inattendu",
                                    hint or "attendus : " + ", ".join(list(folders) + sorted(lists))))
