"""The search index in parts, and the parts kept between builds (see search.py for the whole run).

- `part_of`, `part_count`: which part a page is in (by a hash of its path), and how many parts:
  Pagefind holds a whole index in memory, so a large site is indexed part after part;
- `part_key`: everything a part's Pagefind output depends on (the binary, its options, exactly
  the files it reads), under which `keep_part` keeps the output in the cache folder and
  `cached_part` finds it again, whole; `place` puts a part's files into the site;
- `Memo`: the sha256 of the pages' normalised texts seen before, so that a part's key is computed
  without normalising them again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from ..catalogue.files import replace_file
from . import search_pages
from .search_pages import sha256, walk

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


def part_of(relative: str, parts: int) -> int:
    """The part a page belongs to: a hash of its path in the site, so it does not move while the
    number of parts is unchanged (a page edited, added or removed changes only its own part)."""
    if parts <= 1:
        return 0
    return int.from_bytes(hashlib.sha256(relative.encode("utf-8", "surrogateescape")).digest()[:8], "big") % parts


def part_count(pages: int, pages_per_part: int = PAGES_PER_PART) -> int:
    return max(1, -(-pages // pages_per_part))


_BINARY_DIGESTS: dict[tuple, str] = {}


def binary_sha256(binary: Path) -> str:
    """The binary's sha256, computed once while its path, size and modification time stay."""
    st = binary.stat()
    identity = (str(binary.resolve()), st.st_size, st.st_mtime_ns)
    if identity not in _BINARY_DIGESTS:
        _BINARY_DIGESTS[identity] = hashlib.sha256(binary.read_bytes()).hexdigest()
    return _BINARY_DIGESTS[identity]


def part_key(binary_digest: str, options: dict, pages: list[tuple[str, str, int]]) -> str:
    """Everything a part's Pagefind output depends on: the binary (its sha256), its options
    (command line, PAGEFIND_* variables: search.py's `_options()`) and exactly the files it reads
    ((path, sha256, length) of each)."""
    hasher = hashlib.sha256(f"campus-search-part-{_CACHE_FORMAT}\0{binary_digest}\0".encode())
    hasher.update(json.dumps(options, sort_keys=True).encode() + b"\0")
    for relative, digest, length in pages:
        hasher.update(relative.encode("utf-8", "surrogateescape") + b"\0" + str(length).encode() + b"\0"
                      + digest.encode() + b"\0")
    return hasher.hexdigest()


def files_under(folder: Path) -> dict[str, Path]:
    """The files under a folder, by relative path, sorted."""
    return {relative: Path(parent, relative.rpartition("/")[2]) for relative, parent in sorted(walk(folder))}


def link_or_copy(source: Path, target: Path) -> None:
    """A hard link when the file system allows it, else a copy. Only for Pagefind's output, which
    nothing writes in place once written (a build removes site/pagefind/ before indexing, a cached
    part is checked against its files' sha256 before each reuse)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def cached_part(cache_dir: Path | None, key: str) -> Path | None:
    """The cached output of a part, if it is there and whole (every file's sha256 as stamped)."""
    if cache_dir is None:
        return None
    folder = cache_dir / key
    try:
        stamp = json.loads((folder / _PART_STAMP).read_text(encoding="utf-8"))
        files = files_under(folder)
        files.pop(_PART_STAMP)
        if sorted(files) != sorted(stamp) or any(
                hashlib.sha256(path.read_bytes()).hexdigest() != stamp[name] for name, path in files.items()):
            return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return folder


def keep_part(cache_dir: Path, key: str, out: Path) -> None:
    """Copy a part just indexed into the cache (whole, or not at all)."""
    target = cache_dir / key
    if target.exists():
        shutil.rmtree(target, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{key[:16]}-", dir=cache_dir))
    try:
        stamp = {}
        for name, path in files_under(out).items():
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)
            link_or_copy(path, tmp / name)
            stamp[name] = hashlib.sha256(path.read_bytes()).hexdigest()
        (tmp / _PART_STAMP).write_text(json.dumps(stamp, sort_keys=True), encoding="utf-8")
        os.replace(tmp, target)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)


def place(source: Path, target: Path, primary: bool) -> None:
    """A part's files into the site: all of the first part's; only the index of the others."""
    folders: set[Path] = set()
    for name, path in files_under(source).items():
        if name == _PART_STAMP:
            continue
        if not primary and name not in _PART_FILES and not name.endswith(".pf_meta") \
                and name.split("/", 1)[0] not in _PART_FOLDERS:
            continue
        placed = target / name
        if placed.parent not in folders:
            placed.parent.mkdir(parents=True, exist_ok=True)
            folders.add(placed.parent)
        link_or_copy(path, placed)


class Memo:
    """For the pages of the last build: sha256 of a page's input text (what
    `search_pages.normalised_bytes` takes) -> sha256 and length of its normalised bytes, kept in
    the cache folder, so that a part's key is computed without normalising pages seen before.
    Valid only for this very code (the sources' sha256 of search_pages.py, which normalises, and
    of this module) and Python version; anything unreadable or unexpected means an empty memo
    (every page normalised). Only the entries this build used are written back."""

    FILE = "campus-normalised.json"

    def __init__(self, cache_dir: Path):
        self.path = cache_dir / self.FILE
        sources = Path(search_pages.__file__).read_bytes() + Path(__file__).read_bytes()
        self.identity = sha256(sources + f"\0{_CACHE_FORMAT}\0{sys.version}".encode())
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
        self.used[text_digest] = self.known[text_digest] = (sha256(data), len(data))
        return self.used[text_digest]

    def save(self) -> None:
        try:
            replace_file(self.path, json.dumps({"identity": self.identity, "pages": self.used}).encode())
        except OSError:
            pass  # the next build normalises every page
