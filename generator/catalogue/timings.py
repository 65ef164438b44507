"""Time spent in each stage of the generator, for benchmarks (bench/run.py).

Stages wrap themselves in `with stage("name"):`; nested stages are exclusive (a parent's
time excludes its children's). Each stage counts wall-clock seconds and CPU seconds (of this
process and of the programs it ran, such as Pagefind): on a busy machine the CPU figures stay
comparable. When the environment variable CAMPUS_TIMINGS names a file, the MkDocs plugin
writes the totals there as JSON at the end of the build: {"wall": {stage: s}, "cpu": {...},
"memory_mb": {"builder": peak resident set of the build process, "programs": largest peak of the
programs it ran, "render_worker": peak of the process rendering pages beside it, when there is one,
or "exports_worker" when that process computes only the exports}} — Pagefind's peak is reported
apart from the generator's and MkDocs'. The worker's stage times (generator/speed/parallel.py: "render",
"exports") are added to this process's: their wall time overlaps the builder's; "exports.wait" is
the time this process waited for the worker's exports.
"""

from __future__ import annotations

import json
import os
import resource
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

ENV_VAR = "CAMPUS_TIMINGS"

_totals: dict[str, list[float]] = {}  # stage -> [wall seconds, CPU seconds]
_stack: list[list[float]] = []  # time spent in nested stages of each open stage
_memory: dict[str, float] = {}  # peak memory (MB) of helper processes, by name


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


@contextmanager
def stage(name: str) -> Iterator[None]:
    start_wall, start_cpu = time.perf_counter(), _cpu()
    _stack.append([0.0, 0.0])
    try:
        yield
    finally:
        wall, cpu = time.perf_counter() - start_wall, _cpu() - start_cpu
        nested = _stack.pop()
        total = _totals.setdefault(name, [0.0, 0.0])
        total[0] += wall - nested[0]
        total[1] += cpu - nested[1]
        if _stack:
            _stack[-1][0] += wall
            _stack[-1][1] += cpu


def add(other: dict[str, dict[str, float]]) -> None:
    """Count the stage times of another process (as given by its `totals()`) with this one's."""
    for name, wall in other.get("wall", {}).items():
        total = _totals.setdefault(name, [0.0, 0.0])
        total[0] += wall
        total[1] += other.get("cpu", {}).get(name, 0.0)


def note_memory(name: str, peak_mb: float) -> None:
    """The peak memory of a helper process of the build (the render worker), reported by name."""
    _memory[name] = max(peak_mb, _memory.get(name, 0.0))


def totals() -> dict[str, dict[str, float]]:
    """Seconds per stage since the last reset: {"wall": {...}, "cpu": {...}}."""
    return {"wall": {k: v[0] for k, v in sorted(_totals.items())},
            "cpu": {k: v[1] for k, v in sorted(_totals.items())}}


def peak_memory_mb() -> dict[str, float]:
    """Peak resident memory (MB) of this process and, apart, of the largest program it ran and waited for."""
    # ru_maxrss is in kilobytes on Linux.
    return {"builder": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "programs": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1), **_memory}


def reset() -> None:
    _totals.clear()
    _memory.clear()


def write_if_requested() -> None:
    """Write the totals as JSON to the file named by CAMPUS_TIMINGS, if set."""
    target = os.environ.get(ENV_VAR)
    if target:
        data = {kind: {k: round(v, 6) for k, v in values.items()} for kind, values in totals().items()}
        data["memory_mb"] = peak_memory_mb()
        Path(target).write_text(json.dumps(data, indent=2), encoding="utf-8")
