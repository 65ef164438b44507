"""MkDocs' log as the plugin reads and writes it: a build's warnings counted (a page that warned
is not kept in the page cache), MkDocs' notice about --dirty builds turned into information
(the plugin keeps generated pages exact), and the catalogue's located problems reported."""

from __future__ import annotations

import logging
import sys

from mkdocs.exceptions import PluginError

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


def catalogue_problems(exc: CatalogueError, last_valid: bool) -> None:
    """A catalogue with errors fails the build, each problem located, then their count. Under
    `mkdocs serve` with a `last_valid` catalogue, the preview keeps serving it (an aborted build
    would leave every request waiting) and the problems are printed in the terminal, outside
    MkDocs' log so that `strict` does not abort the build."""
    message = "Le catalogue contient des erreurs :\n" + format_problems(exc.problems) + "\n" + summary_line(exc.problems)
    if not last_valid:
        raise PluginError(message) from None
    print(message + "\nL'aperçu montre la dernière version valide du catalogue.", file=sys.stderr, flush=True)
