"""Under `mkdocs serve`: the operating system's file notifications instead of MkDocs' polling.

MkDocs 1.6's LiveReloadServer watches with watchdog's PollingObserver: every 0.5 s it lists and
stats every watched file (10,000 records: a noticeable share of a CPU, taken from the rebuild,
and up to half a second before an edit is even seen). watchdog's native observer (inotify on
Linux) reports a save at once. The server is given one before it starts, through public
methods (`watch`, `unwatch`, the `observer` attribute) and one private read: the paths MkDocs
already watches (`_watched_paths`). Anything unexpected (another MkDocs, no native observer,
notifications refused by the system) keeps MkDocs' own polling observer.
"""

from __future__ import annotations

import logging

from watchdog.events import (DirCreatedEvent, DirDeletedEvent, DirMovedEvent, FileClosedEvent, FileCreatedEvent,
                             FileDeletedEvent, FileModifiedEvent, FileMovedEvent, FileSystemEventHandler)
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

log = logging.getLogger("mkdocs.plugins.campus")

# What a save, a new, deleted or renamed file looks like; never a mere read (opening a file
# to build the site must not start another build).
CHANGES = [FileCreatedEvent, FileDeletedEvent, FileModifiedEvent, FileMovedEvent, FileClosedEvent,
           DirCreatedEvent, DirDeletedEvent, DirMovedEvent]


class NativeObserver(Observer):  # type: ignore[misc, valid-type]
    """watchdog's native observer reporting only changes (see CHANGES)."""

    def schedule(self, event_handler, path, *, recursive=False, event_filter=None, follow_symlink=False):
        return super().schedule(event_handler, path, recursive=recursive, event_filter=event_filter or CHANGES,
                                follow_symlink=follow_symlink)


def _notifications_work(paths: list[str]) -> bool:
    """Whether the native observer can watch these paths here (inotify instances and watches
    are limited per user)."""
    probe = NativeObserver()
    try:
        for path in paths:
            probe.schedule(FileSystemEventHandler(), path, recursive=True)
        probe.start()
        return True
    except Exception:  # noqa: BLE001 - any failure means: keep polling
        return False
    finally:
        if probe.is_alive():
            probe.stop()
            probe.join()


def use_native_observer(server, also: list[str]) -> bool:
    """Give MkDocs' live-reload `server` (not started yet) a native observer watching what it
    watched so far; `also`: paths about to be watched. False, leaving the server unchanged,
    when that cannot be done safely."""
    watched = getattr(server, "_watched_paths", None)  # MkDocs' private: path -> times watched
    polling = getattr(server, "observer", None)
    if (Observer is PollingObserver or not isinstance(watched, dict) or not isinstance(polling, PollingObserver)
            or polling.is_alive() or not callable(getattr(server, "watch", None))
            or not callable(getattr(server, "unwatch", None))):
        return False
    counts = dict(watched)
    if not all(isinstance(path, str) and isinstance(count, int) for path, count in counts.items()):
        return False
    if not _notifications_work(list(counts) + list(also)):
        return False
    for path, count in counts.items():
        for _ in range(count):
            server.unwatch(path)
    server.observer = NativeObserver()
    for path, count in counts.items():
        for _ in range(count):
            server.watch(path)
    log.info("Campus : modifications suivies par les notifications du système")
    return True


__all__ = ["use_native_observer", "NativeObserver", "CHANGES"]
