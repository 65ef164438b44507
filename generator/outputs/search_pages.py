"""The pages as the search index reads them: which pages there are, the part of each that Pagefind
needs, and that part normalised (see search.py for the whole run).

- `site_pages`: every HTML file of the built site, by path in it;
- `indexed_part`: the element a page marks `data-pagefind-body` (theme/main.html), in a bare
  document; `written_part` gives it from the text MkDocs is about to write, as reading the file
  back would, and `WrittenPages` keeps those of a build as the plugin hands them over;
- `normalised_bytes`: what Pagefind is given of that part: the text of `data-pagefind-ignore`
  elements left out (`without_ignored_text`) and typographic apostrophes made straight in the
  text (`normalise`), so that "l’école" is two searchable words;
- `part_inputs`: the inputs of a part's pages, from `WrittenPages` or read from the disk.
"""

from __future__ import annotations

import functools
import hashlib
import html
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

_APOSTROPHE_CHARS = "\u2019\u02bc"


# An apostrophe in text, not in a tag: the next angle bracket after it opens a tag.
_IN_TEXT = re.compile(f"[{_APOSTROPHE_CHARS}](?=[^<>]*<)")
_TAG = re.compile(r"<[^>]+>")
_FIRST_H1 = re.compile(r"<h1\b([^>]*)>(.*?)</h1>", re.S)
MARKER = " data-pagefind-body"  # theme/main.html marks the indexed part of a page


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
    marker = page.find(MARKER)
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
        self._pages[relative] = (self._size, len(data), sha256(data) if self.digests else None)
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


def read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def site_pages(site_dir: Path) -> list[str]:
    """Every *.html file of the site, by path in it ("a/b/index.html"), sorted as strings; folders
    that are symbolic links are not entered (as `Path.rglob` did not)."""
    return sorted(relative for relative, _folder in walk(site_dir) if relative.endswith(".html"))


def walk(folder: Path):
    """(path under `folder` with "/", folder holding it) of every file under `folder`, by os.walk."""
    root = str(folder)
    for parent, _, names in os.walk(root):  # each folder is root + os.sep + its path (os.path.relpath is slow)
        prefix = parent[len(root) + 1:].replace(os.sep, "/") + "/" if parent != root else ""
        for name in names:
            yield prefix + name, parent


def normalised_bytes(data: bytes) -> bytes:
    """The bytes Pagefind reads for a page's input (its indexed part, or the whole page, in UTF-8)."""
    return normalise(without_ignored_text(data.decode("utf-8"))).encode("utf-8")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Input(NamedTuple):
    relative: str  # the page's path in the site
    digest: str | None  # sha256 of its input, when known
    load: Callable[[], bytes]  # its input: indexed part (or whole page), in UTF-8


def part_inputs(site_dir: Path, pages: list[str], written: WrittenPages | None, whole_pages) -> list[Input]:
    """What Pagefind reads of these pages before normalising: each page's indexed part (as the
    plugin kept it from MkDocs' output, `written`, or read from the file); or the whole pages
    when no page of the site marks one (`whole_pages()`, asked only when none of these pages
    does). About 6 KB a page."""
    inputs, unmarked = [], []
    for relative in pages:
        if written is not None and relative in written:
            if written.marked(relative):
                inputs.append(Input(relative, written.digest(relative), functools.partial(written.read, relative)))
            else:
                unmarked.append(relative)
            continue
        part = indexed_part(read_text(site_dir / relative))
        if part is None:
            unmarked.append(relative)
        else:
            inputs.append(Input(relative, None, lambda data=part.encode("utf-8"): data))
    if unmarked and not inputs and whole_pages():
        inputs = [Input(relative, None, lambda data=read_text(site_dir / relative).encode("utf-8"): data)
                  for relative in unmarked]
    return inputs
