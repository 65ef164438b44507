"""Validate stage: loaded documents -> typed records, or every located problem at once.

Checks, in order: file layout and ids, each record against its model (pydantic), then
references between records and reference lists. Nothing stops at the first problem.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from pydantic import BaseModel, ValidationError

from . import records as r
from .errors import Problem, quote
from .files import loops, resolved
from .load import MAX_INT_DIGITS, Document, load_file, symlink_loop, too_many_digits

# Which field names hold references, and to what (a record type or a reference list).
REFERENCE_FIELDS = {
    "themes": "themes", "sources": "sources", "source": "sources",
    "organisation": "organisations", "publisher": "organisations", "requested_by": "organisations",
    "organisations": "organisations", "parent": "organisations",
    "communities": "community", "facilitated_by": "community",
    "tools": "tool", "collection": "tool",
}
_TARGET_LABELS = {"themes": "thématique", "sources": "source", "organisations": "organisation",
                  "community": "communauté", "tool": "outil"}
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


def slugify(text: str) -> str:
    """A valid id from any title: accents folded, lowercase, hyphens."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:80].strip("-")


def suggest(value: Any, candidates) -> str:
    """'vouliez-vous dire « x » ?' for the closest candidate, or nothing."""
    if not isinstance(value, str):
        return ""
    match = difflib.get_close_matches(value, sorted(candidates), n=1, cutoff=0.6)
    return f"vouliez-vous dire « {match[0]} » ?" if match else ""


# --- pydantic errors -> French, located problems -------------------------------------------

_TYPE_NAMES = {"string_type": "un texte", "int_type": "un nombre entier", "list_type": "une liste",
               "model_type": "un ensemble de champs (champ: valeur)", "dict_type": "un ensemble de champs",
               "bool_type": "vrai ou faux", "float_type": "un nombre", "int_from_float": "un nombre entier",
               "model_attributes_type": "un ensemble de champs (champ: valeur)"}


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "un booléen"
    if isinstance(value, (int, float)):
        return f"le nombre {value}"
    if isinstance(value, str):
        return f"le texte {quote(value)}"
    if isinstance(value, list):
        return "une liste"
    if isinstance(value, dict):
        return "un ensemble de champs"
    if isinstance(value, dt.datetime):
        return "une date avec heure"
    if value is None:
        return "une valeur vide"
    return type(value).__name__


def _decimal_hint(text: str) -> str:
    """What to write instead of a number YAML 1.1 reads in another base or notation."""
    digits = text.replace("_", "")
    sign = "-" if digits.startswith("-") else ""
    digits = digits.lstrip("+-")
    if digits.isascii() and digits.isdigit():
        return f"écrivez {sign}{digits.lstrip('0') or '0'}"
    return "écrivez le nombre en chiffres décimaux, sans préfixe, « : » ni « _ », par exemple 10"


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The sub-model that holds the last element of `loc` (for field suggestions)."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part) if isinstance(current, type) and issubclass(current, BaseModel) else None
        if info is None:
            return None
        current = _inner_model(info.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _inner_model(annotation: Any) -> Any:
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _field_name(loc: tuple) -> str:
    names = [str(p) for p in loc if not isinstance(p, int)]
    return names[-1] if names else "fiche"


def _pydantic_problem(error: dict, doc: Document, model: type[BaseModel]) -> Problem:
    loc = tuple(error["loc"])
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    name = _field_name(loc)
    line, column = doc.position(loc)
    hint = ""
    if kind == "missing":
        line, column = doc.position(loc[:-1])
        message = f"champ obligatoire manquant : « {name} »"
    elif kind == "extra_forbidden":
        line, column = doc.position(loc, key=True)
        message = f"champ inconnu « {name} »"
        holder = _model_at(model, loc)
        if holder is not None:
            hint = suggest(name, holder.model_fields) or (
                "champs possibles : " + ", ".join(holder.model_fields))
    elif kind == "impossible_date":
        message = f"date impossible « {value} » dans « {name} »"
        hint = "ce jour n'existe pas dans le calendrier"
    elif kind in ("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"):
        loose = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value) if isinstance(value, str) else None
        if loose and len(value) == 10:
            message = f"date impossible {quote(value)} dans « {name} »"
            hint = "ce jour n'existe pas dans le calendrier"
        elif loose:
            message = f"date mal écrite {quote(value)} dans « {name} » : le format est AAAA-MM-JJ"
            year, month, day = (int(x) for x in loose.groups())
            try:
                hint = f"écrivez {dt.date(year, month, day).isoformat()}"
            except ValueError:
                hint = "ce jour n'existe pas non plus dans le calendrier ; par exemple 2024-12-10"
        else:
            message = f"date attendue dans « {name} », trouvé {_describe(value)}"
            hint = "écrivez la date sous la forme AAAA-MM-JJ, par exemple 2024-12-10"
    elif kind == "one_line":
        message = f"{ctx.get('what')} interdit dans « {name} » (caractère {ctx.get('position')} de {quote(value)})"
        hint = "ce champ tient sur une ligne, sans caractère invisible"
    elif kind == "int_type" and loc in doc.loose_numbers and too_many_digits(doc.loose_numbers[loc]):
        text = doc.loose_numbers[loc]
        message = f"nombre {quote(text, 20)} trop long dans « {name} » ({sum(c.isdigit() for c in text)} chiffres)"
        hint = f"un nombre de {MAX_INT_DIGITS} chiffres au plus est accepté ; vérifiez la valeur"
    elif kind == "int_type" and loc in doc.loose_numbers:
        text = doc.loose_numbers[loc]
        message = f"nombre {quote(text)} refusé dans « {name} » : seuls les entiers décimaux simples sont acceptés"
        hint = _decimal_hint(text)
    elif kind in _TYPE_NAMES:
        message = f"type incorrect pour « {name} » : attendu {_TYPE_NAMES[kind]}, trouvé {_describe(value)}"
    elif kind == "greater_than_equal":
        message = (f"nombre négatif interdit dans « {name} »" if isinstance(value, int) and value < 0
                   else f"« {name} » doit être au moins {ctx.get('ge')}")
    elif kind == "less_than_equal":
        message = f"« {name} » doit être au plus {ctx.get('le')}"
    elif kind == "string_too_short":
        message = f"« {name} » est vide"
    elif kind == "string_too_long":
        message = f"« {name} » est trop long ({len(value)} caractères, maximum {ctx.get('max_length')})"
    elif kind == "too_short":
        message = f"« {name} » doit contenir au moins {ctx.get('min_length')} élément"
    elif kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        message = f"valeur « {value} » non autorisée pour « {name} »"
        hint = suggest(value, allowed) or ("valeurs possibles : " + ", ".join(allowed))
    elif kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern")
        if pattern == r.URL_PATTERN:
            message = f"adresse web invalide « {value} »"
            hint = "seules les adresses http:// et https:// sont acceptées"
        elif pattern == r.EMAIL_PATTERN:
            message = f"adresse e-mail invalide « {value} »"
            hint = "une boîte fonctionnelle, par exemple contact@exemple.gouv.fr"
        else:
            message = f"identifiant invalide « {value} » dans « {name} »"
            hint = (f"vouliez-vous dire « {slugify(value)} » ? " if isinstance(value, str) and slugify(value) else "") + \
                "lettres minuscules sans accent, chiffres et tirets"
    else:
        message = f"« {name} » : {error['msg']}"
    return Problem(doc.path, line, column, message, hint.strip())


def validate_mapping(doc: Document, model: type[BaseModel], loc: tuple = ()) -> tuple[Any, list[Problem]]:
    """Validate one mapping of `doc` (at `loc`) against `model`."""
    data = doc.data
    for part in loc:
        data = data[part]
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        shifted = []
        for error in exc.errors(include_url=False):
            error = dict(error)
            error["loc"] = loc + tuple(error["loc"])
            shifted.append(_pydantic_problem(error, doc, model))
        return None, shifted


# --- files and ids ------------------------------------------------------------------------

def _display(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


def _hidden(path: Path) -> bool:
    return path.name.startswith(".")


def _entry_problem(entry: Path, root: Path, base: Path) -> Problem | None:
    """A problem for an entry that is never read: hidden, or a symbolic link leaving the catalogue."""
    if entry.is_symlink() and loops(entry):
        return symlink_loop(_display(entry, base))
    if entry.is_symlink() and not resolved(entry).is_relative_to(resolved(root)):
        return Problem(_display(entry, base), 1, 1, "lien symbolique qui sort du catalogue : il n'est pas lu",
                       "placez le fichier lui-même dans le catalogue")
    if _hidden(entry):
        return Problem(_display(entry, base), 1, 1,
                       f"{'dossier' if entry.is_dir() else 'fichier'} caché : il n'est pas lu",
                       f"renommez-le sans le point initial ({entry.name.lstrip('.') or 'fiche.yml'}) "
                       "ou retirez-le du catalogue")
    return None


def _load_reference_list(path: Path, name: str, root: Path, base: Path, problems: list[Problem],
                         documents: dict[str, tuple[Document, dict[str, int]]], remember) -> dict:
    label = r.REFERENCE_LISTS[name][1]
    display = _display(path, base)
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
    problems = problems + _duplicate_items(doc)
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


def _record_files(root: Path, base: Path, problems: list[Problem]) -> Iterator[tuple[str, Path, str]]:
    """(type name, path, path as shown) of each record file, in order; problems for other entries."""
    folders = {t.folder: t.name for t in r.RECORD_TYPES.values()}
    lists = {f"{name}.yml" for name in r.REFERENCE_LISTS}
    for entry in sorted(root.iterdir()):
        refused = _entry_problem(entry, root, base)
        if refused:
            problems.append(refused)
        elif entry.is_dir() and entry.name in folders:
            folder = _display(entry, base)  # the same as each file's own, computed once
            for file in sorted(entry.iterdir(), key=lambda p: p.name):  # Path order, faster
                refused = _entry_problem(file, root, base)
                if refused:
                    problems.append(refused)
                elif file.is_dir():
                    problems.append(Problem(_display(file, base), 1, 1, "sous-dossier inattendu",
                                            "placez les fiches directement dans le dossier du type"))
                elif file.suffix == ".yml":
                    yield folders[entry.name], file, f"{folder}/{file.name}"  # load_file reads regular files only
                else:
                    problems.append(Problem(_display(file, base), 1, 1, "fichier ignoré : extension inattendue",
                                            f"renommez-le en {file.stem}.yml"))
        elif entry.name in lists and not entry.is_dir():
            continue
        else:
            french = {t.section: t.folder for t in r.RECORD_TYPES.values()}  # communautes -> communities
            match = difflib.get_close_matches(entry.name, sorted(set(folders) | set(french)), n=1, cutoff=0.6)
            hint = f"vouliez-vous dire « {french.get(match[0], match[0])} » ?" if match and entry.is_dir() \
                else suggest(entry.name, sorted(lists))
            problems.append(Problem(_display(entry, base), 1, 1,
                                    "dossier inattendu" if entry.is_dir() else "fichier inattendu",
                                    hint or "attendus : " + ", ".join(list(folders) + sorted(lists))))


def _duplicate_items(doc: Document) -> list[Problem]:
    """Every item that repeats an earlier one of the same list, at the line of the repeat."""
    problems = []

    def key(value: Any) -> str:
        return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)

    def walk(value: Any, loc: tuple) -> None:
        if isinstance(value, dict):
            for name, item in value.items():
                walk(item, loc + (name,))
        elif isinstance(value, list):
            seen: dict[str, int] = {}
            for index, item in enumerate(value):
                walk(item, loc + (index,))
                if not loc:
                    continue  # the entries of a reference list: their ids say which repeats
                marker = key(item)
                if marker in seen:
                    first = doc.position(loc + (seen[marker],))[0]
                    shown = quote(item) if isinstance(item, (str, int)) else "élément"
                    problems.append(Problem(doc.path, *doc.position(loc + (index,)),
                                            f"{shown} en double dans « {_field_name(loc)} » "
                                            f"(déjà à la ligne {first})", "gardez-le une seule fois"))
                else:
                    seen[marker] = index

    walk(doc.data, ())
    return problems


def references_in(value: Any, loc: tuple = ()) -> Iterator[tuple[tuple, str, str]]:
    """Every (loc, target, id) a typed record refers to."""
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            item = getattr(value, name)
            target = REFERENCE_FIELDS.get(name)
            if target and isinstance(item, str):
                yield loc + (name,), target, item
            elif target and isinstance(item, list) and all(isinstance(i, str) for i in item):
                for index, ref in enumerate(item):
                    yield loc + (name, index), target, ref
            else:
                yield from references_in(item, loc + (name,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from references_in(item, loc + (index,))


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
                                           f"pas {_describe(doc.data)}")], readable=True, mapping=False)
    record, problems, references = _validate_record(doc, model)
    return RecordFile(found, True, True, record, problems, references, doc)


def validate_catalogue(root: Path, base: Path | None = None, memo=None,
                       prefetch=None) -> tuple[ValidCatalogue, list[Problem]]:
    """Load and validate every file under `root` (the catalogue folder).

    Paths in problems are shown relative to `base` (default: the folder holding `root`).
    `memo(path, key, compute)`, when given, may return a previous result for an unchanged file
    (generator/speed/cache.py: FileMemo under `mkdocs serve`, RecordMemo under `mkdocs build` with a
    cache folder). A memo with a `read(files)` method reads the record files first and answers
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
        return result, [Problem(_display(root, base), 1, 1, "dossier du catalogue introuvable")]
    record_files: Iterable[tuple[str, Path, str]] = _record_files(root, base, problems)
    read = getattr(memo, "read", None)
    parse = memo.load if read is not None else load_file
    prefetched = None
    if read is not None or prefetch is not None:
        record_files = list(record_files)
        files = [(path, display, type_name) for type_name, path, display in record_files]
        todo = read(files) if read is not None else files
        if prefetch is not None and todo:
            prefetched = prefetch([(path, display) for path, display, _ in todo], parse)

    def load(path: Path, display: str) -> tuple[Document | None, list[Problem]]:
        if prefetched is not None:
            return prefetched(path, ("load", display), lambda: parse(path, display))
        return parse(path, display)

    for name in ("themes", "organisations", "sources"):
        setattr(result, name, _load_reference_list(root / f"{name}.yml", name, root, base, problems, lists, remember))

    files_of: dict[str, tuple[Path, str, RecordFile]] = {}
    seen: dict[str, str] = {}
    unreadable: set[str] = set()  # records already reported: references to them are not unknown
    try:
        for type_name, path, display in record_files:
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
    finally:
        if prefetched is not None:
            prefetched.close()

    def document(record_id: str) -> Document:
        """The record's document, parsed again from its (unchanged) bytes when the memo kept none."""
        path, display, read_file = files_of[record_id]
        if read_file.document is None:
            read_file.document = parse(path, display)[0]
        return read_file.document

    known = {"themes": result.themes, "organisations": result.organisations, "sources": result.sources,
             "community": {x.id for x in result.records if x.type == "community"},
             "tool": {x.id for x in result.records if x.type == "tool"}}
    all_ids = {x.id: x.type for x in result.records}
    for item in result.records:
        for loc, target, ref in files_of[item.id][2].references:
            if ref in known[target]:
                if target == "tool" and loc[0] == "collection" and ref == item.id:
                    problems.append(Problem(item.path, *document(item.id).position(loc),
                                            "un outil ne peut pas faire partie de lui-même"))
                continue
            if ref in unreadable and target in ("community", "tool"):
                continue
            label = _TARGET_LABELS[target]
            elsewhere = all_ids.get(ref)
            hint = suggest(ref, known[target])
            if elsewhere:
                hint = f"« {ref} » est une fiche de type {r.RECORD_TYPES[elsewhere].label.lower()}" + (
                    f" ; {hint}" if hint else "")
            problems.append(Problem(item.path, *document(item.id).position(loc), f"{label} inconnue « {ref} »"
                                    if label in ("thématique", "source", "organisation", "communauté")
                                    else f"{label} inconnu « {ref} »", hint))
    problems.extend(_collection_cycles(result, document))
    problems.extend(_organisation_parents(result, lists.get("organisations")))
    return result, sorted(set(problems))


def _validate_record(doc: Document, model) -> tuple[r.Record | None, list[Problem], list[tuple[tuple, str, str]]]:
    """A record file's typed record (or None), its own problems, and the references it makes."""
    record, problems = validate_mapping(doc, model)
    problems = problems + _duplicate_items(doc)
    if record is None:
        return None, problems, []
    return record, problems + _date_order(record, doc), list(references_in(record))


def _collection_cycles(result: ValidCatalogue, document) -> list[Problem]:
    parent = {x.id: x.record.collection for x in result.records if x.type == "tool" and x.record.collection}
    problems = []
    for start in sorted(parent):
        seen, current = [start], parent[start]
        while current in parent and current not in seen:
            seen.append(current)
            current = parent[current]
        if current == start and len(seen) > 1:
            doc = document(start)
            problems.append(Problem(doc.path, *doc.position(("collection",)),
                                    "collections en boucle : " + " → ".join(seen + [start])))
    return problems


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


def _organisation_parents(result: ValidCatalogue, located: tuple[Document, dict[str, int]] | None) -> list[Problem]:
    """Unknown parents, an organisation its own parent, and parent cycles, at the `parent:` line."""
    if located is None:
        return []
    doc, indexes = located
    problems = []
    parents = {org.id: org.parent for org in result.organisations.values() if org.parent}
    for org_id in sorted(parents):
        parent = parents[org_id]
        where = doc.position((indexes[org_id], "parent"))
        if parent not in result.organisations:
            problems.append(Problem(doc.path, *where, f"organisation inconnue « {parent} » (parent de « {org_id} »)",
                                    suggest(parent, result.organisations)))
        elif parent == org_id:
            problems.append(Problem(doc.path, *where, f"l'organisation « {org_id} » est indiquée comme son propre parent",
                                    "retirez « parent » ou indiquez l'organisation de rattachement"))
        else:
            chain, current = [org_id], parent
            while current in parents and current not in chain:
                chain.append(current)
                current = parents[current]
            if current == org_id:
                problems.append(Problem(doc.path, *where, "organisations rattachées en boucle : "
                                        + " → ".join(chain + [org_id]),
                                        "une organisation ne peut pas dépendre d'elle-même"))
    return problems
