"""Build cost per record: synthetic catalogues of N records built by MkDocs, against a floor.

For each N (default 100, 1,000 and 10,000) this generates a synthetic project
(bench/synthetic.py), builds it with `mkdocs build` in a subprocess and reports wall time,
peak memory (maximum resident set of the build and its children), output size, milliseconds
per record and the share of time spent in each stage of the generator (the plugin writes
them to the file named by CAMPUS_TIMINGS, see generator/timings.py). In the same run it
builds the floor: as many plain Markdown pages, each the size of a generated page, built by
a bare mkdocs-material configuration without the campus plugin. Then it measures, on 1,000 records,
how long a saved edit takes to show under `mkdocs serve` (bench/serve_latency.py).

    .venv/bin/python bench/run.py [--sizes 100,1000,10000] [--seed 0] [--json bench/results.json]

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
TARGETS = {"max_wall_s_at_10000": 60.0, "max_peak_mb_at_10000": 1536.0, "max_generator_share": 0.15,
           "max_per_record_growth_1000_to_10000": 1.2, "max_serve_latency_s_at_1000": 2.0}
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
    from generator.pipeline import read_catalogue
    from generator.render import SiteRenderer, written_pages

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
    out_bytes, out_files = tree_size(site)
    floor_dir = workdir / f"floor-{n}"
    floor_pages = write_floor_project(project, floor_dir, seed)
    floor_site = workdir / f"floor-site-{n}"
    floor = run_measured(_mkdocs(floor_dir / "mkdocs.yml", floor_site, strict=False), floor_dir)
    floor_bytes, floor_files = tree_size(floor_site)
    generator_s, generator_cpu_s = sum(stages.values()), sum(stages_cpu.values())
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
    }


def check_targets(results: list[dict], serve: dict | None) -> dict:
    """Each target of issue 9 that the run can judge: measured value and whether it is met."""
    by_n = {r["records"]: r for r in results}
    checks = {}
    if 10000 in by_n:
        r = by_n[10000]
        checks["wall_s_at_10000"] = {"value": r["wall_s"], "target": TARGETS["max_wall_s_at_10000"],
                                     "met": r["wall_s"] <= TARGETS["max_wall_s_at_10000"]}
        checks["peak_mb_at_10000"] = {"value": r["peak_rss_mb"], "target": TARGETS["max_peak_mb_at_10000"],
                                      "met": r["peak_rss_mb"] <= TARGETS["max_peak_mb_at_10000"]}
    if results:
        # Shares of CPU time: comparable even when other work slows the machine down.
        worst = max(r["generator_cpu_share"] for r in results)
        checks["generator_cpu_share"] = {"value": worst, "target": TARGETS["max_generator_share"],
                                         "met": worst <= TARGETS["max_generator_share"]}
    if 1000 in by_n and 10000 in by_n:
        for key, name in (("ms_per_record", "per_record_growth_1000_to_10000"),
                          ("cpu_ms_per_record", "per_record_cpu_growth_1000_to_10000")):
            growth = by_n[10000][key] / by_n[1000][key]
            checks[name] = {"value": round(growth, 3), "target": TARGETS["max_per_record_growth_1000_to_10000"],
                            "met": growth <= TARGETS["max_per_record_growth_1000_to_10000"]}
    if serve:
        checks["serve_latency_s_at_1000"] = {"value": serve["latency_s"],
                                             "target": TARGETS["max_serve_latency_s_at_1000"],
                                             "met": serve["latency_s"] <= TARGETS["max_serve_latency_s_at_1000"]}
    return checks


def _pct(value: float) -> str:
    return f"{value * 100:.1f} %"


def markdown_table(report: dict) -> str:
    """The figures as the Markdown tables kept in the README."""
    results = report["results"]
    stages = [s for s in STAGES if any(s in r["stages_cpu_s"] for r in results)]
    stages += sorted({s for r in results for s in r["stages_cpu_s"]} - set(stages))
    head = (["records", "wall (CPU)", "ms/record (CPU)", "peak memory", "output"] + stages
            + ["generator", "floor: wall (CPU), memory"])
    lines = ["| " + " | ".join(head) + " |", "|" + "---:|" * len(head)]
    for r in results:
        row = [f"{r['records']:,}".replace(",", " "), f"{r['wall_s']:.1f} s ({r['cpu_s']:.1f} s)",
               f"{r['ms_per_record']:.2f} ({r['cpu_ms_per_record']:.2f})",
               f"{r['peak_rss_mb']:.0f} MB", f"{r['output_bytes'] / 2**20:.0f} MB ({r['output_files']} files)"]
        row += [_pct(r["stage_cpu_share"].get(s, 0.0)) for s in stages]
        row += [_pct(r["generator_cpu_share"]),
                f"{r['floor']['wall_s']:.1f} s ({r['floor']['cpu_s']:.1f} s), {r['floor']['peak_rss_mb']:.0f} MB"]
        lines.append("| " + " | ".join(row) + " |")
    text = "\n".join(lines) + "\n"
    loads = ", ".join(f"{r['load_average']:.1f}" for r in results)
    text += (f"\nStage columns: share of the build's CPU time. Load average before each build: {loads}.\n")
    if report.get("serve"):
        s = report["serve"]
        text += (f"\n`mkdocs serve` on {s['records']} records: an edited record shows after "
                 f"{s['latency_s']:.1f} s (first build: {s['first_build_s']:.1f} s).\n")
    if report.get("targets"):
        text += "\n| target | measured | limit | met |\n|---|---:|---:|:---:|\n"
        for name, c in report["targets"].items():
            text += f"| {name} | {c['value']} | {c['target']} | {'yes' if c['met'] else 'no'} |\n"
    return text


def run(sizes=DEFAULT_SIZES, seed: int = 0, workdir: Path | None = None, serve: bool = True,
        log=print) -> dict:
    """Run the whole benchmark and return the report (see README, « Benchmarks »)."""
    own = workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="campus-bench-")) if own else Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        results = []
        for n in sizes:
            log(f"… {n} records")
            results.append(bench_size(n, workdir, seed))
            log(f"  {results[-1]['wall_s']:.1f} s, {results[-1]['peak_rss_mb']:.0f} MB, "
                f"floor {results[-1]['floor']['wall_s']:.1f} s")
        serve_result = None
        if serve:
            import serve_latency
            log("… mkdocs serve on 1000 records")
            serve_result = serve_latency.measure(workdir / "serve", 1000, seed)
        report = {"machine": machine(), "seed": seed, "sizes": list(sizes), "results": results,
                  "serve": serve_result, "targets": check_targets(results, serve_result)}
        return report
    finally:
        if own:
            shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Campus build benchmark (issue 9).")
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="comma-separated record counts (default: 100,1000,10000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results.json",
                        help="where to write the report (default: bench/results.json)")
    parser.add_argument("--workdir", type=Path, help="keep projects and sites here (default: a temporary folder)")
    parser.add_argument("--no-serve", action="store_true", help="skip the mkdocs serve latency measurement")
    args = parser.parse_args(argv)
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error("--sizes: comma-separated numbers, e.g. 100,1000")
    if not sizes or min(sizes) < 4:
        parser.error("--sizes: at least 4 records per size")
    report = run(sizes, args.seed, args.workdir, serve=not args.no_serve, log=lambda m: print(m, file=sys.stderr))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(markdown_table(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
