"""How long `mkdocs build` takes with the previous build's cache folder when one record changed.

For each size N it generates a synthetic project (bench/synthetic.py), builds it once with
CAMPUS_CACHE_DIR set (the cold build that fills the cache), changes one record's summary, and
builds again with the same cache folder (the incremental build a CI job with a restored cache
runs). Reports wall and CPU seconds, peak memory, the generator's stage times and how many pages
were reused. With --check it also builds the changed project cold and compares the two sites
byte for byte.

Run it alone on the machine (benchmarks share a lock):

    flock /tmp/campus-bench.lock .venv/bin/python bench/incremental.py --sizes 1000,10000 [--workdir DIR]

`run(...)` returns the same figures for bench/run.py.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for folder in (ROOT, ROOT / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import synthetic  # noqa: E402
from run import BUILD_ENV, machine  # noqa: E402

_REUSED = re.compile(r"Campus : (\d+) pages? reprises? du cache, (\d+) pages? rendues?")


def run_measured(args: list[str], cwd: Path, env: dict) -> dict:
    """Run a command; wall and CPU seconds, peak resident memory (MB, with its children), stderr."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err,
                                env={**os.environ, **BUILD_ENV, **env})
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{stderr[-4000:]}")
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "peak_rss_mb": usage.ru_maxrss / 1024,
            "stderr": stderr}


def _build(project: Path, site: Path, cache: Path | None, timings: Path) -> dict:
    env = {"CAMPUS_TIMINGS": str(timings)}
    if cache is not None:
        env["CAMPUS_CACHE_DIR"] = str(cache)
    args = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(project / "mkdocs.yml"), "-d", str(site)]
    result = run_measured(args, project, env)
    stages = json.loads(timings.read_text(encoding="utf-8"))
    return {"wall_s": round(result["wall_s"], 2), "cpu_s": round(result["cpu_s"], 2),
            "peak_rss_mb": round(result["peak_rss_mb"]), "stages_wall_s": {k: round(v, 2) for k, v in stages["wall"].items()},
            "reused_rendered": [int(x) for x in _REUSED.search(result.get("stderr", "")).groups()]
            if _REUSED.search(result.get("stderr", "")) else None}


def change_one_record(project: Path) -> Path:
    """Rewrite the summary of the first training (the change the benchmark measures)."""
    record = sorted((project / "catalogue" / "trainings").glob("*.yml"))[0]
    lines = record.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith("summary:"))
    lines[index] = "summary: Résumé modifié pour mesurer une construction incrémentale.\n"
    while index + 1 < len(lines) and lines[index + 1].startswith("  "):
        del lines[index + 1]
    record.write_text("".join(lines), encoding="utf-8")
    return record


def _same_tree(a: Path, b: Path) -> bool:
    names_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    names_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    return names_a == names_b and all(filecmp.cmp(a / n, b / n, shallow=False) for n in names_a)


def bench_size(n: int, workdir: Path, seed: int = 0, check: bool = False) -> dict:
    base = workdir / f"incremental-{n}"
    shutil.rmtree(base, ignore_errors=True)
    project, cache = base / "project", base / "cache"
    synthetic.generate(project, n, seed)
    cold = _build(project, base / "site-cold", cache, base / "timings-cold.json")
    change_one_record(project)
    incremental = _build(project, base / "site-incremental", cache, base / "timings-incremental.json")
    result = {"records": n, "cold_with_cache": cold, "incremental": incremental,
              "load_average": list(os.getloadavg())}
    if check:
        _build(project, base / "site-check", None, base / "timings-check.json")
        result["identical_to_cold"] = _same_tree(base / "site-check", base / "site-incremental")
    shutil.rmtree(base, ignore_errors=True)
    return result


def run(sizes=(1000, 10000), seed: int = 0, workdir: Path | None = None, check: bool = False) -> dict:
    results = []
    with tempfile.TemporaryDirectory(prefix="campus-incremental-") as scratch:
        folder = Path(workdir) if workdir else Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        for n in sizes:
            results.append(bench_size(n, folder, seed, check))
    return {"machine": machine(), "results": results}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Incremental mkdocs build with one record changed (issue 15).")
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--check", action="store_true", help="also build cold and compare the sites byte for byte")
    args = parser.parse_args(argv)
    report = run([int(s) for s in args.sizes.split(",")], args.seed, args.workdir, args.check)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
