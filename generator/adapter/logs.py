"""MkDocs' log as the plugin reads and writes it: a build's warnings counted (a page that warned
is not kept in the page cache), MkDocs' notice about --dirty builds turned into information
(the plugin keeps generated pages exact), and the catalogue's located problems as one message."""

from __future__ import annotations

import logging

from ..catalogue.errors import CatalogueError, format_problems, summary_line

_DIRTY_NOTICE = "A 'dirty' build"  # how MkDocs' warning about --dirty builds begins


class WarningCounter(logging.Handler):
    """Counts the warnings logged while it is added to MkDocs' logger, but MkDocs' --dirty notice."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record):
        if not record.getMessage().startswith(_DIRTY_NOTICE):  # MkDocs' own notice under --dirty
            self.count += 1


def dirty_notice_as_info(record: logging.LogRecord) -> bool:
    """MkDocs warns that a --dirty build may leave navigation stale; under `mkdocs serve --dirty`
    the plugin keeps generated pages exact, so the notice must not abort a `strict` preview."""
    if record.levelno == logging.WARNING and record.getMessage().startswith(_DIRTY_NOTICE):
        record.levelno, record.levelname = logging.INFO, "INFO"
    return True


def catalogue_problems(exc: CatalogueError) -> str:
    """The message of a catalogue with errors: each problem located, then their count."""
    return "Le catalogue contient des erreurs :\n" + format_problems(exc.problems) + "\n" + summary_line(exc.problems)
