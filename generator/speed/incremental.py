"""An incremental build's choices: what the cache folder kept between builds gives this one.

The cache folder (CAMPUS_CACHE_DIR, the plugin's `cache_dir` option, or a serving process's
temporary one) holds the records memo (each record file's validation, by content), the previous
build's relations (laid on the new records while no title, theme or link changed), the page
cache and the search index's parts. `CacheFolder` chooses them; `read` loads the catalogue with
them; `BuildPages` decides which generated pages this build renders (those whose inputs changed),
where (here, or in a forked worker that may compute the open data too), and which it reuses.

No MkDocs here: the adapter turns the pages into the builder's files.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import parallel
from .cache import ENV_VAR, CachedPage, PageCache, RecordMemo, records_key, replace_file, site_key
from .dependencies import Dependencies
from .serving import ServeSession
from ..catalogue import timings
from ..catalogue.errors import counted
from ..catalogue.model import Relations
from ..catalogue.pipeline import read_catalogue
from ..outputs import networks as site_networks
from ..outputs.render import GeneratedPage, SiteRenderer, site_map_pages

log = logging.getLogger("mkdocs.plugins.campus")

RELATIONS_FILE = "relations.json"  # in the cache folder: the previous build's relations (generator/catalogue/model.py)


@dataclass(frozen=True)
class CacheFolder:
    """The folder kept between builds, if any (`path` None: every build starts afresh)."""

    path: Path | None

    @classmethod
    def choose(cls, project: Path, option: str | None, session: ServeSession | None) -> CacheFolder:
        """CAMPUS_CACHE_DIR, else the `cache_dir` option, else a serving process's temporary
        folder; relative to the project."""
        folder = os.environ.get(ENV_VAR) or option or (session.cache_dir if session else None)
        return cls(project / folder if folder else None)

    def record_memo(self) -> RecordMemo | None:
        """Each record file's validation, kept by content. Unlike the page cache, also with
        included networks: a file's own validation does not depend on them (they are read after
        the catalogue, apart)."""
        return RecordMemo(self.path, records_key()) if self.path else None

    def kept_relations(self) -> Relations | None:
        """The previous build's relations, if kept and readable."""
        try:
            return Relations.from_json((self.path / RELATIONS_FILE).read_text(encoding="utf-8")) if self.path else None
        except (OSError, UnicodeDecodeError):
            return None

    def keep_relations(self, kept: Relations | None, catalogue) -> None:
        """Keep this build's relations for the next one (when they changed)."""
        if self.path is None or (kept is not None and kept.shape == catalogue.shape):
            return
        try:
            replace_file(self.path / RELATIONS_FILE, catalogue.relations().to_json().encode())
        except OSError:
            pass  # no kept relations: the next build computes them

    def page_cache(self, *, config_file: Path, folders: list[Path], settings: dict,
                   previous: PageCache | None = None) -> PageCache | None:
        """The pages kept under the site-wide key of these files, folders and settings; `previous`
        (a serving process's cache of the last rebuild, in memory) while its key holds."""
        if self.path is None:
            return None
        key = site_key(config_file=config_file, folders=folders, settings=settings)
        if previous is not None and previous.key == key:
            return previous
        return PageCache(self.path, key)

    @property
    def search(self) -> Path | None:
        """Where the search index's parts are kept (generator/outputs/search.py), beside the
        pages' cache: a part whose pages did not change is not indexed again."""
        return self.path / "search" if self.path else None


def read(folder: CacheFolder, catalogue_dir: Path, project: Path, *, session: ServeSession | None,
         previous, prefetch: bool):
    """The catalogue, read with the records memo and the kept relations of the cache folder, or
    under serve with the session's memo and the `previous` valid catalogue. CatalogueError is
    raised as read_catalogue raises it; the memo is saved (or pruned) either way."""
    kept = None if session else folder.kept_relations()
    memo = session.memo if session else folder.record_memo()
    try:
        catalogue = read_catalogue(catalogue_dir, project, memo, prefetch=parallel.prefetcher if prefetch else None,
                                   previous=previous if session else kept)
        if not session:
            folder.keep_relations(kept, catalogue)
        return catalogue
    finally:
        if session:
            session.memo.prune()
        elif memo is not None:
            with timings.stage("records memo"):
                memo.save()
            log.info(f"Campus : {counted(memo.reused, 'fiche reprise', 'fiches reprises')} du cache, "
                     f"{counted(memo.computed, 'fiche lue', 'fiches lues')}")


class BuildPages:
    """One build's generated pages: with a page cache, only those whose inputs changed are
    rendered, the others are reused with their kept output; rendered here, or by a forked worker
    (`background`) that may compute the open data and the feed too (`exports`)."""

    def __init__(self, cache: PageCache | None):
        self.cache = cache
        self.inputs: dict[str, str] = {}  # each page's input fingerprint
        self.reused: dict[str, CachedPage] = {}
        self.background: parallel.BackgroundPages | None = None

    def render(self, renderer: SiteRenderer, catalogue, networks: list, intro: str, written: dict[str, str], *,
               digests: dict | None, building: bool, site_name: str,
               exports: Callable[[], dict]) -> list[GeneratedPage]:
        """The pages to add to the site (those rendered by the worker with no text yet: `text`)."""
        wanted = None
        if self.cache is not None:
            with timings.stage("dependencies"):
                dependencies = Dependencies(catalogue, intro, site_map_pages(written), digests, today=renderer.today)

            def changed(src_uri: str) -> bool:  # render only the pages whose inputs changed
                self.inputs[src_uri] = dependencies.page(src_uri)
                cached = self.cache.get(src_uri, self.inputs[src_uri])
                if cached is not None:
                    self.reused[src_uri] = cached
                return cached is None
            wanted = changed
        plan = {}
        if not networks:
            with timings.stage("render"):
                plan = renderer.page_plan(intro, written, wanted)
        pages_apart = building and not networks and parallel.wanted(len(plan))
        exports_apart = building and parallel.wanted(len(catalogue.entries))
        if pages_apart or exports_apart:
            # A second process renders the pages while the builder reads the first ones, then
            # computes the open data and the feed, written at the end.
            self.background = parallel.BackgroundPages(plan if pages_apart else {},
                                                       exports=exports if exports_apart else None)
        if networks:
            return site_networks.site_pages(renderer, networks, site_name, intro, written)
        if pages_apart:
            return [GeneratedPage(src_uri, "") for src_uri in plan]
        with timings.stage("render"):
            return [render() for render in plan.values()]

    @property
    def exports_apart(self) -> bool:
        return self.background is not None and self.background.has_exports

    def text(self, src_uri: str) -> str | None:
        """A page's text from the worker, if the worker renders it."""
        if self.background is not None and src_uri in self.background:
            return self.background.text(src_uri)
        return None

    def output(self, src_uri: str) -> str | None:
        """A reused page's kept output."""
        cached = self.reused.get(src_uri)
        return self.cache.html(cached) if cached is not None else None

    def keep(self, src_uri: str, meta: dict, anchors, output: str) -> None:
        """A page just rendered, kept for the next builds (if its inputs are known)."""
        if self.cache is not None and src_uri in self.inputs:
            self.cache.put(src_uri, self.inputs[src_uri], meta, anchors, output)

    def pages_read(self) -> None:
        """Every page was read: a worker with no exports to compute is done."""
        if self.background is not None and not self.background.has_exports:
            self.close()

    def close(self) -> None:
        if self.background is not None:
            self.background.close()
            self.background = None

    def finish(self, warned: bool, write: bool) -> None:
        """The build is written: keep its pages, unless one warned (it must be rendered, and
        warn, again)."""
        if self.cache is not None:
            if warned:
                self.cache.invalidate()
            else:
                self.cache.save(set(self.inputs), write=write)

    def abandon(self) -> None:
        """The build failed: stop the worker without waiting for its pages."""
        if self.background is not None:
            self.background.abandon()
            self.background = None
