"""Loading the catalogue and rendering the generated pages with a second process.

Loading: `PrefetchedLoads` parses the second half of the record files in a forked worker while
this process parses and validates the first half (YAML parsing is most of the loading: 6.4 s of
CPU at 10,000 records); the worker sends each file's document or problems back, which this process
validates in the usual order. Each result is the one `load_file` (or the `load` given: the records
memo parses the bytes it hashed) gives here.

Rendering: a cold build of 10,000 records spends about 18 s of CPU rendering pages (records'
Markdown, sanitising, Jinja) before MkDocs reads them. `BackgroundPages` forks one worker
after the catalogue is loaded and modelled; the worker renders the pages in the order given
(the order the builder reads them) and sends each text back as soon as it is ready, while this
process goes on: the builder converts the first pages as the worker renders the next ones.
A page's text is the one a sequential render gives (the same code on the same data, forked).

Exports: the open data files and the Atom feed (1.4 s at 10,000 records) are computed by the same
worker after its pages, or by a worker of their own when the pages are rendered here (an
incremental build renders a few); the build process takes them when it writes them, at the end.

Only with the "fork" start method (the worker inherits the catalogue instead of pickling it),
never in a process with other threads running (`mkdocs serve`): the plugin uses both for
`mkdocs build` only.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Callable

from ..catalogue import timings
from ..catalogue.load import load_file

ENV_VAR = "CAMPUS_PARALLEL"  # "0": never; "1": always (tests); unset: when it pays
MIN_ITEMS = 200  # fewer pages or files take well under a second: not worth a process
CHUNK = 16  # pages per message between the processes

_plan: dict[str, Callable] = {}  # the pages to render, inherited by the forked worker
_exports: Callable[[], dict] | None = None  # the data files to compute after them, inherited likewise
_loader: Callable = load_file  # how the forked worker parses a file (inherited, never pickled)


def wanted(items: int) -> bool:
    """Whether to share `items` pages to render (or files to load) with a second process here."""
    setting = os.environ.get(ENV_VAR, "").strip()
    if setting in ("0", "1"):
        return setting == "1" and "fork" in multiprocessing.get_all_start_methods()
    return items >= MIN_ITEMS and (os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods()


def _start() -> None:
    timings.reset()  # the worker's own stage times, sent back at the end


def _executor() -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"), initializer=_start)


def _load(item: tuple[Path, str]):
    return _loader(*item)


class _Arrivals:
    """(key, value) pairs a worker sends in its own order, taken here in any order: the ones
    that arrive before they are asked for wait in a buffer."""

    def __init__(self, pairs):
        self._pairs = pairs
        self._ready: dict = {}

    def take(self, key):
        while key not in self._ready:
            done, value = next(self._pairs)
            self._ready[done] = value
        return self._ready.pop(key)


def prefetcher(files: list[tuple[Path, str]], load: Callable = load_file) -> "PrefetchedLoads | None":
    """For `validate_catalogue(prefetch=prefetcher)`: a forked worker parses the second half of
    `files` while the caller parses the first, when that pays (`wanted`); otherwise None."""
    if not files or not wanted(len(files)):
        return None
    return PrefetchedLoads(files[len(files) // 2:], load)


class PrefetchedLoads:
    """`load(path, display)` results of the given files (default `load_file`), parsed by a forked
    worker; called as `memo(path, ("load", display), compute)`: any other call is computed here."""

    def __init__(self, files: list[tuple[Path, str]], load: Callable = load_file):
        global _loader
        self._files = {(str(path), display) for path, display in files}
        self._executor = _executor()
        _loader = load
        try:  # the worker is forked by the first submission, with `load` (and what it holds)
            self._results = _Arrivals(zip(((str(path), display) for path, display in files),
                                          # One task: this process asks for none of them before it has
                                          # parsed its own half, and many small tasks starve (their feeder
                                          # thread here waits for the interpreter lock while this process
                                          # parses: 1.7 s lost at 10,000 files parsed from memory).
                                          self._executor.map(_load, files, chunksize=max(1, len(files)))))
        finally:
            _loader = load_file

    def __call__(self, path, key, compute):
        wanted = (str(path), key[1]) if key[0] == "load" else None
        if wanted not in self._files:
            return compute()
        result = self._results.take(wanted)
        self._files.discard(wanted)
        return result

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)


def _render(src_uri: str) -> str:
    with timings.stage("render"):
        return _plan[src_uri]().text


def _compute_exports() -> dict:
    with timings.stage("exports"):
        return _exports()


def _finish() -> dict:
    return {"timings": timings.totals(),
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


class BackgroundPages:
    """The texts of generated pages, rendered by a forked worker, by path; with `exports`, also
    what that function returns (the data files), computed by the worker after the pages (with no
    pages, the worker computes only that)."""

    def __init__(self, plan: dict[str, Callable], exports: Callable[[], dict] | None = None):
        global _plan, _exports
        _plan, _exports = plan, exports  # before the first task: the worker is forked then
        self._pending = set(plan)
        self._name = "render_worker" if plan else "exports_worker"
        self._executor = _executor()
        try:
            self._results = _Arrivals(zip(plan, self._executor.map(_render, plan, chunksize=CHUNK)))
            self._exports = self._executor.submit(_compute_exports) if exports is not None else None
            self._stats = self._executor.submit(_finish)  # runs after every page (one worker, in order)
        finally:
            _plan, _exports = {}, None  # the worker has its own copy; this process keeps no reference to the pages
        self.worker_peak_mb: float | None = None

    @property
    def has_exports(self) -> bool:
        return self._exports is not None

    def exports(self) -> dict:
        """What `exports` returned in the worker, waiting for it if need be (a failure in the
        worker is raised here)."""
        return self._exports.result()

    def __contains__(self, src_uri: str) -> bool:
        return src_uri in self._pending

    def text(self, src_uri: str) -> str:
        """The page's text, waiting for the worker to render it if need be (a failure in the
        worker is raised here)."""
        text = self._results.take(src_uri)
        self._pending.discard(src_uri)
        return text

    def close(self) -> None:
        """Wait for the worker to end; count its stage times and peak memory with this build's."""
        if self._executor is None:
            return
        if not self._pending:
            stats = self._stats.result()
            timings.add(stats["timings"])
            self.worker_peak_mb = stats["peak_mb"]
            timings.note_memory(self._name, self.worker_peak_mb)
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._executor = None

    def abandon(self) -> None:
        """The build failed: stop the worker without waiting for its pages."""
        if self._executor is None:
            return
        for process in list((getattr(self._executor, "_processes", None) or {}).values()):
            process.terminate()
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._executor = None
