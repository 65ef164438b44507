"""Work the presenter does once per entry instead of once per page changes nothing in the pages.

generator/outputs/present.py computes an entry's card facts and search facets once, however many listings,
theme pages and related-resource lists show it, and caches relative links; the pages must be those
rendered with everything computed afresh for each use.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from mkdocs_campus.outputs import present
from mkdocs_campus.catalogue.pipeline import read_catalogue
from mkdocs_campus.outputs.render import SiteRenderer, written_pages

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _render(project: Path) -> list[tuple[str, str]]:
    catalogue = read_catalogue(project / "catalogue", project)
    content = project / "content"
    renderer = SiteRenderer(catalogue, site_url="https://campus.test/")
    pages = renderer.all_pages((content / "index.md").read_text(encoding="utf-8"), written_pages(content))
    return [(p.src_uri, p.text) for p in pages] + sorted(
        (k, v if isinstance(v, str) else v.decode("latin-1")) for k, v in renderer.data_files("Campus").items())


@pytest.mark.parametrize("project", [ROOT, FIXTURES / "mini"], ids=["real", "mini"])
def test_pages_are_those_computed_afresh_for_each_use(project, monkeypatch):
    shared = _render(project)
    monkeypatch.setattr(present.Presenter, "_once", lambda self, kind, entry, compute: compute(entry))
    monkeypatch.setattr(present, "relative_url", present.relative_url.__wrapped__)
    afresh = _render(project)
    assert [uri for uri, _ in shared] == [uri for uri, _ in afresh]
    assert shared == afresh


def test_a_changed_entry_is_not_served_from_the_cache():
    # Under `mkdocs serve` a presenter may outlive a record's edit: the new entry object has new facets.
    catalogue = read_catalogue(FIXTURES / "mini" / "catalogue", FIXTURES / "mini")
    presenter = present.Presenter(catalogue)
    entry = catalogue.entries[0]
    before = presenter.filters(entry)
    assert presenter.filters(entry) is before  # computed once
    other = next(t for t in sorted(catalogue.themes) if t not in entry.record.themes)
    edited = dataclasses.replace(entry, record=entry.record.model_copy(update={"themes": [other]}))
    assert presenter.filters(edited)["thematique"] == [catalogue.themes[other].title]
    assert presenter.filters(entry) is before
