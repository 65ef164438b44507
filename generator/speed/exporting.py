"""Where and when one build's open data and Atom feed are computed and written.

`mkdocs build` with a forked worker: their names are registered at once (pages link to them),
the worker computes their contents after the pages, and they are written when the build ends
(`write_apart`). `mkdocs serve` after its first build: the edited page must not wait for them
(seconds at 10,000 records), so the latest ones written stay in place and the new ones are
computed and written in the background (`due`, for ServeSession.served). Otherwise they are
computed here, before the pages are written.

No MkDocs here: the adapter registers `files` with the builder and gives `write_apart` the way to
write one file.
"""

from __future__ import annotations

from typing import Callable, Iterable

from .parallel import BackgroundPages
from .serving import ServeSession
from ..catalogue import timings

Content = str | bytes


class ExportsError(Exception):
    """The worker's files are not the ones registered."""


class Exports:
    """One build's data files: `files` (path -> content) to register now; `apart`: their contents
    come from the worker (write_apart); `due`: under serve, what computes the new ones in the
    background (the files registered are then the ones already written)."""

    def __init__(self, compute: Callable[[], dict[str, Content]], names: Callable[[], Iterable[str]], *,
                 apart: bool, session: ServeSession | None):
        self.apart = apart
        self.due: Callable[[], dict[str, Content]] | None = None
        if apart:  # their names now, their contents at the end
            self.files: dict[str, Content] = dict.fromkeys(names(), "")
        elif session is not None and session.data_files is not None:
            self.files, self.due = session.data_files, compute
        else:
            with timings.stage("exports"):
                self.files = compute()
            if session is not None:
                session.data_files = self.files

    def write_apart(self, background: BackgroundPages, write: Callable[[str, Content], None]) -> None:
        """The files as the worker computed them, each given to `write(path, content)` in the
        order registered (a failure in the worker is raised here)."""
        if not self.apart or not self.files:
            return
        with timings.stage("exports.wait"):
            contents = background.exports()
        if list(contents) != list(self.files):
            raise ExportsError(f"Données ouvertes : fichiers inattendus ({', '.join(contents)})")
        for path in self.files:
            write(path, contents[path])
