"""Search index: Pagefind run over the built site, in French, normalised and deterministic.

`build_search_index(site_dir)` runs after the site is written (MkDocs' `on_post_build`):

1. it removes `site_dir/pagefind` (Pagefind never clears its output, so stale chunks of
   removed pages would otherwise stay published);
2. it copies the indexed part of each HTML page into a scratch folder with the typographic
   apostrophe (U+2019) replaced by a straight one: Pagefind splits words on "'" but not on
   "’", so "l’école" would be one unsearchable word. The published pages keep their
   typography; only what is indexed changes (excerpts show a straight apostrophe);
3. it runs Pagefind's own binary (1.6.0, from the npm package pinned in package-lock.json,
   installed by `make npm`; PAGEFIND_BINARY_PATH names another one) with
   `--force-language fr` (French stemming; accents and case are folded by Pagefind);

The same site gives the same bundle, byte for byte: Pagefind 1.6.0 writes its filter and meta
files in a fixed order (Pagefind PRs #1104 and #1124; 1.5.2 did not, and this module used to
re-encode them), which the tests check by indexing twice.

Each step is a stage of `generator.timings` (search.read: reading and copying the pages,
search.pagefind: the binary, with its clean-up).
"""

from __future__ import annotations

import hashlib
import os
import html
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from . import timings

OUTPUT = "pagefind"
PAGEFIND_VERSION = "1.6.0"
BINARY_ENV = "PAGEFIND_BINARY_PATH"
# Where `make npm` (npm ci) puts the binary: the platform package Pagefind's npm package depends on.
_NPM_BINARIES = Path(__file__).resolve().parent.parent / "node_modules" / "@pagefind"
LANGUAGE = "fr"
_APOSTROPHE_CHARS = "\u2019\u02bc"


class SearchIndexError(RuntimeError):
    """Pagefind could not index the site; the message says why, in French."""


# An apostrophe in text, not in a tag: the next angle bracket after it opens a tag.
_IN_TEXT = re.compile(f"[{_APOSTROPHE_CHARS}](?=[^<>]*<)")
_TAG = re.compile(r"<[^>]+>")
_FIRST_H1 = re.compile(r"<h1\b([^>]*)>(.*?)</h1>", re.S)


def normalise(page: str) -> str:
    """What Pagefind reads: the page with typographic apostrophes made straight in its text.

    Attribute values are left alone, so the meta and filter values that the templates give as
    attributes (data-pagefind-meta="summary[data-value]") keep their typography; the first h1,
    which Pagefind takes as the result's title, gets its original text as the title meta.
    """
    def title(match: re.Match) -> str:
        attributes, inner = match.group(1), match.group(2)
        if "data-pagefind-meta" in attributes or not any(c in inner for c in _APOSTROPHE_CHARS):
            return match.group(0)
        text = html.escape(html.unescape(_TAG.sub("", inner)).strip())
        return (f'<h1{attributes} data-campus-title="{text}" '
                f'data-pagefind-meta="title[data-campus-title]">{inner}</h1>')

    page = _FIRST_H1.sub(title, page, count=1)
    return _IN_TEXT.sub("'", page)


def _write(target: Path, page: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(normalise(page), encoding="utf-8")


def indexed_part(page: str) -> str | None:
    """The part of a built page that Pagefind needs: the element marked data-pagefind-body
    (theme/main.html puts it around the content, inside Material's <article>), in a bare
    document. Pagefind would ignore the rest (header, navigation, footer, scripts), but reading
    and copying it costs time at 10,000 pages. None when the page has no such element."""
    marker = page.find(" data-pagefind-body")
    if marker == -1:
        return None
    start = page.rfind("<", 0, marker)
    end = page.find("</article>", marker)
    if start == -1 or end == -1:
        return page
    return ('<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title></title></head><body>'
            + page[start:end] + "</body></html>")


def pagefind_binary(project: Path | None = None) -> Path:
    """The Pagefind binary: $PAGEFIND_BINARY_PATH; else the one `make npm` installed into the
    node_modules/ of the site's folder (`project`, where mkdocs.yml is: a site made by
    `campus init`) or of this repository; else `pagefind_extended` or `pagefind` on the PATH."""
    named = os.environ.get(BINARY_ENV)
    if named:
        return Path(named)
    folders = ([Path(project) / "node_modules" / "@pagefind"] if project else []) + [_NPM_BINARIES]
    for npm_binaries in folders:
        found = sorted(npm_binaries.glob("*/bin/pagefind_extended"))
        if found:
            return found[0]
    on_path = shutil.which("pagefind_extended") or shutil.which("pagefind")
    if on_path:
        return Path(on_path)
    raise SearchIndexError(f"Pagefind {PAGEFIND_VERSION} est introuvable (node_modules/ ou PATH) : "
                           "lancez `make npm` (ou donnez son chemin dans PAGEFIND_BINARY_PATH).")


def build_search_index(site_dir: Path, binary: Path | None = None) -> Path:
    """(Re)build the Pagefind bundle of a built site into site_dir/pagefind with `binary` (default:
    `pagefind_binary()`); returns that folder."""
    site_dir = Path(site_dir).resolve()
    out = site_dir / OUTPUT
    binary = binary or pagefind_binary()
    with timings.stage("search.read"):
        shutil.rmtree(out, ignore_errors=True)
    with timings.stage("search.pagefind"), tempfile.TemporaryDirectory(prefix="campus-search-") as scratch:
        scratch_dir = Path(scratch)
        with timings.stage("search.read"):
            pages = sorted(site_dir.rglob("*.html"))
            unmarked: list[Path] = []
            for page in pages:
                part = indexed_part(page.read_text(encoding="utf-8"))
                if part is None:
                    unmarked.append(page)
                else:
                    _write(scratch_dir / page.relative_to(site_dir), part)
            if len(unmarked) == len(pages):  # nothing marked: whole pages
                for page in unmarked:
                    _write(scratch_dir / page.relative_to(site_dir), page.read_text(encoding="utf-8"))
        command = [str(binary), "--site", str(scratch_dir), "--output-path", str(out),
                   "--force-language", LANGUAGE, "--silent"]
        try:
            result = subprocess.run(command, capture_output=True, text=True, cwd=scratch_dir)
        except OSError as exc:
            raise SearchIndexError(f"impossible de lancer Pagefind ({binary}) : {exc}") from None
        if result.returncode != 0:
            details = (result.stderr or result.stdout).strip()
            raise SearchIndexError("Pagefind n'a pas pu indexer le site"
                                   + (f" :\n{details}" if details else f" (code {result.returncode})."))
    return out


def bundle_digest(out: Path) -> dict[str, str]:
    """sha256 of every file of a Pagefind bundle, by relative path (for comparing two builds)."""
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


__all__ = ["build_search_index", "pagefind_binary", "normalise", "bundle_digest", "SearchIndexError"]
