"""Checks across records: references to records and reference-list entries that do not exist,
tool collections in a loop, organisations' parents (unknown, their own, in a loop); and which
fields hold references, to what."""

from __future__ import annotations

import typing
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from pydantic import BaseModel

from . import records as r
from .errors import Problem
from .load import Document
from .model_errors import suggest

if TYPE_CHECKING:
    from .validate import ValidCatalogue

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


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds, through Optional, list and Annotated, or None."""
    while typing.get_origin(annotation) is not None:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if not args:
            return None
        annotation = args[0]
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def raw_references(data: Any, model: type[BaseModel], loc: tuple = ()) -> Iterator[tuple[tuple, str, str]]:
    """Every (loc, target, id) the parsed mapping of a record that failed validation refers to, in
    the fields the model declares: its references are still checked (every problem at once)."""
    if not isinstance(data, dict):
        return
    for name, info in model.model_fields.items():
        if name not in data:
            continue
        value, target = data[name], REFERENCE_FIELDS.get(name)
        nested = _nested_model(info.annotation)
        if target and isinstance(value, str):
            yield loc + (name,), target, value
        elif target and isinstance(value, list):
            yield from ((loc + (name, index), target, ref) for index, ref in enumerate(value) if isinstance(ref, str))
        elif nested is not None and isinstance(value, dict):
            yield from raw_references(value, nested, loc + (name,))
        elif nested is not None and isinstance(value, list):
            for index, item in enumerate(value):
                yield from raw_references(item, nested, loc + (name, index))


def reference_problems(result: ValidCatalogue, references_of, unreadable: set[str], document,
                       invalid: Iterable[tuple[str, str]] = ()) -> list[Problem]:
    """Every reference to a record or list entry that does not exist (with a suggestion, or the type
    the id has), and a tool in its own collection, located by `document(record_id)`. References to
    records already reported as unreadable (`unreadable`) are not unknown; `invalid`: (id, path) of
    the records that failed validation, whose references are checked too."""
    problems = []
    known = {"themes": result.themes, "organisations": result.organisations, "sources": result.sources,
             "community": {x.id for x in result.records if x.type == "community"},
             "tool": {x.id for x in result.records if x.type == "tool"}}
    all_ids = {x.id: x.type for x in result.records}
    for item_id, item_path in [*((x.id, x.path) for x in result.records), *invalid]:
        for loc, target, ref in references_of(item_id):
            if ref in known[target]:
                if target == "tool" and loc[0] == "collection" and ref == item_id:
                    problems.append(Problem(item_path, *document(item_id).position(loc),
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
            problems.append(Problem(item_path, *document(item_id).position(loc), f"{label} inconnue « {ref} »"
                                    if label in ("thématique", "source", "organisation", "communauté")
                                    else f"{label} inconnu « {ref} »", hint))
    return problems


def collection_cycles(result: ValidCatalogue, document) -> list[Problem]:
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


def organisation_parents(result: ValidCatalogue, located: tuple[Document, dict[str, int]] | None) -> list[Problem]:
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
