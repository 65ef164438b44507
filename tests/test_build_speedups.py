"""The shortcuts that make large builds fast change nothing a reader or an editor sees.

- generator/adapter/passthrough.py keeps the HTML blocks of generated pages out of Python-Markdown:
  pages must come out exactly as Markdown would have made them;
- generator/catalogue/load.py parses with libyaml when it can: data, positions and error messages
  must be those of PyYAML's own parser;
- generator/speed/parallel.py renders the pages in a second process under `mkdocs build`: the site
  must be the one a sequential render writes, with or without the page cache.
"""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import pytest

from mkdocs_campus.catalogue import load
from mkdocs_campus.adapter import passthrough
from mkdocs_campus.catalogue.pipeline import read_catalogue
from mkdocs_campus.outputs.render import SiteRenderer, split_front_matter, written_pages

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXTENSIONS = ["attr_list", "md_in_html", "def_list", "tables", "toc"]  # as in mkdocs.yml


def _pages(project: Path):
    catalogue = read_catalogue(project / "catalogue", project)
    content = project / "content"
    intro = (content / "index.md").read_text(encoding="utf-8")
    return SiteRenderer(catalogue, site_url="https://campus.test/").all_pages(intro, written_pages(content))


def _convert(text: str) -> tuple[str, list]:
    md = markdown.Markdown(extensions=EXTENSIONS)
    return md.convert(text), md.toc_tokens


@pytest.mark.parametrize("project", [ROOT, FIXTURES / "mini"], ids=["real", "mini"])
def test_generated_pages_come_out_as_markdown_makes_them(project):
    protected_blocks = 0
    for page in _pages(project):
        _, body = split_front_matter(page.text)
        expected_html, expected_toc = _convert(body)
        text, blocks = passthrough.protect(body)
        html, toc = _convert(text)
        assert passthrough.restore(html, blocks) == expected_html, page.src_uri
        assert toc == expected_toc, page.src_uri
        protected_blocks += len(blocks)
    assert protected_blocks > 10  # the shortcut is actually taken


@pytest.mark.parametrize("text", [
    "Un paragraphe avec <strong>du HTML</strong> en ligne.\n\n<div>\nbloc\n</div>",
    "<div markdown=\"1\">\n*Markdown* dedans\n</div>",
    "<ul>\n<li>jamais fermée\n\n## Titre",
    "<p>fermé</p> puis du *texte*\n\n## Titre {#ancre}",
    "<ul>\n<li>un</li>\n\n<li>deux</li>\n</ul>\n\n- liste\n- Markdown\n\n<h3 id=\"x\">Titre</h3>",
    "<span>en ligne</span>\n\n<hr>\n\n<table>\n<tr><td>a</td></tr>\n</table>",
    "## Sources\n\n<ul class=\"x\">\n<li>a</li>\n</ul>\n<p>fin</p>\n",
    "texte\n\n<ul>\n<li>a</li>\n</ul>\n\n\n",
    "<ul>\n<li>a</li>\n</ul>\n\n\n\n<p>b</p>\n\n",
    "<div>\n<p>a</p>\n</div>\n*texte*\n",
])
def test_tricky_markdown_is_unchanged(text):
    expected, expected_toc = _convert(text)
    protected, blocks = passthrough.protect(text)
    html, toc = _convert(protected)
    assert passthrough.restore(html, blocks) == expected
    assert toc == expected_toc


def test_anchor_ids_of_protected_blocks():
    _, blocks = passthrough.protect("<div id=\"a\">\n<p id='b'>x</p>\n</div>\n\ntexte")
    assert passthrough.anchor_ids(blocks) == {"a", "b"}


def _yaml_files():
    files = sorted((ROOT / "catalogue").rglob("*.yml")) + sorted(FIXTURES.rglob("*.yml"))
    assert len(files) > 50
    return files


def test_libyaml_and_pyyaml_give_the_same_documents_and_problems(monkeypatch):
    assert load.CParser is not None  # the wheel ships libyaml; without it the shortcut is off
    raw_files = [(f, f.read_bytes()) for f in _yaml_files()]
    raw_files += [(Path(name), data) for name, data in [
        ("alias.yml", b"a: &x 1\nb: *x\n"), ("tag.yml", b"a: !!python/object:os.system 1\n"),
        ("dup.yml", b"a: 1\na: 2\n"), ("indent.yml", "é: \"éé\"\n  b: 2\n".encode()),
        ("quote.yml", b"title: \"unterminated\nx: 1\n"), ("multi.yml", b"---\na: 1\n---\nb: 2\n"),
        ("flow.yml", b"a: [1, 2\n"), ("merge.yml", b"<<: {a: 1}\n"), ("mapval.yml", b"a: b: c\n"),
        ("dates.yml", b"a: 2024-04-31\nb: 2024-01-01 10:00:00\nc: 0o17\n"),
        ("deep.yml", b"[" * 80 + b"1" + b"]" * 80 + b"\n"), ("at.yml", b"a: @bad\n")]]
    fast = [load.parse_yaml(data, str(path)) for path, data in raw_files]
    monkeypatch.setattr(load, "CParser", None)
    slow = [load.parse_yaml(data, str(path)) for path, data in raw_files]
    for (path, _), (doc_a, problems_a), (doc_b, problems_b) in zip(raw_files, fast, slow):
        assert problems_a == problems_b, path
        assert (doc_a is None) == (doc_b is None), path
        if doc_a is not None:
            assert (doc_a.data, doc_a.values, doc_a.keys) == (doc_b.data, doc_b.values, doc_b.keys), path


def test_related_resources_follow_their_definition_on_a_large_catalogue(tmp_path):
    """Related resources: most shared themes first, then the same type, then alphabetical,
    never the entry itself nor what it already links to; computed by brute force here."""
    import importlib.util

    from mkdocs_campus.catalogue.model import RELATED_LIMIT, _sort_key

    spec = importlib.util.spec_from_file_location("bench_synthetic", ROOT / "bench" / "synthetic.py")
    synthetic = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synthetic)
    synthetic.generate(tmp_path, 400, seed=1)
    catalogue = read_catalogue(tmp_path / "catalogue", tmp_path)
    for entry in catalogue.entries:
        mine = set(entry.record.themes)
        linked = {e.id for items in entry.links.values() for e in items} | {entry.id}
        candidates = [e for e in catalogue.entries if mine & set(e.record.themes) and e.id not in linked]
        candidates.sort(key=lambda e: (-len(mine & set(e.record.themes)), e.type != entry.type, _sort_key(e)))
        assert [e.id for e in entry.related] == [e.id for e in candidates[:RELATED_LIMIT]], entry.id


def test_relative_links_match_posixpath():
    """present.relative_url takes a shortcut around posixpath.relpath; links must not change."""
    import posixpath
    import random

    from mkdocs_campus.outputs.present import relative_url

    def reference(from_url: str, to_url: str) -> str:
        if from_url == to_url:
            return "./"
        path = posixpath.relpath("/" + to_url, "/" + (from_url or ""))
        return "./" if path == "." else (path.rstrip("/") + "/" if to_url.endswith("/") or not to_url else path)

    rng = random.Random(0)
    parts = ["communautes", "outils", "x", "index.html", "feed.xml", "", ".", ".."]
    pairs = [("", ""), ("", "outils/"), ("outils/x/", ""), ("outils/x/", "outils/"), ("a/b/", "a/b/c.json")]
    for _ in range(5000):
        urls = ["/".join(rng.choice(parts) for _ in range(rng.randint(0, 3))) + rng.choice(["", "/"])
                for _ in range(2)]
        pairs.append((urls[0], urls[1]))
    assert [relative_url(a, b) for a, b in pairs] == [reference(a, b) for a, b in pairs]


def _site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _build(config: Path, out: Path, parallel: str, **env) -> tuple[dict, str]:
    """`mkdocs build --strict` with the pages rendered in a second process ("1") or not ("0");
    the stage times and peak memories the build reports (CAMPUS_TIMINGS), and its log."""
    import json

    from conftest import BUILD_ENV, build_site

    timings = out.parent / (out.name + "-timings.json")
    result = build_site(config, out, env={**BUILD_ENV, "CAMPUS_PARALLEL": parallel,
                                          "CAMPUS_TIMINGS": str(timings), **env})
    assert result.returncode == 0, result.stderr
    return json.loads(timings.read_text(encoding="utf-8")), result.stderr


def test_pages_rendered_in_a_second_process_make_the_same_site(tmp_path):
    """`mkdocs build` of a large catalogue renders its pages in a forked process
    (generator/speed/parallel.py): the site is byte for byte the one a sequential render writes,
    also for an incremental build reusing pages from the cache."""
    from bs4 import BeautifulSoup
    from conftest import copy_project

    project = copy_project(FIXTURES / "mini", tmp_path / "project")
    config = project / "mkdocs.yml"
    sequential, _ = _build(config, tmp_path / "sequential", "0")
    parallel, _ = _build(config, tmp_path / "parallel", "1", CAMPUS_CACHE_DIR=str(tmp_path / "cache"))
    assert "render_worker" in parallel["memory_mb"] and "render_worker" not in sequential["memory_mb"]
    one, two = _site_files(tmp_path / "sequential"), _site_files(tmp_path / "parallel")
    assert sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []
    page = BeautifulSoup(two["communautes/codeveloppeurs/index.html"], "html5lib")
    assert page.h1.get_text(strip=True) == "Communauté des codéveloppeurs"

    # One record changed: the parallel build renders only what shows it and reuses the rest.
    record = project / "catalogue" / "communities" / "codeveloppeurs.yml"
    record.write_text(record.read_text(encoding="utf-8").replace("title: ", "title: Nouveau nom — ", 1),
                      encoding="utf-8")
    _build(config, tmp_path / "cold", "0")
    timings, log = _build(config, tmp_path / "incremental", "1", CAMPUS_CACHE_DIR=str(tmp_path / "cache"))
    reused, rendered = map(int, re.search(r"Campus : (\d+) pages? reprises? du cache, (\d+) pages? rendues?", log).groups())
    assert reused > 0 and rendered > 0 and "render_worker" in timings["memory_mb"]
    one, two = _site_files(tmp_path / "cold"), _site_files(tmp_path / "incremental")
    assert sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []


def test_catalogue_loaded_in_two_processes_gives_the_same_records_and_problems(tmp_path, monkeypatch):
    """With a second process parsing half of the files (generator/speed/parallel.py), validation finds the
    same records and the same located problems, wherever the files stand."""
    import shutil

    from mkdocs_campus.speed import parallel
    from mkdocs_campus.catalogue.validate import validate_catalogue

    root = shutil.copytree(FIXTURES / "mini" / "catalogue", tmp_path / "catalogue")
    broken = {"tools/zz-syntaxe.yml": "title: Outil\nsummary: [pas fermé\n",
              "tools/zz-champ.yml": "title: Outil\nsummary: Court.\nkind: sheet\nthemes: [facilitation]\n"
                                    "published: 2024-01-01\nsources: [article-campus]\ncouleur: bleu\n",
              "trainings/zz-ref.yml": (root / "trainings" / "hostile.yml").read_text(encoding="utf-8")
              .replace("themes: [", "themes: [inconnue, ", 1),
              "communities/aa-double.yml": "title: A\ntitle: B\n",
              "interventions/zz-tab.yml": "title:\tx\n"}
    for name, text in broken.items():
        (root / name).write_text(text, encoding="utf-8")
    results = {}
    for setting in ("0", "1"):
        monkeypatch.setenv(parallel.ENV_VAR, setting)
        valid, problems = validate_catalogue(root, tmp_path, prefetch=parallel.prefetcher)
        results[setting] = ([(x.id, x.type, x.path, x.record) for x in valid.records],
                            (valid.themes, valid.organisations, valid.sources), problems)
    assert results["1"] == results["0"]
    records, _, problems = results["1"]
    assert len(records) > 5
    assert {p.path for p in problems} >= {f"catalogue/{name}" for name in broken}


def test_pages_asked_out_of_order_get_their_own_text(monkeypatch):
    """The render worker sends pages in the plan's order; a page asked for before its turn (or
    after others) still gets its own text, not the next one sent."""
    from types import SimpleNamespace

    from mkdocs_campus.speed import parallel

    monkeypatch.setenv(parallel.ENV_VAR, "1")
    plan = {f"page-{i}.md": (lambda i=i: SimpleNamespace(text=f"texte {i}")) for i in range(40)}
    pages = parallel.BackgroundPages(plan)
    try:
        for i in [39, 0, 17, 1, 38, *range(2, 17), *range(18, 38)]:
            assert pages.text(f"page-{i}.md") == f"texte {i}"
    finally:
        pages.close()


def test_open_data_and_feed_computed_by_the_worker_are_the_same_files(tmp_path):
    """Under `mkdocs build` the exports and the Atom feed come from the forked worker (after its
    pages in a cold build, alone when the pages come from the cache): the same bytes as when
    this process computes them, which a reader can parse."""
    import csv
    import io
    import json
    import xml.etree.ElementTree as ET

    from conftest import copy_project

    project = copy_project(FIXTURES / "mini", tmp_path / "project")
    config = project / "mkdocs.yml"
    sequential, _ = _build(config, tmp_path / "sequential", "0")
    cold, _ = _build(config, tmp_path / "cold", "1", CAMPUS_CACHE_DIR=str(tmp_path / "cache"))
    incremental, log = _build(config, tmp_path / "incremental", "1", CAMPUS_CACHE_DIR=str(tmp_path / "cache"))
    assert "exports" not in sequential["memory_mb"] and "exports_worker" not in sequential["memory_mb"]
    assert "render_worker" in cold["memory_mb"] and "exports.wait" in cold["wall"]
    assert re.search(r"Campus : \d+ pages? reprises? du cache, 0 page rendue\b", log)
    assert "exports_worker" in incremental["memory_mb"] and "exports.wait" in incremental["wall"]
    one = _site_files(tmp_path / "sequential")
    data = [name for name in one if name.startswith("donnees/") and not name.endswith(".html")] + ["feed.xml"]
    assert len(data) > 10
    for built in ("cold", "incremental"):
        two = _site_files(tmp_path / built)
        assert sorted(one) == sorted(two)
        assert [name for name in one if one[name] != two[name]] == []
    records = json.loads(one["donnees/campus.json"])["records"]
    rows = list(csv.DictReader(io.StringIO(one["donnees/community.csv"].decode("utf-8"))))
    assert {row["id"] for row in rows} == {r["id"] for r in records if r["type"] == "community"} != set()
    assert len(ET.fromstring(one["feed.xml"]).findall("{http://www.w3.org/2005/Atom}entry")) > 0


_FAULTY_BUILD = """
import os, sys, time
from pathlib import Path
from mkdocs.__main__ import cli
from mkdocs.exceptions import PluginError
from mkdocs_campus.adapter import plugin
from mkdocs_campus.outputs import render

builder, pid_file, mode = os.getpid(), Path(sys.argv[1]), sys.argv[2]

def data_files(self, *args, **kwargs):
    pid_file.write_text(str(os.getpid()))
    if mode == "exports":
        raise PluginError("Données ouvertes : panne simulée")
    time.sleep(120)  # a worker still busy when the build fails

def on_env(self, env, config, files):
    if os.getpid() == builder and mode == "build":
        time.sleep(1)  # the worker has started on the exports
        raise PluginError("Arrêt simulé de la construction")
    return original(self, env, config, files)

original = plugin.CampusPlugin.on_env
render.SiteRenderer.data_files = data_files
plugin.CampusPlugin.on_env = on_env
sys.argv = ["mkdocs", "build", "--strict", "-q", *sys.argv[3:]]
cli()
"""


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False


@pytest.mark.parametrize("mode", ["exports", "build"])
def test_a_failure_beside_the_worker_fails_the_build_in_one_line_and_stops_the_worker(tmp_path, mode):
    """The exports failing in the worker fail the build with their own one-line error, as when
    this process computes them; the build failing while the worker is busy stops the worker."""
    import subprocess
    import sys
    import time

    from conftest import BUILD_ENV

    results = {}
    for setting in ("0", "1") if mode == "exports" else ("1",):
        pid_file = tmp_path / f"pid-{setting}"
        start = time.monotonic()
        result = subprocess.run([sys.executable, "-c", _FAULTY_BUILD, str(pid_file), mode,
                                 "-f", str(FIXTURES / "mini" / "mkdocs.yml"), "-d", str(tmp_path / f"site-{setting}")],
                                capture_output=True, text=True, timeout=100, cwd=ROOT,
                                env={**BUILD_ENV, "CAMPUS_PARALLEL": setting})
        assert time.monotonic() - start < 60
        worker = int(pid_file.read_text())
        assert not _running(worker)
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        results[setting] = [line for line in result.stderr.splitlines() if line.strip()]
    expected = "Données ouvertes : panne simulée" if mode == "exports" else "Arrêt simulé de la construction"
    assert results["1"] == [f"ERROR   -  {expected}"]  # the whole of stderr (-q): one line
    if mode == "exports":
        assert results["0"] == results["1"]
