"""Under `mkdocs serve`: one rebuild when the day changes in Paris, so the preview moves the sessions
that ended, as the published site's morning rebuild does, without waiting for a save.

The rebuild re-renders only the pages whose day-dependent state changed (their fingerprints carry
it: generator/speed/dependencies.py). It is asked of MkDocs 1.6's LiveReloadServer the way its own
file watcher asks, through two private attributes (`_rebuild_cond`, `_want_rebuild`); another
server without them gets no such rebuild (a save still rebuilds on the new day). With
SOURCE_DATE_EPOCH set the build's day never changes: no timer.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from typing import Callable

from ..catalogue.clock import ENV_VAR, TIMEZONE

log = logging.getLogger("mkdocs.plugins.campus")


def seconds_to_next_day(now: dt.datetime) -> float:
    """Seconds from `now` (aware) to the next midnight in Paris, plus one (the day has surely changed)."""
    local = now.astimezone(TIMEZONE)
    midnight = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), tzinfo=TIMEZONE)
    return (midnight - local).total_seconds() + 1


class DayChange:
    """Asks the server for a rebuild at each change of day, until `stop`."""

    def __init__(self, server, now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc)):
        self.server, self.now = server, now
        self._timer: threading.Timer | None = None
        self._stopped = False

    @staticmethod
    def supported(server) -> bool:
        return hasattr(server, "_rebuild_cond") and hasattr(server, "_want_rebuild")

    def start(self) -> "DayChange":
        if not self._stopped:
            self._timer = threading.Timer(seconds_to_next_day(self.now()), self._rebuild)
            self._timer.daemon = True
            self._timer.start()
        return self

    def _rebuild(self) -> None:
        if self._stopped:
            return
        log.info("Campus : nouveau jour, les sessions passées sont mises à jour")
        with self.server._rebuild_cond:
            self.server._want_rebuild = True
            self.server._rebuild_cond.notify_all()
        self.start()

    def stop(self) -> None:
        self._stopped = True
        if self._timer is not None:
            self._timer.cancel()


def watch_day(server) -> DayChange | None:
    """A DayChange for this server, started, when the build's day can change and the server allows it."""
    if os.environ.get(ENV_VAR, "").strip() or not DayChange.supported(server):
        return None
    return DayChange(server).start()


__all__ = ["DayChange", "seconds_to_next_day", "watch_day"]
