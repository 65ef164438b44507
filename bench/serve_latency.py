"""How long a saved edit to one record takes to show under `mkdocs serve`.

Generates a synthetic project of N records (default 1,000), starts `mkdocs serve` on
127.0.0.1 and a free port, waits for the first build, then changes the summary of one
record file and polls that record's page until the new text is served. The latency is the
time from the save to the first response carrying the new text (what a browser reloaded by
livereload would show). Each size is measured over --edits successive edits (median and
maximum reported); --dirty runs `mkdocs serve --dirty`.

    flock /tmp/campus-bench.lock .venv/bin/python bench/serve_latency.py [--records 1000,10000] [--edits 5] [--dirty]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for folder in (ROOT, ROOT / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import synthetic  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return None


def wait_for(url: str, text: str, timeout: float, proc: subprocess.Popen, poll: float = 0.05) -> float:
    """Seconds until `url` serves a page containing `text`."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"mkdocs serve stopped (exit code {proc.returncode})")
        body = fetch(url)
        if body is not None and text in body:
            return time.perf_counter() - start
        time.sleep(poll)
    raise TimeoutError(f"{url} did not show {text!r} within {timeout:.0f} s")


def _edit_summary(record: Path, marker: str) -> None:
    lines = record.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith("summary:"))
    lines[index] = f"summary: {marker}\n"
    # Drop the continuation lines of a folded summary.
    while index + 1 < len(lines) and lines[index + 1].startswith("  "):
        del lines[index + 1]
    record.write_text("".join(lines), encoding="utf-8")


def measure(workdir: Path, records: int = 1000, seed: int = 0, timeout: float = 900.0, edits: int = 1,
            dirty: bool = False) -> dict:
    """Serve a synthetic project; return the first build time and the edit-to-page latencies."""
    project = Path(workdir)
    synthetic.generate(project, records, seed)
    record = sorted((project / "catalogue" / "trainings").glob("*.yml"))[0]
    port = free_port()
    url = f"http://127.0.0.1:{port}/formations/{record.stem}/"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1733788800"}
    latencies = []
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", *(["--dirty"] if dirty else []),
                                 "-f", str(project / "mkdocs.yml"), "-a", f"127.0.0.1:{port}"],
                                cwd=project, stdout=log, stderr=log, env=env)
        try:
            first_build = wait_for(url, "<h1", timeout, proc)
            for _ in range(edits):
                time.sleep(2.0)  # let the watcher settle after the previous build
                marker = f"Modification de test {time.time_ns()}"
                _edit_summary(record, marker)
                latencies.append(wait_for(url, marker, timeout, proc))
        except Exception:
            log.seek(0)
            sys.stderr.write(log.read().decode("utf-8", "replace")[-3000:])
            raise
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    return {"records": records, "dirty": dirty, "first_build_s": round(first_build, 3),
            "latency_s": round(statistics.median(latencies), 3), "latency_max_s": round(max(latencies), 3),
            "latencies_s": [round(x, 3) for x in latencies], "load_average": [round(x, 2) for x in os.getloadavg()]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Edit-to-page latency of mkdocs serve (issues 9, 15).")
    parser.add_argument("--records", default="1000", help="comma-separated sizes, e.g. 1000,10000")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--dirty", action="store_true", help="run mkdocs serve --dirty")
    parser.add_argument("--workdir", type=Path, help="where to generate the projects (default: a temporary folder)")
    args = parser.parse_args(argv)
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
    results = []
    for n in (int(x) for x in args.records.split(",")):
        with tempfile.TemporaryDirectory(prefix="campus-serve-", dir=args.workdir) as workdir:
            results.append(measure(Path(workdir) / "project", n, args.seed, edits=args.edits, dirty=args.dirty))
    print(json.dumps(results[0] if len(results) == 1 else results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
