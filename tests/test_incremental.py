"""An incremental build (the previous build's cache folder given) writes exactly the site a cold
build writes, byte for byte, whatever changed; and it really reuses the pages that did not change."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import BUILD_ENV, FIXTURES, ROOT, build_site, copy_project, parse

REUSED = re.compile(r"Campus : (\d+) pages? reprises? du cache, (\d+) pages? rendues?")
REUSED_RECORDS = re.compile(r"Campus : (\d+) fiches? reprises? du cache, (\d+) fiches? lues?")


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _assert_same_site(cold: Path, incremental: Path) -> None:
    a, b = _files(cold), _files(incremental)
    assert sorted(a) == sorted(b), set(a) ^ set(b)
    different = [name for name in a if a[name] != b[name]]
    assert not different, different


@pytest.fixture(scope="module")
def warm(tmp_path_factory):
    """A copy of the mini project (with its own theme) and the cache folder of its first build."""
    base = tmp_path_factory.mktemp("incremental")
    project = copy_project(FIXTURES / "mini", base / "project")
    shutil.copytree(ROOT / "theme", project / "theme")
    config = project / "mkdocs.yml"  # its own theme, named relative to the project, like the catalogue
    config.write_text(config.read_text(encoding="utf-8").replace(f"custom_dir: {ROOT / 'theme'}", "custom_dir: theme"),
                      encoding="utf-8")
    cache = base / "cache"
    result = build_site(config, base / "first", env={**BUILD_ENV, "CAMPUS_CACHE_DIR": str(cache)})
    assert result.returncode == 0, result.stderr
    return project, cache


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _add(project: Path) -> None:
    (project / "catalogue" / "tools" / "nouvel-outil.yml").write_text(
        "title: Un nouvel outil\nsummary: Ajouté entre deux constructions.\nkind: guide\n"
        "collection: mallette\ncommunities: [codeveloppeurs]\nthemes: [facilitation]\npublished: 2025-01-02\nsources: [article-campus]\n",
        encoding="utf-8")


def _edit_record(project: Path) -> None:  # a title shown on other records' pages, listings, site map
    _edit(project / "catalogue" / "communities" / "codeveloppeurs.yml", "title: ", "title: Nouveau nom — ")


def _edit_summary(project: Path) -> None:  # relations unchanged: the previous build's are reused
    _edit(project / "catalogue" / "tools" / "fiches-decider-autrement.yml", "summary: ", "summary: Résumé changé — ")


def _delete(project: Path) -> None:
    (project / "catalogue" / "tools" / "fiches-decider-autrement.yml").unlink()


def _rename(project: Path) -> None:
    folder = project / "catalogue" / "trainings"
    (folder / "hostile.yml").rename(folder / "hostile-renommee.yml")


def _theme(project: Path) -> None:
    _edit(project / "catalogue" / "themes.yml", "title: Facilitation", "title: Facilitation et animation")


def _template(project: Path) -> None:
    _edit(project / "theme" / "campus" / "_record.md.jinja", "{", "<!-- gabarit modifié -->\n{")


def _mkdocs_yml(project: Path) -> None:
    with (project / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("copyright: Gabarit de pied de page modifié\n")


def _content_page(project: Path) -> None:
    _edit(project / "content" / "ecoute.md", "# ", "# Nouveau titre : ")


CHANGES = {"add": (_add, True), "edit": (_edit_record, True), "summary": (_edit_summary, True), "delete": (_delete, True), "rename": (_rename, True),
           "theme": (_theme, True), "template": (_template, False), "mkdocs.yml": (_mkdocs_yml, False),
           "content page": (_content_page, False), "nothing": (lambda project: None, True)}


@pytest.mark.parametrize("change", list(CHANGES))
def test_incremental_build_equals_cold_build(warm, tmp_path, change):
    project, warm_cache = warm
    project = shutil.copytree(project, tmp_path / "project")
    config = project / "mkdocs.yml"
    cache = shutil.copytree(warm_cache, tmp_path / "cache")
    apply, some_reused = CHANGES[change]
    apply(project)
    cold = build_site(config, tmp_path / "cold")
    assert cold.returncode == 0, cold.stderr
    incremental = build_site(config, tmp_path / "incremental", env={**BUILD_ENV, "CAMPUS_CACHE_DIR": str(cache)})
    assert incremental.returncode == 0, incremental.stderr
    _assert_same_site(tmp_path / "cold", tmp_path / "incremental")
    reused, rendered = map(int, REUSED.search(incremental.stderr).groups())
    # Each unchanged record file's validation is reused (generator/speed/cache.py RecordMemo), whatever changed.
    records_reused, records_read = map(int, REUSED_RECORDS.search(incremental.stderr).groups())
    assert records_reused > 0 and records_read == (1 if change in ("add", "edit", "summary", "rename") else 0), incremental.stderr
    if some_reused:  # a record or reference list changed: the pages that do not show it are reused
        assert reused > 0 and rendered > 0 if change != "nothing" else rendered == 0, incremental.stderr
    else:  # templates, configuration or hand-written pages changed: everything is rendered again
        assert reused == 0, incremental.stderr


def test_cache_option_in_mkdocs_yml_and_a_corrupt_cache(tmp_path):
    """`cache_dir` in mkdocs.yml works like the variable; a damaged manifest only means a cold build."""
    project = copy_project(FIXTURES / "mini", tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "plugins:\n  - campus:\n      cache_dir: .cache-campus\n",
                      encoding="utf-8")
    assert build_site(config, tmp_path / "one").returncode == 0
    manifest = project / ".cache-campus" / "manifest.json"
    assert manifest.is_file()
    second = build_site(config, tmp_path / "two")
    assert REUSED.search(second.stderr).group(2) == "0", second.stderr
    manifest.write_text("{pas du json", encoding="utf-8")
    third = build_site(config, tmp_path / "three")
    assert third.returncode == 0 and REUSED.search(third.stderr).group(1) == "0", third.stderr
    _assert_same_site(tmp_path / "one", tmp_path / "three")


def _related_titles(site: Path, page: str) -> list[str]:
    soup = parse(site / page)
    heading = next(h for h in soup.select("article h2") if "Ressources proches" in h.get_text())
    return [title.get_text(strip=True) for title in heading.find_next("ul").select(".campus-card__title")]


def test_kept_relations_are_laid_on_the_new_records_unless_damaged(warm, tmp_path):
    """An incremental build takes the relations (links, related resources, order) from the cache
    folder while no title, theme or link changed: a related list altered there shows on the page
    of an edited record, which proves the file is read; a damaged file means they are computed."""
    project, warm_cache = warm
    project = shutil.copytree(project, tmp_path / "project")
    config = project / "mkdocs.yml"
    cache = shutil.copytree(warm_cache, tmp_path / "cache")
    _edit_summary(project)
    kept = json.loads((cache / "relations.json").read_text(encoding="utf-8"))
    related = kept["related"]["fiches-decider-autrement"]
    assert len(related) > 1
    kept["related"]["fiches-decider-autrement"] = related[::-1]
    (cache / "relations.json").write_text(json.dumps(kept), encoding="utf-8")
    env = {**BUILD_ENV, "CAMPUS_CACHE_DIR": str(cache)}
    assert build_site(config, tmp_path / "cold").returncode == 0
    assert build_site(config, tmp_path / "altered", env=env).returncode == 0
    page = "outils/fiches-decider-autrement/index.html"
    cold = _related_titles(tmp_path / "cold", page)
    assert _related_titles(tmp_path / "altered", page) == cold[::-1] != cold

    del kept["related"]["fiches-decider-autrement"]  # same shape, but not these records' relations
    (cache / "relations.json").write_text(json.dumps(kept), encoding="utf-8")
    shutil.rmtree(cache / "html")  # every page rendered again
    assert build_site(config, tmp_path / "damaged", env=env).returncode == 0
    _assert_same_site(tmp_path / "cold", tmp_path / "damaged")
