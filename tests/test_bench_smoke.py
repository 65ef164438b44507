"""The benchmark (bench/) runs end to end on a small catalogue and reports every figure.

Times are not checked (they depend on the machine); the report's shape is.
"""

from __future__ import annotations

import filecmp
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _module(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def run():
    return _module("run")


@pytest.fixture(scope="module")
def report(run, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("bench")
    return run.run([100], seed=0, workdir=workdir, serve=False, incremental=False, log=lambda message: None)


def _same_tree(a: Path, b: Path) -> bool:
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    return files_a == files_b and all(filecmp.cmp(a / f, b / f, shallow=False) for f in files_a)


def test_synthetic_catalogue_is_valid_and_deterministic(tmp_path):
    synthetic = _module("synthetic")
    synthetic.generate(tmp_path / "a", 40, seed=3)
    synthetic.generate(tmp_path / "b", 40, seed=3)
    synthetic.generate(tmp_path / "c", 40, seed=4)
    assert _same_tree(tmp_path / "a", tmp_path / "b")
    assert not _same_tree(tmp_path / "a", tmp_path / "c")
    check = subprocess.run([sys.executable, "-m", "mkdocs_campus.commands.cli", "check", str(tmp_path / "a" / "catalogue")],
                           capture_output=True, text=True, cwd=ROOT)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "40 fiches" in check.stdout
    counts = {folder: len(list((tmp_path / "a" / "catalogue" / folder).glob("*.yml")))
              for folder in ("communities", "trainings", "tools", "interventions")}
    assert sum(counts.values()) == 40 and all(counts.values())


def test_report_has_every_figure_for_each_size(report):
    assert report["sizes"] == [100]
    assert set(report["machine"]) >= {"cpus", "cpu_model", "ram_gb", "python"}
    (result,) = report["results"]
    assert result["records"] == 100
    for key in ("wall_s", "cpu_s", "ms_per_record", "cpu_ms_per_record", "peak_rss_mb", "generator_s",
                "generator_cpu_s"):
        assert result[key] > 0, key
    # Every generated page and record is in the output, and the floor has as many pages.
    assert result["output_files"] > 100 and result["output_bytes"] > 100 * 1000
    assert result["floor"]["pages"] > 100
    assert result["floor"]["wall_s"] > 0 and result["floor"]["peak_rss_mb"] > 0
    assert result["floor"]["output_bytes"] > 0
    for stage in ("load+validate", "model", "render"):
        assert stage in result["stages_s"] and stage in result["stages_cpu_s"]
        assert 0 <= result["stage_cpu_share"][stage] < 1
    assert 0 < result["generator_cpu_share"] < 1
    # The build against its floor, with and without the search stage; memory of the build and of Pagefind.
    assert result["floor_ratio"] > 0 and result["floor_cpu_ratio"] > 0
    assert 0 < result["without_search"]["wall_s"] < result["wall_s"]
    assert result["search_s"] > 0
    assert result["without_search"]["floor_ratio"] < result["floor_ratio"]
    assert 0 < result["builder_peak_mb"] <= result["peak_rss_mb"]
    assert 0 < result["search_peak_mb"] <= result["peak_rss_mb"]


def test_report_prints_as_a_table_and_json(run, report, tmp_path):
    table = run.markdown_table(report)
    lines = table.splitlines()
    assert lines[0].startswith("| records |") and "floor" in lines[0]
    assert lines[2].startswith("| 100 |")
    json.loads(json.dumps(report))  # plain data only


def test_incremental_and_serve_scripts_are_run_as_programs(run, tmp_path):
    script = tmp_path / "measure.py"
    script.write_text("import json, sys\n"
                      "n = int(sys.argv[sys.argv.index('--records') + 1])\n"
                      "print('building…')\n"
                      "print(json.dumps({'records': n, 'latency_s': 0.5}, indent=2))\n", encoding="utf-8")
    assert run.external_measure(script, 10000) == {"records": 10000, "latency_s": 0.5}
    assert run.external_measure(tmp_path / "absent.py", 1000) == {"skipped": "absent.py absent"}
    targets = run.check_targets([], {10000: {"incremental_s": 20.0}}, {1000: {"latency_s": 0.5}})
    assert targets["incremental_s_at_10000"]["met"] is False
    assert targets["serve_latency_s_at_1000"]["met"] is True


def test_cli_rejects_bad_sizes():
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--sizes", "cent"],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "--sizes" in result.stderr and "Traceback" not in result.stderr


def test_the_editor_benchmark_reports_every_figure(tmp_path):
    """bench/editor.py on the real catalogue, one run: the figures docs/benchmarks.md gives."""
    if not (ROOT / "node_modules" / ".bin" / "decap-server").exists() or not Path("/usr/bin/chromium").exists():
        pytest.fail("decap-server (make npm) ou Chromium manque")
    out = tmp_path / "editor.json"
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "editor.py"), "--sizes", "51", "--runs", "1",
                             "--json", str(out)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    (row,) = json.loads(out.read_text(encoding="utf-8"))["results"]
    assert row["records"] == 51 and row["list_requests"] > 0 and row["list_bytes"] > 0 and row["heap_mb"] > 0
    assert row["options_offered"] == row["communities"] > 0  # every community offered
    assert row["search_requests"] == 0  # a search word is filtered in the page
    assert "| 51 |" in result.stdout
