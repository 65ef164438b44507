"""Under `mkdocs serve`: what one preview session keeps from one rebuild to the next, and the
work it does in the background once a build is served.

Kept: a temporary cache folder, each unchanged file's validation (FileMemo), each unchanged
record's digest, the latest open data and feed written, and the generated pages' output files
(under --dirty, a deleted record's page is removed). After each build, two background steps:
the open data and the feed of that build are computed and written, then the garbage of the frozen
builds is collected once the preview is idle; and the Pagefind index is built by another process
from a snapshot of the pages, swapped in between two builds. Each step gives way to a newer build
(the generations), and none touches the site while a build writes it (the site lock).

No MkDocs here: the adapter's hooks call `begin_build`, `served`, `release_site` and `shutdown`.
"""

from __future__ import annotations

import gc
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable

from .cache import FileMemo
from ..catalogue.files import replace_file
from ..outputs.search import SearchIndexError, pagefind_binary

# The garbage of frozen builds is collected after this many idle seconds, or after this many
# builds in a row (bounding the memory they hold meanwhile).
IDLE_BEFORE_COLLECTION = 3.0
MAX_FROZEN_BUILDS = 8

Exports = Callable[[], dict]  # computes a build's open data and feed: path -> content


class ServeSession:
    """One `mkdocs serve` process's state between rebuilds and its background steps."""

    def __init__(self):
        self.cache_dir = tempfile.mkdtemp(prefix="campus-serve-cache-")
        self.memo = FileMemo()  # unchanged files are not read again
        self.digests: dict = {}  # records' digests, kept while unchanged
        self.data_files: dict[str, str | bytes] | None = None  # the latest exports written
        self.outputs: set[str] = set()  # generated pages' output files of the last build
        self.build_generation = 0  # counts builds, so that older background work gives way
        self.search_generation = 0
        self.frozen_builds = 0  # builds frozen since the last garbage collection
        self._site_lock = threading.Lock()  # held by a build from on_pre_build to on_post_build
        self._holding_site = False
        self._after_lock = threading.Lock()  # one background step after a build at a time
        self._search_lock = threading.Lock()  # one background index at a time
        self._indexer: subprocess.Popen | None = None  # that index's process, while it runs

    def begin_build(self) -> None:
        """A build starts: no background work touches the site while MkDocs writes it."""
        self.build_generation += 1
        self._site_lock.acquire()
        self._holding_site = True

    def release_site(self) -> None:
        if self._holding_site:
            self._holding_site = False
            self._site_lock.release()

    def keep_outputs(self, outputs: set[str], dirty: bool) -> None:
        """The generated pages' output files of the build just written; under --dirty, the
        previous build's that are gone (pages of deleted records) are removed."""
        if dirty:
            for stale in self.outputs - outputs:
                Path(stale).unlink(missing_ok=True)
        self.outputs = outputs

    def served(self, site_dir: Path, exports_due: Exports | None, project: Path, search_cache: Path | None) -> None:
        """The build is written: freeze its objects, start the background steps, free the site."""
        # The catalogue and MkDocs' pages are about a million objects at 10,000 records: a full
        # garbage collection holds the interpreter 1.5 s, and one fell in most rebuilds. Frozen,
        # they are not scanned by the next build's collections; their garbage is collected in
        # after_serving, when the preview is idle or after MAX_FROZEN_BUILDS builds.
        gc.freeze()
        self.frozen_builds += 1
        threading.Thread(target=self.after_serving, args=(site_dir, self.build_generation, exports_due),
                         daemon=True).start()
        # The edited page must not wait for the search index: it is rebuilt in the background,
        # from a snapshot of the pages, and swapped in between two builds.
        self.search_generation += 1
        threading.Thread(target=self.index_in_background,
                         args=(site_dir, self.search_generation, project, search_cache), daemon=True).start()
        self.release_site()

    def after_serving(self, site_dir: Path, generation: int, exports_due: Exports | None) -> None:
        """Once the build is served: write the open data and the feed of that build, then collect
        the garbage of the previous ones, unless a newer build started meanwhile."""
        with self._after_lock:
            if generation != self.build_generation:
                return
            if exports_due is not None:
                self.write_exports(site_dir, generation, exports_due)
            # Collect the garbage of the builds frozen since the last collection (served) once
            # the preview has been idle a while, or at once after many builds in a row.
            deadline = time.monotonic() + (0 if self.frozen_builds >= MAX_FROZEN_BUILDS else IDLE_BEFORE_COLLECTION)
            while time.monotonic() < deadline:
                if generation != self.build_generation:
                    return  # a newer build: its own step will collect
                time.sleep(0.1)
            if generation == self.build_generation:
                gc.unfreeze()
                gc.collect()
                gc.freeze()
                self.frozen_builds = 0

    def write_exports(self, site_dir: Path, generation: int, compute: Exports) -> None:
        """Compute the build's open data and feed and write them into the site, unless a newer
        build started meanwhile (it writes its own)."""
        try:
            data_files = compute()
        except Exception as exc:  # never a traceback in the terminal for a background step
            print(f"Données ouvertes : {exc}", file=sys.stderr, flush=True)
            return
        with self._site_lock:
            if generation != self.build_generation:
                return  # a newer build started: it will write its own
            try:
                for path, content in data_files.items():
                    # Whole or not at all: the preview serves these files while they are written.
                    replace_file(site_dir / path, content if isinstance(content, bytes) else content.encode("utf-8"))
            except OSError as exc:
                print(f"Données ouvertes : {exc}", file=sys.stderr, flush=True)
                return
            self.data_files = data_files

    def index_in_background(self, site_dir: Path, generation: int, project: Path, search_cache: Path | None) -> None:
        """The Pagefind index of a snapshot of the site's pages, built by another process and
        swapped in, unless a newer build started meanwhile (it indexes its own pages)."""
        with self._search_lock:
            if generation != self.search_generation:
                return  # a newer build will index its own pages
            snapshot = Path(tempfile.mkdtemp(prefix="campus-index-", dir=site_dir.parent))
            try:
                with self._site_lock:
                    if generation != self.search_generation:
                        return
                    for page in site_dir.rglob("*.html"):
                        target = snapshot / page.relative_to(site_dir)
                        target.parent.mkdir(parents=True, exist_ok=True)
                        try:
                            os.link(page, target)
                        except OSError:
                            shutil.copyfile(page, target)
                # In another process, at a lower priority: reading thousands of pages in this
                # one would hold the interpreter lock while the next edit is being built.
                # Its own process group, so that stopping the preview stops it and its Pagefind
                # runs too (shutdown).
                self._indexer = subprocess.Popen(
                    [sys.executable, "-c", "import sys; from mkdocs_campus.outputs.search import build_search_index; "
                     "build_search_index(sys.argv[1], sys.argv[2], sys.argv[3] or None)", str(snapshot),
                     str(pagefind_binary(project)), str(search_cache or "")],
                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                    preexec_fn=lambda: os.nice(10), start_new_session=True)
                _, errors = self._indexer.communicate()
                if self._indexer.returncode != 0:
                    raise SearchIndexError((errors.strip().splitlines() or ["échec"])[-1])
                with self._site_lock:
                    old = site_dir / ".campus-pagefind-old"
                    shutil.rmtree(old, ignore_errors=True)
                    if (site_dir / "pagefind").exists():
                        os.replace(site_dir / "pagefind", old)
                    os.replace(snapshot / "pagefind", site_dir / "pagefind")
                    shutil.rmtree(old, ignore_errors=True)
            except (SearchIndexError, OSError) as exc:
                print(f"Index de recherche : {exc}", file=sys.stderr, flush=True)
            finally:
                shutil.rmtree(snapshot, ignore_errors=True)

    def shutdown(self) -> None:
        """The preview stops: stop a running indexer (and its Pagefind), remove the cache folder."""
        if self._indexer is not None and self._indexer.poll() is None:
            try:
                os.killpg(self._indexer.pid, signal.SIGTERM)
            except OSError:
                pass
        shutil.rmtree(self.cache_dir, ignore_errors=True)
