"""What the caches' keys are made of besides the project's files: a folder's contents, the installed
packages (generator/speed/cache.py's site key, generator/speed/records_memo.py's records key)."""

from __future__ import annotations

import hashlib
import importlib.metadata
from pathlib import Path

GENERATOR = Path(__file__).resolve().parent.parent  # generator/ (mkdocs_campus): its code keys every cache


def hash_tree(hasher, folder: Path) -> None:
    """Every file under `folder` (its relative name and the sha256 of its bytes) into `hasher`."""
    if not folder.is_dir():
        hasher.update(f"missing:{folder}".encode())
        return
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        hasher.update(path.relative_to(folder).as_posix().encode("utf-8", "surrogateescape") + b"\0")
        hasher.update(hashlib.sha256(path.read_bytes()).digest())


_PACKAGES: list | None = None


def installed_packages() -> list:
    """Installed distributions and versions (read once per process: a serve session rebuilds often)."""
    global _PACKAGES
    if _PACKAGES is None:
        _PACKAGES = sorted({(d.metadata["Name"] or "").lower(): d.version
                            for d in importlib.metadata.distributions()}.items())
    return _PACKAGES


