"""The stages chained: catalogue folder -> validated, linked catalogue (or every problem)."""

from __future__ import annotations

from pathlib import Path

from .errors import CatalogueError
from .model import Catalogue, Relations, build_catalogue
from .timings import stage
from .validate import validate_catalogue


def read_catalogue(root: Path, base: Path | None = None, memo=None, prefetch=None,
                   previous: Catalogue | Relations | None = None) -> Catalogue:
    """Load, validate and link the catalogue under `root`; raise CatalogueError with every problem.

    `memo`: see validate_catalogue (results kept for unchanged files); `prefetch`: see
    validate_catalogue (a second process may parse half of the files; only where forking is safe:
    no other thread running); `previous`:
    a catalogue or relations kept from an earlier reading, see build_catalogue (relations reused
    while no record's title, themes or links changed)."""
    with stage("load+validate"):
        valid, problems = validate_catalogue(root, base, memo, prefetch)
    if problems:
        raise CatalogueError(problems)
    with stage("model"):
        return build_catalogue(valid, previous)
