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
4. it rewrites the bundle so that the same site gives the same bytes (see `_stabilise`).

Each step is a stage of `generator.timings` (search.read, search.pagefind, search.stabilise).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import html
import json
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
_APOSTROPHES = str.maketrans({c: "'" for c in _APOSTROPHE_CHARS})


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


def pagefind_binary() -> Path:
    """The Pagefind binary: $PAGEFIND_BINARY_PATH, else the one `make npm` installed."""
    named = os.environ.get(BINARY_ENV)
    if named:
        return Path(named)
    found = sorted(_NPM_BINARIES.glob("*/bin/pagefind_extended"))
    if not found:
        raise SearchIndexError(f"Pagefind {PAGEFIND_VERSION} est introuvable dans node_modules/ : "
                               "lancez `make npm` (ou donnez son chemin dans PAGEFIND_BINARY_PATH).")
    return found[0]


def build_search_index(site_dir: Path) -> Path:
    """(Re)build the Pagefind bundle of a built site into site_dir/pagefind; returns that folder."""
    site_dir = Path(site_dir).resolve()
    out = site_dir / OUTPUT
    binary = pagefind_binary()
    shutil.rmtree(out, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="campus-search-") as scratch:
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
        with timings.stage("search.pagefind"):
            try:
                result = subprocess.run(command, capture_output=True, text=True, cwd=scratch_dir)
            except OSError as exc:
                raise SearchIndexError(f"impossible de lancer Pagefind ({binary}) : {exc}") from None
        if result.returncode != 0:
            details = (result.stderr or result.stdout).strip()
            raise SearchIndexError("Pagefind n'a pas pu indexer le site"
                                   + (f" :\n{details}" if details else f" (code {result.returncode})."))
    with timings.stage("search.stabilise"):
        _stabilise(out)
    return out


# --- determinism ---------------------------------------------------------------------------

_SIGNATURE = b"pagefind_dcd"


def _stabilise(out: Path) -> None:
    """Make the bundle byte-for-byte reproducible.

    Pagefind 1.5.2 indexes pages in parallel. Page ids, word chunks (index/) and fragments come
    out the same on every run, but each filter chunk (filter/<lang>_<hash>.pf_filter: one
    filter's values, each with its page ids) lists its values in hash-map order, which changes
    from run to run; so do the chunks' names (a hash of their bytes), the list of filters in the
    meta file (pagefind.<lang>_<hash>.pf_meta) and, in turn, the meta file's name and the hash
    that pagefind-entry.json gives for the language. Nothing else differs.

    These files are gzip streams (no time in their header) of "pagefind_dcd" + CBOR. They are
    decoded, their filter values and filter list sorted, re-encoded the way Pagefind encodes
    (shortest CBOR heads), renamed after a hash of the new bytes, and the names updated where
    they are referenced. The search reads them the same way: order carries no meaning there.
    A file that does not re-encode to its exact original bytes is left as Pagefind wrote it.
    """
    entry_path = out / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for lang, info in sorted(entry.get("languages", {}).items()):
        meta_path = out / f"pagefind.{info['hash']}.pf_meta"
        meta = _read_chunk(meta_path)
        if meta is None or len(meta) < 4 or not isinstance(meta[3], list):
            continue
        renamed: list[list] = []
        for name, chunk_hash in meta[3]:
            chunk_path = out / "filter" / f"{chunk_hash}.pf_filter"
            chunk = _read_chunk(chunk_path)
            if chunk is None:
                renamed.append([name, chunk_hash])
                continue
            chunk[1] = sorted(chunk[1], key=lambda item: item[0])
            new_hash = f"{lang}_{_short_hash(chunk, 7)}"
            chunk_path.unlink()
            _write_chunk(out / "filter" / f"{new_hash}.pf_filter", chunk)
            renamed.append([name, new_hash])
        meta[3] = sorted(renamed, key=lambda item: item[0])
        new_meta_hash = f"{lang}_{_short_hash(meta, 10)}"
        meta_path.unlink()
        _write_chunk(out / f"pagefind.{new_meta_hash}.pf_meta", meta)
        info["hash"] = new_meta_hash
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _read_chunk(path: Path):
    """A Pagefind chunk as Python data, or None when its encoding is not the one expected."""
    try:
        raw = gzip.decompress(path.read_bytes())
    except (OSError, EOFError):
        return None
    if not raw.startswith(_SIGNATURE):
        return None
    try:
        value, end = _cbor_decode(raw, len(_SIGNATURE))
    except (ValueError, IndexError):
        return None
    if end != len(raw) or _SIGNATURE + _cbor_encode(value) != raw:
        return None
    return value


def _write_chunk(path: Path, value) -> None:
    path.write_bytes(gzip.compress(_SIGNATURE + _cbor_encode(value), compresslevel=9, mtime=0))


def _short_hash(value, length: int) -> str:
    return hashlib.sha256(_cbor_encode(value)).hexdigest()[:length]


# A minimal CBOR (RFC 8949) codec for the subset Pagefind writes: unsigned and negative
# integers, byte and text strings, arrays and maps of definite length, false/true/null.

def _cbor_head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for extra, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            return bytes([major << 5 | extra]) + value.to_bytes(size, "big")
    raise ValueError("integer too large for CBOR")


def _cbor_encode(value) -> bytes:
    if value is False or value is True or value is None:
        return bytes([0xF4 if value is False else 0xF5 if value is True else 0xF6])
    if isinstance(value, int):
        return _cbor_head(0, value) if value >= 0 else _cbor_head(1, -1 - value)
    if isinstance(value, bytes):
        return _cbor_head(2, len(value)) + value
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _cbor_head(3, len(data)) + data
    if isinstance(value, list):
        return _cbor_head(4, len(value)) + b"".join(_cbor_encode(v) for v in value)
    if isinstance(value, dict):
        return _cbor_head(5, len(value)) + b"".join(_cbor_encode(k) + _cbor_encode(v) for k, v in value.items())
    raise ValueError(f"cannot encode {type(value).__name__} as CBOR")


def _cbor_decode(data: bytes, pos: int):
    initial = data[pos]
    major, info = initial >> 5, initial & 0x1F
    pos += 1
    if major == 7:
        simple = {20: False, 21: True, 22: None}
        if info not in simple:
            raise ValueError("unsupported CBOR simple value")
        return simple[info], pos
    if info < 24:
        arg = info
    elif info <= 27:
        size = 1 << (info - 24)
        arg = int.from_bytes(data[pos:pos + size], "big")
        pos += size
    else:
        raise ValueError("indefinite-length CBOR is not supported")
    if major == 0:
        return arg, pos
    if major == 1:
        return -1 - arg, pos
    if major in (2, 3):
        chunk = data[pos:pos + arg]
        if len(chunk) != arg:
            raise ValueError("truncated CBOR string")
        return (bytes(chunk) if major == 2 else chunk.decode("utf-8")), pos + arg
    if major == 4:
        items = []
        for _ in range(arg):
            item, pos = _cbor_decode(data, pos)
            items.append(item)
        return items, pos
    if major == 5:
        mapping = {}
        for _ in range(arg):
            key, pos = _cbor_decode(data, pos)
            mapping[key], pos = _cbor_decode(data, pos)
        return mapping, pos
    raise ValueError("unsupported CBOR tag")


def bundle_digest(out: Path) -> dict[str, str]:
    """sha256 of every file of a Pagefind bundle, by relative path (for comparing two builds)."""
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


__all__ = ["build_search_index", "pagefind_binary", "normalise", "bundle_digest", "SearchIndexError"]
