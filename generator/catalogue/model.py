"""Model stage: valid records -> a catalogue with resolved relations and backlinks.

Relations are stored once in the YAML (a training names its communities) and appear on
both sides here (the community lists its trainings), so pages, exports and search all
read the same graph.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from heapq import merge
from itertools import chain
from typing import Iterator

from . import records as r
from .validate import ValidCatalogue

RELATED_LIMIT = 6


@dataclass(eq=False)
class Entry:
    """One record in the catalogue, with what points to it and what it points to."""

    id: str
    type: str
    record: r.Record
    path: str
    url: str  # site-relative, e.g. "communautes/facilitateurs-publics/"
    links: dict[str, list["Entry"]] = field(default_factory=dict)  # relation name -> entries
    related: list["Entry"] = field(default_factory=list)  # sharing themes, best first

    @property
    def title(self) -> str:
        return self.record.title

    @property
    def type_info(self) -> r.RecordType:
        return r.RECORD_TYPES[self.type]

    @property
    def last_change(self):
        return self.record.updated or self.record.published


@dataclass
class Catalogue:
    """All entries, reference lists and relations, in a stable order."""

    entries: list[Entry]
    themes: dict[str, r.Theme]
    organisations: dict[str, r.Organisation]
    sources: dict[str, r.Source]
    by_id: dict[str, Entry] = field(default_factory=dict)
    by_theme: dict[str, list[Entry]] = field(default_factory=dict)
    shape: str = field(default="", repr=False, compare=False)  # digest of what relations derive from (see _shape)

    def relations(self) -> "Relations":
        """This catalogue's relations by record id (see Relations)."""
        return Relations(self.shape, [e.id for e in self.entries],
                         {e.id: {name: [x.id for x in items] for name, items in e.links.items()} for e in self.entries},
                         {e.id: [x.id for x in e.related] for e in self.entries},
                         {theme: [e.id for e in items] for theme, items in self.by_theme.items()})

    def of_type(self, type_name: str) -> list[Entry]:
        return [e for e in self.entries if e.type == type_name]

    def latest(self, count: int) -> list[Entry]:
        """Most recently added or updated first; ties by title for stable output."""
        return sorted(self.entries, key=lambda e: (-e.last_change.toordinal(), e.title.casefold(), e.id))[:count]


@dataclass(frozen=True)
class Relations:
    """What build_catalogue derives from a catalogue's shape, by record id: the order of the
    entries, their links both ways, their related resources and the entries of each theme.

    `mkdocs serve` keeps the previous rebuild's; an incremental build reads the previous build's
    from the cache folder (`to_json` / `from_json`). They are laid on new records only when the
    shape digest is the same (same records, titles, themes and links, same model code)."""

    shape: str
    order: list[str]
    links: dict[str, dict[str, list[str]]]
    related: dict[str, list[str]]
    by_theme: dict[str, list[str]]

    def to_json(self) -> str:
        return json.dumps({"shape": self.shape, "order": self.order, "links": self.links,
                           "related": self.related, "by_theme": self.by_theme},
                          ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> "Relations | None":
        """The relations written by `to_json`, or None when the text is not such a document."""
        try:
            data = json.loads(text)
            return cls(*(data[name] for name in ("shape", "order", "links", "related", "by_theme")))
        except (ValueError, TypeError, KeyError):
            return None


def entry_url(type_name: str, record_id: str) -> str:
    return f"{r.RECORD_TYPES[type_name].section}/{record_id}/"


def _sort_key(entry: Entry):
    return (entry.title.casefold(), entry.id)


# Forward relations: (type, field) -> (name on this side, name on the other side).
FORWARD = {
    ("training", "communities"): ("communities", "trainings"),
    ("tool", "communities"): ("communities", "tools"),
    ("tool", "collection"): ("collection", "parts"),
    ("intervention", "facilitated_by"): ("facilitated_by", "interventions"),
    ("intervention", "tools"): ("tools", "used_in"),
}


_CODE = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()  # the rules relations follow


def _shape(valid: ValidCatalogue) -> str:
    """A digest of everything the order of entries, their relations, backlinks and related
    resources derive from: each record's id, type, file, title, themes and the fields naming
    other records, the theme ids, this module's code and Python (title order casefolds).
    Two catalogues of the same shape differ only in what their records say."""
    fields = sorted({name for _type, name in FORWARD})
    shape = (tuple(sorted(valid.themes)),
             tuple((x.id, x.type, x.path, x.record.title, tuple(x.record.themes),
                    tuple(repr(getattr(x.record, name, None)) for name in fields)) for x in valid.records))
    return hashlib.sha256(f"{_CODE}\0{sys.version}\0{shape!r}".encode("utf-8", "surrogatepass")).hexdigest()


def build_catalogue(valid: ValidCatalogue, previous: "Catalogue | Relations | None" = None) -> Catalogue:
    """Resolve relations, add backlinks and related resources.

    `previous`: the catalogue of an earlier reading (mkdocs serve) or the relations of an earlier
    build (cache folder); when its shape is the same, its relations are laid on the new records
    instead of being computed again."""
    shape = _shape(valid)
    if previous is not None and previous.shape == shape:
        reshaped = _reshaped(valid, previous.relations() if isinstance(previous, Catalogue) else previous)
        if reshaped is not None:
            return reshaped
    entries = sorted((Entry(x.id, x.type, x.record, x.path, entry_url(x.type, x.id)) for x in valid.records),
                     key=_sort_key)
    by_id = {e.id: e for e in entries}
    links: dict[str, dict[str, list[Entry]]] = defaultdict(lambda: defaultdict(list))
    for entry in entries:
        for (type_name, field_name), (here, there) in FORWARD.items():
            if entry.type != type_name:
                continue
            value = getattr(entry.record, field_name)
            for target_id in ([value] if isinstance(value, str) else value or []):
                target = by_id[target_id]
                links[entry.id][here].append(target)
                links[target.id][there].append(entry)
    for entry in entries:
        entry.links = {name: sorted({e.id: e for e in items}.values(), key=_sort_key)
                       for name, items in sorted(links[entry.id].items())}

    by_theme: dict[str, list[Entry]] = {theme_id: [] for theme_id in valid.themes}
    for entry in entries:
        for theme_id in entry.record.themes:
            by_theme[theme_id].append(entry)
    groups: dict[frozenset, dict[str, list[Entry]]] = defaultdict(lambda: defaultdict(list))
    for entry in entries:  # already in sort order
        groups[frozenset(entry.record.themes)][entry.type].append(entry)
    rankings: dict = {}
    overlaps: dict = {}
    for entry in entries:
        entry.related = _related(entry, groups, rankings, overlaps)
    return Catalogue(entries, valid.themes, valid.organisations, valid.sources, by_id, by_theme, shape)


def _reshaped(valid: ValidCatalogue, relations: Relations) -> Catalogue | None:
    """The new records laid on `relations`, those of a catalogue of the same shape; None if they
    do not fit these records (a damaged cache file)."""
    records = {x.id: x for x in valid.records}
    try:
        if sorted(relations.order) != sorted(records) or set(relations.by_theme) != set(valid.themes):
            return None
        by_id = {}
        for record_id in relations.order:
            x = records[record_id]
            by_id[record_id] = Entry(x.id, x.type, x.record, x.path, entry_url(x.type, x.id))
        for entry in by_id.values():
            entry.links = {name: [by_id[i] for i in ids] for name, ids in relations.links[entry.id].items()}
            entry.related = [by_id[i] for i in relations.related[entry.id]]
        by_theme = {theme_id: [by_id[i] for i in relations.by_theme[theme_id]] for theme_id in valid.themes}
    except (KeyError, TypeError, AttributeError):
        return None
    return Catalogue([by_id[i] for i in relations.order], valid.themes, valid.organisations, valid.sources,
                     by_id, by_theme, relations.shape)


class _Ranking:
    """Every entry sharing themes with a theme set, best first for one record type.

    Most shared themes first; within a level, that type first, then alphabetical. The order
    is merged lazily from the groups' sorted lists and shared by all the entries with the
    same themes and type, so each entry only reads as far as it needs.
    """

    def __init__(self, overlaps: list[tuple[int, dict[str, list[Entry]]]], type_name: str):
        levels: dict[int, tuple[list, list]] = defaultdict(lambda: ([], []))
        for overlap, by_type in overlaps:
            for other_type, members in by_type.items():
                levels[overlap][other_type != type_name].append(members)
        self._source = chain.from_iterable(
            chain(merge(*same, key=_sort_key), merge(*others, key=_sort_key))
            for _, (same, others) in sorted(levels.items(), reverse=True))
        self._read: list[Entry] = []

    def __iter__(self) -> Iterator[Entry]:
        index = 0
        while True:
            if index == len(self._read):
                following = next(self._source, None)
                if following is None:
                    return
                self._read.append(following)
            yield self._read[index]
            index += 1


def _related(entry: Entry, groups: dict[frozenset, dict[str, list[Entry]]],
             rankings: dict[tuple[frozenset, str], _Ranking],
             overlaps: dict[frozenset, list[tuple[int, dict[str, list[Entry]]]]]) -> list[Entry]:
    """Entries sharing the most themes with `entry`, not already linked to it.

    Entries are grouped by their set of themes and ranked once per theme set and type
    (`rankings`, `overlaps` are caches shared by all entries), so the cost per entry does not
    grow with the size of the catalogue.
    """
    mine = frozenset(entry.record.themes)
    if not mine:
        return []
    key = (mine, entry.type)
    if key not in rankings:
        if mine not in overlaps:
            overlaps[mine] = [(len(themes & mine), by_type) for themes, by_type in groups.items()
                              if themes & mine]
        rankings[key] = _Ranking(overlaps[mine], entry.type)
    linked = {e.id for items in entry.links.values() for e in items} | {entry.id}
    related: list[Entry] = []
    for other in rankings[key]:
        if other.id not in linked:
            related.append(other)
            if len(related) == RELATED_LIMIT:
                break
    return related
