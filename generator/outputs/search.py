"""Search index: Pagefind run over the built site, in French, normalised and deterministic.

`build_search_index(site_dir)` runs after the site is written (MkDocs' `on_post_build`):

1. it removes `site_dir/pagefind` (Pagefind never clears its output, so stale chunks of
   removed pages would otherwise stay published);
2. it splits the pages into parts of at most PAGES_PER_PART pages, by a hash of each page's
   path (one part for most sites): Pagefind holds a whole index in memory (1.6 GB for 10,000
   pages), so a large site is indexed part after part, and the browser merges the parts
   (Pagefind's `mergeIndex`, in theme/assets/campus-search.js, which reads their folders from
   `pagefind/campus-parts.json`);
3. for each part, it copies the indexed part of each HTML page into a scratch folder with the
   typographic apostrophe (U+2019) replaced by a straight one: Pagefind splits words on "'" but
   not on "’", so "l’école" would be one unsearchable word. The published pages keep their
   typography; only what is indexed changes (excerpts show a straight apostrophe);
4. it runs Pagefind's own binary (1.6.0, from the npm package pinned in package-lock.json,
   installed by `make npm`; PAGEFIND_BINARY_PATH names another one) with
   `--force-language fr` (French stemming; accents and case are folded by Pagefind) on that
   folder: the first part into `pagefind/`, the others into `pagefind/1/`, `pagefind/2/`…
   without the scripts and WebAssembly the browser takes from the first;
5. given a cache folder (incremental builds, `mkdocs serve`), a part whose key (the binary, its
   options and exactly the files Pagefind reads) is in the cache is placed from there (hard
   links, or copies where the file system refuses them) instead of being indexed again: one
   edited page re-indexes one part. The key takes each page's normalised text by its sha256,
   which a memo in the cache folder gives for the input texts seen before (`Memo`), so that
   only new texts and the pages of re-indexed parts are normalised.

The pages and their normalisation are in search_pages.py, the parts and their cache in
search_parts.py; this module runs the whole, and finds and runs the binary.

Under `mkdocs build` the plugin hands over each page's indexed part as MkDocs writes it
(`written_part`, kept once every plugin has changed the page): those pages are not read back
from the disk; the others (404.html, static HTML files, pages written by other plugins,
`--dirty` builds' unchanged pages, `mkdocs serve`) are.

The same site gives the same bundle, byte for byte, with or without the cache: Pagefind 1.6.0
writes its filter and meta files in a fixed order (Pagefind PRs #1104 and #1124; 1.5.2 did not,
and this module used to re-encode them), which the tests check by indexing twice.

Each step is a stage of `generator.timings` (search.capture: keeping the pages' text in the
plugin, search.read: listing, reading, keying and copying the pages, search.pagefind: the binary,
with its clean-up, search.reuse: placing cached parts).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .resources import REPOSITORY_NODE_MODULES
from ..catalogue import timings
from .search_pages import MARKER, WrittenPages, normalise, normalised_bytes, part_inputs, read_text, sha256, site_pages
from .search_parts import (PAGES_PER_PART, PARTS_MANIFEST, Memo, binary_sha256, cached_part, keep_part, part_count,
                           part_key, part_of, place)

OUTPUT = "pagefind"
PAGEFIND_VERSION = "1.6.0"
BINARY_ENV = "PAGEFIND_BINARY_PATH"
# Where `make npm` (npm ci) puts the binary: the platform package Pagefind's npm package depends on.
_NPM_BINARIES = REPOSITORY_NODE_MODULES / "@pagefind"
LANGUAGE = "fr"
_NOT_OPTIONS = {BINARY_ENV}  # PAGEFIND_* variables that change no output


class SearchIndexError(RuntimeError):
    """Pagefind could not index the site; the message says why, in French."""


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


def _command(binary: Path, scratch: Path, out: Path) -> list[str]:
    return [str(binary), "--site", str(scratch), "--output-path", str(out), "--force-language", LANGUAGE, "--silent"]


def _options() -> dict:
    """What a part's key takes of Pagefind's options: its command line but the paths, and the
    PAGEFIND_* variables that may change its output."""
    return {"args": _command(Path("pagefind"), Path("site"), Path("out"))[1:],
            "env": {k: v for k, v in sorted(os.environ.items()) if k.startswith("PAGEFIND_") and k not in _NOT_OPTIONS}}


def _run_pagefind(binary: Path, scratch: Path, out: Path) -> None:
    try:
        result = subprocess.run(_command(binary, scratch, out), capture_output=True, text=True, cwd=scratch)
    except OSError as exc:
        raise SearchIndexError(f"impossible de lancer Pagefind ({binary}) : {exc}") from None
    if result.returncode != 0:
        details = (result.stderr or result.stdout).strip()
        raise SearchIndexError("Pagefind n'a pas pu indexer le site"
                               + (f" :\n{details}" if details else f" (code {result.returncode})."))


def build_search_index(site_dir: Path, binary: Path | None = None, cache_dir: Path | None = None,
                       pages_per_part: int = PAGES_PER_PART, written: WrittenPages | None = None) -> Path:
    """(Re)build the Pagefind bundle of a built site into site_dir/pagefind with `binary` (default:
    `pagefind_binary()`); returns that folder.

    The pages are split into parts of at most `pages_per_part` pages (by a hash of their path),
    indexed one after the other: the first into site_dir/pagefind, the others into
    site_dir/pagefind/<n>/, listed in site_dir/pagefind/campus-parts.json for the browser to merge.
    With `cache_dir`, a part whose key (the binary, its options, exactly the files it reads)
    was indexed before is copied from there instead; the bundle is the same, byte for byte.
    `written` gives the pages as they were written (the plugin keeps them from MkDocs' output):
    those pages are not read back; the others are."""
    site_dir = Path(site_dir).resolve()
    out = site_dir / OUTPUT
    binary = Path(binary or pagefind_binary())
    cache_dir = Path(cache_dir).resolve() if cache_dir else None
    with timings.stage("search.read"):
        shutil.rmtree(out, ignore_errors=True)
        pages = site_pages(site_dir)
        count = part_count(len(pages), pages_per_part)
        members: list[list[str]] = [[] for _ in range(count)]
        for relative in pages:
            members[part_of(relative, count)].append(relative)
        binary_digest = binary_sha256(binary) if cache_dir is not None else ""
        options = _options()
        memo = None
        if cache_dir is not None:
            cache_dir.mkdir(parents=True, exist_ok=True)
            memo = Memo(cache_dir)
    used: set[str] = set()
    folders: list[str] = []

    @functools.cache
    def whole_pages() -> bool:  # no page of the site marks its indexed part: index whole pages
        return not any(written.marked(relative) if written is not None and relative in written
                       else MARKER in read_text(site_dir / relative) for relative in pages)

    placed = 0
    for index, part in enumerate(members):
        with timings.stage("search.read"):
            inputs = part_inputs(site_dir, part, written, whole_pages)
            if not inputs and (placed or index < len(members) - 1):
                continue  # nothing to index here (Pagefind fails on no page): not a part
            normalised: dict[str, bytes] = {}  # the pages normalised so far
            key = cached = None
            if memo is not None:  # the key from the memo: unchanged pages are not normalised
                input_digests, known = [], []
                for page in inputs:
                    data = None
                    if page.digest is None:
                        data = page.load()
                    input_digests.append(page.digest or sha256(data))
                    found = memo.get(input_digests[-1])
                    if found is None:
                        normalised[page.relative] = normalised_bytes(data if data is not None else page.load())
                        found = memo.put(input_digests[-1], normalised[page.relative])
                    known.append((page.relative, *found))
                key = part_key(binary_digest, options, known)
                cached = cached_part(cache_dir, key)
        number, placed = placed, placed + 1
        target = out / str(number) if number else out
        if number:
            folders.append(f"{number}/")
        if cached is not None:
            with timings.stage("search.reuse"):
                place(cached, target, primary=not number)
            used.add(key)
            continue
        with timings.stage("search.pagefind"), tempfile.TemporaryDirectory(prefix="campus-search-") as scratch:
            scratch_dir, part_out = Path(scratch) / "site", Path(scratch) / "out"
            with timings.stage("search.read"):
                scratch_dir.mkdir()
                read = []  # (path, sha256, length) of each file Pagefind reads
                for position, page in enumerate(inputs):
                    data = normalised.pop(page.relative, None) or normalised_bytes(page.load())
                    (scratch_dir / page.relative).parent.mkdir(parents=True, exist_ok=True)
                    (scratch_dir / page.relative).write_bytes(data)
                    if memo is not None:
                        read.append((page.relative, *memo.put(input_digests[position], data)))
                del inputs, normalised
                if memo is not None:
                    key = part_key(binary_digest, options, read)  # from the bytes themselves, should the memo be wrong
            _run_pagefind(binary, scratch_dir, part_out)
            if key:
                keep_part(cache_dir, key, part_out)
                used.add(key)
            place(part_out, target, primary=not number)
    out.mkdir(parents=True, exist_ok=True)
    (out / PARTS_MANIFEST).write_text(json.dumps({"parts": folders}) + "\n", encoding="utf-8")
    if cache_dir is not None:  # forget the parts (and the pages' digests) this build did not use
        memo.save()
        used.add(Memo.FILE)
        for entry in cache_dir.iterdir():
            if entry.name not in used:
                shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink(missing_ok=True)
    return out


def bundle_digest(out: Path) -> dict[str, str]:
    """sha256 of every file of a Pagefind bundle, by relative path (for comparing two builds)."""
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


__all__ = ["build_search_index", "pagefind_binary", "normalise", "bundle_digest", "SearchIndexError", "WrittenPages",
           "PAGES_PER_PART", "PARTS_MANIFEST"]
