"""Under `mkdocs build` the search index takes each page's indexed text from MkDocs' output (the
plugin keeps it as the page is written) instead of reading the site back: the bundle must be the
one indexing the written files gives, byte for byte, whatever changed between builds, including
text another plugin adds after ours, a lone surrogate MkDocs writes as a character reference and
line breaks, and must find that text. When the kept text may not be what was written (a plugin
changing pages after the capture, or rewriting them before the index), the pages are read back."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import BUILD_ENV, FIXTURES, build_site, copy_project
from mkdocs_campus.catalogue import timings
from mkdocs_campus.outputs.search import build_search_index, bundle_digest

PAGE = "communautes/codeveloppeurs/index.html"
WORD = "zygomorphe"
# Inside the page's indexed element: a word to find, a lone surrogate (written as "&#55296;"),
# CR LF and CR (read back as LF).
ADDED = f"<p>Ajout {WORD} \ud800 fin\r\nligne\rsuite</p>"

HOOK = '''
from mkdocs.plugins import event_priority

MARK = " data-pagefind-body"


def add(text):
    at = text.find(">", text.find(MARK)) + 1
    return text[:at] + {added!r} + text[at:]


@event_priority({priority})
def on_post_page(output, page, config):
    return add(output) if page.file.dest_uri == {page!r} and {in_post_page!r} else output

'''

REWRITE = '''
@event_priority(100)  # before the campus plugin's index
def on_post_build(config):
    path = __import__("pathlib").Path(config.site_dir) / {page!r}
    path.write_text(add(path.read_text(encoding="utf-8")), encoding="utf-8", errors="xmlcharrefreplace")
'''


def _project(tmp_path: Path, priority: int = 0, in_post_page: bool = True, in_post_build: bool = False) -> Path:
    project = copy_project(FIXTURES / "mini", tmp_path / "project")
    (project / "campus_test_hook.py").write_text(
        HOOK.format(added=ADDED, priority=priority, page=PAGE, in_post_page=in_post_page)
        + (REWRITE.format(page=PAGE) if in_post_build else ""),
        encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "hooks:\n  - campus_test_hook.py\n", encoding="utf-8")
    return project


READ_BACK = "l'index de recherche les relit sur le disque"


def _build(project: Path, site: Path, cache: Path) -> str:
    """Build with a cache folder; MkDocs' messages."""
    result = build_site(project / "mkdocs.yml", site, env={**BUILD_ENV, "CAMPUS_CACHE_DIR": str(cache)})
    assert result.returncode == 0, result.stderr
    return result.stderr


def _read_back_bundle(site: Path, tmp_path: Path, cache: Path | None = None) -> dict[str, str]:
    """The bundle of the same written site, indexed by reading its files (no capture): without
    the build's search cache, or with a copy of it, where every part must then be found (a part's
    key covers exactly the bytes Pagefind reads: the captured texts must be those bytes)."""
    copy = tmp_path / "read-back"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(site, copy)
    if cache is None:
        return bundle_digest(build_search_index(copy))
    cache_copy = tmp_path / "read-back-cache"
    shutil.rmtree(cache_copy, ignore_errors=True)
    shutil.copytree(cache / "search", cache_copy)
    timings.reset()
    bundle = bundle_digest(build_search_index(copy, cache_dir=cache_copy))
    assert "search.pagefind" not in timings.totals()["wall"]  # every part was in the cache
    return bundle


def _indexed_text(bundle: Path) -> str:
    """Every page's text as Pagefind keeps it for excerpts (its fragments)."""
    texts = []
    for fragment in sorted(bundle.rglob("*.pf_fragment")):
        raw = gzip.decompress(fragment.read_bytes())
        texts.append(json.loads(raw[len(b"pagefind_dcd"):])["content"])
    return "\n".join(texts)


def test_captured_pages_give_the_bundle_of_the_written_files(tmp_path):
    project = _project(tmp_path)
    cache, site = tmp_path / "cache", tmp_path / "site"
    assert READ_BACK not in _build(project, site, cache)  # the pages were taken as written
    written = (site / PAGE).read_text(encoding="utf-8")
    assert "&#55296;" in written and "\r" not in written  # what MkDocs did with the added text
    assert bundle_digest(site / "pagefind") == _read_back_bundle(site, tmp_path)
    assert bundle_digest(site / "pagefind") == _read_back_bundle(site, tmp_path, cache)
    assert re.search(rf"Ajout {WORD} &#55296; fin ligne suite", _indexed_text(site / "pagefind"))

    # Another build with the cache after an edit, an addition and a deletion of records.
    catalogue = project / "catalogue"
    record = catalogue / "communities" / "codeveloppeurs.yml"
    record.write_text(record.read_text(encoding="utf-8").replace("title: ", "title: Nouveau nom — ", 1), encoding="utf-8")
    shutil.copyfile(catalogue / "tools" / "mallette.yml", catalogue / "tools" / "mallette-bis.yml")
    (catalogue / "tools" / "fiches-decider-autrement.yml").unlink()
    source = catalogue / "tools" / "mallette-bis.yml"
    source.write_text(source.read_text(encoding="utf-8").replace("title: ", "title: Copie — ", 1), encoding="utf-8")
    shutil.rmtree(site)
    assert READ_BACK not in _build(project, site, cache)
    assert (site / "outils" / "mallette-bis" / "index.html").is_file()
    assert bundle_digest(site / "pagefind") == _read_back_bundle(site, tmp_path)
    assert bundle_digest(site / "pagefind") == _read_back_bundle(site, tmp_path, cache)
    assert "Nouveau nom" in _indexed_text(site / "pagefind") and WORD in _indexed_text(site / "pagefind")


@pytest.mark.parametrize("hook", ["post_page after the capture", "post_build before the index"])
def test_pages_changed_after_the_capture_are_read_back(tmp_path, hook):
    after_capture = hook == "post_page after the capture"
    project = _project(tmp_path, priority=-5000, in_post_page=after_capture, in_post_build=not after_capture)
    site = tmp_path / "site"
    assert READ_BACK in _build(project, site, tmp_path / "cache")
    assert WORD in (site / PAGE).read_text(encoding="utf-8")
    assert WORD in _indexed_text(site / "pagefind")
    assert bundle_digest(site / "pagefind") == _read_back_bundle(site, tmp_path)
