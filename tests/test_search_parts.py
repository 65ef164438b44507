"""A large site's search index comes in parts (generator/outputs/search.py): every indexed page is in
exactly one part, merged parts publish only their index, and with a cache folder a part whose
indexed text did not change is copied instead of indexed again, giving the bundle a cold run gives,
byte for byte (after an edit, an addition, a deletion, or a damaged cache). Text Pagefind ignores
(the cards that show a record on other pages) changes no part."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest

from mkdocs_campus.outputs.search import build_search_index, bundle_digest, pagefind_binary

PER_PART = 8  # the mini site's 26 pages in 4 parts


@pytest.fixture(scope="module")
def counting_binary(tmp_path_factory) -> tuple[Path, Path]:
    """Pagefind behind a script that counts its runs (one line a run in `log`)."""
    folder = tmp_path_factory.mktemp("binary")
    log, script = folder / "runs.log", folder / "pagefind"
    script.write_text(f'#!/bin/sh\necho run >> "{log}"\nexec "{pagefind_binary()}" "$@"\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script, log


def _runs(log: Path) -> int:
    return len(log.read_text().splitlines()) if log.exists() else 0


def _pages(part: Path) -> int:
    """How many pages a part of the bundle indexes."""
    entry = json.loads((part / "pagefind-entry.json").read_text(encoding="utf-8"))
    return entry["languages"]["fr"]["page_count"]


def test_every_indexed_page_is_in_one_part_and_merged_parts_hold_only_their_index(mini_site, tmp_path):
    whole = tmp_path / "whole"
    shutil.copytree(mini_site, whole)
    site = tmp_path / "split"
    shutil.copytree(mini_site, site)
    build_search_index(site, pages_per_part=PER_PART)
    out = site / "pagefind"
    folders = json.loads((out / "campus-parts.json").read_text(encoding="utf-8"))["parts"]
    assert folders == ["1/", "2/", "3/"]
    assert json.loads((whole / "pagefind" / "campus-parts.json").read_text(encoding="utf-8")) == {"parts": []}
    counts = [_pages(out / folder) for folder in ["", *folders]]
    assert all(counts) and sum(counts) == _pages(whole / "pagefind")
    fragments = [len(list((out / folder / "fragment").iterdir())) for folder in ["", *folders]]
    assert fragments == counts  # one fragment per page, each in one part
    assert (out / "pagefind.js").is_file() and (out / "wasm.fr.pagefind").is_file()
    for folder in folders:  # the browser takes Pagefind's script and WebAssembly from the first part
        names = {p.name for p in (out / folder).iterdir()}
        assert names <= {"pagefind-entry.json", "index", "fragment", "filter"} | {n for n in names if n.endswith(".pf_meta")}


def _edit(site: Path) -> None:
    page = site / "communautes" / "codeveloppeurs" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</h1>", " renommée</h1>", 1), encoding="utf-8")


def _add(site: Path) -> None:
    source = site / "communautes" / "codeveloppeurs" / "index.html"
    (site / "communautes" / "nouvelle").mkdir()
    (site / "communautes" / "nouvelle" / "index.html").write_text(
        source.read_text(encoding="utf-8").replace("</h1>", " (nouvelle)</h1>", 1), encoding="utf-8")


def _delete(site: Path) -> None:
    shutil.rmtree(site / "outils" / "fiches-decider-autrement")


def _card(site: Path) -> None:  # a record's summary, as other pages' cards show it (not indexed)
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if 'class="campus-card__summary">' in text:
            page.write_text(text.replace('class="campus-card__summary">', 'class="campus-card__summary">Nouveau résumé. '),
                            encoding="utf-8")


def _damage(cache: Path) -> None:
    fragment = sorted(cache.glob("*/fragment/*"))[0]
    fragment.write_bytes(b"abime")


def _damage_memo(cache: Path) -> None:  # the pages' digests: unreadable, so every page is normalised again
    memo = cache / "campus-normalised.json"
    memo.write_bytes(memo.read_bytes()[:100])


def _wrong_memo(cache: Path) -> None:  # one page's digest wrong: its part is indexed again
    memo = cache / "campus-normalised.json"
    stored = json.loads(memo.read_text(encoding="utf-8"))
    first = sorted(stored["pages"])[0]
    stored["pages"][first][0] = "0" * 64
    memo.write_text(json.dumps(stored), encoding="utf-8")


def _other_version_memo(cache: Path) -> None:  # written by another version of generator/outputs/search_pages.py: not used
    memo = cache / "campus-normalised.json"
    stored = json.loads(memo.read_text(encoding="utf-8"))
    stored["identity"] = "0" * 64
    stored["pages"] = {text: ["0" * 64, length] for text, (_, length) in stored["pages"].items()}
    memo.write_text(json.dumps(stored), encoding="utf-8")


CHANGES = {"edit": (_edit, None, 1), "add": (_add, None, 1), "delete": (_delete, None, 1),
           "nothing": (lambda site: None, None, 0),
           "card on other pages": (_card, None, 0), "damaged cache": (lambda site: None, _damage, 1),
           "damaged memo": (lambda site: None, _damage_memo, 0), "wrong memo": (lambda site: None, _wrong_memo, 1),
           "edit and damaged memo": (_edit, _damage_memo, 1), "memo of another version": (lambda site: None, _other_version_memo, 0)}


@pytest.mark.parametrize("change", list(CHANGES))
def test_parts_reused_from_the_cache_give_the_cold_bundle(mini_site, tmp_path, counting_binary, change):
    binary, log = counting_binary
    edit_site, edit_cache, indexed_again = CHANGES[change]
    site, cache = tmp_path / "site", tmp_path / "cache"
    shutil.copytree(mini_site, site)
    build_search_index(site, binary, cache, pages_per_part=PER_PART)
    edit_site(site)
    if edit_cache:
        edit_cache(cache)
    before = _runs(log)
    build_search_index(site, binary, cache, pages_per_part=PER_PART)
    assert _runs(log) - before == indexed_again  # only the part holding the change
    incremental = bundle_digest(site / "pagefind")
    build_search_index(site, binary, pages_per_part=PER_PART)  # cold: no cache
    assert bundle_digest(site / "pagefind") == incremental
    assert len([entry for entry in cache.iterdir() if entry.is_dir()]) == 4  # the parts of this build, no more
    before = _runs(log)  # and the cache as left is whole: the same site again indexes nothing
    build_search_index(site, binary, cache, pages_per_part=PER_PART)
    assert _runs(log) == before and bundle_digest(site / "pagefind") == incremental


def test_a_part_with_nothing_to_index_is_left_out(tmp_path):
    """Pagefind fails on a folder without a page to index: such a part (here the search page
    alone, which indexes nothing) is no part at all."""
    site = tmp_path / "site"
    body = '<!DOCTYPE html><html lang="fr"><body><main data-pagefind-body><h1>{}</h1><p>{}</p></main></body></html>'
    for name, title in [("b", "Facilitation"), ("ecoute", "Écoute")]:  # three parts, one each
        (site / name).mkdir(parents=True)
        (site / name / "index.html").write_text(body.format(title, "Un texte."), encoding="utf-8")
    (site / "recherche").mkdir()
    (site / "recherche" / "index.html").write_text("<!DOCTYPE html><html><body><h1>Rechercher</h1></body></html>",
                                                   encoding="utf-8")
    build_search_index(site, pages_per_part=1)
    folders = json.loads((site / "pagefind" / "campus-parts.json").read_text(encoding="utf-8"))["parts"]
    assert folders == ["1/"]
    assert _pages(site / "pagefind") + _pages(site / "pagefind" / "1") == 2


_TRICKY = """<!DOCTYPE html><html lang="fr"><body><main data-pagefind-body><h1>Atelier d'écoute</h1>
<p>Un texte sur la facilitation.</p>
<div data-pagefind-ignore><div><p>Carte : intelligence collective</p></div><p>séminaire</p></div>
<section data-pagefind-ignore="all"><span data-pagefind-filter="type">Outil</span> design</section>
<ul data-pagefind-ignore><li>évaluation <span data-pagefind-meta="résumé">numérique</span></li></ul>
<p data-pagefind-ignore>codéveloppement</p><p>fin</p>
</main></body></html>"""


def test_leaving_out_ignored_text_changes_no_byte_of_the_bundle(mini_site, tmp_path, monkeypatch):
    """The scratch copy drops the text of data-pagefind-ignore elements (so that a card on other
    pages changes no part); Pagefind ignores it anyway, so the bundle must be the one Pagefind
    gives from the whole indexed part, with nested, filtered and meta-bearing ignored elements."""
    import mkdocs_campus.outputs.search_pages as search_pages

    strip_ignored, digests = search_pages.without_ignored_text, []
    for name, strip in (("stripped", strip_ignored), ("whole", lambda part: part)):
        site = tmp_path / name
        shutil.copytree(mini_site, site)
        (site / "atelier").mkdir()
        (site / "atelier" / "index.html").write_text(_TRICKY, encoding="utf-8")
        monkeypatch.setattr(search_pages, "without_ignored_text", strip)
        build_search_index(site)
        digests.append(bundle_digest(site / "pagefind"))
    assert digests[0] == digests[1]
    stripped = strip_ignored(_TRICKY)  # the stripping did happen, except where Pagefind reads
    assert "codéveloppement" not in stripped and "séminaire" not in stripped and "Outil" in stripped


def test_a_site_marking_no_indexed_part_is_indexed_whole(tmp_path):
    """Without any data-pagefind-body (a theme that does not mark one), every page is indexed
    whole rather than none."""
    site = tmp_path / "site"
    for name, title in [("a", "Facilitation"), ("b", "Écoute")]:
        (site / name).mkdir(parents=True)
        (site / name / "index.html").write_text(
            f'<!DOCTYPE html><html lang="fr"><body><h1>{title}</h1><p>Un texte.</p></body></html>', encoding="utf-8")
    build_search_index(site)
    assert _pages(site / "pagefind") == 2


def test_parts_copied_where_hard_links_are_refused(mini_site, tmp_path, monkeypatch):
    """Cached parts are hard-linked into the site and the cache when the file system allows it;
    elsewhere (another file system, links refused) they are copied, to the same bundle."""
    import errno

    import mkdocs_campus.outputs.search_parts as search_parts

    def refuse(source, target):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    site, cache = tmp_path / "site", tmp_path / "cache"
    shutil.copytree(mini_site, site)
    build_search_index(site, pages_per_part=PER_PART)
    cold = bundle_digest(site / "pagefind")
    monkeypatch.setattr(search_parts.os, "link", refuse)
    for _ in range(2):  # indexed into the cache, then reused from it
        build_search_index(site, cache_dir=cache, pages_per_part=PER_PART)
        assert bundle_digest(site / "pagefind") == cold
    assert all(path.stat().st_nlink == 1 for path in (site / "pagefind").rglob("*") if path.is_file())
