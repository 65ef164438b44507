"""Files written whole or not at all (the caches, the search memo, exports written by commands), and
paths resolved without failing on a loop of symbolic links."""

from __future__ import annotations

import errno
import os
from pathlib import Path


def replace_file(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all: a temporary file beside it (named per process), renamed
    over it. An OSError is raised, the temporary file removed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise


def loops(path: Path) -> bool:
    """True when `path` is a symbolic link that never reaches a file (a.yml -> b.yml -> a.yml)."""
    try:
        os.stat(path)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def resolved(path: Path) -> Path:
    """`path` absolute, its symbolic links followed; a link in a loop is kept as named (reading
    it then reports the loop) where Path.resolve raises RuntimeError (Python < 3.13)."""
    try:
        return Path(path).resolve()
    except (RuntimeError, OSError):
        path = Path(path).absolute()
        return path if path.parent == path else resolved(path.parent) / path.name
