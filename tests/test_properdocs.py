"""The site builds with ProperDocs (the maintained MkDocs 1.6 fork) exactly as with MkDocs.

Builder continuity after mkdocs-material's end of life (README, « Builder continuity »): the
same mkdocs.yml, plugin and theme, built by `properdocs build`, give the same files with the same
bytes; the only difference allowed is the generator tag each builder writes into every page
(<meta name="generator" content="mkdocs-1.6.1, …"> against "mkdocs-ProperDocs 1.6.7, …").
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import BUILD_ENV, FIXTURES, ROOT, build_site

GENERATOR_TAG = re.compile(rb'<meta name="generator" content="[^"<>]*">')


def build_with_properdocs(config: Path, out: Path) -> subprocess.CompletedProcess:
    """`properdocs build --strict` of a config into `out`, as `make site-properdocs` runs it."""
    return subprocess.run([sys.executable, "-m", "properdocs", "build", "--strict", "-f", str(config),
                           "-d", str(out)], capture_output=True, text=True, env=BUILD_ENV, cwd=config.parent)


def _files(site: Path) -> set[Path]:
    return {p.relative_to(site) for p in site.rglob("*") if p.is_file()}


def _generator(page: Path) -> str:
    meta = BeautifulSoup(page.read_bytes(), "html5lib").find("meta", attrs={"name": "generator"})
    return meta["content"] if meta else ""


@pytest.fixture(scope="module", params=["real", "mini"])
def both_builds(request, tmp_path_factory, real_site):
    config = ROOT / "mkdocs.yml" if request.param == "real" else FIXTURES / "mini" / "mkdocs.yml"
    if request.param == "real":
        with_mkdocs = real_site
    else:
        with_mkdocs = tmp_path_factory.mktemp("mini-mkdocs")
        result = build_site(config, with_mkdocs)
        assert result.returncode == 0, result.stderr
    with_properdocs = tmp_path_factory.mktemp(f"{request.param}-properdocs")
    result = build_with_properdocs(config, with_properdocs)
    assert result.returncode == 0, result.stderr
    # --strict: a warning would have failed the build; nothing else worth a reader's attention either.
    assert "WARNING" not in result.stderr and "Traceback" not in result.stderr, result.stderr
    return with_mkdocs, with_properdocs


def test_properdocs_builds_the_same_pages(both_builds):
    with_mkdocs, with_properdocs = both_builds
    files = _files(with_mkdocs)
    assert files == _files(with_properdocs)
    assert Path("index.html") in files and Path("pagefind/pagefind.js") in files


def test_properdocs_output_is_byte_identical_apart_from_the_generator_tag(both_builds):
    with_mkdocs, with_properdocs = both_builds
    different = [str(f) for f in sorted(_files(with_mkdocs))
                 if GENERATOR_TAG.sub(b"", (with_mkdocs / f).read_bytes())
                 != GENERATOR_TAG.sub(b"", (with_properdocs / f).read_bytes())]
    assert different == []


def test_each_page_names_the_builder_that_made_it(both_builds):
    with_mkdocs, with_properdocs = both_builds
    assert _generator(with_mkdocs / "index.html").startswith("mkdocs-1.6.")
    assert _generator(with_properdocs / "index.html").startswith("mkdocs-ProperDocs 1.6.")
    assert "mkdocs-material" in _generator(with_properdocs / "index.html")
