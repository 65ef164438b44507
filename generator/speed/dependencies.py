"""What each generated page shows: a fingerprint of its inputs, computed without rendering it.

A page's fingerprint changes whenever something it shows may change: a record page depends on
its record, on the records it links to and is linked from (their cards), on its related
resources and on the reference lists (theme titles, organisation names, sources); a listing on
every record of its type; a theme page on the records of that theme; the home page on its
introduction, the counts and the latest additions; the site map on every record's title; the
news page on the latest changes. Pages this map does not know depend on the whole catalogue, so
a page added to the renderer without a declared dependency is never wrongly reused.

Site-wide inputs (templates, code, mkdocs.yml, installed packages) are not here: they key the
whole cache (generator/speed/cache.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from ..catalogue import records as r
from ..catalogue.clock import build_today, is_upcoming
from ..outputs.feed import NEWS_LIMIT
from ..catalogue.model import Catalogue, Entry

HOME_LATEST = 8  # as Presenter.home_page shows


def _digest(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, separators=(",", ":"),
                                     default=str).encode("utf-8", "surrogatepass")).hexdigest()


def record_digest(entry: Entry) -> str:
    """Identity of what a record says: its id, type, file and every field's value."""
    return _digest(entry.id, entry.type, entry.path, entry.record.model_dump_json())


def day_state(entry: Entry, today: dt.date) -> list[bool] | None:
    """What of a record depends on the day: for a training, which of its sessions are to come."""
    if entry.type != "training" or not entry.record.sessions:
        return None
    return [is_upcoming(s.start, s.end, today) for s in entry.record.sessions]


def _kept_digest(entry: Entry, digests: dict) -> str:
    kept = digests.get(entry.id)
    if kept is not None and kept[0] is entry.record and kept[1] == (entry.type, entry.path):
        return kept[2]
    digest = record_digest(entry)
    digests[entry.id] = (entry.record, (entry.type, entry.path), digest)
    return digest


class Dependencies:
    """Fingerprints of the generated pages of one catalogue (path in the docs tree -> hex digest)."""

    def __init__(self, catalogue: Catalogue, intro: str = "", written_pages: dict[str, str] | None = None,
                 digests: dict | None = None, today: dt.date | None = None):
        """`digests`: a dict kept from one catalogue to the next (mkdocs serve); a record object
        seen before (its file unchanged) keeps its digest instead of being serialised again.
        `today`: the build's day (the renderer's), else catalogue/clock.py's."""
        self.catalogue = catalogue
        self.today = today or build_today()
        self.records = {e.id: _kept_digest(e, digests) if digests is not None else record_digest(e)
                        for e in catalogue.entries}
        # What pages showing a record's page or card depend on: the record and its day state.
        self.shown = dict(self.records)
        for e in catalogue.entries:
            state = day_state(e, self.today)
            if state is not None:
                self.shown[e.id] = _digest(self.records[e.id], state)
        if digests is not None:
            for gone in digests.keys() - self.records.keys():
                del digests[gone]
        self.references = _digest(
            [[k, v.model_dump_json()] for k, v in sorted(catalogue.themes.items())],
            [[k, v.model_dump_json()] for k, v in sorted(catalogue.organisations.items())],
            [[k, v.model_dump_json()] for k, v in sorted(catalogue.sources.items())])
        self.intro = intro
        self.written = dict(sorted((written_pages or {}).items()))
        self.whole = _digest(self.references, sorted(self.shown.items()), intro, self.written)
        self._pages = self._map()

    def _ids(self, entries, shown: bool = True) -> list[list[str]]:
        """Ids and digests of entries a page shows (`shown`: as cards or pages, with their day state;
        else as links: title and dates)."""
        digests = self.shown if shown else self.records
        return [[e.id, digests[e.id]] for e in entries]

    def _map(self) -> dict[str, str]:
        cat = self.catalogue
        pages: dict[str, str] = {}
        for e in cat.entries:
            pages[f"{e.type_info.section}/{e.id}.md"] = _digest(
                "record", self.shown[e.id], self.references,
                [[name, self._ids(items)] for name, items in sorted(e.links.items())], self._ids(e.related))
        for info in r.RECORD_TYPES.values():
            pages[f"{info.section}/index.md"] = _digest("listing", info.name, self.references,
                                                        self._ids(cat.of_type(info.name)))
        for theme_id in sorted(cat.themes):
            pages[f"thematiques/{theme_id}.md"] = _digest("theme", theme_id, self.references,
                                                          self._ids(cat.by_theme.get(theme_id, [])))
        counts = {t: len(cat.by_theme.get(t, [])) for t in sorted(cat.themes)}
        type_counts = {info.name: len(cat.of_type(info.name)) for info in r.RECORD_TYPES.values()}
        pages["thematiques/index.md"] = _digest("themes", self.references, counts)
        pages["index.md"] = _digest("home", self.intro, self.references, counts, type_counts,
                                    self._ids(cat.latest(HOME_LATEST), shown=False))
        pages["nouveautes.md"] = _digest("news", self._ids(cat.latest(NEWS_LIMIT), shown=False))
        pages["plan-du-site.md"] = _digest("site-map", self.written, self.references,
                                           [[e.id, e.type, e.title] for e in cat.entries])
        pages["agenda.md"] = _digest("agenda", self.today.isoformat(), self.references,
                                     self._ids(cat.of_type("training")), self._ids(cat.of_type("intervention")))
        pages["recherche.md"] = _digest("search")
        pages["champs-des-fiches.md"] = _digest("fields")
        return pages

    def page(self, src_uri: str) -> str:
        """Fingerprint of a generated page; unknown pages depend on everything."""
        return self._pages.get(src_uri) or _digest("page", src_uri, self.whole)


__all__ = ["Dependencies", "day_state", "record_digest"]
