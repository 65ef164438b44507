"""Model stage: valid records -> a catalogue with resolved relations and backlinks.

Relations are stored once in the YAML (a training names its communities) and appear on
both sides here (the community lists its trainings), so pages, exports and search all
read the same graph.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
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
    shape: tuple = field(default=(), repr=False, compare=False)  # what relations derive from (see _shape)

    def of_type(self, type_name: str) -> list[Entry]:
        return [e for e in self.entries if e.type == type_name]

    def latest(self, count: int) -> list[Entry]:
        """Most recently added or updated first; ties by title for stable output."""
        return sorted(self.entries, key=lambda e: (-e.last_change.toordinal(), e.title.casefold(), e.id))[:count]


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


def _shape(valid: ValidCatalogue) -> tuple:
    """Everything the order of entries, their relations, backlinks and related resources derive
    from: each record's id, type, file, title, themes and the fields naming other records, and
    the theme ids. Two catalogues of the same shape differ only in what their records say."""
    fields = sorted({name for _type, name in FORWARD})
    return (tuple(sorted(valid.themes)),
            tuple((x.id, x.type, x.path, x.record.title, tuple(x.record.themes),
                   tuple(repr(getattr(x.record, name, None)) for name in fields)) for x in valid.records))


def build_catalogue(valid: ValidCatalogue, previous: Catalogue | None = None) -> Catalogue:
    """Resolve relations, add backlinks and related resources.

    `previous`: the catalogue of an earlier reading (mkdocs serve); when its shape is the same,
    its relations are reused for the new records instead of being computed again."""
    shape = _shape(valid)
    if previous is not None and previous.shape == shape:
        return _reshaped(valid, previous, shape)
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


def _reshaped(valid: ValidCatalogue, previous: Catalogue, shape: tuple) -> Catalogue:
    """The new records laid on the relations of `previous`, a catalogue of the same shape
    (new Entry objects: the previous catalogue is left as it was)."""
    records = {x.id: x for x in valid.records}
    by_id = {e.id: Entry(e.id, e.type, records[e.id].record, e.path, e.url) for e in previous.entries}
    entries = [by_id[e.id] for e in previous.entries]
    for old in previous.entries:
        new = by_id[old.id]
        new.links = {name: [by_id[e.id] for e in items] for name, items in old.links.items()}
        new.related = [by_id[e.id] for e in old.related]
    by_theme = {theme_id: [by_id[e.id] for e in items] for theme_id, items in previous.by_theme.items()}
    return Catalogue(entries, valid.themes, valid.organisations, valid.sources, by_id, by_theme, shape)


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
