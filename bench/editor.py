"""What the /admin/ editor costs a contributor's browser as the catalogue grows.

For each size (default 51, the real catalogue, then synthetic catalogues of 1,000 and 5,000 records,
bench/synthetic.py) this writes the editor's files (generator/outputs/editor.py's admin_files, the
theme's admin/ modules; no MkDocs build: the editor is all that is measured) and a git repository of
the catalogue, starts decap-server (Decap's local git backend, node_modules/.bin) and serves the
files on 127.0.0.1, then, in a fresh headless Chromium context each run (no cache, as a first visit):

- list: seconds from « Se connecter » to the first community shown, with the requests made to the
  backend and the bytes they returned;
- options: seconds from opening a new training to the first option of « Communautés liées », with
  its requests and bytes; then the requests a search word adds (theme/admin/campus-select.js filters
  the list it already has: none expected) and the number of options offered (all, no cut-off);
- heap: the page's JavaScript heap (Chrome's JSHeapUsedSize) once the options are shown.

Medians over --runs runs (default 3). Prints a Markdown table and writes the figures as JSON.

    .venv/bin/python bench/editor.py [--sizes 51,1000,5000] [--runs 3] [--json bench/editor-results.json]

Needs `make npm` (decap-cms, decap-server, js-yaml) and Debian's Chromium (/usr/bin/chromium).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
for folder in (ROOT, ROOT / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import yaml  # noqa: E402

import synthetic  # noqa: E402
from run import machine  # noqa: E402
from serve_latency import free_port  # noqa: E402
from mkdocs_campus.catalogue import records as r  # noqa: E402
from mkdocs_campus.outputs import editor  # noqa: E402

DECAP_SERVER = ROOT / "node_modules" / ".bin" / "decap-server"
CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT_MS = 120_000


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=Campus", "-c", "user.email=campus@bench", *args],
                   check=True, capture_output=True)


def catalogue(dest: Path, size: int, seed: int) -> Path:
    """A git repository holding a catalogue of `size` records (51: the real one)."""
    repo = dest / "repo"
    if size == 51:
        shutil.copytree(ROOT / "catalogue", repo / "catalogue")
    else:
        synthetic.generate(repo, size, seed)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "catalogue")
    return repo


def entries(repo: Path) -> list:
    """The records as admin/identifiants.json lists them (id, type, title)."""
    found = []
    for record_type in r.RECORD_TYPES.values():
        for path in sorted((repo / "catalogue" / record_type.folder).glob("*.yml")):
            title = yaml.safe_load(path.read_text(encoding="utf-8"))["title"]
            found.append(SimpleNamespace(id=path.stem, type=record_type.name, title=title))
    return found


def admin_site(dest: Path, repo: Path, backend: str) -> tuple[Path, int]:
    """The editor's files as the build writes them, under dest/site/admin/; the size of identifiants.json."""
    site = dest / "site"
    os.environ[editor.LOCAL_BACKEND_ENV] = backend
    files = editor.admin_files("https://github.com/campus/campus", None, "Campus", ROOT, entries(repo))
    for uri, content in files.items():
        target = site / uri
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            target.write_text(content, encoding="utf-8")
        else:
            shutil.copyfile(content, target)
    for module in (ROOT / "theme" / "admin").iterdir():
        shutil.copyfile(module, site / "admin" / module.name)
    return site, (site / "admin" / editor.IDS_FILE).stat().st_size


class Backend:
    """decap-server on the repository, the files on another port."""

    def __init__(self, repo: Path, site: Path, port: int):
        self.server = subprocess.Popen(
            [str(DECAP_SERVER)], cwd=repo, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", str(repo)), "PORT": str(port),
                 "BIND_HOST": "127.0.0.1", "MODE": "git", "GIT_REPO_DIRECTORY": str(repo), "LOG_LEVEL": "warn"})
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or self.server.poll() is not None:
                    self.close()
                    raise SystemExit("decap-server n'a pas démarré")
                time.sleep(0.1)
        self.http = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
        threading.Thread(target=self.http.serve_forever, daemon=True).start()
        self.origin = f"http://127.0.0.1:{self.http.server_port}"

    def close(self):
        if getattr(self, "http", None) is not None:
            self.http.shutdown()
            self.http.server_close()
        self.server.terminate()
        try:
            self.server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.server.kill()


class Traffic:
    """Requests to the backend and the bytes they returned (Chrome's own count, over CDP), since the
    last `take`."""

    def __init__(self, cdp, api: str):
        self.api, self.ids, self.requests, self.bytes = api, set(), 0, 0
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.send("Network.enable")

    def _sent(self, event):
        if event["request"]["url"].startswith(self.api):
            self.ids.add(event["requestId"])
            self.requests += 1

    def _finished(self, event):
        if event["requestId"] in self.ids:
            self.bytes += event["encodedDataLength"]

    def take(self) -> tuple[int, int]:
        seen = (self.requests, self.bytes)
        self.requests, self.bytes = 0, 0
        return seen


def one_run(browser, origin: str, api: str) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    traffic = Traffic(cdp, api)
    try:
        page.goto(f"{origin}/admin/")
        page.get_by_role("button", name="Se connecter").wait_for()
        traffic.take()
        start = time.perf_counter()
        page.get_by_role("button", name="Se connecter").click()
        page.locator('a[href*="#/collections/communities/entries/"]').first.wait_for()
        out = {"list_s": time.perf_counter() - start}
        page.wait_for_load_state("networkidle")
        out["list_requests"], out["list_bytes"] = traffic.take()
        start = time.perf_counter()
        page.goto(f"{origin}/admin/#/collections/trainings/new")
        box = page.get_by_label("Communautés liées (optionnel)")
        box.click()
        page.get_by_role("option").first.wait_for()
        out["options_s"] = time.perf_counter() - start
        page.wait_for_load_state("networkidle")
        out["options_requests"], out["options_bytes"] = traffic.take()
        box.fill("reseau")
        page.wait_for_timeout(800)
        out["search_requests"], out["search_bytes"] = traffic.take()
        box.fill("")
        page.keyboard.press("ArrowDown")
        # react-select's announcement (campus-select.js's screenReaderStatus): « N choix proposés »
        announced = page.get_by_text(re.compile(r"^\d+ choix proposés?")).first
        announced.wait_for(state="attached")
        out["options_offered"] = int(announced.text_content().split()[0])
        cdp.send("HeapProfiler.collectGarbage")
        cdp.send("Performance.enable")
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        out["heap_mb"] = metrics.get("JSHeapUsedSize", 0) / 2**20
        out["communities"] = page.evaluate(
            "() => fetch('identifiants.json').then(r => r.json()).then(d => Object.values(d.ids)"
            ".filter(([folder]) => folder === 'communities').length)")
    finally:
        context.close()
    return out


def measure(size: int, runs: int, seed: int, browser) -> dict:
    with tempfile.TemporaryDirectory(prefix="campus-editor-bench-") as folder:
        dest = Path(folder)
        repo = catalogue(dest, size, seed)
        port = free_port()
        api = f"http://127.0.0.1:{port}/api/v1"
        site, ids_bytes = admin_site(dest, repo, api)
        backend = Backend(repo, site, port)
        try:
            one_run(browser, backend.origin, api)  # warm-up: decap-server's and the disk's caches
            results = [one_run(browser, backend.origin, api) for _ in range(runs)]
        finally:
            backend.close()
    summary = {key: round(statistics.median(res[key] for res in results), 3) for key in results[0]}
    return {"records": size, "runs": runs, "identifiants_json_bytes": ids_bytes, **summary}


def table(rows: list[dict]) -> str:
    lines = ["| fiches | liste (s) | requêtes, octets | choix de relation (s) | requêtes, octets | "
             "requêtes d'une recherche | choix offerts / communautés | tas JS (Mo) | identifiants.json |",
             "|---:|---:|---|---:|---|---:|---:|---:|---:|"]
    for row in rows:
        lines.append(f"| {row['records']:,} | {row['list_s']:.2f} | {row['list_requests']:.0f}, "
                     f"{row['list_bytes'] / 1000:,.0f} Ko | {row['options_s']:.2f} | {row['options_requests']:.0f}, "
                     f"{row['options_bytes'] / 1000:,.0f} Ko | {row['search_requests']:.0f} | "
                     f"{row['options_offered']:.0f} / {row['communities']:.0f} | {row['heap_mb']:.0f} | "
                     f"{row['identifiants_json_bytes'] / 1000:,.0f} Ko |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="51,1000,5000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "editor-results.json")
    args = parser.parse_args(argv)
    if not DECAP_SERVER.exists() or not CHROMIUM.exists():
        print("decap-server (make npm) ou Chromium (/usr/bin/chromium) manque", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright
    rows = []
    started, load_before = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), os.getloadavg()[0]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        chromium = browser.version
        try:
            for size in (int(s) for s in args.sizes.split(",")):
                rows.append(measure(size, args.runs, args.seed, browser))
                print(json.dumps(rows[-1], ensure_ascii=False), file=sys.stderr)
        finally:
            browser.close()
    report = {"machine": {**machine(), "chromium": chromium}, "started": started,
              "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
              "decap": editor.DECAP_VERSION, "seed": args.seed, "results": rows}
    args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
