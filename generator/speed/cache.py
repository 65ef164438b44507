"""The output of each generated page, kept between builds and reused while its inputs are unchanged.

A cache folder holds `manifest.json` (the site-wide key, and for each page the fingerprint of
its inputs, its front matter and the anchor ids it defines) and `html/`, the page as the builder
wrote it. A page is reused only when the site-wide key (code, templates, configuration,
hand-written pages, installed packages, environment; see `site_key`) and the page's own
fingerprint (generator/speed/dependencies.py) are both those of the build that wrote it. Any doubt
(unreadable manifest, other key, missing file) means the page is rendered again. A CI cache can
restore the folder between runs: only the pages whose inputs changed are rendered.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

from ..catalogue.files import replace_file, resolved
from ..catalogue.mkdocs_config import config_chain
from .fingerprints import GENERATOR, hash_tree, installed_packages
from .records_memo import RecordMemo, records_key  # the plugin imports them from here

FORMAT = 1  # bump when the manifest's layout or what a fingerprint covers changes
ENV_VAR = "CAMPUS_CACHE_DIR"
MANIFEST = "manifest.json"
_NOT_OUTPUT = {ENV_VAR, "CAMPUS_TIMINGS", "CAMPUS_PARALLEL", "CAMPUS_SERVE_POLLING"}  # variables that change no page (any other CAMPUS_* keys the cache)
_ENV_TAG = re.compile(r"!ENV\s*\[?\s*['\"]?([A-Za-z_][A-Za-z0-9_]*)")


def config_files(config_file: Path) -> list[Path]:
    """mkdocs.yml and the files it INHERITs from, in order."""
    return [path for path, _data in config_chain(config_file)]


def _name(path: Path, project: Path) -> str:
    """A path as the key records it: relative to the project when inside it (a copied or
    restored project keeps its cache)."""
    try:
        return "./" + resolved(path).relative_to(resolved(project)).as_posix()
    except ValueError:
        return str(resolved(path))


def site_key(*, config_file: Path, folders: list[Path], settings: dict) -> str:
    """Everything that can change every page: the configuration files and the environment they
    read, the generator's code, the folders given (theme, hand-written pages), the installed
    packages and Python, and `settings` (resolved options such as the site's address)."""
    project = resolved(config_file).parent
    hasher = hashlib.sha256(f"campus-cache-{FORMAT}\0{sys.version}\0".encode())
    names = {"SOURCE_DATE_EPOCH"} | {k for k in os.environ if k.startswith("CAMPUS_") and k not in _NOT_OUTPUT}
    for path in config_files(config_file):
        text = path.read_bytes()
        hasher.update(_name(path, project).encode() + b"\0" + hashlib.sha256(text).digest())
        names |= set(_ENV_TAG.findall(text.decode("utf-8", "replace")))
    hasher.update(json.dumps({k: os.environ.get(k) for k in sorted(names)}).encode())
    hash_tree(hasher, GENERATOR)
    for folder in folders:
        hasher.update(_name(folder, project).encode() + b"\0")
        hash_tree(hasher, folder)
    hasher.update(json.dumps(installed_packages()).encode())
    hasher.update(json.dumps(settings, sort_keys=True, default=str).encode())
    return hasher.hexdigest()


@dataclass(frozen=True)
class CachedPage:
    inputs: str
    meta: dict
    anchors: tuple[str, ...]
    file: str


class PageCache:
    """Rendered pages of the previous build, by path in the docs tree."""

    def __init__(self, folder: Path, key: str):
        self.folder = Path(folder)
        self.key = key
        self.pages: dict[str, CachedPage] = {}
        try:
            manifest = json.loads((self.folder / MANIFEST).read_text(encoding="utf-8"))
            if manifest.get("key") == key:
                self.pages = {src: CachedPage(p["inputs"], p["meta"], tuple(p["anchors"]), p["file"])
                              for src, p in manifest["pages"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.pages = {}

    def get(self, src_uri: str, inputs: str) -> CachedPage | None:
        """The cached page if it was built from these inputs and its output is still there."""
        page = self.pages.get(src_uri)
        if page is None or page.inputs != inputs or not (self.folder / "html" / page.file).is_file():
            return None
        return page

    def html(self, page: CachedPage) -> str:
        return (self.folder / "html" / page.file).read_bytes().decode("utf-8")

    def put(self, src_uri: str, inputs: str, meta: dict, anchors, html: str) -> None:
        """Keep a page just built (its text as the builder writes it)."""
        try:
            meta = json.loads(json.dumps(meta))
        except (TypeError, ValueError):
            self.pages.pop(src_uri, None)  # front matter JSON cannot carry: never reused
            return
        # Named after the inputs too: a build that stops half-way never leaves the manifest
        # pointing at a file written from other inputs.
        name = hashlib.sha256(f"{src_uri}\0{inputs}".encode("utf-8", "surrogatepass")).hexdigest()[:40] + ".html"
        target = self.folder / "html" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(html.encode("utf-8", errors="xmlcharrefreplace"))
        self.pages[src_uri] = CachedPage(inputs, meta, tuple(sorted(anchors or ())), name)

    def save(self, present: set[str], write: bool = True) -> None:
        """Write the manifest for the pages of this build; forget the others and their files.
        With write=False (a cache kept in memory by a serving process), only forget them."""
        self.pages = {src: page for src, page in self.pages.items() if src in present}
        if not write:
            return
        keep = {page.file for page in self.pages.values()}
        html_dir = self.folder / "html"
        if html_dir.is_dir():
            for path in html_dir.iterdir():
                if path.name not in keep:
                    path.unlink()
        manifest = {"format": FORMAT, "key": self.key,
                    "pages": {src: {"inputs": p.inputs, "meta": p.meta, "anchors": list(p.anchors), "file": p.file}
                              for src, p in sorted(self.pages.items())}}
        replace_file(self.folder / MANIFEST, json.dumps(manifest, ensure_ascii=False, separators=(",", ":")).encode())

    def invalidate(self) -> None:
        """Forget everything (a build that warned or failed must not be reused)."""
        self.pages = {}
        shutil.rmtree(self.folder / "html", ignore_errors=True)
        try:
            (self.folder / MANIFEST).unlink()
        except FileNotFoundError:
            pass


class FileMemo:
    """Per-file results of the previous reading of the catalogue, reused while the file is
    unchanged (same device, inode, size, modification and change times), so that `mkdocs serve`
    parses and validates only the files saved since. Only regular files are remembered."""

    def __init__(self):
        self._entries: dict[tuple, tuple] = {}
        self._used: set[tuple] = set()

    def __call__(self, path: Path, key: tuple, compute):
        try:
            st = os.stat(path)
        except OSError:
            return compute()
        if not stat.S_ISREG(st.st_mode):
            return compute()
        identity = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        slot = (str(path), key)
        self._used.add(slot)
        found = self._entries.get(slot)
        if found is not None and found[0] == identity:
            return found[1]
        value = compute()
        self._entries[slot] = (identity, value)
        return value

    def prune(self) -> None:
        """Forget the files not read since the last prune (deleted or renamed ones)."""
        self._entries = {k: v for k, v in self._entries.items() if k in self._used}
        self._used = set()


__all__ = ["FileMemo", "PageCache", "CachedPage", "RecordMemo", "records_key", "replace_file", "site_key", "config_files",
           "ENV_VAR"]
