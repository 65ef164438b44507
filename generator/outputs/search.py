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
   which a memo in the cache folder gives for the input texts seen before (`_Memo`), so that
   only new texts and the pages of re-indexed parts are normalised.

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
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from ..catalogue import timings
from ..catalogue.files import replace_file

OUTPUT = "pagefind"
PAGEFIND_VERSION = "1.6.0"
BINARY_ENV = "PAGEFIND_BINARY_PATH"
# Where `make npm` (npm ci) puts the binary: the platform package Pagefind's npm package depends on.
_NPM_BINARIES = Path(__file__).resolve().parents[2] / "node_modules" / "@pagefind"
LANGUAGE = "fr"
_APOSTROPHE_CHARS = "\u2019\u02bc"


class SearchIndexError(RuntimeError):
    """Pagefind could not index the site; the message says why, in French."""


# An apostrophe in text, not in a tag: the next angle bracket after it opens a tag.
_IN_TEXT = re.compile(f"[{_APOSTROPHE_CHARS}](?=[^<>]*<)")
_TAG = re.compile(r"<[^>]+>")
_FIRST_H1 = re.compile(r"<h1\b([^>]*)>(.*?)</h1>", re.S)
_MARKER = " data-pagefind-body"  # theme/main.html marks the indexed part of a page


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


_IGNORE = " data-pagefind-ignore"
_START_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*>")


def _still_read(inner: str) -> bool:
    """Whether Pagefind may still read something inside an ignored element: filters, meta, sort
    keys, the title (first h1) or the image (first img)."""
    inner = inner.lower()
    return "data-pagefind-" in inner or "<h1" in inner or "<img" in inner


def without_ignored_text(part: str) -> str:
    """The indexed part with the content of its `data-pagefind-ignore` elements left out (their
    tags stay), unless Pagefind may still read something there (`_still_read`). Pagefind skips
    that text anyway; left in, a card listing a record on other pages (theme/campus/_macros.jinja)
    would make every part holding one of them look changed when the record's summary changes."""
    pieces, done, at = [], 0, part.find(_IGNORE)
    while at != -1:
        start = part.rfind("<", 0, at)
        tag = _START_TAG.match(part, start) if start >= done else None
        if tag is None or tag.end() <= at or part[at + len(_IGNORE)] not in " \t\n=/>":  # not an attribute
            at = part.find(_IGNORE, at + 1)
            continue
        depth, end = 1, None
        for same in re.compile(rf"<(/?){tag.group(1)}\b[^<>]*>", re.I).finditer(part, tag.end()):
            depth += -1 if same.group(1) else 1
            if depth == 0:
                end = same.start()
                break
        if end is not None and not _still_read(part[tag.end():end]):
            pieces.append(part[done:tag.end()])
            done = end
        at = part.find(_IGNORE, max(tag.end(), done))
    return "".join(pieces) + part[done:]


def indexed_part(page: str) -> str | None:
    """The part of a built page that Pagefind needs: the element marked data-pagefind-body
    (theme/main.html puts it around the content, inside Material's <article>), in a bare
    document. Pagefind would ignore the rest (header, navigation, footer, scripts), but reading
    and copying it costs time at 10,000 pages. None when the page has no such element."""
    marker = page.find(_MARKER)
    if marker == -1:
        return None
    start = page.rfind("<", 0, marker)
    end = page.find("</article>", marker)
    if start == -1 or end == -1:
        return page
    return ('<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title></title></head><body>'
            + page[start:end] + "</body></html>")


def written_part(output: str) -> bytes | None:
    """The indexed part of a page whose final text MkDocs is about to write, in UTF-8, as reading
    the file back would give it (None when the page marks none):
    `written_part(output) == indexed_part(file.read_text(encoding="utf-8")).encode()`.
    MkDocs writes `output.encode('utf-8', errors='xmlcharrefreplace')` (a lone surrogate becomes a
    character reference) and reading in text mode makes CR LF and CR into LF; neither changes an
    angle bracket or the marker, so both commute with the cut."""
    part = indexed_part(output)
    if part is None:
        return None
    try:
        data = part.encode("utf-8")
    except UnicodeEncodeError:
        data = part.encode("utf-8", "xmlcharrefreplace")
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return data


class WrittenPages:
    """The pages MkDocs writes, as the index needs them (the plugin adds each one as it is
    written): by path in the site, its `written_part`, set aside in an anonymous temporary file
    (6 KB a page, 60 MB at 10,000 pages, kept out of the build's memory), with its sha256 when
    `digests` (with a cache folder: the parts' keys need them)."""

    def __init__(self, digests: bool = True):
        self.digests = digests
        self._spool = tempfile.TemporaryFile(prefix="campus-written-")
        self._pages: dict[str, tuple[int, int, str | None] | None] = {}  # (offset, length, sha256)
        self._size = 0
        self._flushed = True

    def add(self, relative: str, output: str) -> None:
        data = written_part(output)
        if data is None:
            self._pages[relative] = None
            return
        self._spool.write(data)
        self._pages[relative] = (self._size, len(data), _digest(data) if self.digests else None)
        self._size += len(data)
        self._flushed = False

    def __contains__(self, relative: str) -> bool:
        return relative in self._pages

    def marked(self, relative: str) -> bool:
        return self._pages[relative] is not None

    def digest(self, relative: str) -> str | None:
        return self._pages[relative][2]

    def read(self, relative: str) -> bytes:
        offset, length, _ = self._pages[relative]
        if not self._flushed:
            self._spool.flush()
            self._flushed = True
        return os.pread(self._spool.fileno(), length, offset)

    def close(self) -> None:
        self._spool.close()


def _read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


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


# Pagefind's memory grows with the pages it indexes (about 0.17 MB a page with 1.6.0: 1.6 GB for
# 10,026 pages), so a large site is indexed in parts of at most this many pages, one Pagefind run
# after the other, and the browser merges them (theme/assets/campus-search.js).
PAGES_PER_PART = 4000
PARTS_MANIFEST = "campus-parts.json"  # the folders of the parts merged into the first one
# What the browser loads from a merged part (it reuses the first part's script and WebAssembly).
_PART_FILES = ("pagefind-entry.json",)
_PART_FOLDERS = ("index", "fragment", "filter")
_PART_STAMP = "campus-part.json"  # in a cached part: the sha256 of each of its files
_CACHE_FORMAT = 2  # bump when what a part's key covers or the cached layout changes
_NOT_OPTIONS = {BINARY_ENV}  # PAGEFIND_* variables that change no output


def part_of(relative: str, parts: int) -> int:
    """The part a page belongs to: a hash of its path in the site, so it does not move while the
    number of parts is unchanged (a page edited, added or removed changes only its own part)."""
    if parts <= 1:
        return 0
    return int.from_bytes(hashlib.sha256(relative.encode("utf-8", "surrogateescape")).digest()[:8], "big") % parts


def part_count(pages: int, pages_per_part: int = PAGES_PER_PART) -> int:
    return max(1, -(-pages // pages_per_part))


_BINARY_DIGESTS: dict[tuple, str] = {}


def _binary_digest(binary: Path) -> str:
    st = binary.stat()
    identity = (str(binary.resolve()), st.st_size, st.st_mtime_ns)
    if identity not in _BINARY_DIGESTS:
        _BINARY_DIGESTS[identity] = hashlib.sha256(binary.read_bytes()).hexdigest()
    return _BINARY_DIGESTS[identity]


def _command(binary: Path, scratch: Path, out: Path) -> list[str]:
    return [str(binary), "--site", str(scratch), "--output-path", str(out), "--force-language", LANGUAGE, "--silent"]


def site_pages(site_dir: Path) -> list[str]:
    """Every *.html file of the site, by path in it ("a/b/index.html"), sorted as strings; folders
    that are symbolic links are not entered (as `Path.rglob` did not)."""
    return sorted(relative for relative, _folder in _walk(site_dir) if relative.endswith(".html"))


def _walk(folder: Path):
    """(path under `folder` with "/", folder holding it) of every file under `folder`, by os.walk."""
    root = str(folder)
    for parent, _, names in os.walk(root):  # each folder is root + os.sep + its path (os.path.relpath is slow)
        prefix = parent[len(root) + 1:].replace(os.sep, "/") + "/" if parent != root else ""
        for name in names:
            yield prefix + name, parent


def _normalised(data: bytes) -> bytes:
    """The bytes Pagefind reads for a page's input (its indexed part, or the whole page, in UTF-8)."""
    return normalise(without_ignored_text(data.decode("utf-8"))).encode("utf-8")


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _Memo:
    """For the pages of the last build: sha256 of a page's input text (what `_normalised` takes)
    -> sha256 and length of its normalised bytes, kept in the cache folder, so that a part's key
    is computed without normalising pages seen before. Valid only for this very module (its
    source's sha256) and Python version; anything unreadable or unexpected means an empty memo
    (every page normalised). Only the entries this build used are written back."""

    FILE = "campus-normalised.json"

    def __init__(self, cache_dir: Path):
        self.path = cache_dir / self.FILE
        self.identity = _digest(Path(__file__).read_bytes() + f"\0{_CACHE_FORMAT}\0{sys.version}".encode())
        self.known: dict[str, tuple[str, int]] = {}
        self.used: dict[str, tuple[str, int]] = {}
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
            if stored["identity"] == self.identity:
                known = {text: (normalised, length) for text, (normalised, length) in stored["pages"].items()}
                if all(type(n) is str and len(n) == 64 and type(k) is int and k >= 0 for n, k in known.values()):
                    self.known = known
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass

    def get(self, text_digest: str) -> tuple[str, int] | None:
        found = self.known.get(text_digest)
        if found is not None:
            self.used[text_digest] = found
        return found

    def put(self, text_digest: str, data: bytes) -> tuple[str, int]:
        self.used[text_digest] = self.known[text_digest] = (_digest(data), len(data))
        return self.used[text_digest]

    def save(self) -> None:
        try:
            replace_file(self.path, json.dumps({"identity": self.identity, "pages": self.used}).encode())
        except OSError:
            pass  # the next build normalises every page


class _Input(NamedTuple):
    relative: str  # the page's path in the site
    digest: str | None  # sha256 of its input, when known
    load: Callable[[], bytes]  # its input: indexed part (or whole page), in UTF-8


def _part_inputs(site_dir: Path, pages: list[str], written: WrittenPages | None, whole_pages) -> list[_Input]:
    """What Pagefind reads of these pages before normalising: each page's indexed part (as the
    plugin kept it from MkDocs' output, `written`, or read from the file); or the whole pages
    when no page of the site marks one (`whole_pages()`, asked only when none of these pages
    does). About 6 KB a page."""
    inputs, unmarked = [], []
    for relative in pages:
        if written is not None and relative in written:
            if written.marked(relative):
                inputs.append(_Input(relative, written.digest(relative), functools.partial(written.read, relative)))
            else:
                unmarked.append(relative)
            continue
        part = indexed_part(_read_text(site_dir / relative))
        if part is None:
            unmarked.append(relative)
        else:
            inputs.append(_Input(relative, None, lambda data=part.encode("utf-8"): data))
    if unmarked and not inputs and whole_pages():
        inputs = [_Input(relative, None, lambda data=_read_text(site_dir / relative).encode("utf-8"): data)
                  for relative in unmarked]
    return inputs


def _part_key(binary_digest: str, pages: list[tuple[str, str, int]]) -> str:
    """Everything a part's Pagefind output depends on: the binary, its options (command line,
    PAGEFIND_* variables) and exactly the files it reads ((path, sha256, length) of each)."""
    hasher = hashlib.sha256(f"campus-search-part-{_CACHE_FORMAT}\0{binary_digest}\0".encode())
    options = {"args": _command(Path("pagefind"), Path("site"), Path("out"))[1:],
               "env": {k: v for k, v in sorted(os.environ.items()) if k.startswith("PAGEFIND_") and k not in _NOT_OPTIONS}}
    hasher.update(json.dumps(options, sort_keys=True).encode() + b"\0")
    for relative, digest, length in pages:
        hasher.update(relative.encode("utf-8", "surrogateescape") + b"\0" + str(length).encode() + b"\0"
                      + digest.encode() + b"\0")
    return hasher.hexdigest()


def _files(folder: Path) -> dict[str, Path]:
    """The files under a folder, by relative path, sorted."""
    return {relative: Path(parent, relative.rpartition("/")[2]) for relative, parent in sorted(_walk(folder))}


def _link_or_copy(source: Path, target: Path) -> None:
    """A hard link when the file system allows it, else a copy. Only for Pagefind's output, which
    nothing writes in place once written (a build removes site/pagefind/ before indexing, a cached
    part is checked against its files' sha256 before each reuse)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _cached_part(cache_dir: Path | None, key: str) -> Path | None:
    """The cached output of a part, if it is there and whole (every file's sha256 as stamped)."""
    if cache_dir is None:
        return None
    folder = cache_dir / key
    try:
        stamp = json.loads((folder / _PART_STAMP).read_text(encoding="utf-8"))
        files = _files(folder)
        files.pop(_PART_STAMP)
        if sorted(files) != sorted(stamp) or any(
                hashlib.sha256(path.read_bytes()).hexdigest() != stamp[name] for name, path in files.items()):
            return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return folder


def _keep_part(cache_dir: Path, key: str, out: Path) -> None:
    """Copy a part just indexed into the cache (whole, or not at all)."""
    target = cache_dir / key
    if target.exists():
        shutil.rmtree(target, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{key[:16]}-", dir=cache_dir))
    try:
        stamp = {}
        for name, path in _files(out).items():
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)
            _link_or_copy(path, tmp / name)
            stamp[name] = hashlib.sha256(path.read_bytes()).hexdigest()
        (tmp / _PART_STAMP).write_text(json.dumps(stamp, sort_keys=True), encoding="utf-8")
        os.replace(tmp, target)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)


def _place(source: Path, target: Path, primary: bool) -> None:
    """A part's files into the site: all of the first part's; only the index of the others."""
    folders: set[Path] = set()
    for name, path in _files(source).items():
        if name == _PART_STAMP:
            continue
        if not primary and name not in _PART_FILES and not name.endswith(".pf_meta") \
                and name.split("/", 1)[0] not in _PART_FOLDERS:
            continue
        placed = target / name
        if placed.parent not in folders:
            placed.parent.mkdir(parents=True, exist_ok=True)
            folders.add(placed.parent)
        _link_or_copy(path, placed)


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
        binary_digest = _binary_digest(binary) if cache_dir is not None else ""
        memo = None
        if cache_dir is not None:
            cache_dir.mkdir(parents=True, exist_ok=True)
            memo = _Memo(cache_dir)
    used: set[str] = set()
    folders: list[str] = []

    @functools.cache
    def whole_pages() -> bool:  # no page of the site marks its indexed part: index whole pages
        return not any(written.marked(relative) if written is not None and relative in written
                       else _MARKER in _read_text(site_dir / relative) for relative in pages)

    placed = 0
    for index, part in enumerate(members):
        with timings.stage("search.read"):
            inputs = _part_inputs(site_dir, part, written, whole_pages)
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
                    input_digests.append(page.digest or _digest(data))
                    found = memo.get(input_digests[-1])
                    if found is None:
                        normalised[page.relative] = _normalised(data if data is not None else page.load())
                        found = memo.put(input_digests[-1], normalised[page.relative])
                    known.append((page.relative, *found))
                key = _part_key(binary_digest, known)
                cached = _cached_part(cache_dir, key)
        number, placed = placed, placed + 1
        target = out / str(number) if number else out
        if number:
            folders.append(f"{number}/")
        if cached is not None:
            with timings.stage("search.reuse"):
                _place(cached, target, primary=not number)
            used.add(key)
            continue
        with timings.stage("search.pagefind"), tempfile.TemporaryDirectory(prefix="campus-search-") as scratch:
            scratch_dir, part_out = Path(scratch) / "site", Path(scratch) / "out"
            with timings.stage("search.read"):
                scratch_dir.mkdir()
                read = []  # (path, sha256, length) of each file Pagefind reads
                for position, page in enumerate(inputs):
                    data = normalised.pop(page.relative, None) or _normalised(page.load())
                    (scratch_dir / page.relative).parent.mkdir(parents=True, exist_ok=True)
                    (scratch_dir / page.relative).write_bytes(data)
                    if memo is not None:
                        read.append((page.relative, *memo.put(input_digests[position], data)))
                del inputs, normalised
                if memo is not None:
                    key = _part_key(binary_digest, read)  # from the bytes themselves, should the memo be wrong
            _run_pagefind(binary, scratch_dir, part_out)
            if key:
                _keep_part(cache_dir, key, part_out)
                used.add(key)
            _place(part_out, target, primary=not number)
    out.mkdir(parents=True, exist_ok=True)
    (out / PARTS_MANIFEST).write_text(json.dumps({"parts": folders}) + "\n", encoding="utf-8")
    if cache_dir is not None:  # forget the parts (and the pages' digests) this build did not use
        memo.save()
        used.add(_Memo.FILE)
        for entry in cache_dir.iterdir():
            if entry.name not in used:
                shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink(missing_ok=True)
    return out


def bundle_digest(out: Path) -> dict[str, str]:
    """sha256 of every file of a Pagefind bundle, by relative path (for comparing two builds)."""
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


__all__ = ["build_search_index", "pagefind_binary", "normalise", "bundle_digest", "SearchIndexError", "WrittenPages"]
