"""Model stage: valid records -> a catalogue with resolved relations and backlinks.

Relations are stored once in the YAML (a training names its communities) and appear on
both sides here (the community lists its trainings), so pages, exports and search all
read the same graph.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from . import records as r
from .validate import Located, ValidCatalogue

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


def build_catalogue(valid: ValidCatalogue) -> Catalogue:
    """Resolve relations, add backlinks and related resources."""
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
    for entry in entries:
        entry.related = _related(entry, groups)
    return Catalogue(entries, valid.themes, valid.organisations, valid.sources, by_id, by_theme)


def _related(entry: Entry, groups: dict[frozenset, dict[str, list[Entry]]]) -> list[Entry]:
    """Entries sharing the most themes with `entry`, not already linked to it.

    Entries are grouped by their set of themes, so the cost per entry grows with the number
    of distinct theme combinations, not with the size of the catalogue.
    """
    mine = frozenset(entry.record.themes)
    if not mine:
        return []
    linked = {e.id for items in entry.links.values() for e in items} | {entry.id}
    wanted = RELATED_LIMIT + len(linked)
    by_overlap: dict[int, list[Entry]] = defaultdict(list)
    for themes, by_type in groups.items():
        overlap = len(themes & mine)
        if overlap:
            for members in by_type.values():
                by_overlap[overlap].extend(members[:wanted])
    related: list[Entry] = []
    for overlap in sorted(by_overlap, reverse=True):
        # Same type first, then alphabetical, within each level of shared themes.
        same_level = sorted(by_overlap[overlap], key=lambda e: (e.type != entry.type, _sort_key(e)))
        for other in same_level:
            if other.id not in linked:
                related.append(other)
                if len(related) == RELATED_LIMIT:
                    return related
    return related
