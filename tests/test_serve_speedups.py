"""What `mkdocs serve` keeps from one rebuild to the next changes nothing in what it computes.

Under serve the plugin keeps each file's validation while the file is unchanged (including the
reference lists and each record's references), lays new records on the previous catalogue's
relations while no title, theme or link changed, and keeps each unchanged record's digest. After
any edit, the results must equal those computed afresh.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from mkdocs_campus.speed.cache import FileMemo
from mkdocs_campus.speed.dependencies import Dependencies
from mkdocs_campus.catalogue.model import build_catalogue
from mkdocs_campus.catalogue.validate import validate_catalogue

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    stat = os.stat(path)  # a later modification time, even on a coarse clock
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


CODEV = Path("communities") / "codeveloppeurs.yml"
HOSTILE = Path("trainings") / "hostile.yml"

EDITS = [  # (what, change of the catalogue folder), applied one after the other
    ("summary", lambda root: _edit(root / CODEV, "summary: ", "summary: Nouveau résumé. ")),
    ("title", lambda root: _edit(root / CODEV, "title: ", "title: Nouveau titre ")),
    ("invalid date", lambda root: _edit(root / HOSTILE, "published: ", "published: 2024-02-31\nx: ")),
    ("fixed", lambda root: shutil.copy(FIXTURES / "mini" / "catalogue" / HOSTILE, root / HOSTILE)),
    ("theme title", lambda root: _edit(root / "themes.yml", "title: Facilitation", "title: Facilitation et animation")),
    ("unknown theme", lambda root: _edit(root / "themes.yml", "id: facilitation", "id: facilitation-bis")),
    ("theme back", lambda root: _edit(root / "themes.yml", "id: facilitation-bis", "id: facilitation")),
    ("broken list", lambda root: _edit(root / "organisations.yml", "- id:", "- id: [")),
    ("list back", lambda root: shutil.copy(FIXTURES / "mini" / "catalogue" / "organisations.yml",
                                           root / "organisations.yml")),
    ("rename", lambda root: (root / HOSTILE).rename(root / "trainings" / "hostile-renommee.yml")),
    ("delete", lambda root: (root / "tools" / "micro-defis.yml").unlink()),
]


def _validation(valid, problems) -> tuple:
    return ([(x.id, x.type, x.path, x.record.model_dump()) for x in valid.records],
            {name: {k: v.model_dump() for k, v in getattr(valid, name).items()}
             for name in ("themes", "organisations", "sources")},
            [str(p) for p in problems])


def _relations(catalogue) -> tuple:
    return ([(e.id, e.type, e.path, e.url, e.record.model_dump(),
              {name: [x.id for x in items] for name, items in e.links.items()}, [x.id for x in e.related])
             for e in catalogue.entries],
            {theme: [e.id for e in items] for theme, items in catalogue.by_theme.items()},
            sorted(catalogue.by_id), sorted(catalogue.themes))


def test_kept_results_equal_fresh_ones_after_each_edit(catalogue):
    memo, previous, digests = FileMemo(), None, {}
    seen_reuse = False
    for what, change in [("nothing", lambda root: None), *EDITS]:
        change(catalogue)
        kept = validate_catalogue(catalogue, catalogue.parent, memo)
        memo.prune()
        fresh = validate_catalogue(catalogue, catalogue.parent)
        assert _validation(*kept) == _validation(*fresh), what
        valid, problems = kept
        if problems:
            continue  # the plugin keeps the last valid catalogue
        model = build_catalogue(valid, previous)
        seen_reuse |= previous is not None and model.shape == previous.shape
        assert _relations(model) == _relations(build_catalogue(fresh[0])), what
        assert (Dependencies(model, "intro", {}, digests)._pages
                == Dependencies(build_catalogue(fresh[0]), "intro", {})._pages), what
        previous = model
    assert seen_reuse


@pytest.mark.parametrize("change", ["summary", "title", "themes", "links", "add", "delete"])
def test_a_catalogue_built_on_the_previous_one_equals_a_fresh_one(catalogue, change):
    valid, problems = validate_catalogue(catalogue, catalogue.parent)
    assert not problems
    previous = build_catalogue(valid)
    before = _relations(previous)
    records = valid.records
    index = next(i for i, x in enumerate(records) if x.type == "tool" and x.record.communities)
    tool = records[index]
    other_theme = next(t for t in sorted(valid.themes) if t not in tool.record.themes)
    updates = {"summary": {"summary": "Un autre résumé."}, "title": {"title": "Aaa, premier outil"},
               "themes": {"themes": [other_theme]}, "links": {"communities": []}}
    if change in updates:
        records[index] = type(tool)(tool.id, tool.type, tool.record.model_copy(update=updates[change]), tool.path)
    elif change == "add":
        records.append(type(tool)("copie", tool.type, tool.record, tool.path.replace(tool.id, "copie")))
    else:  # an intervention: no other record names one
        del records[next(i for i, x in enumerate(records) if x.type == "intervention")]
    model = build_catalogue(valid, previous)
    assert _relations(model) == _relations(build_catalogue(valid))
    assert (model.shape == previous.shape) == (change == "summary")  # only a summary keeps the relations
    assert _relations(previous) == before  # the previous catalogue is left as it was
