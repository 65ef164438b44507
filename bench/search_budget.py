"""Search budgets, measured in headless Chromium against a built site on a plain static server.

    .venv/bin/python bench/search_budget.py SITE_DIR [--query WORD …] [--facets QS …] [--json FILE]
    .venv/bin/python bench/search_budget.py --synthetic 10000 [--keep DIR]   # generate, build, measure
    .venv/bin/python bench/search_budget.py SITE_DIR --reindex [--runs N] [--part-pages N]  # index again, time stages

SITE_DIR is the output of `mkdocs build` (with its pagefind/ folder). The site is served by
Python's http.server on 127.0.0.1 (no compression, no cache headers: what any static host does
at worst), and every measurement starts in a fresh browser context, so with an empty cache.

Measured (bytes are response bodies counted by the server, so requests made by Pagefind's
web worker count too):

- page load: the bytes that search adds to an ordinary page (the header's form sends no
  request), and the bytes the search page (recherche/) loads before a query: our script,
  Pagefind's JS, worker and WebAssembly, its entry and meta files and the filter counts;
- one query: the bytes fetched from the moment the first key is typed in the search page's
  box until the results are shown (index chunks, filter chunks, result fragments);
- time from the last keystroke to the first result: keys are typed one by one, 80 ms apart
  (fast typing); the clock starts at the last key's keydown and stops when the results of the
  whole query are on screen (the live region names the query);
- each query three times: with no facet, with one facet ticked and with two (`--facets`, URL
  query strings; the search page opened with them has its facets open and loaded);
- layout shift (CLS, Chromium's 'layout-shift' entries not caused by input) of the search page
  opened from the header's form (`recherche/?q=…`) while the results arrive, and while typing.

`--reindex` runs the indexing step alone again on SITE_DIR (generator/outputs/search.py, so Pagefind
1.6.0 or the binary named by PAGEFIND_BINARY_PATH) and reports seconds per stage and the peak
memory (resident set) of the indexing's programs (the largest part's Pagefind run); `--part-pages`
sets the largest part (default mkdocs_campus.outputs.search.PAGES_PER_PART; 100000: one index), and the
site keeps the index of the last run, so the budgets can then be measured on it.

Budgets (issue 14): page load <= 300 KB, one query <= 500 KB, last keystroke -> result <= 300 ms
(with 0, 1 or 2 facets ticked), indexing peak memory <= 1 GB; CLS <= 0.1.
Needs Debian's Chromium at /usr/bin/chromium and Playwright (both installed by `make test`).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
BUDGETS = {"page_load_bytes": 300_000, "query_bytes": 500_000, "keystroke_to_result_ms": 300.0, "cls": 0.1}
# The worst case of the synthetic catalogue: its largest type and its most frequent theme.
DEFAULT_FACETS = ["", "type=Outil", "type=Outil&thematique=Facilitation"]
# Layout shifts not caused by input, summed (the CLS of a short visit), from the page's start.
CLS_SCRIPT = """window.__cls = 0; new PerformanceObserver((list) => { for (const e of list.getEntries())
  if (!e.hadRecentInput) window.__cls += e.value; }).observe({ type: 'layout-shift', buffered: true });"""
DEFAULT_QUERIES = ["facilitation", "codeveloppement", "formations", "design de service", "evaluation",
                   "seminaire direction", "intelligence collective", "numerique"]
KEY_DELAY_MS = 80


class CountingServer:
    """A static server that counts the body bytes it sends, by path."""

    def __init__(self, root: Path):
        self.log: list[tuple[str, int]] = []
        self.lock = threading.Lock()
        server = self

        class Handler(SimpleHTTPRequestHandler):
            def copyfile(self, source, outputfile):
                data = source.read()
                outputfile.write(data)
                with server.lock:
                    server.log.append((self.path.split("?")[0], len(data)))

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.origin = f"http://127.0.0.1:{self.httpd.server_port}"

    def mark(self) -> int:
        with self.lock:
            return len(self.log)

    def since(self, mark: int) -> list[tuple[str, int]]:
        with self.lock:
            return list(self.log[mark:])

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def search_bytes(entries: list[tuple[str, int]]) -> int:
    return sum(size for path, size in entries if "/pagefind/" in path or path.endswith("campus-search.js"))


def wait_ready(page) -> None:
    page.wait_for_function("() => { const t = document.getElementById('campus-search-status')?.textContent || '';"
                           " return t && !t.startsWith('Chargement'); }", timeout=120000)


def measure(site: Path, queries: list[str], facets: list[str] | None = None) -> dict:
    facets = DEFAULT_FACETS if facets is None else facets
    from playwright.sync_api import sync_playwright

    server = CountingServer(site)
    report: dict = {"site": str(site), "pages": sum(1 for _ in site.rglob("index.html")), "queries": []}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

            def fresh():
                context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR")
                context.add_init_script(CLS_SCRIPT)
                return context

            # An ordinary page: what does the search add to it?
            context = fresh()
            page = context.new_page()
            mark = server.mark()
            page.goto(server.origin + "/", wait_until="networkidle")
            report["ordinary_page_search_bytes"] = search_bytes(server.since(mark))
            context.close()

            # The search page, before any query.
            context = fresh()
            page = context.new_page()
            mark = server.mark()
            page.goto(server.origin + "/recherche/", wait_until="networkidle")
            wait_ready(page)
            page.wait_for_timeout(300)
            loaded = server.since(mark)
            report["search_page_load_bytes"] = search_bytes(loaded)
            report["search_page_load_files"] = sorted({path for path, _ in loaded if "/pagefind/" in path})
            context.close()

            # The search page opened by the header's form, with the query in its URL.
            context = fresh()
            page = context.new_page()
            page.goto(server.origin + "/recherche/?q=" + queries[0], wait_until="networkidle")
            page.wait_for_function("(q) => document.getElementById('campus-search-status').textContent"
                                   ".includes('« ' + q + ' »')", arg=queries[0], timeout=120000)
            page.wait_for_timeout(500)
            report["cls_opened_with_query"] = round(page.evaluate("window.__cls"), 4)
            context.close()

            for facet, query in [(f, q) for f in facets for q in queries]:
                context = fresh()
                page = context.new_page()
                page.goto(server.origin + "/recherche/" + (f"?{facet}" if facet else ""), wait_until="networkidle")
                wait_ready(page)
                page.wait_for_timeout(200)
                page.evaluate("""() => { window.__lastKey = 0;
                    document.getElementById('campus-search-q').addEventListener('keydown',
                      () => { window.__lastKey = performance.now(); }, true); }""")
                box = page.locator("#campus-search-q")
                box.focus()
                mark = server.mark()
                box.press_sequentially(query, delay=KEY_DELAY_MS)
                handle = page.wait_for_function(
                    """(q) => { const t = document.getElementById('campus-search-status').textContent;
                        if (!t.includes('« ' + q + ' »')) return false;
                        return performance.now() - window.__lastKey; }""", arg=query, polling="raf", timeout=120000)
                elapsed = float(handle.json_value())
                page.wait_for_timeout(300)
                count = page.locator("#campus-results > li.campus-result:not(.campus-result--empty)").count()
                status = page.locator("#campus-search-status").inner_text()
                report["queries"].append({"query": query, "facets": facet, "bytes": search_bytes(server.since(mark)),
                                          "keystroke_to_result_ms": round(elapsed, 1), "shown": count,
                                          "status": status, "cls": round(page.evaluate("window.__cls"), 4)})
                context.close()
            browser.close()
    finally:
        server.close()
    q_bytes = [q["bytes"] for q in report["queries"]]
    q_ms = [q["keystroke_to_result_ms"] for q in report["queries"]]
    report["summary"] = {
        "page_load_bytes": max(report["ordinary_page_search_bytes"], report["search_page_load_bytes"]),
        "query_bytes_max": max(q_bytes), "query_bytes_median": statistics.median(q_bytes),
        "keystroke_to_result_ms_max": max(q_ms), "keystroke_to_result_ms_median": statistics.median(q_ms),
        "cls_max": max([report["cls_opened_with_query"]] + [q["cls"] for q in report["queries"]]),
    }
    s = report["summary"]
    report["budgets"] = {
        "page_load_bytes": {"value": s["page_load_bytes"], "budget": BUDGETS["page_load_bytes"],
                            "met": s["page_load_bytes"] <= BUDGETS["page_load_bytes"]},
        "query_bytes": {"value": s["query_bytes_max"], "budget": BUDGETS["query_bytes"],
                        "met": s["query_bytes_max"] <= BUDGETS["query_bytes"]},
        "keystroke_to_result_ms": {"value": s["keystroke_to_result_ms_max"], "budget": BUDGETS["keystroke_to_result_ms"],
                                   "met": s["keystroke_to_result_ms_max"] <= BUDGETS["keystroke_to_result_ms"]},
        "cls": {"value": s["cls_max"], "budget": BUDGETS["cls"], "met": s["cls_max"] <= BUDGETS["cls"]},
    }
    return report


def reindex(site: Path, runs: int, part_pages: int | None = None) -> dict:
    """Index SITE again `runs` times (generator/outputs/search.py): seconds per stage, peak memory."""
    sys.path.insert(0, str(ROOT))
    from mkdocs_campus.catalogue import timings
    from mkdocs_campus.outputs.search import PAGES_PER_PART, PARTS_MANIFEST, bundle_digest, build_search_index, pagefind_binary

    part_pages = part_pages or PAGES_PER_PART
    report: dict = {"binary": str(pagefind_binary()), "pages_per_part": part_pages, "runs": []}
    digests = []
    for _ in range(runs):
        timings.reset()
        build_search_index(site, pages_per_part=part_pages)
        digests.append(bundle_digest(site / "pagefind"))
        wall, cpu = timings.totals()["wall"], timings.totals()["cpu"]
        report["runs"].append({"wall_s": {k: round(v, 2) for k, v in wall.items()},
                               "cpu_s": {k: round(v, 2) for k, v in cpu.items()}})
    # ru_maxrss of waited-for children: the largest of the Pagefind runs, in KiB on Linux.
    report["pagefind_peak_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    report["python_peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    report["identical_bundles"] = all(d == digests[0] for d in digests)
    report["parts"] = 1 + len(json.loads((site / "pagefind" / PARTS_MANIFEST).read_text(encoding="utf-8"))["parts"])
    report["bundle_files"] = len(digests[0])
    report["bundle_bytes"] = sum(p.stat().st_size for p in (site / "pagefind").rglob("*") if p.is_file())
    return report


def build_synthetic(n: int, keep: Path | None) -> Path:
    """Generate a synthetic project of n records (bench/synthetic.py) and build it with mkdocs."""
    sys.path.insert(0, str(ROOT / "bench"))
    from synthetic import generate  # the other benchmark's generator

    base = keep or Path(tempfile.mkdtemp(prefix="campus-search-bench-"))
    project, site = base / "project", base / "site"
    if not (site / "pagefind").is_dir():
        generate(project, n)
        env = {**os.environ, "SOURCE_DATE_EPOCH": "1733788800", "NO_MKDOCS_2_WARNING": "1"}
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(site)], cwd=project, env=env,
                       check=True)
    return site


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", nargs="?", type=Path, help="a built site (mkdocs build output)")
    parser.add_argument("--synthetic", type=int, metavar="N", help="generate and build N synthetic records first")
    parser.add_argument("--keep", type=Path, help="with --synthetic: folder for the project and site (reused)")
    parser.add_argument("--query", action="append", help="a query to type (repeatable)")
    parser.add_argument("--facets", action="append", help="facets ticked, as a URL query string ('' for none; repeatable)")
    parser.add_argument("--reindex", action="store_true", help="index SITE again and time it, instead of measuring")
    parser.add_argument("--runs", type=int, default=2, help="with --reindex: how many runs (bundles compared)")
    parser.add_argument("--part-pages", type=int, help="with --reindex: at most this many pages a part")
    parser.add_argument("--json", type=Path, help="also write the report as JSON here")
    args = parser.parse_args(argv)
    if args.synthetic:
        site = build_synthetic(args.synthetic, args.keep)
    elif args.site:
        site = args.site
    else:
        parser.error("give a built site folder, or --synthetic N")
    if args.reindex:
        result = reindex(site.resolve(), args.runs, args.part_pages)
        print(json.dumps(result, indent=2))
        if args.json:
            args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return 0 if result["pagefind_peak_mb"] <= 1024 and result["identical_bundles"] else 1
    if not (site / "pagefind" / "pagefind.js").is_file():
        print(f"{site} : pas d'index de recherche (pagefind/) ; construire le site avec `mkdocs build`.", file=sys.stderr)
        return 2
    report = measure(site.resolve(), args.query or DEFAULT_QUERIES, args.facets)
    for q in report["queries"]:
        print(f"  [{q['facets'] or 'no facet'}] « {q['query']} » : {q['bytes'] / 1000:.0f} KB,"
              f" {q['keystroke_to_result_ms']:.0f} ms, CLS {q['cls']}, {q['status']}")
    print(f"CLS, search page opened with ?q={(args.query or DEFAULT_QUERIES)[0]}: {report['cls_opened_with_query']}")
    print(f"pages: {report['pages']}")
    print(f"ordinary page, bytes for search: {report['ordinary_page_search_bytes']}")
    print(f"search page load: {report['search_page_load_bytes'] / 1000:.0f} KB")
    for name, check in report["budgets"].items():
        print(f"{name}: {check['value']} (budget {check['budget']}) {'OK' if check['met'] else 'OVER'}")
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0 if all(c["met"] for c in report["budgets"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
