"""Time spent in each stage of the generator, for benchmarks (bench/run.py).

Stages wrap themselves in `with stage("name"):`; nested stages are exclusive (a parent's
time excludes its children's). When the environment variable CAMPUS_TIMINGS names a file,
the MkDocs plugin writes the totals there as JSON at the end of the build.
"""

from __future__ import annotations

import json
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

ENV_VAR = "CAMPUS_TIMINGS"

_totals: dict[str, float] = {}
_stack: list[float] = []  # time spent in children of each open stage


@contextmanager
def stage(name: str) -> Iterator[None]:
    start = time.perf_counter()
    _stack.append(0.0)
    try:
        yield
    finally:
        elapsed = time.perf_counter() - start
        children = _stack.pop()
        _totals[name] = _totals.get(name, 0.0) + elapsed - children
        if _stack:
            _stack[-1] += elapsed


def totals() -> dict[str, float]:
    """Seconds per stage since the last reset."""
    return dict(_totals)


def reset() -> None:
    _totals.clear()


def write_if_requested() -> None:
    """Write the totals as JSON to the file named by CAMPUS_TIMINGS, if set."""
    target = os.environ.get(ENV_VAR)
    if target:
        Path(target).write_text(json.dumps({k: round(v, 6) for k, v in sorted(_totals.items())}, indent=2),
                                encoding="utf-8")
