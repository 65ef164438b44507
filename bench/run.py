"""Build cost per record: synthetic catalogues of N records built by MkDocs, against a floor.

For each N (default 100, 1,000 and 10,000) this generates a synthetic project
(bench/synthetic.py), builds it with `mkdocs build` in a subprocess and reports wall time,
peak memory (maximum resident set of the build and its children), output size, milliseconds
per record and the share of time spent in each stage of the generator (the plugin writes
them to the file named by CAMPUS_TIMINGS, see generator/catalogue/timings.py). In the same run it
builds the floor: as many plain Markdown pages, each the size of a generated page, built by
a bare mkdocs-material configuration without the campus plugin, and gives the ratio of the two,
with and without the search stage (Pagefind, a separate program whose time and memory are reported
apart). Then, for each size, it runs bench/incremental.py (a build given the previous build's cache,
one record changed) and bench/serve_latency.py (a saved edit under `mkdocs serve`) as programs, when
they exist: each takes `--records N --seed S` and prints one JSON object.

    .venv/bin/python bench/run.py [--sizes 100,1000,10000] [--seed 0] [--json bench/results.json]
                                  [--workdir DIR] [--no-serve] [--serve-sizes 1000] [--no-incremental] [--profile N]

With --profile N it also runs one build of N records under cProfile (CPU clock) and sums each
function's own time by the code it belongs to (campus generator, its templates, Jinja, MkDocs,
Python-Markdown, mkdocs-material…; a built-in counts for the code calling it).

It prints a Markdown table and writes the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
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

import yaml  # noqa: E402

import synthetic  # noqa: E402

DEFAULT_SIZES = (100, 1000, 10000)
STAGES = ("load+validate", "model", "render", "search", "exports")
# Issue 15. The search stage is Pagefind (another program): ratios are given with and without it.
TARGETS = {"max_floor_ratio_at_10000": 1.1, "max_builder_peak_mb_at_10000": 1024.0,
           "max_incremental_s_at_10000": 15.0, "max_serve_latency_s": {1000: 1.0, 10000: 3.0},
           "longer_goal_wall_s_at_10000": 60.0}
BENCH = Path(__file__).resolve().parent
BUILD_ENV = {"SOURCE_DATE_EPOCH": "1733788800", "NO_MKDOCS_2_WARNING": "1", "PYTHONHASHSEED": "0"}


def machine() -> dict:
    """The machine the figures come from."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = int(line.split()[1]) * 1024
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "cpu_model": cpu or platform.processor() or "inconnu",
            "ram_gb": round(ram / 2**30, 1), "python": platform.python_version(),
            "system": f"{platform.system()} {platform.release()}"}


def run_measured(args: list[str], cwd: Path, env: dict | None = None) -> dict:
    """Run a command; return wall seconds, peak resident memory (MB) of it and its children, exit code."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(args, cwd=cwd, stdout=out, stderr=err,
                                env={**os.environ, **BUILD_ENV, **(env or {})})
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}):\n{stderr[-4000:]}")
    # ru_maxrss is in kilobytes on Linux and covers the process and its waited-for children.
    return {"wall_s": wall, "peak_rss_mb": usage.ru_maxrss / 1024, "cpu_s": usage.ru_utime + usage.ru_stime}


def tree_size(folder: Path) -> tuple[int, int]:
    """(bytes, files) under a folder."""
    total = count = 0
    for path in folder.rglob("*"):
        if path.is_file():
            total += path.stat().st_size
            count += 1
    return total, count


def _mkdocs(config: Path, out: Path, strict: bool = True) -> list[str]:
    return [sys.executable, "-m", "mkdocs", "build", "-q", *(["--strict"] if strict else []),
            "-f", str(config), "-d", str(out)]


class _IgnoreTags(yaml.SafeLoader):
    """Reads mkdocs.yml without resolving !ENV and other tags (their value is not needed here)."""


_IgnoreTags.add_multi_constructor("!", lambda loader, suffix, node: None)


def plain_page(rng: random.Random, size: int) -> str:
    """Plain Markdown (headings, paragraphs, lists) of about `size` bytes, no HTML."""
    text = synthetic._Text(rng)
    parts = [f"# {text.title('Page')}"]
    length = len(parts[0].encode())
    while length < size:
        roll = rng.random()
        if roll < 0.15:
            part = f"## {text.title('Section')}"
        elif roll < 0.35:
            part = "\n".join(f"- {text.sentence()}" for _ in range(rng.randint(2, 5)))
        else:
            part = text.paragraph(rng.randint(1, 3))
        parts.append(part)
        length += len(part.encode()) + 2
    return "\n\n".join(parts) + "\n"


def write_floor_project(project: Path, dest: Path, seed: int = 0) -> int:
    """The floor: as many plain Markdown pages as the site has, each of the same size.

    Same page paths and sizes as the generated pages of `project`, but plain Markdown
    (headings, paragraphs, lists) for mkdocs-material alone: same Markdown extensions and
    theme settings, no campus plugin, no theme overrides. Returns the number of pages.
    """
    from mkdocs_campus.catalogue.pipeline import read_catalogue
    from mkdocs_campus.outputs.render import SiteRenderer, written_pages

    real = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_IgnoreTags)
    content = project / "content"
    catalogue = read_catalogue(project / "catalogue", project)
    pages = SiteRenderer(catalogue).all_pages((content / "index.md").read_text(encoding="utf-8"),
                                              written_pages(content))
    rng = random.Random(seed)
    docs = dest / "docs"
    for page in pages:
        target = docs / page.src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(plain_page(rng, len(page.text.encode())), encoding="utf-8")
    theme = {k: v for k, v in real["theme"].items() if k in ("language", "features", "palette", "font")}
    config = {"site_name": "Plancher", "site_url": "https://floor.test/", "docs_dir": "docs",
              "use_directory_urls": True, "theme": {"name": "material", **theme}, "plugins": [],
              "markdown_extensions": real.get("markdown_extensions", []),
              "not_in_nav": real.get("not_in_nav", ""),
              "nav": [{"Accueil": "index.md"}, *[{s: f"{s}/index.md"} for s in
                                                 ("communautes", "formations", "outils", "interventions",
                                                  "thematiques")], {"Plan du site": "plan-du-site.md"}]}
    (dest / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return len(pages)


def bench_size(n: int, workdir: Path, seed: int = 0) -> dict:
    """Generate, build and measure one size; also build its floor."""
    project = workdir / f"campus-{n}"
    synthetic.generate(project, n, seed)
    timings_file = workdir / f"timings-{n}.json"
    site = workdir / f"site-{n}"
    load_before = os.getloadavg()[0]  # other work on the machine inflates wall times, not CPU times
    build = run_measured(_mkdocs(project / "mkdocs.yml", site), project, {"CAMPUS_TIMINGS": str(timings_file)})
    timed = json.loads(timings_file.read_text(encoding="utf-8"))
    stages, stages_cpu = timed["wall"], timed["cpu"]
    memory = timed.get("memory_mb", {})
    out_bytes, out_files = tree_size(site)
    floor_dir = workdir / f"floor-{n}"
    floor_pages = write_floor_project(project, floor_dir, seed)
    floor_site = workdir / f"floor-site-{n}"
    floor = run_measured(_mkdocs(floor_dir / "mkdocs.yml", floor_site, strict=False), floor_dir)
    floor_bytes, floor_files = tree_size(floor_site)
    generator_s, generator_cpu_s = sum(stages.values()), sum(stages_cpu.values())
    # The search stage and its parts (search.read, search.pagefind: stages count their own time only).
    search_s = sum(v for k, v in stages.items() if k == "search" or k.startswith("search."))
    search_cpu_s = sum(v for k, v in stages_cpu.items() if k == "search" or k.startswith("search."))
    wall_ns, cpu_ns = build["wall_s"] - search_s, build["cpu_s"] - search_cpu_s
    return {
        "records": n,
        "wall_s": round(build["wall_s"], 3),
        "cpu_s": round(build["cpu_s"], 3),
        "ms_per_record": round(build["wall_s"] * 1000 / n, 3),
        "cpu_ms_per_record": round(build["cpu_s"] * 1000 / n, 3),
        "peak_rss_mb": round(build["peak_rss_mb"], 1),
        "output_bytes": out_bytes,
        "output_files": out_files,
        "stages_s": {k: round(v, 3) for k, v in stages.items()},
        "stage_share": {k: round(v / build["wall_s"], 4) for k, v in stages.items()},
        "stages_cpu_s": {k: round(v, 3) for k, v in stages_cpu.items()},
        "stage_cpu_share": {k: round(v / build["cpu_s"], 4) for k, v in stages_cpu.items()},
        "generator_s": round(generator_s, 3),
        "generator_share": round(generator_s / build["wall_s"], 4),
        "generator_cpu_s": round(generator_cpu_s, 3),
        "generator_cpu_share": round(generator_cpu_s / build["cpu_s"], 4),
        "load_average": round(load_before, 2),
        "floor": {"pages": floor_pages, "wall_s": round(floor["wall_s"], 3), "cpu_s": round(floor["cpu_s"], 3),
                  "peak_rss_mb": round(floor["peak_rss_mb"], 1), "output_bytes": floor_bytes,
                  "output_files": floor_files},
        "over_floor_s": round(build["wall_s"] - floor["wall_s"], 3),
        # Same run, same machine: the build against its floor, then without the search stage (Pagefind).
        "floor_ratio": round(build["wall_s"] / floor["wall_s"], 3),
        "floor_cpu_ratio": round(build["cpu_s"] / floor["cpu_s"], 3),
        "without_search": {"wall_s": round(wall_ns, 3), "cpu_s": round(cpu_ns, 3),
                           "floor_ratio": round(wall_ns / floor["wall_s"], 3),
                           "floor_cpu_ratio": round(cpu_ns / floor["cpu_s"], 3)},
        "search_s": round(search_s, 3),
        "search_cpu_s": round(search_cpu_s, 3),
        # The build process itself (MkDocs and the generator) and, apart, the programs it ran (Pagefind).
        "builder_peak_mb": memory.get("builder"),
        "search_peak_mb": memory.get("programs"),
        # The process rendering pages beside the build (generator/speed/parallel.py), forked from it.
        "render_worker_peak_mb": memory.get("render_worker"),
    }


def check_targets(results: list[dict], incremental: dict, serve: dict) -> dict:
    """Each target of issue 15 that the run can judge: measured value and whether it is met."""
    by_n = {r["records"]: r for r in results}
    checks = {}
    if 10000 in by_n:
        r = by_n[10000]
        limit = TARGETS["max_floor_ratio_at_10000"]
        # Wall-clock ratios are only fair on a quiet machine; CPU ratios stay fair under load.
        for name, value in (("floor_ratio_at_10000", r["floor_ratio"]),
                            ("floor_cpu_ratio_at_10000", r["floor_cpu_ratio"]),
                            ("floor_ratio_without_search_at_10000", r["without_search"]["floor_ratio"]),
                            ("floor_cpu_ratio_without_search_at_10000", r["without_search"]["floor_cpu_ratio"])):
            checks[name] = {"value": value, "target": limit, "met": value <= limit}
        if r.get("builder_peak_mb") is not None:
            limit = TARGETS["max_builder_peak_mb_at_10000"]
            checks["builder_peak_mb_at_10000"] = {"value": r["builder_peak_mb"], "target": limit,
                                                  "met": r["builder_peak_mb"] <= limit}
        limit = TARGETS["longer_goal_wall_s_at_10000"]
        checks["longer_goal_wall_s_at_10000"] = {"value": r["wall_s"], "target": limit, "met": r["wall_s"] <= limit}
    seconds = _seconds((incremental or {}).get(10000))
    if seconds is not None:
        limit = TARGETS["max_incremental_s_at_10000"]
        checks["incremental_s_at_10000"] = {"value": seconds, "target": limit, "met": seconds <= limit}
    for n, limit in TARGETS["max_serve_latency_s"].items():
        seconds = _seconds((serve or {}).get(n))
        if seconds is not None:
            checks[f"serve_latency_s_at_{n}"] = {"value": seconds, "target": limit, "met": seconds <= limit}
    return checks


def _seconds(measured: dict | None) -> float | None:
    """The headline seconds of a bench/incremental.py or bench/serve_latency.py result."""
    if not isinstance(measured, dict):
        return None
    if isinstance(measured.get("results"), list) and len(measured["results"]) == 1:  # incremental.py
        measured = measured["results"][0].get("incremental") or {}
    for key in ("latency_s", "incremental_s", "wall_s", "seconds"):
        if isinstance(measured.get(key), (int, float)):
            return measured[key]
    return None


# --- Hook: bench/incremental.py and bench/serve_latency.py, written and kept by their own owners. ---
# Each is run as a program for one size (`--sizes N` for incremental.py, `--records N --dirty`, as
# `make serve` runs, for serve_latency.py) and must print one JSON object (the first "{" of its
# standard output starts it). A missing script is reported as such, not as a failure.
_SCRIPT_ARGS = {"incremental.py": lambda n: ["--sizes", str(n)],
                "serve_latency.py": lambda n: ["--records", str(n), "--dirty", "--edits", "3"]}


def external_measure(script: Path, n: int, seed: int = 0, timeout: float = 3600.0) -> dict:
    """Run a measuring script for N records; its JSON result, or {"skipped": reason}."""
    if not script.is_file():
        return {"skipped": f"{script.name} absent"}
    size = _SCRIPT_ARGS.get(script.name, lambda n: ["--records", str(n)])(n)
    proc = subprocess.run([sys.executable, str(script), *size, "--seed", str(seed)],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                          env={**os.environ, **BUILD_ENV})
    if proc.returncode != 0:
        return {"failed": proc.returncode, "stderr": proc.stderr[-2000:]}
    start = proc.stdout.find("{")
    if start < 0:
        return {"failed": "no JSON on standard output", "stdout": proc.stdout[-2000:]}
    value, _ = json.JSONDecoder().raw_decode(proc.stdout[start:])
    return value


def _pct(value: float) -> str:
    return f"{value * 100:.1f} %"


def markdown_table(report: dict) -> str:
    """The figures as the Markdown tables kept in the README."""
    results = report["results"]
    stages = [s for s in STAGES if any(s in r["stages_cpu_s"] for r in results)]
    stages += sorted({s for r in results for s in r["stages_cpu_s"]} - set(stages))
    head = (["records", "cold build: wall (CPU)", "floor: wall (CPU)", "ratio (CPU)",
             "without search: wall, ratio (CPU)", "peak memory: build, Pagefind (floor)", "output"])
    lines = ["| " + " | ".join(head) + " |", "|" + "---:|" * len(head)]
    for r in results:
        f, ns = r["floor"], r["without_search"]
        memory = (f"{r['builder_peak_mb']:.0f} MB, {r['search_peak_mb']:.0f} MB" if r.get("builder_peak_mb")
                  else f"{r['peak_rss_mb']:.0f} MB")
        if r.get("render_worker_peak_mb"):
            memory = memory.replace(" MB, ", f" MB (render worker {r['render_worker_peak_mb']:.0f} MB), ", 1)
        row = [f"{r['records']:,}".replace(",", " "), f"{r['wall_s']:.1f} s ({r['cpu_s']:.1f} s)",
               f"{f['wall_s']:.1f} s ({f['cpu_s']:.1f} s)", f"{r['floor_ratio']:.2f} ({r['floor_cpu_ratio']:.2f})",
               f"{ns['wall_s']:.1f} s, {ns['floor_ratio']:.2f} ({ns['floor_cpu_ratio']:.2f})",
               f"{memory} ({f['peak_rss_mb']:.0f} MB)",
               f"{r['output_bytes'] / 2**20:.0f} MB ({r['output_files']} files)"]
        lines.append("| " + " | ".join(row) + " |")
    text = "\n".join(lines) + "\n"
    # Where the time goes: CPU seconds of each stage of the generator (the rest is MkDocs).
    head = ["records", *stages, "generator without search", "MkDocs and the rest"]
    text += "\n| " + " | ".join(head) + " |\n|" + "---:|" * len(head) + "\n"
    for r in results:
        row = [f"{r['records']:,}".replace(",", " ")]
        row += [f"{r['stages_cpu_s'].get(s, 0.0):.1f} s ({_pct(r['stage_cpu_share'].get(s, 0.0))})" for s in stages]
        own = r["generator_cpu_s"] - r["search_cpu_s"]
        rest = r["cpu_s"] - r["generator_cpu_s"]
        row += [f"{own:.1f} s ({_pct(own / r['cpu_s'])})", f"{rest:.1f} s ({_pct(rest / r['cpu_s'])})"]
        text += "| " + " | ".join(row) + " |\n"
    loads = ", ".join(f"{r['load_average']:.1f}" for r in results)
    text += f"\nStage columns: CPU seconds and share of the build's CPU time. Load average before each build: {loads}.\n"
    later = [(n, (report.get("incremental") or {}).get(n), (report.get("serve") or {}).get(n))
             for n in report["sizes"]]
    if any(i is not None or s is not None for _, i, s in later):
        text += "\n| records | incremental build, one record changed | serve: edit to page (first build) |\n|---:|---:|---:|\n"
        for n, inc, srv in later:
            inc_text = f"{_seconds(inc):.1f} s" if _seconds(inc) is not None else _why(inc)
            srv_text = (f"{_seconds(srv):.1f} s ({srv.get('first_build_s', 0):.1f} s)" if _seconds(srv) is not None
                        else _why(srv))
            text += f"| {n:,} | {inc_text} | {srv_text} |\n".replace(",", " ")
    if report.get("targets"):
        text += "\n| target | measured | limit | met |\n|---|---:|---:|:---:|\n"
        for name, c in report["targets"].items():
            text += f"| {name} | {c['value']} | {c['target']} | {'yes' if c['met'] else 'no'} |\n"
    return text


def _why(measured: dict | None) -> str:
    if not measured:
        return "not measured"
    return "skipped: " + str(measured["skipped"]) if "skipped" in measured else "failed"


# --- Where the CPU time of a build goes: cProfile (CPU clock) of `mkdocs build`, by owner of the code. ---
_PROFILE_SCRIPT = """
import cProfile, marshal, sys, time
from mkdocs.__main__ import cli
profiler = cProfile.Profile(time.process_time)
try:
    profiler.runcall(cli.main, args=sys.argv[2:], standalone_mode=False)
finally:
    profiler.dump_stats(sys.argv[1])
"""
PROFILE_GROUPS = (  # first match wins; a path fragment -> what it is
    ("/generator/", "campus generator (Python)"),
    ("/theme/campus/", "campus page templates (Jinja)"),
    ("/theme/", "theme overrides of Material's page template"),
    ("/material/", "mkdocs-material (page template, plugins)"),
    ("/mkdocs/", "MkDocs"),
    ("/markdown/", "Python-Markdown"),
    ("/pymdownx/", "Python-Markdown"),
    ("/jinja2/", "Jinja runtime"),
    ("/markupsafe/", "Jinja runtime"),
    ("/yaml/", "YAML"),
    ("/pydantic", "pydantic"),
    ("/html/parser.py", "html.parser (MkDocs' link and anchor checks)"),
    ("/_markupbase.py", "html.parser (MkDocs' link and anchor checks)"),
    ("/gzip.py", "gzip, zlib"),
    ("<frozen", "Python imports"),
    ("/importlib/", "Python imports"),
)


def _profile_group(filename: str) -> str:
    for fragment, name in PROFILE_GROUPS:
        if fragment in filename:
            return name
    return "C built-ins (re, str, json, I/O…)" if filename == "~" else "other Python (standard library…)"


def profile_build(project: Path, out: Path) -> dict:
    """CPU seconds of one `mkdocs build` of `project`, by owner of the code that ran (own time only).

    Pagefind runs as another program: its CPU time is not in the profile (see the search stage). The
    catalogue is loaded and the pages rendered in this process (CAMPUS_PARALLEL=0): the profile sees all the work.
    """
    import pstats
    stats_file = out.with_suffix(".prof")
    run_measured([sys.executable, "-c", _PROFILE_SCRIPT, str(stats_file), "build", "-q", "-f",
                  str(project / "mkdocs.yml"), "-d", str(out)], project, {"CAMPUS_PARALLEL": "0"})
    stats = pstats.Stats(str(stats_file))
    groups: dict[str, float] = {}
    for (filename, _, _), (_, _, own, _, callers) in stats.stats.items():
        if filename == "~" and callers:  # a built-in (str.join, re, open…): counted for the code calling it
            for (caller_file, _, _), (_, _, caller_share, _) in callers.items():
                group = _profile_group(caller_file)
                groups[group] = groups.get(group, 0.0) + caller_share
            continue
        group = _profile_group(filename)
        groups[group] = groups.get(group, 0.0) + own
    total = sum(groups.values())
    top = sorted(stats.stats.items(), key=lambda item: -item[1][2])[:15]
    return {"total_cpu_s": round(total, 3),
            "groups_cpu_s": {k: round(v, 3) for k, v in sorted(groups.items(), key=lambda i: -i[1])},
            "top_functions": [{"function": f"{Path(f).name}:{line}({name})", "own_cpu_s": round(v[2], 3)}
                              for (f, line, name), v in top]}


def profile_table(profile: dict) -> str:
    records = f"{profile['records']:,}".replace(",", " ")
    text = f"| code that ran (own CPU time under cProfile, {records} records) | seconds | share |\n|---|---:|---:|\n"
    for name, seconds in profile["groups_cpu_s"].items():
        text += f"| {name} | {seconds:.1f} | {_pct(seconds / profile['total_cpu_s'])} |\n"
    return text


def run(sizes=DEFAULT_SIZES, seed: int = 0, workdir: Path | None = None, serve: bool = True,
        incremental: bool = True, log=print, serve_sizes=None) -> dict:
    """Run the whole benchmark and return the report (see README, « Benchmarks »)."""
    own = workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="campus-bench-")) if own else Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        results, incremental_results, serve_results = [], {}, {}
        for n in sizes:
            log(f"… {n} records")
            results.append(bench_size(n, workdir, seed))
            r = results[-1]
            log(f"  {r['wall_s']:.1f} s, floor {r['floor']['wall_s']:.1f} s ({r['floor_ratio']:.2f}), "
                f"build {r.get('builder_peak_mb')} MB, Pagefind {r.get('search_peak_mb')} MB")
        for n in sizes:
            if incremental:
                log(f"… incremental build, {n} records")
                incremental_results[n] = external_measure(BENCH / "incremental.py", n, seed)
            if serve and (serve_sizes is None or n in serve_sizes):
                log(f"… mkdocs serve, {n} records")
                serve_results[n] = external_measure(BENCH / "serve_latency.py", n, seed)
        return {"machine": machine(), "seed": seed, "sizes": list(sizes), "results": results,
                "incremental": incremental_results, "serve": serve_results,
                "targets": check_targets(results, incremental_results, serve_results)}
    finally:
        if own:
            shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Campus build benchmark (issues 9 and 15).")
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="comma-separated record counts (default: 100,1000,10000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results.json",
                        help="where to write the report (default: bench/results.json)")
    parser.add_argument("--workdir", type=Path, help="keep projects and sites here (default: a temporary folder)")
    parser.add_argument("--no-serve", action="store_true", help="skip the mkdocs serve latency measurement")
    parser.add_argument("--serve-sizes", help="comma-separated sizes to measure under mkdocs serve (default: all)")
    parser.add_argument("--no-incremental", action="store_true", help="skip the incremental build measurement")
    parser.add_argument("--profile", type=int, metavar="N",
                        help="also profile (cProfile, CPU clock) one build of N records: where its time goes")
    args = parser.parse_args(argv)
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error("--sizes: comma-separated numbers, e.g. 100,1000")
    if not sizes or min(sizes) < 4:
        parser.error("--sizes: at least 4 records per size")
    serve_sizes = {int(s) for s in args.serve_sizes.split(",") if s.strip()} if args.serve_sizes else None
    report = run(sizes, args.seed, args.workdir, serve=not args.no_serve, incremental=not args.no_incremental,
                 log=lambda m: print(m, file=sys.stderr), serve_sizes=serve_sizes)
    if args.profile:
        workdir = args.workdir or Path(tempfile.mkdtemp(prefix="campus-profile-"))
        project = workdir / f"campus-{args.profile}"
        if not (project / "mkdocs.yml").is_file():
            synthetic.generate(project, args.profile, args.seed)
        print(f"… profile, {args.profile} records", file=sys.stderr)
        report["profile"] = {"records": args.profile, **profile_build(project, workdir / f"profile-site-{args.profile}")}
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(markdown_table(report))
    if report.get("profile"):
        print(profile_table(report["profile"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
